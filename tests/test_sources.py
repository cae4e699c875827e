"""The official workbooks and published tables, and the tidy tables built from them.

Tests on the committed tidy tables (data/peers) always run. Tests that read the
workbooks skip when ``INDEXMODEL_OFFICIAL`` (default ``../shared/data/official``) is absent.
"""

from __future__ import annotations

import csv
import filecmp
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indexmodel.core.errors import InputFileError
from indexmodel.core.paths import REPO_ROOT, peers_dir
from indexmodel.data.peers import default_peers, default_region_means, default_results
from indexmodel.data.provinces import REGIONS, all_provinces, resolve
from indexmodel.data.sources import etl, official_papi, official_pci
from indexmodel.data.sources.official_pci import pci_2011_gap, read_layout_guide, read_workbook
from indexmodel.data.spec import load_specs

OFFICIAL = Path(os.environ.get("INDEXMODEL_OFFICIAL", REPO_ROOT.parent / "shared" / "data" / "official"))
PUBLISHED = OFFICIAL.parent / "published"
needs_official = pytest.mark.skipif(not (OFFICIAL / "pci" / "layout_guide.csv").exists(),
                                    reason=f"official workbooks not found in {OFFICIAL}")

BOOK = load_specs()
WORKBOOK = "official workbook"


@pytest.fixture(scope="module")
def comps():
    return default_peers()


@pytest.fixture(scope="module")
def results():
    return default_results()


def _official(results, index):
    return results[(results["index"] == index) & results["source"].str.contains(WORKBOOK)]


def _weighted(comps, index, year):
    spec = BOOK.spec_for(index, year)
    coef = pd.Series(spec.child_coefficients(spec.composite))
    sub = comps[(comps["index"] == index) & (comps["year"] == year)]
    wide = sub.pivot(index="province", columns="component", values="value")
    assert set(wide.columns) == set(coef.index), year
    assert wide.notna().all().all(), year
    return (wide[coef.index] * coef).sum(axis=1)


def _competition_rank(values: pd.Series) -> pd.Series:
    return values.rank(ascending=False, method="min").astype(int)


# -- the committed PCI tables -------------------------------------------------------
PCI_RECOMPUTABLE = [y for y in range(2006, 2015) if not BOOK.spec_for("pci", y).is_published_only(y)]


def test_recomputable_pci_years_are_2006_to_2014_but_2011():
    assert PCI_RECOMPUTABLE == [2006, 2007, 2008, 2009, 2010, 2012, 2013, 2014]


@pytest.mark.parametrize("year", PCI_RECOMPUTABLE)
def test_pci_composite_equals_era_weighted_sum(comps, results, year):
    official = _official(results, "pci")
    official = official[official["year"] == year].set_index("province")["composite"]
    weighted = _weighted(comps, "pci", year)
    assert set(weighted.index) == set(official.index)
    assert len(official) == len(all_provinces(year))
    residual = (weighted - official.reindex(weighted.index)).abs().max()
    assert residual < 1e-4, f"PCI {year}: max residual {residual}"


def test_pci_official_ranks_equal_competition_ranks_of_recomputed_composites(comps, results):
    official = _official(results, "pci")
    ranked_years = sorted(official.loc[official["rank"].notna(), "year"].unique())
    # METHODOLOGY.md names 2007 and 2010-2014; the 2009 workbook has a rank column too
    assert ranked_years == [2007, 2009, 2010, 2011, 2012, 2013, 2014]
    for year in ranked_years:
        ranks = official[official["year"] == year].set_index("province")["rank"].astype(int)
        assert ranks.notna().all()
        if year in PCI_RECOMPUTABLE:
            mine = _competition_rank(_weighted(comps, "pci", year))
            assert (mine.reindex(ranks.index) == ranks).all(), year
        composite = official[official["year"] == year].set_index("province")["composite"]
        mine = _competition_rank(composite).reindex(ranks.index)
        differ = ranks[mine != ranks]
        if year == 2011:
            # 2011 composites are published rounded to 2 decimals: Binh Thuan and Ha Giang
            # both show 57.62, and the official ranks (40, 41) break that tie
            assert sorted(differ.index) == ["Ha Giang"]
        else:
            assert differ.empty, year
        for province, rank in differ.items():
            tied = (composite == composite[province]).sum()
            assert mine[province] <= rank < mine[province] + tied


