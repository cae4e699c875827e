"""The cheapest path to a rank goal, and the best rank for a budget (linear programming).

Improvements ``d_c ≥ 0`` to the components move the composite by ``Σ coef_c · d_c``
(every index rule is linear). Each unit of improvement costs a difficulty ``w_c``
that the analyst can set; by default one unit costs ``1 / typical_c``, where
``typical_c`` is the median one-year gain provinces really made in that component, so
the cost reads as "typical years of effort". Each improvement stays within the
component's maximum and a yearly cap (default: the 90th percentile of real one-year
gains) times the years available.

- :func:`cheapest_path`: least total cost reaching rank ``k`` (peers where the field
  puts them); an infeasible goal is reported with the best rank the caps allow.
- :func:`best_rank_for_budget`: the reverse — the largest composite, hence the best
  rank, a total cost ``budget`` buys.

Both are solved exactly by scipy's HiGHS linear programming.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ..core.errors import DataUnavailableError, UsageError
from ..data.spec import Spec
from .leverage import Field
from .ranking import RankInterval
from .scoring import score

TIE_EPS = 1e-9

PLAN_COLUMNS = ["component", "name_vi", "name_en", "value", "move", "new_value", "cap",
                "difficulty", "cost", "points"]


@dataclass
class PathResult:
    """What the optimizer chose and what it reaches."""

    feasible: bool
    goal_rank: int | None
    budget: float | None
    current_composite: float
    required_composite: float | None
    resulting_composite: float
    resulting_rank: RankInterval
    total_cost: float
    plan: pd.DataFrame
    best_reachable: RankInterval
    max_composite: float
    assumptions: list[str] = field(default_factory=list)

    def summary(self, lang: str = "en") -> str:
        chosen = self.plan[self.plan["move"] > 1e-9]
        parts = ", ".join(f"{(r['name_vi'] if lang == 'vi' else r['name_en'])} +{r['move']:.2f}"
                          for r in chosen.to_dict("records"))
        if self.goal_rank is not None and not self.feasible:
            if lang == "vi":
                return (f"Không thể đạt hạng {self.goal_rank} trong giới hạn cải thiện; hạng tốt nhất "
                        f"có thể: {self.best_reachable.text()} (điểm tổng hợp {self.max_composite:.2f})")
            return (f"Rank {self.goal_rank} cannot be reached within the caps; best reachable rank: "
                    f"{self.best_reachable.text()} (composite {self.max_composite:.2f})")
        if lang == "vi":
            return (f"Hạng {self.resulting_rank.text()} với điểm tổng hợp {self.resulting_composite:.2f}"
                    f" (chi phí {self.total_cost:.2f}): {parts or 'không cần cải thiện'}")
        return (f"Rank {self.resulting_rank.text()} at composite {self.resulting_composite:.2f} "
                f"(cost {self.total_cost:.2f}): {parts or 'no improvement needed'}")


def _setup(spec: Spec, own: Mapping[str, float], components, difficulty, yearly_cap, years, year):
    base = score(spec, own, year=year, warn=False)
    if not math.isfinite(base.composite):
        raise DataUnavailableError(f"{spec.index}: the province's composite cannot be computed "
                                   "from the values given")
    components = tuple(components or spec.top_components)
    coef = spec.coefficients()
    rows = []
    for c in components:
        node = spec.node(c)
        value = base[c]
        room = max(node.max - value, 0.0)
        cap = room
        if yearly_cap is not None and c in yearly_cap and math.isfinite(yearly_cap[c]):
            if yearly_cap[c] < 0:
                raise UsageError(f"yearly cap of {c} must not be negative")
            cap = min(room, yearly_cap[c] * years)
        w = difficulty.get(c) if difficulty is not None else None
        if w is None or not math.isfinite(w):
            w = 1.0 / (node.max - node.min)  # cost of 1 unit = share of the component's range
        if w <= 0:
            raise UsageError(f"difficulty of {c} must be positive, got {w}")
        rows.append(dict(component=c, name_vi=node.name_vi, name_en=node.name_en, value=value,
                         cap=cap, difficulty=float(w), coef=coef[c]))
    return base.composite, pd.DataFrame(rows)


def _finish(table: pd.DataFrame, moves: np.ndarray) -> pd.DataFrame:
    out = table.copy()
    out["move"] = np.clip(moves, 0.0, out["cap"].to_numpy())
    out["new_value"] = out["value"] + out["move"]
    out["cost"] = out["move"] * out["difficulty"]
    out["points"] = out["move"] * out["coef"]
    return out[PLAN_COLUMNS]


def default_difficulty(improvements: pd.DataFrame | None) -> dict[str, float]:
    """1 / the median real one-year gain of each component (units: typical years)."""
    if improvements is None or "median" not in improvements.columns:
        return {}
    return {c: 1.0 / v for c, v in improvements["median"].items() if pd.notna(v) and v > 0}


def default_caps(improvements: pd.DataFrame | None) -> dict[str, float]:
    """The 90th percentile of real one-year gains: a strong year's improvement."""
    if improvements is None or "p90" not in improvements.columns:
        return {}
    return {c: float(v) for c, v in improvements["p90"].items() if pd.notna(v) and v > 0}


