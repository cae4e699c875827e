"""Code written against the flat package (``indexmodel.peers``, ``indexmodel.backtest`` …)
keeps working: every old module name gives the module it is now — the same object —
and the names the README shows resolve to the same functions."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import indexmodel

#: The modules at the top of the package before the layers (and the readers below sources).
OLD_MODULES = (
    "actions", "analysis", "backtest", "cli", "errors", "field", "i18n", "leverage", "monitor",
    "movement", "optimize", "output", "ownership", "paths", "peers", "plan", "plan_check",
    "plots", "provinces", "ranking", "report", "scoring", "sensitivity", "settings", "sources",
    "sources.etl", "sources.official_papi", "sources.official_pci", "sources.published",
    "sources.tables", "sources.workbook", "spec", "trajectory", "views",
)


@pytest.mark.parametrize("old", OLD_MODULES)
def test_every_old_module_name_still_imports(old):
    module = importlib.import_module(f"indexmodel.{old}")
    assert module is sys.modules[f"indexmodel.{old}"]


@pytest.mark.parametrize("old, new", sorted(indexmodel.MOVED.items()))
def test_an_old_name_is_the_same_module_object_as_the_new_path(old, new):
    then = importlib.import_module(f"indexmodel.{old}")
    now = importlib.import_module(f"indexmodel.{new}")
    assert then is now
    assert now.__name__ == now.__spec__.name == f"indexmodel.{new}"


def test_modules_below_an_old_package_name_are_the_same_objects():
    from indexmodel.data.sources import etl, official_pci
    from indexmodel.sources import etl as old_etl
    from indexmodel.sources.official_pci import pci_2011_gap

    assert old_etl is etl
    assert pci_2011_gap is official_pci.pci_2011_gap
    assert importlib.import_module("indexmodel.sources.tables") is \
        importlib.import_module("indexmodel.data.sources.tables")


def test_the_readme_paths():
    from indexmodel.analysis import for_plan
    from indexmodel.analysis.backtest import backtest_all as new_backtest_all
    from indexmodel.analysis.index_analysis import for_plan as new_for_plan
    from indexmodel.backtest import backtest_all
    from indexmodel.data.peers import load_peers as new_load_peers
    from indexmodel.peers import load_peers
    from indexmodel.report import PARAMETERS_CELL, run
    from indexmodel.report import runner

    assert for_plan is new_for_plan
    assert backtest_all is new_backtest_all
    assert load_peers is new_load_peers
    assert run is runner.run and PARAMETERS_CELL is runner.PARAMETERS_CELL


def test_patching_through_an_old_name_patches_the_module(monkeypatch):
    import indexmodel.data.peers
    import indexmodel.peers

    monkeypatch.setattr(indexmodel.peers, "PEER_COLUMNS", ("patched",))
    assert indexmodel.data.peers.PEER_COLUMNS == ("patched",)


def test_the_split_movement_module_reads_and_patches_its_parts(monkeypatch):
    import indexmodel.movement as movement
    from indexmodel.model import calibration, panel, simulation, thresholds

    for part in (panel, calibration, simulation, thresholds):
        for name, value in vars(part).items():
            if not name.startswith("__") and getattr(value, "__module__", None) == part.__name__:
                assert getattr(movement, name) is value, name
    original = simulation.simulate
    monkeypatch.setattr(movement, "simulate", "patched")
    assert simulation.simulate == "patched"
    monkeypatch.undo()
    assert simulation.simulate is original and movement.simulate is original
    assert "threshold_outlook" in dir(movement)


def test_old_names_in_a_fresh_interpreter():
    code = (
        "import indexmodel.peers as old, indexmodel.data.peers as new\n"
        "assert old is new and new.__spec__.name == 'indexmodel.data.peers'\n"
        "from indexmodel.monitor import monitor, report_deadline\n"
        "from indexmodel.analysis.monitor import monitor as m\n"
        "assert monitor is m\n"
        "import indexmodel.views as v, indexmodel.report.views as w\n"
        "assert v is w and callable(v.setup_notebook)\n"
        "from indexmodel.movement import calibrate, simulate\n"
        "import indexmodel.sources.etl as e, indexmodel.data.sources.etl as f\n"
        "assert e is f\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
