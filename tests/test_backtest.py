"""Backtests on the real PCI and PAPI panels: one pair, every pair, the rolling-origin rule,
the CSV, the command, the shipped tables and refusals (small simulations throughout)."""

import csv

import numpy as np
import pandas as pd
import pytest

from indexmodel.analysis import backtest as bt
from indexmodel.analysis import backtest_report as report
from indexmodel.analysis import backtest_tables as tables
from indexmodel.analysis import selection as sel
from indexmodel.core.errors import DataUnavailableError, IndexModelError, UsageError
from indexmodel.data.peers import default_peers, default_results
from indexmodel.model.fieldmodel import FieldPanel, Settings
from indexmodel.model.panel import build_panel

SIMS = 200
FIXED = "points|zero|walk|x1.0|nt"


@pytest.fixture(scope="module")
def peers():
    return default_peers()


@pytest.fixture(scope="module")
def results():
    return default_results()


@pytest.fixture(scope="module")
def panels(peers, results):
    return {index: build_panel(peers, index, results) for index in ("pci", "papi")}


@pytest.fixture(scope="module")
def fields(peers, results):
    return bt.field_panels(peers, results)


def run(panels, results, index, train_until, test_year, **kwargs):
    """A backtest on the shared panels, the other index's panel as the pool."""
    other = [p for i, p in panels.items() if i != index]
    kwargs.setdefault("sims", SIMS)
    kwargs.setdefault("seed", 1)
    kwargs.setdefault("settings", FIXED)
    return bt.backtest(index, panels[index], train_until, test_year, results=results,
                       shift_pool=other, **kwargs)


@pytest.fixture(scope="module")
def pci_2014(panels, results):
    return run(panels, results, "pci", 2013, 2014)


def official_ranks(results, index, year):
    rows = results[(results["index"] == index) & (results["year"] == year) & results["rank"].notna()]
    return rows.set_index("province")["rank"].astype(int)


def test_table_and_summary(pci_2014):
    table = pci_2014.table
    assert list(table.columns) == list(bt.TABLE_COLUMNS + bt.TABLE_EXTRA)
    assert len(table) == 63
    assert table["actual_rank"].min() == 1 and table["actual_rank"].max() == 63
    for lo, hi in (("rank_p05", "rank_p10"), ("rank_p10", "rank_p25"), ("rank_p25", "rank_p50"),
                   ("rank_p50", "rank_p75"), ("rank_p75", "rank_p90"), ("rank_p90", "rank_p95")):
        assert (table[lo] <= table[hi]).all()
    assert table["naive_rank"].between(1, 63).all() and table["meanshift_rank"].between(1, 63).all()
    covered = (table["rank_p05"] <= table["actual_rank"]) & (table["actual_rank"] <= table["rank_p95"])
    assert (covered == table["covered"]).all()
    assert table["pit"].between(0, 1).all() and (table["crps"] >= 0).all()
    assert set(table["start"]) == {"origin"}
    s = pci_2014.summary
    assert s["level"] == "points" and s["n"] == 63 and s["horizon"] == 1
    assert s["coverage"] == pytest.approx(table["covered"].mean())
    assert s["coverage50"] <= s["coverage80"] <= s["coverage"]
    assert s["width50"] <= s["width80"] <= s["mean_width"]
    # the shift rests on every yearly within-era PCI pair up to 2013 (points: PCI only)
    assert s["shift_pairs"] == 5 and "2013→2014" not in s["pairs"]
    assert "PCI 2006→2007" in s["pairs"] and s["settings"] == FIXED
    text = pci_2014.describe()
    assert "rests on 5 year pairs" in text and "static peers" in text


def test_actual_ranks_are_the_official_ranks(pci_2014, results, panels):
    for res in (pci_2014, run(panels, results, "pci", 2009, 2010),
                run(panels, results, "pci", 2010, 2011)):
        official = official_ranks(results, "pci", res.test_year)
        mine = res.table.set_index("province")["actual_rank"]
        assert len(official) == 63
        assert (mine.reindex(official.index) == official).all()


