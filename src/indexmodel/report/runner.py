"""The yearly run: every notebook executed, exported to HTML, put in place only when complete.

:func:`run` checks everything it can before it executes anything (the language, the
province, that the plan or the peer data cover the year, the analyst's peer file), so
a mistake stops it with an :class:`~indexmodel.core.errors.IndexModelError` and nothing on
disk changes. It then executes the numbered notebooks of ``notebooks/`` with papermill:
two worker processes on a machine with two cores or more, each executing its notebooks
one after the other in its own IPython shell, without a kernel
(:mod:`indexmodel.report.execution`: the namespace is emptied between notebooks, the
package's content-keyed caches stay); progress and failures are reported in the
notebooks' order. Each notebook is given the same parameters::

    province, baseline_year, target_year, lang, peers_file, sims, seed,
    figures_dir, tables_dir

into a staging folder (``reports/.staging/…`` under :func:`~indexmodel.core.paths.home_dir`),
keeps each executed notebook (outputs and papermill's record of the parameters; no
timings, no random ids: reruns give the same bytes), exports it to HTML (code hidden: the
reports are for analysts; each page links back to ``index.html`` and gives the data's
vintage), and — only when every notebook succeeded — moves the staging folders into
place (:mod:`indexmodel.report.staging`):

    reports/<year>/<province>/<lang>/   index.html, one HTML and one executed .ipynb per
                                        notebook, the CSV tables, run.json, figures/
    figures/<year>/<province>/<lang>/   every figure again, for who looks there

A report folder is self-contained: its pages and index.html link only inside it, so it can
be copied or sent as it is; the two languages sit side by side.
``<province>`` is the registry id (``binh_dinh``; ``gia_lai_2025`` for the unit Gia Lai
formed in 2025, ``gia_lai`` the province to 2024). The move
renames the previous folder aside, renames the new one in, then deletes the old one;
a run stopped at any point leaves either the previous outputs or the new ones (a run
killed during the move is completed by the next run, which finds its journal).
``indexmodel run --province all`` (:mod:`indexmodel.report.allrun`) runs every unit of a
year in one batch, under the same rules.

A notebook that fails stops the run with :class:`NotebookFailedError`, naming the
notebook and the cell; its partial output is kept in ``reports/failed/<year>/<province>/<lang>/``
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
from . import execution
from .contents import _write_index, _write_manifest
from .export import DEV_TAG, WIDGET_VIEW, export_html as _export_html  # noqa: F401 (re-exported)
from .export import notebook_title as _notebook_title
from .export import read_executed, write_notebook
from .processes import (KERNEL_NAME, _locked, _stop_workers,  # noqa: F401 (re-exported)
                        _worker_context, _worker_start, kernel_manager_class, worker_died)
from .staging import (COMMIT_MARKER, FAILED, STAGING, Targets, aside as _aside,  # noqa: F401
                      clean_leftovers, commit, prune_empty as _prune_empty, recover,
                      staging_root)

DEFAULT_SIMS = 2000
DEFAULT_SEED = 20240701
DEFAULT_PROVINCE = "Bình Định"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
MANIFEST = "run.json"
INDEX_PAGE = "index.html"
FIGURES = "figures"  # the report folder's own figures (the pages' and index.html's links)
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
        """``reports/<year>/<province>/<lang>/``: the pages, the executed notebooks, the
        CSV tables, ``index.html`` and the figures (``figures/``) the pages link to."""
        return self.home / "reports" / str(self.year) / self.slug / self.lang

    @property
    def figures_dir(self) -> Path:
        """``figures/<year>/<province>/<lang>/``: every figure again, for who looks there."""
        return self.home / "figures" / str(self.year) / self.slug / self.lang

    @property
    def failed_dir(self) -> Path:
        return self.home / "reports" / FAILED / str(self.year) / self.slug / self.lang

    @property
    def key(self) -> str:
        """The run's name in the staging folder and its lock: year, province, language."""
        return f"{self.year}-{self.slug}-{self.lang}"


