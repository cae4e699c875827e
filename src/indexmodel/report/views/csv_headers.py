"""The report CSVs as Excel opens them: UTF-8 with a byte-order mark (Excel on a Vietnamese
Windows reads it as Unicode, not as a code page), headers in the reader's language.

The tables beside a report keep one row per item and their values as computed; their
headers are the English column ids in an English run and Vietnamese labels in a Vietnamese
one (:data:`HEADERS_VI`; a column of the form ``<scenario>_rank_gain_low`` and the like is
named from its parts). Machine outputs (``indexmodel score``, ``backtest``, ``etl``) are
not these: they keep English ids.
"""

from __future__ import annotations

import re

import pandas as pd

#: Vietnamese headers of the report CSVs' columns.
HEADERS_VI: dict[str, str] = {
    "index": "Chỉ số", "year": "Năm", "province": "Tỉnh/thành phố", "component": "Mã chỉ số thành phần",
    "name_vi": "Tên (tiếng Việt)", "name_en": "Tên (tiếng Anh)", "value": "Giá trị", "rank": "Thứ hạng",
    "level": "Cấp", "points": "Điểm tổng hợp tăng", "basis": "Cơ sở", "ranked": "Số tỉnh xếp hạng",
    "points_per_unit": "Điểm tổng hợp / 1 đơn vị", "max": "Tối đa", "agencies_vi": "Cơ quan",
    "agencies_en": "Cơ quan (tiếng Anh)", "tasks": "Số nhiệm vụ", "status": "Tình trạng",
    "setting": "Thiết lập", "no_owner": "Chưa giao cơ quan", "new_value": "Giá trị mới", "move": "Mức thay đổi",
    "low": "Thấp nhất", "high": "Cao nhất", "leverage_rank": "Thứ tự đòn bẩy", "leverage": "Đòn bẩy",
    "kind": "Loại", "gap": "Chênh lệch", "frontier_value": "Giá trị tốt nhất", "difficulty": "Độ khó",
    "default": "Theo thiết lập đang dùng", "cost": "Chi phí", "cap": "Mức tăng tối đa một năm",
    "previous_year": "Năm trước", "contribution": "Đóng góp vào điểm tổng hợp", "composite": "Điểm tổng hợp",
    "change": "Thay đổi", "weights": "Trọng số", "weighting": "Cách lấy trọng số", "weight_low": "Trọng số thấp",
    "weight_high": "Trọng số cao", "verified": "Đã kiểm chứng", "value_previous": "Giá trị năm trước",
    "target_year": "Năm chỉ tiêu", "target": "Chỉ tiêu", "swing": "Biên độ",
    "ranked_provinces": "Số tỉnh xếp hạng", "ranked_previous": "Số tỉnh xếp hạng năm trước",
    "rank_previous": "Thứ hạng năm trước", "rank_equal": "Thứ hạng (trọng số bằng nhau)",
    "probability": "Xác suất", "points_per_unit_low": "Điểm / 1 đơn vị (thấp)",
    "points_per_unit_high": "Điểm / 1 đơn vị (cao)", "part_label": "Phần", "part": "Mã phần",
    "parent": "Chỉ số cấp trên", "note": "Ghi chú", "missing": "Còn thiếu", "gain": "Mức tăng",
    "default_weight": "Trọng số mặc định", "cumulative": "Cộng dồn", "contribution_low": "Đóng góp (thấp)",
    "contribution_high": "Đóng góp (cao)", "contribution_exact": "Đóng góp chính xác",
    "consistent_low": "Thấp nhất (thiết lập phù hợp)", "consistent_high": "Cao nhất (thiết lập phù hợp)",
    "composite_equal": "Điểm tổng hợp (trọng số bằng nhau)", "component_label": "Chỉ số thành phần",
    "central": "Giá trị trung tâm", "baseline_year": "Năm gốc", "baseline": "Năm gốc (giá trị)",
    "at_weight_low": "Ở trọng số thấp", "at_weight_high": "Ở trọng số cao", "width80": "Độ rộng khoảng 80%",
    "width50": "Độ rộng khoảng 50%", "when": "Thời hạn", "vi": "Tiếng Việt", "en": "Tiếng Anh",
    "value_source": "Nguồn giá trị", "value_low": "Giá trị thấp", "value_high": "Giá trị cao",
    "unverified": "Chưa kiểm chứng", "train_until": "Học đến năm", "test_year": "Năm kiểm tra",
    "target_low": "Chỉ tiêu (thấp)", "target_high": "Chỉ tiêu (cao)", "target_composite": "Điểm tổng hợp theo chỉ tiêu",
    "source": "Nguồn", "shift_pairs": "Số cặp năm (dịch chuyển chung)", "shift_dof": "Bậc tự do (dịch chuyển chung)",
    "settings": "Thiết lập", "selection_pairs": "Số cặp năm để chọn", "selection_basis": "Cơ sở chọn",
    "same_methodology": "Cùng phương pháp", "reshuffle_pairs": "Số cặp năm (đổi vị trí)",
    "regional_rank_goal": "Mục tiêu hạng trong vùng", "regional_provinces": "Số tỉnh trong vùng",
    "rank_source": "Nguồn thứ hạng", "published_note": "Ghi chú của số công bố",
    "published_composite": "Điểm tổng hợp công bố", "previous_value": "Giá trị năm trước",
    "previous_source": "Nguồn năm trước", "pit_coverage90": "Tỷ lệ trong khoảng 90% (PIT)",
    "pit_coverage50": "Tỷ lệ trong khoảng 50% (PIT)", "percentile_horizon": "Số năm so sánh",
    "pace_gain": "Mức tăng theo tiến độ đều", "p50_exact": "Trung vị trúng", "old_vi": "Cũ",
    "old_en": "Cũ (tiếng Anh)", "old": "Mã cũ", "new_vi": "Mới", "new_en": "Mới (tiếng Anh)", "new": "Mã mới",
    "needed_gain_percentile": "Vị trí của mức còn cần (%)", "national_average": "Trung bình cả nước",
    "naive_mae": "Sai số (giữ nguyên)", "naive_exact": "Trúng (giữ nguyên)", "n": "Số lượng",
    "model_p_below60": "Tỷ lệ PIT dưới 60%", "meanshift_mae": "Sai số (dịch chuyển trung bình)",
    "mean_width": "Độ rộng trung bình", "mae_p50": "Sai số trung vị", "inconsistencies": "Số điểm không nhất quán",
    "imputed": "Được bổ sung", "horizon": "Số năm", "group_goal": "Mục tiêu nhóm", "goal_regional": "Mục tiêu vùng",
    "goal_national": "Mục tiêu cả nước", "gain_needed": "Mức còn cần", "gain_made": "Mức đã tăng",
    "flagged": "Cần rà soát", "fell": "Giảm điểm", "crps": "CRPS", "coverage80": "Tỷ lệ trong khoảng 80%",
    "coverage50": "Tỷ lệ trong khoảng 50%", "coverage": "Tỷ lệ trong khoảng 90%", "correspondence": "Tương ứng",
    "composite_source": "Nguồn điểm tổng hợp", "composite_low": "Điểm tổng hợp (thấp)",
    "composite_high": "Điểm tổng hợp (cao)", "below_average": "Thấp hơn TB cả nước", "baseline_rank": "Thứ hạng năm gốc",
    "baseline_low": "Năm gốc (thấp)", "baseline_high": "Năm gốc (cao)", "baseline_composite": "Điểm tổng hợp năm gốc",
    "average_uncertain": "So sánh với TB chưa chắc", "average_source": "Nguồn TB cả nước",
    "average_n": "Số tỉnh tính TB", "agency_ids": "Mã cơ quan", "agency_id": "Mã cơ quan",
    "agency_vi": "Cơ quan", "agency_en": "Cơ quan (tiếng Anh)", "link": "Liên quan", "via": "Qua chỉ số",
    "pairs": "Số cặp năm", "pci": "PCI", "papi": "PAPI", "sipas": "SIPAS", "par_index": "PAR INDEX",
}
_SCENARIOS = {"typical": "mức điển hình", "target": "đạt chỉ tiêu", "strong": "mức cao", "step_1pct": "bước 1%",
              "frontier": "mức tốt nhất"}
