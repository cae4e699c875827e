"""The release-day review's one-screen summary, its per-agency details, and the Word brief.

The summary leads every rendering of :class:`~indexmodel.analysis.monitor_report.MonitorReport`
(text, Markdown, the notebook, the Word file): what fell, what is below the national
average, which agencies act and by when; a previous year or a national average the data
lack is said once per index there, not in every row. The details follow: per agency, the
components to review (with their figures and progress to the targets) and the names of the
others it answers for.

:func:`write_docx` writes the brief as a Word document with python-docx (the province's own
documents are Word files): headings, the summary table, one section per agency.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd

from ..core.i18n import index_label, translate

LABELS: dict[str, tuple[str, str]] = {
    "summary": ("Tóm tắt", "Summary"),
    "fell": ("Giảm điểm so với năm trước ({n})", "Fell from the year before ({n})"),
    "below": ("Thấp hơn trung bình cả nước ({n})", "Below the national average ({n})"),
    "none": ("không có", "none"),
    "act": ("Cơ quan cần rà soát, đề xuất giải pháp — hạn báo cáo: {due}",
            "Agencies to review and propose remedies — reports due: {due}"),
    "act_none": ("Không có chỉ số thành phần nào cần rà soát.", "No component to review."),
    "by_date": ("{date}", "{date}"),
    "by_days": ("{days} ngày làm việc sau khi công bố", "{days} working days after publication"),
    "col.agency": ("Cơ quan", "Agency"),
    "col.count": ("Số chỉ số cần rà soát", "Components to review"),
    "col.components": ("Chỉ số thành phần cần rà soát", "Components to review"),
    "col.due": ("Hạn báo cáo", "Report due"),
    "unowned": ("(chưa giao cơ quan nào)", "(no agency assigned)"),
    "gaps": ("Chưa đánh giá đủ", "Not fully judged"),
    "gap_prev": ("{index} {year}: chưa có số liệu năm trước của {n}/{total} chỉ số thành phần",
                 "{index} {year}: no previous-year value for {n} of {total} components"),
    "gap_avg": ("{index} {year}: chưa biết trung bình cả nước của {n}/{total} chỉ số thành phần",
                "{index} {year}: national average unknown for {n} of {total} components"),
    "quiet": ("Không có chỉ số thành phần nào cần rà soát: {names}.",
              "Nothing to review for: {names}."),
    "details": ("Chi tiết theo cơ quan", "Details by agency"),
    "others": ("Các chỉ số thành phần khác được giao (không cần rà soát): {names}",
               "Other components assigned (not flagged): {names}"),
    "col.index": ("Chỉ số", "Index"),
    "col.component": ("Chỉ số thành phần", "Component"),
    "col.value": ("Năm {year}", "{year}"),
    "col.change": ("Thay đổi", "Change"),
    "col.avg": ("TB cả nước", "National average"),
    "col.flags": ("Lý do rà soát", "Why flagged"),
    "col.track": ("Tiến độ chỉ tiêu", "Progress to target"),
    "docx.title": ("Báo cáo nhanh khi công bố kết quả", "Release-day brief"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


@functools.lru_cache(maxsize=None)
def _names() -> dict[tuple[str, str], tuple[str, str]]:
    from ..data.spec import load_specs

    out: dict[tuple[str, str], tuple[str, str]] = {}
    for spec in load_specs().specs:
        for node_id, node in spec.nodes.items():
            out.setdefault((spec.index, node_id), (node.name_vi, node.name_en))
    return out


def component_name(index: str, component: str, lang: str) -> str:
    """A component's name in ``lang`` from any era of its index (the id where none has it)."""
    pair = _names().get((index, component))
    return component if pair is None else pair[lang == "en"]


def via_names(index: str, via: str, lang: str) -> str:
    """``via`` (component ids joined by "; ") as names."""
    return "; ".join(component_name(index, c.strip(), lang) for c in str(via).split(";") if c.strip())


def _finite(value) -> bool:
    try:
        return value is not None and not pd.isna(value) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num(value) -> str:
    return f"{float(value):.2f}" if _finite(value) else "—"


def _signed(value) -> str:
    return f"{float(value):+.2f}" if _finite(value) else "—"


def _name(row, lang: str) -> str:
    return row["name_vi"] if lang == "vi" else row["name_en"]


def _parts(report) -> pd.DataFrame:
    """One row per index × component below the composite."""
    comps = report.components
    return comps[comps["level"].astype(int) > 0]


def _by_index(rows: pd.DataFrame, lang: str, item) -> list[str]:
    """One line per index: its components, each with ``item(row)``."""
    return [f"{index_label(index, lang)} ({len(group)}): "
            + "; ".join(f"{_name(r, lang)} {item(r)}" for _, r in group.iterrows())
            for index, group in rows.groupby("index", sort=False)]


def _fell(report) -> pd.DataFrame:
    comps = _parts(report)
    return comps[comps["fell"].fillna(False).astype(bool)]


def _below(report) -> pd.DataFrame:
    comps = _parts(report)
    return comps[comps["below_average"].fillna(False).astype(bool)]


def fell_lines(report, lang: str) -> list[str]:
    """What fell, one line per index: each component with its change."""
    return _by_index(_fell(report), lang, lambda r: f"({_signed(r['change'])})")


def below_lines(report, lang: str) -> list[str]:
    """What is below the national average, one line per index: value against the average."""
    return _by_index(_below(report), lang,
                     lambda r: f"({_num(r['value'])} < {_num(r['national_average'])})")


def due_text(report, lang: str) -> str:
    from .monitor_report import WORKING_DAYS

    if report.deadline is not None:
        return _t("by_date", lang, date=report.deadline.strftime("%d/%m/%Y"))
    return _t("by_days", lang, days=WORKING_DAYS)


