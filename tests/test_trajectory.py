"""The province's own path: numbers checked against the raw tables and the plan."""

from __future__ import annotations

import pandas as pd
import pytest

from indexmodel.analysis.trajectory import describe, trajectory
from indexmodel.core.errors import IndexModelError
from indexmodel.core.paths import data_dir


@pytest.fixture(scope="module")
def path():
    return trajectory("Bình Định", lang="en")


@pytest.fixture(scope="module")
def raw():
    return dict(
        comps=pd.read_csv(data_dir() / "peers" / "components.csv"),
        results=pd.read_csv(data_dir() / "peers" / "results.csv"),
        plan=pd.read_csv(data_dir() / "plan" / "plan_values.csv"),
    )


def _weights(file: str) -> pd.Series:
    spec = pd.read_csv(data_dir() / "specs" / file)
    return spec[spec["parent"] == "pci"].set_index("id")["weight"].astype(float)


def _row(frame, index, year, status="actual"):
    rows = frame[(frame["index"] == index) & (frame["year"] == year) & (frame["status"] == status)]
    assert len(rows) == 1, (index, year, status)
    return rows.iloc[0]


def test_binh_dinh_pci_ranks_of_recent_years(path):
    ranks = {y: int(_row(path, "pci", y)["rank"]) for y in (2019, 2021, 2022, 2023)}
    assert ranks == {2019: 19, 2021: 11, 2022: 21, 2023: 25}
    assert all(_row(path, "pci", y)["ranked_provinces"] == 63 for y in (2019, 2021, 2022, 2023))


def test_pci_and_papi_every_year_2015_2023_with_real_ranks(path):
    for index in ("pci", "papi"):
        years = {int(y) for y in path.loc[(path["index"] == index) & (path["status"] == "actual"), "year"]}
        assert set(range(2015, 2024)) <= years, index
        for year in range(2015, 2024):
            row = _row(path, index, year)
            assert row["rank_source"] == "published" and pd.notna(row["composite"]), (index, year)
    assert [int(_row(path, "papi", y)["rank"]) for y in range(2018, 2024)] == [61, 63, 22, 37, 38, 19]
    assert [int(_row(path, "papi", y)["ranked_provinces"]) for y in range(2018, 2024)] == \
        [61, 63, 63, 60, 61, 61]
    papi = _row(path, "papi", 2023)  # UNDP's file; the plan's own figure named
    assert papi["composite"] == pytest.approx(43.5718, abs=1e-4) and "43.45" in papi["note"]


def test_composites_come_from_components_where_possible(path, raw):
    w = _weights("pci_2022_on.csv")
    plan = raw["plan"]
    base = plan[(plan["index"] == "pci") & (plan["status"] == "baseline")].set_index("component")["value"]
    row = _row(path, "pci", 2023)
    assert row["composite"] == pytest.approx(10 * (base[w.index] * w).sum(), abs=1e-9)
    assert row["composite"] == pytest.approx(67.45, abs=0.005)
    assert row["composite_source"] == "plan" and row["rank_source"] == "published"
    assert row["verified"] is False or not row["verified"]
    assert "weights fitted from published figures" in row["note"] and pd.isna(row["composite_low"])
    w = _weights("pci_2013_2021.csv")
    comps = raw["comps"]
    bd = comps[(comps["index"] == "pci") & (comps["year"] == 2014) & (comps["province"] == "Binh Dinh")]
    bd = bd.set_index("component")["value"]
    row = _row(path, "pci", 2014)
    assert row["composite"] == pytest.approx(10 * (bd[w.index] * w).sum(), abs=1e-9)
    assert row["composite_source"] == "components" and row["rank"] == 17
    # 2022: the published composite (no sub-indices of Bình Định published)
    row = _row(path, "pci", 2022)
    assert row["composite"] == 66.65 and row["composite_source"] == "published"
    assert row["rank"] == 21 and row["rank_source"] == "published"


