"""What data exists (notebook 90): inventory, coverage by index and year, sources and the
methodology eras.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

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
                data_label("era", lang): spec.era if spec else "—",
                data_label("components", lang): n_comp,
                data_label("composites", lang): n_res,
                data_label("status", lang): _STATUS[status][0 if lang == "vi" else 1],
                data_label("missing", lang): text or "—",
            })
    return pd.DataFrame(rows)


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
                         col("source", lang): source})
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
                         data_label("era", lang): spec.era,
                         pick("years"): f"{spec.valid_from}–{spec.valid_to or ''}",
                         pick("components"): len(spec.ids) - 1,
                         pick("verified"): yes if spec.verified else no,
                         pick("published_only"): ", ".join(map(str, published)) or "—",
                         pick("note"): spec.note or ""})
    return pd.DataFrame(rows)
