"""The consistent part of the unverified settings: exact shares, exact ranges, sampled centres."""

import numpy as np
import pandas as pd
import pytest

from indexmodel.data.spec import load_specs
from indexmodel.model.consistency import (Constraint, consistency, groups_of, halfspace_share,
                                          polygon_share)
from indexmodel.model.field import Note
from indexmodel.model.scoring import score
from indexmodel.model.settings import node_values_under_weights

BOOK = load_specs()
PAR = BOOK.spec_for("par_index", 2023)
SIPAS = BOOK.spec_for("sipas", 2023)
#: the plan's PAR INDEX 2023 field percentages and 2025 targets (seed plan, section II.3)
BASE = dict(direction=97.18, institutional_reform=93.56, procedure_reform=99.90,
            organizational_reform=92.43, civil_service_reform=86.48, public_finance_reform=79.56,
            digital_government=86.67, reform_impact=71.52)
TARGET = dict(direction=100.0, institutional_reform=94.5, procedure_reform=100.0,
              organizational_reform=93.5, civil_service_reform=88.0, public_finance_reform=87.5,
              digital_government=88.0, reform_impact=80.0)
NOTE = Note("mốc", "anchor")


def own_rank(low=86.98, high=87.32):
    return Constraint("par_index", BASE, low, high, NOTE, "own_rank", low_open=True)


def test_halfspace_share_is_exact():
    # P(u1 + u2 ≤ 1) = 1/2 and P(u1 + u2 + u3 ≤ 1) = 1/6 for unit uniforms
    assert halfspace_share([1, 1], -1, [0, 0], [1, 1]) == pytest.approx(0.5, abs=1e-15)
    assert halfspace_share([1, 1, 1], -1, [0, 0, 0], [1, 1, 1]) == pytest.approx(1 / 6, abs=1e-15)
    # negative coefficients and shifted boxes against a dense sample
    rng = np.random.default_rng(4)
    a, a0 = np.array([3.0, -2.0, 0.5, -1.0, 4.0]), -20.0
    low, high = np.array([1, 2, 0, 3, 1.5]), np.array([4, 5, 6, 4, 3])
    draws = rng.uniform(low, high, size=(400_000, 5))
    sampled = np.mean(draws @ a + a0 <= 0)
    exact = halfspace_share(a, a0, low, high)
    assert exact == pytest.approx(sampled, abs=4 * np.sqrt(sampled * (1 - sampled) / 400_000))
    assert halfspace_share([1, 1], 5, [0, 0], [1, 1]) == 0.0
    assert halfspace_share([1, 1], -5, [0, 0], [1, 1]) == 1.0


def test_polygon_share_of_a_wedge():
    # w2 ≤ w1 in the unit square keeps half; w2 ≤ w1 / 2 a quarter
    assert polygon_share([((-1.0, 1.0), 0.0)], (0, 0), (1, 1)) == pytest.approx(0.5)
    assert polygon_share([((-0.5, 1.0), 0.0)], (0, 0), (1, 1)) == pytest.approx(0.25)
    assert polygon_share([((1.0, 1.0), 5.0)], (0, 0), (1, 1)) == 0.0


def test_par_2023_consistent_part_exact_and_sampled_agree():
    result = consistency(PAR, [own_rank()], seed=11)
    group = result.groups[0]
    assert group.method == "exact" and result.exact
    sampled = group.found / group.drawn
    se = np.sqrt(sampled * (1 - sampled) / group.drawn)
    assert result.share == pytest.approx(sampled, abs=4 * se)
    assert 0.05 < result.share < 0.09            # about 93% of the box is excluded
    # the default (equal maximum points, 88.41) is excluded; the centroid is consistent
    assert not result.default_consistent
    assert score(PAR, BASE, warn=False).composite == pytest.approx(88.41, abs=0.005)
    central = score(result.central_spec(), BASE, warn=False).composite
    assert 86.98 - 0.005 < central <= 87.32 + 0.005
    # every sampled setting is consistent (within the values' rounding)
    ids, rows = result.samples()
    values = node_values_under_weights(PAR, BASE, ids, rows)["par_index"]
    assert (values > 86.98 - 0.005).all() and (values <= 87.32 + 0.005).all()
    assert rows.shape[0] == 2000


