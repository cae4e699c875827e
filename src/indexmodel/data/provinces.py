"""The provinces of Viet Nam, the maps they form year by year, aliases and regions.

The registry is data: ``data/provinces/provinces.csv`` (one row per province or
provincial unit, with the index years it exists in), ``data/provinces/aliases.csv``
(every other way a province is written in the workbooks and published tables) and
``data/provinces/successions.csv`` (which former provinces each unit of a new map holds,
from when). :func:`resolve` turns any of these spellings into a :class:`Province`;
names are compared after :func:`name_key` folds away case, diacritics (đ → d),
punctuation, spacing and prefixes such as "Tỉnh", "Thành phố" or "TP.", so "TP.HCM",
"Tp. Hồ Chí Minh" and "HCMC" are the same province.

Two maps (the *index year* is the survey year a result is named after):

- the 63 provinces for index years to 2024 (and Hà Tây, a province to 2008, merged into
  Hà Nội in 2008: 64 provinces in 2005–2008);
- the 34 provincial units for index years from 2025 (Resolution 202/2025/QH15, from
  1 July 2025; Thừa Thiên Huế became the city of Huế on 1 January 2025). Ten provinces
  are unchanged and keep their ids; the 23 merged units reuse a former province's name
  under an id of their own (``gia_lai`` the province to 2024, ``gia_lai_2025`` the unit
  of Gia Lai and Bình Định); Huế is ``hue``.

A name resolves by the year: "Gia Lai" in 2025 is the merged unit, in 2023 the former
province; a merged unit also answers to the aliases of the former province whose name
it kept ("TT-Huế" in 2025 is Huế). Without a year, a name two maps share is the earlier
province. A former province named for a year after its merger is refused, with the unit
to use instead ("Bình Định: merged into Gia Lai on 1 July 2025; use Gia Lai").

Regions: a merged unit may hold provinces of two socio-economic regions (7 of the 23 do).
:data:`REGION_RULES` names the two rules :func:`region_of` knows: ``centre`` (the default:
the region of the former province holding the unit's administrative centre, as stated in
the Resolution) and ``name`` (the region of the former province whose name the unit kept).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..core.errors import InputFileError, UnknownProvinceError, UsageError
from ..core.paths import data_dir

#: The six socio-economic regions (GSO), English name → Vietnamese name.
REGIONS: dict[str, str] = {
    "Northern Midlands and Mountains": "Trung du và miền núi phía Bắc",
    "Red River Delta": "Đồng bằng sông Hồng",
    "North Central and Central Coast": "Bắc Trung Bộ và duyên hải miền Trung",
    "Central Highlands": "Tây Nguyên",
    "South East": "Đông Nam Bộ",
    "Mekong River Delta": "Đồng bằng sông Cửu Long",
}

#: How a unit holding provinces of two regions gets one region: the region of its
#: administrative centre (default), or of the former province whose name it kept.
REGION_RULES: dict[str, tuple[str, str]] = {
    "centre": ("vùng của nơi đặt trung tâm hành chính - chính trị",
               "the region of its administrative centre"),
    "name": ("vùng của tỉnh cũ mà đơn vị giữ tên",
             "the region of the former province whose name it kept"),
}
DEFAULT_REGION_RULE = "centre"

#: The first index year of the map of 34 provincial units.
UNITS_2025 = 2025

PROVINCE_COLUMNS = ("id", "name_vi", "name_en", "region", "valid_from", "valid_to", "source")
ALIAS_COLUMNS = ("alias", "province_id", "source")
SUCCESSION_COLUMNS = ("unit_id", "former_id", "effective", "first_index_year", "centre", "source")

# Administrative prefixes dropped before comparing names (already folded by fold).
_PREFIXES = ("tinh ", "thanh pho ", "tp ", "t p ", "province of ", "city of ")
_SUFFIXES = (" province", " city")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@dataclass(frozen=True)
class Province:
    """One province (or centrally-run city, or provincial unit of a later map)."""

    id: str
    name_vi: str
    name_en: str
    region: str
    valid_from: int | None = None
    valid_to: int | None = None

    def exists_in(self, year: int | None) -> bool:
        if year is None:
            return True
        year = int(year)
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    def name(self, lang: str = "en") -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def _overlaps(self, other: "Province") -> bool:
        lo = max(self.valid_from or -10**6, other.valid_from or -10**6)
        hi = min(self.valid_to or 10**6, other.valid_to or 10**6)
        return lo <= hi


@dataclass(frozen=True)
class Succession:
    """One former province of a unit, from a reform of the map."""

    unit_id: str
    former_id: str
    effective: date
    first_index_year: int
    centre: bool
    source: str

    def when(self, lang: str = "en") -> str:
        d = self.effective
        return (f"{d.day}/{d.month}/{d.year}" if lang == "vi"
                else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}")


def fold(text: str) -> str:
    """Casefold, drop diacritics (đ → d) and turn punctuation into single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "d").replace("Ð", "d").replace("ð", "d")
    text = text.casefold()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return text.strip()


