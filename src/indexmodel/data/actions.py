"""The seed plan's appendices as a tidy action table.

Bình Định's 2024 plan ends with 23 appendices ("PHỤ LỤC 1" … "PHỤ LỤC 23"). Each
names the agency responsible and holds a table of tasks::

    STT | Chỉ số/nội dung | Chỉ tiêu/kết quả | Nhiệm vụ/giải pháp | Thời gian hoàn thành

Roman-numeral rows ("I", "II", …) open a section and name an index ("Chỉ số PAPI");
some of them carry a target and a task of their own (an *index-level* row).
Numbered rows ("1", "2.1", …) name a component of that index; rows such as "1" that
only head numbered sub-rows ("1.1", "1.2") are headings and are kept only when they
carry a target, task or deadline of their own.

What this module does with the text, in order:

* page breaks repeat the header line; a line with an empty STT right after such a
  header continues the cells of the row above. A continued cell that is empty in the
  row above belongs to the merged cell that row shares with an earlier row (the
  plan merges the task and deadline cells of neighbouring rows), and goes there;
* HTML fragments (``<ul …>``, ``<p>``) become plain text, one bullet or paragraph
  per line; inline bullets (" - Xxx", " + Xxx") are put on lines of their own;
* every item is mapped to a component id of the index specification through the
  explicit table ``data/actions/component_map.csv`` (index, normalized text,
  component, level, scope, note); an item that the table does not know is an error,
  never an unmapped row;
* the agency named in the appendix title is resolved through
  ``data/actions/agencies.csv``;
* a task row whose task or deadline cell is empty in the plan (a merged cell) takes
  the cell of the row above in the same section; the row says so in
  ``inherited_cells`` and ``note``;
* deadlines are classified (``ongoing``, ``date``, ``periodic``, ``event``,
  ``regulatory``, ``none``) and dated where the text gives a date.

``build_action_table(seed)`` returns the table, ``write_action_table(seed, out_dir)``
writes ``actions.csv`` atomically and ``load_actions()`` reads the committed copy.
Errors in the seed or in the two lookup tables are :class:`InputFileError` naming the
file and the line.
"""

from __future__ import annotations

import calendar
import csv
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..core.errors import InputFileError
from ..core.output import write_text_atomic
from ..core.paths import data_dir, specs_dir

__all__ = [
    "ACTION_COLUMNS",
    "DEADLINE_KINDS",
    "INDEX_IDS",
    "actions_dir",
    "build_action_table",
    "clean_cell",
    "default_seed_path",
    "load_actions",
    "load_agencies",
    "load_component_map",
    "normalize_text",
    "parse_deadline",
    "write_action_table",
]

#: Columns of ``actions.csv``, in order: the ones the issue asks for, then the extras.
ACTION_COLUMNS = [
    "appendix",
    "row_label",
    "section_label",
    "agency_vi",
    "agency_en",
    "agency_id",
    "index",
    "scope",
    "component",
    "item_text",
    "target_text",
    "task_text",
    "deadline_text",
    "deadline_kind",
    "deadline_date",
    "source",
    # extras
    "section_no",
    "component_level",
    "responsibility",
    "line",
    "inherited_cells",
    "note",
]
INT_COLUMNS = ("appendix", "section_no", "line")

INDEX_IDS = ("papi", "sipas", "par_index", "pci")
INDEX_LABELS = {"papi": "PAPI", "sipas": "SIPAS", "par_index": "PAR INDEX", "pci": "PCI"}
#: The specification each index's components are checked against (the current era).
SPEC_FILES = {
    "papi": "papi_2018_on.csv",
    "sipas": "sipas_2023_on.csv",
    "par_index": "par_index_2022_2023.csv",
    "pci": "pci_2022_on.csv",
}
COMPONENT_LEVELS = {
    "papi": {"dimension", "sub_dimension"},
    "sipas": {"area", "criterion"},
    "par_index": {"field"},
    "pci": {"sub_index"},
}
AGENCY_LEVELS = {"province", "district", "commune", "central"}
DEADLINE_KINDS = ("ongoing", "date", "periodic", "event", "regulatory", "none")

