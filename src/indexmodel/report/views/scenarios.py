"""What-if scenarios (notebook 05): the analyst's table of changes, applied index by index."""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

from ...core.errors import IndexModelError, UsageError
from ...core.i18n import index_label, t
from .common import _bullets, _fmt, _pct, _pick
from .index_pages import IndexView
from .setup import NotebookSetup


SCENARIO_COLUMNS = ("index", "component", "change")

_SC = {
    "h": ("Kịch bản: thay đổi điểm các chỉ số thành phần", "Scenarios: changes to components"),
    "intro": ("Mỗi kịch bản cộng các thay đổi trong bảng vào kết quả năm {y} (đơn vị của chính chỉ số thành "
              "phần; có thể ở mọi cấp); các tỉnh khác giữ nguyên như năm {y}. Cột cuối: chỉ tiêu của kế hoạch "
              "để so sánh.",
              "Each scenario adds the table's changes to the {y} results (in the component's own units; at "
              "any level); peers as they stood in {y}. Last column: the plan's targets, for comparison."),
    "intro_year": ("Mỗi kịch bản cộng các thay đổi trong bảng vào kết quả năm {y} (đơn vị của chính chỉ số "
                   "thành phần); các tỉnh khác giữ nguyên như năm {y}.",
                   "Each scenario adds the table's changes to the {y} results (in the component's own units); "
                   "peers as they stood in {y}."),
    "ids_h": ("Mã các chỉ số thành phần (dùng trong cột component)", "Component ids (for the component column)"),
    "col.index": ("Chỉ số", "Index"),
    "col.id": ("Mã (component)", "Id (component)"),
    "col.index_id": ("Mã (index)", "Id (index)"),
    "col.name": ("Tên", "Name"),
    "col.level": ("Cấp", "Level"),
    "col.value": ("Điểm {y}", "Value {y}"),
    "col.change": ("Thay đổi", "Change"),
    "col.new": ("Điểm mới", "New value"),
    "col.points": ("Điểm tổng hợp tăng thêm", "Composite points"),
    "col.measure": ("Nội dung", "Measure"),
    "col.base": ("Kết quả {y}", "Result {y}"),
    "col.scenario": ("Kịch bản", "Scenario"),
    "col.targets": ("Chỉ tiêu {y}", "Targets {y}"),
    "row.composite": ("Điểm tổng hợp", "Composite"),
    "row.range": ("Khoảng theo thiết lập chưa kiểm chứng", "Range over unverified settings"),
    "row.rank": ("Thứ hạng (các tỉnh khác như năm {y})", "Rank (peers as in {y})"),
    "row.p": ("P(hạng {goal} trở lên năm {t})", "P(rank {goal} or better in {t})"),
    "bad_index": ("Bỏ qua dòng {row}: không có chỉ số '{index}' (dùng papi, sipas, par_index hoặc pci).",
                  "Row {row} skipped: no index '{index}' (use papi, sipas, par_index or pci)."),
    "bad_component": ("Bỏ qua dòng {row}: '{component}' không phải chỉ số thành phần của {label} năm {y} "
                      "({era}).",
                      "Row {row} skipped: '{component}' is not a {label} component in {y} ({era})."),
    "no_era": ("Bỏ qua dòng {row}: {label} chưa có phương pháp tính cho năm {y}.",
               "Row {row} skipped: {label} has no methodology for {y}."),
    "bad_change": ("Bỏ qua dòng {row}: thay đổi '{change}' không phải là số.",
                   "Row {row} skipped: the change '{change}' is not a number."),
    "refused": ("{label}: không tính được kịch bản — {why}", "{label}: the scenario cannot be computed — {why}"),
    "none": ("Bảng thay đổi trống: chưa có kịch bản nào.", "The table of changes is empty: no scenario."),
    "no_odds": ("không tính được", "not computable"),
    "how.simulation": ("xác suất từ mô phỏng bảng xếp hạng: các tỉnh khác giữ vị trí như thực tế và cả bảng dịch "
                       "chuyển chung một mức rút từ phân phối dự báo ({sims} lần, hạt giống {seed}).",
                       "odds from simulating the field: the peers keep their places as in the real years and the "
                       "whole field moves by a common shift drawn from its predictive ({sims} simulations, seed "
                       "{seed})."),
    "how.threshold": ("chỉ biết một phần bảng xếp hạng: xác suất vượt điểm của hạng {goal} năm {t} (mốc năm {b} "
                      "cộng mức thay đổi thực tế của điểm ở hạng đó); trong ngoặc: theo đầu thấp và cao của điểm "
                      "hạng {goal}.",
                      "only part of the table is known: the odds of beating the score of rank {goal} in {t} (the "
                      "{b} anchors plus a change like the real changes of the score at that rank); in brackets: "
                      "over the low and high end of that score."),
}


