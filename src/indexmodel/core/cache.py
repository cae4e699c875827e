"""Caches keyed by content: the same inputs (by value, not by name) give the result
computed before, other inputs compute anew.

A yearly run executes several notebooks in one worker process (:mod:`indexmodel.report.execution`)
and, with ``--province all``, every province of a year: the validated peer tables, the
analyses of each index and the movement model's calibrations are the same from one
notebook (and one province) to the next. :func:`memo` keeps them in memory, keyed by a
digest of the arguments' *content* — a data frame by its values, index, columns and
dtypes; a file by its bytes (:func:`file_digest`) — so that a changed file or table is a
new key and is computed again; nothing is ever read back from disk.

An argument whose content cannot be digested (an open file, a function) leaves the call
uncached. Results are shared between callers: the functions cached here return objects
their callers only read (frames are returned as copies), and read the tables they are
given without changing them — so a table is digested once for a cached call and the
cached calls it makes with it (:func:`pinned`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

_ALL: list["_Memo"] = []
#: set (to anything) in the environment: no content-keyed cache (every analysis computed
#: anew in every notebook; for comparisons)
NO_CACHE = "INDEXMODEL_NO_CACHE"


class _Uncacheable(Exception):
    pass


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _feed(h, obj: Any, depth: int = 0) -> None:
    import numpy as np
    import pandas as pd

    if depth > 12:
        raise _Uncacheable("too deep")
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, Path):
        h.update(f"path:{obj};".encode())
    elif isinstance(obj, (pd.DataFrame, pd.Series)):
        h.update(b"table:" + _table_digest(obj))
    elif isinstance(obj, pd.Index):
        h.update(b"index;")
        _feed_column(h, obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            _feed(h, obj.tolist(), depth + 1)
        else:
            h.update(f"array{obj.shape}{obj.dtype};".encode())
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, np.generic):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, dict) or (hasattr(obj, "items") and hasattr(obj, "keys")):
        h.update(b"map{")
        for key in sorted(obj.keys(), key=repr):
            _feed(h, key, depth + 1)
            _feed(h, obj[key], depth + 1)
        h.update(b"}")
    elif isinstance(obj, (list, tuple, frozenset, set)):
        items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
        h.update(f"{type(obj).__name__}[".encode())
        for item in items:
            _feed(h, item, depth + 1)
        h.update(b"]")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        frozen = type(obj).__dataclass_params__.frozen
        known = _FROZEN.get(id(obj)) if frozen else None
        if known is not None and known[0]() is obj:
            h.update(known[1])
            return
        if frozen:
            inner = hashlib.sha256()
            _feed_fields(inner, obj, depth)
            digest = inner.digest()
            with contextlib.suppress(TypeError):  # not weak-referenceable: digested each time
                _FROZEN[id(obj)] = (weakref.ref(obj, lambda _r, k=id(obj): _FROZEN.pop(k, None)),
                                    digest)
            h.update(digest)
            return
        _feed_fields(h, obj, depth)
    else:
        raise _Uncacheable(type(obj).__name__)


def _table_digest(obj) -> bytes:
    """A data frame's or series' own digest (its values, index, columns and dtypes); the
    one recorded while it is pinned (:func:`pinned`). Each column (and the index) counts by
    its own digest (:func:`_values_digest`)."""
    import pandas as pd

    known = _PINNED.get(id(obj))
    if known is not None and known[0] is obj:
        return known[1]
    h = hashlib.sha256()
    if isinstance(obj, pd.DataFrame):
        h.update(f"frame{obj.shape}{list(map(str, obj.columns))}{list(map(_name, obj.dtypes))};"
                 .encode())
        h.update(_index_digest(obj.index))
        for i in range(obj.shape[1]):
            h.update(_values_digest(_column_values(obj, i)))
    else:
        h.update(f"series{len(obj)}{obj.name!r}{obj.dtype};".encode())
        h.update(_index_digest(obj.index))
        h.update(_values_digest(obj.array))
    return h.digest()


@functools.lru_cache(maxsize=256)
def _name(dtype) -> str:
    """A dtype's name (numpy's ``str`` of a dtype took 7 µs)."""
    return str(dtype)


def _column_values(frame, i: int):
    """The values of a frame's ``i``-th column as pandas holds them (an array; no series is
    made: ``iloc`` took 50 µs a column)."""
    get = getattr(frame, "_get_column_array", None)
    return get(i) if get is not None else frame.iloc[:, i].array


def _index_digest(index) -> bytes:
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return _range_digest(index.start, index.stop, index.step)
    if isinstance(index, pd.MultiIndex):
        h = hashlib.sha256(b"levels;")
        for level in range(index.nlevels):
            h.update(_values_digest(index.get_level_values(level).array))
        return h.digest()
    return _values_digest(index.array)


@functools.lru_cache(maxsize=64)
def _range_digest(start: int, stop: int, step: int) -> bytes:
    """A range index's digest: that of its numbers (as an index of the same numbers)."""
    import numpy as np

    return _values_digest(np.arange(start, stop, step, dtype=np.int64))


