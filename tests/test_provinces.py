"""The province registry: canonical names, aliases, regions, Hà Tây's years."""

import csv
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexmodel.core.errors import UnknownProvinceError, UsageError
from indexmodel.core.paths import data_dir
from indexmodel.data import provinces as pv

REG_DIR = data_dir() / "provinces"


def _rows(name):
    with open(REG_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_registry_has_63_provinces_now_and_64_in_2006_2008():
    assert len(pv.all_provinces(2014)) == 63
    assert len(pv.all_provinces(2023)) == 63
    for year in (2005, 2006, 2007, 2008):
        assert len(pv.all_provinces(year)) == 64
    assert {p.id for p in pv.all_provinces(2008)} - {p.id for p in pv.all_provinces(2009)} == {"ha_tay"}


def test_canonical_english_names():
    names = {p.name_en for p in pv.all_provinces()}
    for required in ("Ho Chi Minh City", "Thua Thien Hue", "Ba Ria - Vung Tau", "Bac Kan",
                     "Ha Noi", "Binh Dinh", "Ha Tay"):
        assert required in names


def test_regions_have_their_gso_members():
    counts = {r: len(pv.provinces_in_region(r, 2014)) for r in pv.REGIONS}
    assert counts == {
        "Northern Midlands and Mountains": 14, "Red River Delta": 11,
        "North Central and Central Coast": 14, "Central Highlands": 5, "South East": 6,
        "Mekong River Delta": 13,
    }
    ncc = {p.name_vi for p in pv.provinces_in_region("North Central and Central Coast", 2023)}
    assert ncc == {"Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
                   "Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
                   "Ninh Thuận", "Bình Thuận"}
    highlands = {p.id for p in pv.provinces_in_region("Tây Nguyên", 2023)}
    assert highlands == {"kon_tum", "gia_lai", "dak_lak", "dak_nong", "lam_dong"}
    south_east = {p.id for p in pv.provinces_in_region("south east", 2023)}
    assert south_east == {"binh_phuoc", "tay_ninh", "binh_duong", "dong_nai", "ba_ria_vung_tau",
                          "ho_chi_minh_city"}
    assert pv.region_of("Hà Tây", 2007) == "Red River Delta"
    assert len(pv.provinces_in_region("Red River Delta", 2007)) == 12


@pytest.mark.parametrize("alias, expected", [
    ("TP.HCM", "ho_chi_minh_city"), ("Tp.HCM", "ho_chi_minh_city"),
    ("TP. Hồ Chí Minh", "ho_chi_minh_city"), ("HCMC", "ho_chi_minh_city"),
    ("Thành phố Hồ Chí Minh", "ho_chi_minh_city"), ("ho chi minh city", "ho_chi_minh_city"),
    ("BRVT", "ba_ria_vung_tau"), ("Bà Rịa-Vũng Tàu", "ba_ria_vung_tau"),
    ("TT-Huế", "thua_thien_hue"), ("TT Huế", "thua_thien_hue"), ("TT.Huế", "thua_thien_hue"),
    ("Thừa Thiên-Huế", "thua_thien_hue"), ("Bắc Cạn", "bac_kan"), ("BAC KAN", "bac_kan"),
    ("Đăk Lăk", "dak_lak"), ("Đắc Lắk", "dak_lak"), ("Đắk Lắk", "dak_lak"), ("Dak Lak", "dak_lak"),
    ("Đăk Nông", "dak_nong"), ("Hoà Bình", "hoa_binh"), ("Hòa Bình", "hoa_binh"),
    ("Khánh Hoà", "khanh_hoa"), ("Tỉnh Bình Định", "binh_dinh"), ("  binh dinh ", "binh_dinh"),
    ("BÌNH ĐỊNH", "binh_dinh"), ("Quàng Ngãi", "quang_ngai"), ("binh_dinh", "binh_dinh"),
])
def test_aliases_resolve(alias, expected):
    assert pv.resolve(alias).id == expected


def test_decomposed_unicode_resolves():
    assert pv.resolve(unicodedata.normalize("NFD", "Đắk Nông")).id == "dak_nong"


def test_every_alias_in_the_file_resolves_to_its_province():
    for rec in _rows("aliases.csv"):
        assert pv.resolve(rec["alias"]).id == rec["province_id"], rec


def test_no_two_provinces_in_force_share_a_name_key():
    for year in (2007, 2014, 2024, 2025, 2030):
        keys = {}
        for p in pv.all_provinces(year):
            for name in (p.name_vi, p.name_en):
                assert keys.setdefault(pv.name_key(name), p.id) == p.id


def test_unknown_province_lists_closest_names():
    with pytest.raises(UnknownProvinceError) as err:
        pv.resolve("Binh Dinhh")
    assert "unknown province 'Binh Dinhh'" in str(err.value)
    assert "Binh Dinh (Bình Định)" in str(err.value)


def test_summary_rows_are_not_provinces():
    for label in ("Highest", "Điểm cao nhất", "MIN", "Median", ""):
        with pytest.raises(UnknownProvinceError):
            pv.resolve(label)


def test_ha_tay_is_refused_after_2008():
    assert pv.resolve("Hà Tây", 2008).id == "ha_tay"
    assert pv.resolve("Ha Tay").id == "ha_tay"
    with pytest.raises(UnknownProvinceError, match="Hà Tây: merged into Hà Nội on 1 August 2008; "
                                                   "use Hà Nội"):
        pv.resolve("Hà Tây", 2009)


def test_provinces_split_in_2004_do_not_exist_before():
    assert not pv.resolve("Đắk Nông").exists_in(2003)
    assert pv.resolve("Đắk Nông").exists_in(2005)


def test_unknown_region_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown region"):
        pv.provinces_in_region("Central Coast Highlands")


def _variant(name: str, upper: bool, decompose: bool, spaces: int) -> str:
    text = name.upper() if upper else name.lower()
    if decompose:
        text = unicodedata.normalize("NFD", text)
    return " " * spaces + text.replace(" ", " " * (spaces + 1)) + " " * spaces


ALIASES = [(r["alias"], r["province_id"]) for r in _rows("aliases.csv")]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALIASES), st.booleans(), st.booleans(), st.integers(0, 2))
def test_case_unicode_form_and_spacing_do_not_change_the_province(pair, upper, decompose, spaces):
    alias, province_id = pair
    assert pv.resolve(_variant(alias, upper, decompose, spaces)).id == province_id
