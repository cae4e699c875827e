"""The province's plan as data: baselines, targets and rank goals.

Two tidy tables under ``data/plan/`` hold a plan:

``plan_values.csv``
    province, index, year, status (``baseline`` | ``target``), component, value,
    stated_max, source — one row per component value the plan states.
``plan_ranks.csv``
    province, index, year, status (``actual`` | ``implied`` | ``goal``), component,
    scope (``national`` | ``regional``), rank, out_of, group_goal, source — every rank
    the plan states: the index ranks of the baseline year, the year before (implied by
    the stated change), the goals, and component positions where the plan gives them.

For Bình Định the tables are regenerated from the plan's own text
(``data/raw/binh_dinh_plan_2024.txt``) by :func:`build_plan_tables`; another
province writes its own two tables by hand in the same format, and
:func:`load_plan` checks them against the index specifications.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import InputFileError
from ..core.output import write_csv_atomic
from ..core.paths import data_dir, plan_dir
from .spec import INDICES, SpecBook, load_specs

VALUE_COLUMNS = ["province", "index", "year", "status", "component", "value", "stated_max", "source"]
RANK_COLUMNS = ["province", "index", "year", "status", "component", "scope", "rank", "out_of",
                "group_goal", "source"]
VALUE_STATUSES = ("baseline", "target")
RANK_STATUSES = ("actual", "implied", "goal")
SCOPES = ("national", "regional")

SEED_FILE = "raw/binh_dinh_plan_2024.txt"
SEED_PROVINCE = "Binh Dinh"
SEED_BASELINE, SEED_TARGET = 2023, 2025

# Section II of the seed: which index each numbered subsection sets targets for.
_SECTION_INDEX = {"1": "papi", "2": "sipas", "3": "par_index", "4": "pci"}
_INDEX_KEYWORD = {"papi": "PAPI", "sipas": "SIPAS", "par_index": "PAR INDEX", "pci": "PCI"}
_INTRO_RANK = re.compile(r"\((PAPI|SIPAS|PAR INDEX|PCI)\)[^;]*?xếp hạng (\d+)/(\d+)[^;]*?"
                         r"(tăng|giảm) (\d+) bậc")
_NATIONAL_GOAL = re.compile(r"xếp vị trí (\d+) địa phương dẫn đầu cả nước")
_REGIONAL_GOAL = re.compile(r"vị trí (\d+)/(\d+) tỉnh")
_GROUP_GOAL = re.compile(r"nằm trong nhóm các tỉnh, thành phố ([^,]+?) trở lên")
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%?)")
_POSITION = re.compile(r"\(Vị trí (\d+)\)")
_ROMAN = re.compile(r"^[IVX]+$")


@dataclass(frozen=True)
class Plan:
    """One province's plan: component values and ranks, checked against the specs."""

    province: str
    values: pd.DataFrame
    ranks: pd.DataFrame

    @property
    def baseline_year(self) -> int:
        return int(self.values.loc[self.values["status"] == "baseline", "year"].min())

    @property
    def target_year(self) -> int:
        return int(self.values.loc[self.values["status"] == "target", "year"].max())

    def component_values(self, index: str, status: str) -> dict[str, float]:
        rows = self.values[(self.values["index"] == index) & (self.values["status"] == status)]
        return dict(zip(rows["component"], rows["value"].astype(float)))

    def year_of(self, status: str) -> int:
        return self.baseline_year if status == "baseline" else self.target_year

    def spec_for(self, index: str, status: str, book: SpecBook):
        """The specification the plan's ``status`` values of ``index`` are written in.

        Targets are written in the methodology of the plan's baseline year; where the
        target year falls in a later era whose components they are not (PAR INDEX: the
        2025 targets set under the 2022 criteria set, scored from 2024 under a new one),
        they stay in the baseline's era: :meth:`targets_in_earlier_era` says so.
        """
        spec = book.spec_for(index, self.year_of(status))
        if status == "target" and self.targets_in_earlier_era(index, book):
            return book.spec_for(index, self.baseline_year)
        return spec

    def targets_in_earlier_era(self, index: str, book: SpecBook) -> bool:
        """True where the target year's methodology era is not the one the targets are
        written in (their components belong to the baseline year's era)."""
        base = book.spec_for(index, self.baseline_year)
        target = book.spec_for(index, self.target_year)
        if base.era == target.era:
            return False
        components = self.component_values(index, "target")
        return bool(components) and not all(target.has(c) for c in components)

    def rank(self, index: str, *, status: str, scope: str = "national",
             component: str | None = None, year: int | None = None) -> int | None:
        """The rank the plan states (None where it states none)."""
        r = self.ranks
        comp = component or index
        sel = r[(r["index"] == index) & (r["status"] == status) & (r["scope"] == scope)
                & (r["component"] == comp) & r["rank"].notna()]
        if year is not None:
            sel = sel[sel["year"] == year]
        return None if sel.empty else int(sel["rank"].iloc[0])

    def ranks_of(self, index: str) -> pd.DataFrame:
        return self.ranks[self.ranks["index"] == index]

    def group_goal(self, index: str) -> str | None:
        sel = self.ranks[(self.ranks["index"] == index) & self.ranks["group_goal"].fillna("").ne("")]
        return None if sel.empty else str(sel["group_goal"].iloc[0])


