"""The overview of the four indices (notebook 00): composites, ranks and goals, the plan's
inconsistencies, component tables and figure (a).
"""

from __future__ import annotations

import math
from typing import Mapping

import pandas as pd

from ...core.errors import IndexModelError
from ...core.i18n import index_label, t
from .common import col, data_label
from .setup import NotebookSetup


def _r(value, digits: int = 2):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) \
        else round(float(value), digits)


def _goal_text(check, lang: str) -> str:
    from ...analysis.plan_check import goal_text

    return goal_text(check, lang)


def _shown_gain(base, target, gain):
    """The gain between the two figures as shown (two decimals), so that it adds up."""
    if base is None or target is None or not (math.isfinite(base) and math.isfinite(target)):
        return _r(gain)
    return round(round(target, 2) - round(base, 2), 2)


def overview_summary(checks: Mapping, lang: str = "vi") -> pd.DataFrame:
    """One row per index: composites of the baseline and the targets, ranks, goals, findings."""
    rows = []
    for index, check in checks.items():
        rng = ""
        if check.unverified and check.baseline_range and check.target_range:
            rng = (f"{check.baseline_range.low:.2f}–{check.baseline_range.high:.2f} → "
                   f"{check.target_range.low:.2f}–{check.target_range.high:.2f}")
        rank = (f"{check.baseline_rank}/{check.baseline_out_of}" if check.baseline_rank
                and check.baseline_out_of else (str(check.baseline_rank) if check.baseline_rank
                                                else t("unknown", lang)))
        rows.append({
            col("index", lang): index_label(index, "en"),
            col("baseline", lang, year=check.baseline_year): _r(check.baseline_composite),
            col("target", lang, year=check.target_year): _r(check.target_composite),
            # the gain of the figures shown: 66.26 → 70.69 is a gain of 4.43, as a reader adds up
            col("gain", lang): _shown_gain(check.baseline_composite, check.target_composite, check.gain),
            col("range", lang): rng or "—",
            col("rank", lang, year=check.baseline_year): rank,
            col("goal", lang, year=check.target_year): _goal_text(check, lang),
            col("findings", lang): len(check.findings),
        })
    return pd.DataFrame(rows).set_index(col("index", lang))


def overview_csv(checks: Mapping) -> pd.DataFrame:
    """The overview as a machine-readable table (English column ids, one row per index)."""
    rows = []
    for index, check in checks.items():
        rows.append(dict(
            index=index, baseline_year=check.baseline_year, target_year=check.target_year,
            baseline_composite=_r(check.baseline_composite, 4),
            target_composite=_r(check.target_composite, 4), gain=_r(check.gain, 4),
            baseline_low=_r(check.baseline_range.low, 4) if check.baseline_range else None,
            baseline_high=_r(check.baseline_range.high, 4) if check.baseline_range else None,
            target_low=_r(check.target_range.low, 4) if check.target_range else None,
            target_high=_r(check.target_range.high, 4) if check.target_range else None,
            baseline_rank=check.baseline_rank, ranked_provinces=check.baseline_out_of,
            goal_national=check.goal_national, goal_regional=check.goal_regional,
            regional_provinces=check.regional_out_of, group_goal=check.group_goal or "",
            unverified=check.unverified, inconsistencies=len(check.findings)))
    frame = pd.DataFrame(rows)
    for c in ("baseline_rank", "ranked_provinces", "goal_national", "goal_regional",
              "regional_provinces"):
        frame[c] = frame[c].astype("Int64")
    return frame


def findings_table(checks: Mapping, lang: str = "vi") -> pd.DataFrame:
    """Every inconsistency in the plan's own numbers, by index."""
    rows = [{col("index", lang): index_label(index, "en"), col("year", lang): f.year,
             col("component", lang): (check.spec.name(f.component, lang)
                                      if check.spec.has(f.component) else f.component),
             col("finding", lang): f.text(lang)}
            for index, check in checks.items() for f in check.findings]
    return pd.DataFrame(rows, columns=[col(k, lang) for k in ("index", "year", "component",
                                                               "finding")])


def best_known(peers: pd.DataFrame, spec, year: int) -> tuple[dict[str, float], int | None]:
    """The best value of each component among the peers of the latest year (≤ ``year``)
    of the same methodology era that has component data; ({}, None) when there is none."""
    rows = peers[(peers["index"] == spec.index) & (peers["year"] <= year)]
    rows = rows[rows["year"].map(spec.covers)]
    if rows.empty:
        return {}, None
    latest = int(rows["year"].max())
    rows = rows[rows["year"] == latest]
    best = rows.groupby("component")["value"].max()
    return {c: float(v) for c, v in best.items()}, latest


