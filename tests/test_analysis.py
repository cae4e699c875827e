"""One index for one province: leverage, optimizer, odds and what-if copies on real data."""


import re

import numpy as np
import pytest

from indexmodel.analysis import for_plan, for_year
from indexmodel.core.errors import DataUnavailableError, UsageError
from indexmodel.data.peers import with_analyst_file

from test_field import complete_file


@pytest.fixture(scope="module")
def pci():
    return for_plan("pci")


def test_pci_from_the_plan(pci):
    # the weights in force from 2022 (fitted from published figures)
    assert pci.spec.era == "pci_2022_on" and pci.spec.fitted_weights
    assert pci.composite == pytest.approx(67.45)
    assert pci.target_composite == pytest.approx(73.715)
    assert pci.goal_rank == 20 and pci.years_ahead == 2
    # between Trà Vinh (67.46, 24th) and Thanh Hóa (66.79, 30th): the published 25th fits
    assert (pci.rank.low, pci.rank.high) == (25, 29)


def test_leverage_uses_real_improvements_and_names_them(pci):
    table = pci.leverage().set_index("component")
    assert (table["typical_move"] > 0).all() and (table["strong_move"] > table["typical_move"]).all()
    # a step of 1% of the range buys 10 × weight × 0.1 composite points (2022 weights)
    assert table.loc["transparency", "step_1pct_points"] == pytest.approx(0.05)
    assert table.loc["proactivity", "step_1pct_points"] == pytest.approx(0.15)
    assert table.loc["labor_training", "step_1pct_points"] == pytest.approx(0.10)
    assert (table["typical_rank_gain_low"] <= table["typical_rank_gain"]).all()
    assert (table["typical_rank_gain"] <= table["typical_rank_gain_high"]).all()
    assert any("year pairs" in n for n in table.attrs["notes"])
    # the new era has no year pair of its own: the 2013-2021 sub-indices' real gains
    assert any("2013-2014" in n and "2020-2021" in n for n in table.attrs["notes"])
    assert any("methodology before 2022" in n for n in table.attrs["notes"])


def test_cheapest_path_reaches_the_goal_in_the_baseline_field(pci):
    path = pci.cheapest_path()
    assert path.feasible and path.resulting_rank.high <= 20
    caps = pci.yearly_caps()
    plan = path.plan.set_index("component")
    for component, move in plan["move"].items():
        assert move <= caps[component] * 2 + 1e-9


def test_odds_of_an_anchors_year_start_from_the_last_full_table(pci):
    # PCI 2023 is known through anchors only: the field model starts from 2022's full table
    odds = pci.odds()
    assert odds.method == "simulation" and odds.origin == 2022
    assert 0 <= odds.p_goal <= 1
    assert odds.rank_p05 <= odds.rank_p50 <= odds.rank_p95
    assert any("starts from 2022" in a for a in odds.assumptions)
    # a weaker scenario cannot have better odds
    weaker = pci.odds(pci.composite)
    assert weaker.p_goal <= odds.p_goal


def test_with_changes_is_a_cheap_copy_that_keeps_published_offsets():
    sipas = for_plan("sipas")
    before = sipas.composite
    after = sipas.with_changes({"feedback_handling": 2.0})
    assert sipas.composite == before  # the original is untouched
    # +2 on a criterion moves its (given) area by the criterion's weight share and the
    # composite by the area's: the spec's coefficients, whatever the settings in use
    coef = sipas.spec.coefficients()
    assert after.composite == pytest.approx(before + 2 * coef["feedback_handling"])
    assert after.scored["public_services"] == pytest.approx(
        81.56 + 2 * coef["feedback_handling"] / coef["public_services"])
    with pytest.raises(Exception, match="outside its range"):
        sipas.with_changes({"feedback_handling": 30.0})


def test_with_weights_changes_the_unverified_composite():
    par = for_plan("par_index")
    heavy = par.with_weights({"reform_impact": 25.0})
    assert heavy.composite < par.composite  # reform impact is Bình Định's weakest field


def test_sipas_has_arithmetic_and_one_scored_anchor():
    sipas = for_plan("sipas")
    # published 2023: Long An 78.66, 57th: a rank interval, no odds for rank 20
    assert sipas.field.coverage == "anchors"
    assert (sipas.rank.low, sipas.rank.high) == (1, 56)
    table = sipas.leverage()
    assert (table["step_1pct_rank_gain_low"] == 0).all()
    # the 2024 national means of the index and its two areas leave the services area 36–44% of
    # the index: the analysis uses the centroid of what remains
    ppu = table.set_index("component").loc["public_services", "points_per_unit"]
    assert ppu == pytest.approx(sipas.spec.coefficient("public_services")) and 0.36 <= ppu <= 0.44
    odds = sipas.odds()
    assert odds.method == "none" and odds.p_goal is None
    assert "SIPAS 2023 peer file" in odds.text("en")