def name_key(name: str) -> str:
    """The comparison key of a province name: folded, prefixes dropped, no spaces."""
    text = fold(name)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text.replace(" ", "")


def _year_cell(text: str, path: Path, row: int, column: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputFileError(f"'{text}' is not a year", file=path, row=row, column=column) from None


def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError("missing column(s): " + ", ".join(missing), file=path, row=1)
        return [(i, {k: (v or "").strip() for k, v in rec.items()})
                for i, rec in enumerate(reader, start=2) if any((v or "").strip() for v in rec.values())]


def _names(provinces: list[Province], lang: str) -> str:
    return ", ".join(p.name(lang) for p in provinces)


class Registry:
    """Provinces, the keys of every name they are known by, and the reforms of the map."""

    def __init__(self, provinces: list[Province], keys: dict[str, tuple[str, ...]],
                 successions: list[Succession] | None = None) -> None:
        self.provinces = {p.id: p for p in provinces}
        self.keys = keys  # name_key -> province ids (validity periods never overlap)
        self.successions = list(successions or [])
        self._labels = {}  # name_key -> a readable name, for suggestions
        for p in provinces:
            for label in (p.name_en, p.name_vi):
                self._labels.setdefault(name_key(label), f"{p.name_en} ({p.name_vi})")

    @classmethod
    def load(cls, folder: str | Path) -> "Registry":
        folder = Path(folder)
        prov_path, alias_path = folder / "provinces.csv", folder / "aliases.csv"
        succ_path = folder / "successions.csv"
        provinces: list[Province] = []
        by_id: dict[str, Province] = {}
        keys: dict[str, list[str]] = {}

        def claim(key: str, pid: str, path: Path, row: int) -> None:
            ids = keys.setdefault(key, [])
            if pid in ids:
                return
            for other in ids:
                if by_id[other]._overlaps(by_id[pid]):
                    raise InputFileError(
                        f"name key '{key}' points to both '{other}' and '{pid}' in the same years",
                        file=path, row=row)
            ids.append(pid)

        for row, rec in _read(prov_path, PROVINCE_COLUMNS):
            if rec["region"] not in REGIONS:
                raise InputFileError(f"unknown region '{rec['region']}'", file=prov_path, row=row,
                                     column="region")
            if rec["id"] in by_id:
                raise InputFileError(f"duplicate id '{rec['id']}'", file=prov_path, row=row, column="id")
            p = Province(rec["id"], rec["name_vi"], rec["name_en"], rec["region"],
                         _year_cell(rec["valid_from"], prov_path, row, "valid_from"),
                         _year_cell(rec["valid_to"], prov_path, row, "valid_to"))
            provinces.append(p)
            by_id[p.id] = p
            for name in (p.id, p.name_en, p.name_vi):
                claim(name_key(name), p.id, prov_path, row)
        for row, rec in _read(alias_path, ALIAS_COLUMNS):
            if rec["province_id"] not in by_id:
                raise InputFileError(f"unknown province id '{rec['province_id']}'", file=alias_path,
                                     row=row, column="province_id")
            claim(name_key(rec["alias"]), rec["province_id"], alias_path, row)
        successions = _load_successions(succ_path, by_id) if succ_path.exists() else []
        # a new unit answers to the names of the former province whose name it kept
        # (or of its only former province: Huế, formerly Thừa Thiên Huế)
        for s in successions:
            unit, former = by_id[s.unit_id], by_id[s.former_id]
            if unit.id == former.id or unit.valid_from != s.first_index_year:
                continue
            formers = [x for x in successions if x.unit_id == unit.id
                       and x.first_index_year == s.first_index_year]
            if name_key(former.name_en) == name_key(unit.name_en) or len(formers) == 1:
                for key, ids in list(keys.items()):
                    if former.id in ids:
                        claim(key, unit.id, succ_path, 1)
        order = {p.id: i for i, p in enumerate(provinces)}
        return cls(provinces, {k: tuple(sorted(v, key=order.__getitem__)) for k, v in keys.items()},
                   successions)

    # -- names ------------------------------------------------------------------------
    def candidates(self, name: str) -> list[Province]:
        """Every province a name (or alias) stands for, in registry order."""
        key = name_key("" if name is None else str(name).strip())
        return [self.provinces[pid] for pid in self.keys.get(key, ())] if key else []

    def resolve(self, name: str, year: int | None = None) -> Province:
        text = "" if name is None else str(name).strip()
        found = self.candidates(text)
        if not found:
            key = name_key(text)
            close = difflib.get_close_matches(key, list(self._labels), n=3, cutoff=0.6) if key else []
            hint = ("closest: " + "; ".join(self._labels[k] for k in close)) if close else None
            raise UnknownProvinceError(f"unknown province '{text}'", hint=hint)
        if year is None:
            return found[0]
        existing = [p for p in found if p.exists_in(year)]
        if existing:
            return existing[0]
        raise self._not_in(text, found, int(year))

    def _not_in(self, text: str, found: list[Province], year: int) -> UnknownProvinceError:
        """Why no province written ``text`` exists in ``year``: merged, not yet formed, …"""
        ended = [p for p in found if p.valid_to is not None and p.valid_to < year]
        if ended:
            province = max(ended, key=lambda p: p.valid_to)
            went = self.succession_of(province.id)
            if went is not None:
                unit = self.successor_in(province.id, year)
                how = "renamed" if self.is_rename(went) else "merged into"
                return UnknownProvinceError(
                    f"{province.name_vi}: {how} {self.provinces[went.unit_id].name_vi} on "
                    f"{went.when('en')}; use {unit.name_vi if unit else self.provinces[went.unit_id].name_vi}",
                    hint=f"'{text}' names a province of index years to {province.valid_to}; "
                         f"{year} is on the map of {self._map_size(year)}")
        later = [p for p in found if p.valid_from is not None and p.valid_from > year]
        if later:
            unit = min(later, key=lambda p: p.valid_from)
            formers = self.formers(unit.id)
            if formers and formers != [unit]:
                return UnknownProvinceError(
                    f"{unit.name_vi} ({unit.id}) is a provincial unit of index years from "
                    f"{unit.valid_from}; in {year} use its former province(s): {_names(formers, 'vi')}",
                    hint=f"{year} is on the map of {self._map_size(year)}")
        province = found[0]
        span = f"{province.valid_from or '…'}-{province.valid_to or 'on'}"
        return UnknownProvinceError(
            f"'{text}' ({province.name_en}) was not a province in {year} (a province {span})")

    # -- maps -------------------------------------------------------------------------
    def _map_size(self, year: int) -> str:
        n = len(self.in_force(year))
        return f"{n} provincial units" if year >= UNITS_2025 else f"{n} provinces"

    def in_force(self, year: int | None) -> list[Province]:
        return [p for p in self.provinces.values() if p.exists_in(year)]

    def is_rename(self, s: Succession) -> bool:
        """A unit holding one former province under another id (Thừa Thiên Huế → Huế)."""
        rows = [x for x in self.successions
                if x.unit_id == s.unit_id and x.first_index_year == s.first_index_year]
        return len(rows) == 1 and s.unit_id != s.former_id

    def succession_of(self, province_id: str) -> Succession | None:
        """The reform that ended a province (None: it has not ended, or ended otherwise)."""
        province = self.provinces[province_id]
        if province.valid_to is None:
            return None
        for s in self.successions:
            if s.former_id == province_id and s.first_index_year == province.valid_to + 1:
                return s
        return None

    def successor_in(self, province_id: str, year: int) -> Province | None:
        """The province or unit in force in ``year`` that holds ``province_id``'s territory
        (following reforms one after the other: Hà Tây → Hà Nội)."""
        province = self.provinces[province_id]
        seen = set()
        while not province.exists_in(year) and province.id not in seen:
            seen.add(province.id)
            s = self.succession_of(province.id)
            if s is None or (province.valid_to is not None and year < (province.valid_from or -10**6)):
                return None
            province = self.provinces[s.unit_id]
        return province if province.exists_in(year) else None

    def reform_of(self, unit_id: str, year: int | None = None) -> list[Succession]:
        """The rows of the latest reform (up to ``year``) that made ``unit_id`` what it is."""
        rows = [s for s in self.successions if s.unit_id == unit_id
                and (year is None or s.first_index_year <= year)]
        if not rows:
            return []
        last = max(s.first_index_year for s in rows)
        return [s for s in rows if s.first_index_year == last]

    def formers(self, unit_id: str, year: int | None = None) -> list[Province]:
        """The former provinces ``unit_id`` holds (itself where no reform made it)."""
        rows = self.reform_of(unit_id, year)
        return [self.provinces[s.former_id] for s in rows] or [self.provinces[unit_id]]


    def parts_in(self, unit_id: str, year: int, before: int | None = None) -> list[Province]:
        """The provinces of ``year``'s map that make up ``unit_id`` (its territory then):
        the unit Hà Nội of 2025 is Hà Nội and Hà Tây in 2008, the unit Gia Lai is Gia Lai
        and Bình Định in 2024."""
        rows = [s for s in self.successions if s.unit_id == unit_id
                and year < s.first_index_year and (before is None or s.first_index_year < before)]
        if not rows:
            province = self.provinces[unit_id]
            return [province] if province.exists_in(year) else []
        last = max(s.first_index_year for s in rows)
        out: list[Province] = []
        for s in rows:
            if s.first_index_year == last:
                out += [p for p in self.parts_in(s.former_id, year, before=last) if p not in out]
        return out


def _load_successions(path: Path, by_id: dict[str, Province]) -> list[Succession]:
    out: list[Succession] = []
    for row, rec in _read(path, SUCCESSION_COLUMNS):
        for column in ("unit_id", "former_id"):
            if rec[column] not in by_id:
                raise InputFileError(f"unknown province id '{rec[column]}'", file=path, row=row,
                                     column=column)
        try:
            effective = date.fromisoformat(rec["effective"])
        except ValueError:
            raise InputFileError(f"'{rec['effective']}' is not a date (YYYY-MM-DD)", file=path,
                                 row=row, column="effective") from None
        first = _year_cell(rec["first_index_year"], path, row, "first_index_year")
        if first is None:
            raise InputFileError("missing value", file=path, row=row, column="first_index_year")
        if rec["centre"] not in ("", "yes"):
            raise InputFileError(f"'{rec['centre']}' is not 'yes' or empty", file=path, row=row,
                                 column="centre")
        unit, former = by_id[rec["unit_id"]], by_id[rec["former_id"]]
        if not unit.exists_in(first):
            raise InputFileError(f"{unit.id} does not exist in {first}", file=path, row=row,
                                 column="unit_id")
        if not former.exists_in(first - 1):
            raise InputFileError(f"{former.id} does not exist in {first - 1}", file=path, row=row,
                                 column="former_id")
        if former.id != unit.id and former.valid_to != first - 1:
            raise InputFileError(f"{former.id} should end in {first - 1} (valid_to is "
                                 f"{former.valid_to})", file=path, row=row, column="former_id")
        out.append(Succession(unit.id, former.id, effective, first, rec["centre"] == "yes",
                              rec["source"]))
    for first in sorted({s.first_index_year for s in out}):
        rows = [s for s in out if s.first_index_year == first]
        formers = [s.former_id for s in rows]
        twice = sorted({f for f in formers if formers.count(f) > 1})
        ended = {p.id for p in by_id.values() if p.exists_in(first - 1) and not p.exists_in(first)}
        new = {p.id for p in by_id.values() if p.exists_in(first) and not p.exists_in(first - 1)}
        problems = ([f"{', '.join(twice)} listed twice"] if twice else []) + (
            [f"ended without a unit: {', '.join(sorted(ended - set(formers)))}"]
            if ended - set(formers) else []) + (
            [f"new without former provinces: {', '.join(sorted(new - {s.unit_id for s in rows}))}"]
            if new - {s.unit_id for s in rows} else [])
        for unit in sorted({s.unit_id for s in rows}):
            centres = [s for s in rows if s.unit_id == unit and s.centre]
            if len(centres) != 1:
                problems.append(f"{unit} has {len(centres)} administrative centres, not one")
            elif (by_id[unit].valid_from == first
                  and by_id[centres[0].former_id].region != by_id[unit].region):
                problems.append(f"{unit}: region {by_id[unit].region} is not the region of its "
                                f"centre, {centres[0].former_id}")
        if problems:
            raise InputFileError(f"the reform of index year {first}: " + "; ".join(problems),
                                 file=path)
    return out


@lru_cache(maxsize=4)
def registry(folder: str | None = None) -> Registry:
    """The registry in ``folder`` (default ``data/provinces``), loaded once."""
    return Registry.load(Path(folder) if folder else data_dir() / "provinces")


def resolve(name: str, year: int | None = None) -> Province:
    """The province written ``name`` (any alias or id), existing in ``year`` if given."""
    return registry().resolve(name, year)


def all_provinces(year: int | None = None) -> list[Province]:
    """Every province (existing in ``year`` if given), in registry order."""
    return registry().in_force(year)


def same_province(name: str, year: int, other_year: int) -> bool:
    """Whether ``name`` means the same province in both years (False: it did not exist in
    one of them, or a merger gave the name to another unit — "Gia Lai" in 2024 and 2025)."""
    return _same_province(registry(), str(name), int(year), int(other_year))


@lru_cache(maxsize=8192)
def _same_province(reg: Registry, name: str, year: int, other_year: int) -> bool:
    try:
        return reg.resolve(name, year).id == reg.resolve(name, other_year).id
    except UnknownProvinceError:
        return False


def continuing(names, year: int, other_year: int) -> list[str]:
    """The names among ``names`` that mean the same province in both years."""
    return [n for n in names if same_province(n, year, other_year)]


def former_provinces(unit: str | Province, year: int | None = None) -> list[Province]:
    """The former provinces a unit holds (Gia Lai 2025: Gia Lai, Bình Định); a province no
    reform made holds itself. ``unit`` a name resolves in ``year`` (default: the latest map)."""
    if not isinstance(unit, Province):
        unit = resolve(unit, year) if year is not None else _latest(unit)
    return registry().formers(unit.id, year)


def parts_in(unit: Province, year: int) -> list[Province]:
    """The provinces of ``year``'s map that make up ``unit`` (Gia Lai 2025 in 2024: Gia Lai
    and Bình Định; Hà Nội in 2008: Hà Nội and Hà Tây); itself where nothing changed."""
    return registry().parts_in(unit.id, int(year))


def successor(province: str | Province, year: int) -> Province | None:
    """The province or unit in force in ``year`` that holds ``province``'s territory
    (Bình Định, 2025: Gia Lai, the merged unit), or None (it did not exist yet)."""
    if not isinstance(province, Province):
        province = resolve(province)
    return registry().successor_in(province.id, int(year))


def merger_of(province: str | Province) -> Succession | None:
    """The reform that ended ``province`` (its unit, date and source), or None."""
    if not isinstance(province, Province):
        province = resolve(province)
    return registry().succession_of(province.id)


def is_merged_unit(province: Province) -> bool:
    """A unit a reform made from more than one province (or under a new id)."""
    rows = registry().reform_of(province.id)
    return bool(rows) and province.valid_from == rows[0].first_index_year


def describe(province: Province, lang: str = "en") -> str:
    """The name, and which province it is where two maps share it or a merger ended it:
    "Gia Lai (the unit formed on 1 July 2025 from Gia Lai and Bình Định)", "Bình Định (the
    province to 2024, part of Gia Lai from 1 July 2025)"; otherwise just the name."""
    reg = registry()
    name = province.name(lang)
    if is_merged_unit(province):
        rows = reg.reform_of(province.id)
        formers = [reg.provinces[s.former_id].name(lang) for s in rows]
        when = rows[0].when(lang)
        if len(formers) == 1:
            return (f"{name} (tên mới từ {when} của {formers[0]})" if lang == "vi"
                    else f"{name} (the name from {when} of {formers[0]})")
        joined = (", ".join(formers[:-1]) + (" và " if lang == "vi" else " and ") + formers[-1])
        return (f"{name} (đơn vị hành chính mới từ {when}, gồm {joined})" if lang == "vi"
                else f"{name} (the unit formed on {when} from {joined})")
    went = reg.succession_of(province.id)
    if went is not None and not reg.is_rename(went):
        unit = reg.provinces[went.unit_id].name(lang)
        return (f"{name} (tỉnh đến năm {province.valid_to}, thuộc {unit} từ {went.when(lang)})"
                if lang == "vi" else
                f"{name} (the province to {province.valid_to}, part of {unit} from {went.when(lang)})")
    return name


def map_year(year: int) -> int:
    """The first index year of the map in force in ``year`` (2025 for the 34 units)."""
    return _map_year(registry(), int(year))


@lru_cache(maxsize=256)
def _map_year(reg: Registry, year: int) -> int:
    firsts = [s.first_index_year for s in reg.successions if s.first_index_year <= year]
    return max(firsts) if firsts else 0


def _latest(name: str) -> Province:
    found = registry().candidates(name)
    if not found:
        return registry().resolve(name)  # raises: unknown
    return max(found, key=lambda p: p.valid_from or 0)


def region_name(region: str) -> str:
    """The canonical English name of a region written in English or Vietnamese."""
    key = name_key(region)
    for en, vi in REGIONS.items():
        if key in (name_key(en), name_key(vi)):
            return en
    close = difflib.get_close_matches(str(region), list(REGIONS), n=2, cutoff=0.5)
    raise UsageError(f"unknown region '{region}'",
                     hint="closest: " + "; ".join(close) if close else "one of " + "; ".join(REGIONS))


#: The region name under which a national (all-province) figure is kept.
NATIONAL = "national"
_NATIONAL_KEYS = {"national", "all provinces", "ca nuoc", "toan quoc", "vietnam", "viet nam"}


def region_or_national(name: str) -> str:
    """:func:`region_name`, or :data:`NATIONAL` for "all provinces" / "cả nước"."""
    return NATIONAL if fold(name) in _NATIONAL_KEYS else region_name(name)


def check_region_rule(rule: str) -> str:
    if rule not in REGION_RULES:
        raise UsageError(f"unknown region rule '{rule}'", hint="one of " + ", ".join(REGION_RULES))
    return rule


def region_of(province: str | Province, year: int | None = None,
              rule: str = DEFAULT_REGION_RULE) -> str:
    """The socio-economic region of a province (name, alias or :class:`Province`).

    A merged unit holding provinces of two regions takes the region ``rule`` gives
    (:data:`REGION_RULES`); every other province has one region.
    """
    check_region_rule(rule)
    if not isinstance(province, Province):
        province = resolve(province, year)
    if rule == "name" and is_merged_unit(province):
        formers = registry().formers(province.id)
        named = [f for f in formers if name_key(f.name_en) == name_key(province.name_en)]
        return (named or formers)[0].region
    return province.region


def regions_held(province: Province) -> list[str]:
    """The regions of a unit's former provinces (two for a unit that straddles regions)."""
    out: list[str] = []
    for f in registry().formers(province.id):
        if f.region not in out:
            out.append(f.region)
    return out


def straddles(province: Province) -> bool:
    """A merged unit whose former provinces lie in more than one region."""
    return is_merged_unit(province) and len(regions_held(province)) > 1


def provinces_in_region(region: str, year: int | None = None,
                        rule: str = DEFAULT_REGION_RULE) -> list[Province]:
    """The provinces of ``region`` (English or Vietnamese name) existing in ``year``."""
    region = region_name(region)
    return [p for p in all_provinces(year) if region_of(p, rule=rule) == region]
