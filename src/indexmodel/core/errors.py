"""The errors a user can cause, each naming the file, the row and what is wrong.

Every error raised for a user's mistake (a bad file, a bad value, an option that
makes no sense) is an :class:`IndexModelError`. The command line prints these as a
one-line message without a traceback; anything else is a bug and keeps its
traceback.

Row numbers follow what an analyst sees in a spreadsheet: the header is row 1 and
the first data row is row 2.
"""

from __future__ import annotations

from pathlib import Path


class IndexModelError(Exception):
    """A mistake in the user's input or options (never a bug in the package)."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ": ".join(where + [self.reason]) if where else self.reason
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputFileError(IndexModelError):
    """A data file (spec, plan, peer table, workbook) that cannot be read as it is."""


class SpecError(InputFileError):
    """An index specification that is inconsistent or incomplete."""


class UnknownProvinceError(IndexModelError):
    """A province name that the registry cannot resolve."""


class DataUnavailableError(IndexModelError):
    """The data needed for a question is not there (province, year, peers)."""


class UsageError(IndexModelError):
    """An option or argument that makes no sense (unknown language, rank goal outside 1..N)."""