def test_across_a_methodology_change_the_level_is_standardized(panels, results):
    res = run(panels, results, "pci", 2012, 2013)
    assert res.summary["level"] == "standardized" and res.summary["shift_pairs"] == 0
    assert "standardized level" in res.summary["note"]
    assert "field mean and sd are taken as given" in res.summary["note"]


def test_papi_2014_every_ranked_province_and_a_peer_without_an_origin_value(fields, results):
    """PAPI 2014 ranks 61: Bắc Giang and Đồng Tháp are unranked. Tested from 2014 to a
    made-up 2015 where both are ranked again, they must be peers, from their 2013 value."""
    fp = fields["papi"]
    years = fp.years + (2015,)
    x = np.column_stack([fp.x, fp.column(2014)])
    i, j = fp.row["Bac Giang"], fp.row["Dong Thap"]
    x[i, -1], x[j, -1] = 35.0, 36.0
    eras = {**fp.eras, 2015: fp.eras[2014]}
    fake = FieldPanel("papi", fp.provinces, years, x, eras, {**fp.origins, 2015: "test"})
    out = sel.run_pair(fake, 2014, 2015, Settings(), SIMS, 1)
    rows = out.rows.set_index("province")
    assert len(rows) == 63
    assert rows.loc["Bac Giang", "start"] == rows.loc["Dong Thap", "start"] == "latest 2013"
    assert "Bac Giang (from its latest earlier value, 2013)" in " ".join(out.notes)


def test_same_seed_gives_byte_identical_csv(tmp_path, panels, results):
    paths = []
    for name in ("a.csv", "b.csv"):
        res = run(panels, results, "pci", 2013, 2014, seed=5)
        paths.append(bt.write_backtest_csv(res, tmp_path / name))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    other = run(panels, results, "pci", 2013, 2014, seed=6)
    bt.write_backtest_csv(other, tmp_path / "c.csv")
    assert paths[0].read_bytes() != (tmp_path / "c.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]  # no temp left
    with paths[0].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0][:8]) == bt.TABLE_COLUMNS          # scripts read these first columns
    assert tuple(rows[0][8:]) == bt.TABLE_EXTRA + bt.CSV_PAIR_COLUMNS + ("name_vi",)
    assert rows[1][-4:-1] == ["5", str(res.summary["reshuffle_pairs"]), FIXED]   # what it rests on
    from indexmodel.data.provinces import resolve
    assert rows[1][-1] == resolve(rows[1][0]).name_vi  # the Vietnamese name beside the English key
    assert len(rows) == 64 and rows[1][2] == "1"           # sorted by actual rank
    assert rows[1][7] in ("true", "false")
    assert b"\r\n" not in paths[0].read_bytes()


def test_the_numpy_and_numba_kernels_give_the_same_backtest(panels, results):
    pytest.importorskip("numba")
    a = run(panels, results, "pci", 2011, 2013, kernel="numpy")
    b = run(panels, results, "pci", 2011, 2013, kernel="numba")
    c = run(panels, results, "pci", 2012, 2014, kernel="numpy")
    d = run(panels, results, "pci", 2012, 2014, kernel="numba")
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(c.table, d.table)


