"""Scoring from any level of the tree, in every era."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from indexmodel.data.spec import load_specs
from indexmodel.model.scoring import ConsistencyWarning, ValueOutOfRangeError, score, score_frame

BOOK = load_specs()


def mid_values(spec, ids):
    return {i: (spec.node(i).min + spec.node(i).max) / 2 for i in ids}


@pytest.mark.parametrize("era", [s.era for s in BOOK.specs if s.root.rule != "unknown"])
def test_leaves_and_middle_levels_give_the_same_composite(era):
    spec = BOOK.era(era)
    rng = np.random.default_rng(1)
    leaves = {i: float(rng.uniform(spec.node(i).min, spec.node(i).max)) for i in spec.leaves}
    from_leaves = score(spec, leaves)
    # the same tree scored from the level under the composite only
    middle = {i: from_leaves[i] for i in spec.top_components}
    from_middle = score(spec, middle)
    assert from_leaves.composite == pytest.approx(from_middle.composite, abs=1e-9)
    # and the composite equals the linear map of the leaves
    coef = spec.coefficients()
    assert from_leaves.composite == pytest.approx(sum(coef[i] * v for i, v in leaves.items()))
    assert spec.root.min - 1e-9 <= from_leaves.composite <= spec.root.max + 1e-9


def test_pci_2022_formula_by_hand():
    """The plan's 2023 sub-indices under the weights in force from 2022 (fitted): 67.45."""
    spec = BOOK.spec_for("pci", 2023)
    values = dict(entry_costs=7.26, land_access=6.84, transparency=6.51, time_costs=8.07,
                  informal_charges=6.96, policy_bias=5.69, proactivity=6.64,
                  business_support=6.62, labor_training=5.97, legal_institutions=7.70)
    weights = dict(entry_costs=.05, land_access=.10, transparency=.05, time_costs=.05,
                   informal_charges=.15, policy_bias=.10, proactivity=.15, business_support=.15,
                   labor_training=.10, legal_institutions=.10)
    expected = 10 * sum(weights[k] * v for k, v in values.items())
    assert score(spec, values).composite == pytest.approx(expected)
    assert score(spec, values).composite == pytest.approx(67.45, abs=0.005)


def test_pci_2013_formula_by_hand():
    spec = BOOK.spec_for("pci", 2021)
    values = dict(entry_costs=7.26, land_access=6.84, transparency=6.51, time_costs=8.07,
                  informal_charges=6.96, policy_bias=5.69, proactivity=6.64,
                  business_support=6.62, labor_training=5.97, legal_institutions=7.70)
    weights = dict(entry_costs=.05, land_access=.05, transparency=.2, time_costs=.05,
                   informal_charges=.1, policy_bias=.05, proactivity=.05, business_support=.2,
                   labor_training=.2, legal_institutions=.05)
    expected = 10 * sum(weights[k] * v for k, v in values.items())
    assert score(spec, values).composite == pytest.approx(expected)
    assert score(spec, values).composite == pytest.approx(66.26, abs=0.005)


def test_pci_2006_2008_and_2009_2012_weights_differ():
    values = {c: 5.0 for c in BOOK.spec_for("pci", 2007).leaves}
    values["labor_training"] = 9.0
    a = score(BOOK.spec_for("pci", 2007), values).composite
    b = score(BOOK.spec_for("pci", 2010), {k: v for k, v in values.items() if k != "policy_bias"}).composite
    assert a == pytest.approx(50 + 10 * 0.15 * 4)
    assert b == pytest.approx(50 + 10 * 0.20 * 4)


def test_papi_mixed_levels():
    spec = BOOK.spec_for("papi", 2023)
    values = {d: 5.0 for d in spec.top_components}
    del values["participation"]
    values.update(civic_knowledge=1.0, participation_opportunities=1.5, election_quality=2.0,
                  voluntary_contributions=0.5)
    result = score(spec, values)
    assert result["participation"] == pytest.approx(5.0)
    assert result.composite == pytest.approx(40.0)


