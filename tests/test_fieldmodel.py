"""The field model and its kernels: properties that must hold whatever the data."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexmodel.core.errors import DataUnavailableError, UsageError
from indexmodel.model import fastsim
from indexmodel.model.fieldmodel import (DEFAULT_SETTINGS, FieldPanel, Settings, TPredictive,
                                         candidates, prepare, shift_model)
from indexmodel.model.rankscore import interval, quantile, rank_cdf, score_ranks, self_consistency


def replace_years(reshuffle, yearly):
    from dataclasses import replace
    return replace(reshuffle, yearly=tuple(yearly), yearly_pairs=reshuffle.yearly_pairs[:len(yearly)])


def panel(x, years=None, eras=None, index="pci"):
    x = np.asarray(x, float)
    years = tuple(years or range(2010, 2010 + x.shape[1]))
    eras = eras or {y: "era" for y in years}
    provinces = tuple(f"P{i:02d}" for i in range(x.shape[0]))
    return FieldPanel(index, provinces, years, x, eras, {y: "test" for y in years})


def real_like(n=30, years=6, seed=0, shift=0.5):
    rng = np.random.default_rng(seed)
    base = rng.normal(60, 3, n)
    cols = [base]
    for _ in range(years - 1):
        cols.append(60 + 0.8 * (cols[-1] - cols[-1].mean()) + rng.normal(0, 1.5, n)
                    + rng.normal(0, shift))
    return panel(np.column_stack(cols))


# -- settings and the predictive ----------------------------------------------------------
def test_candidates_and_ids():
    cands = candidates()
    assert len(cands) == 48 and DEFAULT_SETTINGS.name in cands
    assert sum(s.reshuffle == "yearly" for s in cands.values()) == 24
    assert Settings.from_name("points|zero|walk|x1.0|nt").reshuffle == "pooled"  # old ids
    for name, s in cands.items():
        assert Settings.from_name(name) == s
    with pytest.raises(UsageError, match="unknown units"):
        Settings(units="ranks")
    with pytest.raises(UsageError, match="settings id"):
        Settings.from_name("wide")
    assert Settings(process="level").effective(1, False) == Settings().name   # one year: the same
    assert Settings(units="spread").effective(2, True) == "standardized"


def test_t3_tails_keep_the_central_90_percent_range():
    a = TPredictive(0.0, 1.0, 12.0, ("x",) * 12)
    b = a.with_tails(3.0)
    assert b.dof == 3.0 and b.quantile(0.95) == pytest.approx(a.quantile(0.95))
    assert b.quantile(0.995) > a.quantile(0.995)               # heavier far tails
    assert TPredictive(0.0, 1.0, 2.0, ()).with_tails(3.0).dof == 2.0


def test_shift_predictive_is_a_student_t_that_says_what_it_rests_on():
    fp = real_like()
    m = shift_model(fp, 2014, 2, "era", Settings())
    assert m.n_pairs == 4 and m.shift.dof == 4 and m.draws == 2     # 2010→11 … 2013→14
    assert all(p.startswith("PCI 201") for p in m.shift.pairs)
    assert "rests on 4 year pairs" in m.describe()
    era = shift_model(fp, 2014, 1, "era", Settings(centre="era_mean"))
    assert era.shift.dof == 3                                        # one dof for the mean
    assert era.shift.scale > 0 and math.isfinite(era.shift.centre)
    with pytest.raises(DataUnavailableError, match="too few yearly shifts"):
        shift_model(fp, 2010, 1, "era", Settings())


# -- properties of the simulation ----------------------------------------------------------
def test_a_field_without_movement_gives_the_static_answer():
    rng = np.random.default_rng(3)
    col = rng.normal(60, 3, 25)
    fp = panel(np.column_stack([col] * 5))                         # every year the same table
    own = col + rng.normal(0, 0.5, 25)                             # the test year's own scores
    provinces = list(fp.provinces)
    fc = prepare(fp, 2013, 2014, provinces)
    assert fc.reshuffle.alpha == pytest.approx(1.0) and fc.reshuffle.v == pytest.approx(0.0)
    assert fc.shift.shift.scale == 0
    ranks = fc.ranks(own, np.arange(25), 300, [1])
    static = np.array([1 + np.sum(np.delete(col, j) > own[j]) for j in range(25)])
    assert (ranks == static[None, :]).all()


def test_rank_probabilities_add_up_and_seeds_repeat():
    fp = real_like()
    provinces = list(fp.provinces)
    fc = prepare(fp, 2014, 2015, provinces, Settings(tails="t3"))
    own = np.linspace(55, 65, len(provinces))
    a = fc.ranks(own, np.arange(len(own)), 500, [7, 1])
    b = fc.ranks(own, np.arange(len(own)), 500, [7, 1])
    c = fc.ranks(own, np.arange(len(own)), 500, [7, 2])
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    counts = fastsim.rank_counts(a, len(own))
    assert (counts.sum(axis=1) == 500).all()
    assert a.min() >= 1 and a.max() <= len(own)
    rows = score_ranks(a, np.arange(1, len(own) + 1)[::-1], np.random.default_rng(0))
    assert rows["pit"].between(0, 1).all()
    assert (rows["rank_p05"] <= rows["rank_p50"]).all() and (rows["rank_p50"] <= rows["rank_p95"]).all()


def test_the_yearly_reshuffle_draws_past_years_and_compounds_them():
    fp = real_like(years=7)
    fc = prepare(fp, 2016, 2018, list(fp.provinces), Settings(reshuffle="yearly"))
    rs = fc.reshuffle
    assert fc.yearly and len(rs.yearly) == len(rs.yearly_pairs) == 6      # 2010→11 … 2015→16
    a, v = rs.draw_years(np.random.default_rng(1), 2000, 2)
    fits = np.array(rs.yearly)
    slopes = {round(x * y, 12) for x in fits[:, 0] for y in fits[:, 0]}
    assert {round(x, 12) for x in a} <= slopes                          # products of two years
    assert len(set(np.round(a, 12))) > 6                                # and they vary by draw
    assert "reshuffles as one of 6 past years did" in " ".join(fc.notes())
    # one past year only: every draw is that year compounded
    one = replace_years(rs, rs.yearly[:1])
    a1, v1 = one.draw_years(np.random.default_rng(2), 10, 2)
    s1, r1 = rs.yearly[0]
    assert np.allclose(a1, s1 * s1) and np.allclose(v1, s1 * s1 * r1 + r1)


def test_a_yearly_kernel_with_one_year_is_the_pooled_kernel():
    rng = np.random.default_rng(4)
    m, e = rng.normal(0, 1, 20), np.where(rng.random(20) < 0.2, 0.4, 0.0)
    alpha, v = 0.8, 0.3
    base, gain = rng.normal(60, 1, 700), np.exp(rng.normal(0, 0.1, 700))
    thresholds, exclude = rng.normal(60, 3, 20), np.arange(20)
    w, sd = alpha * m, np.sqrt(v + alpha * alpha * e)
    pooled = fastsim.numpy_kernel(np.random.default_rng(9), w, sd, base, gain, thresholds, exclude)
    yearly = fastsim.simulate_ranks_yearly(np.random.default_rng(9), m, e, np.full(700, alpha),
                                           np.full(700, v), base, gain, thresholds, exclude)
    assert np.array_equal(pooled, yearly)
    fields = fastsim.simulate_field_yearly(np.random.default_rng(9), m, e, np.full(700, alpha),
                                           np.full(700, v), base, gain, (60.0, 3.0))
    assert np.allclose(fields.mean(axis=1), 60) and np.allclose(fields.std(axis=1, ddof=1), 3)


@settings(max_examples=30, deadline=None)
@given(st.floats(1, 63), st.floats(0.05, 8.0), st.integers(0, 10_000))
def test_intervals_of_whole_ranks_hold_about_their_level(centre, width, seed):
    """Under the model's own draws an interval's coverage is within the largest single
    rank's probability of its level (an end rank is in when at least half of it lies inside
    the nominal tails), however few ranks the distribution spans; it always lies within the
    plain quantiles' interval (which holds at least its level)."""
    rng = np.random.default_rng(seed)
    ranks = np.clip(np.rint(rng.normal(centre, width, (4000, 1))), 1, 63).astype(np.int16)
    cdf = rank_cdf(ranks, 63)
    biggest = np.diff(np.concatenate([[0.0], cdf[0]])).max()
    for level in (0.5, 0.8, 0.9):
        lo, hi = interval(cdf, level)
        q_lo, q_hi = quantile(cdf, (1 - level) / 2), quantile(cdf, (1 + level) / 2)
        assert q_lo[0] <= lo[0] <= hi[0] <= q_hi[0]
        held = self_consistency(ranks, lo, hi, worlds=4000, seed=seed).mean()
        assert abs(held - level) <= biggest + 0.03


