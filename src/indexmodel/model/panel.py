"""The real panels of one index, year by year, and the real changes they show.

:func:`build_panel` scores every year of a tidy peer table (a year counts as a panel from
:data:`FULL_PANEL` provinces: the partial top-ranked tables are not panels);
:func:`year_pairs` lists the pairs of years the movement model is calibrated on
(:mod:`indexmodel.model.calibration`). :func:`changes`, :func:`improvement_quantiles` and
:func:`gain_percentile` give the real changes of a component over a number of years,
always within one methodology era.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError, UsageError
from ..data.provinces import continuing, map_year
from ..data.spec import INDICES, Spec, SpecBook, load_specs
from .scoring import score_years

MIN_PAIRS = 2          # year pairs needed to know how much the common shift varies
MIN_PROVINCES = 20     # provinces needed in both years for a pair to count
FULL_PANEL = 30        # a year's table is a panel (not a partial top-ranked table) from 30 provinces
LEVELS = ("component", "composite")


# -- the panel -------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One index's real tables, year by year: every node scored, composites, origins.

    ``scored[year]`` has a row per province and a column per node of that year's spec
    (NaN where unknown); ``composites[year]`` the composite of every province ranked
    that year (computed from the components, or the published composite where the year
    is published-only or has no components); ``composite_origin[year]`` says which.
    Only years with at least :data:`FULL_PANEL` provinces count as panels: the partial
    top-ranked tables (PCI 2019, 2021) are not.
    """

    index: str
    scored: Mapping[int, pd.DataFrame]
    composites: Mapping[int, pd.Series]
    composite_origin: Mapping[int, str]
    specs: Mapping[int, Spec]
    notes: tuple[str, ...] = ()

    @property
    def component_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.scored))

    @property
    def composite_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.composites))

    def era(self, year: int) -> str:
        return self.specs[year].era

    def same_era(self, y1: int, y2: int) -> bool:
        return y1 in self.specs and y2 in self.specs and self.era(y1) == self.era(y2)

    def components(self, year: int, ids: Sequence[str]) -> pd.DataFrame:
        """Provinces × ``ids`` of ``year``, rows with every value known."""
        if year not in self.scored:
            raise DataUnavailableError(f"{self.index} {year}: no component panel in the peer data",
                                       hint=_years_hint(self))
        table = self.scored[year]
        missing = [c for c in ids if c not in table.columns]
        if missing:
            raise DataUnavailableError(
                f"{self.index} {year} (era {self.era(year)}) has no component "
                + ", ".join(missing))
        return table.loc[:, list(ids)].dropna()

    def composite(self, year: int) -> pd.Series:
        if year not in self.composites:
            raise DataUnavailableError(f"{self.index} {year}: no composite panel in the peer data",
                                       hint=_years_hint(self))
        return self.composites[year]


def common_provinces(start_index: pd.Index, end_index: pd.Index, start: int, end: int) -> pd.Index:
    """The provinces present in both years that are the same province in both: across a
    reform of the map a name may pass to a merged unit ("Gia Lai" 2024 → 2025), and such a
    pair is not a province's change."""
    common = start_index.intersection(end_index)
    if map_year(start) == map_year(end):
        return common
    return pd.Index(continuing(common, start, end))


def _years_hint(panel: Panel) -> str:
    comp = _span(panel.component_years) or "none"
    compo = _span(panel.composite_years) or "none"
    return f"component panels: {comp}; composite panels: {compo}"


def _span(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def build_panel(peers: pd.DataFrame | None, index: str, results: pd.DataFrame | None = None,
                *, book: SpecBook | None = None, use_default_results: bool = True) -> Panel:
    """The panel of ``index`` from a tidy peer table (and published results).

    ``peers``: the tidy table (index, year, province, component, value[, source]);
    None for the shipped one. ``results``: published composites (index, year, province,
    composite, …); None for the shipped ones when ``use_default_results``. Published
    composites fill the years whose composite cannot be computed (published-only years
    such as PCI 2011, PCI 2005, or years without component values).
    """
    if index not in INDICES:
        raise DataUnavailableError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))
    book = book or load_specs()
    if peers is None:
        from ..data.peers import default_peers
        peers = default_peers()
    if results is None and use_default_results:
        try:
            from ..data.peers import default_results
            results = default_results()
        except (DataUnavailableError, ImportError):
            results = None
    missing = {"index", "year", "province", "component", "value"} - set(peers.columns)
    if missing:
        raise DataUnavailableError("the peer table lacks column(s) " + ", ".join(sorted(missing)))
    return _build_panel(peers, index, results, book)


