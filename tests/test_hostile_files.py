"""Hostile files and options on every command: one line naming the file (and the sheet of a
workbook), exit status 2, no traceback, nothing written."""

from __future__ import annotations

import os
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indexmodel import cli
from indexmodel.core.errors import InputFileError
from indexmodel.core.paths import REPO_ROOT, peers_dir
from indexmodel.data.peers import load_peers

OFFICIAL = Path(os.environ.get("INDEXMODEL_OFFICIAL",
                               REPO_ROOT.parent / "shared" / "data" / "official"))

ROWS = [["index", "year", "province", "component", "value"],
        ["pci", 2014, "Bình Định", "entry_costs", 7.25],
        ["pci", 2014, "Đà Nẵng", "entry_costs", 7.5]]


def _xlsx(path: Path, rows=ROWS, title="Peers") -> Path:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _malformed(tmp_path: Path) -> Path:
    """A workbook whose numeric cell E2 holds text (a file not written by Excel)."""
    good = _xlsx(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>7.25</v>" in data
                data = data.replace(b"<v>7.25</v>", b"<v>7,2x</v>")
            zout.writestr(item, data)
    return bad


def main(capsys, *args) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def commands(peers: Path, out: Path) -> dict[str, tuple]:
    return {
        "score": ("score", "--index", "pci", "--peers", peers, "--year", "2014", "--out",
                  out / "s.csv"),
        "backtest": ("backtest", "--index", "pci", "--peers", peers, "--train-until", "2013",
                     "--test-year", "2014", "--out", out / "b.csv"),
        "plan": ("plan", "--peers", peers),
        "monitor": ("monitor", "--year", "2014", "--peers", peers, "--out", out / "m"),
        "run": ("run", "--peers", peers),
    }


@pytest.fixture
def no_notebooks(monkeypatch, tmp_path):
    import papermill

    def never(*_a, **_k):  # pragma: no cover - failing is the point
        raise AssertionError("a notebook was executed")

    monkeypatch.setattr(papermill, "execute_notebook", never)
    monkeypatch.setenv("INDEXMODEL_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("command", ["score", "backtest", "plan", "monitor", "run"])
def test_a_malformed_numeric_cell_is_one_line_on_every_command(tmp_path, capsys, command,
                                                               no_notebooks):
    bad = _malformed(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    status, _stdout, err = main(capsys, *commands(bad, out)[command])
    assert status == 2, err
    assert err == (f"indexmodel: error: {bad} (sheet 1 'Peers'): cell E2 cannot be read "
                   "(invalid literal for int() with base 10: '7,2x'): the file is damaged, or "
                   "was not saved by Excel (open it in Excel and save it again)\n")
    assert not any(out.iterdir())
    assert not (tmp_path / "home").exists()


def test_a_formula_without_a_saved_value_is_named_not_taken_for_a_missing_value(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "=E2+0.25"  # openpyxl writes the formula, never its value
    path = _xlsx(tmp_path / "formula.xlsx", rows)
    with pytest.raises(InputFileError) as info:
        load_peers(path)
    assert info.value.message == (
        f"{path} (sheet 1 'Peers'): row 3: column 'value': a formula without a saved value "
        "(=E2+0.25) (open the file in Excel and save it, or type the value instead of the "
        "formula)")


def test_a_formula_with_its_saved_value_is_read(tmp_path):
    """A workbook as Excel saves it: the formula and, beside it, its value."""
    rows = [list(r) for r in ROWS]
    rows[2][4] = "=E2+0.25"
    path = _xlsx(tmp_path / "formula.xlsx", rows)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "saved.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the empty value as <v /> or <v></v> (or none), by XML writer
                data, n = re.subn(rb"<f>E2\+0\.25</f>(?:<v\s*/>|<v>\s*</v>)?",
                                  b"<f>E2+0.25</f><v>7.5</v>", data)
                assert n == 1
            zout.writestr(item, data)
    frame = load_peers(tmp_path / "saved.xlsx")
    assert list(frame["value"]) == [7.25, 7.5]


def test_workbook_errors_name_the_sheet(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "n/a"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Data 2014")
    for row in rows:
        sheet.append(row)
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(InputFileError) as info:
        load_peers(path)
    assert info.value.message == (f"{path} (sheet 2 'Data 2014'): row 3: column 'value': "
                                  "'n/a' is not a number")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, encoding):
    text = "index,year,province,component,value\npci,2014,Bình Định,entry_costs,7.26\n"
    path = tmp_path / "u16.csv"
    path.write_bytes(text.encode(encoding))
    frame = load_peers(path)
    assert list(frame["province"]) == ["Binh Dinh"] and list(frame["value"]) == [7.26]


def test_an_error_never_prints_nul_bytes(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"ind\x00ex,ye\x01ar\nfoo,bar\n")
    with pytest.raises(InputFileError) as info:
        load_peers(path)
    assert "\x00" not in info.value.message and "\x01" not in info.value.message
    assert "first line reads 'ind\\x00ex,ye\\x01ar'" in info.value.message


@pytest.mark.skipif(not (OFFICIAL / "pci" / "PCI_2005.xls").exists(),
                    reason="needs the official PCI 2005 workbook")
def test_xlrd_warnings_do_not_reach_stdout(tmp_path, capfd):
    """A .xls whose size is not a whole number of sectors makes xlrd warn on stdout."""
    from indexmodel.data.sources.workbook import read_sheet

    padded = tmp_path / "padded.xls"
    shutil.copyfile(OFFICIAL / "pci" / "PCI_2005.xls", padded)
    with open(padded, "ab") as fh:
        fh.write(b"abc")
    sheet = read_sheet(padded, 1)
    assert sheet.n_rows > 40
    captured = capfd.readouterr()
    assert captured.out == "" and "WARNING" not in captured.err


def test_xlrd_is_given_a_log_of_its_own(tmp_path, monkeypatch, capfd):
    """xlrd prints its warnings to the log it is given (stdout by default): the reader
    gives it one of its own, so a command's output stays clean (this runs without the
    official workbooks; the test above tries a real .xls)."""
    import xlrd

    from indexmodel.data.sources.workbook import sheet_names

    def open_workbook(path, logfile=None, **_kwargs):
        import sys

        print("WARNING *** file size (143363) not 512 + multiple of sector size (512)",
              file=logfile or sys.stdout)
        raise xlrd.XLRDError("stop here")

    monkeypatch.setattr(xlrd, "open_workbook", open_workbook)
    path = tmp_path / "book.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputFileError, match="not a readable .xls workbook"):
        sheet_names(path)
    captured = capfd.readouterr()
    assert "WARNING" not in captured.out and "WARNING" not in captured.err


# -- options ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (("backtest", "--index", "pci", "--peers", peers_dir() / "components.csv", "--train-until",
      "2013", "--test-year", "2014", "--seed", "-1", "--out", "{tmp}/b.csv"),
     "--seed must be a whole number ≥ 0, not -1"),
    (("backtest", "--index", "pci", "--peers", peers_dir() / "components.csv", "--train-until",
      "2013", "--test-year", "2014", "--sims", "1000000000", "--out", "{tmp}/b.csv"),
     "--sims must be a whole number from 1 to 20,000, not 1000000000"),
    (("backtest", "--index", "pci", "--peers", peers_dir() / "components.csv", "--train-until",
      "2013", "--test-year", "2014", "--sims", "50", "--out", "{tmp}/b.csv"),
     "sims must be a whole number from 100 to 20,000, not 50"),
    (("plan", "--peers", peers_dir() / "components.csv", "--seed", "-1"),
     "--seed must be a whole number ≥ 0, not -1"),
    (("plan", "--sims", "0"), "--sims must be a whole number from 1 to 20,000, not 0"),
    (("run", "--seed", "-3"), "--seed must be a whole number ≥ 0, not -3"),
    (("run", "--sims", "1000000000"), "--sims must be a whole number from 1 to 20,000"),
    (("run", "--year", "3600"), "--year: 3600 is later than next year"),
    (("score", "--index", "papi", "--peers", peers_dir() / "components.csv", "--year", "2008",
      "--out", "{tmp}/s.csv"), "--year: 2008 is before the first PAPI (2009)"),
    (("backtest", "--index", "pci", "--peers", peers_dir() / "components.csv", "--train-until",
      "2004", "--test-year", "2014", "--out", "{tmp}/b.csv"),
     "--train-until: 2004 is before the first PCI (2005)"),
    (("monitor", "--year", "3600"), "--year: 3600 is later than next year"),
])
def test_options_are_checked_one_way_on_every_command(tmp_path, capsys, args, words,
                                                      no_notebooks):
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    status, _out, err = main(capsys, *args)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("indexmodel: error: ") and words in err
    assert not list(tmp_path.glob("*.csv"))


def test_flat_data_raises_no_runtime_warning():
    """Components that never move (the same values every year): the movement model is
    calibrated without a RuntimeWarning (a division of zero spreads)."""
    from indexmodel.data.spec import load_specs
    from indexmodel.model.calibration import calibrate
    from indexmodel.model.panel import build_panel

    shipped = pd.read_csv(peers_dir() / "components.csv")
    book = load_specs()
    rows = shipped[(shipped["index"] == "pci") & shipped["year"].between(2009, 2012)].copy()
    first = rows[rows["year"] == 2010].set_index(["province", "component"])["value"]
    rows["value"] = [first.get((p, c), np.nan) for p, c in zip(rows["province"], rows["component"])]
    rows = rows.dropna(subset=["value"])
    panel = build_panel(rows, "pci", use_default_results=False, book=book)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = calibrate(panel, "pci", target_year=2012)
    assert model is not None