MAP_COLUMNS = ["index", "pattern", "component", "level", "scope", "note"]
AGENCY_COLUMNS = ["agency_id", "agency_vi", "agency_en", "level", "source"]

#: Header cells of the appendix tables (normalized) and the field each one fills.
HEADER_FIELDS = {
    "stt": "label",
    "chỉ số/nội dung": "item",
    "chỉ số nội dung/ thành phần": "item",
    "chỉ số nội dung/thành phần": "item",
    "nội dung": "item",
    "chỉ tiêu/kết quả": "target",
    "chỉ tiêu/ kết quả": "target",
    "nhiệm vụ/giải pháp": "task",
    "nhiệm vụ, giải pháp": "task",
    "thời gian hoàn thành": "deadline",
}
CONTENT_FIELDS = ("target", "task", "deadline")

#: How an appendix title words the agency's part (normalized; the plan's typos included).
RESPONSIBILITY_PHRASES = {
    "thuộc trách nhiệm theo dõi, quản lý của": "monitor_manage",
    "thuộc trách nhiệm theo dồi, quản lý của": "monitor_manage",  # typo in Phụ lục 4
    "thuộc thẩm quyền tham mưu của": "advise",
    "thuộc thẩm quyền tham muù của": "advise",  # typo in Phụ lục 19-21
    "thuộc trách nhiệm thực hiện của": "implement",
}

#: Hyphenated phrases whose " - " is not a bullet.
NO_BREAK_PHRASES = ("Việt Nam - Asean",)

