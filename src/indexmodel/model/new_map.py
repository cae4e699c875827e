"""A merged unit's past on the new map, approximated from its former provinces.

No index publishes, for the years before 2025, figures of the 34 provincial units formed
on 1 July 2025. :func:`approximate` gives every unit of the new map an *approximate*
value for a year before it existed — each component, at every level, and the composite:
the mean of its former provinces' values, weighted

- by population (:data:`WEIGHTINGS` ``population``, the default): each former province's
  GSO average population of the same year (``data/population/population.csv``, 2011–2024;
  for earlier years 2011's figures stand in, and the rows say so);
- or equally (``equal``, the alternative setting).

An unchanged province (Hà Nội …) keeps its own figures (``basis`` ``same province``); Huế
keeps Thừa Thiên Huế's (``same territory``). A unit one of whose former provinces has no
value that year gets none (``missing`` names the province): nothing is filled in. The
composite is the weighted mean of the former provinces' composites (as published in the
published-only years, PCI 2005 and 2011), the same as the composite of the approximated
components wherever the index is a weighted sum.

:func:`history` is one unit's path: its official figures from the year it exists, the
approximations before, and — where an index publishes figures of the new units for
earlier years (``restated``) — those instead. Every row carries its ``basis``; the
approximations are never mixed silently with official figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..core.cache import memo, pinned
from ..core.errors import DataUnavailableError, UsageError
from ..data.provinces import UNITS_2025, Province, all_provinces, parts_in, registry, resolve
from ..data.spec import SpecBook, load_specs
from .field import Note, year_scores
from .ranking import competition_rank
from .scoring import score_peers

WEIGHTINGS: dict[str, tuple[str, str]] = {
    "population": ("trọng số theo dân số (GSO, dân số trung bình cùng năm)",
                   "weighted by population (GSO average population of the same year)"),
    "equal": ("trọng số bằng nhau", "equal weights"),
}
DEFAULT_WEIGHTING = "population"

BASES = ("official", "restated", "same province", "same territory", "approximate")

APPROX_COLUMNS = ["index", "year", "unit_id", "province", "component", "value", "basis",
                  "weighting", "weights", "population_year", "missing", "source"]


@dataclass(frozen=True)
class Weighting:
    """How former provinces are weighted, and why, if not as asked."""

    scheme: str
    population: pd.DataFrame | None = None
    asked: str | None = None
    note: Note | None = None

    def persons(self, province: str, year: int) -> tuple[int, int]:
        """``province``'s population for index year ``year`` and the year of the figure
        (the first year's for earlier years, the last year's for later ones)."""
        table = self._by_province()
        if province not in table:
            raise DataUnavailableError(f"no population figure for {province}",
                                       hint=f"the population table covers {len(table)} provinces")
        years = table[province]
        ordered = sorted(years)
        used = min(max(int(year), ordered[0]), ordered[-1])
        if used not in years:  # a gap inside the table: the nearest earlier year
            used = max(y for y in ordered if y <= used)
        return years[used], used

    def _by_province(self) -> dict[str, dict[int, int]]:
        cached = self.__dict__.get("_cache")
        if cached is None:
            cached = {}
            for name, year, persons in zip(self.population["province"], self.population["year"],
                                           self.population["population"]):
                cached.setdefault(str(name), {})[int(year)] = int(persons)
            object.__setattr__(self, "_cache", cached)
        return cached

    def describe(self, lang: str = "vi") -> str:
        text = WEIGHTINGS[self.scheme][lang == "en"]
        return text + (f" — {self.note(lang)}" if self.note is not None else "")


def weighting(scheme: str = DEFAULT_WEIGHTING, population: pd.DataFrame | None = None) -> Weighting:
    """The weighting ``scheme``; population weights need the population table (the shipped
    one by default): where it is missing the weights are equal, and the note says so."""
    if scheme not in WEIGHTINGS:
        raise UsageError(f"unknown weighting '{scheme}'", hint="one of " + ", ".join(WEIGHTINGS))
    if scheme == "equal":
        return Weighting("equal")
    if population is None:
        from ..data.population import load_population
        try:
            population = load_population()
        except DataUnavailableError:
            return Weighting("equal", asked="population", note=Note(
                "chưa có bảng dân số GSO trong số liệu của gói: dùng trọng số bằng nhau",
                "the GSO population table is not in the package's data: equal weights used"))
    return Weighting("population", population)


def unit_weights(unit: Province, year: int, how: Weighting
                 ) -> tuple[dict[str, float], int | None, str]:
    """The weight of each province making up ``unit`` in ``year`` (ids → weights adding up
    to 1), the population year used (None for equal weights) and, where population weights
    were asked but a part has no population figure (Hà Tây, a province to 2008), why the
    weights are equal."""
    parts = parts_in(unit, year)
    equal = {f.id: 1.0 / len(parts) for f in parts} if parts else {}
    if how.scheme == "equal" or len(parts) <= 1:
        return equal, None, ""
    counts, used = {}, set()
    for f in parts:
        try:
            persons, pop_year = how.persons(f.name_en, year)
        except DataUnavailableError:
            return equal, None, f.id
        counts[f.id] = persons
        used.add(pop_year)
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()}, max(used), ""


def _basis(unit: Province, parts: list[Province]) -> str:
    if len(parts) > 1:
        return "approximate"
    return "same province" if parts and parts[0].id == unit.id else "same territory"


def weights_text(weights: dict[str, float], pop_year: int | None, year: int, why: str = "",
                 lang: str = "en") -> str:
    """'Gia Lai 0.517, Binh Dinh 0.483 (GSO population 2023)' in ``lang``; ``why``: the id
    of the province without a population figure, where the weights fell back to equal."""
    reg = registry()
    text = ", ".join(f"{reg.provinces[k].name(lang)} {w:.3f}" for k, w in weights.items())
    if why:
        missing = reg.provinces[why].name(lang)
        return text + (f" (trọng số bằng nhau: không có số dân của {missing})" if lang == "vi"
                       else f" (equal weights: no population figure for {missing})")
    if pop_year is None:
        return text
    if lang == "vi":
        return text + f" (dân số GSO năm {pop_year}" + (
            f", dùng thay cho năm {year})" if pop_year != year else ")")
    return text + f" (GSO population {pop_year}" + (
        f", standing in for {year})" if pop_year != year else ")")


@memo(maxsize=512, copy=True)  # every unit at once: the same for each unit and province asked
def approximate(peers: pd.DataFrame, index: str, year: int, *, how: Weighting | None = None,
                results: pd.DataFrame | None = None, book: SpecBook | None = None,
                on_map: int = UNITS_2025, units: list[Province] | None = None) -> pd.DataFrame:
    """Every unit of the map of ``on_map`` (default the 34 units of 2025) approximated for
    ``year``, a year before that map: one row per unit and node (the composite included),
    with its basis, weights and any former province without a value (``missing``)."""
    if year >= on_map:
        raise UsageError(f"{year} is on the map of {on_map} already: its figures are official")
    book = book or load_specs()
    how = how or weighting()
    if results is None:
        from ..data.peers import default_results
        results = default_results()
    try:
        spec = book.spec_for(index, year)
    except DataUnavailableError:
        return pd.DataFrame(columns=APPROX_COLUMNS)
    table = score_peers(peers, spec, year)
    composites = year_scores(index, year, peers, results, book)["composite"].dropna()
    table = table.reindex(table.index.union(composites.index))
    table[spec.composite] = composites.reindex(table.index)
    nodes = [n for n in spec.ids if n in table.columns]
    # each node's values by province, read once (not cell by cell: 34 units × nodes × formers)
    cells = {node: dict(zip(table.index, table[node].tolist())) for node in nodes}
    rows = []
    for unit in units or all_provinces(on_map):
        formers = parts_in(unit, year)
        weights, pop_year, why = unit_weights(unit, year, how)
        basis = _basis(unit, formers)
        wtext = weights_text(weights, pop_year, year, why) if basis == "approximate" else ""
        scheme = "equal" if why else how.scheme
        for node in nodes:
            values, absent = {}, []
            for f in formers:
                v = cells[node].get(f.name_en, math.nan)
                if v is None or not math.isfinite(float(v)):
                    absent.append(f.name_en)
                else:
                    values[f.id] = float(v)
            if not values:
                continue
            value = sum(weights[k] * v for k, v in values.items()) if not absent else math.nan
            if basis == "approximate":
                source = f"approximate: {scheme}-weighted mean of {index} {year} ({wtext})"
            else:
                source = f"{formers[0].name_en}'s own {index} {year} value ({basis})"
            rows.append(dict(index=index, year=year, unit_id=unit.id, province=unit.name_en,
                             component=node, value=value, basis=basis, weighting=scheme,
                             weights=wtext, population_year=pop_year if basis == "approximate" else None,
                             missing="; ".join(absent), source=source))
    frame = pd.DataFrame(rows, columns=APPROX_COLUMNS)
    frame["population_year"] = frame["population_year"].astype("Int64")
    return frame


def approximate_composites(peers: pd.DataFrame, index: str, year: int, **kwargs) -> pd.Series:
    """The units' approximate composites of ``year`` (unit name → value; known ones only)."""
    book = kwargs.get("book") or load_specs()
    kwargs["book"] = book
    frame = approximate(peers, index, year, **kwargs)
    try:
        composite = book.spec_for(index, year).composite
    except DataUnavailableError:
        return pd.Series(dtype=float)
    return _composites(frame, composite)


