"""Time a full default yearly run (`indexmodel run`: Bình Định, the plan's target year, vi).

    .venv/bin/python benchmarks/bench_run.py [--repeat N] [--keep] [--workers N]

Runs into a temporary home (INDEXMODEL_HOME is not touched; with --repeat every run uses
the same one, so from the second on the run starts the previous run's longest notebooks
first), prints each notebook's time and the total in seconds. Aim: under a minute on 2 cores. The run executes two notebooks
at a time where there are two cores (`--workers 1`: one after the other, for comparison);
a notebook's own time counts its kernel's start and its HTML export. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from indexmodel import report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs to time (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument("--workers", type=int, default=None,
                        help="notebooks executed at once (default: the run's, "
                             f"{report.default_workers()} here)")
    args = parser.parse_args(argv)
    times = []
    # one temporary home for every repeat: a later run finds the previous run's manifest
    # and starts the longest notebooks first, as a yearly run in the same home does
    home = Path(tempfile.mkdtemp(prefix="indexmodel-bench-"))
    try:
        for i in range(args.repeat):
            began = time.perf_counter()
            result = report.run(home=home, progress=print, workers=args.workers)
            seconds = time.perf_counter() - began
            times.append(seconds)
            print(f"run {i + 1}: {seconds:.1f} s ({len(result.notebooks)} notebooks"
                  + (", the previous run's order" if i else ", a fresh home") + ")")
    finally:
        if args.keep:
            print(f"kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    summary = f"{statistics.median(times):.1f}"
    print(f"default yearly run: {summary} s" + (f" (median of {len(times)})" if len(times) > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