def test_selection_for_a_pair_uses_only_pairs_complete_before_it(fields, results):
    """The choice for (t → T) rests on pairs with test year ≤ t: change every later year
    and neither the scores of the earlier pairs nor the choices made before change."""
    fp = fields["pci"]
    x = fp.x.copy()
    late = [fp.col[y] for y in fp.years if y > 2012]
    x[:, late] = x[:, late] * 0.8 + 12.0                      # a different world after 2012
    changed = {"pci": FieldPanel("pci", fp.provinces, fp.years, x, fp.eras, fp.origins),
               "papi": fields["papi"]}
    pairs = [p for p in sel.every_pair(fields) if p[2] <= 2012]
    grid_a = sel.run_grid(fields, pairs, 150, 3, results=results)
    grid_b = sel.run_grid(changed, pairs, 150, 3, results=results)
    pd.testing.assert_frame_equal(grid_a.scores(), grid_b.scores())
    target = [("pci", 2012, 2013), ("pci", 2012, 2014)]
    assert sel.select_rolling(grid_a.scores(), target).equals(sel.select_rolling(grid_b.scores(), target))
    # and a forecast from 2011 is the same whatever happened in 2013 and 2014
    a = sel.run_pair(fields["pci"], 2011, 2012, Settings(), 150, 3, [fields["papi"]], results)
    b = sel.run_pair(changed["pci"], 2011, 2012, Settings(), 150, 3, [fields["papi"]], results)
    pd.testing.assert_frame_equal(a.rows, b.rows)


def test_select_rolling_reads_only_the_past():
    scores = pd.DataFrame({
        "index": ["pci"] * 4, "origin": [2009, 2009, 2012, 2012], "test": [2010, 2010, 2013, 2013],
        "horizon": [1] * 4, "level": ["points"] * 4, "settings": ["A", "B", "A", "B"],
        "log_score": [1.0, 2.0, 9.0, 1.0], "crps": [1.0] * 4, "n": [63] * 4})
    out = sel.select_rolling(scores, [("pci", 2009, 2010), ("pci", 2010, 2011), ("pci", 2013, 2014)],
                             default="B", min_past=1)
    assert out["selected"].tolist() == ["B", "A", "B"]       # none yet → default; then A; then B
    assert out["basis"].tolist() == ["default", "same index", "same index"]
    assert out["past_pairs"].tolist() == [0, 1, 2]
    # pairs across a methodology change do not decide (every candidate predicts the same)
    cross = scores.assign(level="standardized")
    assert sel.select_rolling(cross, [("pci", 2013, 2014)], default="B")["selected"].tolist() == ["B"]


def upto(fields, year=2014):
    """The panels as they stood in ``year`` (the counts below stay true as data grow)."""
    return {k: v.until(year) for k, v in fields.items()}


def test_backtest_all_and_every_pair(fields, peers, results):
    table = bt.backtest_all("papi", peers[peers["year"] <= 2014], sims=150, seed=1,
                            results=results[results["year"] <= 2014], include_refused=True)
    assert list(table.columns) == list(bt.SUMMARY_COLUMNS + bt.SUMMARY_EXTRA)
    done = table[table["level"] != "refused"]
    assert list(zip(done["train_until"], done["test_year"])) == [(2013, 2014)]
    assert done["coverage"].between(0, 1).all() and (done["shift_pairs"] > 0).all()
    refused = table[table["level"] == "refused"]
    assert set(zip(refused["train_until"], refused["test_year"])) == {
        (2011, 2012), (2011, 2013), (2012, 2013), (2012, 2014)}
    assert refused["note"].str.contains("at least 2 yearly shifts").all()
    every = bt.backtest_every_pair(sims=150, seed=1, panels=upto(fields))
    pci = every.for_index("pci")
    assert len(pci) == 12 and set(pci["horizon"]) == {1, 2}
    assert set(pci.loc[pci["level"] == "standardized", "test_year"]) == {2009, 2010, 2013, 2014}
    # every row of provinces belongs to a pair, and the pairs' coverage is its mean
    cov = every.provinces.groupby(["index", "train_until", "test_year"])["covered"].mean()
    merged = every.pairs.set_index(["index", "train_until", "test_year"])["coverage"]
    assert np.allclose(cov.reindex(merged.index), merged)


