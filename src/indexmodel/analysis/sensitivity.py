"""How far the analyses' conclusions rest on what is not verified.

Three things the package cannot pin down are kept as settings (METHODOLOGY.md):
SIPAS aggregation weights, PAR INDEX maximum points per field (each with a default
and a plausible range ``weight_low`` .. ``weight_high`` in its spec), and PCI 2011,
whose official composites do not follow the era's weights (kept as published).

For SIPAS and PAR INDEX, :func:`sensitivity` takes each conclusion the plan analysis
draws (:func:`indexmodel.analysis.for_plan`) —

- the implied composite of the baseline and of the targets (and that the targets
  raise it),
- the implied rank of each, where the data give a field of peers (else it says there
  is none),
- which component has the most leverage: a step of 1% of its range and reaching its
  plan target, measured by :meth:`IndexAnalysis.leverage` and chosen by
  :func:`indexmodel.model.leverage.most_leverage` (rank gained, then composite points;
  with no rank to gain, composite points decide) —

and checks whether it holds across the plausible settings:

- a one-at-a-time sweep: each unverified weight across the values it can take alone
  while the settings stay consistent with the published anchors (the others at the
  setting the analysis uses; without anchors, from ``weight_low`` to ``weight_high``)
  (:attr:`Sensitivity.sweep`, and the figure-ready :attr:`Sensitivity.tornado`);
- a seeded Monte Carlo: settings drawn uniformly over the part of the plausible box the
  published anchors leave (:mod:`indexmodel.model.consistency`; the whole box where no
  anchor constrains them) (:attr:`Sensitivity.draws`); :attr:`Sensitivity.conclusions`
  gives the share of draws in which each conclusion holds,
  :attr:`Sensitivity.leverage_shares` how often each component comes out on top;
- the exact joint range of each composite over that part (linear-fractional programs;
  without anchors, the corners of the box: :func:`indexmodel.model.settings.composite_range`).

Every figure is thus over the consistent part only; the excluded share is stated.

A composite "holds" in a draw when it lies within ``tolerance`` composite points of its
value at the setting the analysis uses (the default where the anchors allow it, else
the centroid of what they leave); a rank when its interval is that setting's; a
leverage conclusion when the same component comes out on top.

For PCI 2011, :func:`pci_2011` sets the published composites against the era-weight
recomputation: how every province's composite and rank move, and which conclusions
about 2011 (the province's composite, national and regional rank, the component with
the most leverage, the top ten) change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError, UsageError
from ..core.i18n import check_lang, index_label, translate
from ..data.plan import Plan
from ..data.provinces import region_of, resolve
from ..data.spec import INDICES, Spec, load_specs
from ..model.field import Note
from ..model import leverage as lev
from ..model.leverage import leverage_table, most_leverage
from ..model.ranking import ExactField
from ..model.settings import composite_range
from .index_analysis import IndexAnalysis, for_plan, for_year

DEFAULT_SEED = 20240701
DEFAULT_SIMS = 500
DEFAULT_TOLERANCE = 0.5
STEPS = 5
LEVERAGE_SCENARIOS = ("step_1pct", "typical", "target")
TIE = 1e-9

CONCLUSION_COLUMNS = [
    "index", "conclusion", "scenario", "default_value", "default_label", "sweep_holds",
    "sweep_low", "sweep_high", "mc_share", "mc_p05", "mc_p50", "mc_p95", "joint_low",
    "joint_high", "n_draws", "statement_vi", "statement_en",
]

_L = {
    "composite.baseline": ("Điểm tổng hợp năm {year} tính từ kết quả thành phần: {value:.2f}",
                           "The {year} composite implied by the component results: {value:.2f}"),
    "composite.target": ("Điểm tổng hợp theo chỉ tiêu {year}: {value:.2f}",
                         "The composite implied by the {year} targets: {value:.2f}"),
    "composite.holds": ("giữ trong phạm vi ±{tol:g} điểm ở {share:.0%} số lần rút; khoảng theo mọi thiết lập hợp lý "
                        "còn phù hợp với các mốc {low:.2f} – {high:.2f}",
                        "within ±{tol:g} points in {share:.0%} of draws; range over every plausible setting "
                        "consistent with the anchors {low:.2f} – {high:.2f}"),
    "gain": ("Các chỉ tiêu làm tăng điểm tổng hợp ({value:+.2f} điểm theo thiết lập đang dùng): đúng ở "
             "{share:.0%} số lần rút",
             "The targets raise the composite ({value:+.2f} points at the setting in use): holds in "
             "{share:.0%} of draws"),
    "rank.none": ("{which}: không có thứ hạng — {why}", "{which}: no rank — {why}"),
    "rank.holds": ("{which}: hạng {interval} theo thiết lập đang dùng; giữ nguyên ở {share:.0%} số lần rút",
                   "{which}: rank {interval} at the setting in use; unchanged in {share:.0%} of draws"),
    "rank.baseline": ("Thứ hạng ứng với điểm năm {year}", "The rank of the {year} composite"),
    "rank.target": ("Thứ hạng ứng với điểm theo chỉ tiêu {year}", "The rank of the {year} target composite"),
    "lev.step_1pct": ("bước tăng 1% thang điểm", "a step of 1% of the range"),
    "lev.typical": ("mức cải thiện điển hình", "a typical improvement"),
    "lev.target": ("đạt chỉ tiêu của kế hoạch", "reaching the plan's target"),
    "lev.holds": ("Chỉ số thành phần có đòn bẩy lớn nhất ({scenario}): {component} theo thiết lập đang dùng; "
                  "đúng ở {share:.0%} số lần rút",
                  "The component with the most leverage ({scenario}): {component} at the setting in use; "
                  "holds in {share:.0%} of draws"),
    "lev.tie": ("Chỉ số thành phần có đòn bẩy lớn nhất ({scenario}): theo thiết lập đang dùng các thành phần "
                "ngang nhau ({component}); kết quả do trọng số quyết định",
                "The component with the most leverage ({scenario}): at the setting in use the components "
                "tie ({component}); which one leads is decided by the weights"),
    "lev.shares": ("Số lần dẫn đầu: {shares}", "Share of draws on top: {shares}"),
    "title": ("ĐỘ NHẠY THEO THIẾT LẬP CHƯA KIỂM CHỨNG — {index}",
              "SENSITIVITY TO UNVERIFIED SETTINGS — {index}"),
    "settings": ("Thiết lập chưa kiểm chứng: {n} trọng số; Monte Carlo {sims} lần rút, hạt giống {seed}.",
                 "Unverified settings: {n} weights; Monte Carlo {sims} draws, seed {seed}."),
    "consistent": ("Các lần rút và các bước quét chỉ lấy những thiết lập phù hợp với các mốc công bố ({how}: "
                   "{excluded}).",
                   "The draws and the sweeps cover only the settings consistent with the published anchors "
                   "({how}: {excluded})."),
    "consistent.none": ("Không có mốc công bố nào ràng buộc các thiết lập: các lần rút phủ toàn miền hợp lý.",
                        "No published anchor constrains the settings: the draws cover the whole plausible box."),
    "consistent.empty": ("Không có thiết lập nào trong miền hợp lý phù hợp với các mốc công bố: các lần rút phủ "
                         "toàn miền hợp lý, không được các mốc xác nhận.",
                         "No setting in the plausible box is consistent with the published anchors: the draws "
                         "cover the whole box, which the anchors do not support."),
    "how.exact": ("tính chính xác", "exact"),
    "how.sampled": ("ước lượng bằng lấy mẫu", "estimated by sampling"),
    "no_settings": ("{index} không có thiết lập chưa kiểm chứng: các kết luận giữ nguyên như đã tính.",
                    "{index} has no unverified setting: its conclusions stand as computed."),
    "tornado": ("Ảnh hưởng của từng thiết lập (các thiết lập khác giữ như đang dùng; chỉ các giá trị còn "
                "phù hợp với các mốc)",
                "Each setting alone (the others as in use; only values still consistent with the anchors)"),
    "tornado_line": ("{name}, trọng số {wl:.2f}–{wh:.2f}: điểm năm {year} {low:.2f} – {high:.2f}",
                     "{name}, weight {wl:.2f}–{wh:.2f}: {year} composite {low:.2f} – {high:.2f}"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(_L, key, lang, **values)


@dataclass
class Sensitivity:
    """The conclusions of one index's plan analysis under its unverified settings."""

    index: str
    year: int
    target_year: int | None
    settings: tuple[str, ...]
    sweep: pd.DataFrame
    tornado: pd.DataFrame
    draws: pd.DataFrame
    conclusions: pd.DataFrame
    leverage_shares: pd.DataFrame
    sims: int
    seed: int
    tolerance: float
    notes: list[Note] = field(default_factory=list)
    #: the share of the plausible box the published anchors exclude (None: none constrain it)
    excluded: float | None = None

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, index=self.index, year=self.year, target_year=self.target_year,
                       settings=self.settings, sims=self.sims, seed=self.seed)

    def text(self, lang: str = "vi") -> str:
        check_lang(lang)
        label = index_label(self.index, lang)
        lines = [_t("title", lang, index=label)]
        if not self.settings:
            lines.append(_t("no_settings", lang, index=label))
            return "\n".join(lines) + "\n"
        lines.append(_t("settings", lang, n=len(self.settings), sims=self.sims, seed=self.seed))
        for row in self.conclusions.itertuples():
            lines.append("- " + (row.statement_vi if lang == "vi" else row.statement_en))
        lines += ["", _t("tornado", lang)]
        years = {"baseline": self.year, "target": self.target_year}
        for status in ("baseline", "target"):
            for row in self.tornado[self.tornado["status"] == status].itertuples():
                if row.swing <= TIE:
                    continue
                lines.append("  " + _t("tornado_line", lang,
                                       name=row.name_vi if lang == "vi" else row.name_en,
                                       wl=row.weight_low, wh=row.weight_high,
                                       year=years[status], low=row.low, high=row.high))
        lines += [n(lang) for n in self.notes]
        return "\n".join(lines) + "\n"


