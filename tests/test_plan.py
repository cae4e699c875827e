"""The plan as data: read from the seed's own text, checked against the specs."""

import json
import shutil
import subprocess
import sys

import pytest

from indexmodel.analysis.plan_check import check_plan, render_text
from indexmodel.core.errors import InputFileError
from indexmodel.core.paths import plan_dir
from indexmodel.data.plan import load_plan, write_plan_tables
from indexmodel.data.spec import load_specs

BOOK = load_specs()


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_committed_tables_are_what_the_seed_gives(tmp_path):
    written = write_plan_tables(tmp_path)
    for path in written:
        assert path.read_bytes() == (plan_dir() / path.name).read_bytes(), path.name


def test_every_component_of_the_four_tables(plan):
    counts = plan.values.groupby(["index", "status"]).size().to_dict()
    assert counts == {("papi", "baseline"): 36, ("papi", "target"): 36,
                      ("sipas", "baseline"): 11, ("sipas", "target"): 11,
                      ("par_index", "baseline"): 8, ("par_index", "target"): 8,
                      ("pci", "baseline"): 10, ("pci", "target"): 10}
    assert set(plan.values.loc[plan.values.status == "baseline", "year"]) == {2023}
    assert set(plan.values.loc[plan.values.status == "target", "year"]) == {2025}
    assert plan.values["source"].str.contains("seed plan").all()


def test_papi_dimensions_are_sums_of_sub_dimensions(plan):
    spec = BOOK.spec_for("papi", 2023)
    for status in ("baseline", "target"):
        values = plan.component_values("papi", status)
        for dim in spec.top_components:
            subs = sum(values[s] for s in spec.children(dim))
            assert subs == pytest.approx(values[dim], abs=0.005), (status, dim)


def test_plan_totals(plan):
    checks = check_plan(plan)
    assert checks["papi"].baseline_composite == pytest.approx(43.45, abs=1e-9)
    assert checks["papi"].target_composite == pytest.approx(46.55, abs=1e-9)
    # PCI under the weights in force from 2022 (fitted from published figures)
    assert checks["pci"].spec.era == "pci_2022_on"
    assert checks["pci"].baseline_composite == pytest.approx(67.45, abs=1e-9)
    assert checks["pci"].target_composite == pytest.approx(73.715, abs=1e-9)


def test_stated_ranks(plan):
    assert plan.rank("papi", status="actual", year=2023) == 19
    assert plan.rank("sipas", status="actual", year=2023) == 20
    assert plan.rank("par_index", status="actual", year=2023) == 31
    assert plan.rank("pci", status="actual", year=2023) == 25
    assert plan.rank("pci", status="implied", year=2022) == 21  # 25th, "down 4"
    assert plan.rank("papi", status="implied", year=2022) == 38
    assert {i: plan.rank(i, status="goal") for i in ("papi", "sipas", "par_index", "pci")} == \
        {"papi": 20, "sipas": 20, "par_index": 25, "pci": 20}
    for index in ("papi", "sipas", "par_index"):
        assert plan.rank(index, status="goal", scope="regional") == 5
    assert plan.rank("pci", status="goal", scope="regional") is None
    assert plan.group_goal("papi") == "trung bình cao trở lên"
    r = plan.ranks
    out_of = r[(r.status == "actual") & (r.component == r["index"])].set_index("index")["out_of"]
    assert out_of.to_dict() == {"papi": 61, "sipas": 63, "par_index": 63, "pci": 63}
    # component positions: PAPI dimensions, SIPAS areas, PAR INDEX fields
    comp = r[r.component != r["index"]]
    assert comp.groupby(["index", "status"]).size().to_dict() == {
        ("papi", "actual"): 8, ("papi", "goal"): 8, ("sipas", "actual"): 2, ("sipas", "goal"): 2,
        ("par_index", "actual"): 8, ("par_index", "goal"): 8}
    assert plan.rank("par_index", status="actual", component="public_finance_reform") == 52
    assert plan.rank("papi", status="goal", component="control_of_corruption") == 2


