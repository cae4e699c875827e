"""The yearly run: every notebook executed, exported to HTML, put in place only when complete.

:func:`run` checks everything it can before it executes anything (the language, the
province, that the plan or the peer data cover the year, the analyst's peer file), so
a mistake stops it with an :class:`~indexmodel.core.errors.IndexModelError` and nothing on
disk changes. It then executes the numbered notebooks of ``notebooks/`` with papermill,
two at a time on a machine with two cores or more (each in its own kernel and worker
process; progress and failures are reported in the notebooks' order), each given the
same parameters::

    province, baseline_year, target_year, lang, peers_file, sims, seed,
    figures_dir, tables_dir

into a staging folder (``reports/.staging/…`` under :func:`~indexmodel.core.paths.home_dir`),
exports each executed notebook to HTML (code hidden: the reports are for analysts; the
code is in ``notebooks/``), and — only when every notebook succeeded — moves the
staging folders into place:

    reports/<year>/<province>/   one HTML per notebook, the CSV tables, index.html, run.json
    figures/<year>/<province>/   the PNG figures

``<province>`` is the registry id (``binh_dinh``; ``gia_lai_2025`` for the unit Gia Lai
formed in 2025, ``gia_lai`` the province to 2024). The move
renames the previous folder aside, renames the new one in, then deletes the old one;
a run stopped at any point leaves either the previous outputs or the new ones (a run
killed during the move is completed by the next run, which finds its journal).

A notebook that fails stops the run with :class:`NotebookFailedError`, naming the
notebook and the cell; its partial output is kept in ``reports/failed/<year>/<province>/``
and the previous outputs are not touched.

What a notebook shows (its setup, tables and figures) is in :mod:`indexmodel.report.views`;
the index page and the manifest are written by :mod:`indexmodel.report.contents`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ..core.errors import (DataUnavailableError, IndexModelError, InputFileError, UsageError,
                           interruptible)
from ..core.i18n import check_lang, index_label
from ..core.params import check_seed, check_sims
from ..core.paths import REPO_ROOT, home_dir
from ..data.provinces import Province, describe, fold, resolve
from ..data.years import check_year
from .contents import _write_index, _write_manifest
from .export import DEV_TAG, WIDGET_VIEW, export_html as _export_html  # noqa: F401 (re-exported)
from .export import notebook_title as _notebook_title
from .export import read_executed, write_notebook
from .processes import (KERNEL_NAME, _lock_is_free, _locked, _pid_alive, _stop_own_kernels,
                        _stop_workers, _worker_context, _worker_start, kernel_manager_class)

DEFAULT_SIMS = 2000
DEFAULT_SEED = 20240701
DEFAULT_PROVINCE = "Bình Định"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
STAGING = ".staging"
FAILED = "failed"
COMMIT_MARKER = "COMMIT"
MANIFEST = "run.json"
INDEX_PAGE = "index.html"
PARAMETER_NAMES = ("province", "baseline_year", "target_year", "lang", "peers_file", "sims",
                   "seed", "figures_dir", "tables_dir")

# The ``parameters`` cell every notebook starts with (papermill replaces its values).
PARAMETERS_CELL = "\n".join((
    f'province = "{DEFAULT_PROVINCE}"',
    "baseline_year = 2023",
    "target_year = 2025",
    'lang = "vi"',
    "peers_file = None",
    f"sims = {DEFAULT_SIMS}",
    f"seed = {DEFAULT_SEED}",
    "figures_dir = None",
    "tables_dir = None",
))

Progress = Callable[[str], None]


# -- errors and results --------------------------------------------------------------
class NotebookFailedError(IndexModelError):
    """A notebook of the yearly run raised an error; nothing was put in place."""

    def __init__(self, notebook: str, *, cell: int | None = None, cell_index: int | None = None,
                 exec_count: int | None = None, ename: str | None = None,
                 evalue: str | None = None, source: str | None = None,
                 traceback: list[str] | None = None, failed_dir: Path | None = None,
                 not_kept: str | None = None) -> None:
        self.notebook = notebook
        self.cell = cell  # 1-based position in the notebook as written (markdown counted)
        self.cell_index = cell_index  # papermill's index in the executed notebook
        self.exec_count = exec_count
        self.ename = ename
        self.evalue = evalue
        self.source = source
        self.failed_dir = failed_dir
        where = f"notebook {notebook}"
        if cell is not None:
            where += f", cell {cell}"
            if exec_count is not None:
                where += f" (In [{exec_count}])"
        reason = f"{where} failed: {ename or 'error'}: {evalue or ''}".rstrip(": ")
        line = _failing_line(traceback) or _first_line(source)
        if line:
            reason += f" — at `{line[:100]}`"
        hint = "the previous reports and figures are untouched"
        if failed_dir is not None:
            hint = f"partial output kept in {failed_dir}; " + hint
        elif not_kept:
            hint = f"its partial output could not be kept ({not_kept}); " + hint
        super().__init__(reason, hint=hint)


class RunWriteError(IndexModelError):
    """The run could not write its outputs (a full disk, no permission); nothing was put in
    place, and nothing half-written was left."""

    def __init__(self, exc: OSError) -> None:
        self.errno = exc.errno
        super().__init__(f"cannot write the run's outputs: {exc.strerror or exc}",
                         file=exc.filename,
                         hint="the previous reports and figures are untouched; nothing "
                              "half-written is left")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failing_line(traceback: list[str] | None) -> str | None:
    """'line 2: raise ValueError(…)' from an IPython traceback of a notebook cell."""
    text = _ANSI.sub("", "\n".join(traceback or []))
    start = text.find("Cell In[")
    if start < 0:
        return None
    match = re.search(r"^-+>\s*(\d+)\s(.*)$", text[start:], re.M)
    return f"line {match.group(1)}: {match.group(2).strip()}" if match else None


def _first_line(source: str | None) -> str | None:
    return next((ln.strip() for ln in (source or "").splitlines()
                 if ln.strip() and not ln.strip().startswith("#")), None)


@dataclass(frozen=True)
class NotebookRun:
    notebook: str
    seconds: float
    html: Path


@dataclass(frozen=True)
class RunResult:
    """What a yearly run wrote, and where."""

    province: str
    slug: str
    year: int
    baseline_year: int
    lang: str
    reports_dir: Path
    figures_dir: Path
    index_html: Path
    manifest: Path
    notebooks: tuple[NotebookRun, ...]
    seconds: float

    @property
    def files(self) -> list[Path]:
        return sorted(p for d in (self.reports_dir, self.figures_dir) for p in d.rglob("*")
                      if p.is_file())


# -- what a run needs, checked before anything runs --------------------------------------
@dataclass(frozen=True)
class RunPlan:
    """The checked inputs of a run (nothing executed, nothing written yet)."""

    province: Province
    slug: str
    year: int
    baseline_year: int
    lang: str
    peers_file: Path | None
    sims: int
    seed: int
    home: Path
    notebooks: tuple[Path, ...]
    basis: str  # "plan" or "peer data"

    def parameters(self, figures_dir: Path, tables_dir: Path) -> dict:
        return dict(province=self.province.name_en, baseline_year=self.baseline_year,
                    target_year=self.year, lang=self.lang,
                    peers_file=str(self.peers_file) if self.peers_file else None,
                    sims=self.sims, seed=self.seed, figures_dir=str(figures_dir),
                    tables_dir=str(tables_dir))

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports" / str(self.year) / self.slug

    @property
    def figures_dir(self) -> Path:
        return self.home / "figures" / str(self.year) / self.slug

    @property
    def failed_dir(self) -> Path:
        return self.home / "reports" / FAILED / str(self.year) / self.slug


def slug(name: str) -> str:
    """A folder name from a province's canonical English name: 'Binh Dinh' → 'binh_dinh'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")


