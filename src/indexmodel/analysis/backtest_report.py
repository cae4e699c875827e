"""How well the odds held up: calibration of the backtest of every pair, pooled per index.

From a :class:`~indexmodel.analysis.backtest.BacktestRun`: coverage of the 50/80/90% rank
intervals (whole ranks, inclusive) and of the randomized PIT (no rounding), mean widths,
the error of the median rank against both baselines, the CRPS, the PIT histogram, and the
issue's "done when" criteria beside the model's own expectation of how many pairs fall
below 60% coverage (a common shift makes a pair's coverage nearly all or nothing, so a
calibrated model expects some).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.cache import memo

KEYS = ["index", "train_until", "test_year"]


def _metrics(g: pd.DataFrame) -> pd.Series:
    err = lambda col: float((g[col] - g["actual_rank"]).abs().mean())  # noqa: E731
    return pd.Series({
        "n": len(g),
        "coverage50": float(g["covered50"].mean()),
        "coverage80": float(g["covered80"].mean()),
        "coverage90": float(g["covered"].mean()),
        "pit_coverage50": float(((g["pit"] - 0.5).abs() <= 0.25).mean()),
        "pit_coverage90": float(((g["pit"] - 0.5).abs() <= 0.45).mean()),
        "width50": float((g["rank_p75"] - g["rank_p25"]).mean()),
        "width90": float((g["rank_p95"] - g["rank_p05"]).mean()),
        "mae": err("rank_p50"),
        "mae_static": err("naive_rank"),
        "mae_meanshift": err("meanshift_rank"),
        "crps": float(g["crps"].mean()),
    })


def _rows(run) -> pd.DataFrame:
    facts = run.pairs[KEYS + ["horizon", "level", "coverage", "model_p_below60"]]
    return run.provinces.merge(facts, on=KEYS, how="left")


@memo(maxsize=16, copy=True)  # the same run for every province (a notebook asks four times)
def pooled_table(run, by: tuple[str, ...] = ("index",)) -> pd.DataFrame:
    """Pooled per ``by`` (default: per index): province-pairs, pairs, coverages, widths,
    MAEs, CRPS; the smallest pair coverage; how many pairs fell below 60% and how many the
    model itself expects (the sum over pairs of its own P(coverage < 60%))."""
    rows = _rows(run)
    if rows.empty:
        return pd.DataFrame(columns=list(by))
    table = rows.groupby(list(by), sort=True).apply(_metrics, include_groups=False)
    pairs = run.pairs.groupby(list(by), sort=True)
    table["pairs"] = pairs.size()
    table["min_pair_coverage90"] = pairs["coverage"].min()
    table["pairs_below60"] = pairs["coverage"].apply(lambda c: int((c < 0.6).sum()))
    table["expected_below60"] = pairs["model_p_below60"].sum()
    table["p_none_below60"] = pairs["model_p_below60"].apply(lambda p: float(np.prod(1 - p)))
    table["n"] = table["n"].astype(int)
    return table.reset_index()


def split_table(run) -> pd.DataFrame:
    """Pooled per index and horizon, and per index within an era / across a change."""
    a = pooled_table(run, ("index", "horizon")).assign(split=lambda d: d["horizon"].map(
        {1: "1-year pairs", 2: "2-year pairs"}).fillna(d["horizon"].astype(str) + "-year pairs"))
    b = pooled_table(run, ("index", "level")).assign(split=lambda d: d["level"].map(
        {"points": "within an era", "standardized": "across an era change"}))
    cols = ["index", "split"] + [c for c in a.columns if c not in ("index", "horizon", "split")]
    return pd.concat([a[cols], b[cols]], ignore_index=True)


def pit_histogram(run, bins: int = 10) -> pd.DataFrame:
    """Density of the randomized PIT per index in ``bins`` bins (1 = uniform)."""
    out = {}
    for index, g in run.provinces.groupby("index", sort=True):
        h, _ = np.histogram(g["pit"].to_numpy(float), bins=bins, range=(0, 1))
        out[index] = h / max(h.sum(), 1) * bins
    labels = [f"{i / bins:.1f}–{(i + 1) / bins:.1f}" for i in range(bins)]
    return pd.DataFrame(out, index=pd.Index(labels, name="pit"))


#: the issue's criteria: (id, what, column, low, high)
CRITERIA = (
    ("cov90", "90% intervals cover 85–95% (pooled)", "coverage90", 0.85, 0.95),
    ("cov50", "50% intervals cover 40–60% (pooled)", "coverage50", 0.40, 0.60),
    ("min_pair", "no pair's 90% coverage below 60%", "min_pair_coverage90", 0.60, 1.0),
    ("mae", "MAE of the median below static peers", "mae", None, None),
)


def done_when(run) -> pd.DataFrame:
    """Per index and criterion: the value, whether it is met, and the context (the PIT
    coverage where whole ranks round; the model's own expected pairs below 60%)."""
    pooled = pooled_table(run).set_index("index")
    rows = []
    for index, p in pooled.iterrows():
        for cid, what, col, lo, hi in CRITERIA:
            value = float(p[col])
            if cid == "mae":
                met, target = value < p["mae_static"], f"< {p['mae_static']:.2f}"
                context = f"peers moved by the mean shift: {p['mae_meanshift']:.2f}"
            else:
                met, target = lo <= value <= hi, f"{lo:.0%}–{hi:.0%}" if hi < 1 else f"≥ {lo:.0%}"
                context = {
                    "cov90": f"randomized PIT: {p['pit_coverage90']:.1%}",
                    "cov50": f"randomized PIT: {p['pit_coverage50']:.1%}",
                    "min_pair": (f"{int(p['pairs_below60'])} of {int(p['pairs'])} pairs below 60%; "
                                 f"the model itself expects {p['expected_below60']:.1f} "
                                 f"(P(none) = {p['p_none_below60']:.0%})"),
                }[cid]
            rows.append({"index": index, "criterion": cid, "what": what, "value": value,
                         "target": target, "met": bool(met), "context": context})
    return pd.DataFrame(rows)


def markdown(run) -> str:
    """The README's tables: pooled per index, the criteria, every pair (Markdown)."""
    pooled = pooled_table(run)
    out = ["| index | pairs | province-pairs | cov 50% | cov 80% | cov 90% | PIT cov 50% | PIT cov 90% "
           "| width 90% | MAE median | MAE static | MAE mean shift | lowest pair | pairs < 60% | "
           "model expects |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for _, p in pooled.iterrows():
        out.append(f"| {p['index'].upper()} | {int(p['pairs'])} | {int(p['n'])} | {p['coverage50']:.0%} | "
                   f"{p['coverage80']:.0%} | {p['coverage90']:.0%} | {p['pit_coverage50']:.0%} | "
                   f"{p['pit_coverage90']:.0%} | {p['width90']:.1f} | {p['mae']:.2f} | "
                   f"{p['mae_static']:.2f} | {p['mae_meanshift']:.2f} | {p['min_pair_coverage90']:.0%} | "
                   f"{int(p['pairs_below60'])} | {p['expected_below60']:.1f} |")
    out += ["", "| criterion | " + " | ".join(i.upper() for i in pooled["index"]) + " |",
            "|---|" + "---|" * len(pooled)]
    done = done_when(run)
    for cid, what, *_ in CRITERIA:
        cells = []
        for index in pooled["index"]:
            d = done[(done["index"] == index) & (done["criterion"] == cid)].iloc[0]
            value = f"{d['value']:.2f}" if cid == "mae" else f"{d['value']:.1%}"
            cells.append(f"{'met' if d['met'] else '**not met**'}: {value} ({d['target']}; {d['context']})")
        out.append(f"| {what} | " + " | ".join(cells) + " |")
    out += ["", "| index | data to → test | level | provinces | cov 50/80/90% | width 90% | MAE median "
            "(static, mean shift) | shift rests on | settings | model P(cov < 60%) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    pairs = run.pairs.sort_values(["index", "horizon", "train_until"], ascending=[False, True, True],
                                  kind="mergesort")
    for _, r in pairs.iterrows():
        rests = f"{int(r['shift_pairs'])} pairs" if r["level"] == "points" else "— (mean, sd given)"
        settings = r["settings"].replace("|", "·") if r["level"] == "points" else "—"
        out.append(f"| {r['index'].upper()} | {int(r['train_until'])} → {int(r['test_year'])} | "
                   f"{r['level']} | {int(r['n'])} | {r['coverage50']:.0%}/{r['coverage80']:.0%}/"
                   f"{r['coverage']:.0%} | {r['mean_width']:.1f} | {r['mae_p50']:.2f} "
                   f"({r['naive_mae']:.2f}, {r['meanshift_mae']:.2f}) | {rests} | {settings} | "
                   f"{r['model_p_below60']:.0%} |")
    return "\n".join(out)


README_START = "<!-- backtest-tables: generated by indexmodel.analysis.backtest_report.markdown -->"
README_END = "<!-- /backtest-tables -->"


def update_readme(path, run=None) -> bool:
    """Rewrite the README's block between the backtest markers from ``run`` (default: the
    shipped tables); True if it changed. ``python -m indexmodel.analysis.backtest_report
    README.md`` after regenerating ``data/backtest``."""
    from pathlib import Path

    from ..core.errors import InputFileError
    from ..core.output import write_text_atomic
    from .backtest_tables import require_tables

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise InputFileError("no backtest-tables markers", file=path)
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    new = head + README_START + "\n" + markdown(run or require_tables()) + "\n" + README_END + tail
    if new != text:
        write_text_atomic(new, path)
    return new != text


if __name__ == "__main__":  # pragma: no cover
    import sys

    for name in sys.argv[1:] or ["README.md"]:
        print(f"{name}: {'updated' if update_readme(name) else 'already up to date'}")
