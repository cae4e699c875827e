"""Read the official VCCI PCI workbooks (2005-2014) following ``layout_guide.csv``.

The guide says, year by year, which sheet, rows and columns hold the province names,
the sub-indices and the weighted composite (1-based). A Province value of 0 means that
each score column has its own province column immediately to its left, sorted by
that score. Before reading a workbook its layout is checked against the guide: the
header above each guide column must name what the guide says it holds, the rows above
and below the guide's range must not be provinces, every row in the range must be a
province (or a summary/blank row), and every score must be a number in its range. A
workbook that fails is refused with :class:`~indexmodel.core.errors.InputFileError` naming
the file, sheet, row and problem.

Rank columns are not in the guide: a column of the guide's sheet headed "Xếp hạng" /
"Thứ hạng" (not "Nhóm xếp hạng") is read as the official rank.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...core.errors import InputFileError, UnknownProvinceError
from ..provinces import fold, name_key, resolve
from ..spec import load_specs
from .workbook import Sheet, column_letter, read_sheet

INDEX = "pci"
PUBLISHER = "VCCI PCI"

#: Guide column header → component id of the PCI specs.
GUIDE_COMPONENTS = {
    "Entry Costs": "entry_costs",
    "Land Access and Security of Tenure": "land_access",
    "Transparency and Access to Information": "transparency",
    "Time Costs and Regulatory Compliance": "time_costs",
    "Informal Charges": "informal_charges",
    "Implementation and Consistency of Policies": "policy_consistency",
    "Policy Bias": "policy_bias",
    "Proactivity of Provincial Leadership": "proactivity",
    "Business Support Services": "business_support",
    "Labor and Training": "labor_training",
    "Legal Institutions": "legal_institutions",
}
GUIDE_COLUMNS = ("Year", "Type", "Sheet", "Begin Row", "End Row", "Province",
                 *GUIDE_COMPONENTS, "Unweighted Col", "Weighted Col")

#: What the sheet's header above a column must mention (folded: no case, no diacritics),
#: in Vietnamese or English. The first matching role wins, so "unweighted" precedes "weighted".
HEADER_WORDS = {
    "entry_costs": ("gia nhap", "entry"),
    "land_access": ("dat dai", "land"),
    "transparency": ("minh bach", "transparency"),
    "time_costs": ("thoi gian", "regulatory compliance", "time cost"),
    "informal_charges": ("khong chinh thuc", "informal"),
    "policy_consistency": ("thuc hien chinh sach", "thuc hien cs", "consistency"),
    "policy_bias": ("uu dai", "binh dang", "bias"),
    "proactivity": ("nang dong", "proactiv"),
    "business_support": ("ho tro doanh nghiep", "ho tro dn", "phat trien khu vuc kinh te tu nhan",
                         "phat trien khu vuc kttn", "private sector development", "business support"),
    "labor_training": ("lao dong", "labor", "labour"),
    "legal_institutions": ("phap ly", "legal"),
    "unweighted": ("chua co trong so", "unweighted", "un weighted"),
    "weighted": ("co trong so", "weighted", "pci cuoi cung", "pci 20"),
    "province": ("tinh", "province"),
}
RANK_WORDS = ("xep hang", "thu hang", "rank")
GROUP_WORDS = ("nhom",)

#: Labels of summary rows inside or just after a table (folded, no spaces).
SUMMARY_KEYS = {"min", "max", "minimum", "maximum", "highest", "lowest", "median", "mean", "average",
                "diemcaonhat", "diemthapnhat", "trungvi", "trungbinh", "caonhat", "thapnhat", "tong",
                "total"}


@dataclass(frozen=True)
class Layout:
    """One row of the layout guide."""

    year: int
    type: str
    sheet: int
    begin: int
    end: int
    province: int  # 0: each score column has its province column to its left
    components: dict[str, int]  # component id -> column
    unweighted: int | None
    weighted: int
    guide: Path = field(compare=False)
    guide_row: int = field(compare=False, default=0)

    @property
    def file_name(self) -> str:
        return f"PCI_{self.year}.{self.type}"


@dataclass
class YearTables:
    """What one workbook gives: tidy component rows, result rows and notes."""

    components: pd.DataFrame
    results: pd.DataFrame
    notes: list[str]


def read_layout_guide(path: str | Path) -> list[Layout]:
    """The rows of ``layout_guide.csv``."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("layout guide not found", file=path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in GUIDE_COLUMNS if c not in header]
        if missing:
            raise InputFileError("missing column(s): " + ", ".join(missing), file=path, row=1)
        layouts = []
        for row, rec in enumerate(reader, start=2):
            rec = {k.strip(): (v or "").strip() for k, v in rec.items()}
            if not any(rec.values()):
                continue

            def num(col: str, required: bool = True) -> int | None:
                text = rec.get(col, "")
                if not text:
                    if required:
                        raise InputFileError("missing value", file=path, row=row, column=col)
                    return None
                try:
                    value = int(text)
                except ValueError:
                    raise InputFileError(f"'{text}' is not a whole number", file=path, row=row,
                                         column=col) from None
                if value < 0:
                    raise InputFileError(f"'{text}' is negative", file=path, row=row, column=col)
                return value

            components = {cid: num(col, False) for col, cid in GUIDE_COMPONENTS.items()}
            layout = Layout(
                year=num("Year"), type=rec["Type"].lower().lstrip("."), sheet=num("Sheet"),
                begin=num("Begin Row"), end=num("End Row"), province=num("Province"),
                components={c: v for c, v in components.items() if v},
                unweighted=num("Unweighted Col", False) or None, weighted=num("Weighted Col"),
                guide=path, guide_row=row,
            )
            if layout.type not in ("xls", "xlsx"):
                raise InputFileError(f"unknown workbook type '{rec['Type']}'", file=path, row=row,
                                     column="Type")
            if layout.begin < 1 or layout.end < layout.begin:
                raise InputFileError("End Row is before Begin Row", file=path, row=row,
                                     column="End Row")
            layouts.append(layout)
    if not layouts:
        raise InputFileError("the layout guide has no rows", file=path)
    years = [lay.year for lay in layouts]
    dupes = sorted({y for y in years if years.count(y) > 1})
    if dupes:
        raise InputFileError(f"year(s) listed twice: {dupes}", file=path)
    return layouts


