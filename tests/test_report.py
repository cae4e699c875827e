"""The yearly run: checks before anything runs, atomic outputs, failures and kills.

Most tests execute one or two tiny notebooks from a temporary folder into a temporary
home, so they take seconds; one test runs the real notebooks end to end.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from indexmodel.core.errors import (DataUnavailableError, IndexModelError, InputFileError,
                                    UnknownProvinceError, UsageError)
from indexmodel.report import runner as report
from indexmodel.report.contents import sha256

PARAMETERS = report.PARAMETERS_CELL

WRITER = textwrap.dedent('''\
    import json
    from pathlib import Path
    import numpy as np
    import pandas as pd
    from IPython.display import Markdown, display
    from indexmodel import report
    from indexmodel.core.output import write_csv_atomic
    from indexmodel.report import plots

    display(Markdown("# Tiny notebook — Tiếp cận đất đai"))
    Path(tables_dir, "params.json").write_text(json.dumps(dict(
        province=province, baseline_year=baseline_year, target_year=target_year, lang=lang,
        peers_file=peers_file, sims=sims, seed=seed), sort_keys=True))
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"component": ["land_access", "e_governance"],
                          "value": rng.normal(size=2)})
    write_csv_atomic(table, Path(tables_dir) / "table.csv")
    frame = pd.DataFrame({"component": ["a", "b"], "name_vi": ["Tiếp cận đất đai", "Đắk Lắk"],
                          "name_en": ["Land access", "Dak Lak"], "baseline": [5.0, 6.0],
                          "target": [6.0, 7.0], "best": [8.0, float("nan")], "max": [10.0, 10.0]})
    path = plots.save_figure(plots.plot_components(frame, lang=lang), Path(figures_dir) / "fig.png")
    assert path.is_file()''')


def notebook(path: Path, *cells: str, markdown: str | None = None) -> Path:
    nb = new_notebook()
    if markdown:
        nb.cells.append(new_markdown_cell(markdown))
    param = new_code_cell(PARAMETERS)
    param.metadata["tags"] = ["parameters"]
    nb.cells.append(param)
    nb.cells.extend(new_code_cell(c) for c in cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "notebooks"
    notebook(folder / "01_writer.ipynb", WRITER, markdown="# Writer")
    notebook(folder / "02_second.ipynb", "x = 1 + 1\nx", markdown="# Second")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` (folders as None), with its bytes."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def child_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a run started in a subprocess: the shipped tables as this process
    checked them, handed over as a run hands them to its workers, so that the child does not
    check the same 13k rows again (1.5–4 s) before the kill the test is about."""
    from indexmodel.data.peers import CHECKED_TABLES, export_checked

    folder = export_checked(tmp_path_factory.mktemp("checked"))
    return dict(os.environ, **{CHECKED_TABLES: str(folder)})


def previous_outputs(home: Path) -> dict[str, bytes]:
    """Outputs of an earlier run (stand-ins), to check they survive."""
    for kind, name in (("reports", "old.html"), ("figures", "old.png")):
        folder = home / kind / "2025" / "binh_dinh" / "vi"
        folder.mkdir(parents=True)
        (folder / name).write_bytes(b"previous run " + name.encode())
    return snapshot(home)


def quiet(_text: str) -> None:
    pass


# -- checks before anything runs ----------------------------------------------------------
def _never_execute(*_args, **_kwargs):  # pragma: no cover - failing is the point
    raise AssertionError("a notebook was executed")


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(province="Atlantis"), UnknownProvinceError, "Atlantis"),
    (dict(lang="fr"), UsageError, "language"),
    (dict(year=2024), DataUnavailableError, "2024"),
    (dict(province="Da Nang"), DataUnavailableError, "Da Nang"),
    (dict(sims=0), UsageError, "sims"),
    (dict(workers=0), UsageError, "workers"),
    (dict(province=""), UnknownProvinceError, "unknown province ''"),
    (dict(sims=-5), UsageError, "--sims must be a whole number from 1 to 20,000, not -5"),
    (dict(sims=10**9), UsageError, "--sims must be a whole number from 1 to 20,000"),
    (dict(seed=-1), UsageError, "--seed must be a whole number ≥ 0, not -1"),
    (dict(year=3600), UsageError, "--year: 3600 is later than next year"),
    (dict(year=1990), UsageError, "--year: 1990 is before the first of the indices (PCI) (2005)"),
])
def test_bad_inputs_stop_before_anything_runs(tmp_path, books, monkeypatch, kwargs, error, words):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", _never_execute)
    home = tmp_path / "home"
    before = previous_outputs(home)
    with pytest.raises(error) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet, **kwargs)
    assert words in info.value.message
    assert snapshot(home) == before