def _weights_of(spec: Spec) -> dict[str, float]:
    return {i: float(spec.node(i).weight) for i in spec.unverified_weights}


def _top(comps: list[str], table: dict[str, np.ndarray], scenario: str
         ) -> tuple[str | None, tuple[str, ...]]:
    """The component with the most leverage in ``scenario`` and every component tied with it.

    :func:`most_leverage` where the field gives rank gains; with no rank to gain,
    composite points decide (:func:`~indexmodel.model.leverage.leaders_of`, the rule of
    :func:`most_leverage` on plain arrays: it runs for every setting of a sweep).
    """
    points = f"{scenario}_points"
    if points not in table:
        return None, ()
    pts = np.asarray(table[points], dtype=float)
    if np.isnan(pts).all():
        return None, ()
    comps = [str(c) for c in comps]
    gain_col = f"{scenario}_rank_gain"
    gain = np.asarray(table[gain_col], dtype=float) if gain_col in table else None
    found = lev.leaders_of(comps, gain, pts)
    top = found[0] if len(found) == 1 else None
    if top is None or gain is None:
        top = top or comps[int(np.nanargmax(pts))]  # the first of the most points
        g = np.zeros(len(pts))
    else:
        g = np.where(np.isnan(gain), -math.inf, gain)
    at = comps.index(top)
    with np.errstate(invalid="ignore"):
        tied = ((np.abs(g - g[at]) <= TIE) | (g == g[at])) & (np.abs(pts - pts[at]) <= TIE)
    return top, tuple(c for c, t in zip(comps, tied) if t)


