"""Unverified settings: the fast corner evaluation agrees with scoring, ranges are exact."""

import numpy as np
import pytest

from indexmodel.data.spec import load_specs
from indexmodel.model.scoring import score
from indexmodel.model.settings import composite_range, corner_weights, node_values_under_weights

BOOK = load_specs()


@pytest.mark.parametrize("index", ["sipas", "par_index"])
def test_vectorised_corners_equal_scoring_with_those_weights(index):
    spec = BOOK.spec_for(index, 2023)
    rng = np.random.default_rng(5)
    values = {leaf: float(rng.uniform(60, 100)) for leaf in spec.leaves}
    if index == "sipas":
        values["policy"] = 84.0  # a given parent stands whatever the weights
    ids = spec.unverified_weights
    corners = list(corner_weights(spec))[:50]
    matrix = np.array([[c[i] for i in ids] for c in corners])
    fast = node_values_under_weights(spec, values, ids, matrix)[spec.composite]
    slow = [score(spec.with_weights(c), values, warn=False).composite for c in corners]
    assert np.allclose(fast, slow)


def test_range_covers_random_settings_inside_the_box():
    spec = BOOK.spec_for("par_index", 2023)
    values = dict(direction=97.18, institutional_reform=93.56, procedure_reform=99.9,
                  organizational_reform=92.43, civil_service_reform=86.48,
                  public_finance_reform=79.56, digital_government=86.67, reform_impact=71.52)
    rng = np.random.default_rng(9)
    full = composite_range(spec, values)
    for _ in range(200):
        weights = {i: float(rng.uniform(spec.node(i).weight_low, spec.node(i).weight_high))
                   for i in spec.unverified_weights}
        value = score(spec.with_weights(weights), values, warn=False).composite
        assert full.low - 1e-9 <= value <= full.high + 1e-9
    # the extremes are corners: brute force over all 2^8 corners through plain scoring
    import itertools

    ids = spec.unverified_weights
    corners = [score(spec.with_weights(dict(zip(ids, c))), values, warn=False).composite
               for c in itertools.product(*[(6, 25)] * len(ids))]
    assert (full.low, full.high) == pytest.approx((min(corners), max(corners)))


def test_range_keeps_a_stated_total():
    spec = BOOK.spec_for("par_index", 2024)
    values = {c: 90.0 for c in spec.top_components}
    values["area_impact"] = 70.0
    rng = composite_range(spec, values)
    # impact takes 6–25 of the 100 points (the others keep the rest): 90 − 20 × 0.25 … 90 − 20 × 0.06
    assert (rng.low, rng.high) == (pytest.approx(85.0), pytest.approx(88.8))
    # the box's corners would not keep the total, and would reach further
    corners = [node_values_under_weights(spec, values, spec.unverified_weights,
                                         np.array([[w[i] for i in spec.unverified_weights]]))
               [spec.composite][0] for w in corner_weights(spec)]
    assert min(corners) < rng.low - 1
