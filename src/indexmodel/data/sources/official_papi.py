"""Read the official PAPI workbook of 2011-2014 (one sheet a year).

Each sheet: row 1 English headers, row 2 Vietnamese headers, rows 3 on the provinces
and summary rows ("Highest" / "Điểm cao nhất"). Columns: province id, English name,
Vietnamese name, then each dimension followed by its sub-dimensions, and the unweighted
total last. The headers are checked against :data:`COLUMNS` before anything is read.

A province whose scores are all blank or zero (Bắc Giang and Đồng Tháp in 2014) was
not scored that year: it gets no component rows, and a result row with no composite
and the note "not ranked".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...core.errors import InputFileError, UnknownProvinceError
from ..provinces import fold, name_key, resolve
from ..spec import load_specs
from .workbook import Sheet, column_letter, read_sheet, sheet_names

INDEX = "papi"
PUBLISHER = "CECODES/VFF-CRT/RTA/UNDP PAPI"
HEADER_ROWS = 2

#: English header (row 1) → component id, in sheet order after the three name columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Participation at Local Levels", "participation"),
    ("Civic Knowledge", "civic_knowledge"),
    ("Opportunities for Participation", "participation_opportunities"),
    ("Quality of Elections", "election_quality"),
    ("Voluntary Contributions", "voluntary_contributions"),
    ("Transparency", "transparency"),
    ("Poverty Lists", "poverty_lists"),
    ("Communal Budget and Expenditure", "communal_budgets"),
    ("Land-Use Plans/Price Frames", "land_use_plans"),
    ("Vertical Accountability", "vertical_accountability"),
    ("Interactions With Local Authorities", "interactions_with_authorities"),
    ("People's Inspection Boards", "people_inspection_boards"),
    ("Community Investment Boards", "community_investment_boards"),
    ("Control of Corruption", "control_of_corruption"),
    ("Limits on Public Sector Corruption", "corruption_in_government"),
    ("Limits on Corruption in Service Delivery", "corruption_in_service_delivery"),
    ("Equity in Employment", "equity_in_employment"),
    ("Willingness to Fight Corruption", "willingness_to_fight_corruption"),
    ("Public Administrative Procedures", "public_administrative_procedures"),
    ("Certification Procedures", "certification_procedures"),
    ("Construction Permits", "construction_permits"),
    ("Land-Use Rights Procedures", "land_use_rights_procedures"),
    ("Personal Procedures", "commune_procedures"),  # Vietnamese header: TTHC cấp xã/phường
    ("Public Service Delivery", "public_service_delivery"),
    ("Public Health", "public_health"),
    ("Public Primary Education", "primary_education"),
    ("Basic Infrastructure", "basic_infrastructure"),
    ("Law and Order", "law_and_order"),
)
FIRST_SCORE_COL = 4
NAME_HEADERS = ("tinhid", "tentinh_eng", "tentinh_vie")
SUMMARY_KEYS = {"highest", "lowest", "median", "mean", "average", "min", "max", "diemcaonhat",
                "diemthapnhat", "trungvi", "trungbinh"}
NOT_RANKED = "not ranked: blank (zero) scores in the official workbook mean missing, not a score"


@dataclass
class PapiTables:
    components: pd.DataFrame
    results: pd.DataFrame
    notes: list[str]


def _refuse(sheet: Sheet, reason: str, row: int | None = None, col: int | None = None) -> InputFileError:
    return InputFileError(reason, file=sheet.where, row=row,
                          column=column_letter(col) if col else None,
                          hint="the workbook does not have the PAPI 2011-2014 layout; nothing was written")


def _check_headers(sheet: Sheet) -> int:
    """Check the header rows; return the total column."""
    for col, expected in enumerate(NAME_HEADERS, start=1):
        if fold(str(sheet.cell(1, col) or "")).replace(" ", "_") != expected:
            raise _refuse(sheet, f"expected header '{expected}', found {sheet.cell(1, col)!r}", 1, col)
    for offset, (header, _cid) in enumerate(COLUMNS):
        col = FIRST_SCORE_COL + offset
        if fold(str(sheet.cell(1, col) or "")) != fold(header):
            raise _refuse(sheet, f"expected header '{header}', found {sheet.cell(1, col)!r}", 1, col)
    total_col = FIRST_SCORE_COL + len(COLUMNS)
    text = fold(f"{sheet.cell(1, total_col) or ''} {sheet.cell(2, total_col) or ''}")
    if "papi" not in text:
        raise _refuse(sheet, f"expected the PAPI total, found {sheet.cell(1, total_col)!r}", 1, total_col)
    return total_col


def _number(sheet: Sheet, row: int, col: int) -> float | None:
    value = sheet.cell(row, col)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _refuse(sheet, f"expected a number, found {value!r}", row, col)
    return float(value)


def _year_of(sheet: Sheet) -> int:
    match = re.search(r"(19|20)\d\d", sheet.name)
    if not match:
        raise _refuse(sheet, "the sheet name does not say its year")
    return int(match.group(0))


def read_sheet_tables(sheet: Sheet) -> PapiTables:
    """The tidy rows of one year's sheet."""
    year = _year_of(sheet)
    spec = load_specs().spec_for(INDEX, year)
    for _header, cid in COLUMNS:
        if not spec.has(cid):
            raise _refuse(sheet, f"'{cid}' is not a component of the {year} PAPI spec ({spec.era})")
    missing = set(spec.ids) - {cid for _h, cid in COLUMNS} - {spec.composite}
    if missing:
        raise _refuse(sheet, f"the sheet lacks components of the {year} spec: {sorted(missing)}")
    total_col = _check_headers(sheet)
    source = f"{PUBLISHER} {year} official workbook ({sheet.file.name}, sheet {sheet.name})"
    comp_rows, result_rows, notes, seen = [], [], [], {}
    for row in range(HEADER_ROWS + 1, sheet.n_rows + 1):
        en, vi = sheet.cell(row, 2), sheet.cell(row, 3)
        if en is None and vi is None:
            if any(sheet.cell(row, c) is not None for c in range(FIRST_SCORE_COL, total_col + 1)):
                raise _refuse(sheet, "scores without a province name", row, 2)
            continue
        if any(isinstance(x, str) and name_key(x) in SUMMARY_KEYS for x in (en, vi)):
            continue
        province = _resolve_row(sheet, year, row, en, vi)
        if province.id in seen:
            raise _refuse(sheet, f"{province.name_en} appears twice (rows {seen[province.id]} and {row})",
                          row, 2)
        seen[province.id] = row
        values = {cid: _number(sheet, row, FIRST_SCORE_COL + i) for i, (_h, cid) in enumerate(COLUMNS)}
        total = _number(sheet, row, total_col)
        if all(not v for v in values.values()) and not total:
            notes.append(f"PAPI {year} {province.name_en}: {NOT_RANKED}")
            result_rows.append({"index": INDEX, "year": year, "province": province.name_en,
                                "composite": None, "rank": None, "note": NOT_RANKED, "source": source})
            continue
        for i, (cid, value) in enumerate(values.items()):
            node = spec.node(cid)
            col = FIRST_SCORE_COL + i
            if value is None:
                raise _refuse(sheet, f"{province.name_en}: {cid} is blank while other scores are not",
                              row, col)
            if not node.min <= value <= node.max:
                raise _refuse(sheet, f"{province.name_en}: {cid} = {value!r} is outside "
                                     f"{node.min:g}..{node.max:g}", row, col)
            comp_rows.append({"index": INDEX, "year": year, "province": province.name_en,
                              "component": cid, "value": value, "source": source})
        root = spec.root
        if total is None or not root.min <= total <= root.max:
            raise _refuse(sheet, f"{province.name_en}: total {total!r} is outside "
                                 f"{root.min:g}..{root.max:g}", row, total_col)
        result_rows.append({"index": INDEX, "year": year, "province": province.name_en,
                            "composite": total, "rank": None, "note": "", "source": source})
    results = pd.DataFrame(result_rows)
    results["ranked_provinces"] = int(results["composite"].notna().sum())
    return PapiTables(pd.DataFrame(comp_rows), results, notes)


def _resolve_row(sheet: Sheet, year: int, row: int, en: object, vi: object):
    found = []
    for col, label in ((2, en), (3, vi)):
        if label is None:
            continue
        try:
            found.append(resolve(str(label), year))
        except UnknownProvinceError as err:
            raise InputFileError(err.reason, file=sheet.where, row=row,
                                 column="B" if col == 2 else "C", hint=err.hint) from None
    if len({p.id for p in found}) > 1:
        raise _refuse(sheet, f"the English name '{en}' and the Vietnamese name '{vi}' are different "
                             "provinces", row, 2)
    return found[0]


def read_workbook(path: str | Path) -> list[PapiTables]:
    """Every year sheet of a PAPI workbook."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found", file=path)
    return [read_sheet_tables(read_sheet(path, i)) for i in range(1, len(sheet_names(path)) + 1)]


def read_all(papi_dir: str | Path) -> list[PapiTables]:
    """Every PAPI workbook (``*.xlsx``) in ``papi_dir``, in name order."""
    files = sorted(Path(papi_dir).glob("*.xls*"))
    if not files:
        raise InputFileError("no PAPI workbook found", file=papi_dir)
    return [t for f in files for t in read_workbook(f)]
