"""Ranks: competition ranking among the provinces ranked that year, national and regional;
the score needed for rank k; and rank curves where only some peers are known.

Rank 1 is best and ties share a rank (1, 2, 2, 4). A province left unranked in a year
(a score of NaN: PAPI 2014's Bắc Giang and Đồng Tháp, 2023's Quảng Ninh and Bình Dương)
takes no place and changes nobody's rank.

Where only part of a year's table is known (anchors such as ranks 1–6, 19 and 61), a
:class:`RankCurve` places a score between the known points: the rank it gets is an
interval (between the bracketing anchors), never a falsely precise number; a monotone
interpolation (PCHIP) gives a central value inside that interval. Published facts that
bound a rank's score without giving it (a national mean with the number of provinces
above it, the sum the mean implies, regional means: :mod:`indexmodel.model.anchors`)
enter a curve as ``bounds``; the province's own published rank with a score known only
within bounds enters as ``own_bounds``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

from ..core.errors import DataUnavailableError, UsageError


def competition_rank(scores: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Competition ranks (1 best; ties share the best rank; NaN scores stay unranked).

    Works on the last axis, so a 2-D array ranks each row (one row per simulation).
    """
    values = np.asarray(scores, dtype=float)
    if values.ndim == 1:
        return _rank_rows(values[None, :])[0]
    return _rank_rows(values)


def _rank_rows(values: np.ndarray) -> np.ndarray:
    # rank = 1 + number of finite scores strictly greater (within each row)
    n_rows, n = values.shape
    finite = np.isfinite(values)
    filled = np.where(finite, values, -np.inf)
    order = np.sort(filled, axis=1)  # ascending
    greater = np.empty_like(values)
    for r in range(n_rows):
        greater[r] = n - np.searchsorted(order[r], filled[r], side="right")
    ranks = 1.0 + greater
    ranks[~finite] = np.nan
    return ranks


def ranks_of(scores: pd.Series) -> pd.Series:
    """Competition ranks of a Series of scores (index: provinces); unranked as <NA>."""
    ranks = competition_rank(scores.to_numpy(dtype=float))
    return pd.Series(ranks, index=scores.index, name="rank").astype("Int64")


def rank_among(score: float | np.ndarray, peer_scores: Sequence[float] | np.ndarray) -> np.ndarray | int:
    """The rank ``score`` would take among ``peer_scores`` (the province itself excluded)."""
    peers = np.asarray(peer_scores, dtype=float)
    peers = np.sort(peers[np.isfinite(peers)])
    s = np.asarray(score, dtype=float)
    above = peers.size - np.searchsorted(peers, s, side="right")
    rank = 1 + above
    return int(rank) if np.ndim(rank) == 0 else rank


def score_for_rank(k: int, peer_scores: Sequence[float] | np.ndarray) -> float:
    """The lowest score that reaches rank ``k`` (or better) among ``peer_scores``.

    A tie counts as reaching the rank (competition ranking shares the best place), so
    the answer is the k-th highest peer score; with fewer than k peers any score does.
    """
    peers = np.sort(np.asarray(peer_scores, dtype=float))[::-1]
    peers = peers[np.isfinite(peers)]
    n = peers.size + 1
    if not 1 <= k <= n:
        raise UsageError(f"rank goal {k} is outside 1..{n}")
    if k > peers.size:
        return -math.inf
    return float(peers[k - 1])