# -- checks -------------------------------------------------------------------------
def _header_text(sheet: Sheet, layout: Layout, col: int) -> str:
    """The folded text of the header cells above the guide's first row in ``col``."""
    parts = [sheet.cell(r, col) for r in range(1, layout.begin)]
    return " ".join(fold(str(p)) for p in parts if p is not None and not _is_number(p))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _refuse(sheet: Sheet, reason: str, row: int | None = None, col: int | None = None) -> InputFileError:
    column = None if col is None else column_letter(col)
    return InputFileError(reason, file=sheet.where, row=row, column=column,
                          hint="the workbook does not match its layout guide; nothing was written")


def _check_header(sheet: Sheet, layout: Layout, role: str, col: int) -> None:
    if col > sheet.n_cols:
        raise _refuse(sheet, f"the guide puts '{role}' in column {column_letter(col)}, beyond the "
                             f"sheet's last column {column_letter(sheet.n_cols)}", 1, col)
    text = _header_text(sheet, layout, col)
    words = HEADER_WORDS[role]
    ok = any(w in text for w in words)
    if role == "weighted":
        ok = ok and not any(w in text for w in HEADER_WORDS["unweighted"])
    if role == "province" and not text:
        ok = True  # province columns beside each score column carry no header (merged cells)
    if not ok:
        shown = " / ".join(" ".join(str(sheet.cell(r, col)).split()) for r in range(1, layout.begin)
                           if sheet.cell(r, col) is not None) or "an empty header"
        raise _refuse(sheet, f"the guide says column {column_letter(col)} holds '{role}' but its header "
                             f"reads '{shown}'", layout.begin - 1 or 1, col)


def _is_summary(label: object) -> bool:
    return isinstance(label, str) and name_key(label) in SUMMARY_KEYS


def _province(sheet: Sheet, year: int, row: int, col: int):
    label = sheet.cell(row, col)
    if not isinstance(label, str):
        raise _refuse(sheet, f"expected a province name, found {label!r}", row, col)
    try:
        return resolve(label, year)
    except UnknownProvinceError as err:
        raise InputFileError(err.reason, file=sheet.where, row=row, column=column_letter(col),
                             hint=err.hint) from None


def _score(sheet: Sheet, row: int, col: int, lo: float, hi: float, what: str) -> float:
    value = sheet.cell(row, col)
    if not _is_number(value) or not math.isfinite(float(value)):
        raise _refuse(sheet, f"{what}: expected a number, found {value!r}", row, col)
    value = float(value)
    if not lo <= value <= hi:
        raise _refuse(sheet, f"{what}: {value!r} is outside {lo:g}..{hi:g}", row, col)
    return value