APPENDIX_RE = re.compile(r"^\s*PHỤ LỤC\s+(\d+)\s*$")
ROMAN_RE = re.compile(r"^[IVXLC]+$")
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*\.?$")
BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:ul|ol|li|p|br|div)\b[^>]*>", re.IGNORECASE)
OTHER_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
BULLET_RE = re.compile(r"[ \t]+([-+])[ \t]+(?=\S)")
LEADING_TAGS_RE = re.compile(r"^(?:\s*<\s*(?:p|ul|ol|li|div)\b[^>]*>)+\s*", re.IGNORECASE)
TRAILING_P_RE = re.compile(r"\s*<\s*/\s*p\s*>\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------- paths


def actions_dir() -> Path:
    """Folder of the action table and its two lookup tables."""
    return data_dir() / "actions"


def default_seed_path() -> Path:
    """The seed plan kept as a raw input."""
    return data_dir() / "raw" / "binh_dinh_plan_2024.txt"


# ---------------------------------------------------------------------------- text


def normalize_text(text: str) -> str:
    """Text as a lookup key: NFC, lower case, single spaces, no trailing full stop."""
    text = unicodedata.normalize("NFC", str(text))
    text = " ".join(text.split()).casefold()
    text = text.replace("uỷ", "ủy")
    return text.rstrip(" .:;")


def clean_cell(raw: str) -> str:
    """Plain text of a table cell: HTML lists and paragraphs become lines.

    ``<ul …> - A. - B.`` gives ``"- A.\\n- B."``; ``<p>x</p> <p>y</p>`` gives
    ``"x\\ny"``; inline bullets (" - " or " + " before a capital letter or a digit)
    start a new line; spaces are collapsed and empty lines dropped.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = BLOCK_TAG_RE.sub("\n", text)
    text = OTHER_TAG_RE.sub("", text)
    text = html.unescape(text)
    protected = [
        (m.start(), m.end()) for phrase in NO_BREAK_PHRASES for m in re.finditer(re.escape(phrase), text)
    ]

    def bullet(match: re.Match[str]) -> str:
        nxt = text[match.end()]
        if any(a <= match.start() < b for a, b in protected):
            return match.group(0)
        if nxt.isupper() or nxt.isdigit():
            return "\n" + match.group(1) + " "
        return match.group(0)

    text = BULLET_RE.sub(bullet, text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _join_fragments(before: str, after: str) -> str:
    """Join a cell's text with its continuation on the next page (raw, HTML kept).

    When the continuation starts mid-sentence (its first letter after any opening
    tag is lower case or a digit), the paragraph break the page split introduced is
    removed: ``"… văn hóa công</p>"`` + ``"<p>sở, …"`` gives ``"… văn hóa công sở, …"``.
    """
    if not before.strip():
        return after
    if not after.strip():
        return before
    stripped = LEADING_TAGS_RE.sub("", after)
    first = stripped[:1]
    if first and (first.islower() or first.isdigit()):
        return TRAILING_P_RE.sub("", before).rstrip() + " " + stripped
    return before.rstrip() + " " + after.lstrip()


# ------------------------------------------------------------------------ deadlines


class DeadlineError(ValueError):
    """A deadline text of a form the parser does not know."""


ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ONGOING_RE = re.compile(r"^(?:thường xuyên|liên tục|hằng năm|hàng năm|định kỳ hằng năm|định kỳ hàng năm)$")
DATE_RE = re.compile(
    r"^(?:(?:trước|chậm nhất|hạn chót|hoàn thành trước|trong)\s+(?:ngày\s+)?|ngày\s+)?"
    r"(\d{1,2})/(\d{1,2})/(\d{4})$"
)
QUARTER_RE = re.compile(r"^(?:trong\s+|trước\s+|hết\s+)?quý\s+(iv|iii|ii|i|[1-4])\s*(?:/|năm)\s*(\d{4})$")
MONTH_RE = re.compile(r"^(?:trong\s+|trước\s+|hết\s+)?tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})$")
HALF_YEAR_RE = re.compile(r"^(?:trong\s+)?6 tháng đầu năm\s+(\d{4})$")
YEAR_RE = re.compile(r"^(?:trong\s+)?năm\s+(\d{4})$")
PERIODIC_RE = re.compile(r"định kỳ|hằng quý|hàng quý|hằng tháng|hàng tháng")
REGULATORY_RE = re.compile(r"^theo (?:đúng )?(?:quy định|thời hạn quy định)(?: của pháp luật)?$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str) -> tuple[str, str]:
    """Classify a "Thời gian hoàn thành" text: ``(kind, ISO date or "")``.

    ``"Thường xuyên"`` → ``("ongoing", "")``; ``"31/12/2024"`` and
    ``"Trước ngày 30/11/2024"`` → a date; ``"Quý IV năm 2024"`` → end of the
    quarter; ``"Tháng 6/2024"`` → end of the month; ``"Năm 2024"`` → 31 December;
    ``"Theo chế độ báo cáo định kỳ"`` → ``periodic``; ``"Theo quy định"`` →
    ``regulatory``; other ``"Theo …"`` (tied to a plan, a report, an inspection) →
    ``event``; empty → ``none``. Anything else raises :class:`DeadlineError`.
    """
    low = normalize_text(text)
    if not low:
        return "none", ""
    try:
        if ONGOING_RE.match(low):
            return "ongoing", ""
        if m := DATE_RE.match(low):
            day, month, year = (int(g) for g in m.groups())
            return "date", date(year, month, day).isoformat()
        if m := QUARTER_RE.match(low):
            quarter, year = ROMAN_QUARTERS[m.group(1)], int(m.group(2))
            return "date", _month_end(year, 3 * quarter).isoformat()
        if m := MONTH_RE.match(low):
            return "date", _month_end(int(m.group(2)), int(m.group(1))).isoformat()
        if m := HALF_YEAR_RE.match(low):
            return "date", date(int(m.group(1)), 6, 30).isoformat()
        if m := YEAR_RE.match(low):
            return "date", date(int(m.group(1)), 12, 31).isoformat()
    except ValueError as exc:  # 31/02/2024, tháng 13
        raise DeadlineError(f"deadline '{text}' is not a valid date ({exc})") from None
    if PERIODIC_RE.search(low):
        return "periodic", ""
    if REGULATORY_RE.match(low):
        return "regulatory", ""
    if low.startswith("theo "):
        return "event", ""
    raise DeadlineError(f"deadline '{text}' has a form the parser does not know")


# ------------------------------------------------------------------- lookup tables


def _read_csv_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputFileError("file not found", file=path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(f"missing column(s) {', '.join(missing)}", file=path, row=1)
        # row numbers as in a spreadsheet: header is row 1
        return [(n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)]


def _spec_ids(index: str) -> set[str]:
    path = specs_dir() / SPEC_FILES[index]
    return {row["id"] for _, row in _read_csv_rows(path, ["id"])}


@dataclass(frozen=True)
class MapEntry:
    index: str
    pattern: str
    component: str
    level: str
    scope: str
    row: int


@dataclass
class ComponentMap:
    """``component_map.csv``: (index, normalized text) → component; index rows by text."""

    path: Path
    entries: dict[tuple[str, str], MapEntry] = field(default_factory=dict)
    index_rows: dict[str, MapEntry] = field(default_factory=dict)

    def section_index(self, text: str) -> MapEntry | None:
        return self.index_rows.get(normalize_text(text))

    def lookup(self, index: str, text: str) -> MapEntry | None:
        return self.entries.get((index, normalize_text(text)))


def load_component_map(path: str | Path | None = None) -> ComponentMap:
    """Read and check the mapping table (components must exist in the specification)."""
    path = Path(path) if path is not None else actions_dir() / "component_map.csv"
    cmap = ComponentMap(path=path)
    spec_ids: dict[str, set[str]] = {}
    for n, row in _read_csv_rows(path, MAP_COLUMNS):
        index, pattern = row["index"], normalize_text(row["pattern"])
        component, level, scope = row["component"], row["level"], row["scope"]
        if index not in INDEX_IDS:
            raise InputFileError(f"unknown index '{index}'", file=path, row=n, column="index",
                                 hint=f"one of {', '.join(INDEX_IDS)}")
        if not pattern:
            raise InputFileError("empty pattern", file=path, row=n, column="pattern")
        if scope == "index":
            if component or level != "index":
                raise InputFileError("an index-scope row has no component and level 'index'",
                                     file=path, row=n, column="component")
        elif scope == "component":
            if index not in spec_ids:
                spec_ids[index] = _spec_ids(index)
            if component not in spec_ids[index]:
                raise InputFileError(f"component '{component}' is not in {SPEC_FILES[index]}",
                                     file=path, row=n, column="component")
            if level not in COMPONENT_LEVELS[index]:
                raise InputFileError(f"level '{level}' is not a {INDEX_LABELS[index]} level",
                                     file=path, row=n, column="level",
                                     hint=", ".join(sorted(COMPONENT_LEVELS[index])))
        else:
            raise InputFileError(f"scope '{scope}' is neither 'index' nor 'component'",
                                 file=path, row=n, column="scope")
        entry = MapEntry(index, pattern, component, level, scope, n)
        if scope == "index":
            if pattern in cmap.index_rows:
                raise InputFileError(f"pattern '{pattern}' listed twice", file=path, row=n, column="pattern")
            cmap.index_rows[pattern] = entry
        else:
            if (index, pattern) in cmap.entries:
                raise InputFileError(f"pattern '{pattern}' listed twice for {index}",
                                     file=path, row=n, column="pattern")
            cmap.entries[(index, pattern)] = entry
    if not cmap.index_rows:
        raise InputFileError("no index-scope rows: sections cannot be read", file=path)
    return cmap


def load_agencies(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check ``agencies.csv`` (unique ids and names, known levels)."""
    path = Path(path) if path is not None else actions_dir() / "agencies.csv"
    rows = _read_csv_rows(path, AGENCY_COLUMNS)
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    for n, row in rows:
        for column in AGENCY_COLUMNS[:4]:
            if not row[column]:
                raise InputFileError("empty value", file=path, row=n, column=column)
        if row["level"] not in AGENCY_LEVELS:
            raise InputFileError(f"level '{row['level']}' unknown", file=path, row=n, column="level",
                                 hint=", ".join(sorted(AGENCY_LEVELS)))
        if row["agency_id"] in seen_ids:
            raise InputFileError(f"agency_id '{row['agency_id']}' listed twice", file=path, row=n)
        name = normalize_text(row["agency_vi"])
        if name in seen_names:
            raise InputFileError(f"agency '{row['agency_vi']}' listed twice", file=path, row=n)
        seen_ids.add(row["agency_id"])
        seen_names.add(name)
    return pd.DataFrame([r for _, r in rows], columns=AGENCY_COLUMNS + [
        c for c in (rows[0][1] if rows else {}) if c not in AGENCY_COLUMNS])


# ------------------------------------------------------------------------- parsing


@dataclass
class _Row:
    line: int
    label: str
    cells: dict[str, str]  # raw text (HTML kept) by field: item, target, task, deadline
    section: int  # position of its section in the appendix (1-based; 0 = no section row)

    @property
    def is_section(self) -> bool:
        return bool(ROMAN_RE.match(self.label))

    def has_content(self) -> bool:
        return any(self.cells.get(f, "").strip() for f in CONTENT_FIELDS)


@dataclass
class _Appendix:
    number: int
    line: int
    title: list[tuple[int, str]] = field(default_factory=list)
    header: list[str] | None = None
    rows: list[_Row] = field(default_factory=list)
    sections: int = 0


def _parse_header(cells: list[str], seed: Path, line: int) -> list[str]:
    fields = []
    for cell in cells:
        key = normalize_text(cell)
        if key not in HEADER_FIELDS:
            raise InputFileError(f"unknown table column '{cell}'", file=seed, row=line,
                                 hint="known: " + "; ".join(sorted(HEADER_FIELDS)))
        fields.append(HEADER_FIELDS[key])
    if fields[0] != "label" or "item" not in fields or len(set(fields)) != len(fields):
        raise InputFileError("table header must start with STT and name each column once",
                             file=seed, row=line)
    return fields


def _continuation_owner(rows: list[_Row], fld: str) -> _Row:
    """The row a continued cell belongs to (the owner of a merged cell, see module doc)."""
    last = rows[-1]
    if last.cells.get(fld, "").strip() or last.is_section:
        return last
    for row in reversed(rows[:-1]):
        if row.is_section or row.section != last.section or not row.has_content():
            break
        if row.cells.get(fld, "").strip():
            return row
    return last


def _read_appendices(seed: Path) -> list[_Appendix]:
    try:
        text = seed.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError("seed plan not found", file=seed) from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=seed) from None
    appendices: list[_Appendix] = []
    after_header = False
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if m := APPENDIX_RE.match(raw):
            number = int(m.group(1))
            if appendices and number <= appendices[-1].number:
                raise InputFileError(f"PHỤ LỤC {number} follows PHỤ LỤC {appendices[-1].number}",
                                     file=seed, row=lineno, hint="appendices must be numbered in order, once each")
            appendices.append(_Appendix(number=number, line=lineno))
            after_header = False
            continue
        if not appendices:
            continue  # the body of the plan, before the appendices
        app = appendices[-1]
        if "\t" not in raw:
            if not raw.strip():
                continue
            if app.header is None:
                app.title.append((lineno, raw.strip()))
                continue
            raise InputFileError("text outside the table inside an appendix (a table line must contain tabs)",
                                 file=seed, row=lineno)
        cells = raw.split("\t")
        if normalize_text(cells[0]) == "stt":
            app.header = _parse_header(cells, seed, lineno)
            after_header = True
            continue
        if app.header is None:
            raise InputFileError(f"table row before the header of PHỤ LỤC {app.number}", file=seed, row=lineno)
        if len(cells) > len(app.header):
            if any(c.strip() for c in cells[len(app.header):]):
                raise InputFileError(f"row has {len(cells)} cells, the table has {len(app.header)} columns",
                                     file=seed, row=lineno)
            cells = cells[: len(app.header)]
        cells += [""] * (len(app.header) - len(cells))
        values = dict(zip(app.header, cells))
        label = values.pop("label").strip()
        if label:
            if not (ROMAN_RE.match(label) or NUMBER_RE.match(label)):
                raise InputFileError(f"STT '{label}' is neither a roman numeral nor a number",
                                     file=seed, row=lineno)
            if ROMAN_RE.match(label):
                app.sections += 1
            app.rows.append(_Row(lineno, label, values, app.sections))
        elif not any(v.strip() for v in values.values()):
            pass  # an empty table line
        elif app.rows and not after_header and not app.rows[-1].has_content() and values.get("item", "").strip():
            # a row without STT right under a section or heading row: an unnumbered item
            app.rows.append(_Row(lineno, "", values, app.sections))
        elif app.rows:
            for fld, value in values.items():
                if value.strip():
                    owner = _continuation_owner(app.rows, fld)
                    owner.cells[fld] = _join_fragments(owner.cells.get(fld, ""), value)
        else:
            raise InputFileError("a row without STT opens the table: nothing to continue", file=seed, row=lineno)
        after_header = False
    if not appendices:
        raise InputFileError("no appendix ('PHỤ LỤC n') found", file=seed)
    return appendices


