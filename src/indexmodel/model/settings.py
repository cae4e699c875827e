"""Unverified settings: the plausible range of weights an index's spec cannot pin down.

SIPAS aggregation weights and PAR INDEX maximum points are not known here: their
spec rows carry a default weight and a plausible range (``weight_low`` ..
``weight_high``). This module enumerates what those settings allow, so that every
figure resting on them is shown as a range.

Within a box of weights each composite is monotone in every single weight (a
weighted mean is a linear-fractional function of each weight), so its extremes lie
at the box's corners: enumerating the corners gives the exact range. Settings that keep
a total (``children_total``: PAR INDEX from 2024) are not a box; their exact range is a
linear program (:mod:`indexmodel.model.consistency`). What the published anchors leave
of the box is :mod:`indexmodel.model.consistency`'s too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator, Mapping

import numpy as np
import pandas as pd

from ..data.spec import Spec
from .scoring import score_frame

MAX_CORNERS = 4096


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def as_list(self, digits: int = 4) -> list[float]:
        return [round(self.low, digits), round(self.high, digits)]


def corner_weights(spec: Spec, *, seed: int = 0) -> Iterator[dict[str, float]]:
    """Every corner of the unverified weights' box (a seeded sample when there are too many)."""
    ids = spec.unverified_weights
    if not ids:
        yield {}
        return
    bounds = [(spec.node(i).weight_low, spec.node(i).weight_high) for i in ids]
    if 2 ** len(ids) <= MAX_CORNERS:
        for corner in itertools.product(*bounds):
            yield dict(zip(ids, corner))
    else:  # pragma: no cover - no shipped spec has this many unverified weights
        rng = np.random.default_rng(seed)
        for _ in range(MAX_CORNERS):
            pick = rng.integers(0, 2, size=len(ids))
            yield {i: b[p] for i, b, p in zip(ids, bounds, pick)}


def _corner_matrix(spec: Spec) -> tuple[tuple[str, ...], np.ndarray]:
    """The unverified weight ids and a (corners × ids) matrix of their values."""
    ids = spec.unverified_weights
    rows = [[w[i] for i in ids] for w in corner_weights(spec)]
    return ids, np.array(rows, dtype=float).reshape(len(rows), len(ids))


def node_values_under_weights(spec: Spec, values: Mapping[str, float], ids: tuple[str, ...],
                              weights: np.ndarray, *, year: int | None = None) -> dict[str, np.ndarray]:
    """Every node's value (one per row of ``weights``) for one set of component values.

    Vectorised over the weight rows: the scoring rules of :mod:`indexmodel.model.scoring`
    (given values stand; a parent is computed where all its children are known).
    """
    k = weights.shape[0]
    column = {i: j for j, i in enumerate(ids)}
    out: dict[str, np.ndarray] = {}
    published_only = year is not None and spec.is_published_only(year)
    for node_id in spec.postorder():
        node = spec.nodes[node_id]
        given = values.get(node_id)
        if given is not None and np.isfinite(given):
            out[node_id] = np.full(k, float(given))
            continue
        if node.is_leaf or node.rule == "unknown" or (published_only and node_id == spec.composite):
            out[node_id] = np.full(k, np.nan)
            continue
        kids = node.children
        if node.rule == "sum":
            out[node_id] = sum(out[c] for c in kids)
            continue
        w = np.column_stack([weights[:, column[c]] if c in column else
                             np.full(k, spec.nodes[c].weight) for c in kids])
        x = np.column_stack([out[c] for c in kids])
        if node.rule == "weighted_sum":
            out[node_id] = node.scale * (w * x).sum(axis=1)
        else:  # weighted_mean, points_to_percent
            out[node_id] = node.scale * (w * x).sum(axis=1) / w.sum(axis=1)
    return out


def composite_range(spec: Spec, values: Mapping[str, float] | pd.DataFrame, *,
                    year: int | None = None, node: str | None = None) -> Range | None:
    """The range a composite (or ``node``) takes over the plausible unverified settings.

    ``values`` is one set of component values or a wide table (one row each); for a
    table the range is the envelope over its rows. None when the value is unknown.
    """
    rows = ([dict(values)] if not isinstance(values, pd.DataFrame)
            else [{k: v for k, v in r.items() if pd.notna(v)} for r in values.to_dict("records")])
    target = node or spec.composite
    if any(spec.node(spec.node(i).parent).children_total is not None for i in spec.unverified_weights):
        # settings that keep a total (PAR INDEX from 2024) are not a box: its corners are not
        # settings; the range is a linear program over the box and the total
        from .consistency import consistency

        space = consistency(spec, [])
        ranges = [space.range(row, node=target) for row in rows]
        if any(r is None for r in ranges):
            return None
        return Range(min(r.low for r in ranges), max(r.high for r in ranges))
    ids, weights = _corner_matrix(spec)
    if not ids:
        weights = np.zeros((1, 0))
    lows, highs = [], []
    for row in rows:
        column = node_values_under_weights(spec, row, ids, weights, year=year)[target]
        if not np.isfinite(column).all():
            return None
        lows.append(column.min())
        highs.append(column.max())
    return Range(float(min(lows)), float(max(highs)))


def sweep_one_at_a_time(spec: Spec, values: Mapping[str, float], *, year: int | None = None,
                        steps: int = 5) -> pd.DataFrame:
    """Each unverified weight moved alone across its range, the others at default."""
    rows = []
    base_table, _ = score_frame(spec, pd.DataFrame([dict(values)]), year=year, warn=False)
    base = float(base_table[spec.composite].iloc[0])
    for node_id in spec.unverified_weights:
        node = spec.node(node_id)
        for w in np.linspace(node.weight_low, node.weight_high, steps):
            variant = spec.with_weights({node_id: float(w)})
            table, _ = score_frame(variant, pd.DataFrame([dict(values)]), year=year, warn=False)
            value = float(table[spec.composite].iloc[0])
            rows.append(dict(setting=node_id, weight=float(w), default_weight=node.weight,
                             composite=value, change=value - base))
    return pd.DataFrame(rows, columns=["setting", "weight", "default_weight", "composite",
                                       "change"])
