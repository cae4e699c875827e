"""Read a table an analyst wrote: CSV or text as Excel saves it, or an Excel workbook.

What is read as an analyst would expect:

- encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), and
  Windows-1258 / cp1252 text (tried in that order); text is NFC-normalized;
- separators: comma, semicolon, tab or bar, whichever finds the header row; with a
  separator other than the comma, numbers may use a decimal comma ("7,26");
- the header need not be on the first line (title rows above it are skipped), blank
  rows are skipped, trailing empty columns are ignored;
- ``.xlsx`` / ``.xlsm`` / ``.xls`` workbooks: the first sheet that holds the header.

Row numbers are spreadsheet rows (the first line of the file is row 1), so an error
points at the row the analyst sees in Excel. Column names are matched without case,
diacritics or punctuation, with Vietnamese synonyms (năm → year, tỉnh → province …).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ...core.errors import InputFileError
from ..provinces import fold
from .workbook import UncachedFormula, read_sheet, sheet_names

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_ROWS = 30
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")

#: Folded header → canonical column name (English names map to themselves).
SYNONYMS = {
    "chi_so": "index", "bo_chi_so": "index",
    "nam": "year",
    "tinh": "province", "tinh_thanh_pho": "province", "tinh_thanh": "province",
    "thanh_phan": "component", "chi_so_thanh_phan": "component", "chi_tieu": "component",
    "gia_tri": "value", "diem": "value", "diem_so": "value",
    "nguon": "source",
    "xep_hang": "rank", "thu_hang": "rank",
    "vung": "region",
    "ghi_chu": "note", "notes": "note",
    "value": "value",
}


class Rows:
    """The data rows of a table, ``(spreadsheet row, {column: cell})``, read as they are
    iterated: a file of a million rows is not held in memory cell by cell, and a mistake
    on an early row stops the reading there. Iterating again reads again; ``len`` counts
    (one pass, remembered)."""

    def __init__(self, where: str, records: Callable[[], Iterator[tuple[int, Sequence[object]]]],
                 columns: Sequence[str | None], delimiter: str | None) -> None:
        self._where = where
        self._records = records  # the records after the header, from the start each time
        self._columns = tuple(columns)
        self._delimiter = delimiter
        self._len: int | None = None

    def __iter__(self) -> Iterator[tuple[int, dict[str, object]]]:
        return _data_rows(self._where, self._records(), self._columns, self._delimiter)

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(1 for _ in self)
        return self._len


@dataclass(frozen=True)
class Table:
    """The rows of a table under its header, keyed by canonical column name."""

    file: Path
    header_row: int
    columns: tuple[str, ...]
    rows: Rows  # (spreadsheet row, cells), read as iterated
    delimiter: str | None  # None for workbooks
    encoding: str | None
    sheet: str | None = None  # the sheet of a workbook: "sheet 1 'Peers'"

    @property
    def where(self) -> str:
        """The file (and the sheet of a workbook), as errors name it."""
        return f"{self.file} ({self.sheet})" if self.sheet else str(self.file)


def column_key(header: object) -> str:
    """The canonical name of a header cell."""
    key = fold(str(header or "")).replace(" ", "_")
    return SYNONYMS.get(key, key)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text of a file and the encoding that read it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    elif _utf16_without_bom(data):
        candidates = (_utf16_without_bom(data),)
    else:
        candidates = ("utf-8-sig", "cp1258", "cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return unicodedata.normalize("NFC", text), encoding
    raise InputFileError("cannot decode the text: save it as UTF-8 (CSV UTF-8 in Excel)", file=path)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text saved without a byte-order mark (every
    other byte NUL, as Latin and Vietnamese text in UTF-16 mostly is), else None."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    half = len(sample) // 2
    odd = sample[1::2].count(0) / half   # 'i\x00n\x00': little-endian
    even = sample[0::2].count(0) / half  # '\x00i\x00n': big-endian
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _printable(text: str) -> str:
    """Text for a message: control characters (NUL …) shown as escapes, never printed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _clean(cell: object) -> object:
    if isinstance(cell, UncachedFormula):
        return cell
    if isinstance(cell, str):
        cell = cell.replace("\u00a0", " ").strip()
        return cell or None
    return cell