def _title_info(app: _Appendix, seed: Path, cmap: ComponentMap, agencies: pd.DataFrame
                ) -> tuple[list[str], str, pd.Series]:
    """Indices announced by the title, the responsibility wording and the agency row."""
    indices: list[str] = []
    responsibility = ""
    agency = None
    by_name = {normalize_text(name): i for i, name in agencies["agency_vi"].items()}
    for lineno, text in app.title:
        norm = normalize_text(text)
        if "chỉ số" in norm and not indices and not norm.startswith("("):
            tail = norm.split("chỉ số", 1)[1].strip()
            names = tail.strip("()").split(",") if tail.startswith("(") else [tail]
            for name in names:
                entry = cmap.section_index("chỉ số " + name.strip(" ()"))
                if entry is None:
                    raise InputFileError(f"title names an unknown index '{name.strip()}'", file=seed, row=lineno,
                                         hint="add an index-scope row to component_map.csv")
                indices.append(entry.index)
        elif norm.startswith("thuộc "):
            for phrase, role in RESPONSIBILITY_PHRASES.items():
                if norm.startswith(phrase + " "):
                    responsibility = role
                    name = norm[len(phrase) + 1:].strip()
                    if name not in by_name:
                        raise InputFileError(f"agency '{text[len(phrase) + 1:].strip()}' is not in agencies.csv",
                                             file=seed, row=lineno, hint="add it to data/actions/agencies.csv")
                    agency = agencies.loc[by_name[name]]
                    break
            else:
                raise InputFileError(f"appendix title '{text}' does not say whose responsibility it is",
                                     file=seed, row=lineno, hint="known: " + "; ".join(RESPONSIBILITY_PHRASES))
    if not indices:
        raise InputFileError(f"the title of PHỤ LỤC {app.number} names no index", file=seed, row=app.line)
    if agency is None:
        raise InputFileError(f"the title of PHỤ LỤC {app.number} names no agency", file=seed, row=app.line)
    return indices, responsibility, agency