def test_complete_peer_file_unlocks_exact_ranks_and_simulated_odds(tmp_path):
    peers = with_analyst_file(complete_file(tmp_path))
    pci = for_plan("pci", peers=peers)
    assert pci.field.coverage == "full"
    table = pci.leverage()
    assert (table["typical_rank_gain_low"] == table["typical_rank_gain_high"]).all()
    assert table["regional_typical_rank_gain"].notna().all()
    odds = pci.odds(sims=400, seed=3)
    assert odds.method == "simulation" and odds.origin == 2023
    assert odds.distribution.probabilities.sum() == pytest.approx(1.0)
    assert odds.distribution.n_ranked == 63
    assert odds.rank_p05 <= odds.rank_p50 <= odds.rank_p95
    again = pci.odds(sims=400, seed=3)
    assert np.array_equal(again.distribution.probabilities, odds.distribution.probabilities)
    text = " ".join(odds.assumptions)
    assert "Student-t predictive" in text and f"rests on {odds.shift_pairs} year pairs" in text
    assert "settings fixed beforehand" in text       # no shipped backtest of this made-up data
    assert "Student-t" in " ".join(odds.assumption_texts("vi"))
    assert pci.odds(pci.target_composite + 1.0, sims=400, seed=3).p_goal >= odds.p_goal


def test_odds_from_the_last_full_table_when_the_analysis_year_is_partial(tmp_path):
    """PCI 2023 is anchors only; with a full 2022 table the odds for 2025 come from the
    field model three years ahead of 2022 (the 2022 table here: 2014's relabelled)."""
    peers = with_analyst_file(complete_file(tmp_path, year=2022))
    pci = for_plan("pci", peers=peers)
    assert pci.field.coverage != "full"
    odds = pci.odds(sims=400, seed=3)
    assert odds.method == "simulation" and odds.origin == 2022
    assert odds.distribution.probabilities.sum() == pytest.approx(1.0)
    assert any("The 2023 table is not complete" in a for a in odds.assumptions)
    assert any("moved 3 years to 2025" in a for a in odds.assumptions)
    # Bình Định itself is not its own peer: 62 peers, ranks 1..63
    assert odds.distribution.n_ranked == 63


def test_field_odds_of_a_real_year_use_the_shipped_backtest():
    a = for_year("pci", 2014, "Da Nang", goal_rank=1)
    odds = a.odds(a.composite, goal=1, target_year=2015, sims=400, seed=3)
    assert odds.method == "simulation" and odds.origin == 2014 and odds.shift_pairs > 0
    text = " ".join(odds.assumptions)
    assert "rolling-origin backtest" in text
    assert re.search(r"In the backtest of \d+ PCI year pairs the 90% rank intervals covered \d+%", text)
    assert odds.settings != "points|zero|walk|x1.0|nt" or "fixed beforehand" not in text


def test_for_year_on_a_real_panel_year():
    a = for_year("pci", 2014, "Binh Dinh", goal_rank=10)
    assert a.rank.low == 17
    path = a.cheapest_path()
    assert path.feasible and path.resulting_rank.low <= 10
    with pytest.raises(UsageError, match="outside 1..63"):
        a.cheapest_path(70)
    with pytest.raises(DataUnavailableError, match="no pci 2023 component values"):
        for_year("pci", 2023, "Binh Dinh")  # 2023: two province profiles only


def test_path_with_odds_aims_higher_than_standing_peers(pci):
    still = pci.cheapest_path()
    moving = pci.cheapest_path(probability=0.8)
    assert moving.required_composite >= still.required_composite - 1e-9 or moving.feasible
    assert pci.odds(moving.required_composite).p_goal >= 0.8 - 1e-9
    assert pci.odds(moving.required_composite - 0.05).p_goal < 0.8
    assert "80%" in moving.assumptions[0]
    with pytest.raises(UsageError, match="strictly between 0 and 1"):
        pci.required_composite(20, 1.0)


def test_papi_works_on_the_eight_dimensions_of_2018_2023():
    papi = for_plan("papi")
    assert papi.field.coverage == "full"
    assert list(papi.improvements.index) == list(papi.spec.top_components)
    assert set(papi.improvements["year_pairs"]) == {"2018-2019, 2019-2020, 2020-2021, 2021-2022, 2022-2023"}
    assert any("sub-dimension targets are summed to their dimensions" in n.en for n in papi.notes)
    table = papi.leverage()
    assert list(table["component"]) == list(papi.spec.top_components)
    assert (table["typical_rank_gain_low"] == table["typical_rank_gain_high"]).all()  # exact


def test_components_without_a_panel_get_pooled_difficulty():
    from indexmodel.data.peers import default_peers

    peers = default_peers()
    papi = for_plan("papi", peers=peers[peers["year"] <= 2017])  # no 8-dimension panel
    caps = papi.yearly_caps()
    assert set(caps) == set(papi.spec.top_components)
    known = [caps[c] for c in papi.improvements.index]
    assert caps["e_governance"] == pytest.approx(float(np.median(known)))
    assert any("median of the others" in n.en for n in papi.notes)


def test_the_fitted_pci_weights_are_a_setting_an_analyst_can_override(pci):
    old = {c: pci.spec.node(c).weight for c in pci.spec.top_components}
    old.update(transparency=0.20, business_support=0.20, labor_training=0.20, land_access=0.05,
               informal_charges=0.10, policy_bias=0.05, proactivity=0.05, legal_institutions=0.05)
    under_old = pci.with_weights(old)
    assert under_old.composite == pytest.approx(66.26, abs=0.005)
    assert under_old.target_composite == pytest.approx(70.685, abs=1e-9)
    assert pci.composite == pytest.approx(67.45)  # the original is untouched
    # the anchors alone place 66.26 below Thanh Hóa's 66.79 (30th, 28 other provinces above it,
    # Bình Định being 25th): 30th at best, not the published 25th
    assert under_old.field.guaranteed.place(under_old.composite).low == 30
