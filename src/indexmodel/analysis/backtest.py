"""Backtests: predict known years' ranks from earlier years, and score the predictions.

For a test year ``T`` and a last training year ``t < T``, every province ranked in ``T``
gets a predicted rank distribution built only from data up to ``t`` plus its own ``T``
composite (the question the package answers: "if we reach this score, where do we
land?"), under the field model (:mod:`indexmodel.model.fieldmodel`): the peers start from
their ``t`` positions (or their latest earlier value, or the field, named as such) and the
whole field moves by a common shift drawn from its Student-t predictive. Across a
methodology change (PCI 2008→2009, 2012→2013, 2021→2022; PAPI 2015→2016, 2017→2018) the
field is standardized and the new methodology's mean and spread in ``T`` are taken as
given (stated).

The settings of each pair are chosen by the rolling-origin rule
(:mod:`indexmodel.analysis.selection`): only pairs complete by ``t`` decide. Two baselines:
*static peers* (``naive_rank``: every peer kept at its start value) and peers moved by the
training years' mean shift (``meanshift_rank``). Coverage of the 50%, 80% and 90% rank
intervals, their width, the error of the median rank and the randomized PIT say how well
the odds hold up.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, InputFileError, UsageError
from ..core.output import write_text_atomic
from ..model.fieldmodel import FieldPanel, Settings, candidates
from ..model.panel import Panel, build_panel
from . import selection as sel
from ..core.params import check_seed, check_sims

BACKTEST_INDICES = ("pci", "papi")
DEFAULT_SEED = 20240701
DEFAULT_SIMS = 2000
MIN_SIMS = 100  # fewer cannot place a 5–95% interval
TABLE_COLUMNS = ("province", "actual_score", "actual_rank", "rank_p05", "rank_p50", "rank_p95",
                 "naive_rank", "covered")
#: columns the CSV adds after :data:`TABLE_COLUMNS`
TABLE_EXTRA = ("rank_p10", "rank_p25", "rank_p75", "rank_p90", "covered50", "covered80",
               "meanshift_rank", "pit", "crps", "start")
#: what the pair rests on, repeated on every row of the one-pair CSV (after the above)
CSV_PAIR_COLUMNS = ("shift_pairs", "reshuffle_pairs", "settings")
SUMMARY_COLUMNS = ("index", "train_until", "test_year", "horizon", "level", "n", "coverage",
                   "mae_p50", "naive_mae", "naive_exact", "p50_exact", "mean_width", "pairs",
                   "note")
#: columns every summary row adds after :data:`SUMMARY_COLUMNS`
SUMMARY_EXTRA = ("coverage50", "coverage80", "width50", "width80", "meanshift_mae", "crps",
                 "pit_coverage50", "pit_coverage90", "shift_pairs", "shift_dof", "reshuffle_pairs",
                 "imputed", "settings", "selection_basis", "selection_pairs", "model_p_below60")


@dataclass(frozen=True)
class BacktestResult:
    """The per-province table and the summary of one backtest."""

    index: str
    train_until: int
    test_year: int
    table: pd.DataFrame
    summary: Mapping[str, object]
    run: sel.PairRun = field(repr=False)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, index=self.index, train_until=self.train_until, test_year=self.test_year,
                       provinces=len(self.table), coverage=self.summary.get("coverage"))

    def describe(self) -> str:
        s = self.summary
        rests = (f"the common shift rests on {s['shift_pairs']} year pairs"
                 if s["level"] == "points" else
                 "across a methodology change: the test year's field mean and sd are given")
        return (f"{self.index} backtest {self.train_until}→{self.test_year} ({s['level']} level, "
                f"{s['n']} provinces; {rests}; positions fitted on {s['reshuffle_pairs']} pairs; "
                f"settings {s['settings']}, chosen by {s['selection_basis']}): coverage of the "
                f"50/80/90% rank intervals {s['coverage50']:.0%}/{s['coverage80']:.0%}/"
                f"{s['coverage']:.0%}, mean 90% width {s['mean_width']:.1f} ranks; MAE of the "
                f"median rank {s['mae_p50']:.2f} (static peers {s['naive_mae']:.2f}, peers moved "
                f"by the mean shift {s['meanshift_mae']:.2f}). {s['note']}")


# -- the panels ------------------------------------------------------------------------
def field_panels(peers: pd.DataFrame | None = None, results: pd.DataFrame | None = None,
                 indices=BACKTEST_INDICES) -> dict[str, FieldPanel]:
    """The composite panels of PCI and PAPI (``peers`` None: the shipped table;
    ``results`` None: the shipped published composites)."""
    if results is None:
        from ..data.peers import default_results
        results = default_results()
    if peers is None:
        from ..data.peers import default_peers
        peers = default_peers()
    out = {}
    for index in indices:
        panel = build_panel(peers, index, results)
        if panel.composite_years:
            out[index] = FieldPanel.from_panel(panel)
    return out


def _check_args(index: str, train_until: int, test_year: int, sims: int) -> None:
    if index not in BACKTEST_INDICES:
        raise UsageError(f"backtests need a real panel: index '{index}' has none",
                         hint="one of " + ", ".join(BACKTEST_INDICES))
    for name, value in (("train_until", train_until), ("test_year", test_year)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise UsageError(f"{name} must be a year, got {value!r}")
    if train_until >= test_year:
        raise UsageError(f"train_until ({train_until}) must come before test_year ({test_year})")
    if not isinstance(sims, (int, np.integer)):
        raise UsageError(f"sims must be a whole number, got {sims!r}")
    check_sims(int(sims), "sims", minimum=MIN_SIMS)


def _panels_for(index: str, peers, results, shift_pool) -> dict[str, FieldPanel]:
    if isinstance(peers, Panel):
        if peers.index != index:
            raise UsageError(f"the panel is of {peers.index}, not {index}")
        panels = {index: FieldPanel.from_panel(peers)}
        for other in shift_pool or ():
            other = other if isinstance(other, FieldPanel) else FieldPanel.from_panel(other)
            if other.index != index:
                panels[other.index] = other
        return panels
    panels = field_panels(peers, results)
    if index not in panels:
        raise DataUnavailableError(f"the peer data has no {index} table")
    return panels


# -- one pair --------------------------------------------------------------------------
def backtest(index: str, peers: pd.DataFrame | Panel | None, train_until: int, test_year: int,
             sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
             results: pd.DataFrame | None = None, *, settings: Settings | str | None = None,
             shift_pool=None, kernel: str = "auto") -> BacktestResult:
    """Predict ``test_year``'s ranks of ``index`` from data up to ``train_until``.

    ``peers``: a tidy peer table (None: the shipped one) or a
    :class:`~indexmodel.model.panel.Panel` (then ``shift_pool`` may give the other index's
    panel, for the settings that pool the shift across indices and for the choice of
    settings). ``results``: published composites (None: the shipped ones).
    ``settings``: None chooses them by the rolling-origin rule (every candidate is run
    on every pair complete by ``train_until``); a :class:`Settings` or its id fixes them.
    """
    _check_args(index, train_until, test_year, sims)
    panels = _panels_for(index, peers, results, shift_pool)
    if results is None and not isinstance(peers, Panel):
        from ..data.peers import default_results
        results = default_results()
    fp = panels[index]
    why = sel.pair_status(fp, int(train_until), int(test_year))
    if why is not None:
        raise DataUnavailableError(why)
    if settings is None:
        past = [p for p in sel.every_pair(panels) if p[2] <= train_until]
        grid = sel.run_grid(panels, past, sims, seed, results=results, kernel=_grid_kernel(kernel))
        scores = grid.scores() if past else _empty_scores()
        chosen = sel.select_rolling(scores, [(index, train_until, test_year)]).iloc[0]
        name, basis, n_past = chosen["selected"], chosen["basis"], int(chosen["past_pairs"])
    else:
        name = settings.name if isinstance(settings, Settings) else Settings.from_name(settings).name
        basis, n_past = "given", 0
    pool = [p for k, p in panels.items() if k != index]
    run = sel.run_pair(fp, int(train_until), int(test_year), Settings.from_name(name), sims, seed,
                       pool, results, kernel)
    summary = pair_summary(run, basis, n_past, name)
    table = run.rows.loc[:, list(TABLE_COLUMNS + TABLE_EXTRA)].copy()
    return BacktestResult(index, int(train_until), int(test_year), table, summary, run)


def _grid_kernel(kernel: str) -> str:
    from ..model.fastsim import numba_available

    return "numba" if kernel == "auto" and numba_available() else kernel


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(columns=sel.SCORE_COLUMNS)


def pair_summary(run: sel.PairRun, basis: str, n_past: int, settings: str | None = None) -> dict[str, object]:
    """One row of the summary table for a pair's reported run (``settings``: the id chosen,
    where several ids share the run)."""
    r = run.rows
    err = (r["rank_p50"] - r["actual_rank"]).abs()
    naive = (r["naive_rank"] - r["actual_rank"]).abs()
    basis_text = {"default": "the settings fixed beforehand (no pair within an era complete yet)",
                  "same index": f"rolling origin over {n_past} earlier {run.index.upper()} pairs",
                  "both indices": f"rolling origin over {n_past} earlier pairs of both indices",
                  "given": "given"}[basis]
    if run.cross:
        basis_text = ("across a methodology change only the reshuffle applies: the one chosen by "
                      + basis_text.replace("the settings fixed beforehand", "default")
                      .replace("rolling origin", "the rolling origin"))
    pairs = (f"shift: {run.shift_pairs}; " if run.shift_pairs else "") + f"positions: {run.reshuffle_list}"
    return {
        "index": run.index, "train_until": run.origin, "test_year": run.test,
        "horizon": run.test - run.origin, "level": "standardized" if run.cross else "points",
        "n": int(len(r)), "coverage": float(r["covered90"].mean()), "mae_p50": float(err.mean()),
        "naive_mae": float(naive.mean()), "naive_exact": float((naive == 0).mean()),
        "p50_exact": float((err == 0).mean()),
        "mean_width": float((r["rank_p95"] - r["rank_p05"]).mean()),
        "pairs": pairs, "note": "; ".join(run.notes),
        "coverage50": float(r["covered50"].mean()), "coverage80": float(r["covered80"].mean()),
        "width50": float((r["rank_p75"] - r["rank_p25"]).mean()),
        "width80": float((r["rank_p90"] - r["rank_p10"]).mean()),
        "meanshift_mae": float((r["meanshift_rank"] - r["actual_rank"]).abs().mean()),
        "crps": float(r["crps"].mean()),
        "pit_coverage50": float(((r["pit"] - 0.5).abs() <= 0.25).mean()),
        "pit_coverage90": float(((r["pit"] - 0.5).abs() <= 0.45).mean()),
        "shift_pairs": int(run.n_shift_pairs),
        "shift_dof": float(run.shift_dof) if math.isfinite(run.shift_dof) else math.nan,
        "reshuffle_pairs": int(run.reshuffle_pairs), "imputed": int((r["start"] != "origin").sum()),
        "settings": _pair_settings(settings or run.settings, run.cross),
        "selection_basis": basis_text, "selection_pairs": int(n_past),
        "model_p_below60": float(run.model_p_below60),
    }


def _pair_settings(name: str, cross: bool) -> str:
    """The id of what applied to a pair: across a methodology change only the reshuffle
    (``standardized`` or ``standardized|yearly``)."""
    if not cross:
        return name
    return "standardized|yearly" if name.endswith("|yearly") else "standardized"


# -- every pair ------------------------------------------------------------------------
@dataclass(frozen=True)
class BacktestRun:
    """Every pair, rolling-origin selected: provinces, pairs and the candidates' scores."""

    provinces: pd.DataFrame
    pairs: pd.DataFrame
    scores: pd.DataFrame
    sims: int
    seed: int
    inputs: str

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, pairs=len(self.pairs), provinces=len(self.provinces), sims=self.sims,
                       seed=self.seed)

    def for_index(self, index: str) -> pd.DataFrame:
        return self.pairs[self.pairs["index"] == index].reset_index(drop=True)


