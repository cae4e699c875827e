"""The command line: ``indexmodel plan | score | etl | backtest | monitor | explain | run |
provinces``.

A user's mistake (a bad file, an unknown province, an option that makes no sense)
ends with a one-line message naming the file, the row and the problem, and exit
status 2; a bug keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Callable, Sequence

from .core.errors import IndexModelError, Interrupted, UsageError, interruptible

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


class _Help(argparse.HelpFormatter):
    """Help that states every option's default (argparse's ArgumentDefaultsHelpFormatter
    only where the help does not already say it)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.default is not argparse.SUPPRESS and action.option_strings
                and "default" not in text and "required" not in text
                and action.nargs != 0 and action.default not in (None, [])):
            text += " (default: %(default)s)"
        elif action.option_strings and action.default in (None, []) and action.nargs != 0 \
                and "default" not in text and "required" not in text and not action.required:
            text += " (default: none)"
        return text


def _parser_class():
    class Parser(argparse.ArgumentParser):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("formatter_class", _Help)
            super().__init__(*args, **kwargs)
    return Parser


def _lang(parser: argparse.ArgumentParser, default: str = "vi") -> None:
    parser.add_argument("--lang", default=default,
                        help="language of what the reader sees: vi or en (default %(default)s)")


def _overwrite(parser: argparse.ArgumentParser, what: str = "the output file") -> None:
    parser.add_argument("--overwrite", action="store_true",
                        help=f"replace {what} if it exists (an input or a shipped data file "
                             "is never replaced)")