def _label_parts(label: str) -> tuple[int, ...]:
    return tuple(int(p) for p in label.rstrip(".").split("."))


def _source(app: int, section_label: str, index: str, row_label: str, line: int) -> str:
    where = f"seed plan, Phụ lục {app}"
    if section_label:
        where += f", section {section_label} ({INDEX_LABELS[index]})"
    return f"{where}, row {row_label or '(no STT)'}, line {line}"


def build_action_table(
    seed_path: str | Path | None = None,
    *,
    component_map: ComponentMap | str | Path | None = None,
    agencies: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Parse the seed plan's appendices into the tidy action table (rows in file order)."""
    seed = Path(seed_path) if seed_path is not None else default_seed_path()
    cmap = component_map if isinstance(component_map, ComponentMap) else load_component_map(component_map)
    agency_table = agencies if isinstance(agencies, pd.DataFrame) else load_agencies(agencies)
    records: list[dict[str, object]] = []
    for app in _read_appendices(seed):
        if app.header is None:
            raise InputFileError(f"PHỤ LỤC {app.number} has no table", file=seed, row=app.line)
        title_indices, responsibility, agency = _title_info(app, seed, cmap, agency_table)
        records.extend(_appendix_records(app, seed, cmap, title_indices, responsibility, agency))
    table = pd.DataFrame.from_records(records, columns=ACTION_COLUMNS)
    for column in INT_COLUMNS:
        table[column] = table[column].astype("int64")
    return table


def _appendix_records(app: _Appendix, seed: Path, cmap: ComponentMap, title_indices: list[str],
                      responsibility: str, agency: pd.Series) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    section_label, section_index, section_note = "", "", ""
    section_labels_seen: list[str] = []
    if not any(r.is_section for r in app.rows):
        if len(title_indices) != 1:
            raise InputFileError(f"PHỤ LỤC {app.number} has no section rows and its title names "
                                 f"{len(title_indices)} indices", file=seed, row=app.line)
        section_index = title_indices[0]
    # the last task row of the current section and, per column, the row its text came from
    previous_task: dict[str, object] | None = None
    origin: dict[str, dict[str, object]] = {}
    previous_label: str | None = None
    rows = app.rows
    for pos, row in enumerate(rows):
        item = clean_cell(row.cells.get("item", ""))
        notes: list[str] = []
        is_task = False
        if row.is_section:
            entry = cmap.section_index(item)
            if entry is None:
                raise InputFileError(f"section '{item}' names no known index", file=seed, row=row.line,
                                     hint="add an index-scope row to data/actions/component_map.csv")
            section_index, section_label = entry.index, row.label
            section_notes = []
            if row.label in section_labels_seen:
                section_notes.append(f"the plan numbers two sections '{row.label}' in this appendix; "
                                     f"this is section {row.section} ({INDEX_LABELS[section_index]})")
            if section_index not in title_indices:
                section_notes.append("index not announced in the appendix title")
            section_note = "; ".join(section_notes)
            section_labels_seen.append(row.label)
            previous_task, origin, previous_label = None, {}, None
            if not row.has_content():
                continue
            scope, component, level = "index", "", "index"
        else:
            if not section_index:
                raise InputFileError("item row before any section row", file=seed, row=row.line)
            entry = cmap.lookup(section_index, item)
            if entry is None:
                raise InputFileError(f"item '{item}' under {INDEX_LABELS[section_index]} is not in the "
                                     "component map", file=seed, row=row.line,
                                     hint="add a row to data/actions/component_map.csv")
            scope, component, level = "component", entry.component, entry.level
            nxt = rows[pos + 1] if pos + 1 < len(rows) else None
            has_children = bool(row.label) and nxt is not None and not nxt.is_section \
                and nxt.label.startswith(row.label.rstrip(".") + ".")
            if has_children:
                previous_task, origin, previous_label = None, {}, None
                if not row.has_content():
                    continue  # a heading: its sub-rows carry the tasks
                carried = [c for c in CONTENT_FIELDS if row.cells.get(c, "").strip()]
                notes.append(f"heading row of the {level} (its sub-rows follow); it carries only its own "
                             + " and ".join(carried))
            else:
                is_task = True
                # numbering checks (reported, never corrected)
                if not row.label:
                    notes.append("row has no STT number in the plan")
                elif previous_label is not None and NUMBER_RE.match(previous_label):
                    cur, prev = _label_parts(row.label), _label_parts(previous_label)
                    if cur == prev:
                        notes.append(f"STT '{row.label}' repeats the number of the row above in the plan")
                    elif not (len(cur) == len(prev) and cur[:-1] == prev[:-1] and cur[-1] == prev[-1] + 1):
                        notes.append(f"STT '{row.label}' breaks the sequence (row above: '{previous_label}')")
                previous_label = row.label or previous_label
        texts = {f: clean_cell(row.cells.get(f, "")) for f in CONTENT_FIELDS}
        inherited: list[str] = []
        sources: dict[str, dict[str, object]] = {}
        if is_task and previous_task is not None:
            for fld in ("task", "deadline"):
                column = f"{fld}_text"
                if not texts[fld] and previous_task[column]:
                    texts[fld] = str(previous_task[column])
                    inherited.append(column)
                    sources[column] = origin.get(column, previous_task)
            for owner in {id(o): o for o in sources.values()}.values():
                cols = [c for c, o in sources.items() if o is owner]
                notes.append(f"{' and '.join(cols)} empty in the plan (a cell merged with the rows above): "
                             f"taken from row {owner['row_label'] or '(no STT)'} (line {owner['line']})")
        try:
            kind, when = parse_deadline(texts["deadline"])
        except DeadlineError as exc:
            raise InputFileError(str(exc), file=seed, row=row.line, column="Thời gian hoàn thành",
                                 hint="known forms: Thường xuyên, dd/mm/yyyy, Trước ngày dd/mm/yyyy, "
                                      "Quý IV năm yyyy, Tháng m/yyyy, Năm yyyy, Theo …") from None
        if section_note:
            notes.insert(0, section_note)
        record: dict[str, object] = {
            "appendix": app.number,
            "row_label": row.label,
            "section_label": section_label,
            "agency_vi": agency["agency_vi"],
            "agency_en": agency["agency_en"],
            "agency_id": agency["agency_id"],
            "index": section_index,
            "scope": scope,
            "component": component,
            "item_text": item,
            "target_text": texts["target"],
            "task_text": texts["task"],
            "deadline_text": texts["deadline"],
            "deadline_kind": kind,
            "deadline_date": when,
            "source": _source(app.number, section_label, section_index, row.label, row.line),
            "section_no": row.section,
            "component_level": level,
            "responsibility": responsibility,
            "line": row.line,
            "inherited_cells": ";".join(inherited),
            "note": "; ".join(notes),
        }
        records.append(record)
        if is_task:
            origin = {c: sources.get(c, record) for c in ("task_text", "deadline_text")}
            previous_task = record
    return records


# ------------------------------------------------------------------------- writing


def write_action_table(seed_path: str | Path | None = None, out_dir: str | Path | None = None, *,
                       component_map: ComponentMap | str | Path | None = None,
                       agencies: pd.DataFrame | str | Path | None = None) -> Path:
    """Build the table and write ``actions.csv`` into ``out_dir`` (atomically)."""
    table = build_action_table(seed_path, component_map=component_map, agencies=agencies)
    out = Path(out_dir) if out_dir is not None else actions_dir()
    target = write_text_atomic(table.to_csv(index=False, lineterminator="\n"), out / "actions.csv")
    return target


def load_actions(path: str | Path | None = None) -> pd.DataFrame:
    """Read the committed action table (text columns as strings, empty as "")."""
    path = Path(path) if path is not None else actions_dir() / "actions.csv"
    if not path.is_file():
        raise InputFileError("action table not found", file=path,
                             hint="run indexmodel.actions.write_action_table()")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ACTION_COLUMNS if c not in table.columns]
    if missing:
        raise InputFileError(f"missing column(s) {', '.join(missing)}", file=path, row=1)
    for column in INT_COLUMNS:
        try:
            table[column] = table[column].astype("int64")
        except ValueError:
            raise InputFileError("not an integer column", file=path, column=column) from None
    return table[ACTION_COLUMNS]


if __name__ == "__main__":  # pragma: no cover - convenience
    print(write_action_table())