def test_bad_peer_file_stops_before_anything_runs(tmp_path, books, monkeypatch):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", _never_execute)
    home = tmp_path / "home"
    before = previous_outputs(home)
    bad = tmp_path / "peers.csv"
    bad.write_text("index,year,province,component,value\npci,2023,Atlantis,entry_costs,7\n",
                   encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        report.run(home=home, peers=bad, notebooks_dir=books, progress=quiet)
    assert "peers.csv" in info.value.message and "row 2" in info.value.message
    with pytest.raises(InputFileError, match="not found"):
        report.run(home=home, peers=tmp_path / "missing.csv", notebooks_dir=books,
                   progress=quiet)
    assert snapshot(home) == before


def test_main_run_reports_a_mistake_with_exit_status_2(capsys):
    assert report.main_run(province="Atlantis") == 2
    err = capsys.readouterr().err
    assert err.startswith("indexmodel: error: ") and "Atlantis" in err


def test_slug_is_the_canonical_english_name():
    assert report.slug("Binh Dinh") == "binh_dinh"
    assert report.slug("Ba Ria - Vung Tau") == "ba_ria_vung_tau"
    assert report.prepare("Bình Định", notebooks_dir=None).slug == "binh_dinh"


def test_prepare_defaults_to_the_plan_years():
    plan = report.prepare()
    assert (plan.year, plan.baseline_year, plan.lang, plan.basis) == (2025, 2023, "vi", "plan")
    assert plan.province.name_en == "Binh Dinh"
    # a year of the peer data, for a province without a plan
    other = report.prepare("Đà Nẵng", year=2014)
    assert (other.year, other.baseline_year, other.basis) == (2014, 2014, "peer data")


# -- a successful run ------------------------------------------------------------------------
def test_run_writes_reports_figures_index_and_manifest(tmp_path, books):
    home = tmp_path / "home"
    previous_outputs(home)
    lines: list[str] = []
    result = report.run(home=home, notebooks_dir=books, progress=lines.append, sims=50, seed=7)
    reports = home / "reports" / "2025" / "binh_dinh" / "vi"
    figures = home / "figures" / "2025" / "binh_dinh" / "vi"
    assert result.reports_dir == reports and result.figures_dir == figures
    # the previous outputs are replaced as a whole, nothing of them left beside
    assert [p.name for p in (home / "reports" / "2025" / "binh_dinh").iterdir()] == ["vi"]
    assert [p.name for p in (home / "figures" / "2025" / "binh_dinh").iterdir()] == ["vi"]
    # the report folder: pages, executed notebooks, tables, index, manifest and figures
    assert {p.name for p in reports.iterdir()} == {
        "01_writer.html", "02_second.html", "01_writer.ipynb", "02_second.ipynb",
        "index.html", "run.json", "table.csv", "params.json", "figures"}
    assert [p.name for p in (reports / "figures").iterdir()] == ["fig.png"]
    assert [p.name for p in figures.iterdir()] == ["fig.png"]
    assert (figures / "fig.png").read_bytes() == (reports / "figures" / "fig.png").read_bytes()
    assert re.fullmatch(r"\[1/2\] 01_writer\.ipynb … \d+\.\d giây", lines[1])  # the run's language
    assert re.fullmatch(r"\[2/2\] 02_second\.ipynb … \d+\.\d giây", lines[2])
    assert any(str(reports) in line for line in lines[-3:])
    # the parameters each notebook received
    params = json.loads((reports / "params.json").read_text())
    assert params == dict(province="Binh Dinh", baseline_year=2023, target_year=2025, lang="vi",
                          peers_file=None, sims=50, seed=7)
    # HTML: code hidden, outputs shown, the way back to the index and the data's vintage
    page = (reports / "01_writer.html").read_text(encoding="utf-8")
    assert "Tiếp cận đất đai" in page and "write_csv_atomic" not in page
    assert page.count('<a href="index.html">← Mục lục báo cáo</a>') == 2
    assert re.search(r"Số liệu: kết quả công bố đến năm 20\d\d \(bộ số liệu [0-9a-f]{10}\)", page)
    assert '<html lang="vi"' in page
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="01_writer.html"' in index and "Tiny notebook" in index
    # every link of the index stays inside the report folder; every figure captioned
    links = re.findall(r'(?:href|src)="([^"]+)"', index)
    assert links and all(not link.startswith(("/", "..")) and "://" not in link for link in links)
    assert all((reports / link).is_file() for link in links)
    assert '<img src="figures/fig.png" alt="Kết quả, chỉ tiêu và mức cao nhất theo thành phần">' in index
    assert "<figcaption>Kết quả, chỉ tiêu và mức cao nhất theo thành phần</figcaption>" in index
    assert 'href="01_writer.ipynb"' in index
    # the executed notebook: outputs, papermill's parameters, the report folder's own paths
    kept = nbformat.read(str(reports / "01_writer.ipynb"), as_version=4)
    assert kept.metadata["papermill"]["parameters"]["figures_dir"] == "figures"
    assert kept.metadata["papermill"]["parameters"]["seed"] == 7
    injected = next(c for c in kept.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'figures_dir = "figures"' in injected.source and 'tables_dir = "."' in injected.source
    assert any(c.get("outputs") for c in kept.cells if c.cell_type == "code")
    text = (reports / "01_writer.ipynb").read_text(encoding="utf-8")
    assert ".staging" not in text and "start_time" not in text and "duration" not in text
    # the manifest lists every file with its checksum
    manifest = json.loads((reports / "run.json").read_text(encoding="utf-8"))
    assert manifest["province"]["slug"] == "binh_dinh" and manifest["year"] == 2025
    assert manifest["parameters"]["seed"] == 7
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert {"figures/2025/binh_dinh/vi/fig.png",
            "reports/2025/binh_dinh/vi/figures/fig.png"} <= set(listed)
    for path, digest in listed.items():
        assert sha256(home / path) == digest
    assert [n["name"] for n in manifest["notebooks"]] == ["01_writer.ipynb", "02_second.ipynb"]
    # the next run of the same year and province starts the longest notebooks first
    expected = report._expected_seconds(report.prepare(home=home, notebooks_dir=books))
    assert expected == {n["name"]: n["seconds"] for n in manifest["notebooks"]}
    # nothing left behind
    assert not [p for p in report.staging_root(home).iterdir() if p.is_dir()]
    assert not (home / "reports" / "failed").exists()


def _without_timings(manifest: bytes) -> dict:
    """A manifest without what a clock gives: when it was made and how long it took."""
    record = json.loads(manifest)
    del record["created"], record["seconds"]
    for entry in record["notebooks"]:
        del entry["seconds"]
    return record


def test_two_runs_with_the_same_inputs_give_the_same_bytes(tmp_path, books, monkeypatch):
    """Every file, the HTML pages included, byte for byte; the manifest apart from its
    timestamp and timings."""
    import multiprocessing

    outputs = []
    # one run two notebooks at a time in spawned worker processes (what a machine without
    # a safe fork gets; the other tests fork them), one run in this process
    monkeypatch.setattr(report, "_worker_context", lambda: multiprocessing.get_context("spawn"))
    for home, workers in ((tmp_path / "one", None), (tmp_path / "two", 1)):
        report.run(home=home, notebooks_dir=books, progress=quiet, seed=11, workers=workers)
        outputs.append({k: v for k, v in snapshot(home).items()
                        if not k.startswith("reports/.staging")})
    folder = "reports/2025/binh_dinh/vi/"
    assert sorted(k for k, v in outputs[0].items() if v is not None) == [
        "figures/2025/binh_dinh/vi/fig.png", *(folder + name for name in (
            "01_writer.html", "01_writer.ipynb", "02_second.html", "02_second.ipynb",
            "figures/fig.png", "index.html", "params.json", "run.json", "table.csv"))]
    manifest = folder + "run.json"
    assert _without_timings(outputs[0].pop(manifest)) == _without_timings(outputs[1].pop(manifest))
    assert outputs[0] == outputs[1]
    # papermill's injected cell keeps no random id in the page
    page = outputs[0][folder + "01_writer.html"].decode("utf-8")
    assert 'id="cell-id=injected-parameters-1"' in page


# -- failures ---------------------------------------------------------------------------------
def test_a_failing_notebook_names_itself_and_the_cell_and_keeps_the_old_outputs(tmp_path, books):
    notebook(books / "03_broken.ipynb", "a = 1", "b = 2\nraise ValueError('boom in the middle')",
             "never = True")
    home = tmp_path / "home"
    before = previous_outputs(home)
    with pytest.raises(report.NotebookFailedError) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet)
    err = info.value
    assert isinstance(err, IndexModelError)
    assert err.notebook == "03_broken.ipynb" and err.ename == "ValueError"
    assert "03_broken.ipynb" in err.message and "boom in the middle" in err.message
    assert "cell 3" in err.message  # parameters, a = 1, then the failing cell
    assert "raise ValueError" in err.message
    # previous outputs untouched, partial output kept for diagnosis, no staging left
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports/failed")
            and not k.startswith("reports/.staging")} == before
    failed = home / "reports" / "failed" / "2025" / "binh_dinh" / "vi"
    assert err.failed_dir == failed
    kept = nbformat.read(str(failed / "03_broken.ipynb"), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells if c.cell_type == "code"
               for o in c.get("outputs", []))
    assert not [p for p in report.staging_root(home).iterdir() if p.is_dir()]
    # a later successful run clears the failure
    (books / "03_broken.ipynb").unlink()
    report.run(home=home, notebooks_dir=books, progress=quiet)
    assert not (home / "reports" / "failed").exists()