def test_a_higher_score_never_has_worse_odds():
    fp = real_like()
    fc = prepare(fp, 2014, 2016, list(fp.provinces)[1:])
    scores = np.linspace(50, 70, 21)
    ranks = fc.ranks(scores, np.full(21, -1), 400, [5])
    p_top10 = (ranks <= 10).mean(axis=0)
    assert (np.diff(p_top10) >= 0).all()                           # same draws: monotone


def test_peers_without_an_origin_value_are_simulated_and_named():
    fp = real_like()
    x = fp.x.copy()
    x[0, -1] = np.nan                                              # P00 missing in the origin
    x[1, :] = np.nan                                               # P01 never ranked before
    fp2 = panel(x)
    fc = prepare(fp2, 2015, 2016, list(fp2.provinces))
    assert fc.start[0] == "latest 2014" and fc.start[1] == "field"
    assert fc.sd[0] > fc.sd[2] and fc.sd[1] > fc.sd[0]             # less known: wider
    notes = " ".join(fc.notes())
    assert "P00 (from its latest earlier value, 2014)" in notes and "P01 (from the field" in notes


def test_across_an_era_change_the_target_moments_must_be_given():
    fp = real_like()
    eras = {y: ("old" if y <= 2012 else "new") for y in fp.years}
    fp2 = panel(fp.x, eras=eras)
    with pytest.raises(DataUnavailableError, match="must be given"):
        prepare(fp2, 2012, 2013, list(fp2.provinces))
    fc = prepare(fp2, 2012, 2013, list(fp2.provinces), target_moments=(70.0, 2.0))
    field = fc.simulate(200, [1])
    assert np.allclose(field.mean(axis=1), 70.0) and np.allclose(field.std(axis=1, ddof=1), 2.0)


