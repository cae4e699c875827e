"""The unverified settings against the published anchors, and the later published year
(notebooks 03 SIPAS and 04 PAR INDEX): what :mod:`indexmodel.analysis.settings_check`
finds, as tables and sentences in the reader's language."""

from __future__ import annotations

import math

import pandas as pd

from .common import _bullets, _fmt, _pick, _rounded

_S = {
    "h_settings": ("Thiết lập chưa kiểm chứng so với các mốc công bố",
                   "Unverified settings against the published anchors"),
    "intro": ("Các thiết lập dưới đây chưa kiểm chứng. Mỗi mốc công bố loại những thiết lập trái với nó; "
              "mọi số liệu dựa trên các thiết lập được nêu tại tâm của phần còn lại, kèm khoảng trên phần "
              "này (và, để so sánh, trên toàn miền hợp lý).",
              "These settings are not verified. Each published anchor excludes the settings that "
              "contradict it; every figure resting on the settings is given at the centroid of what "
              "remains, with its range over that part (and, to compare, over the whole plausible box)."),
    "col.setting": ("Thiết lập", "Setting"),
    "col.box": ("Miền hợp lý", "Plausible box"),
    "col.default": ("Mặc định", "Default"),
    "col.consistent": ("Còn lại (phù hợp với các mốc)", "Consistent with the anchors"),
    "col.central": ("Tâm phần còn lại", "Centroid of what remains"),
    "col.used": ("Dùng trong phân tích", "Used in the analysis"),
    "col.ppu": ("Điểm tổng hợp / 1 đơn vị", "Composite points per unit"),
    "col.what": ("Nội dung", "Measure"),
    "col.at_central": ("Tại thiết lập dùng", "At the setting used"),
    "col.range": ("Trên phần phù hợp", "Over the consistent part"),
    "col.whole": ("Toàn miền hợp lý", "Whole plausible box"),
    "col.rank": ("Thứ hạng (các tỉnh khác như năm {y})", "Rank (peers as in {y})"),
    "weight": ("trọng số “{name}”", "weight of “{name}”"),
    "points": ("điểm tối đa “{name}”", "maximum points of “{name}”"),
    "row.baseline": ("Điểm tổng hợp {y}", "Composite {y}"),
    "row.target": ("Điểm tổng hợp theo chỉ tiêu {y}", "Composite of the {y} targets"),
    "row.gain": ("Mức tăng", "Gain"),
    "h_later": ("Sau năm {b}: các mốc công bố mới và bộ tiêu chí", "After {b}: later anchors and the criteria set"),
    "later_none": ("Chưa có mốc công bố nào của {index} sau năm {b}.", "No {index} anchor published after {b}."),
    "col.old": ("Lĩnh vực trong kế hoạch (bộ cũ)", "Field in the plan (old set)"),
    "col.new": ("Lĩnh vực của bộ mới", "Area of the new set"),
    "col.how": ("Tương ứng", "Correspondence"),
    "col.note": ("Ghi chú", "Note"),
    "how.same_area": ("cùng lĩnh vực (tiêu chí đã đổi)", "the same area (criteria changed)"),
    "how.by_theme": ("theo chủ đề (chưa kiểm chứng)", "by theme (unverified)"),
    "how.not_one_to_one": ("không tương ứng một - một", "not one to one"),
    "facts_head": ("Các mốc năm {y}:", "The {y} anchors:"),
}


def _s(key: str, lang: str, **values) -> str:
    return _pick(_S[key], lang, **values)


def _span(low, high, digits: int = 2) -> str:
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "—"
    return f"{low:.{digits}f} – {high:.{digits}f}"