def slug(name: str) -> str:
    """A folder name from a province's canonical English name: 'Binh Dinh' → 'binh_dinh'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")


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
    rows = pd.concat([f[f["province"] == province.name_en] for f in frames], ignore_index=True)
    exists = {y: province.exists_in(int(y)) for y in set(rows["year"])}
    rows = rows[rows["year"].map(exists).astype(bool)]
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

    ``workers``: notebooks executed at the same time, each worker process executing its
    notebooks one after the other (default :func:`default_workers`: two on a machine with
    two cores or more; 1: one worker executes them all, in order).
    """
    say = progress or (lambda _text: None)
    check_workers(workers)
    plan = prepare(province, year, lang, peers, sims, seed, home, notebooks_dir)
    try:
        lang = plan.lang
        what = said("what", lang, province=describe(plan.province, lang), year=plan.year,
                    baseline=plan.baseline_year, basis=said(f"basis.{plan.basis}", lang))
        batch = _run_batch([plan], plan.key, plan.home, say, cell_timeout, workers, what)
    except OSError as exc:  # a full disk, a folder that cannot be written: the staging is gone
        raise RunWriteError(exc) from None
    result = batch.results[0]
    say(said("done", lang, seconds=batch.seconds))
    say(said("reports", lang, path=result.reports_dir, page=result.index_html.name))
    say(said("figures", lang, path=result.figures_dir))
    return result


def check_workers(workers) -> None:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise UsageError(f"workers must be a whole number ≥ 1, not {workers!r}")


@dataclass(frozen=True)
class Batch:
    """What :func:`_run_batch` put in place: one result per province, the overall page."""

    results: tuple[RunResult, ...]
    seconds: float
    overall: Path | None = None


def _run_batch(plans: list[RunPlan], key: str, home: Path, say: Progress,
               cell_timeout: int | None, workers: int | None, what: str,
               overall: Callable[[Path, list[RunResult]], Targets] | None = None) -> Batch:
    """Execute every notebook of every plan into one staging folder and, only when all
    succeeded, put all of it in place at once (one lock, one commit)."""
    started = time.perf_counter()
    root = staging_root(home)
    root.mkdir(parents=True, exist_ok=True)
    with interruptible() as signals, _locked(root / f"{key}.lock", key, say):
        _recover(root, key, say)
        _clean_leftovers(home, key, say)
        stage = root / f"{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            with _checked_tables(stage / "checked", {p.peers_file for p in plans} - {None}):
                runs = _execute_all(plans, stage, say, cell_timeout, workers, what)
            targets: Targets = []
            results = []
            for plan in plans:
                unit = stage / plan.slug
                _copy_figures(unit)
                _write_index(plan, unit, runs[plan.slug])
                _write_manifest(plan, unit, runs[plan.slug], time.perf_counter() - started)
                targets += _targets(plan)
                results.append(_result(plan, runs[plan.slug]))
            extra = overall(stage, results) if overall else []
            with signals.critical():  # a signal here waits until the outputs are in place
                _commit(targets + extra, stage)
        except BaseException:
            if stage.exists() and not (stage / COMMIT_MARKER).exists():
                shutil.rmtree(stage, ignore_errors=True)
            raise
        with signals.critical():
            for plan in plans:  # an earlier failure is obsolete
                shutil.rmtree(plan.failed_dir, ignore_errors=True)
            _prune_empty(home / "reports" / FAILED)
    return Batch(tuple(results), time.perf_counter() - started,
                 extra[0][1] / INDEX_PAGE if extra else None)


def _result(plan: RunPlan, runs: list[NotebookRun]) -> RunResult:
    return RunResult(
        province=plan.province.name_en, slug=plan.slug, year=plan.year,
        baseline_year=plan.baseline_year, lang=plan.lang, reports_dir=plan.reports_dir,
        figures_dir=plan.figures_dir, index_html=plan.reports_dir / INDEX_PAGE,
        manifest=plan.reports_dir / MANIFEST,
        notebooks=tuple(NotebookRun(r.notebook, r.seconds, plan.reports_dir / r.html.name)
                        for r in runs),
        seconds=sum(r.seconds for r in runs))


def _copy_figures(unit: Path) -> None:
    """The report folder's figures again under ``figures/`` (the top-level folder)."""
    source, copy = unit / "reports" / FIGURES, unit / "figures"
    copy.mkdir(parents=True, exist_ok=True)
    for png in sorted(source.rglob("*.png")) if source.is_dir() else ():
        target = copy / png.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)


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


def _targets(plan: RunPlan) -> Targets:
    return [(f"{plan.slug}/reports", plan.reports_dir), (f"{plan.slug}/figures", plan.figures_dir)]


def _recover(root: Path, key: str, say: Progress) -> None:
    recover(root, key, say)


def _clean_leftovers(home: Path, key: str, say: Progress) -> None:
    clean_leftovers(home, key, say)


