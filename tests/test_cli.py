"""The command line: a user's mistake gives one clear line and exit status 2, never a traceback;
a bug keeps its traceback."""

import subprocess
import sys

import pytest

from indexmodel import cli
from indexmodel.core.paths import peers_dir

COMPONENTS = str(peers_dir() / "components.csv")


def run(*args):
    return subprocess.run([sys.executable, "-m", "indexmodel.cli", *args],
                          capture_output=True, text=True)


@pytest.mark.parametrize("args,message", [
    (["score", "--index", "pci", "--peers", "/nonexistent.csv", "--year", "2014", "--out", "x.csv"],
     "/nonexistent.csv: file not found"),
    (["score", "--index", "pci", "--peers", COMPONENTS, "--year", "2024",
      "--out", "x.csv"], "no pci 2024 rows in the peer data"),
    (["score", "--index", "pci", "--peers", COMPONENTS, "--year", "2011",
      "--out", "x.csv"], "published-only"),
    (["plan", "--lang", "de"], "unknown language 'de'"),
    (["plan", "--plan", "/nonexistent"], "plan_values.csv: file not found"),
    (["etl", "--source", "/nonexistent"], "expected input 'official' is missing"),
    (["score", "--index", "pci", "--peers", COMPONENTS, "--year", "2014",
      "--out", "README.md/x.csv"], "cannot write here"),
    (["backtest", "--index", "pci", "--train-until", "2013", "--test-year", "2014"],
     "one pair needs --out"),
    (["backtest", "--all"], "--out-dir DIR is required"),
    (["backtest", "--all", "--index", "pci", "--out-dir", "x.csv"], "--all runs every pair"),
])
def test_user_mistakes_give_one_line_and_status_2(args, message, tmp_path):
    proc = run(*[str(tmp_path / a) if a in ("x.csv",) else a for a in args])
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert message in proc.stderr
    assert proc.stderr.startswith("indexmodel: error: ")


def test_argparse_mistakes_do_not_trace_either():
    proc = run("score", "--index", "pgi")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "invalid choice" in proc.stderr


def test_a_bug_keeps_its_traceback(monkeypatch):
    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "plan", broken)
    with pytest.raises(ZeroDivisionError):
        cli.main(["plan"])


def test_score_writes_province_score_rank(tmp_path):
    out = tmp_path / "s.csv"
    proc = run("score", "--index", "pci", "--peers", COMPONENTS, "--year", "2014",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "province,score,rank,name_vi"  # English key first, the Vietnamese name added
    assert len(lines) == 64
    assert any(line.startswith("Binh Dinh,") and line.endswith(",17,Bình Định") for line in lines)
    first = out.read_bytes()
    again = run("score", "--index", "pci", "--peers", COMPONENTS, "--year", "2014",
                "--out", str(out), "--overwrite")
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == first
