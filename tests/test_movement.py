"""Movement model: calibration (synthetic and real panels), simulation, rank odds,
real improvement distributions and rank thresholds."""

import math

import numpy as np
import pandas as pd
import pytest

from indexmodel.core.errors import DataUnavailableError, UsageError
from indexmodel.data.peers import default_peers, default_results
from indexmodel.data.spec import load_specs
from indexmodel.model.calibration import calibrate
from indexmodel.model.panel import build_panel, changes, gain_percentile, improvement_quantiles, year_pairs
from indexmodel.model.ranking import RankCurve
from indexmodel.model.simulation import leave_one_out_ranks, rank_distribution, simulate
from indexmodel.model.thresholds import rank_score_changes, threshold_outlook

PCI_2013 = load_specs().spec_for("pci", 2013)
COMPONENTS = list(PCI_2013.top_components)


# -- synthetic panels from a known model -------------------------------------------------
def synthetic_panel(pull, sigma, corr=None, *, full_pull=None, n=300, years=range(2013, 2022),
                    shift_mean=0.1, shift_sd=0.2, seed=7):
    """A tidy PCI (2013-2021 era) table moved year to year by a known model, in points."""
    rng = np.random.default_rng(seed)
    m = len(COMPONENTS)
    corr = np.eye(m) if corr is None else corr
    cov = corr * np.outer(sigma, sigma)
    chol = np.linalg.cholesky(cov)
    B = np.diag(pull) if full_pull is None else full_pull
    stationary = np.asarray(sigma) / np.sqrt(1 - (1 + np.asarray(pull)) ** 2)
    x = 5.5 + rng.standard_normal((n, m)) * stationary
    frames, shifts = [], {}
    years = list(years)
    provinces = [f"P{i:03d}" for i in range(n)]
    for k, year in enumerate(years):
        frames.append(pd.DataFrame({
            "index": "pci", "year": year, "province": np.repeat(provinces, m),
            "component": np.tile(COMPONENTS, n), "value": np.clip(x, 0, 10).ravel(),
            "source": "synthetic"}))
        if k + 1 < len(years):
            a = shift_mean + shift_sd * rng.standard_normal(m)
            shifts[f"{year}-{year + 1}"] = a
            x = x + a + (x - x.mean(axis=0)) @ B.T + rng.standard_normal((n, m)) @ chol.T
    return pd.concat(frames, ignore_index=True), shifts


@pytest.fixture(scope="module")
def synthetic():
    pull = np.linspace(-0.5, -0.2, len(COMPONENTS))
    sigma = np.full(len(COMPONENTS), 0.5)
    corr = np.eye(len(COMPONENTS))
    corr[0, 1] = corr[1, 0] = 0.6
    corr[2, 3] = corr[3, 2] = -0.4
    peers, shifts = synthetic_panel(pull, sigma, corr)
    panel = build_panel(peers, "pci", use_default_results=False)
    return panel, shifts, pull, sigma, corr


def test_calibration_recovers_a_known_model(synthetic):
    panel, shifts, pull, sigma, corr = synthetic
    model = calibrate(panel, "pci", target_year=2021, units="points")
    assert len(model.pairs) == 8
    table = model.table().set_index("component")
    assert np.allclose(table.loc[COMPONENTS, "pull"], pull, atol=0.05)
    assert np.allclose(table.loc[COMPONENTS, "residual_sd"], sigma, rtol=0.06)
    est = model.correlation().to_numpy()
    assert abs(est[0, 1] - 0.6) < 0.06 and abs(est[2, 3] + 0.4) < 0.06
    assert np.abs(est - corr)[np.triu_indices(len(COMPONENTS), 1)].max() < 0.08
    # the observed common shifts are the generated ones (up to the mean of 300 residuals)
    observed = model.shifts.loc[list(shifts)].to_numpy()
    assert np.abs(observed - np.array(list(shifts.values()))).max() < 0.12
    # spread units give the same pull (a slope is unit-free)
    spread = calibrate(panel, "pci", target_year=2021)
    assert np.allclose(spread.table()["pull"], table.loc[COMPONENTS, "pull"], atol=0.03)


