"""Read the published tables gathered in ``shared/data/published``.

- ``composite_anchors_published.csv``: scattered composites and ranks (2017-2023),
  one row each, its ``value`` being the composite;
- ``pci_2019_2021_top_published.csv``: the full PCI sub-indices of the top provinces
  of 2019 and 2021 (partial tables), read both as component rows and as result rows;
- ``region_means_published.csv``: regional means.

Every row keeps its own source (a URL or the seed plan). Provinces come out under
their canonical English names; errors name the file and the spreadsheet row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...core.errors import DataUnavailableError, InputFileError, UnknownProvinceError, UsageError
from ..provinces import all_provinces, region_or_national, resolve
from ..spec import load_specs
from .tables import read_table, text, to_int, to_number

ANCHORS_FILE = "composite_anchors_published.csv"
TOP_FILE = "pci_2019_2021_top_published.csv"
REGION_MEANS_FILE = "region_means_published.csv"
#: In ``published/recent/``: the same columns as the two files above, for 2023-2024.
RECENT_ANCHORS_FILE = "anchors_2023_2024.csv"
RECENT_REGION_MEANS_FILE = "region_means_2023_2024.csv"

#: Rows of a partial table published with "N/A" scores (kept out of the CSV, but the rank
#: is taken): (index, year, rank) -> province. Source: METHODOLOGY.md, shared/data.
PUBLISHED_NA = {("pci", 2019, 14): "Ho Chi Minh City"}


def _province(path: Path, row: int, raw: str, year: int) -> str:
    try:
        return resolve(raw, year).name_en
    except UnknownProvinceError as err:
        raise InputFileError(err.reason, file=path, row=row, column="province", hint=err.hint) from None


def _int(path: Path, row: int, rec: dict, column: str, required: bool = False) -> int | None:
    raw = text(rec.get(column))
    if not raw:
        if required:
            raise InputFileError("missing value", file=path, row=row, column=column)
        return None
    try:
        return to_int(raw)
    except ValueError:
        raise InputFileError(f"'{raw}' is not a whole number", file=path, row=row, column=column) from None


def decimals(rec: dict, column: str) -> int | None:
    """How many decimals the cell is written with ("46.04" → 2, "70.7" → 1): the
    publisher's rounding of the figure. None for an empty cell."""
    raw = text(rec.get(column))
    if not raw:
        return None
    raw = raw.replace(",", ".")
    return len(raw.split(".", 1)[1]) if "." in raw else 0


def _float(path: Path, row: int, rec: dict, column: str) -> float | None:
    raw = text(rec.get(column))
    if not raw:
        return None
    try:
        return to_number(raw)
    except ValueError:
        raise InputFileError(f"'{raw}' is not a number", file=path, row=row, column=column) from None


def read_anchors(path: str | Path) -> pd.DataFrame:
    """Result rows (index … note, source) from the composite anchors table."""
    path = Path(path)
    table = read_table(path, ("index", "year", "province", "value"),
                       optional=("rank", "ranked_provinces", "note", "source"))
    book = load_specs()
    rows = []
    for row, rec in table.rows:
        year = _int(path, row, rec, "year", required=True)
        index = text(rec.get("index")).lower()
        note = text(rec.get("note"))
        first = min((s.valid_from for s in book.eras(index)), default=None) if index in book.indices else None
        if first is not None and year < first:
            note = "; ".join(filter(None, [note, f"an earlier methodology: the {index} era of this "
                                                 f"package starts in {first}"]))
        rows.append({
            "index": index, "year": year,
            "province": _province(path, row, text(rec.get("province")), year),
            "composite": _float(path, row, rec, "value"), "rank": _int(path, row, rec, "rank"),
            "ranked_provinces": _int(path, row, rec, "ranked_provinces"),
            "note": note, "source": text(rec.get("source")),
            "decimals": decimals(rec, "value"),  # not written: for the cross-source checks
        })
    return pd.DataFrame(rows)


def read_pci_top(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(component rows, result rows) of the partial 2019/2021 PCI tables.

    Each result row notes that its table is partial ("partial table: ranks 1-23 of
    2019 …"), and names any rank missing from it (2019: rank 14, published as N/A).
    """
    path = Path(path)
    book = load_specs()
    all_ids = sorted({cid for spec in book.eras("pci") for cid in spec.ids})
    table = read_table(path, ("year", "rank", "province", "pci"), optional=("source", *all_ids))
    comps, results = [], []
    for row, rec in table.rows:
        year = _int(path, row, rec, "year", required=True)
        try:
            spec = book.spec_for("pci", year)
        except DataUnavailableError as err:
            raise InputFileError(err.reason, file=path, row=row, column="year") from None
        province = _province(path, row, text(rec.get("province")), year)
        source = text(rec.get("source"))
        for cid in spec.top_components:
            if cid not in table.columns:
                raise InputFileError(f"no column for {cid}, a sub-index of PCI {year}",
                                     file=path, row=table.header_row)
            value = _float(path, row, rec, cid)
            if value is None:
                raise InputFileError("missing value", file=path, row=row, column=cid)
            comps.append({"index": "pci", "year": year, "province": province, "component": cid,
                          "value": value, "source": source, "decimals": decimals(rec, cid)})
        results.append({"index": "pci", "year": year, "province": province,
                        "composite": _float(path, row, rec, "pci"),
                        "rank": _int(path, row, rec, "rank", required=True),
                        "ranked_provinces": len(all_provinces(year)), "note": "", "source": source,
                        "decimals": decimals(rec, "pci")})
    results = pd.DataFrame(results)
    extra = []
    for year, group in results.groupby("year"):
        ranks = set(group["rank"])
        top = max(ranks)
        missing = [r for r in range(1, top + 1) if r not in ranks]
        note = f"partial table: ranks 1-{top} of {year}"
        for rank in missing:
            na = PUBLISHED_NA.get(("pci", int(year), rank))
            if na:
                note += f"; rank {rank} ({na}) was published as N/A"
                extra.append({"index": "pci", "year": int(year), "province": resolve(na).name_en,
                              "composite": None, "rank": rank,
                              "ranked_provinces": int(group["ranked_provinces"].iloc[0]),
                              "note": "", "source": group["source"].iloc[0]})
            else:
                note += f"; rank {rank} is not in the published table"
        results.loc[results["year"] == year, "note"] = note
        for row in extra:
            if row["year"] == year:
                row["note"] = note + "; its scores are N/A in the published table"
    results = pd.concat([results, pd.DataFrame(extra)], ignore_index=True) if extra else results
    return pd.DataFrame(comps), results


def read_region_means(path: str | Path) -> pd.DataFrame:
    """Regional means (index, year, region, mean_value, source), as published."""
    path = Path(path)
    table = read_table(path, ("index", "year", "region", "mean_value"), optional=("source",))
    rows = []
    for row, rec in table.rows:
        try:
            region = region_or_national(text(rec.get("region")))
        except UsageError as err:
            raise InputFileError(err.reason, file=path, row=row, column="region", hint=err.hint) from None
        rows.append({"index": text(rec.get("index")).lower(),
                     "year": _int(path, row, rec, "year", required=True),
                     "region": region,
                     "mean_value": _float(path, row, rec, "mean_value"),
                     "source": text(rec.get("source")),
                     "decimals": decimals(rec, "mean_value")})  # not written
    return pd.DataFrame(rows)
