"""Leverage and the optimizer on real specs with exactly known fields."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from indexmodel.core.errors import UsageError
from indexmodel.data.spec import load_specs
from indexmodel.model.leverage import leaders, leverage_table, most_leverage, rank_gain, target_realism
from indexmodel.model.optimize import best_rank_for_budget, cheapest_path
from indexmodel.model.ranking import ExactField, RankCurve
from indexmodel.model.scoring import score

SPEC = load_specs().spec_for("pci", 2021)  # the 2013-2021 weights: three sub-indices at 20%
OWN = dict(entry_costs=7.26, land_access=6.84, transparency=6.51, time_costs=8.07,
           informal_charges=6.96, policy_bias=5.69, proactivity=6.64, business_support=6.62,
           labor_training=5.97, legal_institutions=7.70)


@pytest.fixture(scope="module")
def field():
    rng = np.random.default_rng(11)
    return ExactField.from_series(pd.Series(rng.normal(64, 2.5, 62)))


def test_leverage_matches_a_hand_computation(field):
    table = leverage_table(SPEC, OWN, field, targets={"transparency": 6.70}).set_index("component")
    base = score(SPEC, OWN).composite
    # transparency carries weight 20%: 1% of its range (0.1) is 0.2 composite points
    assert table.loc["transparency", "step_1pct_points"] == pytest.approx(0.2)
    before = field.place(base).low
    after = field.place(base + 2.0 * 0.19).low
    assert table.loc["transparency", "target_rank_gain"] == before - after
    assert math.isnan(table.loc["land_access", "target_rank_gain"])  # no target given: not guessed


def test_frontier_and_caps_at_maximum(field):
    table = leverage_table(SPEC, OWN, field, frontier={"time_costs": 9.9, "entry_costs": 7.0})
    t = table.set_index("component")
    assert t.loc["time_costs", "frontier_move"] == pytest.approx(9.9 - 8.07)
    assert t.loc["entry_costs", "frontier_move"] == 0.0  # already above the best peer
    big = leverage_table(SPEC, OWN, field, improvements=pd.DataFrame(
        {"median": [5.0], "p90": [50.0]}, index=["legal_institutions"])).set_index("component")
    assert big.loc["legal_institutions", "strong_move"] == pytest.approx(10 - 7.70)


def test_most_leverage_picks_the_heaviest_weight_for_equal_steps(field):
    table = leverage_table(SPEC, OWN, field, improvements=pd.DataFrame(
        {"median": 0.5, "p90": 1.0}, index=list(OWN)))
    # the three 20% sub-indices tie: no single leader is named
    assert leaders(table, "typical") == ["transparency", "business_support", "labor_training"]
    assert most_leverage(table, "typical") is None
    uneven = table.assign(typical_points=table["typical_points"] + (table["component"] == "labor_training") * 0.01)
    assert most_leverage(uneven, "typical") == "labor_training"


def test_rank_gain_on_a_curve_is_an_interval():
    curve = RankCurve.from_anchors([(1, 70.0), (10, 68.0), (25, 66.0), (63, 50.0)], 63)
    worst, best, central = rank_gain(curve, 66.5, 69.0)
    assert 0 <= worst <= central <= best
    assert best == 25 - 2 and worst == 11 - 10  # [11, 25] → [2, 10]


def test_cheapest_path_reaches_the_goal_and_respects_caps(field):
    caps = {c: 0.4 for c in OWN}
    difficulty = {c: 1.0 + i / 10 for i, c in enumerate(OWN)}
    result = cheapest_path(SPEC, OWN, field, 5, difficulty=difficulty, yearly_cap=caps, years=2)
    assert result.feasible
    assert result.resulting_rank.high <= 5
    plan = result.plan.set_index("component")
    assert (plan["move"] <= 0.8 + 1e-9).all() and (plan["move"] >= -1e-12).all()
    # exactness: brute force over which components are used at their cap, on a coarse grid
    need = result.required_composite - result.current_composite
    coef = SPEC.coefficients()
    best = math.inf
    for combo in itertools.product([0, 0.4, 0.8], repeat=3):
        moves = dict(zip(["transparency", "business_support", "labor_training"], combo))
        if sum(coef[c] * m for c, m in moves.items()) >= need - 1e-9:
            best = min(best, sum(difficulty[c] * m for c, m in moves.items()))
    assert result.total_cost <= best + 1e-9


def test_infeasible_goal_reports_the_best_reachable_rank(field):
    result = cheapest_path(SPEC, OWN, field, 1, yearly_cap={c: 0.05 for c in OWN})
    assert not result.feasible
    assert result.best_reachable.low > 1
    assert "cannot be reached" in result.summary("en") and "Không thể" in result.summary("vi")


def test_budget_reverse(field):
    small = best_rank_for_budget(SPEC, OWN, field, 0.1)
    large = best_rank_for_budget(SPEC, OWN, field, 1.0)
    assert large.resulting_rank.low <= small.resulting_rank.low
    assert large.total_cost <= 1.0 + 1e-9
    # the goal path's own cost buys at least its rank
    path = cheapest_path(SPEC, OWN, field, 8)
    back = best_rank_for_budget(SPEC, OWN, field, path.total_cost + 1e-9)
    assert back.resulting_rank.low <= 8


def test_bad_goals(field):
    with pytest.raises(UsageError, match="outside 1..63"):
        cheapest_path(SPEC, OWN, field, 0)
    with pytest.raises(UsageError, match="outside 1..63"):
        cheapest_path(SPEC, OWN, field, 64)
    with pytest.raises(UsageError, match="budget"):
        best_rank_for_budget(SPEC, OWN, field, -1)


def test_target_realism_percentiles():
    gains = {"transparency": np.array([-1, 0, 0.1, 0.2, 0.3, 0.5, 1.0])}
    table = target_realism({"transparency": 6.5}, {"transparency": 6.8}, gains).set_index("component")
    # a gain of 0.3: four real gains lie below it, three reach it (0.3 itself counts)
    assert table.loc["transparency", "percentile"] == pytest.approx(100 * 4 / 7)
    assert table.loc["transparency", "share_reaching"] == pytest.approx(3 / 7)