def score_and_rank(peers: pd.DataFrame, index: str, year: int, book=None) -> pd.DataFrame:
    """Composite and competition rank of every province of a tidy peer table in ``year``.

    Columns: province (canonical English name), score, rank. Provinces whose composite
    cannot be computed (a component missing) are left out, unranked.
    """
    from .scoring import score_peers
    from ..data.spec import load_specs

    book = book or load_specs()
    spec = book.spec_for(index, year)
    if spec.is_published_only(year):
        raise DataUnavailableError(
            f"{index} {year} is published-only: its composites are kept as published, never "
            "recomputed", hint="see data/peers/results.csv")
    rows = peers[(peers["index"] == index) & (peers["year"] == year)]
    if rows.empty:
        years = sorted(set(peers.loc[peers["index"] == index, "year"]))
        raise DataUnavailableError(f"no {index} {year} rows in the peer data",
                                   hint=f"{index} years present: {years or 'none'}")
    table = score_peers(peers, spec, year)
    scores = table[spec.composite].dropna()
    if scores.empty:
        raise DataUnavailableError(
            f"no province's {index} {year} composite can be computed: every province misses "
            "a component", hint="components of " + spec.era + ": " + ", ".join(spec.top_components))
    out = pd.DataFrame({"province": scores.index, "score": scores.to_numpy()})
    out["rank"] = competition_rank(out["score"]).astype(int)
    return out.sort_values(["rank", "province"], kind="mergesort").reset_index(drop=True)


def regional_scores(scores: pd.Series, region_of: dict[str, str], region: str) -> pd.Series:
    """The scores of the provinces of one region."""
    return scores[[region_of.get(p) == region for p in scores.index]]


@dataclass(frozen=True)
class RankInterval:
    """Where a score places when only part of the table is known."""

    low: int       # best possible rank
    high: int      # worst possible rank
    central: float  # monotone interpolation between the anchors
    note: str = ""

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def covers(self, rank: int) -> bool:
        return self.low <= rank <= self.high

    def text(self) -> str:
        return f"{self.low}" if self.exact else f"{self.low}–{self.high} (≈{self.central:.0f})"