# -- reading ------------------------------------------------------------------------
def _column_values(sheet: Sheet, layout: Layout, pcol: int, vcol: int, lo: float, hi: float,
                   what: str, integer: bool = False) -> dict[str, tuple[float, str, int]]:
    """province id -> (value, label as written, row) for one score column."""
    out: dict[str, tuple[float, str, int]] = {}
    previous = None
    for row in range(layout.begin, layout.end + 1):
        label = sheet.cell(row, pcol)
        if (label is None and sheet.cell(row, vcol) is None) or _is_summary(label):
            continue
        province = _province(sheet, layout.year, row, pcol)
        value = _score(sheet, row, vcol, lo, hi, what)
        if integer and value != int(value):
            raise _refuse(sheet, f"{what}: {value!r} is not a whole number", row, vcol)
        if province.id in out:
            raise _refuse(sheet, f"{province.name_en} appears twice in column {column_letter(pcol)} "
                                 f"(rows {out[province.id][2]} and {row})", row, pcol)
        if layout.province == 0 and not integer and previous is not None and value > previous:
            raise _refuse(sheet, f"{what} is not sorted by its score as the guide's Province=0 "
                                 "layout requires", row, vcol)
        previous = value
        out[province.id] = (value, label, row)
    return out


def _check_edges(sheet: Sheet, layout: Layout, pcols: list[int]) -> None:
    """The guide's range must hold the whole table: no province just above or below it."""
    for row in (layout.begin - 1, layout.end + 1):
        if row < 1 or row > sheet.n_rows:
            continue
        for col in pcols:
            label = sheet.cell(row, col)
            if isinstance(label, str) and not _is_summary(label):
                try:
                    resolve(label)
                except UnknownProvinceError:
                    continue
                if _is_number(sheet.cell(row, col + 1)) or layout.province != 0:
                    raise _refuse(sheet, f"row {row} holds province '{label}' outside the guide's "
                                         f"rows {layout.begin}-{layout.end}", row, col)


def _rank_column(sheet: Sheet, layout: Layout, used: set[int]) -> int | None:
    found = [c for c in range(1, sheet.n_cols + 1) if c not in used
             and any(w in _header_text(sheet, layout, c) for w in RANK_WORDS)
             and not any(w in _header_text(sheet, layout, c) for w in GROUP_WORDS)]
    if len(found) > 1:
        raise _refuse(sheet, "more than one rank column: " + ", ".join(map(column_letter, found)),
                      layout.begin - 1, found[1])
    return found[0] if found else None


def read_workbook(path: str | Path, layout: Layout) -> YearTables:
    """Read one PCI workbook, checked against its guide row."""
    path = Path(path)
    if path.suffix.lower().lstrip(".") != layout.type:
        raise InputFileError(f"the guide says type '{layout.type}'", file=path,
                             hint=f"layout guide row {layout.guide_row}")
    sheet = read_sheet(path, layout.sheet)
    spec = load_specs().spec_for(INDEX, layout.year)
    expected = set(spec.top_components)
    given = set(layout.components)
    if given != expected:
        raise InputFileError(
            f"the guide lists {sorted(given)} for {layout.year} but the {layout.year} PCI spec "
            f"({spec.era}) has {sorted(expected)}", file=layout.guide, row=layout.guide_row)
    if layout.end > sheet.n_rows:
        raise _refuse(sheet, f"the guide's End Row {layout.end} is beyond the sheet's last row "
                             f"{sheet.n_rows}", sheet.n_rows)

    def pcol_of(col: int) -> int:
        return col - 1 if layout.province == 0 else layout.province

    roles = {cid: col for cid, col in layout.components.items()}
    roles["weighted"] = layout.weighted
    if layout.unweighted:
        roles["unweighted"] = layout.unweighted
    for role, col in roles.items():
        _check_header(sheet, layout, role, col)
        if col < 2 and layout.province == 0:
            raise _refuse(sheet, f"'{role}' in column A leaves no province column to its left", 1, col)
        _check_header(sheet, layout, "province", pcol_of(col))
    pcols = sorted({pcol_of(c) for c in roles.values()})
    _check_edges(sheet, layout, pcols)

    root = spec.root
    columns = {cid: _column_values(sheet, layout, pcol_of(col), col, spec.node(cid).min,
                                   spec.node(cid).max, f"{cid} {layout.year}")
               for cid, col in layout.components.items()}
    composite = _column_values(sheet, layout, pcol_of(layout.weighted), layout.weighted,
                               root.min, root.max, f"weighted PCI {layout.year}")
    provinces = set(composite)
    for cid, values in columns.items():
        if set(values) != provinces:
            odd = sorted(set(values) ^ provinces)
            raise _refuse(sheet, f"the provinces of {cid} and of the composite differ: {odd}",
                          layout.begin, layout.components[cid])

    used = set(roles.values()) | set(pcols)
    rank_col = _rank_column(sheet, layout, used)
    ranks: dict[str, tuple[float, str, int]] = {}
    if rank_col is not None:
        left = rank_col - 1
        has_own = layout.province == 0 and left not in roles.values() and any(
            isinstance(sheet.cell(r, left), str) for r in range(layout.begin, layout.end + 1))
        rank_pcol = left if has_own else pcol_of(layout.weighted)
        ranks = _column_values(sheet, layout, rank_pcol, rank_col, 1, len(provinces),
                               f"rank {layout.year}", integer=True)
        if set(ranks) != provinces:
            raise _refuse(sheet, "the rank column does not list the same provinces as the composite",
                          layout.begin, rank_col)

    source = f"{PUBLISHER} {layout.year} official workbook ({path.name}, sheet {layout.sheet})"
    comp_rows = [
        {"index": INDEX, "year": layout.year, "province": resolve(pid).name_en, "component": cid,
         "value": values[pid][0], "source": source}
        for cid, values in columns.items() for pid in values
    ]
    notes: list[str] = []
    year_note = _published_only_note(spec, layout.year)
    result_rows = []
    for pid, (value, label, _row) in composite.items():
        name = resolve(pid).name_en
        row_notes = []
        if year_note and spec.root.rule == "unknown":
            row_notes.append(year_note)
        elif year_note:
            gap = value - weighted_sum(spec, {cid: columns[cid][pid][0] for cid in columns})
            row_notes.append(year_note.format(gap=gap))
        spellings = sorted({columns[cid][pid][1] for cid in columns} - {label})
        if spellings:
            text = (f"the composite column writes '{label}', the sub-index columns "
                    + " / ".join(f"'{s}'" for s in spellings) + ": matched through the province registry")
            row_notes.append(text)
            notes.append(f"PCI {layout.year} {name}: {text}")
        result_rows.append({
            "index": INDEX, "year": layout.year, "province": name,
            "composite": value, "rank": int(ranks[pid][0]) if pid in ranks else None,
            "ranked_provinces": len(provinces), "note": "; ".join(row_notes), "source": source,
        })
    return YearTables(pd.DataFrame(comp_rows), pd.DataFrame(result_rows), notes)


