"""The map of provinces in force in an index year, as a table and as text.

:func:`map_table` lists the provinces (to 2024) or provincial units (from 2025) in force
in a year: id, names in Vietnamese and English, region (by :data:`~.provinces.REGION_RULES`
``centre``, and by ``name`` where the two differ), the former provinces each holds, and
the years it exists in. :func:`render_map` is ``indexmodel provinces`` (text or CSV).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from ..core.i18n import check_lang, translate
from .provinces import (REGION_RULES, REGIONS, UNITS_2025, Province, all_provinces, is_merged_unit,
                        map_year, registry, region_of, regions_held)

MAP_COLUMNS = ["id", "name_vi", "name_en", "region", "region_vi", "region_by_name",
               "straddles_regions", "former_provinces_vi", "former_provinces_en", "former_ids",
               "valid_from", "valid_to", "effective", "source"]

LABELS: dict[str, tuple[str, str]] = {
    "title.units": ("{n} đơn vị hành chính cấp tỉnh áp dụng cho năm chỉ số {year} "
                    "(sắp xếp từ {date}, {act})",
                    "{n} provincial units in force for index year {year} "
                    "(the map from {date}, {act})"),
    "title.provinces": ("{n} tỉnh, thành phố áp dụng cho năm chỉ số {year}",
                        "{n} provinces in force for index year {year}"),
    "index_year": ("Năm chỉ số là năm khảo sát mà kết quả mang tên, không phải năm công bố.",
                   "The index year is the survey year the results are named after, whatever "
                   "the release date."),
    "rule": ("Vùng: {rule}.", "Region: {rule}."),
    "straddle": ("* gồm các tỉnh cũ thuộc hai vùng; theo quy tắc khác ({alt}): {region}",
                 "* holds former provinces of two regions; by the other rule ({alt}): {region}"),
    "holds": ("gồm", "holds"),
    "unchanged": ("không đổi", "unchanged"),
    "renamed": ("đổi tên", "renamed"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.region": ("Vùng", "Region"),
    "col.formers": ("Tỉnh cũ", "Former provinces"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


def _source(province: Province) -> str:
    import csv

    from ..core.paths import data_dir

    with (data_dir() / "provinces" / "provinces.csv").open(encoding="utf-8-sig") as fh:
        for rec in csv.DictReader(fh):
            if rec["id"] == province.id:
                return rec["source"]
    return ""  # pragma: no cover - every id comes from that file


def map_table(year: int | None = None) -> pd.DataFrame:
    """The provinces or units in force in ``year`` (default: this year), one row each."""
    year = date.today().year if year is None else int(year)
    reg = registry()
    order = {p.id: i for i, p in enumerate(reg.provinces.values())}
    units = sorted(all_provinces(year),
                   key=lambda p: min(order[f.id] for f in reg.formers(p.id, year)))
    rows = []
    for p in units:
        formers = reg.formers(p.id, year)
        reform = reg.reform_of(p.id, year)
        by_name = region_of(p, rule="name")
        rows.append(dict(
            id=p.id, name_vi=p.name_vi, name_en=p.name_en, region=p.region,
            region_vi=REGIONS[p.region], region_by_name=by_name,
            straddles_regions=is_merged_unit(p) and len(regions_held(p)) > 1,
            former_provinces_vi="; ".join(f.name_vi for f in formers),
            former_provinces_en="; ".join(f.name_en for f in formers),
            former_ids="; ".join(f.id for f in formers),
            valid_from=p.valid_from, valid_to=p.valid_to,
            effective=reform[0].effective.isoformat() if reform else "",
            source=_source(p)))
    frame = pd.DataFrame(rows, columns=MAP_COLUMNS)
    for col in ("valid_from", "valid_to"):
        frame[col] = frame[col].astype("Int64")
    return frame


def render_map(year: int | None = None, fmt: str = "text", lang: str = "vi") -> str:
    """``indexmodel provinces``: the map of ``year`` as text (in ``lang``) or CSV."""
    check_lang(lang)
    year = date.today().year if year is None else int(year)
    table = map_table(year)
    if fmt == "csv":
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    reg = registry()
    first = map_year(year)
    if year >= UNITS_2025:
        reform = next(s for s in reg.successions if s.first_index_year == first and s.centre
                      and s.unit_id != s.former_id and len(reg.reform_of(s.unit_id, year)) > 1)
        act = reform.source.split(" (")[0].split(",")[0]
        if lang == "vi":
            act = act.replace("Resolution ", "Nghị quyết ")
        lines = [_t("title.units", lang, n=len(table), year=year, date=reform.when(lang), act=act)]
    else:
        lines = [_t("title.provinces", lang, n=len(table), year=year)]
    lines.append(_t("index_year", lang))
    if table["straddles_regions"].any():
        lines.append(_t("rule", lang, rule=REGION_RULES["centre"][lang == "en"]))
    lines.append("")
    name_w = max(len(n) for n in table[f"name_{lang}"]) + 2
    region_col = "region_vi" if lang == "vi" else "region"
    region_w = max(len(r) for r in table[region_col]) + 2
    notes = []
    for rec in table.to_dict("records"):
        formers = rec[f"former_provinces_{lang}"].split("; ")
        mark = "*" if rec["straddles_regions"] else " "
        if rec["former_ids"] == rec["id"]:
            holds = _t("unchanged", lang) if year >= UNITS_2025 else ""
        elif len(formers) == 1:
            holds = f"{_t('renamed', lang)}: {formers[0]}"
        else:
            holds = f"{_t('holds', lang)} {', '.join(formers)}"
        lines.append(f"{rec[f'name_{lang}']:<{name_w}}{rec[region_col] + mark:<{region_w}}{holds}"
                     .rstrip())
        if rec["straddles_regions"] and rec["region_by_name"] != rec["region"]:
            other = rec["region_by_name"] if lang == "en" else REGIONS[rec["region_by_name"]]
            notes.append(f"  {rec[f'name_{lang}']}: " + _t(
                "straddle", lang, alt=REGION_RULES["name"][lang == "en"], region=other))
    if notes:
        lines += [""] + notes
    return "\n".join(lines) + "\n"