def test_par_2023_ranges_over_the_consistent_part_are_exact_and_attained():
    result = consistency(PAR, [own_rank()], seed=11)
    ids, rows = result.samples()
    target = node_values_under_weights(PAR, TARGET, ids, rows)["par_index"]
    rng = result.range(TARGET)
    assert rng.low <= target.min() + 1e-9 and target.max() <= rng.high + 1e-9
    assert target.min() - rng.low < 0.5 and rng.high - target.max() < 0.5
    whole = consistency(PAR, [], seed=11).range(TARGET)
    assert whole.low < rng.low and rng.high < whole.high    # the anchors narrow it
    gain = result.gain_range(BASE, TARGET)
    gains = target - node_values_under_weights(PAR, BASE, ids, rows)["par_index"]
    assert gain.low <= gains.min() + 1e-9 and gains.max() <= gain.high + 1e-9
    # the LP's extreme setting for the highest target composite is itself consistent
    for setting in PAR.unverified_weights:
        w = result.weight_range(setting)
        assert 6 - 1e-9 <= w.low <= w.high <= 25 + 1e-9
        c = result.coefficient_range(setting)
        share = rows[:, ids.index(setting)] / rows.sum(axis=1)
        assert c.low <= share.min() + 1e-9 and share.max() <= c.high + 1e-9


def test_same_seed_same_result_and_cache_is_keyed_by_the_facts():
    a = consistency(PAR, [own_rank()], seed=5)
    b = consistency(PAR, [own_rank()], seed=5)
    assert a is b
    c = consistency(PAR, [own_rank(86.0, 87.32)], seed=5)
    assert c is not a and c.share > a.share


def test_nothing_consistent_is_said_not_hidden():
    # no mix of fields between 71.52 and 99.90 can give 60
    result = consistency(PAR, [own_rank(59.0, 60.0)], seed=3)
    assert result.empty and result.share == 0.0
    assert result.range(TARGET) is None and result.gain_range(BASE, TARGET) is None
    assert result.central_spec().node("direction").weight == 12.5  # the default, flagged elsewhere


def test_sipas_national_means_cut_a_wedge_of_the_area_weights():
    means = Constraint("sipas", {"policy": 83.84, "public_services": 84.09}, 83.935, 83.945,
                       NOTE, "national_means")
    result = consistency(SIPAS, [means], seed=2)
    areas = result.groups[0]
    assert areas.group.parent == "sipas" and areas.method == "exact"
    sampled = areas.found / areas.drawn
    assert areas.share == pytest.approx(sampled, abs=4 * np.sqrt(sampled * (1 - sampled) / areas.drawn))
    share = result.coefficient_range("public_services")  # the services area's share of the index
    assert share.low == pytest.approx(0.36, abs=1e-6) and share.high == pytest.approx(0.44, abs=1e-6)
    assert not areas.default_consistent                    # plain means give 83.965
    # the criteria groups are untouched
    assert all(g.method == "none" and g.share == 1.0 for g in result.groups[1:])


def test_groups_keep_a_stated_total():
    spec = BOOK.spec_for("par_index", 2024)
    (group,) = groups_of(spec)
    assert group.total == pytest.approx(100 - 9.5 - 13)
    result = consistency(spec, [], seed=1)
    ids, rows = result.samples()
    assert np.allclose(rows.sum(axis=1), 77.5)
    assert (rows >= 6 - 1e-9).all() and (rows <= 25 + 1e-9).all()
    values = {c: 90.0 for c in spec.top_components}
    values["area_impact"] = 70.0
    rng = result.range(values)
    # impact's 6–25 points of 100 put the composite between 90 − 0.25×20 and 90 − 0.06×20
    assert rng.low == pytest.approx(85.0) and rng.high == pytest.approx(88.8)
    frame = pd.DataFrame(rows, columns=ids)
    assert frame["area_impact"].between(6, 25).all()
