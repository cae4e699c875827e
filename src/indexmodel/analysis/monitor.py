"""The yearly review the plan asks for when a year's results come out.

The plan (section IV.1c and IV.10) requires that, within 5 working days after the
central agencies publish a year's results, every agency responsible for an index
reviews the components of that index that are **below the national average** or
**fell from the previous year**, and proposes remedies (report to the Department of
Home Affairs). :func:`monitor` prepares that review for one province and year:

For each index with values for the province in ``year`` and for each component at
every level the data has (the composite included):

- the new value and the previous year's value and change — from the peer data (the
  shipped tables plus the analyst's release file), or, for the plan's baseline year,
  from the plan;
- the national average: the plain mean over every province of the year's full peer
  table (all provinces ranked that year; PAPI leaves up to two out), else the
  published national mean (``region_means.csv``, region ``national``; composites
  only), else unknown — never guessed;
- the flags: ``below_average`` (new < national average), ``fell`` (new < previous);
- the agencies responsible (rule :data:`AGENCY_RULE`, below);
- on-track status within the plan's period (baseline year ≤ ``year`` ≤ target year):
  the gain still needed (target − new) against the gain made so far (new −
  baseline), the gain a linear pace would have made by now, and where the still
  needed gain sits among the real changes of that component over the remaining years
  (:func:`indexmodel.model.panel.gain_percentile`; unknown where there is no panel).

Agency rule (:data:`AGENCY_RULE`): an agency answers for a component when the plan's
action table gives it a task on that component (``direct``), on a component above it
other than the whole index (``parent``: a SIPAS area task covers its criteria, a PAPI
dimension task its sub-dimensions), or on a component below it (``sub_component``: a
task on a PAPI sub-dimension makes the agency answer for its dimension). The
composite row lists only the agencies with a task on the whole index (``index``).
Task components are matched by id to the spec of ``year``.

:func:`load_release` lays an analyst's release file over the shipped data and
refuses what cannot be used faithfully; :func:`monitor_command` is the command line
(``indexmodel monitor``).
The review itself, its labels and how it is rendered (text, Markdown, CSV) are in
:mod:`indexmodel.analysis.monitor_report`; its names are importable from here too.
"""

from __future__ import annotations

import math
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, IndexModelError, InputFileError, UsageError
from ..core.i18n import check_lang, index_label
from ..data.plan import Plan, load_plan
from ..data.provinces import NATIONAL, all_provinces, describe, is_merged_unit, resolve
from ..data.spec import INDICES, Spec, SpecBook, load_specs
from ..model.field import Note, year_scores
from ..model.scoring import score, score_peers
from ..model.settings import composite_range
from .monitor_report import (AGENCY_RULE, LABELS, TABLE_COLUMNS, WORKING_DAYS, MonitorReport,
                             _t, report_deadline)
from .new_map import former_plan_note, previous_on_new_map

__all__ = ["ALLOWED_UNRANKED", "SAME_VALUE", "EPS", "LINKS", "load_release", "monitor",
           "monitor_command",
           # the report's names (indexmodel.analysis.monitor_report), importable from here too
           "AGENCY_RULE", "LABELS", "TABLE_COLUMNS", "WORKING_DAYS", "MonitorReport",
           "report_deadline"]

#: PAPI leaves provinces out of a year's ranking when their survey error is too large
#: (two in 2014 and 2023): without a published count of ranked provinces, a table with
#: at most this many provinces missing still counts as the full table.
ALLOWED_UNRANKED = 2
#: Two values closer than this are the same value (a release written and read back).
SAME_VALUE = 1e-6
EPS = 1e-9

LINKS = ("direct", "parent", "sub_component", "index")