def test_a_run_killed_midway_leaves_the_previous_outputs(tmp_path, books, child_env):
    notebook(books / "03_slow.ipynb", "import time\ntime.sleep(60)")
    home = tmp_path / "home"
    before = previous_outputs(home)
    code = (f"from indexmodel import report; report.run(home={str(home)!r}, "
            f"notebooks_dir={str(books)!r})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, env=child_env)
    staging = report.staging_root(home)
    try:
        deadline = time.monotonic() + 120
        # wait until the slow notebook runs: the first two have written into staging
        while time.monotonic() < deadline:
            if any(staging.glob("2025-binh_dinh-vi-*/binh_dinh/reports/figures/fig.png")):
                break
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.1)
        else:  # pragma: no cover
            pytest.fail("the run never reached its staging folder")
        time.sleep(1.0)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers: its own session
        proc.wait(timeout=30)
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports/.staging")} == before
    # the next run discards the dead run's staging and completes
    (books / "03_slow.ipynb").unlink()
    report.run(home=home, notebooks_dir=books, progress=quiet)
    assert not [p for p in staging.iterdir() if p.is_dir()]
    assert (home / "figures" / "2025" / "binh_dinh" / "vi" / "fig.png").is_file()


def test_a_move_interrupted_after_the_commit_is_completed_by_the_next_run(tmp_path, books):
    home = tmp_path / "home"
    previous_outputs(home)
    plan = report.prepare(home=home, notebooks_dir=books)
    stage = report.staging_root(home) / "2025-binh_dinh-vi-1-deadbeef"
    targets = report._targets(plan)
    for kind, _target in targets:
        (stage / kind).mkdir(parents=True)
        (stage / kind / "new.txt").write_text(kind)
    (stage / report.COMMIT_MARKER).write_text(json.dumps(
        {"targets": [[kind, str(target)] for kind, target in targets]}))
    # killed after the reports moved aside and in, before the figures moved
    reports = plan.reports_dir
    os.rename(reports, report._aside(reports, stage))
    os.rename(stage / "binh_dinh" / "reports", reports)
    report._recover(report.staging_root(home), "2025-binh_dinh-vi", quiet)
    assert [p.name for p in reports.iterdir()] == ["new.txt"]
    assert [p.name for p in plan.figures_dir.iterdir()] == ["new.txt"]
    assert not stage.exists()
    assert [p.name for p in reports.parent.iterdir()] == ["vi"]
    assert [p.name for p in plan.figures_dir.parent.iterdir()] == ["vi"]