def _composites(frame: pd.DataFrame, composite: str) -> pd.Series:
    rows = frame[(frame["component"] == composite) & frame["value"].notna()]
    return pd.Series(rows["value"].to_numpy(float), index=rows["province"].to_numpy()).sort_index()


def approximate_ranks(peers: pd.DataFrame, index: str, year: int, *, on_map: int = UNITS_2025,
                      **kwargs) -> pd.Series:
    """Ranks of the units among the approximate composites of ``year`` — only where every
    unit of the map has one (an empty series otherwise: a partial table ranks nothing)."""
    return _ranks(approximate_composites(peers, index, year, on_map=on_map, **kwargs), on_map)


def _ranks(composites: pd.Series, on_map: int) -> pd.Series:
    if len(composites) < len(all_provinces(on_map)):
        return pd.Series(dtype="Int64")
    return pd.Series(competition_rank(composites.to_numpy()), index=composites.index).astype("Int64")


HISTORY_COLUMNS = ["index", "year", "province", "component", "value", "basis", "rank",
                   "ranked", "weighting", "weights", "missing", "source"]


def history(unit: str | Province, index: str, *, peers: pd.DataFrame | None = None,
            results: pd.DataFrame | None = None, how: Weighting | None = None,
            restated: pd.DataFrame | None = None, book: SpecBook | None = None,
            components: bool = True) -> pd.DataFrame:
    """One unit's path on the new map, year by year: official figures from the year it
    exists, a restatement an index published for the new units where there is one, and
    the approximation before (``basis`` says which on every row). ``rank`` among the
    units of the map (approximate ranks in approximate years, where every unit is known).

    ``unit`` a name resolves on the latest map ("Gia Lai": the unit of 2025); ``restated``:
    a tidy table (index, year, province, component, value, source) of figures published
    for the new units for years before them; ``components`` False keeps the composite only.
    """
    from ..data.peers import default_peers, default_results

    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    how = how or weighting()
    if not isinstance(unit, Province):
        found = registry().candidates(unit)
        if not found:
            resolve(unit)  # raises: unknown
        unit = max(found, key=lambda p: p.valid_from or 0)
    with pinned(peers, results, restated):  # read year by year: digested once
        return _history(unit, index, peers, results, how, restated, book, components)


