"""Who owns the leverage: the plan's action table joined to rank leverage, by agency.

Each task row of the plan's appendices names an agency and a component (at any level
of the tree, or the whole index). Rolled up to the components directly under the
composite (PCI sub-indices, PAPI dimensions, SIPAS areas, PAR INDEX fields), the tasks
meet the leverage table: which agencies own the components with the most leverage,
which high-leverage components have few or no tasks, and which agencies carry mostly
low-leverage tasks.

Leverage is measured, per component, by the best basis the data allows (named in the
``basis`` column): the rank gained by a typical real one-year improvement where the
field of peers allows ranks; otherwise the composite points that improvement buys;
otherwise the composite points of a step of 1% of the component's range.
"""

from __future__ import annotations

import math

import pandas as pd

from ..data.spec import Spec

BASES = (
    ("typical_rank_gain", "rank gained by a typical one-year improvement"),
    ("typical_points", "composite points of a typical one-year improvement"),
    ("step_1pct_points", "composite points of a step of 1% of the range"),
)


def top_component(spec: Spec, component: str) -> str | None:
    """The ancestor of ``component`` directly under the composite (itself if it is one)."""
    if not isinstance(component, str) or not component or not spec.has(component):
        return None
    if component == spec.composite:
        return None
    chain = (component,) + spec.ancestors(component)
    return chain[-2]


def leverage_measure(table: pd.DataFrame) -> pd.DataFrame:
    """component → leverage, basis: the first basis with a value for every component."""
    for column, label in BASES:
        if column in table.columns and table[column].notna().all():
            return pd.DataFrame({"component": table["component"], "leverage": table[column],
                                 "basis": label})
    column, label = BASES[-1]
    return pd.DataFrame({"component": table["component"], "leverage": table[column], "basis": label})


def tasks_by_component(actions: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The plan's task rows of one index, each with its top-level component."""
    rows = actions[actions["index"] == spec.index].copy()
    rows["top_component"] = [top_component(spec, c) if s == "component" else None
                             for c, s in zip(rows["component"].fillna(""), rows["scope"])]
    return rows


def ownership(actions: pd.DataFrame, spec: Spec, leverage_table: pd.DataFrame) -> pd.DataFrame:
    """One row per (component, agency) with the agency's task count and the leverage."""
    tasks = tasks_by_component(actions, spec)
    measure = leverage_measure(leverage_table).set_index("component")
    counted = (tasks.dropna(subset=["top_component"])
               .groupby(["top_component", "agency_id", "agency_vi", "agency_en"], sort=True)
               .size().rename("tasks").reset_index()
               .rename(columns={"top_component": "component"}))
    out = counted.merge(measure, left_on="component", right_index=True, how="left")
    names = {c: (spec.name(c, "vi"), spec.name(c, "en")) for c in spec.top_components}
    out["name_vi"] = out["component"].map(lambda c: names[c][0])
    out["name_en"] = out["component"].map(lambda c: names[c][1])
    return out.sort_values(["leverage", "component", "tasks", "agency_id"],
                           ascending=[False, True, False, True], kind="mergesort").reset_index(drop=True)


def coverage(actions: pd.DataFrame, spec: Spec, leverage_table: pd.DataFrame) -> pd.DataFrame:
    """Per top component: leverage, its rank among components, tasks and owning agencies.

    ``gap`` flags a component whose leverage is above the median component's and whose
    tasks are fewer than the median component's: where effort would buy rank but the
    plan assigns little. Components that tie with the median are never flagged (when
    most components tie, the leverage cannot tell them apart).
    """
    tasks = tasks_by_component(actions, spec).dropna(subset=["top_component"])
    measure = leverage_measure(leverage_table)
    counts = tasks.groupby("top_component").size()
    agencies = tasks.groupby("top_component")["agency_en"].apply(lambda s: sorted(set(s)))
    agencies_vi = tasks.groupby("top_component")["agency_vi"].apply(lambda s: sorted(set(s)))
    out = measure.copy()
    out["tasks"] = out["component"].map(counts).fillna(0).astype(int)
    out["agencies_en"] = out["component"].map(lambda c: "; ".join(agencies.get(c, [])))
    out["agencies_vi"] = out["component"].map(lambda c: "; ".join(agencies_vi.get(c, [])))
    out["name_vi"] = out["component"].map(lambda c: spec.name(c, "vi"))
    out["name_en"] = out["component"].map(lambda c: spec.name(c, "en"))
    out["leverage_rank"] = out["leverage"].rank(ascending=False, method="min").astype(int)
    median_tasks = out["tasks"].median()
    upper = out["leverage"] > out["leverage"].median() + 1e-12
    out["gap"] = upper & (out["tasks"] < median_tasks)
    out["no_owner"] = out["tasks"] == 0
    return out.sort_values(["leverage_rank", "component"], kind="mergesort").reset_index(drop=True)


def agency_profile(actions: pd.DataFrame, spec: Spec, leverage_table: pd.DataFrame) -> pd.DataFrame:
    """Per agency: tasks on this index, and the share of them on low-leverage components
    (the lower half of components by leverage)."""
    cov = coverage(actions, spec, leverage_table)
    low = set(cov.loc[cov["leverage_rank"] > math.ceil(len(cov) / 2), "component"])
    tasks = tasks_by_component(actions, spec)
    tasks = tasks.assign(low=tasks["top_component"].isin(low),
                         index_level=tasks["top_component"].isna())
    grouped = tasks.groupby(["agency_id", "agency_vi", "agency_en"])
    out = grouped.agg(tasks=("low", "size"), low_leverage_tasks=("low", "sum"),
                      index_level_tasks=("index_level", "sum")).reset_index()
    component_tasks = out["tasks"] - out["index_level_tasks"]
    out["low_leverage_share"] = (out["low_leverage_tasks"] / component_tasks.where(component_tasks > 0))
    out["mostly_low"] = out["low_leverage_share"] > 0.5
    return out.sort_values(["low_leverage_share", "tasks"], ascending=[False, False],
                           kind="mergesort").reset_index(drop=True)


def deadlines_by_quarter(actions: pd.DataFrame) -> pd.DataFrame:
    """Task counts per index by deadline: quarter of a dated deadline, else its kind."""
    dates = pd.to_datetime(actions["deadline_date"], errors="coerce")
    when = [f"{d.year}-Q{(d.month - 1) // 3 + 1}" if pd.notna(d) else kind
            for d, kind in zip(dates, actions["deadline_kind"].fillna("none"))]
    table = (pd.DataFrame({"index": actions["index"], "when": when})
             .groupby(["when", "index"]).size().unstack(fill_value=0))
    return table.sort_index()
