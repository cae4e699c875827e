"""The tidy peer tables: component values, published results and regional means.

``load_peers`` reads the shipped ``data/peers/components.csv`` and any analyst file in
the same format (CSV as Excel writes it, or a workbook; see
:mod:`indexmodel.data.sources.tables`) and refuses, with the file, the spreadsheet row and
the reason, anything the package could not use faithfully:

- an unknown index, or a year that no methodology era of that index covers;
- an unknown province (the closest names are listed) or one that did not exist that year;
- a component that is not an id (or name) of the spec in force for that index and year;
- a value that is not a number or lies outside the component's range;
- the same (index, year, province, component) twice, even written two ways
  ("TP.HCM" and "Hồ Chí Minh");
- a province not on the map of its year (:func:`check_maps`): index years to 2024 use
  the 63 provinces, from 2025 the 34 provincial units; a former province named for a
  year after its merger ("Bình Định: merged into Gia Lai on 1 July 2025; use Gia Lai"),
  and a year whose rows name provinces of the other map, are refused with the rows named.

Provinces come out under their canonical English names, components as spec ids.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from pathlib import Path

import pandas as pd

from ..core.cache import NO_CACHE, file_digest, memo, table_copy
from ..core.errors import DataUnavailableError, InputFileError, UnknownProvinceError, UsageError
from ..core.paths import peers_dir
from .provinces import Province, all_provinces, fold, region_or_national, registry, resolve
from .sources.tables import Table, read_table, text, to_int, to_number
from .spec import Spec, load_specs
from .years import year_problem

PEER_COLUMNS = ("index", "year", "province", "component", "value", "source")
RESULT_COLUMNS = ("index", "year", "province", "composite", "rank", "ranked_provinces", "note", "source")
REGION_COLUMNS = ("index", "year", "region", "mean_value", "source")

COMPONENTS_FILE = "components.csv"
RESULTS_FILE = "results.csv"
REGION_MEANS_FILE = "region_means.csv"


class _Rows:
    """Checks the cells of one table, raising errors that name file, row and column."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.book = load_specs()
        self._provinces: dict[tuple[str, int], Province] = {}

    def fail(self, reason: str, row: int, column: str | None = None, hint: str | None = None):
        return InputFileError(reason, file=self.table.where, row=row, column=column, hint=hint)

    def default_source(self) -> str:
        return f"analyst file {self.table.file.name}"

    def index(self, rec: dict, row: int) -> str:
        raw = text(rec.get("index"))
        key = fold(raw).replace(" ", "_")
        if key not in self.book.indices:
            raise self.fail(f"unknown index '{raw}'", row, "index",
                            hint="one of " + ", ".join(self.book.indices))
        return key

    def year(self, rec: dict, row: int, index: str, *, nearest: bool = False) -> tuple[int, Spec]:
        """The year and the spec in force; with ``nearest``, a year of an earlier
        methodology (from the index's first edition to next year) gets the nearest era."""
        raw = rec.get("year")
        try:
            year = to_int(raw)
        except ValueError:
            raise self.fail(f"'{text(raw)}' is not a year", row, "year") from None
        self.within_reason(year, row, index)
        try:
            return year, self.book.spec_for(index, year)
        except DataUnavailableError as err:
            if nearest:
                eras = self.book.eras(index)
                return year, min(eras, key=lambda s: min(abs(s.valid_from - year),
                                                         abs((s.valid_to or 10**4) - year)))
            raise self.fail(err.reason, row, "year", hint=err.hint) from None

    def within_reason(self, year: int, row: int, index: str) -> None:
        """Refuse a year before the index's first edition or after next year."""
        problem = year_problem(year, index)
        if problem:
            raise self.fail(problem, row, "year")

    def province(self, rec: dict, row: int, year: int) -> Province:
        raw = text(rec.get("province"))
        if (raw, year) not in self._provinces:
            try:
                self._provinces[raw, year] = resolve(raw, year)
            except UnknownProvinceError as err:
                raise self.fail(err.reason, row, "province", hint=err.hint) from None
        return self._provinces[raw, year]

    def component(self, rec: dict, row: int, spec: Spec, year: int) -> str:
        raw = text(rec.get("component"))
        if spec.has(raw):
            return raw
        key = fold(raw)
        for cid in spec.ids:
            node = spec.node(cid)
            if key and key in (fold(cid), fold(node.name_en), fold(node.name_vi)):
                return cid
        close = difflib.get_close_matches(raw, spec.ids, n=3, cutoff=0.5)
        raise self.fail(
            f"'{raw}' is not a component of {spec.index} {year} (era {spec.era})", row, "component",
            hint=("closest: " + ", ".join(close)) if close else "components: " + ", ".join(spec.ids))

    def number(self, rec: dict, row: int, column: str, *, required: bool) -> float | None:
        raw = rec.get(column)
        if raw is None or text(raw) == "":
            if required:
                raise self.fail("missing value", row, column)
            return None
        try:
            return to_number(raw)
        except ValueError:
            raise self.fail(f"'{text(raw)}' is not a number", row, column) from None

    def in_range(self, value: float, row: int, column: str, spec: Spec, cid: str) -> None:
        node = spec.node(cid)
        if not node.min <= value <= node.max:
            raise self.fail(f"{value:g} is outside the range {node.min:g}..{node.max:g} of {cid} "
                            f"({node.name_en})", row, column)

    def whole(self, rec: dict, row: int, column: str) -> int | None:
        value = self.number(rec, row, column, required=False)
        if value is None:
            return None
        if value != int(value) or value < 1:
            raise self.fail(f"'{text(rec.get(column))}' is not a positive whole number", row, column)
        return int(value)

    def once(self, seen: dict, key: tuple, row: int, written: str, what: str) -> None:
        if key in seen:
            first_row, first_written = seen[key]
            two_ways = (f" (written '{first_written}' and '{written}')"
                        if first_written != written else "")
            raise self.fail(f"duplicate {what}: already on row {first_row}{two_ways}", row)
        seen[key] = (row, written)


