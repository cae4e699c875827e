"""How peers' scores move from one year to the next: the movement model, calibrated on
the real panels (:mod:`indexmodel.model.panel`). :mod:`indexmodel.model.simulation` draws
from it; :mod:`indexmodel.model.thresholds` gives the odds where only anchors are known.

The model
---------
For consecutive years ``(t, t+1)`` of one index, every province present in both years
moves its top-level components ``x`` (PCI sub-indices, PAPI dimensions) by

    Δx = a_t + B·(x_t − mean_t) + ε,        ε ~ MVN(0, Σ)

measured by default in units of the start year's spread across provinces (the sd of
each component), because the spread itself changes a lot (PCI composite sd ≈ 8
points in 2006–2008, ≈ 3.4 in 2013–2014) while the moves relative to it do not.

- ``a_t`` is the *common shift* of the year pair: every province moves together (a
  survey round that is harsher or kinder, a national reform); estimated as the mean
  change of the pair. Only its effect on the composite matters for ranks, so a future
  shift is drawn for the composite (spread over the components by the conditional
  mean of their observed shifts): normal, centred on the mean observed shift shrunk
  toward zero (positive-part James–Stein: with 3–6 pairs a mean not clearly apart
  from zero counts as no trend), with the sd of the observed shifts — pooled across
  the indices that have a real panel (PCI and PAPI move alike, about 0.3–0.4 of their
  spread a year, and PAPI alone has three pairs) — inflated by ``sqrt(1 + 1/k)`` for
  the uncertainty of the mean. Over several years the shift is drawn once: the real
  2- and 3-year shifts are no larger than the 1-year ones (a stable national level
  plus a yearly disturbance, not a random walk).
- ``B`` is the pull toward the mean (negative: provinces far above the mean tend to
  fall back, far below to catch up; it includes regression to the mean from survey
  noise, which is what a forecast of the next published score needs). Estimated by
  least squares on the within-pair deviations, diagonal (one slope per component) by
  default; a full matrix is fitted and tested against the diagonal one (likelihood
  ratio and leave-one-pair-out prediction of the composite change) and used when asked
  (``pull="full"``) or when the test supports it (``pull="auto"``).
- ``Σ`` is the covariance of the residuals (pairwise over the pairs where both
  components exist, projected to the nearest positive semi-definite correlation if
  needed): it keeps the correlation between components.
- Over several years, a province's lead decays more slowly than the one-year pull
  compounded (much of that pull is survey noise that reverts once): after the first
  year each further year keeps a share φ of the lead, estimated from the real
  multi-year pairs (``dynamics="persistent"``); ``dynamics="iterate"`` applies the
  one-year model year after year instead.

Pairs are pooled across methodology eras by component id (PCI's ``transparency`` of
2006–2008 and of 2013 on), but a pair itself always lies within one era, so that a
change is never a change of methodology. The composite-level model has the same form
with one scalar component; it is the one used across methodology changes (there the
pairs may straddle a change: a methodology change reshuffles provinces, and only such
pairs show by how much) and where only composites are known (PCI 2005, PCI 2011's
published composites).

Everything calibrated is traced to the pairs of years it used
(:meth:`MovementModel.table`, :attr:`MovementModel.pairs`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError, UsageError
from ..data.spec import INDICES, SpecBook, load_specs
from .panel import (MIN_PAIRS, MIN_PROVINCES, Panel, YearPair, _as_panel, _check_level, _span,
                    build_panel, common_provinces, year_pairs)

PULL_KINDS = ("diagonal", "full", "auto")
UNIT_KINDS = ("spread", "points")
SHIFT_CENTERS = ("shrunk", "observed", "zero")
SHIFT_TAILS = ("normal", "t")
SHIFT_PROCESSES = ("level", "walk")
DYNAMICS = ("persistent", "iterate")


# -- the calibrated model --------------------------------------------------------------
@dataclass(frozen=True)
class CommonShift:
    """The distribution of a new common shift of the composite, and where it comes from.

    ``values``: the observed shifts of the index (pair label → shift, in the model's
    units); ``center``, ``sd`` (the sd of one year's shift, pooled where said) and
    ``scale`` (the predictive sd of a new shift: ``sd·sqrt(1 + 1/k)``); ``dof``: the
    degrees of freedom behind ``sd``; ``pooled``: the other panels' pairs used for it.
    """

    values: pd.Series
    observed_mean: float
    center: float
    sd: float
    scale: float
    dof: int
    tails: str
    process: str
    pooled: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class MovementModel:
    """A calibrated movement model; everything traced to the year pairs used.

    Arrays follow the order of :attr:`components`. ``pull`` is the matrix ``B`` (per
    year; diagonal unless ``pull_kind == "full"``); ``residual_cov`` the one-year
    residual covariance ``Σ``; ``residuals`` the residual rows (NaN where a component
    did not exist in a pair), used by the bootstrap noise. ``units`` says whether
    changes are in points or in units of the start year's spread across provinces.
    ``shift`` is the composite's common shift; ``direction`` spreads it over the
    components (composite points per point of shift: ``coefficients · direction = 1``).
    ``persistence`` (φ) is how much of a province's lead over the mean that survives the
    first year survives each further year (``dynamics == "persistent"``).
    """

    index: str
    level: str
    target_era: str
    components: tuple[str, ...]
    names: tuple[str, ...]
    coefficients: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    pairs: tuple[YearPair, ...]
    units: str
    dynamics: str
    shifts: pd.DataFrame
    shift: CommonShift
    direction: np.ndarray
    pull: np.ndarray
    pull_kind: str
    pull_se: np.ndarray
    residual_cov: np.ndarray
    reference_spread: np.ndarray
    persistence: float | None
    persistence_pairs: tuple[str, ...]
    residuals: np.ndarray = field(repr=False)
    n_obs: np.ndarray = field(repr=False)
    filled: tuple[str, ...] = ()
    diagnostics: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def m(self) -> int:
        return len(self.components)

    @property
    def years(self) -> str:
        return ", ".join(p.label for p in self.pairs)

    @property
    def residual_sd(self) -> np.ndarray:
        return np.sqrt(np.diag(self.residual_cov))

    def correlation(self) -> pd.DataFrame:
        """The residual correlation matrix (components × components)."""
        sd = self.residual_sd
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = self.residual_cov / np.outer(sd, sd)
        corr = np.where(np.isfinite(corr), corr, 0.0)
        np.fill_diagonal(corr, 1.0)
        return pd.DataFrame(corr, index=list(self.components), columns=list(self.components))

    def table(self) -> pd.DataFrame:
        """Per component: the calibrated numbers and the year pairs they come from.

        ``mean_shift`` and ``sd_shift``: the mean and sd of the component's observed
        common shifts; ``pull``: the diagonal of B (per year); ``residual_sd``: the sd of
        a province's own one-year move. All in the model's ``units`` (``"spread"``: the
        start year's sd across provinces); the ``*_points`` columns convert them with
        ``reference_spread``, the component's spread in the latest pair used.
        """
        rows = []
        ref = self.reference_spread if self.units == "spread" else np.ones(self.m)
        for j, cid in enumerate(self.components):
            col = self.shifts[cid] if cid in self.shifts.columns else pd.Series(dtype=float)
            used = [label for label, v in col.items() if np.isfinite(v)]
            vals = col.dropna().to_numpy()
            sd_shift = float(vals.std(ddof=1)) if vals.size >= 2 else math.nan
            rows.append({
                "component": cid,
                "name": self.names[j],
                "coefficient": float(self.coefficients[j]),
                "year_pairs": ", ".join(used) if cid not in self.filled else "none (assumed)",
                "n_pairs": len(used),
                "n_obs": int(self.n_obs[j]),
                "units": self.units,
                "mean_shift": float(vals.mean()) if vals.size else math.nan,
                "sd_shift": sd_shift,
                "pull": float(self.pull[j, j]),
                "pull_se": float(self.pull_se[j]),
                "residual_sd": float(self.residual_sd[j]),
                "reference_spread": float(ref[j]),
                "mean_shift_points": float(vals.mean() * ref[j]) if vals.size else math.nan,
                "sd_shift_points": sd_shift * float(ref[j]),
                "residual_sd_points": float(self.residual_sd[j] * ref[j]),
                "assumed": cid in self.filled,
            })
        return pd.DataFrame(rows)

    def shift_table(self) -> pd.DataFrame:
        """The observed common shifts, pair by pair: the composite and every component."""
        frame = self.shifts.copy()
        frame.insert(0, "composite", self.shift.values.reindex(frame.index))
        frame.index.name = "year_pair"
        return frame

    def summary(self) -> dict[str, object]:
        """The model's scalar numbers, for a notebook or a report."""
        ref = self.composite_reference_spread if self.units == "spread" else 1.0
        return {
            "index": self.index, "level": self.level, "target_era": self.target_era,
            "year_pairs": self.years, "units": self.units, "dynamics": self.dynamics,
            "pull_kind": self.pull_kind,
            "shift_center": self.shift.center, "shift_observed_mean": self.shift.observed_mean,
            "shift_sd": self.shift.sd, "shift_predictive_sd": self.shift.scale,
            "shift_dof": self.shift.dof, "shift_pairs": self.shift.k,
            "shift_pooled_with": ", ".join(self.shift.pooled),
            "shift_tails": self.shift.tails, "shift_process": self.shift.process,
            "composite_reference_spread": ref,
            "shift_center_points": self.shift.center * ref,
            "shift_predictive_sd_points": self.shift.scale * ref,
            "persistence": self.persistence,
            "persistence_pairs": ", ".join(self.persistence_pairs),
        }

    @property
    def composite_reference_spread(self) -> float:
        return float(self.diagnostics.get("composite_reference_spread", math.nan))

    def describe(self) -> str:
        s = self.summary()
        unit = "spread units" if self.units == "spread" else "points"
        lines = [
            f"{self.index.upper()} {self.level}-level movement model ({self.pull_kind} pull, "
            f"{self.dynamics} dynamics), target era {self.target_era}, year pairs {self.years}",
            f"common shift of the composite: centre {self.shift.center:+.3f}, predictive sd "
            f"{self.shift.scale:.3f} {unit}"
            + (f" (≈ {s['shift_center_points']:+.2f} ± {s['shift_predictive_sd_points']:.2f} points "
               f"at the latest spread)" if self.units == "spread" else "")]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _nearest_correlation(corr: np.ndarray) -> tuple[np.ndarray, bool]:
    """Clip negative eigenvalues and rescale to unit diagonal; (matrix, changed?)."""
    corr = (corr + corr.T) / 2
    vals, vecs = np.linalg.eigh(corr)
    if vals.min() >= -1e-12:
        return corr, False
    vals = np.clip(vals, 1e-10, None)
    fixed = (vecs * vals) @ vecs.T
    d = np.sqrt(np.diag(fixed))
    fixed = fixed / np.outer(d, d)
    return (fixed + fixed.T) / 2, True


def _pairwise_cov(rows: np.ndarray, dof_loss: np.ndarray | float = 0.0) -> np.ndarray:
    """Covariance of zero-mean rows with NaNs, pairwise complete (sum of products / dof)."""
    finite = np.isfinite(rows)
    filled = np.where(finite, rows, 0.0)
    prod = filled.T @ filled
    count = finite.T.astype(float) @ finite.astype(float)
    dof = count - dof_loss
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = prod / dof
    return np.where(dof > 0, cov, np.nan)


def _slope(x: np.ndarray, d: np.ndarray) -> float:
    return float(np.sum(x * d) / np.sum(x * x))


# -- calibration -----------------------------------------------------------------------
def calibrate(data, index: str, **settings) -> MovementModel:
    """Calibrate the movement model of ``index`` on the real panel (see :func:`_calibrate`
    for the settings). Cached per panel (by its content) and settings: the same panel
    calibrated again gives the model calibrated before (:mod:`indexmodel.core.cache`);
    ``data`` None (the shipped table) is resolved first, so the key is the table itself."""
    if data is None:
        from ..data.peers import default_peers

        data = default_peers()
    return _calibrate_cached(data, index, **settings)


@memo(maxsize=64)
def _calibrate_cached(data, index: str, **settings) -> MovementModel:
    return _calibrate(data, index, **settings)


def _calibrate(data, index: str, *, level: str = "component",
              until: int | None = None, target_year: int | None = None,
              results: pd.DataFrame | None = None, pull: str = "diagonal",
              units: str = "spread", dynamics: str = "persistent",
              shift_process: str = "level", shift_center: str = "shrunk",
              shift_tails: str = "normal", shift_pool="auto", cross_era: bool = True,
              fill_missing: str = "refuse", min_pairs: int = MIN_PAIRS,
              min_provinces: int = MIN_PROVINCES, book: SpecBook | None = None) -> MovementModel:
    """Calibrate the movement model of ``index`` on the real panel.

    ``data``: a :class:`Panel` or a tidy peer table (None: the shipped one).
    ``level``: ``"component"`` (top-level components) or ``"composite"``.
    ``until``: use only pairs whose later year is at most ``until`` (backtests).
    ``target_year``: the year whose methodology the simulation serves (its top
    components and coefficients); default: the latest era of the index.
    ``pull``: ``"diagonal"``, ``"full"`` or ``"auto"`` (full when the likelihood-ratio
    test rejects the diagonal at 1% *and* the full matrix predicts held-out pairs'
    composite changes better).
    ``units``: ``"spread"`` (default): changes in units of the start year's spread
    across provinces (sd per component), so pairs with a wide spread (PCI 2006–2008:
    composite sd ≈ 8 points) and a narrow one (PCI 2013–2014: ≈ 3.4) pool on one
    scale and peers move in units of their own current spread; ``"points"``: raw points.
    ``dynamics``: ``"persistent"`` (default) or ``"iterate"``. ``"iterate"`` applies
    the one-year model year after year, so a province's lead over the mean decays
    geometrically, ``(1 + pull)^h``. The real panels decay more slowly (PAPI: the
    composite of year t and t+3 still correlate 0.61, against 0.66 after one year),
    because part of the one-year pull is survey noise that reverts once. With
    ``"persistent"`` the first year keeps ``1 + pull`` of the lead and every further
    year a share ``φ`` of it, estimated from the real multi-year pairs up to ``until``
    (composite level, within one era); the residual variance grows so that the spread
    across provinces evolves as over one year. Without a multi-year pair the model
    iterates, and says so.
    ``shift_process``: ``"level"`` (default): the national level is a stable level plus
    a yearly disturbance, so the common shift over h years is drawn once, like a
    one-year shift (real 2- and 3-year shifts are no larger than 1-year ones);
    ``"walk"``: an independent shift every year (the spread grows with √h).
    ``shift_center``: ``"shrunk"`` (default: the mean observed shift shrunk toward zero
    by the positive-part James–Stein factor ``max(0, 1 − se²/mean²)``), ``"observed"``
    or ``"zero"``.
    ``shift_tails``: ``"normal"`` (default) or ``"t"`` (Student t with the degrees of
    freedom of the shift's sd: the exact predictive of a normal shift).
    ``shift_pool``: the sd of the common shift, in spread units, pooled with other
    indices' panels: ``"auto"`` (default: every index of ``data`` with at least two
    pairs up to ``until``, when ``data`` is a peer table; none for a :class:`Panel`),
    ``"none"``, or a sequence of :class:`Panel`. With two or three pairs per index
    (PAPI 2011–2014) one index alone cannot say how much its level moves; in spread
    units PCI and PAPI move alike (sd ≈ 0.3 of the spread a year).
    ``cross_era``: composite level only: also use pairs that straddle a methodology change.
    ``fill_missing``: ``"refuse"`` (default) or ``"pooled"``: a component of the target
    era without any real year pair (PAPI's e-governance, environmental governance) gets the
    median pull and residual sd of the calibrated components and their
    mean correlation; the assumption is named in :attr:`MovementModel.notes`.

    Refuses (:class:`DataUnavailableError`, saying what is missing) with fewer than
    ``min_pairs`` year pairs or pairs with fewer than ``min_provinces`` provinces.
    """
    _check_level(level)
    for name, value, allowed in (("pull", pull, PULL_KINDS), ("units", units, UNIT_KINDS),
                                 ("dynamics", dynamics, DYNAMICS),
                                 ("shift_process", shift_process, SHIFT_PROCESSES),
                                 ("shift_center", shift_center, SHIFT_CENTERS),
                                 ("shift_tails", shift_tails, SHIFT_TAILS),
                                 ("fill_missing", fill_missing, ("refuse", "pooled"))):
        if value not in allowed:
            raise UsageError(f"unknown {name} '{value}'", hint="one of " + ", ".join(allowed))
    if min_pairs < 2:
        raise UsageError("min_pairs must be at least 2: one pair says nothing about how much "
                         "the common shift varies from year to year")
    book = book or load_specs()
    if index not in INDICES:
        raise DataUnavailableError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))
    panel = _as_panel(data, index, results)
    target = book.spec_for(index, target_year) if target_year is not None else book.latest(index)

    if level == "component":
        components = tuple(target.top_components)
        coef_all = target.coefficients()
        coefficients = np.array([coef_all[c] for c in components])
        lower = np.array([target.node(c).min for c in components])
        upper = np.array([target.node(c).max for c in components])
        names = tuple(target.node(c).name_en for c in components)
    else:
        components = (target.composite,)
        coefficients = np.ones(1)
        lower = np.array([target.root.min])
        upper = np.array([target.root.max])
        names = (target.root.name_en,)
    pairs, small = _usable_pairs(panel, level, until, cross_era, min_provinces)
    where = f"{index} ({level} level{'' if until is None else f', pairs up to {until}'})"
    if len(pairs) < min_pairs:
        available = _span(panel.component_years if level == "component" else panel.composite_years)
        what = ("consecutive years with component values under the same methodology"
                if level == "component" else "consecutive years with composites")
        detail = f"found {len(pairs)}" + (f" ({', '.join(p.label for p in pairs)})" if pairs else "")
        if small:
            detail += "; too few provinces in " + ", ".join(f"{p.label} ({p.provinces})" for p in small)
        raise DataUnavailableError(
            f"cannot calibrate {where}: needs at least {min_pairs} pairs of {what} with at least "
            f"{min_provinces} provinces in both years; {detail}",
            hint=f"years in the peer data: {available or 'none'}")

    m = len(components)
    x_rows, d_rows, pair_of, shifts, spreads, comp_shift = [], [], [], [], [], {}
    comp_x, comp_d = [], []
    for k, p in enumerate(pairs):
        a0, a1, cols, c0, c1 = _pair_values(panel, p, level, components)
        n = a0.shape[0]
        d = a1 - a0
        spread = a0.std(axis=0, ddof=1)
        unit = spread if units == "spread" else np.ones(len(cols))
        if np.any(unit <= 0):
            raise DataUnavailableError(f"{index} {p.start}: a component has the same value for every "
                                       "province; its spread cannot serve as a unit")
        xt = np.full((n, m), np.nan)
        dt = np.full((n, m), np.nan)
        xt[:, cols] = (a0 - a0.mean(axis=0)) / unit
        dt[:, cols] = (d - d.mean(axis=0)) / unit
        row = np.full(m, np.nan)
        row[cols] = d.mean(axis=0) / unit
        sp = np.full(m, np.nan)
        sp[cols] = spread
        x_rows.append(xt)
        d_rows.append(dt)
        pair_of.append(np.full(n, k))
        shifts.append(row)
        spreads.append(sp)
        c_unit = c0.std(ddof=1) if units == "spread" else 1.0
        comp_shift[p.label] = float((c1 - c0).mean() / c_unit)
        if not p.crosses_era:
            comp_x.append((c0 - c0.mean()) / c_unit)
            comp_d.append(((c1 - c0) - (c1 - c0).mean()) / c_unit)
        last_comp_spread = float(c0.std(ddof=1))
    X = np.vstack(x_rows)
    D = np.vstack(d_rows)
    pair_of = np.concatenate(pair_of)
    A = np.vstack(shifts)
    S = np.vstack(spreads)
    have = np.isfinite(X)
    labels = [p.label for p in pairs]

    n_pairs = np.isfinite(A).sum(axis=0)
    lacking = [components[j] for j in range(m) if n_pairs[j] < 1]
    notes: list[str] = []
    if lacking and (fill_missing == "refuse" or len(lacking) == m):
        raise DataUnavailableError(
            f"cannot calibrate {where}: no real year pair for " + ", ".join(lacking)
            + f" (pairs used: {', '.join(labels)})",
            hint="fill_missing='pooled' borrows the other components' numbers for them, "
                 "or use level='composite'")

    # the pull, per component (diagonal) -------------------------------------------------
    n_obs = have.sum(axis=0)
    sxx = np.nansum(X * X, axis=0)
    sxd = np.nansum(X * D, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = sxd / sxx
    E = D - X * b
    dof_loss = np.array([[len(np.unique(pair_of[have[:, j] & have[:, l]])) + 1.0
                          for l in range(m)] for j in range(m)])
    cov = _pairwise_cov(E, dof_loss)
    with np.errstate(invalid="ignore", divide="ignore"):
        b_se = np.sqrt(np.diag(cov) / sxx)
    B = np.diag(np.where(np.isfinite(b), b, 0.0))
    pull_kind = "diagonal"
    diagnostics: dict[str, object] = {}
    if level == "component" and m > 1 and not lacking:
        test = _test_full_pull(X, D, pair_of, coefficients)
        if pull == "full" or (pull == "auto" and test.get("full_preferred")):
            if test.get("full_B") is None:
                raise DataUnavailableError(f"cannot fit a full pull matrix for {where}: "
                                           + str(test.get("full_reason")))
            B = test["full_B"]
            E_full, rows_full = test["full_residuals"], test["full_rows"]
            k_full = len(np.unique(pair_of[rows_full]))
            cov = (E_full.T @ E_full) / (len(E_full) - k_full - m)
            pull_kind = "full"
            E = np.full_like(D, np.nan)
            E[rows_full] = E_full
            b_se = np.full(m, np.nan)
            notes.append(f"full pull matrix fitted on the {len(E_full)} province-pairs where every "
                         "component exists")
        diagnostics.update({k: v for k, v in test.items()
                            if k not in ("full_B", "full_residuals", "full_rows")})
    elif pull == "full":
        raise DataUnavailableError(
            f"cannot fit a full pull matrix for {where}: "
            + ("components lack pairs: " + ", ".join(lacking) if lacking else "a single component"))

    filled = tuple(lacking)
    if filled:
        keep = [j for j in range(m) if components[j] not in filled]
        miss = [j for j in range(m) if components[j] in filled]
        b_diag, cov = _fill_pooled(keep, miss, np.diag(B).copy(), cov)
        B = np.diag(b_diag)
        b_se[miss] = np.nan
        notes.append(
            "assumed, not calibrated: " + ", ".join(filled) + " have no real year pair; they "
            "take the median pull and residual sd of the calibrated components and their mean "
            "correlation")

    # correlation, repaired to positive semi-definite -------------------------------------
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    corr, changed = _nearest_correlation(corr)
    if changed:
        notes.append("the pairwise residual correlation matrix was not positive semi-definite "
                     "(components exist in different pairs); the nearest correlation matrix is used")
    cov = corr * np.outer(sd, sd)

    # the common shift of the composite ---------------------------------------------------
    own = pd.Series(comp_shift)
    pooled_devs, pooled_dof, pooled_labels = [], 0, []
    if units == "spread":
        for other in _pool_panels(shift_pool, data, panel, results):
            o_pairs, _ = _usable_pairs(other, "composite", until, cross_era and level == "composite",
                                       min_provinces)
            vals = np.array([_composite_shift(other, p) for p in o_pairs])
            if vals.size >= 2:
                pooled_devs.append(vals - vals.mean())
                pooled_dof += vals.size - 1
                pooled_labels += [f"{other.index.upper()} {p.label}" for p in o_pairs]
    elif shift_pool not in ("auto", "none") and shift_pool:
        notes.append("the shift sd is not pooled across indices in points (their scales differ)")
    own_dev = own.to_numpy() - own.mean()
    dof = (len(own) - 1) + pooled_dof
    var = (np.sum(own_dev ** 2) + sum(np.sum(dv ** 2) for dv in pooled_devs)) / dof
    shift_sd = float(math.sqrt(var))
    observed = float(own.mean())
    se2 = var / len(own)
    factor = {"shrunk": max(0.0, 1.0 - se2 / observed ** 2) if observed != 0 else 0.0,
              "observed": 1.0, "zero": 0.0}[shift_center]
    common = CommonShift(own, observed, observed * factor, shift_sd,
                         shift_sd * math.sqrt(1 + 1 / len(own)), int(dof), shift_tails,
                         shift_process, tuple(pooled_labels))
    direction = _shift_direction(A * S, coefficients) if level == "component" else np.ones(1)

    # persistence beyond the first year -----------------------------------------------------
    persistence, persistence_pairs = None, ()
    if dynamics == "persistent":
        persistence, persistence_pairs = _persistence(panel, comp_x, comp_d, until, units,
                                                      min_provinces)
        if persistence is None:
            notes.append(f"no multi-year pair within one era up to {until or 'the last year'}: "
                         "a province's lead decays as the one-year pull compounded (iterated model)")

    reference = _last_finite(S)
    if filled:
        reference[[components.index(c) for c in filled]] = np.nan
    diagnostics["composite_reference_spread"] = last_comp_spread
    diagnostics["spread_ratio"] = _spread_ratio(X, D)

    # what the model rests on ---------------------------------------------------------------
    if small:
        notes.append("left out for too few provinces: "
                     + ", ".join(f"{p.label} ({p.provinces})" for p in small))
    crossing = [p.label for p in pairs if p.crosses_era]
    if crossing:
        notes.append("pairs across a methodology change (their change includes the change of "
                     "methodology): " + ", ".join(crossing))
    published = sorted({y for p in pairs for y in (p.start, p.end)
                        if level == "composite"
                        and panel.composite_origin.get(y, "").startswith("published")})
    if published:
        notes.append("published composites used for " + _span(published))
    centre = {"shrunk": "the mean observed shift shrunk toward zero (James-Stein factor "
                        f"{factor:.2f})",
              "observed": "the mean observed shift", "zero": "zero"}[shift_center]
    pool_text = (f", pooled with {len(pooled_labels)} pairs of other indices "
                 f"({', '.join(pooled_labels)})" if pooled_labels else "")
    notes.append(
        f"common shift of the composite: {'normal' if shift_tails == 'normal' else 'Student t'} "
        f"around {centre}; its sd from the {len(own)} observed shifts ({', '.join(own.index)})"
        f"{pool_text}, inflated by sqrt(1+1/{len(own)}); "
        + ("drawn once for the whole horizon (a stable level plus a yearly disturbance)"
           if shift_process == "level" else "drawn anew every year"))
    if units == "spread":
        notes.append("shifts, pulls and residuals are in units of the start year's spread across "
                     "provinces (sd per component)")
    if dynamics == "persistent" and persistence is not None:
        notes.append(f"a lead over the mean keeps 1+pull after one year and a share "
                     f"{persistence:.2f} of it every further year (from {', '.join(persistence_pairs)})")

    shifts_frame = pd.DataFrame(A, index=labels, columns=list(components))
    return MovementModel(
        index=index, level=level, target_era=target.era, components=components, names=names,
        coefficients=coefficients, lower=lower, upper=upper, pairs=tuple(pairs), units=units,
        dynamics=dynamics if (dynamics == "iterate" or persistence is not None) else "iterate",
        shifts=shifts_frame, shift=common, direction=direction, pull=B, pull_kind=pull_kind,
        pull_se=b_se, residual_cov=cov, reference_spread=reference, persistence=persistence,
        persistence_pairs=tuple(persistence_pairs), residuals=E, n_obs=n_obs.astype(int),
        filled=filled, diagnostics=diagnostics, notes=tuple(notes))


def _usable_pairs(panel: Panel, level: str, until: int | None, cross_era: bool,
                  min_provinces: int) -> tuple[list[YearPair], list[YearPair]]:
    cand = year_pairs(panel, level=level, until=until, same_era=not cross_era)
    return ([p for p in cand if p.provinces >= min_provinces],
            [p for p in cand if p.provinces < min_provinces])


def _era_composite(panel: Panel, year: int, provinces) -> np.ndarray:
    """The weighted sum of the era's top components (NaN rows where one is missing)."""
    spec = panel.specs[year]
    coef = spec.coefficients()
    top = list(spec.top_components)
    vals = panel.scored[year].loc[provinces, top].to_numpy(float)
    return vals @ np.array([coef[c] for c in top])


def _pair_values(panel: Panel, p: YearPair, level: str, components: Sequence[str]):
    """Start and end values of the provinces in both years, and their composites."""
    if level == "component":
        spec = panel.specs[p.start]
        present = [c for c in components if c in spec.top_components]
        cols = [components.index(c) for c in present]
        top = list(spec.top_components)
        t0 = panel.scored[p.start][top].dropna()
        t1 = panel.scored[p.end][top].dropna()
        common = common_provinces(t0.index, t1.index, p.start, p.end)
        a0 = t0.loc[common, present].to_numpy(float)
        a1 = t1.loc[common, present].to_numpy(float)
        c0 = _era_composite(panel, p.start, common)
        c1 = _era_composite(panel, p.end, common)
        return a0, a1, cols, c0, c1
    s0, s1 = panel.composites[p.start], panel.composites[p.end]
    common = common_provinces(s0.index, s1.index, p.start, p.end)
    c0 = s0.loc[common].to_numpy(float)
    c1 = s1.loc[common].to_numpy(float)
    return c0[:, None], c1[:, None], [0], c0, c1


def _composite_shift(panel: Panel, p: YearPair) -> float:
    s0, s1 = panel.composites[p.start], panel.composites[p.end]
    common = common_provinces(s0.index, s1.index, p.start, p.end)
    c0, c1 = s0.loc[common].to_numpy(float), s1.loc[common].to_numpy(float)
    return float((c1 - c0).mean() / c0.std(ddof=1))


def _pool_panels(shift_pool, data, panel: Panel, results) -> list[Panel]:
    if isinstance(shift_pool, str):
        if shift_pool == "none":
            return []
        if shift_pool != "auto":
            raise UsageError(f"unknown shift_pool '{shift_pool}'",
                             hint="'auto', 'none' or a sequence of panels")
        if isinstance(data, Panel):
            return []
        peers = data
        if peers is None:
            from ..data.peers import default_peers
            peers = default_peers()
        out = []
        for other in sorted(set(peers["index"].unique()) - {panel.index}):
            if other not in INDICES:
                continue
            out.append(build_panel(peers, other, results))
        return out
    out = []
    for other in shift_pool:
        if not isinstance(other, Panel):
            raise UsageError("shift_pool must hold Panel objects")
        if other.index != panel.index:
            out.append(other)
    return out


def _shift_direction(shift_points: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """How a composite shift spreads over the components: the conditional mean of the
    component shifts given the composite's, from their observed covariance (points)."""
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dev = shift_points - np.nanmean(shift_points, axis=0)
    cov = _pairwise_cov(dev, 1.0)
    cov = np.where(np.isfinite(cov), cov, 0.0)
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    cov = (vecs * np.clip(vals, 0, None)) @ vecs.T
    num = cov @ coefficients
    den = float(coefficients @ num)
    if den <= 1e-12:
        return coefficients / float(coefficients @ coefficients)
    return num / den


def _persistence(panel: Panel, comp_x, comp_d, until, units, min_provinces):
    """φ: the yearly share of a lead that survives after the first year (composite level)."""
    if not comp_x:
        return None, ()
    r1 = 1.0 + _slope(np.concatenate(comp_x), np.concatenate(comp_d))
    if r1 <= 0:
        return None, ()
    phis, labels = [], []
    for h in range(2, 20):
        for p in year_pairs(panel, level="composite", horizon=h, until=until, same_era=True):
            if p.provinces < min_provinces:
                continue
            s0, s1 = panel.composites[p.start], panel.composites[p.end]
            common = common_provinces(s0.index, s1.index, p.start, p.end)
            c0, c1 = s0.loc[common].to_numpy(float), s1.loc[common].to_numpy(float)
            x = c0 - c0.mean()
            d = (c1 - c0) - (c1 - c0).mean()
            rh = 1.0 + _slope(x, d)
            phis.append(float(np.clip(max(rh, 0.0) / r1, 0.0, 1.0) ** (1.0 / (h - 1))))
            labels.append(p.label)
    if not phis:
        return None, ()
    return float(np.mean(phis)), tuple(labels)


def _spread_ratio(X: np.ndarray, D: np.ndarray) -> np.ndarray:
    """Per component: the end year's variance over the start year's (pooled)."""
    end = X + D
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum(end * end, axis=0) / np.nansum(X * X, axis=0)


def _last_finite(rows: np.ndarray) -> np.ndarray:
    """Per column, the last finite value (the latest pair where the component exists)."""
    out = np.full(rows.shape[1], np.nan)
    for j in range(rows.shape[1]):
        col = rows[:, j][np.isfinite(rows[:, j])]
        if col.size:
            out[j] = col[-1]
    return out


def _fill_pooled(keep, miss, b, cov):
    cov = cov.copy()
    sd_keep = np.sqrt(np.diag(cov)[keep])
    corr = cov[np.ix_(keep, keep)] / np.outer(sd_keep, sd_keep)
    off = corr[~np.eye(len(keep), dtype=bool)]
    mean_corr = float(np.mean(off)) if off.size else 0.0
    sd = np.sqrt(np.where(np.isfinite(np.diag(cov)), np.diag(cov), 0.0))
    for j in miss:
        b[j] = float(np.median(b[keep]))
        sd[j] = float(np.median(sd_keep))
    for j in range(len(b)):
        for l in range(len(b)):
            if j in miss or l in miss:
                cov[j, l] = (1.0 if j == l else mean_corr) * sd[j] * sd[l]
    return b, cov


def _fit_full(X: np.ndarray, D: np.ndarray) -> np.ndarray:
    """B by least squares (rows: province-pairs, demeaned within pair), by the normal
    equations (m is small and the deviations are well conditioned)."""
    return np.linalg.solve(X.T @ X, X.T @ D).T


def _test_full_pull(X, D, pair_of, coefficients) -> dict:
    """Full versus diagonal pull on the rows where every component exists."""
    rows = np.isfinite(X).all(axis=1) & np.isfinite(D).all(axis=1)
    m = X.shape[1]
    n = int(rows.sum())
    out: dict[str, object] = {"full_rows_n": n}
    pairs_full = np.unique(pair_of[rows])
    if n < 10 * m or len(pairs_full) < 2:
        out.update(full_B=None, full_reason=f"only {n} province-pairs in {len(pairs_full)} pair(s) "
                   "have every component", full_preferred=False)
        return out
    Xr, Dr, Pr = X[rows], D[rows], pair_of[rows]
    Bf = _fit_full(Xr, Dr)
    Ef = Dr - Xr @ Bf.T
    bd = np.sum(Xr * Dr, axis=0) / np.sum(Xr * Xr, axis=0)   # the diagonal on the same rows
    Ed = Dr - Xr * bd
    sign_d, logdet_d = np.linalg.slogdet(Ed.T @ Ed / n)
    sign_f, logdet_f = np.linalg.slogdet(Ef.T @ Ef / n)
    if sign_d <= 0 or sign_f <= 0:  # flat data: components that never moved, or in lockstep
        out.update(full_B=None, full_reason="the residuals have no spread in some direction "
                   "(components that did not move, or moved in lockstep): no full pull to test",
                   full_preferred=False)
        return out
    lr = n * (logdet_d - logdet_f)
    df = m * (m - 1)
    from scipy import stats  # imported here: scipy.stats costs a second at start-up

    p_value = float(stats.chi2.sf(lr, df))
    err_d = err_f = 0.0       # leave one pair out: squared error of the composite change
    for k in pairs_full:
        tr, te = Pr != k, Pr == k
        Bk = _fit_full(Xr[tr], Dr[tr])
        bk = np.sum(Xr[tr] * Dr[tr], axis=0) / np.sum(Xr[tr] * Xr[tr], axis=0)
        err_f += float(np.sum(((Dr[te] - Xr[te] @ Bk.T) @ coefficients) ** 2))
        err_d += float(np.sum(((Dr[te] - Xr[te] * bk) @ coefficients) ** 2))
    out.update(
        lr_statistic=float(lr), lr_df=df, lr_p_value=p_value,
        lopo_composite_mse_diagonal=err_d / n, lopo_composite_mse_full=err_f / n,
        full_B=Bf, full_residuals=Ef, full_rows=np.flatnonzero(rows),
        full_preferred=bool(p_value < 0.01 and err_f < err_d))
    return out