def _hold_lock(path: Path) -> subprocess.Popen:
    """Another process holding the run's lock (as a live run would)."""
    code = ("import fcntl, sys, time\n"
            f"fh = open({str(path)!r}, 'a+')\n"
            "fcntl.lockf(fh, fcntl.LOCK_EX)\n"
            "fh.write('pid 1234, started now'); fh.flush()\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_one_run_at_a_time_per_year_and_province(tmp_path, books):
    home = tmp_path / "home"
    root = report.staging_root(home)
    root.mkdir(parents=True)
    holder = _hold_lock(root / "2025-binh_dinh-vi.lock")
    try:
        with pytest.raises(UsageError, match=r"in progress \(pid 1234"):
            report.run(home=home, notebooks_dir=books, progress=quiet)
        # another year, province or language is not held back
        report.run(home=home, year=2014, notebooks_dir=books, progress=quiet)
        report.run(home=home, lang="en", notebooks_dir=books, progress=quiet)
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock went with it
    report.run(home=home, notebooks_dir=books, progress=quiet)


def _processes() -> dict[int, tuple[int, str]]:
    """Every live process (zombies left out): pid → (parent pid, state)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            table[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    """A process's live descendants: a run's workers (and what they started)."""
    table, found, todo = _processes(), set(), [pid]
    while todo:
        parent = todo.pop()
        children = {p for p, (pp, _) in table.items() if pp == parent}
        todo += list(children - found)
        found |= children
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_processes())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process model")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_only_the_run_frees_the_next_one_at_once(tmp_path, books, sig, child_env):
    """Only the main process is signalled (as `kill PID` does): its workers must die with it, the lock must go with it, and the next run starts at once and succeeds."""
    notebook(books / "03_slow.ipynb", "import time\ntime.sleep(120)")
    notebook(books / "04_slow.ipynb", "import time\ntime.sleep(120)")
    home = tmp_path / "home"
    before = previous_outputs(home)
    env = dict(child_env, INDEXMODEL_HOME=str(home))
    runner = textwrap.dedent(f"""\
        import sys
        from pathlib import Path
        from indexmodel import cli
        from indexmodel.report import runner
        runner.NOTEBOOKS_DIR = Path({str(books)!r})
        sys.exit(cli.main(['run']))
    """)
    proc = subprocess.Popen([sys.executable, "-c", runner], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, env=env)
    staging = report.staging_root(home)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # both slow notebooks are running
            family = _descendants(proc.pid)
            if len(_running(staging)) >= 2:
                break
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.1)
        else:  # pragma: no cover
            pytest.fail("the run never reached its slow notebooks")
        os.kill(proc.pid, sig)  # the main process only
        out = proc.communicate(timeout=60)[0].decode()
        if sig == signal.SIGTERM:
            assert proc.returncode == 128 + signal.SIGTERM
            lines = [ln for ln in out.splitlines() if ln.startswith("indexmodel:")]
            assert lines == ["indexmodel: interrupted (SIGTERM): nothing was half-written; "
                             "previous outputs are untouched"], out
            assert "Traceback" not in out
        assert {k: v for k, v in snapshot(home).items()
                if not k.startswith("reports/.staging")} == before
        # the next run, at once: no lock held, no worker of the killed run left
        result = report.run(home=home, notebooks_dir=_without_slow(books, tmp_path),
                            progress=quiet)
        assert result.index_html.is_file()
        deadline = time.monotonic() + 10
        while _alive(family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(family) == set()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert not [p for p in staging.iterdir() if p.is_dir()]


def _running(staging: Path) -> list[Path]:
    """The notebooks a run's workers are executing (each marked while it runs)."""
    return sorted(staging.glob("2025-binh_dinh-vi-*/binh_dinh/executed/*_slow.ipynb.running"))


def _without_slow(books: Path, tmp_path: Path) -> Path:
    fast = tmp_path / "fast"
    fast.mkdir(exist_ok=True)
    for nb in books.glob("0[12]_*.ipynb"):
        (fast / nb.name).write_bytes(nb.read_bytes())
    return fast


def test_sigterm_during_a_sequential_run_cleans_up(tmp_path, books, child_env):
    """One notebook at a time, in one worker: a SIGTERM stops the worker and leaves no
    staging folder and the previous outputs as they were."""
    notebook(books / "03_slow.ipynb", "import time\ntime.sleep(120)")
    home = tmp_path / "home"
    before = previous_outputs(home)
    runner = (f"import sys\nfrom indexmodel.report import runner as report\n"
              f"try:\n    report.run(home={str(home)!r}, notebooks_dir={str(books)!r}, "
              f"workers=1)\n"
              f"except BaseException as exc:\n    print(type(exc).__name__, exc.exit_code)\n")
    proc = subprocess.Popen([sys.executable, "-c", runner], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, env=child_env)
    staging = report.staging_root(home)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            family = _descendants(proc.pid)
            if _running(staging):
                break
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.1)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=60)[0].decode()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Interrupted 143" in out, out
    assert _alive(family) == set()
    assert not [p for p in staging.iterdir() if p.is_dir()]
    assert {k: v for k, v in snapshot(home).items()
            if not k.startswith("reports/.staging")} == before