def _by_content(check):
    """``check(path)``, cached by the file's bytes (and the specs' and provinces' files the
    checks rest on): a file read and checked before is not checked again until it changes
    (:mod:`indexmodel.core.cache`); a copy each time."""
    @memo(maxsize=16, copy=True)
    def checked(path: str, _digest: str, _rules: str) -> pd.DataFrame:
        return check(path)

    def load(path: str | Path) -> pd.DataFrame:
        try:
            digest = file_digest(path)
        except OSError:  # missing, a folder, unreadable: the check says so in its words
            return check(path)
        rules = _rules_digest()
        shared = _shared_file(check.__name__, str(path), digest, rules)
        if shared is not None:
            return _read_shared(str(shared))
        return checked(str(path), digest, rules)

    def export(path: str | Path, folder: Path) -> None:
        """Write the table as checked here into ``folder`` (:data:`CHECKED_TABLES`)."""
        from ..core.output import write_bytes_atomic
        import pickle

        frame = load(path)
        name = _shared_name(check.__name__, str(path), file_digest(path), _rules_digest())
        write_bytes_atomic(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL), folder / name)

    load.__doc__ = check.__doc__
    load.__name__ = check.__name__
    load.cache_info = checked.cache_info
    load.export = export
    return load


def _rules_digest() -> str:
    """The files the row checks rest on (specs, provinces), by size and modification time
    (a change to them is a new key)."""
    from ..core.paths import data_dir

    parts = []
    for folder in ("specs", "provinces"):
        for f in sorted((data_dir() / folder).glob("*.csv")):
            st = f.stat()
            parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


@_by_content
def load_peers(path: str | Path) -> pd.DataFrame:
    """A tidy peer table (index, year, province, component, value, source), checked."""
    table = read_table(path, PEER_COLUMNS[:5], optional=("source",))
    check_maps(table)
    check = _Rows(table)
    out, seen = [], {}
    for row, rec in table.rows:
        index = check.index(rec, row)
        year, spec = check.year(rec, row, index)
        province = check.province(rec, row, year)
        cid = check.component(rec, row, spec, year)
        value = check.number(rec, row, "value", required=True)
        check.in_range(value, row, "value", spec, cid)
        check.once(seen, (index, year, province.id, cid), row, text(rec.get("province")),
                   f"{index} {year} {province.name_en} {cid}")
        out.append((index, year, province.name_en, cid, value,
                    text(rec.get("source")) or check.default_source()))
    return _frame(out, PEER_COLUMNS, table)


