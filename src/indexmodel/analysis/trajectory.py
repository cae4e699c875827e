"""The province's own path: composite and rank in every year the data holds, and the plan ahead.

:func:`trajectory` returns one tidy row per index and year:

- the **composite**, computed from the province's components where the year's spec
  allows it (``composite_source`` = ``components``, or ``plan`` for the plan's own
  baseline values), otherwise the published composite (``published``: PCI 2005, PCI
  2011, the published-only years, and years known only from published tables); where
  it rests on unverified settings (SIPAS weights, PAR INDEX maximum points) the row
  says so (``verified`` False) and gives the range over the plausible settings — for
  the plan's own rows, over those the published anchors leave, at the setting the
  analyses use (:mod:`indexmodel.analysis.settings_check`); where the weights are
  fitted from published figures (PCI from 2022) it says that;
- the **rank** and the number of provinces ranked: the published rank where there is
  one (``rank_source`` = ``published``), else the rank the plan states (``plan``, or
  ``plan_implied`` for the year before the baseline, implied by "up/down k places"),
  else the competition rank computed from the year's full table (``computed``) — never
  from a partial table;
- the plan's **targets** drawn ahead: the target year's composite computed from the
  plan's component targets by the same scoring, and the rank goal (``status`` =
  ``target``; ``rank`` holds the goal: "within the top k").

Bình Định's PCI path reads 19th in 2019, 11th in 2021, 21st in 2022 and 25th in 2023.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError
from ..core.i18n import check_lang, index_label
from ..data.plan import Plan, load_plan
from ..data.provinces import Province, resolve
from ..data.spec import INDICES, SpecBook, load_specs
from ..model.field import year_scores
from ..model.scoring import score
from ..model.settings import composite_range

COLUMNS = ["index", "year", "province", "status", "composite", "composite_source",
           "published_composite", "verified", "composite_low", "composite_high", "rank",
           "ranked_provinces", "rank_source", "regional_rank_goal", "note", "published_note"]

_NOTES = {
    "components": ("điểm tổng hợp tính từ các chỉ số thành phần", "composite computed from the components"),
    "plan": ("điểm tổng hợp tính từ số liệu thành phần trong kế hoạch",
             "composite computed from the plan's component values"),
    "published": ("điểm tổng hợp theo công bố", "composite as published"),
    "published_only": ("năm chỉ dùng số công bố: điểm tổng hợp không tính lại",
                       "published-only year: the composite is not recomputed"),
    "none": ("không có điểm tổng hợp", "no composite known"),
    "rank.published": ("thứ hạng theo công bố", "rank as published"),
    "rank.plan": ("thứ hạng theo kế hoạch", "rank stated in the plan"),
    "rank.plan_implied": ("thứ hạng suy ra từ kế hoạch (tăng/giảm bậc)",
                          "rank implied by the plan (up/down k places)"),
    "rank.computed": ("thứ hạng tính từ bảng đầy đủ của năm", "rank computed from the year's full table"),
    "rank.none": ("không có thứ hạng", "no rank known"),
    "unverified": ("dựa trên thiết lập chưa kiểm chứng ({low:.2f} – {high:.2f})",
                   "rests on unverified settings ({low:.2f} – {high:.2f})"),
    "fitted": ("trọng số ước lượng từ số liệu công bố (chưa có văn bản của đơn vị xây dựng chỉ số)",
               "weights fitted from published figures (no text of the publisher states them)"),
    "plan_differs": ("số liệu thành phần trong kế hoạch cho {value:.2f}",
                     "the plan's own component values give {value:.2f}"),
    "target": ("chỉ tiêu {year}: điểm tính từ chỉ tiêu thành phần; thứ hạng mục tiêu: trong {rank} địa phương dẫn đầu",
               "{year} target: composite of the component targets; rank goal: within the top {rank}"),
    "target_no_rank": ("chỉ tiêu {year}: điểm tính từ chỉ tiêu thành phần", "{year} target: composite of the component targets"),
    "group_goal": ("nhóm mục tiêu: {group}", "group goal: {group}"),
    "regional_goal": ("mục tiêu vùng: {rank}/{out_of}", "regional goal: {rank} of {out_of}"),
}


def _note(key: str, lang: str, **values) -> str:
    vi, en = _NOTES[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def _own_values(peers: pd.DataFrame, index: str, year: int, province: str) -> dict[str, float]:
    return dict(_by_province_year(peers).get((index, year, province), {}))


@memo(maxsize=8)  # a path reads the table year by year: filtered once, not once a year
def _by_province_year(peers: pd.DataFrame) -> dict[tuple, dict[str, float]]:
    """The components' values of each (index, year, province), in the table's order (a
    component given twice: its last value)."""
    out: dict[tuple, dict[str, float]] = {}
    for key in zip(peers["index"], peers["year"], peers["province"], peers["component"],
                   peers["value"].astype(float)):
        out.setdefault((key[0], int(key[1]), key[2]), {})[key[3]] = key[4]
    return out


def _published(results: pd.DataFrame, index: str, year: int, province: str) -> dict:
    row = _published_rows(results).get((index, year, province))
    return dict(row) if row is not None else {}


@memo(maxsize=8)
def _published_rows(results: pd.DataFrame) -> dict[tuple, dict]:
    """The published result of each (index, year, province): its first row in the table."""
    out: dict[tuple, dict] = {}
    notes = results["note"] if "note" in results.columns else [None] * len(results)
    for index, year, province, composite, rank, ranked, note in zip(
            results["index"], results["year"], results["province"], results["composite"],
            results["rank"], results["ranked_provinces"], notes):
        key = (index, int(year), province)
        if key in out:
            continue
        out[key] = {
            "composite": float(composite) if pd.notna(composite) else math.nan,
            "rank": int(rank) if pd.notna(rank) else None,
            "ranked_provinces": int(ranked) if pd.notna(ranked) else None,
            "note": str(note) if pd.notna(note) else "",
        }
    return out


def _ranked_count(results: pd.DataFrame, index: str, year: int) -> int | None:
    return _ranked_counts(results).get((index, year))


@memo(maxsize=8)  # asked for year by year: the table read once, not filtered once a year
def _ranked_counts(results: pd.DataFrame) -> dict[tuple, int]:
    """The most provinces ranked of each (index, year) that says how many it ranked."""
    out: dict[tuple, int] = {}
    for index, year, ranked in zip(results["index"], results["year"], results["ranked_provinces"]):
        if pd.notna(ranked):
            key = (index, int(year))
            out[key] = max(out[key], int(ranked)) if key in out else int(ranked)
    return out


def _computed_rank(index: str, year: int, province: str, peers: pd.DataFrame,
                   results: pd.DataFrame, book: SpecBook) -> tuple[int | None, int | None]:
    """The competition rank among the year's composites, only where the table is full."""
    try:
        scores = year_scores(index, year, peers, results, book)
    except DataUnavailableError:
        return None, None
    composites = scores["composite"].dropna()
    expected = _ranked_count(results, index, year)
    if province not in composites.index or expected is None or len(composites) < expected:
        return None, None
    own = float(composites[province])
    others = composites.drop(index=province).to_numpy(dtype=float)
    return int(1 + np.sum(others > own + 1e-12)), int(len(composites))


