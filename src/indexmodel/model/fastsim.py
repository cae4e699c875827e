"""The field model's Monte Carlo kernel: draw simulated fields and rank scores among them.

One simulated field (row ``s``) of ``n`` peers is

    y[s, q] = base[s] + gain[s] * (w[q] + sd[q] * eps[s, q]),      eps ~ N(0, 1)

(within a methodology era: ``base`` = origin mean + common shift, ``gain`` = origin spread ×
spread ratio), or, across an era change, the row ``z = w + sd * eps`` re-standardized to
the test year's given mean and spread: ``y = mean_T + sd_T * (z - mean(z)) / sd(z)``.

The ranks asked for are those of fixed scores (``thresholds``, e.g. every province's real
test-year composite, or a scenario's composite) among the simulated peers: rank =
1 + the number of peers strictly above, where ``exclude[k]`` names the peer column that is
the threshold's own province (left out of its comparison), or −1.

Ranks come by sorting, never by comparing every pair: the thresholds are sorted once;
each simulated value's place among them (how many thresholds lie below it) is counted, a
histogram of the places per row and its reverse cumulative sum give, for every threshold,
the number of peers above it (O(sims · n · log n), not O(sims · n²)).

Two implementations give the same outputs, byte for byte, for the same random stream:

- :func:`numpy_kernel` (always available): blocks of rows, buffers allocated once and
  reused in place, the normal draws by ``Generator.standard_normal(out=…)``, which fills
  a buffer with exactly the numbers a fresh allocation would hold;
- :func:`numba_kernel` (when the optional dependency ``numba`` is installed: ``pip
  install indexmodel[fast]``): one fused pass per row that draws, moves and places each
  value, with the same ``numpy.random.Generator`` passed into compiled code (numba draws
  the same stream). It is a few times faster; the package never needs it.

Sums across a row (for re-standardizing) run left to right in both, so both round alike.
``INDEXMODEL_KERNEL=numpy`` forces the numpy path.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

import numpy as np

from ..core.errors import UsageError

BLOCK = 512          # rows per block in the numpy path (buffers stay in cache)
AUTO_NUMBA = 2_000_000   # province-years from which "auto" loads numba (its import costs ~0.5 s)
RANK_DTYPE = np.int16


def _check(w, sd, base, gain, thresholds, exclude):
    w = np.ascontiguousarray(w, dtype=np.float64)
    sd = np.ascontiguousarray(sd, dtype=np.float64)
    base = np.ascontiguousarray(base, dtype=np.float64)
    gain = np.ascontiguousarray(gain, dtype=np.float64)
    thresholds = np.ascontiguousarray(thresholds, dtype=np.float64)
    exclude = np.ascontiguousarray(exclude, dtype=np.int64)
    n, k = w.size, thresholds.size
    if sd.shape != (n,) or base.shape != gain.shape or base.ndim != 1:
        raise UsageError("kernel arrays disagree in shape")
    if exclude.shape != (k,) or (exclude >= n).any():
        raise UsageError("exclude must name a peer column (or -1) for every threshold")
    if n + 1 > np.iinfo(RANK_DTYPE).max:
        raise UsageError(f"too many peers for the rank type ({n})")
    if not (np.isfinite(w).all() and np.isfinite(sd).all() and np.isfinite(thresholds).all()):
        raise UsageError("the simulation's inputs must be finite numbers")
    return w, sd, base, gain, thresholds, exclude


def numpy_kernel(rng: np.random.Generator, w, sd, base, gain, thresholds, exclude,
                 restandardize: tuple[float, float] | None = None) -> np.ndarray:
    """Ranks (sims × thresholds) of the thresholds among simulated fields (numpy path)."""
    w, sd, base, gain, thresholds, exclude = _check(w, sd, base, gain, thresholds, exclude)

    def fill(rows: slice, y: np.ndarray) -> None:
        rng.standard_normal(out=y)
        y *= sd
        y += w
        if restandardize is None:
            y *= gain[rows, None]
            y += base[rows, None]
        else:
            _restandardize(y, *restandardize)

    return _ranks_by_blocks(base.size, w.size, thresholds, exclude, fill)


def _ranks_by_blocks(sims: int, n: int, thresholds, exclude, fill) -> np.ndarray:
    """Ranks (sims × thresholds), one block of rows at a time in buffers allocated once:
    ``fill(rows, y)`` writes the simulated values of those rows into ``y``."""
    k = thresholds.size
    order = np.argsort(thresholds, kind="stable")
    srt = thresholds[order]
    out = np.empty((sims, k), dtype=RANK_DTYPE)
    b = min(BLOCK, max(sims, 1))
    eps = np.empty((b, n))
    pos = np.empty((b, n), dtype=np.intp)
    for s0 in range(0, sims, b):
        m = min(b, sims - s0)
        fill(slice(s0, s0 + m), eps[:m])
        _rank_block(eps[:m], srt, order, thresholds, exclude, pos[:m], out[s0:s0 + m])
    return out


def _rank_block(y, srt, order, thresholds, exclude, pos, ranks) -> None:
    """Ranks of the thresholds among each row of ``y`` (1 + values strictly above, the
    excluded column left out), by the place of each value among the sorted thresholds."""
    m, k = y.shape[0], srt.size
    pos[...] = np.searchsorted(srt, y, side="left")        # thresholds strictly below
    pos += (np.arange(m) * (k + 1))[:, None]
    hist = np.bincount(pos.ravel(), minlength=m * (k + 1)).reshape(m, k + 1)
    above = np.cumsum(hist[:, :0:-1], axis=1)[:, ::-1]       # above[:, i]: values > srt[i]
    ranks[:, order] = above
    ranks += 1
    has_ex = exclude >= 0
    if has_ex.any():
        cols = exclude[has_ex]
        ranks[:, has_ex] -= (y[:, cols] > thresholds[has_ex]).astype(ranks.dtype)


def ranks_among(thresholds, values, exclude=None) -> np.ndarray:
    """Ranks (rows × thresholds) of fixed scores among given simulated values (rows × n):
    1 + the values strictly above (NaN values never above); ``exclude[k]``: a column left
    out of threshold ``k``'s comparison, or −1. By sorting, O(rows · n · log k)."""
    values = np.asarray(values, dtype=float)
    thresholds = np.asarray(thresholds, dtype=float)
    k = thresholds.size
    exclude = np.full(k, -1, np.int64) if exclude is None else np.asarray(exclude, np.int64)
    y = np.where(np.isnan(values), -np.inf, values)
    order = np.argsort(thresholds, kind="stable")
    out = np.empty((y.shape[0], k), dtype=np.int64)
    pos = np.empty(y.shape, dtype=np.intp)
    for s0 in range(0, y.shape[0], BLOCK):
        blk = slice(s0, s0 + BLOCK)
        _rank_block(y[blk], thresholds[order], order, thresholds, exclude, pos[blk], out[blk])
    return out


