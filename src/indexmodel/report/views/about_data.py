"""What data exists (notebook 90): inventory, coverage by index and year, sources and the
methodology eras.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from ...core.cache import memo
from ...core.errors import IndexModelError
from ...core.i18n import check_lang, index_label, t
from .common import KIND_LABELS, col, data_label


_STATUS = {
    "full": ("đủ điểm thành phần của mọi tỉnh", "component values of every province"),
    "partial": ("điểm thành phần của một phần các tỉnh", "component values of some provinces"),
    "published": ("chỉ có kết quả công bố (điểm tổng hợp/thứ hạng)",
                  "published results only (composite/rank)"),
    "published_only": ("điểm tổng hợp giữ nguyên như công bố, không tính lại",
                       "composites kept as published, never recomputed"),
    "none": ("không có số liệu", "no data"),
}


def data_tables(extra: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The shipped peer tables (and the analyst's), by kind."""
    from ...data.peers import default_peers, default_region_means, default_results

    tables = {"components": default_peers(), "results": default_results(),
              "region_means": default_region_means()}
    if extra is not None:
        tables["analyst"] = extra
    return tables


@memo(maxsize=8, copy=True)  # the same for every province of a run
def data_inventory(tables: Mapping[str, pd.DataFrame], lang: str = "vi") -> pd.DataFrame:
    """Counts by index, year and kind: rows, provinces, components, composites, ranks."""
    rows = []
    for kind, frame in tables.items():
        for (index, year), group in frame.groupby(["index", "year"], sort=True):
            rows.append({
                "index": index, "year": int(year), "kind": kind,
                "rows": len(group),
                "provinces": int(group["province"].nunique()) if "province" in group else
                int(group["region"].nunique()),
                "components": int(group["component"].nunique()) if "component" in group else 0,
                "composites": int(group["composite"].notna().sum()) if "composite" in group else 0,
                "ranks": int(group["rank"].notna().sum()) if "rank" in group else 0,
                "sources": int(group["source"].nunique()) if "source" in group else 0,
            })
    frame = pd.DataFrame(rows).sort_values(["index", "year", "kind"], kind="stable")
    return _localize_inventory(frame.reset_index(drop=True), lang)


