"""Writing outputs: atomically (temporary file, then a rename) and deterministically,
never over an input, a shipped data file, or (without ``--overwrite``) an existing file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Sequence

import pandas as pd

from .errors import IndexModelError, OutputExistsError, UsageError

FLOAT_FORMAT = "%.10g"


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def shipped_data_dirs() -> list[Path]:
    """The folders of the shipped data: the repository's ``data/`` (and ``INDEXMODEL_DATA``)."""
    from .paths import REPO_ROOT, data_dir

    return [REPO_ROOT / "data", data_dir()]


def check_output(path: str | Path, *, inputs: Sequence[str | Path | None] = (),
                 input_dirs: Sequence[str | Path | None] = (), overwrite: bool = False,
                 shipped_ok: Sequence[str | Path] = ()) -> Path:
    """Refuse, naming the file, an output that would replace a command's input (a file of
    ``inputs``, anything under ``input_dirs``), a shipped data file (anything under
    ``data/``, but for ``shipped_ok``: what a command exists to regenerate), or — without
    ``overwrite`` (the ``--overwrite`` option) — a file that exists; a folder is refused as
    a file name. Returns the path."""
    path = Path(path)
    for source in inputs:
        if source is not None and _same(path, Path(source)):
            raise UsageError("is an input of this command: an output never replaces its input",
                             file=path, hint="write the output to another file")
    for folder in input_dirs:
        if folder is not None and _inside(path, Path(folder)):
            raise UsageError(f"is inside the input folder {folder}: an output never replaces "
                             "an input", file=path, hint="write the output elsewhere")
    if not any(_same(path, Path(ok)) for ok in shipped_ok):
        for data in shipped_data_dirs():
            if _inside(path, data):
                raise UsageError("is in the shipped data folder (data/), regenerated only by "
                                 "its own commands", file=path,
                                 hint="write the output elsewhere")
    if path.is_dir():
        raise UsageError("is a folder: give a file name", file=path)
    if path.exists() and not overwrite:
        raise UsageError("exists already", file=path, hint="add --overwrite to replace it")
    return path


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


def write_files_atomic(files: dict[str | Path, bytes]) -> list[Path]:
    """Write several files together: each to a temporary file beside it, and only when
    every one is written are they renamed into place (none is, when one fails)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                           suffix=".tmp")
                staged.append((tmp, path))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise IndexModelError(f"cannot write here: {exc.strerror or exc}",
                                      file=path) from None
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _path in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [path for _tmp, path in staged]


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