def test_plan_check_finds_the_sipas_gap_and_nothing_in_papi_or_pci(plan):
    checks = check_plan(plan)
    sipas = checks["sipas"].findings
    assert {(f.component, f.year) for f in sipas if f.kind == "parent_not_children"} == {
        ("policy", 2023), ("public_services", 2023)}
    gaps = [f.text_en for f in sipas]
    assert any("+0.0825" in g for g in gaps) and any("+0.076" in g for g in gaps)
    assert checks["papi"].findings == [] and checks["pci"].findings == []


def test_contributions_add_up_to_the_composite_gain(plan):
    for index, check in check_plan(plan).items():
        top = check.components[check.components["level"] == 1]
        assert top["contribution"].sum() == pytest.approx(check.gain, abs=1e-9), index
    pci = check_plan(plan)["pci"].components.set_index("component")
    assert pci.loc["policy_bias", "points_per_unit"] == pytest.approx(1.0)
    assert pci.loc["policy_bias", "contribution"] == pytest.approx(1.0 * (7.40 - 5.69))


def test_unverified_indices_give_ranges(plan):
    checks = check_plan(plan)
    for index in ("sipas", "par_index"):
        check = checks[index]
        assert check.unverified
        assert check.baseline_range.low <= check.baseline_composite <= check.baseline_range.high
        assert check.target_range.low < check.target_range.high
    assert not checks["pci"].unverified and checks["pci"].baseline_range is None
    # PAR INDEX: the range must reach the extremes of the equal-weight corners
    par = checks["par_index"]
    values = plan.component_values("par_index", "baseline")
    assert par.baseline_range.low >= min(values.values()) and par.baseline_range.high <= max(values.values())


def test_text_in_both_languages(plan):
    checks = check_plan(plan)
    vi = render_text(checks, plan, "vi")
    en = render_text(checks, plan, "en")
    assert "Tham gia của người dân ở cấp cơ sở" in vi and "Participation at local levels" in en
    assert "upper-middle group or above" in en and "trung bình cao trở lên" in vi
    assert "67.45" in vi and "73.71" in en  # 73.715 is 73.71499… in binary


