"""What the notebooks show (indexmodel.report.views): real numbers, both languages, no plan.

Everything here runs in-process (no kernel): the notebooks' own runs are in
test_report.py and under nbval.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from indexmodel.core.errors import UsageError
from indexmodel.core.paths import data_dir
from indexmodel.report import views


@pytest.fixture(scope="module")
def bd(tmp_path_factory):
    """Bình Định with its plan (2023 results, 2025 targets), in English."""
    figures = tmp_path_factory.mktemp("figures")
    return views.setup_notebook("Bình Định", 2023, 2025, "en", figures_dir=str(figures))


@pytest.fixture(scope="module")
def bd_vi(tmp_path_factory):
    figures = tmp_path_factory.mktemp("figures_vi")
    return views.setup_notebook("Bình Định", 2023, 2025, "vi", figures_dir=str(figures))


@pytest.fixture(scope="module")
def danang(tmp_path_factory):
    """Đà Nẵng in 2014: peer data, no plan (the run's baseline year left at its default)."""
    figures = tmp_path_factory.mktemp("figures_dn")
    return views.setup_notebook("Da Nang", 2023, 2014, "en", figures_dir=str(figures))


def _actions() -> list[dict[str, str]]:
    with open(data_dir() / "actions" / "actions.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _parents(spec_file: str) -> dict[str, str]:
    with open(data_dir() / "specs" / spec_file, encoding="utf-8", newline="") as fh:
        return {r["id"]: r["parent"] for r in csv.DictReader(fh)}


def _texts(items) -> str:
    return "\n".join(i for i in items if isinstance(i, str))


def _tables(items) -> list[pd.DataFrame]:
    return [i for i in items if isinstance(i, pd.DataFrame)]


# -- setup -------------------------------------------------------------------------------
def test_setup_without_the_plan_analyses_the_target_year(danang):
    assert not danang.has_plan
    assert (danang.baseline_year, danang.target_year, danang.year) == (2014, 2014, 2014)


def test_an_analyst_file_replaces_the_years_it_covers(tmp_path):
    file = tmp_path / "peers.csv"
    file.write_text("index,year,province,component,value\n"
                    "pci,2014,Da Nang,entry_costs,9.5\n", encoding="utf-8")
    setup = views.setup_notebook("Da Nang", 2014, 2014, "en", peers_file=str(file),
                                 figures_dir=str(tmp_path))
    peers = setup.peers()
    pci2014 = peers[(peers["index"] == "pci") & (peers["year"] == 2014)]
    assert pci2014[["province", "component", "value"]].values.tolist() == [
        ["Da Nang", "entry_costs", 9.5]]
    assert len(peers[(peers["index"] == "pci") & (peers["year"] == 2013)]) > 600  # kept


# -- one index -----------------------------------------------------------------------------
def test_pci_headline_leverage_and_odds_for_binh_dinh(bd):
    view = bd.view("pci")
    assert view is bd.view("pci")  # built once
    head = _tables(view.data_allows())[0].iloc[:, 0].to_dict()
    # the weights in force from 2022 (fitted from published figures)
    assert head["Composite 2023"] == "67.45"
    assert head["Rank 2023"].startswith("25 of 63 (as published)") and "25–29" in head["Rank 2023"]
    assert head["Composite of the 2025 targets"] == "73.71"  # 73.715 is 73.71499… in binary
    assert head["Rank the targets imply (peers as they stood in 2023)"] == "1"
    assert head["Rank goal 2025"] == "within the top 20"
    leverage = _tables(view.leverage())[0]
    assert leverage.index[0] == "Proactivity of provincial leadership"  # 15% from 2022
    assert leverage.loc["Proactivity of provincial leadership", "Ranks gained: typical gain"] == \
        "≈14 (7–23)"
    assert leverage.loc["Labor and training", "Composite points per unit"] == 1.0
    assert leverage.loc["Transparency and access to information", "Composite points per unit"] == 0.5
    odds = _texts(view.odds())
    assert "**Probability of rank 20 or better: 100%**" in odds
    assert "Simulated from the full 2022 table" in odds  # how the odds are calibrated
    assert view.odds_figure() is not None  # the simulated distribution
    realism = _tables(view.realism())[0]
    assert realism.loc["Policy bias (equal competition)", "Percentile"] == "90"
    assert realism.loc["Policy bias (equal competition)", "Real changes"] == 7 * 63
    assert realism.loc["Entry costs", "Verdict"] == "above the median change"


def test_pci_paths_and_peer_year(bd):
    view = bd.view("pci")
    path, budget, _ = view.path_results()
    assert path.feasible and path.goal_rank == 20
    assert round(path.required_composite, 2) == 67.80  # Tây Ninh's published 20th
    table = _tables(view.paths())[0]
    assert table.loc["Proactivity of provincial leadership", "Gain: to the goal"] == 0.23
    assert table.loc["Proactivity of provincial leadership", "Gain: budget 2"] == 1.19
    assert table["Gain: to the goal"].drop("Proactivity of provincial leadership").eq(0).all()
    year, composites = view.peer_year()
    assert year == 2022 and len(composites) == 63
    text = _texts(view.peer_distribution())
    assert "Binh Dinh: 66.65, rank 21 of 63" in text


def test_sipas_with_one_scored_anchor_says_what_is_missing(bd):
    view = bd.view("sipas")
    text = _texts(view.leverage())
    # one published 2023 score (Long An 78.66, 57th): rank intervals only
    assert "--peers FILE" in text and "Regional ranks need every province" in text
    table = _tables(view.leverage())[0]
    # the areas' shares of the index at the centroid of the weights the 2024 national means leave
    assert list(table["Composite points per unit"]) == [0.5964, 0.4036]
    assert list(table["Ranks gained: 1% step"]) == ["≈0 (0–55)", "≈0 (0–55)"]
    settings = _tables(view.settings())[1]
    # at the setting in use (the centroid of what the 2024 national means leave), over that part,
    # over the whole box; and the published rank
    assert settings.loc["Composite 2023"].tolist() == ["83.75", "83.62 – 83.92", "82.30 – 84.50", "20"]
    assert "No odds can be computed:" in view.odds()
    assert view.leverage_figure() is not None


def test_par_index_rank_shows_the_published_one_and_the_placement(bd):
    head = _tables(bd.view("par_index").data_allows())[0].iloc[:, 0].to_dict()
    assert head["Rank 2023"].startswith("31 of 63 (as published); the composite computed")
    regional = _tables(bd.view("par_index").regional())[0].iloc[:, 0].to_dict()
    assert regional["Regional mean 2023 (published)"] == "86.82"
    # the composite at the centroid of the consistent maximum points, 87.16, and its range
    # over them, (86.98, 87.32]
    assert regional["Gap to the regional mean"] == "+0.34 (+0.16 – +0.50)"
    assert regional["Regional goal 2025"] == "5 of 14"


def test_every_index_view_in_both_languages(bd, bd_vi):
    for setup in (bd, bd_vi):
        for index in ("papi", "sipas", "par_index", "pci"):
            view = setup.view(index)
            for section in ("title", "data_allows", "components", "leverage", "realism", "odds",
                            "paths", "regional", "settings", "peer_distribution"):
                items = getattr(view, section)()
                assert items and isinstance(items[0], str)
            assert view.components_figure() is not None
    assert bd_vi.view("pci").title()[0] == "# Chỉ số PCI — Bình Định"
    assert "Xác suất đạt hạng 20 trở lên: 100%" in _texts(bd_vi.view("pci").odds())


def test_danang_2014_exact_field_and_no_data_indices(danang):
    pci = danang.view("pci")
    head = _tables(pci.data_allows())[0].iloc[:, 0].to_dict()
    assert head == {"Composite 2014": "66.87", "Rank 2014": "1/63",
                    "Ranks from the data": "exact (every province known)"}
    assert "No targets" in _texts(pci.realism())
    o, goal, year, _ = pci.odds_result()
    assert (o.method, goal, year) == ("simulation", 1, 2015)
    assert pci.odds_figure() is not None
    regional = _tables(pci.regional())[0].iloc[:, 0].to_dict()
    assert regional["Regional rank 2014"] == "1/14"
    sipas = danang.view("sipas")
    assert sipas.analysis is None and "No SIPAS component values for Da Nang in 2014" in sipas.reason
    assert sipas.components_figure() is None and sipas.path_figure() is None


# -- scenarios --------------------------------------------------------------------------------
def test_scenario_moves_composite_by_the_spec_arithmetic(bd):
    changes = pd.DataFrame([("pci", "business_support", 0.5), ("pcx", "x", 1),
                            ("pci", "nope", 1), ("papi", "e_governance", "a lot")],
                           columns=["index", "component", "change"])
    items = views.scenario(bd, changes)
    text = _texts(items)
    assert "Row 2 skipped: no index 'pcx'" in text
    assert "Row 3 skipped: 'nope' is not a PCI component in 2023" in text
    assert "Row 4 skipped: the change 'a lot' is not a number" in text
    table = _tables(items)[0]
    assert table.loc["Composite"].tolist() == ["67.45", "68.20", "73.71"]
    assert table.loc["Rank (peers as in 2023)", "Result 2023"] == "25–29 (≈25)"
    detail = _tables(items)[-1]
    assert detail["Composite points"].tolist() == [0.75]  # 15% from 2022
    with pytest.raises(UsageError, match="columns"):
        views.scenario(bd, pd.DataFrame({"index": ["pci"]}))


def test_scenario_of_a_component_of_another_era_is_skipped(danang):
    changes = pd.DataFrame([("papi", "e_governance", 0.5), ("pci", "labor_training", 0.3)],
                           columns=["index", "component", "change"])
    items = views.scenario(danang, changes)
    assert "'e_governance' is not a PAPI component in 2014 (the 2011–2015 methodology)" in _texts(items)
    table = _tables(items)[0]
    assert table.loc["Composite"].tolist() == ["66.87", "67.47"]


# -- backtests ----------------------------------------------------------------------------------
def test_backtest_notebook_reads_the_shipped_tables(bd, bd_vi):
    run, shipped = views.backtests(bd)
    assert shipped and run.sims == 4000                       # the shipped data: no simulation
    items = views.backtest_section(bd, run, shipped)
    text = _texts(items)
    assert "rolling origin" in text and "PCI 2008→2009" in text and "taken as given" in text
    assert "the shipped backtest tables (4000 simulations per pair" in text
    n_pci = int((run.pairs["index"] == "pci").sum())
    assert f"PCI: {n_pci} year pairs, {63 * n_pci} province-pairs" in text
    pooled, criteria, pairs = _tables(items)
    assert list(pooled.index) == ["PAPI", "PCI"]
    assert pooled.loc["PCI", "Year pairs"] == n_pci and "The model expects" in pooled.columns
    assert set(criteria["Met"]) <= {"yes", "no"} and len(criteria) == 8
    assert any("the model itself expects" in c for c in criteria["Context"])
    assert len(pairs) == len(run.pairs) and "Shift rests on (year pairs)" in pairs.columns
    assert set(pairs["Level"]) == {"points", "standardized (methodology change)"}
    vi_items = views.backtest_section(bd_vi, run, shipped)
    assert "gốc trượt" in _texts(vi_items)
    assert not any("|" in str(v) for v in _tables(vi_items)[2].iloc[:, -2])   # no internal ids
    assert views.settings_text("points|zero|walk|x1.3|t3", "en") == \
        "points · centre 0 · yearly draws · ×1.3 · t₃ tails"
    assert views.pit_figure(run, "vi") is not None and views.backtest_figure(run, "en") is not None
    assert views.backtest_sims(bd) == 300


# -- agencies -------------------------------------------------------------------------------------
def test_ownership_task_counts_equal_the_action_table(bd):
    rows = _actions()
    pci = Counter(r["component"] for r in rows if r["index"] == "pci" and r["scope"] == "component")
    data = views.ownership_data(bd, "pci")
    assert dict(zip(data.coverage["component"], data.coverage["tasks"])) == {
        c: pci.get(c, 0) for c in data.coverage["component"]}
    assert sum(pci.values()) == 37
    # SIPAS tasks name criteria and areas: rolled up to the areas by the spec's parents
    parent = _parents("sipas_2023_on.csv")
    sipas = Counter((c if parent[c] == "sipas" else parent[c]) for c in
                    (r["component"] for r in rows if r["index"] == "sipas" and r["scope"] == "component"))
    data = views.ownership_data(bd, "sipas")
    assert dict(zip(data.coverage["component"], data.coverage["tasks"])) == dict(sipas)
    # the table the notebook shows carries the same counts
    table = _tables(views.ownership_section(bd, "pci"))[0]
    assert dict(zip(table["Component"], table["Tasks"]))["Business support services"] == \
        pci["business_support"]


def test_ownership_names_the_leader_and_the_ties(bd):
    text = _texts(views.ownership_section(bd, "pci"))
    assert "Most leverage: Proactivity of provincial leadership" in text
    # PAR INDEX: at the centroid of the maximum points consistent with the published anchors the
    # weakest field carries the most points (equal maximum points, now excluded, tied 7 of 8)
    par = _texts(views.ownership_section(bd, "par_index"))
    assert "Most leverage: Impact of administrative reform" in par and "tie at the top" not in par


def test_deadlines_by_quarter_equal_the_action_table(bd):
    rows = _actions()
    q4 = Counter(r["index"] for r in rows if r["deadline_date"][:7] in ("2024-10", "2024-11",
                                                                         "2024-12"))
    table = _tables(views.deadlines_section(bd))[0]
    assert table.loc["Q4 2024"].to_dict() == {"PAPI": q4["papi"], "SIPAS": q4["sipas"],
                                              "PAR INDEX": q4["par_index"], "PCI": q4["pci"]}
    ongoing = Counter(r["index"] for r in rows if r["deadline_kind"] == "ongoing")
    assert table.loc["ongoing", "PCI"] == ongoing["pci"] == 37
    assert views.ownership_figure(bd) is not None


def test_agencies_without_the_plan(danang):
    assert "there is none for Da Nang" in _texts(views.ownership_section(danang, "pci"))
    assert views.ownership_figure(danang) is None


# -- monitoring -------------------------------------------------------------------------------------
def test_monitor_year_and_summary(bd, danang):
    assert views.monitor_year(bd)[0] == 2023
    year, sentence = views.monitor_year(danang)
    assert year == 2014 and "for 2014" in sentence
    items, review = views.monitor_section(danang)
    summary = _texts(items)
    assert ("- PCI 2014: 66.87 (2013: 66.45, +0.41); national average 58.07 (mean of 63 provinces); "
            "rank 1 of 63; 6 of 10 components to review") in summary
    assert "- SIPAS 2014: no values for the province" in summary
    assert summary.index("**Fell from the year before") < summary.index("**Agencies to review")
    markdown = views.monitor_markdown(review, "en")
    assert markdown.startswith("## Details by agency")


def test_trajectory_table_and_figures(bd):
    frame = views.trajectory_frame(bd)
    table = views.trajectory_table(frame, "en")
    pci = table.loc["PCI"].set_index("Year")
    assert pci.loc[2023, "Composite"] == "67.45" and pci.loc[2023, "Rank"] == "25"
    assert set(range(2015, 2024)) <= set(pci.index) and pci.loc[2022, "Rank"] == "21"
    papi = table.loc["PAPI"].set_index("Year")
    assert papi.loc[2023, "Rank"] == "19" and papi.loc[2018, "Rank"] == "61"
    assert pci.loc[2025, "Rank"] == "within the top 20"
    assert views.trajectory_figure(bd, frame, "pci") is not None


def test_sensitivity_and_pci_2011(bd):
    result = views.sensitivity_result(bd, "sipas")
    assert result.sims == views.SENSITIVITY_SIMS
    items = views.sensitivity_section(bd, "sipas", result)
    conclusions, tornado = _tables(items)
    assert len(tornado) == 4  # the two area weights move the composite; the criteria's do not
    # each area weight alone, over the values the 2024 national means leave: the whole consistent
    # range of the 2023 composite (83.62–83.92) and of the target composite (84.12–84.33)
    assert tornado["Swing"].tolist() == [0.294, 0.294, 0.205, 0.205]
    assert views.sensitivity_figure(bd, "sipas", result) is not None
    table = _tables(views.pci_2011_section(bd))[0]
    assert table["Published"].tolist()[:3] == ["58.14", "38", "10"]
    assert table["Recomputed"].tolist()[:3] == ["58.03", "35", "9"]


def test_titles_name_the_province(bd_vi):
    assert views.notebook_title(bd_vi, "monitor")[0] == "# Theo dõi kết quả — Bình Định"


# -- moved from the report tests: the overview helpers without a plan --------------------------------
def test_overview_helpers_without_a_plan_use_the_peer_data(tmp_path):
    setup = views.setup_notebook("Đà Nẵng", 2014, 2014, "en", figures_dir=str(tmp_path))
    assert not setup.has_plan
    summary = views.year_summary(setup)
    assert summary.to_dict("records") == [
        {"Index": "PAPI", "Composite": 38.01, "Rank 2014": "12/61", "Component values": 28},
        {"Index": "PCI", "Composite": 66.87, "Rank 2014": "1/63", "Component values": 10}]
    assert views.indices_with_data(setup, {}) == ["papi", "pci"]
    frame = views.component_frame(setup, {}, "pci")
    assert len(frame) == 10 and frame["target"].isna().all() and frame["best"].notna().all()
    fig = views.components_figure(setup, {}, "pci")
    assert len(fig.axes[0].get_legend().get_texts()) == 2  # the year and the best known
    assert setup.write_table(summary, "x") is None  # no tables_dir: no CSV
    assert math.isclose(views.year_standing(setup, "pci")["composite"], 66.86679, abs_tol=1e-4)
    assert Path(setup.figures_dir).is_dir()


def test_backtest_notebook_computes_when_the_data_differ(tmp_path):
    """An analyst's file changes the inputs: the shipped tables do not apply, the notebook
    computes (at most BACKTEST_SIMS simulations per pair) and says so."""
    from test_field import complete_file

    setup = views.setup_notebook("Bình Định", 2023, 2025, "en", peers_file=str(complete_file(tmp_path)),
                                 sims=100, figures_dir=str(tmp_path / "fig"))
    run, shipped = views.backtests(setup)
    assert not shipped and run.sims == 100
    text = _texts(views.backtest_section(setup, run, shipped))
    assert "computed now (100 simulations per pair" in text


def test_about_the_data_shows_the_cross_checks_and_the_fitted_weights():
    summary, odd = views.cross_checks("en")
    assert summary["Comparisons"].sum() == 592  # one row per comparison in reconciliation.csv
    assert set(odd["Outcome"]) == {"differ: handled explicitly", "superseded under the new methodology",
                                   "ranks contradict: handled explicitly"}
    assert "Bình Định" in set(views.cross_checks("vi")[1]["Tỉnh/thành phố"])
    fit, weights, profiles = views.fitted_weights("en")
    assert weights.set_index("Sub-index").loc["Proactivity of provincial leadership",
                                              "Weight from 2022 (fitted)"] == "15%"
    assert profiles["Role"].tolist().count("fitted on") == 10
    assert profiles.set_index("Province").loc["Thanh Hoa"].iloc[-1]["Role"].startswith("not used")
    eras = views.era_table("en").set_index("Methodology era")
    assert eras.loc["the methodology in use since 2022", "Weights verified"] == "fitted from published figures"
    assert "pci_2022_on" not in views.era_table("vi").to_string()


def test_pci_settings_show_the_fitted_weights_and_their_evidence(bd):
    items = bd.view("pci").settings()
    table = _tables(items)[0]
    assert table.loc["Proactivity of provincial leadership"].tolist() == ["15%", "5%"]
    assert table.loc["Transparency and access to information"].tolist() == ["5%", "20%"]
    text = _texts(items)
    assert "fitted from published figures" in text and "Tay Ninh 2023 +0.005" in text
    assert "consistent with its published rank 25" in text and "66.26" in text


def test_a_province_year_published_in_part_is_said_not_analysed(tmp_path):
    """PAPI 2022 gives Bắc Giang 4 of 8 dimensions (unranked that year): no composite, so the
    index page says the data are missing instead of failing (found by `run --province all`)."""
    from indexmodel.analysis.index_analysis import for_year
    from indexmodel.core.errors import DataUnavailableError

    with pytest.raises(DataUnavailableError, match="4 of 8 components"):
        for_year("papi", 2022, "Bac Giang")
    setup = views.setup_notebook("Bắc Giang", 2022, 2022, "en", figures_dir=str(tmp_path))
    view = setup.view("papi")
    for section in ("title", "components", "leverage", "odds", "paths"):
        items = getattr(view, section)()
        assert items and isinstance(items[0], str)
    said = view.title()[1]
    assert "in 2022 only 4 of its 8 components are published, so there is no composite" in said
    assert "2022" not in said.split("years with the province's values:")[1]