def test_missing_child_leaves_parent_unknown():
    spec = BOOK.spec_for("papi", 2023)
    values = {d: 5.0 for d in spec.top_components if d != "e_governance"}
    values.update(e_government_use=1.0, internet_use=2.0)  # e_responsiveness missing
    result = score(spec, values)
    assert math.isnan(result["e_governance"]) and math.isnan(result.composite)


def test_sipas_default_plain_means():
    spec = BOOK.spec_for("sipas", 2024)
    values = dict(policy_accountability=80, policy_participation=82, policy_quality=84,
                  policy_outcomes=86, service_access=70, administrative_procedures=75,
                  civil_servants=80, service_results=85, feedback_handling=90)
    result = score(spec, values)
    assert result["policy"] == pytest.approx(83)
    assert result["public_services"] == pytest.approx(80)
    assert result.composite == pytest.approx(81.5)


def test_par_index_points_to_percent():
    spec = BOOK.spec_for("par_index", 2023).with_weights({"direction": 20, "reform_impact": 5})
    values = {f: 80.0 for f in spec.top_components}
    values["direction"] = 100.0
    values["reform_impact"] = 40.0
    total_points = 20 * 1.0 + 5 * 0.4 + 6 * 12.5 * 0.8
    assert score(spec, values).composite == pytest.approx(100 * total_points / (20 + 5 + 75))


def test_given_parent_that_disagrees_warns_with_the_gap():
    spec = BOOK.spec_for("sipas", 2023)
    values = dict(policy=85.24, policy_accountability=85.18, policy_participation=84.85,
                  policy_quality=85.38, policy_outcomes=85.22)
    with pytest.warns(ConsistencyWarning, match=r"given 85.24 but its components give 85.16 \(gap \+0.0825"):
        result = score(spec, values)
    assert result["policy"] == 85.24  # the given value stands
    assert result.inconsistencies[0].gap == pytest.approx(0.0825)


def test_given_parent_within_tolerance_is_silent():
    spec = BOOK.spec_for("papi", 2023)
    values = dict(participation=4.54, civic_knowledge=1.04, participation_opportunities=1.32,
                  election_quality=1.41, voluntary_contributions=0.77)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert score(spec, values).inconsistencies == ()


@pytest.mark.parametrize("index,year,component,value", [
    ("pci", 2023, "transparency", 10.5),
    ("papi", 2023, "civic_knowledge", 2.6),
    ("papi", 2023, "participation", 0.5),
    ("sipas", 2023, "service_access", -1),
    ("par_index", 2023, "direction", 100.01),
])
def test_out_of_range_is_refused(index, year, component, value):
    spec = BOOK.spec_for(index, year)
    with pytest.raises(ValueOutOfRangeError, match=f"{component} = .* is outside its range"):
        score(spec, {component: value})


def test_published_only_year_never_recomputes():
    spec = BOOK.spec_for("pci", 2011)
    values = {c: 6.0 for c in spec.leaves}
    assert math.isnan(score(spec, values, year=2011).composite)
    assert score(spec, values, year=2012).composite == pytest.approx(60.0)
    given = dict(values, pci=61.2)
    assert score(spec, given, year=2011).composite == 61.2


def test_score_frame_names_the_province_in_gaps():
    spec = BOOK.spec_for("papi", 2023)
    frame = pd.DataFrame({"participation": [5.0, 5.0], "civic_knowledge": [1.0, 1.0],
                          "participation_opportunities": [1.0, 1.0], "election_quality": [1.0, 1.0],
                          "voluntary_contributions": [2.0, 1.0]}, index=["Ha Noi", "Hue"])
    table, issues = score_frame(spec, frame, warn=False)
    assert [i.province for i in issues] == ["Hue"]
    assert table.loc["Hue", "participation"] == 5.0
