"""Ranks, the score for rank k, rank curves from anchors."""

import math

import numpy as np
import pandas as pd
import pytest

from indexmodel.core.errors import DataUnavailableError, UsageError
from indexmodel.model.ranking import (ExactField, RankCurve, competition_rank, rank_among, ranks_of,
                                      score_for_rank)


def test_competition_ranking_shares_the_best_place():
    assert competition_rank([7.0, 9.0, 9.0, 5.0, 9.5]).tolist() == [4, 2, 2, 5, 1]


def test_unranked_provinces_take_no_place():
    ranks = competition_rank([3.0, math.nan, 2.0, 0.0 + 4])
    assert np.isnan(ranks[1])
    assert ranks[[0, 2, 3]].tolist() == [2, 3, 1]
    series = ranks_of(pd.Series([3.0, math.nan, 2.0], index=["a", "b", "c"]))
    assert series["b"] is pd.NA and series["a"] == 1


def test_row_wise_ranking_of_simulations():
    sims = np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]])
    assert competition_rank(sims).tolist() == [[3, 2, 1], [1, 1, 3]]


def test_rank_among_and_score_for_rank_agree():
    rng = np.random.default_rng(3)
    peers = np.round(rng.normal(60, 4, 62), 1)
    for k in (1, 5, 20, 40, 63):
        need = score_for_rank(k, peers)
        assert rank_among(need, peers) <= k
        if math.isfinite(need) and k > 1:
            assert rank_among(need - 1e-6, peers) > k or rank_among(need - 1e-6, peers) == k
    with pytest.raises(UsageError, match="outside 1..63"):
        score_for_rank(64, peers)


def test_curve_gives_intervals_between_anchors():
    curve = RankCurve.from_anchors([(1, 46.04), (2, 45.78), (6, 45.50), (19, 43.45), (61, 38.97)], 61)
    mid = curve.place(44.0)
    assert (mid.low, mid.high) == (7, 19) and 7 <= mid.central <= 19 and not mid.exact
    assert curve.place(45.78).low == 2 and curve.place(45.78).high == 2
    assert curve.place(47).text() == "1"
    below = curve.place(30.0)
    assert (below.low, below.high) == (61, 61)
    # monotone: a higher score never gets a worse central rank
    scores = np.linspace(38, 47, 200)
    centrals = [curve.place(s).central for s in scores]
    assert all(a >= b - 1e-9 for a, b in zip(centrals, centrals[1:]))
    assert curve.score_for_rank(10) == (43.45, 45.50)
    assert curve.score_for_rank(19) == (43.45, 43.45)


def test_curve_refuses_contradictory_anchors():
    with pytest.raises(DataUnavailableError, match="not monotone"):
        RankCurve.from_anchors([(1, 40.0), (5, 45.0)], 61)
    with pytest.raises(DataUnavailableError, match="beyond the 61"):
        RankCurve.from_anchors([(1, 40.0), (63, 30.0)], 61)


def test_exact_field():
    field = ExactField.from_series(pd.Series([70.0, 68.0, 66.0, 66.0], index=list("abcd")), exclude="a")
    assert field.n == 4
    assert field.place(67).low == 2 and field.place(66).low == 2 and field.place(65).low == 4
    assert field.score_for_rank(1) == (68.0, 68.0)


# -- anchors ranked behind the province's own place ------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(scores=st.lists(st.integers(0, 400), min_size=4, max_size=25, unique=True),
       data=st.data())
def test_a_partial_table_always_contains_the_true_rank_among_the_others(scores, data):
    """Published anchors count the province itself: a peer ranked behind it stood one place
    higher among the others. Whatever the table, the place of a new score of the province
    lies in the interval the anchors give (own place known as a point or within bounds)."""
    table = sorted((s / 4 for s in scores), reverse=True)
    n = len(table)
    own_rank = data.draw(st.integers(1, n))
    own_score = table[own_rank - 1]
    others = [s for i, s in enumerate(table) if i != own_rank - 1]
    picked = data.draw(st.lists(st.sampled_from([r for r in range(1, n + 1) if r != own_rank]),
                                unique=True, max_size=n - 1))
    anchors = [(r, table[r - 1]) for r in picked]
    new = data.draw(st.integers(-4, 404)) / 4
    truth = 1 + sum(s > new for s in others)
    with_own = RankCurve.from_anchors(anchors, n, own=(own_rank, own_score))
    above = table[own_rank - 2] if own_rank > 1 else 200.0
    below = table[own_rank] if own_rank < n else -1.0
    within = RankCurve.from_anchors(anchors, n, own_bounds=(own_rank, below, above))
    for curve in (with_own, within):
        placed = curve.place(new)
        assert placed.low <= truth <= placed.high, (anchors, own_rank, new, placed)
