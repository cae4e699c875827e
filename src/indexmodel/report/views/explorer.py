"""The scenario explorer (notebook 09): its labels, the texts and HTML its widgets show, and
the static tables of the yearly run's report (widgets need a kernel; the report shows the
scenario of the plan's targets and the cheapest path as tables instead).

The numbers come from :mod:`indexmodel.analysis.scenario`; this module only writes them for
the reader, in Vietnamese or English. The widgets are in :mod:`indexmodel.report.explorer`.
"""

from __future__ import annotations

import html

import pandas as pd

from ...analysis import scenario as sc
from ...core.errors import IndexModelError
from ...core.i18n import index_label, t, translate
from .common import _bullets, _fmt, _pct
from .setup import EXPLORER_TITLE, NotebookSetup

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Khám phá kịch bản — {name}", "Scenario explorer — {name}"),
    "sub": ("Kéo thanh trượt của từng chỉ số thành phần để xem ngay điểm tổng hợp, thứ hạng trong cả "
            "nước và trong vùng, xác suất đạt mục tiêu thứ hạng và lộ trình ít tốn kém nhất từ vị trí "
            "hiện tại của các thanh trượt; lưu kịch bản thành tệp CSV và mở lại.",
            "Move each component's slider to see at once the composite, the national and regional "
            "rank, the odds of the rank goal and the cheapest path from where the sliders stand; save "
            "the scenario as a CSV file and load it again."),
    "open": ("Công cụ tương tác chỉ chạy khi mở sổ tính “{title}” trong JupyterLab (cần một nhân Python "
             "đang chạy). Trong báo cáo này: bảng kịch bản theo các chỉ tiêu của kế hoạch và lộ trình ít "
             "tốn kém nhất, ở dạng bảng tĩnh.",
             "The interactive explorer runs when the notebook “{title}” is opened in JupyterLab (it needs "
             "a running Python kernel). In this report: the scenario of the plan's targets and the "
             "cheapest path, as static tables."),
    "open_year": ("Công cụ tương tác chỉ chạy khi mở sổ tính “{title}” trong JupyterLab (cần một nhân "
                  "Python đang chạy). Trong báo cáo này: kết quả năm {y} và lộ trình ít tốn kém nhất, ở "
                  "dạng bảng tĩnh.",
                  "The interactive explorer runs when the notebook “{title}” is opened in JupyterLab (it "
                  "needs a running Python kernel). In this report: the {y} results and the cheapest path, "
                  "as static tables."),
    "fallback": ("[Công cụ khám phá kịch bản: mở sổ tính “{title}” trong JupyterLab và chạy nó (Run → Run "
                 "All Cells) để dùng thanh trượt.]",
                 "[Scenario explorer: open the notebook “{title}” in JupyterLab and run it (Run → Run All "
                 "Cells) to use the sliders.]"),
    "h_explorer": ("Công cụ khám phá", "The explorer"),
    "h_static": ("{index}: kịch bản theo chỉ tiêu và lộ trình", "{index}: the targets' scenario and the path"),
    "h_static_year": ("{index}: kết quả năm {y} và lộ trình", "{index}: the {y} results and the path"),
    # controls
    "province": ("Tỉnh/thành phố", "Province"),
    "index": ("Chỉ số", "Index"),
    "year": ("Năm", "Year"),
    "year_plan": ("{y} (kế hoạch, chỉ tiêu {t})", "{y} (the plan, targets for {t})"),
    "goal": ("Mục tiêu hạng", "Rank goal"),
    "budget": ("Ngân sách", "Budget"),
    "name": ("Tên kịch bản", "Scenario name"),
    "name_default": ("Kịch bản 1", "Scenario 1"),
    "file": ("Tệp", "File"),
    "saved": ("Kịch bản đã lưu", "Saved scenarios"),
    "save": ("Lưu kịch bản (CSV)", "Save the scenario (CSV)"),
    "overwrite": ("Ghi đè tệp đã có", "Overwrite the file"),
    "load": ("Mở kịch bản", "Load a scenario"),
    "reset": ("Về kết quả năm {y}", "Back to the {y} results"),
    "to_targets": ("Đặt theo chỉ tiêu", "Set to the targets"),
    "apply_path": ("Áp dụng lộ trình", "Apply the path"),
    "more_sims": ("Tính lại xác suất với {sims} lần mô phỏng", "Odds again with {sims} simulations"),
    "col_component": ("Chỉ số thành phần", "Component"),
    "col_value": ("Giá trị", "Value"),
    "col_marks": ("Mốc", "Marks"),
    # marks
    "mark.baseline": ("kết quả năm {y}: {v}", "{y} result: {v}"),
    "mark.target": ("chỉ tiêu {t}: {v}", "{t} target: {v}"),
    "mark.one_year": ("mức tăng 1 năm lớn nhất thực tế +{g} ({who} {a}–{b}): {v}",
                      "best real one-year gain +{g} ({who} {a}–{b}): {v}"),
    "mark.two_years": ("mức tăng 2 năm lớn nhất thực tế +{g} ({who} {a}–{b}): {v}",
                       "best real two-year gain +{g} ({who} {a}–{b}): {v}"),
    "mark.none": ("chưa có số liệu bảng (panel) để đo mức tăng thực tế",
                  "no panel to measure real gains"),
    "btn.target": ("▲ {v}", "▲ {v}"),
    "btn.one_year": ("◆1 {v}", "◆1 {v}"),
    "btn.two_years": ("◆2 {v}", "◆2 {v}"),
    "legend": ("Thanh trượt bắt đầu ở kết quả năm {y} (│ xám; │ đen: giá trị đang chọn), giới hạn "
               "trong thang điểm của chỉ số thành phần. Mốc: ▲ chỉ tiêu {t} của kế hoạch; ◆1, ◆2: kết quả "
               "năm {y} cộng mức tăng lớn nhất mà một tỉnh thực sự đạt được trong 1 năm, 2 năm (di chuột "
               "vào nút để xem tỉnh và năm). Bấm một nút để đặt thanh trượt vào mốc đó.",
               "Sliders start at the {y} results (grey │; black │: the value chosen), bounded by each "
               "component's scale. Marks: ▲ the plan's {t} target; ◆1, ◆2: the {y} result plus the "
               "largest gain a province really made in one year, two years (hover a button for the "
               "province and years). Click a button to set the slider there."),
    "legend_year": ("Thanh trượt bắt đầu ở kết quả năm {y} (│ xám; │ đen: giá trị đang chọn), giới "
                    "hạn trong thang điểm của chỉ số thành phần. Mốc ◆1, ◆2: kết quả năm {y} cộng mức "
                    "tăng lớn nhất mà một tỉnh thực sự đạt được trong 1 năm, 2 năm. Bấm một nút để đặt "
                    "thanh trượt vào mốc đó.",
                    "Sliders start at the {y} results (grey │; black │: the value chosen), bounded by "
                    "each component's scale. Marks ◆1, ◆2: the {y} result plus the largest gain a "
                    "province really made in one year, two years. Click a button to set the slider "
                    "there."),
    # results
    "composite": ("Điểm tổng hợp", "Composite"),
    "composite_text": ("{v} ({d} so với năm {y})", "{v} ({d} against {y})"),
    "range": ("khoảng theo thiết lập chưa kiểm chứng: {low} – {high}",
              "range over unverified settings: {low} – {high}"),
    "rank": ("Thứ hạng cả nước (các tỉnh khác như năm {y})", "National rank (peers as in {y})"),
    "rank_text": ("{r}/{n}", "{r} of {n}"),
    "rank_interval": ("{r} (khoảng: chỉ biết một phần bảng xếp hạng)", "{r} (interval: part of the table known)"),
    "regional": ("Thứ hạng trong vùng", "Regional rank"),
    "regional_unknown": ("chưa biết: chưa có điểm của các tỉnh trong vùng năm {y}",
                         "unknown: no scores of the region's provinces in {y}"),
    "regional_goal": ("mục tiêu {t}: thứ {g} trong vùng", "goal for {t}: {g} in the region"),
    "odds": ("Xác suất đạt hạng {g} trở lên năm {t}", "P(rank {g} or better in {t})"),
    "odds_sims": ("{p} ({sims} lần mô phỏng, hạt giống {seed})", "{p} ({sims} simulations, seed {seed})"),
    "odds_threshold": ("{p} (từ các mốc công bố)", "{p} (from published anchors)"),
    "no_goal": ("không có mục tiêu thứ hạng", "no rank goal"),
    "no_rank": ("không tính được: {why}", "not computable: {why}"),
    "unknown": ("chưa biết", "unknown"),
    "h_path": ("Lộ trình ít tốn kém nhất đến hạng {g} (từ vị trí các thanh trượt)",
               "Cheapest path to rank {g} (from where the sliders stand)"),
    "h_path_static": ("Lộ trình ít tốn kém nhất đến hạng {g} (từ kết quả năm {y})",
                      "Cheapest path to rank {g} (from the {y} results)"),
    "path_note": ("Các tỉnh khác như năm {y}; mỗi chỉ số thành phần tăng không quá thang điểm và mức tăng mạnh "
                  "thực tế (bách phân vị 90) mỗi năm × {n} năm; chi phí: số năm cải thiện điển hình.",
                  "Peers as in {y}; each component within its scale and a strong real year's gain (90th "
                  "percentile) a year × {n} years; cost: typical years of improvement."),
    "path_note_range": ("Các tỉnh khác như năm {y}; chưa có số liệu bảng (panel) để đo mức tăng thực tế: mỗi chỉ "
                        "số thành phần tăng không quá thang điểm, không có mức trần mỗi năm; chi phí: phần của "
                        "thang điểm.",
                        "Peers as in {y}; no panel to measure real gains: each component within its scale, "
                        "no yearly cap; cost: the share of the component's scale."),
    "path_none": ("không cần cải thiện thêm", "no further improvement needed"),
    "h_budget": ("Thứ hạng tốt nhất với ngân sách {b} (từ vị trí các thanh trượt)",
                 "Best rank for a budget of {b} (from where the sliders stand)"),
    "col.move": ("Tăng thêm", "Improvement"),
    "col.new": ("Giá trị mới", "New value"),
    "col.cost": ("Chi phí", "Cost"),
    "col.cap": ("Mức tăng tối đa", "Cap"),
    "col.value_y": ("Năm {y}", "{y}"),
    "col.target": ("Chỉ tiêu {t}", "Target {t}"),
    "col.one_year": ("+ mức tăng 1 năm lớn nhất", "+ best one-year gain"),
    "col.two_years": ("+ mức tăng 2 năm lớn nhất", "+ best two-year gain"),
    "col.who": ("(tỉnh, năm)", "(province, years)"),
    "col.measure": ("Nội dung", "Measure"),
    "col.base": ("Kết quả {y}", "Result {y}"),
    "col.targets": ("Chỉ tiêu {t}", "Targets {t}"),
    "total": ("Tổng", "Total"),
    # files
    "saved_to": ("Đã lưu kịch bản “{name}” vào {path}", "Scenario “{name}” saved to {path}"),
    "exists": ("Tệp {path} đã có: bấm “{button}” để thay thế, hoặc đổi tên tệp.",
               "{path} exists: click “{button}” to replace it, or change the file name."),
    "loaded": ("Đã mở kịch bản “{name}” ({n} chỉ số thành phần, năm {y}) từ {path}",
               "Scenario “{name}” loaded ({n} components, {y}) from {path}"),
    "error": ("Không thực hiện được: {why}", "Could not do it: {why}"),
    "no_analysis": ("Không mở được {index} của {name} năm {y}: {why}",
                    "Cannot open {index} for {name} in {y}: {why}"),
    "no_years": ("Không có số liệu {index} nào của {name}.", "No {index} data for {name}."),
}


