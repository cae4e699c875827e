"""The yearly run under a user's mistakes and a full disk: one line (an IndexModelError),
the previous outputs intact, nothing half-written and no hidden folder left behind.

The tiny notebooks and helpers are those of ``test_report.py``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from indexmodel import cli
from indexmodel.core.errors import IndexModelError, InputFileError
from indexmodel.report import runner as report
from test_report import books, notebook, previous_outputs, quiet, snapshot  # noqa: F401


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _hidden_left(home: Path) -> list[str]:
    """Hidden files or folders under ``home`` but the staging root and its lock files."""
    root = report.staging_root(home)
    return sorted(p.relative_to(home).as_posix() for p in home.rglob(".*")
                  if p != root and not (p.parent == root and p.suffix == ".lock"))


def test_a_full_disk_while_keeping_a_failed_notebook(tmp_path, books, monkeypatch):  # noqa: F811
    notebook(books / "03_broken.ipynb", "raise ValueError('boom')")
    home = tmp_path / "home"
    before = previous_outputs(home)
    monkeypatch.setattr(report, "write_notebook", _no_space)
    with pytest.raises(report.NotebookFailedError) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet, workers=1)
    message = info.value.message
    assert "03_broken.ipynb" in message and "boom" in message
    assert "could not be kept (No space left on device)" in message
    assert info.value.failed_dir is None
    assert "\n" not in message
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports/.staging")} == before
    assert not (home / "reports" / "failed").exists()
    assert _hidden_left(home) == []


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "worker processes"])
def test_a_full_disk_while_writing_the_reports(tmp_path, books, monkeypatch, workers):  # noqa: F811
    home = tmp_path / "home"
    before = previous_outputs(home)
    monkeypatch.setattr(report, "_export_html", _no_space)  # forked workers inherit it
    with pytest.raises(report.RunWriteError) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet, workers=workers)
    assert isinstance(info.value, IndexModelError)
    assert info.value.message.startswith("cannot write the run's outputs: No space left on device")
    assert "previous reports and figures are untouched" in info.value.message
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports/.staging")} == before
    assert not [p for p in report.staging_root(home).iterdir() if p.is_dir()]
    assert _hidden_left(home) == []


def test_a_full_disk_while_writing_the_manifest(tmp_path, books, monkeypatch):  # noqa: F811
    from indexmodel.report import contents

    home = tmp_path / "home"
    before = previous_outputs(home)
    monkeypatch.setattr(contents, "sha256", _no_space)
    with pytest.raises(report.RunWriteError):
        report.run(home=home, notebooks_dir=books, progress=quiet, workers=1)
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports/.staging")} == before
    assert _hidden_left(home) == []


def test_a_failed_notebook_is_kept_with_the_same_bytes_by_identical_runs(tmp_path, books):  # noqa: F811
    """The executed notebook a failed run keeps, and its HTML, carry no random cell id
    and no timing: two identical failed runs keep identical files."""
    notebook(books / "03_broken.ipynb", "a = 1", "raise ValueError('boom')")
    kept = []
    for workers in (1, 2):
        with pytest.raises(report.NotebookFailedError) as info:
            report.run(home=tmp_path / "home", notebooks_dir=books, progress=quiet,
                       workers=workers)
        kept.append(snapshot(info.value.failed_dir))
    assert sorted(kept[0]) == ["03_broken.html", "03_broken.ipynb"]
    assert kept[0] == kept[1]
    text = kept[0]["03_broken.ipynb"].decode("utf-8")
    assert '"id": "injected-parameters-1"' in text and '"id": "papermill-error-cell-tag-1"' in text
    assert "start_time" not in text and "iopub" not in text and "duration" not in text
    assert "reports/.staging/2025-binh_dinh-vi/binh_dinh/reports/figures" in text  # not the stage's own name


def test_a_failure_with_notebooks_still_waiting_prints_no_thread_traceback(tmp_path, books,  # noqa: F811
                                                                          capfd, monkeypatch):
    """Two at a time: a notebook fails while one runs and others wait; stopping the workers
    leaves the pool's manager thread nothing to trip on (Python 3.11 printed an
    InvalidStateError traceback for each cancelled notebook)."""
    import threading
    import time

    raised = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    notebook(books / "00_broken.ipynb", "raise ValueError('boom')")
    for n in range(3, 7):
        notebook(books / f"0{n}_slow.ipynb", "import time\ntime.sleep(20)")
    with pytest.raises(report.NotebookFailedError):
        report.run(home=tmp_path / "home", notebooks_dir=books, progress=quiet, workers=2)
    time.sleep(1)  # the manager thread notices the killed workers
    err = capfd.readouterr().err
    assert raised == [] and "Traceback" not in err, (raised, err)


# -- a user's mistakes, refused before anything runs ----------------------------------------
def _never_execute(*_args, **_kwargs):  # pragma: no cover - failing is the point
    raise AssertionError("a notebook was executed")


def test_run_peers_given_a_folder_says_so(tmp_path, books):  # noqa: F811
    with pytest.raises(InputFileError) as info:
        report.run(home=tmp_path / "home", peers=tmp_path, notebooks_dir=books, progress=quiet)
    assert info.value.message == f"{tmp_path}: is a folder, not a peer file"
    with pytest.raises(InputFileError, match="peer file not found"):
        report.run(home=tmp_path / "home", peers=tmp_path / "nope.csv", notebooks_dir=books,
                   progress=quiet)


def test_run_on_the_command_line_refuses_an_empty_province(tmp_path, monkeypatch, capsys):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", _never_execute)
    monkeypatch.setenv("INDEXMODEL_HOME", str(tmp_path))
    assert cli.main(["run", "--province", ""]) == 2
    err = capsys.readouterr().err
    assert err == "indexmodel: error: unknown province ''\n"
    assert not any(tmp_path.iterdir())


def test_the_notebooks_check_their_parameters_as_the_run_does(tmp_path):
    """setup_notebook (the first cell of every notebook) refuses what run refuses, in the
    same words, through the same function."""
    from indexmodel.report import views

    cases = [(dict(sims=0), "sims must be a whole number from 1 to 20,000, not 0"),
             (dict(sims=10**9), "sims must be a whole number from 1 to 20,000"),
             (dict(seed=-1), "seed must be a whole number ≥ 0, not -1"),
             (dict(target_year=3600), "target_year: 3600 is later than next year"),
             (dict(target_year=2024), "no plan or peer data for Binh Dinh (the province to 2024, part of Gia Lai from 1 July 2025) in 2024"),
             (dict(baseline_year=1900), "baseline_year: 1900 is before the first"),
             (dict(province=""), "unknown province ''"),
             (dict(peers_file=str(tmp_path)), "is a folder, not a peer file")]
    base = dict(province="Bình Định", baseline_year=2023, target_year=2025, lang="en",
                figures_dir=str(tmp_path / "fig"))
    for change, words in cases:
        with pytest.raises(IndexModelError) as info:
            views.setup_notebook(**{**base, **change})
        assert words in info.value.message
        run_args = {"sims": "sims", "seed": "seed", "target_year": "year",
                    "province": "province"}
        key = next(iter(change))
        if key in run_args:  # the run refuses the same value with the same reason
            with pytest.raises(IndexModelError) as ran:
                report.prepare(**{run_args[key]: change[key]})
            same = ran.value.reason.replace("--year", "target_year").replace("--", "")
            assert same == info.value.reason
