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


class OutputExistsError(IndexModelError):
    """An output file that exists and may be replaced only once the user confirms."""


# -- interruptions -------------------------------------------------------------------------
class Interrupted(BaseException):
    """The run was stopped by a signal (Ctrl-C, SIGTERM): not a mistake in the input.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that no ``except
    Exception`` swallows it on its way out; cleanup code (``finally``) runs. The command
    line prints :attr:`message` on one line and exits with ``128 + signum``.
    """

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = int(signum)
        try:
            name = signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover - an unnamed signal
            name = f"signal {self.signum}"
        self.message = (f"interrupted ({name}): nothing was half-written; previous outputs "
                        "are untouched")
        self.exit_code = 128 + self.signum
        super().__init__(self.message)


_deferred = {"depth": 0, "pending": None}


def _raise_interrupted(signum, _frame):
    if _deferred["depth"]:
        _deferred["pending"] = signum  # raised when the critical section ends
        return
    raise Interrupted(signum)


class interruptible:
    """Within this context SIGINT and SIGTERM raise :class:`Interrupted` in the main
    thread (elsewhere, and outside it, nothing changes), so that ``finally`` blocks and
    ``except BaseException`` cleanups run. :meth:`critical` defers them until a section
    that must not stop half-way (moving outputs into place) has finished."""

    def __enter__(self):
        import signal
        import threading

        self._old = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, _raise_interrupted)
        return self

    def __exit__(self, *exc):
        import signal

        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        return False

    @staticmethod
    def critical():
        import contextlib

        @contextlib.contextmanager
        def section():
            _deferred["depth"] += 1
            try:
                yield
            finally:
                _deferred["depth"] -= 1
                if not _deferred["depth"] and _deferred["pending"] is not None:
                    pending, _deferred["pending"] = _deferred["pending"], None
                    raise Interrupted(pending)
        return section()
