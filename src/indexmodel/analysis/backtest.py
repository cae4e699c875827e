"""Backtests: predict known years' ranks from earlier years, and score the predictions.

For a test year ``T`` and a last training year ``t < T``, every province ranked in ``T``
gets a predicted rank distribution built only from data up to ``t`` plus its own
``T`` score (the scenario question the package answers: "if we reach this score, where
do we land?"): the peers start from their ``t`` values and move ``T − t`` years under
the movement model calibrated on the year pairs up to ``t``
(:mod:`indexmodel.model.calibration`). Within one methodology era the peers move component by
component; across a methodology change (PCI 2008→2009, 2012→2013) only composites are
modelled, by the composite-level model.

The naive baseline keeps every peer at its ``t`` score. Coverage is the share of
provinces whose actual rank lies in the predicted 5–95% rank interval (the aim: 90%).
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
from ..data.spec import load_specs
from ..model.calibration import MovementModel, calibrate
from ..model.panel import Panel, _check_level, _span, build_panel
from ..model.simulation import leave_one_out_ranks, simulate
from ..model.ranking import competition_rank

BACKTEST_INDICES = ("pci", "papi")
DEFAULT_SEED = 20240701
DEFAULT_SIMS = 2000
TABLE_COLUMNS = ("province", "actual_score", "actual_rank", "rank_p05", "rank_p50", "rank_p95",
                 "naive_rank", "covered")
SUMMARY_COLUMNS = ("index", "train_until", "test_year", "horizon", "level", "n", "coverage",
                   "mae_p50", "naive_mae", "naive_exact", "p50_exact", "mean_width", "pairs",
                   "note")


@dataclass(frozen=True)
class BacktestResult:
    """The per-province table and the summary of one backtest."""

    index: str
    train_until: int
    test_year: int
    table: pd.DataFrame
    summary: Mapping[str, object]
    model: MovementModel = field(repr=False)

    def describe(self) -> str:
        s = self.summary
        return (f"{self.index} backtest {self.train_until}→{self.test_year} ({s['level']} level, "
                f"{s['n']} provinces): coverage of the 5–95% rank interval {s['coverage']:.0%}, "
                f"MAE of the median rank {s['mae_p50']:.2f} (naive: {s['naive_mae']:.2f}, naive "
                f"exact hits {s['naive_exact']:.0%}). {s['note']}")


def _check_args(index: str, train_until: int, test_year: int, sims: int) -> None:
    if index not in BACKTEST_INDICES:
        raise UsageError(f"backtests need a real panel: index '{index}' has none",
                         hint="one of " + ", ".join(BACKTEST_INDICES))
    for name, value in (("train_until", train_until), ("test_year", test_year)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise UsageError(f"{name} must be a year, got {value!r}")
    if train_until >= test_year:
        raise UsageError(f"train_until ({train_until}) must come before test_year ({test_year})")
    if not isinstance(sims, (int, np.integer)) or sims < 100:
        raise UsageError(f"sims must be a whole number ≥ 100, got {sims!r}")


def backtest(index: str, peers: pd.DataFrame | Panel | None, train_until: int, test_year: int,
             sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
             results: pd.DataFrame | None = None, *, level: str | None = None,
             noise: str = "normal", shift_pool=None, **model_options) -> BacktestResult:
    """Predict ``test_year``'s ranks of ``index`` from data up to ``train_until``.

    ``peers``: a tidy peer table (None: the shipped one) or a :class:`~indexmodel.model.panel.Panel`.
    ``results``: published composites (None: the shipped ones), needed where a year's
    composite is published-only (PCI 2011, 2005).
    ``level``: None picks ``"component"`` within one methodology era and
    ``"composite"`` across a change; forcing ``"component"`` across a change is refused.
    ``shift_pool``: panels of other indices whose common shifts (up to ``train_until``)
    pool into the shift's sd (see :func:`~indexmodel.model.calibration.calibrate`); None: the other
    backtestable indices of ``peers``, or of the shipped peer data where ``peers`` has
    none (no pooling when ``peers`` is a panel).
    ``model_options`` go to :func:`~indexmodel.model.calibration.calibrate` (e.g. ``dynamics="iterate"``).
    """
    _check_args(index, train_until, test_year, sims)
    panel, pool, results = _panels(index, peers, results, shift_pool)
    book = load_specs()
    for year, what in ((test_year, "test year"), (train_until, "training year")):
        if year not in panel.scored or year not in panel.composites:
            raise DataUnavailableError(
                f"the peer data has no full {index} table for the {what} {year}",
                hint="years with component values for every province: "
                     + (_span(panel.component_years) or "none"))
    same_era = book.same_era(index, train_until, test_year)
    has_components = train_until in panel.scored and test_year in panel.scored
    if level is None:
        level = "component" if same_era and has_components else "composite"
    _check_level(level)
    if level == "component" and not same_era:
        raise UsageError(f"{index} {train_until} and {test_year} lie in different methodology eras: "
                         "only the composite level can be modelled across the change")
    if level == "component" and not has_components:
        raise DataUnavailableError(f"{index}: component values are missing for "
                                   + (str(train_until) if train_until not in panel.scored else str(test_year)))
    if not same_era:
        a, b = book.spec_for(index, train_until).root, book.spec_for(index, test_year).root
        if (a.min, a.max) != (b.min, b.max):  # PAPI 2017→2018: six dimensions to eight
            raise DataUnavailableError(
                f"the {index} composite changes its scale between {train_until} ({a.min:g}-{a.max:g}) "
                f"and {test_year} ({b.min:g}-{b.max:g}): composites across the change are not "
                "comparable, so no rank can be predicted across it")

    model = calibrate(panel, index, level=level, until=train_until, target_year=test_year,
                         book=book, shift_pool=pool, **model_options)
    actual = panel.composites[test_year]                 # every province ranked in the test year
    actual_rank = pd.Series(competition_rank(actual.to_numpy()), index=actual.index)
    published_test = panel.composite_origin[test_year].startswith("published")
    tie_note = None
    if published_test and results is not None:
        # a published-only year: the official ranks are the truth (VCCI broke ties of
        # the rounded published composites on unrounded scores)
        official = results[(results["index"] == index) & (results["year"] == test_year)
                           & results["rank"].notna()].set_index("province")["rank"]
        official = official.reindex(actual.index)
        if official.notna().all():
            differ = [p for p in actual.index if int(official[p]) != int(actual_rank[p])]
            actual_rank = official.astype(int).astype(float)
            if differ:
                tie_note = ("actual_rank is the published rank; it differs from the competition "
                            "rank of the published composite for " + ", ".join(differ)
                            + " (ties of the rounded composites broken by the publisher)")

    if level == "component":
        start = panel.components(train_until, model.components)
        test_components = panel.components(test_year, model.components)
        own_model = pd.Series(test_components.to_numpy() @ model.coefficients,
                              index=test_components.index)
    else:
        start = panel.composite(train_until)
        own_model = actual
    provinces = [p for p in actual.index if p in start.index]
    unseen = [p for p in actual.index if p not in start.index]
    X = start.loc[provinces]
    sim = simulate(model, X.to_numpy(), test_year - train_until, sims, seed, noise=noise)
    own = own_model.reindex(provinces).to_numpy(float)
    ranks = leave_one_out_ranks(own, sim)              # sims × provinces
    # the naive baseline: every peer keeps its published score of the training year
    start_scores = panel.composite(train_until).reindex(provinces)

    rows = []
    for j, prov in enumerate(provinces):
        if prov not in own_model.index:
            continue
        r = np.sort(ranks[:, j])
        p05, p50, p95 = (int(r[int(math.ceil(q * sims)) - 1]) for q in (0.05, 0.5, 0.95))
        naive = 1 + int(np.sum(np.delete(start_scores.to_numpy(), j) > actual[prov]))
        ar = int(actual_rank[prov])
        rows.append((prov, float(actual[prov]), ar, p05, p50, p95, naive, bool(p05 <= ar <= p95)))
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    if table.empty:
        raise DataUnavailableError(f"{index} {train_until}→{test_year}: no province is in both years")
    err = (table["rank_p50"] - table["actual_rank"]).abs()
    naive_err = (table["naive_rank"] - table["actual_rank"]).abs()

    notes = []
    if level == "composite":
        notes.append(f"composite level: {train_until} and {test_year} lie in different methodology "
                     "eras" if not same_era else "composite level")
    if published_test:
        notes.append(f"{test_year} is published-only: actual_score and actual_rank are the published "
                     "composite and its rank"
                     + ("; the prediction uses the province's weighted sum of its components, on the "
                        "scale of the simulated peers" if level == "component" else ""))
    if tie_note:
        notes.append(tie_note)
    if unseen:
        notes.append(f"{len(unseen)} province(s) ranked in {test_year} have no {train_until} value "
                     "and are not among the simulated peers: " + ", ".join(unseen))
    notes.append(f"model calibrated on {model.years}")
    summary = {
        "index": index,
        "train_until": int(train_until),
        "test_year": int(test_year),
        "horizon": int(test_year - train_until),
        "level": level,
        "n": int(len(table)),
        "coverage": float(table["covered"].mean()),
        "mae_p50": float(err.mean()),
        "naive_mae": float(naive_err.mean()),
        "naive_exact": float((naive_err == 0).mean()),
        "p50_exact": float((err == 0).mean()),
        "mean_width": float((table["rank_p95"] - table["rank_p05"]).mean()),
        "pairs": model.years,
        "note": "; ".join(notes),
    }
    return BacktestResult(index, int(train_until), int(test_year), table, summary, model)


def backtest_all(index: str, peers: pd.DataFrame | Panel | None = None, *,
                 sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                 results: pd.DataFrame | None = None, max_horizon: int | None = None,
                 noise: str = "normal", include_refused: bool = False, shift_pool=None,
                 **model_options) -> pd.DataFrame:
    """Every (train_until, test_year) pair the data allows, one summary row each.

    With ``include_refused`` the pairs that cannot be backtested are listed too, with
    the reason in ``note`` and empty figures.
    """
    if index not in BACKTEST_INDICES:
        raise UsageError(f"backtests need a real panel: index '{index}' has none",
                         hint="one of " + ", ".join(BACKTEST_INDICES))
    panel, pool, results = _panels(index, peers, results, shift_pool)
    years = panel.composite_years
    rows = []
    for test_year in years:
        for train_until in years:
            if train_until >= test_year:
                continue
            if max_horizon is not None and test_year - train_until > max_horizon:
                continue
            try:
                res = backtest(index, panel, train_until, test_year, sims=sims, seed=seed,
                               results=results, noise=noise, shift_pool=pool, **model_options)
            except DataUnavailableError as err:
                if include_refused:
                    rows.append({"index": index, "train_until": train_until, "test_year": test_year,
                                 "horizon": test_year - train_until, "level": "refused",
                                 "note": err.message})
                continue
            rows.append(dict(res.summary))
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    return frame.sort_values(["train_until", "test_year"], kind="mergesort").reset_index(drop=True)


def _panels(index: str, peers, results, shift_pool):
    """The index's panel, the panels its shift sd pools with, and the results table."""
    if results is None:
        try:
            from ..data.peers import default_results
            results = default_results()
        except DataUnavailableError:
            results = None
    if isinstance(peers, Panel):
        if peers.index != index:
            raise UsageError(f"the panel is of {peers.index}, not {index}")
        return peers, (shift_pool if shift_pool is not None else "none"), results
    if peers is None:
        from ..data.peers import default_peers
        peers = default_peers()
    panel = build_panel(peers, index, results)
    if shift_pool is None:
        shift_pool = []
        for other in BACKTEST_INDICES:
            if other == index:
                continue
            source = peers
            if other not in set(peers["index"]):
                try:                       # an analyst file of one index: the shipped panels
                    from ..data.peers import default_peers
                    source = default_peers()
                except DataUnavailableError:
                    continue
            shift_pool.append(build_panel(source, other, results))
    return panel, shift_pool, results


