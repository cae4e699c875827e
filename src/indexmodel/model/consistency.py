"""Which unverified settings agree with what is published.

SIPAS weights and PAR INDEX maximum points are unverified settings with a plausible box
(spec columns ``weight_low`` .. ``weight_high``; ``children_total``, where stated, is a
total the settings keep). Published figures exclude part of that box: the province's own
composite must lie where its published rank and the anchors put it (PAR INDEX 2023: Bình
Định, 31st, in (86.98, 87.32]); national means of the areas and of the whole must agree
with the weights; the plan's own area values must follow from their criteria.

Each such fact is a :class:`Constraint`: a node of the tree, computed from given values,
must lie in an interval. A node is a weighted mean of its children — a linear-fractional
function of one *group* of settings (the weights of one parent's children) when its
children's values are known — so a constraint is a pair of half-spaces through the origin
of that group's weights. The values' rounding (±0.005) is taken at its most favourable:
a setting is consistent if some values within rounding put the node in the interval.

The consistent part of the box is a convex polytope per group, and:

- its share of the box is exact where the geometry allows — one constraint in a group of
  any size (the distribution of a weighted sum of independent uniform variables, in exact
  rational arithmetic), any number of constraints in a group of two (a polygon clipped by
  half-planes) — and otherwise a dense seeded sample, said as such;
- the bounds of every figure over it (a composite, a gain, a setting, a component's
  composite points per unit) are linear-fractional programs solved exactly as linear
  programs (Charnes–Cooper, scipy HiGHS); a figure reaching through several groups takes
  its children's extremes (a weighted mean increases in every child);
- a seeded sample of consistent settings (uniform over the consistent part) gives central
  values and the distribution of conclusions; the setting the analyses use is the
  default where the default is consistent, else the centroid of the consistent part
  (itself consistent: the part is convex).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Mapping

import numpy as np
from scipy.optimize import linprog

from ..core.errors import DataUnavailableError
from ..data.spec import Spec
from .field import Note
from .settings import Range, node_values_under_weights

ROUNDING = 0.005
DEFAULT_SEED = 20240701
#: consistent settings wanted per group, and the most draws spent finding them
WANT = 2000
MAX_DRAWS = 2_000_000
BATCH = 20_000
#: exact shares by inclusion–exclusion up to this many settings in a group (2^k terms)
MAX_EXACT = 14


@dataclass(frozen=True)
class Group:
    """The unverified weights of one parent's children: a box (and a total, where kept)."""

    parent: str
    ids: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    default: tuple[float, ...]
    fixed: tuple[tuple[str, float], ...]   # verified siblings and their weights
    total: float | None = None             # the free weights add up to this, where kept

    @property
    def size(self) -> int:
        return len(self.ids)


def groups_of(spec: Spec) -> tuple[Group, ...]:
    """One group per parent with unverified children, in tree order."""
    unverified = set(spec.unverified_weights)
    out = []
    for parent_id in spec.ids:
        parent = spec.node(parent_id)
        free = [c for c in parent.children if c in unverified]
        if not free:
            continue
        fixed = tuple((c, float(spec.node(c).weight)) for c in parent.children if c not in unverified)
        total = None
        if parent.children_total is not None:
            total = float(parent.children_total) - sum(w for _, w in fixed)
        out.append(Group(parent_id, tuple(free),
                         tuple(float(spec.node(c).weight_low) for c in free),
                         tuple(float(spec.node(c).weight_high) for c in free),
                         tuple(float(spec.node(c).weight) for c in free), fixed, total))
    return tuple(out)


@dataclass(frozen=True)
class Constraint:
    """A published fact: ``node``, computed from ``values``, lies in [low, high].

    ``low_open``: the lower bound is strict (above a mean). ``rounding``: half the last
    published decimal of ``values`` (a setting is consistent if values within that
    rounding satisfy the bounds). ``note``: the fact in words.
    """

    node: str
    values: Mapping[str, float]
    low: float | None
    high: float | None
    note: Note
    kind: str = ""
    low_open: bool = False
    rounding: float = ROUNDING

    def bounds_text(self) -> str:
        lo = "−∞" if self.low is None else f"{self.low:.2f}"
        hi = "+∞" if self.high is None else f"{self.high:.2f}"
        return f"{'(' if self.low_open else '['}{lo}, {hi}]"


