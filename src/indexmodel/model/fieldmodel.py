"""The field model: where a score will rank among its peers in a later year.

A year's table of an index is a *field*: its mean ``m_y`` and spread ``s_y`` (sd) across
the provinces ranked that year, and each province's position ``z = (x − m_y) / s_y``.
From an origin year ``t`` to a target year ``T = t + h``:

* **Reshuffle inside the field:** ``z'_q = α_h · z_qt + √v_h · ε_q``, ``ε ~ N(0, 1)``;
  ``α_h`` and ``v_h`` by least squares of ``z_(u+h)`` on ``z_u`` pooled over the pairs
  ``(u, u+h)`` that end by ``t`` — the pairs of the target's methodology era when it has
  two, else every within-era pair of the index (every pair, across an era change). With
  no ``h``-year pair yet, the one-year fit compounded (``α^h``, ``v · Σ α^(2i)``). ``α < 1``
  is the pull toward the mean; it is the *fitted persistence* of a province's position.
* **Within one methodology era (points):** ``y_qT = m_t + a + s_t · c · z'_q`` where

  - ``a``, the common shift of the field over ``h`` years, has a **Student-t predictive**
    ``μ + σ̂ · √(1 + 1/n) · t_ν`` (never a plug-in): ``σ̂²`` pools the squared deviations of
    the observed yearly shifts of the field mean from their era's mean (or from zero),
    across every era of the index — and, in spread units, across both indices — and
    ``ν`` is the number of pooled degrees of freedom. Every output says how many pairs
    it rests on. ``walk``: the ``h``-year shift is a sum of ``h`` yearly draws; ``level``:
    one draw for the whole horizon;
  - ``c``, the ratio of the spreads, has a t predictive for ``log c`` from the observed
    ``log(s_(u+1) / s_u)`` (clipped to ±0.5: a factor 1.65, never seen).
* **Across a methodology change** (PCI 2008→2009, 2012→2013; PAPI 2015→2016, 2017→2018,
  where PAPI's scale changes from 6–60 to 8–80): a *standardized level*. Each simulated
  field is re-standardized to the target year's mean and spread, ``y_qT = m_T + s_T · z'_q``.
  **Stated assumption: the new methodology's field mean and sd in the target year are
  given**; the shift is not forecast there (the backtest's baselines get the same
  information).
* **Every province ranked in the target year is a peer.** One without an origin value
  starts from its latest earlier value, moved to ``t`` by the fitted persistence of
  positions over that gap (``z_t ~ N(ρ_g · z_(t−g), 1 − ρ_g²)``); with none, from the
  field (``z_t ~ N(0, 1)``). Each such peer is named.

The settings (units, centre, yearly or single draw, scale, tails) are chosen by the
rolling-origin backtest (:mod:`indexmodel.analysis.selection`), never by one year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, UsageError
from .fastsim import simulate_field_yearly, simulate_ranks, simulate_ranks_yearly

MIN_COMMON = 10          # provinces two years must share for their pair to fit the reshuffle
MAX_LAG = 5              # the longest gap over which a missing origin value is carried
LOGC_CLIP = 0.5          # |log spread ratio| beyond this (a factor 1.65) was never seen


# -- settings --------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The choices the rolling-origin backtest selects among.

    ``units``: the common shift in ``"points"`` or in ``"spread"`` units (the origin
    year's sd; with ``pool_indices`` its spread pools both indices); ``centre``:
    ``"zero"`` or ``"era_mean"`` (the era's mean observed shift); ``process``: an
    ``h``-year shift as ``"walk"`` (h yearly draws) or ``"level"`` (one draw);
    ``inflate``: a multiplier of the shift's predictive scale; ``tails``: ``"nt"``
    (normal-theory t from the pooled degrees of freedom) or ``"t3"`` (the same 90% range
    with t₃ tails); ``reshuffle``: ``"pooled"`` (one persistence and residual spread
    fitted on the pooled year pairs) or ``"yearly"`` (each simulated year reshuffles as
    one of the past years did: the persistence and residual spread of a year pair drawn
    at random from the one-year fits, compounded over the horizon — some years move
    provinces more than others, and a pair's provinces share their year).
    """

    units: str = "points"
    pool_indices: bool = False
    centre: str = "zero"
    process: str = "walk"
    inflate: float = 1.0
    tails: str = "nt"
    reshuffle: str = "pooled"

    def __post_init__(self):
        checks = (("units", self.units, ("points", "spread")),
                  ("centre", self.centre, ("zero", "era_mean")),
                  ("process", self.process, ("walk", "level")),
                  ("tails", self.tails, ("nt", "t3")),
                  ("reshuffle", self.reshuffle, ("pooled", "yearly")))
        for name, value, allowed in checks:
            if value not in allowed:
                raise UsageError(f"unknown {name} '{value}'", hint="one of " + ", ".join(allowed))
        if not self.inflate > 0:
            raise UsageError(f"inflate must be positive, got {self.inflate}")

    @property
    def name(self) -> str:
        """A stable id, e.g. ``points|zero|walk|x1.0|nt`` (tables and code, not for readers);
        ``|yearly`` is appended for the yearly reshuffle."""
        units = "spread+pool" if (self.units == "spread" and self.pool_indices) else self.units
        tail = "|yearly" if self.reshuffle == "yearly" else ""
        return f"{units}|{self.centre}|{self.process}|x{self.inflate:.1f}|{self.tails}{tail}"

    @classmethod
    def from_name(cls, name: str) -> "Settings":
        try:
            parts = name.split("|")
            reshuffle = parts.pop() if len(parts) == 6 else "pooled"
            units, centre, process, inflate, tails = parts
            return cls(units=units.split("+")[0], pool_indices="+pool" in units, centre=centre,
                       process=process, inflate=float(inflate.lstrip("x")), tails=tails,
                       reshuffle=reshuffle)
        except (ValueError, TypeError):
            raise UsageError(f"'{name}' is not a settings id",
                             hint="e.g. points|zero|walk|x1.0|nt") from None

    def effective(self, horizon: int, cross: bool) -> str:
        """The id of what actually differs for this pair (for sharing identical runs):
        across an era change nothing; over one year ``walk`` and ``level`` agree."""
        if cross:
            return "standardized" + ("|yearly" if self.reshuffle == "yearly" else "")
        return replace(self, process="walk" if horizon == 1 else self.process).name


