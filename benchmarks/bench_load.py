"""Benchmark: loading and panelling large peer files — time and peak memory.

    .venv/bin/python benchmarks/bench_load.py [--rows N]

Each case runs in its own process (its peak resident memory is its own). Not a test.

1. ``indexmodel score`` on the issue's hostile file: N rows (default 10⁶) of PCI with
   years running on to 3600. Refused at the first year after next year, without reading
   the rest of the file.
2. The largest file that can load: every index, every year within reason that a
   methodology era covers, every province, every leaf component (random values in
   range; any larger file repeats a row and is refused): ``score``, ``backtest`` and the
   panel of every index.
3. The panel (``model.panel.build_panel``: every year scored) of N rows and of N/10 rows
   built in memory, years past the loader's bounds included: linear in the rows (one
   pivot of all years, one scoring pass per era), not years × rows.

The aim: seconds, and under 1 GB, for every case.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CASE = textwrap.dedent("""\
    import json, resource, sys, time
    began = time.perf_counter()
    {body}
    print(json.dumps(dict(seconds=time.perf_counter() - began,
                          peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                          **locals().get("extra", {{}}))))
""")


def hostile_file(path: Path, rows: int) -> None:
    """PCI 2013-era rows, 63 provinces × 10 sub-indices a year, years from 2013 on."""
    import numpy as np

    from indexmodel.data.provinces import all_provinces
    from indexmodel.data.spec import load_specs

    spec = load_specs().spec_for("pci", 2014)
    provinces = [p.name_en for p in all_provinces(2014)]
    rng = np.random.default_rng(1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("index,year,province,component,value,source\n")
        written, year = 0, 2013
        while written < rows:
            for province in provinces:
                for component in spec.leaves:
                    fh.write(f"pci,{year},{province},{component},{rng.uniform(3, 9):.4f},bench\n")
                    written += 1
            year += 1


def largest_valid_file(path: Path) -> int:
    """Every (index, year) within reason that an era covers, every province, every leaf."""
    import numpy as np

    from indexmodel.data.provinces import all_provinces
    from indexmodel.data.spec import load_specs
    from indexmodel.data.years import first_year, last_year

    book = load_specs()
    rng = np.random.default_rng(2)
    rows = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("index,year,province,component,value,source\n")
        for index in book.indices:
            for year in range(first_year(index), last_year() + 1):
                try:
                    spec = book.spec_for(index, year)
                except Exception:  # no era of this index covers the year
                    continue
                for province in all_provinces(year):
                    for leaf in spec.leaves:
                        node = spec.node(leaf)
                        low, high = node.min, node.max
                        value = rng.uniform(low + 0.3 * (high - low), low + 0.7 * (high - low))
                        fh.write(f"{index},{year},{province.name_en},{leaf},{value:.4f},bench\n")
                        rows += 1
    return rows


def run_case(body: str) -> dict:
    code = CASE.format(body=textwrap.indent(textwrap.dedent(body), "").replace("\n", "\n"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"case failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli_case(args: list[str]) -> dict:
    body = (f"from indexmodel import cli\nimport contextlib, io\nerr = io.StringIO()\n"
            f"with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = cli.main({args!r})\n"
            f"extra = dict(status=status, message=err.getvalue().strip()[:160])")
    return run_case(body)


def panel_case(rows: int) -> dict:
    body = f"""\
import numpy as np, pandas as pd
from indexmodel.data.provinces import all_provinces
from indexmodel.data.spec import load_specs
from indexmodel.model.panel import build_panel
spec = load_specs().spec_for("pci", 2014)
provinces = [p.name_en for p in all_provinces(2014)]
per_year = len(provinces) * len(spec.leaves)
years = -(-{rows} // per_year)
grid = pd.MultiIndex.from_product([range(2013, 2013 + years), provinces, spec.leaves],
                                  names=["year", "province", "component"]).to_frame(index=False)
grid = grid.iloc[:{rows}]
grid.insert(0, "index", "pci")
grid["value"] = np.random.default_rng(3).uniform(3, 9, len(grid))
began = time.perf_counter()
panel = build_panel(grid, "pci", use_default_results=False)
extra = dict(rows=len(grid), years=years, panel_seconds=time.perf_counter() - began,
             panels=len(panel.component_years))
"""
    return run_case(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="indexmodel-bench-load-") as tmp:
        tmp = Path(tmp)
        hostile = tmp / "hostile.csv"
        hostile_file(hostile, args.rows)
        r = cli_case(["score", "--index", "pci", "--peers", str(hostile), "--year", "2014",
                      "--out", str(tmp / "s.csv")])
        print(f"1. score, {args.rows:,} rows with years to 3600: exit {r['status']} in "
              f"{r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB\n   {r['message']}")

        valid = tmp / "valid.csv"
        n = largest_valid_file(valid)
        r = cli_case(["score", "--index", "pci", "--peers", str(valid), "--year", "2014",
                      "--out", str(tmp / "v.csv")])
        print(f"2. the largest file that loads, {n:,} rows: score exit {r['status']} in "
              f"{r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB")
        r = cli_case(["backtest", "--index", "pci", "--peers", str(valid), "--train-until",
                      "2013", "--test-year", "2014", "--out", str(tmp / "b.csv")])
        print(f"   backtest (2000 simulations) exit {r['status']} in {r['seconds']:.1f} s, "
              f"peak {r['peak_mb']:.0f} MB")
        r = run_case(f"""\
from indexmodel.data.peers import load_peers
from indexmodel.model.panel import build_panel
peers = load_peers({str(valid)!r})
loaded = time.perf_counter() - began
for index in ("pci", "papi", "sipas", "par_index"):
    build_panel(peers, index, use_default_results=False)
extra = dict(loaded=loaded)
""")
        print(f"   load {r['loaded']:.1f} s, + the panels of the four indices: "
              f"{r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB")

    for rows in (args.rows // 10, args.rows):
        r = panel_case(rows)
        print(f"3. panel of {r['rows']:,} rows in memory ({r['years']} years): "
              f"{r['panel_seconds']:.2f} s, peak {r['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