@_by_content
def load_results(path: str | Path) -> pd.DataFrame:
    """Published composites and ranks (index … ranked_provinces, note, source), checked.

    A result may come from a year before the first era of its index (SIPAS and PAR
    INDEX 2021 used earlier methodologies): its composite is checked against the range
    of the nearest era.
    """
    table = read_table(path, ("index", "year", "province"), optional=RESULT_COLUMNS[3:])
    if not {"composite", "rank"} & set(table.columns):
        raise InputFileError("a results table needs a 'composite' or a 'rank' column",
                             file=table.where, row=table.header_row)
    check_maps(table)
    check = _Rows(table)
    out, seen = [], {}
    for row, rec in table.rows:
        index = check.index(rec, row)
        year, spec = check.year(rec, row, index, nearest=True)
        province = check.province(rec, row, year)
        composite = check.number(rec, row, "composite", required=False)
        if composite is not None:
            check.in_range(composite, row, "composite", spec, spec.composite)
        rank = check.whole(rec, row, "rank")
        ranked = check.whole(rec, row, "ranked_provinces")
        n_provinces = len(all_provinces(year))
        if ranked is not None and ranked > n_provinces:
            raise check.fail(f"{ranked} ranked provinces, but {year} had {n_provinces}", row,
                             "ranked_provinces")
        if rank is not None and rank > (ranked or n_provinces):
            raise check.fail(f"rank {rank} is beyond the {ranked or n_provinces} ranked provinces",
                             row, "rank")
        check.once(seen, (index, year, province.id), row, text(rec.get("province")),
                   f"{index} {year} {province.name_en}")
        out.append((index, year, province.name_en, composite, rank, ranked,
                    text(rec.get("note")), text(rec.get("source")) or check.default_source()))
    frame = _frame(out, RESULT_COLUMNS, table)
    for col in ("rank", "ranked_provinces"):
        frame[col] = frame[col].astype("Int64")
    frame["composite"] = frame["composite"].astype(float)
    return frame


@_by_content
def load_region_means(path: str | Path) -> pd.DataFrame:
    """Published regional means (index, year, region, mean_value, source), checked.

    Regions are the registry's six (English or Vietnamese names); a national mean
    ("all provinces", "cả nước") is kept under the region ``national``.
    """
    table = read_table(path, REGION_COLUMNS[:4], optional=("source",))
    check = _Rows(table)
    out, seen = [], {}
    for row, rec in table.rows:
        index = check.index(rec, row)
        year, spec = check.year(rec, row, index, nearest=True)
        raw = text(rec.get("region"))
        try:
            region = region_or_national(raw)
        except UsageError as err:
            raise check.fail(err.reason, row, "region", hint=err.hint) from None
        value = check.number(rec, row, "mean_value", required=True)
        check.in_range(value, row, "mean_value", spec, spec.composite)
        check.once(seen, (index, year, region), row, raw, f"{index} {year} {region}")
        out.append((index, year, region, value, text(rec.get("source")) or check.default_source()))
    return _frame(out, REGION_COLUMNS, table)


# -- the map of each year ------------------------------------------------------------------
MAP_ROWS_LISTED = 8


def check_maps(table: Table) -> None:
    """Refuse rows naming a province that is not on the map of their year.

    Index years to 2024 use the 63 provinces (Hà Tây to 2008), index years from 2025 the
    34 provincial units. One such row is refused with the reason the registry gives
    ("Bình Định: merged into Gia Lai on 1 July 2025; use Gia Lai"); several in one year
    (a 63-province file for 2026, a file mixing the two maps) are refused together, the
    rows named. Rows with an unreadable year or an unknown name are left to the row checks.
    """
    reg = registry()
    bad: dict[int, list[tuple[int, str, UnknownProvinceError, str]]] = {}
    cache: dict[tuple[str, int], tuple[UnknownProvinceError, str] | None] = {}
    for row, rec in table.rows:
        try:
            year = to_int(rec.get("year"))
        except (ValueError, TypeError):
            continue
        if year_problem(year) is not None:
            continue  # an absurd year is the row checks' to refuse, with its reason
        raw = text(rec.get("province"))
        if (raw, year) not in cache:
            found = reg.candidates(raw)
            problem = None
            if found and not any(p.exists_in(year) for p in found):
                try:
                    reg.resolve(raw, year)
                except UnknownProvinceError as err:
                    unit = reg.successor_in(found[0].id, year)
                    problem = (err, f"now {unit.name_vi}" if unit is not None else
                               f"a unit of index years from {found[0].valid_from}"
                               if (found[0].valid_from or 0) > year else "not a province then")
            cache[raw, year] = problem
        if cache[raw, year] is not None:
            bad.setdefault(year, []).append((row, raw, *cache[raw, year]))
    if not bad:
        return
    year, rows = min(bad.items(), key=lambda item: item[1][0][0])
    first_row, raw, err, _ = rows[0]
    if len(rows) == 1:
        raise InputFileError(err.reason, file=table.file, row=first_row, column="province",
                             hint=err.hint)
    n_map = len(all_provinces(year))
    what = "provincial units" if n_map < 60 else "provinces"
    listed = ", ".join(f"row {r} {name} ({now})" for r, name, _, now in rows[:MAP_ROWS_LISTED])
    more = f" (and {len(rows) - MAP_ROWS_LISTED} more)" if len(rows) > MAP_ROWS_LISTED else ""
    raise InputFileError(
        f"{len(rows)} row(s) of {year} name provinces that are not on the map of {year} "
        f"({n_map} {what}): {listed}{more}", file=table.file, row=first_row, column="province",
        hint=f"{err.reason}; a year's rows use one map: `indexmodel provinces --year {year}` "
             "lists it")