DEFAULT_SETTINGS = Settings()


def candidates() -> dict[str, Settings]:
    """The 48 candidate settings: units {points, spread pooled across indices} × centre
    {zero, era mean (points only)} × {walk, level} × scale {×1, ×1.3} × tails {nt, t3} ×
    reshuffle {pooled, yearly}."""
    out = {}
    for reshuffle in ("pooled", "yearly"):
        for units in ("points", "spread+pool"):
            for centre in ("zero", "era_mean"):
                if units != "points" and centre != "zero":
                    continue
                for process in ("walk", "level"):
                    for inflate in (1.0, 1.3):
                        for tails in ("nt", "t3"):
                            s = Settings(units=units.split("+")[0], pool_indices=units != "points",
                                         centre=centre, process=process, inflate=inflate,
                                         tails=tails, reshuffle=reshuffle)
                            out[s.name] = s
    return out


# -- the field panel -------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FieldPanel:
    """The composites of one index, provinces × years, with each year's field moments.

    ``x``: provinces × years (NaN: not ranked that year); ``mean``, ``sd`` (ddof 1) and
    the positions ``z`` are computed once.
    """

    index: str
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    x: np.ndarray
    eras: Mapping[int, str]
    origins: Mapping[int, str]

    def __post_init__(self):
        x = np.asarray(self.x, dtype=float)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(x, axis=0)
            sd = np.nanstd(x, axis=0, ddof=1)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "mean_", mean)
        object.__setattr__(self, "sd_", sd)
        object.__setattr__(self, "z_", (x - mean) / sd)
        object.__setattr__(self, "col", {y: j for j, y in enumerate(self.years)})
        object.__setattr__(self, "row", {p: i for i, p in enumerate(self.provinces)})

    @classmethod
    def from_panel(cls, panel) -> "FieldPanel":
        """From a :class:`~indexmodel.model.panel.Panel` (its composite years)."""
        years = tuple(int(y) for y in panel.composite_years)
        if not years:
            raise DataUnavailableError(f"{panel.index}: no composite panel in the peer data")
        values = pd.DataFrame({y: panel.composites[y] for y in years}).sort_index()
        return cls(panel.index, tuple(values.index), years, values.to_numpy(float),
                   {y: panel.era(y) for y in years},
                   {y: panel.composite_origin.get(y, "") for y in years})

    @property
    def values(self) -> pd.DataFrame:
        return pd.DataFrame(self.x, index=list(self.provinces), columns=list(self.years))

    def mean(self, year: int) -> float:
        return float(self.mean_[self.col[year]])

    def sd(self, year: int) -> float:
        return float(self.sd_[self.col[year]])

    def column(self, year: int) -> np.ndarray:
        return self.x[:, self.col[year]]

    def era(self, year: int) -> str:
        return self.eras[year]

    def same_era(self, a: int, b: int) -> bool:
        return a in self.eras and b in self.eras and self.eras[a] == self.eras[b]

    def ranked(self, year: int) -> list[str]:
        col = self.column(year)
        return [p for p, v in zip(self.provinces, col) if math.isfinite(v)]

    def pairs(self, h: int, until: int, within: bool | None = True) -> list[tuple[int, int]]:
        """Year pairs ``(u, u+h)`` of the panel with ``u + h ≤ until``; ``within``: True
        within one era, False across a change, None both."""
        out = []
        for u in self.years:
            v = u + h
            if v in self.eras and v <= until:
                if within is None or self.same_era(u, v) == within:
                    out.append((u, v))
        return out

    def until(self, year: int) -> "FieldPanel":
        """The panel as it stood in ``year`` (later years dropped)."""
        keep = [y for y in self.years if y <= year]
        if len(keep) == len(self.years):
            return self
        cols = [self.col[y] for y in keep]
        return FieldPanel(self.index, self.provinces, tuple(keep), self.x[:, cols],
                          {y: self.eras[y] for y in keep}, {y: self.origins[y] for y in keep})


