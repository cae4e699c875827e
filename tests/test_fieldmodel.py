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
from indexmodel.model.rankscore import score_ranks


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
    assert len(cands) == 24 and DEFAULT_SETTINGS.name in cands
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
