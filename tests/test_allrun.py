"""``indexmodel run --province all``: every unit ranked in a year, one batch, one index."""

from __future__ import annotations

import json
import re

import pytest

from indexmodel import cli
from indexmodel.core.errors import UsageError
from indexmodel.report import allrun
from indexmodel.report import runner as report
from test_report import notebook, quiet, snapshot

PARAMS_NOTEBOOK = ('import json\nfrom pathlib import Path\n'
                   'Path(tables_dir, "params.json").write_text(json.dumps(dict(province=province, '
                   'baseline_year=baseline_year, target_year=target_year, lang=lang)))')


@pytest.fixture
def tiny(tmp_path):
    folder = tmp_path / "notebooks"
    notebook(folder / "01_params.ipynb", PARAMS_NOTEBOOK, markdown="# Params")
    notebook(folder / "02_second.ipynb", "x = 1 + 1\nx", markdown="# Second")
    return folder


def test_the_default_year_is_the_latest_with_a_complete_peer_table():
    complete = allrun.complete_years()
    assert allrun.default_year() == max(y for ys in complete.values() for y in ys)
    # PAPI 2022 covers the 63 provinces; PAPI 2023 misses some, PCI stops at 2021
    assert 2022 in complete["papi"] and 2023 not in complete["papi"]
    assert allrun.default_year() == 2022
    assert len(allrun.ranked_units(2022)) == 63


def test_every_ranked_unit_gets_its_report_folder_and_one_index_over_all(tmp_path, tiny):
    home = tmp_path / "home"
    units = allrun.ranked_units(2024)
    assert 3 <= len(units) < 20  # the few units with published 2024 results
    lines: list[str] = []
    result = allrun.run_all(2024, "en", home=home, notebooks_dir=tiny, progress=lines.append)
    assert [r.slug for r in result.results] == [u.id for u in units]
    for unit, res in zip(units, result.results):
        folder = home / "reports" / "2024" / unit.id / "en"
        assert res.reports_dir == folder
        assert {p.name for p in folder.iterdir()} >= {
            "index.html", "run.json", "01_params.html", "01_params.ipynb", "02_second.html"}
        # analysed as a province without a plan: the year's peer data
        params = json.loads((folder / "params.json").read_text())
        assert params == dict(province=unit.name_en, baseline_year=2024, target_year=2024,
                              lang="en")
        assert json.loads((folder / "run.json").read_text())["basis"] == "peer data"
    index = result.index_html
    assert index == home / "reports" / "2024" / "all" / "en" / "index.html"
    page = index.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == len(units)
    assert all((index.parent / link).resolve().is_file() for link in links)
    assert '<html lang="en">' in page and "Reports 2024 — every province" in page
    assert sum(1 for line in lines if re.match(r"\[\d+/\d+\] ", line)) == 2 * len(units)
    assert not [p for p in report.staging_root(home).iterdir() if p.is_dir()]


def test_a_failure_in_one_province_changes_nothing_and_names_it(tmp_path, tiny):
    notebook(tiny / "03_fails_for_one.ipynb",
             'if province == "Ha Noi":\n    raise ValueError("no data for the capital")')
    home = tmp_path / "home"
    before = snapshot(home) if home.exists() else {}
    with pytest.raises(report.NotebookFailedError) as info:
        allrun.run_all(2024, "vi", home=home, notebooks_dir=tiny, progress=quiet, jobs=2)
    message = info.value.message
    assert "03_fails_for_one.ipynb (Ha Noi)" in message and "cell 2" in message
    assert "no data for the capital" in message
    after = {k: v for k, v in snapshot(home).items()
             if not k.startswith(("reports/.staging", "reports/failed"))}
    assert after == {k: v for k, v in before.items()} or set(after) <= {"reports"}
    assert not (home / "reports" / "2024" / "ha_noi").exists()
    assert (home / "reports" / "failed" / "2024" / "ha_noi" / "vi" / "03_fails_for_one.ipynb").is_file()


def test_the_command_line_refuses_what_an_all_run_cannot_use(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INDEXMODEL_HOME", str(tmp_path / "home"))
    assert cli.main(["run", "--province", "all", "--peers", str(tmp_path / "x.csv")]) == 2
    assert "--peers is for one province" in capsys.readouterr().err
    assert cli.main(["run", "--province", "all", "--year", "2031"]) == 2
    assert cli.main(["run", "--province", "all", "--jobs", "0"]) == 2
    with pytest.raises(UsageError):
        allrun.run_all(2024, jobs=0, progress=quiet)
    assert not (tmp_path / "home" / "reports").exists() or not any(
        (tmp_path / "home" / "reports").rglob("*.html"))
