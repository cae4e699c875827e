"""Backtests of the rank model (notebook 06): calibration pooled per index, the criteria,
every pair, the PIT histogram and the error against the static baseline."""

from __future__ import annotations

import math

import pandas as pd

from ...core.cache import memo
from ...core.i18n import check_lang, index_label
from .common import _bullets, _fmt, _pct, _pick
from .setup import NotebookSetup

#: Simulations per pair when the notebook must compute (the shipped tables do not match
#: the data in hand); the shipped tables use thousands.
BACKTEST_SIMS = 300

_BT = {
    "h": ("Kiểm định ngược: dự báo các năm đã biết từ các năm trước",
          "Backtests: predicting known years from earlier ones"),
    "intro": ("Với mỗi cặp năm (dữ liệu đến năm t, kiểm tra năm T = t + 1 hoặc t + 2), mỗi tỉnh được xếp hạng năm T "
              "nhận một phân bố thứ hạng dự báo chỉ từ số liệu đến năm t và điểm thật của chính tỉnh năm T. Mô "
              "hình: vị trí của các tỉnh trong bảng xếp hạng được giữ lại theo mức bền vững ước lượng từ các cặp "
              "năm trước; cả bảng dịch chuyển chung một mức, rút từ phân phối Student-t dự báo (không phải một "
              "giá trị cố định) của các mức dịch chuyển đã quan sát; mọi tỉnh được xếp hạng năm T đều là đối thủ "
              "(tỉnh thiếu số liệu năm t đi từ giá trị gần nhất trước đó, hoặc từ phân bố chung, và được nêu tên). "
              "Thiết lập của mỗi cặp năm được chọn theo gốc trượt: chỉ các cặp năm đã kết thúc trước năm t được "
              "dùng; các con số dưới đây là các dự báo ngoài mẫu đó.",
              "For each pair of years (data up to year t, tested on T = t + 1 or t + 2), every province ranked in "
              "T gets a predicted rank distribution from the data up to t and its own real T score only. The "
              "model: provinces keep their places in the table as persistently as the earlier year pairs show; "
              "the whole table moves by a common shift drawn from a Student-t predictive (not a fixed value) of "
              "the shifts observed; every province ranked in T is a peer (one without a value in t starts from "
              "its latest earlier value, or from the field, and is named). The settings of each pair are chosen "
              "by rolling origin: only pairs complete before t count; the figures below are those out-of-sample "
              "predictions."),
    "eras": ("Qua một lần thay đổi phương pháp ({changes}) bảng điểm được chuẩn hóa: giả định đã biết điểm trung "
             "bình và độ phân tán của cả nước năm T theo phương pháp mới (hai cách so sánh đơn giản cũng được "
             "biết điều đó).",
             "Across a methodology change ({changes}) the table is standardized: the new methodology's national "
             "mean and spread in T are taken as given (the two baselines are given them too)."),
    "baselines": ("Hai cách so sánh đơn giản: giữ nguyên điểm các tỉnh khác như năm t; và dịch chuyển tất cả theo "
                  "mức dịch chuyển trung bình của các năm huấn luyện.",
                  "Two baselines: every peer kept at its year-t score (static peers); and every peer moved by "
                  "the training years' mean shift."),
    "source.shipped": ("Nguồn: bảng kiểm định ngược đi kèm gói ({sims} lần mô phỏng mỗi cặp, hạt giống {seed}), "
                       "tạo từ đúng số liệu đang dùng.",
                       "Source: the shipped backtest tables ({sims} simulations per pair, seed {seed}), made "
                       "from exactly the data in use."),
    "source.computed": ("Nguồn: tính ngay bây giờ ({sims} lần mô phỏng mỗi cặp, hạt giống {seed}) vì số liệu khác "
                        "với số liệu của bảng đi kèm gói.",
                        "Source: computed now ({sims} simulations per pair, seed {seed}), because the data differ "
                        "from those of the shipped tables."),
    "h_pooled": ("### Độ tin cậy gộp theo chỉ số", "### Calibration pooled per index"),
    "intervals": ("Thứ hạng là số nguyên, nên hai đầu của mỗi khoảng được lấy theo phân phối giữa: một thứ hạng ở đầu "
                  "khoảng được tính vào khi ít nhất một nửa xác suất của chính nó nằm trong phần danh nghĩa; nhờ vậy "
                  "xác suất của khoảng gần với mức của nó (khoảng theo phân vị thông thường chứa ít nhất mức đó, "
                  "thường nhiều hơn hẳn khi phân phối chỉ rộng vài bậc).",
                  "Ranks are whole numbers, so each interval's ends come from the mid-distribution: an end rank is "
                  "in when at least half of its own probability lies inside the nominal tails; the interval's "
                  "probability is then close to its level (the plain quantiles' interval holds at least the level, "
                  "often far more when a distribution is a few ranks wide)."),
    "h_done": ("### Tiêu chí hoàn thành", "### The criteria"),
    "done_note": ("Một mức dịch chuyển chung làm mọi tỉnh cùng lệch một hướng, nên độ phủ của từng cặp năm gần như "
                  "là tất cả hoặc không có gì: ngay cả một mô hình hoàn toàn chuẩn cũng có một số cặp dưới 60%. Cột "
                  "bên cạnh cho số cặp mà chính mô hình kỳ vọng (mô phỏng từ chính nó).",
                  "One common shift moves every province the same way, so a pair's coverage is close to all or "
                  "nothing: even a perfectly calibrated model has some pairs below 60%. Beside the count: how "
                  "many the model itself expects (simulated from itself)."),
    "h_pairs": ("### Từng cặp năm", "### Every pair"),
    "h_pit": ("### Biểu đồ PIT", "### PIT histogram"),
    "pit_note": ("PIT ngẫu nhiên hóa của thứ hạng thật trong phân bố dự báo: đều (mật độ 1) khi dự báo chuẩn; dồn "
                 "về bên phải khi thứ hạng thật kém hơn dự báo (các tỉnh khác tăng điểm).",
                 "The randomized PIT of the real rank within its predicted distribution: flat (density 1) when "
                 "the predictions are calibrated; piled to the right when real ranks came out worse than "
                 "predicted (peers rose)."),
    "none": ("{label}: không có cặp năm nào kiểm định được.", "{label}: no year pair can be backtested."),
    "summary": ("{label}: {pairs} cặp năm, {n} lượt tỉnh; khoảng 50/80/90% phủ {c50}/{c80}/{c90}; sai số trung vị "
                "{mae} bậc (giữ nguyên: {st}; dịch chuyển trung bình: {ms}).",
                "{label}: {pairs} year pairs, {n} province-pairs; the 50/80/90% intervals cover "
                "{c50}/{c80}/{c90}; error of the median {mae} ranks (static peers: {st}; mean shift: {ms})."),
    "col.index": ("Chỉ số", "Index"),
    "col.pairs": ("Số cặp năm", "Year pairs"),
    "col.n": ("Lượt tỉnh", "Province-pairs"),
    "col.cov50": ("Độ phủ 50%", "Coverage 50%"),
    "col.cov80": ("Độ phủ 80%", "Coverage 80%"),
    "col.cov90": ("Độ phủ 90%", "Coverage 90%"),
    "col.pit50": ("Độ phủ 50% (PIT)", "Coverage 50% (PIT)"),
    "col.pit90": ("Độ phủ 90% (PIT)", "Coverage 90% (PIT)"),
    "col.w50": ("Độ rộng 50% (bậc)", "Width 50% (ranks)"),
    "col.w90": ("Độ rộng 90% (bậc)", "Width 90% (ranks)"),
    "col.mae": ("Sai số TB của trung vị (bậc)", "MAE of the median (ranks)"),
    "col.static": ("Sai số TB: giữ nguyên", "MAE: static peers"),
    "col.meanshift": ("Sai số TB: dịch chuyển TB", "MAE: mean shift"),
    "col.crps": ("CRPS (bậc)", "CRPS (ranks)"),
    "col.min": ("Độ phủ 90% thấp nhất của một cặp", "Lowest pair's 90% coverage"),
    "col.below": ("Số cặp dưới 60%", "Pairs below 60%"),
    "col.expected": ("Mô hình kỳ vọng", "The model expects"),
    "col.criterion": ("Tiêu chí", "Criterion"),
    "col.value": ("Giá trị", "Value"),
    "col.target": ("Yêu cầu", "Required"),
    "col.met": ("Đạt", "Met"),
    "col.context": ("Bối cảnh", "Context"),
    "col.train": ("Dữ liệu đến", "Data up to"),
    "col.test": ("Năm kiểm tra", "Test year"),
    "col.horizon": ("Số năm", "Years ahead"),
    "col.level": ("Cấp", "Level"),
    "col.provinces": ("Số tỉnh", "Provinces"),
    "col.shift_pairs": ("Mức dịch chuyển dựa trên (cặp năm)", "Shift rests on (year pairs)"),
    "col.positions": ("Vị trí dựa trên (cặp năm)", "Positions rest on (year pairs)"),
    "col.imputed": ("Tỉnh thiếu số liệu năm t", "Peers without a year-t value"),
    "col.settings": ("Thiết lập (chọn theo gốc trượt)", "Settings (chosen by rolling origin)"),
    "col.p60": ("P(độ phủ < 60%) theo mô hình", "Model's P(coverage < 60%)"),
    "level.points": ("theo điểm", "points"),
    "level.standardized": ("chuẩn hóa (đổi phương pháp)", "standardized (methodology change)"),
    "crit.cov90": ("Khoảng 90% phủ 85–95% (gộp)", "90% intervals cover 85–95% (pooled)"),
    "crit.cov50": ("Khoảng 50% phủ 40–60% (gộp)", "50% intervals cover 40–60% (pooled)"),
    "crit.min_pair": ("Không cặp nào có độ phủ 90% dưới 60%", "No pair's 90% coverage below 60%"),
    "crit.mae": ("Sai số trung vị nhỏ hơn cách giữ nguyên", "MAE of the median below static peers"),
    "ctx.pit": ("PIT ngẫu nhiên hóa: {v}", "randomized PIT: {v}"),
    "ctx.min_pair": ("{below}/{pairs} cặp dưới 60%; chính mô hình kỳ vọng {exp} (xác suất không cặp nào: {none})",
                     "{below} of {pairs} pairs below 60%; the model itself expects {exp} (P(none) = {none})"),
    "ctx.mae": ("dịch chuyển trung bình: {v}", "mean shift: {v}"),
    "set.points": ("điểm", "points"),
    "set.spread+pool": ("độ lệch chuẩn, gộp 2 chỉ số", "spreads, both indices pooled"),
    "set.zero": ("tâm 0", "centre 0"),
    "set.era_mean": ("tâm = TB giai đoạn", "centre = era mean"),
    "set.walk": ("rút từng năm", "yearly draws"),
    "set.level": ("rút một lần", "one draw"),
    "set.nt": ("đuôi t theo số bậc tự do", "t tails from the pairs"),
    "set.t3": ("đuôi t₃", "t₃ tails"),
    "set.none": ("không áp dụng", "none apply"),
    "set.standardized": ("mức chuẩn hoá", "standardized level"),
    "set.yearly": ("mỗi năm xáo trộn như một năm đã qua", "each year reshuffles as a past year did"),
    "fig_title": ("Sai số thứ hạng: mô hình so với giữ nguyên (mỗi điểm: một cặp năm)",
                  "Rank error: model against static peers (one point per year pair)"),
    "fig_x": ("Sai số TB khi giữ nguyên điểm các tỉnh khác, bậc", "MAE with peers kept at their last score, ranks"),
    "fig_y": ("Sai số TB của thứ hạng trung vị dự báo, bậc", "MAE of the predicted median rank, ranks"),
    "fig_line": ("bằng nhau (dưới đường: mô hình tốt hơn)", "equal (below: the model is better)"),
}