def staging_root(home: str | Path | None = None) -> Path:
    """Where runs stage their outputs (a hidden folder under ``reports/``)."""
    return Path(home or home_dir()) / "reports" / STAGING


def list_notebooks(folder: str | Path | None = None) -> tuple[Path, ...]:
    """The numbered notebooks of ``folder`` (default ``notebooks/``), in order."""
    folder = Path(folder) if folder else NOTEBOOKS_DIR
    if not folder.is_dir():
        raise DataUnavailableError(f"no notebooks folder {folder}")
    books = tuple(sorted(p for p in folder.glob("*.ipynb")
                         if re.match(r"^\d+", p.name) and p.is_file()))
    if not books:
        raise DataUnavailableError(f"no numbered notebooks (00_….ipynb) in {folder}")
    return books


def _peer_years(province: Province, extra: pd.DataFrame | None) -> dict[str, list[int]]:
    from ..data.peers import default_peers, default_results

    frames = [default_peers()[["index", "year", "province"]],
              default_results()[["index", "year", "province"]]]
    if extra is not None:
        frames.append(extra[["index", "year", "province"]])
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[(rows["province"] == province.name_en)
                & rows["year"].map(lambda y: province.exists_in(int(y))).astype(bool)]
    return {index: sorted(int(y) for y in set(group["year"]))
            for index, group in rows.groupby("index", sort=True)}