def test_full_pull_matrix_is_recovered_and_preferred():
    m = len(COMPONENTS)
    B = np.diag(np.full(m, -0.4))
    B[0, 1], B[2, 0] = 0.25, -0.2
    peers, _ = synthetic_panel(np.diag(B), np.full(m, 0.5), full_pull=B, seed=11,
                               years=range(2013, 2020))
    panel = build_panel(peers, "pci", use_default_results=False)
    model = calibrate(panel, "pci", target_year=2019, units="points", pull="auto")
    assert model.pull_kind == "full"
    assert model.diagnostics["lr_p_value"] < 1e-6
    assert np.abs(model.pull - B).max() < 0.07
    diagonal = calibrate(panel, "pci", target_year=2019, units="points")
    assert diagonal.pull_kind == "diagonal"
    assert np.count_nonzero(diagonal.pull - np.diag(np.diag(diagonal.pull))) == 0


def test_simulation_keeps_the_calibrated_moves(synthetic):
    panel, _, pull, sigma, _ = synthetic
    model = calibrate(panel, "pci", target_year=2021, units="points", dynamics="iterate",
                         shift_center="observed")
    X = panel.components(2021, COMPONENTS)
    sim = simulate(model, X, 1, sims=400, seed=3, return_components=True)
    dev0 = X.to_numpy() - X.to_numpy().mean(axis=0)
    move = sim - X.to_numpy()[None]
    move = move - move.mean(axis=1, keepdims=True)                  # common shift removed
    slope = (move * dev0[None]).sum(axis=(0, 1)) / (dev0 ** 2).sum(axis=0) / 400
    assert np.allclose(slope, model.table()["pull"], atol=0.03)


# -- the real panels -------------------------------------------------------------------
@pytest.fixture(scope="module")
def pci_panel():
    return build_panel(default_peers(), "pci", default_results())


@pytest.fixture(scope="module")
def papi_panel():
    return build_panel(default_peers(), "papi", default_results())


@pytest.fixture(scope="module")
def pci_model(pci_panel, papi_panel):
    return calibrate(pci_panel, "pci", target_year=2023, shift_pool=[papi_panel])


def test_real_panels(pci_panel, papi_panel):
    assert {2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014} <= set(pci_panel.component_years)
    assert 2011 in pci_panel.composites and pci_panel.composite_origin[2011].startswith("published")
    assert 2005 in pci_panel.composites                  # published composites, 42 provinces
    assert set(range(2015, 2022)) <= set(pci_panel.component_years)   # the full 2015-2021 panel
    assert 2022 not in pci_panel.scored                   # ten province profiles: not a panel
    assert pci_panel.composite_origin[2022].startswith("published")  # all 63 composites
    assert 2023 not in pci_panel.composites               # the published top 30, partly found
    assert set(papi_panel.composite_years) == set(range(2011, 2024))
    assert len(papi_panel.composite(2014)) == 61         # Bac Giang and Dong Thap unranked
    assert len(papi_panel.composite(2021)) == 60 and len(papi_panel.composite(2023)) == 61
    pairs = year_pairs(pci_panel)
    assert [p.label for p in pairs] == ["2006-2007", "2007-2008", "2009-2010", "2010-2011",
                                        "2011-2012"] + [f"{y}-{y + 1}" for y in range(2013, 2021)]
    assert not any(p.crosses_era for p in pairs)


def test_era_panel_keeps_one_era_and_maps_an_era_without_pairs(pci_panel, papi_panel):
    from indexmodel.data.spec import load_specs
    from indexmodel.model.panel import era_panel

    book = load_specs()
    papi, notes = era_panel(papi_panel, book.spec_for("papi", 2023))
    assert papi.composite_years == tuple(range(2018, 2024)) and notes == ()
    spec = book.spec_for("pci", 2023)
    pci, notes = era_panel(pci_panel, spec)
    assert pci.composite_years == tuple(range(2013, 2023)) and len(notes) == 1
    assert "2013-2021" in notes[0] and "2022 as published" in notes[0]
    assert {s.era for s in pci.specs.values()} == {"pci_2022_on"}
    # the mapped composites are the published sub-indices under the 2022 weights
    coef = pd.Series(spec.child_coefficients("pci"))
    wide = pci_panel.scored[2021][list(coef.index)]
    assert np.allclose(pci.composite(2021).to_numpy(), (wide * coef).sum(axis=1).to_numpy())
    assert not np.allclose(pci.composite(2021).to_numpy(), pci_panel.composite(2021).to_numpy())
    assert pci.composite(2022).equals(pci_panel.composite(2022))