def _values_digest(values) -> bytes:
    """The digest of one column's (or index's) values (:func:`_feed_values`); computed once
    for a column whose memory is that of a table a cache keeps (:func:`_share`)."""
    key = _memory_key(values)
    box = _SHARED_MEMORY.get(key) if key is not None else None
    if box is not None and box[0] is not None:
        return box[0]
    h = hashlib.sha256()
    _feed_values(h, values)
    digest = h.digest()
    if box is not None:
        box[0] = digest
    return digest


def _stored(values):
    """The numpy array that holds a column's values entirely (numbers, or Python objects such
    as text), else None (a category's codes, a masked or Arrow-backed column)."""
    import numpy as np
    import pandas as pd

    if isinstance(values, np.ndarray):
        return values
    if type(values) in (pd.arrays.StringArray, pd.arrays.NumpyExtensionArray):
        stored = values._ndarray
        return stored if isinstance(stored, np.ndarray) else None
    return None


def _memory_key(values) -> tuple | None:
    """Where a column's values lie in memory and how they are read (address, shape, strides,
    element type, the column's type); None for a column not held in one numpy array."""
    stored = _stored(values)
    if stored is None:
        return None
    return (stored.__array_interface__["data"][0], stored.shape, stored.strides,
            stored.dtype.str, _name(values.dtype))


# the memory of the columns of tables a cache keeps and hands out as shallow copies
# (:meth:`_Memo._out`): pandas copies on write, so while the kept table lives nothing writes
# into that memory (a table sharing it copies its column before changing it) — a column read
# from there holds the kept column's values, digested once. memory key → [digest or None],
# dropped with the kept table
_SHARED_MEMORY: dict[tuple, list] = {}
_SHARED_TABLES: dict[int, Any] = {}


def _share(table) -> None:
    """Record the memory of a kept table's columns (:data:`_SHARED_MEMORY`) while it lives."""
    import pandas as pd

    if id(table) in _SHARED_TABLES or not isinstance(table, pd.DataFrame):
        return
    keys = []
    for i in range(table.shape[1]):
        key = _memory_key(_column_values(table, i))
        if key is not None and key not in _SHARED_MEMORY:
            _SHARED_MEMORY[key] = [None]
            keys.append(key)
    try:
        _SHARED_TABLES[id(table)] = weakref.finalize(table, _unshare, id(table), keys)
    except TypeError:  # not weak-referenceable: nothing recorded
        _unshare(id(table), keys)


def _unshare(ident: int, keys: list) -> None:
    _SHARED_TABLES.pop(ident, None)
    for key in keys:
        _SHARED_MEMORY.pop(key, None)


# tables whose digest stands while a cached function that takes them computes (it only
# reads them): id → (the table, its digest)
_PINNED: dict[int, tuple[Any, bytes]] = {}
_PIN_LOCK = threading.RLock()


@contextlib.contextmanager
def pinned(*objs: Any):
    """Within the block, the data frames and series among ``objs`` are digested once: the
    code inside only reads them (a cached function reads its arguments; a path that asks
    for the same table's results year by year). Nested blocks keep the outer digests."""
    import pandas as pd

    added = []
    try:
        for obj in objs:
            if isinstance(obj, (pd.DataFrame, pd.Series)) and id(obj) not in _PINNED:
                digest = _table_digest(obj)
                with _PIN_LOCK:
                    if id(obj) not in _PINNED:
                        _PINNED[id(obj)] = (obj, digest)
                        added.append(id(obj))
        yield
    finally:
        with _PIN_LOCK:
            for key in added:
                _PINNED.pop(key, None)


def _feed_column(h, column) -> None:
    """One column (or an index) by its values (:func:`_feed_values`)."""
    import numpy as np
    import pandas as pd

    if isinstance(column, pd.Index):
        h.update(_index_digest(column))
    else:
        h.update(_values_digest(column.array if hasattr(column, "array") else np.asarray(column)))


def _feed_values(h, values) -> None:
    """A column's values: numbers by their bytes, text by its characters (each value's
    length too, so that no two columns share a digest)."""
    import numpy as np
    import pandas as pd

    stored = _stored(values)
    if stored is None:
        stored = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    values = stored
    h.update(f"{_name(values.dtype)}:{len(values)};".encode())
    if values.dtype != object:
        h.update(np.ascontiguousarray(values).tobytes())
        return
    try:  # text: the common case, hashed as text
        joined = "\x1f".join(values)
        h.update(joined.encode("utf-8", "surrogatepass"))
        if joined.count("\x1f") != max(len(values) - 1, 0):
            # a value holds the separator: each value's length too, so that the split is
            # known (without it, the separators alone tell where each value ends)
            h.update(np.fromiter(map(len, values), dtype=np.int64, count=len(values)).tobytes())
    except TypeError:  # mixed cells (missing values, numbers): pandas' own hash of each
        try:
            h.update(pd.util.hash_array(values).tobytes())
        except TypeError as exc:  # unhashable cells (lists)
            raise _Uncacheable(str(exc)) from None