def test_report_tables(fields, results):
    every = bt.backtest_every_pair(sims=150, seed=1, panels=upto(fields))
    pooled = report.pooled_table(every).set_index("index")
    assert pooled.loc["pci", "pairs"] == 12 and pooled.loc["papi", "pairs"] == 1
    assert pooled.loc["pci", "n"] == 12 * 63
    assert 0 <= pooled.loc["pci", "expected_below60"] <= 12
    pit = report.pit_histogram(every)
    assert pit.shape == (10, 2) and np.allclose(pit.mean(), 1.0)
    done = report.done_when(every)
    assert len(done) == 8 and set(done["criterion"]) == {"cov90", "cov50", "min_pair", "mae"}
    split = report.split_table(every)
    assert {"1-year pairs", "2-year pairs", "within an era", "across an era change"} <= set(split["split"])


def test_backtest_command_lays_the_file_over_the_shipped_years(tmp_path, peers):
    """An analyst's file of PCI 2013-2016 (2015 and 2016 made up from 2013 and 2014 for the
    test): the backtest 2014→2015 keeps the shipped years before and runs."""
    rows = peers[(peers["index"] == "pci") & peers["year"].between(2013, 2014)]
    later = rows.assign(year=rows["year"] + 2, source="test: 2013-2014 relabelled")
    analyst = pd.concat([rows, later])
    analyst.to_csv(tmp_path / "pci.csv", index=False)
    out = tmp_path / "out.csv"
    text = bt.backtest_command("pci", tmp_path / "pci.csv", 2014, 2015, sims=SIMS, seed=3, out=out)
    assert "pci backtest 2014→2015" in text and str(out) in text
    assert "PCI 2006→2007" in text                          # the shipped years before stay
    frame = pd.read_csv(out)
    assert list(frame.columns[:8]) == list(bt.TABLE_COLUMNS) and len(frame) == 63
    again = tmp_path / "again.csv"
    bt.backtest_command("pci", tmp_path / "pci.csv", 2014, 2015, sims=SIMS, seed=3, out=again)
    assert out.read_bytes() == again.read_bytes()
    with pytest.raises(UsageError, match="folder"):
        bt.backtest_command("pci", tmp_path / "pci.csv", 2014, 2015, sims=SIMS, seed=3,
                            out=tmp_path)