def _history(unit: Province, index: str, peers: pd.DataFrame, results: pd.DataFrame,
             how: Weighting, restated: pd.DataFrame | None, book: SpecBook,
             components: bool) -> pd.DataFrame:
    on_map = unit.valid_from or UNITS_2025
    years = sorted({int(y) for y in peers.loc[peers["index"] == index, "year"]}
                   | {int(y) for y in results.loc[results["index"] == index, "year"]})
    rows: list[dict] = []
    approximations = None
    for year in years:
        try:
            spec = book.spec_for(index, year)
        except DataUnavailableError:
            continue
        keep = (lambda c: True) if components else (lambda c: c == spec.composite)
        published = _restated(restated, index, year, unit)
        if unit.exists_in(year):
            rows += _official(peers, results, index, year, unit, spec, book, keep)
        elif published:
            rows += [dict(r, basis="restated") for r in published if keep(r["component"])]
        elif year < on_map:
            if approximations is None:  # every year approximated here, the inputs digested once
                approximations = _approximations(
                    peers, index, tuple(y for y in years if _approximated(y, index, unit, on_map,
                                                                          restated, book)),
                    how=how, results=results, book=book, on_map=on_map)
            ranks, by_unit = approximations[year]
            for rec in by_unit.get(unit.id, ()):
                if not keep(rec["component"]):
                    continue
                is_comp = rec["component"] == spec.composite
                rank = ranks.get(unit.name_en) if is_comp and len(ranks) else None
                rows.append(dict(index=index, year=year, province=unit.name_en,
                                 component=rec["component"], value=rec["value"], basis=rec["basis"],
                                 rank=rank, ranked=len(ranks) if rank is not None else None,
                                 weighting=rec["weighting"], weights=rec["weights"],
                                 missing=rec["missing"], source=rec["source"]))
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    for col in ("rank", "ranked"):
        frame[col] = frame[col].astype("Int64")
    return frame.sort_values(["year", "component"], kind="mergesort").reset_index(drop=True)


