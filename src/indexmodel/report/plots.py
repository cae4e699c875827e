"""Figures an analyst reads, in Vietnamese or English.

Every function takes tidy input (a DataFrame or a Series), a ``lang`` (``vi`` or
``en``) for titles and labels, and returns a :class:`matplotlib.figure.Figure` built
without pyplot (no global figure registry, no GUI backend: safe in a kernel, a test
or a thread). :func:`save_figure` writes it as PNG atomically and byte-for-byte
repeatably (no timestamp or software tag in the PNG metadata).

Text is set in DejaVu Sans, which matplotlib bundles and which covers every
Vietnamese letter (Tiếp cận đất đai, Quản trị điện tử, Đắk Lắk); :func:`use_style`
sets it.

The figures:

(a) :func:`plot_components` — baseline, target and best known value by component;
(b) :func:`plot_leverage` — rank gained per component, with its interval;
(c) :func:`plot_rank_probabilities` — the distribution of the rank, the goal, P(goal);
(d) :func:`plot_peer_distribution` — the peers' composites with the province marked;
(e) :func:`plot_recommendations` — the optimizer's recommended improvements and costs;
(f) :func:`plot_trajectory` — composite and rank over the years, targets drawn ahead;
(g) :func:`plot_sweep` — a tornado of a sensitivity sweep (setting → low/high);
(h) :func:`plot_pit_histogram` — the backtest's PIT histogram per index (1 = calibrated).
(i) :func:`plot_rank_waterfall` — why the rank moved: last year's rank, each part's
    places, this year's rank (a part known only as an interval drawn as a hatched range).
"""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path

import matplotlib
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..core.cache import keyed
from ..core.i18n import check_lang, index_label, translate
from ..core.output import write_bytes_atomic

FONT = "DejaVu Sans"

STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 120.0,
    "svg.hashsalt": "indexmodel",
    "path.simplify": True,
}

COLORS = {
    "baseline": "#8c96a3",
    "target": "#1f6fb4",
    "best": "#2e9e4f",
    "gain": "#1f6fb4",
    "goal": "#d1495b",
    "own": "#d1495b",
    "peer": "#9fb8d0",
    "move": "#1f6fb4",
    "low": "#e08a3c",
    "high": "#1f6fb4",
    "climb": "#2e9e4f",
    "drop": "#d1495b",
    "rank": "#8c96a3",
}

DPI = 120