_RUNS: dict[tuple, BacktestRun] = {}


def backtest_every_pair(peers: pd.DataFrame | None = None, results: pd.DataFrame | None = None, *,
                        sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                        horizons=sel.HORIZONS, kernel: str = "auto",
                        panels: Mapping[str, FieldPanel] | None = None) -> BacktestRun:
    """Every one- and two-year pair of PCI and PAPI, each with the settings the
    rolling-origin rule chose for it (kept in memory for the same inputs)."""
    from .backtest_tables import fingerprint

    if results is None:
        from ..data.peers import default_results
        results = default_results()
    panels = dict(panels) if panels is not None else field_panels(peers, results)
    inputs = fingerprint(panels, results)
    key = (inputs, int(sims), int(seed), tuple(horizons))
    if key in _RUNS:
        return _RUNS[key]
    pairs = sel.every_pair(panels, horizons)
    grid = sel.run_grid(panels, pairs, sims, seed, candidates(), results, _grid_kernel(kernel))
    scores = grid.scores() if pairs else _empty_scores()
    chosen = sel.select_rolling(scores, pairs)
    prov, rows = [], []
    for (index, t, T), (_, c) in zip(pairs, chosen.iterrows()):
        run = grid.run(index, t, T, c["selected"])
        rows.append(pair_summary(run, c["basis"], int(c["past_pairs"]), c["selected"]))
        frame = run.rows.loc[:, list(TABLE_COLUMNS + TABLE_EXTRA)].copy()
        frame.insert(0, "index", index)
        frame.insert(1, "train_until", t)
        frame.insert(2, "test_year", T)
        prov.append(frame)
    columns = list(SUMMARY_COLUMNS + SUMMARY_EXTRA)
    pair_frame = pd.DataFrame(rows, columns=columns)
    prov_frame = (pd.concat(prov, ignore_index=True) if prov else
                  pd.DataFrame(columns=["index", "train_until", "test_year"]
                               + list(TABLE_COLUMNS + TABLE_EXTRA)))
    out = BacktestRun(prov_frame, pair_frame, scores, int(sims), int(seed), inputs)
    _RUNS.clear()
    _RUNS[key] = out
    return out