def _plan_rank(plan: Plan | None, index: str, year: int, status: str) -> tuple[int | None, int | None]:
    if plan is None:
        return None, None
    r = plan.ranks
    rows = r[(r["index"] == index) & (r["year"] == year) & (r["status"] == status)
             & (r["component"] == index) & (r["scope"] == "national") & r["rank"].notna()]
    if rows.empty:
        return None, None
    row = rows.iloc[0]
    return int(row["rank"]), (int(row["out_of"]) if pd.notna(row["out_of"]) else None)


def trajectory(province: str | Province = "Bình Định", index: str | None = None, *,
               peers: pd.DataFrame | None = None, results: pd.DataFrame | None = None,
               plan: Plan | None = None, book: SpecBook | None = None,
               lang: str = "vi", with_targets: bool = True) -> pd.DataFrame:
    """The province's composite and rank, per index, in every year the data holds.

    ``index`` restricts to one index; ``plan`` (default: the shipped plan, used only
    when it is the province's) adds the baseline-year values, the ranks the plan
    states and, with ``with_targets``, the target year. ``lang`` is the language of
    the ``note`` column (``published_note`` keeps the results table's own note, as
    written there). Rows are sorted by index (papi, sipas, par_index, pci) and year.
    """
    from ..data.peers import default_peers, default_results

    check_lang(lang)
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    prov = province if isinstance(province, Province) else resolve(province)
    name = prov.name_en
    if plan is None:
        try:
            plan = load_plan()
        except DataUnavailableError:  # pragma: no cover - the shipped plan is always there
            plan = None
    if plan is not None and resolve(plan.province).name_en != name:
        plan = None
    return _trajectory(prov, index, peers, results, plan, book, lang, with_targets)


