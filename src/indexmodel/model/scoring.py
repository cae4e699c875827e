"""Scoring: component values at any level of a tree → every parent → the composite.

Values may be given at any level: leaves, only a middle level (PAPI dimensions
without sub-dimensions), or a mix. Each parent is computed from its children when
all of them are known; a parent that is given keeps its given value, and where its
children are known too and disagree beyond the tolerance its spec states, the gap
is reported as an :class:`Inconsistency` (and a :class:`ConsistencyWarning`).

Values outside their component's range are refused. In a published-only year
(PCI 2005, PCI 2011) the composite is never recomputed: it is known only if given.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ..core.errors import IndexModelError
from ..data.spec import Spec, SpecBook

RANGE_EPS = 1e-9


class ConsistencyWarning(UserWarning):
    """A given parent disagrees with what its children add up to."""


class ValueOutOfRangeError(IndexModelError):
    """A component value outside the range its spec allows."""


@dataclass(frozen=True)
class Inconsistency:
    """A given parent that disagrees with its children beyond the spec's tolerance."""

    index: str
    component: str
    given: float
    computed: float
    tolerance: float
    province: str | None = None

    @property
    def gap(self) -> float:
        return self.given - self.computed

    def describe(self, spec: Spec | None = None, lang: str = "en") -> str:
        name = spec.name(self.component, lang) if spec is not None else self.component
        who = f"{self.province}: " if self.province else ""
        if lang == "vi":
            return (f"{who}{name}: giá trị công bố {self.given:.4g} khác giá trị "
                    f"tính từ các thành phần {self.computed:.4g} (chênh {self.gap:+.4g}, "
                    f"dung sai {self.tolerance:g})")
        return (f"{who}{name}: given {self.given:.4g} but its components give "
                f"{self.computed:.4g} (gap {self.gap:+.4g}, tolerance {self.tolerance:g})")


def check_range(spec: Spec, component: str, value: float, *, file=None, row=None,
                province: str | None = None) -> None:
    """Refuse a value outside ``component``'s range (or not a finite number)."""
    node = spec.node(component)
    who = f"{province}: " if province else ""
    if value is None or not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value):
        raise ValueOutOfRangeError(f"{who}{spec.index} {component} value {value!r} is not a number",
                                   file=file, row=row)
    if value < node.min - RANGE_EPS or value > node.max + RANGE_EPS:
        raise ValueOutOfRangeError(
            f"{who}{spec.index} {component} = {value:g} is outside its range "
            f"{node.min:g}..{node.max:g}", file=file, row=row)


def score_frame(spec: Spec, values: pd.DataFrame, *, year: int | None = None,
                warn: bool = True, label_rows: bool = True
                ) -> tuple[pd.DataFrame, list[Inconsistency]]:
    """Score every row of a wide table (rows: provinces; columns: component ids).

    Returns a table with a column for every node of the spec (NaN where unknown)
    and the inconsistencies found. Columns that are not components of ``spec`` are
    refused; so are values outside their range.
    """
    unknown = [c for c in values.columns if not spec.has(c)]
    if unknown:
        raise IndexModelError(
            f"not components of {spec.index} era {spec.era}: {', '.join(map(str, unknown))}",
            hint="known components: " + ", ".join(spec.ids))
    given = values.astype(float)
    for column in given.columns:
        col = given[column].to_numpy()
        bad = np.isfinite(col) & ((col < spec.node(column).min - RANGE_EPS) |
                                  (col > spec.node(column).max + RANGE_EPS))
        if bad.any():
            who = given.index[np.argmax(bad)]
            check_range(spec, column, float(col[np.argmax(bad)]), province=str(who))

    n = len(given)
    out: dict[str, np.ndarray] = {}
    issues: list[Inconsistency] = []
    published_only = year is not None and spec.is_published_only(year)
    for node_id in spec.postorder():
        node = spec.nodes[node_id]
        given_col = (given[node_id].to_numpy(dtype=float) if node_id in given.columns
                     else np.full(n, np.nan))
        if node.is_leaf or (published_only and node_id == spec.composite) or node.rule == "unknown":
            out[node_id] = given_col
            continue
        coef = spec.child_coefficients(node_id)
        computed = np.zeros(n)
        for child, c in coef.items():
            computed = computed + c * out[child]  # NaN where any child is unknown
        has_given = np.isfinite(given_col)
        tol = max(node.tolerance, 1e-9)
        clash = has_given & np.isfinite(computed) & (np.abs(given_col - computed) > tol)
        for i in np.flatnonzero(clash):
            issues.append(Inconsistency(spec.index, node_id, float(given_col[i]),
                                        float(computed[i]), node.tolerance,
                                        str(given.index[i]) if label_rows else None))
        out[node_id] = np.where(has_given, given_col, computed)
    if warn:
        for issue in issues:
            warnings.warn(issue.describe(spec), ConsistencyWarning, stacklevel=2)
    result = pd.DataFrame({i: out[i] for i in spec.ids}, index=given.index)
    return result, issues


