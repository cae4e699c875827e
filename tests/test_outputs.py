"""Outputs never replace an input, a shipped data file, or (without --overwrite) an existing
file; every refusal is one line naming the file, exit status 2, and nothing is written."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from indexmodel import cli
from indexmodel.core.paths import REPO_ROOT, peers_dir

COMPONENTS = peers_dir() / "components.csv"


def main(capsys, *args) -> tuple[int, str]:
    status = cli.main([str(a) for a in args])
    return status, capsys.readouterr().err


def one_line(err: str) -> str:
    assert err.startswith("indexmodel: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def peer_file(tmp_path) -> Path:
    """A copy of the shipped PCI 2009-2014 rows, as an analyst's file."""
    lines = COMPONENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "f.csv"
    years = tuple(f"pci,{y}," for y in range(2009, 2015))
    path.write_text(lines[0] + "".join(ln for ln in lines[1:] if ln.startswith(years)),
                    encoding="utf-8")
    return path


def score(peers, out, *more):
    return ("score", "--index", "pci", "--peers", peers, "--year", "2014", "--out", out, *more)


def backtest(peers, out, *more):
    return ("backtest", "--index", "pci", "--peers", peers, "--train-until", "2011",
            "--test-year", "2012", "--sims", "100", "--out", out, *more)


@pytest.mark.parametrize("command", [score, backtest], ids=["score", "backtest"])
def test_an_output_never_replaces_its_input(capsys, peer_file, command):
    before = peer_file.read_bytes()
    for more in ((), ("--overwrite",)):
        status, err = main(capsys, *command(peer_file, peer_file, *more))
        assert status == 2
        assert f"{peer_file}: is an input of this command" in one_line(err)
        assert peer_file.read_bytes() == before
    # the same file by another path
    status, err = main(capsys, *command(peer_file, peer_file.parent / "." / "f.csv",
                                        "--overwrite"))
    assert status == 2 and "is an input" in err
    assert peer_file.read_bytes() == before


@pytest.mark.parametrize("command", [score, backtest], ids=["score", "backtest"])
def test_an_output_never_replaces_a_shipped_data_file(capsys, peer_file, command):
    for target in (COMPONENTS, REPO_ROOT / "data" / "plan" / "new.csv"):
        before = COMPONENTS.read_bytes()
        status, err = main(capsys, *command(peer_file, target, "--overwrite"))
        assert status == 2
        assert f"{target}: is in the shipped data folder (data/)" in one_line(err)
        assert COMPONENTS.read_bytes() == before
        assert not (REPO_ROOT / "data" / "plan" / "new.csv").exists()


@pytest.mark.parametrize("command", [score, backtest], ids=["score", "backtest"])
def test_an_existing_output_is_replaced_only_with_overwrite(capsys, peer_file, tmp_path, command):
    out = tmp_path / "out.csv"
    out.write_text("mine\n", encoding="utf-8")
    status, err = main(capsys, *command(peer_file, out))
    assert status == 2
    assert f"{out}: exists already (add --overwrite to replace it)" in one_line(err)
    assert out.read_text(encoding="utf-8") == "mine\n"
    status, err = main(capsys, *command(peer_file, out, "--overwrite"))
    assert status == 0, err
    assert out.read_text(encoding="utf-8") != "mine\n"
    status, err = main(capsys, *command(peer_file, tmp_path))
    assert status == 2 and f"{tmp_path}: is a folder" in one_line(err)


def test_monitor_out_refuses_existing_reports_and_shipped_data(capsys, tmp_path, peer_file):
    args = ("monitor", "--year", "2014", "--lang", "en", "--index", "pci")
    status, _ = main(capsys, *args, "--out", tmp_path / "r")
    assert status == 0
    written = sorted((tmp_path / "r").iterdir())
    assert [p.name for p in written] == ["monitor_binh_dinh_2014.csv",
                                         "monitor_binh_dinh_2014.en.md"]
    before = {p: p.read_bytes() for p in written}
    (written[1]).write_text("my notes\n", encoding="utf-8")
    status, err = main(capsys, *args, "--out", tmp_path / "r")
    assert status == 2 and f"{written[0]}: exists already" in one_line(err)
    assert written[1].read_text(encoding="utf-8") == "my notes\n"  # neither file touched
    assert status == 2
    status, err = main(capsys, *args, "--out", tmp_path / "r", "--overwrite")
    assert status == 0 and {p: p.read_bytes() for p in written} == before
    status, err = main(capsys, *args, "--out", peers_dir(), "--overwrite")
    assert status == 2 and "shipped data folder" in one_line(err)
    assert not list(peers_dir().glob("monitor_*"))
    # the release file itself
    release = tmp_path / "monitor_binh_dinh_2014.csv"
    shutil.copy(peer_file, release)
    status, err = main(capsys, *args, "--peers", release, "--out", tmp_path, "--overwrite")
    assert status == 2 and "is an input of this command" in one_line(err)
    assert release.read_bytes() == peer_file.read_bytes()


def test_etl_out_refusals_come_before_any_reading(capsys, tmp_path):
    """Checked before the workbooks are read: none are needed to see these refused."""
    source = tmp_path / "official"
    source.mkdir()
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    status, err = main(capsys, "etl", "--source", source, "--out", a_file)
    assert status == 2 and f"{a_file}: is a file: --out names the folder" in one_line(err)
    old = tmp_path / "old"
    old.mkdir()
    (old / "components.csv").write_text("mine\n", encoding="utf-8")
    status, err = main(capsys, "etl", "--source", source, "--out", old)
    assert status == 2 and f"{old / 'components.csv'}: exists already" in one_line(err)
    assert (old / "components.csv").read_text(encoding="utf-8") == "mine\n"
    status, err = main(capsys, "etl", "--source", source, "--out", REPO_ROOT / "data" / "specs")
    assert status == 2 and "shipped data folder" in one_line(err)
    status, err = main(capsys, "etl", "--source", source, "--out", source / "tables")
    assert status == 2 and "is inside the input folder" in one_line(err)
    # with --overwrite the next mistake is reached: here, no workbooks
    status, err = main(capsys, "etl", "--source", source, "--out", old, "--overwrite")
    assert status == 2 and "Traceback" not in err
    assert (old / "components.csv").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("error", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full disk"])
def test_etl_into_a_folder_it_cannot_write_is_one_line(capsys, tmp_path, monkeypatch, error):
    """(By hand: a read-only tmpfs, and a 64 KB one, give the same lines.)"""
    from indexmodel.data.sources import etl

    monkeypatch.setattr(etl, "build_tables", lambda *_a, **_k: {"components.csv": None})

    def refuse(*_args, **_kwargs):
        raise OSError(error, os.strerror(error), str(tmp_path / "ro" / ".peers-etl-x"))

    monkeypatch.setattr(etl.tempfile, "mkdtemp", refuse)
    out = tmp_path / "ro" / "peers"
    status, err = main(capsys, "etl", "--source", tmp_path / "official", "--out", out)
    assert status == 2
    assert one_line(err) == (f"indexmodel: error: cannot write the tables into {out}: "
                             f"{os.strerror(error)} (nothing was written)\n")
    assert not out.exists()