# Labels of the figures, (Vietnamese, English).
LABELS: dict[str, tuple[str, str]] = {
    "baseline": ("Năm {year}", "{year}"),
    "baseline_plain": ("Kết quả", "Result"),
    "target": ("Chỉ tiêu {year}", "Target {year}"),
    "target_plain": ("Chỉ tiêu", "Target"),
    "best": ("Cao nhất đã biết", "Best known"),
    "best_year": ("Cao nhất đã biết ({year})", "Best known ({year})"),
    "points": ("Điểm", "Points"),
    "percent_of_max": ("% so với điểm tối đa", "% of the maximum"),
    "components_title": ("Kết quả, chỉ tiêu và mức cao nhất theo thành phần",
                         "Result, target and best known by component"),
    "rank_gain": ("Số bậc xếp hạng tăng thêm", "Ranks gained"),
    "leverage_title": ("Thứ hạng tăng thêm theo thành phần", "Ranks gained per component"),
    "interval": ("khoảng ước lượng", "interval"),
    "rank": ("Thứ hạng", "Rank"),
    "probability": ("Xác suất", "Probability"),
    "goal_line": ("Mục tiêu: hạng {goal}", "Goal: rank {goal}"),
    "rank_prob_title": ("Phân bố thứ hạng — P(đạt hạng {goal} trở lên) = {p}",
                        "Rank distribution — P(rank {goal} or better) = {p}"),
    "rank_prob_title_nogoal": ("Phân bố thứ hạng", "Rank distribution"),
    "composite": ("Điểm tổng hợp", "Composite score"),
    "provinces": ("Số tỉnh/thành phố", "Number of provinces"),
    "peer_title": ("Điểm tổng hợp của các tỉnh/thành phố", "Composite scores of the provinces"),
    "own": ("{province}: {score:.2f}", "{province}: {score:.2f}"),
    "own_plain": ("Tỉnh: {score:.2f}", "Province: {score:.2f}"),
    "target_score": ("Chỉ tiêu: {score:.2f}", "Target: {score:.2f}"),
    "move": ("Mức cải thiện đề xuất", "Recommended improvement"),
    "cost": ("chi phí {cost:.2f}", "cost {cost:.2f}"),
    "reco_title": ("Cải thiện đề xuất (chi phí thấp nhất)", "Recommended improvements (least cost)"),
    "year": ("Năm", "Year"),
    "actual": ("Thực tế", "Actual"),
    "estimated": ("Ước tính (thiết lập chưa kiểm chứng)", "Estimated (unverified settings)"),
    "planned": ("Chỉ tiêu / mục tiêu", "Target / goal"),
    "trajectory_title": ("Điểm tổng hợp và thứ hạng qua các năm", "Composite and rank over the years"),
    "composite_change": ("Điểm tổng hợp", "Composite"),
    "sweep_title": ("Độ nhạy theo từng thiết lập", "Sensitivity to each setting"),
    "base": ("Mặc định: {value:.2f}", "Default: {value:.2f}"),
    "no_data": ("không có số liệu", "no data"),
    "pit": ("PIT của thứ hạng thật (0: tốt hơn mọi dự báo, 1: kém hơn mọi dự báo)",
            "PIT of the real rank (0: better than every prediction, 1: worse than every one)"),
    "density": ("Mật độ (1 = chuẩn)", "Density (1 = calibrated)"),
    "uniform": ("chuẩn (phân bố đều)", "calibrated (uniform)"),
    "pit_title": ("Kiểm định ngược: biểu đồ PIT của thứ hạng", "Backtest: PIT histogram of the ranks"),
    "wf_start": ("Hạng năm {year}: {rank}", "Rank in {year}: {rank}"),
    "wf_end": ("Hạng năm {year}: {rank}", "Rank in {year}: {rank}"),
    "wf_axis": ("Thứ hạng (1 = cao nhất; sang phải là tăng hạng)", "Rank (1 = best; to the right = climbing)"),
    "wf_title": ("Vì sao thứ hạng thay đổi, {prev} → {year}", "Why the rank moved, {prev} → {year}"),
    "wf_climb": ("tăng hạng", "climbed"),
    "wf_drop": ("giảm hạng", "dropped"),
    "wf_range": ("khoảng theo các mốc công bố", "interval the published anchors allow"),
    "wf_places": ("Số bậc tăng (dương: tăng hạng; âm: giảm hạng)", "Places gained (positive: climbed; negative: dropped)"),
    "wf_total": ("Thay đổi thứ hạng: {before} ({prev}) → {after} ({year})",
                 "Rank change: {before} ({prev}) → {after} ({year})"),
    "wf_total_key": ("thay đổi thứ hạng thực tế", "the actual rank change"),
}


def label(key: str, lang: str = "vi", **values) -> str:
    """A figure label in ``lang`` with its ``{fields}`` filled."""
    return translate(LABELS, key, lang, **values)


def use_style() -> None:
    """Set the figures' style (DejaVu Sans, sizes, grid) in matplotlib's rcParams."""
    matplotlib.rcParams.update(STYLE)