def test_real_pci_calibration(pci_model):
    table = pci_model.table()
    assert list(table["component"]) == COMPONENTS
    assert (table["pull"] < 0).sum() >= 8                 # pulled toward the mean
    assert table.loc[table["component"] == "policy_bias", "year_pairs"].item() == \
        "2006-2007, 2007-2008, " + ", ".join(f"{y}-{y + 1}" for y in range(2013, 2021))
    assert (table["residual_sd"] > 0).all() and (table["n_obs"] >= 190).all()
    corr = pci_model.correlation().to_numpy()
    assert np.allclose(corr, corr.T)
    assert np.allclose(np.diag(corr), 1.0)
    assert np.linalg.eigvalsh(corr).min() > -1e-10
    assert np.all(np.abs(corr) <= 1 + 1e-12)
    summary = pci_model.summary()
    assert summary["year_pairs"].startswith("2006-2007")
    assert 0 < summary["persistence"] <= 1
    assert summary["shift_predictive_sd"] > summary["shift_sd"] > 0
    assert "PAPI 2011-2012" in summary["shift_pooled_with"]
    assert "PCI" in pci_model.describe()
    assert {"lr_p_value", "lopo_composite_mse_diagonal"} <= set(pci_model.diagnostics)
    shifts = pci_model.shift_table()
    assert list(shifts.index) == [p.label for p in pci_model.pairs]


def test_composite_level_model_spans_methodology_changes(pci_panel):
    model = calibrate(pci_panel, "pci", level="composite", target_year=2023)
    assert model.components == ("pci",)
    assert "2008-2009" in model.years and "2012-2013" in model.years
    assert any("methodology change" in n for n in model.notes)
    assert any("published composites used for 2005, 2011" in n for n in model.notes)
    within = calibrate(pci_panel, "pci", level="composite", target_year=2023, cross_era=False)
    assert "2008-2009" not in within.years
    assert model.table()["pull"].item() < 0


def test_papi_latest_era_calibrates_its_new_dimensions_on_2018_2023(papi_panel):
    model = calibrate(papi_panel, "papi", target_year=2023)
    table = model.table().set_index("component")
    assert model.filled == ()
    assert table.loc["e_governance", "year_pairs"] == ", ".join(f"{y}-{y + 1}" for y in range(2018, 2023))


def test_papi_latest_era_needs_an_assumption_for_new_dimensions_without_their_years():
    papi_panel = build_panel(default_peers()[lambda p: p["year"] <= 2017], "papi", default_results())
    with pytest.raises(DataUnavailableError, match="e_governance"):
        calibrate(papi_panel, "papi", target_year=2023)
    model = calibrate(papi_panel, "papi", target_year=2023, fill_missing="pooled")
    assert set(model.filled) == {"environmental_governance", "e_governance"}
    assert any("assumed, not calibrated" in n for n in model.notes)
    assert model.table().set_index("component").loc["e_governance", "assumed"]
    X = pd.DataFrame(np.full((10, 8), 5.0) + np.arange(10)[:, None] * 0.1,
                     columns=list(model.components))
    assert simulate(model, X, 2, sims=50, seed=1).shape == (50, 10)


@pytest.mark.parametrize("kwargs, message", [
    ({"index": "sipas"}, "needs at least 2 pairs"),
    ({"index": "par_index"}, "needs at least 2 pairs"),
    ({"index": "papi", "until": 2012, "target_year": 2012}, r"found 1 \(2011-2012\)"),
    ({"index": "pci", "until": 2007, "target_year": 2007}, r"found 1 \(2006-2007\)"),
    ({"index": "pci", "min_provinces": 70}, "too few provinces"),
])
def test_calibration_refuses_without_enough_pairs(kwargs, message):
    index = kwargs.pop("index")
    with pytest.raises(DataUnavailableError, match=message):
        calibrate(None, index, **kwargs)


@pytest.mark.parametrize("option", [{"pull": "sideways"}, {"units": "feet"}, {"level": "region"},
                                    {"shift_center": "median"}, {"min_pairs": 1}])
def test_calibration_refuses_unknown_options(option):
    with pytest.raises(UsageError):
        calibrate(None, "pci", **option)


def test_unknown_index_is_refused():
    with pytest.raises(DataUnavailableError, match="unknown index"):
        calibrate(None, "hdi")


# -- simulation and rank odds ------------------------------------------------------------
@pytest.fixture(scope="module")
def peers_2014(pci_panel, pci_model):
    return pci_panel.components(2014, pci_model.components)


def test_simulation_is_deterministic_with_a_seed(pci_model, peers_2014):
    a = simulate(pci_model, peers_2014, 2, sims=300, seed=42)
    b = simulate(pci_model, peers_2014, 2, sims=300, seed=42)
    c = simulate(pci_model, peers_2014, 2, sims=300, seed=43)
    assert a.shape == (300, len(peers_2014))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.all((a >= 0) & (a <= 100))
    start = simulate(pci_model, peers_2014, 0, sims=3, seed=1)
    assert np.allclose(start[0], peers_2014.to_numpy() @ pci_model.coefficients)