def _bt(key: str, lang: str, **values) -> str:
    return _pick(_BT[key], lang, **values)


def backtest_sims(setup: NotebookSetup) -> int:
    """The simulations per pair when computing: the run's ``sims``, at most
    :data:`BACKTEST_SIMS` (≥ 100)."""
    return max(100, min(int(setup.sims), BACKTEST_SIMS))


def backtests(setup: NotebookSetup):
    """The backtest of every pair: the shipped tables where they were made from the data
    in use, else computed now. (run, shipped?)"""
    return _backtests(setup.peers(), setup.results(), backtest_sims(setup), setup.seed)


@memo(maxsize=4)  # the same for every province of a run (read, never changed, by the views)
def _backtests(peers: pd.DataFrame, results: pd.DataFrame, sims: int, seed: int):
    from ...analysis.backtest_tables import shipped_or_computed

    return shipped_or_computed(peers, results, sims=sims, seed=seed)


def _era_changes(index: str) -> str:
    from ...data.spec import load_specs

    starts = sorted(s.valid_from for s in load_specs().eras(index))[1:]
    return ", ".join(f"{index_label(index, 'en')} {y - 1}→{y}" for y in starts)


def settings_text(name: str, lang: str = "vi") -> str:
    """A settings id in words (``points|zero|walk|x1.3|t3`` → "points · centre 0 · …")."""
    parts = str(name).split("|")
    yearly = [_bt("set.yearly", lang)] if parts[-1] == "yearly" else []
    if parts[0] == "standardized":
        return " · ".join([_bt("set.standardized", lang)] + yearly)
    if len(parts) < 5:
        return _bt("set.none", lang)
    units, centre, process, scale, tails = parts[:5]
    scale = "×" + scale.lstrip("x").replace(".", "," if lang == "vi" else ".")
    return " · ".join([_bt(f"set.{units}", lang), _bt(f"set.{centre}", lang),
                       _bt(f"set.{process}", lang), scale, _bt(f"set.{tails}", lang)] + yearly)


