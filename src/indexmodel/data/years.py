"""Years within reason: not before an index existed, not later than next year.

A year is refused when it comes before the first edition of its index or after the
current calendar year + 1 (a release is published the year after the one it grades, and
a plan may target next year). The bound never depends on the latest year shipped in
``data/``: a new release, or a year held out of the shipped tables, loads.

First editions (the year graded), from the indices' own histories:

- PCI (VCCI): 2005, the first edition (42 provinces; 64 from 2006).
- PAPI (CECODES, VFF-CRT, UNDP): 2009, the pilot in three provinces (30 in 2010, all
  from 2011, the first methodology era held here).
- SIPAS (Ministry of Home Affairs): 2017, the first national survey (Decision 2640/QĐ-BNV
  of 2017); the era held here starts in 2023 (Decision 1001/QĐ-BNV).
- PAR INDEX (Ministry of Home Affairs): 2012, the first edition (published in 2013); the
  era held here starts in 2022 (Decision 876/QĐ-BNV).

A year inside these bounds but outside every methodology era held in ``data/specs/``
is refused separately, by the spec book, for component values.
"""

from __future__ import annotations

from datetime import date

from ..core.errors import UsageError

FIRST_YEAR = {"pci": 2005, "papi": 2009, "sipas": 2017, "par_index": 2012}

_NAMES = {"pci": "PCI", "papi": "PAPI", "sipas": "SIPAS", "par_index": "PAR INDEX"}


def this_year() -> int:
    """The current calendar year (a function, so that tests can move the clock)."""
    return date.today().year


def last_year() -> int:
    """The latest year any index can be given for: next year."""
    return this_year() + 1


def first_year(index: str | None = None) -> int:
    """The first year of ``index`` (of any index when None)."""
    return FIRST_YEAR[index] if index is not None else min(FIRST_YEAR.values())


def year_problem(year: object, index: str | None = None) -> str | None:
    """Why ``year`` is not a year within reason for ``index`` (any index when None), or None."""
    if isinstance(year, bool) or not isinstance(year, int):
        try:
            whole = float(year) == int(float(year))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            whole = False
        if not whole:
            return f"'{year}' is not a year"
        year = int(float(year))  # type: ignore[arg-type]
    first, last = first_year(index), last_year()
    if year < first:
        what = f"the first {_NAMES[index]}" if index else "the first of the indices (PCI)"
        return f"{year} is before {what} ({first})"
    if year > last:
        return f"{year} is later than next year ({last}): no index is published that far ahead"
    return None


def check_year(year: object, index: str | None = None, *, what: str = "year") -> int:
    """``year`` as an int, or a :class:`UsageError` saying why it is not within reason.

    ``what`` names the option or parameter in the message (``--year``, ``target_year``).
    """
    problem = year_problem(year, index)
    if problem:
        raise UsageError(f"{what}: {problem}")
    return int(year)  # type: ignore[arg-type]
