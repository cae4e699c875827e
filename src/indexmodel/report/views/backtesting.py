"""Backtests of the rank model (notebook 06): summary, table and figure."""

from __future__ import annotations

import pandas as pd

from ...core.i18n import check_lang, index_label, t
from .common import _bullets, _pct, _pick
from .setup import NotebookSetup


#: Simulations the backtest notebook uses at most (27 PCI year pairs: fast enough at 300).
BACKTEST_SIMS = 300

_BT = {
    "h": ("Kiểm định ngược: dự báo các năm đã biết từ các năm trước", "Backtests: predicting known years"),
    "intro": ("Với mỗi cặp năm (huấn luyện đến năm t, kiểm tra năm T), mỗi tỉnh được dự báo phân bố thứ hạng năm T "
              "chỉ từ số liệu đến năm t và điểm của chính tỉnh năm T; so với cách đơn giản là giữ nguyên điểm các "
              "tỉnh khác như năm t. Mục tiêu độ phủ của khoảng 5–95%: 90%. {sims} lần mô phỏng mỗi cặp, hạt giống "
              "{seed}.",
              "For each pair of years (trained until t, tested on T), every province gets a predicted rank "
              "distribution for T from the data up to t and its own T score, against the naive baseline that "
              "keeps every peer at its t score. The 5–95% interval should cover 90%. {sims} simulations per "
              "pair, seed {seed}."),
    "eras": ("Qua một lần thay đổi phương pháp ({changes}) chỉ mô hình hóa điểm tổng hợp (cấp 'chỉ điểm tổng "
             "hợp'); trong cùng một phương pháp các tỉnh thay đổi theo từng chỉ số thành phần.",
             "Across a methodology change ({changes}) only composites are modelled (level 'composite only'); "
             "within one methodology era the peers move component by component."),
    "summary": ("{label}: {n} cặp năm; độ phủ trung bình {cov} (trong cùng phương pháp {cov_in}, qua thay đổi "
                "phương pháp {cov_x}); trung vị dự báo sai lệch ít hơn cách đơn giản ở {better}/{n} cặp.",
                "{label}: {n} year pairs; mean coverage {cov} (within an era {cov_in}, across a change "
                "{cov_x}); the median prediction errs less than the naive baseline in {better} of {n} pairs."),
    "none": ("{label}: không có cặp năm nào kiểm định được.", "{label}: no year pair can be backtested."),
    "col.index": ("Chỉ số", "Index"),
    "col.train": ("Huấn luyện đến", "Trained until"),
    "col.test": ("Năm kiểm tra", "Test year"),
    "col.horizon": ("Số năm", "Years ahead"),
    "col.level": ("Cấp mô hình", "Level"),
    "col.n": ("Số tỉnh", "Provinces"),
    "col.coverage": ("Độ phủ khoảng 5–95%", "Coverage of the 5–95% interval"),
    "col.mae": ("Sai số tuyệt đối TB của trung vị (bậc)", "MAE of the median rank"),
    "col.naive": ("Sai số TB cách đơn giản (bậc)", "Naive MAE"),
    "col.better": ("Tốt hơn cách đơn giản", "Better than naive"),
    "level.component": ("theo chỉ số thành phần", "components"),
    "level.composite": ("chỉ điểm tổng hợp", "composite only"),
    "fig_title": ("Sai số thứ hạng: mô hình so với cách đơn giản (mỗi điểm: một cặp năm)",
                  "Rank error: model against naive baseline (one point per year pair)"),
    "fig_x": ("Sai số TB cách đơn giản (giữ nguyên điểm các tỉnh khác), bậc",
              "Naive MAE (peers kept at their last score), ranks"),
    "fig_y": ("Sai số TB của thứ hạng trung vị dự báo, bậc", "MAE of the predicted median rank, ranks"),
    "fig_line": ("bằng nhau (dưới đường: mô hình tốt hơn)", "equal (below: the model is better)"),
}


def _bt(key: str, lang: str, **values) -> str:
    return _pick(_BT[key], lang, **values)


def backtest_sims(setup: NotebookSetup) -> int:
    """The simulations per year pair: the run's ``sims``, at most :data:`BACKTEST_SIMS` (≥ 100)."""
    return max(100, min(int(setup.sims), BACKTEST_SIMS))