@memo(maxsize=64, copy=True)  # the merged-province notebook asks twice for each former province
def _trajectory(prov: Province, index: str | None, peers: pd.DataFrame, results: pd.DataFrame,
                plan: Plan | None, book: SpecBook, lang: str, with_targets: bool) -> pd.DataFrame:
    name = prov.name_en
    indices = INDICES if index is None else (index,)
    for ix in indices:
        book.eras(ix)  # refuses an unknown index
    rows: list[dict] = []
    for ix in indices:
        # the years with a row of the province's (its components', its published result's)
        years: set[int] = {y for (i, y, p) in _by_province_year(peers) if i == ix and p == name}
        years |= {y for (i, y, p) in _published_rows(results) if i == ix and p == name}
        plan_values = plan.values[plan.values["index"] == ix] if plan is not None else None
        if plan is not None:
            if len(plan_values[plan_values["status"] == "baseline"]):
                years.add(plan.baseline_year)
            pr = plan.ranks
            years |= {int(y) for y in pr.loc[(pr["index"] == ix) & (pr["component"] == ix)
                                             & pr["status"].isin(["actual", "implied"])
                                             & pr["rank"].notna(), "year"]}
        # only the years this province exists in: from 2025 "Gia Lai" is the merged unit,
        # whose path is its own (its approximate past is indexmodel.model.new_map's)
        for year in sorted(y for y in years if prov.exists_in(y)):
            rows.append(_year_row(ix, year, name, peers, results, plan, book, lang))
        if with_targets and plan is not None:
            target = _target_row(ix, name, plan, book, lang)
            if target is not None:
                rows.append(target)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("rank", "ranked_provinces", "regional_rank_goal"):
        frame[col] = frame[col].astype("Int64")
    for col in ("composite", "published_composite", "composite_low", "composite_high"):
        frame[col] = frame[col].astype(float)
    frame["verified"] = frame["verified"].astype("boolean")
    order = {ix: i for i, ix in enumerate(INDICES)}
    frame = frame.sort_values(["index", "year", "status"], key=lambda s: s.map(order) if s.name == "index" else s,
                              kind="mergesort").reset_index(drop=True)
    return frame


def _year_row(index: str, year: int, name: str, peers: pd.DataFrame, results: pd.DataFrame,
              plan: Plan | None, book: SpecBook, lang: str) -> dict:
    try:
        spec = book.spec_for(index, year)
    except DataUnavailableError:
        spec = None
    own = _own_values(peers, index, year, name)
    source = "components"
    if not own and plan is not None and year == plan.baseline_year:
        own = plan.component_values(index, "baseline")
        source = "plan"
    pub = _published(results, index, year, name)
    composite, verified, low, high = math.nan, pd.NA, math.nan, math.nan
    notes = []
    settings = None
    if source == "plan" and spec is not None and spec.unverified_weights:
        spec, settings = _plan_settings(index, plan, peers, results, book)
    if spec is not None and own and not spec.is_published_only(year):
        value = score(spec, own, year=year, warn=False).composite
        if math.isfinite(value):
            composite = value
            verified = spec.verified
            notes.append(_note(source, lang))
            if spec.unverified_weights:
                rng = (settings.range(own) if settings is not None and not settings.empty
                       else composite_range(spec, own, year=year))
                if rng is not None:
                    low, high = rng.low, rng.high
                    notes.append(_note("unverified", lang, low=low, high=high))
            elif spec.fitted_weights:
                notes.append(_note("fitted", lang))
            if source == "components" and plan is not None and year == plan.baseline_year:
                mine = plan.component_values(index, "baseline")
                value = score(spec, mine, year=year, warn=False).composite if mine else math.nan
                if math.isfinite(value) and abs(value - composite) >= 0.005:
                    notes.append(_note("plan_differs", lang, value=value))
    if not math.isfinite(composite):
        if pub and math.isfinite(pub["composite"]):
            composite = pub["composite"]
            source = "published"
            notes.append(_note("published_only" if spec is not None and spec.is_published_only(year)
                               else "published", lang))
        else:
            source = "none"
            notes.append(_note("none", lang))
    rank, ranked, rank_source = None, None, "none"
    if pub and pub["rank"] is not None:
        rank, ranked, rank_source = pub["rank"], pub["ranked_provinces"], "published"
    if rank is None:
        for status, label in (("actual", "plan"), ("implied", "plan_implied")):
            rank, out_of = _plan_rank(plan, index, year, status)
            if rank is not None:
                ranked, rank_source = out_of, label
                break
    if rank is None and spec is not None:
        rank, ranked = _computed_rank(index, year, name, peers, results, book)
        if rank is not None:
            rank_source = "computed"
    if ranked is None:
        ranked = pub.get("ranked_provinces") if pub else None
        if ranked is None:
            ranked = _ranked_count(results, index, year)
    notes.append(_note(f"rank.{rank_source}", lang))
    status = "implied" if rank_source == "plan_implied" and source == "none" else "actual"
    return dict(index=index, year=int(year), province=name, status=status, composite=composite,
                composite_source=source,
                published_composite=pub.get("composite", math.nan) if pub else math.nan,
                verified=verified, composite_low=low, composite_high=high, rank=rank,
                ranked_provinces=ranked, rank_source=rank_source, regional_rank_goal=None,
                note="; ".join(notes), published_note=pub.get("note", "") if pub else "")