# -- output ----------------------------------------------------------------------------
def _cell(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else f"{float(value):.4f}"
    return "" if value is None else str(value)


def write_backtest_csv(result: BacktestResult, out_path: str | Path) -> Path:
    """Write the per-province table, atomically.

    Deterministic: fixed column order, provinces in the table's order (by actual rank,
    then name), scores with 4 decimals, ``true``/``false``, UTF-8, ``\\n`` line ends.
    """
    out = Path(out_path)
    if out.exists() and out.is_dir():
        raise UsageError(f"{out} is a folder: give a file name for the backtest CSV")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError("the output folder does not exist", file=folder)
    table = result.table.sort_values(["actual_rank", "province"], kind="mergesort")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TABLE_COLUMNS)
    for rec in table.loc[:, list(TABLE_COLUMNS)].itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in rec])
    write_text_atomic(buffer.getvalue(), out)
    return out


def backtest_command(index: str, peers_path: str | Path | None, train_until: int, test_year: int,
                     sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                     out: str | Path | None = None) -> str:
    """``indexmodel backtest``: run one backtest, write its CSV, return the summary text.

    ``peers_path``: an analyst's tidy peer file (None: the shipped peer data); it is
    used on its own, not laid over the shipped data, so it must hold the training and
    the test year.
    """
    if out is None:
        raise UsageError("--out FILE.csv is required")
    if peers_path is None:
        peers = None
    else:
        from ..data.peers import load_peers
        peers = load_peers(peers_path)
    result = backtest(index, peers, int(train_until), int(test_year), sims=sims, seed=seed)
    path = write_backtest_csv(result, out)
    return f"{result.describe()}\nwritten: {path}"
