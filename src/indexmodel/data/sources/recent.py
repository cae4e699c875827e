"""Read the recent published tables gathered in ``shared/data/published/recent``.

- ``pci_components_2015_2021.csv``: the ten PCI sub-indices of every province, 2015-2021;
- ``pci_results_2015_2023.csv``: PCI composites and ranks, every province 2015-2022,
  and the 2023 rows found (VCCI publishes its top 30 only from 2023; derived rows are
  flagged in their note);
- ``pci_2022_2023_subindices.csv``: the province profiles of 2022-2023 found (ten
  sub-indices, with the composite and rank stored as components ``pci`` and ``rank``:
  they are split out into result rows here);
- ``papi_dimensions_2015_2023.csv`` and ``papi_results_2015_2023.csv``: PAPI dimensions
  (six to 2017, eight from 2018) and totals with their ranks;
- ``anchors_2023_2024.csv`` and ``region_means_2023_2024.csv``: read by
  :mod:`indexmodel.data.sources.published` (the same columns as the older tables).

Every table goes through the checks an analyst's file gets
(:func:`indexmodel.data.peers.load_peers`, :func:`~indexmodel.data.peers.load_results`):
an unknown or duplicated province, a component not in the year's spec, a value out of
range is refused with the file, the spreadsheet row and the reason.

Gaps are real and load: a PAPI province-year whose dimensions are incomplete (2018:
Quảng Ninh and Đồng Tháp 6 of 8; 2022: Bắc Giang and Bắc Ninh 4 of 8) or absent (2021:
Bắc Giang, Bắc Ninh, Quảng Ninh; 2023: Quảng Ninh, Bình Dương) gets a result row with no
composite and no rank, and a note saying why it is unranked (:func:`unranked_rows`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...core.errors import InputFileError
from .. import peers
from ..provinces import all_provinces
from ..spec import load_specs
from .tables import read_table, text

PCI_COMPONENTS_FILE = "pci_components_2015_2021.csv"
PCI_RESULTS_FILE = "pci_results_2015_2023.csv"
PCI_PROFILES_FILE = "pci_2022_2023_subindices.csv"
PAPI_DIMENSIONS_FILE = "papi_dimensions_2015_2023.csv"
PAPI_RESULTS_FILE = "papi_results_2015_2023.csv"
#: The profile file's rows that are not sub-indices: the composite and the rank.
PROFILE_RESULT_ROWS = ("pci", "rank")


def read_components(path: str | Path) -> pd.DataFrame:
    """A recent component table (index … value, source), checked like an analyst's file."""
    return peers.load_peers(path)


def read_results(path: str | Path) -> pd.DataFrame:
    """A recent results table (index … note, source), checked like an analyst's file."""
    return peers.load_results(path)


def read_profiles(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(component rows, result rows) of the PCI 2022-2023 province profiles.

    The file stores each profile's composite and rank as the components ``pci`` and
    ``rank``; they become one result row per profile (its note says it comes from the
    province profile). The sub-index rows are checked as an analyst's peer file is;
    a profile with a rank but no composite (or the reverse) is refused.
    """
    path = Path(path)
    table = read_table(path, peers.PEER_COLUMNS[:5], optional=("source",))
    check = peers._Rows(table)
    comps, seen, found = [], {}, {}
    for row, rec in table.rows:
        index = check.index(rec, row)
        year, spec = check.year(rec, row, index)
        province = check.province(rec, row, year)
        component = text(rec.get("component"))
        source = text(rec.get("source")) or check.default_source()
        if component in PROFILE_RESULT_ROWS:
            check.once(seen, (index, year, province.id, component), row,
                       text(rec.get("province")), f"{index} {year} {province.name_en} {component}")
            value = check.number(rec, row, "value", required=True)
            if component == "rank":
                if value != int(value) or not 1 <= value <= len(all_provinces(year)):
                    raise check.fail(f"rank {value:g} is not a rank among {len(all_provinces(year))} "
                                     "provinces", row, "value")
                value = int(value)
            else:
                check.in_range(value, row, "value", spec, spec.composite)
            entry = found.setdefault((index, year, province.name_en), {"row": row, "source": source})
            entry[component] = value
            continue
        cid = check.component(rec, row, spec, year)
        value = check.number(rec, row, "value", required=True)
        check.in_range(value, row, "value", spec, cid)
        check.once(seen, (index, year, province.id, cid), row, text(rec.get("province")),
                   f"{index} {year} {province.name_en} {cid}")
        comps.append((index, year, province.name_en, cid, value, source))
    results = []
    for (index, year, province), entry in sorted(found.items()):
        missing = [c for c in PROFILE_RESULT_ROWS if c not in entry]
        if missing:
            raise InputFileError(f"the {index} {year} profile of {province} gives no "
                                 + " and no ".join(missing), file=path, row=entry["row"],
                                 column="component")
        results.append((index, year, province, float(entry["pci"]), entry["rank"],
                        len(all_provinces(year)), "VCCI province profile (all ten sub-indices "
                        "published with the composite and rank)", entry["source"]))
    if not comps:
        raise InputFileError("no sub-index rows under the header", file=path, row=table.header_row)
    comp_frame = pd.DataFrame(comps, columns=list(peers.PEER_COLUMNS))
    result_frame = pd.DataFrame(results, columns=list(peers.RESULT_COLUMNS))
    return comp_frame, result_frame


def unranked_rows(components: pd.DataFrame, results: pd.DataFrame, index: str,
                  source: str) -> pd.DataFrame:
    """A result row for every province-year of ``index`` that has no total in ``results``.

    The years are those of ``results``; every province of the registry that existed in
    a year and has no total gets a row with no composite and no rank, and a note saying
    how many of the year's top components the component table holds for it.
    """
    book = load_specs()
    rows = []
    have = results[(results["index"] == index) & results["composite"].notna()]
    comps = components[components["index"] == index]
    for year in sorted(int(y) for y in have["year"].unique()):
        spec = book.spec_for(index, year)
        top = spec.top_components
        ranked = have[have["year"] == year]
        counts = ranked["ranked_provinces"].dropna()
        n_ranked = int(counts.max()) if len(counts) else len(ranked)
        present = comps[comps["year"] == year]
        for province in sorted(p.name_en for p in all_provinces(year)):
            if province in set(ranked["province"]):
                continue
            held = sorted(set(present.loc[present["province"] == province, "component"]) & set(top))
            if held:
                gone = [c for c in top if c not in held]
                note = (f"not ranked in {year}: {len(held)} of its {len(top)} dimensions published "
                        f"(no {', '.join(gone)}), so no total")
            else:
                note = f"not ranked in {year}: none of its {len(top)} dimensions published, no total"
            rows.append((index, year, province, None, None, n_ranked, note, source))
    return pd.DataFrame(rows, columns=list(peers.RESULT_COLUMNS))