@pytest.mark.parametrize("options", [
    {"dynamics": "iterate"}, {"shift_process": "walk"}, {"shift_tails": "t"},
    {"units": "points"}, {"pull": "full"}])
def test_model_variants_simulate(pci_panel, peers_2014, options):
    model = calibrate(pci_panel, "pci", target_year=2023, **options)
    sim = simulate(model, peers_2014, 3, sims=100, seed=5)
    assert sim.shape == (100, len(peers_2014)) and np.isfinite(sim).all()
    boot = simulate(model, peers_2014, 1, sims=100, seed=5, noise="bootstrap")
    assert np.isfinite(boot).all()


def test_a_province_without_values_stays_unranked(pci_model, peers_2014):
    X = peers_2014.to_numpy().copy()
    X[3, 2] = np.nan
    sim = simulate(pci_model, X, 1, sims=50, seed=1)
    assert np.isnan(sim[:, 3]).all() and np.isfinite(np.delete(sim, 3, axis=1)).all()
    dist = rank_distribution(60.0, np.delete(sim, 3, axis=1))
    assert dist.n_ranked == len(X)                        # 62 peers + the province


def test_simulation_refuses_a_wrong_matrix(pci_model):
    with pytest.raises(UsageError, match="lacks component"):
        simulate(pci_model, pd.DataFrame({"entry_costs": [5.0, 6.0]}), 1)
    with pytest.raises(UsageError, match="n × 10"):
        simulate(pci_model, np.ones((5, 3)), 1)
    with pytest.raises(UsageError, match="years_ahead"):
        simulate(pci_model, np.ones((5, 10)), -1)
    with pytest.raises(UsageError, match="noise"):
        simulate(pci_model, np.ones((5, 10)), 1, noise="pink")


def test_rank_probabilities_sum_to_one_and_repeat(pci_model, peers_2014):
    sim = simulate(pci_model, peers_2014.iloc[1:], 2, sims=500, seed=9)
    own = float(peers_2014.iloc[0].to_numpy() @ pci_model.coefficients)
    dist = rank_distribution(own, sim, goal=20)
    again = rank_distribution(own, simulate(pci_model, peers_2014.iloc[1:], 2, sims=500,
                                                  seed=9), goal=20)
    assert dist.n_ranked == len(peers_2014)
    assert math.isclose(dist.probabilities.sum(), 1.0)
    assert np.array_equal(dist.probabilities, again.probabilities)
    assert dist.p_goal == pytest.approx(dist.probabilities[:20].sum())
    assert 1 <= dist.quantile(0.05) <= dist.median <= dist.quantile(0.95) <= dist.n_ranked
    table = dist.table()
    assert list(table.columns) == ["rank", "probability", "cumulative"]
    assert table["cumulative"].iloc[-1] == pytest.approx(1.0)
    with pytest.raises(UsageError, match="outside 1..63"):
        rank_distribution(own, sim, goal=64)


def test_far_above_every_peer_is_first(pci_model, peers_2014):
    sim = simulate(pci_model, peers_2014, 2, sims=400, seed=1)
    dist = rank_distribution(sim.max() + 1.0, sim, goal=1)
    assert dist.probabilities[0] == pytest.approx(1.0)
    assert dist.p_goal == pytest.approx(1.0)
    assert rank_distribution(sim.min() - 1.0, sim).probabilities[-1] == pytest.approx(1.0)


def test_competition_ranking_and_drawn_own_scores():
    peers = np.array([[6.0, 5.0, 4.0], [4.0, 4.0, 4.0]])
    dist = rank_distribution(5.0, peers)               # a tie shares the better place
    assert dist.probabilities.tolist() == [0.5, 0.5, 0.0, 0.0]
    drawn = rank_distribution(np.array([3.0, 7.0]), peers)
    assert drawn.probabilities.tolist() == [0.5, 0.0, 0.0, 0.5]
    with pytest.raises(UsageError, match="one per simulation"):
        rank_distribution(np.array([1.0, 2.0, 3.0]), peers)


def test_leave_one_out_ranks_match_a_plain_count():
    rng = np.random.default_rng(0)
    sim = np.round(rng.normal(50, 5, (40, 12)), 0)      # ties on purpose
    own = np.round(rng.normal(50, 5, 12), 0)
    ranks = leave_one_out_ranks(own, sim)
    for s in range(40):
        for i in range(12):
            others = np.delete(sim[s], i)
            assert ranks[s, i] == 1 + np.sum(others > own[i])