def _label(index: str, u: int, v: int) -> str:
    return f"{index.upper()} {u}→{v}"


# -- the common shift ------------------------------------------------------------------
@dataclass(frozen=True)
class TPredictive:
    """``centre + scale · t_dof`` (dof = inf: normal), and the pairs it rests on."""

    centre: float
    scale: float
    dof: float
    pairs: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.pairs)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.scale == 0:
            return np.full(size, self.centre)
        if not math.isfinite(self.dof):
            return self.centre + self.scale * rng.standard_normal(size)
        return self.centre + self.scale * rng.standard_t(self.dof, size)

    def with_tails(self, nu: float) -> "TPredictive":
        """The same central 90% range with t_nu tails (only where dof > nu)."""
        if not self.dof > nu:
            return self
        from scipy import stats

        factor = float(stats.t.ppf(0.95, self.dof) / stats.t.ppf(0.95, nu))
        return replace(self, scale=self.scale * factor, dof=float(nu))

    def quantile(self, q: float) -> float:
        from scipy import stats

        return float(self.centre + self.scale * stats.t.ppf(q, self.dof))


def shift_observations(fp: FieldPanel, until: int, h: int = 1) -> pd.DataFrame:
    """The field changes of every within-era pair ``(u, u+h)`` ending by ``until``:
    ``points`` (change of the mean), ``spread`` (the same over the start year's sd) and
    ``logc`` (log of the ratio of the spreads)."""
    rows = [(fp.index, fp.era(u), u, v, fp.mean(v) - fp.mean(u), (fp.mean(v) - fp.mean(u)) / fp.sd(u),
             math.log(fp.sd(v) / fp.sd(u))) for u, v in fp.pairs(h, until, within=True)]
    return pd.DataFrame(rows, columns=["index", "era", "start", "end", "points", "spread", "logc"])