# -- exact geometry ----------------------------------------------------------------------------
def halfspace_share(a, a0: float, low, high) -> float:
    """P(a·w + a0 ≤ 0) for w uniform in the box [low, high] (exact rational arithmetic)."""
    a = [Fraction(float(x)) for x in a]
    lo = [Fraction(float(x)) for x in low]
    d = [Fraction(float(h)) - l for h, l in zip(high, lo)]
    c = -(Fraction(float(a0)) + sum(ai * li for ai, li in zip(a, lo)))
    betas = []
    for ai, di in zip(a, d):
        b = ai * di
        if b < 0:
            c -= b           # u → 1 − u turns a negative coefficient positive
            b = -b
        if b != 0:
            betas.append(b)
    m = len(betas)
    if m == 0:
        return 1.0 if c >= 0 else 0.0
    if c <= 0:
        return 0.0
    if c >= sum(betas):
        return 1.0
    if m > MAX_EXACT:
        raise ValueError("too many settings for an exact share")
    total = Fraction(0)
    for k in range(m + 1):
        for subset in combinations(betas, k):
            rest = c - sum(subset)
            if rest > 0:
                total += (-1) ** k * rest ** m
    denom = Fraction(math.factorial(m))
    for b in betas:
        denom *= b
    return float(total / denom)


def polygon_share(halfspaces, low, high) -> float:
    """The share of a rectangle left by half-planes a·w + a0 ≤ 0 (exact up to float)."""
    (x0, y0), (x1, y1) = low, high
    poly = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for a, a0 in halfspaces:
        out = []
        for i, p in enumerate(poly):
            q = poly[(i + 1) % len(poly)]
            fp = a[0] * p[0] + a[1] * p[1] + a0
            fq = a[0] * q[0] + a[1] * q[1] + a0
            if fp <= 0:
                out.append(p)
            if (fp < 0 < fq) or (fq < 0 < fp):
                s = fp / (fp - fq)
                out.append((p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])))
        poly = out
        if len(poly) < 3:
            return 0.0
    area = 0.5 * abs(sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(poly, poly[1:] + poly[:1])))
    return area / ((x1 - x0) * (y1 - y0))


# -- one group's half-spaces ------------------------------------------------------------------
def _child_values(spec: Spec, node_id: str, values: Mapping[str, float]) -> dict[str, float] | None:
    """The values of ``node_id``'s children where none rests on unverified weights below."""
    default = node_values_under_weights(spec, values, (), np.zeros((1, 0)))
    unverified = set(spec.unverified_weights)
    out = {}
    for child in spec.node(node_id).children:
        given = values.get(child)
        if given is not None and math.isfinite(given):
            out[child] = float(given)
            continue
        if any(d in unverified for d in spec.descendants(child)):
            return None
        value = float(default[child][0])
        if not math.isfinite(value):
            return None
        out[child] = value
    return out


def _halfspaces(spec: Spec, group: Group, constraint: Constraint):
    """[(a, a0)] with a·w + a0 ≤ 0 over the group's free weights, or None where the
    constraint reaches beyond this group."""
    if constraint.node != group.parent:
        return None
    kids = _child_values(spec, group.parent, constraint.values)
    if kids is None:
        return None
    node = spec.node(group.parent)
    if node.rule not in ("weighted_mean", "points_to_percent"):
        return None
    s, r = node.scale, constraint.rounding
    free = np.array([kids[i] for i in group.ids])
    out = []
    if constraint.low is not None:      # s Σ w (v + r) − L Σ w ≥ 0
        a = -(s * (free + r) - constraint.low)
        a0 = -sum(w * (s * (kids[c] + r) - constraint.low) for c, w in group.fixed)
        out.append((a, float(a0)))
    if constraint.high is not None:     # s Σ w (v − r) − U Σ w ≤ 0
        a = s * (free - r) - constraint.high
        a0 = sum(w * (s * (kids[c] - r) - constraint.high) for c, w in group.fixed)
        out.append((a, float(a0)))
    return out


def _group_of(groups, node_id: str) -> Group | None:
    for g in groups:
        if g.parent == node_id:
            return g
    return None


