"""Who owns the leverage (notebook 07): the plan's tasks joined to each component's leverage,
and the tasks' deadlines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.i18n import index_label
from ...data.provinces import resolve
from .common import _bullets, _pct, _pick, _rounded
from .setup import NotebookSetup


_OW = {
    "h": ("{label}: đòn bẩy và cơ quan chịu trách nhiệm", "{label}: leverage and the agencies that own it"),
    "no_plan": ("Bảng phân công nhiệm vụ (23 phụ lục) là của kế hoạch {plan_province}; chưa có bảng của "
                "{name}: không ghép được nhiệm vụ với đòn bẩy.",
                "The task table (23 appendices) is {plan_province}'s plan; there is none for {name}: tasks "
                "cannot be joined to leverage."),
    "no_index": ("Kế hoạch không có số liệu {label}.", "The plan has no {label} values."),
    "basis": ("Đòn bẩy đo bằng: {basis}.", "Leverage measured as: {basis}."),
    "basis.typical_rank_gain": ("số bậc tăng nhờ một mức cải thiện điển hình trong một năm",
                                "ranks gained by a typical one-year improvement"),
    "basis.typical_points": ("điểm tổng hợp của một mức cải thiện điển hình trong một năm",
                             "composite points of a typical one-year improvement"),
    "basis.step_1pct_points": ("điểm tổng hợp của một bước tăng 1% thang điểm",
                               "composite points of a step of 1% of the range"),
    "top": ("Đòn bẩy lớn nhất: {components}.", "Most leverage: {components}."),
    "tie": ("{k}/{n} chỉ số thành phần ngang nhau ở vị trí đầu theo thước đo này: thước đo không phân biệt được "
            "chúng, nên các lưu ý 'đòn bẩy cao, ít nhiệm vụ' dưới đây chỉ phản ánh số nhiệm vụ ít hơn trung vị.",
            "{k} of {n} components tie at the top by this measure: it cannot tell them apart, so the 'high "
            "leverage, few tasks' flags below only mean fewer tasks than the median."),
    "top_item": ("{name} ({agencies})", "{name} ({agencies})"),
    "no_agency": ("chưa giao cơ quan nào", "no agency"),
    "gaps": ("Chỉ số thành phần có đòn bẩy cao nhưng ít hoặc không có nhiệm vụ: {items}.",
             "High-leverage components with few or no tasks: {items}."),
    "gap_item": ("{name} ({n} nhiệm vụ, trung vị các thành phần {median:g})",
                 "{name} ({n} tasks; the median component has {median:g})"),
    "no_gaps": ("Mọi chỉ số thành phần có đòn bẩy cao đều có ít nhất số nhiệm vụ trung vị.",
                "Every high-leverage component has at least the median number of tasks."),
    "low": ("Cơ quan có phần lớn nhiệm vụ ở chỉ số thành phần đòn bẩy thấp (nửa dưới):",
            "Agencies with most of their tasks on low-leverage components (the lower half):"),
    "no_low": ("Không cơ quan nào có phần lớn nhiệm vụ ở chỉ số thành phần đòn bẩy thấp.",
               "No agency has most of its tasks on low-leverage components."),
    "col.rank": ("Thứ tự đòn bẩy", "Leverage rank"),
    "col.component": ("Chỉ số thành phần", "Component"),
    "col.leverage": ("Đòn bẩy", "Leverage"),
    "col.tasks": ("Số nhiệm vụ", "Tasks"),
    "col.agencies": ("Cơ quan", "Agencies"),
    "col.flag": ("Lưu ý", "Flag"),
    "flag.none": ("không có nhiệm vụ", "no task"),
    "flag.gap": ("đòn bẩy cao, ít nhiệm vụ", "high leverage, few tasks"),
    "col.agency": ("Cơ quan", "Agency"),
    "col.all": ("Số nhiệm vụ của chỉ số", "Tasks on this index"),
    "col.low": ("Nhiệm vụ ở thành phần đòn bẩy thấp", "Tasks on low-leverage components"),
    "col.index_level": ("Nhiệm vụ chung của chỉ số", "Tasks on the whole index"),
    "col.share": ("Tỷ lệ đòn bẩy thấp", "Low-leverage share"),
    "h_deadlines": ("Thời hạn các nhiệm vụ theo quý", "Task deadlines by quarter"),
    "deadlines_intro": ("Số nhiệm vụ theo thời hạn: quý của thời hạn có ngày cụ thể, còn lại theo loại thời hạn.",
                        "Tasks by deadline: the quarter of a dated deadline, otherwise the kind of deadline."),
    "col.when": ("Thời hạn", "Deadline"),
    "when.ongoing": ("thường xuyên", "ongoing"),
    "when.periodic": ("định kỳ", "periodic"),
    "when.event": ("theo sự kiện, kế hoạch khác", "tied to an event or another plan"),
    "when.regulatory": ("theo quy định", "as regulations require"),
    "when.none": ("không ghi", "none given"),
    "when.quarter": ("Quý {q}/{y}", "Q{q} {y}"),
    "fig_title": ("Đòn bẩy và số nhiệm vụ theo chỉ số thành phần (cơ quan có nhiều nhiệm vụ nhất)",
                  "Leverage and tasks per component (agencies with the most tasks)"),
    "fig_tasks": ("{n} nhiệm vụ", "{n} tasks"),
    "fig_more": ("+{k} cơ quan khác", "+{k} other"),
    "legend.ok": ("đòn bẩy và số nhiệm vụ tương xứng", "leverage and tasks in line"),
}


def _ow(key: str, lang: str, **values) -> str:
    return _pick(_OW[key], lang, **values)


_BASIS_KEYS = {"rank gained by a typical one-year improvement": "typical_rank_gain",
               "composite points of a typical one-year improvement": "typical_points",
               "composite points of a step of 1% of the range": "step_1pct_points"}


@dataclass
class Ownership:
    """One index's leverage joined to the plan's tasks (:mod:`indexmodel.analysis.ownership`)."""

    index: str
    coverage: pd.DataFrame
    ownership: pd.DataFrame
    profile: pd.DataFrame
    basis: str


def ownership_data(setup: NotebookSetup, index: str) -> Ownership | None:
    """The coverage, ownership and agency profile of one index; None without the plan."""
    from ...analysis import ownership as own
    from ...data.actions import load_actions

    if not setup.has_plan or index not in set(setup.plan.values["index"]):
        return None
    key = ("ownership", index)
    if key in setup._views:
        return setup._views[key]
    view = setup.view(index)
    if view.analysis is None:
        return None
    lev, spec = view.leverage_table, view.analysis.spec
    actions = load_actions()
    cov = own.coverage(actions, spec, lev)
    basis = _BASIS_KEYS.get(str(cov["basis"].iloc[0]), "step_1pct_points") if len(cov) else "step_1pct_points"
    setup._views[key] = Ownership(index, cov, own.ownership(actions, spec, lev),
                                  own.agency_profile(actions, spec, lev), basis)
    return setup._views[key]


def ownership_section(setup: NotebookSetup, index: str) -> list:
    """Which agencies own the most leverage, which high-leverage components have few or no
    tasks, which agencies carry mostly low-leverage tasks."""
    lang, label = setup.lang, index_label(index, setup.lang)
    head = "## " + _ow("h", lang, label=label)
    if not setup.has_plan:
        return [head, _ow("no_plan", lang, plan_province=resolve(setup.plan.province).name(lang),
                          name=setup.name)]
    data = ownership_data(setup, index)
    if data is None:
        return [head, _ow("no_index", lang, label=label)]
    cov = data.coverage
    setup.write_table(_rounded(cov), f"07_ownership_{index}")
    agencies = cov[f"agencies_{lang}"]
    digits = 1 if data.basis == "typical_rank_gain" else 3
    table = pd.DataFrame({
        _ow("col.rank", lang): cov["leverage_rank"].to_numpy(),
        _ow("col.component", lang): cov[f"name_{lang}"].to_numpy(),
        _ow("col.leverage", lang): cov["leverage"].round(digits).to_numpy(),
        _ow("col.tasks", lang): cov["tasks"].to_numpy(),
        _ow("col.agencies", lang): [a or "—" for a in agencies],
        _ow("col.flag", lang): [_ow("flag.none", lang) if n else (_ow("flag.gap", lang) if g else "")
                                for n, g in zip(cov["no_owner"], cov["gap"])],
    }).set_index(_ow("col.rank", lang))
    top = cov[cov["leverage_rank"] == cov["leverage_rank"].min()]
    items = [_ow("top_item", lang, name=r[f"name_{lang}"],
                 agencies=r[f"agencies_{lang}"] or _ow("no_agency", lang)) for r in top.to_dict("records")]
    lines = [_ow("basis", lang, basis=_ow(f"basis.{data.basis}", lang))]
    if len(top) > len(cov) / 2:
        # the measure hardly tells the components apart: naming them all as "most
        # leverage" (and the flags resting on that order) would say nothing
        lines.append(_ow("tie", lang, k=len(top), n=len(cov)))
    else:
        lines.append(_ow("top", lang, components="; ".join(items)))
    upper = cov["leverage_rank"] <= math.ceil(len(cov) / 2)
    gaps = cov[upper & (cov["gap"] | cov["no_owner"])]
    median = float(cov["tasks"].median())
    if len(gaps):
        lines.append(_ow("gaps", lang, items="; ".join(
            _ow("gap_item", lang, name=r[f"name_{lang}"], n=int(r["tasks"]), median=median)
            for r in gaps.to_dict("records"))))
    else:
        lines.append(_ow("no_gaps", lang))
    out = [head, _bullets(lines), table]
    prof = data.profile
    low = prof[prof["mostly_low"].fillna(False).astype(bool)]
    if len(low):
        out.append(_ow("low", lang))
        out.append(pd.DataFrame({
            _ow("col.agency", lang): low[f"agency_{lang}"].to_numpy(),
            _ow("col.all", lang): low["tasks"].astype(int).to_numpy(),
            _ow("col.low", lang): low["low_leverage_tasks"].astype(int).to_numpy(),
            _ow("col.index_level", lang): low["index_level_tasks"].astype(int).to_numpy(),
            _ow("col.share", lang): [_pct(v) for v in low["low_leverage_share"]],
        }).set_index(_ow("col.agency", lang)))
    else:
        out.append(_ow("no_low", lang))
    return out


def _when_label(when: str, lang: str) -> str:
    if "-Q" in when:
        year, quarter = when.split("-Q")
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}[quarter]
        return _ow("when.quarter", lang, q=roman if lang == "vi" else quarter, y=year)
    key = f"when.{when}"
    return _ow(key, lang) if key in _OW else when


def deadlines_section(setup: NotebookSetup) -> list:
    """Task counts per index by the quarter of their deadline (:func:`ownership.deadlines_by_quarter`)."""
    from ...data.actions import load_actions
    from ...analysis.ownership import deadlines_by_quarter

    lang = setup.lang
    head = "## " + _ow("h_deadlines", lang)
    if not setup.has_plan:
        return [head, _ow("no_plan", lang, plan_province=resolve(setup.plan.province).name(lang),
                          name=setup.name)]
    table = deadlines_by_quarter(load_actions())
    dated = sorted(w for w in table.index if "-Q" in w)
    order = dated + [w for w in ("periodic", "event", "regulatory", "ongoing", "none") if w in table.index]
    table = table.loc[order]
    setup.write_table(table.reset_index(), "07_deadlines")
    from ...data.spec import INDICES

    columns = [i for i in INDICES if i in table.columns]
    out = table[columns].copy()
    out.columns = [index_label(i, "en") for i in columns]
    out.index = [_when_label(w, lang) for w in out.index]
    out.index.name = _ow("col.when", lang)
    return [head, _ow("deadlines_intro", lang), out]


def ownership_figure(setup: NotebookSetup):
    """Leverage per component (bars) with its task count and the agency with the most tasks
    on it, one panel per index of the plan; None without the plan. Orange: high leverage,
    fewer tasks than the median component; red: no task."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from ..plots import COLORS, use_style
    from ...data.spec import INDICES

    if not setup.has_plan:
        return None
    lang = setup.lang
    data = [d for d in (ownership_data(setup, i) for i in INDICES) if d is not None]
    if not data:
        return None
    use_style()
    sizes = [len(d.coverage) for d in data]
    fig = Figure(figsize=(11.0, 1.4 + 0.42 * sum(sizes) + 0.75 * len(data)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(data), 1,
                                      gridspec_kw={"height_ratios": [max(n, 2) for n in sizes]}))
    for ax, d in zip(axes, data):
        cov, own = d.coverage, d.ownership
        y = np.arange(len(cov))
        values = cov["leverage"].to_numpy(dtype=float)
        colors = [COLORS["goal"] if n else (COLORS["low"] if g else COLORS["target"])
                  for n, g in zip(cov["no_owner"], cov["gap"])]
        ax.barh(y, np.nan_to_num(values), height=0.6, color=colors)
        for yi, value, rec in zip(y, values, cov.to_dict("records")):
            rows = own[own["component"] == rec["component"]].sort_values(
                ["tasks", "agency_id"], ascending=[False, True], kind="mergesort")
            text = _ow("fig_tasks", lang, n=int(rec["tasks"]))
            if len(rows):
                top = rows.iloc[0]
                text += f" — {top[f'agency_{lang}']} ({int(top['tasks'])})"
                if len(rows) > 1:
                    text += " " + _ow("fig_more", lang, k=len(rows) - 1)
            ax.annotate(text, (value if math.isfinite(value) else 0.0, yi), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.5)
        ax.set_yticks(y, [_wrapped(n, 40) for n in cov[f"name_{lang}"]], fontsize=7.5)
        ax.set_ylim(len(cov) - 0.5, -0.5)
        finite = values[np.isfinite(values)]
        ax.set_xlim(0, (float(finite.max()) if finite.size and finite.max() > 0 else 1.0) * 3.0)
        ax.set_xlabel(_ow(f"basis.{d.basis}", lang), fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.set_title(index_label(d.index, lang), fontsize=10, loc="left")
    handles = [Patch(color=COLORS["target"], label=_ow("legend.ok", lang)),
               Patch(color=COLORS["low"], label=_ow("flag.gap", lang)),
               Patch(color=COLORS["goal"], label=_ow("flag.none", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle(_ow("fig_title", lang), fontsize=11)
    return fig


def _wrapped(text: str, width: int) -> str:
    """A long name over several lines, never cut."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)
