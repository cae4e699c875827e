"""The two maps: the 63 provinces to 2024, the 34 provincial units from 2025.

The registry and its refusals, peer files on their year's map, the approximate past of a
merged unit (checked against hand computations with a synthetic population table), the
plan's goals on the new map, and a synthetic 34-unit 2025 release through `monitor`.
Synthetic values come from `synthetic_units` (seeded; never real scores).
"""

from __future__ import annotations

import re

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indexmodel import cli
from indexmodel.core.errors import DataUnavailableError, IndexModelError, InputFileError, UnknownProvinceError
from indexmodel.core.paths import data_dir
from indexmodel.data import provinces as pv
from indexmodel.data.peers import default_peers, load_peers
from indexmodel.data.population import load_population
from indexmodel.model import new_map as nm

from synthetic_units import release, write_release

MERGED_2025 = {  # Resolution 202/2025/QH15: the unit (by the name it kept) ← former provinces
    "Tuyên Quang": {"Hà Giang", "Tuyên Quang"}, "Lào Cai": {"Yên Bái", "Lào Cai"},
    "Thái Nguyên": {"Bắc Kạn", "Thái Nguyên"}, "Phú Thọ": {"Vĩnh Phúc", "Hòa Bình", "Phú Thọ"},
    "Bắc Ninh": {"Bắc Giang", "Bắc Ninh"}, "Hưng Yên": {"Thái Bình", "Hưng Yên"},
    "Hải Phòng": {"Hải Dương", "Hải Phòng"}, "Ninh Bình": {"Hà Nam", "Nam Định", "Ninh Bình"},
    "Quảng Trị": {"Quảng Bình", "Quảng Trị"}, "Đà Nẵng": {"Quảng Nam", "Đà Nẵng"},
    "Quảng Ngãi": {"Kon Tum", "Quảng Ngãi"}, "Gia Lai": {"Gia Lai", "Bình Định"},
    "Khánh Hòa": {"Ninh Thuận", "Khánh Hòa"}, "Lâm Đồng": {"Đắk Nông", "Bình Thuận", "Lâm Đồng"},
    "Đắk Lắk": {"Phú Yên", "Đắk Lắk"},
    "TP. Hồ Chí Minh": {"Bình Dương", "Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh"},
    "Đồng Nai": {"Bình Phước", "Đồng Nai"}, "Tây Ninh": {"Long An", "Tây Ninh"},
    "Cần Thơ": {"Sóc Trăng", "Hậu Giang", "Cần Thơ"}, "Vĩnh Long": {"Bến Tre", "Trà Vinh", "Vĩnh Long"},
    "Đồng Tháp": {"Tiền Giang", "Đồng Tháp"}, "Cà Mau": {"Bạc Liêu", "Cà Mau"},
    "An Giang": {"Kiên Giang", "An Giang"},
}
UNCHANGED = {"Hà Nội", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Cao Bằng", "Quảng Ninh",
             "Thanh Hóa", "Nghệ An", "Hà Tĩnh"}


