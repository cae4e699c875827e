"""The plan on the new map: what its rank goals mean when 34 units are ranked.

The plan of Bình Định (2024) set its 2025 goals for 63 provinces: "within the top 20"
nationally, "5th of the 14 provinces" of the North Central and Central Coast region. From
the 2025 results, 34 provincial units are ranked and Bình Định is part of Gia Lai.
:func:`goals_on_new_map` gives, index by index, two *interpretations* of each goal — never
a goal the plan set:

- **by share of units ranked**: rank 20 of 63 is the top 31.7%; among 34 units that is
  rank 10.8, so "within the top 11" (the nearest whole rank; the fraction is shown). The
  regional goal the same way, in the unit's region by each :data:`REGION_RULES` rule where
  the region differs (Gia Lai: the region of its administrative centre, Quy Nhơn, is the
  North Central and Central Coast; the region of the province whose name it kept, the
  Central Highlands);
- **by the score the old goal required**: the composite rank 20 of 63 needed in the
  baseline year (the field of :mod:`indexmodel.model.field`: exact, an interval, or
  unknown), and the rank that score would have had among the 34 units as approximated for
  that year (:mod:`indexmodel.model.new_map`; an interval where some units' approximations
  are missing).

:func:`unit_of_plan` says which unit holds the plan's province in a year;
:func:`former_plan_note` and :func:`previous_on_new_map` serve the release-day review of a
merged unit (:mod:`indexmodel.analysis.monitor`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..core.errors import DataUnavailableError
from ..core.i18n import translate
from ..data.provinces import (REGION_RULES, REGIONS, UNITS_2025, Province, all_provinces, describe,
                              is_merged_unit, merger_of, parts_in, region_of, resolve, successor)
from ..model.field import Note
from ..model.new_map import Weighting, approximate, unit_weights, weighting, weights_text

LABELS: dict[str, tuple[str, str]] = {
    "head": ("Trên bản đồ mới ({n} đơn vị hành chính cấp tỉnh được xếp hạng từ năm {year}) — cách hiểu, "
             "không phải mục tiêu kế hoạch đặt ra",
             "On the new map ({n} provincial units ranked from {year}) — interpretations, not goals "
             "the plan set"),
    "unit": ("{province} thuộc {unit} từ {date}: từ kết quả năm {year}, đơn vị được xếp hạng là {unit_long}.",
             "{province} is part of {unit} from {date}: from the {year} results the unit ranked is "
             "{unit_long}."),
    "share": ("Mục tiêu cả nước \"trong {goal} địa phương dẫn đầu\" (trên {old} tỉnh, thành phố xếp hạng năm {base}) "
              "theo tỷ lệ ({pct:.1f}%): trong {rank} đơn vị dẫn đầu trên {new} (hạng tương đương {eq:.1f}).",
              "National goal \"within the top {goal}\" (of the {old} provinces ranked in {base}) by share "
              "of units ranked ({pct:.1f}%): within the top {rank} of {new} (equivalent rank {eq:.1f})."),
    "score": ("Theo điểm mà mục tiêu cũ đòi hỏi: hạng {goal}/{old} năm {base} cần {score}; {where}",
              "By the score the old goal required: rank {goal} of {old} in {base} needed {score}; {where}"),
    "score_unknown": ("Theo điểm: chưa biết điểm của hạng {goal} năm {base} ({why}).",
                      "By score: the score of rank {goal} in {base} is unknown ({why})."),
    "score_where": ("trong {n} đơn vị (ước tính cho năm {base} từ các tỉnh cũ) điểm đó xếp hạng {rank}{known}.",
                    "among the {n} units (approximated for {base} from their former provinces) that score "
                    "would rank {rank}{known}."),
    "known": (" ({k}/{n} đơn vị có ước tính; thiếu {missing})", " ({k} of {n} units approximated; missing "
              "{missing})"),
    "score_where_unknown": ("chưa xếp được điểm đó trong {n} đơn vị: cần điểm tổng hợp năm {base} của các tỉnh cũ "
                            "(mới có {k}/{n} đơn vị ước tính được).",
                            "its rank among the {n} units is unknown: it needs the former provinces' {base} "
                            "composites ({k} of {n} units approximated)."),
    "why.none": ("không có điểm của tỉnh nào khác", "no other province's score is known"),
    "why.anchors": ("các mốc công bố không giới hạn được điểm đó", "the published anchors do not bound it"),
    "regional": ("Mục tiêu vùng \"vị trí {goal}/{old}\" theo tỷ lệ ({pct:.1f}%): {region} ({rule}, {new} đơn vị): "
                 "vị trí {rank}/{new} (hạng tương đương {eq:.1f}).",
                 "Regional goal \"{goal} of {old}\" by share ({pct:.1f}%): {region} ({rule}, {new} units): "
                 "{rank} of {new} (equivalent rank {eq:.1f})."),
    "regional_alt": ("Theo quy tắc khác ({rule}): {region}, {new} đơn vị: vị trí {rank}/{new} (hạng tương đương "
                     "{eq:.1f}) — quy tắc chọn vùng làm thay đổi mục tiêu vùng.",
                     "By the other rule ({rule}): {region}, {new} units: {rank} of {new} (equivalent rank "
                     "{eq:.1f}) — the choice of region changes the regional goal."),
    "regional_same": ("Theo quy tắc khác ({rule}): {region}, {new} đơn vị: vẫn vị trí {rank}/{new} (hạng tương "
                      "đương {eq:.1f}).",
                      "By the other rule ({rule}): {region}, {new} units: still {rank} of {new} (equivalent "
                      "rank {eq:.1f})."),
    "regional_score": ("Theo điểm: hạng {goal}/{old} trong vùng năm {base} cần {score}; {where}",
                       "By score: rank {goal} of {old} in the region in {base} needed {score}; {where}"),
    "regional_score_where": ("trong {n} đơn vị của {region} (ước tính năm {base}) điểm đó xếp hạng {rank}{known}.",
                             "among the {n} units of the {region} (approximated for {base}) that score would "
                             "rank {rank}{known}."),
    "no_regional_goal": ("Không có mục tiêu vùng.", "No regional goal."),
    "group": ("Mục tiêu nhóm \"{group}\" tính theo tứ phân vị các tỉnh: trên bản đồ mới là nửa trên của {n} đơn vị "
              "(trong {half} đơn vị dẫn đầu).",
              "Group goal \"{group}\" is by quartiles of the provinces ranked: on the new map, the top half "
              "of the {n} units (within the top {half})."),
    "own": ("{unit} ước tính năm {base} (bình quân có trọng số của các tỉnh cũ: {weights}): {value}{rank}.",
            "{unit} approximated for {base} (weighted mean of its former provinces: {weights}): "
            "{value}{rank}."),
    "own_rank": ("; hạng {rank}/{n} trong các đơn vị (ước tính)", "; rank {rank} of {n} among the units "
                 "(approximate)"),
    "own_missing": ("{unit} năm {base}: chưa ước tính được (thiếu điểm tổng hợp năm {base} của {missing}).",
                    "{unit} in {base}: no approximation (no {base} composite for {missing})."),
    "range": ("{low}–{high}", "{low}–{high}"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


@dataclass
class GoalsOnNewMap:
    """The interpretations of one index's goals on the map of 34 units (both languages)."""

    index: str
    unit: Province
    lines: dict[str, list[str]]
    facts: dict = field(default_factory=dict)

    def text(self, lang: str = "vi") -> list[str]:
        return self.lines[lang]