def _target_row(index: str, name: str, plan: Plan, book: SpecBook, lang: str) -> dict | None:
    targets = plan.component_values(index, "target")
    year = plan.target_year
    goal, _ = _plan_rank(plan, index, year, "goal")
    if not targets and goal is None:
        return None
    composite, verified, low, high = math.nan, pd.NA, math.nan, math.nan
    notes = []
    if targets:
        spec, settings = plan.spec_for(index, "target", book), None
        if spec.unverified_weights:
            spec, settings = _plan_settings(index, plan, None, None, book)
        value = score(spec, targets, warn=False).composite
        if math.isfinite(value):
            composite, verified = value, spec.verified
            if spec.unverified_weights:
                rng = (settings.range(targets) if settings is not None and not settings.empty
                       else composite_range(spec, targets))
                if rng is not None:
                    low, high = rng.low, rng.high
    notes.append(_note("target", lang, year=year, rank=goal) if goal is not None
                 else _note("target_no_rank", lang, year=year))
    if verified is False and math.isfinite(low):
        notes.append(_note("unverified", lang, low=low, high=high))
    elif verified is False and spec.fitted_weights:
        notes.append(_note("fitted", lang))
    r = plan.ranks
    regional = r[(r["index"] == index) & (r["year"] == year) & (r["status"] == "goal")
                 & (r["scope"] == "regional") & r["rank"].notna()]
    regional_goal = int(regional["rank"].iloc[0]) if len(regional) else None
    if regional_goal is not None:
        out_of = regional["out_of"].iloc[0]
        notes.append(_note("regional_goal", lang, rank=regional_goal,
                           out_of=int(out_of) if pd.notna(out_of) else "?"))
    groups = r[(r["index"] == index) & (r["year"] == year) & (r["status"] == "goal")
               & (r["group_goal"] != "")]["group_goal"]
    if len(groups):
        from ..core.i18n import group_label
        notes.append(_note("group_goal", lang, group=group_label(groups.iloc[0], lang)))
    return dict(index=index, year=int(year), province=name, status="target", composite=composite,
                composite_source="plan_targets" if math.isfinite(composite) else "none",
                published_composite=math.nan, verified=verified, composite_low=low,
                composite_high=high, rank=goal, ranked_provinces=None,
                rank_source="plan_goal" if goal is not None else "none",
                regional_rank_goal=regional_goal, note="; ".join(notes), published_note="")


def describe(frame: pd.DataFrame, lang: str = "vi") -> str:
    """The trajectory as plain text, one line per index and year."""
    check_lang(lang)
    lines = []
    for index, rows in frame.groupby("index", sort=False):
        lines.append(index_label(index, lang))
        for row in rows.itertuples():
            comp = f"{row.composite:.2f}" if pd.notna(row.composite) else "—"
            if pd.notna(row.rank):
                if row.status == "target":
                    rank = (f"mục tiêu: trong {row.rank} địa phương dẫn đầu" if lang == "vi"
                            else f"goal: within the top {row.rank}")
                else:
                    out = f"/{row.ranked_provinces}" if pd.notna(row.ranked_provinces) else ""
                    rank = (f"hạng {row.rank}{out}" if lang == "vi" else f"rank {row.rank}{out}")
            else:
                rank = "—"
            lines.append(f"  {row.year}  {comp:>7}  {rank}  ({row.note})")
    return "\n".join(lines)


def _plan_settings(index: str, plan: Plan, peers, results, book: SpecBook):
    """(the spec the plan's analysis uses, the consistent part of its settings): the
    unverified settings as the published anchors leave them."""
    from .index_analysis import for_plan

    analysis = for_plan(index, plan, peers=peers, results=results, book=book)
    return analysis.spec, analysis.settings
