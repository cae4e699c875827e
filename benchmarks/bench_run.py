"""Time the yearly run against the fixed cost of a kernel, on the same machine, in one sitting.

    .venv/bin/python benchmarks/bench_run.py [--repeat N] [--workers N] [--all [--year Y]
                                             [--limit N]] [--keep]

1. The unit: papermill's command line executing a notebook of one cell (``1 + 1``) — a
   kernel started, the cell run, the notebook written: the least any notebook run costs
   here. Timed ``--repeat`` times (median), before and after the runs below.
2. The default yearly run (``indexmodel run``: Bình Định, the plan's years, vi; every
   notebook), into a temporary home; its time as a ratio to the unit. Target: ≤ 5×.
3. With ``--all``: ``indexmodel run --province all`` for ``--year`` (default: the latest
   year whose peer table is complete for an index), every unit ranked that year; its time
   as a ratio to the unit. Target: ≤ 60×. ``--limit N`` runs the first N units only (the
   ratio is then printed for those N, not extrapolated).

The machine's load (1-minute load average, cores) is printed before and after (and before
``--all``), and each run's CPU seconds (its workers' included): the ratios are
only comparable on a machine equally busy. Runs into temporary homes (INDEXMODEL_HOME
is not touched). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended
    (the run's workers): what a run costs the machine, less sensitive
    than its wall time to what else the machine runs."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def papermill_unit(folder: Path, repeat: int) -> float:
    """Median seconds of ``papermill one.ipynb out.ipynb`` (one cell), by its command line."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    src = folder / "one.ipynb"
    nbformat.write(nb, str(src))
    exe = Path(sys.executable).with_name("papermill")
    command = ([str(exe)] if exe.exists() else [sys.executable, "-m", "papermill"])
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run([*command, "-k", "python3", "--no-progress-bar", str(src),
                        str(folder / "out.ipynb")], check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="papermill unit runs (median; default 3)")
    parser.add_argument("--runs", type=int, default=1, help="default runs to time (median; default 1)")
    parser.add_argument("--workers", type=int, default=None, help="workers (default: the run's)")
    parser.add_argument("--all", action="store_true", help="also time run --province all")
    parser.add_argument("--year", type=int, default=None, help="the year of --all")
    parser.add_argument("--limit", type=int, default=None, help="--all for the first N units only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args(argv)

    from indexmodel.report import allrun, runner

    scratch = Path(tempfile.mkdtemp(prefix="indexmodel-bench-"))
    lines = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    try:
        say(f"machine: {load()}")
        unit = papermill_unit(scratch, args.repeat)
        say(f"papermill, one cell: {unit:.2f} s (median of {args.repeat})")
        times = []
        for i in range(args.runs):
            home = scratch / f"default-{i}"
            began, spent = time.perf_counter(), cpu()
            result = runner.run(home=home, progress=None, workers=args.workers)
            times.append(time.perf_counter() - began)
            say(f"default run {i + 1}: {times[-1]:.1f} s ({len(result.notebooks)} notebooks; "
                f"{cpu() - spent:.0f} s of CPU)")
        default = statistics.median(times)
        say(f"default run: {default:.1f} s = {default / unit:.1f}× the papermill unit (target ≤ 5×)")
        if args.all:
            plans = allrun.prepare_all(args.year, home=scratch / "all")
            year = plans[0].year
            if args.limit:
                keep = {p.slug for p in plans[:args.limit]}
                original = allrun.ranked_units
                allrun.ranked_units = lambda y: [u for u in original(y) if u.id in keep]
            say(f"machine: {load()}")
            began, spent = time.perf_counter(), cpu()
            result = allrun.run_all(year, home=scratch / "all", progress=None, jobs=args.workers)
            seconds = time.perf_counter() - began
            n = len(result.results)
            books = sum(len(r.notebooks) for r in result.results)
            say(f"all units of {year}: {seconds:.1f} s for {n} units ({books} notebooks; "
                f"{cpu() - spent:.0f} s of CPU) = "
                f"{seconds / unit:.1f}× the papermill unit (target ≤ 60×"
                + (f"; the first {n} units only" if args.limit else "") + ")")
        unit_after = papermill_unit(scratch, args.repeat)
        say(f"papermill, one cell, after: {unit_after:.2f} s")
        say(f"machine after: {load()}")
    finally:
        if args.keep:
            print(f"kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