def backtests(setup: NotebookSetup) -> pd.DataFrame:
    """:func:`indexmodel.analysis.backtest.backtest_all` for PCI and PAPI (every year pair), one table."""
    from ...analysis.backtest import BACKTEST_INDICES, backtest_all

    peers, results = setup.peers(), setup.results()
    frames = [backtest_all(index, peers, sims=backtest_sims(setup), seed=setup.seed, results=results)
              for index in BACKTEST_INDICES]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _era_changes(index: str) -> str:
    from ...data.spec import load_specs

    starts = sorted(s.valid_from for s in load_specs().eras(index))[1:]
    return ", ".join(f"{index_label(index, 'en')} {y - 1}→{y}" for y in starts)


def backtest_section(setup: NotebookSetup, frame: pd.DataFrame) -> list:
    """The heading, what a backtest does, the methodology sentence, a summary per index and
    the table of every year pair."""
    from ...analysis.backtest import BACKTEST_INDICES

    lang = setup.lang
    changes = "; ".join(c for c in (_era_changes(i) for i in BACKTEST_INDICES) if c)
    out = ["## " + _bt("h", lang), _bt("intro", lang, sims=backtest_sims(setup), seed=setup.seed),
           _bt("eras", lang, changes=changes)]
    lines = []
    for index in BACKTEST_INDICES:
        rows = frame[frame["index"] == index] if len(frame) else frame
        label = index_label(index, lang)
        if not len(rows):
            lines.append(_bt("none", lang, label=label))
            continue
        inside, across = rows[rows["level"] == "component"], rows[rows["level"] == "composite"]
        lines.append(_bt("summary", lang, label=label, n=len(rows), cov=_pct(rows["coverage"].mean()),
                         cov_in=_pct(inside["coverage"].mean()) if len(inside) else "—",
                         cov_x=_pct(across["coverage"].mean()) if len(across) else "—",
                         better=int((rows["mae_p50"] < rows["naive_mae"]).sum())))
    out.append(_bullets(lines))
    if len(frame):
        out.append(backtest_table(frame, lang))
    return out


def backtest_table(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Every year pair: coverage, MAE of the median rank, naive MAE, level (labels in ``lang``)."""
    yes, no = t("yes", lang), t("no", lang)
    out = pd.DataFrame({
        _bt("col.index", lang): [index_label(i, "en") for i in frame["index"]],
        _bt("col.train", lang): frame["train_until"].astype(int).to_numpy(),
        _bt("col.test", lang): frame["test_year"].astype(int).to_numpy(),
        _bt("col.horizon", lang): frame["horizon"].astype(int).to_numpy(),
        _bt("col.level", lang): [_bt(f"level.{v}", lang) for v in frame["level"]],
        _bt("col.n", lang): frame["n"].astype(int).to_numpy(),
        _bt("col.coverage", lang): [_pct(v) for v in frame["coverage"]],
        _bt("col.mae", lang): frame["mae_p50"].round(2).to_numpy(),
        _bt("col.naive", lang): frame["naive_mae"].round(2).to_numpy(),
        _bt("col.better", lang): [yes if m < n else no for m, n in zip(frame["mae_p50"], frame["naive_mae"])],
    })
    return out.set_index(_bt("col.index", lang))


def backtest_figure(frame: pd.DataFrame, lang: str = "vi"):
    """Model MAE against naive MAE per year pair (below the diagonal: the model is better)."""
    from matplotlib.figure import Figure

    from ..plots import COLORS, use_style

    check_lang(lang)
    if frame is None or not len(frame):
        return None
    use_style()
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    colors = {"pci": COLORS["target"], "papi": COLORS["low"]}
    markers = {"component": "o", "composite": "^"}
    for (index, level), rows in frame.groupby(["index", "level"], sort=True):
        ax.scatter(rows["naive_mae"], rows["mae_p50"], color=colors.get(index, COLORS["peer"]),
                   marker=markers.get(level, "s"), s=36,
                   label=f"{index_label(index, 'en')} · {_bt(f'level.{level}', lang)}")
    top = float(max(frame["naive_mae"].max(), frame["mae_p50"].max())) * 1.08
    ax.plot([0, top], [0, top], color="#777777", linestyle="--", linewidth=1,
            label=_bt("fig_line", lang))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(_bt("fig_x", lang))
    ax.set_ylabel(_bt("fig_y", lang))
    ax.legend(loc="upper left")
    ax.set_title(_bt("fig_title", lang))
    return fig