# -- reading the seed plan ---------------------------------------------------------
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w%/.]+", " ", text)).strip()


def _similar(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return a.startswith(b) or b.startswith(a) or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _parse_number(cell: str, path: Path, line: int) -> tuple[float, float | None, bool]:
    """'5.00/10.00 (Vị trí 35)' → (5.0, 10.0, False); '97.18%' → (97.18, None, True)."""
    text = _POSITION.sub("", cell).strip()
    if not text:
        raise InputFileError(f"no value in cell '{cell}'", file=path, row=line)
    main, _, max_text = text.partition("/")
    match = _NUMBER.fullmatch(main.strip())
    if not match:
        raise InputFileError(f"'{cell}' is not a number", file=path, row=line)
    value = float(match.group(1).replace(",", "."))
    stated_max = float(max_text.strip()) if max_text.strip() else None
    return value, stated_max, match.group(2) == "%"


def _position(cell: str) -> int | None:
    match = _POSITION.search(cell)
    return int(match.group(1)) if match else None


def _table_rows(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Tab-separated rows, header lines dropped, continuation lines merged."""
    rows: list[tuple[int, list[str]]] = []
    for line_no, text in lines:
        if "\t" not in text or text.startswith("STT") or text.startswith("\t\tChỉ số (%)"):
            continue
        cells = [c.strip() for c in text.split("\t")]
        if cells[0] == "" and rows:  # a row split by a page break continues the last row
            last = rows[-1][1]
            for i, cell in enumerate(cells):
                if cell and i < len(last):
                    last[i] = (last[i] + " " + cell).strip()
            continue
        rows.append((line_no, cells))
    return rows


def build_plan_tables(seed_path: str | Path | None = None, book: SpecBook | None = None,
                      province: str = SEED_PROVINCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read section II (targets) and the opening paragraph (ranks) of the seed plan."""
    path = Path(seed_path) if seed_path else data_dir() / SEED_FILE
    book = book or load_specs()
    if not path.exists():
        raise InputFileError("plan text not found", file=path)
    all_lines = unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).splitlines()
    numbered = list(enumerate(all_lines, start=1))
    try:
        start = next(i for i, t in numbered if t.startswith("II. MỤC TIÊU"))
        end = next(i for i, t in numbered if t.startswith("III. NHIỆM VỤ"))
    except StopIteration:
        raise InputFileError("sections 'II. MỤC TIÊU, CHỈ TIÊU' and 'III. NHIỆM VỤ' not found",
                             file=path) from None
    source = f"seed plan {path.name}"
    values: list[dict] = []
    ranks: list[dict] = []

    def add_rank(index, year, status, component, scope, rank, out_of, note_source, group=""):
        ranks.append(dict(province=province, index=index, year=year, status=status,
                          component=component, scope=scope, rank=rank, out_of=out_of,
                          group_goal=group, source=note_source))

    # 1. baseline ranks and the ranks they imply for the year before
    intro = " ".join(all_lines[:start])
    for keyword, rank, out_of, direction, steps in _INTRO_RANK.findall(intro):
        index = next(k for k, v in _INDEX_KEYWORD.items() if v == keyword)
        rank, out_of, steps = int(rank), int(out_of), int(steps)
        add_rank(index, SEED_BASELINE, "actual", index, "national", rank, out_of,
                 f"{source}, opening paragraph")
        before = rank + steps if direction == "tăng" else rank - steps
        add_rank(index, SEED_BASELINE - 1, "implied", index, "national", before, None,
                 f"{source}, opening paragraph ({direction} {steps} bậc so với năm "
                 f"{SEED_BASELINE - 1})")
    found = {r["index"] for r in ranks}
    if found != set(INDICES):
        raise InputFileError("the opening paragraph does not state the rank of "
                             + ", ".join(sorted(set(INDICES) - found)), file=path)

    # 2. each subsection of section II: a goal sentence and a table
    subsections: list[tuple[str, int, list[tuple[int, str]]]] = []
    for line_no, text in numbered[start:end - 1]:
        head = re.match(r"^(\d)\. ", text)
        if head and head.group(1) in _SECTION_INDEX and "Chỉ số" in text:
            subsections.append((_SECTION_INDEX[head.group(1)], line_no, [(line_no, text)]))
        elif subsections:
            subsections[-1][2].append((line_no, text))
    if [s[0] for s in subsections] != list(_SECTION_INDEX.values()):
        raise InputFileError("section II must set targets for PAPI, SIPAS, PAR INDEX and PCI in "
                             "that order", file=path, row=start)

    for index, line_no, lines in subsections:
        goal = lines[0][1]
        gsource = f"{source}, section II.{list(_SECTION_INDEX.values()).index(index) + 1}"
        national = _NATIONAL_GOAL.search(goal)
        if not national:
            raise InputFileError(f"no national rank goal for {index}", file=path, row=line_no)
        add_rank(index, SEED_TARGET, "goal", index, "national", int(national.group(1)), None,
                 gsource)
        regional = _REGIONAL_GOAL.search(goal)
        if regional:
            add_rank(index, SEED_TARGET, "goal", index, "regional", int(regional.group(1)),
                     int(regional.group(2)), gsource)
        group = _GROUP_GOAL.search(goal)
        if group:
            add_rank(index, SEED_TARGET, "goal", index, "national", None, None, gsource,
                     group=group.group(1).replace("các tỉnh, thành phố ", "") + " trở lên")
        _read_table(index, _table_rows(lines[1:]), book, path, gsource, province, values,
                    add_rank)
    return _tidy_values(pd.DataFrame(values, columns=VALUE_COLUMNS)), _tidy_ranks(
        pd.DataFrame(ranks, columns=RANK_COLUMNS))


def _read_table(index, rows, book, path, source, province, values, add_rank):
    # the plan writes its targets in the methodology of its baseline year, even where the
    # target year falls in a later era (PAR INDEX 2025: see Plan.targets_in_earlier_era)
    spec = book.spec_for(index, SEED_BASELINE)
    parent = None
    for line_no, cells in rows:
        label, name = cells[0], cells[1]
        if _ROMAN.match(label):  # SIPAS areas
            component = _nth(spec.top_components, _roman(label), spec, path, line_no, name)
            parent = component
        elif "." in label:  # PAPI sub-dimensions 1.1, 1.2 …
            top, sub = label.split(".", 1)
            dimension = _nth(spec.top_components, int(top), spec, path, line_no, None)
            component = _nth(spec.children(dimension), int(sub), spec, path, line_no, name)
        elif label.isdigit():
            pool = spec.children(parent) if (parent and index == "sipas") else spec.top_components
            component = _nth(pool, int(label), spec, path, line_no, name)
        else:
            raise InputFileError(f"unexpected row label '{label}'", file=path, row=line_no)
        if index == "par_index":  # STT, name, 2023 %, 2023 rank, 2025 %, 2025 rank
            if len(cells) < 6:
                raise InputFileError("a PAR INDEX row needs six cells", file=path, row=line_no)
            cells_base, cells_target = [cells[2], cells[3]], [cells[4], cells[5]]
        else:
            if len(cells) < 4:
                raise InputFileError(f"a {index} row needs four cells", file=path, row=line_no)
            cells_base, cells_target = [cells[2]], [cells[3]]
        for status, year, group in (("baseline", SEED_BASELINE, cells_base),
                                    ("target", SEED_TARGET, cells_target)):
            value, stated_max, _ = _parse_number(group[0], path, line_no)
            values.append(dict(province=province, index=index, year=year, status=status,
                               component=component, value=value, stated_max=stated_max,
                               source=f"{source}, row {label} (line {line_no})"))
            pos = int(group[1]) if len(group) > 1 and group[1].isdigit() else _position(group[0])
            if pos is not None:
                add_rank(index, year, "actual" if status == "baseline" else "goal", component,
                         "national", pos, None, f"{source}, row {label} (line {line_no})")


def _roman(label: str) -> int:
    return {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}[label]


def _nth(pool, n, spec, path, line_no, name):
    if not 1 <= n <= len(pool):
        raise InputFileError(f"row {n} has no counterpart among {spec.index} components "
                             f"{', '.join(pool)}", file=path, row=line_no)
    component = pool[n - 1]
    if name is not None and not _similar(name, spec.name(component, "vi")):
        raise InputFileError(f"'{name}' does not match the spec's component '{component}' "
                             f"({spec.name(component, 'vi')})", file=path, row=line_no)
    return component


def _tidy_values(df: pd.DataFrame) -> pd.DataFrame:
    df["year"] = df["year"].astype(int)
    return df.reset_index(drop=True)


def _tidy_ranks(df: pd.DataFrame) -> pd.DataFrame:
    df["year"] = df["year"].astype(int)
    for col in ("rank", "out_of"):
        df[col] = df[col].astype("Int64")
    df["group_goal"] = df["group_goal"].fillna("")
    return df.reset_index(drop=True)


def write_plan_tables(out_dir: str | Path | None = None, seed_path: str | Path | None = None
                      ) -> list[Path]:
    """Regenerate ``plan_values.csv`` and ``plan_ranks.csv`` (written atomically)."""
    out = Path(out_dir) if out_dir else plan_dir()
    values, ranks = build_plan_tables(seed_path)
    written = []
    for name, frame in (("plan_values.csv", values), ("plan_ranks.csv", ranks)):
        written.append(write_csv_atomic(frame, out / name))
    return written


# -- loading and checking a plan --------------------------------------------------
def _read_table_file(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise InputFileError("file not found", file=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot be read as CSV ({exc})", file=path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFileError("missing column(s): " + ", ".join(missing), file=path, row=1)
    if frame.empty:
        raise InputFileError("no rows", file=path)
    return frame[columns]


def _to_number(text: str, path: Path, row: int, column: str, *, required: bool,
               integer: bool = False):
    text = text.strip()
    if text == "":
        if required:
            raise InputFileError(f"missing {column}", file=path, row=row, column=column)
        return None
    try:
        number = float(text.replace(",", ".")) if not integer else int(float(text))
    except ValueError:
        raise InputFileError(f"'{text}' is not a number", file=path, row=row,
                             column=column) from None
    return number


def province_for(name: str, year: int | None, plan: Plan | None = None):
    """The :class:`~indexmodel.data.provinces.Province` ``name`` means in ``year``.

    By the year's map ("Gia Lai" in 2025 is the merged unit, "Bình Định" in 2025 is
    refused: merged into Gia Lai), with one exception that keeps a plan's own analysis
    working after a merger: the plan's province in the plan's own years (its baseline and
    target year) is the former province the plan was written for — Bình Định with its
    2025 targets. ``plan`` None: the shipped plan.
    """
    from ..core.errors import UnknownProvinceError
    from .provinces import resolve

    if year is None:
        return resolve(name)
    try:
        return resolve(name, year)
    except UnknownProvinceError:
        plan = plan or load_plan()
        own = resolve(plan.province)
        if year in (plan.baseline_year, plan.target_year) and any(
                p.id == own.id for p in _candidates(name)):
            return own
        raise


def _candidates(name: str):
    from .provinces import registry

    return registry().candidates(name)

def _baseline_years(raw_values: pd.DataFrame, province: str) -> dict[str, int]:
    """The earliest baseline year of each index in a plan's values (rows read leniently:
    the row-by-row checks report what is wrong)."""
    out: dict[str, int] = {}
    for rec in raw_values.to_dict("records"):
        if rec["province"] != province or rec["status"] != "baseline":
            continue
        try:
            year = int(float(str(rec["year"]).strip()))
        except ValueError:
            continue
        index = str(rec["index"]).strip()
        out[index] = min(out.get(index, year), year)
    return out


def _spec_of(book: SpecBook, index: str, year: int, component: str, base_year: int | None,
             path: Path, row: int):
    """The spec a plan row's component belongs to: the era of its year, or — for targets set
    before a change of methodology — the era of the plan's baseline year."""
    try:
        spec = book.spec_for(index, year)
    except Exception as exc:  # DataUnavailableError: no era covers the year
        raise InputFileError(str(exc), file=path, row=row, column="year") from None
    if spec.has(component):
        return spec
    if base_year is not None and base_year < year:
        base = book.spec_for(index, base_year)
        if base.era != spec.era and base.has(component):
            return base
    raise InputFileError(f"unknown component '{component}' for {index} {year} "
                         f"(era {spec.era})", file=path, row=row, column="component")


def load_plan(folder: str | Path | None = None, book: SpecBook | None = None,
              province: str | None = None) -> Plan:
    """Load and check a plan's two tables (default: the shipped plan of Bình Định)."""
    if folder is None and book is None and province is None:
        return _default_plan()
    return _load_plan(Path(folder) if folder else plan_dir(), book or load_specs(), province)


@lru_cache(maxsize=1)
def _default_plan() -> Plan:
    return _load_plan(plan_dir(), load_specs(), None)


def _load_plan(folder: Path, book: SpecBook, province: str | None) -> Plan:
    vpath, rpath = folder / "plan_values.csv", folder / "plan_ranks.csv"
    raw_values = _read_table_file(vpath, VALUE_COLUMNS)
    raw_ranks = _read_table_file(rpath, RANK_COLUMNS)
    provinces = set(raw_values["province"]) | set(raw_ranks["province"])
    if province is None:
        if len(provinces) != 1:
            raise InputFileError("the plan tables hold several provinces ("
                                 + ", ".join(sorted(provinces)) + "): name one", file=vpath)
        province = provinces.pop()

    values, seen = [], {}
    base_years = _baseline_years(raw_values, province)
    for i, rec in enumerate(raw_values.to_dict("records"), start=2):
        if rec["province"] != province:
            continue
        index = rec["index"].strip()
        if index not in INDICES:
            raise InputFileError(f"unknown index '{index}' (one of {', '.join(INDICES)})",
                                 file=vpath, row=i, column="index")
        if rec["status"] not in VALUE_STATUSES:
            raise InputFileError(f"status '{rec['status']}' is not one of "
                                 + ", ".join(VALUE_STATUSES), file=vpath, row=i, column="status")
        year = _to_number(rec["year"], vpath, i, "year", required=True, integer=True)
        component = rec["component"].strip()
        spec = _spec_of(book, index, year, component, base_years.get(index), vpath, i)
        value = _to_number(rec["value"], vpath, i, "value", required=True)
        node = spec.node(component)
        if not node.min - 1e-9 <= value <= node.max + 1e-9:
            raise InputFileError(f"{component} = {value:g} is outside its range "
                                 f"{node.min:g}..{node.max:g}", file=vpath, row=i, column="value")
        key = (index, year, rec["status"], component)
        if key in seen:
            raise InputFileError(f"duplicate row for {index} {year} {rec['status']} {component} "
                                 f"(first on row {seen[key]})", file=vpath, row=i)
        seen[key] = i
        stated_max = _to_number(rec["stated_max"], vpath, i, "stated_max", required=False)
        if stated_max is not None and abs(stated_max - node.max) > 0.01:
            raise InputFileError(f"the plan states a maximum of {stated_max:g} for {component} "
                                 f"but the spec's maximum is {node.max:g}", file=vpath, row=i,
                                 column="stated_max")
        values.append(dict(rec, index=index, year=year, component=component, value=value,
                           stated_max=stated_max))
    if not values:
        raise InputFileError(f"no plan values for {province}", file=vpath)

    ranks, seen = [], {}
    for i, rec in enumerate(raw_ranks.to_dict("records"), start=2):
        if rec["province"] != province:
            continue
        index = rec["index"].strip()
        if index not in INDICES:
            raise InputFileError(f"unknown index '{index}'", file=rpath, row=i, column="index")
        if rec["status"] not in RANK_STATUSES:
            raise InputFileError(f"status '{rec['status']}' is not one of "
                                 + ", ".join(RANK_STATUSES), file=rpath, row=i, column="status")
        if rec["scope"] not in SCOPES:
            raise InputFileError(f"scope '{rec['scope']}' is not one of " + ", ".join(SCOPES),
                                 file=rpath, row=i, column="scope")
        year = _to_number(rec["year"], rpath, i, "year", required=True, integer=True)
        component = rec["component"].strip() or index
        if component != index:
            _spec_of(book, index, year, component, base_years.get(index), rpath, i)
        rank = _to_number(rec["rank"], rpath, i, "rank", required=False, integer=True)
        out_of = _to_number(rec["out_of"], rpath, i, "out_of", required=False, integer=True)
        if rank is None and not rec["group_goal"].strip():
            raise InputFileError("a row needs a rank or a group goal", file=rpath, row=i)
        if rank is not None and (rank < 1 or (out_of is not None and rank > out_of)):
            raise InputFileError(f"rank {rank} is outside 1..{out_of or 'N'}", file=rpath, row=i,
                                 column="rank")
        key = (index, year, rec["status"], component, rec["scope"], rank is None)
        if key in seen:
            raise InputFileError(f"duplicate rank row (first on row {seen[key]})", file=rpath, row=i)
        seen[key] = i
        ranks.append(dict(rec, index=index, year=year, component=component, rank=rank,
                          out_of=out_of))
    values_df = _tidy_values(pd.DataFrame(values, columns=VALUE_COLUMNS))
    ranks_df = _tidy_ranks(pd.DataFrame(ranks, columns=RANK_COLUMNS))
    return Plan(province=province, values=values_df, ranks=ranks_df)