def _sc(key: str, lang: str, **values) -> str:
    return _pick(_SC[key], lang, **values)


def component_ids(setup: NotebookSetup, indices: Iterable[str] | None = None) -> pd.DataFrame:
    """The ids an analyst may write in the scenario table: the components under each
    composite (top level) of the methodology in force in the year analysed."""
    from ...data.spec import INDICES, load_specs

    lang, book, rows = setup.lang, load_specs(), []
    for index in indices or INDICES:
        try:
            spec = book.spec_for(index, setup.year)
        except IndexModelError:
            continue
        for c in spec.top_components:
            rows.append({_sc("col.index", lang): index_label(index, lang),
                         _sc("col.index_id", lang): index, _sc("col.id", lang): c,
                         _sc("col.name", lang): spec.name(c, lang)})
    return pd.DataFrame(rows)


def scenario_changes(setup: NotebookSetup, changes: pd.DataFrame) -> tuple[dict, list[str]]:
    """The analyst's table of changes as {index: {component: change}}, and a sentence for
    each row that cannot be used (unknown index or component, a change that is not a number)."""
    from ...data.spec import INDICES, load_specs

    lang, book = setup.lang, load_specs()
    missing = [c for c in SCENARIO_COLUMNS if c not in changes.columns]
    if missing:
        raise UsageError("the table of changes needs the columns " + ", ".join(SCENARIO_COLUMNS),
                         hint="missing: " + ", ".join(missing))
    out: dict[str, dict[str, float]] = {}
    problems = []
    for row, rec in enumerate(changes.to_dict("records"), start=1):
        index = str(rec["index"]).strip().lower().replace(" ", "_")
        component = str(rec["component"]).strip()
        if index not in INDICES:
            problems.append(_sc("bad_index", lang, row=row, index=rec["index"]))
            continue
        try:
            change = float(rec["change"])
        except (TypeError, ValueError):
            change = math.nan
        if not math.isfinite(change):
            problems.append(_sc("bad_change", lang, row=row, change=rec["change"]))
            continue
        try:
            spec = book.spec_for(index, setup.year)
        except IndexModelError:
            spec = None
        if spec is None:
            problems.append(_sc("no_era", lang, row=row, label=index_label(index, lang), y=setup.year))
            continue
        if not spec.has(component) or component == spec.composite:
            problems.append(_sc("bad_component", lang, row=row, component=component,
                                label=index_label(index, lang), y=setup.year,
                                era=spec.era_name(lang)))
            continue
        out.setdefault(index, {})
        out[index][component] = out[index].get(component, 0.0) + change
    return out, problems