def test_published_only_years_keep_the_published_composite(path):
    row = _row(path, "pci", 2011)
    assert row["composite"] == pytest.approx(58.14) and row["composite_source"] == "published"
    assert row["rank"] == 38 and row["rank_source"] == "published"
    row = _row(path, "pci", 2005)
    assert row["composite_source"] == "published"


def test_ranks_are_computed_only_from_full_tables(path, raw):
    res = raw["results"]
    papi = res[(res["index"] == "papi") & (res["year"] == 2014)].dropna(subset=["composite"])
    own = float(papi.loc[papi["province"] == "Binh Dinh", "composite"].iloc[0])
    expected = 1 + int((papi["composite"] > own + 1e-12).sum())
    row = _row(path, "papi", 2014)
    assert row["rank"] == expected and row["rank_source"] == "computed"
    assert row["ranked_provinces"] == 61
    # PCI 2006 publishes no rank: computed from the 2006-2008 weights over 64 provinces
    w = _weights("pci_2006_2008.csv")
    comps = raw["comps"]
    wide = comps[(comps["index"] == "pci") & (comps["year"] == 2006)].pivot(
        index="province", columns="component", values="value")
    scores = 10 * (wide[w.index] * w).sum(axis=1)
    row = _row(path, "pci", 2006)
    assert row["rank"] == 1 + int((scores > scores["Binh Dinh"] + 1e-12).sum())
    assert row["ranked_provinces"] == 64


def test_the_plan_drawn_ahead(path, raw):
    w = _weights("pci_2022_on.csv")
    plan = raw["plan"]
    target = plan[(plan["index"] == "pci") & (plan["status"] == "target")].set_index("component")["value"]
    row = _row(path, "pci", 2025, "target")
    assert row["composite"] == pytest.approx(10 * (target[w.index] * w).sum(), abs=1e-9)
    assert row["composite"] == pytest.approx(73.715, abs=1e-9)
    assert row["rank"] == 20 and row["rank_source"] == "plan_goal"
    papi = _row(path, "papi", 2025, "target")
    assert papi["composite"] == pytest.approx(46.55, abs=1e-6) and papi["regional_rank_goal"] == 5
    # 2022: the published rank (38th) is the one the plan implies ("up 19 places" to 19th)
    actual = _row(path, "papi", 2022)
    assert actual["rank"] == 38 and actual["rank_source"] == "published"
    pr = pd.read_csv(data_dir() / "plan" / "plan_ranks.csv")
    implied = pr[(pr["index"] == "papi") & (pr["year"] == 2022) & (pr["status"] == "implied")
                 & (pr["component"] == "papi")]
    assert implied["rank"].tolist() == [38]


def test_unverified_composites_carry_their_range(path):
    for index in ("sipas", "par_index"):
        for status, year in (("actual", 2023), ("target", 2025)):
            row = _row(path, index, year, status)
            assert not row["verified"]
            assert row["composite_low"] < row["composite"] < row["composite_high"]
    assert _row(path, "par_index", 2023)["rank"] == 31


def test_languages_and_determinism(path):
    vi = trajectory("Binh Dinh", index="pci", lang="vi")
    assert "tính từ các chỉ số thành phần" in " ".join(vi["note"])
    again = trajectory("Bình Định", lang="en")
    pd.testing.assert_frame_equal(path, again)
    text = describe(vi, "vi")
    assert "hạng 25/63" in text and "mục tiêu: trong 20 địa phương dẫn đầu" in text
    assert list(path["index"].drop_duplicates()) == ["papi", "sipas", "par_index", "pci"]
    with pytest.raises(IndexModelError):
        trajectory(lang="fr")
    with pytest.raises(IndexModelError):
        trajectory(index="pcx")


def test_another_province_has_no_plan_rows():
    other = trajectory("Đà Nẵng", index="pci", lang="en")
    assert "target" not in set(other["status"])
    assert set(other["year"]) >= set(range(2006, 2015))
