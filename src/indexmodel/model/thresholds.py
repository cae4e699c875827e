"""Rank thresholds from anchors.

Where only anchors of a year's table are known, :func:`threshold_outlook` gives the odds
that a score reaches the score at rank ``k`` of the target year, from how the score at
rank ``k`` moved in the real full panels; every assumption is named in the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

from ..core.errors import DataUnavailableError, UsageError
from .panel import MIN_PAIRS, _as_panel, _check_horizon, _years_hint
from .ranking import RankCurve


# -- thresholds from anchors -----------------------------------------------------------
def rank_score_changes(data, index: str, rank: int, horizon: int = 1, *, same_era: bool = True,
                       results: pd.DataFrame | None = None) -> pd.DataFrame:
    """How the score at rank ``rank`` moved over ``horizon`` years in the real full panels.

    Columns: start, end, score_start, score_end, change, ranked_start, ranked_end,
    crosses_era. The score at rank k is the k-th highest composite of the year.
    """
    panel = _as_panel(data, index, results)
    _check_horizon(horizon)
    if int(rank) != rank or rank < 1:
        raise UsageError(f"rank {rank} must be a whole number ≥ 1")
    rows = []
    for t in panel.composite_years:
        end = t + horizon
        if end not in panel.composites or (same_era and not panel.same_era(t, end)):
            continue
        s0 = np.sort(panel.composites[t].to_numpy())[::-1]
        s1 = np.sort(panel.composites[end].to_numpy())[::-1]
        if rank > min(s0.size, s1.size):
            continue
        rows.append((t, end, float(s0[rank - 1]), float(s1[rank - 1]), s0.size, s1.size,
                     not panel.same_era(t, end)))
    frame = pd.DataFrame(rows, columns=["start", "end", "score_start", "score_end",
                                        "ranked_start", "ranked_end", "crosses_era"])
    frame.insert(4, "change", frame["score_end"] - frame["score_start"])
    return frame


@dataclass(frozen=True)
class ThresholdOutlook:
    """The odds that ``own_score`` reaches the score at rank ``rank`` in ``target_year``.

    ``probability``: from the normal predictive of the real ``horizon``-year changes
    of the rank's score (mean, sd inflated by sqrt(1+1/k)); ``probability_low`` and
    ``probability_high`` take the anchor curve's worst and best case for the rank's
    score where the rank is not itself an anchor; ``empirical_share`` is the share of
    the real changes after which the score would have sufficed. ``assumptions`` names
    every assumption.
    """

    index: str
    rank: int
    anchor_year: int
    target_year: int
    own_score: float
    anchor_score: float
    anchor_low: float
    anchor_high: float
    changes: pd.DataFrame
    change_mean: float
    change_sd: float
    threshold: float
    probability: float
    probability_low: float
    probability_high: float
    empirical_share: float
    assumptions: tuple[str, ...]
    assumptions_vi: tuple[str, ...] = ()  # the outlook's own statements, in Vietnamese

    def describe(self) -> str:
        lines = [f"P({self.index} score {self.own_score:g} ≥ the score at rank {self.rank} in "
                 f"{self.target_year}) ≈ {self.probability:.2f} "
                 f"(range {self.probability_low:.2f}–{self.probability_high:.2f}; "
                 f"expected threshold {self.threshold:.2f})"]
        lines += [f"assumption: {a}" for a in self.assumptions]
        return "\n".join(lines)


def threshold_outlook(own_score: float, anchors: RankCurve | float, rank: int, anchor_year: int,
                      target_year: int, data, index: str, *, same_era: bool = True,
                      min_pairs: int = MIN_PAIRS,
                      results: pd.DataFrame | None = None) -> ThresholdOutlook:
    """P(own score ≥ the score at rank ``rank`` in ``target_year``) from anchors only.

    ``anchors``: the anchor-year :class:`RankCurve` (or the score at ``rank`` itself).
    The score at ``rank`` in ``target_year`` is taken as the anchor year's score at
    that rank (a monotone interpolation between anchors where the rank is not one)
    plus a change drawn like the real changes of the score at that rank over the same
    number of years in the real full panels of ``index`` (``data``).
    """
    panel = _as_panel(data, index, results)
    horizon = int(target_year) - int(anchor_year)
    if horizon < 1:
        raise UsageError(f"target year {target_year} must come after the anchor year {anchor_year}")
    if not math.isfinite(float(own_score)):
        raise UsageError("the province's own score is not a number")
    assumptions: list[str] = []
    vi: list[str] = []
    if isinstance(anchors, RankCurve):
        low, high = anchors.score_for_rank(rank)
        if low == high:
            central = low
            assumptions.append(f"the score at rank {rank} in {anchor_year} is {central:.2f}, a point "
                               "of the anchor curve (published, or borrowed as named below)")
            vi.append(f"điểm của hạng {rank} năm {anchor_year} là {central:.2f}, một điểm của "
                      "đường mốc (công bố, hoặc mượn như nêu trong giả định)")
        else:
            if not (math.isfinite(low) and math.isfinite(high)):
                error = DataUnavailableError(
                    f"rank {rank} is outside the {anchor_year} anchors (ranks "
                    f"{', '.join(map(str, anchors.ranks))}): its score is not bounded")
                error.vi = (f"hạng {rank} nằm ngoài các mốc năm {anchor_year} (các hạng "
                            f"{', '.join(map(str, anchors.ranks))}): điểm của hạng này không bị chặn")
                raise error
            r = np.array(anchors.ranks, float)
            s = np.array(anchors.scores, float)
            central = float(PchipInterpolator(r, s)(rank)) if r.size >= 2 else (low + high) / 2
            central = min(max(central, low), high)
            assumptions.append(
                f"the score at rank {rank} in {anchor_year} lies between the anchors "
                f"({low:g}..{high:g}); central value {central:.2f} by monotone interpolation "
                f"of the anchor curve")
            vi.append(f"điểm của hạng {rank} năm {anchor_year} nằm giữa các mốc ({low:g}..{high:g}); "
                      f"giá trị trung tâm {central:.2f} nội suy đơn điệu trên đường mốc")
        assumptions += list(anchors.assumptions)
    else:
        central = low = high = float(anchors)
        assumptions.append(f"the score at rank {rank} in {anchor_year} is {central:g} (given)")
        vi.append(f"điểm của hạng {rank} năm {anchor_year} là {central:g} (cho trước)")
    real = rank_score_changes(panel, index, rank, horizon, same_era=same_era)
    k = len(real)
    if k < min_pairs:
        error = DataUnavailableError(
            f"{index}: {k} real {horizon}-year change(s) of the score at rank {rank} "
            f"{'within one methodology era ' if same_era else ''}in the full panels; "
            f"{min_pairs} are needed",
            hint=_years_hint(panel))
        error.vi = (f"chỉ có {k} lần thay đổi thực tế trong {horizon} năm của điểm tại hạng {rank} "
                    f"{'trong cùng một phương pháp tính ' if same_era else ''}trong các bảng số liệu "
                    f"đầy đủ của mọi tỉnh; cần ít nhất {min_pairs}")
        raise error
    ch = real["change"].to_numpy()
    mean, sd = float(ch.mean()), float(ch.std(ddof=1))
    scale = sd * math.sqrt(1 + 1 / k)
    pairs = ", ".join(f"{a}-{b}" for a, b in zip(real["start"], real["end"]))

    def p_reach(anchor: float) -> float:
        if scale <= 0:
            return float(own_score >= anchor + mean)
        return float(0.5 * math.erfc(-(own_score - anchor - mean) / scale / math.sqrt(2)))

    prob = p_reach(central)
    p_low, p_high = p_reach(high), p_reach(low)
    assumptions.append(
        f"the score at rank {rank} in {target_year} = the {anchor_year} value + a {horizon}-year "
        f"change like the real changes of the rank-{rank} score in {index.upper()} "
        f"{pairs} (mean {mean:+.2f}, sd {sd:.2f}, {k} pairs), normal with its sd inflated by "
        f"sqrt(1+1/{k})")
    vi.append(
        f"điểm của hạng {rank} năm {target_year} = giá trị năm {anchor_year} + mức thay đổi "
        f"{horizon} năm giống các thay đổi thực tế của điểm hạng {rank} trong {index.upper()} "
        f"{pairs} (trung bình {mean:+.2f}, độ lệch chuẩn {sd:.2f}, {k} cặp năm), phân phối chuẩn "
        f"với độ lệch chuẩn nhân sqrt(1+1/{k})")
    if same_era:
        assumptions.append("only pairs within one methodology era; no methodology change "
                           f"between {anchor_year} and {target_year}")
        vi.append("chỉ dùng các cặp năm cùng một phương pháp; giả định không đổi phương pháp "
                  f"giữa năm {anchor_year} và {target_year}")
    assumptions.append("a tie with the rank's score counts as reaching it (competition ranking)")
    vi.append("bằng điểm với hạng mục tiêu được tính là đạt hạng (xếp hạng đồng hạng)")
    empirical = float(np.mean(own_score >= central + ch))
    return ThresholdOutlook(index, int(rank), int(anchor_year), int(target_year), float(own_score),
                            float(central), float(low), float(high), real, mean, sd,
                            float(central + mean), prob, p_low, p_high, empirical,
                            tuple(assumptions), tuple(vi))
