"""``indexmodel run --province all``: the yearly run for every unit ranked in a year.

Every province (or, from 2025, provincial unit) ranked in the year — in the published
results or the peer table of any index — is analysed as the run analyses a province
without a plan for that year (the year's peer data: baseline year = target year), with
every numbered notebook, into its own report folder ``reports/<year>/<province>/<lang>/``
(and ``figures/<year>/<province>/<lang>/``), and one page over all of them,
``reports/<year>/all/<lang>/index.html``. The default year is the latest whose peer table
is complete (every unit of that year's map) for at least one index.

All provinces are one batch under the rules of a single run: checked before anything is
executed, staged, and put in place together only when every notebook of every province
succeeded; a failure names the notebook, the province and the cell, and changes nothing.
``jobs`` worker processes execute the notebooks, each every notebook of a unit in turn in
its own IPython shell (the analyses cached by content from one province to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DataUnavailableError, UsageError
from ..core.i18n import check_lang
from ..data.provinces import Province, all_provinces
from ..data.years import check_year
from .runner import (DEFAULT_SEED, DEFAULT_SIMS, INDEX_PAGE, Progress, RunPlan, RunResult,
                     RunWriteError, _run_batch, check_workers, prepare, said)

ALL = "all"


@dataclass(frozen=True)
class AllRunResult:
    """What ``run --province all`` wrote: one result per province and the overall page."""

    year: int
    lang: str
    index_html: Path
    results: tuple[RunResult, ...]
    seconds: float


def complete_years() -> dict[str, list[int]]:
    """Per index, the years whose shipped peer table covers every unit of the year's map."""
    from ..data.peers import default_peers

    peers = default_peers()
    out: dict[str, list[int]] = {}
    for (index, year), group in peers.groupby(["index", "year"], sort=True):
        on_map = {p.name_en for p in all_provinces(int(year))}
        if on_map and on_map <= set(group["province"]):
            out.setdefault(str(index), []).append(int(year))
    return out


def default_year() -> int:
    """The latest year whose peer table is complete for at least one index."""
    years = [y for ys in complete_years().values() for y in ys]
    if not years:
        raise DataUnavailableError("no year has a complete peer table for any index",
                                   hint="give --year")
    return max(years)


def ranked_units(year: int) -> list[Province]:
    """Every unit ranked in ``year`` (a published rank or composite, or component values
    for any index), in the registry's order."""
    from ..data.peers import default_peers, default_results

    peers, results = default_peers(), default_results()
    ranked = set(peers.loc[peers["year"] == year, "province"])
    rows = results[(results["year"] == year)
                   & (results["rank"].notna() | results["composite"].notna())]
    ranked |= set(rows["province"])
    return [p for p in all_provinces(year) if p.name_en in ranked]


def prepare_all(year: int | None = None, lang: str = "vi", sims: int = DEFAULT_SIMS,
                seed: int = DEFAULT_SEED, home: str | Path | None = None,
                notebooks_dir: str | Path | None = None) -> list[RunPlan]:
    """Check the whole batch without executing or writing anything: one plan per unit."""
    check_lang(lang)
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise UsageError(f"--year must be a year such as 2022, not {year!r}")
        check_year(year, what="--year")
    year = default_year() if year is None else year
    units = ranked_units(year)
    if not units:
        raise DataUnavailableError(f"no province is ranked in {year} in the shipped data",
                                   hint="complete years: " + "; ".join(
                                       f"{i}: {', '.join(map(str, ys))}"
                                       for i, ys in complete_years().items()))
    plans = []
    for unit in units:
        plan = prepare(unit.name_en, year, lang, None, sims, seed, home, notebooks_dir)
        if plan.basis != "peer data" or plan.baseline_year != year:
            # the plan's own province in a plan year: analysed from the peer data all the same
            plan = RunPlan(**{**plan.__dict__, "baseline_year": year, "basis": "peer data"})
        plans.append(plan)
    return plans


def run_all(year: int | None = None, lang: str = "vi", sims: int = DEFAULT_SIMS,
            seed: int = DEFAULT_SEED, home: str | Path | None = None,
            progress: Progress | None = print, notebooks_dir: str | Path | None = None,
            cell_timeout: int | None = 900, jobs: int | None = None) -> AllRunResult:
    """Execute every notebook for every unit ranked in ``year`` (see the module)."""
    from .contents import write_overall_index

    say = progress or (lambda _text: None)
    check_workers(jobs)
    plans = prepare_all(year, lang, sims, seed, home, notebooks_dir)
    year, home = plans[0].year, plans[0].home
    target = home / "reports" / str(year) / ALL / lang

    def overall(stage: Path, _results: list[RunResult]):
        write_overall_index(stage / ALL / "reports", year, lang,
                            [(p.slug, p.province) for p in plans])
        return [(f"{ALL}/reports", target)]

    try:
        batch = _run_batch(plans, f"{year}-{ALL}-{lang}", home, say, cell_timeout, jobs,
                           said("all", lang, year=year, n=len(plans)),
                           overall)
    except OSError as exc:
        raise RunWriteError(exc) from None
    say(said("done_all", lang, seconds=batch.seconds, n=len(plans)))
    say(said("reports_all", lang, path=target / INDEX_PAGE))
    return AllRunResult(year, lang, target / INDEX_PAGE, batch.results, batch.seconds)