def backtest_all(index: str, peers: pd.DataFrame | Panel | None = None, *,
                 sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                 results: pd.DataFrame | None = None, max_horizon: int | None = 2,
                 include_refused: bool = False, shift_pool=None, **_ignored) -> pd.DataFrame:
    """Every (train_until, test_year) pair of ``index`` the data allows (one- and two-year
    pairs by default), one summary row each, settings chosen by the rolling-origin rule.

    With ``include_refused`` the pairs that cannot be backtested are listed too, with
    the reason in ``note`` and empty figures.
    """
    if index not in BACKTEST_INDICES:
        raise UsageError(f"backtests need a real panel: index '{index}' has none",
                         hint="one of " + ", ".join(BACKTEST_INDICES))
    horizons = tuple(range(1, (max_horizon or 2) + 1))
    panels = _panels_for(index, peers, results, shift_pool)
    run = backtest_every_pair(results=results, sims=sims, seed=seed, horizons=horizons,
                              panels=panels)
    frame = run.for_index(index)
    if include_refused:
        bad = sel.backtest_pairs(panels[index], horizons, refused=True)
        extra = pd.DataFrame([{"index": index, "train_until": t, "test_year": T, "horizon": T - t,
                               "level": "refused", "note": why} for t, T, why in bad],
                             columns=frame.columns)
        frame = pd.concat([frame, extra], ignore_index=True) if len(extra) else frame
    return frame.sort_values(["train_until", "test_year"], kind="mergesort").reset_index(drop=True)