def _observations(fp: FieldPanel, until: int, units: str) -> list[tuple[str, int, int, float, float]]:
    """(era, start, end, shift in ``units``, log spread ratio) of the yearly within-era pairs."""
    out = []
    for u, v in fp.pairs(1, until, within=True):
        d = fp.mean(v) - fp.mean(u)
        out.append((fp.era(u), u, v, d if units == "points" else d / fp.sd(u),
                    math.log(fp.sd(v) / fp.sd(u))))
    return out


def _pooled_t(groups: list[tuple[np.ndarray, list[str], bool]], centre: str) -> TPredictive:
    """The pooled Student-t predictive of the next value of the group marked own.

    ``groups``: (values, pair labels, own?) per era; ``centre`` ``"zero"``: deviations
    from zero, centre zero; ``"era_mean"``: deviations from each era's mean, centre the
    own era's mean with the scale inflated by √(1 + 1/n_own).
    """
    dev2, dof, labels, own = 0.0, 0, [], np.array([])
    for vals, labs, is_own in groups:
        if is_own:
            own = vals
        if centre == "zero":
            dev2 += float(np.sum(vals ** 2))
            dof += len(vals)
        elif len(vals) >= 2:
            dev2 += float(np.sum((vals - vals.mean()) ** 2))
            dof += len(vals) - 1
        else:
            continue
        labels += labs
    if dof < 1:
        return TPredictive(math.nan, math.nan, 0.0, tuple(labels))
    s = math.sqrt(dev2 / dof)
    if centre == "zero" or len(own) == 0:
        return TPredictive(0.0, s, float(dof), tuple(labels))
    return TPredictive(float(own.mean()), s * math.sqrt(1 + 1 / len(own)), float(dof), tuple(labels))


@dataclass(frozen=True)
class ShiftModel:
    """The predictive of the common shift over the horizon and of the spread ratio."""

    shift: TPredictive          # one draw (points, or spread units of the origin year)
    logc: TPredictive
    draws: int                  # yearly draws summed over the horizon (walk), or 1
    units: str

    @property
    def n_pairs(self) -> int:
        return self.shift.n

    def describe(self) -> str:
        unit = "points" if self.units == "points" else "origin-year spreads"
        draws = f"the sum of {self.draws} yearly draws" if self.draws > 1 else "one draw"
        tail = "normal" if not math.isfinite(self.shift.dof) else f"t with {self.shift.dof:g} dof"
        return (f"common shift ({unit}): {self.shift.centre:+.3f} + {self.shift.scale:.3f} × {tail}, "
                f"{draws}; rests on {self.shift.n} year pairs ({', '.join(self.shift.pairs)})")


def shift_model(fp: FieldPanel, origin: int, h: int, target_era: str, settings: Settings,
                pool: Sequence[FieldPanel] = ()) -> ShiftModel:
    """The shift predictive for ``origin → origin + h`` from the pairs ending by ``origin``."""
    panels = [fp] + (list(pool) if (settings.units == "spread" and settings.pool_indices) else [])
    groups_a, groups_c = [], []
    for P in panels:
        by_era: dict[str, list] = {}
        for era, u, v, a, c in _observations(P, origin, settings.units):
            by_era.setdefault(era, []).append((_label(P.index, u, v), a, c))
        for era, obs in by_era.items():
            labels = [o[0] for o in obs]
            own = P is fp and era == target_era
            groups_a.append((np.array([o[1] for o in obs]), labels, own))
            groups_c.append((np.array([o[2] for o in obs]), labels, own))
    a = _pooled_t(groups_a, settings.centre)
    c = _pooled_t(groups_c, settings.centre)
    if not math.isfinite(a.scale):
        raise DataUnavailableError(
            f"{fp.index} {origin}→{origin + h}: too few yearly shifts within an era up to {origin} "
            "to know how much the common shift varies", hint="at least 2 are needed")
    if settings.inflate != 1.0:
        a = replace(a, scale=a.scale * settings.inflate)
    if settings.tails == "t3":
        a = a.with_tails(3.0)
    draws = h if (settings.process == "walk" and h > 1) else 1
    return ShiftModel(a, c, draws, settings.units)