def _figure(width: float, height: float) -> Figure:
    use_style()
    fig = Figure(figsize=(width, height), dpi=STYLE["figure.dpi"], layout="constrained")
    return fig


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Row names in ``lang``: name_vi / name_en, else name, label, component or setting."""
    columns = [c for c in (f"name_{lang}", "name", "label", "component", "setting")
               if c in frame.columns]
    out = []
    for i, row in enumerate(frame[columns].to_dict("records") if columns else [{}] * len(frame)):
        text = next((v for v in row.values() if isinstance(v, str) and v.strip()), str(i + 1))
        out.append(_wrap(text))
    return out


def _finite(values) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


def _rows_top_down(ax, n: int) -> None:
    """Row 0 at the top, every row (even one without a bar) inside the axes."""
    ax.set_ylim(max(n, 1) - 0.5, -0.5)


def _height(n: int, per_row: float = 0.45, minimum: float = 2.6) -> float:
    return max(minimum, 1.2 + per_row * n)


# -- (a) baseline, target and best by component -------------------------------------
def plot_components(frame: pd.DataFrame, *, lang: str = "vi", title: str | None = None,
                    baseline_year: int | None = None, target_year: int | None = None,
                    best_year: int | None = None) -> Figure:
    """Horizontal grouped bars: baseline, target and best known value per component.

    ``frame``: component, name_vi, name_en, baseline, target, best (may be NaN), max —
    one row per component, drawn top to bottom in the given order. A value that is
    NaN draws no bar (a series with no value at all is left out of the legend too).
    When all maxima are equal the axis shows points (0 … max);
    otherwise each value is shown as a percentage of its component's maximum.
    """
    check_lang(lang)
    _require(frame, ("baseline", "target", "max"), "plot_components")
    frame = frame.reset_index(drop=True)
    n = len(frame)
    maxima = _finite(frame["max"])
    same_scale = n > 0 and np.all(np.isfinite(maxima)) and np.allclose(maxima, maxima[0])
    scale = np.ones(n) if same_scale else 100.0 / np.where(maxima > 0, maxima, np.nan)
    series = [
        ("baseline", label("baseline", lang, year=baseline_year) if baseline_year
         else label("baseline_plain", lang)),
    ]
    if np.isfinite(_finite(frame["target"])).any():  # a year without targets: no target series
        series.append(("target", label("target", lang, year=target_year) if target_year
                       else label("target_plain", lang)))
    if "best" in frame.columns and np.isfinite(_finite(frame["best"])).any():
        series.append(("best", label("best_year", lang, year=best_year) if best_year
                       else label("best", lang)))
    fig = _figure(8.0, _height(n * len(series) / 2.2 + 1))
    ax = fig.add_subplot()
    bar_h = 0.8 / len(series)
    y = np.arange(n)
    for k, (key, text) in enumerate(series):
        values = _finite(frame[key]) * scale
        offset = (k - (len(series) - 1) / 2) * bar_h
        ok = np.isfinite(values)
        ax.barh(y[ok] + offset, values[ok], height=bar_h * 0.95, color=COLORS[key], label=text)
    ax.set_yticks(y, _names(frame, lang))
    _rows_top_down(ax, n)
    if same_scale:
        ax.set_xlim(0, float(maxima[0]))
        ax.set_xlabel(label("points", lang))
    else:
        ax.set_xlim(0, 100)
        ax.set_xlabel(label("percent_of_max", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series))
    ax.set_title(title or label("components_title", lang), pad=22)
    return fig


# -- (b) rank gained per component ---------------------------------------------------
def plot_leverage(frame: pd.DataFrame, *, lang: str = "vi", gain: str = "gain",
                  low: str = "low", high: str = "high", title: str | None = None,
                  xlabel: str | None = None) -> Figure:
    """Rank gained per component (central value) with its interval as an error bar.

    ``frame``: component names (name_vi/name_en, or name, or component) and the
    columns named by ``gain``, ``low`` and ``high``. A NaN gain draws no bar.
    """
    check_lang(lang)
    _require(frame, (gain,), "plot_leverage")
    frame = frame.reset_index(drop=True)
    n = len(frame)
    central = _finite(frame[gain])
    lows = _finite(frame[low]) if low in frame.columns else central
    highs = _finite(frame[high]) if high in frame.columns else central
    fig = _figure(7.5, _height(n))
    ax = fig.add_subplot()
    y = np.arange(n)
    ok = np.isfinite(central)
    ax.barh(y[ok], central[ok], height=0.6, color=COLORS["gain"], label=label("rank_gain", lang))
    lo = np.where(np.isfinite(lows), lows, central)
    hi = np.where(np.isfinite(highs), highs, central)
    err = np.vstack([np.clip(central - lo, 0, None), np.clip(hi - central, 0, None)])
    with_interval = ok & ((err[0] > 0) | (err[1] > 0))
    if with_interval.any():
        ax.errorbar(central[with_interval], y[with_interval], xerr=err[:, with_interval],
                    fmt="none", ecolor="#333333", elinewidth=1.0, capsize=3,
                    label=label("interval", lang))
        ax.legend(loc="lower right")
    for yi in y[~ok]:
        ax.text(0, yi, " " + label("no_data", lang), va="center", fontsize=8, color="#777777")
    ax.set_yticks(y, _names(frame, lang))
    _rows_top_down(ax, n)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(xlabel or label("rank_gain", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(title or label("leverage_title", lang))
    return fig


# -- (c) rank probabilities ------------------------------------------------------------
def plot_rank_probabilities(probabilities: pd.Series, *, goal: int | None = None,
                            lang: str = "vi", title: str | None = None) -> Figure:
    """Bars of P(rank = k) with the goal marked and P(rank ≤ goal) in the title.

    ``probabilities``: a Series indexed by rank (1 = best) holding probabilities.
    """
    check_lang(lang)
    probs = pd.Series(probabilities, dtype=float).sort_index()
    ranks = np.asarray(probs.index, dtype=float)
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    colors = [COLORS["target"] if goal is not None and r <= goal else COLORS["peer"] for r in ranks]
    ax.bar(ranks, probs.to_numpy(), width=0.85, color=colors)
    if goal is not None:
        p_goal = float(probs[probs.index <= goal].sum())
        ax.axvline(goal + 0.5, color=COLORS["goal"], linestyle="--", linewidth=1.2,
                   label=label("goal_line", lang, goal=goal))
        ax.legend(loc="upper right")
        auto = label("rank_prob_title", lang, goal=goal, p=f"{p_goal:.0%}")
    else:
        auto = label("rank_prob_title_nogoal", lang)
    ax.set_xlabel(label("rank", lang))
    ax.set_ylabel(label("probability", lang))
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.grid(axis="x", visible=False)
    ax.set_title(title or auto)
    return fig


# -- (d) the peers' distribution -------------------------------------------------------
def plot_peer_distribution(peers: pd.Series, own: float, *, target: float | None = None,
                           province: str | None = None, lang: str = "vi",
                           title: str | None = None, bins: int | str = "auto") -> Figure:
    """A histogram of the peers' composites with the province (and its target) marked.

    ``peers``: a Series of composites (index: province names; NaN dropped).
    """
    check_lang(lang)
    values = _finite(peers)
    values = values[np.isfinite(values)]
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    if len(values):
        edges = np.histogram_bin_edges(values, bins=bins)
        ax.hist(values, bins=edges, color=COLORS["peer"], edgecolor="white")
    own_text = (label("own", lang, province=province, score=own) if province
                else label("own_plain", lang, score=own))
    ax.axvline(own, color=COLORS["own"], linewidth=2.0, label=own_text)
    if target is not None and math.isfinite(target):
        ax.axvline(target, color=COLORS["own"], linewidth=1.5, linestyle="--",
                   label=label("target_score", lang, score=target))
    ax.set_xlabel(label("composite", lang))
    ax.set_ylabel(label("provinces", lang))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    ax.grid(axis="x", visible=False)
    ax.set_title(title or label("peer_title", lang))
    return fig


# -- (e) the optimizer's recommendation ------------------------------------------------
def plot_recommendations(frame: pd.DataFrame, *, lang: str = "vi", move: str = "move",
                         cost: str = "cost", title: str | None = None) -> Figure:
    """Horizontal bars of the recommended improvement per component, costs written beside.

    ``frame``: component names and the ``move`` and ``cost`` columns (one row each).
    """
    check_lang(lang)
    _require(frame, (move,), "plot_recommendations")
    frame = frame.reset_index(drop=True)
    n = len(frame)
    moves = _finite(frame[move])
    costs = _finite(frame[cost]) if cost in frame.columns else np.full(n, np.nan)
    fig = _figure(7.5, _height(n))
    ax = fig.add_subplot()
    y = np.arange(n)
    ok = np.isfinite(moves)
    ax.barh(y[ok], moves[ok], height=0.6, color=COLORS["move"])
    for yi, m, c in zip(y, moves, costs):
        if math.isfinite(m):
            text = f"+{m:.2f}" + (f" ({label('cost', lang, cost=c)})" if math.isfinite(c) else "")
            ax.annotate(text, (m, yi), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
    ax.set_yticks(y, _names(frame, lang))
    _rows_top_down(ax, n)
    if ok.any():
        ax.set_xlim(0, float(np.nanmax(moves[ok])) * 1.35 or 1.0)
    ax.set_xlabel(label("move", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(title or label("reco_title", lang))
    return fig


# -- (f) the trajectory ----------------------------------------------------------------
def _runs(years: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Indices of ``mask`` split where the years are not consecutive."""
    idx = np.where(mask)[0]
    if not len(idx):
        return []
    breaks = np.where(np.diff(years[idx]) > 1)[0] + 1
    return [run for run in np.split(idx, breaks) if len(run) > 1]


