"""Where the project's data, reports and figures live.

The package is installed in editable mode from its repository (see README), so the
tidy tables under ``data/`` sit beside ``src/``. ``INDEXMODEL_DATA`` overrides the
data folder, ``INDEXMODEL_HOME`` the folder that receives ``reports/`` and ``figures/``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    return Path(os.environ.get("INDEXMODEL_DATA", REPO_ROOT / "data"))


def home_dir() -> Path:
    return Path(os.environ.get("INDEXMODEL_HOME", REPO_ROOT))


def specs_dir() -> Path:
    return data_dir() / "specs"


def plan_dir() -> Path:
    return data_dir() / "plan"


def peers_dir() -> Path:
    return data_dir() / "peers"


def population_dir() -> Path:
    return data_dir() / "population"
