"""Time a full default yearly run (`indexmodel run`: Bình Định, the plan's target year, vi).

    .venv/bin/python benchmarks/bench_run.py [--repeat N] [--keep]

Runs into a temporary home (INDEXMODEL_HOME is not touched), prints each notebook's time
and the total in seconds. Aim: under a minute on 2 cores. Not part of the test suite.
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
    args = parser.parse_args(argv)
    times = []
    for i in range(args.repeat):
        home = Path(tempfile.mkdtemp(prefix="indexmodel-bench-"))
        try:
            began = time.perf_counter()
            result = report.run(home=home, progress=print)
            seconds = time.perf_counter() - began
        finally:
            if not args.keep:
                shutil.rmtree(home, ignore_errors=True)
        times.append(seconds)
        print(f"run {i + 1}: {seconds:.1f} s ({len(result.notebooks)} notebooks)"
              + (f", kept in {home}" if args.keep else ""))
    summary = f"{statistics.median(times):.1f}"
    print(f"default yearly run: {summary} s" + (f" (median of {len(times)})" if len(times) > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