def backtest_section(setup: NotebookSetup, run, shipped: bool) -> list:
    """The heading, what a backtest does, its source, a summary per index, the pooled
    calibration, the criteria and every pair."""
    from ...analysis.backtest import BACKTEST_INDICES
    from ...analysis.backtest_report import pooled_table

    lang = setup.lang
    changes = "; ".join(c for c in (_era_changes(i) for i in BACKTEST_INDICES) if c)
    source = "source.shipped" if shipped else "source.computed"
    out = ["## " + _bt("h", lang), _bt("intro", lang), _bt("eras", lang, changes=changes),
           _bt("baselines", lang), _bt(source, lang, sims=run.sims, seed=run.seed)]
    pooled = pooled_table(run).set_index("index") if len(run.pairs) else pd.DataFrame()
    lines = []
    for index in BACKTEST_INDICES:
        label = index_label(index, lang)
        if index not in pooled.index:
            lines.append(_bt("none", lang, label=label))
            continue
        p = pooled.loc[index]
        lines.append(_bt("summary", lang, label=label, pairs=int(p["pairs"]), n=int(p["n"]),
                         c50=_pct(p["coverage50"]), c80=_pct(p["coverage80"]),
                         c90=_pct(p["coverage90"]), mae=_fmt(p["mae"]), st=_fmt(p["mae_static"]),
                         ms=_fmt(p["mae_meanshift"])))
    out.append(_bullets(lines))
    if len(run.pairs):
        out += [_bt("h_pooled", lang), _bt("intervals", lang), pooled_calibration_table(run, lang),
                _bt("h_done", lang), _bt("done_note", lang), criteria_table(run, lang),
                _bt("h_pairs", lang), backtest_table(run, lang)]
    return out


