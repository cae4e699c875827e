"""Why the rank moved, as an analyst reads it: labels, text, Markdown and the CSV table.

:func:`explanation_text`, :func:`explanation_markdown` and :func:`explanation_table`
render an :class:`indexmodel.analysis.explain.Explanation` entirely in Vietnamese or
English; :func:`explain_command` is ``indexmodel explain``.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction
from pathlib import Path

import pandas as pd

from ..core.errors import DataUnavailableError
from ..core.i18n import check_lang, index_label, translate
from ..core.output import csv_text, write_text_atomic
from ..data.provinces import resolve
from ..model.field import Note

#: Provinces of each kind a compact explanation names.
COMPACT_PEERS = 5

METHOD = Note(
    "Cách tính: giá trị Shapley trên ba phần — các chỉ số thành phần của tỉnh, việc các tỉnh khác thay đổi "
    "điểm, và thay đổi danh sách tỉnh được xếp hạng. Đóng góp của mỗi phần là ảnh hưởng trung bình của nó "
    "theo mọi thứ tự các phần có thể thay đổi, nên các phần cộng lại đúng bằng thay đổi thứ hạng, và phần "
    "không thay đổi có đóng góp bằng 0. Trong phần của tỉnh, đóng góp được chia cho từng chỉ số thành phần "
    "cũng bằng giá trị Shapley (giá trị Owen), tính chính xác trên mọi tập con các chỉ số thành phần đã thay "
    "đổi. Thứ hạng thay đổi theo bậc khi điểm tổng hợp vượt qua điểm của tỉnh khác, nên chia theo tỷ lệ "
    "điểm sẽ ghi công cho cả những thay đổi không vượt qua tỉnh nào.",
    "Method: Shapley values over three parts — the province's own components, the other provinces' moves, "
    "and the change in which provinces are ranked. Each part's contribution is its average effect over "
    "every order in which the parts could have moved, so the parts add up exactly to the rank change and "
    "a part that did not move gets zero. Within the own part, the contribution is split over the "
    "components by Shapley values again (the Owen value), exactly over every subset of the components "
    "that changed. A rank moves in steps, when the composite passes another province's, so a split in "
    "proportion to composite points would credit changes that passed no one.")

LABELS: dict[str, tuple[str, str]] = {
    "title": ("VÌ SAO THỨ HẠNG THAY ĐỔI — {province}, {index} {prev} → {year}",
              "WHY THE RANK MOVED — {province}, {index} {prev} → {year}"),
    "short_title": ("{index}, {prev} → {year}", "{index}, {prev} → {year}"),
    "ranks": ("Hạng năm {prev}: {r0}/{n0}; năm {year}: {r1}/{n1} — {move}.",
              "Rank in {prev}: {r0} of {n0}; in {year}: {r1} of {n1} — {move}."),
    "composites": ("Điểm tổng hợp: {c0} → {c1} ({dc}).", "Composite: {c0} → {c1} ({dc})."),
    "move.up": ("tăng {k} bậc", "climbed {k} places"),
    "move.up1": ("tăng 1 bậc", "climbed 1 place"),
    "move.down": ("giảm {k} bậc", "dropped {k} places"),
    "move.down1": ("giảm 1 bậc", "dropped 1 place"),
    "move.none": ("giữ nguyên", "unchanged"),
    "exact": ("Biết điểm của mọi tỉnh được xếp hạng trong cả hai năm: phép tách là chính xác.",
              "Every ranked province is known in both years: the split is exact."),
    "interval": ("Chỉ biết một phần bảng xếp hạng: phần của tỉnh là một khoảng, theo những gì các mốc công bố "
                 "cho phép.",
                 "Only part of a table is known: the own part is an interval, as far as the published anchors "
                 "allow."),
    "head": ("Số bậc tăng (dương: tăng hạng; âm: giảm hạng)", "Places gained (positive: climbed; negative: dropped)"),
    "part.own": ("Các chỉ số thành phần của tỉnh (các tỉnh khác giữ như năm {prev})",
                 "The province's own components (the other provinces held at {prev})"),
    "part.own_composite": ("Điểm tổng hợp của tỉnh (các tỉnh khác giữ như năm {prev})",
                           "The province's own composite (the other provinces held at {prev})"),
    "part.peers": ("Các tỉnh khác thay đổi điểm (tỉnh giữ như năm {prev})",
                   "The other provinces' moves (the province held at {prev})"),
    "part.ranked_set": ("Thay đổi danh sách tỉnh được xếp hạng", "Change in which provinces are ranked"),
    "part.peers_and_ranked_set": ("Các tỉnh khác thay đổi điểm và thay đổi danh sách tỉnh được xếp hạng",
                                  "The other provinces' moves and the change in which provinces are ranked"),
    "total": ("Tổng", "Total"),
    "between": ("từ {low} đến {high}", "between {low} and {high}"),
    "points": ("{points} điểm tổng hợp", "{points} composite points"),
    "more": ("… và {n} tỉnh khác", "… and {n} more"),
    "section": ("Vì sao thứ hạng thay đổi so với năm trước", "Why the rank moved from the year before"),
    "no_moves": ("Không tỉnh nào làm thay đổi thứ hạng của tỉnh.", "No other province moved the province's rank."),
    "peers_head": ("Các tỉnh làm thay đổi thứ hạng (điểm tổng hợp {prev} → {year})",
                   "The provinces that moved the rank (composite {prev} → {year})"),
    "rel.overtook": ("Vượt lên trên tỉnh", "Overtook the province"),
    "rel.fell_behind": ("Tụt xuống dưới tỉnh", "Fell behind the province"),
    "rel.newly_ranked": ("Được xếp hạng năm {year} (năm {prev} không)", "Ranked in {year} (not in {prev})"),
    "rel.no_longer_ranked": ("Không được xếp hạng năm {year} (năm {prev} có)", "Not ranked in {year} (ranked in {prev})"),
    "rel.kept_ahead.up": ("Vẫn đứng trên nhờ tăng điểm (nếu không, tỉnh đã vượt qua)",
                          "Stayed ahead by rising (the province's gain would have passed it)"),
    "rel.kept_ahead.down": ("Vẫn đứng trên dù giảm điểm (vì tỉnh cũng giảm)",
                            "Stayed ahead although it fell (the province fell too)"),
    "rel.stayed_behind.up": ("Tăng điểm nhưng vẫn đứng dưới (nhờ tỉnh cũng tăng)",
                             "Rose but stayed behind (the province's gain kept it ahead)"),
    "rel.stayed_behind.down": ("Vẫn đứng dưới dù tỉnh giảm điểm (vì tỉnh đó cũng giảm)",
                               "Stayed behind although the province fell (it fell too)"),
    "peer_line": ("{name}: {c0} → {c1} ({dc}); tác động đến thứ hạng của tỉnh: {places} ({own} do tỉnh thay "
                  "đổi, {theirs} do tỉnh đó thay đổi)",
                  "{name}: {c0} → {c1} ({dc}); effect on the province's rank: {places} ({own} from its own "
                  "move, {theirs} from the other's)"),
    "set_line": ("{name}: {c}; tác động đến thứ hạng của tỉnh: {places}",
                 "{name}: {c}; effect on the province's rank: {places}"),
    "hold_head": ("Mức cải thiện ít nhất để giữ hạng {goal} của năm {prev} (so với các tỉnh như năm {year})",
                  "The least improvement that would have held the {prev} rank ({goal}) against the provinces "
                  "as they stood in {year}"),
    "hold_actual": ("Thực tế: điểm tổng hợp {dc}{cost}.", "Actually: composite {dc}{cost}."),
    "hold_composite": ("Cần điểm tổng hợp năm {year} ít nhất {need}; tỉnh đạt {c1}.",
                       "It needed a {year} composite of at least {need}; the province reached {c1}."),
    "hold_composite_range": ("Cần điểm tổng hợp năm {year} ở đâu đó từ {low} đến {high} (các mốc công bố không cho "
                             "biết chính xác); tỉnh đạt {c1}.",
                             "It needed a {year} composite somewhere between {low} and {high} (the published "
                             "anchors do not say exactly); the province reached {c1}."),
    "hold_composite_only": ("Không tách được theo chỉ số thành phần: chưa có đủ chỉ số thành phần của tỉnh trong "
                            "cả hai năm cùng một phương pháp.",
                            "Not by component: the province's components are not known in both years under one "
                            "methodology."),
    "hold_needless": ("Không cần cải thiện: giữ nguyên điểm năm {prev}, tỉnh vẫn đứng hạng {rank} năm {year}.",
                      "No improvement was needed: with its {prev} values the province would have ranked {rank} "
                      "in {year}."),
    "hold_path": ("Điểm tổng hợp {c0} → {req} ({need}) nhờ: {moves}; chi phí {cost} năm cải thiện điển hình.",
                  "Composite {c0} → {req} ({need}) by: {moves}; cost {cost} typical years of improvement."),
    "hold_out": ("Không đạt được trong giới hạn một năm tăng mạnh (điểm tổng hợp cao nhất {best_c}): hạng tốt "
                 "nhất có thể là {best}.",
                 "Not reachable within one strong year's gains (highest composite {best_c}): the best reachable "
                 "rank was {best}."),
    "hold_cost": (", chi phí các mức tăng đã đạt {cost}", ", cost of the gains made {cost}"),
    "hold_none": ("Không tính được: cần các chỉ số thành phần của tỉnh trong cả hai năm, cùng một phương pháp, "
                  "và mức cải thiện thực tế của các năm trước.",
                  "Not computable: it needs the province's components in both years, under one methodology, "
                  "and real improvements of earlier years."),
    "col.part": ("Phần", "Part"),
    "col.component": ("Chỉ số thành phần", "Component"),
    "col.change": ("Thay đổi", "Change"),
    "col.points": ("Điểm tổng hợp", "Composite points"),
    "col.places": ("Số bậc tăng", "Places gained"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


def _finite(value) -> bool:
    try:
        return value is not None and not pd.isna(value) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num(value, digits: int = 2) -> str:
    return f"{float(value):.{digits}f}" if _finite(value) else "—"


def _signed(value, digits: int = 2) -> str:
    return f"{float(value):+.{digits}f}" if _finite(value) else "—"


def places(value) -> str:
    """Places gained as an analyst reads them: +3, −1.5, +0.33, 0."""
    value = float(value)
    if abs(value) < 0.005:
        return "0"
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def move_text(gained: int, lang: str) -> str:
    if gained > 0:
        return _t("move.up1" if gained == 1 else "move.up", lang, k=gained)
    if gained < 0:
        return _t("move.down1" if gained == -1 else "move.down", lang, k=-gained)
    return _t("move.none", lang)


def part_label(row, explanation, lang: str) -> str:
    part = row["part"]
    if part == "own":
        if explanation.component_level:
            return row[f"name_{lang}"]
        return _t("part.own_composite", lang, prev=explanation.previous_year)
    return _t(f"part.{part}", lang, prev=explanation.previous_year)


def contribution_text(row, lang: str) -> str:
    exact = row.get("contribution_exact")
    if isinstance(exact, str) and exact:
        return places(Fraction(exact))
    if _finite(row["contribution"]):
        return places(row["contribution"])
    return _t("between", lang, low=places(row["contribution_low"]), high=places(row["contribution_high"]))


def _province(explanation, lang: str) -> str:
    return explanation.province_vi if lang == "vi" else explanation.province


def _head(explanation, lang: str) -> list[str]:
    e = explanation
    label = index_label(e.index, lang)
    lines = [_t("title", lang, province=_province(e, lang), index=label, prev=e.previous_year, year=e.year)]
    if e.gained is not None:
        lines.append(_t("ranks", lang, prev=e.previous_year, year=e.year, r0=e.rank_previous,
                        n0=e.ranked_previous or "?", r1=e.rank, n1=e.ranked or "?",
                        move=move_text(e.gained, lang)))
    if e.composite_previous is not None and e.composite is not None:
        lines.append(_t("composites", lang, c0=_num(e.composite_previous), c1=_num(e.composite),
                        dc=_signed(e.composite - e.composite_previous)))
    return lines


def _part_lines(explanation, lang: str) -> list[tuple[int, str, str]]:
    """(indent, label, places) for each part, the own components under their group."""
    e = explanation
    rows = e.parts.to_dict("records")
    own = [r for r in rows if r["part"] == "own"]
    out = []
    if e.component_level:
        low, high = e.total("own")
        total = places(low) if low == high else _t("between", lang, low=places(low), high=places(high))
        out.append((0, _t("part.own", lang, prev=e.previous_year), total))
        for r in own:
            detail = f"{r[f'name_{lang}']} ({_num(r['value_previous'])} → {_num(r['value'])}, " \
                     f"{_signed(r['change'])})"
            out.append((1, detail, contribution_text(r, lang)))
    else:
        for r in own:
            out.append((0, part_label(r, e, lang) + f" ({_signed(r['points'])})", contribution_text(r, lang)))
    for r in rows:
        if r["part"] != "own":
            out.append((0, part_label(r, e, lang), contribution_text(r, lang)))
    out.append((0, _t("total", lang), places(e.gained)))
    return out


def _peer_lines(explanation, lang: str, limit: int | None = None) -> list[tuple[str, list[str]]]:
    e = explanation
    groups: dict[str, list[str]] = {}
    for r in e.peer_moves.to_dict("records"):
        name = r["name_vi"] if lang == "vi" else r["province"]
        if r["status"] == "ranked_both":
            line = _t("peer_line", lang, name=name, c0=_num(r["composite_previous"]), c1=_num(r["composite"]),
                      dc=_signed(r["change"]), places=places(r["places"]), own=places(r["own_part"]),
                      theirs=places(r["their_part"]))
        else:
            c = r["composite_previous"] if _finite(r["composite_previous"]) else r["composite"]
            line = _t("set_line", lang, name=name, c=_num(c), places=places(r["places"]))
        key = r["relation"]
        if key in ("kept_ahead", "stayed_behind"):
            key += ".up" if r["own_part"] > 0 else ".down"
        groups.setdefault(key, []).append(line)
    out = []
    for rel, lines in groups.items():
        if limit is not None and len(lines) > limit:
            lines = lines[:limit] + [_t("more", lang, n=len(lines) - limit)]
        out.append((_t(f"rel.{rel}", lang, prev=e.previous_year, year=e.year), lines))
    return out


def _hold_lines(explanation, lang: str) -> tuple[str, list[str]] | None:
    e = explanation
    if e.coverage == "none" or e.rank_previous is None:
        return None
    h = e.hold
    head = _t("hold_head", lang, goal=h.goal if h else e.rank_previous, prev=e.previous_year, year=e.year)
    if h is None:
        return head, [_t("hold_none", lang)]
    cost = _t("hold_cost", lang, cost=_num(h.actual_cost)) if h.actual_cost is not None else ""
    if h.result is None:
        low, high = h.required
        if abs(high - low) < 1e-9 or not math.isfinite(low):
            need = _t("hold_composite", lang, need=_num(high), year=e.year, c1=_num(h.composite))
        else:
            need = _t("hold_composite_range", lang, low=_num(low), high=_num(high), year=e.year,
                      c1=_num(h.composite))
        return head, [need, _t("hold_composite_only", lang)]
    lines = [_path_text(e, h.result, lang),
             _t("hold_actual", lang, dc=_signed(h.actual_points), cost=cost)]
    lines += [n(lang) for n in h.notes]
    return head, lines


def _path_text(explanation, result, lang: str) -> str:
    e = explanation
    if not result.feasible:
        return _t("hold_out", lang, best_c=_num(result.max_composite), best=result.best_reachable.text())
    if result.total_cost <= 1e-12:
        return _t("hold_needless", lang, prev=e.previous_year, year=e.year,
                  rank=result.resulting_rank.text())
    chosen = result.plan[result.plan["move"] > 1e-9]
    moves = ", ".join(f"{r[f'name_{lang}']} +{r['move']:.2f}" for r in chosen.to_dict("records"))
    return _t("hold_path", lang, c0=_num(result.current_composite), req=_num(result.resulting_composite),
              need=_signed(result.resulting_composite - result.current_composite), moves=moves,
              cost=_num(result.total_cost))


def explanation_text(explanation, lang: str = "vi", compact: bool = False) -> str:
    """The explanation as plain text; ``compact`` (for the release-day report): at most
    :data:`COMPACT_PEERS` provinces of each kind, and no paragraph on the method."""
    check_lang(lang)
    e = explanation
    lines = _head(e, lang)
    if e.coverage == "none":
        lines += [e.reason(lang)] + [n(lang) for n in e.notes]
        return "\n".join(lines) + "\n"
    lines.append(_t("exact" if e.exact else "interval", lang))
    lines += ["", _t("head", lang) + ":"]
    width = 0
    parts = _part_lines(e, lang)
    for indent, label, _ in parts:
        width = max(width, len(label) + 2 * indent)
    for indent, label, value in parts:
        lines.append("  " + "  " * indent + label.ljust(width - 2 * indent) + "  " + value)
    peer_groups = _peer_lines(e, lang, COMPACT_PEERS if compact else None)
    if e.exact:
        lines += ["", _t("peers_head", lang, prev=e.previous_year, year=e.year) + ":"]
        if not peer_groups:
            lines.append("  " + _t("no_moves", lang))
        for head, group in peer_groups:
            lines.append(f"  {head}:")
            lines += [f"    {g}" for g in group]
    hold = _hold_lines(e, lang)
    if hold:
        lines += ["", hold[0] + ":"] + [f"  {h}" for h in hold[1]]
    lines += [""] + [n(lang) for n in e.notes] + ([] if compact else [METHOD(lang)])
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def explanation_markdown(explanation, lang: str = "vi", level: int = 3, compact: bool = False) -> str:
    """The explanation as Markdown (headings at ``level``); ``compact`` as in
    :func:`explanation_text`."""
    check_lang(lang)
    e = explanation
    head = _head(e, lang)
    hashes = "#" * level
    if compact:  # inside a section that says what it is about
        head[0] = _t("short_title", lang, index=index_label(e.index, lang), prev=e.previous_year, year=e.year)
    lines = [f"{hashes} {head[0]}", ""] + [h + "\n" for h in head[1:]]
    if e.coverage == "none":
        lines += [e.reason(lang), ""] + [f"- {n(lang)}" for n in e.notes]
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += [_t("exact" if e.exact else "interval", lang), ""]
    lines += [f"| {_t('col.part', lang)} | {_t('col.places', lang)} |", "|---|---:|"]
    for indent, label, value in _part_lines(e, lang):
        shown = ("&nbsp;&nbsp;&nbsp;&nbsp;" * indent) + (label if indent else f"**{label}**")
        lines.append(f"| {shown.replace('|', '/')} | {value} |")
    if e.exact:
        lines += ["", f"**{_t('peers_head', lang, prev=e.previous_year, year=e.year)}**", ""]
        groups = _peer_lines(e, lang, COMPACT_PEERS if compact else None)
        if not groups:
            lines.append(_t("no_moves", lang))
        for group_head, group in groups:
            lines.append(f"- {group_head}: " + "; ".join(group))
    hold = _hold_lines(e, lang)
    if hold:
        lines += ["", f"**{hold[0]}**", ""] + [f"- {h}" for h in hold[1]]
    lines += [""] + [f"- {n(lang)}" for n in e.notes] + ([] if compact else [f"- {METHOD(lang)}"])
    return "\n".join(lines) + "\n"


def explanation_table(explanation, lang: str = "vi") -> pd.DataFrame:
    """One row per part (:data:`indexmodel.analysis.explain.PART_COLUMNS`, plus the part's
    and the component's labels in ``lang``); ``contribution`` adds up to the rank change."""
    check_lang(lang)
    e = explanation
    frame = e.parts.copy()
    if frame.empty:
        frame["part_label"] = []
        return frame
    frame.insert(frame.columns.get_loc("part") + 1, "part_label",
                 [_t("part.own" if (r["part"] == "own" and e.component_level) else
                     ("part.own_composite" if r["part"] == "own" else f"part.{r['part']}"), lang,
                     prev=e.previous_year) for r in frame.to_dict("records")])
    frame = frame.drop(columns=["name_en" if lang == "vi" else "name_vi"])
    frame = frame.rename(columns={f"name_{lang}": "component_label"})
    return frame


def section_text(explanations: dict, lang: str = "vi") -> list[str]:
    """The release-day report's section: every index's explanation, compact, then the method."""
    if not explanations:
        return []
    lines = [_t("section", lang)]
    for e in explanations.values():
        lines += ["  " + line if line else "" for line in explanation_text(e, lang, compact=True).splitlines()]
        lines.append("")
    return lines + [METHOD(lang)]


def section_markdown(explanations: dict, lang: str = "vi") -> list[str]:
    if not explanations:
        return []
    lines = [f"## {_t('section', lang)}", ""]
    for e in explanations.values():
        lines += explanation_markdown(e, lang, level=3, compact=True).splitlines() + [""]
    return lines + [f"*{METHOD(lang)}*"]


def explain_command(index: str, year: int, province: str = "Bình Định", lang: str = "vi",
                    fmt: str = "text", out: str | Path | None = None,
                    peers_path: str | Path | None = None, *, overwrite: bool = False) -> int:
    """``indexmodel explain``: print (or write to ``out``, atomically; an existing file is
    replaced only with ``overwrite``) why the rank moved."""
    from ..data.peers import with_analyst_file
    from .explain import check_format, explain

    check_lang(lang)
    check_format(fmt)
    peers = with_analyst_file(peers_path)
    explanation = explain(index, year, province, peers=peers)
    if explanation.coverage == "none":
        raise DataUnavailableError(explanation.reason("en"))
    text = (csv_text(explanation_table(explanation, lang)) if fmt == "csv"
            else explanation_text(explanation, lang))
    if out:
        write_text_atomic(text, out, overwrite=overwrite)
        print(f"written {out}")
    else:
        sys.stdout.write(text)
    return 0


def file_stem(explanation) -> str:
    return f"explain_{explanation.index}_{resolve(explanation.province).id}_{explanation.year}"