# -- the reshuffle ---------------------------------------------------------------------
@dataclass(frozen=True)
class Reshuffle:
    """``z' = alpha · z + √v · ε`` over the horizon; ``rho`` the persistence per gap."""

    alpha: float
    v: float
    pairs: tuple[str, ...]
    iterated: bool
    rho: Mapping[int, float]
    yearly: tuple[tuple[float, float], ...] = ()     # (slope, residual variance) per one-year pair
    yearly_pairs: tuple[str, ...] = ()

    def describe(self) -> str:
        how = "the one-year fit compounded" if self.iterated else "fitted"
        return (f"positions persist with slope {self.alpha:.3f} and residual sd {math.sqrt(self.v):.3f} "
                f"({how}; {len(self.pairs)} year pairs: {', '.join(self.pairs)})")

    def describe_yearly(self, h: int) -> str:
        slopes = [a for a, _ in self.yearly]
        sds = [math.sqrt(v) for _, v in self.yearly]
        return (f"each simulated year reshuffles as one of {len(self.yearly)} past years did "
                f"(slope {min(slopes):.2f}–{max(slopes):.2f}, residual sd {min(sds):.2f}–{max(sds):.2f}; "
                f"{', '.join(self.yearly_pairs)})" + (f", {h} such years compounded" if h > 1 else ""))

    def draw_years(self, rng: np.random.Generator, sims: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Per simulation, the slope and residual variance of ``h`` years drawn from the
        past one-year fits and compounded (``z_h = a_h·…·a_1·z + …``)."""
        fits = np.array(self.yearly, dtype=float)
        a, v = np.ones(sims), np.zeros(sims)
        for _ in range(h):
            k = rng.integers(0, len(fits), sims)
            ak, vk = fits[k, 0], fits[k, 1]
            a, v = ak * a, ak * ak * v + vk
        return a, v


def _stack(fp: FieldPanel, pairs) -> tuple[np.ndarray, np.ndarray] | None:
    xs, ys = [], []
    for u, v in pairs:
        a, b = fp.z_[:, fp.col[u]], fp.z_[:, fp.col[v]]
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() < MIN_COMMON:
            continue
        xs.append(a[ok])
        ys.append(b[ok])
    if not xs:
        return None
    return np.concatenate(xs), np.concatenate(ys)


def _slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    b = float(x @ y / (x @ x))
    r = y - b * x
    return b, float(r @ r / max(len(y) - 1, 1))


def fit_reshuffle(fp: FieldPanel, origin: int, h: int, cross: bool, target_era: str) -> Reshuffle:
    """The reshuffle over ``h`` years, fitted on the pairs ending by ``origin``."""
    def choose(hh: int):
        if cross:
            return fp.pairs(hh, origin, within=None)
        within = fp.pairs(hh, origin, within=True)
        era_pairs = [p for p in within if fp.era(p[0]) == target_era]
        return era_pairs if len(era_pairs) >= 2 else within

    pairs, iterated = choose(h), False
    stacked = _stack(fp, pairs) if pairs else None
    if stacked is None:
        pairs, iterated = choose(1), True
        stacked = _stack(fp, pairs) if pairs else None
    if stacked is None:
        raise DataUnavailableError(f"{fp.index}: no year pair up to {origin} to fit how provinces "
                                   "keep their places")
    alpha, v = _slope(*stacked)
    if iterated and h > 1:
        alpha, v = alpha ** h, v * sum(alpha ** (2 * i) for i in range(h))
    rho = {}
    for g in range(1, MAX_LAG + 1):
        s = _stack(fp, fp.pairs(g, origin, within=None))
        rho[g] = _slope(*s)[0] if s is not None else alpha ** (g / max(h, 1))
    yearly, labels = [], []
    for u, w in choose(1):
        one = _stack(fp, [(u, w)])
        if one is not None:
            yearly.append(_slope(*one))
            labels.append(_label(fp.index, u, w))
    return Reshuffle(alpha, v, tuple(_label(fp.index, u, w) for u, w in pairs), iterated, rho,
                     tuple(yearly), tuple(labels))


# -- a prepared forecast ---------------------------------------------------------------
@dataclass(frozen=True)
class FieldForecast:
    """Everything a simulation of the target year's field needs, and what it rests on.

    ``provinces``: the peers (every province ranked in the target year, or the forecast's
    peer set); ``w`` and ``sd``: each peer's mean and sd of its position ``z'``; ``start``:
    where each peer starts (``origin``, ``latest YEAR`` or ``field``); across an era
    change ``target_moments`` are the target year's field mean and sd (given).
    """

    index: str
    origin: int
    target: int
    cross: bool
    provinces: tuple[str, ...]
    start: tuple[str, ...]
    start_z: np.ndarray
    w: np.ndarray
    sd: np.ndarray
    origin_moments: tuple[float, float]
    target_moments: tuple[float, float] | None
    shift: ShiftModel | None
    reshuffle: Reshuffle
    settings: Settings
    m: np.ndarray | None = None      # each peer's expected origin position (before the slope)
    e: np.ndarray | None = None      # and the variance of that position not known at the origin

    @property
    def yearly(self) -> bool:
        return self.settings.reshuffle == "yearly" and bool(self.reshuffle.yearly)

    @property
    def horizon(self) -> int:
        return self.target - self.origin

    @property
    def level(self) -> str:
        return "standardized" if self.cross else "points"

    @property
    def n_shift_pairs(self) -> int:
        return 0 if self.shift is None else self.shift.n_pairs

    @property
    def shift_dof(self) -> float:
        return math.nan if self.shift is None else self.shift.shift.dof

    def imputed(self) -> dict[str, str]:
        return {p: s for p, s in zip(self.provinces, self.start) if s != "origin"}

    def notes(self) -> list[str]:
        out = [self.reshuffle.describe_yearly(self.horizon) if self.yearly else self.reshuffle.describe()]
        if self.cross:
            out.append(f"across a methodology change ({self.origin}→{self.target}): standardized "
                       "level; the target year's field mean and sd are taken as given")
        else:
            out.append(self.shift.describe())
        odd = self.imputed()
        if odd:
            out.append("peers without an origin value: " + "; ".join(
                f"{p} ({'from its ' + s.replace('latest', 'latest earlier value,') if s != 'field' else 'from the field distribution'})"
                for p, s in odd.items()))
        return out

    def draw_levels(self, rng: np.random.Generator, sims: int) -> tuple[np.ndarray, np.ndarray]:
        """Per simulation: the field's base (origin mean + shift) and gain (origin sd × c)."""
        m_t, s_t = self.origin_moments
        if self.cross:
            return np.zeros(sims), np.ones(sims)
        a = self.shift.shift.draw(rng, sims)
        for _ in range(self.shift.draws - 1):
            a = a + self.shift.shift.draw(rng, sims)
        if self.shift.units == "spread":
            a = a * s_t
        logc = np.zeros(sims)
        if math.isfinite(self.shift.logc.scale):
            logc = self.shift.logc.draw(rng, sims)
            for _ in range(self.shift.draws - 1):
                logc = logc + self.shift.logc.draw(rng, sims)
            logc = np.clip(logc, -LOGC_CLIP, LOGC_CLIP)
        return m_t + a, s_t * np.exp(logc)

    def ranks(self, thresholds, exclude, sims: int, seed, *, kernel: str = "auto") -> np.ndarray:
        """Ranks (sims × thresholds) of fixed scores among the simulated peers.

        ``seed``: a seed sequence; the field's levels and the provinces' draws use two
        independent streams derived from it (so settings that differ only in the shift
        share the provinces' draws).
        """
        levels_rng, field_rng = _streams(seed)
        base, gain = self.draw_levels(levels_rng, sims)
        restd = self.target_moments if self.cross else None
        if self.yearly:
            a, v = self.reshuffle.draw_years(levels_rng, sims, self.horizon)
            return simulate_ranks_yearly(field_rng, self.m, self.e, a, v, base, gain, thresholds,
                                         exclude, restd)
        return simulate_ranks(field_rng, self.w, self.sd, base, gain, thresholds, exclude, restd,
                              kernel=kernel)

    def simulate(self, sims: int, seed) -> np.ndarray:
        """The simulated peer scores themselves (sims × peers), from the same streams."""
        from .fastsim import simulate_field

        levels_rng, field_rng = _streams(seed)
        base, gain = self.draw_levels(levels_rng, sims)
        restd = self.target_moments if self.cross else None
        if self.yearly:
            a, v = self.reshuffle.draw_years(levels_rng, sims, self.horizon)
            return simulate_field_yearly(field_rng, self.m, self.e, a, v, base, gain, restd)
        return simulate_field(field_rng, self.w, self.sd, base, gain, restd)


def _streams(seed) -> tuple[np.random.Generator, np.random.Generator]:
    words = list(seed) if isinstance(seed, (list, tuple)) else [int(seed)]
    return np.random.default_rng(words + [1]), np.random.default_rng(words + [2])


def prepare(fp: FieldPanel, origin: int, target: int, provinces: Sequence[str],
            settings: Settings = DEFAULT_SETTINGS, pool: Sequence[FieldPanel] = (), *,
            target_moments: tuple[float, float] | None = None,
            target_era: str | None = None) -> FieldForecast:
    """The forecast of ``target``'s field from the panel up to ``origin``.

    ``provinces``: the peers to simulate (each starts from its origin value, its latest
    earlier value or the field). ``target_era``: the methodology of the target year
    (default: the panel's, where the target year is in it; else the origin's).
    ``target_moments``: the target year's field (mean, sd), needed across an era change.
    """
    if origin not in fp.eras:
        raise DataUnavailableError(f"{fp.index} {origin}: no full table of the field in the peer data",
                                   hint="years with a full table: " + ", ".join(map(str, fp.years)))
    h = int(target) - int(origin)
    if h < 1:
        raise UsageError(f"the target year {target} must come after the origin {origin}")
    past = fp.until(origin)
    era_t = target_era or fp.eras.get(target, fp.era(origin))
    cross = era_t != fp.era(origin)
    reshuffle = fit_reshuffle(past, origin, h, cross, era_t)
    starts, start_z, w, sd, mm, ee = [], [], [], [], [], []
    a, v = reshuffle.alpha, reshuffle.v
    oc = past.col[origin]
    for p in provinces:
        i = past.row.get(p)
        row = None if i is None else past.z_[i]
        if row is not None and math.isfinite(row[oc]):
            starts.append("origin")
            start_z.append(float(row[oc]))
            w.append(a * float(row[oc]))
            sd.append(math.sqrt(v))
            mm.append(float(row[oc]))
            ee.append(0.0)
            continue
        earlier = [] if row is None else [y for y in past.years
                                          if y < origin and math.isfinite(row[past.col[y]])]
        if earlier:
            y0 = max(earlier)
            r = reshuffle.rho[min(origin - y0, MAX_LAG)]
            starts.append(f"latest {y0}")
            start_z.append(float(row[past.col[y0]]))
            w.append(a * r * float(row[past.col[y0]]))
            sd.append(math.sqrt(v + a * a * max(1.0 - r * r, 0.0)))
            mm.append(r * float(row[past.col[y0]]))
            ee.append(max(1.0 - r * r, 0.0))
        else:
            starts.append("field")
            start_z.append(0.0)
            w.append(0.0)
            sd.append(math.sqrt(v + a * a))
            mm.append(0.0)
            ee.append(1.0)
    shift = None
    if cross:
        if target_moments is None:
            raise DataUnavailableError(
                f"{fp.index} {origin}→{target} crosses a methodology change: the new methodology's "
                "field mean and sd in the target year must be given")
    else:
        shift = shift_model(past, origin, h, era_t, settings,
                            [P.until(origin) for P in pool if P.index != fp.index])
    origin_moments = (past.mean(origin), past.sd(origin))
    return FieldForecast(fp.index, int(origin), int(target), cross, tuple(provinces), tuple(starts),
                         np.array(start_z), np.array(w), np.array(sd), origin_moments,
                         None if target_moments is None else tuple(map(float, target_moments)),
                         shift, reshuffle, settings, np.array(mm), np.array(ee))