def plot_trajectory(frame: pd.DataFrame, *, lang: str = "vi", title: str | None = None,
                    out_of: int | None = None) -> Figure:
    """Composite (top) and rank (bottom, 1 at the top) by year; targets dashed, ahead.

    ``frame``: year, composite, rank and optionally status (``actual`` or
    ``target``/``goal``; default actual) and ``unverified`` (a composite resting on
    unverified settings: drawn hollow as an estimate, not as actual). Either value may be
    NaN for a year. Lines join consecutive years only: a year without data breaks them. The
    rank axis spans the ranks drawn (with a margin), not every rank down to ``out_of``.
    """
    check_lang(lang)
    _require(frame, ("year",), "plot_trajectory")
    frame = frame.copy()
    if "status" not in frame.columns:
        frame["status"] = "actual"
    frame = frame.sort_values("year", kind="stable").reset_index(drop=True)
    planned = frame["status"].isin(["target", "goal"]).to_numpy()
    fig = _figure(7.5, 5.0)
    ax_c, ax_r = fig.subplots(2, 1, sharex=True)
    for ax, column, ylab in ((ax_c, "composite", label("composite", lang)),
                             (ax_r, "rank", label("rank", lang))):
        if column not in frame.columns:
            ax.set_ylabel(ylab)
            continue
        years = frame["year"].to_numpy(dtype=float)
        values = _finite(frame[column])
        estimated = (frame["unverified"].fillna(False).astype(bool).to_numpy()
                     if "unverified" in frame.columns and column == "composite"
                     else np.zeros(len(frame), bool))
        act = ~planned & np.isfinite(values)
        solid = act & ~estimated
        for run in _runs(years, solid):  # no line across a year without data
            ax.plot(years[run], values[run], color=COLORS["target"])
        ax.plot(years[solid], values[solid], linestyle="none", marker="o", color=COLORS["target"],
                label=label("actual", lang))
        if (act & estimated).any():
            ax.plot(years[act & estimated], values[act & estimated], linestyle="none", marker="o",
                    markerfacecolor="white", color=COLORS["target"], label=label("estimated", lang))
        plan = planned & np.isfinite(values)
        if plan.any():
            # the dashed line starts at the last actual point before the first target
            prior = np.where(act & (years < years[plan].min()))[0]
            xs = np.concatenate([years[prior[-1:]], years[plan]])
            ys = np.concatenate([values[prior[-1:]], values[plan]])
            ax.plot(xs, ys, linestyle="--", color=COLORS["goal"])
            ax.plot(years[plan], values[plan], linestyle="none", marker="D",
                    color=COLORS["goal"], label=label("planned", lang))
        ax.set_ylabel(ylab)
    ax_r.invert_yaxis()
    ranks = _finite(frame["rank"]) if "rank" in frame.columns else np.array([])
    ranks = ranks[np.isfinite(ranks)]
    if len(ranks):  # the ranks drawn, with a margin: not every rank down to the last
        margin = max(2.0, 0.15 * (ranks.max() - ranks.min()))
        bottom = ranks.max() + margin
        ax_r.set_ylim(min(bottom, out_of + 0.5) if out_of else bottom, max(0.5, ranks.min() - margin))
    elif out_of:
        ax_r.set_ylim(out_of + 0.5, 0.5)
    ax_r.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax_r.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax_r.set_xlabel(label("year", lang))
    ax_c.legend(loc="best")
    ax_c.set_title(title or label("trajectory_title", lang))
    return fig