@dataclass(frozen=True)
class RankCurve:
    """A year's ranking known only at some points (rank, score), for ``n`` ranked provinces.

    ``assumptions`` names everything the curve rests on beyond the published anchors.
    """

    ranks: tuple[int, ...]
    scores: tuple[float, ...]
    n: int
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)
    own: tuple[int, float] | None = None
    bounds: tuple[tuple[int, float, float], ...] = ()
    own_bounds: tuple[int, float, float] | None = None

    @classmethod
    def from_anchors(cls, anchors: Iterable[tuple[int, float]], n: int,
                     assumptions: Iterable[str] = (), sources: Iterable[str] = (),
                     own: tuple[int, float] | None = None,
                     bounds: Iterable[tuple[int, float, float]] = (),
                     own_bounds: tuple[int, float, float] | None = None) -> "RankCurve":
        """A curve through peers' (rank, score) anchors.

        ``own`` is the province's own published (rank, score) that year: it says how
        many peers stood above that score (rank − 1), which bounds where any other
        score of the province would place. ``bounds``: (rank, lowest, highest) score a
        peer's rank can have where no score is published; ``own_bounds``: the
        province's own (rank, lowest, highest) where its own score is known only
        within bounds.
        """
        pairs = sorted({(int(r), float(s)) for r, s in anchors if r is not None and s is not None
                        and math.isfinite(float(s))})
        bounds = tuple(sorted((int(r), float(lo), float(hi)) for r, lo, hi in bounds))
        for r, lo, hi in bounds:
            if not 1 <= r <= n or lo > hi + 1e-9:
                raise DataUnavailableError(f"bounds {lo}..{hi} for rank {r} are not an interval "
                                           f"of a rank within 1..{n}")
        if own_bounds is not None:
            own_bounds = (int(own_bounds[0]), float(own_bounds[1]), float(own_bounds[2]))
        if not pairs and own is None and not bounds and own_bounds is None:
            raise DataUnavailableError("no anchor with both a rank and a score")
        for (r1, s1), (r2, s2) in zip(pairs, pairs[1:]):
            if r1 == r2 and s1 != s2:
                raise DataUnavailableError(f"two scores ({s1}, {s2}) published for rank {r1}")
            if r2 > r1 and s2 > s1 + 1e-9:
                raise DataUnavailableError(
                    f"anchors are not monotone: rank {r2} has {s2} above rank {r1}'s {s1}")
        if pairs and pairs[-1][0] > n:
            raise DataUnavailableError(f"anchor rank {pairs[-1][0]} is beyond the {n} ranked provinces")
        if own is not None:
            own = (int(own[0]), float(own[1]))
            for r, s in pairs:
                if (r < own[0] and s < own[1] - 1e-9) or (r > own[0] and s > own[1] + 1e-9):
                    raise DataUnavailableError(
                        f"anchor rank {r} ({s}) contradicts the province's own rank {own[0]} ({own[1]})")
        return cls(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), int(n),
                   tuple(assumptions), tuple(sources), own, bounds, own_bounds)

    @property
    def support(self) -> tuple[float, float]:
        """The scores the curve speaks for: from its lowest point up (everything when
        its points reach the last rank); below, it knows only bounds."""
        ranks, scores = self._points()
        if not ranks.size:
            return -math.inf, math.inf
        low = -math.inf if ranks.max() >= self.n else float(scores.min())
        return low, math.inf

    @functools.cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rank among the other provinces, lowest, highest score) of every point and bound,
        built once.

        The published ranks count the province itself: where its own rank that year is known,
        a peer published below it stood one place higher among the others (Thanh Hóa, 30th
        behind Bình Định's 25th in PCI 2023, had 28 other provinces above it, not 29).
        """
        ranks = np.array(self.ranks + tuple(b[0] for b in self.bounds), dtype=int)
        own_rank = (self.own[0] if self.own is not None
                    else self.own_bounds[0] if self.own_bounds is not None else None)
        if own_rank is not None:
            ranks = ranks - (ranks > own_rank).astype(int)
        return (ranks,
                np.array(self.scores + tuple(b[1] for b in self.bounds), dtype=float),
                np.array(self.scores + tuple(b[2] for b in self.bounds), dtype=float))

    @functools.cached_property
    def _pchip(self):
        """(the monotone interpolation of rank on score through the points, its score range),
        built once; None with fewer than two distinct scores."""
        ranks, scores = self._points()
        if ranks.size < 2:
            return None
        s = scores[::-1]  # ascending score
        r = ranks[::-1].astype(float)
        keep = np.concatenate([[True], np.diff(s) > 1e-12])
        s, r = s[keep], r[keep]
        if s.size < 2:
            return None
        return PchipInterpolator(s, r), float(s[0]), float(s[-1])

    def place(self, score: float) -> RankInterval:
        """The rank interval of ``score`` (as a new entrant displacing the table)."""
        ranks, lows, highs = self._arrays
        above = lows > score + 1e-12             # surely better
        tied_or_below = highs <= score + 1e-12   # surely tied or worse
        # best rank: one more than the worst-ranked anchor surely above the score
        low = int(ranks[above].max()) + 1 if above.any() else 1
        # worst rank: the rank of the best anchor at or below the score (taking its place)
        high = int(ranks[tied_or_below].min()) if tied_or_below.any() else self.n
        if self.own_bounds is not None and self.own is None:  # the own score within bounds
            own_rank, own_low, own_high = self.own_bounds
            if score > own_high + 1e-12:
                high = min(high, own_rank)
            if score < own_low - 1e-12:
                low = max(low, own_rank)
        if self.own is not None:  # rank − 1 peers stood above the own published score
            own_rank, own_score = self.own
            if score > own_score + 1e-12:
                high = min(high, own_rank)
            elif score < own_score - 1e-12:
                low = max(low, own_rank)
            else:
                low, high = max(low, own_rank), min(high, own_rank)
        low, high = max(1, min(low, self.n)), max(1, min(high, self.n))
        high = max(high, low)
        central = self._interpolate(score, low, high)
        return RankInterval(low, high, central, "; ".join(self.assumptions))

    def _points(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = list(zip(self.ranks, self.scores))
        if self.own is not None:
            pairs.append(self.own)
        pairs.sort()
        return (np.array([p[0] for p in pairs], dtype=int),
                np.array([p[1] for p in pairs], dtype=float))

    def _interpolate(self, score: float, low: int, high: int) -> float:
        if low == high:
            return float(low)
        pchip = self._pchip
        if pchip is not None and pchip[1] <= score <= pchip[2]:
            value = float(pchip[0](score))
        else:  # outside the anchors: the midpoint of what is possible
            value = (low + high) / 2
        return float(min(max(value, low), high))

    def score_for_rank(self, k: int) -> tuple[float, float]:
        """The interval of scores that rank ``k`` needs (best and worst case)."""
        if not 1 <= k <= self.n:
            raise UsageError(f"rank goal {k} is outside 1..{self.n}")
        ranks, scores = self._points()
        if k in ranks.tolist():
            s = float(scores[ranks.tolist().index(k)])
            return s, s
        better = ranks < k
        worse = ranks > k
        high = float(scores[better].min()) if better.any() else math.inf
        low = float(scores[worse].max()) if worse.any() else -math.inf
        bounds = list(self.bounds) + ([self.own_bounds] if self.own_bounds is not None else [])
        for r, lo, hi in bounds:  # a rank's score bounds the scores of the ranks around it
            if r <= k:
                high = min(high, hi)
            if r >= k:
                low = max(low, lo)
        return low, high


@dataclass(frozen=True)
class ExactField:
    """Every peer's score is known: ranks are exact.

    ``peers`` are the other provinces' composites (the province itself excluded).
    """

    peers: tuple[float, ...]
    names: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @classmethod
    def from_series(cls, scores: pd.Series, exclude: str | None = None,
                    assumptions: Iterable[str] = ()) -> "ExactField":
        scores = scores.dropna()
        if exclude is not None:
            scores = scores.drop(index=exclude, errors="ignore")
        return cls(tuple(float(s) for s in scores.to_numpy()), tuple(map(str, scores.index)),
                   tuple(assumptions))

    @property
    def n(self) -> int:
        return len(self.peers) + 1

    def place(self, score: float) -> RankInterval:
        rank = rank_among(score, self.peers)
        return RankInterval(rank, rank, float(rank), "; ".join(self.assumptions))

    def score_for_rank(self, k: int) -> tuple[float, float]:
        s = score_for_rank(k, self.peers)
        return s, s

    def best(self) -> float:
        return max(self.peers) if self.peers else -math.inf


@dataclass(frozen=True)
class EnvelopeField:
    """Several plausible fields (one per assumption): ranks are their envelope.

    The interval spans every member's interval; the central value is the median of
    the members' central values.
    """

    members: tuple
    assumptions: tuple[str, ...] = ()
    guaranteed: object | None = None  # the anchors-only field, used where < 2 members speak

    @property
    def n(self) -> int:
        return max(m.n for m in self.members)

    def place(self, score: float) -> RankInterval:
        # a member speaks only within the scores its reference table covers
        speaking = [m for m in self.members
                    if not hasattr(m, "support") or m.support[0] <= score <= m.support[1]]
        placed = [m.place(score) for m in (speaking or self.members)]
        central = float(np.median([p.central for p in placed]))
        low, high = min(p.low for p in placed), max(p.high for p in placed)
        if len(speaking) < 2 and self.guaranteed is not None:
            # one borrowed spread alone would look falsely precise: keep what the anchors allow
            sure = self.guaranteed.place(score)
            low, high = sure.low, sure.high
            central = min(max(central, low), high)
        return RankInterval(low, high, central, "; ".join(self.assumptions))

    def score_for_rank(self, k: int) -> tuple[float, float]:
        bounds = [m.score_for_rank(k) for m in self.members]
        finite = [b for b in bounds if math.isfinite(b[0]) and math.isfinite(b[1])]
        bounds = finite or bounds
        return min(b[0] for b in bounds), max(b[1] for b in bounds)