@contextlib.contextmanager
def _checked_tables(folder: Path, peer_files: set[Path]):
    """The shipped tables and the analyst's peer files as this process checked them, handed
    to the run's workers (they read them instead of checking them again:
    :data:`~indexmodel.data.peers.CHECKED_TABLES`)."""
    from ..data.peers import CHECKED_TABLES, export_checked, load_peers

    before = os.environ.get(CHECKED_TABLES)
    export_checked(folder)
    for path in sorted(peer_files):
        load_peers.export(path, folder)
    os.environ[CHECKED_TABLES] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CHECKED_TABLES, None)
        else:
            os.environ[CHECKED_TABLES] = before


def _commit(targets: Targets, stage: Path) -> None:
    commit(targets, stage)


MAX_WORKERS = 2


def default_workers() -> int:
    """Workers executing notebooks at once by default: two where there are two cores or more.

    Each worker executes its notebooks one after the other; two at a time
    nearly halve a run on two cores; more would only share the same cores.
    """
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _worker_init(parent: int) -> None:
    """In each worker process: die with the run (:func:`_worker_start`), and compile the
    HTML templates while the first notebook computes."""
    import threading

    from . import export

    _worker_start(parent)
    threading.Thread(target=export.warm_up, name="indexmodel-html-warm-up", daemon=True).start()


#: What the run prints as it goes, in the run's language (vi, en).
SAY = {
    "head": ("Phân tích hằng năm: {what}: {total} sổ tính", "Yearly run: {what}: {total} notebooks"),
    "workers": (", {n} tiến trình song song", ", {n} workers"),
    "what": ("{province}, năm {year} (năm gốc {baseline}, theo {basis}), tiếng Việt",
             "{province}, {year} (baseline {baseline}, from the {basis}), language English"),
    "basis.plan": ("kế hoạch của tỉnh", "plan"),
    "basis.peer data": ("số liệu các tỉnh", "peer data"),
    "all": ("mọi đơn vị được xếp hạng năm {year} ({n}), tiếng Việt",
            "every unit ranked in {year} ({n}), language English"),
    "step": ("[{n}/{total}] {name} … {seconds:.1f} giây", "[{n}/{total}] {name} … {seconds:.1f} s"),
    "step_failed": ("[{n}/{total}] {name} … lỗi sau {seconds:.1f} giây",
                    "[{n}/{total}] {name} … failed after {seconds:.1f} s"),
    "done": ("Xong trong {seconds:.1f} giây.", "Done in {seconds:.1f} s."),
    "done_all": ("Xong trong {seconds:.1f} giây: {n} thư mục báo cáo.",
                 "Done in {seconds:.1f} s: {n} report folders."),
    "reports": ("Báo cáo: {path} (mở {page})", "Reports: {path} (open {page})"),
    "reports_all": ("Báo cáo: {path}", "Reports: {path}"),
    "figures": ("Hình: {path}", "Figures: {path}"),
}


def said(key: str, lang: str, **values) -> str:
    """A progress line of the run in ``lang`` (:data:`SAY`)."""
    vi, en = SAY[key]
    return (vi if lang == "vi" else en).format(**values)


def _nav(plan: RunPlan) -> dict:
    from .contents import data_vintage, page_text

    return dict(lang=plan.lang, back=page_text("back", plan.lang),
                dated=data_vintage(plan.lang))