def _check_options(args: argparse.Namespace) -> None:
    """The options several commands share, checked one way (one line, exit 2):
    ``--sims`` and ``--seed`` (:mod:`indexmodel.core.params`), and every year within
    reason (:mod:`indexmodel.data.years`: not before the index's first edition, not
    after next year)."""
    from .core.params import check_seed, check_sims
    from .data.years import check_year

    if getattr(args, "sims", None) is not None:
        args.sims = check_sims(args.sims)
    if getattr(args, "seed", None) is not None:
        args.seed = check_seed(args.seed)
    index = getattr(args, "index", None)
    for name in ("year", "train_until", "test_year"):
        if getattr(args, name, None) is not None:
            setattr(args, name, check_year(getattr(args, name), index,
                                           what="--" + name.replace("_", "-")))


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="indexmodel", formatter_class=_Help,
        description="Model PAPI, SIPAS, PAR INDEX and PCI from their components and find "
                    "where a province's effort buys rank.")
    parser.add_argument("--version", action="version", version=f"indexmodel {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_parser_class())

    p = sub.add_parser("plan", help="check the plan: baseline against targets, index by index")
    _lang(p)
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for a reader, json for machines")
    p.add_argument("--plan", metavar="DIR", help="folder with plan_values.csv and plan_ranks.csv "
                   "(default: the shipped plan of Bình Định)")
    p.add_argument("--peers", metavar="FILE", help="your own tidy peer file (index,year,"
                   "province,component,value[,source]) added to the shipped peer data")
    p.add_argument("--sims", type=int, default=2000, help="Monte Carlo runs for rank odds")
    p.add_argument("--seed", type=int, default=20240701, help="random seed (same seed, same output)")

    p = sub.add_parser("score", help="composites and ranks of every province in a peer file")
    p.add_argument("--index", required=True, choices=("pci", "papi", "sipas", "par_index"),
                   help="the index to score (required)")
    p.add_argument("--peers", required=True, metavar="FILE",
                   help="tidy peer CSV/Excel: index,year,province,component,value[,source] (required)")
    p.add_argument("--year", required=True, type=int, help="the index year to score (required)")
    p.add_argument("--out", required=True, metavar="FILE.csv",
                   help="the CSV written: composites, ranks, English province names and name_vi "
                        "(required)")
    _overwrite(p)

    p = sub.add_parser("etl", help="rebuild data/peers (and data/population) from the official "
                       "workbooks and the published tables")
    p.add_argument("--source", required=True, metavar="DIR",
                   help="folder with pci/ and papi/ official workbooks (e.g. ../shared/data/official; "
                        "required)")
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
    _overwrite(p, "tables already in --out DIR (data/peers, the default, is always rebuilt)")

    p = sub.add_parser("run", help="the yearly analysis: every notebook, HTML reports and figures")
    p.add_argument("--province", default=None,
                   help="the province (default: Bình Định); 'all': every unit ranked in --year, "
                        "one report folder each and one index.html over all")
    p.add_argument("--year", type=int, default=None,
                   help="the year of the analysis (default: the plan's target year; with "
                        "--province all: the latest year whose peer table is complete for an index)")
    _lang(p)
    p.add_argument("--peers", metavar="FILE", help="your own tidy peer file, laid over the shipped data")
    p.add_argument("--sims", type=int, default=None,
                   help="Monte Carlo runs (default: the run's own, 2000)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (default: the run's own, 20240701)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes executing the notebooks (default: 2 on 2 cores or more)")

    p = sub.add_parser("monitor", help="release-day report: components below the national "
                       "average or fallen, by responsible agency, and progress to the targets")
    p.add_argument("--year", type=int, required=True, help="the release year (required)")
    p.add_argument("--province", default=None,
                   help="by the year's map (\"Gia Lai\" in 2025 is the merged unit); default: the "
                        "plan's province, Bình Định, or the unit holding it in that year")
    p.add_argument("--peers", metavar="FILE", help="the new release as a tidy peer file")
    _lang(p)
    p.add_argument("--out", metavar="DIR", help="also write the report here: CSV + Markdown, or "
                   "the Word brief with --format docx (default: print only)")
    p.add_argument("--format", choices=("text", "docx"), default="text",
                   help="text (printed; with --out also CSV + Markdown) or docx (a Word brief "
                        "written to --out DIR)")
    _overwrite(p, "report files already in --out DIR")
    p.add_argument("--replace", action="store_true",
                   help="let the release replace values already in the data for that year")
    p.add_argument("--index", choices=("pci", "papi", "sipas", "par_index"),
                   help="the index the release file is for (checked; default: every index)")

    p = sub.add_parser("explain", help="why the rank moved from the year before: the province's own "
                       "components, the other provinces' moves, the change in which provinces are ranked")
    p.add_argument("--index", required=True, choices=("pci", "papi", "sipas", "par_index"),
                   help="the index (required)")
    p.add_argument("--year", required=True, type=int,
                   help="the later year of the pair (year − 1 → year; required)")
    p.add_argument("--province", default="Bình Định", help="the province, by the year's map")
    _lang(p)
    p.add_argument("--format", choices=("text", "csv"), default="text",
                   help="text, or CSV: one row per part, contributions in places gained")
    p.add_argument("--out", metavar="FILE", help="write here instead of printing (an existing FILE is "
                   "kept unless --overwrite)")
    p.add_argument("--overwrite", action="store_true", help="let --out replace an existing file")
    p.add_argument("--peers", metavar="FILE", help="your own tidy peer file, laid over the shipped data")

    p = sub.add_parser("backtest", help="predict known years' ranks from earlier years: "
                       "interval coverage, PIT and error against two baselines")
    p.add_argument("--index", choices=("pci", "papi"), help="the index of one pair (or --all)")
    p.add_argument("--peers", metavar="FILE",
                   help="your tidy peer file, laid over the shipped data (its years replace the "
                        "shipped ones; the years before stay)")
    p.add_argument("--train-until", type=int, metavar="YEAR",
                   help="one pair: the last year the model learns from")
    p.add_argument("--test-year", type=int, metavar="YEAR",
                   help="one pair: the year predicted (later than --train-until)")
    p.add_argument("--all", action="store_true",
                   help="every one- and two-year pair of PCI and PAPI, written as tables")
    p.add_argument("--sims", type=int, default=2000, help="Monte Carlo runs per pair")
    p.add_argument("--seed", type=int, default=20240701, help="random seed (same seed, same output)")
    p.add_argument("--out", metavar="FILE.csv",
                   help="one pair: the per-province CSV (English names and name_vi)")
    _overwrite(p)
    p.add_argument("--out-dir", metavar="DIR",
                   help="--all: the folder for pairs.csv, provinces.csv, scores.csv, manifest.csv "
                        "(data/backtest regenerates the shipped tables)")

    p = sub.add_parser("provinces", help="the provinces (to 2024) or provincial units (from 2025) "
                       "in force in an index year: former provinces, names, region")
    p.add_argument("--year", type=int, default=None,
                   help="the index year (the survey year; default: this year)")
    p.add_argument("--format", choices=("text", "csv"), default="text",
                   help="text for a reader, csv for machines")
    _lang(p)

    return parser


@command("provinces")
def _provinces(args: argparse.Namespace) -> int:
    from .data.maps import render_map

    sys.stdout.write(render_map(args.year, args.format, args.lang))
    return 0


@command("backtest")
def _backtest(args: argparse.Namespace) -> int:
    from .core.errors import UsageError

    if args.all:
        from .analysis.backtest import backtest_every_command

        if args.index or args.train_until or args.test_year or args.out:
            raise UsageError("--all runs every pair: it takes no --index, --train-until, "
                             "--test-year or --out")
        print(backtest_every_command(args.peers, args.sims, args.seed, args.out_dir))
        return 0
    from .analysis.backtest import backtest_command

    missing = [f"--{n.replace('_', '-')}" for n in ("index", "train_until", "test_year", "out")
               if getattr(args, n) is None]
    if missing:
        raise UsageError("one pair needs " + ", ".join(missing) + " (or --all for every pair)")
    print(backtest_command(args.index, args.peers, args.train_until, args.test_year, args.sims,
                           args.seed, args.out, overwrite=args.overwrite))
    return 0


@command("explain")
def _explain(args: argparse.Namespace) -> int:
    from .analysis.explain_report import explain_command

    return explain_command(args.index, args.year, args.province, args.lang, args.format, args.out,
                           args.peers, overwrite=args.overwrite)


@command("monitor")
def _monitor(args: argparse.Namespace) -> int:
    from .analysis.monitor import monitor_command

    return monitor_command(args.year, args.province, args.peers, args.lang, args.out,
                           args.replace, args.index, overwrite=args.overwrite, fmt=args.format)


@command("run")
def _run(args: argparse.Namespace) -> int:
    from .report.runner import DEFAULT_PROVINCE, run

    given = {k: v for k, v in (("sims", args.sims), ("seed", args.seed)) if v is not None}
    if args.province is not None and args.province.strip().lower() == "all":
        from .report.allrun import run_all

        if args.peers:
            raise UsageError("--peers is for one province's run, not --province all")
        run_all(args.year, args.lang, jobs=args.jobs, **given)
        return 0
    # an empty --province is a mistake, not the default
    run(DEFAULT_PROVINCE if args.province is None else args.province, args.year, args.lang,
        args.peers, workers=args.jobs, **given)
    return 0


@command("score")
def _score(args: argparse.Namespace) -> int:
    from .core.output import check_output, write_csv_atomic
    from .data.peers import load_peers
    from .model.ranking import score_and_rank

    check_output(args.out, inputs=[args.peers], overwrite=args.overwrite)
    peers = load_peers(args.peers)
    table = score_and_rank(peers, args.index, args.year)
    from .data.provinces import resolve  # English names stay the key; Vietnamese names beside them

    table["name_vi"] = [resolve(p, args.year).name_vi for p in table["province"]]
    write_csv_atomic(table, args.out, overwrite=args.overwrite)  # nor one that appeared meanwhile
    print(f"{len(table)} provinces scored; written to {args.out}")
    return 0


@command("etl")
def _etl(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .data.sources.etl import run_etl

    source = Path(args.source)
    published = Path(args.published) if args.published else source.parent / "published"
    out = _etl_out(args.out, source, published, args.overwrite, args.without)
    with _writing_tables(out):
        written = run_etl(source, out, published, without=args.without)
    for path in written:
        print(f"written {path}")
    for name in sorted(set(args.without)):
        print(f"went without {name}: the tables resting on it are reduced or not rebuilt")
    return 0


def _etl_out(out: str | None, source, published, overwrite: bool, without=()):
    """The folder ``etl`` writes to, checked before anything is read: a folder, never
    inside its inputs or ``data/`` (but ``data/peers``, the default, and the population table
    beside it: rebuilding them is the ETL's job), and tables already there replaced only with
    ``--overwrite``."""
    from pathlib import Path

    from .core.errors import UsageError
    from .core.output import check_output
    from .core.paths import peers_dir, population_dir
    from .data.sources.etl import COLUMNS, POPULATION_FILE

    folder = Path(out) if out else peers_dir()
    if folder.exists() and not folder.is_dir():
        raise UsageError("is a file: --out names the folder the tables go to", file=folder)
    rebuild = folder.resolve() == peers_dir().resolve()
    for name in COLUMNS:
        if name == POPULATION_FILE:
            if "population" in without:
                continue
            target = folder.parent / "population" / name  # as run_etl places it
            shipped = population_dir() / name
        else:
            target, shipped = folder / name, peers_dir() / name
        check_output(target, input_dirs=[source, published], overwrite=overwrite or rebuild,
                     shipped_ok=[shipped] if rebuild else ())
    return folder


@contextlib.contextmanager
def _writing_tables(out):
    """A read-only folder or a full disk while the ETL writes: one line (its writes are
    atomic, so nothing was moved into place)."""
    from pathlib import Path

    try:
        yield
    except OSError as exc:
        writing = exc.filename is None or Path(exc.filename).resolve().is_relative_to(
            Path(out).resolve().parent)
        raise IndexModelError(
            f"cannot {'write the tables into' if writing else 'read'} "
            f"{out if writing else exc.filename}: {exc.strerror or exc}",
            hint="nothing was written" if writing else None) from None


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
            _check_options(args)
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