class _Sweep:
    """What every setting of a sweep shares with the analysis it varies: the field (and
    the places in it computed so far), the real improvements and the peers' frontier —
    only the weights, so the composites and points, differ from one setting to the next."""

    def __init__(self, base: IndexAnalysis) -> None:
        self.improvements = base.pooled_improvements()
        peers = base.field.peers
        self.frontier = (lev.frontier_of(peers, base.spec.top_components)
                         if peers is not None and not peers.empty else None)
        self.places: dict = {}

    def leverage(self, analysis: IndexAnalysis, scenarios: tuple[str, ...]):
        """The rank gains and points of the leverage table of ``analysis`` (the base under
        other weights) in ``scenarios``: the table's own numbers, without building it."""
        return lev.leverage_gains(analysis.spec, analysis._own_top(), analysis.field.national,
                                  scenarios, year=analysis.year, improvements=self.improvements,
                                  targets=analysis._top_targets(), frontier=self.frontier,
                                  places=self.places)


def _evaluate(analysis: IndexAnalysis, scenarios: tuple[str, ...], shared: _Sweep) -> dict:
    """Every conclusion of one analysis (one setting of the weights)."""
    out: dict = {"baseline_composite": analysis.composite}
    target = analysis.target_composite
    out["target_composite"] = target if target is not None else math.nan
    for which, value in (("baseline", out["baseline_composite"]), ("target", out["target_composite"])):
        place = analysis.place(value) if math.isfinite(value) else None
        out[f"{which}_rank_low"] = place.low if place is not None else None
        out[f"{which}_rank_high"] = place.high if place is not None else None
    comps, table = shared.leverage(analysis, scenarios)
    for scenario in scenarios:
        top, tied = _top(comps, table, scenario)
        out[f"top_{scenario}"] = top
        out[f"tied_{scenario}"] = tied
    return out


