"""Reports: what a notebook shows (``views``, one module per notebook family), the
figures (``plots``) and the yearly run that executes the notebooks and puts the HTML
reports in place (``runner``), with the index page and manifest it writes
(``contents``). Imports from every layer below (``core``, ``data``, ``model``,
``analysis``), never from ``cli``.

The yearly run's names are importable from here, as from the old ``indexmodel.report``
module: ``from indexmodel.report import run, PARAMETERS_CELL``.
"""

from .runner import (COMMIT_MARKER, DEFAULT_PROVINCE, DEFAULT_SEED, DEFAULT_SIMS, DEV_TAG, FAILED,
                     INDEX_PAGE, KERNEL_NAME, MANIFEST, MAX_WORKERS, NOTEBOOKS_DIR,
                     PARAMETER_NAMES, PARAMETERS_CELL, STAGING, NotebookFailedError, NotebookRun,
                     Progress, RunPlan, RunResult, default_workers, kernel_manager_class,
                     list_notebooks, main_run, prepare, run, slug, staging_root)
from .contents import sha256

__all__ = [
    "COMMIT_MARKER", "DEFAULT_PROVINCE", "DEFAULT_SEED", "DEFAULT_SIMS", "DEV_TAG", "FAILED",
    "INDEX_PAGE", "KERNEL_NAME", "MANIFEST", "MAX_WORKERS", "NOTEBOOKS_DIR", "PARAMETER_NAMES",
    "PARAMETERS_CELL", "STAGING", "NotebookFailedError", "NotebookRun", "Progress", "RunPlan",
    "RunResult", "default_workers", "kernel_manager_class", "list_notebooks", "main_run",
    "prepare", "run", "sha256", "slug", "staging_root",
]
