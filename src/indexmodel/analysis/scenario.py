"""The scenario explorer's logic: one value per component in, the composite, the ranks,
the odds of the goal, the cheapest path on, and the scenario saved and loaded as a tidy
table.

Every widget of the explorer (:mod:`indexmodel.report.explorer`) only wires these plain
functions; they take an :class:`~indexmodel.analysis.index_analysis.IndexAnalysis` (the
province, index and year chosen) and the sliders' values — ``{component: value}`` for the
components under the composite, in each component's own units:

- :func:`open_analysis`, :func:`analysis_years`: the analysis of an index for a province
  and year (the plan's where the plan covers them, else the peer data's);
- :func:`sliders`: each component's range, its baseline (where the slider starts), the
  plan's target and the best real one-year and two-year gains in the panels (its marks);
- :func:`evaluate`: composite (and its range over unverified settings), national and
  regional rank (exact or interval, as the field allows), odds of the rank goal;
- :func:`path_to_goal`, :func:`best_for_budget`, :func:`budget_bounds`: the optimiser
  from where the sliders stand;
- :func:`scenario_rows`, :func:`save_scenario`, :func:`load_scenario`: the scenario as
  rows of a peer file (index, year, province, component, value, source) plus its
  ``scenario`` name, written atomically and never over an existing file unless asked,
  and read back through the peer-file loader (:func:`indexmodel.data.peers.load_peers`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..core.errors import DataUnavailableError, IndexModelError, InputFileError, UsageError
from ..core.i18n import check_lang
from ..model.ranking import RankInterval
from ..model.scoring import score
from .index_analysis import IndexAnalysis, Odds

#: Simulations per odds while the sliders move (seeded, so the same sliders give the
#: same odds); the explorer's button recomputes them with the notebook's ``sims``.
EXPLORER_SIMS = 400
DEFAULT_SEED = 20240701
#: The budget slider's default (cost units: one typical one-year gain of one component).
DEFAULT_BUDGET = 2.0
SCENARIO_COLUMNS = ("index", "year", "province", "component", "value", "source", "scenario")
_SAME = 1e-12


# -- the analysis chosen --------------------------------------------------------------------
def analysis_years(index: str, province: str, *, plan=None, peers: pd.DataFrame) -> list[int]:
    """The years the explorer can open for ``index`` and ``province``: the plan's baseline
    year (where the plan is the province's and states the index) and every year of the
    peer data holding the province's component values."""
    from ..data.provinces import resolve

    name = resolve(province).name_en
    years = set(int(y) for y in peers.loc[(peers["index"] == index) & (peers["province"] == name),
                                          "year"].unique())
    if plan is not None and plan_covers(plan, index, name, plan.baseline_year):
        years.add(int(plan.baseline_year))
    return sorted(years)


def plan_covers(plan, index: str, province: str, year: int) -> bool:
    """True when ``plan`` is the province's, its baseline year is ``year`` and it states ``index``."""
    from ..data.provinces import resolve

    return (resolve(plan.province).id == resolve(province).id and int(year) == plan.baseline_year
            and index in set(plan.values["index"]))


def open_analysis(index: str, province: str, year: int, *, plan=None, peers: pd.DataFrame,
                  results: pd.DataFrame) -> IndexAnalysis:
    """The analysis of ``index`` for ``province`` in ``year``: the plan's
    (:func:`~indexmodel.analysis.index_analysis.for_plan`: targets and rank goals) where the
    plan covers them, else the peer data's
    (:func:`~indexmodel.analysis.index_analysis.for_year`)."""
    from .index_analysis import for_plan, for_year

    if plan is not None and plan_covers(plan, index, province, year):
        return for_plan(index, plan, peers=peers, results=results)
    return for_year(index, int(year), province, peers=peers, results=results)


# -- the sliders ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Gain:
    """A real gain of one component: how much, by which province, over which years."""

    value: float
    province: str
    start: int
    end: int


@dataclass(frozen=True)
class Slider:
    """One component's slider: its range, where it starts and what it is marked at."""

    component: str
    name_vi: str
    name_en: str
    low: float
    high: float
    step: float
    baseline: float
    target: float | None
    best_one_year: Gain | None
    best_two_years: Gain | None

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if check_lang(lang) == "vi" else self.name_en

    def marks(self) -> dict[str, float]:
        """Where the slider is marked: the plan's target, and the baseline plus the best real
        one-year and two-year gains (within the component's range)."""
        out = {}
        if self.target is not None:
            out["target"] = self.target
        for key, gain in (("one_year", self.best_one_year), ("two_years", self.best_two_years)):
            if gain is not None:
                out[key] = min(self.high, self.baseline + gain.value)
        return out


def baseline_values(a: IndexAnalysis) -> dict[str, float]:
    """The components under the composite as they stand in the year analysed."""
    scored = a.scored
    return {c: float(scored[c]) for c in a.spec.top_components}


def target_values(a: IndexAnalysis) -> dict[str, float]:
    """The plan's targets of the components under the composite (the baseline where the
    plan states no target for one)."""
    out = baseline_values(a)
    if a.targets:
        scored = score(a.spec, a.targets, warn=False)
        out.update({c: float(scored[c]) for c in out if math.isfinite(scored[c])})
    return out


def _step(low: float, high: float) -> float:
    """A hundredth of a point on a 0–10 scale, a tenth on a 0–100 one."""
    return 10.0 ** (math.ceil(math.log10(high - low)) - 3)


def best_gain(a: IndexAnalysis, component: str, years: int) -> Gain | None:
    """The largest real ``years``-year gain of ``component`` any province made in the panel
    (within one methodology era, ending no later than the year analysed); None where the
    panel holds none."""
    from ..model.panel import changes

    try:
        real = changes(a.panel, a.index, component, years)
    except IndexModelError:
        return None
    real = real[(real["end"] <= a.year) & (real["change"] > 0)]
    if real.empty:
        return None
    order = real.sort_values(["change", "end", "province"], ascending=[False, False, True],
                             kind="mergesort")
    best = order.iloc[0]
    return Gain(float(best["change"]), str(best["province"]), int(best["start"]), int(best["end"]))


def sliders(a: IndexAnalysis) -> list[Slider]:
    """One slider per component under the composite (in the spec's order)."""
    base = baseline_values(a)
    targets = score(a.spec, a.targets, warn=False) if a.targets else None
    out = []
    for c in a.spec.top_components:
        node = a.spec.node(c)
        target = float(targets[c]) if targets is not None and math.isfinite(targets[c]) else None
        out.append(Slider(c, node.name_vi, node.name_en, float(node.min), float(node.max),
                          _step(node.min, node.max), base[c], target,
                          best_gain(a, c, 1), best_gain(a, c, 2)))
    return out


# -- the scenario's results ------------------------------------------------------------------
def scenario_analysis(a: IndexAnalysis, values: Mapping[str, float]) -> IndexAnalysis:
    """``a`` with the components set to ``values`` (those equal to the baseline untouched,
    so that a published parent keeps its offset)."""
    base = baseline_values(a)
    unknown = [c for c in values if c not in base]
    if unknown:
        raise UsageError(f"{a.index} {a.year}: not a component under the composite: "
                         + ", ".join(unknown), hint="components: " + ", ".join(base))
    changed = {c: float(v) for c, v in values.items() if abs(float(v) - base[c]) > _SAME}
    return a.with_changes(changed, absolute=True) if changed else a


def default_goal(a: IndexAnalysis) -> int | None:
    """The plan's rank goal; without a plan, keeping the rank the province holds (the worst
    end of its interval); None where no rank can be computed."""
    if a.goal_rank:
        return int(a.goal_rank)
    rank = a.rank
    return int(rank.high) if rank is not None else None


@dataclass
class ScenarioResult:
    """What a set of slider values gives."""

    values: dict[str, float]
    composite: float
    composite_range: object | None  # model.settings.Range over unverified settings, or None
    rank: RankInterval | None       # national, peers as they stood in the year analysed
    n: int | None
    regional_rank: RankInterval | None
    regional_n: int | None
    goal: int | None
    goal_regional: int | None
    target_year: int
    odds: Odds | None
    sims: int | None
    notes: list[str] = field(default_factory=list)  # English: why something is missing

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, composite=self.composite, rank=(f"{self.rank.low}–{self.rank.high}" if self.rank else None),
                       n=self.n, goal=self.goal, target_year=self.target_year,
                       p_goal=self.odds.p_goal if self.odds is not None else None)


