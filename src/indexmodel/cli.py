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

from .errors import IndexModelError

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

    return parser


@command("plan")
def _plan(args: argparse.Namespace) -> int:
    from . import i18n
    from .plan import load_plan
    from .plan_check import check_plan, render_text, to_json

    i18n.check_lang(args.lang)
    plan = load_plan(args.plan) if args.plan else load_plan()
    checks = check_plan(plan)
    if args.format == "json":
        print(json.dumps(to_json(checks, plan), ensure_ascii=False, indent=2, sort_keys=False))
    else:
        print(render_text(checks, plan, args.lang))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IndexModelError as exc:
        print(f"indexmodel: error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - `indexmodel plan | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
