"""The ETL over its four inputs: official workbooks, published/, published/recent/,
published/population/; the recent tables it brings in; the cross-source checks.

Tests on the committed tables always run; tests that run the ETL skip when the shared
inputs (``INDEXMODEL_OFFICIAL``, default ``../shared/data/official``) are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from indexmodel.cli import build_parser, main
from indexmodel.core.errors import InputFileError
from indexmodel.core.paths import REPO_ROOT, peers_dir
from indexmodel.data.peers import default_peers, default_results
from indexmodel.data.population import default_population, load_population
from indexmodel.data.provinces import all_provinces, resolve
from indexmodel.data.sources import etl, reconcile, recent
from indexmodel.data.spec import load_specs

OFFICIAL = Path(os.environ.get("INDEXMODEL_OFFICIAL", REPO_ROOT.parent / "shared" / "data" / "official"))
PUBLISHED = OFFICIAL.parent / "published"
needs_shared = pytest.mark.skipif(not (PUBLISHED / "recent").is_dir() or not OFFICIAL.is_dir(),
                                  reason=f"shared inputs not found beside {OFFICIAL}")
BOOK = load_specs()


@pytest.fixture(scope="module")
def comps():
    return default_peers()


@pytest.fixture(scope="module")
def results():
    return default_results()


@pytest.fixture(scope="module")
def checks():
    return pd.read_csv(peers_dir() / etl.RECONCILIATION_FILE, keep_default_na=False)


# -- the committed recent tables -------------------------------------------------------
def test_pci_2015_2021_every_province_and_the_2013_2021_weights(comps, results):
    spec = BOOK.spec_for("pci", 2021)
    assert spec.era == "pci_2013_2021" and BOOK.spec_for("pci", 2022).era == "pci_2022_on"
    coef = pd.Series(spec.child_coefficients("pci"))
    for year in range(2015, 2022):
        sub = comps[(comps["index"] == "pci") & (comps["year"] == year)]
        wide = sub.pivot(index="province", columns="component", values="value")
        assert len(wide) == 63 and wide.notna().all().all() and set(wide.columns) == set(coef.index)
        weighted = (wide[coef.index] * coef).sum(axis=1)
        pub = results[(results["index"] == "pci") & (results["year"] == year)].set_index("province")
        assert (weighted - pub["composite"].reindex(weighted.index)).abs().max() < 1e-5, year
        ranks = weighted.rank(ascending=False, method="min").astype(int)
        assert (ranks == pub["rank"].reindex(ranks.index)).all(), year


def test_pci_2022_all_63_composites_and_the_profiles_split(comps, results):
    r22 = results[(results["index"] == "pci") & (results["year"] == 2022)]
    assert len(r22) == 63 and r22["composite"].notna().all() and r22["rank"].notna().all()
    c22 = comps[(comps["index"] == "pci") & (comps["year"] == 2022)]
    assert c22["province"].nunique() == 10 and len(c22) == 100
    # the profile file's composite and rank are result rows, never components
    assert not comps["component"].isin(["rank"]).any()
    assert not ((comps["index"] == "pci") & (comps["component"] == "pci")).any()
    profile = r22[r22["province"] == "Bac Giang"].iloc[0]
    assert (profile["composite"], profile["rank"]) == (72.8, 2)
    assert "profile" in profile["note"] and "pcivietnam.vn" in profile["source"]
    bd = r22[r22["province"] == "Binh Dinh"].iloc[0]
    assert bd["rank"] == 21  # the plan's "down 4 places" to 25th in 2023


def test_pci_2023_rows_found_and_the_flagged_derived_ones(results):
    r23 = results[(results["index"] == "pci") & (results["year"] == 2023)].set_index("province")
    assert len(r23) == 13
    assert r23.loc["Binh Dinh", "composite"] == 67.45 and r23.loc["Binh Dinh", "rank"] == 25
    assert "2022" in r23.loc["Binh Dinh", "note"]
    assert "CONFLICT" in r23.loc["Dien Bien", "note"] and r23.loc["Dien Bien", "rank"] == 31
    assert pd.isna(r23.loc["Ho Chi Minh City", "composite"]) and r23.loc["Ho Chi Minh City", "rank"] == 27


def test_papi_dimensions_add_up_to_totals_2015_2023(comps, results):
    for year in range(2015, 2024):
        spec = BOOK.spec_for("papi", year)
        assert len(spec.top_components) == (6 if year < 2018 else 8)
        sub = comps[(comps["index"] == "papi") & (comps["year"] == year)]
        wide = sub.pivot(index="province", columns="component", values="value")
        total = wide[list(spec.top_components)].sum(axis=1, min_count=len(spec.top_components)).dropna()
        pub = results[(results["index"] == "papi") & (results["year"] == year)].set_index("province")
        ranked = pub["composite"].dropna()
        assert set(total.index) == set(ranked.index), year
        assert (total - ranked.reindex(total.index)).abs().max() < 1e-5, year
        assert (pub["rank"].dropna().astype(int) == ranked.rank(ascending=False, method="min")
                .astype(int).reindex(pub["rank"].dropna().index)).all(), year


@pytest.mark.parametrize("year, gone", [
    (2018, {"Quang Ninh": 6, "Dong Thap": 6}),
    (2021, {"Bac Giang": 0, "Bac Ninh": 0, "Quang Ninh": 0}),
    (2022, {"Bac Giang": 4, "Bac Ninh": 4}),
    (2023, {"Quang Ninh": 0, "Binh Duong": 0}),
])
def test_papi_gaps_load_and_are_unranked_with_the_reason(comps, results, year, gone):
    rows = results[(results["index"] == "papi") & (results["year"] == year)].set_index("province")
    assert len(rows) == 63
    unranked = rows[rows["composite"].isna()]
    assert set(unranked.index) == set(gone)
    assert unranked["rank"].isna().all()
    assert (rows["ranked_provinces"] == 63 - len(gone)).all()
    for province, held in gone.items():
        note = unranked.loc[province, "note"]
        assert "not ranked" in note
        assert (f"{held} of its 8 dimensions" in note) if held else ("none of its 8" in note)
        have = comps[(comps["index"] == "papi") & (comps["year"] == year) & (comps["province"] == province)]
        assert len(have) == held


def test_recent_anchors_supersede_the_older_ones(results):
    par = results[(results["index"] == "par_index") & (results["year"] == 2023)].set_index("province")
    assert par.loc["Quang Ninh", "composite"] == 92.18 and par.loc["Quang Ninh", "rank"] == 1
    sipas = results[(results["index"] == "sipas") & (results["year"] == 2024)]
    assert len(sipas) == 7


# -- cross-source agreement -----------------------------------------------------------------
@pytest.mark.parametrize("index, kept, published, decimals, ok", [
    ("pci", 67.805, 67.80, 2, True), ("pci", 67.8051, 67.80, 2, False),
    ("pci", 67.795, 67.80, 2, True), ("pci", 70.65, 70.7, 1, True), ("pci", 70.64, 70.7, 1, False),
    ("papi", 45.7875, 45.78, 2, True), ("papi", 45.7875, 45.79, 2, False),
    ("papi", 45.7799, 45.78, 2, False), ("papi", 45.70, 45.7, 1, True),
])
def test_agreement_under_the_publishers_rounding(index, kept, published, decimals, ok):
    assert reconcile.agrees(index, kept, published, decimals) is ok


def test_every_figure_two_sources_give_agrees_but_the_known_ones(checks):
    assert set(checks["status"]) <= {"agrees", "differs", "superseded", "conflict"}
    odd = checks[checks["status"] != "agrees"]
    found = {(r.index, int(r.year), r.province, r.item): r.status for r in odd.itertuples()}
    assert found == {k: v[0] for k, v in reconcile.KNOWN.items()}
    assert (odd["note"].str.len() > 40).all()
    # what is compared: PCI 2017 top ten (one decimal), the 2019/2021 top tables
    # (composites, ranks, every sub-index), the 2022 profiles, PAPI 2023 anchors
    pci = checks[checks["index"] == "pci"]
    assert len(pci[(pci["year"] == 2019) & ~pci["item"].isin(["composite", "rank"])]) == 220
    assert len(pci[(pci["year"] == 2021) & ~pci["item"].isin(["composite", "rank"])]) == 210
    assert len(pci[(pci["year"] == 2017) & (pci["item"] == "composite")]) == 10
    papi23 = checks[(checks["index"] == "papi") & (checks["year"] == 2023) & (checks["item"] == "composite")]
    assert len(papi23) == 10  # nine published figures (truncated) and the plan's 43.45
    bd = checks.set_index(["index", "year", "province", "item"]).loc[("papi", 2023, "Binh Dinh", "composite")]
    assert (bd["kept"], bd["other"]) == (43.571823, 43.45)


def test_kept_figures_are_the_newer_sources(checks, results):
    kept = checks[(checks["item"] == "composite") & (checks["rule"] != reconcile.ORDER_RULE)]
    res = results.set_index(["index", "year", "province"])
    for r in kept.itertuples():
        assert res.loc[(r.index, r.year, r.province), "composite"] == pytest.approx(r.kept), r


# -- the population table --------------------------------------------------------------------
def test_population_table_is_tidy_canonical_and_adds_up():
    pop = default_population()
    assert list(pop.columns) == ["province", "year", "population", "source"]
    assert len(pop) == 63 * 14 and pop["year"].min() == 2011 and pop["year"].max() == 2024
    for name in pop["province"].unique():
        assert resolve(name).name_en == name
    assert set(pop["province"]) == {p.name_en for p in all_provinces(2023)}
    y23 = pop[pop["year"] == 2023].set_index("province")["population"]
    assert abs(y23.sum() / 1000 - 100309.2) < 1.0  # GSO's national 100,309.2 thousand
    assert abs(y23["Binh Dinh"] - 1506331) <= 50  # the provincial notice, to GSO's 100 persons
    assert pop["source"].str.contains("GSO").all()


def test_population_loader_refuses_bad_rows(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("province,year,population\nBình Định,2023,1506300\nAtlantis,2023,5\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 3.*unknown province 'Atlantis'"):
        load_population(path)
    path.write_text("province,year,population\nBình Định,2023,1506300\nBinh Dinh,2023,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 3.*duplicate Binh Dinh 2023: already on row 2 "
                                             r"\(written 'Bình Định' and 'Binh Dinh'\)"):
        load_population(path)
    path.write_text("province,year,population\nBình Định,2023,-4\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a positive whole number"):
        load_population(path)


# -- running the ETL --------------------------------------------------------------------------
def _shared_copy(tmp_path: Path, drop: str | None = None, edit=None) -> tuple[Path, Path]:
    """A copy of the shared inputs made of links (``drop``: an input left out; ``edit``:
    (recent file, function of its lines) written as a real, edited file)."""
    root = tmp_path / "shared"
    (root / "published").mkdir(parents=True)
    if drop != "official":
        (root / "official").symlink_to(OFFICIAL)
    for f in PUBLISHED.iterdir():
        if f.is_file() and drop != "published":
            (root / "published" / f.name).symlink_to(f)
    for sub in ("recent", "population"):
        if drop == sub:
            continue
        (root / "published" / sub).mkdir()
        for f in (PUBLISHED / sub).iterdir():
            target = root / "published" / sub / f.name
            if edit is not None and sub == "recent" and f.name == edit[0]:
                lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
                target.write_text("".join(edit[1](lines)), encoding="utf-8")
            else:
                target.symlink_to(f)
    return root / "official", root / "published"


def _sentinel(tmp_path: Path) -> Path:
    out = tmp_path / "data" / "peers"
    out.mkdir(parents=True)
    (out / "components.csv").write_text("sentinel", encoding="utf-8")
    return out


def _untouched(out: Path) -> bool:
    return ([p.name for p in out.iterdir()] == ["components.csv"]
            and (out / "components.csv").read_text(encoding="utf-8") == "sentinel"
            and sorted(p.name for p in out.parent.iterdir()) == ["peers"])


@needs_shared
@pytest.mark.parametrize("name", list(etl.INPUTS))
def test_a_missing_input_is_named_and_nothing_is_written(tmp_path, name):
    source, published = _shared_copy(tmp_path, drop=name)
    out = _sentinel(tmp_path)
    with pytest.raises(InputFileError) as err:
        etl.run_etl(source, out, published)
    # published/ itself stays (it holds recent/ and population/): its files are missing
    assert f"expected input '{name}' is {'incomplete' if name == 'published' else 'missing'}" \
        in str(err.value)
    assert "missing" in str(err.value) and f"--without {name}" in str(err.value)
    assert _untouched(out)


@needs_shared
def test_a_missing_file_of_an_input_is_named(tmp_path):
    source, published = _shared_copy(tmp_path)
    (published / "recent" / recent.PAPI_RESULTS_FILE).unlink()
    out = _sentinel(tmp_path)
    with pytest.raises(InputFileError, match=f"input 'recent' is incomplete: {recent.PAPI_RESULTS_FILE}"):
        etl.run_etl(source, out, published)
    assert _untouched(out)


@needs_shared
def test_going_without_an_input_writes_the_reduced_tables(tmp_path, capsys):
    source, published = _shared_copy(tmp_path, drop="recent")
    out = tmp_path / "data" / "peers"
    code = main(["etl", "--source", str(source), "--published", str(published), "--out", str(out),
                 "--without", "recent"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "went without recent" in printed
    comps = pd.read_csv(out / "components.csv")
    assert comps["year"].max() == 2021 and not (comps["year"].between(2015, 2018)).any()
    assert (tmp_path / "data" / "population" / "population.csv").exists()


def test_help_lists_the_inputs_to_go_without(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["etl", "--help"])
    text = capsys.readouterr().out
    for name in etl.INPUTS:
        assert name in text
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["etl", "--source", "x", "--without", "bogus"])
    assert exit_.value.code == 2


def _rename_row(lines, row, old, new):
    lines[row - 1] = lines[row - 1].replace(old, new, 1)
    return lines


@needs_shared
@pytest.mark.parametrize("file, edit, expected", [
    (recent.PCI_COMPONENTS_FILE, lambda ls: _rename_row(ls, 3, "An Giang", "Atlantis"),
     [recent.PCI_COMPONENTS_FILE, "row 3", "unknown province 'Atlantis'"]),
    (recent.PAPI_RESULTS_FILE, lambda ls: ls + [ls[1].replace("Hà Tĩnh", "Ha Tinh")],
     [recent.PAPI_RESULTS_FILE, f"row 560", "duplicate papi 2015 Ha Tinh: already on row 2 "
                                            "(written 'Hà Tĩnh' and 'Ha Tinh')"]),
    (recent.PCI_PROFILES_FILE, lambda ls: _rename_row(ls, 2, "Bình Phước", "Bình Phuoc Mới"),
     [recent.PCI_PROFILES_FILE, "row 2", "unknown province"]),
    (recent.PCI_RESULTS_FILE, lambda ls: ls + [ls[-1]],
     [recent.PCI_RESULTS_FILE, "row 518", "duplicate pci 2023"]),
])
def test_a_bad_recent_table_is_refused_with_file_row_and_reason(tmp_path, file, edit, expected):
    source, published = _shared_copy(tmp_path, edit=(file, edit))
    out = _sentinel(tmp_path)
    with pytest.raises(InputFileError) as err:  # (without the workbooks: quicker, same refusal)
        etl.run_etl(source, out, published, without=["official"])
    for part in expected:
        assert part in str(err.value)
    assert _untouched(out)


def test_the_shipped_tables_name_each_province_in_vietnamese_too():
    """Machine outputs keep English columns and the canonical English names (the key) and
    add the Vietnamese name last."""
    from indexmodel.core.paths import data_dir
    from indexmodel.data.provinces import resolve

    for name in ("components.csv", "results.csv"):
        table = pd.read_csv(data_dir() / "peers" / name, keep_default_na=False)
        assert list(table.columns)[-1] == "name_vi"
        pairs = table[["province", "name_vi"]].drop_duplicates()
        assert pairs["province"].is_unique  # one Vietnamese name per province
        for province, name_vi in pairs.itertuples(index=False):
            assert name_vi == resolve(province).name_vi
        assert "Bình Định" in set(pairs["name_vi"]) and "Binh Dinh" in set(pairs["province"])
