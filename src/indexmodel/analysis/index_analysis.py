"""One index for one province: structure, data and results in one object.

An :class:`IndexAnalysis` holds the index's spec, the province's own component
values, the field of peers it is ranked against (:mod:`indexmodel.model.field`), the real
year-to-year improvements seen in the panels, and — when it comes from a plan — the
targets and rank goals. Its methods give the leverage table, the cheapest path to a
rank goal, the best rank for a budget, target realism and the rank odds. What-if
copies are cheap: :meth:`IndexAnalysis.with_changes` and
:meth:`IndexAnalysis.with_weights` return new objects sharing the heavy data.

Every number traces back to ``data/``: the plan tables, the peer tables, the specs.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError, UsageError
from ..data.plan import Plan, load_plan
from ..data.spec import Spec, SpecBook, index_id, load_specs
from ..model import leverage as lev
from ..model import optimize as opt
from ..model.field import Note, PeerField, build_field
from ..model.ranking import RankInterval
from ..model.scoring import score
from .odds import Odds


@dataclass(frozen=True)
class IndexAnalysis:
    index: str
    province: str
    year: int
    spec: Spec
    own: Mapping[str, float]
    field: PeerField
    targets: Mapping[str, float] | None = None
    target_year: int | None = None
    goal_rank: int | None = None
    goal_regional: int | None = None
    improvements: pd.DataFrame | None = None
    notes: tuple[Note, ...] = ()
    peers: pd.DataFrame | None = field(default=None, repr=False)
    results: pd.DataFrame | None = field(default=None, repr=False)
    #: the consistent part of the unverified settings (SIPAS, PAR INDEX): what the published
    #: anchors leave of their plausible box (:mod:`indexmodel.model.consistency`)
    settings: object | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        rank = self.rank
        return concise(self, index=self.index, province=self.province, year=self.year,
                       composite=self.composite, rank=_rank_text(rank),
                       target_year=self.target_year, goal_rank=self.goal_rank)

    # -- the province now ----------------------------------------------------------
    @property
    def scored(self):
        return score(self.spec, self.own, year=self.year, warn=False)

    @property
    def composite(self) -> float:
        return self.scored.composite

    @property
    def target_composite(self) -> float | None:
        if not self.targets:
            return None
        value = score(self.spec, self.targets, warn=False).composite
        return value if math.isfinite(value) else None

    @property
    def years_ahead(self) -> int:
        return max(1, (self.target_year or self.year + 1) - self.year)

    def place(self, composite: float | None = None) -> RankInterval | None:
        """The rank interval of a composite (default: the province's own) in this year's field."""
        if self.field.national is None:
            return None
        return self.field.national.place(self.composite if composite is None else composite)

    @property
    def rank(self) -> RankInterval | None:
        return self.place()

    # -- what-if copies ------------------------------------------------------------
    def with_changes(self, changes: Mapping[str, float], *, absolute: bool = False) -> "IndexAnalysis":
        """A copy with some components changed (by ``changes``, or set to them if ``absolute``).

        A parent that was given (a published value) moves with its child by the spec's
        arithmetic, so a published offset (SIPAS 2023 areas sit 0.08 above the mean of
        their criteria) is kept rather than lost; the given children of a changed
        component are dropped (which of them moved is not known).
        """
        own = dict(self.own)
        scored = self.scored
        for component, value in changes.items():
            self.spec.node(component)
            current = scored[component]
            if not math.isfinite(current):
                raise DataUnavailableError(f"{component} has no value to change")
            delta = float(value) - current if absolute else float(value)
            own[component] = current + delta
            factor, child = 1.0, component
            for ancestor in self.spec.ancestors(component):
                factor *= self.spec.child_coefficients(ancestor)[child]
                if ancestor in own:
                    own[ancestor] = own[ancestor] + factor * delta
                child = ancestor
            for descendant in self.spec.descendants(component):
                own.pop(descendant, None)
        score(self.spec, own, warn=False)  # refuses values outside their range
        return dataclasses.replace(self, own=own)

    def with_weights(self, weights: Mapping[str, float]) -> "IndexAnalysis":
        """A copy under other (unverified) settings: SIPAS weights, PAR INDEX maximum points."""
        return dataclasses.replace(self, spec=self.spec.with_weights(weights))

    # -- results -------------------------------------------------------------------
    def _require_field(self):
        if self.field.national is None:
            raise DataUnavailableError(
                f"{self.index} {self.year}: no peer scores, so no rank can be computed",
                hint=" ".join(m.en for m in self.field.missing))
        return self.field.national

    def leverage(self) -> pd.DataFrame:
        """Rank gained per component (see :func:`indexmodel.model.leverage.leverage_table`)."""
        frontier = None
        if self.field.peers is not None and not self.field.peers.empty:
            frontier = lev.frontier_of(self.field.peers, self.spec.top_components)
        table = lev.leverage_table(
            self.spec, self._own_top(), self.field.national, year=self.year,
            improvements=self.pooled_improvements(), targets=self._top_targets(), frontier=frontier,
            regional_field=self.field.regional)
        table.attrs["notes"] = [n.en for n in self.notes]
        return table

    def _own_top(self) -> dict[str, float]:
        """The components under the composite (and the composite itself where it stands as
        published, never recomputed)."""
        scored = self.scored
        out = {c: scored[c] for c in self.spec.top_components}
        if self.spec.composite in self.own and self.spec.is_published_only(self.year):
            out[self.spec.composite] = self.own[self.spec.composite]
        return out

    def _top_targets(self) -> dict[str, float] | None:
        if not self.targets:
            return None
        scored = score(self.spec, self.targets, warn=False)
        return {c: scored[c] for c in self.spec.top_components if math.isfinite(scored[c])}

    def pooled_improvements(self) -> pd.DataFrame | None:
        """Real one-year gains per component; a component without a real panel (PAPI's
        environmental and e-governance) takes the median of the others, as the notes say."""
        table = self.improvements
        if table is None:
            return None
        missing = [c for c in self.spec.top_components if c not in table.index]
        if not missing:
            return table
        fill = pd.DataFrame({col: table[col].median() for col in ("median", "p90")},
                            index=pd.Index(missing, name=table.index.name))
        fill["year_pairs"] = "none: median of the other components"
        return pd.concat([table, fill])

    def _pooled(self, values: dict[str, float]) -> dict[str, float]:
        """Components without a real panel take the median of the others (named in notes)."""
        if not values:
            return values
        median = float(pd.Series(list(values.values())).median())
        return {c: values.get(c, median) for c in self.spec.top_components}

    def difficulty(self) -> dict[str, float]:
        """Cost of one unit of each component: 1 / its typical real one-year gain."""
        return self._pooled(opt.default_difficulty(self.improvements))

    def yearly_caps(self) -> dict[str, float]:
        """The most a component can gain in a year: a strong real one-year gain (p90)."""
        return self._pooled(opt.default_caps(self.improvements))

    @property
    def panel(self):
        """The index's real panel, every era (built once, shared by the what-if copies)."""
        from ..model.panel import build_panel

        if "panel" not in self._cache:
            self._cache["panel"] = build_panel(self.peers, self.index, self.results)
        return self._cache["panel"]

    @property
    def era_panel(self):
        """(panel, notes): the real panel of this analysis's methodology era only — the
        real changes "of that era" — with an earlier era mapped in where the era has no
        year pair of its own (:func:`indexmodel.model.panel.era_panel`)."""
        from ..model.panel import era_panel

        key = _era_key(self.spec)
        if key not in self._cache:
            self._cache[key] = era_panel(self.panel, self.spec)
        return self._cache[key]

    def cheapest_path(self, goal: int | None = None, *, difficulty=None, yearly_cap=None,
                      years: int | None = None, conservative: bool = True,
                      probability: float | None = None, sims: int = 2000,
                      seed: int = 20240701) -> opt.PathResult:
        """The least improvement reaching ``goal`` (default: the plan's rank goal).

        Without ``probability`` the peers stand where they stood in the baseline year.
        With it (e.g. 0.8), the path aims at the composite that gives that probability of
        the goal in the target year once peers move (:meth:`required_composite`).
        """
        goal = goal or self.goal_rank
        if goal is None:
            raise UsageError("no rank goal given and the plan states none for this index")
        required = (None if probability is None
                    else self.required_composite(goal, probability, sims=sims, seed=seed))
        result = opt.cheapest_path(
            self.spec, self._own_top(), self._require_field(), int(goal),
            difficulty=self.difficulty() if difficulty is None else difficulty,
            yearly_cap=self.yearly_caps() if yearly_cap is None else yearly_cap,
            years=years or self.years_ahead, year=self.year, conservative=conservative,
            required=required)
        if probability is not None:
            result.assumptions.append(
                f"aims at composite {required:.2f}: P(rank ≤ {goal} in {self.target_year or self.year + 1}) "
                f"≥ {probability:.0%} with peers moving")
        return result

    def required_composite(self, goal: int, probability: float, *, sims: int = 2000,
                           seed: int = 20240701, tolerance: float = 0.01) -> float:
        """The lowest composite whose odds of rank ≤ ``goal`` in the target year reach
        ``probability`` (bisection: the odds never fall as the composite rises)."""
        if not 0 < probability < 1:
            raise UsageError(f"probability must lie strictly between 0 and 1, got {probability}")
        root = self.spec.root
        low, high = root.min, root.max
        if self.odds(high, goal=goal, sims=sims, seed=seed).p_goal is None:
            raise DataUnavailableError(f"{self.index} {self.year}: no odds can be computed",
                                       hint=" ".join(m.en for m in self.field.missing))
        if self.odds(high, goal=goal, sims=sims, seed=seed).p_goal < probability:
            return high
        while high - low > tolerance:
            mid = (low + high) / 2
            if self.odds(mid, goal=goal, sims=sims, seed=seed).p_goal >= probability:
                high = mid
            else:
                low = mid
        return high

    def scenario_composite(self, scenario: Mapping[str, float] | None = None) -> float:
        """The composite of a scenario (component values at any level; default: the targets)."""
        values = scenario if scenario is not None else self.targets
        if not values:
            raise UsageError("no scenario given and the plan states no targets for this index")
        composite = score(self.spec, values, warn=False).composite
        if not math.isfinite(composite):
            raise DataUnavailableError(f"{self.index}: the scenario misses a component, so its "
                                       "composite cannot be computed")
        return composite

    @property
    def field_panel(self):
        """The composites of the index's real panel as a field (built once, shared by the
        what-if copies)."""
        from ..model.fieldmodel import FieldPanel

        if "field_panel" not in self._cache:
            self._cache["field_panel"] = FieldPanel.from_panel(self.panel)
        return self._cache["field_panel"]

    def forecast_context(self, origin: int):
        """The panels and the settings the field-model odds use from ``origin`` (built once,
        shared by the what-if copies)."""
        from .odds import forecast_context

        key = ("forecast", origin)
        if key not in self._cache:
            self._cache[key] = forecast_context(self, origin)
        return self._cache[key]

    def odds(self, scenario: Mapping[str, float] | float | None = None, *, goal: int | None = None,
             sims: int = 2000, seed: int = 20240701, target_year: int | None = None) -> Odds:
        """P(rank ≤ goal) in the target year if the scenario's composite is reached.

        ``scenario``: component values, or a composite; default: the plan's targets.
        From a full table within reach, the field model (:mod:`indexmodel.analysis.odds`);
        else from anchors; else none.
        """
        from ..model.thresholds import threshold_outlook
        from .odds import field_odds, field_origin

        composite = (float(scenario) if isinstance(scenario, (int, float))
                     else self.scenario_composite(scenario))
        goal = goal or self.goal_rank
        target_year = target_year or self.target_year or self.year + 1
        if self.field.coverage == "none" or self.field.national is None:
            return Odds("none", composite, goal, None, missing=list(self.field.missing))
        if goal is not None and not 1 <= goal <= self.field.n:
            raise UsageError(f"rank goal {goal} is outside 1..{self.field.n}")
        origin = field_origin(self, target_year) if self.index in ("pci", "papi") else None
        if origin is not None:
            return field_odds(self, composite, goal, target_year, sims, seed, origin)
        if self.field.coverage == "full":
            raise DataUnavailableError(f"{self.index} {self.year}: no odds for {target_year}",
                                       hint="the target year must come after the analysis year")
        if goal is None:
            raise UsageError("a rank goal is needed for odds from anchors")
        outlooks = []
        errors = []
        panel, mapped = self.era_panel
        for curve in self._threshold_curves():
            try:
                outlooks.append(threshold_outlook(
                    composite, curve, goal, self.year, target_year, panel, self.index))
            except DataUnavailableError as exc:
                errors.append(exc)
        if not outlooks:
            return Odds("none", composite, goal, None, missing=[
                Note(f"Không đủ số liệu để ước lượng điểm cần cho hạng {goal} "
                     f"({getattr(e, 'vi', e.message)})", e.message) for e in errors]
                + list(self.field.missing))
        probs = [o.probability for o in outlooks]
        assumptions, vi = [], [n.vi for n in self.field.assumptions]
        for o in outlooks:
            assumptions += [a for a in o.assumptions if a not in assumptions]
            vi += [a for a in o.assumptions_vi if a not in vi]
        if mapped:
            note = _mapped_note(self.spec, panel)
            assumptions.append(note.en)
            vi.append(note.vi)
        return Odds("threshold", composite, goal, float(sorted(probs)[len(probs) // 2]),
                    p_goal_low=min(o.probability_low for o in outlooks),
                    p_goal_high=max(o.probability_high for o in outlooks),
                    assumptions=assumptions, assumptions_vi=vi)

    def _threshold_curves(self) -> list:
        """Anchor curves for threshold odds: each borrowed spread, else the anchors alone
        (the province's own published rank and score counted as an anchor)."""
        from ..model.ranking import EnvelopeField, RankCurve

        national = self.field.national
        if isinstance(national, EnvelopeField):
            curves = list(national.members)
        else:
            curves = [national]
        out = []
        for curve in curves:
            pairs = list(zip(curve.ranks, curve.scores))
            if curve.own is not None:
                pairs.append(curve.own)
            out.append(RankCurve.from_anchors(pairs, curve.n, assumptions=curve.assumptions,
                                              bounds=getattr(curve, "bounds", ()),
                                              own_bounds=getattr(curve, "own_bounds", None)))
        return out

    def best_rank_for_budget(self, budget: float, *, difficulty=None, yearly_cap=None,
                             years: int | None = None) -> opt.PathResult:
        return opt.best_rank_for_budget(
            self.spec, self._own_top(), self._require_field(), budget,
            difficulty=self.difficulty() if difficulty is None else difficulty,
            yearly_cap=self.yearly_caps() if yearly_cap is None else yearly_cap,
            years=years or self.years_ahead, year=self.year)


def _rank_text(rank) -> str | None:
    if rank is None:
        return None
    low, high = getattr(rank, "low", None), getattr(rank, "high", None)
    return f"{low}" if low == high else f"{low}–{high}"


def _era_key(spec: Spec) -> tuple:
    return ("era", spec.era, tuple((i, n.weight) for i, n in spec.nodes.items()))


@memo(maxsize=32, copy=True)  # a shallow copy: each analysis adds its own entries
def _panels(index: str, spec: Spec, peers: pd.DataFrame, results: pd.DataFrame | None) -> dict:
    """The index's panel and its era panel, built once for an analysis object's cache."""
    from ..model.panel import build_panel, era_panel

    try:
        panel = build_panel(peers, index, results)
    except DataUnavailableError:
        return {}
    return {"panel": panel, _era_key(spec): era_panel(panel, spec)}


def _mapped_note(spec: Spec, panel) -> Note:
    """What the real changes of an era without year pairs of its own rest on (PCI from 2022:
    the 2013-2021 sub-indices; else every era pooled by component)."""
    mapped = [y for y, o in panel.composite_origin.items() if "recomputed" in o]
    if not mapped:
        label = spec.index.upper()
        return Note(
            f"{label} theo phương pháp từ năm {spec.valid_from} chưa có cặp năm nào đủ số liệu: mức thay "
            "đổi thực tế lấy từ mọi giai đoạn phương pháp, gộp theo từng thành phần.",
            f"{label} under its methodology from {spec.valid_from} has no year pair of its own: the "
            "real changes of every methodology era are pooled by component.")
    own = [y for y, s in panel.specs.items() if s.era == spec.era and y not in mapped]
    first, last = (min(mapped), max(mapped)) if mapped else (None, None)
    label = spec.index.upper()
    own_vi = f", cùng điểm công bố năm {', '.join(map(str, sorted(own)))}" if own else ""
    own_en = f", with {', '.join(map(str, sorted(own)))} as published" if own else ""
    return Note(
        f"{label} theo phương pháp từ năm {spec.valid_from} chưa có cặp năm nào đủ số liệu: mức thay đổi "
        f"thực tế lấy từ các năm {first}–{last} (chỉ số thành phần như công bố, điểm tổng hợp tính lại "
        f"theo trọng số áp dụng từ năm {spec.valid_from}){own_vi}.",
        f"{label} under its methodology from {spec.valid_from} has no year pair of its own: the real "
        f"changes are those of {first}–{last} (sub-indices as published, composites recomputed under "
        f"the weights in force from {spec.valid_from}){own_en}.")


def _year_improvements(index: str, spec: Spec, peers: pd.DataFrame,
                       results: pd.DataFrame | None, year: int):
    """:func:`_improvements` up to ``year``: the same for every province of that year (a
    run of every province measures them once); the table a copy for each caller."""
    table, notes = _improvements_to(index, spec, peers, results, year)
    return (table.copy() if table is not None else None), notes


@memo(maxsize=32)
def _improvements_to(index: str, spec: Spec, peers: pd.DataFrame,
                     results: pd.DataFrame | None, year: int):
    return _improvements(index, spec, peers[peers["year"] <= year], results)


def _improvements(index: str, spec: Spec, peers: pd.DataFrame, results: pd.DataFrame | None,
                  panel=None):
    """Real one-year gains per top component in the panel of the analysis's era, and a
    note on where from.

    ``median`` is a typical improvement (the median gain of the provinces that
    improved), ``p90`` a strong one (their 90th percentile). ``panel``: the era's panel
    (:func:`indexmodel.model.panel.era_panel`); default: built from ``peers``.
    """
    from ..model.panel import build_panel, era_panel, improvement_quantiles

    try:
        if panel is None:
            panel, _ = era_panel(build_panel(peers, index, results), spec)
        raw = improvement_quantiles(panel, index, horizon=1)
    except DataUnavailableError as exc:
        return None, (Note(f"Chưa có số liệu bảng (panel) để đo mức cải thiện thực tế: {exc.message}",
                           f"No panel to measure real improvements: {exc.message}"),)
    if raw.empty:
        return None, (Note(f"Chưa có số liệu bảng (panel) {index.upper()} để đo mức cải thiện thực tế.",
                           f"No {index.upper()} panel to measure real improvements."),)
    raw = raw[raw["component"].isin(spec.top_components)].set_index("component")
    table = pd.DataFrame({"median": raw["median_gain"], "p90": raw["p90_gain"],
                          "n": raw["n"], "year_pairs": raw["year_pairs"]})
    notes = []
    if len(table):
        pairs = sorted({p.strip() for s in table["year_pairs"] for p in str(s).split(",")})
        notes.append(Note(
            f"Mức cải thiện thực tế trong một năm (trung vị và bách phân vị 90 của các tỉnh có tăng điểm) "
            f"đo trên số liệu {index.upper()} các cặp năm {', '.join(pairs)}.",
            f"Real one-year improvements (median and 90th percentile of the provinces that improved) "
            f"measured on the {index.upper()} panel, year pairs {', '.join(pairs)}."))
        if not all(spec.covers(int(pair.split("-")[0])) for pair in pairs):
            notes.append(Note(
                f"Các năm đo thuộc phương pháp trước năm {spec.valid_from} (cùng các chỉ số thành phần): "
                "giả định mức cải thiện tương tự.",
                f"Those years fall under the methodology before {spec.valid_from} (the same "
                "sub-indices): their improvements are assumed to hold."))
    missing = [c for c in spec.top_components if c not in table.index]
    if missing:
        notes.append(Note("Chưa đo được mức cải thiện thực tế của: " + ", ".join(missing)
                          + "; bảng đòn bẩy và trình tối ưu dùng trung vị của các thành phần khác "
                          "(mức cải thiện, độ khó, mức trần).",
                          "No real improvement data for: " + ", ".join(missing)
                          + "; the leverage table and the optimizer give them the median of the "
                          "others (improvement, difficulty, cap)."))
    return (table if len(table) else None), tuple(notes)


def for_plan(index: str, plan: Plan | None = None, *, peers: pd.DataFrame | None = None,
             results: pd.DataFrame | None = None, book: SpecBook | None = None,
             region_means: pd.DataFrame | None = None, seed: int = 20240701) -> IndexAnalysis:
    """The analysis of ``index`` for the plan's province, baseline year and targets.

    Where the composite rests on unverified settings (SIPAS, PAR INDEX), the published
    anchors (``results``, ``region_means``; default: shipped) constrain them
    (:mod:`indexmodel.analysis.settings_check`): where they exclude the default setting,
    the analysis uses the centroid of the consistent part (``seed`` for its sample) and
    says so in its notes; :attr:`IndexAnalysis.settings` holds the consistent part.
    """
    from ..data.peers import default_peers, default_region_means, default_results

    # the defaults resolved first: the cache is keyed by what is analysed, not by "None"
    return _for_plan(index_id(index), plan or load_plan(), peers=default_peers() if peers is None else peers,
                     results=default_results() if results is None else results,
                     book=book or load_specs(),
                     region_means=default_region_means() if region_means is None else region_means,
                     seed=seed)


@memo(maxsize=64)
def _for_plan(index: str, plan: Plan, *, peers: pd.DataFrame, results: pd.DataFrame,
              book: SpecBook, region_means: pd.DataFrame, seed: int) -> IndexAnalysis:
    """:func:`for_plan` with every input given (cached by their content)."""
    plan = plan or load_plan()
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    region_means = default_region_means() if region_means is None else region_means
    year = plan.baseline_year
    spec = book.spec_for(index, year)
    own = plan.component_values(index, "baseline")
    if not own:
        raise DataUnavailableError(f"the plan has no {index} baseline values")
    targets = plan.component_values(index, "target") or None
    base = score(spec, own, year=year, warn=False)
    own_rank = plan.rank(index, status="actual", year=year)
    r = plan.ranks
    out_of = r[(r["index"] == index) & (r["year"] == year) & (r["status"] == "actual")
               & (r["component"] == index) & r["out_of"].notna()]["out_of"]
    pfield = build_field(index, year, plan.province, peers=peers, results=results,
                         own_composite=base.composite if math.isfinite(base.composite) else None,
                         own_rank=own_rank, n=int(out_of.iloc[0]) if len(out_of) else None,
                         book=book, own_verified=spec.verified, region_means=region_means)
    cache = _panels(index, spec, peers, results)
    era = cache.get(_era_key(spec))
    improvements, notes = _improvements(index, spec, peers, results,
                                        panel=era[0] if era is not None else None)
    notes = notes + _dimension_notes(spec, peers, year)
    settings = None
    if spec.unverified_weights:
        spec, settings, more = _consistent_spec(spec, own, pfield, region_means, year, seed)
        notes = notes + more
        value = score(spec, own, year=year, warn=False).composite
        pfield.own_composite = value if math.isfinite(value) else None
    return IndexAnalysis(
        index=index, province=pfield.province, year=year, spec=spec, own=own, field=pfield,
        targets=targets, target_year=plan.target_year,
        goal_rank=plan.rank(index, status="goal", year=plan.target_year),
        goal_regional=plan.rank(index, status="goal", scope="regional", year=plan.target_year),
        improvements=improvements, notes=notes, peers=peers, results=results, settings=settings,
        _cache=cache)


def _consistent_spec(spec: Spec, own: Mapping[str, float], pfield: PeerField, region_means,
                     year: int, seed: int):
    """(the spec to analyse with, the consistent part of its settings, notes): the default
    where the published anchors allow it, else the centroid of what they leave."""
    from .settings_check import analysis_note, settings_for

    settings = settings_for(spec, dict(own), pfield, region_means, year, seed=seed)
    if not settings.constraints:
        return spec, settings, ()
    note = analysis_note(settings)
    if settings.empty or settings.default_consistent:
        return spec, settings, (note,)
    return settings.central_spec(), settings, (note,)


def _dimension_notes(spec: Spec, peers: pd.DataFrame, year: int) -> tuple[Note, ...]:
    """Where the peers of the year's era give only the top components (PAPI from 2018: the
    eight dimensions, no sub-dimensions), the analysis works on those: say so."""
    top = spec.top_components
    if not any(spec.children(c) for c in top):
        return ()
    rows = peers[(peers["index"] == spec.index) & peers["year"].map(spec.covers)]
    below = set(rows["component"]) - set(top) - {spec.composite}
    if below or rows.empty:
        return ()
    label = spec.index.upper()
    return (Note(
        f"{label} từ năm {spec.valid_from}: số liệu của các tỉnh chỉ có {len(top)} lĩnh vực, không có "
        "các nội dung thành phần. Thứ hạng, đòn bẩy, tính khả thi của chỉ tiêu, xác suất và lộ trình "
        "ít tốn kém nhất đều tính trên các lĩnh vực; chỉ tiêu nội dung thành phần của kế hoạch được "
        "cộng lại thành chỉ tiêu của lĩnh vực.",
        f"{label} from {spec.valid_from}: the peers' figures give the {len(top)} dimensions only, no "
        "sub-dimensions. Ranks, leverage, target realism, odds and the cheapest path work on the "
        "dimensions; the plan's sub-dimension targets are summed to their dimensions."),)


def for_year(index: str, year: int, province: str, *, peers: pd.DataFrame | None = None,
             results: pd.DataFrame | None = None, book: SpecBook | None = None,
             goal_rank: int | None = None) -> IndexAnalysis:
    """The analysis of ``index`` for a province in a year of the peer data (e.g. PCI 2014)."""
    from ..data.peers import default_peers, default_results

    return _for_year(index_id(index), year, province, peers=default_peers() if peers is None else peers,
                     results=default_results() if results is None else results,
                     book=book or load_specs(), goal_rank=goal_rank)


@memo(maxsize=256)
def _for_year(index: str, year: int, province: str, *, peers: pd.DataFrame,
              results: pd.DataFrame, book: SpecBook, goal_rank: int | None) -> IndexAnalysis:
    """:func:`for_year` with every input given (cached by their content)."""
    from ..data.peers import default_peers, default_results
    from ..data.provinces import resolve

    index = index_id(index)
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    name = resolve(province, year).name_en  # by the year: "Gia Lai" in 2025 is the merged unit
    spec = book.spec_for(index, year)
    rows = peers[(peers["index"] == index) & (peers["year"] == year) & (peers["province"] == name)]
    if rows.empty:
        raise DataUnavailableError(f"no {index} {year} component values for {name} in the peer data")
    own = dict(zip(rows["component"], rows["value"].astype(float)))
    notes: tuple[Note, ...] = ()
    if spec.is_published_only(year):  # the composite stands as published (PCI 2005, 2011)
        published = results[(results["index"] == index) & (results["year"] == year)
                            & (results["province"] == name)]["composite"].dropna()
        if published.empty:
            raise DataUnavailableError(f"{index} {year} is published-only and {name}'s published "
                                       "composite is not in the results table")
        own[spec.composite] = float(published.iloc[0])
        notes = (Note(f"{index.upper()} {year}: điểm tổng hợp giữ nguyên như công bố, không tính lại.",
                      f"{index.upper()} {year}: the composite stands as published, never recomputed."),)
    own = {c: v for c, v in own.items() if math.isfinite(v)}
    scored = score(spec, own, year=year, warn=False)
    if not math.isfinite(scored.composite):  # a province-year published in part (PAPI 2022 Bắc Giang)
        missing = [c for c in spec.top_components if not math.isfinite(scored[c])]
        raise DataUnavailableError(
            f"{index} {year}: {name} has {len(spec.top_components) - len(missing)} of "
            f"{len(spec.top_components)} components in the peer data (missing: "
            f"{', '.join(missing)}), so no composite")
    pfield = build_field(index, year, name, peers=peers, results=results, book=book)
    improvements, more = _year_improvements(index, spec, peers, results, year)
    return IndexAnalysis(index=index, province=name, year=year, spec=spec, own=own, field=pfield,
                         goal_rank=goal_rank, improvements=improvements, notes=notes + more,
                         peers=peers, results=results)
