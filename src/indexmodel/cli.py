"""The command line: ``indexmodel plan | score | etl | backtest | monitor | run``.

A user's mistake (a bad file, an unknown province, an option that makes no sense)
ends with a one-line message naming the file, the row and the problem, and exit
status 2; a bug keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable, Sequence

from .core.errors import IndexModelError, Interrupted, interruptible

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def _lang(parser: argparse.ArgumentParser, default: str = "vi") -> None:
    parser.add_argument("--lang", default=default,
                        help="language of what the reader sees: vi or en (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indexmodel",
        description="Model PAPI, SIPAS, PAR INDEX and PCI from their components and find "
                    "where a province's effort buys rank.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("plan", help="check the plan: baseline against targets, index by index")
    _lang(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--plan", metavar="DIR", help="folder with plan_values.csv and plan_ranks.csv "
                   "(default: the shipped plan of Bình Định)")
    p.add_argument("--peers", metavar="FILE", help="your own tidy peer file (index,year,"
                   "province,component,value[,source]) added to the shipped peer data")
    p.add_argument("--sims", type=int, default=2000, help="Monte Carlo runs for rank odds")
    p.add_argument("--seed", type=int, default=20240701)

    p = sub.add_parser("score", help="composites and ranks of every province in a peer file")
    p.add_argument("--index", required=True, choices=("pci", "papi", "sipas", "par_index"))
    p.add_argument("--peers", required=True, metavar="FILE",
                   help="tidy peer CSV/Excel: index,year,province,component,value[,source]")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--out", required=True, metavar="FILE.csv")

    p = sub.add_parser("etl", help="rebuild data/peers (and data/population) from the official "
                       "workbooks and the published tables")
    p.add_argument("--source", required=True, metavar="DIR",
                   help="folder with pci/ and papi/ official workbooks (e.g. ../shared/data/official)")
    p.add_argument("--published", metavar="DIR",
                   help="folder with the published result tables, its recent/ and population/ "
                        "(default: SOURCE/../published)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: data/peers; the population "
                   "table goes to OUT/../population)")
    p.add_argument("--without", action="append", default=[], metavar="NAME",
                   choices=("official", "published", "recent", "population"),
                   help="go without an expected input (repeat for several): official (the "
                        "workbooks in SOURCE), published (PUBLISHED), recent (PUBLISHED/recent), "
                        "population (PUBLISHED/population). Without it, a missing input stops "
                        "the ETL before anything is written")

    p = sub.add_parser("run", help="the yearly analysis: every notebook, HTML reports and figures")
    p.add_argument("--province", default=None, help="default: Bình Định")
    p.add_argument("--year", type=int, default=None, help="default: the plan's target year")
    _lang(p)
    p.add_argument("--peers", metavar="FILE", help="your own tidy peer file, laid over the shipped data")
    p.add_argument("--sims", type=int, default=None, help="Monte Carlo runs")
    p.add_argument("--seed", type=int, default=None)

    p = sub.add_parser("monitor", help="release-day report: components below the national "
                       "average or fallen, by responsible agency, and progress to the targets")
    p.add_argument("--year", type=int, required=True, help="the release year")
    p.add_argument("--province", default="Bình Định")
    p.add_argument("--peers", metavar="FILE", help="the new release as a tidy peer file")
    _lang(p)
    p.add_argument("--out", metavar="DIR", help="also write the report (CSV + Markdown) here")
    p.add_argument("--replace", action="store_true",
                   help="let the release replace values already in the data for that year")
    p.add_argument("--index", choices=("pci", "papi", "sipas", "par_index"),
                   help="the index the release file is for (checked)")

    p = sub.add_parser("backtest", help="predict a known year's ranks from earlier years; "
                       "interval coverage and error against a naive baseline")
    p.add_argument("--index", required=True, choices=("pci", "papi"))
    p.add_argument("--peers", required=True, metavar="FILE",
                   help="tidy peer file holding the training years and the test year")
    p.add_argument("--train-until", required=True, type=int, metavar="YEAR")
    p.add_argument("--test-year", required=True, type=int, metavar="YEAR")
    p.add_argument("--sims", type=int, default=2000)
    p.add_argument("--seed", type=int, default=20240701)
    p.add_argument("--out", required=True, metavar="FILE.csv")

    return parser


@command("backtest")
def _backtest(args: argparse.Namespace) -> int:
    from .analysis.backtest import backtest_command

    print(backtest_command(args.index, args.peers, args.train_until, args.test_year, args.sims,
                           args.seed, args.out))
    return 0


@command("monitor")
def _monitor(args: argparse.Namespace) -> int:
    from .analysis.monitor import monitor_command

    return monitor_command(args.year, args.province, args.peers, args.lang, args.out,
                           args.replace, args.index)


@command("run")
def _run(args: argparse.Namespace) -> int:
    from .report.runner import run

    run(args.province or "Bình Định", args.year, args.lang, args.peers,
        **{k: v for k, v in (("sims", args.sims), ("seed", args.seed)) if v is not None})
    return 0


@command("score")
def _score(args: argparse.Namespace) -> int:
    from .core.output import write_csv_atomic
    from .data.peers import load_peers
    from .model.ranking import score_and_rank

    peers = load_peers(args.peers)
    table = score_and_rank(peers, args.index, args.year)
    write_csv_atomic(table, args.out)
    print(f"{len(table)} provinces scored; written to {args.out}")
    return 0


@command("etl")
def _etl(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .core.paths import peers_dir
    from .data.sources.etl import run_etl

    written = run_etl(Path(args.source), Path(args.out) if args.out else peers_dir(),
                      Path(args.published) if args.published else None, without=args.without)
    for path in written:
        print(f"written {path}")
    for name in sorted(set(args.without)):
        print(f"went without {name}: the tables resting on it are reduced or not rebuilt")
    return 0


@command("plan")
def _plan(args: argparse.Namespace) -> int:
    from .core import i18n
    from .data.plan import load_plan
    from .analysis.plan_check import check_plan, render_text, to_json

    from .data.peers import with_analyst_file

    i18n.check_lang(args.lang)
    plan = load_plan(args.plan) if args.plan else load_plan()
    peers = with_analyst_file(args.peers)
    checks = check_plan(plan, peers=peers, sims=args.sims, seed=args.seed)
    if args.format == "json":
        print(json.dumps(to_json(checks, plan), ensure_ascii=False, indent=2, sort_keys=False))
    else:
        print(render_text(checks, plan, args.lang))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with interruptible():
            return COMMANDS[args.command](args)
    except IndexModelError as exc:
        print(f"indexmodel: error: {exc.message}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"indexmodel: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # pragma: no cover - Ctrl-C before the handlers were set
        print("indexmodel: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - `indexmodel plan | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