def _restandardize(z: np.ndarray, mean_t: float, sd_t: float) -> None:
    """Each row to mean ``mean_t`` and sd ``sd_t`` (sums left to right, as in numba)."""
    rows, n = z.shape
    mu = np.zeros(rows)
    for q in range(n):
        mu += z[:, q]
    mu /= n
    var = np.zeros(rows)
    for q in range(n):
        d = z[:, q] - mu
        var += d * d
    var /= n - 1
    sdv = np.sqrt(var)
    z -= mu[:, None]
    z /= sdv[:, None]
    z *= sd_t
    z += mean_t


@lru_cache(maxsize=1)
def _numba_impl():
    """The compiled kernel, or None where numba is not installed (or switched off)."""
    if os.environ.get("INDEXMODEL_KERNEL", "").lower() == "numpy":
        return None
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=True, nogil=True)
    def kernel(rng, w, sd, base, gain, srt, order, thresholds, exclude, restd, mean_t, sd_t, out):
        sims, k = out.shape
        n = w.size
        row = np.empty(n)
        hist = np.zeros(k + 1, np.int64)
        above = np.empty(k, np.int64)
        for s in range(sims):
            for q in range(n):
                row[q] = w[q] + sd[q] * rng.standard_normal()
            if restd:
                mu = 0.0
                for q in range(n):
                    mu += row[q]
                mu /= n
                var = 0.0
                for q in range(n):
                    d = row[q] - mu
                    var += d * d
                var /= n - 1
                sdv = np.sqrt(var)
                for q in range(n):
                    row[q] = ((row[q] - mu) / sdv) * sd_t + mean_t
            else:
                g = gain[s]
                bb = base[s]
                for q in range(n):
                    row[q] = row[q] * g + bb
            hist[:] = 0
            for q in range(n):
                v = row[q]
                c = 0
                for i in range(k):               # a count beats a binary search at k ≈ 60
                    c += srt[i] < v
                hist[c] += 1
            acc = 0
            for i in range(k - 1, -1, -1):
                acc += hist[i + 1]
                above[i] = acc
            for i in range(k):
                j = order[i]
                r = 1 + above[i]
                e = exclude[j]
                if e >= 0 and row[e] > thresholds[j]:
                    r -= 1
                out[s, j] = r

    return kernel


def numba_available() -> bool:
    return _numba_impl() is not None


