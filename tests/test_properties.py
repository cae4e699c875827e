"""Properties that must hold for any input (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexmodel.data.spec import load_specs
from indexmodel.model.optimize import best_rank_for_budget, cheapest_path
from indexmodel.model.ranking import ExactField, competition_rank, rank_among
from indexmodel.model.scoring import score

BOOK = load_specs()
SPECS = [s for s in BOOK.specs if s.root.rule != "unknown"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def spec_and_leaves(draw):
    spec = draw(st.sampled_from(SPECS))
    values = {leaf: draw(st.floats(spec.node(leaf).min, spec.node(leaf).max, allow_nan=False))
              for leaf in spec.leaves}
    return spec, values


@FAST
@given(spec_and_leaves())
def test_composite_stays_within_its_range(case):
    spec, values = case
    composite = score(spec, values).composite
    assert spec.root.min - 1e-6 <= composite <= spec.root.max + 1e-6


@FAST
@given(spec_and_leaves(), st.data())
def test_improving_a_component_never_lowers_the_composite_nor_the_rank(case, data):
    spec, values = case
    leaf = data.draw(st.sampled_from(spec.leaves))
    node = spec.node(leaf)
    better = dict(values)
    better[leaf] = data.draw(st.floats(values[leaf], node.max, allow_nan=False))
    before, after = score(spec, values).composite, score(spec, better).composite
    assert after >= before - 1e-9
    peers = data.draw(st.lists(st.floats(spec.root.min, spec.root.max, allow_nan=False),
                               min_size=1, max_size=70))
    assert rank_among(after, peers) <= rank_among(before, peers)


@FAST
@given(st.lists(st.one_of(st.floats(0, 100, allow_nan=False), st.just(math.nan)),
                min_size=1, max_size=80))
def test_ranks_form_a_competition_ranking(scores):
    ranks = competition_rank(scores)
    finite = [(s, r) for s, r in zip(scores, ranks) if not math.isnan(s)]
    n = len(finite)
    for s, r in finite:
        assert 1 <= r <= n
        assert r == 1 + sum(1 for t, _ in finite if t > s)  # 1, 2, 2, 4
    assert all(math.isnan(r) for s, r in zip(scores, ranks) if math.isnan(s))


PCI = BOOK.spec_for("pci", 2023)


@st.composite
def pci_case(draw):
    own = {c: draw(st.floats(3.0, 9.0, allow_nan=False)) for c in PCI.top_components}
    peers = draw(st.lists(st.floats(40.0, 80.0, allow_nan=False), min_size=5, max_size=62))
    caps = {c: draw(st.floats(0.0, 2.0, allow_nan=False)) for c in PCI.top_components}
    difficulty = {c: draw(st.floats(0.1, 5.0, allow_nan=False)) for c in PCI.top_components}
    goal = draw(st.integers(1, len(peers) + 1))
    return own, peers, caps, difficulty, goal


@FAST
@given(pci_case())
def test_the_optimizer_reaches_its_goal_and_respects_every_cap(case):
    own, peers, caps, difficulty, goal = case
    field = ExactField(tuple(peers))
    result = cheapest_path(PCI, own, field, goal, difficulty=difficulty, yearly_cap=caps, years=1)
    plan = result.plan.set_index("component")
    for c in PCI.top_components:
        assert -1e-9 <= plan.loc[c, "move"] <= min(caps[c], 10 - own[c]) + 1e-7
        assert plan.loc[c, "new_value"] <= 10 + 1e-7
    if result.feasible:
        assert rank_among(result.resulting_composite + 1e-7, peers) <= goal
    else:
        top = score(PCI, own).composite + sum(PCI.coefficient(c) * min(caps[c], 10 - own[c])
                                              for c in PCI.top_components)
        assert rank_among(top, peers) > goal
        assert result.best_reachable.low == rank_among(top, peers)


@FAST
@given(pci_case(), st.floats(0, 10, allow_nan=False))
def test_a_bigger_budget_never_buys_a_worse_rank(case, budget):
    own, peers, caps, difficulty, _ = case
    field = ExactField(tuple(peers))
    small = best_rank_for_budget(PCI, own, field, budget, difficulty=difficulty, yearly_cap=caps)
    large = best_rank_for_budget(PCI, own, field, budget * 2 + 0.5, difficulty=difficulty,
                                 yearly_cap=caps)
    assert small.total_cost <= budget + 1e-7
    assert large.resulting_composite >= small.resulting_composite - 1e-7
    assert large.resulting_rank.low <= small.resulting_rank.low


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(40, 80, allow_nan=False), st.integers(1, 3))
def test_monte_carlo_repeats_with_its_seed_and_probabilities_add_up(seed, own, years):
    from indexmodel.data.peers import default_peers
    from indexmodel.model.simulation import rank_distribution, simulate

    model = _pci_model()
    peers = default_peers()
    x = (peers[(peers["index"] == "pci") & (peers["year"] == 2014)]
         .pivot(index="province", columns="component", values="value")[list(model.components)])
    a = simulate(model, x, years, sims=200, seed=seed)
    b = simulate(model, x, years, sims=200, seed=seed)
    assert np.array_equal(a, b)
    dist = rank_distribution(own, a, goal=20)
    assert dist.probabilities.sum() == pytest.approx(1.0)
    assert (dist.probabilities >= 0).all() and 0 <= dist.p_goal <= 1


_MODEL = []


def _pci_model():
    if not _MODEL:
        from indexmodel.data.peers import default_peers
        from indexmodel.model.calibration import calibrate

        _MODEL.append(calibrate(default_peers(), "pci", target_year=2014))
    return _MODEL[0]
