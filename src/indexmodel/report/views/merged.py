"""The merged province (notebook 09): the unit of 2025 that holds the run's province, the
standing of its former provinces before the merger, its approximate past on the new map,
and what the plan's goals mean when 34 units are ranked.

The unit is the run's province where it is a unit formed in 2025 (Gia Lai 2025), or the
unit that holds it from 2025 where it is a former province (Bình Định → Gia Lai). Every
approximate figure is labelled as such (:mod:`indexmodel.model.new_map`); official
figures of the unit (from 2025) are shown apart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ...core.errors import IndexModelError
from ...core.i18n import index_label
from ...data.provinces import (REGION_RULES, REGIONS, UNITS_2025, Province, describe,
                               is_merged_unit, parts_in, region_of, regions_held, resolve,
                               successor)
from ...data.spec import INDICES
from .common import _bullets, _fmt, _pick, _rounded
from .setup import NotebookSetup

_NM = {
    "title": ("Tỉnh sau sắp xếp — {name}", "The merged province — {name}"),
    "sub": ("Từ ngày 1/7/2025 cả nước có 34 đơn vị hành chính cấp tỉnh (Nghị quyết 202/2025/QH15); "
            "các chỉ số từ năm 2025 xếp hạng 34 đơn vị. Dưới đây: các tỉnh cũ trước sắp xếp, quá khứ "
            "ước tính của đơn vị trên bản đồ mới, và ý nghĩa của các mục tiêu trong kế hoạch.",
            "From 1 July 2025 Viet Nam has 34 provincial units (Resolution 202/2025/QH15); the indices "
            "rank 34 units from 2025. Below: the former provinces before the merger, the unit's "
            "approximate past on the new map, and what the plan's goals mean."),
    "unit": ("Đơn vị: {unit}.", "The unit: {unit}."),
    "from_province": ("{province} thuộc đơn vị này từ {date}.", "{province} is part of it from {date}."),
    "unchanged": ("{name} không thay đổi khi sắp xếp năm 2025: quá khứ của tỉnh là số liệu chính thức của "
                  "chính tỉnh (các báo cáo khác).",
                  "{name} is unchanged by the 2025 merger: its past is its own official data (the other "
                  "reports)."),
    "none": ("{name} không có đơn vị kế tục trên bản đồ năm 2025.", "{name} has no unit on the 2025 map."),
    "region": ("Vùng: {region} ({rule}).", "Region: {region} ({rule})."),
    "region_alt": ("Đơn vị gồm các tỉnh cũ thuộc {n} vùng ({regions}); theo quy tắc khác ({rule}): {region}.",
                   "The unit holds former provinces of {n} regions ({regions}); by the other rule ({rule}): "
                   "{region}."),
    "weights": ("Quá khứ ước tính: {how}. Trước năm 2011 dùng dân số năm 2011 (GSO không có số liệu sớm hơn). "
                "Phương án khác: trọng số bằng nhau (cột bên cạnh). Số ước tính không phải số chính thức.",
                "The approximate past: {how}. Before 2011, 2011's population stands in (GSO has no earlier "
                "figures). The alternative setting: equal weights (the next column). Approximations are not "
                "official figures."),
    "weights_equal": ("Quá khứ ước tính: {how}. Số ước tính không phải số chính thức.",
                      "The approximate past: {how}. Approximations are not official figures."),
    "h_former": ("{label}: các tỉnh cũ trước sắp xếp", "{label}: the former provinces before the merger"),
    "former_none": ("{label}: chưa có điểm hoặc thứ hạng của các tỉnh cũ.",
                    "{label}: no composite or rank of the former provinces."),
    "h_history": ("{label}: {unit} trên bản đồ mới qua các năm (ước tính)",
                  "{label}: {unit} on the new map over the years (approximate)"),
    "history_none": ("{label}: chưa ước tính được năm nào — cần điểm tổng hợp cùng năm của mọi tỉnh cũ ({parts}).",
                     "{label}: no year can be approximated — it needs the same year's composite of every "
                     "former province ({parts})."),
    "history_ranks": ("Thứ hạng ước tính: trong 34 đơn vị, mỗi đơn vị ước tính cùng cách; chỉ có ở năm có "
                      "đủ số liệu của mọi tỉnh cũ.",
                      "Approximate ranks: among the 34 units, each approximated the same way; only in years "
                      "with every former province's figure."),
    "h_goals": ("Mục tiêu của kế hoạch trên bản đồ mới", "The plan's goals on the new map"),
    "goals_other": ("Kế hoạch trong gói là của {plan}; các mục tiêu của kế hoạch thuộc về {unit}.",
                    "The plan in the package is {plan}'s; its goals concern {unit}."),
    "col.year": ("Năm", "Year"),
    "col.score": ("{name}: điểm", "{name}: score"),
    "col.rank": ("{name}: hạng", "{name}: rank"),
    "col.approx": ("Ước tính (theo dân số)", "Approximate (population)"),
    "col.approx_equal": ("Ước tính (trọng số bằng nhau)", "Approximate (equal weights)"),
    "col.approx_rank": ("Hạng ước tính /34", "Approximate rank /34"),
    "col.basis": ("Loại", "Basis"),
    "col.weights": ("Trọng số", "Weights"),
    "basis.approximate": ("ước tính", "approximate"),
    "basis.official": ("chính thức", "official"),
    "basis.restated": ("công bố lại cho đơn vị mới", "restated for the new unit"),
    "basis.same province": ("chính tỉnh", "the province itself"),
    "basis.same territory": ("cùng địa giới", "same territory"),
    "fig_title": ("{label} — {unit}: điểm tổng hợp các tỉnh cũ và của đơn vị (ước tính)",
                  "{label} — {unit}: composites of the former provinces and of the unit (approximate)"),
    "fig_approx": ("{unit} (ước tính)", "{unit} (approximate)"),
    "fig_official": ("{unit} (chính thức)", "{unit} (official)"),
    "year_axis": ("Năm", "Year"),
    "score_axis": ("Điểm tổng hợp", "Composite"),
}


def _nm(key: str, lang: str, **values) -> str:
    return _pick(_NM[key], lang, **values)


def merged_unit(setup: NotebookSetup) -> Province | None:
    """The unit of 2025 the notebook is about: the run's province where it is one, else the
    unit that holds it from 2025 (None where it holds no territory then)."""
    province = setup.province
    if province.valid_from is not None and province.valid_from >= UNITS_2025:
        return province
    return successor(province, UNITS_2025)


def merger_note(setup: NotebookSetup) -> str | None:
    """A sentence saying which province the reports are of, where the 2025 merger makes it a
    question (the plan's former province after 2024, a unit formed in 2025); else None."""
    from ..contents import merger_sentence

    return merger_sentence(setup.province, setup.target_year, setup.lang)


def merged_intro(setup: NotebookSetup) -> list:
    """The title, the unit, its region under each rule, how its past is approximated."""
    from ...model.new_map import weighting

    lang = setup.lang
    unit = merged_unit(setup)
    name = setup.name
    out = ["# " + _nm("title", lang, name=unit.name(lang) if unit else name), _nm("sub", lang)]
    if unit is None:
        return out + [_nm("none", lang, name=name)]
    if not is_merged_unit(unit):
        return out + [_nm("unchanged", lang, name=unit.name(lang))]
    lines = [_nm("unit", lang, unit=describe(unit, lang))]
    if setup.province.id != unit.id:
        from ...data.provinces import merger_of
        went = merger_of(setup.province)
        if went is not None:
            lines.append(_nm("from_province", lang, province=setup.province.name(lang),
                             date=went.when(lang)))
    centre = region_of(unit, rule="centre")
    lines.append(_nm("region", lang, region=_region(centre, lang),
                     rule=REGION_RULES["centre"][lang == "en"]))
    held = regions_held(unit)
    if len(held) > 1:
        lines.append(_nm("region_alt", lang, n=len(held),
                         regions=", ".join(_region(r, lang) for r in held),
                         rule=REGION_RULES["name"][lang == "en"],
                         region=_region(region_of(unit, rule="name"), lang)))
    how = weighting()
    lines.append(_nm("weights" if how.scheme == "population" else "weights_equal", lang,
                     how=how.describe(lang)))
    return out + [_bullets(lines)]


def _region(region: str, lang: str) -> str:
    return REGIONS[region] if lang == "vi" else region


def former_standing(setup: NotebookSetup, index: str) -> list:
    """Each former province's composite and rank by year, as published or computed (official)."""
    from ...analysis.trajectory import trajectory

    lang = setup.lang
    label = index_label(index, lang)
    unit = merged_unit(setup)
    if unit is None or not is_merged_unit(unit):
        return []
    head = "## " + _nm("h_former", lang, label=label)
    table = None
    for part in parts_in(unit, unit.valid_from - 1):
        try:
            path = trajectory(part, index, peers=setup.peers(), results=setup.results(),
                              lang=lang, with_targets=False)
        except IndexModelError:
            continue
        path = path[path["status"] == "actual"]
        if path.empty:
            continue
        rank = [f"{int(r)}/{int(n)}" if pd.notna(r) and pd.notna(n) else (str(int(r)) if pd.notna(r) else "—")
                for r, n in zip(path["rank"], path["ranked_provinces"])]
        frame = pd.DataFrame({_nm("col.score", lang, name=part.name(lang)):
                              [_fmt(v) for v in path["composite"]],
                              _nm("col.rank", lang, name=part.name(lang)): rank},
                             index=pd.Index(path["year"].astype(int), name=_nm("col.year", lang)))
        table = frame if table is None else table.join(frame, how="outer")
    if table is None:
        return [head, _nm("former_none", lang, label=label)]
    return [head, table.fillna("—")]


def merged_history(setup: NotebookSetup, index: str) -> pd.DataFrame:
    """The unit's composite by year on the new map: population-weighted and equally
    weighted approximations, approximate ranks, official figures from 2025."""
    from ...model.new_map import history, weighting

    unit = merged_unit(setup)
    columns = ["year", "basis", "composite", "rank", "ranked", "composite_equal", "rank_equal",
               "weighting", "weights", "missing"]
    if unit is None or not is_merged_unit(unit):
        return pd.DataFrame(columns=columns)
    peers, results = setup.peers(), setup.results()
    main = history(unit, index, peers=peers, results=results, how=weighting(), components=False)
    equal = history(unit, index, peers=peers, results=results, how=weighting("equal"),
                    components=False)
    if main.empty:
        return pd.DataFrame(columns=columns)
    equal = equal.set_index("year")
    out = pd.DataFrame({
        "year": main["year"].astype(int), "basis": main["basis"], "composite": main["value"],
        "rank": main["rank"], "ranked": main["ranked"],
        "composite_equal": [equal["value"].get(y, math.nan) for y in main["year"]],
        "rank_equal": pd.array([equal["rank"].get(y, pd.NA) for y in main["year"]], dtype="Int64"),
        "weighting": main["weighting"], "weights": main["weights"], "missing": main["missing"],
    })
    return out.reset_index(drop=True)


def merged_history_section(setup: NotebookSetup, index: str, frame: pd.DataFrame) -> list:
    lang = setup.lang
    unit = merged_unit(setup)
    if unit is None or not is_merged_unit(unit):
        return []
    label = index_label(index, lang)
    head = "## " + _nm("h_history", lang, label=label, unit=unit.name(lang))
    known = frame[frame["composite"].notna()] if len(frame) else frame
    if known.empty:
        parts = ", ".join(p.name(lang) for p in parts_in(unit, unit.valid_from - 1))
        return [head, _nm("history_none", lang, label=label, parts=parts)]
    setup.write_table(_rounded(frame), f"10_history_{index}")
    rank = [f"{int(r)}/{int(n)}" if pd.notna(r) else "—" for r, n in zip(known["rank"], known["ranked"])]
    population = (known["weighting"] == "population").any()
    columns = {
        _nm("col.basis", lang): [_nm(f"basis.{b}", lang) for b in known["basis"]],
        _nm("col.approx" if population else "col.approx_equal", lang):
            [_fmt(v) for v in known["composite"]],
        _nm("col.approx_rank", lang): rank,
    }
    if population:  # the alternative setting beside it
        columns[_nm("col.approx_equal", lang)] = [_fmt(v) for v in known["composite_equal"]]
    table = pd.DataFrame(columns, index=pd.Index(known["year"].astype(int),
                                                 name=_nm("col.year", lang)))
    return [head, _nm("history_ranks", lang), table]


def merged_history_figure(setup: NotebookSetup, index: str, frame: pd.DataFrame):
    """The former provinces' composites (solid), the unit's approximation (dashed) and its
    official figures (diamonds); None without an approximated year."""
    from ...analysis.trajectory import trajectory
    from ..plots import COLORS, _figure

    unit = merged_unit(setup)
    known = frame[frame["composite"].notna()] if len(frame) else frame
    if unit is None or known.empty:
        return None
    lang = setup.lang
    fig = _figure(7.5, 4.2)
    ax = fig.subplots()
    palette = ["#8c96a3", "#2e9e4f", "#e08a3c"]
    for colour, part in zip(palette, parts_in(unit, unit.valid_from - 1)):
        try:
            path = trajectory(part, index, peers=setup.peers(), results=setup.results(),
                              lang=lang, with_targets=False)
        except IndexModelError:
            continue
        path = path[(path["status"] == "actual") & path["composite"].notna()]
        if len(path):
            ax.plot(path["year"], path["composite"], marker="o", color=colour, label=part.name(lang))
    approx = known[known["basis"] != "official"]
    if len(approx):
        ax.plot(approx["year"], approx["composite"], linestyle="--", marker="s",
                color=COLORS["target"], label=_nm("fig_approx", lang, unit=unit.name(lang)))
    official = known[known["basis"] == "official"]
    if len(official):
        ax.plot(official["year"], official["composite"], linestyle="none", marker="D",
                color=COLORS["goal"], label=_nm("fig_official", lang, unit=unit.name(lang)))
    ax.set_xlabel(_nm("year_axis", lang))
    ax.set_ylabel(_nm("score_axis", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="best")
    ax.set_title(_nm("fig_title", lang, label=index_label(index, lang), unit=unit.name(lang)))
    return fig


def goals_section(setup: NotebookSetup) -> list:
    """What the plan's goals mean on the new map (the plan check's interpretations)."""
    from ...analysis.index_analysis import for_plan
    from ...analysis.new_map import goals_on_new_map
    from ...analysis.plan_check import check_index, new_map_head
    from ...data.spec import load_specs

    lang = setup.lang
    unit = merged_unit(setup)
    plan = setup.plan
    head = "## " + _nm("h_goals", lang)
    if unit is None:
        return []
    plan_unit = successor(resolve(plan.province), plan.target_year)
    if plan_unit is None or plan_unit.id != unit.id:
        return [head, _nm("goals_other", lang, plan=resolve(plan.province).name(lang),
                          unit=describe(plan_unit, lang) if plan_unit else "—")]
    book = load_specs()
    peers, results = setup.peers(), setup.results()
    out = [head]
    for index in INDICES:
        if index not in set(plan.values["index"]):
            continue
        check = check_index(plan, index, book)
        try:
            analysis = for_plan(index, plan, peers=peers, results=results, book=book)
        except IndexModelError:
            analysis = None
        goals = goals_on_new_map(check, analysis, plan, peers=peers, results=results)
        if goals is None:
            continue
        check.extra["new_map"] = {"interpretations": goals.facts}
        out += [f"### {index_label(index, lang)}", new_map_head(check, lang),
                _bullets(goals.text(lang))]
    return out