# -- bad plan files ------------------------------------------------------------------
@pytest.fixture()
def plan_copy(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(plan_dir(), folder)
    return folder


def replace_line(path, lineno, new_line):
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[lineno - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("file,row,line,message", [
    ("plan_values.csv", 2, "Binh Dinh,papi,2023,baseline,participaton,4.54,,x",
     "unknown component 'participaton' for papi 2023"),
    ("plan_values.csv", 3, "Binh Dinh,papi,2023,baseline,participation,4.54,,x",
     "duplicate row for papi 2023 baseline participation (first on row 2)"),
    ("plan_values.csv", 2, "Binh Dinh,papi,2023,baseline,participation,14.54,,x",
     "participation = 14.54 is outside its range 1..10"),
    ("plan_values.csv", 2, "Binh Dinh,sipas,2019,baseline,policy,84,,x",
     "no sipas methodology era covers 2019"),
    ("plan_values.csv", 2, "Binh Dinh,pgi,2023,baseline,participation,4.54,,x", "unknown index 'pgi'"),
    ("plan_values.csv", 2, "Binh Dinh,papi,2023,baseline,participation,four,,x", "'four' is not a number"),
    ("plan_values.csv", 2, "Binh Dinh,papi,2023,baseline,participation,,,x", "missing value"),
    ("plan_ranks.csv", 2, "Binh Dinh,papi,2023,actual,papi,national,62,61,,x", "rank 62 is outside 1..61"),
    ("plan_ranks.csv", 2, "Binh Dinh,papi,2023,actual,papi,provincial,19,61,,x", "scope 'provincial'"),
    ("plan_ranks.csv", 2, "Binh Dinh,papi,2023,actual,voice,national,19,61,,x", "unknown component 'voice'"),
])
def test_bad_plan_file_is_refused(plan_copy, file, row, line, message):
    replace_line(plan_copy / file, row, line)
    with pytest.raises(InputFileError) as err:
        load_plan(plan_copy)
    text = str(err.value)
    assert message in text and file in text and f"row {row}" in text


def test_bad_plan_through_the_cli_gives_no_traceback(plan_copy):
    replace_line(plan_copy / "plan_values.csv", 2, "Binh Dinh,papi,2023,baseline,participaton,4.54,,x")
    proc = subprocess.run([sys.executable, "-m", "indexmodel.cli", "plan", "--plan", str(plan_copy)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "plan_values.csv: row 2" in proc.stderr and "participaton" in proc.stderr


def test_cli_json():
    proc = subprocess.run([sys.executable, "-m", "indexmodel.cli", "plan", "--format", "json"],
                          capture_output=True, text=True, check=True)
    data = json.loads(proc.stdout)
    assert {"papi", "sipas", "par_index", "pci"} <= set(data)
    assert data["papi"]["baseline_composite"] == pytest.approx(43.45)
    assert data["papi"]["target_composite"] == pytest.approx(46.55)
    # done when (issue 17): PCI 67.45 → 73.715, PAPI's field is full
    assert data["pci"]["baseline_composite"] == pytest.approx(67.45)
    assert data["pci"]["target_composite"] == pytest.approx(73.715)
    assert data["papi"]["field_coverage"] == "full"
    # the plan's 43.45 is 21st among the real 2023 peers, UNDP's file's 43.5718 19th
    own = data["papi"]["baseline_check"]
    assert own["placement"] == {"low": 21, "high": 21} and own["published_rank"] == 19
    assert own["peer_table_composite"]["placement"] == {"low": 19, "high": 19}
    assert own["uses"] == "plan" and not own["consistent"]
    # 67.45 at 25th is consistent with the published 2023 anchors; 66.26 would not be
    pci = data["pci"]["baseline_check"]
    assert pci["placement"] == {"low": 25, "high": 29} and pci["consistent"]
    assert pci["previous_weights"]["composite"] == pytest.approx(66.26)
    assert not pci["previous_weights"]["consistent"]
    fitted = data["pci"]["fitted_weights"]
    assert fitted["status"] == "fitted from published figures" and fitted["profiles_fitted"] == 10
    assert fitted["max_residual"] <= 0.025 + 1e-9
    # PCI 2023 is anchors only: the field model starts from 2022's full table
    assert data["pci"]["odds_method"] == "simulation" and 0 < data["pci"]["p_goal"] <= 1
    assert any("starts from 2022" in a for a in data["pci"]["assumptions"])
    for index in ("sipas", "par_index"):
        assert data[index]["unverified"] is True
        low, high = data[index]["range"]["target_composite"]
        assert low <= data[index]["target_composite"] <= high and low < high
    assert data["pci"]["unverified"] is False and "range" not in data["pci"]


# -- the unverified settings against the published anchors ------------------------------------
@pytest.fixture(scope="module")
def checks_no_outlook(plan):
    return check_plan(plan, outlook=False)


def test_par_index_2023_anchors_exclude_most_maximum_points(plan, checks_no_outlook):
    par = checks_no_outlook["par_index"]
    s = par.extra["settings_consistency"]
    # Bình Định, 31st: (86.98, 87.32] — the national mean had 32 of 63 above it, Nam Định 87.32 was 29th
    own = [c for c in s["constraints"] if c["kind"] == "own_rank"]
    assert [c["bounds"] for c in own] == ["(86.98, 87.32]"]
    assert s["share_method"] == "exact" and 0.92 < s["excluded_share"] < 0.94
    # equal maximum points give 88.41: excluded; the check uses the centroid of what remains
    assert s["default_baseline_composite"] == pytest.approx(88.41, abs=0.005)
    assert not s["default_consistent"]
    assert 86.98 < par.baseline_composite <= 87.32
    assert (par.baseline_range.low, par.baseline_range.high) == (pytest.approx(86.98), pytest.approx(87.32))
    box = par.extra["box_range"]["target_composite"]
    assert box[0] < par.target_range.low < par.target_composite < par.target_range.high < box[1]
    # the components' points per unit are those of the setting used and add up to the gain
    top = par.components[par.components["level"] == 1]
    assert top["contribution"].sum() == pytest.approx(par.gain)
    assert top.set_index("component")["points_per_unit"].idxmax() == "reform_impact"
    en, vi = render_text(checks_no_outlook, plan, "en"), render_text(checks_no_outlook, plan, "vi")
    assert "93.2% excluded" in en and "loại 93.2%" in vi
    assert "(86.98, 87.32]" in en and "(86.98, 87.32]" in vi
    for text in (en, vi):
        assert "reform_impact" not in text and "par_index_2024_on" not in text


def test_sipas_area_weights_rest_on_the_2024_national_means(checks_no_outlook):
    sipas = checks_no_outlook["sipas"]
    s = sipas.extra["settings_consistency"]
    kinds = [c["kind"] for c in s["constraints"]]
    assert kinds.count("national_means") == 1 and kinds.count("own_parent") == 2
    areas = next(g for g in s["groups"] if g["parent"] == "sipas")
    assert areas["method"] == "exact" and 0.16 < areas["consistent_share"] < 0.18
    services = next(r for r in s["settings"] if r["setting"] == "public_services")
    assert (services["points_per_unit_low"], services["points_per_unit_high"]) == (
        pytest.approx(0.36, abs=1e-4), pytest.approx(0.44, abs=1e-4))
    # policy 85.24 and services 81.56 with the services area at 36–44% of the index
    assert (sipas.baseline_range.low, sipas.baseline_range.high) == (
        pytest.approx(85.24 - 0.44 * 3.68, abs=1e-3), pytest.approx(85.24 - 0.36 * 3.68, abs=1e-3))
    # the plan's own inconsistency stays reported against plain means
    assert {f.component for f in sipas.findings} == {"policy", "public_services"}
    # 2024, the same criteria set: rank 20 needed 82.71–87.80
    assert s["later_year"]["goal_interval"] == "[82.71, 87.80]" and s["later_year"]["same_criteria_set"]


def test_par_index_targets_were_set_under_the_old_criteria_set(plan, checks_no_outlook):
    assert plan.targets_in_earlier_era("par_index", BOOK)
    assert plan.spec_for("par_index", "target", BOOK).era == "par_index_2022_2023"
    assert not plan.targets_in_earlier_era("pci", BOOK)
    s = checks_no_outlook["par_index"].extra["settings_consistency"]
    era = s["era_change"]
    assert era["from_year"] == 2024 and len(era["rows"]) == 8
    kinds = [r["correspondence"] for r in era["rows"]]
    assert kinds.count("same_area") == 2 and kinds.count("not_one_to_one") == 1
    later = s["later_year"]
    assert later["year"] == 2024 and not later["same_criteria_set"]
    # Bình Dương 89.13 was 23rd and Hòa Bình 88.18 37th: rank 25 needed 88.18–89.13
    assert later["goal_interval"] == "[88.18, 89.13]" and later["region_mean"] == 88.51
    assert "target_rank" not in later  # an old-set composite is not placed on the new set's curve
    en = render_text(checks_no_outlook, plan, "en")
    assert "From 2024, PAR INDEX is scored under a new criteria set" in en
    assert "rank 25 needed a score in [88.18, 89.13] in 2024" in en


def test_nothing_consistent_is_said(plan):
    import dataclasses

    values = plan.values.copy()
    par = (values["index"] == "par_index") & (values["status"] == "baseline")
    values.loc[par, "value"] = 99.0  # 99% in every field cannot be 31st in 2023
    other = dataclasses.replace(plan, values=values)
    par_check = check_plan(other, outlook=False)["par_index"]
    s = par_check.extra["settings_consistency"]
    assert s["nothing_consistent"] and s["consistent_share"] == 0.0
    assert any("NO setting in the plausible box is consistent" in line for line in s["en"])
    assert any("KHÔNG có thiết lập nào" in line for line in s["vi"])