# -- real improvements ---------------------------------------------------------------------
def test_improvement_quantiles(pci_panel):
    one = improvement_quantiles(pci_panel, "pci", horizon=1)
    assert {"component", "median_gain", "p90_gain", "median_change", "p90_change",
            "share_improved", "n", "year_pairs"} <= set(one.columns)
    assert set(COMPONENTS) <= set(one["component"]) and "pci" in set(one["component"])
    top = one.set_index("component").loc[COMPONENTS]
    assert (top["median_gain"] > 0).all() and (top["p90_gain"] > top["median_gain"]).all()
    assert (top["p90_change"] > top["median_change"]).all()
    assert top.loc["transparency", "n"] == 2 * 64 + 3 * 63 + 8 * 63  # 2006-2012, 2013-2021
    two = improvement_quantiles(pci_panel, "pci", horizon=2).set_index("component")
    assert two.loc["transparency", "year_pairs"] == "2006-2008, 2009-2011, 2010-2012, " + \
        ", ".join(f"{y}-{y + 2}" for y in range(2013, 2020))
    with pytest.raises(DataUnavailableError):
        improvement_quantiles(pci_panel, "pci", components=["happiness"])


def test_gain_percentile(pci_panel):
    values = gain_percentile([-5.0, 0.0, 0.5, 1.0, 5.0], pci_panel, "pci", "transparency",
                                horizon=2)
    assert np.all(np.diff(values) >= 0) and values[0] == 0.0 and values[-1] == 100.0
    real = changes(pci_panel, "pci", "transparency", 2)["change"]
    median = float(real.median())
    assert gain_percentile(median, pci_panel, "pci", "transparency") == pytest.approx(50, abs=1)
    with pytest.raises(DataUnavailableError):
        gain_percentile(1.0, pci_panel, "pci", "transparency", horizon=9)


def test_papi_improvements(papi_panel):
    table = improvement_quantiles(papi_panel, "papi", horizon=2).set_index("component")
    assert table.loc["participation", "year_pairs"] == \
        "2011-2013, 2012-2014, 2013-2015, 2018-2020, 2019-2021, 2020-2022, 2021-2023"
    assert table.loc["e_governance", "year_pairs"] == "2018-2020, 2019-2021, 2020-2022, 2021-2023"
    # totals: the provinces ranked in both years of each pair (2011-2013 … 2021-2023)
    assert table.loc["papi", "n"] == 63 + 61 + 63 + 61 + 60 + 61 + 59


# -- thresholds from anchors ---------------------------------------------------------------
def test_rank_score_changes(pci_panel):
    changes = rank_score_changes(pci_panel, "pci", 20, horizon=2)
    assert list(zip(changes["start"], changes["end"])) == \
        [(2006, 2008), (2009, 2011), (2010, 2012)] + [(y, y + 2) for y in range(2013, 2020)]
    s2010 = np.sort(pci_panel.composite(2010).to_numpy())[::-1][19]
    assert changes.set_index("start").loc[2010, "score_start"] == pytest.approx(s2010)
    across = rank_score_changes(pci_panel, "pci", 20, horizon=1, same_era=False)
    assert across["crosses_era"].any()


def test_threshold_outlook_names_its_assumptions(pci_panel):
    curve = RankCurve.from_anchors([(1, 73.0), (10, 68.0), (25, 66.0), (40, 63.5), (63, 55.0)], 63)
    low = threshold_outlook(64.0, curve, 20, 2023, 2025, pci_panel, "pci")
    high = threshold_outlook(69.0, curve, 20, 2023, 2025, pci_panel, "pci")
    assert 0 <= low.probability < high.probability <= 1
    assert low.anchor_low == 66.0 and low.anchor_high == 68.0
    assert low.anchor_low <= low.anchor_score <= low.anchor_high
    assert low.probability_low <= low.probability <= low.probability_high
    text = " ".join(low.assumptions)
    assert "rank 20" in text and "PCI 2006-2008, 2009-2011, 2010-2012, 2013-2015" in text
    assert "score at rank 20 in 2025" in text
    exact = threshold_outlook(66.5, curve, 25, 2023, 2025, pci_panel, "pci")
    assert exact.anchor_score == 66.0 and exact.probability_low == exact.probability_high
    with pytest.raises(UsageError):
        threshold_outlook(66.0, curve, 20, 2023, 2023, pci_panel, "pci")
    with pytest.raises(DataUnavailableError, match="real 9-year change"):
        threshold_outlook(66.0, curve, 20, 2023, 2032, pci_panel, "pci")
