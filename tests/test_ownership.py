"""The action table joined to leverage: owners, gaps, low-leverage loads, deadlines."""

import csv
from collections import Counter

import pandas as pd

from indexmodel.analysis.ownership import (agency_profile, coverage, deadlines_by_quarter, ownership,
                                           top_component)
from indexmodel.core.paths import data_dir
from indexmodel.data.actions import load_actions
from indexmodel.data.spec import load_specs

BOOK = load_specs()
ACTIONS = load_actions()


def raw_rows():
    with open(data_dir() / "actions" / "actions.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fake_leverage(spec, values):
    """A leverage table with chosen typical rank gains (the join is what is tested)."""
    return pd.DataFrame({"component": list(spec.top_components),
                         "typical_rank_gain": [values.get(c, 0.0) for c in spec.top_components],
                         "typical_points": 0.1, "step_1pct_points": 0.1})


def test_top_component_rolls_up_every_level():
    spec = BOOK.spec_for("papi", 2023)
    assert top_component(spec, "civic_knowledge") == "participation"
    assert top_component(spec, "participation") == "participation"
    assert top_component(spec, "papi") is None and top_component(spec, "") is None


def test_task_counts_equal_a_direct_count_of_the_csv():
    spec = BOOK.spec_for("pci", 2023)
    cov = coverage(ACTIONS, spec, fake_leverage(spec, {})).set_index("component")
    direct = Counter(r["component"] for r in raw_rows() if r["index"] == "pci" and r["scope"] == "component")
    for component in spec.top_components:
        assert cov.loc[component, "tasks"] == direct.get(component, 0)


def test_papi_tasks_roll_up_to_dimensions():
    spec = BOOK.spec_for("papi", 2023)
    cov = coverage(ACTIONS, spec, fake_leverage(spec, {})).set_index("component")
    rows = [r for r in raw_rows() if r["index"] == "papi" and r["scope"] == "component"]
    participation = {"participation", "civic_knowledge", "participation_opportunities",
                     "election_quality", "voluntary_contributions"}
    assert cov.loc["participation", "tasks"] == sum(r["component"] in participation for r in rows)
    assert cov["tasks"].sum() == len(rows)


def test_gaps_and_owners_follow_the_leverage():
    spec = BOOK.spec_for("pci", 2023)
    # give the most leverage to the sub-index with the fewest tasks
    counts = Counter(r["component"] for r in raw_rows() if r["index"] == "pci")
    rare = min(spec.top_components, key=lambda c: (counts.get(c, 0), c))
    table = fake_leverage(spec, {rare: 10.0, "informal_charges": 1.0})
    cov = coverage(ACTIONS, spec, table).set_index("component")
    assert cov.loc[rare, "leverage_rank"] == 1 and cov.loc[rare, "gap"]
    assert cov.loc[rare, "basis"] == "rank gained by a typical one-year improvement"
    owners = ownership(ACTIONS, spec, table)
    assert owners.iloc[0]["component"] == rare
    expected = {r["agency_id"] for r in raw_rows() if r["index"] == "pci" and r["component"] == rare}
    assert set(owners.loc[owners["component"] == rare, "agency_id"]) == expected


def test_agencies_with_mostly_low_leverage_tasks():
    spec = BOOK.spec_for("pci", 2023)
    # informal charges (most PCI tasks) made the lowest-leverage sub-index
    table = fake_leverage(spec, {c: 5.0 for c in spec.top_components if c != "informal_charges"})
    profile = agency_profile(ACTIONS, spec, table).set_index("agency_id")
    rows = [r for r in raw_rows() if r["index"] == "pci" and r["scope"] == "component"]
    for agency, group in pd.DataFrame(rows).groupby("agency_id"):
        only_informal = (group["component"] == "informal_charges").all()
        if only_informal:
            assert profile.loc[agency, "mostly_low"]


def test_no_leverage_without_a_value_falls_back_to_points():
    spec = BOOK.spec_for("sipas", 2023)
    table = pd.DataFrame({"component": list(spec.top_components),
                          "typical_rank_gain": float("nan"), "typical_points": float("nan"),
                          "step_1pct_points": [0.5, 0.5]})
    cov = coverage(ACTIONS, spec, table)
    assert set(cov["basis"]) == {"composite points of a step of 1% of the range"}


def test_deadlines_by_quarter():
    table = deadlines_by_quarter(ACTIONS)
    assert table.to_numpy().sum() == len(ACTIONS)
    dated = [r for r in raw_rows() if r["deadline_date"]]
    q4 = sum(1 for r in dated if r["deadline_date"].startswith("2024-1") or r["deadline_date"][5:7] in ("10", "11", "12"))
    assert table.loc["2024-Q4"].sum() == q4
    assert table.loc["ongoing"].sum() == sum(r["deadline_kind"] == "ongoing" for r in raw_rows())