# -- sampling ------------------------------------------------------------------------------------
def _draw(group: Group, rng: np.random.Generator, size: int) -> np.ndarray:
    """Uniform draws from the group's box (on its total, where kept: the last weight is
    what the others leave, kept only when inside its range — uniform on the slice)."""
    low, high = np.array(group.low), np.array(group.high)
    if group.total is None:
        return rng.uniform(low, high, size=(size, group.size))
    head = rng.uniform(low[:-1], high[:-1], size=(size, group.size - 1))
    last = group.total - head.sum(axis=1)
    keep = (last >= low[-1]) & (last <= high[-1])
    return np.column_stack([head[keep], last[keep]])


def _satisfied(draws: np.ndarray, halfspaces) -> np.ndarray:
    ok = np.ones(draws.shape[0], dtype=bool)
    for a, a0 in halfspaces:
        ok &= draws @ np.asarray(a, dtype=float) + a0 <= 1e-12
    return ok


def _sample(group: Group, halfspaces, rng, want: int, max_draws: int):
    """(consistent draws (≤ want), draws in the box, consistent draws found)."""
    kept, drawn, found = [], 0, 0
    while found < want and drawn < max_draws:
        batch = _draw(group, rng, BATCH)
        drawn += batch.shape[0]
        ok = batch[_satisfied(batch, halfspaces)]
        found += ok.shape[0]
        kept.append(ok)
    sample = np.concatenate(kept) if kept else np.zeros((0, group.size))
    return sample[:want], drawn, found


# -- linear-fractional programs -------------------------------------------------------------------
def fractional_range(group: Group, halfspaces, p, p0: float, q, q0: float) -> Range | None:
    """min and max of (p·w + p0) / (q·w + q0) over the group's consistent part (q·w+q0 > 0)."""
    k = group.size
    rows, rhs = [], []
    for i in range(k):
        e = np.zeros(k + 1)
        e[i], e[k] = 1.0, -group.high[i]
        rows.append(e)
        e = np.zeros(k + 1)
        e[i], e[k] = -1.0, group.low[i]
        rows.append(e)
        rhs += [0.0, 0.0]
    for a, a0 in halfspaces:
        rows.append(np.append(np.asarray(a, dtype=float), a0))
        rhs.append(0.0)
    eq = [np.append(np.asarray(q, dtype=float), q0)]
    eq_rhs = [1.0]
    if group.total is not None:
        eq.append(np.append(np.ones(k), -group.total))
        eq_rhs.append(0.0)
    bounds = [(None, None)] * k + [(0, None)]
    c = np.append(np.asarray(p, dtype=float), p0)
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_ub=np.array(rows), b_ub=np.array(rhs), A_eq=np.array(eq),
                      b_eq=np.array(eq_rhs), bounds=bounds, method="highs")
        if res.status != 0:
            return None
        out.append(sign * res.fun)
    return Range(float(out[0]), float(out[1]))


# -- the result --------------------------------------------------------------------------------------
@dataclass
class GroupResult:
    group: Group
    constraints: tuple[int, ...]         # indices into Consistency.constraints
    halfspaces: list
    share: float
    method: str                          # exact | sampled | none (no constraint)
    drawn: int
    found: int
    sample: np.ndarray
    default_consistent: bool
    central: tuple[float, ...]
    _weight_ranges: dict = field(default_factory=dict, repr=False)

    @property
    def weight_ranges(self) -> tuple[Range | None, ...]:
        """The range of each setting over the consistent part (linear programs, computed once)."""
        g = self.group
        for j in range(g.size):
            if j not in self._weight_ranges:
                p = np.zeros(g.size)
                p[j] = 1.0
                self._weight_ranges[j] = fractional_range(g, self.halfspaces, p, 0.0,
                                                          np.zeros(g.size), 1.0)
        return tuple(self._weight_ranges[j] for j in range(g.size))

    @property
    def empty(self) -> bool:
        return self.share <= 0.0 or (self.method == "sampled" and self.found == 0)