def agency_table(report, lang: str) -> pd.DataFrame:
    """Who acts, on what, by when: one row per agency with components to review."""
    table = report.table
    flagged = table[table["flagged"].fillna(False).astype(bool)]
    rows = []
    for agency_id, vi, en in report._agency_order():
        mine = flagged[flagged["agency_id"] == agency_id]
        if mine.empty:
            continue
        names = list(dict.fromkeys(f"{index_label(r['index'], lang)} · {_name(r, lang)}"
                                   for _, r in mine.iterrows()))
        rows.append({_t("col.agency", lang): vi if lang == "vi" else en,
                     _t("col.count", lang): len(names),
                     _t("col.components", lang): "; ".join(names)})
    unowned = flagged[flagged["agency_id"].isna()]
    if len(unowned):
        names = [f"{index_label(r['index'], lang)} · {_name(r, lang)}" for _, r in unowned.iterrows()]
        rows.append({_t("col.agency", lang): _t("unowned", lang), _t("col.count", lang): len(names),
                     _t("col.components", lang): "; ".join(names)})
    return pd.DataFrame(rows, columns=[_t(k, lang) for k in ("col.agency", "col.count",
                                                            "col.components")])


def gap_lines(report, lang: str) -> list[str]:
    """Each index's missing previous years and national averages, said once."""
    comps = _parts(report)
    out = []
    for index, rows in comps.groupby("index", sort=False):
        label, total = index_label(index, lang), len(rows)
        no_prev = int((~rows["change"].map(_finite)).sum())
        no_avg = int((~rows["national_average"].map(_finite)).sum())
        if no_prev:
            out.append(_t("gap_prev", lang, index=label, year=report.year, n=no_prev, total=total))
        if no_avg:
            out.append(_t("gap_avg", lang, index=label, year=report.year, n=no_avg, total=total))
    return out


def summary_blocks(report, lang: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) of the one-screen summary after the per-index lines: what fell,
    what is below average, what could not be judged."""
    none = [_t("none", lang)]
    fell, below = fell_lines(report, lang), below_lines(report, lang)
    blocks = [(_t("fell", lang, n=len(_fell(report))), fell or none),
              (_t("below", lang, n=len(_below(report))), below or none)]
    gaps = gap_lines(report, lang)
    if gaps:
        blocks.append((_t("gaps", lang), gaps))
    return blocks


def detail_table(report, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The components to review of one agency: figures, why flagged, link and progress."""
    out = []
    for _, r in rows.iterrows():
        change = _signed(r["change"])
        if _finite(r["change"]):
            change += f" ({int(r['previous_year'])}: {_num(r['previous_value'])})"
        out.append({_t("col.index", lang): index_label(r["index"], lang),
                    _t("col.component", lang): _name(r, lang),
                    _t("col.value", lang, year=report.year): _num(r["value"]),
                    _t("col.change", lang): change,
                    _t("col.avg", lang): _num(r["national_average"]),
                    _t("col.flags", lang): report._flags(r, lang),
                    _t("col.track", lang): report._track(r, lang)})
    frame = pd.DataFrame(out, columns=[_t(k, lang, year=report.year) for k in (
        "col.index", "col.component", "col.value", "col.change", "col.avg", "col.flags", "col.track")])
    if not frame[_t("col.track", lang)].astype(bool).any():
        frame = frame.drop(columns=[_t("col.track", lang)])
    return frame


def other_names(rows: pd.DataFrame, lang: str) -> str:
    return "; ".join(dict.fromkeys(f"{index_label(r['index'], lang)} · {_name(r, lang)}"
                                   for _, r in rows.iterrows()))


# -- the Word brief ------------------------------------------------------------------------
def docx_path(report, folder: str | Path, lang: str) -> Path:
    return Path(folder) / f"{report.file_stem()}.{lang}.docx"


def docx_bytes(report, lang: str) -> bytes:
    """The brief as a Word document (python-docx): title, duty and deadline, the summary
    (per index, what fell, what is below average, the agencies' table), one section per
    agency with its table of components to review; the same bytes for the same report."""
    import io

    import docx
    from docx.shared import Pt

    from .monitor_report import AGENCY_RULE

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    head = report._header(lang)
    document.add_heading(head[0], level=0)
    for line in head[1:]:
        document.add_paragraph(line)
    document.add_heading(_t("summary", lang), level=1)
    for line in report._summary_lines(lang):
        document.add_paragraph(line, style="List Bullet")
    for heading, lines in summary_blocks(report, lang):
        document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(line, style="List Bullet")
    document.add_heading(_t("act", lang, due=due_text(report, lang)), level=2)
    agencies = agency_table(report, lang)
    if agencies.empty:
        document.add_paragraph(_t("act_none", lang))
    else:
        _table(document, agencies)
    document.add_heading(_t("details", lang), level=1)
    for heading, flagged, other, other_head in report._sections(lang):
        if flagged.empty:
            continue
        document.add_heading(heading, level=2)
        _table(document, detail_table(report, flagged, lang))
        if len(other):
            document.add_paragraph(_t("others", lang, names=other_names(other, lang)))
    document.add_paragraph(AGENCY_RULE(lang))
    for note in report.notes:
        document.add_paragraph(note(lang))
    # fixed document properties: the same report gives the same bytes
    props = document.core_properties
    import datetime as _dt
    fixed = _dt.datetime(2000, 1, 1)
    props.created = props.modified = fixed
    props.last_printed = fixed
    props.author = props.last_modified_by = "indexmodel"
    props.title = head[0]
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


def _table(document, frame: pd.DataFrame) -> None:
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)


def _stable_zip(data: bytes) -> bytes:
    """The .docx (a zip) with fixed member timestamps."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