def evaluate(a: IndexAnalysis, values: Mapping[str, float], *, goal: int | None = None,
             with_odds: bool = True, sims: int = EXPLORER_SIMS,
             seed: int = DEFAULT_SEED) -> ScenarioResult:
    """Composite, national and regional rank and the odds of the goal for ``values``.

    The rank places the composite among the peers as they stood in the year analysed
    (an interval where only part of the table is known, widened over the unverified
    settings where the index has them); the odds are those of
    :meth:`IndexAnalysis.odds` for the target year (``sims`` Monte Carlo runs with
    ``seed`` where every peer is known).
    """
    from ..model.settings import composite_range

    changed = scenario_analysis(a, values)
    composite = changed.composite
    rng = composite_range(a.spec, dict(changed.own), year=a.year) if a.spec.unverified_weights else None
    rank = regional = None
    notes = []
    if a.field.national is not None and math.isfinite(composite):
        rank = a.place(composite)
        if rng is not None:
            best, worst = a.place(rng.high), a.place(rng.low)
            rank = RankInterval(best.low, worst.high, rank.central)
    else:
        notes += [m.en for m in a.field.missing]
    if a.field.regional is not None and math.isfinite(composite):
        regional = a.field.regional.place(composite)
    goal = goal or default_goal(a)
    target_year = a.target_year or a.year + 1
    odds = None
    if with_odds and goal is not None and math.isfinite(composite):
        try:
            odds = a.odds(composite, goal=goal, sims=sims, seed=seed, target_year=target_year)
        except IndexModelError as exc:
            notes.append(exc.message)
    return ScenarioResult(
        values={c: float(v) for c, v in {**baseline_values(a), **values}.items()},
        composite=composite, composite_range=rng, rank=rank, n=a.field.n,
        regional_rank=regional,
        regional_n=getattr(a.field.regional, "n", None) if a.field.regional is not None else None,
        goal=goal, goal_regional=a.goal_regional, target_year=target_year, odds=odds,
        sims=sims if odds is not None and odds.method == "simulation" else None, notes=notes)