@dataclass(frozen=True)
class CheckedParameters:
    """What :func:`check_parameters` found: the province, the years, where they come from."""

    province: Province
    year: int
    baseline_year: int
    lang: str
    sims: int
    seed: int
    basis: str  # "plan" or "peer data"


def check_parameters(province: str = DEFAULT_PROVINCE, year: int | None = None,
                     lang: str = "vi", sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
                     extra: pd.DataFrame | None = None, *, names: dict[str, str] | None = None
                     ) -> CheckedParameters:
    """The parameters of a run — and of every notebook it executes — checked one way.

    The language; ``sims`` and ``seed`` (:mod:`indexmodel.core.params`); the province
    (an empty name is refused, not taken for the default); the year within reason
    (:mod:`indexmodel.data.years`), and covered by the plan or by peer data (the shipped
    tables and ``extra``, an analyst's checked peer table). ``names`` renames the
    parameters in the messages (the notebooks' ``target_year`` for ``--year``).
    """
    from ..data.plan import load_plan, province_for

    names = {"sims": "--sims", "seed": "--seed", "year": "--year", **(names or {})}
    check_lang(lang)
    sims = check_sims(sims, names["sims"])
    seed = check_seed(seed, names["seed"])
    resolve(province)  # an empty or unknown name is refused before anything else
    plan = load_plan()
    plan_province = resolve(plan.province)
    if year is None:
        year = plan.target_year
    if isinstance(year, bool) or not isinstance(year, int):
        raise UsageError(f"{names['year']} must be a year such as {plan.target_year}, "
                         f"not {year!r}")
    check_year(year, what=names["year"])
    # by the year's map ("Gia Lai" in 2025 is the merged unit); the plan's own province
    # stays the former province in the plan's years (Bình Định, 2025 targets)
    where = province_for(province, year, plan)
    has_plan = where.id == plan_province.id and year in (plan.baseline_year, plan.target_year)
    peer_years = _peer_years(where, extra)
    in_peers = any(year in years for years in peer_years.values())
    if not has_plan and not in_peers:
        known = "; ".join(f"{index_label(i, 'en')}: {', '.join(map(str, ys))}"
                          for i, ys in peer_years.items()) or "none"
        plan_note = (f"the plan covers {plan.baseline_year} and {plan.target_year}"
                     if where.id == plan_province.id else f"the plan is {plan.province}'s")
        raise DataUnavailableError(
            f"no plan or peer data for {describe(where)} in {year}",
            hint=f"{plan_note}; peer data for {where.name_en}: {known}")
    baseline = plan.baseline_year if (has_plan and year == plan.target_year) else year
    return CheckedParameters(where, int(year), int(baseline), lang, sims, seed,
                             "plan" if has_plan else "peer data")


def peer_file(peers: str | Path) -> Path:
    """The analyst's peer file as an absolute path, refused when missing or a folder."""
    path = Path(peers).expanduser().resolve()
    if path.is_dir():
        raise InputFileError("is a folder, not a peer file", file=peers)
    if not path.is_file():
        raise InputFileError("peer file not found", file=peers)
    return path