def cheapest_path(spec: Spec, own: Mapping[str, float], field: Field, goal_rank: int, *,
                  components=None, difficulty: Mapping[str, float] | None = None,
                  yearly_cap: Mapping[str, float] | None = None, years: int = 1,
                  year: int | None = None, conservative: bool = True,
                  required: float | None = None) -> PathResult:
    """The least total (difficulty-weighted) improvement that reaches ``goal_rank``.

    With a partly known field the score rank ``k`` needs is an interval; by default
    (``conservative``) the path aims at its upper end, so that the goal holds whatever
    the unknown part of the table is. ``required`` sets the composite to reach directly
    (e.g. the one that gives 80% odds of the goal once peers move).
    """
    if not isinstance(goal_rank, (int, np.integer)) or not 1 <= goal_rank <= field.n:
        raise UsageError(f"rank goal {goal_rank} is outside 1..{field.n}")
    composite, table = _setup(spec, own, components, difficulty, yearly_cap, years, year)
    if required is None:
        low, high = field.score_for_rank(int(goal_rank))
        required = high if conservative else (low + high) / 2 if math.isfinite(high) else low
        if not math.isfinite(required):
            required = low
    coef = table["coef"].to_numpy()
    caps = table["cap"].to_numpy()
    max_composite = composite + float(coef @ caps)
    best = field.place(max_composite)
    need = required - composite
    if need <= 0:
        plan = _finish(table, np.zeros(len(table)))
        return PathResult(True, int(goal_rank), None, composite, required, composite,
                          field.place(composite), 0.0, plan, best, max_composite)
    if float(coef @ caps) + TIE_EPS < need:
        plan = _finish(table, caps)
        return PathResult(False, int(goal_rank), None, composite, required, max_composite,
                          best, float(plan["cost"].sum()), plan, best, max_composite)
    res = linprog(c=table["difficulty"].to_numpy(), A_ub=-coef[None, :], b_ub=[-need],
                  bounds=list(zip(np.zeros(len(caps)), caps)), method="highs")
    if res.status != 0:  # pragma: no cover - feasibility was checked above
        raise RuntimeError(f"linear program failed: {res.message}")
    plan = _finish(table, res.x)
    reached = composite + float(plan["points"].sum())
    return PathResult(True, int(goal_rank), None, composite, required, reached,
                      field.place(reached + TIE_EPS), float(plan["cost"].sum()), plan, best,
                      max_composite)


def best_rank_for_budget(spec: Spec, own: Mapping[str, float], field: Field, budget: float, *,
                         components=None, difficulty: Mapping[str, float] | None = None,
                         yearly_cap: Mapping[str, float] | None = None, years: int = 1,
                         year: int | None = None) -> PathResult:
    """The best rank a total improvement cost of ``budget`` can buy."""
    if not (isinstance(budget, (int, float)) and math.isfinite(budget) and budget >= 0):
        raise UsageError(f"budget must be a number ≥ 0, got {budget!r}")
    composite, table = _setup(spec, own, components, difficulty, yearly_cap, years, year)
    coef = table["coef"].to_numpy()
    caps = table["cap"].to_numpy()
    max_composite = composite + float(coef @ caps)
    res = linprog(c=-coef, A_ub=table["difficulty"].to_numpy()[None, :], b_ub=[budget],
                  bounds=list(zip(np.zeros(len(caps)), caps)), method="highs")
    if res.status != 0:  # pragma: no cover
        raise RuntimeError(f"linear program failed: {res.message}")
    plan = _finish(table, res.x)
    reached = composite + float(plan["points"].sum())
    rank = field.place(reached)
    return PathResult(True, None, float(budget), composite, None, reached, rank,
                      float(plan["cost"].sum()), plan, field.place(max_composite), max_composite)