def _interval(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}–{high}"


def _draw(rng: np.random.Generator, spec: Spec) -> dict[str, float]:
    return {i: float(rng.uniform(spec.node(i).weight_low, spec.node(i).weight_high))
            for i in spec.unverified_weights}


def sensitivity(index: str, *, plan: Plan | None = None, peers: pd.DataFrame | None = None,
                results: pd.DataFrame | None = None, sims: int = DEFAULT_SIMS,
                seed: int = DEFAULT_SEED, steps: int = STEPS,
                tolerance: float = DEFAULT_TOLERANCE,
                analysis: IndexAnalysis | None = None) -> Sensitivity:
    """How the plan analysis of ``index`` moves over its unverified settings (module docstring).

    ``sims`` Monte Carlo draws with ``seed`` (the same seed gives the same draws);
    ``steps`` points per setting in the sweep (the default weight is added);
    ``tolerance``: composite points within which a composite counts as unchanged.
    """
    if index not in INDICES:
        raise UsageError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))
    if sims < 1 or steps < 2:
        raise UsageError("sims must be ≥ 1 and steps ≥ 2")
    base = analysis or for_plan(index, plan, peers=peers, results=results)
    spec = base.spec
    ids = spec.unverified_weights
    shared = _Sweep(base)
    default = _evaluate(base, LEVERAGE_SCENARIOS, shared)
    scenarios = tuple(s for s in LEVERAGE_SCENARIOS if default[f"top_{s}"] is not None)
    if not ids:
        empty = pd.DataFrame()
        return Sensitivity(index, base.year, base.target_year, (), empty, empty, empty,
                           pd.DataFrame(columns=CONCLUSION_COLUMNS), empty, 0, seed, tolerance)

    consistent = base.settings if (base.settings is not None and base.settings.constraints
                                   and not base.settings.empty) else None
    used = {i: float(spec.node(i).weight) for i in ids}

    # one at a time, over the values each setting can take alone and stay consistent
    sweep_rows, segments = [], {}
    for setting in ids:
        node = spec.node(setting)
        seg = consistent.segment(setting, used) if consistent is not None else None
        low, high = (seg.low, seg.high) if seg is not None else (node.weight_low, node.weight_high)
        segments[setting] = (float(low), float(high))
        points = sorted(set(np.linspace(low, high, steps).tolist()) | {float(node.weight)})
        for w in points:
            result = _evaluate(base.with_weights({setting: float(w)}), scenarios, shared)
            sweep_rows.append(dict(setting=setting, weight=float(w), default_weight=float(node.weight),
                                   weight_low=float(low), weight_high=float(high),
                                   **{k: v for k, v in result.items() if not k.startswith("tied_")}))
    sweep = pd.DataFrame(sweep_rows)

    tornado_rows = []
    for setting, rows in sweep.groupby("setting", sort=False):
        node = spec.node(setting)
        low, high = segments[setting]
        for status in ("baseline", "target"):
            col = f"{status}_composite"
            values = rows[col].to_numpy(dtype=float)
            if not np.isfinite(values).any():
                continue
            at_low = float(rows.loc[rows["weight"] == low, col].iloc[0])
            at_high = float(rows.loc[rows["weight"] == high, col].iloc[0])
            tornado_rows.append(dict(
                setting=setting, name_vi=node.name_vi, name_en=node.name_en, status=status,
                weight_low=float(low), weight_high=float(high),
                default_weight=float(node.weight), default=float(default[col]),
                at_weight_low=at_low, at_weight_high=at_high,
                low=float(np.nanmin(values)), high=float(np.nanmax(values)),
                swing=float(np.nanmax(values) - np.nanmin(values))))
    tornado = pd.DataFrame(tornado_rows)
    if len(tornado):
        tornado = tornado.sort_values(["status", "swing", "setting"], ascending=[True, False, True],
                                      kind="mergesort").reset_index(drop=True)

    # Monte Carlo: uniform over the consistent part (the whole box without anchors)
    rng = np.random.default_rng(seed)
    sample = None
    if consistent is not None:
        sample_ids, rows = consistent.samples()
        if rows.shape[0]:
            pick = rng.choice(rows.shape[0], size=sims, replace=sims > rows.shape[0])
            sample = [dict(zip(sample_ids, map(float, rows[k]))) for k in pick]
    draw_rows = []
    for k in range(sims):
        weights = sample[k] if sample is not None else _draw(rng, spec)
        weights = {i: weights[i] for i in ids}
        result = _evaluate(base.with_weights(weights), scenarios, shared)
        draw_rows.append(dict(draw=k, **{f"w_{i}": w for i, w in weights.items()},
                              **{key: v for key, v in result.items() if not key.startswith("tied_")}))
    draws = pd.DataFrame(draw_rows)

    # joint ranges: exact over the consistent part (the corners of the box without anchors)
    joint = {}
    for status, values in (("baseline", dict(base.own)), ("target", dict(base.targets or {}))):
        if not values:
            rng_ = None
        elif consistent is not None:
            rng_ = consistent.range(values)
        else:
            rng_ = composite_range(spec, values, year=base.year if status == "baseline" else None)
        joint[status] = (rng_.low, rng_.high) if rng_ is not None else (math.nan, math.nan)

    conclusions, shares = _conclusions(base, default, sweep, draws, joint, scenarios, tolerance)
    notes = [n for n in base.field.missing] if base.field.national is None else []
    idle = [i for i in ids if len(tornado) and
            float(tornado.loc[tornado["setting"] == i, "swing"].max()) <= TIE]
    if idle:
        notes.append(Note(
            "Không ảnh hưởng đến điểm tổng hợp: " + ", ".join(spec.name(i, "vi") for i in idle)
            + " — kế hoạch nêu sẵn giá trị của chỉ số cấp trên, nên trọng số bên dưới không được dùng.",
            "No effect on the composite: " + ", ".join(spec.name(i, "en") for i in idle)
            + " — the plan states the values above them, so the weights below are not used."))
    excluded = None
    if base.settings is not None and base.settings.constraints:
        c = base.settings
        how = {lang: _t("how.exact" if c.exact else "how.sampled", lang) for lang in ("vi", "en")}
        if c.empty:
            notes.insert(0, Note(_t("consistent.empty", "vi"), _t("consistent.empty", "en")))
        else:
            excluded = c.excluded
            from .settings_check import excluded_shares

            notes.insert(0, Note(*(_t("consistent", lang, excluded=excluded_shares(c, lang),
                                      how=how[lang]) for lang in ("vi", "en"))))
    else:
        notes.insert(0, Note(_t("consistent.none", "vi"), _t("consistent.none", "en")))
    return Sensitivity(index, base.year, base.target_year, ids, sweep, tornado, draws, conclusions,
                       shares, sims, seed, tolerance, notes, excluded)