# -- the kernels -----------------------------------------------------------------------------
kernel_inputs = st.tuples(st.integers(2, 12), st.integers(1, 40), st.integers(0, 2 ** 31),
                          st.booleans())


@settings(max_examples=40, deadline=None)
@given(kernel_inputs)
def test_kernel_ranks_equal_a_plain_count(args):
    n, sims, seed, restd = args
    rng = np.random.default_rng(seed)
    w, sd = rng.normal(0, 1, n), rng.uniform(0, 1, n)
    base, gain = rng.normal(60, 2, sims), rng.uniform(1, 3, sims)
    own = np.round(rng.normal(60, 3, n), 1)                         # ties among own scores
    exclude = np.where(rng.random(n) < 0.8, np.arange(n), -1)
    moments = (60.0, 3.0) if restd else None
    ranks = fastsim.numpy_kernel(np.random.default_rng(seed), w, sd, base, gain, own, exclude, moments)
    field = fastsim.simulate_field(np.random.default_rng(seed), w, sd, base, gain, moments)
    above = field[:, None, :] > own[None, :, None]
    has = exclude >= 0
    above[:, np.flatnonzero(has), exclude[has]] = False
    assert np.array_equal(ranks, 1 + above.sum(axis=2))
    if fastsim.numba_available():
        same = fastsim.numba_kernel(np.random.default_rng(seed), w, sd, base, gain, own, exclude, moments)
        assert np.array_equal(ranks, same)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.integers(1, 20), st.integers(0, 2 ** 31))
def test_ranks_among_by_sorting_equal_the_quadratic_count(n, sims, seed):
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(0, 1, (sims, n)), 1)
    values[rng.random(values.shape) < 0.1] = np.nan
    own = np.round(rng.normal(0, 1, n), 1)
    ex = np.arange(n)
    above = values[:, None, :] > own[None, :, None]
    above[:, ex, ex] = False
    assert np.array_equal(fastsim.ranks_among(own, values, ex), 1 + above.sum(axis=2))


def test_the_kernel_refuses_what_it_cannot_rank():
    with pytest.raises(UsageError, match="exclude"):
        fastsim.numpy_kernel(np.random.default_rng(0), [0.0], [1.0], [1.0], [1.0], [0.0, 1.0], [0])
    with pytest.raises(UsageError, match="finite"):
        fastsim.numpy_kernel(np.random.default_rng(0), [np.nan], [1.0], [1.0], [1.0], [0.0], [-1])
    with pytest.raises(UsageError, match="unknown kernel"):
        fastsim.simulate_ranks(np.random.default_rng(0), [0.0], [1.0], [1.0], [1.0], [0.0], [-1],
                               kernel="gpu")


def test_on_average_an_interval_holds_its_level_where_quantiles_hold_more():
    rng = np.random.default_rng(11)
    held_mid, held_q = {0.5: [], 0.9: []}, {0.5: [], 0.9: []}
    for width in np.linspace(1.0, 4.0, 13):
        centre = rng.uniform(15, 45)
        ranks = np.rint(rng.normal(centre, width, (4000, 1))).astype(np.int16)
        cdf = rank_cdf(ranks, 63)
        for level in held_mid:
            lo, hi = interval(cdf, level)
            held_mid[level].append(self_consistency(ranks, lo, hi, 4000, seed=1).mean())
            q_lo, q_hi = quantile(cdf, (1 - level) / 2), quantile(cdf, (1 + level) / 2)
            held_q[level].append(self_consistency(ranks, q_lo, q_hi, 4000, seed=1).mean())
    assert abs(np.mean(held_mid[0.5]) - 0.5) < 0.03 and abs(np.mean(held_mid[0.9]) - 0.9) < 0.02
    assert np.mean(held_q[0.5]) > 0.58 and np.mean(held_q[0.9]) > 0.93
