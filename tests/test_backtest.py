"""Backtests on the real PCI and PAPI panels: the table, the summary, the CSV, refusals."""

import csv

import pandas as pd
import pytest

from indexmodel.analysis import backtest as bt
from indexmodel.core.errors import DataUnavailableError, IndexModelError, UsageError
from indexmodel.data.peers import default_peers, default_results
from indexmodel.model.panel import build_panel

SIMS = 200


@pytest.fixture(scope="module")
def peers():
    return default_peers()


@pytest.fixture(scope="module")
def results():
    return default_results()


@pytest.fixture(scope="module")
def panels(peers, results):
    return {index: build_panel(peers, index, results) for index in ("pci", "papi")}


def run(panels, results, index, train_until, test_year, **kwargs):
    """A backtest on the shared panels, the shift sd pooled with the other index."""
    other = [p for i, p in panels.items() if i != index]
    kwargs.setdefault("sims", SIMS)
    kwargs.setdefault("seed", 1)
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
    assert list(table.columns) == list(bt.TABLE_COLUMNS)
    assert len(table) == 63
    assert table["actual_rank"].min() == 1 and table["actual_rank"].max() == 63
    assert (table["rank_p05"] <= table["rank_p50"]).all()
    assert (table["rank_p50"] <= table["rank_p95"]).all()
    assert table["naive_rank"].between(1, 63).all()
    covered = (table["rank_p05"] <= table["actual_rank"]) & (table["actual_rank"] <= table["rank_p95"])
    assert (covered == table["covered"]).all()
    s = pci_2014.summary
    assert s["level"] == "component" and s["n"] == 63 and s["horizon"] == 1
    assert 0.0 <= s["coverage"] <= 1.0
    assert s["coverage"] == pytest.approx(table["covered"].mean())
    assert s["mae_p50"] >= 0 and s["naive_mae"] >= 0 and 0 <= s["naive_exact"] <= 1
    assert "2013-2014" not in s["pairs"]                   # nothing from the test year
    assert "calibrated on 2006-2007" in s["note"]
    assert "coverage" in pci_2014.describe()


def test_actual_ranks_are_the_official_ranks(pci_2014, results, panels):
    for res in (pci_2014, run(panels, results, "pci", 2009, 2010)):
        official = official_ranks(results, "pci", res.test_year)
        mine = res.table.set_index("province")["actual_rank"]
        assert len(official) == 63
        assert (mine.reindex(official.index) == official).all()


def test_published_only_test_year(panels, results):
    res = run(panels, results, "pci", 2010, 2011)
    assert "2011 is published-only" in res.summary["note"]
    official = official_ranks(results, "pci", 2011)
    table = res.table.set_index("province")
    assert (table["actual_rank"].reindex(official.index) == official).all()
    published = results[(results["index"] == "pci") & (results["year"] == 2011)]
    published = published.set_index("province")["composite"]
    assert (table["actual_score"] - published.reindex(table.index)).abs().max() < 1e-9


def test_across_a_methodology_change_only_composites(panels, results):
    res = run(panels, results, "pci", 2012, 2013)
    assert res.summary["level"] == "composite"
    assert "different methodology eras" in res.summary["note"]
    assert res.model.components == ("pci",)
    with pytest.raises(UsageError, match="different methodology eras"):
        run(panels, results, "pci", 2012, 2013, level="component")


def test_papi_backtest(peers, results):
    res = bt.backtest("papi", peers, 2013, 2014, sims=SIMS, seed=1, results=results)  # a table
    assert res.summary["n"] == 61                          # two provinces unranked in 2014
    assert set(res.table["actual_rank"]) == set(range(1, 62))
    assert "PCI" in " ".join(res.model.notes)              # the shift sd pooled with PCI's


