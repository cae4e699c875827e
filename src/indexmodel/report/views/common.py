"""Helpers every notebook family shares: display, text formatting, rounding for CSV, and the
column labels of the overview (00) and about-the-data (90) tables.
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

from ...core.i18n import check_lang


def show(*items) -> None:
    """Display each item in a notebook: text as Markdown, anything else as itself."""
    from IPython.display import Markdown, display

    for item in items:
        if item is None:
            continue
        display(Markdown(item) if isinstance(item, str) else item)


def _pick(pair: tuple[str, str], lang: str, **values) -> str:
    text = pair[0] if lang == "vi" else pair[1]
    return text.format(**values) if values else text


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines if line)


def _fmt(value, digits: int = 2, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _pct(value) -> str:
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        return "—"
    return f"{float(value):.0%}"


_OVERVIEW = {
    "index": ("Chỉ số", "Index"),
    "baseline": ("Điểm {year}", "Score {year}"),
    "target": ("Điểm theo chỉ tiêu {year}", "Score of the {year} targets"),
    "gain": ("Mức tăng", "Gain"),
    "range": ("Khoảng (thiết lập chưa kiểm chứng)", "Range (unverified settings)"),
    "rank": ("Thứ hạng {year}", "Rank {year}"),
    "goal": ("Mục tiêu {year}", "Goal {year}"),
    "findings": ("Điểm không nhất quán", "Inconsistencies"),
    "component": ("Thành phần", "Component"),
    "finding": ("Nội dung", "Finding"),
    "year": ("Năm", "Year"),
    "best": ("Cao nhất đã biết", "Best known"),
    "max": ("Tối đa", "Maximum"),
    "composite": ("Điểm tổng hợp", "Composite"),
    "ranked": ("Số tỉnh được xếp hạng", "Provinces ranked"),
    "source": ("Nguồn", "Source"),
}


def col(key: str, lang: str, **values) -> str:
    """A column label of the overview tables in ``lang``."""
    check_lang(lang)
    vi, en = _OVERVIEW[key]
    return (vi if lang == "vi" else en).format(**values)


KIND_LABELS = {
    "components": ("Điểm thành phần", "Component values"),
    "results": ("Kết quả công bố", "Published results"),
    "region_means": ("Điểm trung bình vùng", "Regional means"),
    "analyst": ("Tệp của người dùng", "Analyst's file"),
}


_DATA = {
    "kind": ("Loại số liệu", "Kind"),
    "rows": ("Số dòng", "Rows"),
    "provinces": ("Số tỉnh", "Provinces"),
    "components": ("Số thành phần", "Components"),
    "composites": ("Có điểm tổng hợp", "With composite"),
    "ranks": ("Có thứ hạng", "With rank"),
    "status": ("Tình trạng", "Status"),
    "sources": ("Nguồn", "Sources"),
    "missing": ("Còn thiếu", "Missing"),
    "era": ("Phương pháp", "Methodology era"),
}


def data_label(key: str, lang: str) -> str:
    check_lang(lang)
    table = {**_DATA, **KIND_LABELS, **_OVERVIEW}
    vi, en = table[key]
    return vi if lang == "vi" else en


def _rounded(frame: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """A table for CSV: floats rounded (byte-repeatable), text kept."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


# -- tables as a reader sees them ------------------------------------------------------------
def _decimals(values) -> int | None:
    """Decimals for a column's numbers: none where all are whole, else two (three or four
    where the view kept that many for small quantities) — one count per column, so "2.00"
    stands beside "0.62", never "2.0"."""
    finite = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
              and math.isfinite(float(v))]
    if not finite:
        return None
    if all(v == round(v) for v in finite) and all(isinstance(v, int) or abs(v) < 1e15 for v in finite):
        return 0
    for places in (2, 3, 4):  # the fewest that show every value as the view rounded it
        if all(abs(round(v, places) - v) < 1e-9 for v in finite):
            return places
    return 2  # unrounded values: two decimals


def reader_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a reader sees it: its index a first column (one header row, no row
    numbers), numbers with one count of decimals per column, blanks as "—"."""
    out = frame.copy()
    if not isinstance(out.index, pd.RangeIndex) or out.index.name is not None:
        out = out.reset_index()
    elif len(out) and not (out.index == pd.RangeIndex(len(out))).all():
        out = out.reset_index(drop=True)
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        values = out[col].tolist()
        places = _decimals(values)
        if places is None:
            out[col] = ["—" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA
                        else v for v in values]
            continue
        out[col] = [(f"{float(v):.{places}f}" if isinstance(v, (int, float)) and not isinstance(v, bool)
                     and math.isfinite(float(v)) else
                     ("—" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v))
                    for v in values]
    return out


def table_html(frame: pd.DataFrame) -> str:
    """The table as HTML: no row numbers, one header row, long names wrapped (not cut)."""
    body = reader_frame(frame).to_html(index=False, border=0, escape=True, na_rep="—")
    return body.replace('<table class="dataframe">',
                        '<table class="dataframe" style="white-space: normal">', 1)


def table_text(frame: pd.DataFrame) -> str:
    return reader_frame(frame).to_string(index=False)


def install_table_display() -> None:
    """In a notebook, show every DataFrame as :func:`table_html` (and :func:`table_text`)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, table_html)
    formatters["text/plain"].for_type(pd.DataFrame, lambda obj, p, cycle: p.text(table_text(obj)))