def test_pci_2011_gap_is_positive_for_every_province():
    gap = pci_2011_gap()
    assert list(gap.columns) == ["province", "official_composite", "weighted_sum", "gap",
                                 "official_rank", "recomputed_rank"]
    assert len(gap) == 63
    assert (gap["gap"] > 0).all()
    assert gap["gap"].max() < 1.0
    assert (gap["official_rank"] != gap["recomputed_rank"]).any()
    assert list(gap["official_rank"]) == sorted(gap["official_rank"])


def test_pci_province_counts_and_ha_tay(comps):
    pci = comps[comps["index"] == "pci"]
    for year, n_provinces, n_subs in [(2005, 42, 9), (2006, 64, 10), (2008, 64, 10), (2009, 63, 9),
                                      (2012, 63, 9), (2013, 63, 10), (2014, 63, 10)]:
        sub = pci[pci["year"] == year]
        assert sub["province"].nunique() == n_provinces, year
        assert sub["component"].nunique() == n_subs, year
    assert set(pci.loc[pci["province"] == "Ha Tay", "year"]) == {2005, 2006, 2007, 2008}
    assert "policy_consistency" in set(pci.loc[pci["year"] == 2005, "component"])
    assert not (pci["year"].between(2009, 2012) & (pci["component"] == "policy_bias")).any()


def test_pci_2014_dak_lak_and_dak_nong_have_composites(results):
    rows = _official(results, "pci")
    rows = rows[(rows["year"] == 2014) & rows["province"].isin(["Dak Lak", "Dak Nong"])]
    assert len(rows) == 2
    assert rows["composite"].notna().all() and rows["rank"].notna().all()
    assert rows["note"].str.contains("matched through the province registry").all()


def test_pci_2019_2021_published_top_tables_agree_with_the_full_panel(comps, results):
    """The partial top tables of 2019 and 2021 are superseded by the full 2015-2021 panel;
    every figure they give agrees with it to their two decimals (reconciliation.csv)."""
    checks = pd.read_csv(peers_dir() / "reconciliation.csv", keep_default_na=False)
    top = checks[(checks["index"] == "pci") & checks["year"].isin([2019, 2021])
                 & checks["other_source"].str.contains("pcivietnam.vn/(?:en/pci-subindices|bang-chi-so)")]
    assert (top["status"] == "agrees").all()
    assert top[top["item"] == "rank"].groupby("year").size().to_dict() == {2019: 23, 2021: 21}
    assert top[top["item"] == "composite"].groupby("year").size().to_dict() == {2019: 22, 2021: 21}
    assert ((top["kept"] - top["other"]).abs() <= 0.005 + 1e-9).all()
    hcmc = results[(results["index"] == "pci") & (results["year"] == 2019)
                   & (results["province"] == "Ho Chi Minh City")].iloc[0]
    assert hcmc["rank"] == 14 and pd.notna(hcmc["composite"])  # N/A in the top table
    for year in (2019, 2021):
        assert len(results[(results["index"] == "pci") & (results["year"] == year)]) == 63


# -- the committed PAPI tables ------------------------------------------------------
@pytest.mark.parametrize("year", [2011, 2012, 2013, 2014])
def test_papi_totals_and_dimensions_add_up(comps, results, year):
    spec = BOOK.spec_for("papi", year)
    sub = comps[(comps["index"] == "papi") & (comps["year"] == year)]
    wide = sub.pivot(index="province", columns="component", values="value")
    assert set(wide.columns) == set(spec.ids) - {spec.composite}
    for dim in spec.top_components:
        parts = wide[list(spec.children(dim))].sum(axis=1)
        assert (parts - wide[dim]).abs().max() <= 2e-6 + 1e-12, (year, dim)
    total = wide[list(spec.top_components)].sum(axis=1)
    official = _official(results, "papi")
    official = official[official["year"] == year].set_index("province")["composite"].dropna()
    assert set(official.index) == set(total.index)
    assert (total - official.reindex(total.index)).abs().max() < 2e-6


def test_papi_2014_bac_giang_and_dong_thap_are_unranked_not_zero(comps, results):
    missing = {"Bac Giang", "Dong Thap"}
    papi14 = comps[(comps["index"] == "papi") & (comps["year"] == 2014)]
    assert papi14["province"].nunique() == 61
    assert not papi14["province"].isin(missing).any()
    assert (papi14["value"] > 0).all()
    rows = _official(results, "papi")
    rows = rows[rows["year"] == 2014]
    assert len(rows) == 63 and (rows["ranked_provinces"] == 61).all()
    gone = rows[rows["province"].isin(missing)]
    assert len(gone) == 2
    assert gone["composite"].isna().all() and gone["rank"].isna().all()
    assert gone["note"].str.contains("not ranked").all()
    assert rows["rank"].isna().all()  # PAPI publishes no rank column


