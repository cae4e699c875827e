"""Synthetic releases on the two maps, for tests only (never analysis): 34 provincial units
of an index year from 2025, and the 63 provinces of 2024 before them.

Values are drawn from a seeded generator inside each component's range; nothing here is
a real score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indexmodel.data.provinces import all_provinces
from indexmodel.data.spec import load_specs

RANGES = {"pci": (4.0, 8.5), "papi": (3.0, 8.0)}


def release(year: int, indices=("pci", "papi"), seed: int = 2025, shift: float = 0.0) -> pd.DataFrame:
    """Every province or unit of ``year``'s map × the top components of each index."""
    book = load_specs()
    rng = np.random.default_rng(seed + year)
    rows = []
    for index in indices:
        spec = book.spec_for(index, year)
        lo, hi = RANGES[index]
        for p in all_provinces(year):
            for c in spec.top_components:
                value = round(float(rng.uniform(lo, hi)) + shift, 2)
                rows.append(dict(index=index, year=year, province=p.name_vi, component=c,
                                 value=value, source=f"synthetic test release {year}"))
    return pd.DataFrame(rows)


def write_release(path: Path, years=(2025,), indices=("pci", "papi"), seed: int = 2025) -> Path:
    frame = pd.concat([release(y, indices, seed) for y in years], ignore_index=True)
    frame.to_csv(path, index=False)
    return path