def _execute_all(plans: list[RunPlan], stage: Path, say: Progress, cell_timeout: int | None,
                 workers: int | None, what: str) -> dict[str, list[NotebookRun]]:
    jobs, owners = [], []
    for plan in plans:
        unit = stage / plan.slug
        reports, work = unit / "reports", unit / "executed"
        for folder in (reports / FIGURES, work):
            folder.mkdir(parents=True, exist_ok=True)
        parameters = plan.parameters(reports / FIGURES, reports)
        # in the kept notebooks the run's folders are the report folder's own
        paths = {str(reports / FIGURES): FIGURES, str(reports): "."}
        nav = _nav(plan)
        for nb in plan.notebooks:
            jobs.append(dict(notebook=str(nb), executed=str(work / nb.name),
                             page=str(reports / (nb.stem + ".html")),
                             kept=str(reports / nb.name), paths=paths, nav=nav,
                             parameters=_declared(nb, parameters), cell_timeout=cell_timeout))
            owners.append((plan, nb))
    total = len(jobs)
    workers = max(1, min(workers or default_workers(), total))
    many = len(plans) > 1
    lang = plans[0].lang
    say(said("head", lang, what=what, total=total)
        + (said("workers", lang, n=workers) if workers > 1 else ""))
    runs: dict[str, list[NotebookRun]] = {plan.slug: [] for plan in plans}

    def finish(n: int, outcome: dict) -> None:
        plan, notebook = owners[n - 1]
        seconds = outcome["seconds"]
        name = f"{plan.slug}/{notebook.name}" if many else notebook.name
        if outcome["ok"]:
            runs[plan.slug].append(NotebookRun(notebook.name, seconds,
                                               stage / plan.slug / "reports" / (notebook.stem + ".html")))
            say(said("step", lang, n=n, total=total, name=name, seconds=seconds))
            return
        say(said("step_failed", lang, n=n, total=total, name=name, seconds=seconds))
        failed, not_kept = _keep_failed(plan, stage / plan.slug / "executed" / notebook.name)
        label = f"{notebook.name} ({plan.province.name_en})" if many else notebook.name
        if outcome["kind"] == "cell":
            raise NotebookFailedError(label,
                                      cell=_source_cell(notebook, outcome["cell_index"]),
                                      cell_index=outcome["cell_index"],
                                      exec_count=outcome["exec_count"], ename=outcome["ename"],
                                      evalue=outcome["evalue"], source=outcome["source"],
                                      traceback=outcome["traceback"], failed_dir=failed,
                                      not_kept=not_kept)
        raise NotebookFailedError(label, ename=outcome["ename"],
                                  evalue=outcome["evalue"], failed_dir=failed, not_kept=not_kept)

    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if many:
        # a worker executes every notebook of a unit, one after the other: what its
        # notebooks share (the unit's analyses) is computed once, in one process; the
        # units in order, so that progress comes as it goes
        start = 0
        chunks = []
        for plan in plans:
            chunks.append(list(range(start, start + len(plan.notebooks))))
            start += len(plan.notebooks)
    elif workers == 1:  # one after the other, in order
        chunks = [[i] for i in range(total)]
    else:
        # the longest notebooks first, so that none is left to run alone at the end (their
        # times in the previous run, else as the notebooks declare); progress is in order
        expected = _expected_seconds(plans[0])
        chunks = [[i] for i in sorted(range(total), key=lambda i: -expected.get(
            owners[i][1].name, math.inf))]
    # worker processes (not threads), which die with this process (see _worker_start)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context(),
                               initializer=_worker_init, initargs=(os.getpid(),))
    try:
        pending = {pool.submit(_execute_chunk, [jobs[i] for i in chunk]): chunk
                   for chunk in chunks}
        done: dict[int, dict] = {}
        reported = 0
        while reported < total:
            finished, _ = wait([f for f in pending if not f.done()] or list(pending),
                               return_when=FIRST_COMPLETED)
            for future in finished:
                # a chunk stops at its first failure: its later notebooks have no outcome
                try:
                    done.update(zip(pending[future], future.result()))
                except BrokenProcessPool:  # a worker died: the notebook it was executing
                    done.update(worker_died(pool, jobs, pending[future]))
            failed = sorted(i for i, outcome in done.items() if not outcome["ok"])
            if failed:  # stop at once: nothing more starts, the running ones finish
                for future in pending:
                    future.cancel()
                for i in sorted(i for i in done if i < failed[0] and i >= reported):
                    finish(i + 1, done[i])
                finish(failed[0] + 1, done[failed[0]])
            while reported in done:
                finish(reported + 1, done[reported])
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
    if not executed.exists():  # its process died before it was written: nothing to keep
        return None, None
    target = plan.failed_dir
    fresh = target.parent / f".{target.name}.new-{os.getpid()}"
    stage = executed.parent.parent.parent  # its name (process id, random part) becomes the key's
    paths = {str(stage): str(stage.parent / plan.key)}
    try:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        try:  # the notebook as executed, without its timings
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


def _execute_chunk(jobs: list[dict]) -> list[dict]:
    """Execute notebooks one after the other in this worker (:func:`_execute_one`),
    stopping at the first that fails; their outcomes in order."""
    outcomes = []
    for job in jobs:
        outcomes.append(_execute_one(**job))
        if not outcomes[-1]["ok"]:
            break
    return outcomes


def _execute_one(notebook: str, executed: str, page: str, kept: str, paths: dict,
                 nav: dict, parameters: dict, cell_timeout: int | None) -> dict:
    """Execute one notebook in this worker process (its own IPython shell), then
    keep its normalised copy and export its page; what happened as a plain dict."""
    def finish() -> None:
        _export_html(Path(executed), Path(page), paths=paths, nav=nav, kept=Path(kept))

    return execution.execute(notebook, executed, parameters, cell_timeout, finish)
