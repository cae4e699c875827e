"""Read one sheet of an Excel workbook (.xls or .xlsx) as a grid of cell values.

Rows and columns are 1-based, as an analyst sees them in Excel. Empty cells are
``None``; numbers are floats (or ints where Excel stored an integer), text is str.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import InputFileError


@dataclass(frozen=True)
class Sheet:
    """The values of one worksheet."""

    file: Path
    number: int  # 1-based position in the workbook
    name: str
    rows: tuple[tuple[object, ...], ...]

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> object:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if col <= len(values) else None

    @property
    def label(self) -> str:
        """The sheet as an analyst finds it: "sheet 1 'Peers'"."""
        return f"sheet {self.number} '{self.name}'"

    @property
    def where(self) -> str:
        """The file and sheet, for error messages and source notes."""
        return f"{self.file} ({self.label})"


class UncachedFormula(str):
    """A formula cell whose workbook holds no computed value (it was written by a program
    that does not compute formulas, and never opened and saved in Excel); the text is the
    formula. Readers refuse it by name rather than take it for a missing value."""

    HINT = "open the file in Excel and save it, or type the value instead of the formula"


def column_letter(col: int) -> str:
    """Excel's letter for a 1-based column number (1 → A, 27 → AA)."""
    name = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def sheet_names(path: str | Path) -> list[str]:
    """The names of the sheets of a workbook, in order."""
    path = Path(path)
    if path.suffix.lower() == ".xls":
        return _xls_book(path).sheet_names()
    book = _xlsx_book(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_sheet(path: str | Path, number: int) -> Sheet:
    """Sheet ``number`` (1-based) of the workbook at ``path``."""
    path = Path(path)
    names = sheet_names(path)
    if not 1 <= number <= len(names):
        raise InputFileError(f"no sheet {number}: the workbook has {len(names)} sheet(s)", file=path)
    if path.suffix.lower() == ".xls":
        rows = _xls_rows(path, number)
    else:
        rows = _xlsx_rows(path, number)
    return Sheet(path, number, names[number - 1], rows)


def _xls_book(path: Path):
    import xlrd

    try:  # xlrd's own warnings ("file size not 512 + multiple of sector size") are not
        # the analyst's business and would go to stdout, mixed with a command's output
        return xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO(),
                                  verbosity=0)
    except FileNotFoundError:
        raise InputFileError("file not found", file=path) from None
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors
        raise InputFileError(f"not a readable .xls workbook ({exc})", file=path) from None


def _xls_rows(path: Path, number: int) -> tuple[tuple[object, ...], ...]:
    import xlrd

    book = _xls_book(path)
    try:
        sheet = book.sheet_by_index(number - 1)
        out = []
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    row.append(cell.value if cell.value.strip() else None)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(f"#ERROR{cell.value}")
                else:
                    row.append(cell.value)
            out.append(tuple(row))
        return tuple(out)
    finally:
        book.release_resources()


def _xlsx_book(path: Path, data_only: bool = True):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except FileNotFoundError:
        raise InputFileError("file not found", file=path) from None
    except Exception as exc:  # zip, XML and openpyxl errors
        raise InputFileError(f"not a readable .xlsx workbook ({exc})", file=path) from None


def _xlsx_rows(path: Path, number: int) -> tuple[tuple[object, ...], ...]:
    """The values of a sheet: formulas as their saved values, an :class:`UncachedFormula`
    where the workbook saved none."""
    rows, formulas = _xlsx_grid(path, number, data_only=False)
    if formulas:  # a second pass for the values Excel saved beside the formulas
        saved, _ = _xlsx_grid(path, number, data_only=True)
        for r, c in formulas:
            value = saved[r - 1][c - 1] if r <= len(saved) and c <= len(saved[r - 1]) else None
            rows[r - 1][c - 1] = value if value is not None else UncachedFormula(rows[r - 1][c - 1])
    return tuple(tuple(row) for row in rows)


def _xlsx_grid(path: Path, number: int, *, data_only: bool
               ) -> tuple[list[list[object]], list[tuple[int, int]]]:
    book = _xlsx_book(path, data_only)
    out: list[list[object]] = []
    formulas: list[tuple[int, int]] = []
    try:
        sheet = book.worksheets[number - 1]
        for cells in sheet.iter_rows():
            # read-only rows carry their own row number: fill any gap with empty rows
            row_no = next((c.row for c in cells if getattr(c, "row", None)), len(out) + 1)
            while len(out) < row_no - 1:
                out.append([])
            out.append([_xlsx_value(c.value) for c in cells])
            formulas += [(row_no, col) for col, c in enumerate(cells, start=1)
                         if getattr(c, "data_type", None) == "f"]
    except InputFileError:  # pragma: no cover - nothing below raises it
        raise
    except Exception as exc:  # a cell the file declares a number but holds text, bad XML
        raise InputFileError(f"{_bad_cell(exc, len(out))} ({exc}): the file is damaged, or "
                             "was not saved by Excel",
                             file=f"{path} (sheet {number} '{book.sheetnames[number - 1]}')",
                             hint="open it in Excel and save it again") from None
    finally:
        book.close()
    return out, formulas


def _bad_cell(exc: BaseException, rows_read: int) -> str:
    """'cell E2 cannot be read' from openpyxl's frames (the XML element it was parsing),
    else the row after the last one read."""
    tb = exc.__traceback__
    while tb is not None:
        element = tb.tb_frame.f_locals.get("element")
        ref = element.get("r") if hasattr(element, "get") else None
        if ref and str(getattr(element, "tag", "")).endswith("}c"):
            return f"cell {ref} cannot be read"
        tb = tb.tb_next
    return f"a cell after row {rows_read} cannot be read"


def _xlsx_value(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value
