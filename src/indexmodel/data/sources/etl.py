"""Build the tidy peer tables from the official workbooks and the published tables.

``run_etl(source_dir, out_dir, published_dir)`` reads ``source_dir/pci`` (the PCI
workbooks and their ``layout_guide.csv``), ``source_dir/papi`` (the PAPI workbook) and,
if given, ``published_dir``; it writes ``components.csv``, ``results.csv`` and (with
``published_dir``) ``region_means.csv`` into ``out_dir``.

Writing is atomic: every table is written into a temporary folder beside ``out_dir``
and read back through :mod:`indexmodel.data.peers` (every check an analyst file gets); only
then are the files moved into place. On any error nothing in ``out_dir`` changes.
Output is deterministic: rows sorted, floats written as Python's shortest round-trip
``repr``, UTF-8, ``\\n`` line ends, so two runs give byte-identical files.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ...core.errors import InputFileError
from .. import peers
from . import official_papi, official_pci, published

SORT_KEYS = {
    peers.COMPONENTS_FILE: ["index", "year", "province", "component"],
    peers.RESULTS_FILE: ["index", "year", "province"],
    peers.REGION_MEANS_FILE: ["index", "year", "region"],
}
COLUMNS = {
    peers.COMPONENTS_FILE: peers.PEER_COLUMNS,
    peers.RESULTS_FILE: peers.RESULT_COLUMNS,
    peers.REGION_MEANS_FILE: peers.REGION_COLUMNS,
}
LOADERS = {
    peers.COMPONENTS_FILE: peers.load_peers,
    peers.RESULTS_FILE: peers.load_results,
    peers.REGION_MEANS_FILE: peers.load_region_means,
}


def supersede(older: pd.DataFrame, newer: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``older`` with every row that ``newer`` also holds (same ``keys``) replaced by newer's."""
    if older.empty:
        return newer
    if newer.empty:
        return older
    new_keys = set(map(tuple, newer[keys].to_numpy().tolist()))
    keep = [tuple(k) not in new_keys for k in older[keys].to_numpy().tolist()]
    return pd.concat([older[keep], newer], ignore_index=True)


def build_tables(source_dir: str | Path, published_dir: str | Path | None = None,
                 recent_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The tidy tables (file name → frame), unsorted and unwritten."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise InputFileError("source folder not found", file=source_dir)
    comps, results = [], []
    for year in official_pci.read_all(source_dir / "pci"):
        comps.append(year.components)
        results.append(year.results)
    for year in official_papi.read_all(source_dir / "papi"):
        comps.append(year.components)
        results.append(year.results)
    tables = {}
    if published_dir is not None:
        pub = Path(published_dir)
        results.append(published.read_anchors(pub / published.ANCHORS_FILE))
        top_comps, top_results = published.read_pci_top(pub / published.TOP_FILE)
        comps.append(top_comps)
        results.append(top_results)
        tables[peers.REGION_MEANS_FILE] = published.read_region_means(pub / published.REGION_MEANS_FILE)
    results = pd.concat(results, ignore_index=True)
    if recent_dir is not None:
        rec = Path(recent_dir)
        # the recent anchors supersede the older file's rows for the same province-year
        # (Bình Định PCI 2023: 67.45 under the 2022 weights, not 66.26; Quảng Ninh PAR INDEX 2023)
        results = supersede(results, published.read_anchors(rec / published.RECENT_ANCHORS_FILE),
                            ["index", "year", "province"])
        means = published.read_region_means(rec / published.RECENT_REGION_MEANS_FILE)
        tables[peers.REGION_MEANS_FILE] = supersede(
            tables.get(peers.REGION_MEANS_FILE, means.iloc[0:0]), means, ["index", "year", "region"])
    tables[peers.COMPONENTS_FILE] = pd.concat(comps, ignore_index=True)
    tables[peers.RESULTS_FILE] = results
    return tables


def _cell(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return str(value)


def write_table(frame: pd.DataFrame, path: Path, name: str) -> None:
    """Write one table sorted, with deterministic formatting."""
    columns = list(COLUMNS[name])
    frame = frame.reindex(columns=columns)
    for col in ("year", "rank", "ranked_provinces"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    frame = frame.sort_values(SORT_KEYS[name], kind="mergesort").reset_index(drop=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for rec in frame.itertuples(index=False, name=None):
            writer.writerow([_cell(v) for v in rec])


def run_etl(source_dir: str | Path, out_dir: str | Path, published_dir: str | Path | None = None,
            recent_dir: str | Path | None = None) -> list[Path]:
    """Rebuild the tidy tables in ``out_dir``; return the paths written."""
    tables = build_tables(source_dir, published_dir, recent_dir)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-etl-", dir=out_dir.parent))
    try:
        for name, frame in tables.items():
            write_table(frame, tmp / name, name)
            LOADERS[name](tmp / name)  # the written table must pass every check
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in tables:
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
