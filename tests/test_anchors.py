"""Every published anchor as bounds on the score at each rank (small frames of published figures)."""

import math

import numpy as np
import pandas as pd
import pytest

from indexmodel.core.errors import DataUnavailableError
from indexmodel.model.anchors import rank_bounds
from indexmodel.model.field import build_field
from indexmodel.model.ranking import RankCurve

SRC = "en.baochinhphu.vn (PAR INDEX 2023 announcement)"


def par_2023(extra=()):
    """The PAR INDEX 2023 anchors as published (METHODOLOGY.md), Bình Định by rank only."""
    rows = [("Quang Ninh", 92.18, 1), ("Hai Phong", 91.87, 2), ("Ha Noi", 91.43, 3),
            ("Bac Giang", 91.16, 4), ("Ba Ria - Vung Tau", 91.03, 5), ("Ninh Binh", 88.72, 11),
            ("Nam Dinh", 87.32, 29), ("An Giang", 81.32, 63), ("Binh Dinh", None, 31), *extra]
    return pd.DataFrame([dict(index="par_index", year=2023, province=p, composite=c, rank=r,
                              ranked_provinces=63, note="", source=SRC) for p, c, r in rows])


def means_2023(count=True, regions=True):
    rows = [("national", 86.98, SRC + ("; 32 of 63 provinces above the mean" if count else ""))]
    if regions:
        rows += [(r, v, "infographics.vn") for r, v in (
            ("Red River Delta", 88.33), ("Northern Midlands and Mountains", 87.72),
            ("North Central and Central Coast", 86.82), ("Central Highlands", 85.42),
            ("South East", 87.79), ("Mekong River Delta", 85.42))]
    return pd.DataFrame([dict(index="par_index", year=2023, region=r, mean_value=v, source=s)
                         for r, v, s in rows])


def test_the_published_rank_puts_binh_dinh_2023_between_the_mean_and_nam_dinh():
    bounds = rank_bounds("par_index", 2023, 63, par_2023(), means_2023())
    low, high, strict = bounds.interval(31)
    assert (low, high, strict) == (pytest.approx(86.98), pytest.approx(87.32), True)
    assert bounds.interval_text(31) == "(86.98, 87.32]"
    # the count above the mean splits ranks 32 and 33; published points stand as points
    assert bounds.interval(32)[0] == pytest.approx(86.98) and bounds.interval(32)[2]
    assert bounds.interval(33)[1] == pytest.approx(86.98)
    assert bounds.interval(29)[:2] == (pytest.approx(87.32), pytest.approx(87.32))
    # without the count the mean alone says much less about rank 31
    loose = rank_bounds("par_index", 2023, 63, par_2023(), means_2023(count=False))
    assert loose.interval(31)[0] < 86.98 - 1
    # every fact is said, in both languages
    text_en = " ".join(bounds.describe("en"))
    assert "32 of 63 provinces above it" in text_en and "Quang Ninh 92.18 (1st)" in text_en
    assert "Ninh Bình 88.72 (hạng 11)" in " ".join(bounds.describe("vi"))


def test_the_mean_bounds_ranks_through_the_sum():
    # four provinces: 90 first, 70 last, mean 84 → the middle two add up to 176 (±rounding)
    results = pd.DataFrame([dict(index="sipas", year=2024, province=p, composite=c, rank=r)
                            for p, c, r in (("Hai Phong", 90.0, 1), ("Long An", 70.0, 4))])
    means = pd.DataFrame([dict(index="sipas", year=2024, region="national", mean_value=84.0,
                               source="x")])
    bounds = rank_bounds("sipas", 2024, 4, results, means)
    slack = 4 * 0.005
    assert bounds.interval(2)[0] == pytest.approx(88 - slack / 2, abs=1e-6)  # s2 ≥ s3, s2 + s3 = 176
    assert bounds.interval(3)[0] == pytest.approx(86 - slack, abs=1e-6)   # s2 ≤ 90
    assert bounds.interval(3)[1] == pytest.approx(88 + slack / 2, abs=1e-6)
    # the same without the mean: only the order of ranks
    free = rank_bounds("sipas", 2024, 4, results, None)
    assert free.interval(3)[:2] == (70.0, 90.0)