@memo(maxsize=16)  # the same for every province (each analysis asks for its index's panel)
def _build_panel(peers: pd.DataFrame, index: str, results: pd.DataFrame | None,
                 book: SpecBook) -> Panel:
    sub = peers[peers["index"] == index]
    scored: dict[int, pd.DataFrame] = {}
    composites: dict[int, pd.Series] = {}
    origin: dict[int, str] = {}
    specs: dict[int, Spec] = {}
    notes: list[str] = []
    for year, (spec, table) in score_years(sub, index, book).items():
        table = table[table[list(spec.top_components)].notna().any(axis=1)]
        if len(table) < FULL_PANEL:
            notes.append(f"{index} {year}: {len(table)} provinces with values, a partial table, "
                         f"not a panel (a panel needs {FULL_PANEL})")
            continue
        scored[year] = table
        specs[year] = spec
        comp = table[spec.composite].dropna()
        if not spec.is_published_only(year) and len(comp) >= FULL_PANEL:
            composites[year] = comp.sort_index()
            origin[year] = f"computed from the components (era {spec.era})"
    if results is not None and len(results):
        pub = results[(results["index"] == index) & results["composite"].notna()]
        for year, rows in pub.groupby("year"):
            year = int(year)
            if year in composites:
                continue
            series = rows.set_index("province")["composite"].astype(float).sort_index()
            if len(series) < FULL_PANEL:
                continue
            spec = book.spec_for(index, year) if _covered(book, index, year) else None
            if spec is None:
                continue
            composites[year] = series
            origin[year] = "published composite (results table)"
            specs.setdefault(year, spec)
            if spec.is_published_only(year):
                notes.append(f"{index} {year}: published-only year; its published composites are used")
    return Panel(index, scored, composites, origin, specs, tuple(notes))


def _covered(book: SpecBook, index: str, year: int) -> bool:
    return any(s.covers(year) for s in book.eras(index))


def era_panel(panel: Panel, spec: Spec) -> tuple[Panel, tuple[str, ...]]:
    """The part of ``panel`` in ``spec``'s methodology era: real changes "of that era".

    Where the era has no year pair of its own (PCI from 2022: one full year, 2022, known
    only by its published composites), the years of the latest earlier era with the same
    top components are mapped into it: their component values stand, their composites
    are recomputed under ``spec``'s weights, and they count as the era's years — real
    movements of the same sub-indices, weighed as the era weighs them. The notes say so.
    """
    own = sorted(y for y, s in panel.specs.items() if s.era == spec.era)
    notes: list[str] = []

    def has_pair(years: Sequence[int]) -> bool:  # a component-level pair
        ys = set(years)
        return any(y + 1 in ys and y in panel.scored and y + 1 in panel.scored for y in ys)

    scored = {y: panel.scored[y] for y in own if y in panel.scored}
    composites = {y: panel.composites[y] for y in own if y in panel.composites}
    origin = {y: panel.composite_origin[y] for y in own if y in panel.composite_origin}
    specs = {y: panel.specs[y] for y in own}
    if not has_pair(own):
        top = set(spec.top_components)
        earlier = sorted({s.era: s for y, s in panel.specs.items()
                          if y < spec.valid_from and set(s.top_components) == top
                          and y in panel.scored}.values(), key=lambda s: s.valid_from)
        if earlier and spec.root.rule not in (None, "unknown"):
            source = earlier[-1]
            coef = pd.Series(spec.child_coefficients(spec.composite))
            mapped = []
            for year in sorted(y for y, s in panel.specs.items() if s.era == source.era):
                if year not in panel.scored or source.is_published_only(year):
                    continue
                table = panel.scored[year].copy()
                comp = (table[list(coef.index)] * coef).sum(axis=1, min_count=len(coef))
                table[spec.composite] = comp
                scored[year] = table
                specs[year] = spec
                comp = comp.dropna()
                if len(comp) >= FULL_PANEL:
                    composites[year] = comp.sort_index()
                    origin[year] = (f"recomputed from the era {source.era} components under the "
                                    f"weights of era {spec.era}")
                mapped.append(year)
            if not mapped:
                earlier = []
            else:
                notes.append(
                    f"{panel.index} era {spec.era} has no year pair of its own: the real changes "
                    f"are those of {mapped[0]}-{mapped[-1]} (era {source.era}), their components as "
                    f"published and their composites recomputed under the weights of {spec.era}"
                    + (f", with {', '.join(str(y) for y in own)} as published" if own else ""))
        if not earlier:  # nothing to map: every era's real changes, pooled by component id
            notes.append(f"{panel.index} era {spec.era} has no year pair of its own and no earlier "
                         "era with the same components: the real changes of every era are pooled "
                         "by component")
            return panel, tuple(notes)
    out = Panel(panel.index, dict(sorted(scored.items())), dict(sorted(composites.items())),
                dict(sorted(origin.items())), dict(sorted(specs.items())),
                tuple(panel.notes) + tuple(notes))
    return out, tuple(notes)