# -- output ----------------------------------------------------------------------------
def _cell(value: object, decimals: int = 4) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else f"{float(value):.{decimals}f}"
    return "" if value is None else str(value)


def csv_text(table: pd.DataFrame, columns, decimals: int = 4) -> str:
    """A table as deterministic CSV text (fixed decimals, ``true``/``false``, ``\\n``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for rec in table.loc[:, list(columns)].itertuples(index=False, name=None):
        writer.writerow([_cell(v, decimals) for v in rec])
    return buffer.getvalue()


def _out_file(out_path: str | Path) -> Path:
    out = Path(out_path)
    if out.exists() and out.is_dir():
        raise UsageError(f"{out} is a folder: give a file name for the backtest CSV")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError("the output folder does not exist", file=folder)
    return out


def write_backtest_csv(result: BacktestResult, out_path: str | Path, *,
                       overwrite: bool = True) -> Path:
    """Write the per-province table, atomically.

    Deterministic: the columns of :data:`TABLE_COLUMNS` first (scripts read them), then
    :data:`TABLE_EXTRA`, then what the pair rests on (:data:`CSV_PAIR_COLUMNS`: how many
    year pairs the common shift and the positions rest on, the settings); provinces by
    actual rank, then name.
    """
    out = _out_file(out_path)
    table = result.table.sort_values(["actual_rank", "province"], kind="mergesort")
    table = table.assign(**{c: result.summary[c] for c in CSV_PAIR_COLUMNS})
    # the canonical English name stays the key; the Vietnamese name is added last
    from ..data.provinces import resolve

    table = table.assign(name_vi=[resolve(p, result.test_year).name_vi for p in table["province"]])
    write_text_atomic(csv_text(table, TABLE_COLUMNS + TABLE_EXTRA + tuple(CSV_PAIR_COLUMNS) + ("name_vi",)), out,
                      overwrite=overwrite)
    return out


def backtest_command(index: str, peers_path: str | Path | None, train_until: int, test_year: int,
                     sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                     out: str | Path | None = None, *, overwrite: bool = False) -> str:
    """``indexmodel backtest``: run one backtest, write its CSV, return the summary text.

    ``peers_path``: an analyst's tidy peer file laid over the shipped data (its years
    replace the shipped rows of those years; the shipped years before stay), or None.
    ``out`` never replaces the peer file or a shipped data file, nor an existing file
    unless ``overwrite``; ``sims`` and ``seed`` are checked as every command checks them.
    """
    from ..core.output import check_output

    if out is None:
        raise UsageError("--out FILE.csv is required")
    sims, seed = check_sims(sims, minimum=MIN_SIMS), check_seed(seed)
    check_output(out, inputs=[peers_path], overwrite=overwrite)
    out = _out_file(out)
    from ..data.peers import with_analyst_file

    peers = with_analyst_file(peers_path)
    result = backtest(index, peers, int(train_until), int(test_year), sims=sims, seed=seed)
    path = write_backtest_csv(result, out, overwrite=overwrite)  # no file appeared meanwhile
    return f"{result.describe()}\nwritten: {path}"


def backtest_every_command(peers_path: str | Path | None, sims: int = DEFAULT_SIMS,
                           seed: int = DEFAULT_SEED, out_dir: str | Path | None = None) -> str:
    """``indexmodel backtest --all``: every pair, written as the four tables, and the
    pooled calibration per index as text."""
    from ..data.peers import with_analyst_file
    from .backtest_report import done_when, pooled_table
    from .backtest_tables import write_tables

    if out_dir is None:
        raise UsageError("--out-dir DIR is required with --all")
    sims, seed = check_sims(sims, minimum=MIN_SIMS), check_seed(seed)
    run = backtest_every_pair(with_analyst_file(peers_path), sims=sims, seed=seed)
    written = write_tables(run, out_dir)
    lines = []
    for _, p in pooled_table(run).iterrows():
        lines.append(f"{p['index']}: {int(p['pairs'])} pairs, {int(p['n'])} province-pairs; coverage "
                     f"of the 50/80/90% intervals {p['coverage50']:.1%}/{p['coverage80']:.1%}/"
                     f"{p['coverage90']:.1%}; MAE of the median {p['mae']:.2f} (static peers "
                     f"{p['mae_static']:.2f}, mean shift {p['mae_meanshift']:.2f}); pairs below 60%: "
                     f"{int(p['pairs_below60'])} (the model expects {p['expected_below60']:.1f})")
    for _, d in done_when(run).iterrows():
        lines.append(f"  {d['index']} {d['what']}: {d['value']:.3f} ({d['target']}) "
                     f"{'met' if d['met'] else 'not met'}; {d['context']}")
    return "\n".join(lines + [f"written: {p}" for p in written])