def year_standing(setup: NotebookSetup, index: str) -> dict:
    """A province's composite, rank and component values in ``setup.target_year`` from
    the peer data (for a run without the province's plan); found once per notebook (its
    views ask for it a few times for each index)."""
    key = ("standing", index, setup.target_year, setup.province.id, id(setup.extra_peers))
    known = setup._views.get(key)  # the notebook's own store of what its views found
    if known is None:
        known = setup._views[key] = _year_standing(setup, index)
    return dict(known, own=dict(known["own"]))


def _year_standing(setup: NotebookSetup, index: str) -> dict:
    from ...data.peers import default_results
    from ...model.scoring import score
    from ...data.spec import load_specs

    year, name = setup.target_year, setup.province.name_en
    spec = load_specs().spec_for(index, year)
    peers = setup.peers()
    own_rows = peers[(peers["index"] == index) & (peers["year"] == year)
                     & (peers["province"] == name)]
    own = dict(zip(own_rows["component"], own_rows["value"].astype(float)))
    results = default_results()
    res = results[(results["index"] == index) & (results["year"] == year)
                  & (results["province"] == name)]
    first = res.iloc[0] if len(res) else None
    composite = (float(first["composite"]) if first is not None and pd.notna(first["composite"])
                 else None)
    if composite is None and own:
        value = score(spec, own, year=year, warn=False).composite
        composite = value if math.isfinite(value) else None
    rank = int(first["rank"]) if first is not None and pd.notna(first["rank"]) else None
    ranked = (int(first["ranked_provinces"]) if first is not None
              and pd.notna(first["ranked_provinces"]) else None)
    if rank is None and composite is not None:
        # every ranked province's composite published (PAPI 2011-2014): the rank follows
        year_rows = results[(results["index"] == index) & (results["year"] == year)]
        composites = year_rows["composite"].dropna().astype(float)
        if ranked is not None and len(composites) >= ranked:
            from ...model.ranking import rank_among

            others = composites[year_rows.loc[composites.index, "province"] != name]
            rank = int(rank_among(composite, others.to_numpy()))
    if rank is None and composite is not None:
        # a full component table of the year (an analyst's release of every province or unit)
        from ...data.provinces import all_provinces
        from ...model.field import year_scores
        from ...model.ranking import rank_among

        scores = year_scores(index, year, peers, results, load_specs())["composite"].dropna()
        if name in scores.index and len(scores) >= len(all_provinces(year)) - 2:
            rank = int(rank_among(composite, scores.drop(index=name).to_numpy()))
            ranked = int(len(scores))
    return dict(index=index, spec=spec, own=own, composite=composite, rank=rank, ranked=ranked)


def _figure_level(levels: pd.Series) -> int:
    """Top components, or the level below when the top has fewer than three (SIPAS areas)."""
    return 1 if (levels == 1).sum() >= 3 or (levels == 2).sum() == 0 else 2


def component_frame(setup: NotebookSetup, checks: Mapping, index: str) -> pd.DataFrame:
    """The input of :func:`indexmodel.report.plots.plot_components` for one index:
    component, name_vi, name_en, baseline, target, best, max (one level of the tree)."""
    from ...data.spec import load_specs

    year = setup.baseline_year
    spec = load_specs().spec_for(index, year)
    best, _ = best_known(setup.peers(), spec, year)
    if index in checks:
        comp = checks[index].components
        comp = comp[comp["level"] == _figure_level(comp["level"])]
        frame = comp[["component", "name_vi", "name_en", "baseline", "target", "max"]].copy()
    else:
        own = year_standing(setup, index)["own"]
        ids = [c for c in spec.ids if c in own and c != spec.composite]
        levels = pd.Series([spec.level(c) for c in ids], dtype=int)
        level = _figure_level(levels)
        ids = [c for c, lv in zip(ids, levels) if lv == level]
        frame = pd.DataFrame({
            "component": ids, "name_vi": [spec.name(c, "vi") for c in ids],
            "name_en": [spec.name(c, "en") for c in ids], "baseline": [own[c] for c in ids],
            "target": [math.nan] * len(ids), "max": [spec.node(c).max for c in ids]})
    frame["best"] = [float(best.get(c, math.nan)) for c in frame["component"]]
    return frame.reset_index(drop=True)[["component", "name_vi", "name_en", "baseline",
                                          "target", "best", "max"]]