def _as_panel(data, index: str, results=None) -> Panel:
    if isinstance(data, Panel):
        if data.index != index:
            raise UsageError(f"the panel is of {data.index}, not {index}")
        return data
    return build_panel(data, index, results)


# -- year pairs ------------------------------------------------------------------------
@dataclass(frozen=True)
class YearPair:
    """Two years of one index, with the provinces present in both."""

    start: int
    end: int
    era_start: str
    era_end: str
    provinces: int

    @property
    def crosses_era(self) -> bool:
        return self.era_start != self.era_end

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}"


def year_pairs(panel: Panel, *, level: str = "component", horizon: int = 1,
               until: int | None = None, same_era: bool = True) -> tuple[YearPair, ...]:
    """Pairs ``(t, t+horizon)`` with both years in the panel (and ``t+horizon ≤ until``)."""
    _check_level(level)
    years = panel.component_years if level == "component" else panel.composite_years
    out = []
    for t in years:
        end = t + horizon
        if end not in years or (until is not None and end > until):
            continue
        if level == "component" or same_era:
            if not panel.same_era(t, end):
                continue
        if level == "component":
            n = len(common_provinces(panel.scored[t].index, panel.scored[end].index, t, end))
        else:
            n = len(common_provinces(panel.composites[t].index, panel.composites[end].index, t, end))
        out.append(YearPair(t, end, panel.era(t), panel.era(end), n))
    return tuple(out)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise UsageError(f"unknown level '{level}'", hint="one of " + ", ".join(LEVELS))