def path_to_goal(a: IndexAnalysis, values: Mapping[str, float], goal: int | None = None):
    """The least further improvement, from where the sliders stand, that reaches ``goal``
    (default: the plan's goal) with peers as they stood (:meth:`IndexAnalysis.cheapest_path`:
    each component within its range and a strong real year's gain a year)."""
    goal = goal or default_goal(a)
    if goal is None:
        raise UsageError("no rank goal: the plan states none and no rank can be computed")
    return scenario_analysis(a, values).cheapest_path(goal)


def best_for_budget(a: IndexAnalysis, values: Mapping[str, float], budget: float):
    """The best rank a further improvement costing ``budget`` buys from where the sliders
    stand (:meth:`IndexAnalysis.best_rank_for_budget`)."""
    return scenario_analysis(a, values).best_rank_for_budget(float(budget))


def budget_bounds(a: IndexAnalysis) -> tuple[float, float, float]:
    """(low, high, step) of the budget slider: from nothing to what moving every component
    as far as its caps allow would cost, from the baseline."""
    whole = a.best_rank_for_budget(1e12)
    high = max(DEFAULT_BUDGET, math.ceil(whole.total_cost * 2) / 2)
    return 0.0, float(high), 0.1


def apply_path(values: Mapping[str, float], path) -> dict[str, float]:
    """The slider values once the path's improvements are made."""
    out = {c: float(v) for c, v in values.items()}
    for rec in path.plan.to_dict("records"):
        out[rec["component"]] = float(rec["new_value"])
    return out


# -- saving and loading ---------------------------------------------------------------------
def scenario_year(a: IndexAnalysis) -> int:
    """The year a scenario's rows carry: the plan's target year (when the methodology of
    the year analysed covers it and the province still exists then — Bình Định's 2025 rows
    would name a province merged into Gia Lai), else the year analysed."""
    from ..data.provinces import resolve

    if (a.target_year and a.spec.covers(a.target_year)
            and resolve(a.province, year=a.year).exists_in(int(a.target_year))):
        return int(a.target_year)
    return int(a.year)


