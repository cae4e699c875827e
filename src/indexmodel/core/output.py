"""Writing outputs: atomically (temporary file, then a rename) and deterministically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import IndexModelError, OutputExistsError

FLOAT_FORMAT = "%.10g"


def write_bytes_atomic(data: bytes, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then a rename:
    a reader sees the old file or the new one, never half of one.

    With ``overwrite=False`` an existing ``path`` is never replaced: the temporary file
    is hard-linked into place, which fails (:class:`OutputExistsError`) if the name is
    taken, even by a file that appeared a moment ago."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise IndexModelError(f"cannot write here: {exc.strerror or exc}", file=path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files only their owner can read
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # atomic, and refuses a name that exists
            except FileExistsError:
                raise OutputExistsError("the file exists and was not replaced", file=path,
                                        hint="confirm to overwrite it, or choose another name") from None
            os.unlink(tmp)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise IndexModelError(f"cannot write here: {exc.strerror or exc}", file=path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(text: str, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8, line ends as given) to ``path`` atomically."""
    return write_bytes_atomic(text.encode("utf-8"), path, overwrite=overwrite)


def csv_text(frame: pd.DataFrame, float_format: str = FLOAT_FORMAT) -> str:
    """A table as CSV text: UTF-8, ``\\n`` line ends, fixed float format, no index."""
    return frame.to_csv(index=False, lineterminator="\n", float_format=float_format)


def write_csv_atomic(frame: pd.DataFrame, path: str | Path,
                     float_format: str = FLOAT_FORMAT, *, overwrite: bool = True) -> Path:
    """Write a table as CSV, atomically and byte-for-byte repeatably (``overwrite=False``:
    never replacing an existing file)."""
    return write_text_atomic(csv_text(frame, float_format), path, overwrite=overwrite)