def weighted_sum(spec, values: dict[str, float]) -> float:
    """The composite the spec computes from its top components (PCI: 10 × Σ w × sub)."""
    coef = spec.child_coefficients(spec.composite)
    return sum(c * values[k] for k, c in coef.items())


def _published_only_note(spec, year: int) -> str:
    """A note for the composites of a year whose official composite is kept as published."""
    if not spec.is_published_only(year):
        return ""
    if spec.root.rule == "unknown":
        return f"composite kept as published: not recomputable from the {year} sub-indices"
    return (f"published-only year: the official composite exceeds the {spec.era} weighted sum of "
            "the sub-indices by {gap:.4f}; kept as published, not recomputed")


def workbook_path(folder: str | Path, layout: Layout) -> Path:
    return Path(folder) / layout.file_name


def read_all(pci_dir: str | Path) -> list[YearTables]:
    """Every workbook listed in ``pci_dir/layout_guide.csv``."""
    pci_dir = Path(pci_dir)
    layouts = read_layout_guide(pci_dir / "layout_guide.csv")
    out = []
    for layout in layouts:
        path = workbook_path(pci_dir, layout)
        if not path.exists():
            raise InputFileError("workbook listed in the layout guide not found", file=path,
                                 hint=f"{layout.guide} row {layout.guide_row}")
        out.append(read_workbook(path, layout))
    return out


def pci_2011_gap(components: pd.DataFrame | None = None, results: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """How far PCI 2011's official composites sit from the 2009-2012 weighted sum.

    One row per province: province, official_composite, weighted_sum, gap (official -
    weighted), official_rank, recomputed_rank (competition ranks of the weighted sums),
    sorted by official rank. Reads the shipped tidy tables unless frames are given.
    """
    from ..peers import default_peers, default_results

    year = 2011
    comps = default_peers() if components is None else components
    res = default_results() if results is None else results
    spec = load_specs().spec_for(INDEX, year)
    subs = comps[(comps["index"] == INDEX) & (comps["year"] == year)]
    wide = subs.pivot(index="province", columns="component", values="value")
    coef = pd.Series(spec.child_coefficients(spec.composite))
    weighted = (wide[coef.index] * coef).sum(axis=1, min_count=len(coef))
    official = res[(res["index"] == INDEX) & (res["year"] == year)].set_index("province")
    table = pd.DataFrame({
        "official_composite": official["composite"].astype(float),
        "weighted_sum": weighted,
    }).dropna()
    table["gap"] = table["official_composite"] - table["weighted_sum"]
    table["official_rank"] = official["rank"].reindex(table.index).astype("Int64")
    table["recomputed_rank"] = table["weighted_sum"].rank(ascending=False, method="min").astype("Int64")
    table = table.rename_axis("province").reset_index()
    return table.sort_values(["official_rank", "province"], kind="mergesort").reset_index(drop=True)