def test_leftovers_of_other_killed_runs_are_cleaned(tmp_path, books):
    """A killed run of another year leaves a staging folder, and a failed run's half-kept
    notebook folder of a process that is gone: the next run of any year removes both."""
    home = tmp_path / "home"
    root = report.staging_root(home)
    stale = root / "2014-da_nang-999999-deadbeef" / "reports"
    stale.mkdir(parents=True)
    (stale / "x.html").write_text("x")
    fresh = home / "reports" / "failed" / "2014" / ".da_nang.new-999999"
    fresh.mkdir(parents=True)
    report.run(home=home, notebooks_dir=books, progress=quiet)
    assert not (root / "2014-da_nang-999999-deadbeef").exists()
    assert not (home / "reports" / "failed").exists()


# -- the real notebooks, end to end -------------------------------------------------------------
def test_the_default_run_of_the_real_notebooks(real_run):
    """The session's one run of the real notebooks (tests/conftest.py; nbval checks its
    executed notebooks cell by cell)."""
    result = real_run
    reports, figures = result.reports_dir, result.figures_dir
    assert reports == result.index_html.parent and reports.parts[-4:] == (
        "reports", "2025", "binh_dinh", "vi")
    names = {p.name for p in reports.iterdir()}
    books = [p.stem for p in report.list_notebooks()]
    assert {f"{b}.html" for b in books} <= names
    assert {"index.html", "run.json", "00_overview.csv", "00_components.csv"} <= names
    assert {p.name for p in figures.iterdir()} >= {f"00_components_{i}.png"
                                                   for i in ("papi", "sipas", "par_index", "pci")}
    # as Excel opens it: a byte-order mark, Vietnamese headers
    overview = (reports / "00_overview.csv").read_text(encoding="utf-8").splitlines()
    assert overview[0].startswith("\ufeffChỉ số,Năm gốc,Năm chỉ tiêu,Điểm tổng hợp năm gốc")
    assert overview[4].startswith("pci,2023,2025,67.45,73.715")  # the weights from 2022
    page = (reports / "00_overview.html").read_text(encoding="utf-8")
    assert "Tổng quan các chỉ số — Bình Định" in page
    assert "Điểm không nhất quán" in page
    # the per-index, scenario, backtest, agency and monitoring notebooks
    assert {"01_components_pci.png", "01_leverage_pci.png", "01_path_pci.png", "01_peers_pci.png",
            "03_leverage_sipas.png", "06_backtest.png", "06_backtest_pit.png", "07_agencies.png",
            "08_sensitivity_par_index.png", "08_trajectory_pci.png"} <= {
                p.name for p in figures.iterdir()}
    assert {"01_leverage_pci.csv", "01_paths_pci.csv", "06_backtest.csv", "07_ownership_pci.csv",
            "07_deadlines.csv", "08_trajectory.csv", "08_monitor_2023.csv"} <= names
    pci = (reports / "01_pci.html").read_text(encoding="utf-8")
    assert "Chỉ số PCI — Bình Định" in pci and "Xác suất đạt hạng 20 trở lên: 100%" in pci
    # the explorer: widgets need a kernel, so the report names the notebook to open and shows
    # the targets' scenario and the cheapest path as static tables
    assert "“Khám phá kịch bản” trong JupyterLab" in (reports / "05_scenarios.html").read_text(encoding="utf-8")
    explorer = (reports / "09_explorer.html").read_text(encoding="utf-8")
    assert "Khám phá kịch bản — Bình Định" in explorer
    assert "[Công cụ khám phá kịch bản: mở sổ tính “Khám phá kịch bản” trong JupyterLab" in explorer
    assert "Lộ trình ít tốn kém nhất đến hạng 20 (từ kết quả năm 2023)" in explorer
    assert '<script type="application/vnd.jupyter.widget-view+json">' not in explorer  # no empty widget
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f'<li><a href="{b}.html">' in index for b in books)
    assert all((reports / f"{b}.ipynb").is_file() for b in books)  # the executed notebooks
    # self-contained: every link of the index is a file of the report folder; every figure
    # captioned in Vietnamese
    links = re.findall(r'(?:href|src)="([^"]+)"', index)
    assert all(not link.startswith(("/", "..")) and (reports / link).is_file() for link in links)
    captions = re.findall(r"<figcaption>([^<]+)</figcaption>", index)
    assert len(captions) == len(list((reports / "figures").glob("*.png"))) >= 24
    assert all(c.strip() and not re.search(r"\b[a-z]+_[a-z_]+\b", c) for c in captions), captions
    # what the reader reads names no file: tables, notebooks and the run's details by their titles
    shown = html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", index, flags=re.S))
    assert not re.search(r"\.(csv|ipynb|json)\b", shown), re.findall(r"\S+\.(?:csv|ipynb|json)\b", shown)
    assert '<a href="02_odds_papi.csv">Xác suất đạt hạng — Chỉ số PAPI</a>' in index
    assert '<a href="08_monitor_2023.csv">Theo dõi kết quả, 2023</a>' in index
    assert {p.name for p in (reports / "figures").iterdir()} == {p.name for p in figures.iterdir()}
    # every page dated and linked back to the index
    for b in books:
        page = (reports / f"{b}.html").read_text(encoding="utf-8")
        assert '<a href="index.html">← Mục lục báo cáo</a>' in page, b
        assert "Số liệu: kết quả công bố đến năm" in page, b
    # README command 1 after the 2025 merger: the former province, and it says so
    assert "Bình Định (tỉnh đến năm 2024, thuộc Gia Lai từ 1/7/2025): phân tích của tỉnh cũ" in index
    assert "Tỉnh sau sắp xếp — Gia Lai" in (reports / "10_merged_province.html").read_text(encoding="utf-8")


