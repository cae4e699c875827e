"""Population by province and year: the weights of a merged unit's approximate past.

The tidy table ``data/population/population.csv`` (province, year, population, source;
persons, GSO average population of the 63 provinces, 2011–2024) is written by
``indexmodel etl``. :func:`load_population` reads and checks it (or an analyst's table
in the same shape); :func:`population_of` gives one province's figure for a year, saying
which year's figure stands in where there is none (before 2011: 2011's).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import DataUnavailableError, InputFileError, UnknownProvinceError
from ..core.paths import data_dir
from .provinces import resolve
from .sources.tables import read_table, text, to_int, to_number

POPULATION_COLUMNS = ("province", "year", "population", "source")
POPULATION_FILE = Path("population") / "population.csv"


def population_path() -> Path:
    return data_dir() / POPULATION_FILE


def load_population(path: str | Path | None = None) -> pd.DataFrame:
    """The population table (province as the registry's English name, year, population,
    source), checked: known provinces of their year, whole positive numbers, one row per
    province and year. ``path`` None: the shipped table."""
    if path is None:
        return _shipped(str(population_path())).copy()
    return _load(Path(path))


@lru_cache(maxsize=2)
def _shipped(path: str) -> pd.DataFrame:
    if not Path(path).exists():
        raise DataUnavailableError(
            f"the population table {path} is missing",
            hint="`indexmodel etl` writes it from GSO's figures (../shared/data/published/population)")
    return _load(Path(path))


def _load(path: Path) -> pd.DataFrame:
    table = read_table(path, POPULATION_COLUMNS[:3], optional=("source",))
    rows, seen = [], {}
    for row, rec in table.rows:
        try:
            year = to_int(rec.get("year"))
        except (ValueError, TypeError):
            raise InputFileError(f"'{text(rec.get('year'))}' is not a year", file=path, row=row,
                                 column="year") from None
        try:
            province = resolve(text(rec.get("province")), year)
        except UnknownProvinceError as err:
            raise InputFileError(err.reason, file=path, row=row, column="province",
                                 hint=err.hint) from None
        try:
            value = to_number(rec.get("population"))
        except (ValueError, TypeError):
            raise InputFileError(f"'{text(rec.get('population'))}' is not a number", file=path,
                                 row=row, column="population") from None
        if value <= 0 or value != int(value):
            raise InputFileError(f"{value:g} is not a whole positive number of persons", file=path,
                                 row=row, column="population")
        if (province.id, year) in seen:
            raise InputFileError(f"duplicate {province.name_en} {year}: already on row "
                                 f"{seen[province.id, year]}", file=path, row=row)
        seen[province.id, year] = row
        rows.append((province.name_en, year, int(value),
                     text(rec.get("source")) or f"population table {path.name}"))
    if not rows:
        raise InputFileError("no data rows under the header", file=path, row=table.header_row)
    frame = pd.DataFrame(rows, columns=list(POPULATION_COLUMNS))
    return frame.sort_values(["year", "province"], kind="mergesort").reset_index(drop=True)


def population_of(population: pd.DataFrame, province: str, year: int) -> tuple[int, int, str]:
    """``province``'s population for ``year``: (persons, the year of the figure, source).

    Before the table's first year the first year's figure stands in (2011's for 2005–2010),
    after its last year the last year's; the year returned says which was used."""
    rows = population[population["province"] == province]
    if rows.empty:
        raise DataUnavailableError(f"no population figure for {province}",
                                   hint="the population table covers "
                                        f"{population['province'].nunique()} provinces")
    years = sorted(int(y) for y in rows["year"])
    used = min(max(int(year), years[0]), years[-1])
    if used not in years:  # a gap inside the table: the nearest earlier year
        used = max(y for y in years if y <= used)
    row = rows[rows["year"] == used].iloc[0]
    return int(row["population"]), used, str(row["source"])