# -- (g) sensitivity sweep -------------------------------------------------------------
def plot_sweep(frame: pd.DataFrame, *, base: float | None = None, lang: str = "vi",
               low: str = "low", high: str = "high", title: str | None = None,
               xlabel: str | None = None) -> Figure:
    """A tornado: for each setting a bar from its low to its high result, widest on top.

    ``frame``: a setting name (name_vi/name_en, label, setting or component) and the
    ``low`` and ``high`` results; ``base``: the result at the default settings.
    """
    check_lang(lang)
    _require(frame, (low, high), "plot_sweep")
    frame = frame.copy().reset_index(drop=True)
    lo, hi = _finite(frame[low]), _finite(frame[high])
    frame["_left"], frame["_right"] = np.fmin(lo, hi), np.fmax(lo, hi)
    frame["_width"] = frame["_right"] - frame["_left"]
    frame = frame.sort_values("_width", ascending=False, kind="stable").reset_index(drop=True)
    n = len(frame)
    fig = _figure(7.5, _height(n))
    ax = fig.add_subplot()
    y = np.arange(n)
    left, right = frame["_left"].to_numpy(), frame["_right"].to_numpy()
    ok = np.isfinite(left) & np.isfinite(right)
    ax.barh(y[ok], (right - left)[ok], left=left[ok], height=0.6, color=COLORS["high"])
    if base is not None and math.isfinite(base):
        ax.axvline(base, color=COLORS["goal"], linewidth=1.2, label=label("base", lang, value=base))
        ax.legend(loc="lower right")
    ax.set_yticks(y, _names(frame, lang))
    _rows_top_down(ax, n)
    ax.set_xlabel(xlabel or label("composite_change", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(title or label("sweep_title", lang))
    return fig


# -- (h) why the rank moved -------------------------------------------------------------
def plot_rank_waterfall(frame: pd.DataFrame, *, rank_before: int, rank_after: int, year_before: int,
                        year: int, lang: str = "vi", title: str | None = None) -> Figure:
    """Why the rank moved: one row per part, from last year's rank to this year's.

    ``frame``: one row per part in order, a ``label`` (in ``lang``) and ``contribution``
    (places gained, positive = climbed). When every part is known, a horizontal waterfall
    on the rank axis (worse ranks left, better right: climbing goes right). When a part
    is known only as an interval (NaN ``contribution``, with ``contribution_low`` and
    ``contribution_high``), each part is drawn as a hatched range of places gained
    beside the total — intervals cannot be stacked into positions.
    """
    check_lang(lang)
    _require(frame, ("label", "contribution"), "plot_rank_waterfall")
    frame = frame.reset_index(drop=True)
    values = _finite(frame["contribution"])
    if np.isfinite(values).all():
        fig, ax, handles = _waterfall(frame, values, rank_before, rank_after, year_before, year, lang)
    else:
        fig, ax, handles = _ranges(frame, rank_before, rank_after, year_before, year, lang)
    ax.grid(axis="y", visible=False)
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    ax.set_title(_wrap(title or label("wf_title", lang, prev=year_before, year=year), 48))
    return fig


def _places(value: float) -> str:
    if abs(value) < 0.005:
        return "0"
    return f"{value:+.2f}".rstrip("0").rstrip(".").replace("-", "−")


def _waterfall(frame, values, rank_before, rank_after, year_before, year, lang):
    n = len(frame) + 2
    fig = _figure(7.5, _height(n, 0.42))
    ax = fig.add_subplot()
    names = [label("wf_start", lang, year=year_before, rank=rank_before)]
    ax.barh(0, 0.8, left=rank_before - 0.4, height=0.6, color=COLORS["rank"])
    at = float(rank_before)
    edges = [float(rank_before), float(rank_after)]
    for i, (name, value) in enumerate(zip(frame["label"], values), start=1):
        names.append(_wrap(name, 46))
        new = at - value
        if abs(value) > 1e-12:
            ax.barh(i, at - new, left=new, height=0.6,
                    color=COLORS["climb"] if value > 0 else COLORS["drop"])
        ax.annotate(_places(value), (min(at, new), i), xytext=(3, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8)
        at = new
        edges.append(at)
    names.append(label("wf_end", lang, year=year, rank=rank_after))
    ax.barh(n - 1, 0.8, left=rank_after - 0.4, height=0.6, color=COLORS["target"])
    ax.set_yticks(np.arange(n), names)
    _rows_top_down(ax, n)
    worst, best = max(edges), min(edges)
    pad = max(1.5, 0.12 * (worst - best))
    ax.set_xlim(worst + pad, max(best - pad - 2, 0.0))  # inverted: better ranks to the right
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(label("wf_axis", lang))
    handles = [matplotlib.patches.Patch(color=COLORS["climb"], label=label("wf_climb", lang)),
               matplotlib.patches.Patch(color=COLORS["drop"], label=label("wf_drop", lang))]
    return fig, ax, handles


def _ranges(frame, rank_before, rank_after, year_before, year, lang):
    n = len(frame) + 1
    fig = _figure(7.5, _height(n, 0.5))
    ax = fig.add_subplot()
    names, edges = [], [0.0]
    for i, row in enumerate(frame.to_dict("records")):
        names.append(_wrap(row["label"], 46))
        value = float(_finite([row["contribution"]])[0])
        if math.isfinite(value):
            low = high = value
        else:
            low, high = float(row["contribution_low"]), float(row["contribution_high"])
        if high - low > 1e-12:
            ax.barh(i, high - low, left=low, height=0.6, color="none", edgecolor=COLORS["gain"], hatch="///")
            text = f"{_places(low)} … {_places(high)}"
        else:
            ax.barh(i, low, height=0.6, color=COLORS["climb"] if low > 0 else COLORS["drop"])
            text = _places(low)
        ax.annotate(text, (max(low, high, 0.0), i), xytext=(3, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8)
        edges += [low, high]
    gained = float(rank_before - rank_after)
    names.append(_wrap(label("wf_total", lang, prev=year_before, year=year, before=rank_before,
                             after=rank_after), 46))
    ax.barh(n - 1, gained, height=0.6, color=COLORS["target"])
    ax.annotate(_places(gained), (max(gained, 0.0), n - 1), xytext=(3, 0), textcoords="offset points",
                va="center", ha="left", fontsize=8)
    edges.append(gained)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(np.arange(n), names)
    _rows_top_down(ax, n)
    span = max(edges) - min(edges) or 1.0
    ax.set_xlim(min(edges) - 0.08 * span, max(edges) + 0.22 * span)
    ax.set_xlabel(label("wf_places", lang))
    handles = [matplotlib.patches.Patch(facecolor="none", edgecolor=COLORS["gain"], hatch="///",
                                        label=label("wf_range", lang)),
               matplotlib.patches.Patch(color=COLORS["target"], label=label("wf_total_key", lang))]
    return fig, ax, handles


# -- saving ------------------------------------------------------------------------------
# -- (h) the PIT histogram ------------------------------------------------------------
def plot_pit_histogram(frame: pd.DataFrame, *, lang: str = "vi", title: str | None = None) -> Figure:
    """Bars of the PIT density per bin, one group per index, and the uniform line.

    ``frame``: one row per PIT bin (the index: the bin's label), one column per index
    (a density: 1 where the predictions are calibrated).
    """
    check_lang(lang)
    fig = _figure(7.5, 4.2)
    ax = fig.add_subplot()
    n, k = len(frame), max(len(frame.columns), 1)
    x = np.arange(n)
    width = 0.8 / k
    palette = [COLORS["target"], COLORS["low"], COLORS["best"], COLORS["baseline"]]
    for j, column in enumerate(frame.columns):
        ax.bar(x - 0.4 + width * (j + 0.5), _finite(frame[column]), width=width,
               color=palette[j % len(palette)], label=index_label(str(column), lang))
    ax.axhline(1.0, color="#555555", linestyle="--", linewidth=1, label=label("uniform", lang))
    top = float(np.nanmax(frame.to_numpy(dtype=float))) if frame.size else 1.0
    ax.set_ylim(0, max(1.5, top) * 1.25)
    ax.set_xticks(x, [str(v) for v in frame.index], rotation=0, fontsize=7)
    ax.set_xlabel(label("pit", lang))
    ax.set_ylabel(label("density", lang))
    ax.legend(loc="upper center", ncols=3)
    ax.set_title(title or label("pit_title", lang))
    return fig


def figure_caption(fig: Figure) -> str:
    """The figure's caption: its overall title, else its panels' titles joined."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return " ".join(sup.get_text().split())
    titles = [" ".join(ax.get_title().split()) for ax in fig.axes if ax.get_title().strip()]
    return " · ".join(dict.fromkeys(titles))


def figure_png(fig: Figure, *, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, identical on every call (no timestamp, no software tag),
    its caption (:func:`figure_caption`) in the PNG's ``Title``, in a 256-colour palette (a
    third of the size of full colour, the same to the eye: the figures are flat colours and
    text), so that a report with a dozen figures stays small.

    The figure is drawn once: its layout is computed within that one drawing (matplotlib's
    ``savefig`` draws a figure with a layout engine twice, once to lay it out). A figure
    whose content (every artist's state, the style, the resolution) is that of a figure
    drawn before in this process is not drawn again: its PNG is the same
    (:func:`figure_key`; a run of every province draws the same backtest figures, and a
    report the same component figure in its overview and its index's notebook)."""
    use_style()
    return _PNGS.lookup(figure_key(fig, dpi), lambda: _draw_png(fig, dpi))


_PNGS = keyed(maxsize=32)


def figure_key(fig: Figure, dpi: int = DPI) -> str | None:
    """A digest of what the figure draws: its artists' pickled state (the transforms'
    links to their parents, which pickle keys by object id, as an ordered list), the
    style in force and the resolution; None when the figure cannot be pickled (it is
    then drawn)."""
    import hashlib
    import pickle

    from matplotlib.transforms import TransformNode

    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, TransformNode):
                state = obj.__getstate__()
                state["_parents"] = list(state.get("_parents", {}).values())
                return (type(obj), (), state)
            return NotImplemented

    # the style as stored (reading 'backend' through rcParams would choose a backend)
    style = sorted((k, v) for k, v in dict.items(matplotlib.rcParams) if k != "backend")
    digest = hashlib.sha256(f"dpi={dpi};{style!r};".encode())
    out = io.BytesIO()
    try:
        _Pickler(out, protocol=5).dump(fig)
    except Exception:  # an artist that cannot be pickled (a function in a formatter)
        return None
    digest.update(out.getvalue())
    return digest.hexdigest()


def _draw_png(fig: Figure, dpi: int) -> bytes:
    from PIL import Image, PngImagePlugin

    from .agg import canvas_class
    from .quantize import quantize

    canvas = canvas_class()(fig)  # Agg's, each string laid out once per content
    original = fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()),
                                 "raw", "RGBA", 0, 1).convert("RGB")
    finally:
        fig.dpi = original
    # Pillow's median cut, computed on the distinct colours (report.quantize: the same image)
    palette = quantize(image, colors=256)
    info = PngImagePlugin.PngInfo()
    caption = figure_caption(fig)
    if caption:
        info.add_text("Title", caption)
    out = io.BytesIO()
    # zlib's default effort (its exhaustive search, optimize=True, took 40 ms a figure for
    # a file a tenth smaller; the pixels are the same)
    palette.save(out, format="PNG", pnginfo=info, dpi=(dpi, dpi))
    return out.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int = DPI) -> Path:
    """Write ``fig`` to ``path`` as PNG, atomically (temporary file, then a rename)."""
    path = Path(path)
    data = figure_png(fig, dpi=dpi)
    write_bytes_atomic(data, path)
    return path
