"""The yearly review: a synthetic release built from real panel years.

PCI 2014 plays the new release and 2013 the previous year, for Bình Định. Every
expected flag, average and agency list is computed here from the raw CSV tables
(components.csv, pci_2013_2021.csv, actions.csv) with plain pandas, not through the
package's scoring, peers or monitor internals.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indexmodel.analysis.monitor import load_release, monitor, monitor_command
from indexmodel.analysis.monitor_report import report_deadline
from indexmodel.core.errors import IndexModelError, InputFileError
from indexmodel.core.paths import data_dir

PROVINCE = "Binh Dinh"


# -- the hand computation --------------------------------------------------------------
@pytest.fixture(scope="module")
def raw():
    comps = pd.read_csv(data_dir() / "peers" / "components.csv")
    weights = pd.read_csv(data_dir() / "specs" / "pci_2013_2021.csv")
    weights = weights[weights["parent"] == "pci"].set_index("id")["weight"].astype(float)
    actions = pd.read_csv(data_dir() / "actions" / "actions.csv", dtype=str, keep_default_na=False)
    return comps, weights, actions


@pytest.fixture(scope="module")
def hand(raw):
    comps, weights, actions = raw
    pci = comps[comps["index"] == "pci"]
    wide = {y: pci[pci["year"] == y].pivot(index="province", columns="component", values="value")
            for y in (2013, 2014)}
    out = {}
    for c in weights.index:
        new, prev = wide[2014].loc[PROVINCE, c], wide[2013].loc[PROVINCE, c]
        avg = wide[2014][c].mean()
        agencies = set(actions.loc[(actions["index"] == "pci") & (actions["component"] == c), "agency_id"])
        out[c] = dict(value=new, previous=prev, avg=avg, below=new < avg, fell=new < prev,
                      agencies=agencies)
    composite = {y: 10 * (wide[y][list(weights.index)] * weights).sum(axis=1) for y in (2013, 2014)}
    out["pci"] = dict(value=composite[2014][PROVINCE], previous=composite[2013][PROVINCE],
                      avg=composite[2014].mean(),
                      below=composite[2014][PROVINCE] < composite[2014].mean(),
                      fell=composite[2014][PROVINCE] < composite[2013][PROVINCE],
                      agencies=set(actions.loc[(actions["index"] == "pci") & (actions["scope"] == "index"),
                                               "agency_id"]))
    return out


@pytest.fixture(scope="module")
def release_file(tmp_path_factory, raw):
    comps = raw[0]
    rows = comps[(comps["index"] == "pci") & (comps["year"] == 2014)]
    path = tmp_path_factory.mktemp("release") / "pci_2014.csv"
    rows.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def report(release_file):
    peers = load_release(release_file, 2014, "Bình Định", index="pci")
    return monitor(2014, "Bình Định", peers=peers, index="pci", lang="vi")


# -- the synthetic release --------------------------------------------------------------
def test_flags_averages_and_changes_match_the_hand_computation(report, hand):
    comps = report.components.set_index("component")
    assert set(comps.index) == set(hand)
    for c, h in hand.items():
        row = comps.loc[c]
        assert row["value"] == pytest.approx(h["value"], abs=1e-9)
        assert row["previous_value"] == pytest.approx(h["previous"], abs=1e-9)
        assert row["change"] == pytest.approx(h["value"] - h["previous"], abs=1e-9)
        assert row["national_average"] == pytest.approx(h["avg"], abs=1e-9)
        assert bool(row["below_average"]) == bool(h["below"]), c
        assert bool(row["fell"]) == bool(h["fell"]), c
        assert bool(row["flagged"]) == bool(h["below"] or h["fell"]), c
        assert row["average_source"] == "full peer table" and row["average_n"] == 63


def test_flagged_components_of_pci_2014(report, hand):
    flagged = set(report.flagged["component"])
    assert flagged == {c for c, h in hand.items() if h["below"] or h["fell"]}
    # spelled out: what the hand computation finds for Bình Định's PCI 2014
    assert flagged == {"land_access", "informal_charges", "policy_bias", "proactivity",
                       "legal_institutions"}
    comps = report.components
    below = set(comps.loc[comps["below_average"].fillna(False).astype(bool), "component"])
    assert below == {"informal_charges", "proactivity", "legal_institutions"}


def test_agency_lists_match_the_action_table(report, hand):
    comps = report.components.set_index("component")
    for c, h in hand.items():
        got = {a for a in comps.loc[c, "agency_ids"].split("; ") if a}
        assert got == h["agencies"], c
    # the composite: no PCI task is on the whole index
    assert comps.loc["pci", "agency_ids"] == ""
    table = report.table
    assert set(table.loc[table["component"] != "pci", "link"].dropna()) == {"direct"}
    # one row per index × component × agency (a component nobody owns keeps one empty row)
    expected_rows = sum(max(1, len(h["agencies"])) for h in hand.values())
    assert len(table) == expected_rows
    assert not table.duplicated(["index", "component", "agency_id"]).any()


def test_summary_and_rank(report, hand):
    row = report.summary.set_index("index").loc["pci"]
    assert row["composite"] == pytest.approx(hand["pci"]["value"], abs=1e-9)
    assert row["flagged"] == 5 and row["components"] == 10
    assert row["rank"] == 17 and row["ranked"] == 63  # the published 2014 rank
    assert list(report.summary["index"]) == ["pci"]


def test_each_agency_section_lists_its_flagged_components_first(report):
    text = report.to_text("vi")
    section = text.split("Cơ quan: Văn phòng Ủy ban nhân dân tỉnh")[1].split("\nCơ quan:")[0]
    assert section.index("Tính năng động") < section.index("Chi phí gia nhập")
    assert "[!] Chỉ số PCI · Tính năng động" in section
    # agencies with something to review come before those without
    assert text.index("Cơ quan: Sở Công Thương") > text.index("Cơ quan: Tòa án nhân dân tỉnh")
    english = report.to_text("en")
    assert "Agency: Department of Industry and Trade" in english
    assert "below the national average" in english and "thấp hơn TB cả nước" in text
    md = report.to_markdown("en")
    assert md.startswith("# REVIEW OF THE 2014 RESULTS") and "| PCI | Proactivity" in md


def test_write_is_atomic_and_repeatable(report, tmp_path):
    first = report.write(tmp_path / "a", "vi")
    second = report.write(tmp_path / "b", "vi")
    assert [p.name for p in first] == ["monitor_binh_dinh_2014.csv", "monitor_binh_dinh_2014.vi.md"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes()
    table = pd.read_csv(first[0])
    assert len(table) == len(report.table)
    assert not list((tmp_path / "a").glob(".*.tmp"))


def test_the_command(release_file, tmp_path, capsys):
    code = monitor_command(2014, "Bình Định", str(release_file), "en", tmp_path, False, "pci")
    out = capsys.readouterr().out
    assert code == 0
    assert "REVIEW OF THE 2014 RESULTS" in out and "Informal charges" in out
    assert (tmp_path / "monitor_binh_dinh_2014.en.md").exists()


# -- refusals -----------------------------------------------------------------------------
def test_a_release_with_other_values_is_refused_unless_replace(release_file, tmp_path):
    frame = pd.read_csv(release_file)
    hit = (frame["province"] == PROVINCE) & (frame["component"] == "land_access")
    frame.loc[hit, "value"] = 7.9
    path = tmp_path / "changed.csv"
    frame.to_csv(path, index=False)
    spreadsheet_row = int(frame.index[hit][0]) + 2
    with pytest.raises(InputFileError) as err:
        load_release(path, 2014, "Bình Định", index="pci")
    message = err.value.message
    assert "pci 2014 is already in the data with different values in 1 row" in message
    assert f"row {spreadsheet_row} Binh Dinh land_access" in message and "7.9 in the file" in message
    peers = load_release(path, 2014, "Bình Định", index="pci", replace=True)
    report = monitor(2014, "Bình Định", peers=peers, index="pci")
    row = report.components.set_index("component").loc["land_access"]
    assert row["value"] == 7.9 and not row["fell"]


def test_a_release_without_the_province_is_refused(release_file, tmp_path, capsys):
    frame = pd.read_csv(release_file)
    path = tmp_path / "no_binh_dinh.csv"
    frame[frame["province"] != PROVINCE].to_csv(path, index=False)
    with pytest.raises(InputFileError, match="no rows for Binh Dinh, the province being monitored"):
        load_release(path, 2014, "Bình Định")
    assert monitor_command(2014, "Bình Định", str(path), "vi", None, False, None) == 2
    err = capsys.readouterr().err
    assert err.startswith("indexmodel: error:") and "no_binh_dinh.csv" in err and "Traceback" not in err


def test_a_file_of_another_index_than_claimed_is_refused(release_file):
    with pytest.raises(InputFileError, match="holds pci rows, not papi as claimed"):
        load_release(release_file, 2014, "Bình Định", index="papi")


def test_a_file_without_the_release_year_is_refused(release_file):
    with pytest.raises(InputFileError, match="holds no 2015 rows"):
        load_release(release_file, 2015, "Bình Định")


def test_bad_options_are_refused():
    with pytest.raises(IndexModelError):
        monitor(2014, index="pcii")
    with pytest.raises(IndexModelError):
        monitor(2014, lang="fr")
    with pytest.raises(IndexModelError, match="no pci values for Binh Dinh in 2024"):
        monitor(2024, index="pci")


# -- within the plan's period ---------------------------------------------------------------
def test_a_2024_release_is_judged_against_the_plan(tmp_path):
    plan = pd.read_csv(data_dir() / "plan" / "plan_values.csv")
    pci = plan[(plan["index"] == "pci")]
    base = pci[pci["status"] == "baseline"].set_index("component")["value"]
    target = pci[pci["status"] == "target"].set_index("component")["value"]
    new = base.copy()
    new["policy_bias"] = base["policy_bias"] + 1.2    # more than a steady pace (half the gain)
    new["land_access"] = base["land_access"] - 0.2   # fell
    release = pd.DataFrame({"index": "pci", "year": 2024, "province": "Bình Định",
                            "component": new.index, "value": new.to_numpy()})
    path = tmp_path / "pci_2024.csv"
    release.to_csv(path, index=False)
    peers = load_release(path, 2024, "Bình Định", index="pci")
    report = monitor(2024, "Bình Định", peers=peers, index="pci")
    comps = report.components.set_index("component")
    for c in base.index:
        row = comps.loc[c]
        assert row["previous_value"] == pytest.approx(base[c]) and row["previous_source"] == "plan"
        assert math.isnan(row["national_average"]) and pd.isna(row["below_average"])
        assert row["gain_needed"] == pytest.approx(target[c] - new[c])
        assert row["gain_made"] == pytest.approx(new[c] - base[c])
        assert row["pace_gain"] == pytest.approx((target[c] - base[c]) / 2)
        expected = ("reached" if new[c] >= target[c] else
                    "on_pace" if new[c] - base[c] >= (target[c] - base[c]) / 2 else "behind")
        assert row["status"] == expected, c
        pct = row["needed_gain_percentile"]
        assert math.isnan(pct) or 0 <= pct <= 100
    assert comps.loc["policy_bias", "status"] == "on_pace"
    assert comps.loc["land_access", "status"] == "behind" and bool(comps.loc["land_access", "fell"])
    assert set(report.flagged["component"]) == {"land_access"}
    assert "national average unknown" in report.to_text("en")


def test_report_deadline_skips_weekends():
    from datetime import date

    assert report_deadline(date(2024, 5, 8)) == date(2024, 5, 15)  # Wednesday → next Wednesday
    assert report_deadline(date(2024, 5, 10)) == date(2024, 5, 17)  # Friday → next Friday


# -- national averages from published means -----------------------------------------------
def test_published_national_mean_where_no_full_table():
    from indexmodel.data.peers import default_peers, default_results

    # PCI 2017 has its full table now: its own mean (62.40), not the published 60.2 …
    full = monitor(2017, "Đà Nẵng", index="pci", lang="en").components.set_index("component").loc["pci"]
    assert full["average_source"] == "full peer table"
    assert full["national_average"] == pytest.approx(62.3968, abs=1e-4)
    # … which the reconciliation table records as a known disagreement
    checks = pd.read_csv(data_dir() / "peers" / "reconciliation.csv", keep_default_na=False)
    mean = checks[(checks["item"] == "mean") & (checks["year"] == 2017)].iloc[0]
    assert mean["status"] == "differs" and mean["other"] == 60.2
    # without the 2017 components the published national mean stands in
    peers = default_peers()
    peers = peers[~((peers["index"] == "pci") & (peers["year"] == 2017) & (peers["province"] != "Da Nang"))]
    results = default_results()
    results = results[~((results["index"] == "pci") & (results["year"] == 2017))]
    report = monitor(2017, "Đà Nẵng", peers=peers, results=results, index="pci", lang="en")
    row = report.components.set_index("component").loc["pci"]
    assert row["value"] == pytest.approx(70.109411)
    assert row["national_average"] == pytest.approx(60.2)
    assert row["average_source"] == "published national mean" and not row["below_average"]
    # the shipped action table is Bình Định's plan: no agency is named for another province
    assert report.table["agency_id"].isna().all()
    assert "No action table for Da Nang" in report.to_text("en")


def test_national_mean_derived_from_the_six_regional_means():
    from indexmodel.data.peers import default_region_means

    shipped = default_region_means()
    means = pd.read_csv(data_dir() / "peers" / "region_means.csv")
    means = means[(means["index"] == "par_index") & (means["year"] == 2023)].set_index("region")
    published = means.loc["national", "mean_value"]
    means = means.drop(index="national")
    provinces = pd.read_csv(data_dir() / "provinces" / "provinces.csv", keep_default_na=False)
    ends = pd.to_numeric(provinces["valid_to"], errors="coerce").fillna(9999)
    starts = pd.to_numeric(provinces["valid_from"], errors="coerce").fillna(0)
    provinces = provinces[(starts <= 2023) & (2023 <= ends)]  # the 63 of 2023
    counts = provinces.groupby("region").size()
    expected = (means["mean_value"] * counts.reindex(means.index)).sum() / counts.sum()
    # the published national mean (86.98) agrees with the six regional means to its 2 decimals
    assert abs(expected - published) <= 0.005
    without_national = shipped[~((shipped["index"] == "par_index") & (shipped["year"] == 2023)
                                 & (shipped["region"] == "national"))]
    report = monitor(2023, "Bình Định", index="par_index", lang="vi", region_means=without_national)
    row = report.components.set_index("component").loc["par_index"]
    assert row["national_average"] == pytest.approx(expected, abs=1e-9)
    assert row["average_n"] == 63
    # the composite rests on unverified maximum points whose range spans the average
    assert not row["verified"] and row["value_low"] < expected < row["value_high"]
    assert bool(row["average_uncertain"])
    assert "phụ thuộc thiết lập chưa kiểm chứng" in report.to_text("vi")
    fields = report.components[report.components["component"] != "par_index"]
    assert fields["verified"].all() and fields["national_average"].isna().all()
    assert set(fields["status"]) <= {"baseline", "reached"}


def test_papi_2023_review_on_the_full_table(capsys):
    code = monitor_command(2023, "Bình Định", None, "en", None, False, "papi")
    assert code == 0
    text = capsys.readouterr().out
    assert "PAPI 2023: 43.57" in text and "rank 19 of 61" in text and "mean of 61 provinces" in text
    report = monitor(2023, "Bình Định", index="papi", lang="en")
    rows = report.components.set_index("component")
    assert rows.loc["papi", "average_source"] == "full peer table" and rows.loc["papi", "average_n"] == 61
    dims = rows.drop(index="papi")
    assert len(dims) == 8 and (dims["average_source"] == "full peer table").all()