def prepare(province: str = DEFAULT_PROVINCE, year: int | None = None, lang: str = "vi",
            peers: str | Path | None = None, sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
            home: str | Path | None = None, notebooks_dir: str | Path | None = None) -> RunPlan:
    """Check a run's inputs without executing or writing anything."""
    from ..data.peers import load_peers

    check_lang(lang)
    check_sims(sims)
    check_seed(seed)
    resolve(province)
    peers_path = peer_file(peers) if peers is not None else None
    extra = load_peers(peers_path) if peers_path is not None else None
    checked = check_parameters(province, year, lang, sims, seed, extra)
    return RunPlan(province=checked.province, slug=checked.province.id,
                   year=checked.year, baseline_year=checked.baseline_year, lang=lang,
                   peers_file=peers_path, sims=checked.sims, seed=checked.seed,
                   home=Path(home).resolve() if home else home_dir().resolve(),
                   notebooks=list_notebooks(notebooks_dir), basis=checked.basis)


# -- the run ---------------------------------------------------------------------------
def run(province: str = DEFAULT_PROVINCE, year: int | None = None, lang: str = "vi",
        peers: str | Path | None = None, sims: int = DEFAULT_SIMS, seed: int = DEFAULT_SEED,
        home: str | Path | None = None, progress: Progress | None = print,
        notebooks_dir: str | Path | None = None, cell_timeout: int | None = 900,
        workers: int | None = None) -> RunResult:
    """Execute every notebook for ``province`` and ``year`` and put the reports in place.

    ``workers``: notebooks executed at the same time, each in its own kernel (default
    :func:`default_workers`: two on a machine with two cores or more; 1 runs them one
    after the other in this process).
    """
    say = progress or (lambda _text: None)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise UsageError(f"workers must be a whole number ≥ 1, not {workers!r}")
    plan = prepare(province, year, lang, peers, sims, seed, home, notebooks_dir)
    try:
        return _run(plan, say, cell_timeout, workers)
    except OSError as exc:  # a full disk, a folder that cannot be written: the staging is gone
        raise RunWriteError(exc) from None


def _run(plan: RunPlan, say: Progress, cell_timeout: int | None, workers: int | None
         ) -> RunResult:
    started = time.perf_counter()
    root = staging_root(plan.home)
    root.mkdir(parents=True, exist_ok=True)
    key = f"{plan.year}-{plan.slug}"
    with interruptible() as signals, _locked(root / f"{key}.lock", f"{plan.province.name_en} {plan.year}", say):
        _recover(root, key, plan, say)
        _clean_leftovers(plan.home, key, say)
        stage = root / f"{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            runs = _execute_all(plan, stage, say, cell_timeout, workers)
            _write_index(plan, stage, runs)
            _write_manifest(plan, stage, runs, time.perf_counter() - started)
            with signals.critical():  # a signal here waits until the outputs are in place
                _commit(plan, stage)
        except BaseException:
            _stop_own_kernels()  # a kernel this process started, if one is still running
            if stage.exists() and not (stage / COMMIT_MARKER).exists():
                shutil.rmtree(stage, ignore_errors=True)
            raise
        with signals.critical():
            shutil.rmtree(plan.failed_dir, ignore_errors=True)  # an earlier failure is obsolete
            _prune_empty(plan.home / "reports" / FAILED)
    seconds = time.perf_counter() - started
    result = RunResult(
        province=plan.province.name_en, slug=plan.slug, year=plan.year,
        baseline_year=plan.baseline_year, lang=plan.lang, reports_dir=plan.reports_dir,
        figures_dir=plan.figures_dir, index_html=plan.reports_dir / INDEX_PAGE,
        manifest=plan.reports_dir / MANIFEST,
        notebooks=tuple(NotebookRun(r.notebook, r.seconds, plan.reports_dir / r.html.name)
                        for r in runs),
        seconds=seconds)
    say(f"Done in {seconds:.1f} s.")
    say(f"Reports: {result.reports_dir} (open {result.index_html.name})")
    say(f"Figures: {result.figures_dir}")
    return result


