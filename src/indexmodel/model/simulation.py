"""Monte Carlo of peers' movement and the rank odds it gives.

Simulation (:func:`simulate`) is vectorised over simulations, provinces and components
(a Python loop runs only over the years ahead) and deterministic for a given seed.
:func:`rank_distribution` turns simulated peer composites into the probability of each
rank (competition ranking: ties share the best place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, UsageError
from .calibration import MovementModel

NOISE_KINDS = ("normal", "bootstrap")


# -- simulation ------------------------------------------------------------------------
def _psd_factor(cov: np.ndarray) -> np.ndarray:
    """A matrix L with L·Lᵀ = cov for a symmetric PSD (possibly singular) cov."""
    cov = (cov + cov.T) / 2
    vals, vecs = np.linalg.eigh(cov)
    vals = np.clip(vals, 0.0, None)
    return vecs * np.sqrt(vals)


def _as_matrix(model: MovementModel, X) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        missing = [c for c in model.components if c not in X.columns]
        if missing:
            raise UsageError("the peer matrix lacks component(s) " + ", ".join(missing),
                             hint="columns needed: " + ", ".join(model.components))
        X = X[list(model.components)].to_numpy(float)
    elif isinstance(X, pd.Series):
        X = X.to_numpy(float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        if model.m != 1:
            raise UsageError(f"a {model.m}-component model needs an n × {model.m} matrix")
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != model.m:
        raise UsageError(f"the peer matrix must be n × {model.m} (components "
                         f"{', '.join(model.components)}), got shape {X.shape}")
    return X


def _draw_shift(model: MovementModel, rng: np.random.Generator, sims: int) -> np.ndarray:
    """Common shifts of the composite (model units), one per simulation."""
    z = rng.standard_normal(sims)
    if model.shift.tails == "t":
        nu = max(model.shift.dof, 1)
        z *= np.sqrt(nu / rng.chisquare(nu, size=sims))
    return model.shift.center + model.shift.scale * z


def simulate(model: MovementModel, X, years_ahead: int, sims: int = 2000,
             seed: int | np.random.Generator | None = None, *, noise: str = "normal",
             coefficients: Sequence[float] | None = None,
             return_components: bool = False) -> np.ndarray:
    """Simulated composites (sims × n) of the peers ``years_ahead`` years after ``X``.

    ``X``: n × m component values (columns in ``model.components`` order, or a
    DataFrame with those columns); for a composite-level model an n-vector of
    composites. A row with a NaN (a province without values) stays NaN (unranked) and
    does not enter the mean or the spread.
    ``noise``: ``"normal"`` (ε ~ MVN(0, Σ)) or ``"bootstrap"`` (residual rows of the
    real panel drawn with replacement: heavier tails, the same correlation).
    ``coefficients`` override the composite coefficients (what-if weights).
    With ``return_components`` the result is sims × n × m component values.
    Vectorised (a loop runs over the years ahead only, for iterated dynamics) and
    deterministic for a given ``seed``.
    """
    if noise not in NOISE_KINDS:
        raise UsageError(f"unknown noise '{noise}'", hint="one of " + ", ".join(NOISE_KINDS))
    if isinstance(years_ahead, bool) or int(years_ahead) != years_ahead or years_ahead < 0:
        raise UsageError(f"years_ahead must be a whole number ≥ 0, got {years_ahead}")
    if isinstance(sims, bool) or int(sims) != sims or sims < 1:
        raise UsageError(f"sims must be a whole number ≥ 1, got {sims}")
    sims, h = int(sims), int(years_ahead)
    X = _as_matrix(model, X)
    n, m = X.shape
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    coef = model.coefficients if coefficients is None else np.asarray(coefficients, float)
    if coef.shape != (m,):
        raise UsageError(f"{m} coefficients needed, got {coef.shape}")
    known = np.isfinite(X).all(axis=1)
    n_known = int(known.sum())
    if n_known < 2:
        raise UsageError("the simulation needs at least two provinces with values")
    residual_rows = None
    if noise == "bootstrap":
        complete = model.residuals[np.isfinite(model.residuals).all(axis=1)]
        if len(complete) < 30:
            raise DataUnavailableError(
                f"only {len(complete)} residual rows have every component: too few to bootstrap",
                hint="use noise='normal'")
        residual_rows = complete
    lo, hi = model.lower, model.upper
    start = np.where(known[:, None], X, 0.0)
    x = np.broadcast_to(start, (sims, n, m)).copy()
    if h == 0:
        return _finish(x, known, coef, return_components)
    iterate = model.dynamics == "iterate" or model.persistence is None
    steps = h if iterate else 1
    kept = model.pull + np.eye(m)
    noise_factor = _psd_factor(model.residual_cov)
    grow = np.ones(m)
    if not iterate:
        kept = kept * model.persistence ** (h - 1)
        grow = _noise_growth(model, h)
        noise_factor = grow[:, None] * noise_factor
    kept_diag = np.diag(kept).copy()
    spread_units = model.units == "spread"
    weights = np.full(n_known, 1.0 / n_known)
    for step in range(steps):
        inside = x if n_known == n else x[:, known, :]
        mean = weights @ inside                                  # sims × m
        dev = x - mean[:, None, :]                               # points
        if spread_units:
            d_in = dev if n_known == n else dev[:, known, :]
            unit = np.sqrt(np.einsum("snm,snm->sm", d_in, d_in) / (n_known - 1))
            unit = np.maximum(unit, 1e-9)[:, None, :]
        if residual_rows is None:
            eps = (rng.standard_normal((sims * n, m)) @ noise_factor.T).reshape(sims, n, m)
        else:
            eps = residual_rows[rng.integers(0, len(residual_rows), size=sims * n)]
            eps = eps.reshape(sims, n, m)
            if not iterate:
                eps *= grow
        if spread_units:
            eps *= unit                                          # to points
        if model.pull_kind == "diagonal":
            dev *= kept_diag                                     # the same in points and in spread units
        elif spread_units:
            dev = ((dev / unit).reshape(-1, m) @ kept.T).reshape(sims, n, m) * unit
        else:
            dev = (dev.reshape(-1, m) @ kept.T).reshape(sims, n, m)
        dev += eps
        # the common shift of the composite, converted to points with the current spread
        if step == 0 or model.shift.process == "walk":
            shift = _draw_shift(model, rng, sims)
            if spread_units:
                shift *= (inside @ model.coefficients).std(axis=1, ddof=1)
            mean += shift[:, None] * model.direction[None, :]
        dev += mean[:, None, :]
        np.clip(dev, lo, hi, out=dev)
        x = dev
    return _finish(x, known, coef, return_components)


def _noise_growth(model: MovementModel, h: int) -> np.ndarray:
    """Per component: sd of the h-year residual over the one-year residual sd, so that
    the spread across provinces evolves as over one year (persistent dynamics)."""
    kept = model.pull + np.eye(model.m)
    row2 = np.sum(kept * kept, axis=1)
    sigma2 = np.diag(model.residual_cov)
    phi = model.persistence if model.persistence is not None else 1.0
    extra = row2 * (1.0 - phi ** (2 * (h - 1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.sqrt((sigma2 + extra) / sigma2)
    return np.where(np.isfinite(ratio), ratio, 1.0)


def _finish(x: np.ndarray, known: np.ndarray, coef: np.ndarray, return_components: bool):
    if not known.all():
        x[:, ~known, :] = np.nan
    if return_components:
        return x
    return x @ coef


# -- rank odds -------------------------------------------------------------------------
@dataclass(frozen=True)
class RankDistribution:
    """The probability of each rank 1..N (N = peers + 1) and of reaching ``goal``."""

    probabilities: np.ndarray
    sims: int
    goal: int | None = None

    @property
    def n_ranked(self) -> int:
        return len(self.probabilities)

    @property
    def cumulative(self) -> np.ndarray:
        return np.cumsum(self.probabilities)

    def p_at_most(self, k: int) -> float:
        """P(rank ≤ k)."""
        if not 1 <= k <= self.n_ranked:
            raise UsageError(f"rank {k} is outside 1..{self.n_ranked}")
        return float(min(self.cumulative[k - 1], 1.0))

    @property
    def p_goal(self) -> float | None:
        return None if self.goal is None else self.p_at_most(self.goal)

    def quantile(self, q: float) -> int:
        """The smallest rank r with P(rank ≤ r) ≥ q."""
        if not 0 <= q <= 1:
            raise UsageError(f"quantile {q} is outside 0..1")
        return int(np.searchsorted(self.cumulative, q - 1e-12) + 1)

    @property
    def median(self) -> int:
        return self.quantile(0.5)

    @property
    def mean(self) -> float:
        return float(np.arange(1, self.n_ranked + 1) @ self.probabilities)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"rank": np.arange(1, self.n_ranked + 1),
                             "probability": self.probabilities,
                             "cumulative": np.minimum(self.cumulative, 1.0)})


def rank_distribution(own_score, simulated_peers, goal: int | None = None) -> RankDistribution:
    """The rank odds of a province scoring ``own_score`` among simulated peers.

    ``own_score``: one number (the scenario's score, assumed reached) or one per
    simulation (a drawn score). ``simulated_peers``: sims × peers composites, the
    province itself excluded (NaN: a peer left unranked). Competition ranking:
    rank = 1 + the number of peers strictly above.
    """
    peers = np.asarray(simulated_peers, dtype=float)
    if peers.ndim == 1:
        peers = peers[None, :]
    if peers.ndim != 2 or peers.shape[0] < 1:
        raise UsageError("simulated peers must be a sims × peers array")
    sims = peers.shape[0]
    own = np.asarray(own_score, dtype=float)
    if own.ndim == 0:
        own = np.full(sims, float(own))
    if own.shape != (sims,):
        raise UsageError(f"own scores must be one number or one per simulation ({sims}), "
                         f"got shape {own.shape}")
    if not np.isfinite(own).all():
        raise UsageError("the province's own score is not a number")
    ranks = 1 + np.count_nonzero(peers > own[:, None], axis=1)
    n_ranked = int(np.isfinite(peers).sum(axis=1).max()) + 1
    counts = np.bincount(ranks, minlength=n_ranked + 1)[1:n_ranked + 1]
    probs = counts / sims
    if goal is not None:
        if int(goal) != goal or not 1 <= goal <= n_ranked:
            raise UsageError(f"rank goal {goal} is outside 1..{n_ranked}")
        goal = int(goal)
    return RankDistribution(probs, sims, goal)


def leave_one_out_ranks(own_scores, simulated) -> np.ndarray:
    """Ranks (sims × n) of each province's ``own_scores[i]`` among the other columns.

    ``simulated``: sims × n composites of the same provinces; column ``i`` is left
    out of province ``i``'s comparison (NaN: a peer left unranked). NaN own scores give
    rank 0 (unranked). By sorting (:func:`indexmodel.model.fastsim.ranks_among`), not
    by comparing every pair.
    """
    from .fastsim import ranks_among

    sim = np.asarray(simulated, dtype=float)
    own = np.asarray(own_scores, dtype=float)
    n_sims, n = sim.shape
    if own.shape != (n,):
        raise UsageError(f"{n} own scores needed, got {own.shape}")
    finite = np.isfinite(own)
    out = np.zeros((n_sims, n), dtype=np.int64)
    if finite.any():
        cols = np.flatnonzero(finite)
        out[:, cols] = ranks_among(own[cols], sim, cols)
    return out
