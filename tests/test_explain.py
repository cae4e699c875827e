"""Why the rank moved: the split of a rank change (indexmodel.analysis.explain).

The split is checked against an independent brute force — the Owen value computed by
walking every order of the three parts and every order of the own components, ranking
by plain counting — on the real PAPI 2013→2014 table (ranks recomputed here from the raw
CSV with pandas) and on synthetic fields drawn by hypothesis.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexmodel.analysis.explain import explain
from indexmodel.analysis.explain_report import explanation_table
from indexmodel.cli import main
from indexmodel.core.paths import data_dir
from indexmodel.data.peers import default_peers, default_results
from indexmodel.model.rank_change import RESOLUTION, rounded_contributions, split_rank_change

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- an independent brute force ----------------------------------------------------------
def _rank(own: float, peers: dict[str, float]) -> int:
    return 1 + sum(1 for v in peers.values() if v > own + 1e-9)


def brute_owen(c0, c1, steps, before, after):
    """Owen value by enumeration: every order of the parts (own, peers, ranked set) and,
    within the own part, every order of the components; places gained."""
    names = sorted(steps)
    stay = set(before) & set(after)

    def state(moved_parts, moved_comps):
        if "own" in moved_parts or (names and len(moved_comps) == len(names)):
            own = c1
        else:
            own = c0 + sum(steps[n] for n in names if n in moved_comps) if moved_comps else c0
        field = {p: (after[p] if "peers" in moved_parts else before[p]) for p in stay}
        source = after if "set" in moved_parts else before
        field.update({p: v for p, v in source.items() if p not in stay})
        return _rank(own, field)

    totals = {"peers": Fraction(0), "set": Fraction(0), **{n: Fraction(0) for n in names}}
    count = 0
    comp_orders = list(itertools.permutations(names)) if names else [()]
    for union_order in itertools.permutations(("own", "peers", "set")):
        for comp_order in comp_orders:
            done: set[str] = set()
            moved: set[str] = set()
            rank = state(done, moved)
            for union in union_order:
                if union == "own":
                    for n in comp_order:
                        moved.add(n)
                        new = state(done, moved)
                        totals[n] += rank - new
                        rank = new
                    done.add("own")
                    new = state(done, moved)
                    assert new == rank  # every component moved: the own part is complete
                else:
                    done.add(union)
                    new = state(done, moved)
                    totals[union] += rank - new
                    rank = new
            count += 1
    return {k: v / count for k, v in totals.items()}


# -- the real table: PAPI 2013 → 2014 ------------------------------------------------------
@pytest.fixture(scope="module")
def raw_papi():
    comps = pd.read_csv(data_dir() / "peers" / "components.csv")
    spec = pd.read_csv(data_dir() / "specs" / "papi_2011_2015.csv")
    dims = set(spec.loc[spec["parent"] == "papi", "id"])
    papi = comps[(comps["index"] == "papi") & comps["component"].isin(dims)]
    by_dim = papi.set_index(["year", "province", "component"])["value"]
    totals = papi.groupby(["year", "province"])["value"].sum()  # total = sum of the dimensions
    return totals, by_dim


@pytest.fixture(scope="module")
def papi_2014():
    return explain("papi", 2014, "Bình Định", hold=False)


def test_ranks_are_those_of_the_raw_table(papi_2014, raw_papi):
    totals, _ = raw_papi
    for year, rank in ((2013, papi_2014.rank_previous), (2014, papi_2014.rank)):
        t = totals.loc[year]
        assert rank == 1 + int((t.drop("Binh Dinh") > t["Binh Dinh"] + 1e-9).sum())
    assert papi_2014.ranked == 61 and papi_2014.ranked_previous == 63


def test_real_split_matches_the_brute_force(papi_2014, raw_papi):
    totals, by_dim = raw_papi
    before = totals.loc[2013].drop("Binh Dinh").to_dict()
    after = totals.loc[2014].drop("Binh Dinh").to_dict()
    d0, d1 = by_dim.loc[(2013, "Binh Dinh")], by_dim.loc[(2014, "Binh Dinh")]
    steps = {d: float(d1[d] - d0[d]) for d in d0.index}
    expected = brute_owen(float(totals.loc[(2013, "Binh Dinh")]), float(totals.loc[(2014, "Binh Dinh")]),
                          steps, before, after)
    parts = papi_2014.parts
    got = {r["component"] or r["part"]: Fraction(r["contribution_exact"]) for r in parts.to_dict("records")}
    assert got["peers"] == expected["peers"]
    assert got["ranked_set"] == expected["set"]
    for d in steps:
        assert got[d] == expected[d], d


def test_contributions_add_up_to_the_rank_change(papi_2014):
    table = explanation_table(papi_2014, "en")
    assert set(table["part"]) == {"own", "peers", "ranked_set"}
    assert sum(Fraction(v) for v in table["contribution_exact"]) == papi_2014.gained
    assert float(table["contribution"].sum()) == papi_2014.gained  # exact in floating point
    own = table[table["part"] == "own"]
    assert len(own) == 6 and own["component"].str.len().gt(0).all()


def test_named_peers_explain_every_place(papi_2014):
    moves = papi_2014.peer_moves
    assert moves["places"].sum() == papi_2014.gained
    split = papi_2014.split
    own_from_peers = sum(Fraction(v).limit_denominator(2) for v in moves["own_part"])
    assert own_from_peers == split.own
    overtook = moves[moves["relation"] == "overtook"]
    assert (~overtook["above_before"].astype(bool) & overtook["above_after"].astype(bool)).all()
    assert (overtook["places"] < 0).all()


def test_the_csv_of_the_command(tmp_path, capsys):
    out = tmp_path / "explain.csv"
    assert main(["explain", "--index", "pci", "--year", "2014", "--format", "csv", "--lang", "en",
                 "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert {"part", "component", "contribution"} <= set(table.columns)
    rank0, rank1 = int(table["rank_previous"].iloc[0]), int(table["rank"].iloc[0])
    assert (rank0, rank1) == (18, 17)  # Bình Định, PCI 2013 and 2014 (official workbooks)
    assert table["contribution"].sum() == rank0 - rank1
    own = table[table["part"] == "own"]
    assert len(own) == 10 and abs(own["points"].sum() - (59.71678 - 59.36783)) < 1e-4
    first = out.read_bytes()
    capsys.readouterr()
    # an existing file is kept: one line, exit 2
    assert main(["explain", "--index", "pci", "--year", "2014", "--format", "csv", "--lang", "en",
                 "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err and out.read_bytes() == first
    assert main(["explain", "--index", "pci", "--year", "2014", "--format", "csv", "--lang", "en",
                 "--out", str(out), "--overwrite"]) == 0
    assert out.read_bytes() == first  # deterministic


def test_text_in_vietnamese_has_no_internal_ids(capsys):
    assert main(["explain", "--index", "pci", "--year", "2014"]) == 0
    text = capsys.readouterr().out
    assert "VÌ SAO THỨ HẠNG THAY ĐỔI" in text and "Bình Định" in text
    for internal in ("labor_training", "ranked_set", "pci_2013_on", "Binh Dinh", "overtook"):
        assert internal not in text


def test_nothing_to_split_is_one_line_exit_2(capsys):
    assert main(["explain", "--index", "sipas", "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SIPAS" in err
    assert main(["explain", "--index", "par_index", "--year", "2023"]) == 2  # no 2022 rank held


def test_methodology_change_splits_the_composite_only():
    e = explain("pci", 2013, "Bình Định", hold=False)
    own = e.parts[e.parts["part"] == "own"]
    assert list(own["component"]) == ["pci"] and not e.component_level
    assert any("methodology" in n("en") for n in e.notes)
    assert e.parts["contribution"].sum() == e.gained


def test_published_only_year_splits_the_composite_only():
    e = explain("pci", 2011, "Bình Định", hold=False)
    assert not e.component_level
    assert (e.rank_previous, e.rank) == (20, 38)  # the published ranks of 2010 and 2011
    assert e.parts["contribution"].sum() == -18


def test_the_least_improvement_that_would_have_held_the_rank():
    e = explain("pci", 2014, "Bình Định")
    h = e.hold
    assert h.goal == 18 and h.result.feasible and h.result.total_cost > 0
    plan = h.result.plan.set_index("component")
    eras = pd.read_csv(data_dir() / "specs" / "eras.csv")
    era = eras[(eras["index"] == "pci") & (eras["valid_from"] <= 2014)
               & (eras["valid_to"].isna() | (eras["valid_to"] >= 2014))]
    weights = pd.read_csv(data_dir() / "specs" / era["file"].iloc[0])
    weights = weights[weights["parent"] == "pci"].set_index("id")["weight"].astype(float)
    comps = default_peers()
    x0 = comps[(comps["index"] == "pci") & (comps["year"] == 2013) & (comps["province"] == "Binh Dinh")]
    x0 = x0.set_index("component")["value"]
    others = comps[(comps["index"] == "pci") & (comps["year"] == 2014) & (comps["province"] != "Binh Dinh")]
    others = others.pivot(index="province", columns="component", values="value")
    peer_scores = (10 * others[weights.index] * weights).sum(axis=1).to_dict()

    def rank_with(share):
        value = 10 * sum(weights[c] * (x0[c] + share * plan.loc[c, "move"]) for c in weights.index)
        return _rank(value + 1e-9, peer_scores)

    assert rank_with(1.0) <= 18  # the path holds the rank
    assert rank_with(0.98) > 18  # and nothing much smaller does
    assert e.rank == 17 and h.actual_points > 0


# -- a partial field: what the anchors allow -------------------------------------------------
def test_a_partial_field_gives_intervals_that_hold_the_exact_split():
    full = explain("pci", 2014, "Bình Định", hold=False)
    peers, results = default_peers(), default_results()
    top = results[(results["index"] == "pci") & (results["year"] == 2014) & (results["rank"] <= 20)]
    keep = set(top["province"]) | {"Binh Dinh"}
    partial_peers = peers[~((peers["index"] == "pci") & (peers["year"] == 2014)
                            & ~peers["province"].isin(keep))]
    partial_results = results[~((results["index"] == "pci") & (results["year"] == 2014)
                                & ~results["province"].isin(keep))]
    e = explain("pci", 2014, "Bình Định", peers=partial_peers, results=partial_results, hold=False)
    assert e.coverage == "interval"
    assert (e.rank_previous, e.rank) == (18, 17)
    own = e.parts[e.parts["part"] == "own"].iloc[0]
    rest = e.parts[e.parts["part"] == "peers_and_ranked_set"].iloc[0]
    exact_own = float(full.split.own)
    assert own["contribution_low"] <= exact_own <= own["contribution_high"]
    assert own["contribution_low"] + rest["contribution_high"] == e.gained
    assert own["contribution_high"] + rest["contribution_low"] == e.gained
    assert e.peer_moves.empty  # no peer is named that the data do not hold
    assert own["contribution_low"] < own["contribution_high"]  # rank 22 lies beyond the anchors
    text = e.to_text("en")
    assert "anchors" in text and "between" in text
    # the path to hold rank 18 among the peers alone: their 18th score, as with the full table
    held = explain("pci", 2014, "Bình Định", peers=partial_peers, results=partial_results)
    assert held.hold.result.required_composite == pytest.approx(
        explain("pci", 2014, "Bình Định").hold.result.required_composite)


# -- properties on synthetic fields -----------------------------------------------------------
SCORE = st.floats(30, 70, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def fields(draw, max_components=4):
    names = [f"p{i}" for i in range(draw(st.integers(0, 12)))]
    before, after = {}, {}
    for n in names:
        kind = draw(st.sampled_from(("both", "both", "both", "before", "after")))
        if kind in ("both", "before"):
            before[n] = draw(SCORE)
        if kind in ("both", "after"):
            after[n] = draw(SCORE) if draw(st.booleans()) else before.get(n, draw(SCORE))
    m = draw(st.integers(0, max_components))
    steps = {f"c{k}": draw(st.sampled_from((0.0, 0.0, draw(st.floats(-3, 3, allow_nan=False)))))
             for k in range(m)}
    c0 = draw(SCORE)
    c1 = c0 + sum(steps.values())
    return c0, c1, steps, before, after


@FAST
@given(fields())
def test_parts_add_up_exactly_and_match_the_brute_force(case):
    c0, c1, steps, before, after = case
    split = split_rank_change(c0, c1, before, after, steps)
    assert split.own + split.peers + split.ranked_set == split.gained
    assert sum(split.components.values(), Fraction(0)) == split.own
    shown = rounded_contributions(list(split.components.values()) + [split.peers, split.ranked_set])
    assert sum(shown) == split.gained and all((v * RESOLUTION).is_integer() for v in shown)
    expected = brute_owen(c0, c1, steps, before, after)
    assert split.peers == expected["peers"] and split.ranked_set == expected["set"]
    for name, value in split.components.items():
        assert value == expected[name]


@FAST
@given(fields(), st.data())
def test_an_unchanged_component_gets_zero(case, data):
    c0, c1, steps, before, after = case
    steps = dict(steps, still=0.0)
    split = split_rank_change(c0, c1, before, after, steps)
    assert split.components["still"] == 0
    unchanged = split_rank_change(c0, c0, before, after, {k: 0.0 for k in steps})
    assert unchanged.own == 0 and all(v == 0 for v in unchanged.components.values())


@FAST
@given(fields())
def test_no_peer_moved_means_no_peers_part(case):
    c0, c1, steps, before, after = case
    frozen = {p: before.get(p, v) for p, v in after.items()}  # stayers keep last year's score
    split = split_rank_change(c0, c1, before, frozen, steps)
    assert split.peers == 0
    same_set = {p: v for p, v in before.items()}
    assert split_rank_change(c0, c1, before, same_set, steps).ranked_set == 0


@FAST
@given(fields())
def test_named_peers_account_for_the_whole_change(case):
    c0, c1, steps, before, after = case
    split = split_rank_change(c0, c1, before, after, steps)
    table = split.peer_table
    assert sum(table["places"], Fraction(0)) == split.gained
    assert sum(table["own_part"], Fraction(0)) == split.own
    assert all(r in ("overtook", "fell_behind", "kept_ahead", "stayed_behind", "newly_ranked",
                     "no_longer_ranked") for r in table["relation"])


def test_rounding_keeps_symmetric_thirds_adding_up():
    values = [Fraction(1, 3)] * 3 + [Fraction(-1, 2)]
    shown = rounded_contributions(values)
    assert sum(shown) == 0.5 and max(abs(a - float(b)) for a, b in zip(shown, values)) <= 1 / RESOLUTION
    assert math.isclose(sum(shown[:3]), 1.0)


def test_the_release_day_report_says_why_the_rank_moved():
    from indexmodel.analysis.monitor import monitor

    report = monitor(2014, "Bình Định", index="pci")
    assert list(report.rank_changes) == ["pci"]
    assert report.rank_changes["pci"].gained == 1
    text = report.to_text("en")
    section = text.split("Why the rank moved from the year before")[1]
    assert "PCI 2013 → 2014" in section and "Overtook the province" in section
    assert "least improvement that would have held the 2013 rank (18)" in section
    md = report.to_markdown("vi")
    assert "## Vì sao thứ hạng thay đổi so với năm trước" in md and "| **Tổng** | +1 |" in md


# -- notebook 08 and figure (h) ------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_notebook_section_and_waterfall(tmp_path, lang):
    from indexmodel.report import views
    from indexmodel.report.plots import figure_png

    setup = views.setup_notebook("Da Nang", 2023, 2014, lang, figures_dir=str(tmp_path / "f"),
                                 tables_dir=str(tmp_path / "t"))
    _, review = views.monitor_section(setup)
    section = views.rank_change_section(setup, review)
    text = "\n".join(section)
    heading = {"en": "## Why the ranks moved from the year before",
               "vi": "## Vì sao thứ hạng thay đổi so với năm trước"}[lang]
    assert section[0] == heading and "2013 → 2014" in text
    from indexmodel.report.views.csv_headers import header

    table = pd.read_csv(tmp_path / "t" / "08_rank_change_pci_2014.csv", encoding="utf-8-sig")
    e = review.rank_changes["pci"]
    assert table[header("contribution", lang)].sum() == e.gained  # headers in the reader's language
    figures = dict(views.rank_change_figures(setup, review))
    assert set(figures) == {"papi", "pci"}
    ax = figures["pci"].axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    start = {"en": "Rank in 2013: ", "vi": "Hạng năm 2013: "}[lang]
    assert ticks[0] == f"{start}{e.rank_previous}" and len(ticks) == 10 + 2 + 2
    assert figure_png(figures["pci"]) == figure_png(figures["pci"])
    if lang == "vi":
        assert "Chi phí không chính thức" in ticks and "informal_charges" not in ticks


def test_waterfall_of_an_interval_draws_ranges():
    from indexmodel.report.plots import plot_rank_waterfall

    frame = pd.DataFrame({"label": ["own", "the rest"], "contribution": [math.nan, math.nan],
                          "contribution_low": [2.0, -22.5], "contribution_high": [23.5, -1.0]})
    fig = plot_rank_waterfall(frame, rank_before=18, rank_after=17, year_before=2013, year=2014,
                              lang="en")
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2
    assert sorted(round(p.get_width(), 6) for p in hatched) == [21.5, 21.5]
    assert ax.get_xlabel().startswith("Places gained")


def test_a_missing_component_leaves_the_composite_level():
    peers = default_peers()
    spec = pd.read_csv(data_dir() / "specs" / "papi_2011_2015.csv")
    transparency = {"transparency"} | set(spec.loc[spec["parent"] == "transparency", "id"])
    drop = ((peers["index"] == "papi") & (peers["year"] == 2014) & (peers["province"] == "Binh Dinh")
            & peers["component"].isin(transparency))
    e = explain("papi", 2014, "Bình Định", peers=peers[~drop], hold=False)
    full = explain("papi", 2014, "Bình Định", hold=False)
    assert e.coverage == "exact" and not e.component_level  # the published composite stands
    assert (e.rank_previous, e.rank) == (full.rank_previous, full.rank)
    assert e.total("own") == full.total("own") and e.parts["contribution"].sum() == e.gained
    assert any("not all known" in n("en") for n in e.notes)


def test_across_a_methodology_change_the_composite_that_held_the_rank():
    e = explain("pci", 2013, "Bình Định")  # 2012 → 2013: new weights, composite level only
    h = e.hold
    assert h.result is None and h.goal == e.rank_previous == 4
    results = pd.read_csv(data_dir() / "peers" / "results.csv")
    peers_2013 = results[(results["index"] == "pci") & (results["year"] == 2013)
                         & (results["province"] != "Binh Dinh")]["composite"].sort_values(ascending=False)
    assert h.required[0] == h.required[1] == pytest.approx(peers_2013.iloc[3], abs=1e-4)
    assert "It needed a 2013 composite of at least" in e.to_text("en")


def test_placing_among_anchors_without_the_provinces_own_place():
    from indexmodel.analysis.explain import _place_among_peers, _with_own
    from indexmodel.model.ranking import RankCurve

    curve = RankCurve.from_anchors([(1, 70.0), (3, 65.0), (6, 60.0)], 10)
    # the province's own place is unknown: rank 2 of the table may be it or a peer
    assert (_place_among_peers(curve, 66.0).low, _place_among_peers(curve, 66.0).high) == (2, 3)
    assert (_place_among_peers(curve, 71.0).low, _place_among_peers(curve, 71.0).high) == (1, 1)
    # with its own place (rank 4 at 62) the anchors below it stand one place higher among peers
    own, added = _with_own(curve, 4, 62.0)
    assert added
    placed = _place_among_peers(own, 59.0)
    assert (placed.low, placed.high) == (6, 10)   # below the 6th of the table = 5th peer
    placed = _place_among_peers(own, 61.0)
    assert (placed.low, placed.high) == (4, 5)
    contradicting, added = _with_own(curve, 2, 60.0)  # 60 cannot rank above 65
    assert not added and contradicting is curve


# -- the check: PAPI 2022 → 2023 for Bình Định (38th → 19th) --------------------------
def _shipped_has(index: str, year: int) -> bool:
    comps = pd.read_csv(data_dir() / "peers" / "components.csv", usecols=["index", "year"])
    return bool(((comps["index"] == index) & (comps["year"] == year)).any())


@pytest.mark.skipif(not _shipped_has("papi", 2022), reason="PAPI 2015-2023 not yet in data/peers")
def test_papi_2023_for_binh_dinh_adds_up_to_the_19_place_gain(tmp_path):
    out = tmp_path / "papi2023.csv"
    assert main(["explain", "--index", "papi", "--year", "2023", "--format", "csv", "--lang", "en",
                 "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert (int(table["rank_previous"].iloc[0]), int(table["rank"].iloc[0])) == (38, 19)
    assert table["contribution"].sum() == 19
    assert sum(Fraction(v) for v in table["contribution_exact"]) == 19
    own = table[table["part"] == "own"]
    assert len(own) == 8  # the eight dimensions of 2018 on
    by_part = table.groupby("part")["contribution"].sum()
    assert by_part["own"] + by_part["peers"] + by_part["ranked_set"] == 19
    assert by_part["own"] > 0  # its own components carried it up
