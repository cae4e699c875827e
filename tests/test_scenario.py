"""The scenario explorer's logic (``indexmodel.analysis.scenario``), tested directly on real
data: slider bounds and marks, composite, ranks, odds, the cheapest path and the budget from
the sliders, and the scenario saved and loaded as a tidy peer-file row set.

Expectations are computed from the package's own functions (IndexAnalysis, the panel), never
written as numbers: they follow the data when it changes.
"""

import math

import pandas as pd
import pytest

from indexmodel.analysis import for_plan, for_year
from indexmodel.analysis import scenario as sc
from indexmodel.core.errors import (DataUnavailableError, InputFileError, OutputExistsError,
                                    UsageError)
from indexmodel.core.output import write_text_atomic
from indexmodel.data.peers import PEER_COLUMNS, load_peers
from indexmodel.model.panel import changes
from indexmodel.model.scoring import score


@pytest.fixture(scope="module")
def pci():
    return for_plan("pci")


@pytest.fixture(scope="module")
def pci_sliders(pci):
    return sc.sliders(pci)


@pytest.fixture(scope="module")
def da_nang():
    """A year with every province known: exact national and regional ranks, simulated odds."""
    return for_year("pci", 2014, "Da Nang")


# -- sliders ------------------------------------------------------------------------------------
def test_sliders_are_bounded_by_the_range_start_at_the_baseline_and_mark_the_target(pci, pci_sliders):
    targets = score(pci.spec, pci.targets, warn=False)
    assert [s.component for s in pci_sliders] == list(pci.spec.top_components)
    for s in pci_sliders:
        node = pci.spec.node(s.component)
        assert (s.low, s.high) == (node.min, node.max)
        assert s.baseline == pytest.approx(pci.scored[s.component])
        assert s.target == pytest.approx(targets[s.component])
        assert s.marks()["target"] == s.target
        assert 0 < s.step <= (s.high - s.low) / 100


def test_the_gain_marks_are_the_best_real_gains_of_the_panel(pci, pci_sliders):
    for s in pci_sliders:
        for years, gain, key in ((1, s.best_one_year, "one_year"), (2, s.best_two_years, "two_years")):
            real = changes(pci.panel, "pci", s.component, years)
            real = real[real["end"] <= pci.year]
            assert gain is not None and gain.value == pytest.approx(real["change"].max())
            # the province and years named made that gain
            row = real[(real["province"] == gain.province) & (real["start"] == gain.start)
                       & (real["end"] == gain.end)]
            assert row["change"].iloc[0] == pytest.approx(gain.value)
            assert gain.end - gain.start == years
            assert s.marks()[key] == pytest.approx(min(s.high, s.baseline + gain.value))


def test_components_without_a_panel_have_no_gain_marks():
    par = for_plan("par_index")  # no PAR INDEX peer panel
    for s in sc.sliders(par):
        assert s.best_one_year is None and s.best_two_years is None
        assert set(s.marks()) <= {"target"}


def test_steps_are_a_hundredth_on_a_ten_point_scale_and_a_tenth_on_a_hundred(pci_sliders):
    assert [s.step for s in pci_sliders] == pytest.approx([0.01] * len(pci_sliders))
    par = sc.sliders(for_plan("par_index"))
    assert [s.step for s in par] == pytest.approx([0.1] * len(par))


# -- results ------------------------------------------------------------------------------------
def test_evaluate_gives_the_composite_and_rank_the_analysis_gives(pci, pci_sliders):
    base = sc.baseline_values(pci)
    r0 = sc.evaluate(pci, base, with_odds=False)
    assert r0.composite == pytest.approx(pci.composite)
    assert r0.rank == pci.rank and r0.n == pci.field.n and r0.goal == pci.goal_rank
    s = pci_sliders[0]
    moved = {**base, s.component: s.marks()["target"]}
    r1 = sc.evaluate(pci, moved, with_odds=False)
    expected = pci.with_changes({s.component: s.marks()["target"]}, absolute=True).composite
    assert r1.composite == pytest.approx(expected)
    coef = pci.spec.coefficients()[s.component]
    assert r1.composite - r0.composite == pytest.approx(coef * (s.marks()["target"] - s.baseline))
    assert r1.rank == pci.place(r1.composite)
    assert r1.rank.low <= r0.rank.low  # a higher composite never ranks worse


def test_odds_are_those_of_the_analysis_and_repeat_with_the_seed(pci):
    targets = sc.target_values(pci)
    r = sc.evaluate(pci, targets, sims=300, seed=5)
    o = pci.odds(r.composite, goal=pci.goal_rank, sims=300, seed=5)
    assert r.odds.p_goal == o.p_goal and r.odds.method == o.method
    assert sc.evaluate(pci, targets, sims=300, seed=5).odds.p_goal == r.odds.p_goal
    # the targets' odds are the plan check's odds of the targets
    assert r.composite == pytest.approx(pci.scenario_composite())
    assert r.odds.p_goal == pci.odds(sims=300, seed=5).p_goal