def settings_section(view, result) -> list:
    """The section of an index page on its unverified settings (``result``: the index's
    :class:`indexmodel.analysis.settings_check.SettingsCheck`)."""
    lang, a = view.lang, view.analysis
    spec = result.consistency.spec
    head = "## " + _s("h_settings", lang)
    kind = "points" if spec.root.rule == "points_to_percent" else "weight"
    used = a.spec
    rows = []
    for s in result.settings:
        rows.append({
            _s("col.setting", lang): _s(kind, lang, name=s["name_" + lang]),
            _s("col.box", lang): f"{s['low']:g} – {s['high']:g}",
            _s("col.default", lang): f"{s['default']:g}",
            _s("col.consistent", lang): _span(s["consistent_low"], s["consistent_high"]),
            _s("col.used", lang): f"{used.node(s['setting']).weight:.2f}",
            _s("col.ppu", lang): _span(s["points_per_unit_low"], s["points_per_unit_high"], 3),
        })
    settings = pd.DataFrame(rows).set_index(_s("col.setting", lang))
    figures = []
    rank = _s("col.rank", lang, y=result.year)
    for key, year, central, rng, box in (
            ("row.baseline", result.year, result.central_baseline, result.baseline, result.box_baseline),
            ("row.target", result.target_year, result.central_target, result.target, result.box_target)):
        if central is None:
            continue
        implied = None
        if key == "row.baseline" and a.field.own_rank:
            implied = type("Published", (), {"low": a.field.own_rank, "high": a.field.own_rank})()
        elif key == "row.target" and result.implied_rank is not None:
            implied = result.implied_rank
        elif a.field.national is not None and rng is not None:
            best, worst = a.place(rng.high), a.place(rng.low)
            implied = type(best)(best.low, worst.high, a.place(central).central)
        figures.append({
            _s("col.what", lang): _s(key, lang, y=year),
            _s("col.at_central", lang): _fmt(central),
            _s("col.range", lang): _span(rng.low, rng.high) if rng is not None else "—",
            _s("col.whole", lang): _span(box.low, box.high) if box is not None else "—",
            rank: "—" if implied is None else (str(implied.low) if implied.low == implied.high
                                              else f"{implied.low}–{implied.high}"),
        })
    if result.gain is not None:
        figures.append({_s("col.what", lang): _s("row.gain", lang),
                        _s("col.at_central", lang): _fmt((result.central_target or math.nan)
                                                         - (result.central_baseline or math.nan)),
                        _s("col.range", lang): _span(result.gain.low, result.gain.high),
                        _s("col.whole", lang): "—", rank: "—"})
    view.setup.write_table(_rounded(pd.DataFrame(result.settings)), f"{view.number}_settings_{view.index}")
    parts = result.parts(lang)
    out = [head, _s("intro", lang), _bullets(parts["constraints"] + parts["groups"]), settings]
    if figures:
        out.append(pd.DataFrame(figures).set_index(_s("col.what", lang)))
    return out


def later_section(view, result) -> list:
    """What the published anchors after the baseline year ask of the goal, and — where the
    target year is scored under a new criteria set — how far the plan's targets map."""
    lang = view.lang
    a = view.analysis
    head = "## " + _s("h_later", lang, b=a.year)
    if result is None or (result.later is None and result.era_change is None):
        from ...core.i18n import index_label

        return [head, _s("later_none", lang, index=index_label(view.index, lang), b=a.year)]
    out = [head]
    parts = result.parts(lang)
    era = result.era_change
    if era is not None:
        out += parts["era"][:2]
        table = pd.DataFrame([{
            _s("col.old", lang): r["old_" + lang], _s("col.new", lang): r["new_" + lang],
            _s("col.how", lang): _s("how." + r["correspondence"], lang),
            _s("col.note", lang): r[lang]} for r in era["rows"]]).set_index(_s("col.old", lang))
        out += [table, parts["era"][-1]]
        view.setup.write_table(pd.DataFrame(era["rows"]), f"{view.number}_criteria_change_{view.index}")
    if result.later is not None:
        out.append(f"**{parts['later'][0]}**")
        out += [_s("facts_head", lang, y=result.later["year"]), _bullets(parts["later"][1:])]
    return out