def test_regional_means_bound_the_best_and_the_worst():
    means = means_2023(count=False).iloc[1:]  # regions only
    bounds = rank_bounds("par_index", 2023, 63, par_2023().iloc[:0], means)
    assert bounds.interval(1)[0] == pytest.approx(88.33 - 0.005)
    assert bounds.interval(2)[0] == pytest.approx(87.79 - 0.005)
    assert bounds.interval(63)[1] == pytest.approx(85.42 + 0.005)
    assert bounds.interval(62)[1] == pytest.approx(85.42 + 0.005)
    assert bounds.interval(61)[1] == pytest.approx(86.82 + 0.005)


def test_regions_are_checked_against_the_national_mean():
    bounds = rank_bounds("par_index", 2023, 63, par_2023(), means_2023())
    assert any("86.976" in c.en and "within rounding" in c.en for c in bounds.checks)
    shifted = means_2023()
    shifted.loc[shifted["region"] == "national", "mean_value"] = 87.10
    b = rank_bounds("par_index", 2023, 63, par_2023(), shifted)
    assert any("beyond rounding" in c.en for c in b.checks)
    assert any("lớn hơn sai số làm tròn" in c.vi for c in b.checks)


def test_contradictory_anchors_are_refused_with_the_year():
    bad = par_2023(extra=[("Dien Bien", 87.50, 30)])  # 87.50 at 30, above Nam Định's 87.32 at 29
    with pytest.raises(DataUnavailableError, match="par_index 2023.*not monotone"):
        rank_bounds("par_index", 2023, 63, bad, None)
    means = means_2023()
    means.loc[means["region"] == "national", "source"] = "5 of 63 provinces above the mean"
    with pytest.raises(DataUnavailableError, match="contradict"):
        rank_bounds("par_index", 2023, 63, par_2023(), means)


def test_a_count_column_serves_as_well_as_the_source_text():
    means = means_2023(count=False)
    means["provinces_above"] = [32] + [None] * 6
    a = rank_bounds("par_index", 2023, 63, par_2023(), means)
    b = rank_bounds("par_index", 2023, 63, par_2023(), means_2023())
    assert a.lo == b.lo and a.hi == b.hi


def test_curve_with_bounds_places_between_what_is_certain():
    bounds = rank_bounds("par_index", 2023, 63, par_2023(), means_2023(), exclude=("Binh Dinh",))
    points = [(r, s) for r, s, _ in bounds.points]
    curve = RankCurve.from_anchors(points, 63, bounds=bounds.curve_bounds(31),
                                   own_bounds=(31, *bounds.interval(31)[:2]))
    # 32 provinces stood above the mean 86.98, Bình Định (31st) among them: 31 other provinces
    assert (curve.place(87.10).low, curve.place(87.10).high) == (30, 32)
    assert curve.place(86.0).low == 32                 # 31 other provinces surely above 86.98
    assert curve.place(87.5).high == 29                # Nam Định 87.32 surely below
    assert curve.place(91.44).text() == "3"
    assert curve.score_for_rank(25) == (pytest.approx(87.32), pytest.approx(88.72))
    assert curve.score_for_rank(32) == (pytest.approx(86.98), pytest.approx(87.32))
    # never worse for a higher score
    scores = np.linspace(80, 93, 300)
    highs = [curve.place(s).high for s in scores]
    assert all(a >= b for a, b in zip(highs, highs[1:]))


def test_field_gives_the_own_interval_and_names_each_fact():
    field = build_field("par_index", 2023, "Binh Dinh", results=par_2023(), region_means=means_2023(),
                        own_rank=31, own_composite=88.41, own_verified=False, n=63)
    assert field.coverage == "anchors"
    assert field.own_interval == (pytest.approx(86.98), pytest.approx(87.32))
    assert any("(86.98, 87.32]" in n for n in field.describe("en"))
    assert any("(86.98, 87.32]" in n and "Bình Định" in n for n in field.describe("vi"))
    # the unverified own composite (88.41) is not an anchor: it would place 12–29
    assert field.national.place(88.41).high == 29
    assert math.isfinite(field.national.score_for_rank(25)[0])
