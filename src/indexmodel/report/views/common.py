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