def test_peer_file_without_the_test_year(tmp_path, peers):
    early = peers[(peers["index"] == "pci") & peers["year"].between(2011, 2013)]
    early.to_csv(tmp_path / "early.csv", index=False)
    with pytest.raises(DataUnavailableError, match="test year 2031"):
        bt.backtest_command("pci", tmp_path / "early.csv", 2014, 2031, sims=SIMS, seed=1,
                            out=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("args, error, message", [
    (("pci", 2014, 2014), UsageError, "must come before"),
    (("pci", 2014, 2013), UsageError, "must come before"),
    (("sipas", 2023, 2024), UsageError, "index 'sipas' has none"),
    (("par_index", 2022, 2023), UsageError, "has none"),
    (("papi", 2012, 2013), DataUnavailableError, r"at least 2 yearly shifts.*found 1"),
    (("pci", 2006, 2007), DataUnavailableError, r"at least 2 yearly shifts.*found 0"),
    (("pci", 2003, 2007), DataUnavailableError, "training year 2003"),
])
def test_bad_inputs_are_refused_clearly(panels, results, args, error, message):
    index, train_until, test_year = args
    data = panels.get(index)                     # sipas and par_index have no panel
    with pytest.raises(error, match=message):
        bt.backtest(index, data, train_until, test_year, sims=SIMS, results=results, settings=FIXED)


def test_bad_options_are_refused(panels):
    with pytest.raises(UsageError, match="sims"):
        bt.backtest("pci", panels["pci"], 2013, 2014, sims=10)
    with pytest.raises(UsageError, match="year"):
        bt.backtest("pci", panels["pci"], "2013", 2014, sims=SIMS)
    with pytest.raises(UsageError, match="settings id"):
        bt.backtest("pci", panels["pci"], 2013, 2014, sims=SIMS, settings="wide")
    with pytest.raises(IndexModelError):
        bt.backtest_command("pci", None, 2013, 2014, sims=SIMS, seed=1, out=None)


# -- the shipped tables ------------------------------------------------------------------
def test_the_shipped_tables_match_the_shipped_data_and_regenerate(fields, results):
    shipped = tables.read_tables()
    assert shipped is not None, "data/backtest is missing: indexmodel backtest --all"
    assert shipped.inputs == tables.fingerprint(fields, results), \
        "data/backtest is out of date: indexmodel backtest --all --sims 4000 --out-dir data/backtest"
    pairs = sel.every_pair(fields)
    assert list(zip(shipped.pairs["index"], shipped.pairs["train_until"], shipped.pairs["test_year"])) \
        == pairs
    # the rolling-origin choice, recomputed from the shipped scores, is the shipped one
    chosen = sel.select_rolling(shipped.scores, pairs)
    within = shipped.pairs["level"] == "points"
    assert chosen.loc[within.to_numpy(), "selected"].tolist() == shipped.pairs.loc[within, "settings"].tolist()
    # one pair's every candidate and its reported rows, recomputed now, are the shipped ones
    key = ("pci", 2010, 2011)
    grid = sel.run_grid(fields, [key], shipped.sims, shipped.seed, results=results)
    now = grid.scores().set_index("settings")
    then = shipped.scores[(shipped.scores["index"] == "pci") & (shipped.scores["origin"] == 2010)
                          & (shipped.scores["test"] == 2011)].set_index("settings")
    assert np.allclose(now.loc[then.index, "crps"], then["crps"], atol=5e-8)
    name = shipped.pairs.loc[(shipped.pairs["index"] == "pci") & (shipped.pairs["train_until"] == 2010)
                             & (shipped.pairs["test_year"] == 2011), "settings"].iloc[0]
    rows = grid.run(*key, name).rows
    ship = shipped.provinces[(shipped.provinces["index"] == "pci") & (shipped.provinces["train_until"] == 2010)
                             & (shipped.provinces["test_year"] == 2011)].set_index("province")
    mine = rows.set_index("province").loc[ship.index]
    for col in ("rank_p05", "rank_p50", "rank_p95", "naive_rank", "meanshift_rank", "actual_rank"):
        assert (mine[col].to_numpy() == ship[col].to_numpy()).all(), col
    assert np.allclose(mine["pit"], ship["pit"], atol=5e-5)


def test_write_and_read_tables(tmp_path, fields):
    every = bt.backtest_every_pair(sims=150, seed=1, panels=upto(fields))
    written = tables.write_tables(every, tmp_path / "bt")
    assert [p.name for p in written] == list(tables.FILES)
    back = tables.read_tables(tmp_path / "bt")
    assert back.inputs == every.inputs and back.sims == 150
    assert len(back.pairs) == len(every.pairs) and len(back.provinces) == len(every.provinces)
    assert back.provinces["covered"].dtype == bool
    assert tables.read_tables(tmp_path / "bt", inputs="other") is None
    again = tables.write_tables(every, tmp_path / "bt2")
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(written, again))


def test_the_readme_shows_the_shipped_tables():
    from indexmodel.core.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- backtest-tables")[1].split("<!-- /backtest-tables -->")[0]
    assert report.markdown(tables.read_tables()) in block, \
        "README's backtest tables are stale: python -m indexmodel.analysis.backtest_report README.md"


def test_update_readme_rewrites_only_the_block(tmp_path):
    path = tmp_path / "R.md"
    path.write_text("before\n" + report.README_START + "\nold\n" + report.README_END + "\nafter\n",
                    encoding="utf-8")
    assert report.update_readme(path) is True
    text = path.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("after\n") and "old" not in text
    assert report.update_readme(path) is False