def scenario(setup: NotebookSetup, changes: pd.DataFrame) -> list:
    """For each index the table touches: composite, rank and odds of the goal — the year's
    results, the scenario and (with a plan) the plan's targets; then the changes one by one."""
    lang = setup.lang
    wanted, problems = scenario_changes(setup, changes)
    out: list = ["## " + _sc("h", lang)]
    out.append(_sc("intro" if setup.has_plan else "intro_year", lang, y=setup.year))
    if problems:
        out.append(_bullets(problems))
    if not wanted:
        out.append(_sc("none", lang))
        return out
    detail_rows = []
    from ...data.spec import INDICES

    for index in [i for i in INDICES if i in wanted]:
        label = index_label(index, lang)
        out.append(f"### {label}")
        view = setup.view(index)
        a = view.analysis
        if a is None:
            out.append(view.reason)
            continue
        try:
            changed = a.with_changes(wanted[index])
        except IndexModelError as exc:
            out.append(_sc("refused", lang, label=label, why=exc.message))
            continue
        out.append(_scenario_table(setup, view, changed))
        for component, delta in wanted[index].items():
            one = a.with_changes({component: delta})
            value = a.scored[component]
            detail_rows.append({
                _sc("col.index", lang): label,
                _sc("col.name", lang): a.spec.name(component, lang),
                _sc("col.value", lang, y=a.year): round(float(value), 2),
                _sc("col.change", lang): round(delta, 4),
                _sc("col.new", lang): round(float(value) + delta, 2),
                _sc("col.points", lang): round(one.composite - a.composite, 3)})
        how = [f"{label}: {text}" for text in getattr(view, "_scenario_how", []) if text]
        if how:
            out.append(_bullets(how))
    if detail_rows:
        out.append(pd.DataFrame(detail_rows).set_index(_sc("col.index", lang)))
    return out


def _scenario_table(setup: NotebookSetup, view: IndexView, changed) -> pd.DataFrame:
    from ...model.settings import composite_range

    a, lang = view.analysis, setup.lang
    columns = [("base", a, _sc("col.base", lang, y=a.year)),
               ("scenario", changed, _sc("col.scenario", lang))]
    if a.targets and a.target_composite is not None:
        columns.append(("targets", None, _sc("col.targets", lang, y=a.target_year)))
    goal = a.goal_rank or (int(a.rank.high) if a.rank is not None else None)
    year = a.target_year or a.year + 1
    rows: dict[str, dict] = {}
    how = []
    for kind, analysis, title in columns:
        composite = a.target_composite if kind == "targets" else analysis.composite
        values = dict(a.targets) if kind == "targets" else dict(analysis.own)
        col: dict[str, str] = {_sc("row.composite", lang): _fmt(composite)}
        rng = None
        if a.spec.unverified_weights:
            rng = composite_range(a.spec, values, year=None if kind == "targets" else a.year)
            col[_sc("row.range", lang)] = f"{_fmt(rng.low)} – {_fmt(rng.high)}" if rng else "—"
        place = view._implied(composite, rng)
        col[_sc("row.rank", lang, y=a.year)] = place.text() if place is not None else t("unknown", lang)
        if goal is not None:
            try:
                o = a.odds(composite, goal=goal, sims=setup.sims, seed=setup.seed, target_year=year)
                p = o.p_goal
                text = _pct(p) if p is not None else _sc("no_odds", lang)
                if p is not None and o.p_goal_low is not None and o.p_goal_high is not None:
                    text += f" ({_pct(o.p_goal_low)}–{_pct(o.p_goal_high)})"
                if o.method in ("simulation", "threshold") and kind == "base":
                    how.append(_sc(f"how.{o.method}", lang, sims=setup.sims, seed=setup.seed, goal=goal,
                                   t=year, b=a.year))
                elif p is None and kind == "base":
                    how.append("; ".join(m(lang) for m in o.missing[:1]))
            except IndexModelError as exc:
                text = _sc("no_odds", lang)
                if kind == "base":
                    how.append(exc.message)
            col[_sc("row.p", lang, goal=goal, t=year)] = text
        rows[title] = col
    view._scenario_how = how
    frame = pd.DataFrame(rows)
    frame.index.name = _sc("col.measure", lang)
    return frame


def scenario_help(setup: NotebookSetup) -> list:
    """The ids an analyst may use in the table of changes, by index."""
    return ["## " + _sc("ids_h", setup.lang), component_ids(setup)]
