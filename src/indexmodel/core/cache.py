"""Caches keyed by content: the same inputs (by value, not by name) give the result
computed before, other inputs compute anew.

A yearly run executes several notebooks in one kernel (:mod:`indexmodel.report.execution`)
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
#: set (to anything) in the environment: no content-keyed cache, and in a yearly run a
#: fresh kernel for every notebook (what the run did before; for comparisons)
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
    one recorded while it is pinned (:func:`pinned`)."""
    import pandas as pd

    known = _PINNED.get(id(obj))
    if known is not None and known[0] is obj:
        return known[1]
    h = hashlib.sha256()
    if isinstance(obj, pd.DataFrame):
        h.update(f"frame{obj.shape}{list(map(str, obj.columns))}{list(map(str, obj.dtypes))};"
                 .encode())
        _feed_column(h, obj.index)
        for i in range(obj.shape[1]):
            _feed_column(h, obj.iloc[:, i])
    else:
        h.update(f"series{len(obj)}{obj.name!r}{obj.dtype};".encode())
        _feed_column(h, obj.index)
        _feed_column(h, obj)
    return h.digest()


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
    """One column (or an index) by its values: numbers by their bytes, text by its
    characters (each value's length too, so that no two columns share a digest)."""
    import numpy as np
    import pandas as pd

    if isinstance(column, pd.MultiIndex):
        for level in range(column.nlevels):
            _feed_column(h, column.get_level_values(level))
        return
    stored = getattr(getattr(column, "array", None), "_ndarray", None)
    if isinstance(stored, np.ndarray) and stored.dtype == object:
        values = stored  # pandas' text column as it holds it (to_numpy would copy it)
    else:
        values = column.to_numpy() if hasattr(column, "to_numpy") else np.asarray(column)
    h.update(f"{values.dtype}:{len(values)};".encode())
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
        if _is_table(value) and _copy_on_write():
            # pandas copies on write: a shallow copy changed by its caller copies its data
            # then, never writing into the kept one (a deep copy of the 21k-row peer
            # table, asked for a hundred times a notebook, cost 3 ms each)
            return value.copy(deep=False)
        return value.copy()


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
