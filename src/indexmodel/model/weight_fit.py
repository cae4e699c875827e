"""Weights fitted from published figures: the evidence behind PCI's weights from 2022.

VCCI changed the PCI weights in 2022 without a text stating them (METHODOLOGY.md). Where
a province's ten sub-indices and its composite are both published (a VCCI province
profile), each profile is one linear equation in the weights; :func:`fit_weights` solves
them by least squares under the constraints of a weighted sum (weights ≥ 0, adding up to
1), snaps the result to VCCI's 5% steps and gives every profile's residual under the
fitted set, the snapped set and the previous era's set.

The fit uses the profiles of the era's first year only (PCI 2022: ten profiles); later
profiles are out-of-sample checks (Tây Ninh 2023), and a profile known to be doubtful is
shown but never fitted on (:data:`EXCLUDED`: Thanh Hóa 2023, which fits neither weight
set — probably one mis-keyed sub-index on that page). The same method recovers the
2013-2021 weights exactly from the 63 provinces of 2021 (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from ..core.errors import DataUnavailableError
from ..data.spec import Spec

STEP = 0.05          # VCCI's weights move in 5% steps
SUM_PENALTY = 1e4    # weight of the "weights add up to 1" row in the least squares
#: Profiles shown but never fitted on: (index, year, province) → why.
EXCLUDED = {
    ("pci", 2023, "Thanh Hoa"): "a likely mis-keyed profile: it fits neither weight set",
}


@dataclass(frozen=True)
class WeightFit:
    """The fitted weights of one era and the residual of every profile.

    ``weights`` (least squares), ``snapped`` (to 5% steps) and ``previous`` (the era
    before, for comparison) map component → weight. ``profiles`` has one row per
    province-year: year, province, published composite, the composite under the snapped
    and previous weights, their residuals (computed − published) and the profile's
    ``role`` (``fit``, ``check`` or ``excluded``) with ``note``.
    """

    index: str
    era: str
    fit_year: int
    weights: dict[str, float]
    snapped: dict[str, float]
    previous: dict[str, float] | None
    previous_era: str | None
    profiles: pd.DataFrame

    @property
    def fitted(self) -> pd.DataFrame:
        return self.profiles[self.profiles["role"] == "fit"]

    @property
    def max_residual(self) -> float:
        """The largest |residual| of the fitted profiles under the snapped weights."""
        return float(self.fitted["residual"].abs().max())

    def weight_table(self) -> pd.DataFrame:
        """Per component: the least-squares weight, the snapped one and the previous era's."""
        return pd.DataFrame({
            "component": list(self.weights),
            "least_squares": list(self.weights.values()),
            "fitted": [self.snapped[c] for c in self.weights],
            "previous": [self.previous.get(c, np.nan) if self.previous else np.nan
                         for c in self.weights],
        })


def profiles(peers: pd.DataFrame, results: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Province-years of ``spec``'s era with every top component and a published composite."""
    top = list(spec.top_components)
    sub = peers[(peers["index"] == spec.index) & peers["year"].map(spec.covers)
                & peers["component"].isin(top)]
    wide = sub.pivot_table(index=["year", "province"], columns="component", values="value",
                           aggfunc="first").reindex(columns=top).dropna()
    pub = results[(results["index"] == spec.index) & results["composite"].notna()]
    pub = pub.set_index(["year", "province"])["composite"].astype(float)
    wide = wide[wide.index.isin(pub.index)]
    wide["published"] = pub.reindex(wide.index).to_numpy()
    return wide.reset_index()


def _solve(x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    a = np.vstack([scale * x, SUM_PENALTY * np.ones(x.shape[1])])
    b = np.append(y, SUM_PENALTY)
    w, _ = nnls(a, b)
    return w


def fit_weights(peers: pd.DataFrame, results: pd.DataFrame, spec: Spec, *,
                previous: Spec | None = None, fit_year: int | None = None) -> WeightFit:
    """Fit ``spec``'s top-level weights to the published profiles of ``fit_year``
    (default: the era's first year); see the module docstring."""
    root = spec.root
    if root.rule != "weighted_sum":
        raise DataUnavailableError(f"{spec.index} era {spec.era}: only a weighted sum can be fitted")
    top = list(spec.top_components)
    table = profiles(peers, results, spec)
    fit_year = spec.valid_from if fit_year is None else fit_year
    key = list(zip(table["year"], table["province"]))
    excluded = [(spec.index, int(y), p) in EXCLUDED for y, p in key]
    fit_rows = (table["year"] == fit_year).to_numpy() & ~np.array(excluded, dtype=bool)
    if fit_rows.sum() < 2:
        raise DataUnavailableError(f"{spec.index} {fit_year}: fewer than two published profiles "
                                   "with every sub-index and the composite")
    x = table[top].to_numpy(dtype=float)
    y = table["published"].to_numpy(dtype=float)
    w = _solve(x[fit_rows], y[fit_rows], root.scale)
    weights = dict(zip(top, (float(v) for v in w)))
    snapped = {c: round(round(v / STEP) * STEP, 10) for c, v in weights.items()}
    snap = np.array([snapped[c] for c in top])
    out = table[["year", "province", "published"]].copy()
    out["composite"] = root.scale * x @ snap
    out["residual"] = out["composite"] - out["published"]
    prev_w = None
    if previous is not None:
        prev_w = {c: float(previous.node(c).weight) for c in top if previous.has(c)}
        if len(prev_w) == len(top):
            out["composite_previous"] = root.scale * x @ np.array([prev_w[c] for c in top])
            out["residual_previous"] = out["composite_previous"] - out["published"]
    out["role"] = np.where(excluded, "excluded", np.where(fit_rows, "fit", "check"))
    out["note"] = [EXCLUDED.get((spec.index, int(y), p), "") for y, p in key]
    out = out.sort_values(["year", "province"], kind="mergesort").reset_index(drop=True)
    return WeightFit(spec.index, spec.era, fit_year, weights, snapped, prev_w,
                     previous.era if previous is not None else None, out)