def _frame(rows: list[tuple], columns: tuple[str, ...], table: Table) -> pd.DataFrame:
    if not rows:
        raise InputFileError("no data rows under the header", file=table.where, row=table.header_row)
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["year"] = frame["year"].astype(int)
    return frame


# -- the shipped tables --------------------------------------------------------------
def _default(name: str) -> pd.DataFrame:
    """A shipped table, checked once per content of its file (not once per name: a table
    rebuilt by ``indexmodel etl`` is read again)."""
    return _load_cached(str(peers_dir() / name), name)


def _load_cached(path: str, name: str) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise DataUnavailableError(f"the shipped table {path} is missing",
                                   hint="run `indexmodel etl` to rebuild data/peers")
    loader = {COMPONENTS_FILE: load_peers, RESULTS_FILE: load_results,
              REGION_MEANS_FILE: load_region_means}[name]
    return loader(path)


# -- the tables as a yearly run checked them, for its workers ----------------------------
#: set by a yearly run for the workers it starts: a folder of the run's staging holding the
#: shipped tables (and the analyst's peer file) as the run's own process checked them, one
#: file per table named by its path, its content and the rules it was checked by, so that
#: each worker reads them instead of checking the same 13k rows again; a changed file has
#: another name and is checked anew
CHECKED_TABLES = "INDEXMODEL_CHECKED_TABLES"
SHIPPED = (COMPONENTS_FILE, RESULTS_FILE, REGION_MEANS_FILE)


def _shared_name(kind: str, path: str, digest: str, rules: str) -> str:
    key = f"{kind};{path};{digest};{rules};{pd.__version__}"
    return f"{kind}.{hashlib.sha256(key.encode()).hexdigest()[:24]}.pkl"


def _shared_file(kind: str, path: str, digest: str, rules: str) -> Path | None:
    folder = os.environ.get(CHECKED_TABLES)
    if not folder or os.environ.get(NO_CACHE):
        return None
    found = Path(folder) / _shared_name(kind, path, digest, rules)
    return found if found.is_file() else None


@memo(maxsize=8, copy=True)
def _read_shared(pickled: str) -> pd.DataFrame:
    return pd.read_pickle(pickled)


def export_checked(folder: str | Path, extra: str | Path | None = None) -> Path:
    """Write the shipped tables and the peer file ``extra``, checked (here, or read back from
    the cache), into ``folder`` for the workers of a run (:data:`CHECKED_TABLES`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    loaders = {COMPONENTS_FILE: load_peers, RESULTS_FILE: load_results,
               REGION_MEANS_FILE: load_region_means}
    for name in SHIPPED:
        path = peers_dir() / name
        if path.exists():
            loaders[name].export(str(path), folder)
    if extra is not None:
        load_peers.export(extra, folder)
    return folder


def default_peers() -> pd.DataFrame:
    """The shipped component table (a copy: change it freely)."""
    return table_copy(_default(COMPONENTS_FILE))


def default_results() -> pd.DataFrame:
    """The shipped results table (a copy)."""
    return table_copy(_default(RESULTS_FILE))


def default_region_means() -> pd.DataFrame:
    """The shipped regional means (a copy)."""
    return table_copy(_default(REGION_MEANS_FILE))


def with_analyst_file(path: str | Path | None, shipped: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped peer table with an analyst's own file laid over it.

    Every (index, year) the analyst's file covers replaces the shipped rows of that
    index and year — a complete table for a year supersedes the partial one — and the
    other years stay as shipped. ``path`` None gives the shipped table.
    """
    base = default_peers() if shipped is None else shipped
    if path is None:
        return base
    extra = load_peers(path)
    covered = set(zip(extra["index"], extra["year"]))
    keep = [(i, y) not in covered for i, y in zip(base["index"], base["year"])]
    combined = pd.concat([base[keep], extra], ignore_index=True)
    return combined.sort_values(["index", "year", "province", "component"],
                                kind="mergesort").reset_index(drop=True)