def _find_header(records: Sequence[tuple[int, Sequence[object]]], required: Iterable[str]
                 ) -> int | None:
    need = set(required)
    for i, (_row, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        if need <= {column_key(c) for c in cells if not _blank(c)}:
            return i
    return None


def _table(path: Path, head: Sequence[tuple[int, Sequence[object]]],
           records: Callable[[], Iterator[tuple[int, Sequence[object]]]],
           required: Sequence[str], optional: Sequence[str], delimiter: str | None,
           encoding: str | None, sheet: str | None = None) -> Table | None:
    """The table whose header is among the first records ``head``; ``records()`` gives
    every record again, from the first, for the rows under it. ``sheet`` names the
    sheet of a workbook ("sheet 1 'Peers'")."""
    where = f"{path} ({sheet})" if sheet else path
    at = _find_header(head, required)
    if at is None:
        return None
    header_row, header = head[at]
    columns: list[str | None] = []
    allowed = set(required) | set(optional)
    for col, cell in enumerate(header, start=1):
        key = column_key(cell) if not _blank(cell) else None
        if key is not None and key in columns:
            raise InputFileError(f"column '{cell}' appears twice in the header", file=where,
                                 row=header_row, column=str(cell))
        columns.append(key if key in allowed else (None if key is None else f"?{key}"))

    def below() -> Iterator[tuple[int, Sequence[object]]]:
        return itertools.islice(records(), at + 1, None)

    used = tuple(k for k in columns if k and not k.startswith("?"))
    return Table(path, header_row, used, Rows(str(where), below, columns, delimiter), delimiter,
                 encoding, sheet)


def _data_rows(where: str, records: Iterable[tuple[int, Sequence[object]]],
               columns: Sequence[str | None], delimiter: str | None
               ) -> Iterator[tuple[int, dict[str, object]]]:
    width = len(columns)
    for row, cells in records:
        cells = [_clean(c) for c in cells]
        if all(_blank(c) for c in cells):
            continue
        extra = [c for c in cells[width:] if not _blank(c)]
        if extra:
            hint = ("a decimal comma in a comma-separated file? quote the number or use ';' as "
                    "separator") if delimiter == "," else None
            raise InputFileError(f"more cells than header columns ({width}): "
                                 f"{width + len(extra)} filled", file=where, row=row, hint=hint)
        rec = {}
        for col, key in enumerate(columns):
            value = cells[col] if col < len(cells) else None
            if key is None:
                if not _blank(value):
                    raise InputFileError("a value under an empty header cell", file=where, row=row,
                                         column=f"column {col + 1}")
                continue
            if key.startswith("?"):
                continue  # a column this table does not use
            if isinstance(value, UncachedFormula):
                raise InputFileError(f"a formula without a saved value ({value})", file=where,
                                     row=row, column=key, hint=UncachedFormula.HINT)
            rec[key] = value
        yield row, rec


def _text_records(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            yield row, cells
    except csv.Error as exc:  # a field past the csv module's limit, a stray quote at the end
        raise InputFileError(f"not readable as a table: {exc}", file=path, row=row + 1) from None


def read_table(path: str | Path, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """The rows under the header that names every ``required`` column."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found", file=path)
    if path.is_dir():
        raise InputFileError("is a folder, not a file", file=path)
    wanted = ", ".join(required)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        for number in range(1, len(sheet_names(path)) + 1):
            sheet = read_sheet(path, number)
            records = [(i, list(r)) for i, r in enumerate(sheet.rows, start=1)]
            table = _table(path, records[:HEADER_SEARCH_ROWS], lambda rec=records: iter(rec),
                           required, optional, None, None, sheet.label)
            if table is not None:
                return table
        raise InputFileError(f"no sheet has a header row with the columns {wanted}", file=path)
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputFileError("the file is empty", file=path,
                             hint=f"expected a header row with the columns {wanted}")
    text, encoding = decode(data, path)
    for delimiter in DELIMITERS:
        head = list(itertools.islice(_text_records(path, text, delimiter), HEADER_SEARCH_ROWS))
        table = _table(path, head, lambda d=delimiter: _text_records(path, text, d), required,
                       optional, delimiter, encoding)
        if table is not None:
            return table
    first = next((line for line in text.splitlines() if line.strip()), "")
    raise InputFileError(f"no header row with the columns {wanted} in the first "
                         f"{HEADER_SEARCH_ROWS} rows", file=path,
                         hint=f"first line reads '{_printable(first[:80])}'")


_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


def to_number(cell: object, decimal_comma: bool = True) -> float:
    """A cell as a float; raises ValueError when it is not a finite number.

    A decimal comma ("7,26": digits, one comma, digits) is read as a decimal point; it
    can only reach here from a ';'/tab-separated file, a quoted CSV cell or an Excel
    text cell. A blank cell is not a number.
    """
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = str(cell or "").replace("\u00a0", "").replace(" ", "").strip()
        if decimal_comma and _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(cell)
    return value


def to_int(cell: object) -> int:
    """A cell as a whole number (2014, "2014", 2014.0); raises ValueError otherwise."""
    value = to_number(cell, decimal_comma=False)
    if value != int(value):
        raise ValueError(cell)
    return int(value)


def text(cell: object) -> str:
    """A cell as stripped text ('' for blank); whole floats lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()

