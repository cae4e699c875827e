"""Build the tidy tables from the official workbooks and the published tables.

``run_etl(source_dir, out_dir, published_dir)`` reads four inputs (:data:`INPUTS`):

``official``
    ``source_dir/pci`` (the PCI workbooks and their ``layout_guide.csv``) and
    ``source_dir/papi`` (the PAPI workbook): PCI 2005-2014, PAPI 2011-2014;
``published``
    ``published_dir`` (default ``source_dir/../published``): the scattered anchors, the
    partial PCI tables of 2019 and 2021, regional means;
``recent``
    ``published_dir/recent``: PCI sub-indices 2015-2021 and composites 2015-2023, the
    2022-2023 province profiles, PAPI dimensions and totals 2015-2023, the 2023-2024
    anchors and means (:mod:`indexmodel.data.sources.recent`);
``population``
    ``published_dir/population``: GSO's average population by province, 2011-2024.

It writes ``components.csv``, ``results.csv``, ``region_means.csv`` and
``reconciliation.csv`` (every figure two sources give, which is kept and whether they
agree: :mod:`indexmodel.data.sources.reconcile`) into ``out_dir``, and
``population.csv`` into ``population_out`` (default ``out_dir/../population``).

An expected input that is missing stops the ETL before anything is written, naming it,
unless the caller says to go without it (``without``, the CLI's ``--without NAME``):
a reduced table is then never written by accident. A table none of whose inputs is read
is not written (and :func:`run_etl` does not list it).

Writing is atomic: every table is written into a temporary folder beside ``out_dir``
and read back through the loaders (every check an analyst file gets); only then are the
files moved into place. On any error nothing changes. Output is deterministic: rows
sorted, floats written as Python's shortest round-trip ``repr``, UTF-8, ``\\n`` line
ends, so two runs give byte-identical files.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from ...core.errors import InputFileError, UsageError
from .. import peers, population
from . import official_papi, official_pci, published, recent, reconcile

RECONCILIATION_FILE = "reconciliation.csv"
POPULATION_FILE = population.FILE


@dataclass(frozen=True)
class Input:
    name: str
    what: str
    files: tuple[str, ...]


#: The inputs the ETL expects, by the name ``--without`` takes.
INPUTS = {
    "official": Input("official", "the official PCI and PAPI workbooks (--source)",
                      ("pci/layout_guide.csv", "papi")),
    "published": Input("published", "the published tables (--published)",
                       (published.ANCHORS_FILE, published.TOP_FILE, published.REGION_MEANS_FILE)),
    "recent": Input("recent", "the recent published tables (published/recent)",
                    (recent.PCI_COMPONENTS_FILE, recent.PCI_RESULTS_FILE, recent.PCI_PROFILES_FILE,
                     recent.PAPI_DIMENSIONS_FILE, recent.PAPI_RESULTS_FILE,
                     published.RECENT_ANCHORS_FILE, published.RECENT_REGION_MEANS_FILE)),
    "population": Input("population", "GSO's population by province (published/population)",
                        (population.SHARED_FILE,)),
}

SORT_KEYS = {
    peers.COMPONENTS_FILE: ["index", "year", "province", "component"],
    peers.RESULTS_FILE: ["index", "year", "province"],
    peers.REGION_MEANS_FILE: ["index", "year", "region"],
    RECONCILIATION_FILE: reconcile.SORT_KEYS,
    POPULATION_FILE: ["province", "year"],
}
COLUMNS = {
    peers.COMPONENTS_FILE: peers.PEER_COLUMNS,
    peers.RESULTS_FILE: peers.RESULT_COLUMNS,
    peers.REGION_MEANS_FILE: peers.REGION_COLUMNS,
    RECONCILIATION_FILE: reconcile.COLUMNS,
    POPULATION_FILE: population.COLUMNS,
}


def _check_reconciliation(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, keep_default_na=False)
    if tuple(frame.columns) != reconcile.COLUMNS:
        raise InputFileError("unexpected columns", file=path, row=1)
    return frame


LOADERS = {
    peers.COMPONENTS_FILE: peers.load_peers,
    peers.RESULTS_FILE: peers.load_results,
    peers.REGION_MEANS_FILE: peers.load_region_means,
    RECONCILIATION_FILE: _check_reconciliation,
    POPULATION_FILE: population.load_population,
}


def input_dirs(source_dir: str | Path, published_dir: str | Path | None = None) -> dict[str, Path]:
    """Where each input is looked for (the defaults of :func:`run_etl`)."""
    source_dir = Path(source_dir)
    pub = Path(published_dir) if published_dir is not None else source_dir.parent / "published"
    return {"official": source_dir, "published": pub, "recent": pub / "recent",
            "population": pub / "population"}


def check_inputs(dirs: dict[str, Path], without: Iterable[str] = ()) -> None:
    """Refuse, naming it, any expected input that is missing (unless it is in ``without``)."""
    without = set(without)
    unknown = sorted(without - set(INPUTS))
    if unknown:
        raise UsageError(f"unknown input to go without: {', '.join(unknown)}",
                         hint="one of " + ", ".join(INPUTS))
    for name, spec in INPUTS.items():
        if name in without:
            continue
        folder = dirs[name]
        if not folder.is_dir():
            raise InputFileError(f"expected input '{name}' is missing: no folder here ({spec.what})",
                                 file=folder, hint=f"give it, or run with --without {name}")
        for rel in spec.files:
            if not (folder / rel).exists():
                raise InputFileError(f"expected input '{name}' is incomplete: {rel} is missing "
                                     f"({spec.what})", file=folder / rel,
                                     hint=f"give it, or run with --without {name}")


def build_tables(source_dir: str | Path, published_dir: str | Path | None = None,
                 recent_dir: str | Path | None = None, population_dir: str | Path | None = None,
                 *, without: Iterable[str] = ()) -> dict[str, pd.DataFrame]:
    """The tidy tables (file name → frame), unsorted and unwritten.

    ``published_dir``, ``recent_dir`` and ``population_dir`` default as in
    :func:`input_dirs`; every input not in ``without`` must be there.
    """
    dirs = input_dirs(source_dir, published_dir)
    if recent_dir is not None:
        dirs["recent"] = Path(recent_dir)
    if population_dir is not None:
        dirs["population"] = Path(population_dir)
    without = set(without)
    check_inputs(dirs, without)
    comps, results, means = [], pd.DataFrame(columns=list(peers.RESULT_COLUMNS)), None
    log: list[dict] = []
    tables: dict[str, pd.DataFrame] = {}
    if "official" not in without:
        official = []
        for year in official_pci.read_all(dirs["official"] / "pci"):
            comps.append(year.components)
            official.append(year.results)
        for year in official_papi.read_all(dirs["official"] / "papi"):
            comps.append(year.components)
            official.append(year.results)
        results = pd.concat(official, ignore_index=True)
    if "published" not in without:
        pub = dirs["published"]
        results = _lay(results, published.read_anchors(pub / published.ANCHORS_FILE), log)
        top_comps, top_results = published.read_pci_top(pub / published.TOP_FILE)
        comps.append(top_comps)
        results = _lay(results, top_results, log)
        means = published.read_region_means(pub / published.REGION_MEANS_FILE)
    if "recent" not in without:
        rec = dirs["recent"]
        rec_comps = [recent.read_components(rec / recent.PCI_COMPONENTS_FILE),
                     recent.read_components(rec / recent.PAPI_DIMENSIONS_FILE)]
        profile_comps, profile_results = recent.read_profiles(rec / recent.PCI_PROFILES_FILE)
        rec_comps.append(profile_comps)
        pci_results = recent.read_results(rec / recent.PCI_RESULTS_FILE)
        papi_results = recent.read_results(rec / recent.PAPI_RESULTS_FILE)
        # a VCCI province profile is the primary source of its figures
        pci_results = _lay(pci_results, profile_results, log)
        papi_file = rec / recent.PAPI_RESULTS_FILE
        unranked = recent.unranked_rows(rec_comps[1], papi_results, "papi",
                                        f"{papi_file.name} (no total for the province that year; "
                                        f"dimensions from {recent.PAPI_DIMENSIONS_FILE})")
        new_comps = pd.concat(rec_comps, ignore_index=True)
        older = pd.concat(comps, ignore_index=True) if comps else new_comps.iloc[0:0]
        log += reconcile.compare_components(older, new_comps)
        comps = [reconcile.supersede(older, new_comps, SORT_KEYS[peers.COMPONENTS_FILE])]
        results = _lay(results, pd.concat([pci_results, papi_results, unranked], ignore_index=True), log)
        # the recent anchors supersede the older file's rows (Bình Định PCI 2023: 67.45
        # under the weights in force from 2022, not 66.26; Quảng Ninh PAR INDEX 2023)
        results = _lay(results, published.read_anchors(rec / published.RECENT_ANCHORS_FILE), log)
        new_means = published.read_region_means(rec / published.RECENT_REGION_MEANS_FILE)
        means = new_means if means is None else reconcile.supersede(
            means, new_means, SORT_KEYS[peers.REGION_MEANS_FILE])
    if comps:
        tables[peers.COMPONENTS_FILE] = pd.concat(comps, ignore_index=True)
    if len(results):
        tables[peers.RESULTS_FILE] = results
        log += reconcile.order_conflicts(results)
    if means is not None:
        tables[peers.REGION_MEANS_FILE] = means
        log += reconcile.compare_means(means, results)
    if {"published", "recent"} - without:
        tables[RECONCILIATION_FILE] = reconcile.table(log)
    if "population" not in without:
        tables[POPULATION_FILE] = population.load_population(dirs["population"] / population.SHARED_FILE)
    return tables


def _lay(older: pd.DataFrame, newer: pd.DataFrame, log: list[dict]) -> pd.DataFrame:
    """``newer`` laid over ``older`` (result rows), each shared figure compared into ``log``."""
    log += reconcile.compare_results(older, newer)
    return reconcile.supersede(older, newer, SORT_KEYS[peers.RESULTS_FILE])


def _cell(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return str(value)


def write_table(frame: pd.DataFrame, path: Path, name: str) -> None:
    """Write one table sorted, with deterministic formatting; the peer and result tables
    also name each province in Vietnamese (``name_vi``, last: the canonical English name
    stays the key)."""
    columns = list(COLUMNS[name])
    frame = frame.reindex(columns=columns)
    if name in (peers.COMPONENTS_FILE, peers.RESULTS_FILE):
        columns.append("name_vi")
        frame = frame.assign(name_vi=[_name_vi(p) for p in frame["province"]])
    for col in ("year", "rank", "ranked_provinces", "population"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    frame = frame.sort_values(SORT_KEYS[name], kind="mergesort").reset_index(drop=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for rec in frame.itertuples(index=False, name=None):
            writer.writerow([_cell(v) for v in rec])


def _name_vi(province) -> str:
    from ..provinces import resolve

    if not isinstance(province, str) or not province:
        return ""
    try:
        return resolve(province).name_vi
    except Exception:  # a region or a label that is not a province: no Vietnamese name to add
        return ""


def run_etl(source_dir: str | Path, out_dir: str | Path, published_dir: str | Path | None = None,
            recent_dir: str | Path | None = None, *, population_dir: str | Path | None = None,
            population_out: str | Path | None = None, without: Iterable[str] = ()) -> list[Path]:
    """Rebuild the tidy tables in ``out_dir`` (population in ``population_out``, default
    ``out_dir/../population``); return the paths written."""
    tables = build_tables(source_dir, published_dir, recent_dir, population_dir, without=without)
    out_dir = Path(out_dir)
    targets = {name: out_dir / name for name in tables}
    if POPULATION_FILE in tables:
        targets[POPULATION_FILE] = (Path(population_out) if population_out is not None
                                    else out_dir.parent / "population") / POPULATION_FILE
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-etl-", dir=out_dir.parent))
    try:
        for name, frame in tables.items():
            write_table(frame, tmp / name, name)
            LOADERS[name](tmp / name)  # the written table must pass every check
        for target in targets.values():
            target.parent.mkdir(parents=True, exist_ok=True)
        staged = {}
        for name, target in targets.items():
            staged[name] = tmp / name
            if os.stat(tmp).st_dev != os.stat(target.parent).st_dev:  # another file system
                staged[name] = target.parent / f".{target.name}.etl-{os.getpid()}"
                shutil.copyfile(tmp / name, staged[name])
        written = []
        for name, target in targets.items():
            os.replace(staged[name], target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