def _conclusions(base: IndexAnalysis, default: dict, sweep: pd.DataFrame, draws: pd.DataFrame,
                 joint: dict, scenarios: tuple[str, ...], tolerance: float):
    rows = []
    index = base.index
    years = {"baseline": base.year, "target": base.target_year}
    for status in ("baseline", "target"):
        col = f"{status}_composite"
        d = default[col]
        if not math.isfinite(d):
            continue
        sw = sweep[col].to_numpy(dtype=float)
        mc = draws[col].to_numpy(dtype=float)
        share = float(np.mean(np.abs(mc - d) <= tolerance))
        lo, hi = joint[status]
        values = dict(tol=tolerance, share=share, low=lo, high=hi)
        rows.append(dict(
            index=index, conclusion=f"{status}_composite", scenario="", default_value=d,
            default_label=f"{d:.2f}", sweep_holds=bool(np.all(np.abs(sw - d) <= tolerance)),
            sweep_low=float(sw.min()), sweep_high=float(sw.max()), mc_share=share,
            mc_p05=float(np.quantile(mc, 0.05)), mc_p50=float(np.quantile(mc, 0.5)),
            mc_p95=float(np.quantile(mc, 0.95)), joint_low=lo, joint_high=hi, n_draws=len(mc),
            statement_vi=_t(f"composite.{status}", "vi", year=years[status], value=d) + "; "
            + _t("composite.holds", "vi", **values),
            statement_en=_t(f"composite.{status}", "en", year=years[status], value=d) + "; "
            + _t("composite.holds", "en", **values)))
    if math.isfinite(default["baseline_composite"]) and math.isfinite(default["target_composite"]):
        d = default["target_composite"] - default["baseline_composite"]
        sw = (sweep["target_composite"] - sweep["baseline_composite"]).to_numpy(dtype=float)
        mc = (draws["target_composite"] - draws["baseline_composite"]).to_numpy(dtype=float)
        share = float(np.mean(mc > 0))
        rows.append(dict(
            index=index, conclusion="targets_raise_composite", scenario="", default_value=d,
            default_label=f"{d:+.2f}", sweep_holds=bool(np.all(sw > 0)), sweep_low=float(sw.min()),
            sweep_high=float(sw.max()), mc_share=share, mc_p05=float(np.quantile(mc, 0.05)),
            mc_p50=float(np.quantile(mc, 0.5)), mc_p95=float(np.quantile(mc, 0.95)),
            joint_low=math.nan, joint_high=math.nan, n_draws=len(mc),
            statement_vi=_t("gain", "vi", value=d, share=share),
            statement_en=_t("gain", "en", value=d, share=share)))
    for status in ("baseline", "target"):
        which = {lang: _t(f"rank.{status}", lang, year=years[status]) for lang in ("vi", "en")}
        low, high = default[f"{status}_rank_low"], default[f"{status}_rank_high"]
        if low is None:
            why = {lang: "; ".join(n(lang) for n in base.field.missing[:1]) or
                   ("không có số liệu các tỉnh khác" if lang == "vi" else "no peer data")
                   for lang in ("vi", "en")}
            rows.append(dict(index=index, conclusion=f"{status}_rank", scenario="",
                             default_value=math.nan, default_label="", sweep_holds=None,
                             sweep_low=math.nan, sweep_high=math.nan, mc_share=math.nan,
                             mc_p05=math.nan, mc_p50=math.nan, mc_p95=math.nan, joint_low=math.nan,
                             joint_high=math.nan, n_draws=0,
                             statement_vi=_t("rank.none", "vi", which=which["vi"], why=why["vi"]),
                             statement_en=_t("rank.none", "en", which=which["en"], why=why["en"])))
            continue
        same_sw = (sweep[f"{status}_rank_low"] == low) & (sweep[f"{status}_rank_high"] == high)
        same_mc = (draws[f"{status}_rank_low"] == low) & (draws[f"{status}_rank_high"] == high)
        share = float(same_mc.mean())
        interval = _interval(low, high)
        spread = (draws[f"{status}_rank_low"].astype(int).astype(str) + "–"
                  + draws[f"{status}_rank_high"].astype(int).astype(str))
        spread = spread.str.replace(r"^(\d+)–\1$", r"\1", regex=True)
        dist = spread.value_counts(normalize=True).sort_values(ascending=False, kind="mergesort")
        dist_text = ", ".join(f"{k}: {v:.0%}" for k, v in dist.head(4).items())
        rows.append(dict(
            index=index, conclusion=f"{status}_rank", scenario="", default_value=float(low),
            default_label=interval, sweep_holds=bool(same_sw.all()),
            sweep_low=float(sweep[f"{status}_rank_low"].min()),
            sweep_high=float(sweep[f"{status}_rank_high"].max()), mc_share=share,
            mc_p05=math.nan, mc_p50=math.nan, mc_p95=math.nan, joint_low=math.nan,
            joint_high=math.nan, n_draws=len(draws),
            statement_vi=_t("rank.holds", "vi", which=which["vi"], interval=interval, share=share)
            + f" ({dist_text})",
            statement_en=_t("rank.holds", "en", which=which["en"], interval=interval, share=share)
            + f" ({dist_text})"))
    share_rows = []
    for scenario in scenarios:
        top, tied = default[f"top_{scenario}"], default[f"tied_{scenario}"]
        counts = draws[f"top_{scenario}"].value_counts(normalize=True)
        for component in base.spec.top_components:
            share_rows.append(dict(index=index, scenario=scenario, component=component,
                                   name_vi=base.spec.name(component, "vi"),
                                   name_en=base.spec.name(component, "en"),
                                   share=float(counts.get(component, 0.0)),
                                   sweep_share=float((sweep[f"top_{scenario}"] == component).mean())))
        ordered = counts.sort_values(ascending=False, kind="mergesort").items()
        ordered = list(ordered)
        shares_text = {lang: ", ".join(f"{base.spec.name(c, lang)} {s:.0%}" for c, s in ordered)
                       for lang in ("vi", "en")}
        scen = {lang: _t(f"lev.{scenario}", lang) for lang in ("vi", "en")}
        if len(tied) > 1:
            label = ", ".join(tied)
            names = {lang: ", ".join(base.spec.name(c, lang) for c in tied) for lang in ("vi", "en")}
            share = math.nan
            sweep_holds = None
            key = "lev.tie"
        else:
            label = top
            names = {lang: base.spec.name(top, lang) for lang in ("vi", "en")}
            share = float((draws[f"top_{scenario}"] == top).mean())
            sweep_holds = bool((sweep[f"top_{scenario}"] == top).all())
            key = "lev.holds"
        statements = {lang: _t(key, lang, scenario=scen[lang], component=names[lang], share=share
                               if math.isfinite(share) else 0)
                      + "; " + _t("lev.shares", lang, shares=shares_text[lang]) for lang in ("vi", "en")}
        rows.append(dict(index=index, conclusion="most_leverage", scenario=scenario,
                         default_value=math.nan, default_label=label, sweep_holds=sweep_holds,
                         sweep_low=math.nan, sweep_high=math.nan, mc_share=share, mc_p05=math.nan,
                         mc_p50=math.nan, mc_p95=math.nan, joint_low=math.nan, joint_high=math.nan,
                         n_draws=len(draws), statement_vi=statements["vi"],
                         statement_en=statements["en"]))
    conclusions = pd.DataFrame(rows, columns=CONCLUSION_COLUMNS)
    conclusions["sweep_holds"] = conclusions["sweep_holds"].astype("boolean")
    shares = pd.DataFrame(share_rows, columns=["index", "scenario", "component", "name_vi", "name_en",
                                               "share", "sweep_share"])
    return conclusions, shares