def unit_of_plan(plan, year: int) -> Province | None:
    """The unit in force in ``year`` that holds the plan's province (Gia Lai in 2025)."""
    return successor(resolve(plan.province), year)


def _and(names: list[str], lang: str) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + (" và " if lang == "vi" else " and ") + names[-1]


def _nearest(x: float) -> int:
    return max(1, int(math.floor(x + 0.5)))


def _rank_interval(score: tuple[float, float], known: pd.Series, n: int) -> tuple[int, int]:
    """The rank of a score (an interval low–high) of one unit among ``n`` units, the other
    units' scores ``known`` in part: the unknown ones may lie above or below."""
    low_s, high_s = score
    unknown = max(0, n - 1 - len(known))
    best = 1 + int((known > high_s + 1e-12).sum())
    worst = 1 + int((known > low_s + 1e-12).sum()) + unknown
    return best, worst


def _fmt_range(pair: tuple[int, int] | tuple[float, float], digits: int | None = None) -> str:
    low, high = pair
    fmt = (lambda v: f"{v:.{digits}f}") if digits is not None else (lambda v: str(v))
    return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"


def goals_on_new_map(check, analysis, plan, *, peers: pd.DataFrame | None = None,
                     results: pd.DataFrame | None = None, how: Weighting | None = None,
                     year: int | None = None) -> GoalsOnNewMap | None:
    """The interpretations of ``check``'s goals (an :class:`~indexmodel.analysis.plan_check.
    IndexCheck`) on the map of the plan's target year, when that map is the 34 units;
    ``analysis`` is the index's :class:`~indexmodel.analysis.index_analysis.IndexAnalysis`
    (its field gives the score a goal needed). None where the target year is on the old map."""
    from ..data.peers import default_peers, default_results

    year = year or plan.target_year
    if year < UNITS_2025:
        return None
    unit = unit_of_plan(plan, year)
    if unit is None:
        return None
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    how = how or weighting()
    base = check.baseline_year
    units = all_provinces(year)
    n_new = len(units)
    province = resolve(plan.province)
    lines = {"vi": [], "en": []}
    facts: dict = {"unit_id": unit.id, "units": n_new, "weighting": how.scheme}

    def add(key: str, **values) -> None:
        for lang in ("vi", "en"):
            lines[lang].append(_t(key, lang, **{k: (v(lang) if callable(v) else v)
                                                for k, v in values.items()}))

    went = merger_of(province)
    if went is not None and is_merged_unit(unit):
        for lang in ("vi", "en"):
            lines[lang].append(_t("unit", lang, province=province.name(lang), unit=unit.name(lang),
                                  date=went.when(lang), year=UNITS_2025,
                                  unit_long=describe(unit, lang)))

    # the approximations of the baseline year on the new map
    approx = approximate(peers, check.index, base, how=how, results=results, on_map=year)
    composite = check.spec.composite
    comp = approx[approx["component"] == composite].set_index("unit_id")
    known = comp["value"].dropna()
    names = {u.id: u for u in units}
    others_known = known.drop(index=unit.id, errors="ignore")
    missing_units = [names[u] for u in names if u not in known.index]
    facts["approximated_units"] = int(len(known))

    def known_text(lang: str) -> str:
        if len(known) >= n_new:
            return ""
        listed = ", ".join(u.name_vi if lang == "vi" else u.name_en for u in missing_units[:4]) + (
            " …" if len(missing_units) > 4 else "")
        return _t("known", lang, k=len(known), n=n_new, missing=listed)

    # the unit's own approximate baseline
    if unit.id in known.index:
        own = float(known[unit.id])
        rank = None
        if len(known) >= n_new:
            rank = 1 + int((others_known > own + 1e-12).sum())
        facts["unit_baseline"] = own
        facts["unit_baseline_rank"] = rank
        weights, pop_year, why = unit_weights(unit, base, how)
        for lang in ("vi", "en"):
            lines[lang].append(_t("own", lang, unit=unit.name(lang), base=base,
                                  weights=weights_text(weights, pop_year, base, why, lang),
                                  value=f"{own:.2f}",
                                  rank=_t("own_rank", lang, rank=rank, n=n_new) if rank else ""))
    elif unit.id in comp.index:
        for lang in ("vi", "en"):
            lines[lang].append(_t("own_missing", lang, unit=unit.name(lang), base=base,
                                  missing=comp.loc[unit.id, "missing"]))

    # national goal
    goal, old = check.goal_national, check.baseline_out_of or len(all_provinces(base))
    if goal:
        share = goal / old
        eq = share * n_new
        facts["national"] = dict(goal=goal, out_of=old, share=share, equivalent=eq,
                                 rank=_nearest(eq))
        add("share", goal=goal, old=old, base=base, pct=100 * share, rank=_nearest(eq), new=n_new,
            eq=eq)
        national = analysis.field.national if analysis is not None else None
        score = None
        if national is not None:
            try:
                score = national.score_for_rank(goal)
            except (DataUnavailableError, ValueError, IndexError):
                score = None
        if score is not None and all(math.isfinite(s) for s in score):
            where = _rank_interval(score, others_known, n_new)
            facts["national"].update(score=list(score), score_rank=list(where))
            for lang in ("vi", "en"):
                if where[1] - where[0] >= n_new // 2:  # too few units approximated to say
                    text = _t("score_where_unknown", lang, n=n_new, base=base, k=len(known))
                else:
                    text = _t("score_where", lang, n=n_new, base=base, rank=_fmt_range(where),
                              known=known_text(lang))
                lines[lang].append(_t("score", lang, goal=goal, old=old, base=base,
                                      score=_fmt_range(score, 2), where=text))
        else:
            coverage = analysis.field.coverage if analysis is not None else "none"
            why = "why.none" if coverage == "none" else "why.anchors"
            for lang in ("vi", "en"):
                lines[lang].append(_t("score_unknown", lang, goal=goal, base=base, why=_t(why, lang)))

    # regional goal
    r_goal, r_old = check.goal_regional, check.regional_out_of
    if r_goal and r_old:
        share = r_goal / r_old
        regions = {rule: region_of(unit, rule=rule) for rule in REGION_RULES}
        facts["regional"] = {}
        for i, rule in enumerate(REGION_RULES):
            if i and regions[rule] == regions["centre"]:
                continue
            members = [u for u in units if region_of(u, rule=rule) == regions[rule]]
            eq = share * len(members)
            facts["regional"][rule] = dict(region=regions[rule], units=len(members), equivalent=eq,
                                           rank=_nearest(eq))
            same = i and _nearest(eq) == facts["regional"]["centre"]["rank"]
            for lang in ("vi", "en"):
                region = REGIONS[regions[rule]] if lang == "vi" else regions[rule]
                key = "regional" if i == 0 else ("regional_same" if same else "regional_alt")
                lines[lang].append(_t(key, lang, goal=r_goal, old=r_old, pct=100 * share,
                                      region=region, rule=REGION_RULES[rule][lang == "en"],
                                      new=len(members), rank=_nearest(eq), eq=eq))
            regional = analysis.field.regional if analysis is not None else None
            score = regional.score_for_rank(r_goal) if regional is not None else None
            if score is not None and all(math.isfinite(v) for v in score):
                ids = [u.id for u in members if u.id != unit.id]
                region_known = others_known[[i for i in others_known.index if i in ids]]
                where = _rank_interval(score, region_known, len(members))
                facts["regional"][rule].update(score=list(score), score_rank=list(where))
                for lang in ("vi", "en"):
                    region = REGIONS[regions[rule]] if lang == "vi" else regions[rule]
                    lines[lang].append(_t("regional_score", lang, goal=r_goal, old=r_old, base=base,
                                          score=_fmt_range(score, 2), where=_t(
                                              "regional_score_where", lang, n=len(members),
                                              region=region, base=base, rank=_fmt_range(where),
                                              known="")))
    elif goal:
        add("no_regional_goal")
    if check.group_goal:
        from ..core.i18n import group_label
        for lang in ("vi", "en"):
            lines[lang].append(_t("group", lang, group=group_label(check.group_goal, lang), n=n_new,
                                  half=n_new // 2))
    if how.note is not None:
        for lang in ("vi", "en"):
            lines[lang].append(how.note(lang))
    return GoalsOnNewMap(check.index, unit, lines, facts)


# -- the release-day review of a merged unit ------------------------------------------------
def former_plan_note(unit: Province, plan) -> Note | None:
    """Whether the plan is that of a former province of ``unit`` (Bình Định's for Gia Lai),
    as a note on how the review uses it; None otherwise."""
    if not is_merged_unit(unit) or unit.valid_from is None:
        return None
    province = resolve(plan.province)
    if province not in parts_in(unit, unit.valid_from - 1):
        return None
    return Note(
        f"{unit.name_vi} là đơn vị mới từ năm {unit.valid_from}, gồm "
        f"{_and([p.name_vi for p in parts_in(unit, unit.valid_from - 1)], 'vi')}. Cơ quan chịu trách "
        f"nhiệm ghi theo Kế hoạch của tỉnh {province.name_vi} cũ (như Kế hoạch đã giao); chỉ tiêu "
        f"năm {plan.target_year} của Kế hoạch đặt cho tỉnh {province.name_vi} cũ nên không dùng để "
        "đánh giá tiến độ của đơn vị mới (xem cách hiểu mục tiêu trên bản đồ mới: indexmodel plan).",
        f"{unit.name_en} is a unit from {unit.valid_from}, formed from "
        f"{_and([p.name_en for p in parts_in(unit, unit.valid_from - 1)], 'en')}. Agencies are named as "
        f"the plan of the former {province.name_en} assigned them; the plan's {plan.target_year} "
        f"targets were set for the former {province.name_en} and are not used to judge the unit's "
        "progress (what the goals mean on the new map: indexmodel plan).")


def previous_on_new_map(index: str, year: int, unit: Province, peers: pd.DataFrame,
                        results: pd.DataFrame, book, how: Weighting | None = None
                        ) -> tuple[dict[str, float], str, Note | None]:
    """The unit's approximate values of ``year`` (a year before it existed), every node:
    (values, their source, a note on the weights), or empty where the former provinces'
    values are missing."""
    how = how or weighting()
    try:
        frame = approximate(peers, index, year, how=how, results=results, book=book,
                            on_map=unit.valid_from or UNITS_2025, units=[unit])
    except DataUnavailableError:
        return {}, "", None
    frame = frame[frame["value"].notna()]
    if frame.empty:
        return {}, "", None
    values = dict(zip(frame["component"], frame["value"].astype(float)))
    weights, pop_year, why = unit_weights(unit, year, how)
    scheme = frame["weighting"].iloc[0]
    source = (f"approximate: {scheme}-weighted mean of the former provinces' {year} values "
              f"({weights_text(weights, pop_year, year, why)})")
    parts = _and([p.name_vi for p in parts_in(unit, year)], "vi")
    parts_en = _and([p.name_en for p in parts_in(unit, year)], "en")
    note = Note(
        f"≈ năm {year} của {unit.name_vi} là số ước tính trên bản đồ mới: bình quân "
        f"{'theo dân số' if scheme == 'population' else 'đều'} của {parts} "
        f"({weights_text(weights, pop_year, year, why, 'vi')}); không phải số chính thức.",
        f"≈ {unit.name_en}'s {year} is an approximation on the new map: the "
        f"{'population-weighted' if scheme == 'population' else 'equally weighted'} mean of {parts_en} "
        f"({weights_text(weights, pop_year, year, why, 'en')}); not an official figure.")
    if how.note is not None:
        note = Note(note.vi + " " + how.note.vi + ".", note.en + " " + how.note.en + ".")
    return values, source, note
