"""The field of peers: exact where every peer is known, intervals from anchors, nothing invented."""


import pytest

from indexmodel.data.peers import default_peers, default_results
from indexmodel.model.field import build_field
from indexmodel.model.ranking import EnvelopeField, ExactField, score_and_rank

RESULTS = default_results()


def official_rank(index, year, province):
    row = RESULTS[(RESULTS["index"] == index) & (RESULTS["year"] == year)
                  & (RESULTS["province"] == province)]
    return int(row["rank"].iloc[0])


@pytest.mark.parametrize("year", [2010, 2012, 2013, 2014])
def test_full_pci_years_give_the_official_rank(year):
    field = build_field("pci", year, "Bình Định")
    assert field.coverage == "full" and isinstance(field.national, ExactField)
    assert field.national.place(field.own_composite).low == official_rank("pci", year, "Binh Dinh")
    # the region: the 14 provinces of the North Central and Central Coast
    assert field.region == "North Central and Central Coast"
    assert field.regional.n == 14


def test_papi_2014_unranked_provinces_take_no_place():
    field = build_field("papi", 2014, "Binh Dinh")
    assert field.n == 61 and field.coverage == "full"
    assert "Bac Giang" not in field.composites.index and "Dong Thap" not in field.composites.index
    assert field.national.n == 61


def test_pci_2023_is_partial_with_named_assumptions():
    # the plan's 67.45 rests on fitted weights: not used as an anchor (as for_plan does)
    field = build_field("pci", 2023, "Binh Dinh", own_composite=67.45, own_rank=25,
                        own_verified=False)
    assert field.coverage == "partial"
    assert isinstance(field.national, EnvelopeField)
    assert field.references == [2022]  # the one other year of the 2022 weights: all 63
    # the published anchors alone: Trà Vinh 67.46 at 24th, Thanh Hóa 66.79 at 30th — behind
    # Bình Định's own 25th, so 28 other provinces stood above Thanh Hóa: 67.45 ranks 25–29
    sure = field.guaranteed.place(67.45)
    assert (sure.low, sure.high) == (25, 29)
    below = field.guaranteed.place(66.0)  # below Thanh Hóa: its 28 + itself above
    assert below.low == 30
    target = field.national.place(73.715)
    assert (target.low, target.high) == (1, 1)  # above Quảng Ninh's 71.25
    text = " ".join(field.describe("en"))
    assert "PCI 2022" in text and "stands for 2023" in text and "--peers FILE" in text
    # Điện Biên's derived 66.87 at 31st contradicts Thanh Hóa's 66.79 at 30th: set aside
    assert "Set aside as an anchor: Dien Bien 2023 (66.87 at rank 31)" in text
    assert "Điện Biên" in " ".join(field.describe("vi"))
    assert "giả định" in " ".join(field.describe("vi")).lower()


def test_pci_2023_with_the_own_rank_as_an_anchor():
    field = build_field("pci", 2023, "Binh Dinh", own_composite=67.45, own_rank=25)
    assert field.coverage == "partial"
    place = field.national.place(67.45)
    assert place.low == place.high == 25


def test_papi_2023_is_full_on_the_real_peers():
    field = build_field("papi", 2023, "Binh Dinh", own_composite=43.45, own_rank=19)
    assert field.coverage == "full" and field.n == 61
    # the plan's 43.45 places 21st; UNDP's file gives Bình Định 43.5718, 19th
    assert field.national.place(43.45).low == 21
    assert field.national.place(43.5718).low == 19
    assert "Quang Ninh" not in field.composites.index and "Binh Duong" not in field.composites.index
    assert field.regional.n == 14


def test_sipas_2023_has_one_scored_anchor_and_names_the_unlocking_file():
    field = build_field("sipas", 2023, "Binh Dinh", own_rank=20, own_composite=83.4,
                        own_verified=False)
    # published 2023: Long An 78.66, 57th (Quảng Ninh 1st without a score)
    assert field.coverage == "anchors"
    assert (field.national.place(83.4).low, field.national.place(83.4).high) == (1, 56)  # Long An, 57th behind Bình Định: 56th among the others
    assert any("SIPAS 2023 peer file" in m.en for m in field.missing)


def test_without_published_scores_there_is_no_field():
    field = build_field("sipas", 2023, "Binh Dinh", own_verified=False,
                        results=default_results()[lambda r: r["index"] != "sipas"])
    assert field.coverage == "none" and field.national is None


def complete_file(tmp_path, year=2023):
    """A complete PCI table for ``year`` made by relabelling the real 2014 one (test only)."""
    peers = default_peers()
    rows = peers[(peers["index"] == "pci") & (peers["year"] == 2014)].copy()
    rows["year"] = year
    rows["source"] = "test: 2014 values relabelled"
    path = tmp_path / "pci_complete.csv"
    rows.to_csv(path, index=False)
    return path


def test_a_complete_analyst_file_makes_the_field_exact(tmp_path):
    from indexmodel.data.peers import with_analyst_file

    peers = with_analyst_file(complete_file(tmp_path))
    field = build_field("pci", 2023, "Binh Dinh", peers=peers)
    assert field.coverage == "full"
    # every composite from the file's components (the 2022 weights), none as published
    ranked = score_and_rank(peers, "pci", 2023).set_index("province")
    assert field.own_composite == pytest.approx(ranked.loc["Binh Dinh", "score"])
    assert field.national.place(field.own_composite).low == ranked.loc["Binh Dinh", "rank"]