# -- PCI 2011: published composites against the era-weight recomputation ------------------
@dataclass
class Pci2011:
    """PCI 2011 as published and as recomputed with the 2009–2012 weights."""

    province: str
    provinces: pd.DataFrame
    conclusions: pd.DataFrame
    leverage: pd.DataFrame

    def text(self, lang: str = "vi") -> str:
        check_lang(lang)
        head = ("PCI 2011: ĐIỂM CÔNG BỐ SO VỚI ĐIỂM TÍNH LẠI THEO TRỌNG SỐ 2009–2012"
                if lang == "vi" else "PCI 2011: PUBLISHED COMPOSITES AGAINST THE 2009–2012 WEIGHTS")
        lines = [head]
        for row in self.conclusions.itertuples():
            lines.append("- " + (row.statement_vi if lang == "vi" else row.statement_en))
        return "\n".join(lines) + "\n"


@memo(maxsize=4, copy=True)  # the same for every province
def _pci_2011_gap(peers: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    from ..data.sources.official_pci import pci_2011_gap

    return pci_2011_gap(peers, results)


def pci_2011(province: str = "Bình Định", *, peers: pd.DataFrame | None = None,
             results: pd.DataFrame | None = None) -> Pci2011:
    """How PCI 2011's ranks and composites differ between published and recomputed, and
    which conclusions about 2011 change (see the module docstring)."""
    from ..data.peers import default_peers, default_results

    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    name = resolve(province, 2011).name_en
    gap = _pci_2011_gap(peers, results)
    if name not in set(gap["province"]):
        raise DataUnavailableError(f"PCI 2011 has no published and recomputed composite for {name}")
    table = gap.copy()
    table["region"] = [region_of(p, 2011) for p in table["province"]]
    table["rank_change"] = (table["recomputed_rank"].astype(int) - table["official_rank"].astype(int))
    for col, src in (("official_regional_rank", "official_composite"),
                     ("recomputed_regional_rank", "weighted_sum")):
        table[col] = (table.groupby("region")[src].rank(ascending=False, method="min").astype("Int64"))
    own = table[table["province"] == name].iloc[0]

    # leverage under both fields
    analysis = for_year("pci", 2011, name, peers=peers, results=results)
    spec = analysis.spec
    subs = {c: analysis.own[c] for c in spec.top_components if c in analysis.own}
    others = table[table["province"] != name].set_index("province")
    fields = {
        "published": (ExactField.from_series(others["official_composite"]),
                      dict(subs, **{spec.composite: float(own["official_composite"])})),
        "recomputed": (ExactField.from_series(others["weighted_sum"]), dict(subs)),
    }
    lev_rows, tops = [], {}
    for variant, (fld, values) in fields.items():
        lev = leverage_table(spec, values, fld, year=None, improvements=analysis.improvements)
        tops[variant] = most_leverage(lev, "typical")
        for row in lev.itertuples():
            lev_rows.append(dict(variant=variant, component=row.component,
                                 typical_points=row.typical_points,
                                 typical_rank_gain=row.typical_rank_gain,
                                 step_1pct_rank_gain=row.step_1pct_rank_gain))
    leverage = pd.DataFrame(lev_rows)

    changed = table[table["rank_change"] != 0]
    top10_pub = set(table.loc[table["official_rank"] <= 10, "province"])
    top10_rec = set(table.loc[table["recomputed_rank"] <= 10, "province"])
    rows = []

    def add(conclusion, published, recomputed, changes, vi, en):
        rows.append(dict(conclusion=conclusion, published=published, recomputed=recomputed,
                         changes=bool(changes), statement_vi=vi, statement_en=en))

    pc, rc = float(own["official_composite"]), float(own["weighted_sum"])
    add("composite", f"{pc:.2f}", f"{rc:.2f}", abs(pc - rc) > 0.005,
        f"Điểm PCI 2011 của {resolve(name).name_vi}: công bố {pc:.2f}, tính lại {rc:.2f} (chênh {pc - rc:+.2f})",
        f"{name}'s PCI 2011 composite: published {pc:.2f}, recomputed {rc:.2f} (gap {pc - rc:+.2f})")
    po, ro = int(own["official_rank"]), int(own["recomputed_rank"])
    add("national_rank", str(po), str(ro), po != ro,
        f"Thứ hạng cả nước: công bố {po}, tính lại {ro}" + (" — kết luận thay đổi" if po != ro else " — không đổi"),
        f"National rank: published {po}, recomputed {ro}" + (" — the conclusion changes" if po != ro else " — unchanged"))
    pr, rr = int(own["official_regional_rank"]), int(own["recomputed_regional_rank"])
    add("regional_rank", str(pr), str(rr), pr != rr,
        f"Thứ hạng trong vùng: công bố {pr}, tính lại {rr}" + (" — thay đổi" if pr != rr else " — không đổi"),
        f"Regional rank: published {pr}, recomputed {rr}" + (" — changes" if pr != rr else " — unchanged"))
    add("ranks_moved", str(len(table)), str(len(changed)), len(changed) > 0,
        f"{len(changed)}/{len(table)} tỉnh, thành phố đổi thứ hạng khi tính lại (tối đa {int(changed['rank_change'].abs().max() if len(changed) else 0)} bậc); "
        f"chênh điểm công bố − tính lại từ {table['gap'].min():.3f} đến {table['gap'].max():.3f}",
        f"{len(changed)} of {len(table)} provinces change rank when recomputed (at most "
        f"{int(changed['rank_change'].abs().max() if len(changed) else 0)} places); published − recomputed "
        f"gaps from {table['gap'].min():.3f} to {table['gap'].max():.3f}")
    add("top_10", "; ".join(sorted(top10_pub)), "; ".join(sorted(top10_rec)), top10_pub != top10_rec,
        "Nhóm 10 tỉnh dẫn đầu " + ("không đổi" if top10_pub == top10_rec else
                                   f"thay đổi: vào {', '.join(sorted(resolve(p).name_vi for p in top10_rec - top10_pub))}; "
                                   f"ra {', '.join(sorted(resolve(p).name_vi for p in top10_pub - top10_rec))}"),
        "The top ten " + ("are the same" if top10_pub == top10_rec else
                          f"change: in {', '.join(sorted(top10_rec - top10_pub))}; out {', '.join(sorted(top10_pub - top10_rec))}"))
    tp, tr = tops["published"], tops["recomputed"]
    spec_2011 = load_specs().spec_for("pci", 2011)
    tp_vi, tr_vi = (spec_2011.name(c, "vi") if spec_2011.has(c) else c for c in (tp, tr))
    tp_en, tr_en = (spec_2011.name(c, "en") if spec_2011.has(c) else c for c in (tp, tr))
    add("most_leverage", str(tp), str(tr), tp != tr,
        f"Chỉ số thành phần có đòn bẩy lớn nhất (mức cải thiện điển hình): công bố {tp_vi}, tính lại {tr_vi}"
        + (" — thay đổi" if tp != tr else " — không đổi"),
        f"Component with the most leverage (a typical improvement): published {tp_en}, recomputed {tr_en}"
        + (" — changes" if tp != tr else " — unchanged"))
    conclusions = pd.DataFrame(rows)
    return Pci2011(name, table, conclusions, leverage)


def run(indices: tuple[str, ...] = ("sipas", "par_index"), **kwargs) -> dict[str, Sensitivity]:
    """:func:`sensitivity` for each index (default: the two with unverified settings)."""
    return {index: sensitivity(index, **kwargs) for index in indices}
