"""The split of one rank change on plain numbers: Shapley values over the province's own
move, the other provinces' moves and the change in which provinces are ranked, then over
the own components (the Owen value) — exact fractions.

A rank is one plus the number of peers above, so the game is a sum of one small game per
peer: a peer ranked in both years involves only the own part and the peers' part, a peer
ranked in one year only the own part and the ranked set. Each part's value is therefore a
multiple of ½: ``own = ½[(own effect against last year's peers) + (own effect against this
year's)]``, and the own components' values are the Shapley values of that same average
game, computed exactly over all 2^m subsets of the m components that changed. Why these
choices, and the data around them: :mod:`indexmodel.analysis.explain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np
import pandas as pd

from ..core.errors import UsageError

#: Two composites closer than this are tied (a peer is above only when higher by more).
EPS = 1e-9
#: Exact Shapley over components evaluates 2^m subsets: refuse beyond this many.
MAX_COMPONENTS = 12
#: Shown contributions are multiples of 1/RESOLUTION place (:func:`rounded_contributions`):
#: binary fractions add up exactly, and print in full with 10 digits.
RESOLUTION = 256
#: Composite points of the components must add up to the composite change within this.
ADDS_UP = 1e-6


@dataclass(frozen=True)
class Split:
    """The exact split of one rank change (places gained, positive = climbed)."""

    rank_previous: int
    rank: int
    own: Fraction
    peers: Fraction
    ranked_set: Fraction
    components: dict[str, Fraction]
    peer_table: pd.DataFrame

    @property
    def gained(self) -> int:
        return self.rank_previous - self.rank

    @property
    def parts(self) -> dict[str, Fraction]:
        return {"own": self.own, "peers": self.peers, "ranked_set": self.ranked_set}


def _clean(values: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        value = float(value)
        if math.isfinite(value):
            out[str(name)] = value
    return out


def count_above(sorted_values: np.ndarray, composite) -> np.ndarray:
    """How many of ``sorted_values`` stand above ``composite`` (by more than :data:`EPS`)."""
    return sorted_values.size - np.searchsorted(sorted_values, np.asarray(composite) + EPS, side="right")


def _shapley_halves(gains: np.ndarray, m: int) -> list[Fraction]:
    """Shapley values of the game ``gains[mask]`` over ``m`` players, halved (exact).

    ``gains`` holds an integer for every subset (bit k = player k)."""
    if m == 0:
        return []
    fact = [math.factorial(i) for i in range(m + 1)]
    masks = np.arange(1 << m)
    sizes = np.array([bin(int(x)).count("1") for x in masks])
    weights = np.array([fact[s] * fact[m - s - 1] if s < m else 0 for s in range(m + 1)],
                       dtype=np.int64)
    out = []
    for k in range(m):
        without = masks[(masks >> k) & 1 == 0]
        diff = gains[without | (1 << k)] - gains[without]
        total = int(np.sum(weights[sizes[without]] * diff, dtype=np.int64))
        out.append(Fraction(total, 2 * fact[m]))
    return out


def split_rank_change(own_previous: float, own: float, peers_previous: Mapping[str, float],
                      peers: Mapping[str, float], steps: Mapping[str, float] | None = None) -> Split:
    """Split the province's rank change between two years (see the module docstring).

    ``own_previous``, ``own``: the province's composites; ``peers_previous``, ``peers``:
    the other provinces' composites in each year (a missing or NaN value: not ranked that
    year); ``steps``: the composite points each own component moved (their sum is
    ``own − own_previous``); None splits the own part no further.
    """
    c0, c1 = float(own_previous), float(own)
    if not (math.isfinite(c0) and math.isfinite(c1)):
        raise UsageError("the province's composites must be numbers in both years")
    before, after = _clean(peers_previous), _clean(peers)
    stay = sorted(set(before) & set(after))
    left = sorted(set(before) - set(after))
    entered = sorted(set(after) - set(before))

    def arr(names, table):
        return np.sort(np.array([table[n] for n in names], dtype=float))

    stay0, stay1 = arr(stay, before), arr(stay, after)
    gone, new = arr(left, before), arr(entered, after)
    all0 = np.sort(np.concatenate([stay0, gone]))
    all1 = np.sort(np.concatenate([stay1, new]))

    def a(values, c):
        return int(count_above(values, c))

    rank0, rank1 = 1 + a(all0, c0), 1 + a(all1, c1)
    own_part = Fraction((a(all0, c0) - a(all0, c1)) + (a(all1, c0) - a(all1, c1)), 2)
    peers_part = Fraction((a(stay0, c0) - a(stay1, c0)) + (a(stay0, c1) - a(stay1, c1)), 2)
    set_part = Fraction((a(gone, c0) - a(new, c0)) + (a(gone, c1) - a(new, c1)), 2)

    components: dict[str, Fraction] = {}
    if steps is not None:
        steps = {str(k): float(v) for k, v in steps.items()}
        bad = [k for k, v in steps.items() if not math.isfinite(v)]
        if bad:
            raise UsageError(f"component steps are not numbers: {', '.join(bad)}")
        total = sum(steps.values())
        if abs(total - (c1 - c0)) > ADDS_UP * max(1.0, abs(c1), abs(c0)):
            raise UsageError(f"the components' composite points add up to {total:+.6g}, "
                             f"not the composite change {c1 - c0:+.6g}")
        players = [k for k, v in steps.items() if v != 0.0]
        if len(players) > MAX_COMPONENTS:
            raise UsageError(f"{len(players)} components changed: exact Shapley values are "
                             f"computed for at most {MAX_COMPONENTS}")
        m = len(players)
        composites = np.full(1 << m, c0)
        for k, name in enumerate(players):
            bit = (np.arange(1 << m) >> k) & 1 == 1
            composites = composites + np.where(bit, steps[name], 0.0)
        if m:
            composites[(1 << m) - 1] = c1  # every component moved: the real composite
        else:
            composites[0] = c0
        gains = ((a(all0, c0) - count_above(all0, composites)) + (a(all1, c0) - count_above(all1, composites)))
        values = _shapley_halves(gains.astype(np.int64), m)
        components = {k: Fraction(0) for k in steps}
        components.update(dict(zip(players, values)))
        if m == 0 and c0 != c1:
            raise UsageError("the composite changed but no component did")

    peer_table = _peer_table(before, after, stay, left, entered, c0, c1)
    return Split(rank0, rank1, own_part, peers_part, set_part, components, peer_table)


def _peer_table(before, after, stay, left, entered, c0, c1) -> pd.DataFrame:
    """One row per peer that moved the province's rank, with its part of the move."""
    def up(p, c):
        return int(p > c + EPS)

    rows = []
    for name in stay:
        p0, p1 = before[name], after[name]
        own = Fraction((up(p0, c0) - up(p0, c1)) + (up(p1, c0) - up(p1, c1)), 2)
        theirs = Fraction((up(p0, c0) - up(p1, c0)) + (up(p0, c1) - up(p1, c1)), 2)
        a0, a1 = bool(up(p0, c0)), bool(up(p1, c1))
        relation = ("overtook" if a1 and not a0 else "fell_behind" if a0 and not a1
                    else "kept_ahead" if a0 else "stayed_behind")
        rows.append((name, "ranked_both", relation, p0, p1, p1 - p0, a0, a1, own, theirs))
    for name in left:
        q = before[name]
        own = Fraction(up(q, c0) - up(q, c1), 2)
        theirs = Fraction(up(q, c0) + up(q, c1), 2)
        rows.append((name, "ranked_before_only", "no_longer_ranked", q, math.nan, math.nan,
                     bool(up(q, c0)), None, own, theirs))
    for name in entered:
        q = after[name]
        own = Fraction(up(q, c0) - up(q, c1), 2)
        theirs = -Fraction(up(q, c0) + up(q, c1), 2)
        rows.append((name, "ranked_after_only", "newly_ranked", math.nan, q, math.nan,
                     None, bool(up(q, c1)), own, theirs))
    frame = pd.DataFrame(rows, columns=["province", "status", "relation", "composite_previous",
                                        "composite", "change", "above_before", "above_after",
                                        "own_part", "their_part"])
    frame["places"] = frame["own_part"] + frame["their_part"]
    moved = (frame["own_part"] != 0) | (frame["their_part"] != 0)
    frame = frame[moved].copy()
    order = {"overtook": 0, "fell_behind": 1, "newly_ranked": 2, "no_longer_ranked": 3,
             "kept_ahead": 4, "stayed_behind": 5}
    frame["_order"] = frame["relation"].map(order)
    frame["_size"] = -frame["change"].abs().fillna(0.0)
    frame = frame.sort_values(["_order", "_size", "province"], kind="mergesort")
    return frame.drop(columns=["_order", "_size"]).reset_index(drop=True)


def rounded_contributions(values: list[Fraction], resolution: int = RESOLUTION) -> list[float]:
    """``values`` rounded to multiples of ``1 / resolution`` (a power of two) so that they
    still add up to their rounded exact sum (largest remainder). Such numbers add up
    without rounding error in any order, in any spreadsheet: the column sums exactly to
    the rank change."""
    scaled = [v * resolution for v in values]
    floors = [math.floor(s) for s in scaled]
    target = round(sum(values, Fraction(0)) * resolution)
    short = int(target - sum(floors))
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:max(short, 0)]:
        floors[i] += 1
    return [f / resolution for f in floors]