def scenario_rows(a: IndexAnalysis, values: Mapping[str, float], name: str,
                  lang: str = "vi") -> pd.DataFrame:
    """The scenario as rows of a peer file, one per component under the composite, with the
    scenario's name: index, year, province, component, value, source, scenario."""
    from ..data.provinces import resolve

    name = str(name).strip()
    if not name:
        raise UsageError("a scenario needs a name")
    check_lang(lang)
    full = {**baseline_values(a), **{c: float(v) for c, v in values.items()}}
    scenario_analysis(a, full)  # refuses unknown components and values outside their range
    province = resolve(a.province).name(lang)
    source = (f"Kịch bản “{name}” (công cụ khám phá kịch bản, từ kết quả năm {a.year})" if lang == "vi"
              else f"Scenario “{name}” (scenario explorer, from the {a.year} results)")
    rows = [(a.index, scenario_year(a), province, c, float(full[c]), source, name)
            for c in a.spec.top_components]
    return pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))


def scenario_file_name(a: IndexAnalysis, name: str) -> str:
    """A file name for the scenario: province, index, year and name, in plain letters."""
    from ..data.provinces import fold, resolve

    slug = "_".join(fold(name).split()) or "scenario"
    return f"{resolve(a.province).id}_{a.index}_{scenario_year(a)}_{slug}.csv"


def save_scenario(a: IndexAnalysis, values: Mapping[str, float], name: str, path: str | Path, *,
                  overwrite: bool = False, lang: str = "vi") -> Path:
    """Write :func:`scenario_rows` to ``path`` atomically; an existing file is replaced only
    with ``overwrite`` (else :class:`~indexmodel.core.errors.OutputExistsError`)."""
    from ..core.output import write_csv_atomic

    return write_csv_atomic(scenario_rows(a, values, name, lang), path, overwrite=overwrite)


@dataclass
class LoadedScenario:
    name: str
    year: int
    values: dict[str, float]


def load_scenario(a: IndexAnalysis, path: str | Path) -> LoadedScenario:
    """The slider values of a scenario file (or any peer file) for ``a``'s index and province.

    The file is read and checked by :func:`indexmodel.data.peers.load_peers` (its errors
    name the file, the row and the reason); its rows of ``a``'s index and province give the
    values, at any level of the tree (a lower level sets its component through the spec's
    arithmetic; the top level wins where both are given); components it leaves out stay at
    the baseline. The ``scenario`` column, where there is one, gives the name.
    """
    from ..data.peers import PEER_COLUMNS, load_peers
    from ..data.sources.tables import read_table, text

    path = Path(path)
    rows = load_peers(path)
    mine = rows[(rows["index"] == a.index) & (rows["province"] == a.province)]
    if mine.empty:
        held = sorted({f"{i} {p}" for i, p in zip(rows["index"], rows["province"])})
        raise DataUnavailableError(f"no {a.index} rows for {a.province}", file=path,
                                   hint="it holds: " + (", ".join(held[:6]) or "no rows"))
    years = sorted(int(y) for y in mine["year"].unique())
    wanted = scenario_year(a)
    if len(years) > 1 and wanted not in years:
        raise InputFileError(f"{a.index} rows of several years ({', '.join(map(str, years))}) "
                             f"and none of {wanted}", file=path, hint="keep one scenario per file")
    year = wanted if wanted in years else years[0]
    from ..data.spec import load_specs

    era = load_specs().spec_for(a.index, year).era
    if era != a.spec.era:
        raise InputFileError(f"its {a.index} rows are of {year} (methodology {era}); the "
                             f"explorer shows {a.year} (methodology {a.spec.era})", file=path)
    mine = mine[mine["year"] == year]
    given = dict(zip(mine["component"], mine["value"].astype(float)))
    order = sorted(given, key=lambda c: -a.spec.level(c))  # deepest first: the top level wins
    changed = a
    for c in order:
        if c == a.spec.composite:
            continue
        changed = changed.with_changes({c: given[c]}, absolute=True)
    values = baseline_values(changed)
    table = read_table(path, PEER_COLUMNS[:5], optional=("source", "scenario"))
    names = [text(rec.get("scenario")) for _, rec in table.rows if text(rec.get("scenario"))]
    return LoadedScenario(names[0] if names else path.stem, year, values)