# a frozen dataclass (a plan, a spec book) is digested once while it lives: its fields
# cannot be reassigned (the frames inside it are the package's, which it never changes)
_FROZEN: dict[int, tuple] = {}


def _feed_fields(h, obj: Any, depth: int) -> None:
    h.update(f"{type(obj).__module__}.{type(obj).__qualname__}(".encode())
    for f in dataclasses.fields(obj):
        if f.name.startswith("_"):
            continue  # a private cache of the object, not its content
        h.update(f.name.encode() + b"=")
        _feed(h, getattr(obj, f.name), depth + 1)
    h.update(b")")


def fingerprint(*args: Any, **kwargs: Any) -> str | None:
    """A digest of the arguments' content; None when one of them cannot be digested."""
    h = hashlib.sha256()
    try:
        _feed(h, args)
        _feed(h, kwargs)
    except _Uncacheable:
        return None
    return h.hexdigest()


class _Memo:
    def __init__(self, fn: Callable, maxsize: int, copy: bool) -> None:
        self.fn, self.maxsize, self.copy = fn, maxsize, copy
        self.store: OrderedDict[str, Any] = OrderedDict()
        self.hits = self.misses = self.uncached = 0
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        if os.environ.get(NO_CACHE):
            self.uncached += 1
            return self.fn(*args, **kwargs)
        # the tables it is given are digested once for this call and the cached calls it
        # makes with them (it reads them only)
        with pinned(*args, *kwargs.values()):
            return self.lookup(fingerprint(*args, **kwargs), lambda: self.fn(*args, **kwargs))

    def lookup(self, key: str | None, compute: Callable[[], Any]):
        """The value kept under ``key``, else ``compute()`` kept under it (None: computed,
        not kept)."""
        if key is None or os.environ.get(NO_CACHE):
            self.uncached += 1
            return compute()
        with self.lock:
            if key in self.store:
                self.hits += 1
                self.store.move_to_end(key)
                return self._out(self.store[key])
        value = compute()  # an error is raised, never cached
        with self.lock:
            self.misses += 1
            self.store[key] = value
            while len(self.store) > self.maxsize:
                self.store.popitem(last=False)
        return self._out(value)

    def _out(self, value):
        if not self.copy or not hasattr(value, "copy"):
            return value
        if _is_table(value):
            # pandas copies on write: a shallow copy changed by its caller copies its data
            # then, never writing into the kept one (a deep copy of the 21k-row peer
            # table, asked for a hundred times a notebook, cost 3 ms each); its columns'
            # memory is the kept table's, digested once (:func:`_share`)
            if _copy_on_write():
                _share(value)
            return table_copy(value)
        return value.copy()


def table_copy(table):
    """A copy of a data frame or series that its caller may change freely: a shallow one
    when pandas copies on write (a change copies the column first; the columns' memory stays
    the original's, so a table a cache keeps is still digested once, :func:`_share`), else a
    deep one."""
    return table.copy(deep=False) if _copy_on_write() else table.copy()


def _is_table(value) -> bool:
    import pandas as pd

    return isinstance(value, (pd.DataFrame, pd.Series))


@functools.cache
def _copy_on_write() -> bool:
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 3:
        return True  # always, from pandas 3
    return bool(pd.options.mode.copy_on_write is True)



def memo(maxsize: int = 64, *, copy: bool = False) -> Callable[[Callable], Callable]:
    """Cache a function's results by the content of its arguments (see the module).

    ``copy``: return a copy of the cached result (data frames that callers may change).
    The wrapped function has ``cache_info()`` (hits, misses, uncached calls, size) and
    ``cache_clear()``."""
    def wrap(fn: Callable) -> Callable:
        m = _Memo(fn, maxsize, copy)
        _ALL.append(m)

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            return m(*args, **kwargs)

        cached.cache_info = lambda: dict(hits=m.hits, misses=m.misses, uncached=m.uncached,
                                         size=len(m.store))
        cached.cache_clear = lambda: (m.store.clear(), setattr(m, "hits", 0),
                                      setattr(m, "misses", 0), setattr(m, "uncached", 0))
        cached.__wrapped__ = fn
        return cached
    return wrap


def keyed(maxsize: int = 64) -> _Memo:
    """A cache whose keys the caller makes (a digest of what it computes from):
    ``keyed().lookup(key, compute)``; emptied and disabled with the others."""
    m = _Memo(lambda: None, maxsize, False)
    _ALL.append(m)
    return m


def clear_all() -> None:
    """Empty every content-keyed cache of the package (a run without caches, for tests)."""
    for m in _ALL:
        with m.lock:
            m.store.clear()


def disabled() -> "_Disabled":
    """A context in which every content-keyed cache computes anew (and keeps nothing)."""
    return _Disabled()


class _Disabled:
    def __enter__(self):
        self.saved = [(m, m.maxsize) for m in _ALL]
        for m, _ in self.saved:
            m.store.clear()
            m.maxsize = 0
        return self

    def __exit__(self, *exc):
        for m, size in self.saved:
            m.maxsize = size
        return False