def numba_kernel(rng: np.random.Generator, w, sd, base, gain, thresholds, exclude,
                 restandardize: tuple[float, float] | None = None) -> np.ndarray:
    """The same ranks as :func:`numpy_kernel`, by one compiled pass per row."""
    impl = _numba_impl()
    if impl is None:
        raise UsageError("numba is not installed", hint="pip install 'indexmodel[fast]'")
    w, sd, base, gain, thresholds, exclude = _check(w, sd, base, gain, thresholds, exclude)
    order = np.argsort(thresholds, kind="stable")
    out = np.empty((base.size, thresholds.size), dtype=RANK_DTYPE)
    restd = restandardize is not None
    mean_t, sd_t = restandardize if restd else (0.0, 1.0)
    impl(rng, w, sd, base, gain, thresholds[order], order.astype(np.int64), thresholds, exclude,
         restd, float(mean_t), float(sd_t), out)
    return out


def simulate_ranks(rng: np.random.Generator, w, sd, base, gain, thresholds, exclude,
                   restandardize: tuple[float, float] | None = None, *,
                   kernel: str = "auto") -> np.ndarray:
    """Ranks (sims × thresholds): numpy or numba, the same ranks for the same generator state.

    ``kernel``: ``"numpy"``, ``"numba"`` or ``"auto"`` (numba where installed, for jobs of
    at least :data:`AUTO_NUMBA` province-years or once numba is loaded anyway).
    """
    if kernel not in ("auto", "numpy", "numba"):
        raise UsageError(f"unknown kernel '{kernel}'", hint="auto, numpy or numba")
    big = np.asarray(base).size * np.asarray(w).size >= AUTO_NUMBA or "numba" in sys.modules
    if kernel == "numba" or (kernel == "auto" and big and numba_available()):
        return numba_kernel(rng, w, sd, base, gain, thresholds, exclude, restandardize)
    return numpy_kernel(rng, w, sd, base, gain, thresholds, exclude, restandardize)


def simulate_field(rng: np.random.Generator, w, sd, base, gain,
                   restandardize: tuple[float, float] | None = None) -> np.ndarray:
    """The simulated fields themselves (sims × n), from the same stream as the kernels."""
    w = np.asarray(w, float)
    sd = np.asarray(sd, float)
    y = rng.standard_normal((np.asarray(base).size, w.size))
    y *= sd
    y += w
    if restandardize is None:
        y *= np.asarray(gain, float)[:, None]
        y += np.asarray(base, float)[:, None]
    else:
        _restandardize(y, *restandardize)
    return y


def _yearly_block(rng, m, e, a, v, base, gain, restandardize, out):
    """One block of fields whose rows reshuffle by their own year:
    ``z = a_s·m_q + √(v_s + a_s²·e_q)·ε`` then moved as in the other kernels."""
    rng.standard_normal(out=out)
    out *= np.sqrt(v[:, None] + (a * a)[:, None] * e[None, :])
    out += a[:, None] * m[None, :]
    if restandardize is None:
        out *= gain[:, None]
        out += base[:, None]
    else:
        _restandardize(out, *restandardize)


def simulate_ranks_yearly(rng: np.random.Generator, m, e, a, v, base, gain, thresholds, exclude,
                          restandardize: tuple[float, float] | None = None) -> np.ndarray:
    """Ranks (sims × thresholds) among fields whose rows each reshuffle by their own year
    (slope ``a[s]`` and residual variance ``v[s]``; ``m``, ``e``: each peer's expected
    origin position and its unknown variance). The numpy path, blocks reused in place."""
    m, e, base, gain, thresholds, exclude = _check(m, e, base, gain, thresholds, exclude)
    a = np.ascontiguousarray(a, dtype=np.float64)
    v = np.ascontiguousarray(v, dtype=np.float64)
    if a.shape != base.shape or v.shape != base.shape:
        raise UsageError("kernel arrays disagree in shape")

    def fill(rows: slice, y: np.ndarray) -> None:
        _yearly_block(rng, m, e, a[rows], v[rows], base[rows], gain[rows], restandardize, y)

    return _ranks_by_blocks(base.size, m.size, thresholds, exclude, fill)


def simulate_field_yearly(rng: np.random.Generator, m, e, a, v, base, gain,
                          restandardize: tuple[float, float] | None = None) -> np.ndarray:
    """The simulated fields of :func:`simulate_ranks_yearly` themselves (sims × n)."""
    m = np.asarray(m, float)
    y = np.empty((np.asarray(base).size, m.size))
    _yearly_block(rng, m, np.asarray(e, float), np.asarray(a, float), np.asarray(v, float),
                  np.asarray(base, float), np.asarray(gain, float), restandardize, y)
    return y


def rank_counts(ranks: np.ndarray, n_ranks: int) -> np.ndarray:
    """Per threshold (column), how many simulations gave each rank 1..``n_ranks``."""
    sims, k = ranks.shape
    flat = ranks.astype(np.int64) - 1 + (np.arange(k) * n_ranks)[None, :]
    return np.bincount(flat.ravel(), minlength=k * n_ranks).reshape(k, n_ranks)
