"""Labels an analyst reads, in Vietnamese (with diacritics) and English.

``t(key, lang)`` gives the label; ``t(key, lang, **values)`` fills its ``{fields}``.
Component names come from the specs (``Spec.name(id, lang)``), province names from
the registry; this module holds everything else a table, report or figure shows.
"""

from __future__ import annotations

from .errors import UsageError

LANGS = ("vi", "en")

LABELS: dict[str, tuple[str, str]] = {
    # indices
    "index.papi": ("Chỉ số PAPI", "PAPI"),
    "index.sipas": ("Chỉ số SIPAS", "SIPAS"),
    "index.par_index": ("Chỉ số PAR INDEX", "PAR INDEX"),
    "index.pci": ("Chỉ số PCI", "PCI"),
    # table columns
    "col.component": ("Thành phần", "Component"),
    "col.level": ("Cấp", "Level"),
    "col.baseline": ("Năm {year}", "{year}"),
    "col.target": ("Chỉ tiêu {year}", "Target {year}"),
    "col.gain": ("Mức tăng", "Gain"),
    "col.max": ("Tối đa", "Maximum"),
    "col.points_per_unit": ("Điểm tổng hợp / 1 đơn vị", "Composite points per unit"),
    "col.contribution": ("Đóng góp vào điểm tổng hợp", "Contribution to composite"),
    "col.share": ("Tỷ trọng mức tăng", "Share of gain"),
    "col.rank": ("Thứ hạng", "Rank"),
    "col.province": ("Tỉnh/thành phố", "Province"),
    "col.score": ("Điểm", "Score"),
    "col.value": ("Giá trị", "Value"),
    "col.source": ("Nguồn", "Source"),
    # plan check
    "plan.title": ("KIỂM TRA KẾ HOẠCH — {province}: năm {baseline} so với chỉ tiêu {target}",
                   "PLAN CHECK — {province}: {baseline} results against {target} targets"),
    "plan.baseline_composite": ("Điểm tổng hợp {year}", "Composite {year}"),
    "plan.target_composite": ("Điểm tổng hợp theo chỉ tiêu {year}", "Composite of the {year} targets"),
    "plan.gain": ("Mức tăng điểm tổng hợp", "Composite gain"),
    "plan.unverified": ("dựa trên thiết lập chưa kiểm chứng; khoảng theo các thiết lập hợp lý mà các mốc công bố "
                        "còn giữ lại: {low} – {high}",
                        "rests on unverified settings; range over the plausible settings the published "
                        "anchors leave: {low} – {high}"),
    "plan.not_computable": ("không tính được", "not computable"),
    "plan.ranks": ("Thứ hạng: {year} {rank}; mục tiêu {target_year}: {goal}",
                   "Rank: {year} {rank}; goal for {target_year}: {goal}"),
    "plan.top": ("trong {rank} địa phương dẫn đầu", "within the top {rank}"),
    "plan.regional_goal": ("vị trí {rank}/{out_of} trong vùng", "{rank} of {out_of} in the region"),
    "plan.group_goal": ("nhóm {group}", "group: {group}"),
    "plan.inconsistencies": ("Điểm không nhất quán trong số liệu của kế hoạch",
                             "Inconsistencies in the plan's own numbers"),
    "plan.none_found": ("không có", "none"),
    "plan.target_below_baseline": ("{name} ({component}): chỉ tiêu {target:.4g} thấp hơn kết quả {baseline:.4g}",
                                   "{name} ({component}): target {target:.4g} is below the result {baseline:.4g}"),
    "plan.composite_not_stated": ("Kế hoạch không nêu điểm tổng hợp; giá trị trên được tính từ các thành phần",
                                  "The plan states no composite; the figure above is computed from its components"),
    "plan.given_parent": ("{year}: {text}", "{year}: {text}"),
    "plan.implied_rank": ("Thứ hạng mà các chỉ tiêu thành phần ngụ ý (nếu các tỉnh khác giữ nguyên điểm năm gốc): {interval}. {prob}",
                          "Rank implied by the component targets (peers as they stood in the baseline year): {interval}. {prob}"),
    # generic
    "unknown": ("chưa biết", "unknown"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UsageError(f"unknown language '{lang}'", hint="use vi or en")
    return lang


def translate(labels: dict[str, tuple[str, str]], key: str, lang: str = "vi", **values) -> str:
    """``labels[key]`` (a (Vietnamese, English) pair) in ``lang``, with ``values`` filled in.

    Modules keep their own label tables beside the code that shows them and read them
    through this one function.
    """
    check_lang(lang)
    vi, en = labels[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def t(key: str, lang: str = "vi", **values) -> str:
    """The shared label ``key`` in ``lang``, with ``values`` filled in."""
    return translate(LABELS, key, lang, **values)


def index_label(index: str, lang: str = "vi") -> str:
    return t(f"index.{index}", lang)


# PAPI places provinces in four groups by quartile of the total score.
PAPI_GROUPS = {
    "cao nhất": "highest",
    "trung bình cao": "upper-middle",
    "trung bình thấp": "lower-middle",
    "thấp nhất": "lowest",
}


def group_label(text: str, lang: str = "vi") -> str:
    """'trung bình cao trở lên' in either language ('upper-middle group or above')."""
    check_lang(lang)
    if lang == "vi":
        return text
    base = text.replace("trở lên", "").strip()
    english = PAPI_GROUPS.get(base, base)
    return f"{english} group or above" if "trở lên" in text else f"{english} group"