def test_a_full_field_gives_exact_national_and_regional_ranks_and_simulated_odds(da_nang):
    base = sc.baseline_values(da_nang)
    r = sc.evaluate(da_nang, base, sims=200, seed=3)
    assert r.rank.exact and r.regional_rank is not None and r.regional_rank.exact
    assert r.regional_rank == da_nang.field.regional.place(r.composite)
    assert r.odds.method == "simulation" and r.sims == 200
    assert r.goal == da_nang.rank.high and r.target_year == 2015
    again = sc.evaluate(da_nang, base, sims=200, seed=3)
    assert again.odds.p_goal == r.odds.p_goal
    # lowering every component can only lower the odds of keeping the rank
    low = {c: max(v - 1.0, da_nang.spec.node(c).min) for c, v in base.items()}
    assert sc.evaluate(da_nang, low, goal=r.goal, sims=200, seed=3).odds.p_goal <= r.odds.p_goal


def test_without_component_peers_the_anchors_bound_the_rank_and_odds_say_why():
    sipas = for_plan("sipas")
    base = sc.baseline_values(sipas)
    c = sipas.spec.top_components[0]
    r = sc.evaluate(sipas, {**base, c: base[c] + 1})
    assert r.composite > sipas.composite
    # the published anchors bound the rank: an interval, never an exact rank
    assert r.rank == sipas.place(r.composite) and not r.rank.exact
    assert r.composite_range is not None and r.composite_range.low <= r.composite <= r.composite_range.high
    assert r.odds is not None and r.odds.p_goal is None and r.odds.missing
    # the cheapest path to the goal is one the anchors guarantee: the worst rank it leaves
    path = sc.path_to_goal(sipas, base)
    if path.feasible:
        assert path.resulting_composite >= path.required_composite - 1e-9
        assert path.resulting_rank.high <= path.goal_rank


def test_unknown_components_and_values_out_of_range_are_refused(pci):
    base = sc.baseline_values(pci)
    with pytest.raises(UsageError, match="not a component"):
        sc.evaluate(pci, {**base, "no_such_thing": 1.0})
    from indexmodel.core.errors import IndexModelError

    with pytest.raises(IndexModelError):
        sc.evaluate(pci, {**base, "transparency": 11.0})


# -- the optimiser from the sliders --------------------------------------------------------------
def test_the_cheapest_path_starts_where_the_sliders_stand(pci, pci_sliders):
    base = sc.baseline_values(pci)
    s = pci_sliders[0]
    moved = {**base, s.component: s.marks()["target"]}
    path = sc.path_to_goal(pci, moved)
    expected = pci.with_changes({s.component: s.marks()["target"]}, absolute=True).cheapest_path()
    assert path.total_cost == pytest.approx(expected.total_cost)
    assert path.current_composite == pytest.approx(sc.evaluate(pci, moved, with_odds=False).composite)
    assert path.total_cost <= sc.path_to_goal(pci, base).total_cost + 1e-9
    # once the path's improvements are made, the goal needs nothing more
    after = sc.apply_path(moved, path)
    assert sc.path_to_goal(pci, after).total_cost == pytest.approx(0.0, abs=1e-6)
    assert sc.evaluate(pci, after, with_odds=False).rank.high <= pci.goal_rank


def test_the_budget_buys_no_more_than_it_costs_and_more_budget_never_ranks_worse(pci):
    base = sc.baseline_values(pci)
    low, high, step = sc.budget_bounds(pci)
    assert low == 0 and high >= sc.DEFAULT_BUDGET and step > 0
    small, large = sc.best_for_budget(pci, base, 1.0), sc.best_for_budget(pci, base, 3.0)
    assert small.total_cost <= 1.0 + 1e-9 and large.total_cost <= 3.0 + 1e-9
    assert large.resulting_composite >= small.resulting_composite >= pci.composite
    assert large.resulting_rank.low <= small.resulting_rank.low
    everything = sc.best_for_budget(pci, base, high)
    assert everything.resulting_composite == pytest.approx(everything.max_composite)


# -- saving and loading ---------------------------------------------------------------------------
def test_a_saved_scenario_is_a_peer_file_with_a_scenario_name_and_loads_back(pci, pci_sliders, tmp_path):
    base = sc.baseline_values(pci)
    values = {**base, pci_sliders[0].component: pci_sliders[0].marks()["target"],
              pci_sliders[1].component: pci_sliders[1].low}
    path = tmp_path / sc.scenario_file_name(pci, "Tăng tốc 2025")
    assert path.name == "binh_dinh_pci_2023_tang_toc_2025.csv"
    sc.save_scenario(pci, values, "Tăng tốc 2025", path)
    frame = pd.read_csv(path)
    assert tuple(frame.columns) == PEER_COLUMNS + ("scenario",)
    assert set(frame["scenario"]) == {"Tăng tốc 2025"} and set(frame["year"]) == {sc.scenario_year(pci)} == {pci.year}
    assert list(frame["component"]) == list(pci.spec.top_components)
    checked = load_peers(path)  # the package's own loader accepts it
    assert dict(zip(checked["component"], checked["value"])) == pytest.approx(values)
    loaded = sc.load_scenario(pci, path)
    assert loaded.name == "Tăng tốc 2025" and loaded.year == pci.year
    assert loaded.values == pytest.approx(values)
    # the same scenario gives the same bytes
    again = tmp_path / "again.csv"
    sc.save_scenario(pci, values, "Tăng tốc 2025", again)
    assert again.read_bytes() == path.read_bytes()