def test_same_seed_gives_byte_identical_csv(tmp_path, panels, results):
    paths = []
    for name in ("a.csv", "b.csv"):
        res = run(panels, results, "pci", 2013, 2014, seed=5)
        paths.append(bt.write_backtest_csv(res, tmp_path / name))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    other = run(panels, results, "pci", 2013, 2014, seed=6)
    bt.write_backtest_csv(other, tmp_path / "c.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]  # no temp left
    with paths[0].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == bt.TABLE_COLUMNS
    assert len(rows) == 64 and rows[1][2] == "1"           # sorted by actual rank
    assert rows[1][7] in ("true", "false")
    assert b"\r\n" not in paths[0].read_bytes()


def test_backtest_command(tmp_path, peers):
    dimensions = ["participation", "transparency", "vertical_accountability",
                  "control_of_corruption", "public_administrative_procedures",
                  "public_service_delivery"]
    analyst = peers[(peers["index"] == "papi") & peers["component"].isin(dimensions)]
    analyst.to_csv(tmp_path / "papi.csv", index=False)
    out = tmp_path / "out.csv"
    text = bt.backtest_command("papi", tmp_path / "papi.csv", 2013, 2014, sims=SIMS, seed=3, out=out)
    assert "papi backtest 2013→2014" in text and str(out) in text
    _, pool, _ = bt._panels("papi", analyst, None, None)
    assert [p.index for p in pool] == ["pci"]      # an analyst file of one index pools with PCI
    frame = pd.read_csv(out)
    assert list(frame.columns) == list(bt.TABLE_COLUMNS) and len(frame) == 61
    again = tmp_path / "again.csv"
    bt.backtest_command("papi", tmp_path / "papi.csv", 2013, 2014, sims=SIMS, seed=3, out=again)
    assert out.read_bytes() == again.read_bytes()
    with pytest.raises(UsageError, match="folder"):
        bt.backtest_command("papi", tmp_path / "papi.csv", 2013, 2014, sims=SIMS, seed=3,
                            out=tmp_path)


def test_peer_file_without_the_test_year(tmp_path, peers):
    early = peers[(peers["index"] == "pci") & peers["year"].between(2011, 2013)]
    with pytest.raises(DataUnavailableError, match="no full pci table for the test year 2014"):
        bt.backtest("pci", early, 2013, 2014, sims=SIMS)
    early.to_csv(tmp_path / "early.csv", index=False)
    with pytest.raises(DataUnavailableError, match="test year 2014"):
        bt.backtest_command("pci", tmp_path / "early.csv", 2013, 2014, sims=SIMS, seed=1,
                            out=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("args, error, message", [
    (("pci", 2014, 2014), UsageError, "must come before"),
    (("pci", 2014, 2013), UsageError, "must come before"),
    (("sipas", 2023, 2024), UsageError, "index 'sipas' has none"),
    (("par_index", 2022, 2023), UsageError, "has none"),
    (("papi", 2012, 2013), DataUnavailableError, r"needs at least 2 pairs.*found 1 \(2011-2012\)"),
    (("pci", 2006, 2007), DataUnavailableError, r"needs at least 2 pairs.*found 0"),
    (("pci", 2003, 2007), DataUnavailableError, "training year 2003"),
])
def test_bad_inputs_are_refused_clearly(panels, results, args, error, message):
    index, train_until, test_year = args
    data = panels.get(index)                     # sipas and par_index have no panel
    with pytest.raises(error, match=message):
        bt.backtest(index, data, train_until, test_year, sims=SIMS, results=results)


def test_bad_options_are_refused(panels):
    with pytest.raises(UsageError, match="sims"):
        bt.backtest("pci", panels["pci"], 2013, 2014, sims=10)
    with pytest.raises(UsageError, match="year"):
        bt.backtest("pci", panels["pci"], "2013", 2014, sims=SIMS)
    with pytest.raises(IndexModelError):
        bt.backtest_command("pci", None, 2013, 2014, sims=SIMS, seed=1, out=None)


def test_backtest_all_papi(panels, results):
    table = bt.backtest_all("papi", panels["papi"], sims=SIMS, seed=1, results=results,
                            include_refused=True, shift_pool=[panels["pci"]])
    assert list(table.columns) == list(bt.SUMMARY_COLUMNS)
    done = table[table["level"] != "refused"]
    pairs = list(zip(done["train_until"], done["test_year"]))
    assert pairs == ([(2013, y) for y in range(2014, 2018)] + [(2014, y) for y in range(2015, 2018)]
                     + [(2015, 2016), (2015, 2017), (2016, 2017)]
                     + [(a, b) for a in range(2019, 2023) for b in range(a + 1, 2024)])
    assert done["coverage"].between(0, 1).all()
    refused = table[table["level"] == "refused"].set_index(["train_until", "test_year"])["note"]
    # the total's scale changes in 2018 (six dimensions to eight): never predicted across it
    assert refused.loc[(2017, 2018)].startswith("the papi composite changes its scale")
    assert "not comparable" in refused.loc[(2013, 2023)]
    # 2018 alone cannot calibrate the two new dimensions
    assert "no real year pair for environmental_governance, e_governance" in refused.loc[(2018, 2019)]
    assert refused.loc[(2012, 2013)].startswith("cannot calibrate") and "found 1" in refused.loc[(2012, 2013)]
