"""Every published anchor of one index-year as bounds on the score at each rank.

Where a year's table is only partly published (SIPAS, PAR INDEX), whatever is
published still says something about the score at every rank 1..n:

- a province's score and rank: the score at that rank;
- a rank published without a score: the place is taken, nothing more;
- the national mean with the number of provinces above it ("86.98, 32 of 63 above"):
  the score at rank 32 is above the mean, the score at rank 33 is not;
- the national mean alone: the n scores add up to n × mean (within the publisher's
  rounding), which bounds a rank wherever the other ranks' bounds leave too little
  or too much room;
- regional means: every region has a province at or above its mean and one at or
  below it, so the j-th best score is at least the j-th highest regional mean and the
  j-th worst at most the j-th lowest;
- the range of the index itself.

Bounds are carried through the order of ranks (a better rank never has a lower
score) and through the sum until nothing moves. :func:`rank_bounds` returns them with
a sentence per fact used (Vietnamese and English); :meth:`RankBounds.interval` is what
a province's own published rank says about its own score when that score is not
published (PAR INDEX 2023: Bình Định, 31st, lies in (86.98, 87.32]).

Nothing is interpolated here: these are bounds the published figures guarantee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError
from ..data.provinces import REGIONS, all_provinces, resolve
from .field import Note

NATIONAL = "national"
#: Half a unit of the last published decimal: published means are rounded to 0.01.
ROUNDING = 0.005
#: "… 32 of 63 provinces above the mean" in a source or note, when no column says it.
_ABOVE = re.compile(r"(\d+)\s+of\s+(\d+)\s+provinces\s+above\s+(?:the|its)\s+mean", re.I)
_EPS = 1e-9


@dataclass(frozen=True)
class RankBounds:
    """Bounds on the score at every rank 1..n of one index-year, and what they rest on."""

    index: str
    year: int
    n: int
    lo: tuple[float, ...]          # lower bound of the score at rank 1..n
    hi: tuple[float, ...]          # upper bound
    lo_open: tuple[bool, ...]      # the lower bound is strict (above the mean)
    points: tuple[tuple[int, float, str], ...]   # (rank, score, province)
    rank_only: tuple[tuple[int, str], ...]       # (rank, province) published without a score
    facts: tuple[Note, ...]
    checks: tuple[Note, ...] = ()

    def interval(self, rank: int) -> tuple[float, float, bool]:
        """(low, high, low is strict) for the score at ``rank``."""
        if not 1 <= rank <= self.n:
            raise DataUnavailableError(f"rank {rank} is outside 1..{self.n}")
        i = rank - 1
        return self.lo[i], self.hi[i], self.lo_open[i]

    def interval_text(self, rank: int) -> str:
        lo, hi, open_ = self.interval(rank)
        return f"{'(' if open_ else '['}{lo:.2f}, {hi:.2f}]"

    def curve_bounds(self, exclude_rank: int | None = None) -> tuple[tuple[int, float, float], ...]:
        """The bounds of every rank that is neither a published point nor ``exclude_rank``
        (the province's own place), for :class:`indexmodel.model.ranking.RankCurve`."""
        points = {r for r, _, _ in self.points}
        return tuple((r, self.lo[r - 1], self.hi[r - 1]) for r in range(1, self.n + 1)
                     if r not in points and r != exclude_rank)

    def describe(self, lang: str = "vi") -> list[str]:
        return [f(lang) for f in self.facts] + [c(lang) for c in self.checks]


def _name(province: str, lang: str) -> str:
    try:
        return resolve(province).name(lang)
    except Exception:  # pragma: no cover - provinces come from checked tables
        return province


def _count_above(row: pd.Series) -> tuple[int, int] | None:
    """(k, n) where ``row`` says k of n provinces scored above the mean."""
    if "provinces_above" in row.index and pd.notna(row["provinces_above"]):
        n = int(row["ranked_provinces"]) if "ranked_provinces" in row.index and pd.notna(
            row.get("ranked_provinces")) else None
        return int(row["provinces_above"]), n
    for column in ("note", "source"):
        if column in row.index and isinstance(row[column], str):
            match = _ABOVE.search(row[column])
            if match:
                return int(match.group(1)), int(match.group(2))
    return None


def _propagate(lo: np.ndarray, hi: np.ndarray, lo_open: np.ndarray) -> None:
    """A better rank never scores lower: lo from below, hi from above (in place)."""
    n = lo.size
    for i in range(n - 2, -1, -1):
        if lo[i + 1] > lo[i] + _EPS or (abs(lo[i + 1] - lo[i]) <= _EPS and lo_open[i + 1]):
            lo[i], lo_open[i] = lo[i + 1], lo_open[i + 1]
    for i in range(1, n):
        hi[i] = min(hi[i], hi[i - 1])


def _tighten_by_sum(lo: np.ndarray, hi: np.ndarray, total: float, slack: float) -> int:
    """Bounds every rank by the sum of all n scores (in place); the number of ranks moved.

    With the score at rank k set to v, the others add at most Σ_{j<k} hi_j + Σ_{j>k}
    min(hi_j, v) and at least Σ_{j<k} max(lo_j, v) + Σ_{j>k} lo_j; both rise with v, so
    the lowest v reaching ``total − slack`` and the highest not passing ``total + slack``
    are found by bisection, for every rank at once.
    """
    n = lo.size
    idx = np.arange(n)
    before = idx[None, :] < idx[:, None]     # [k, j]: j ranks better than k
    after = idx[None, :] > idx[:, None]

    def most(v: np.ndarray) -> np.ndarray:
        return (np.where(before, hi[None, :], 0.0).sum(axis=1) + v
                + np.where(after, np.minimum(hi[None, :], v[:, None]), 0.0).sum(axis=1))

    def least(v: np.ndarray) -> np.ndarray:
        return (np.where(before, np.maximum(lo[None, :], v[:, None]), 0.0).sum(axis=1) + v
                + np.where(after, lo[None, :], 0.0).sum(axis=1))

    need, room = total - slack, total + slack
    if (most(hi.copy()) < need - _EPS).any():
        raise DataUnavailableError(
            f"the published mean needs a total of {total:.2f}, more than the other anchors allow")
    if (least(lo.copy()) > room + _EPS).any():
        raise DataUnavailableError(
            f"the published mean needs a total of {total:.2f}, less than the other anchors allow")
    raise_lo = most(lo.copy()) < need
    lower_hi = least(hi.copy()) > room
    a, b = lo.copy(), hi.copy()          # lowest v with most(v) ≥ need lies in (a, b]
    c, d = lo.copy(), hi.copy()          # highest v with least(v) ≤ room lies in [c, d)
    for _ in range(50):
        mid = (a + b) / 2
        short = most(mid) < need
        a, b = np.where(short, mid, a), np.where(short, b, mid)
        mid = (c + d) / 2
        fits = least(mid) <= room
        c, d = np.where(fits, mid, c), np.where(fits, d, mid)
    new_lo = np.where(raise_lo & (b > lo + 1e-6), b, lo)
    new_hi = np.where(lower_hi & (c < hi - 1e-6), c, hi)
    moved = int((new_lo != lo).sum() + (new_hi != hi).sum())
    lo[:], hi[:] = new_lo, new_hi
    return moved


def rank_bounds(index: str, year: int, n: int, results: pd.DataFrame,
                region_means: pd.DataFrame | None = None, *, exclude: tuple[str, ...] = (),
                score_range: tuple[float, float] = (0.0, 100.0),
                rounding: float = ROUNDING) -> RankBounds:
    """The bounds every published anchor of ``index`` ``year`` puts on the score at each rank.

    ``results``: published composites and ranks (columns index, year, province,
    composite, rank); ``region_means``: published means (index, year, region,
    mean_value, source; region ``national`` for the national mean, the number above it
    in a ``provinces_above`` column or written "k of n provinces above the mean" in
    its source). ``exclude``: provinces whose published score is not to be used (their
    rank still is) — the province whose own score is being bounded.
    """
    rows = results[(results["index"] == index) & (results["year"] == year)]
    points, rank_only = [], []
    for rec in rows.itertuples():
        if pd.isna(rec.rank):
            continue
        if pd.notna(rec.composite) and rec.province not in exclude:
            points.append((int(rec.rank), float(rec.composite), rec.province))
        else:
            rank_only.append((int(rec.rank), rec.province))
    return bounds_from_anchors(index, year, n, points, rank_only, region_means,
                               score_range=score_range, rounding=rounding)


def bounds_from_anchors(index: str, year: int, n: int, points, rank_only=(),
                        region_means: pd.DataFrame | None = None, *,
                        score_range: tuple[float, float] = (0.0, 100.0),
                        rounding: float = ROUNDING) -> RankBounds:
    """:func:`rank_bounds` from anchors already read: ``points`` (rank, score, province),
    ``rank_only`` (rank, province) and the published means."""
    lo = np.full(n, float(score_range[0]))
    hi = np.full(n, float(score_range[1]))
    lo_open = np.zeros(n, dtype=bool)
    facts: list[Note] = []
    checks: list[Note] = []
    points = sorted((int(r), float(s), str(p)) for r, s, p in points)
    rank_only = sorted((int(r), str(p)) for r, p in rank_only)
    for rank, _, province in points + [(r, 0.0, p) for r, p in rank_only]:
        if not 1 <= rank <= n:
            raise DataUnavailableError(f"{index} {year}: {province} is ranked {rank}, outside "
                                       f"the {n} ranked provinces")
    for (r1, s1, p1), (r2, s2, p2) in zip(points, points[1:]):
        if s2 > s1 + _EPS and r2 > r1:
            raise DataUnavailableError(
                f"{index} {year}: published anchors are not monotone: {p2} ({r2}) has {s2} "
                f"above {p1} ({r1}) with {s1}")
        if r1 == r2 and abs(s1 - s2) > _EPS:
            raise DataUnavailableError(
                f"{index} {year}: two scores ({s1}, {s2}) published for rank {r1}")
    for rank, score, _ in points:
        lo[rank - 1] = max(lo[rank - 1], score)
        hi[rank - 1] = min(hi[rank - 1], score)
    if points:
        facts.append(Note(
            f"Điểm và thứ hạng công bố năm {year}: "
            + "; ".join(f"{_name(p, 'vi')} {s:.2f} (hạng {r})" for r, s, p in points) + ".",
            f"Published {year} scores and ranks: "
            + "; ".join(f"{_name(p, 'en')} {s:.2f} ({_ordinal(r)})" for r, s, p in points) + "."))
    if rank_only:
        facts.append(Note(
            "Thứ hạng công bố không kèm điểm: "
            + "; ".join(f"{_name(p, 'vi')} (hạng {r})" for r, p in rank_only) + ".",
            "Ranks published without a score: "
            + "; ".join(f"{_name(p, 'en')} ({_ordinal(r)})" for r, p in rank_only) + "."))

    if region_means is None or not len(region_means):
        region_means = pd.DataFrame(columns=["index", "year", "region", "mean_value", "source"])
    means = region_means[(region_means["index"] == index) & (region_means["year"] == year)]
    national = means[means["region"] == NATIONAL]
    mean = float(national["mean_value"].iloc[0]) if len(national) else None
    if mean is not None:
        above = _count_above(national.iloc[0])
        if above is not None:
            k, of = above
            if of is not None and of != n:
                raise DataUnavailableError(
                    f"{index} {year}: the national mean's count ({k} of {of} above) does not match "
                    f"the {n} ranked provinces")
            if 1 <= k < n:
                if mean >= lo[k - 1]:
                    lo[k - 1], lo_open[k - 1] = mean, True
                hi[k] = min(hi[k], mean)
            facts.append(Note(
                f"Điểm trung bình cả nước {mean:.2f}, có {k}/{n} tỉnh, thành phố cao hơn: điểm của "
                f"hạng {k} cao hơn {mean:.2f}, của hạng {k + 1} không cao hơn.",
                f"National mean {mean:.2f} with {k} of {n} provinces above it: the score at rank "
                f"{k} is above {mean:.2f}, the score at rank {k + 1} is not."))

    regional = means[means["region"] != NATIONAL]
    if len(regional):
        values = regional["mean_value"].astype(float).to_numpy()
        order = np.sort(values)
        for j, value in enumerate(order[::-1][:n]):  # j-th highest regional mean
            lo[j] = max(lo[j], value - rounding)
        for j, value in enumerate(order[:n]):        # j-th lowest
            hi[n - 1 - j] = min(hi[n - 1 - j], value + rounding)
        facts.append(Note(
            f"Điểm trung bình {len(values)} vùng ({order.min():.2f}–{order.max():.2f}): mỗi vùng có ít "
            "nhất một tỉnh không thấp hơn và một tỉnh không cao hơn điểm trung bình của vùng, nên "
            f"điểm hạng 1 không thấp hơn {order.max():.2f} và điểm hạng cuối không cao hơn "
            f"{order.min():.2f}.",
            f"Means of {len(values)} regions ({order.min():.2f}–{order.max():.2f}): each region has a "
            "province at or above its mean and one at or below it, so the best score is at least "
            f"{order.max():.2f} and the worst at most {order.min():.2f}."))
        check = _regions_against_national(regional, mean, year)
        if check is not None:
            checks.append(check)

    _propagate(lo, hi, lo_open)
    _feasible(index, year, lo, hi)
    if mean is not None:
        moved_total = 0
        for _ in range(20):
            moved = _tighten_by_sum(lo, hi, n * mean, n * rounding)
            _propagate(lo, hi, lo_open)
            _feasible(index, year, lo, hi)
            moved_total += moved
            if not moved:
                break
        facts.append(Note(
            f"Tổng điểm của {n} tỉnh, thành phố bằng {n} × {mean:.2f} (trong sai số làm tròn): "
            + (f"giới hạn thêm điểm của {moved_total} lượt thứ hạng." if moved_total
               else "không giới hạn thêm thứ hạng nào."),
            f"The {n} scores add up to {n} × {mean:.2f} (within rounding): "
            + (f"{moved_total} rank bound(s) tightened." if moved_total
               else "no rank bound tightened.")))
    return RankBounds(index, int(year), int(n), tuple(map(float, lo)), tuple(map(float, hi)),
                      tuple(map(bool, lo_open)), tuple(points), tuple(rank_only), tuple(facts),
                      tuple(checks))


def _feasible(index: str, year: int, lo: np.ndarray, hi: np.ndarray) -> None:
    bad = np.flatnonzero(lo > hi + 1e-6)
    if bad.size:
        r = int(bad[0]) + 1
        raise DataUnavailableError(
            f"{index} {year}: the published anchors contradict each other at rank {r} "
            f"(at least {lo[r - 1]:.2f}, at most {hi[r - 1]:.2f})")


def _regions_against_national(regional: pd.DataFrame, mean: float | None, year: int) -> Note | None:
    """The size-weighted mean of the regional means against the national mean, where every
    region is published."""
    sizes: dict[str, int] = {}
    for p in all_provinces(year):
        sizes[p.region] = sizes.get(p.region, 0) + 1
    if mean is None or set(regional["region"]) != set(sizes):
        return None
    total = sum(sizes[r] * float(v) for r, v in zip(regional["region"], regional["mean_value"]))
    weighted = total / sum(sizes.values())
    gap = mean - weighted
    within = abs(gap) <= ROUNDING + 1e-9
    return Note(
        f"Kiểm tra: trung bình các vùng theo số tỉnh cho {weighted:.3f}, công bố cả nước {mean:.2f} "
        f"(chênh {gap:+.3f}; " + ("trong sai số làm tròn)." if within else
                                  "lớn hơn sai số làm tròn: hai nguồn không khớp hoàn toàn)."),
        f"Check: the regional means weighted by their number of provinces give {weighted:.3f}, the "
        f"published national mean is {mean:.2f} (gap {gap:+.3f}; "
        + ("within rounding)." if within else "beyond rounding: the two sources do not fully agree)."))


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def region_label(region: str, lang: str) -> str:
    """A region's name in ``lang`` (``national``: the whole country)."""
    if region == NATIONAL:
        return "cả nước" if lang == "vi" else "national"
    return REGIONS.get(region, region) if lang == "vi" else region