@dataclass(frozen=True)
class Scored:
    """Every node's value for one set of component values."""

    spec: Spec
    values: Mapping[str, float]
    inconsistencies: tuple[Inconsistency, ...]

    @property
    def composite(self) -> float:
        return self.values[self.spec.composite]

    def __getitem__(self, node_id: str) -> float:
        return self.values[node_id]


def score(spec: Spec, values: Mapping[str, float], *, year: int | None = None,
          warn: bool = True) -> Scored:
    """Score one set of component values (any level) up to the composite."""
    for component, value in values.items():
        spec.node(component)
        check_range(spec, component, value)
    # the arithmetic of score_frame on one row, without a frame (the same operations in the
    # same order, so the same floats): a single set of values is scored thousands of times
    # in a run (leverage, sensitivity sweeps), where building frames dominated
    given = {k: float(v) for k, v in values.items()}
    out: dict[str, float] = {}
    issues: list[Inconsistency] = []
    published_only = year is not None and spec.is_published_only(year)
    for node_id in spec.postorder():
        node = spec.nodes[node_id]
        given_value = given.get(node_id, math.nan)
        if node.is_leaf or (published_only and node_id == spec.composite) or node.rule == "unknown":
            out[node_id] = given_value
            continue
        computed = 0.0
        for child, c in spec.child_coefficients(node_id).items():
            computed = computed + c * out[child]  # NaN where any child is unknown
        has_given = math.isfinite(given_value)
        tol = max(node.tolerance, 1e-9)
        if has_given and math.isfinite(computed) and abs(given_value - computed) > tol:
            issues.append(Inconsistency(spec.index, node_id, given_value, float(computed),
                                        node.tolerance, None))
        out[node_id] = given_value if has_given else float(computed)
    if warn:
        for issue in issues:
            warnings.warn(issue.describe(spec), ConsistencyWarning, stacklevel=2)
    return Scored(spec, {k: float(out[k]) for k in spec.ids}, tuple(issues))


def long_to_wide(peers: pd.DataFrame, index: str, year: int) -> pd.DataFrame:
    """Pivot the tidy peer rows of one index and year to provinces × components."""
    sub = peers[(peers["index"] == index) & (peers["year"] == year)]
    if sub.empty:
        return pd.DataFrame(dtype=float)
    wide = sub.pivot(index="province", columns="component", values="value")
    wide.columns.name = None
    return wide.sort_index()


def score_years(peers: pd.DataFrame, index: str, book: SpecBook
                ) -> dict[int, tuple[Spec, pd.DataFrame]]:
    """Every year of ``index`` in a tidy peer table, scored: ``{year: (spec, table)}`` with
    the table as :func:`score_peers` gives it (provinces as rows, every node as a column).

    Linear in the rows: one pivot of all years at once, then one scoring pass per
    methodology era (published-only years apart), never a filter of the table per year.
    """
    sub = peers[peers["index"] == index]
    if sub.empty:
        return {}
    wide = sub.pivot(index=["year", "province"], columns="component", values="value")
    wide.columns.name = None
    wide = wide.sort_index()
    years = wide.index.get_level_values("year")
    specs = {int(y): book.spec_for(index, int(y)) for y in years.unique()}
    groups: dict[tuple[str, bool], list[int]] = {}
    for year, spec in specs.items():
        groups.setdefault((spec.era, spec.is_published_only(year)), []).append(year)
    out: dict[int, tuple[Spec, pd.DataFrame]] = {}
    for (_era, _published_only), group in groups.items():
        spec = specs[group[0]]
        block = wide[years.isin(group)]
        block = block.loc[:, block.notna().any()]  # the components of this era's years
        table, _ = score_frame(spec, block, year=group[0], warn=False, label_rows=False)
        for year, rows in table.groupby(level="year", sort=True):
            out[int(year)] = (spec, rows.droplevel("year"))
    return dict(sorted(out.items()))


def score_peers(peers: pd.DataFrame, spec: Spec, year: int, *, warn: bool = False) -> pd.DataFrame:
    """Every node for every province of the tidy peer table in ``year`` (provinces as rows)."""
    wide = long_to_wide(peers, spec.index, year)
    if wide.empty:
        return pd.DataFrame(columns=list(spec.ids), dtype=float)
    table, _ = score_frame(spec, wide, year=year, warn=warn)
    return table