# -- the release file -------------------------------------------------------------------
def load_release(path: str | Path, year: int, province: str | None = "Bình Định", *,
                 index: str | None = None, replace: bool = False,
                 shipped: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped peer table with an analyst's release file laid over it, checked.

    Refused, each with the file and the reason:

    - anything :func:`indexmodel.data.peers.load_peers` refuses (unknown province,
      component, out-of-range value …);
    - rows of another index than ``index``, when it is given;
    - no row of ``year`` in the file;
    - a year of the file (for one index) without the monitored province;
    - an index and year already in the data with different values, unless
      ``replace``: the rows that differ are listed (with their spreadsheet rows).

    A release that agrees with the data already held adds its new rows to it (a full
    table over a partial one); with ``replace`` it replaces the index and year whole.
    """
    from ..data.peers import PEER_COLUMNS, default_peers, load_peers
    from ..data.sources.tables import read_table

    base = default_peers() if shipped is None else shipped
    release = load_peers(path)
    rows_of = None
    try:  # the spreadsheet row of each release row (load_peers keeps them in file order)
        table = read_table(path, PEER_COLUMNS[:5], optional=("source",))
        if len(table.rows) == len(release):
            rows_of = [r for r, _ in table.rows]
    except IndexModelError:  # pragma: no cover - load_peers read it already
        rows_of = None
    release = release.assign(file_row=rows_of if rows_of is not None else [None] * len(release))
    if index is not None:
        if index not in INDICES:
            _unknown_index(index)
        other = sorted(set(release["index"]) - {index})
        if other:
            first = release[release["index"] != index].iloc[0]
            raise InputFileError(
                f"the file holds {', '.join(other)} rows, not {index} as claimed",
                file=path, row=_int_or_none(first["file_row"]), column="index",
                hint=f"check the file, or pass the index it holds ({', '.join(other)})")
    years = sorted(int(y) for y in release["year"].unique())
    if int(year) not in years:
        raise InputFileError(f"the file holds no {year} rows (it holds {', '.join(map(str, years))})",
                             file=path, column="year")
    name = _monitored(province, year, load_plan()).name_en
    for (ix, yr), rows in release.groupby(["index", "year"], sort=True):
        if int(yr) == int(year) and name not in set(rows["province"]):
            raise InputFileError(
                f"the {ix} {yr} release has no rows for {name}, the province being monitored",
                file=path, hint=f"it holds {rows['province'].nunique()} other provinces")
    replaced = []
    for (ix, yr), rows in release.groupby(["index", "year"], sort=True):
        held = base[(base["index"] == ix) & (base["year"] == yr)]
        if held.empty:
            continue
        both = rows.merge(held[["province", "component", "value"]], on=["province", "component"],
                          suffixes=("", "_held"))
        differ = both[(both["value"] - both["value_held"]).abs() > SAME_VALUE]
        if len(differ) and not replace:
            listed = "; ".join(
                (f"row {int(r.file_row)} " if r.file_row is not None and not pd.isna(r.file_row) else "")
                + f"{r.province} {r.component}: {r.value_held:g} held, {r.value:g} in the file"
                for r in differ.head(10).itertuples())
            more = f" (and {len(differ) - 10} more)" if len(differ) > 10 else ""
            raise InputFileError(
                f"{ix} {yr} is already in the data with different values in {len(differ)} "
                f"row(s): {listed}{more}", file=path,
                hint="pass --replace (replace=True) to use the file's values for the whole year")
        if len(differ):
            replaced.append((ix, int(yr)))
    release = release.drop(columns="file_row")
    keep = [(i, int(y)) not in replaced for i, y in zip(base["index"], base["year"])]
    kept = base[keep]
    key = ["index", "year", "province", "component"]
    new = release.merge(kept[key], on=key, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    combined = pd.concat([kept, new[list(base.columns)]], ignore_index=True)
    return combined.sort_values(key, kind="mergesort").reset_index(drop=True)


def _unknown_index(index: str):
    raise UsageError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


# -- computing -------------------------------------------------------------------------
def _preorder(spec: Spec) -> list[str]:
    out: list[str] = []

    def visit(node_id: str) -> None:
        out.append(node_id)
        for child in spec.nodes[node_id].children:
            visit(child)

    visit(spec.composite)
    return out


def _values_of(peers: pd.DataFrame, index: str, year: int, province: str) -> dict[str, float]:
    rows = peers[(peers["index"] == index) & (peers["year"] == year) & (peers["province"] == province)]
    return dict(zip(rows["component"], rows["value"].astype(float)))


def _published_composite(results: pd.DataFrame, index: str, year: int, province: str) -> float:
    rows = results[(results["index"] == index) & (results["year"] == year)
                   & (results["province"] == province) & results["composite"].notna()]
    return float(rows["composite"].iloc[0]) if len(rows) else math.nan


def _own_scored(index: str, year: int, province: str, peers: pd.DataFrame, results: pd.DataFrame,
                plan: Plan | None, book: SpecBook
                ) -> tuple[dict[str, float], str, Spec | None, dict[str, float]]:
    """Every node's value for the province in ``year``, where the values come from, and
    which nodes were given (rather than computed)."""
    try:
        spec = book.spec_for(index, year)
    except DataUnavailableError:
        return {}, "", None, {}
    values = _values_of(peers, index, year, province)
    source = "peer data"
    if not values and plan is not None and year == plan.baseline_year:
        values = plan.component_values(index, "baseline")
        source = "plan"
    if not values:
        composite = _published_composite(results, index, year, province)
        if math.isfinite(composite):
            return ({spec.composite: composite}, "published results", spec,
                    {spec.composite: composite})
        return {}, "", spec, {}
    given = dict(values)
    scored = dict(score(spec, values, year=year, warn=False).values)
    if not math.isfinite(scored[spec.composite]):
        published = _published_composite(results, index, year, province)
        if math.isfinite(published):
            scored[spec.composite] = published
            given[spec.composite] = published
    return {k: v for k, v in scored.items() if math.isfinite(v)}, source, spec, given


def _expected_count(results: pd.DataFrame, index: str, year: int) -> tuple[int, bool]:
    counts = results.loc[(results["index"] == index) & (results["year"] == year),
                         "ranked_provinces"].dropna()
    if len(counts):
        return int(counts.max()), True
    return len(all_provinces(year)), False


def _national(index: str, year: int, spec: Spec, peers: pd.DataFrame, results: pd.DataFrame,
              region_means: pd.DataFrame | None, book: SpecBook, province: str) -> dict[str, dict]:
    """Per node: national average, its source, n, and the province's rank where the table is full."""
    expected, published_count = _expected_count(results, index, year)
    needed = expected if published_count else expected - ALLOWED_UNRANKED
    table = score_peers(peers, spec, year)
    out: dict[str, dict] = {}
    columns = {c: table[c] for c in table.columns if c != spec.composite}
    composites = year_scores(index, year, peers, results, book)["composite"].dropna()
    columns[spec.composite] = composites
    for node, column in columns.items():
        column = column.dropna()
        if len(column) and len(column) >= needed:
            entry = dict(average=float(column.mean()), source="full", n=int(len(column)))
            if province in column.index:
                own = float(column[province])
                others = column.drop(index=province).to_numpy(dtype=float)
                entry.update(rank=int(1 + np.sum(others > own + 1e-12)), ranked=int(len(column)))
            out[node] = entry
    if spec.composite not in out and region_means is not None and len(region_means):
        rows = region_means[(region_means["index"] == index) & (region_means["year"] == year)
                            & (region_means["region"] == NATIONAL)]
        if len(rows):
            out[spec.composite] = dict(average=float(rows["mean_value"].iloc[0]), source="published",
                                       n=None)
        else:
            derived = _from_regions(region_means, index, year)
            if derived is not None:
                out[spec.composite] = dict(average=derived[0], source="regions", n=derived[1])
    return out


def _from_regions(region_means: pd.DataFrame, index: str, year: int) -> tuple[float, int] | None:
    """The national mean from the six published regional means, each weighted by its number
    of provinces (exact when each regional mean is the plain mean of its provinces)."""
    from ..data.provinces import REGIONS, provinces_in_region

    rows = region_means[(region_means["index"] == index) & (region_means["year"] == year)
                        & (region_means["region"] != NATIONAL)]
    means = dict(zip(rows["region"], rows["mean_value"].astype(float)))
    if set(means) != set(REGIONS):
        return None
    counts = {r: len(provinces_in_region(r, year)) for r in REGIONS}
    total = sum(counts.values())
    return sum(means[r] * counts[r] for r in REGIONS) / total, total


def _agency_links(actions: pd.DataFrame, spec: Spec, node: str) -> list[dict]:
    """The agencies answering for ``node`` by :data:`AGENCY_RULE`, strongest link first."""
    rows = actions[actions["index"] == spec.index]
    found: dict[str, dict] = {}

    def add(row, link: str, via: str | None) -> None:
        entry = found.setdefault(row["agency_id"], dict(
            agency_id=row["agency_id"], agency_vi=row["agency_vi"], agency_en=row["agency_en"],
            links=set(), via=set(), tasks=0))
        entry["links"].add(link)
        if via:
            entry["via"].add(via)
        entry["tasks"] += 1

    if node == spec.composite:
        for _, row in rows[rows["scope"] == "index"].iterrows():
            add(row, "index", None)
    else:
        above = set(spec.ancestors(node)) - {spec.composite}
        below = set(spec.descendants(node))
        for _, row in rows[rows["scope"] == "component"].iterrows():
            comp = row["component"]
            if comp == node:
                add(row, "direct", None)
            elif comp in above:
                add(row, "parent", comp)
            elif comp in below:
                add(row, "sub_component", comp)
    out = []
    for entry in found.values():
        link = next(l for l in ("direct", "parent", "sub_component", "index") if l in entry["links"])
        out.append(dict(agency_id=entry["agency_id"], agency_vi=entry["agency_vi"],
                        agency_en=entry["agency_en"], link=link,
                        via="; ".join(sorted(entry["via"])) if link != "direct" else "",
                        tasks=entry["tasks"]))
    return out


def monitor(year: int, province: str | None = "Bình Định", peers: pd.DataFrame | None = None,
            results: pd.DataFrame | None = None, lang: str = "vi", *, index: str | None = None,
            plan: Plan | None = None, actions: pd.DataFrame | None = None,
            region_means: pd.DataFrame | None = None, book: SpecBook | None = None,
            published_on: date | None = None, explain_ranks: bool = True) -> MonitorReport:
    """The review of ``province``'s ``year`` results, index by index (see the module docstring).

    ``peers``: the tidy peer table (the shipped one plus the analyst's release, e.g.
    from :func:`load_release`; default: the shipped table); ``results`` and
    ``region_means``: published composites and means (default: shipped); ``plan``:
    the province's plan (default: the shipped plan when it is the province's);
    ``actions``: the action table (default: the shipped one); ``index``: one index
    only; ``published_on``: the publication date, for the report's deadline;
    ``explain_ranks``: also say why each index's rank moved from the year before
    (:func:`indexmodel.analysis.explain.explain`, in the report's ``rank_changes``).
    """
    from ..data.actions import load_actions, load_agencies
    from ..data.peers import default_peers, default_region_means, default_results

    check_lang(lang)
    year = int(year)
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    region_means = default_region_means() if region_means is None else region_means
    shipped_plan = load_plan()
    prov = _monitored(province, year, shipped_plan)
    name = prov.name_en
    own_plan = resolve(shipped_plan.province).id == prov.id
    # a unit formed from the plan's province (Gia Lai 2025, from Bình Định): the plan's
    # agencies as it assigned them, not its targets (set for the former province)
    former = None if own_plan else former_plan_note(prov, shipped_plan)
    if plan is None:
        plan = shipped_plan if own_plan else None
    elif resolve(plan.province).id != prov.id:
        plan = None
    notes_first: list[Note] = [former] if former is not None else []
    if actions is None:
        if own_plan or former is not None:
            actions = load_actions()
        else:  # the shipped action table is the plan of another province
            actions = pd.DataFrame(columns=["index", "scope", "component", "agency_id",
                                            "agency_vi", "agency_en"])
            notes_first.append(Note(
                f"Chưa có bảng phân công nhiệm vụ của {prov.name_vi}: chưa ghi cơ quan chịu trách nhiệm.",
                f"No action table for {name}: no agency is named."))
    indices = INDICES if index is None else (index,)
    if index is not None and index not in INDICES:
        _unknown_index(index)
    current_era = {ix: book.latest(ix).era for ix in INDICES}

    rows: list[dict] = []
    summary: list[dict] = []
    notes: list[Note] = notes_first
    for ix in indices:
        own, source, spec, given = _own_scored(ix, year, name, peers, results, plan, book)
        label_vi, label_en = index_label(ix, "vi"), index_label(ix, "en")
        if spec is None or not own:
            why = (("chưa có phương pháp của năm này", "no methodology era covers the year")
                   if spec is None else ("không có trong số liệu", "not in the data"))
            summary.append(dict(index=ix, has_data=False, why_vi=why[0], why_en=why[1]))
            continue
        prev_year = year - 1
        if prov.exists_in(prev_year):
            prev, prev_source, prev_spec, _ = _own_scored(ix, prev_year, name, peers, results, plan,
                                                          book)
        else:  # a unit new this year: its previous year approximated on the new map
            prev, prev_source, approx_note = previous_on_new_map(ix, prev_year, prov, peers, results,
                                                                 book)
            prev_spec = _spec_or_none(book, ix, prev_year) if prev else None
            if approx_note is not None and approx_note not in notes:
                notes.append(approx_note)
        same_era = prev_spec is not None and prev_spec.era == spec.era
        national = _national(ix, year, spec, peers, results, region_means, book, name)
        if spec.era != current_era[ix]:
            notes.append(Note(_t("era_note", "vi", year=year, index=label_vi, era=spec.era_name("vi")),
                              _t("era_note", "en", year=year, index=label_en, era=spec.era_name("en"))))
        if spec.composite not in national:
            notes.append(Note(_t("avg_missing", "vi", index=label_vi, year=year),
                              _t("avg_missing", "en", index=label_en, year=year)))
        track = _tracking(ix, year, spec, own, plan, book)
        panel = None
        for node in _preorder(spec):
            if node not in own:
                continue
            node_obj = spec.node(node)
            value = own[node]
            previous = prev.get(node, math.nan) if prev_spec is not None and prev_spec.has(node) else math.nan
            change = value - previous if math.isfinite(previous) else math.nan
            nat = national.get(node, {})
            avg = nat.get("average", math.nan)
            low = high = math.nan
            verified = _verified_node(spec, node, given)
            if not verified:
                span = composite_range(spec, given, year=year, node=node)
                if span is not None:
                    low, high = span.low, span.high
            below = bool(value < avg - EPS) if math.isfinite(avg) else None
            fell = bool(change < -EPS) if math.isfinite(change) else None
            flagged = bool(below) or bool(fell)
            t = track.get(node, {})
            pct, horizon = math.nan, None
            if t.get("status") in ("on_pace", "behind", "baseline"):
                horizon = t["target_year"] - year
                if horizon >= 1:
                    if panel is None:
                        panel = _panel(peers, ix, results, book)
                    if panel is not False:
                        pct = _percentile(t["gain_needed"], panel, ix, node, horizon)
            base = dict(
                index=ix, year=year, province=name, component=node, level=spec.level(node),
                name_vi=node_obj.name_vi, name_en=node_obj.name_en,
                verified=verified, value_low=low, value_high=high,
                average_uncertain=(bool(low - EPS <= avg <= high + EPS)
                                   if math.isfinite(avg) and math.isfinite(low) else None),
                value=value, value_source=source,
                previous_year=prev_year, previous_value=previous,
                previous_source=prev_source if math.isfinite(previous) else "",
                change=change, same_methodology=same_era if math.isfinite(previous) else None,
                national_average=avg,
                average_source={"full": "full peer table", "published": "published national mean",
                                "regions": "six published regional means, weighted by provinces"}.get(
                    nat.get("source"), "unknown"),
                average_n=nat.get("n"), rank=nat.get("rank"), ranked=nat.get("ranked"),
                below_average=below, fell=fell, flagged=flagged,
                baseline_year=t.get("baseline_year"), baseline=t.get("baseline", math.nan),
                target_year=t.get("target_year"), target=t.get("target", math.nan),
                gain_made=t.get("gain_made", math.nan), gain_needed=t.get("gain_needed", math.nan),
                pace_gain=t.get("pace_gain", math.nan), status=t.get("status"),
                needed_gain_percentile=pct, percentile_horizon=horizon,
            )
            links = _agency_links(actions, spec, node)
            if not links:
                rows.append(dict(base, agency_id=None, agency_vi=None, agency_en=None, link=None,
                                 via=None, tasks=0))
            for link in links:
                rows.append(dict(base, **link))
        comp_rows = [r for r in rows if r["index"] == ix]
        by_node = {r["component"]: r for r in comp_rows}
        top = by_node.get(spec.composite, {})
        nat_c = national.get(spec.composite, {})
        summary.append(dict(
            index=ix, has_data=True, why_vi="", why_en="", year=year,
            composite=own.get(spec.composite, math.nan), previous_year=prev_year,
            previous_value=top.get("previous_value", math.nan), change=top.get("change", math.nan),
            national_average=nat_c.get("average", math.nan), average_source=nat_c.get("source", ""),
            average_n=nat_c.get("n"), rank=nat_c.get("rank"),
            value_low=top.get("value_low", math.nan), value_high=top.get("value_high", math.nan),
            average_uncertain=top.get("average_uncertain"),
            ranked=nat_c.get("ranked"), verified=_verified_node(spec, spec.composite, given),
            components=sum(1 for n in by_node if n != spec.composite),
            flagged=sum(1 for n, r in by_node.items() if n != spec.composite and r["flagged"]),
            incomplete=sum(1 for n, r in by_node.items() if n != spec.composite and not r["flagged"]
                           and (r["below_average"] is None or r["fell"] is None)),
            value_source=source, previous_source=top.get("previous_source", "")))
    if not any(s["has_data"] for s in summary):
        held = sorted({int(y) for y in peers.loc[peers["province"] == name, "year"]})
        raise DataUnavailableError(
            f"no {'/'.join(indices)} values for {name} in {year}",
            hint="years held for the province: " + (", ".join(map(str, held)) or "none")
            + ("; the plan's baseline year is " + str(plan.baseline_year) if plan is not None else ""))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for col in ("below_average", "average_uncertain", "fell", "flagged", "verified", "same_methodology"):
        table[col] = table[col].astype("boolean")
    for col in ("average_n", "rank", "ranked", "baseline_year", "target_year", "percentile_horizon"):
        table[col] = table[col].astype("Int64")
    summary_cols = ["index", "has_data", "why_vi", "why_en", "year", "composite", "previous_year",
                    "previous_value", "change", "national_average", "average_source", "average_n",
                    "rank", "ranked", "verified", "value_low", "value_high", "average_uncertain",
                    "components", "flagged", "incomplete", "value_source", "previous_source"]
    summary_frame = pd.DataFrame(summary, columns=summary_cols)
    for col in ("verified", "average_uncertain"):
        summary_frame[col] = summary_frame[col].astype("boolean")
    for col in ("rank", "ranked", "components", "flagged", "incomplete", "previous_year"):
        summary_frame[col] = summary_frame[col].astype("Int64")
    try:
        agencies = load_agencies()
    except IndexModelError:  # pragma: no cover - shipped
        agencies = None
    rank_changes = {}
    if explain_ranks:
        from .explain import explain
        for s in summary:
            if s["has_data"]:
                rank_changes[s["index"]] = explain(s["index"], year, name, peers=peers, results=results,
                                                   plan=plan, book=book)
    return MonitorReport(year=year, province=name, province_vi=prov.name_vi, table=table,
                         province_long=((describe(prov, "vi"), describe(prov, "en"))
                                        if is_merged_unit(prov) else None),
                         summary=summary_frame, notes=notes, lang=lang,
                         published_on=published_on, agencies=agencies, rank_changes=rank_changes)


def _monitored(province: str | None, year: int, plan: Plan):
    """The province a review is for: ``province`` by ``year``'s map ("Gia Lai" in 2025 is
    the merged unit); None: the plan's province, or the unit holding it in ``year``."""
    from ..data.provinces import successor

    if province is not None:
        return resolve(province, year)
    own = resolve(plan.province)
    unit = successor(own, year)
    if unit is None:
        return resolve(plan.province, year)  # raises: not a province then
    return unit


def _spec_or_none(book: SpecBook, index: str, year: int) -> Spec | None:
    try:
        return book.spec_for(index, year)
    except DataUnavailableError:
        return None


def _panel(peers, index, results, book):
    """The real panel of ``index`` (False where there is none, or no movement module)."""
    try:
        from ..model.panel import build_panel
        return build_panel(peers, index, results, book=book)
    except (ImportError, AttributeError, DataUnavailableError):
        return False


def _percentile(gain: float, panel, index: str, node: str, horizon: int) -> float:
    """Where ``gain`` sits among the real ``horizon``-year changes of ``node`` (NaN: no panel)."""
    from ..model.panel import gain_percentile
    try:
        return float(gain_percentile(gain, panel, index, node, horizon=horizon))
    except DataUnavailableError:
        return math.nan


def _verified_node(spec: Spec, node: str, given) -> bool:
    """A value is verified when it was given (published), or its spec is verified, or no
    unverified weight sits below it."""
    if spec.verified or node in given:
        return True
    return not (set(spec.descendants(node)) & set(spec.unverified_weights))


def _tracking(index: str, year: int, spec: Spec, own: dict[str, float], plan: Plan | None,
              book: SpecBook) -> dict[str, dict]:
    """Per node: baseline, target, gains and pace status within the plan's period."""
    if plan is None:
        return {}
    base_vals = plan.component_values(index, "baseline")
    target_vals = plan.component_values(index, "target")
    if not target_vals or not base_vals:
        return {}
    b_year, t_year = plan.baseline_year, plan.target_year
    if not b_year <= year <= t_year:
        return {}
    b_spec, t_spec = book.spec_for(index, b_year), plan.spec_for(index, "target", book)
    if b_spec.era != spec.era or t_spec.era != spec.era:
        return {}
    baseline = score(spec, base_vals, year=b_year, warn=False).values
    target = score(spec, target_vals, warn=False).values
    share = (year - b_year) / (t_year - b_year) if t_year > b_year else 1.0
    out = {}
    for node, value in own.items():
        b, t = baseline.get(node, math.nan), target.get(node, math.nan)
        if not (math.isfinite(b) and math.isfinite(t)):
            continue
        made, needed = value - b, t - value
        pace = (t - b) * share
        if needed <= EPS:
            status = "reached"
        elif year == b_year:
            status = "baseline"
        else:
            status = "on_pace" if made >= pace - EPS else "behind"
        out[node] = dict(baseline_year=b_year, baseline=b, target_year=t_year, target=t,
                         gain_made=made, gain_needed=needed, pace_gain=pace, status=status)
    return out


# -- the command ---------------------------------------------------------------------------
def monitor_command(year: int, province: str | None = None, peers_path: str | Path | None = None,
                    lang: str = "vi", out: str | Path | None = None, replace: bool = False,
                    index: str | None = None, *, published_on: date | None = None,
                    overwrite: bool = False, fmt: str = "text") -> int:
    """``indexmodel monitor``: print the review, write it to ``out`` when given.

    Returns 0, or 2 after printing a one-line message for a user's mistake (a bad
    release file, an unknown province, no values for the year, an output file that
    exists — unless ``overwrite`` — or that would replace the release file or shipped data).
    ``fmt`` ``docx``: write the Word brief to ``out`` (required) instead of printing.
    """
    try:
        check_lang(lang)
        if fmt not in ("text", "docx"):
            raise UsageError(f"unknown format '{fmt}'", hint="text or docx")
        if fmt == "docx" and not out:
            raise UsageError("--format docx writes a Word file: give --out DIR")
        if index is not None and index not in INDICES:
            _unknown_index(index)
        peers = (load_release(peers_path, year, province, index=index, replace=replace)
                 if peers_path else None)
        report = monitor(year, province, peers=peers, lang=lang, index=index,
                         published_on=published_on)
        if out:
            from ..core.output import check_output
            from .monitor_brief import docx_path

            paths = [docx_path(report, out, lang)] if fmt == "docx" else report.file_paths(out, lang)
            for path in paths:
                check_output(path, inputs=[peers_path], overwrite=overwrite)
        if fmt == "docx":
            print(f"written {report.write_docx(out, lang)}")
            return 0
        sys.stdout.write(report.to_text(lang))
        if out:
            for path in report.write(out, lang):
                print(f"written {path}")
        return 0
    except IndexModelError as exc:
        print(f"indexmodel: error: {exc.message}", file=sys.stderr)
        return 2