# -- every committed table ------------------------------------------------------------
def test_committed_tables_use_canonical_names_and_sources(comps, results):
    for frame in (comps, results):
        for name in frame["province"].unique():
            assert resolve(name).name_en == name
        assert (frame["source"].str.len() > 0).all()
    assert set(default_region_means()["region"]) <= set(REGIONS) | {"national"}


def test_committed_components_are_sorted():
    with open(peers_dir() / "components.csv", encoding="utf-8") as fh:
        keys = [(r["index"], int(r["year"]), r["province"], r["component"]) for r in csv.DictReader(fh)]
    assert keys == sorted(keys)


# -- the workbooks themselves -------------------------------------------------------
@needs_official
def test_etl_rebuilds_the_committed_tables_byte_for_byte(tmp_path):
    written = etl.run_etl(OFFICIAL, tmp_path / "peers", PUBLISHED)
    assert sorted(p.name for p in written) == ["components.csv", "population.csv", "reconciliation.csv",
                                               "region_means.csv", "results.csv"]
    for path in written:
        shipped = (peers_dir() if path.parent.name == "peers" else peers_dir().parent / "population")
        assert filecmp.cmp(path, shipped / path.name, shallow=False), path.name
    # temporary folder removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peers", "population"]


def _source_copy(tmp_path: Path, edit) -> Path:
    """A source folder linking the real workbooks, with an edited layout guide."""
    src = tmp_path / "official"
    (src / "pci").mkdir(parents=True)
    for f in (OFFICIAL / "pci").iterdir():
        if f.name != "layout_guide.csv":
            (src / "pci" / f.name).symlink_to(f)
    (src / "papi").symlink_to(OFFICIAL / "papi")
    with open(OFFICIAL / "pci" / "layout_guide.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    edit(rows)
    with open(src / "pci" / "layout_guide.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return src


def _row(rows, year):
    return next(r for r in rows if r["Year"] == str(year))


def _swap_2013_entry_and_land(rows):
    r = _row(rows, 2013)
    r["Entry Costs"], r["Land Access and Security of Tenure"] = (
        r["Land Access and Security of Tenure"], r["Entry Costs"])


def _cut_2012_short(rows):
    _row(rows, 2012)["End Row"] = "60"


def _weighted_2008_on_unweighted(rows):
    _row(rows, 2008)["Weighted Col"] = _row(rows, 2008)["Unweighted Col"]


def _2009_begins_on_header(rows):
    _row(rows, 2009)["Begin Row"] = "3"


@needs_official
@pytest.mark.parametrize("edit, expected", [
    (_swap_2013_entry_and_land, ["PCI_2013.xlsx (sheet 1 'Summary_VN')", "row 1", "column 'E'",
                                 "holds 'entry_costs' but its header reads 'Tiếp cận đất đai'"]),
    (_cut_2012_short, ["PCI_2012.xlsx (sheet 1 'Tong hop')", "row 61",
                       "outside the guide's rows 2-60"]),
    (_weighted_2008_on_unweighted, ["PCI_2008.xls (sheet 1 'Tổng hợp')", "column 'W'",
                                    "holds 'weighted'"]),
    (_2009_begins_on_header, ["PCI_2009.xls (sheet 1 'Tong Hop')", "row 2", "column 'D'",
                              "holds 'entry_costs' but its header reads 'Chỉ số thành phần 1'"]),
])
def test_a_workbook_that_does_not_match_its_guide_is_refused_and_nothing_written(
        tmp_path, edit, expected):
    src = _source_copy(tmp_path, edit)
    out = tmp_path / "peers"
    out.mkdir()
    (out / "components.csv").write_text("sentinel", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        etl.run_etl(src, out, PUBLISHED)
    for part in expected:
        assert part in str(err.value)
    assert [p.name for p in out.iterdir()] == ["components.csv"]
    assert (out / "components.csv").read_text(encoding="utf-8") == "sentinel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["official", "peers"]  # nor population


@needs_official
def test_workbook_readers_report_what_they_found():
    layouts = {lay.year: lay for lay in read_layout_guide(OFFICIAL / "pci" / "layout_guide.csv")}
    y2014 = read_workbook(OFFICIAL / "pci" / "PCI_2014.xlsx", layouts[2014])
    assert len(y2014.notes) == 2 and all("Đắk" in n for n in y2014.notes)
    papi = official_papi.read_workbook(OFFICIAL / "papi" / "PAPI_2011-2014.xlsx")
    assert [len(t.results) for t in papi] == [63, 63, 63, 63]
    assert [int(t.results["composite"].notna().sum()) for t in papi] == [63, 63, 63, 61]


# -- the readers on small synthetic workbooks (no official data needed) ---------------
SUBS_2013 = ["entry_costs", "land_access", "transparency", "time_costs", "informal_charges",
             "policy_bias", "proactivity", "business_support", "labor_training", "legal_institutions"]
HEADERS_2013 = ["Gia nhập thị trường", "Tiếp cận đất đai", "Tính minh bạch", "Chi phí thời gian",
                "Chi phí không chính thức", "Cạnh tranh bình đẳng", "Tính năng động",
                "Hỗ trợ doanh nghiệp", "Đào tạo lao động", "Thiết chế pháp lý"]


def _synthetic_2013(path: Path, names: dict[str, list[str]], scores: dict[str, float]) -> None:
    """A Province=0 workbook: each score column has its province column on its left."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.cell(1, 1, "Thứ tự")
    ws.cell(1, 2, "Tỉnh")
    col = 3
    spec = BOOK.spec_for("pci", 2013)
    coef = spec.child_coefficients("pci")
    composite = {p: sum(coef[c] * scores[p] for c in SUBS_2013) for p in scores}
    for cid, header in zip(SUBS_2013 + ["pci"], HEADERS_2013 + ["PCI 2013"]):
        ws.cell(1, col, header)
        values = composite if cid == "pci" else scores
        order = sorted(values, key=values.get, reverse=True)
        for i, p in enumerate(order):
            ws.cell(2 + i, col - 1, names.get(cid, {}).get(p, p) if isinstance(names.get(cid), dict) else p)
            ws.cell(2 + i, col, values[p])
        col += 2
    ws.cell(1, col - 1, "Xếp hạng")
    for i in range(len(scores)):
        ws.cell(2 + i, col - 1, i + 1)
    ws.cell(2 + len(scores) + 1, 2, "Highest")
    wb.save(path)


def _layout_2013(tmp_path: Path, end: int) -> official_pci.Layout:
    cols = {cid: 3 + 2 * i for i, cid in enumerate(SUBS_2013)}
    return official_pci.Layout(year=2013, type="xlsx", sheet=1, begin=2, end=end, province=0,
                               components=cols, unweighted=None, weighted=23,
                               guide=tmp_path / "guide.csv", guide_row=2)


def test_synthetic_province_per_column_workbook_is_read(tmp_path):
    scores = {"Bình Định": 6.5, "Đăk Lăk": 6.0, "Tp.HCM": 7.0}
    path = tmp_path / "PCI_2013.xlsx"
    _synthetic_2013(path, {"pci": {"Đăk Lăk": "Đắk Lắk"}}, scores)
    tables = read_workbook(path, _layout_2013(tmp_path, 4))
    assert set(tables.components["province"]) == {"Binh Dinh", "Dak Lak", "Ho Chi Minh City"}
    assert len(tables.components) == 30
    res = tables.results.set_index("province")
    assert res.loc["Ho Chi Minh City", "composite"] == pytest.approx(70.0)
    assert list(res.loc[["Ho Chi Minh City", "Binh Dinh", "Dak Lak"], "rank"]) == [1, 2, 3]
    assert "'Đắk Lắk'" in res.loc["Dak Lak", "note"]
    assert res.loc["Binh Dinh", "note"] == ""


def test_synthetic_workbook_with_unknown_province_is_refused(tmp_path):
    path = tmp_path / "PCI_2013.xlsx"
    _synthetic_2013(path, {}, {"Bình Định": 6.5, "Atlantis": 6.0, "Tp.HCM": 7.0})
    with pytest.raises(InputFileError) as err:
        read_workbook(path, _layout_2013(tmp_path, 4))
    assert "PCI_2013.xlsx (sheet 1 'Sheet')" in str(err.value)
    assert "row 4" in str(err.value) and "unknown province 'Atlantis'" in str(err.value)


def test_synthetic_workbook_whose_table_runs_past_the_guide_is_refused(tmp_path):
    path = tmp_path / "PCI_2013.xlsx"
    _synthetic_2013(path, {}, {"Bình Định": 6.5, "Gia Lai": 6.0, "Tp.HCM": 7.0})
    with pytest.raises(InputFileError, match="row 4 holds province .* outside the guide's rows 2-3"):
        read_workbook(path, _layout_2013(tmp_path, 3))