_PARTS = {"rank_gain": "số bậc tăng", "points": "điểm tổng hợp tăng", "move": "mức thay đổi"}
_PATTERN = re.compile(r"^(regional_)?(typical|target|strong|step_1pct|frontier)_(rank_gain|points|move)(_low|_high)?$")


def header(column: str, lang: str) -> str:
    """A report CSV's header in ``lang`` (English: the column id)."""
    if lang != "vi":
        return column
    if column in HEADERS_VI:
        return HEADERS_VI[column]
    match = _PATTERN.match(column)
    if match:
        regional, scenario, part, end = match.groups()
        text = f"{_PARTS[part].capitalize()} ({_SCENARIOS[scenario]})"
        if regional:
            text += " trong vùng"
        if end:
            text += " — thấp" if end == "_low" else " — cao"
        return text
    return column  # already a label (a view's own table)


def excel_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """The table as CSV bytes Excel opens as Unicode: a UTF-8 byte-order mark, headers in
    ``lang``; numbers as the views rounded them (ten significant digits at most, so that
    parts still add up to their total); the same bytes for the same table."""
    from ...core.output import csv_text

    out = frame.copy()
    out.columns = [header(str(c), lang) for c in out.columns]
    return ("\ufeff" + csv_text(out)).encode("utf-8")