def pooled_calibration_table(run, lang: str = "vi") -> pd.DataFrame:
    """Per index: coverage (intervals and PIT), widths, MAE against both baselines, CRPS,
    the lowest pair's coverage, pairs below 60% and the model's own expectation."""
    from ...analysis.backtest_report import pooled_table

    check_lang(lang)
    p = pooled_table(run)
    out = pd.DataFrame({
        _bt("col.index", lang): [index_label(i, "en") for i in p["index"]],
        _bt("col.pairs", lang): p["pairs"].astype(int).to_numpy(),
        _bt("col.n", lang): p["n"].astype(int).to_numpy(),
        _bt("col.cov50", lang): [_pct(v) for v in p["coverage50"]],
        _bt("col.cov80", lang): [_pct(v) for v in p["coverage80"]],
        _bt("col.cov90", lang): [_pct(v) for v in p["coverage90"]],
        _bt("col.pit50", lang): [_pct(v) for v in p["pit_coverage50"]],
        _bt("col.pit90", lang): [_pct(v) for v in p["pit_coverage90"]],
        _bt("col.w50", lang): p["width50"].round(1).to_numpy(),
        _bt("col.w90", lang): p["width90"].round(1).to_numpy(),
        _bt("col.mae", lang): p["mae"].round(2).to_numpy(),
        _bt("col.static", lang): p["mae_static"].round(2).to_numpy(),
        _bt("col.meanshift", lang): p["mae_meanshift"].round(2).to_numpy(),
        _bt("col.crps", lang): p["crps"].round(2).to_numpy(),
        _bt("col.min", lang): [_pct(v) for v in p["min_pair_coverage90"]],
        _bt("col.below", lang): p["pairs_below60"].astype(int).to_numpy(),
        _bt("col.expected", lang): p["expected_below60"].round(1).to_numpy(),
    })
    return out.set_index(_bt("col.index", lang))