def test_saving_never_overwrites_without_confirmation(pci, tmp_path):
    base = sc.baseline_values(pci)
    path = tmp_path / "s.csv"
    sc.save_scenario(pci, base, "one", path)
    before = path.read_bytes()
    with pytest.raises(OutputExistsError) as err:
        sc.save_scenario(pci, base, "two", path)
    assert str(path) in err.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # no temporary file left
    sc.save_scenario(pci, base, "two", path, overwrite=True)
    assert "two" in path.read_text(encoding="utf-8")
    with pytest.raises(UsageError):
        sc.save_scenario(pci, base, "  ", tmp_path / "unnamed.csv")


def test_the_atomic_writer_refuses_a_taken_name_even_when_it_appeared_late(tmp_path):
    path = tmp_path / "x.txt"
    write_text_atomic("first", path, overwrite=False)
    with pytest.raises(OutputExistsError):
        write_text_atomic("second", path, overwrite=False)
    assert path.read_text() == "first" and len(list(tmp_path.iterdir())) == 1


def test_loading_takes_any_level_and_keeps_other_components_at_the_baseline(tmp_path):
    papi = for_plan("papi")
    dims = [c for c in papi.spec.top_components if papi.spec.children(c)]
    dim = dims[0]
    sub = papi.spec.children(dim)[0]
    value = papi.scored[sub] + 0.1
    path = tmp_path / "sub.csv"
    path.write_text("index,year,province,component,value,scenario\n"
                    f"papi,2023,Bình Định,{sub},{value},một chỉ số con\n", encoding="utf-8")
    loaded = sc.load_scenario(papi, path)
    expected = papi.with_changes({sub: value}, absolute=True)
    assert loaded.values[dim] == pytest.approx(expected.scored[dim])
    assert loaded.values[dim] > papi.scored[dim]
    others = {c: v for c, v in sc.baseline_values(papi).items() if c != dim}
    assert {c: loaded.values[c] for c in others} == pytest.approx(others)
    assert loaded.name == "một chỉ số con"


def test_loading_a_bad_file_says_which_file_row_and_why(pci, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("index,year,province,component,value,source,scenario\n"
                   "pci,2023,Bình Định,transparency,6.9,x,a\n"
                   "pci,2023,Bình Định,transparancy,7.1,x,a\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        sc.load_scenario(pci, bad)
    assert err.value.row == 3 and "bad.csv" in err.value.message and "transparancy" in err.value.message
    other = tmp_path / "other.csv"
    other.write_text("index,year,province,component,value\npci,2025,Đà Nẵng,transparency,7\n",
                     encoding="utf-8")
    with pytest.raises(DataUnavailableError, match="no pci rows for Binh Dinh"):
        sc.load_scenario(pci, other)
    era = tmp_path / "era.csv"
    era.write_text("index,year,province,component,value\npci,2012,Bình Định,transparency,7\n",
                   encoding="utf-8")
    with pytest.raises(InputFileError, match="methodology"):
        sc.load_scenario(pci, era)
    with pytest.raises(InputFileError, match="file not found"):
        sc.load_scenario(pci, tmp_path / "missing.csv")


# -- choosing what to open -------------------------------------------------------------------------
def test_the_years_offered_are_the_plan_year_and_the_years_with_the_province_values(pci):
    from indexmodel.data.peers import default_peers, default_results
    from indexmodel.data.plan import load_plan

    peers, plan = default_peers(), load_plan()
    years = sc.analysis_years("pci", "Bình Định", plan=plan, peers=peers)
    own = set(peers.loc[(peers["index"] == "pci") & (peers["province"] == "Binh Dinh"), "year"])
    assert set(years) == own | {plan.baseline_year}
    assert sc.analysis_years("sipas", "Da Nang", plan=plan, peers=peers) == []
    a = sc.open_analysis("pci", "Binh Dinh", plan.baseline_year, plan=plan, peers=peers,
                         results=default_results())
    assert a.targets and a.goal_rank == pci.goal_rank
    b = sc.open_analysis("pci", "Binh Dinh", 2014, plan=plan, peers=peers, results=default_results())
    assert b.year == 2014 and not b.targets and math.isfinite(b.composite)