def components_table(setup: NotebookSetup, checks: Mapping, index: str) -> pd.DataFrame:
    """Every component value of one index an analyst reads (names, labels in ``lang``)."""
    from ...data.spec import load_specs

    lang, year = setup.lang, setup.baseline_year
    spec = load_specs().spec_for(index, year)
    best, best_year = best_known(setup.peers(), spec, year)
    if index in checks:
        comp = checks[index].components
        base, target = comp["baseline"], comp["target"]
    else:
        own = year_standing(setup, index)["own"]
        ids = [c for c in spec.ids if c in own and c != spec.composite]
        comp = pd.DataFrame({"component": ids, "level": [spec.level(c) for c in ids],
                             "name_vi": [spec.name(c, "vi") for c in ids],
                             "name_en": [spec.name(c, "en") for c in ids],
                             "max": [spec.node(c).max for c in ids]})
        base = pd.Series([own[c] for c in ids], dtype=float)
        target = pd.Series([math.nan] * len(ids), dtype=float)
    names = [("· " if level > 1 else "") + name
             for level, name in zip(comp["level"], comp[f"name_{lang}"])]
    best_label = col("best", lang) + (f" ({best_year})" if best_year else "")
    out = pd.DataFrame({
        col("component", lang): names,
        col("baseline", lang, year=year): base.round(2).to_numpy(),
    })
    if index in checks:
        out[col("target", lang, year=setup.target_year)] = target.round(2).to_numpy()
        out[col("gain", lang)] = (target.round(2) - base.round(2)).round(2).to_numpy()  # as shown
    if best:
        out[best_label] = [round(best[c], 2) if c in best else math.nan
                           for c in comp["component"]]
    out[col("max", lang)] = comp["max"].round(2).to_numpy()
    return out.set_index(col("component", lang))


def components_csv(setup: NotebookSetup, checks: Mapping) -> pd.DataFrame:
    """Every index's component values in one machine-readable table (English ids)."""
    from ...data.spec import INDICES

    frames = []
    for index in INDICES:
        if index in checks:
            comp = checks[index].components
            frames.append(pd.DataFrame({
                "index": index, "component": comp["component"], "level": comp["level"],
                "baseline": comp["baseline"].round(4), "target": comp["target"].round(4),
                "gain": comp["gain"].round(4), "points_per_unit": comp["points_per_unit"].round(6),
                "contribution": comp["contribution"].round(6), "max": comp["max"]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def components_figure(setup: NotebookSetup, checks: Mapping, index: str):
    """Figure (a) for one index: result, target and best known value by component."""
    from ..plots import plot_components
    from ...data.spec import load_specs

    spec = load_specs().spec_for(index, setup.baseline_year)
    _, best_year = best_known(setup.peers(), spec, setup.baseline_year)
    frame = component_frame(setup, checks, index)
    title = f"{index_label(index, setup.lang)} — {setup.name}"
    return plot_components(frame, lang=setup.lang, title=title,
                           baseline_year=setup.baseline_year,
                           target_year=setup.target_year if index in checks else None,
                           best_year=best_year)


def year_summary(setup: NotebookSetup) -> pd.DataFrame:
    """Composite and rank of the province in ``target_year`` for each index the peer data holds."""
    from ...data.spec import INDICES

    lang, rows = setup.lang, []
    for index in INDICES:
        try:
            st = year_standing(setup, index)
        except IndexModelError:
            continue
        if st["composite"] is None and st["rank"] is None and not st["own"]:
            continue
        rank = (f"{st['rank']}/{st['ranked']}" if st["rank"] and st["ranked"]
                else (str(st["rank"]) if st["rank"] else t("unknown", lang)))
        rows.append({col("index", lang): index_label(index, "en"),
                     col("composite", lang): _r(st["composite"]),
                     col("rank", lang, year=setup.target_year): rank,
                     data_label("components", lang): len(st["own"])})
    return pd.DataFrame(rows)


def indices_with_data(setup: NotebookSetup, checks: Mapping) -> list[str]:
    """The indices the overview shows: the plan's, else those with the province's values."""
    from ...data.spec import INDICES

    if checks:
        return [i for i in INDICES if i in checks]
    out = []
    for index in INDICES:
        try:
            if year_standing(setup, index)["own"]:
                out.append(index)
        except IndexModelError:
            continue
    return out
