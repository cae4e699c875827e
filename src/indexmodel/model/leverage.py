"""Leverage: how much rank each component can buy for one province, index and year.

For every component the table gives the composite points per unit of it and the rank
gained (peers held where they are) by

- a step of 1% of the component's range,
- a typical (median) and a strong (90th percentile) one-year improvement seen in the
  real panels,
- reaching the plan's target,
- matching the best province in that component (the headroom to the frontier),

nationally and, where the region's peers are known, regionally. Where peers are only
partly known the field is a :class:`~indexmodel.model.ranking.RankCurve` and every rank gain
is an interval (``*_low`` .. ``*_high``) with a central value; where they are known in
full the interval is a single number.

Rank gained = rank before − rank after (positive is better).
"""

from __future__ import annotations

import math
from typing import Mapping, Protocol

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError
from ..data.spec import Spec
from .ranking import RankInterval
from .scoring import score


class Field(Protocol):
    n: int

    def place(self, score: float) -> RankInterval: ...

    def score_for_rank(self, k: int) -> tuple[float, float]: ...


def rank_gain(field: Field, before: float, after: float) -> tuple[int, int, float]:
    """Rank gained moving from composite ``before`` to ``after`` (worst, best, central)."""
    return _gain(field.place(before), field.place(after))


SCENARIOS = ("step_1pct", "typical", "strong", "target", "frontier")


def leverage_table(
    spec: Spec,
    own: Mapping[str, float],
    field: Field | None,
    *,
    year: int | None = None,
    components: tuple[str, ...] | None = None,
    improvements: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    frontier: Mapping[str, float] | None = None,
    regional_field: Field | None = None,
) -> pd.DataFrame:
    """The leverage of each component (rows) for a province with values ``own``.

    Without a ``field`` (no peer scores) the composite points are still given and the
    rank columns are empty.

    ``improvements``: real one-year gains per component (index: component id; columns
    ``median`` and ``p90``), from :mod:`indexmodel.model.panel`; ``targets``: the plan's
    target values; ``frontier``: the best peer value of each component. Any of them may
    be missing: its columns are then empty (NaN), never guessed.
    """
    base = score(spec, own, year=year, warn=False)
    composite = base.composite
    if not math.isfinite(composite):
        raise DataUnavailableError(f"{spec.index}: the province's own composite cannot be "
                                   "computed from the values given (a component is missing)")
    components = components or spec.top_components
    coef = spec.coefficients()
    rows = []
    for component in components:
        node = spec.node(component)
        value = base[component]
        row = dict(component=component, name_vi=node.name_vi, name_en=node.name_en,
                   value=value, max=node.max, points_per_unit=coef[component],
                   frontier_value=frontier.get(component, math.nan) if frontier else math.nan)
        for scenario, move, after in _moves(node, value, composite, coef[component], SCENARIOS,
                                            improvements, targets, frontier):
            row[f"{scenario}_move"] = move
            row[f"{scenario}_points"] = after - composite
            for scope, fld in (("", field), ("regional_", regional_field)):
                if fld is None or not math.isfinite(after):
                    worst = best = central = math.nan
                else:
                    worst, best, central = rank_gain(fld, composite, after)
                row[f"{scope}{scenario}_rank_gain"] = central
                row[f"{scope}{scenario}_rank_gain_low"] = worst
                row[f"{scope}{scenario}_rank_gain_high"] = best
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(composite=composite)
    if field is not None:
        now = field.place(composite)
        table.attrs.update(rank_low=now.low, rank_high=now.high, rank_central=now.central,
                           n=field.n, assumptions=list(getattr(field, "assumptions", ())))
    if regional_field is not None:
        rnow = regional_field.place(composite)
        table.attrs.update(regional_rank_low=rnow.low, regional_rank_high=rnow.high,
                           regional_n=regional_field.n)
    return table


def _moves(node, value: float, composite: float, coef: float, scenarios, improvements,
           targets, frontier):
    """(scenario, move, composite after it) of one component, for each of ``scenarios``."""
    for scenario in scenarios:
        if scenario == "step_1pct":
            move = 0.01 * (node.max - node.min)
        elif scenario in ("typical", "strong"):
            move = _lookup(improvements, node.id, "median" if scenario == "typical" else "p90")
        elif scenario == "target":
            move = (targets[node.id] - value) if targets and node.id in targets else math.nan
        else:  # frontier
            move = (max(frontier[node.id] - value, 0.0)
                    if frontier and node.id in frontier else math.nan)
        if math.isfinite(move):
            move = min(move, node.max - value)  # never beyond the component's maximum
        yield scenario, move, (composite + coef * move if math.isfinite(move) else math.nan)