# -- real improvements -----------------------------------------------------------------
@memo(maxsize=512, copy=True)  # the same for every province (the explorer asks per component)
def changes(data, index: str, component: str, horizon: int = 1, *,
            results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every real change of ``component`` over ``horizon`` years, within one methodology era.

    Columns: province, start, end, value_start, value_end, change. The composite id
    (``pci``, ``papi``) gives composite changes (published composites where a year is
    published-only).
    """
    panel = _as_panel(data, index, results)
    _check_horizon(horizon)
    parts = []
    for p in _change_pairs(panel, component, horizon):
        s0, s1 = _node_series(panel, p.start, component), _node_series(panel, p.end, component)
        common = common_provinces(s0.index, s1.index, p.start, p.end)
        parts.append(pd.DataFrame({"province": common, "start": p.start, "end": p.end,
                                   "value_start": s0.loc[common].to_numpy(float),
                                   "value_end": s1.loc[common].to_numpy(float)}))
    columns = ["province", "start", "end", "value_start", "value_end"]
    frame = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({c: pd.Series(dtype=float) for c in columns}))
    frame["change"] = frame["value_end"] - frame["value_start"]
    return frame


def _check_horizon(horizon: int) -> None:
    if int(horizon) != horizon or horizon < 1:
        raise UsageError(f"horizon must be a whole number of years ≥ 1, got {horizon}")


def _node_series(panel: Panel, year: int, node: str) -> pd.Series:
    spec = panel.specs[year]
    if node == spec.composite:
        return panel.composites.get(year, pd.Series(dtype=float))
    if year not in panel.scored or node not in panel.scored[year].columns:
        return pd.Series(dtype=float)
    return panel.scored[year][node].dropna()


def _change_pairs(panel: Panel, node: str, horizon: int) -> list[YearPair]:
    years = sorted(set(panel.scored) | set(panel.composites))
    out = []
    for t in years:
        end = t + horizon
        if end not in panel.specs or not panel.same_era(t, end):
            continue
        if not panel.specs[t].has(node):
            continue
        s0, s1 = _node_series(panel, t, node), _node_series(panel, end, node)
        n = len(common_provinces(s0.index, s1.index, t, end))
        if n >= MIN_PROVINCES:
            out.append(YearPair(t, end, panel.era(t), panel.era(end), n))
    return out


def improvement_quantiles(data, index: str, horizon: int = 1, *,
                          components: Sequence[str] | None = None,
                          results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Real ``horizon``-year changes per component: typical and strong improvements.

    One row per component (every node with real pairs, composite included, unless
    ``components`` picks some): ``median_change`` and ``p90_change`` over every
    province-pair (the 90th percentile is what a strong improver achieves: only a
    tenth of the real changes did better), ``share_improved``, and over the provinces
    that improved: ``median_gain`` (a typical improvement) and ``p90_gain``.
    ``year_pairs`` lists the pairs used (always within one methodology era).
    """
    panel = _as_panel(data, index, results)
    _check_horizon(horizon)
    nodes: list[str] = []
    eras = {spec.era: spec for _, spec in sorted(panel.specs.items())}
    for spec in eras.values():
        for node in spec.ids:
            if node not in nodes:
                nodes.append(node)
    if components is not None:
        unknown = [c for c in components if c not in nodes]
        if unknown:
            raise DataUnavailableError(f"{index}: no real panel for " + ", ".join(unknown),
                                       hint="components with a panel: " + ", ".join(nodes))
        nodes = list(components)
    rows = []
    for node in nodes:
        pairs = _change_pairs(panel, node, horizon)
        if not pairs:
            if components is not None:
                raise DataUnavailableError(
                    f"{index} {node}: no real {horizon}-year pair within one methodology era",
                    hint=_years_hint(panel))
            continue
        ch = changes(panel, index, node, horizon)["change"].to_numpy()
        gains = ch[ch > 0]
        spec = next(s for s in panel.specs.values() if s.has(node))
        rows.append({
            "component": node,
            "name": spec.node(node).name_en,
            "level": spec.level(node),
            "horizon": horizon,
            "year_pairs": ", ".join(p.label for p in pairs),
            "n": int(ch.size),
            "median_change": float(np.median(ch)),
            "p90_change": float(np.quantile(ch, 0.9)),
            "share_improved": float(gains.size / ch.size),
            "median_gain": float(np.median(gains)) if gains.size else math.nan,
            "p90_gain": float(np.quantile(gains, 0.9)) if gains.size else math.nan,
        })
    return pd.DataFrame(rows)


def gain_percentile(gain, data, index: str, component: str, horizon: int = 2, *,
                    results: pd.DataFrame | None = None):
    """Where ``gain`` sits among the real ``horizon``-year changes of ``component``.

    The percentile (0–100; ties count half): 95 means 95% of the real changes were
    smaller. One number for one gain, an array for several.
    """
    panel = _as_panel(data, index, results)
    real = changes(panel, index, component, horizon)["change"].to_numpy()
    if real.size == 0:
        raise DataUnavailableError(
            f"{index} {component}: no real {horizon}-year change within one methodology era",
            hint=_years_hint(panel))
    real = np.sort(real)
    g = np.asarray(gain, dtype=float)
    below = np.searchsorted(real, g, side="left")
    upto = np.searchsorted(real, g, side="right")
    pct = 100.0 * (below + 0.5 * (upto - below)) / real.size
    return float(pct) if pct.ndim == 0 else pct