# -- the registry --------------------------------------------------------------------------------
def test_the_command_lists_34_units_in_2025_gia_lai_holding_gia_lai_and_binh_dinh(capsys):
    assert cli.main(["provinces", "--year", "2025", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 34 and len({r["id"] for r in rows}) == 34
    gia_lai = [r for r in rows if r["name_vi"] == "Gia Lai"]
    assert len(gia_lai) == 1 and gia_lai[0]["id"] == "gia_lai_2025"
    assert set(gia_lai[0]["former_provinces_vi"].split("; ")) == {"Gia Lai", "Bình Định"}
    held = {r["name_vi"]: set(r["former_provinces_vi"].split("; ")) for r in rows}
    assert {k: v for k, v in held.items() if k in MERGED_2025} == MERGED_2025
    assert {k for k, v in held.items() if v == {k}} == UNCHANGED
    assert held["Huế"] == {"Thừa Thiên Huế"}
    # every province of 2024 is in exactly one unit
    formers = [f for r in rows for f in r["former_ids"].split("; ")]
    assert sorted(formers) == sorted(p.id for p in pv.all_provinces(2024))
    # text, both languages
    assert cli.main(["provinces", "--year", "2025", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("34 provincial units in force for index year 2025")
    assert "Gia Lai" in text and "holds Gia Lai, Binh Dinh" in text
    assert cli.main(["provinces", "--year", "2014"]) == 0
    assert capsys.readouterr().out.startswith("63 tỉnh, thành phố áp dụng cho năm chỉ số 2014")


def test_the_maps_by_index_year():
    for year, n in ((2007, 64), (2014, 63), (2024, 63), (2025, 34), (2031, 34)):
        assert len(pv.all_provinces(year)) == n, year
    assert pv.map_year(2024) == 2009 and pv.map_year(2025) == 2025


def test_names_resolve_by_the_year_and_say_which():
    assert pv.resolve("Gia Lai", 2024).id == "gia_lai"
    assert pv.resolve("Gia Lai", 2025).id == "gia_lai_2025"
    assert pv.resolve("Gia Lai").id == "gia_lai"  # no year: the province two maps share, earlier
    assert pv.resolve("TT-Huế", 2025).id == "hue" and pv.resolve("Huế", 2023).id == "thua_thien_hue"
    assert pv.resolve("TP.HCM", 2026).id == "ho_chi_minh_city_2025"
    assert pv.resolve("Hà Nội", 2025).id == pv.resolve("Hà Nội", 2014).id == "ha_noi"
    unit = pv.resolve("Gia Lai", 2025)
    assert pv.describe(unit, "en") == "Gia Lai (the unit formed on 1 July 2025 from Gia Lai and Binh Dinh)"
    assert pv.describe(unit, "vi") == "Gia Lai (đơn vị hành chính mới từ 1/7/2025, gồm Gia Lai và Bình Định)"
    assert pv.describe(pv.resolve("Bình Định"), "en") == (
        "Binh Dinh (the province to 2024, part of Gia Lai from 1 July 2025)")
    assert pv.describe(pv.resolve("Đà Nẵng", 2014), "en").startswith("Da Nang (the province to 2024")


def test_a_former_province_after_its_merger_is_refused_naming_the_unit():
    with pytest.raises(UnknownProvinceError) as err:
        pv.resolve("Bình Định", 2025)
    assert err.value.reason == "Bình Định: merged into Gia Lai on 1 July 2025; use Gia Lai"
    with pytest.raises(UnknownProvinceError, match="Hà Tây: merged into Hà Nội on 1 August 2008"):
        pv.resolve("Ha Tay", 2030)
    with pytest.raises(UnknownProvinceError, match="in 2023 use its former province"):
        pv.resolve("gia_lai_2025", 2023)


def test_successors_and_parts():
    assert pv.successor("Bình Định", 2025).id == "gia_lai_2025"
    assert pv.successor("Hà Tây", 2026).id == "ha_noi"
    assert pv.successor("Bình Định", 2023).id == "binh_dinh"
    unit = pv.resolve("Gia Lai", 2025)
    assert [p.id for p in pv.parts_in(unit, 2024)] == ["gia_lai", "binh_dinh"]
    assert [p.id for p in pv.parts_in(pv.resolve("Hà Nội", 2025), 2007)] == ["ha_noi", "ha_tay"]
    assert [p.id for p in pv.parts_in(pv.resolve("Huế", 2025), 2020)] == ["thua_thien_hue"]


def test_seven_units_straddle_regions_and_the_two_rules():
    straddling = {p.name_vi for p in pv.all_provinces(2025) if pv.straddles(p)}
    assert straddling == {"Gia Lai", "Quảng Ngãi", "Lâm Đồng", "Đắk Lắk", "Phú Thọ", "Bắc Ninh",
                          "Tây Ninh"}
    unit = pv.resolve("Gia Lai", 2025)
    assert pv.region_of(unit) == "North Central and Central Coast"  # centre: Quy Nhơn
    assert pv.region_of(unit, rule="name") == "Central Highlands"
    for rule in pv.REGION_RULES:
        counts = {r: len(pv.provinces_in_region(r, 2025, rule=rule)) for r in pv.REGIONS}
        assert sum(counts.values()) == 34
    assert len(pv.provinces_in_region("North Central and Central Coast", 2025)) == 9
    assert len(pv.provinces_in_region("Tây Nguyên", 2025, rule="name")) == 3
    with pytest.raises(IndexModelError, match="unknown region rule"):
        pv.region_of(unit, rule="capital")


def _registry_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "provinces"
    shutil.copytree(data_dir() / "provinces", folder)
    return folder


def test_a_broken_succession_table_is_refused(tmp_path):
    folder = _registry_copy(tmp_path)
    path = folder / "successions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not ln.startswith("gia_lai_2025,binh_dinh,")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="ended without a unit: binh_dinh"):
        pv.Registry.load(folder)
    folder = _registry_copy(tmp_path / "second")
    path = folder / "successions.csv"
    text = path.read_text(encoding="utf-8").replace(
        "gia_lai_2025,gia_lai,2025-07-01,2025,,", "gia_lai_2025,gia_lai,2025-07-01,2025,yes,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match="gia_lai_2025 has 2 administrative centres"):
        pv.Registry.load(folder)


# -- peer files on their year's map ----------------------------------------------------------------
def test_a_63_province_file_for_2026_is_refused_naming_the_rows(tmp_path):
    frame = release(2024, ("pci",)).assign(year=2026)
    path = tmp_path / "old_map_2026.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputFileError) as err:
        load_peers(path)
    message = err.value.message
    assert "row(s) of 2026 name provinces that are not on the map of 2026 (34 provincial units)" in message
    assert "row 2 Hà Giang (now Tuyên Quang)" in message and err.value.row == 2
    # the command line: one line, exit status 2, nothing run
    code = cli.main(["run", "--year", "2026", "--peers", str(path), "--province", "Hà Nội"])
    assert code == 2


def test_a_34_unit_file_is_a_full_table(tmp_path):
    path = write_release(tmp_path / "units_2026.csv", years=(2026,), indices=("pci",))
    peers = load_peers(path)
    assert peers["province"].nunique() == 34 and set(peers["year"]) == {2026}
    assert "Gia Lai" in set(peers["province"]) and "Binh Dinh" not in set(peers["province"])
    # the hostile case of the issue: every national average is known from the 34
    from indexmodel.analysis.monitor import load_release, monitor

    report = monitor(2026, "Gia Lai", peers=load_release(path, 2026, "Gia Lai"), index="pci")
    assert report.components["national_average"].notna().all()
    assert set(report.components["average_n"]) == {34}


# -- the approximate past ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def population(tmp_path_factory):
    """A synthetic population table: every province 1,000,000, Gia Lai 1,500,000 and Bình Định
    500,000 from 2011 to 2024 (weights 0.75 and 0.25)."""
    rows = []
    for year in range(2011, 2025):
        for p in pv.all_provinces(year):
            persons = {"gia_lai": 1_500_000, "binh_dinh": 500_000}.get(p.id, 1_000_000)
            rows.append((p.name_vi, year, persons, "synthetic test table"))
    path = tmp_path_factory.mktemp("population") / "population.csv"
    pd.DataFrame(rows, columns=["province", "year", "population", "source"]).to_csv(path, index=False)
    return load_population(path)


def _pci_2014():
    comps = pd.read_csv(data_dir() / "peers" / "components.csv")
    return comps[(comps["index"] == "pci") & (comps["year"] == 2014)].pivot(
        index="province", columns="component", values="value")


def test_the_approximation_is_the_population_weighted_mean_of_the_former_provinces(population):
    how = nm.weighting("population", population)
    frame = nm.approximate(default_peers(), "pci", 2014, how=how)
    wide = _pci_2014()
    weights = pd.read_csv(data_dir() / "specs" / "pci_2013_2021.csv")
    weights = weights[weights["parent"] == "pci"].set_index("id")["weight"].astype(float)
    unit = frame[frame["unit_id"] == "gia_lai_2025"].set_index("component")
    for c in weights.index:
        expected = 0.75 * wide.loc["Gia Lai", c] + 0.25 * wide.loc["Binh Dinh", c]
        assert unit.loc[c, "value"] == pytest.approx(expected, abs=1e-9), c
    composite = {p: 10 * (wide.loc[p, list(weights.index)] * weights).sum() for p in ("Gia Lai", "Binh Dinh")}
    assert unit.loc["pci", "value"] == pytest.approx(0.75 * composite["Gia Lai"] + 0.25 * composite["Binh Dinh"])
    assert set(unit["basis"]) == {"approximate"}
    assert "Gia Lai 0.750, Binh Dinh 0.250 (GSO population 2014)" in unit.loc["pci", "source"]
    # an unchanged province keeps its own values; Huế keeps Thừa Thiên Huế's
    ha_noi = frame[(frame["unit_id"] == "ha_noi") & (frame["component"] == "entry_costs")].iloc[0]
    assert ha_noi["value"] == wide.loc["Ha Noi", "entry_costs"] and ha_noi["basis"] == "same province"
    hue = frame[(frame["unit_id"] == "hue") & (frame["component"] == "entry_costs")].iloc[0]
    assert hue["value"] == wide.loc["Thua Thien Hue", "entry_costs"] and hue["basis"] == "same territory"
    # equal weights, the alternative setting
    equal = nm.approximate(default_peers(), "pci", 2014, how=nm.weighting("equal"))
    value = equal[(equal["unit_id"] == "gia_lai_2025") & (equal["component"] == "land_access")]["value"]
    assert float(value.iloc[0]) == pytest.approx(wide.loc[["Gia Lai", "Binh Dinh"], "land_access"].mean())


def test_before_2011_the_2011_population_stands_in_and_ha_tay_has_none(population):
    how = nm.weighting("population", population)
    frame = nm.approximate(default_peers(), "pci", 2007, how=how)
    gia_lai = frame[(frame["unit_id"] == "gia_lai_2025") & (frame["component"] == "pci")].iloc[0]
    assert int(gia_lai["population_year"]) == 2011
    assert "GSO population 2011, standing in for 2007" in gia_lai["weights"]
    ha_noi = frame[(frame["unit_id"] == "ha_noi") & (frame["component"] == "pci")].iloc[0]
    assert ha_noi["basis"] == "approximate" and ha_noi["weighting"] == "equal"
    assert "equal weights: no population figure for Ha Tay" in ha_noi["weights"]


def test_a_unit_with_a_former_province_missing_gets_no_value(population):
    how = nm.weighting("population", population)
    frame = nm.approximate(default_peers(), "papi", 2014, how=how)  # Bắc Giang unranked in 2014
    bac_ninh = frame[(frame["unit_id"] == "bac_ninh_2025") & (frame["component"] == "papi")].iloc[0]
    assert math.isnan(bac_ninh["value"]) and bac_ninh["missing"] == "Bac Giang"
    assert nm.approximate_ranks(default_peers(), "papi", 2014, how=how).empty  # a partial table
    ranks = nm.approximate_ranks(default_peers(), "pci", 2014, how=how)
    assert len(ranks) == 34 and sorted(ranks) == sorted(
        pd.Series(nm.approximate_composites(default_peers(), "pci", 2014, how=how)).rank(
            ascending=False, method="min").astype(int))


def test_the_history_keeps_official_and_approximate_figures_apart(tmp_path, population):
    how = nm.weighting("population", population)
    extra = load_peers(write_release(tmp_path / "both.csv", years=(2024, 2025), indices=("pci",)))
    peers = pd.concat([default_peers(), extra], ignore_index=True)
    path = nm.history("Gia Lai", "pci", peers=peers, how=how, components=False)
    by_year = path.groupby("year")["basis"].agg(set)
    assert all(len(b) == 1 for b in by_year)  # one basis a year, never mixed
    assert by_year[2025] == {"official"} and by_year[2014] == {"approximate"} and by_year[2024] == {"approximate"}
    official = path[path["year"] == 2025].iloc[0]
    spec_weights = pd.read_csv(data_dir() / "specs" / "pci_2022_on.csv")  # the era of 2025
    spec_weights = spec_weights[spec_weights["parent"] == "pci"].set_index("id")["weight"].astype(float)
    wide = extra[extra["year"] == 2025].pivot(index="province", columns="component", values="value")
    composites = 10 * (wide[list(spec_weights.index)] * spec_weights).sum(axis=1)
    assert official["value"] == pytest.approx(composites["Gia Lai"])
    assert int(official["rank"]) == 1 + int((composites > composites["Gia Lai"]).sum())
    assert int(official["ranked"]) == 34
    approx_2024 = path[path["year"] == 2024].iloc[0]
    old = extra[extra["year"] == 2024].pivot(index="province", columns="component", values="value")
    old_composites = 10 * (old[list(spec_weights.index)] * spec_weights).sum(axis=1)
    assert approx_2024["value"] == pytest.approx(0.75 * old_composites["Gia Lai"]
                                                 + 0.25 * old_composites["Binh Dinh"])
    assert "Gia Lai 0.750, Binh Dinh 0.250" in approx_2024["source"]


def test_the_population_table_is_checked(tmp_path):
    bad = tmp_path / "population.csv"
    bad.write_text("province,year,population,source\nGia Lai,2020,1500000,x\nGia Lai,2020,1500000,x\n",
                   encoding="utf-8")
    with pytest.raises(InputFileError, match="row 3: duplicate Gia Lai 2020"):
        load_population(bad)
    bad.write_text("province,year,population\nBình Định,2025,1500000\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="merged into Gia Lai"):
        load_population(bad)
    bad.write_text("province,year,population\nGia Lai,2020,-3\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a positive whole number"):
        load_population(bad)


# -- panels and backtests do not pair a province with the unit that took its name ------------------
def test_changes_across_the_merger_pair_only_unchanged_provinces(tmp_path):
    from indexmodel.analysis.backtest import backtest
    from indexmodel.model.panel import build_panel, common_provinces, year_pairs

    extra = load_peers(write_release(tmp_path / "both.csv", years=(2024, 2025), indices=("pci",)))
    panel = build_panel(extra, "pci", use_default_results=False)
    s0, s1 = panel.composite(2024), panel.composite(2025)
    common = common_provinces(s0.index, s1.index, 2024, 2025)
    assert "Ha Noi" in common and "Gia Lai" not in common and "Da Nang" not in common
    assert len(common) == 10  # the unchanged ten (Huế is under another name)
    (pair,) = year_pairs(panel, level="composite")
    assert pair.provinces == 10
    with pytest.raises(DataUnavailableError, match="two maps of provinces"):
        backtest("pci", extra, 2024, 2025, sims=100)


# -- the plan on the new map ---------------------------------------------------------------------
def test_the_plan_check_interprets_the_goals_on_the_new_map():
    from indexmodel.analysis.plan_check import check_plan, render_text, to_json
    from indexmodel.data.plan import load_plan

    plan = load_plan()
    checks = check_plan(plan, sims=200)
    pci = checks["pci"].extra["new_map"]["interpretations"]
    assert pci["unit_id"] == "gia_lai_2025" and pci["units"] == 34
    assert pci["national"]["rank"] == 11 and pci["national"]["equivalent"] == pytest.approx(20 / 63 * 34)
    assert "regional" not in pci  # PCI has no regional goal
    papi = checks["papi"].extra["new_map"]["interpretations"]
    assert papi["national"]["equivalent"] == pytest.approx(20 / 61 * 34)
    regional = papi["regional"]
    centre = {k: v for k, v in regional["centre"].items() if k not in ("score", "score_rank")}
    assert centre == dict(region="North Central and Central Coast", units=9,
                          equivalent=pytest.approx(5 / 14 * 9), rank=3)
    # PAPI 2023 is a full table: the score the old regional goal required, exact, and its place
    low, high = regional["centre"]["score"]
    assert low == high and 1 <= regional["centre"]["score_rank"][0] <= 9
    assert regional["name"]["region"] == "Central Highlands" and regional["name"]["rank"] == 1
    en, vi = render_text(checks, plan, "en"), render_text(checks, plan, "vi")
    assert "On the new map (34 provincial units ranked from 2025) — interpretations" in en
    assert 'National goal "within the top 20" (of the 63 provinces ranked in 2023)' in en
    assert "within the top 11 of 34 (equivalent rank 10.8)" in en
    assert "the choice of region changes the regional goal" in en
    assert "Trên bản đồ mới (34 đơn vị hành chính cấp tỉnh được xếp hạng từ năm 2025)" in vi
    assert "trong 11 đơn vị dẫn đầu trên 34" in vi
    assert to_json(checks, plan)["pci"]["new_map"]["unit"] == "gia_lai_2025"


def test_by_score_with_a_full_baseline_year(tmp_path):
    """With every province's PCI 2023 (synthetic), the score rank 20 needed is exact and so
    is its rank among the 34 units approximated for 2023."""
    from indexmodel.analysis.index_analysis import for_plan
    from indexmodel.analysis.new_map import goals_on_new_map
    from indexmodel.analysis.plan_check import check_index
    from indexmodel.data.plan import load_plan
    from indexmodel.data.spec import load_specs

    plan = load_plan()
    frame = release(2023, ("pci",))
    frame = frame[frame["province"] != "Bình Định"]  # the plan holds its own values
    path = tmp_path / "pci_2023.csv"
    frame.to_csv(path, index=False)
    extra = load_peers(path)
    shipped = default_peers()
    shipped = shipped[~((shipped["index"] == "pci") & (shipped["year"] == 2023))]  # replaced
    peers = pd.concat([shipped, extra], ignore_index=True)
    book = load_specs()
    check = check_index(plan, "pci", book)
    analysis = for_plan("pci", plan, peers=peers, book=book)
    goals = goals_on_new_map(check, analysis, plan, peers=peers, how=nm.weighting("equal"))
    facts = goals.facts["national"]
    low, high = facts["score"]
    assert low == high  # an exact field
    # by hand: the score of rank 20 among the 62 others, then its rank among the 33 other units
    spec = book.spec_for("pci", 2023)
    coef = spec.coefficients()
    wide = extra.pivot(index="province", columns="component", values="value")
    composites = (wide[list(spec.top_components)] * pd.Series(coef)[list(spec.top_components)]).sum(axis=1)
    own = check.baseline_composite
    assert low == pytest.approx(sorted(composites, reverse=True)[19])  # the 20th of the others
    units = {}
    for unit in pv.all_provinces(2025):
        parts = [p.name_en for p in pv.parts_in(unit, 2023)]
        values = [own if p == "Binh Dinh" else composites[p] for p in parts]
        units[unit.id] = float(np.mean(values))
    others = [v for k, v in units.items() if k != "gia_lai_2025"]
    expected = 1 + sum(v > low + 1e-12 for v in others)
    assert facts["score_rank"] == [expected, expected]
    assert goals.facts["unit_baseline"] == pytest.approx(units["gia_lai_2025"])


# -- the release-day review of a merged unit ----------------------------------------------------
@pytest.fixture(scope="module")
def unit_release(tmp_path_factory):
    return write_release(tmp_path_factory.mktemp("release") / "release.csv", years=(2024, 2025))


def test_monitor_reviews_a_34_unit_release_for_the_merged_unit(unit_release):
    from indexmodel.analysis.monitor import load_release, monitor

    peers = load_release(unit_release, 2025, "Gia Lai", index=None)
    report = monitor(2025, "Gia Lai", peers=peers, lang="en")
    comps = report.components.set_index(["index", "component"])
    raw = pd.read_csv(unit_release)
    new = raw[raw["year"] == 2025].pivot_table(index=["index", "province"], columns="component",
                                                values="value")
    old = raw[raw["year"] == 2024].pivot_table(index=["index", "province"], columns="component",
                                                values="value")
    unit = pv.resolve("Gia Lai", 2025)
    weights, _, _ = nm.unit_weights(unit, 2024, nm.weighting())
    for c in ("entry_costs", "labor_training"):
        row = comps.loc[("pci", c)]
        assert row["value"] == pytest.approx(new.loc[("pci", "Gia Lai"), c])
        assert row["national_average"] == pytest.approx(new.loc["pci"][c].mean())  # the 34
        assert int(row["average_n"]) == 34
        expected_prev = (weights["gia_lai"] * old.loc[("pci", "Gia Lai"), c]
                         + weights["binh_dinh"] * old.loc[("pci", "Bình Định"), c])
        assert row["previous_value"] == pytest.approx(expected_prev)
        assert row["previous_source"].startswith("approximate")
        assert pd.isna(row["status"])  # the plan's targets were the former province's
    # the agencies of the former province, as the plan assigned them
    actions = pd.read_csv(data_dir() / "actions" / "actions.csv", dtype=str, keep_default_na=False)
    expected = set(actions.loc[(actions["index"] == "pci") & (actions["component"] == "labor_training"),
                               "agency_id"])
    listed = set(comps.loc[("pci", "labor_training"), "agency_ids"].split("; "))
    assert expected and expected <= listed
    text = report.to_text("en")
    assert text.startswith("REVIEW OF THE 2025 RESULTS — Gia Lai (the unit formed on 1 July 2025")
    assert "(≈ 2024: " in text and "mean of 34 provincial units" in text
    assert "Agencies are named as the plan of the former Binh Dinh assigned them" in text
    assert "approximation on the new map" in text
    assert "(≈ năm 2024" not in report.to_text("vi") and "≈ 2024" in report.to_text("vi")


def test_the_monitor_command_follows_the_plan_province_into_its_unit(unit_release, capsys, tmp_path):
    assert cli.main(["monitor", "--year", "2025", "--peers", str(unit_release), "--lang", "en",
                     "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "REVIEW OF THE 2025 RESULTS — Gia Lai" in out
    assert (tmp_path / "monitor_gia_lai_2025_2025.csv").is_file()
    assert cli.main(["monitor", "--year", "2025", "--province", "Bình Định",
                     "--peers", str(unit_release)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Bình Định: merged into Gia Lai on 1 July 2025; use Gia Lai" in err


# -- the yearly run of a merged unit on a 34-unit release -----------------------------------------
def test_a_34_unit_release_runs_for_the_merged_unit(tmp_path, unit_release):
    """`indexmodel run --province "Gia Lai" --year 2025 --peers release.csv`: the overview, PCI,
    monitoring and merged-province notebooks (the others are run for the plan by test_report)."""
    from indexmodel import report
    from indexmodel.report.runner import NOTEBOOKS_DIR

    books = tmp_path / "books"
    books.mkdir()
    for name in ("00_overview.ipynb", "01_pci.ipynb", "08_monitor.ipynb", "10_merged_province.ipynb"):
        shutil.copy(NOTEBOOKS_DIR / name, books / name)
    result = report.run(province="Gia Lai", year=2025, lang="en", peers=unit_release, sims=100,
                        home=tmp_path / "home", progress=None, notebooks_dir=books)
    assert result.reports_dir == tmp_path / "home" / "reports" / "2025" / "gia_lai_2025" / "en"
    pages = {p.stem: p.read_text(encoding="utf-8") for p in result.reports_dir.glob("*.html")}
    # the rank among the 34, by hand
    raw = pd.read_csv(unit_release)
    weights = pd.read_csv(data_dir() / "specs" / "pci_2022_on.csv")  # the era of 2025
    weights = weights[weights["parent"] == "pci"].set_index("id")["weight"].astype(float)
    wide = raw[(raw["index"] == "pci") & (raw["year"] == 2025)].pivot(
        index="province", columns="component", values="value")
    composites = 10 * (wide[list(weights.index)] * weights).sum(axis=1)
    rank = 1 + int((composites > composites["Gia Lai"]).sum())
    assert f"{rank}/34" in pages["01_pci"] and "provincial units is known: ranks are exact" in pages["01_pci"]
    # the regional rank by both rules (Gia Lai straddles two regions), by hand
    for rule, n in (("centre", 9), ("name", 3)):
        region = pv.region_of(pv.resolve("Gia Lai", 2025), rule=rule)
        members = [p.name_vi for p in pv.provinces_in_region(region, 2025, rule=rule)]
        regional = 1 + int((composites[members] > composites["Gia Lai"]).sum())
        label = "Regional rank 2025" if rule == "centre" else "Regional rank 2025 by the other rule"
        row = re.escape(f"<td>{label}</td>") + r"\s*" + re.escape(f"<td>{regional}/{n}</td>")
        assert len(members) == n and re.search(row, pages["01_pci"])  # no row index: one header row
    assert "Gia Lai (the unit formed on 1 July 2025 from Gia Lai and Binh Dinh)" in pages["08_monitor"]
    assert "mean of 34 provincial units" in pages["08_monitor"] and "≈ 2024" in pages["08_monitor"]
    assert "The merged province — Gia Lai" in pages["10_merged_province"]
    assert "Binh Dinh: score" in pages["10_merged_province"]
    assert "Gia Lai (the unit formed on 1 July 2025" in pages["index"]
    trajectory = pd.read_csv(result.reports_dir / "08_trajectory.csv")
    assert set(trajectory["year"]) == {2025}  # the unit's own path: no figure of the former Gia Lai
    history = pd.read_csv(result.reports_dir / "10_history_pci.csv")
    assert set(history.loc[history["year"] == 2025, "basis"]) == {"official"}
    assert set(history.loc[history["year"] < 2025, "basis"]) == {"approximate"}


def test_figures_an_index_publishes_for_the_new_units_win_over_the_approximation(population):
    restated = pd.DataFrame({"index": ["pci"], "year": [2014], "province": ["Gia Lai"],
                             "component": ["pci"], "value": [61.5],
                             "source": ["a restatement for the new units (test)"]})
    path = nm.history("Gia Lai", "pci", how=nm.weighting("population", population),
                      restated=restated, components=False)
    row = path[path["year"] == 2014].iloc[0]
    assert row["basis"] == "restated" and row["value"] == 61.5
    assert set(path.loc[path["year"] == 2013, "basis"]) == {"approximate"}