def main_run(province: str | None = None, year: int | None = None, lang: str = "vi",
             peers: str | None = None, sims: int | None = None, seed: int | None = None) -> int:
    """``indexmodel run``: the yearly run with the command line's defaults; an exit code."""
    try:
        run(province or DEFAULT_PROVINCE, year, lang, peers,
            DEFAULT_SIMS if sims is None else sims, DEFAULT_SEED if seed is None else seed)
    except IndexModelError as exc:
        print(f"indexmodel: error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def _targets(plan: RunPlan) -> list[tuple[str, Path]]:
    return [("reports", plan.reports_dir), ("figures", plan.figures_dir)]


def _aside(target: Path, stage: Path) -> Path:
    return target.parent / f".{target.name}.old-{stage.name}"


def _recover(root: Path, key: str, plan: RunPlan, say: Progress) -> None:
    """Finish or discard what an earlier run of the same year and province left behind."""
    for stage in sorted(root.glob(f"{key}-*")):
        if not stage.is_dir():
            continue
        if (stage / COMMIT_MARKER).exists():
            say(f"Completing the interrupted move of an earlier run ({stage.name}) …")
            _move_into_place(plan, stage)
        else:
            shutil.rmtree(stage, ignore_errors=True)


_STAGE_NAME = re.compile(r"^(\d+-[a-z0-9_]+)-(\d+)-[0-9a-f]+$")
_FRESH_FAILED = re.compile(r"^\..+\.new-(\d+)$")


def _clean_leftovers(home: Path, key: str, say: Progress) -> None:
    """Remove what runs of other years or provinces left when they were killed: staging
    folders whose lock no live run holds (a committed one is completed from the targets
    its marker records), and half-kept failed notebooks of processes that are gone."""
    root = staging_root(home)
    for stage in sorted(root.iterdir()) if root.is_dir() else ():
        match = _STAGE_NAME.match(stage.name)
        if not stage.is_dir() or not match or match.group(1) == key:
            continue  # our own key was handled under our lock (never reopen our lock file)
        if not _lock_is_free(root / f"{match.group(1)}.lock"):
            continue
        targets = _marker_targets(stage)
        if targets:
            say(f"Completing the interrupted move of an earlier run ({stage.name}) …")
            _move_targets(targets, stage)
        else:
            shutil.rmtree(stage, ignore_errors=True)
    failed = home / "reports" / FAILED
    if failed.is_dir():
        for fresh in sorted(failed.glob("*/.*.new-*")):
            match = _FRESH_FAILED.match(fresh.name)
            if match and fresh.is_dir() and not _pid_alive(int(match.group(1))):
                shutil.rmtree(fresh, ignore_errors=True)
        _prune_empty(failed)


def _marker_targets(stage: Path) -> list[tuple[str, Path]]:
    """The (kind, target folder) pairs a committed stage records in its marker."""
    try:
        recorded = json.loads((stage / COMMIT_MARKER).read_text(encoding="utf-8"))
        return [(str(kind), Path(target)) for kind, target in recorded["targets"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _commit(plan: RunPlan, stage: Path) -> None:
    marker = stage / COMMIT_MARKER
    record = {"note": "all notebooks succeeded; moving into place",
              "targets": [[kind, str(target)] for kind, target in _targets(plan)]}
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    _move_into_place(plan, stage)


def _move_into_place(plan: RunPlan, stage: Path) -> None:
    _move_targets(_targets(plan), stage)


def _move_targets(targets: list[tuple[str, Path]], stage: Path) -> None:
    """Rename the previous folders aside, the staged ones in, then delete the previous."""
    for kind, target in targets:
        new = stage / kind
        target.parent.mkdir(parents=True, exist_ok=True)
        aside = _aside(target, stage)
        if new.exists():
            if target.exists() and not aside.exists():
                os.rename(target, aside)
            elif target.exists():  # the old one is already aside: this is a stray copy
                shutil.rmtree(target)
            os.rename(new, target)
        elif not target.exists() and aside.exists():  # pragma: no cover - defensive
            os.rename(aside, target)
    for _kind, target in targets:
        aside = _aside(target, stage)
        if aside.exists():
            shutil.rmtree(aside)
    shutil.rmtree(stage, ignore_errors=True)


def _prune_empty(folder: Path) -> None:
    if not folder.is_dir():
        return
    for sub in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


MAX_WORKERS = 2


def default_workers() -> int:
    """Notebooks executed at once by default: two where there are two cores or more.

    Each notebook runs in its own kernel, and most of a notebook's time is the kernel
    starting and importing the scientific stack: two at a time nearly halve a run on
    two cores; more would only share the same cores.
    """
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _execute_all(plan: RunPlan, stage: Path, say: Progress, cell_timeout: int | None,
                 workers: int | None = None) -> list[NotebookRun]:
    reports, figures, work = stage / "reports", stage / "figures", stage / "executed"
    for folder in (reports, figures, work):
        folder.mkdir(parents=True, exist_ok=True)
    parameters = plan.parameters(figures, reports)
    total = len(plan.notebooks)
    workers = max(1, min(workers or default_workers(), total))
    say(f"Yearly run: {describe(plan.province)}, {plan.year} (baseline {plan.baseline_year}, "
        f"from the {plan.basis}), language {plan.lang}: {total} notebooks"
        + (f", {workers} at a time" if workers > 1 else ""))
    jobs = [dict(notebook=str(nb), executed=str(work / nb.name),
                 page=str(reports / (nb.stem + ".html")), parameters=_declared(nb, parameters),
                 cell_timeout=cell_timeout) for nb in plan.notebooks]
    runs: list[NotebookRun] = []

    def finish(n: int, notebook: Path, outcome: dict) -> None:
        seconds = outcome["seconds"]
        if outcome["ok"]:
            page = reports / (notebook.stem + ".html")
            runs.append(NotebookRun(notebook.name, seconds, page))
            say(f"[{n}/{total}] {notebook.name} … {seconds:.1f} s")
            return
        say(f"[{n}/{total}] {notebook.name} … failed after {seconds:.1f} s")
        failed, not_kept = _keep_failed(plan, work / notebook.name)
        if outcome["kind"] == "cell":
            raise NotebookFailedError(notebook.name,
                                      cell=_source_cell(notebook, outcome["cell_index"]),
                                      cell_index=outcome["cell_index"],
                                      exec_count=outcome["exec_count"], ename=outcome["ename"],
                                      evalue=outcome["evalue"], source=outcome["source"],
                                      traceback=outcome["traceback"], failed_dir=failed,
                                      not_kept=not_kept)
        raise NotebookFailedError(notebook.name, ename=outcome["ename"],
                                  evalue=outcome["evalue"], failed_dir=failed, not_kept=not_kept)

    if workers == 1:
        for n, (notebook, job) in enumerate(zip(plan.notebooks, jobs), start=1):
            finish(n, notebook, _execute_one(**job))
        return runs
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # the longest notebooks first, so that none is left to run alone at the end (their
    # times in the previous run, else as the notebooks declare); progress is in order
    expected = _expected_seconds(plan)
    order = sorted(range(total), key=lambda i: -expected.get(plan.notebooks[i].name, math.inf))
    # worker processes (not threads), which die with this process (see _worker_start)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context(),
                               initializer=_worker_start, initargs=(os.getpid(),))
    try:
        pending = {pool.submit(_execute_one, **jobs[i]): i for i in order}
        done: dict[int, dict] = {}
        reported = 0
        while reported < total:
            finished, _ = wait([f for f in pending if not f.done()] or list(pending),
                               return_when=FIRST_COMPLETED)
            for future in finished:
                done[pending[future]] = future.result()
            failed = sorted(i for i, outcome in done.items() if not outcome["ok"])
            if failed:  # stop at once: nothing more starts, the running ones finish
                for future in pending:
                    future.cancel()
                for i in sorted(i for i in done if i < failed[0] and i >= reported):
                    finish(i + 1, plan.notebooks[i], done[i])
                finish(failed[0] + 1, plan.notebooks[failed[0]], done[failed[0]])
            while reported in done:
                finish(reported + 1, plan.notebooks[reported], done[reported])
                reported += 1
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return runs


def _expected_seconds(plan: RunPlan) -> dict[str, float]:
    """How long each notebook should take: its time in the previous run of the same year
    and province (that run's manifest), else the time it declares in its metadata
    (``indexmodel.seconds``, written by ``notebooks/build_notebooks.py``); unknown ones
    are left out."""
    import nbformat

    out: dict[str, float] = {}
    for notebook in plan.notebooks:
        try:
            meta = nbformat.read(str(notebook), as_version=4).metadata.get("indexmodel", {})
            out[notebook.name] = float(meta["seconds"])
        except Exception:  # no such metadata, or the execution will report the notebook
            continue
    try:
        manifest = json.loads((plan.reports_dir / MANIFEST).read_text(encoding="utf-8"))
        out.update({str(n["name"]): float(n["seconds"]) for n in manifest.get("notebooks", [])})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return out


def _execute_one(notebook: str, executed: str, page: str, parameters: dict,
                 cell_timeout: int | None) -> dict:
    """Execute one notebook with papermill and export its HTML (in a worker process, or in
    this one); what happened as a plain dict, so that it crosses a process boundary."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    began = time.perf_counter()
    try:
        papermill.execute_notebook(
            notebook, executed, parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, cwd=str(Path(notebook).parent),
            request_save_on_cell_execute=False, execution_timeout=cell_timeout,
            kernel_manager_class=kernel_manager_class())
    except PapermillExecutionError as exc:
        return dict(ok=False, kind="cell", seconds=time.perf_counter() - began,
                    cell_index=exc.cell_index, exec_count=exc.exec_count, ename=exc.ename,
                    evalue=exc.evalue, source=exc.source, traceback=list(exc.traceback or []))
    except Exception as exc:  # the kernel died, a cell timed out, the notebook is broken
        return dict(ok=False, kind="other", seconds=time.perf_counter() - began,
                    ename=type(exc).__name__,
                    evalue=str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    _export_html(Path(executed), Path(page))
    return dict(ok=True, seconds=time.perf_counter() - began)


def _declared(notebook: Path, parameters: dict) -> dict:
    """The parameters a notebook declares in its ``parameters`` cell (all of them when it
    has no such cell), so that papermill warns of no unknown parameter."""
    import nbformat
    from papermill.translators import PythonTranslator

    try:
        nb = nbformat.read(str(notebook), as_version=4)
        cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
        declared = {p.name for p in PythonTranslator.inspect(cell)} if cell else set()
    except Exception:  # let the execution report what is wrong with the notebook
        return parameters
    return {k: v for k, v in parameters.items() if k in declared} if declared else parameters


def _source_cell(notebook: Path, executed_index: int | None) -> int | None:
    """The 1-based position, in the notebook as written, of a cell of the executed one
    (papermill inserts its injected-parameters cell after the ``parameters`` cell)."""
    import nbformat

    if executed_index is None:
        return None
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except Exception:  # pragma: no cover - it was just executed
        return executed_index + 1
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    injected = tagged[0] + 1 if tagged else 0
    return executed_index + (0 if executed_index < injected else -1) + 1


def _keep_failed(plan: RunPlan, executed: Path) -> tuple[Path | None, str | None]:
    """Keep the failed notebook (and an HTML of it, code shown) for diagnosis: the folder
    it is kept in, or None and why it could not be (a full disk: then nothing of it is
    left, not even the hidden folder it was being copied into)."""
    target = plan.failed_dir
    fresh = target.parent / f".{target.name}.new-{os.getpid()}"
    stage = executed.parent.parent  # its name (process id, random part) becomes the key's
    paths = {str(stage): str(stage.parent / f"{plan.year}-{plan.slug}")}
    try:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        if executed.exists():  # the notebook as executed, without its timings
            try:
                nb = read_executed(executed, paths)
            except OSError:
                raise
            except Exception:  # half-written (a full disk): kept as it is
                shutil.copyfile(executed, fresh / executed.name)
            else:
                write_notebook(nb, fresh / executed.name)
            with contextlib.suppress(Exception):
                _export_html(executed, fresh / (executed.stem + ".html"), show_code=True,
                             paths=paths)
        shutil.rmtree(target, ignore_errors=True)
        os.rename(fresh, target)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        with contextlib.suppress(OSError):
            _prune_empty(plan.home / "reports" / FAILED)
        return None, exc.strerror or str(exc)
    return target, None