def _localize_inventory(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["index"] = [index_label(i, "en") for i in out["index"]]
    out["kind"] = [KIND_LABELS[k][0 if lang == "vi" else 1] for k in out["kind"]]
    names = {"index": col("index", lang), "year": col("year", lang), "kind": data_label("kind", lang),
             "rows": data_label("rows", lang), "provinces": data_label("provinces", lang),
             "components": data_label("components", lang),
             "composites": data_label("composites", lang), "ranks": data_label("ranks", lang),
             "sources": data_label("sources", lang)}
    return out.rename(columns=names)


@memo(maxsize=8, copy=True)  # the same for every province of a run
def data_coverage(tables: Mapping[str, pd.DataFrame], until: int, lang: str = "vi"
                  ) -> pd.DataFrame:
    """Per index and year (from its first methodology era to ``until``): what the data
    holds, the era, whether its composites are published-only, and what is missing."""
    from ...data.provinces import all_provinces
    from ...data.spec import INDICES, load_specs

    book = load_specs()
    comps, results = tables["components"], tables["results"]
    if "analyst" in tables:
        comps = pd.concat([comps, tables["analyst"]], ignore_index=True)
    rows = []
    for index in INDICES:
        first = min(s.valid_from for s in book.eras(index))
        for year in range(first, until + 1):
            try:
                spec = book.spec_for(index, year)
            except IndexModelError:
                spec = None
            n_all = len(all_provinces(year))
            c = comps[(comps["index"] == index) & (comps["year"] == year)]
            r = results[(results["index"] == index) & (results["year"] == year)]
            n_comp = int(c["province"].nunique())
            n_res = int(r["province"].nunique())
            if spec is not None and spec.is_published_only(year) and n_res:
                status = "published_only"
            elif n_comp >= n_all - 2 and n_comp:
                status = "full"
            elif n_comp:
                status = "partial"
            elif n_res:
                status = "published"
            else:
                status = "none"
            missing = []
            if status in ("partial", "published"):
                missing.append(("điểm thành phần của {n} tỉnh", "component values of {n} provinces",
                                n_all - n_comp))
            if status in ("partial", "published") and n_res < n_all:
                missing.append(("điểm tổng hợp/thứ hạng của {n} tỉnh",
                                "composites/ranks of {n} provinces", n_all - n_res))
            if status == "none":
                missing.append(("toàn bộ", "everything", None))
            text = "; ".join((vi if lang == "vi" else en).format(n=n) for vi, en, n in missing)
            rows.append({
                col("index", lang): index_label(index, "en"),
                col("year", lang): year,
                data_label("era", lang): spec.era_name(lang) if spec else "—",
                data_label("components", lang): n_comp,
                data_label("composites", lang): n_res,
                data_label("status", lang): _STATUS[status][0 if lang == "vi" else 1],
                data_label("missing", lang): text or "—",
            })
    return pd.DataFrame(rows)


_PLAN_SOURCE = ("Kế hoạch của tỉnh (văn bản gốc)", "the province's plan (original text)")


#: How the shipped tables' sources say what they are, in Vietnamese: each rule a pattern of
#: the English description and its Vietnamese (the citation itself — publisher, web address,
#: repository path, the publisher's own file and sheet — is kept as it is, to be found).
#: A test reads every shipped source through these rules and finds no English left.
_SOURCE_VI: tuple[tuple[str, str], ...] = (
    (r"^(CECODES/VFF-CRT/RTA/UNDP|VCCI) (PAPI|PCI) (\d{4}) official workbook \((\S+), sheet (\S+)\)$",
     r"Bảng tính chính thức \2 \3 của \1 (tệp \4, trang tính \5)"),
    (r"\(sheet (\S+)\)", r"(trang tính \1)"),
    (r"\(figures are VCCI's official PCI sub-index scores\)",
     "(số liệu là điểm các chỉ số thành phần PCI chính thức của VCCI)"),
    (r"\(figures from the official UNDP/CECODES PAPI provincial files in data/raw/\)",
     "(số liệu lấy từ các tệp PAPI cấp tỉnh chính thức của UNDP/CECODES, thư mục data/raw/)"),
    (r"^papi_results_2015_2023\.csv \(no total for the province that year; "
     r"dimensions from papi_dimensions_2015_2023\.csv\)$",
     "Bảng kết quả PAPI 2015–2023 đã công bố (năm đó tỉnh không có điểm tổng hợp; điểm các "
     "lĩnh vực lấy từ bảng lĩnh vực PAPI 2015–2023 đã công bố)"),
    (r"; rank: ", "; thứ hạng: "),
    (r"\(([^()]*?) (\d{4}) announcement: the (\d{4}) comparison\)", r"(công bố \1 \2: so sánh với năm \3)"),
    (r"\(([^()]*?) (\d{4}) announcement; policy area ([\d.]+), services area ([\d.]+)\)",
     r"(công bố \1 \2; lĩnh vực chính sách \3, lĩnh vực dịch vụ \4)"),
    (r"\(([^()]*?) (\d{4}) announcement; (\d+) of (\d+) provinces above the mean\)",
     r"(công bố \1 \2; \3/\4 tỉnh trên mức trung bình)"),
    (r"\(([^()]*?) (\d{4}) announcement\)", r"(công bố \1 \2)"),
    (r"\(([^()]*?) (\d{4}) report\)", r"(báo cáo \1 \2)"),
    (r"\(PAR INDEX tag page\)", "(trang tin về PAR INDEX)"),
    (r"\(PAR INDEX and SIPAS (\d{4})\)", r"(PAR INDEX và SIPAS \1)"),
)


def source_label(source: str, lang: str = "vi") -> str:
    """A source as a reader names it: the plan's own text by what it is, not by its file;
    in Vietnamese, what the source is said in Vietnamese (:data:`_SOURCE_VI`)."""
    import re

    text = re.sub(r"^seed plan(?: [0-9a-f_]+\.txt)?", _PLAN_SOURCE[lang != "vi"], str(source))
    if lang == "vi":
        for pattern, vietnamese in _SOURCE_VI:
            text = re.sub(pattern, vietnamese, text)
    return text


@memo(maxsize=8, copy=True)  # the same for every province of a run
def source_list(tables: Mapping[str, pd.DataFrame], lang: str = "vi") -> pd.DataFrame:
    """Each distinct source, with the index, the years and the kind of table it feeds."""
    rows = []
    for kind, frame in tables.items():
        if "source" not in frame:
            continue
        for (index, source), group in frame.groupby(["index", "source"], sort=True):
            years = sorted({int(y) for y in group["year"]})
            rows.append({col("index", lang): index_label(index, "en"),
                         data_label("kind", lang): KIND_LABELS[kind][0 if lang == "vi" else 1],
                         col("year", lang): ", ".join(map(str, years)),
                         data_label("rows", lang): len(group),
                         col("source", lang): source_label(source, lang)})
    frame = pd.DataFrame(rows)
    return frame.sort_values([col("index", lang), col("year", lang)], kind="stable") \
        .reset_index(drop=True)


def era_table(lang: str = "vi") -> pd.DataFrame:
    """The methodology eras of every index: years, weights verified, published-only years."""
    from ...data.spec import INDICES, load_specs

    check_lang(lang)
    yes, no = t("yes", lang), t("no", lang)
    labels = {"years": ("Các năm", "Years"), "verified": ("Trọng số đã kiểm chứng",
                                                        "Weights verified"),
              "published_only": ("Năm chỉ dùng điểm công bố", "Published-only years"),
              "fitted": ("ước lượng từ số liệu công bố", "fitted from published figures"),
              "components": ("Số thành phần", "Components"), "note": ("Ghi chú", "Note")}
    pick = (lambda key: labels[key][0 if lang == "vi" else 1])
    rows = []
    book = load_specs()
    for index in INDICES:
        for spec in sorted(book.eras(index), key=lambda s: s.valid_from):
            published = sorted(spec.published_only_years)
            if spec.root.rule == "unknown":
                published = list(range(spec.valid_from, (spec.valid_to or spec.valid_from) + 1))
            rows.append({col("index", lang): index_label(index, "en"),
                         data_label("era", lang): spec.era_name(lang),
                         pick("years"): f"{spec.valid_from}–{spec.valid_to or ''}",
                         pick("components"): len(spec.ids) - 1,
                         pick("verified"): (yes if spec.verified else
                                            pick("fitted") if spec.fitted_weights else no),
                         pick("published_only"): ", ".join(map(str, published)) or "—",
                         pick("note"): spec.note_in(lang) or ""})
    return pd.DataFrame(rows)


_CROSS = {
    "index": ("Chỉ số", "Index"), "year": ("Năm", "Year"), "province": ("Tỉnh/thành phố", "Province"),
    "item": ("Số liệu", "Figure"), "kept": ("Giá trị giữ lại", "Kept"),
    "other": ("Nguồn khác", "Other source"), "status": ("Kết quả so sánh", "Outcome"),
    "note": ("Cách xử lý", "How it is handled"), "n": ("Số lần so sánh", "Comparisons"),
    "item.composite": ("điểm tổng hợp", "composite"), "item.rank": ("thứ hạng", "rank"),
    "item.mean": ("điểm trung bình cả nước", "national mean"),
    "item.component": ("chỉ số thành phần", "sub-index or dimension"),
    "status.agrees": ("khớp (theo cách làm tròn của đơn vị công bố)",
                      "agree (under the publisher's rounding)"),
    "status.differs": ("khác nhau: xử lý riêng", "differ: handled explicitly"),
    "status.superseded": ("thay bằng số tính theo phương pháp mới", "superseded under the new methodology"),
    "status.conflict": ("mâu thuẫn thứ hạng: xử lý riêng", "ranks contradict: handled explicitly"),
    "status.unexpected": ("khác nhau ngoài dự kiến", "unexpected disagreement"),
    "national": ("cả nước", "national"),
}
_CROSS_NOTES_VI = {
    ("papi", 2023, "Binh Dinh"): "Kế hoạch ghi 43,45 (tổng các lĩnh vực của kế hoạch, mỗi lĩnh vực thấp hơn "
                                 "tệp số liệu của UNDP 0,005–0,023); tệp của UNDP ghi 43,5718. Số liệu các "
                                 "tỉnh dùng tệp của UNDP (Bình Định đứng thứ 19); kiểm tra kế hoạch dùng "
                                 "43,45 của kế hoạch (đứng thứ 21) và nêu cả hai.",
    ("papi", 2021, "Ba Ria - Vung Tau"): "Báo của tỉnh ghi 40,62; tệp của UNDP ghi 40,6146. Giữ số của "
                                         "tệp UNDP, như với mọi tỉnh.",
    ("pci", 2023, "Binh Dinh"): "66,26 là các chỉ số thành phần của kế hoạch theo trọng số 2013–2021 (khoảng "
                                "hạng 30); từ năm 2022 trọng số đã thay đổi: 67,45, phù hợp với hạng 25 "
                                "đã công bố. Giữ 67,45.",
    ("pci", 2023, "Dien Bien"): "66,87 (hạng 31) được suy ra từ báo cáo của tỉnh (mức thay đổi đã làm tròn) "
                                "và cao hơn 66,79 của Thanh Hóa (hạng 30, đã công bố). Giữ nguyên kèm ghi "
                                "chú; khi xếp hạng, số liệu công bố được ưu tiên.",
    ("pci", 2017, "national"): "Một bài báo ghi điểm trung bình cả nước 60,2; trung bình của 63 tỉnh đã "
                               "công bố là 62,40. Giữ cả hai; khi có bảng đầy đủ, các phân tích dùng "
                               "trung bình của bảng.",
}


def _cx(key: str, lang: str) -> str:
    vi, en = _CROSS[key]
    return vi if lang == "vi" else en


def cross_checks(lang: str = "vi") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where two sources give one figure (``data/peers/reconciliation.csv``): the number of
    comparisons by index, year and outcome, and every comparison that does not simply
    agree, with how it is handled."""
    from ...core.paths import peers_dir
    from ...data.provinces import resolve

    check_lang(lang)
    frame = pd.read_csv(peers_dir() / "reconciliation.csv", keep_default_na=False)
    kind = ["composite" if i == "composite" else "rank" if i == "rank" else "mean" if i == "mean"
            else "component" for i in frame["item"]]
    frame = frame.assign(kind=kind)
    counts = (frame.groupby(["index", "year", "kind", "status"], sort=True).size()
              .reset_index(name="n"))
    summary = pd.DataFrame({
        _cx("index", lang): [index_label(i, "en") for i in counts["index"]],
        _cx("year", lang): counts["year"].astype(int),
        _cx("item", lang): [_cx(f"item.{k}", lang) for k in counts["kind"]],
        _cx("status", lang): [_cx(f"status.{s}", lang) for s in counts["status"]],
        _cx("n", lang): counts["n"].astype(int),
    })
    odd = frame[frame["status"] != "agrees"]

    def place(name: str) -> str:
        return _cx("national", lang) if name == "national" else resolve(name).name(lang)

    def note(rec) -> str:
        if lang == "vi":
            return _CROSS_NOTES_VI.get((rec["index"], int(rec["year"]), rec["province"]), rec["note"])
        return rec["note"]

    detail = pd.DataFrame({
        _cx("index", lang): [index_label(i, "en") for i in odd["index"]],
        _cx("year", lang): odd["year"].astype(int).to_numpy(),
        _cx("province", lang): [place(p) for p in odd["province"]],
        _cx("item", lang): [_cx(f"item.{k}", lang) for k in odd["kind"]],
        _cx("kept", lang): [f"{v:.4f}".rstrip("0").rstrip(".") for v in odd["kept"]],
        _cx("other", lang): [f"{v:.4f}".rstrip("0").rstrip(".") for v in odd["other"]],
        _cx("status", lang): [_cx(f"status.{s}", lang) for s in odd["status"]],
        _cx("note", lang): [note(r) for r in odd.to_dict("records")],
    })
    return summary, detail.reset_index(drop=True)


_FIT = {
    "component": ("Chỉ số thành phần", "Sub-index"),
    "least_squares": ("Bình phương tối thiểu", "Least squares"),
    "fitted": ("Trọng số từ 2022 (ước lượng)", "Weight from 2022 (fitted)"),
    "previous": ("Trọng số 2013–2021", "Weight 2013–2021"),
    "year": ("Năm", "Year"), "province": ("Tỉnh/thành phố", "Province"),
    "published": ("Điểm công bố", "Published"), "composite": ("Tính theo trọng số ước lượng", "Fitted weights"),
    "residual": ("Chênh lệch", "Residual"),
    "composite_previous": ("Theo trọng số 2013–2021", "2013–2021 weights"),
    "residual_previous": ("Chênh lệch (2013–2021)", "Residual (2013–2021)"),
    "role": ("Vai trò", "Role"),
    "role.fit": ("dùng để ước lượng", "fitted on"), "role.check": ("kiểm tra ngoài mẫu", "out-of-sample check"),
    "role.excluded": ("không dùng (nghi nhập sai một chỉ số)", "not used (likely a mis-keyed sub-index)"),
}


def _fx(key: str, lang: str) -> str:
    vi, en = _FIT[key]
    return vi if lang == "vi" else en


def fitted_weights(lang: str = "vi"):
    """The PCI weights from 2022, fitted from published figures
    (:func:`indexmodel.model.weight_fit.fit_weights`): the weights (least squares, snapped
    to 5% steps, the 2013–2021 ones) and every province profile's residual. None where no
    era has fitted weights."""
    from ...data.peers import default_peers, default_results
    from ...data.provinces import resolve
    from ...data.spec import INDICES, load_specs
    from ...model.weight_fit import fit_weights

    check_lang(lang)
    book = load_specs()
    for index in INDICES:
        for spec in book.eras(index):
            if not spec.fitted_weights:
                continue
            previous = book.spec_for(index, spec.valid_from - 1)
            fit = fit_weights(default_peers(), default_results(), spec, previous=previous)
            weights = fit.weight_table()
            weights = pd.DataFrame({
                _fx("component", lang): [spec.name(c, lang) for c in weights["component"]],
                _fx("least_squares", lang): [f"{100 * v:.1f}%" for v in weights["least_squares"]],
                _fx("fitted", lang): [f"{100 * v:.0f}%" for v in weights["fitted"]],
                _fx("previous", lang): [f"{100 * v:.0f}%" for v in weights["previous"]],
            })
            prof = fit.profiles
            profiles = pd.DataFrame({
                _fx("year", lang): prof["year"].astype(int),
                _fx("province", lang): [resolve(p).name(lang) for p in prof["province"]],
                _fx("published", lang): [f"{v:.2f}" for v in prof["published"]],
                _fx("composite", lang): [f"{v:.3f}" for v in prof["composite"]],
                _fx("residual", lang): [f"{round(v, 3) + 0.0:+.3f}" for v in prof["residual"]],
                _fx("composite_previous", lang): [f"{v:.3f}" for v in prof["composite_previous"]],
                _fx("residual_previous", lang): [f"{round(v, 3) + 0.0:+.3f}"
                                                 for v in prof["residual_previous"]],
                _fx("role", lang): [_fx(f"role.{r}", lang) for r in prof["role"]],
            })
            return fit, weights, profiles
    return None