def leverage_gains(spec: Spec, own: Mapping[str, float], field: Field | None,
                   scenarios: tuple[str, ...], *, year: int | None = None,
                   improvements: pd.DataFrame | None = None,
                   targets: Mapping[str, float] | None = None,
                   frontier: Mapping[str, float] | None = None,
                   places: dict | None = None) -> tuple[list[str], dict[str, np.ndarray]]:
    """The columns ``<scenario>_points`` and ``<scenario>_rank_gain`` of
    :func:`leverage_table` (the same numbers, national field), as arrays over the top
    components, without the rest of the table: what a sweep over settings asks of each
    setting. ``places``: the field's places already computed (composite → place), kept
    across the settings of a sweep (the field is the same for all)."""
    base = score(spec, own, year=year, warn=False)
    composite = base.composite
    if not math.isfinite(composite):
        raise DataUnavailableError(f"{spec.index}: the province's own composite cannot be "
                                   "computed from the values given (a component is missing)")
    components = list(spec.top_components)
    coef = spec.coefficients()
    places = {} if places is None else places

    def place(value: float):
        if value not in places:
            places[value] = field.place(value)
        return places[value]

    out = {f"{s}_{what}": np.full(len(components), math.nan)
           for s in scenarios for what in ("points", "rank_gain")}
    for k, component in enumerate(components):
        node = spec.node(component)
        for scenario, _move, after in _moves(node, base[component], composite, coef[component],
                                             scenarios, improvements, targets, frontier):
            out[f"{scenario}_points"][k] = after - composite
            if field is not None and math.isfinite(after):
                out[f"{scenario}_rank_gain"][k] = _gain(place(composite), place(after))[2]
    return components, out


def _gain(a, b) -> tuple[int, int, float]:
    """:func:`rank_gain` from the two places."""
    worst = max(0, a.low - b.high)
    best = max(0, a.high - b.low)
    central = max(0.0, a.central - b.central)
    if a.exact and b.exact:
        worst = best = a.low - b.low
        central = float(worst)
    return worst, best, central


def _lookup(table: pd.DataFrame | None, component: str, column: str) -> float:
    if table is None or component not in table.index or column not in table.columns:
        return math.nan
    value = table.loc[component, column]
    return float(value) if pd.notna(value) else math.nan


def frontier_of(peer_table: pd.DataFrame, components) -> dict[str, float]:
    """The best value of each component among the peers (columns: component ids)."""
    return {c: float(peer_table[c].max()) for c in components
            if c in peer_table.columns and peer_table[c].notna().any()}


def leaders(table: pd.DataFrame, scenario: str = "typical") -> list[str]:
    """Every component whose ``scenario`` improvement buys the most (rank gain where the
    field allows ranks, then composite points): several when they tie."""
    col, pts = f"{scenario}_rank_gain", f"{scenario}_points"
    return leaders_of(table["component"].tolist(),
                      *(table[c].to_numpy(float) if c in table.columns else None for c in (col, pts)))


def leaders_of(components, gain: np.ndarray | None, points: np.ndarray | None) -> list[str]:
    """:func:`leaders` on plain arrays (one value per component; None: not available)."""
    keys = [a for a in (gain, points) if a is not None and not np.isnan(a).all()]
    mask = np.ones(len(components), dtype=bool)
    for values in keys:
        chosen = values[mask]
        if not len(chosen) or np.isnan(chosen).all():
            return []
        mask &= np.isclose(values, np.nanmax(chosen), rtol=0, atol=1e-9)
    return [str(c) for c, m in zip(components, mask) if m] if keys else []


def most_leverage(table: pd.DataFrame, scenario: str = "typical") -> str | None:
    """The component whose ``scenario`` improvement buys the most rank (ties: most points;
    a remaining tie gives None — see :func:`leaders`)."""
    top = leaders(table, scenario)
    return top[0] if len(top) == 1 else None


def target_realism(baseline: Mapping[str, float], targets: Mapping[str, float],
                   real_gains: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Where each target gain sits among real gains over the same horizon.

    ``real_gains[c]`` holds every real gain of component ``c`` seen over the horizon
    (e.g. two years) in the panels. ``percentile`` is the share of real gains below the
    target gain; ``share_reaching`` the share at or above it.
    """
    rows = []
    for component, target in targets.items():
        if component not in baseline:
            continue
        gain = target - baseline[component]
        gains = np.asarray(real_gains.get(component, []), dtype=float)
        gains = gains[np.isfinite(gains)]
        if gains.size:
            below = float((gains < gain - 1e-9).mean())  # tolerance: 6.8 - 6.5 is 0.2999…
            reaching = 1.0 - below
        else:
            below = reaching = math.nan
        rows.append(dict(component=component, baseline=baseline[component], target=target,
                         gain=gain, percentile=100 * below, share_reaching=reaching,
                         n_real=int(gains.size)))
    return pd.DataFrame(rows, columns=["component", "baseline", "target", "gain", "percentile",
                                       "share_reaching", "n_real"])
