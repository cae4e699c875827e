"""Rank odds of a scenario's composite in a target year, and what they rest on.

Where a full table of the index lies within reach — the analysis year itself, or a year at
most :data:`MAX_HORIZON` years before the target (PCI's last full table 2022 for 2025) —
the odds come from the field model (:mod:`indexmodel.model.fieldmodel`), the model the
rolling-origin backtest checks: the peers (every province ranked in that table, and those
missing from it but ranked in the years just before, named) keep their places as
persistently as the real pairs show, and the whole field moves by a common shift drawn
from its Student-t predictive. Its settings are the ones the rolling-origin rule picks
from every pair complete by then (read from the shipped backtest tables when they were
made from the data in use), else the settings fixed beforehand, said so.

Where no full table is within reach, the odds come from anchors
(:func:`indexmodel.model.thresholds.threshold_outlook`), or there are none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError, UsageError
from ..model.field import Note

#: the longest horizon from the last full table the field model forecasts without one
#: in the analysis year (PCI: the full table of 2022, for 2025)
MAX_HORIZON = 3
#: provinces missing from the origin table but ranked this many years before are peers
RECENT_YEARS = 3


@dataclass
class Odds:
    """The odds of a scenario's composite in the target year, and what they rest on.

    ``method``: ``simulation`` (the field model from a full table: Monte Carlo),
    ``threshold`` (anchors only: the score the goal rank needs, moved like the real
    scores at that rank moved), or ``none`` (no peers: no odds). ``origin``: the full
    table the simulation starts from; ``shift_pairs``: the year pairs its common shift
    rests on.
    """

    method: str
    composite: float
    goal: int | None
    p_goal: float | None
    p_goal_low: float | None = None
    p_goal_high: float | None = None
    distribution: object | None = None  # simulation.RankDistribution for simulations
    rank_p05: int | None = None
    rank_p50: int | None = None
    rank_p95: int | None = None
    assumptions: list[str] = field(default_factory=list)
    missing: list[Note] = field(default_factory=list)
    assumptions_vi: list[str] | None = None  # None: the English texts are all there is
    origin: int | None = None
    shift_pairs: int | None = None
    settings: str | None = None

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, method=self.method, composite=self.composite, goal=self.goal,
                       p_goal=self.p_goal, rank_p50=self.rank_p50)

    def assumption_texts(self, lang: str = "vi") -> list[str]:
        """The assumptions in ``lang`` where a translation exists (else in English)."""
        if lang == "vi" and self.assumptions_vi is not None:
            return self.assumptions_vi
        return self.assumptions

    def text(self, lang: str = "vi") -> str:
        if self.p_goal is None:
            why = "; ".join(m(lang) for m in self.missing)
            return (f"Không tính được xác suất: {why}" if lang == "vi"
                    else f"No odds can be computed: {why}")
        band = ""
        if self.p_goal_low is not None and self.p_goal_high is not None:
            band = f" ({self.p_goal_low:.0%}–{self.p_goal_high:.0%})"
        if lang == "vi":
            return f"Xác suất đạt hạng {self.goal} trở lên: {self.p_goal:.0%}{band}"
        return f"Probability of rank {self.goal} or better: {self.p_goal:.0%}{band}"


# -- the context of one analysis (built once) -------------------------------------------
@dataclass(frozen=True)
class ForecastContext:
    """The panels, the settings and the evidence the field-model odds of one analysis use."""

    panels: dict
    settings: str
    settings_basis: str
    settings_pairs: int
    evidence: dict | None


def forecast_context(analysis, origin: int) -> ForecastContext:
    """The field panels of PCI and PAPI from the analysis's data, and the settings the
    rolling-origin rule picks at ``origin`` (from the shipped tables where they match).
    The same for every province of the index and data (kept by their content)."""
    return _forecast_context(analysis.index, origin, analysis.field_panel, analysis.peers,
                             analysis.results)


@memo(maxsize=16)
def _forecast_context(index: str, origin: int, own_panel, peers: pd.DataFrame,
                      results: pd.DataFrame) -> ForecastContext:
    from ..model.fieldmodel import DEFAULT_SETTINGS, FieldPanel
    from ..model.panel import build_panel
    from .backtest import BACKTEST_INDICES
    from .backtest_report import pooled_table
    from .backtest_tables import fingerprint, read_tables
    from .selection import latest_selection

    panels = {index: own_panel}
    for other in BACKTEST_INDICES:
        if other != index:
            try:
                panel = build_panel(peers, other, results)
            except DataUnavailableError:
                continue
            if panel.composite_years:
                panels[other] = FieldPanel.from_panel(panel)
    shipped = read_tables(inputs=fingerprint(panels, results))
    if shipped is None:
        return ForecastContext(panels, DEFAULT_SETTINGS.name, "default", 0, None)
    name, basis, n = latest_selection(shipped.scores, index, origin)
    pooled = pooled_table(shipped)
    row = pooled[pooled["index"] == index]
    evidence = None if row.empty else row.iloc[0].to_dict()
    return ForecastContext(panels, name, basis, n, evidence)


def _peers(fp, origin: int, own: str) -> tuple[list[str], list[str]]:
    """Every province ranked in ``origin`` and those ranked in the few years before but
    missing from it (the province itself left out); the latter named."""
    ranked = set(fp.ranked(origin))
    recent = set()
    for y in fp.years:
        if origin - RECENT_YEARS <= y < origin:
            recent |= set(fp.ranked(y))
    extra = sorted(recent - ranked - {own})
    peers = [p for p in fp.provinces if (p in ranked or p in extra) and p != own]
    return peers, extra


def field_origin(analysis, target_year: int) -> int | None:
    """The full table the field model starts from, or None where none is within reach."""
    fp = analysis.field_panel
    years = [y for y in fp.years if y <= analysis.year]
    if not years:
        return None
    origin = max(years)
    if origin == analysis.year and analysis.field.coverage == "full":
        return origin
    return origin if 1 <= target_year - origin <= MAX_HORIZON else None


def field_odds(analysis, composite: float, goal: int | None, target_year: int, sims: int,
               seed: int, origin: int) -> Odds:
    """The odds of ``composite`` in ``target_year`` under the field model from ``origin``."""
    from ..data.spec import load_specs
    from ..model.fieldmodel import Settings, prepare
    from ..model.simulation import RankDistribution
    from .selection import INDEX_CODE

    if target_year <= origin:
        raise UsageError(f"the target year {target_year} must come after {origin}")
    fp = analysis.field_panel
    era_t = load_specs().spec_for(analysis.index, target_year).era
    if era_t != fp.era(origin):
        raise DataUnavailableError(
            f"{analysis.index.upper()} {origin}→{target_year} crosses a methodology change: the new "
            "methodology's spread of scores is not known yet")
    ctx = analysis.forecast_context(origin)
    peers, recent = _peers(fp, origin, analysis.province)
    if goal is not None and not 1 <= goal <= len(peers) + 1:
        raise UsageError(f"rank goal {goal} is outside 1..{len(peers) + 1}")
    pool = [p for k, p in ctx.panels.items() if k != analysis.index]
    fc = prepare(fp, origin, target_year, peers, Settings.from_name(ctx.settings), pool,
                 target_era=era_t)
    ranks = fc.ranks([float(composite)], [-1], sims,
                     [int(seed), INDEX_CODE.get(analysis.index, 9), origin, int(target_year)])
    n_ranks = len(peers) + 1
    probs = np.bincount(ranks[:, 0].astype(np.int64) - 1, minlength=n_ranks)[:n_ranks] / sims
    dist = RankDistribution(probs, sims, goal)
    en, vi = _assumptions(analysis, fc, ctx, composite, target_year, sims, seed, recent)
    return Odds("simulation", float(composite), goal, dist.p_goal, distribution=dist,
                rank_p05=dist.quantile(0.05), rank_p50=dist.median, rank_p95=dist.quantile(0.95),
                assumptions=en, assumptions_vi=vi, origin=origin,
                shift_pairs=fc.n_shift_pairs, settings=ctx.settings)


def _assumptions(analysis, fc, ctx, composite, target_year, sims, seed, recent):
    ix = analysis.index.upper()
    o, h = fc.origin, fc.horizon
    sh, rs = fc.shift, fc.reshuffle
    en = [f"Field model: {len(fc.provinces)} peers, every other province of the {ix} {o} table (the "
          f"last full one), moved {h} year{'s' if h > 1 else ''} to {target_year}; {sims} simulations, "
          f"seed {seed}."]
    vi = [f"Mô hình bảng xếp hạng: {len(fc.provinces)} tỉnh khác, là mọi tỉnh khác của bảng {ix} năm {o} "
          f"(bảng đầy đủ gần nhất), dịch chuyển {h} năm tới năm {target_year}; {sims} lần mô phỏng, hạt "
          f"giống {seed}."]
    if o < analysis.year:
        en.append(f"The {analysis.year} table is not complete (anchors only): the forecast starts from {o}.")
        vi.append(f"Bảng năm {analysis.year} chưa đầy đủ (chỉ có các mốc): dự báo đi từ năm {o}.")
    if recent:
        names = ", ".join(recent)
        en.append(f"Provinces missing from the {o} table but ranked in the years before are peers too, "
                  f"from their latest earlier value: {names}.")
        vi.append(f"Các tỉnh không có trong bảng năm {o} nhưng được xếp hạng các năm trước đó vẫn là đối thủ, "
                  f"đi từ giá trị gần nhất: {names}.")
    if fc.yearly:
        slopes = [a for a, _ in rs.yearly]
        en.append(f"Each province keeps part of its place in the field (the pull toward the mean); each "
                  f"simulated year reshuffles the field as one of {len(rs.yearly)} real past years did "
                  f"(slope {min(slopes):.2f}–{max(slopes):.2f} a year; {', '.join(rs.yearly_pairs)}), "
                  f"{h} such year{'s' if h > 1 else ''} in turn.")
        vi.append(f"Mỗi tỉnh giữ một phần vị trí trong bảng (kéo về mức trung bình); mỗi năm mô phỏng xáo "
                  f"trộn bảng như một trong {len(rs.yearly)} năm thực tế đã qua (hệ số {min(slopes):.2f}–"
                  f"{max(slopes):.2f} mỗi năm; {', '.join(rs.yearly_pairs)}), lần lượt {h} năm.")
    else:
        en.append(f"Each province keeps its place in the field with slope {rs.alpha:.2f} over {h} year"
                  f"{'s' if h > 1 else ''} (the pull toward the mean), fitted on {len(rs.pairs)} real year "
                  f"pairs ({', '.join(rs.pairs)}).")
        vi.append(f"Mỗi tỉnh giữ vị trí trong bảng với hệ số {rs.alpha:.2f} sau {h} năm (kéo về mức trung "
                  f"bình), ước lượng trên {len(rs.pairs)} cặp năm thực tế ({', '.join(rs.pairs)}).")
    unit_en = "points" if sh.units == "points" else f"units of the {o} spread"
    unit_vi = "điểm" if sh.units == "points" else f"đơn vị độ phân tán năm {o}"
    tails = f"t with {sh.shift.dof:g} degrees of freedom"
    draws_en = f"the sum of {sh.draws} yearly draws" if sh.draws > 1 else "one draw for the horizon"
    draws_vi = f"tổng của {sh.draws} lần rút từng năm" if sh.draws > 1 else "rút một lần cho cả giai đoạn"
    lo, hi = sh.shift.quantile(0.05), sh.shift.quantile(0.95)
    en.append(f"The whole field moves by a common shift ({unit_en}) from a Student-t predictive, not a "
              f"fixed value: centre {sh.shift.centre:+.2f}, scale {sh.shift.scale:.2f}, {tails}, "
              f"{draws_en} (a yearly 90% range {lo:+.2f} to {hi:+.2f}); it rests on {sh.n_pairs} year "
              f"pairs ({', '.join(sh.shift.pairs)}). The spread of the field changes by a ratio drawn "
              "the same way.")
    vi.append(f"Cả bảng dịch chuyển chung một mức ({unit_vi}) rút từ phân phối Student-t dự báo, không phải "
              f"một giá trị cố định: tâm {sh.shift.centre:+.2f}, thang {sh.shift.scale:.2f}, t với "
              f"{sh.shift.dof:g} bậc tự do, {draws_vi} (khoảng 90% của một năm từ {lo:+.2f} đến {hi:+.2f}); "
              f"dựa trên {sh.n_pairs} cặp năm ({', '.join(sh.shift.pairs)}). Độ phân tán của bảng thay đổi "
              "theo một tỷ số rút theo cách tương tự.")
    fp = analysis.field_panel
    if not [p for p in fp.pairs(1, o, within=True) if fp.era(p[0]) == fp.era(o)]:
        en.append("The current methodology has no year pair yet: the shift is centred on zero and its "
                  "spread comes from the earlier methodologies' pairs.")
        vi.append("Phương pháp hiện hành chưa có cặp năm nào: mức dịch chuyển lấy tâm 0 và độ phân tán từ "
                  "các cặp năm của các phương pháp trước.")
    basis = {"default": ("the settings fixed beforehand (no backtest of this data is shipped)",
                         "thiết lập cố định từ trước (chưa có kiểm định ngược cho số liệu này)"),
             "same index": (f"chosen by the rolling-origin backtest over {ctx.settings_pairs} {ix} pairs "
                            f"complete by {o}",
                            f"chọn theo kiểm định ngược gốc trượt trên {ctx.settings_pairs} cặp năm {ix} "
                            f"đã kết thúc trước năm {o}"),
             "both indices": (f"chosen by the rolling-origin backtest over {ctx.settings_pairs} pairs of "
                              f"PCI and PAPI complete by {o}",
                              f"chọn theo kiểm định ngược gốc trượt trên {ctx.settings_pairs} cặp năm của "
                              f"PCI và PAPI đã kết thúc trước năm {o}")}[ctx.settings_basis]
    en.append(f"Settings: {basis[0]}.")
    vi.append(f"Thiết lập: {basis[1]}.")
    ev = ctx.evidence
    if ev:
        en.append(f"In the backtest of {int(ev['pairs'])} {ix} year pairs the 90% rank intervals covered "
                  f"{ev['coverage90']:.0%} of the real ranks and the 50% intervals {ev['coverage50']:.0%} "
                  "(notebook 06).")
        vi.append(f"Trong kiểm định ngược trên {int(ev['pairs'])} cặp năm {ix}, khoảng 90% chứa "
                  f"{ev['coverage90']:.0%} thứ hạng thật và khoảng 50% chứa {ev['coverage50']:.0%} (sổ 06).")
    en.append(f"The province's composite {composite:.2f} is held fixed (assumed reached).")
    vi.append(f"Điểm tổng hợp {composite:.2f} của tỉnh được giữ cố định (giả định đạt được).")
    return en, vi