def _approximated(year: int, index: str, unit: Province, on_map: int,
                  restated: pd.DataFrame | None, book: SpecBook) -> bool:
    """Whether history approximates ``unit`` in ``year`` (as its loop decides)."""
    try:
        book.spec_for(index, year)
    except DataUnavailableError:
        return False
    return not unit.exists_in(year) and not _restated(restated, index, year, unit) and year < on_map


@memo(maxsize=64)  # read only by history: the inputs digested once, not once for each year
def _approximations(peers: pd.DataFrame, index: str, years: tuple[int, ...], *, how: Weighting,
                    results: pd.DataFrame, book: SpecBook, on_map: int
                    ) -> dict[int, tuple[pd.Series, dict[str, list[dict]]]]:
    """Each year's approximation as history reads it, the same for every unit of the map:
    the units' ranks (:func:`_ranks`) and each unit's rows (records, in the table's order)."""
    out = {}
    for year in years:
        frame = approximate.__wrapped__(peers, index, year, how=how, results=results, book=book,
                                        on_map=on_map)
        ranks = _ranks(_composites(frame, book.spec_for(index, year).composite), on_map)
        by_unit: dict[str, list[dict]] = {}
        for rec in frame.to_dict("records"):
            by_unit.setdefault(rec["unit_id"], []).append(rec)
        out[year] = (ranks, by_unit)
    return out


def _official(peers, results, index, year, unit, spec, book, keep) -> list[dict]:
    table = score_peers(peers, spec, year)
    scores = year_scores(index, year, peers, results, book)
    out = []
    if unit.name_en in table.index:
        for node in spec.ids:
            value = table.at[unit.name_en, node]
            if node == spec.composite or not keep(node) or not math.isfinite(float(value)):
                continue
            out.append(dict(index=index, year=year, province=unit.name_en, component=node,
                            value=float(value), basis="official", rank=None, ranked=None,
                            weighting="", weights="", missing="",
                            source=f"{index} {year} peer data"))
    if unit.name_en in scores.index and pd.notna(scores.at[unit.name_en, "composite"]):
        composites = scores["composite"].dropna()
        full = len(composites) >= len(all_provinces(year)) - 2
        rank = scores.at[unit.name_en, "rank"]
        if pd.isna(rank) and full:
            ranks = competition_rank(composites.to_numpy())
            rank = int(ranks[list(composites.index).index(unit.name_en)])
        out.append(dict(index=index, year=year, province=unit.name_en, component=spec.composite,
                        value=float(scores.at[unit.name_en, "composite"]), basis="official",
                        rank=None if pd.isna(rank) else int(rank),
                        ranked=len(composites) if full else None, weighting="", weights="",
                        missing="", source=f"{index} {year} ({scores.at[unit.name_en, 'origin']})"))
    return out


def _restated(restated: pd.DataFrame | None, index: str, year: int, unit: Province) -> list[dict]:
    if restated is None or restated.empty:
        return []
    rows = restated[(restated["index"] == index) & (restated["year"] == year)
                    & (restated["province"] == unit.name_en)]
    return [dict(index=index, year=year, province=unit.name_en, component=r["component"],
                 value=float(r["value"]), rank=None, ranked=None, weighting="", weights="",
                 missing="", source=str(r.get("source", "restated")))
            for r in rows.to_dict("records")]