@dataclass
class Consistency:
    """The consistent part of an index's plausible settings, and what rests on it."""

    spec: Spec
    constraints: tuple[Constraint, ...]
    groups: tuple[GroupResult, ...]
    joint: tuple[int, ...] = ()          # constraints reaching through several groups
    joint_share: float = 1.0             # their sampled share, given the groups' own
    seed: int = DEFAULT_SEED
    notes: list[Note] = field(default_factory=list)
    #: each constraint alone: (the share of its group's box it keeps, exact | sampled)
    alone: dict[int, tuple[float, str]] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """The consistent share of the whole box (the groups are independent)."""
        return float(np.prod([g.share for g in self.groups])) * self.joint_share

    @property
    def excluded(self) -> float:
        return 1.0 - self.share

    @property
    def exact(self) -> bool:
        return not self.joint and all(g.method != "sampled" for g in self.groups)

    @property
    def empty(self) -> bool:
        return any(g.empty for g in self.groups) or self.joint_share <= 0.0

    @property
    def default_consistent(self) -> bool:
        return all(g.default_consistent for g in self.groups) and self._default_joint()

    def _default_joint(self) -> bool:
        if not self.joint:
            return True
        ids, row = self._ids_and(lambda g: g.default)
        return bool(self._joint_ok(row[None, :], ids)[0])

    def _ids_and(self, pick) -> tuple[tuple[str, ...], np.ndarray]:
        ids, values = [], []
        for g in self.groups:
            ids += list(g.group.ids)
            values += list(pick(g.group) if callable(pick) else pick)
        return tuple(ids), np.array(values, dtype=float)

    def _joint_ok(self, rows: np.ndarray, ids: tuple[str, ...]) -> np.ndarray:
        ok = np.ones(rows.shape[0], dtype=bool)
        for i in self.joint:
            c = self.constraints[i]
            value = node_values_under_weights(self.spec, c.values, ids, rows)[c.node]
            if c.low is not None:
                ok &= value >= c.low - c.rounding - 1e-12
            if c.high is not None:
                ok &= value <= c.high + c.rounding + 1e-12
        return ok

    @property
    def central(self) -> dict[str, float]:
        """The setting the analyses use: the default where consistent, else the centroid of
        the consistent part of each group whose default is excluded."""
        out = {}
        for g in self.groups:
            out.update(zip(g.group.ids, g.central))
        return out

    def central_spec(self) -> Spec:
        return self.spec.with_weights(self.central) if self.central else self.spec

    def samples(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Consistent settings drawn uniformly (one row each; columns: the unverified ids)."""
        ids = []
        n = min((g.sample.shape[0] for g in self.groups), default=0)
        blocks = []
        for g in self.groups:
            ids += list(g.group.ids)
            blocks.append(g.sample[:n])
        rows = np.hstack(blocks) if blocks else np.zeros((0, 0))
        if self.joint and rows.size:
            rows = rows[self._joint_ok(rows, tuple(ids))]
        return tuple(ids), rows

    # -- figures over the consistent part -------------------------------------------------------
    def range(self, values: Mapping[str, float], node: str | None = None) -> Range | None:
        """The range of a node (default: the composite) of ``values`` over the consistent part."""
        if self.empty:
            return None
        node = node or self.spec.composite
        if self.joint:
            out = self._sampled_range(lambda v: v[node], values)
        else:
            out = self._node_range(node, dict(values))
        if out is None:
            return None
        # a constraint on this very figure bounds it (its values are rounded: the range of the
        # computed figure reaches half a unit past the published bounds)
        for c in self.constraints:
            if c.node == node and dict(c.values) == dict(values):
                low = out.low if c.low is None else max(out.low, c.low)
                high = out.high if c.high is None else min(out.high, c.high)
                out = Range(low, max(low, high))
        return out

    def _node_range(self, node_id: str, values: dict) -> Range | None:
        given = values.get(node_id)
        if given is not None and math.isfinite(given):
            return Range(float(given), float(given))
        node = self.spec.node(node_id)
        if node.is_leaf or node.rule == "unknown":
            return None
        kids = [self._node_range(c, values) for c in node.children]
        if any(k is None for k in kids):
            return None
        los = {c: k.low for c, k in zip(node.children, kids)}
        his = {c: k.high for c, k in zip(node.children, kids)}
        if node.rule == "sum":
            return Range(sum(los.values()), sum(his.values()))
        result = self._result_of(node_id)
        if result is None:  # verified weights: fixed coefficients, increasing in every child
            coef = self.spec.child_coefficients(node_id)
            return Range(sum(coef[c] * los[c] for c in node.children),
                         sum(coef[c] * his[c] for c in node.children))
        g, s = result.group, node.scale
        fixed_w = sum(w for _, w in g.fixed)
        q = np.ones(g.size)
        low = fractional_range(g, result.halfspaces, s * np.array([los[i] for i in g.ids]),
                               s * sum(w * los[c] for c, w in g.fixed), q, fixed_w)
        high = fractional_range(g, result.halfspaces, s * np.array([his[i] for i in g.ids]),
                                s * sum(w * his[c] for c, w in g.fixed), q, fixed_w)
        if low is None or high is None:
            return None
        return Range(low.low, high.high)

    def _result_of(self, node_id: str) -> GroupResult | None:
        for g in self.groups:
            if g.group.parent == node_id:
                return g
        return None

    def gain_range(self, base: Mapping[str, float], target: Mapping[str, float]) -> Range | None:
        """The range of (target composite − baseline composite) under the same settings: exact
        where both composites rest on one group with known children, else over the sample."""
        if self.empty:
            return None
        root = self.spec.composite
        result = self._result_of(root)
        kb = _child_values(self.spec, root, base) if result is not None else None
        kt = _child_values(self.spec, root, target) if result is not None else None
        if result is not None and kb is not None and kt is not None and not self.joint:
            g, s = result.group, self.spec.root.scale
            p = s * np.array([kt[i] - kb[i] for i in g.ids])
            p0 = s * sum(w * (kt[c] - kb[c]) for c, w in g.fixed)
            return fractional_range(g, result.halfspaces, p, p0, np.ones(g.size),
                                    sum(w for _, w in g.fixed))
        if result is None and not self.spec.unverified_weights:
            return None
        return self._sampled_range(lambda v: v[root], target, minus=base)

    def _sampled_range(self, pick, values, minus=None) -> Range | None:
        ids, rows = self.samples()
        if not rows.size:
            return None
        out = pick(node_values_under_weights(self.spec, values, ids, rows))
        if minus is not None:
            out = out - pick(node_values_under_weights(self.spec, minus, ids, rows))
        if not np.isfinite(out).all():
            return None
        return Range(float(out.min()), float(out.max()))

    def coefficient_range(self, component: str) -> Range | None:
        """The range of the composite points per unit of ``component`` (a product of its
        ancestors' weight shares) over the consistent part."""
        if self.empty:
            return None
        low = high = 1.0
        child = component
        for parent in self.spec.ancestors(component):
            node = self.spec.node(parent)
            result = self._result_of(parent)
            if result is None:
                c = self.spec.child_coefficients(parent)[child]
                low, high = low * c, high * c
            else:
                g = result.group
                fixed = dict(g.fixed)
                p = np.zeros(g.size)
                p0 = 0.0
                if child in g.ids:
                    p[g.ids.index(child)] = node.scale
                else:
                    p0 = node.scale * fixed[child]
                rng = fractional_range(g, result.halfspaces, p, p0, np.ones(g.size),
                                       sum(fixed.values()))
                if rng is None:
                    return None
                low, high = low * rng.low, high * rng.high
            child = parent
        return Range(low, high)

    def segment(self, setting: str, at: Mapping[str, float]) -> Range | None:
        """The values of ``setting`` alone that stay consistent, the other settings of its
        group held at ``at`` (None where none does, or where its group keeps a total: one
        setting cannot move alone)."""
        for g in self.groups:
            if setting not in g.group.ids:
                continue
            if g.group.total is not None:
                return None
            j = g.group.ids.index(setting)
            low, high = g.group.low[j], g.group.high[j]
            w = np.array([float(at.get(i, d)) for i, d in zip(g.group.ids, g.group.default)])
            for a, a0 in g.halfspaces:
                a = np.asarray(a, dtype=float)
                rest = float(a @ w - a[j] * w[j] + a0)   # a_j t + rest ≤ 0
                if abs(a[j]) <= 1e-15:
                    if rest > 1e-9:
                        return None
                elif a[j] > 0:
                    high = min(high, -rest / a[j])
                else:
                    low = max(low, -rest / a[j])
            return Range(low, high) if low <= high + 1e-12 else None
        return None

    def weight_range(self, setting: str) -> Range | None:
        for g in self.groups:
            if setting in g.group.ids:
                return g.weight_ranges[g.group.ids.index(setting)] if g.weight_ranges else None
        return None


def _key(spec: Spec, constraints, seed: int, want: int, max_draws: int) -> tuple:
    weights = tuple((i, n.weight, n.weight_low, n.weight_high, n.verified, n.children_total)
                    for i, n in spec.nodes.items())
    facts = tuple((c.node, tuple(sorted(c.values.items())), c.low, c.high, c.low_open, c.rounding)
                  for c in constraints)
    return spec.era, spec.file, weights, facts, seed, want, max_draws


_CACHE: dict[tuple, "Consistency"] = {}
_CACHE_SIZE = 16


def consistency(spec: Spec, constraints: list[Constraint] | tuple[Constraint, ...], *,
                seed: int = DEFAULT_SEED, want: int = WANT,
                max_draws: int = MAX_DRAWS) -> Consistency:
    """The consistent part of ``spec``'s unverified settings under ``constraints``.

    The same spec, constraints and seed give the same result (computed once: the result
    is shared and must not be changed)."""
    constraints = tuple(constraints)
    key = _key(spec, constraints, seed, want, max_draws)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _consistency(spec, constraints, seed, want, max_draws)
    return _CACHE[key]


def _consistency(spec: Spec, constraints: tuple[Constraint, ...], seed: int, want: int,
                 max_draws: int) -> Consistency:
    groups = groups_of(spec)
    rng = np.random.default_rng(seed)
    per_group: dict[str, list[tuple[int, list]]] = {g.parent: [] for g in groups}
    joint = []
    for i, c in enumerate(constraints):
        g = _group_of(groups, c.node)
        hs = _halfspaces(spec, g, c) if g is not None else None
        if hs is None:
            joint.append(i)
        else:
            per_group[g.parent].append((i, hs))
    results = []
    for g in groups:
        items = per_group[g.parent]
        hs = [h for _, pair in items for h in pair]
        default = np.array(g.default)
        default_ok = bool(_satisfied(default[None, :], hs)[0])
        sample, drawn, found = _sample(g, hs, rng, want, max_draws)
        share, method = _share(g, items, hs, drawn, found)
        if not hs:
            method = "none"
        if default_ok:
            central = g.default
        elif sample.shape[0]:
            central = tuple(float(x) for x in sample.mean(axis=0))
        else:
            central = g.default
        results.append(GroupResult(g, tuple(i for i, _ in items), hs, share, method, drawn,
                                   found, sample, default_ok, tuple(central)))
    out = Consistency(spec, constraints, tuple(results), tuple(joint), 1.0, seed)
    check = np.random.default_rng(seed + 1)
    for g in groups:
        for i, hs in per_group[g.parent]:
            share, method = _share(g, [(i, hs)], hs, 0, 0, rng=check)
            out.alone[i] = (share, method)
    if joint:
        ids, rows = out.samples()
        ok = out._joint_ok(rows, ids) if rows.size else np.zeros(0, dtype=bool)
        out.joint_share = float(ok.mean()) if ok.size else 0.0
        if not out.default_consistent and ok.any():  # the centroid of what is left
            centre = rows[ok].mean(axis=0)
            k = 0
            for r in out.groups:
                r.central = tuple(float(x) for x in centre[k:k + r.group.size])
                k += r.group.size
    return out


def _share(group: Group, items, halfspaces, drawn: int, found: int,
           rng: np.random.Generator | None = None) -> tuple[float, str]:
    """The consistent share of the group's box: exact where possible, else sampled (from
    ``drawn``/``found``, or — with none — from fresh draws of ``rng``)."""
    if not halfspaces:
        return 1.0, "exact"
    if group.total is None:
        if group.size == 2:
            return polygon_share(halfspaces, group.low, group.high), "exact"
        if len(items) == 1 and group.size <= MAX_EXACT:
            pair = items[0][1]
            shares = [halfspace_share(a, a0, group.low, group.high) for a, a0 in pair]
            # two sides of one interval: P(A ∩ B) = P(A) + P(B) − 1 (their failures are disjoint)
            return max(0.0, sum(shares) - (len(shares) - 1)), "exact"
    if drawn == 0 and rng is not None:
        draws = np.concatenate([_draw(group, rng, BATCH) for _ in range(5)])
        drawn, found = draws.shape[0], int(_satisfied(draws, halfspaces).sum())
    if drawn == 0:
        raise DataUnavailableError(f"no plausible setting of {group.parent} could be drawn")
    return found / drawn, "sampled"
