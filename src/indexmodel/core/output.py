"""Writing outputs: atomically (temporary file, then a rename) and deterministically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import IndexModelError

FLOAT_FORMAT = "%.10g"


def write_bytes_atomic(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then a rename:
    a reader sees the old file or the new one, never half of one."""
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
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise IndexModelError(f"cannot write here: {exc.strerror or exc}", file=path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write ``text`` (UTF-8, line ends as given) to ``path`` atomically."""
    return write_bytes_atomic(text.encode("utf-8"), path)


def csv_text(frame: pd.DataFrame, float_format: str = FLOAT_FORMAT) -> str:
    """A table as CSV text: UTF-8, ``\\n`` line ends, fixed float format, no index."""
    return frame.to_csv(index=False, lineterminator="\n", float_format=float_format)


def write_csv_atomic(frame: pd.DataFrame, path: str | Path,
                     float_format: str = FLOAT_FORMAT) -> Path:
    """Write a table as CSV, atomically and byte-for-byte repeatably."""
    return write_text_atomic(csv_text(frame, float_format), path)