def label(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


def explorer_title(lang: str) -> str:
    return EXPLORER_TITLE[0] if lang == "vi" else EXPLORER_TITLE[1]


# -- what the widgets show -------------------------------------------------------------------
def composite_text(a, result: sc.ScenarioResult, lang: str) -> str:
    """'67.63 (+1.37 against 2023)' and the range over unverified settings where there is one."""
    text = label("composite_text", lang, v=_fmt(result.composite),
                 d=_fmt(result.composite - a.composite, signed=True), y=a.year)
    if result.composite_range is not None:
        rng = result.composite_range
        text += "; " + label("range", lang, low=_fmt(rng.low), high=_fmt(rng.high))
    return text


def rank_text(a, result: sc.ScenarioResult, lang: str) -> str:
    if result.rank is None:
        why = "; ".join(m(lang) for m in a.field.missing[:1]) or t("unknown", lang)
        return label("no_rank", lang, why=why)
    r = result.rank.text()
    if result.rank.exact and result.n:
        return label("rank_text", lang, r=r, n=result.n)
    return label("rank_interval", lang, r=r)


def regional_text(a, result: sc.ScenarioResult, lang: str) -> str:
    if result.regional_rank is not None:
        r = result.regional_rank.text()
        text = label("rank_text", lang, r=r, n=result.regional_n) if result.regional_n else r
    else:
        text = label("regional_unknown", lang, y=a.year)
    if result.goal_regional:
        text += "; " + label("regional_goal", lang, t=result.target_year, g=result.goal_regional)
    return text


def odds_label(result: sc.ScenarioResult, lang: str) -> str:
    if result.goal is None:
        return label("odds", lang, g="—", t=result.target_year)
    return label("odds", lang, g=result.goal, t=result.target_year)


def odds_text(result: sc.ScenarioResult, lang: str, seed: int = sc.DEFAULT_SEED) -> str:
    o = result.odds
    if result.goal is None:
        return label("no_goal", lang)
    if o is None:
        return label("no_rank", lang, why="; ".join(result.notes[:1]) or t("unknown", lang))
    if o.p_goal is None:
        return label("no_rank", lang, why="; ".join(m(lang) for m in o.missing[:1]) or t("unknown", lang))
    p = _pct(o.p_goal)
    if o.p_goal_low is not None and o.p_goal_high is not None:
        p += f" ({_pct(o.p_goal_low)}–{_pct(o.p_goal_high)})"
    if o.method == "simulation":
        return label("odds_sims", lang, p=p, sims=result.sims, seed=seed)
    return label("odds_threshold", lang, p=p)


def results_rows(a, result: sc.ScenarioResult, lang: str, seed: int = sc.DEFAULT_SEED) -> list[tuple[str, str]]:
    """(measure, text) for composite, national rank, regional rank and odds."""
    return [(label("composite", lang), composite_text(a, result, lang)),
            (label("rank", lang, y=a.year), rank_text(a, result, lang)),
            (label("regional", lang), regional_text(a, result, lang)),
            (odds_label(result, lang), odds_text(result, lang, seed))]


def _name(rec: dict, lang: str) -> str:
    return rec["name_vi"] if lang == "vi" else rec["name_en"]


def path_frame(path, lang: str, *, all_rows: bool = False) -> pd.DataFrame:
    """The path's improvements (only the components it moves, unless ``all_rows``)."""
    plan = path.plan if all_rows else path.plan[path.plan["move"] > 1e-9]
    frame = pd.DataFrame({
        label("col_component", lang): [_name(r, lang) for r in plan.to_dict("records")],
        label("col_value", lang): [_fmt(v) for v in plan["value"]],
        label("col.move", lang): [_fmt(v, signed=True) for v in plan["move"]],
        label("col.new", lang): [_fmt(v) for v in plan["new_value"]],
        label("col.cost", lang): [_fmt(v) for v in plan["cost"]],
    })
    return frame.set_index(label("col_component", lang))


def path_text(path, lang: str) -> str:
    """One sentence: the rank and composite the path reaches, at what cost (or why not)."""
    return path.summary(lang)


def path_note(a, lang: str) -> str:
    """What the path rests on: peers, caps and the unit of cost."""
    if a.improvements is None:
        return label("path_note_range", lang, y=a.year)
    return label("path_note", lang, y=a.year, n=a.years_ahead)


def html_table(frame: pd.DataFrame) -> str:
    """A small table as HTML (escaped), for an HTML widget."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(str(c))}</th>"
                   for c in [frame.index.name or ""] + list(frame.columns))
    body = []
    for idx, row in frame.iterrows():
        cells = [f"<td style='padding:2px 8px'>{html.escape(str(idx))}</td>"]
        cells += [f"<td style='padding:2px 8px;text-align:right'>{html.escape(str(v))}</td>" for v in row]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def why_no_path(a, goal, lang: str) -> str | None:
    """Why the optimiser cannot run, in the reader's language (None where it can)."""
    if a.field.national is None:
        return label("no_rank", lang, why="; ".join(m(lang) for m in a.field.missing[:1])
                     or t("unknown", lang))
    if goal is None:
        return label("no_goal", lang)
    return None


def path_html(a, values, goal, lang: str) -> str:
    """The cheapest path from the sliders to the goal, as the explorer shows it."""
    head = f"<b>{html.escape(label('h_path', lang, g=goal if goal else '—'))}</b>"
    why = why_no_path(a, goal, lang)
    if why is not None:
        return f"{head}<br>{html.escape(why)}"
    try:
        path = sc.path_to_goal(a, values, goal)
    except IndexModelError as exc:
        return f"{head}<br>{html.escape(label('no_rank', lang, why=exc.message))}"
    note = path_note(a, lang)
    table = path_frame(path, lang)
    body = html_table(table) if len(table) else ""
    return (f"{head}<br>{html.escape(path_text(path, lang))}{body}"
            f"<div style='color:#666;font-size:90%'>{html.escape(note)}</div>")


def budget_html(a, values, budget: float, lang: str) -> str:
    """The best rank a budget buys from the sliders, as the explorer shows it."""
    head = f"<b>{html.escape(label('h_budget', lang, b=_fmt(budget, 1)))}</b>"
    why = why_no_path(a, 1, lang)
    if why is not None:
        return f"{head}<br>{html.escape(why)}"
    try:
        result = sc.best_for_budget(a, values, budget)
    except IndexModelError as exc:
        return f"{head}<br>{html.escape(label('no_rank', lang, why=exc.message))}"
    table = path_frame(result, lang)
    return f"{head}<br>{html.escape(path_text(result, lang))}" + (html_table(table) if len(table) else "")


def mark_titles(s: sc.Slider, a, lang: str) -> dict[str, str]:
    """What each mark of a slider is, in a sentence (the buttons' tooltips)."""
    from ...data.provinces import resolve

    out = {"baseline": label("mark.baseline", lang, y=a.year, v=_fmt(s.baseline))}
    marks = s.marks()
    if "target" in marks:
        out["target"] = label("mark.target", lang, t=a.target_year, v=_fmt(marks["target"]))
    for key, gain in (("one_year", s.best_one_year), ("two_years", s.best_two_years)):
        if gain is not None:
            who = resolve(gain.province).name(lang)
            out[key] = label(f"mark.{key}", lang, g=_fmt(gain.value), who=who, a=gain.start, b=gain.end,
                             v=_fmt(marks[key]))
    if s.best_one_year is None and s.best_two_years is None:
        out["none"] = label("mark.none", lang)
    return out


MARK_COLOURS = {"baseline": "#888888", "target": "#1f77b4", "one_year": "#ff7f0e",
                "two_years": "#d62728", "value": "#000000"}


def marks_svg(s: sc.Slider, value: float, width: int = 180, height: int = 22) -> str:
    """A small scale of the component's range with its marks and the slider's value."""
    def x(v: float) -> float:
        return 4 + (width - 8) * (min(max(v, s.low), s.high) - s.low) / (s.high - s.low)

    parts = [f"<line x1='4' y1='{height / 2}' x2='{width - 4}' y2='{height / 2}' stroke='#ccc'/>",
             f"<line x1='{x(s.baseline):.1f}' y1='3' x2='{x(s.baseline):.1f}' y2='{height - 3}' "
             f"stroke='{MARK_COLOURS['baseline']}' stroke-width='2'/>"]
    for key, v in s.marks().items():
        cx = x(v)
        if key == "target":
            parts.append(f"<polygon points='{cx - 5:.1f},{height - 3} {cx + 5:.1f},{height - 3} "
                         f"{cx:.1f},{height - 12}' fill='{MARK_COLOURS[key]}'/>")
        else:
            parts.append(f"<polygon points='{cx:.1f},2 {cx + 4:.1f},7 {cx:.1f},12 {cx - 4:.1f},7' "
                         f"fill='{MARK_COLOURS[key]}'/>")
    parts.append(f"<line x1='{x(value):.1f}' y1='1' x2='{x(value):.1f}' y2='{height - 1}' "
                 f"stroke='{MARK_COLOURS['value']}' stroke-width='2'/>")
    return f"<svg width='{width}' height='{height}'>{''.join(parts)}</svg>"


# -- the static tables of the report ---------------------------------------------------------
def explorer_intro(setup: NotebookSetup) -> list[str]:
    """The title, what the explorer does, and which notebook to open for it."""
    lang = setup.lang
    opened = (label("open", lang, title=explorer_title(lang)) if setup.has_plan
              else label("open_year", lang, title=explorer_title(lang), y=setup.year))
    return ["# " + label("title", lang, name=setup.name), label("sub", lang), opened,
            "## " + label("h_explorer", lang)]


def slider_frame(a, lang: str) -> pd.DataFrame:
    """Per component: the value of the year analysed, the plan's target, the best real one- and
    two-year gains added to it (province and years), as the sliders are marked."""
    from ...data.provinces import resolve

    rows = []
    for s in sc.sliders(a):
        marks = s.marks()
        row = {label("col_component", lang): s.name(lang),
               label("col.value_y", lang, y=a.year): _fmt(s.baseline)}
        if a.targets:
            row[label("col.target", lang, t=a.target_year)] = _fmt(s.target)
        for key, gain in (("one_year", s.best_one_year), ("two_years", s.best_two_years)):
            text = "—"
            if gain is not None:
                text = (f"{_fmt(marks[key])} (+{_fmt(gain.value)}: {resolve(gain.province).name(lang)} "
                        f"{gain.start}–{gain.end})")
            row[label(f"col.{key}", lang)] = text
        rows.append(row)
    return pd.DataFrame(rows).set_index(label("col_component", lang))


def static_section(setup: NotebookSetup, index: str) -> list:
    """One index in the report: the sliders' marks, the targets' scenario against the results
    (composite, ranks, odds), and the cheapest path from the results to the goal."""
    lang = setup.lang
    view = setup.view(index)
    a = view.analysis
    name = index_label(index, lang)
    if a is None:
        return ["## " + label("h_static_year", lang, index=name, y=setup.year), view.reason]
    head = (label("h_static", lang, index=name) if a.targets
            else label("h_static_year", lang, index=name, y=a.year))
    out: list = ["## " + head, slider_frame(a, lang)]
    base = sc.baseline_values(a)
    goal = sc.default_goal(a)
    columns = {label("col.base", lang, y=a.year): sc.evaluate(a, base, goal=goal, sims=setup.sims,
                                                               seed=setup.seed)}
    if a.targets:
        columns[label("col.targets", lang, t=a.target_year)] = sc.evaluate(
            a, sc.target_values(a), goal=goal, sims=setup.sims, seed=setup.seed)
    table = {title: dict(results_rows(a, r, lang, setup.seed)) for title, r in columns.items()}
    frame = pd.DataFrame(table)
    frame.index.name = label("col.measure", lang)
    out.append(frame)
    if goal is None:
        return out
    out.append("### " + label("h_path_static", lang, g=goal, y=a.year))
    why = why_no_path(a, goal, lang)
    if why is not None:
        out.append(why)
        return out
    try:
        path = sc.path_to_goal(a, base, goal)
    except IndexModelError as exc:
        out.append(label("no_rank", lang, why=exc.message))
        return out
    lines = [path_text(path, lang), path_note(a, lang)]
    out.append(_bullets(lines))
    moved = path_frame(path, lang)
    if len(moved):
        out.append(moved)
    return out


def explorer_sections(setup: NotebookSetup) -> list:
    """The static tables of every index, in the order of the plan's indices."""
    out: list = []
    for index in ("pci", "papi", "sipas", "par_index"):
        out += static_section(setup, index)
    return out
