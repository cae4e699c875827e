"""Scores of predicted rank distributions against the ranks that came true.

From simulated ranks (sims × provinces) to, per province: the rank quantiles and the
central 50/80/90% intervals, the continuous ranked probability score (CRPS), the log
score and the randomized probability integral transform (PIT). Ranks are whole numbers,
so an inclusive interval of whole ranks holds at least its nominal probability; the
randomized PIT (uniform within the probability of the actual rank) has no such rounding
and is uniform when the predictions are calibrated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fastsim import rank_counts

LEVELS = (50, 80, 90)


def rank_cdf(ranks: np.ndarray, n_ranks: int) -> np.ndarray:
    """Per province (rows), P(rank ≤ r) for r = 1..n_ranks."""
    counts = rank_counts(ranks, n_ranks)
    return np.cumsum(counts, axis=1) / counts.sum(axis=1, keepdims=True)


def quantile(cdf: np.ndarray, q: float) -> np.ndarray:
    """The smallest rank whose cumulative probability reaches ``q`` (per row)."""
    return 1 + (cdf < q - 1e-12).sum(axis=1)


def interval(cdf: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of whole ranks by the mid-distribution (per row).

    ``M(r) = P(rank < r) + P(rank = r) / 2``; the interval holds the ranks with
    ``(1 − level)/2 ≤ M(r) ≤ (1 + level)/2``: an end rank is in when at least half of its
    own probability lies inside the nominal tails. Its probability is then close to
    ``level`` on average (the plain quantiles' interval holds at least ``level``, often
    far more when a distribution is a few ranks wide). Where no rank qualifies (one rank
    holds nearly everything) the interval is the median rank.
    """
    lower = np.concatenate([np.zeros((cdf.shape[0], 1)), cdf[:, :-1]], axis=1)
    mid = (lower + cdf) / 2
    a, b = (1 - level) / 2, (1 + level) / 2
    lo = 1 + (mid < a - 1e-12).sum(axis=1)
    hi = (mid <= b + 1e-12).sum(axis=1)
    med = quantile(cdf, 0.5)
    empty = hi < lo
    return np.where(empty, med, lo), np.where(empty, med, hi)


def score_ranks(ranks: np.ndarray, actual: np.ndarray, rng: np.random.Generator,
                n_ranks: int | None = None) -> pd.DataFrame:
    """Per province: p05 … p95 quantiles, interval coverage, CRPS, log score, PIT.

    ``ranks``: sims × provinces simulated ranks (1 = best); ``actual``: the true ranks;
    ``rng``: for the randomized PIT.
    """
    actual = np.asarray(actual, dtype=np.int64)
    n = ranks.shape[1]
    n_ranks = n_ranks or max(int(ranks.max()), int(actual.max()), n)
    counts = rank_counts(ranks, n_ranks)
    cdf = np.cumsum(counts, axis=1) / counts.sum(axis=1, keepdims=True)
    out = {}
    out["rank_p50"] = quantile(cdf, 0.5)
    for level in LEVELS:
        lo, hi = interval(cdf, level / 100)
        out[f"rank_p{(100 - level) // 2:02d}"], out[f"rank_p{(100 + level) // 2:02d}"] = lo, hi
        out[f"covered{level}"] = (lo <= actual) & (actual <= hi)
        inside = (np.arange(1, n_ranks + 1)[None, :] >= lo[:, None]) & (np.arange(1, n_ranks + 1)[None, :] <= hi[:, None])
        out[f"prob{level}"] = (counts * inside).sum(axis=1) / counts.sum(axis=1)
    out = {k: out[k] for k in sorted(out, key=lambda k: (not k.startswith("rank_p"), k))}
    grid = np.arange(1, n_ranks + 1)
    step = (actual[:, None] <= grid[None, :]).astype(float)
    out["crps"] = ((cdf - step) ** 2).sum(axis=1)
    idx = np.arange(n)
    at = np.clip(actual - 1, 0, n_ranks - 1)
    p_actual = (counts[idx, at] + 0.5) / (counts.sum(axis=1) + 0.5 * n_ranks)
    out["log_score"] = -np.log(p_actual)
    upper = cdf[idx, at]
    lower = np.where(actual >= 2, cdf[idx, np.clip(actual - 2, 0, n_ranks - 1)], 0.0)
    out["pit"] = lower + rng.random(n) * (upper - lower)
    out["rank_mean"] = (counts * grid[None, :]).sum(axis=1) / counts.sum(axis=1)
    return pd.DataFrame(out)


def self_consistency(ranks: np.ndarray, lo: np.ndarray, hi: np.ndarray, worlds: int = 400,
                     seed: int = 0) -> np.ndarray:
    """Coverage of the intervals [lo, hi] in worlds drawn from the model itself.

    Each of ``worlds`` simulations is treated as the year that came true; the result is
    the coverage of each such world: how a perfectly calibrated model's pair coverage
    varies (a common shift makes a pair's coverage nearly all or nothing).
    """
    sims = ranks.shape[0]
    pick = np.random.default_rng(seed).choice(sims, size=min(worlds, sims), replace=False)
    world = ranks[pick]
    return ((world >= lo[None, :]) & (world <= hi[None, :])).mean(axis=1)