def criteria_table(run, lang: str = "vi") -> pd.DataFrame:
    """The issue's criteria per index: value, what is required, met or not, and context."""
    from ...analysis.backtest_report import done_when, pooled_table
    from ...core.i18n import t

    check_lang(lang)
    d = done_when(run)
    pooled = pooled_table(run).set_index("index")
    values, context = [], []
    for _, r in d.iterrows():
        p = pooled.loc[r["index"]]
        if r["criterion"] == "mae":
            values.append(_fmt(r["value"]))
            context.append(_bt("ctx.mae", lang, v=_fmt(p["mae_meanshift"])))
        else:
            values.append(_pct(r["value"]) if r["criterion"] != "min_pair" else f"{r['value']:.0%}")
            if r["criterion"] == "min_pair":
                context.append(_bt("ctx.min_pair", lang, below=int(p["pairs_below60"]),
                                   pairs=int(p["pairs"]), exp=_fmt(p["expected_below60"], 1),
                                   none=_pct(p["p_none_below60"])))
            else:
                key = "pit_coverage90" if r["criterion"] == "cov90" else "pit_coverage50"
                context.append(_bt("ctx.pit", lang, v=f"{p[key]:.1%}"))
    out = pd.DataFrame({
        _bt("col.index", lang): [index_label(i, "en") for i in d["index"]],
        _bt("col.criterion", lang): [_bt(f"crit.{c}", lang) for c in d["criterion"]],
        _bt("col.value", lang): values,
        _bt("col.target", lang): d["target"].to_numpy(),
        _bt("col.met", lang): [t("yes" if m else "no", lang) for m in d["met"]],
        _bt("col.context", lang): context,
    })
    return out.set_index(_bt("col.index", lang))


def backtest_table(run, lang: str = "vi") -> pd.DataFrame:
    """Every pair: coverage of the three intervals, width, MAE against both baselines,
    what the forecast rests on, the settings chosen, the model's own P(coverage < 60%)."""
    check_lang(lang)
    f = run.pairs.sort_values(["index", "horizon", "train_until"], ascending=[False, True, True],
                              kind="mergesort")
    shift_pairs = [int(n) if lv == "points" else "—" for n, lv in zip(f["shift_pairs"], f["level"])]
    out = pd.DataFrame({
        _bt("col.index", lang): [index_label(i, "en") for i in f["index"]],
        _bt("col.train", lang): f["train_until"].astype(int).to_numpy(),
        _bt("col.test", lang): f["test_year"].astype(int).to_numpy(),
        _bt("col.level", lang): [_bt(f"level.{v}", lang) for v in f["level"]],
        _bt("col.provinces", lang): f["n"].astype(int).to_numpy(),
        _bt("col.cov50", lang): [_pct(v) for v in f["coverage50"]],
        _bt("col.cov80", lang): [_pct(v) for v in f["coverage80"]],
        _bt("col.cov90", lang): [_pct(v) for v in f["coverage"]],
        _bt("col.w90", lang): f["mean_width"].round(1).to_numpy(),
        _bt("col.mae", lang): f["mae_p50"].round(2).to_numpy(),
        _bt("col.static", lang): f["naive_mae"].round(2).to_numpy(),
        _bt("col.meanshift", lang): f["meanshift_mae"].round(2).to_numpy(),
        _bt("col.shift_pairs", lang): shift_pairs,
        _bt("col.positions", lang): f["reshuffle_pairs"].astype(int).to_numpy(),
        _bt("col.imputed", lang): f["imputed"].astype(int).to_numpy(),
        _bt("col.settings", lang): [settings_text(s, lang) for s in f["settings"]],
        _bt("col.p60", lang): [_pct(v) for v in f["model_p_below60"]],
    })
    return out.set_index(_bt("col.index", lang))


def pit_figure(run, lang: str = "vi"):
    """The PIT histogram per index (None without pairs)."""
    from ...analysis.backtest_report import pit_histogram
    from ..plots import plot_pit_histogram

    if run is None or not len(run.pairs):
        return None
    return plot_pit_histogram(pit_histogram(run), lang=lang)


def backtest_figure(run, lang: str = "vi"):
    """Model MAE against static-peers MAE per pair (below the diagonal: the model is better)."""
    from matplotlib.figure import Figure

    from ..plots import COLORS, use_style

    check_lang(lang)
    frame = getattr(run, "pairs", run)
    if frame is None or not len(frame):
        return None
    use_style()
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    colors = {"pci": COLORS["target"], "papi": COLORS["low"]}
    markers = {"points": "o", "standardized": "^"}
    for (index, level), rows in frame.groupby(["index", "level"], sort=True):
        ax.scatter(rows["naive_mae"], rows["mae_p50"], color=colors.get(index, COLORS["peer"]),
                   marker=markers.get(level, "s"), s=36,
                   label=f"{index_label(index, 'en')} · {_bt(f'level.{level}', lang)}")
    top = float(max(frame["naive_mae"].max(), frame["mae_p50"].max())) * 1.08
    top = top if math.isfinite(top) and top > 0 else 1.0
    ax.plot([0, top], [0, top], color="#777777", linestyle="--", linewidth=1,
            label=_bt("fig_line", lang))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(_bt("fig_x", lang))
    ax.set_ylabel(_bt("fig_y", lang))
    ax.legend(loc="upper left")
    ax.set_title(_bt("fig_title", lang))
    return fig