def test_a_notebook_gets_only_the_parameters_it_declares(tmp_path):
    nb = new_notebook()
    cell = new_code_cell('province = "Bình Định"\nlang = "vi"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nbformat.write(nb, str(tmp_path / "01_some.ipynb"))
    nbformat.write(new_notebook(cells=[new_code_cell("1")]), str(tmp_path / "02_none.ipynb"))
    params = report.prepare(notebooks_dir=tmp_path).parameters(tmp_path, tmp_path)
    assert set(params) == set(report.PARAMETER_NAMES)
    assert report._declared(tmp_path / "01_some.ipynb", params) == {
        "province": "Binh Dinh", "lang": "vi"}
    assert report._declared(tmp_path / "02_none.ipynb", params) == params


def test_every_real_notebook_declares_the_nine_parameters():
    from papermill.translators import PythonTranslator

    books = report.list_notebooks()
    assert [b.name for b in books] == [
        "00_overview.ipynb", "01_pci.ipynb", "02_papi.ipynb", "03_sipas.ipynb",
        "04_par_index.ipynb", "05_scenarios.ipynb", "06_backtest.ipynb", "07_agencies.ipynb",
        "08_monitor.ipynb", "09_explorer.ipynb", "10_merged_province.ipynb",
        "90_about_the_data.ipynb"]
    for book in books:
        nb = nbformat.read(str(book), as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1, book.name
        assert cells[0].source == PARAMETERS, book.name  # the same defaults everywhere
        names = tuple(p.name for p in PythonTranslator.inspect(cells[0]))
        assert names == report.PARAMETER_NAMES, book.name
        assert nb.metadata["indexmodel"]["seconds"] >= 5  # the run starts the longest first
        setup = [c for c in nb.cells if c.cell_type == "code"][1].source
        assert "views.setup_notebook(province, baseline_year, target_year, lang, peers_file" in setup


def test_the_real_notebooks_in_english_for_a_province_and_year_without_a_plan(tmp_path):
    """Every notebook for Đà Nẵng 2014 (peer data, no plan) in English: each shows what the
    data allow and says what is not there."""
    result = report.run(province="Da Nang", year=2014, lang="en", sims=200, home=tmp_path,
                        progress=quiet)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in result.reports_dir.glob("*.html")}
    assert set(pages) == {b.stem for b in report.list_notebooks()} | {"index"}
    assert "PCI — Da Nang" in pages["01_pci"] and "exact (every province known)" in pages["01_pci"]
    assert "No SIPAS component values for Da Nang in 2014" in pages["03_sipas"]
    assert "e_governance" in pages["05_scenarios"]
    assert "is not a PAPI component in 2014" in pages["05_scenarios"]
    assert "there is none for Da Nang" in pages["07_agencies"]
    assert "the review is for 2014" in pages["08_monitor"]
    assert "Scenario explorer — Da Nang" in pages["09_explorer"]
    assert "PCI: the 2014 results and the path" in pages["09_explorer"]
    assert "simulations, seed 20240701" in pages["09_explorer"]
    figures = {p.name for p in result.figures_dir.iterdir()}
    assert {"01_odds_pci.png", "01_peers_pci.png", "06_backtest.png",
            "08_trajectory_pci.png"} <= figures
    assert "07_agencies.png" not in figures  # no action table for Đà Nẵng


def test_the_shared_workers_and_caches_change_no_byte(real_run, tmp_path, monkeypatch):
    """Two real notebooks run again without any cache (every analysis computed anew) give
    the same bytes as the session's run, where they ran in workers shared with other
    notebooks and read the analyses, calibrations and year
    scores cached by content."""
    from indexmodel.core.cache import NO_CACHE

    subset = ("00_overview.ipynb", "01_pci.ipynb")
    books = tmp_path / "books"
    books.mkdir()
    for name in subset:
        (books / name).write_bytes((report.NOTEBOOKS_DIR / name).read_bytes())
    monkeypatch.setenv(NO_CACHE, "1")
    fresh = report.run(home=tmp_path / "home", notebooks_dir=books, progress=quiet)

    def outputs(folder: Path) -> dict[str, bytes]:
        prefixes = tuple(name[:3] for name in subset)
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.name.startswith(prefixes)}

    mine, shared = outputs(fresh.reports_dir), outputs(real_run.reports_dir)
    assert {"00_overview.html", "00_overview.ipynb", "01_pci.ipynb", "01_pci.html",
            "figures/01_components_pci.png", "01_leverage_pci.csv"} <= set(mine)
    assert sorted(mine) == sorted(shared)
    different = [name for name in mine if mine[name] != shared[name]]
    assert different == []
    assert outputs(fresh.figures_dir) == outputs(real_run.figures_dir)


def test_the_run_says_what_it_does_in_the_reports_language(real_run):
    from conftest import _SHARED

    lines = _SHARED["progress"]
    assert lines[0].startswith("Phân tích hằng năm: Bình Định") and "tiếng Việt" in lines[0]
    assert any(line.startswith("Xong trong ") for line in lines)
    assert any(line.startswith("Báo cáo: ") for line in lines)
    english = ("Yearly run", "Done in", "Reports:", "Figures:", "notebooks", "workers", " s\n")
    assert not [line for line in lines if any(word in line + "\n" for word in english)]


def test_the_scenario_page_shows_no_component_ids(real_run):
    """The ids the scenario table takes are listed in the notebook, not in the report."""
    page = (real_run.reports_dir / "05_scenarios.html").read_text(encoding="utf-8")
    kept = (real_run.reports_dir / "05_scenarios.ipynb").read_text(encoding="utf-8")
    for internal in ("public_finance_reform", "labor_training", "public_services"):
        assert internal not in page and internal in kept
