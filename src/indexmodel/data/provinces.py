"""The provinces of Viet Nam, their aliases and their socio-economic regions.

The registry is data: ``data/provinces/provinces.csv`` (one row per province, with the
years it existed as a province) and ``data/provinces/aliases.csv`` (every other way a
province is written in the workbooks and published tables). :func:`resolve` turns any
of these spellings into a :class:`Province`; names are compared after
:func:`name_key` folds away case, diacritics (đ → d), punctuation, spacing and prefixes
such as "Tỉnh", "Thành phố" or "TP.", so "TP.HCM", "Tp. Hồ Chí Minh" and "HCMC" are
the same province.

Hà Tây is a province of 2008 at the latest (merged into Hà Nội in 2008): resolving it
for a later year is refused.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
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

PROVINCE_COLUMNS = ("id", "name_vi", "name_en", "region", "valid_from", "valid_to", "source")
ALIAS_COLUMNS = ("alias", "province_id", "source")

# Administrative prefixes dropped before comparing names (already folded by fold).
_PREFIXES = ("tinh ", "thanh pho ", "tp ", "t p ", "province of ", "city of ")
_SUFFIXES = (" province", " city")


@dataclass(frozen=True)
class Province:
    """One province (or centrally-run city)."""

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


class Registry:
    """Provinces and the keys of every name they are known by."""

    def __init__(self, provinces: list[Province], keys: dict[str, str]) -> None:
        self.provinces = {p.id: p for p in provinces}
        self.keys = keys  # name_key -> province id
        self._labels = {}  # name_key -> a readable name, for suggestions
        for p in provinces:
            for label in (p.name_en, p.name_vi):
                self._labels.setdefault(name_key(label), f"{p.name_en} ({p.name_vi})")

    @classmethod
    def load(cls, folder: str | Path) -> "Registry":
        folder = Path(folder)
        prov_path, alias_path = folder / "provinces.csv", folder / "aliases.csv"
        provinces: list[Province] = []
        keys: dict[str, str] = {}

        def claim(key: str, pid: str, path: Path, row: int) -> None:
            if keys.get(key, pid) != pid:
                raise InputFileError(
                    f"name key '{key}' points to both '{keys[key]}' and '{pid}'", file=path, row=row)
            keys[key] = pid

        for row, rec in _read(prov_path, PROVINCE_COLUMNS):
            if rec["region"] not in REGIONS:
                raise InputFileError(f"unknown region '{rec['region']}'", file=prov_path, row=row,
                                     column="region")
            if rec["id"] in {p.id for p in provinces}:
                raise InputFileError(f"duplicate id '{rec['id']}'", file=prov_path, row=row, column="id")
            p = Province(rec["id"], rec["name_vi"], rec["name_en"], rec["region"],
                         _year_cell(rec["valid_from"], prov_path, row, "valid_from"),
                         _year_cell(rec["valid_to"], prov_path, row, "valid_to"))
            provinces.append(p)
            for name in (p.id, p.name_en, p.name_vi):
                claim(name_key(name), p.id, prov_path, row)
        ids = {p.id for p in provinces}
        for row, rec in _read(alias_path, ALIAS_COLUMNS):
            if rec["province_id"] not in ids:
                raise InputFileError(f"unknown province id '{rec['province_id']}'", file=alias_path,
                                     row=row, column="province_id")
            claim(name_key(rec["alias"]), rec["province_id"], alias_path, row)
        return cls(provinces, keys)

    def resolve(self, name: str, year: int | None = None) -> Province:
        text = "" if name is None else str(name).strip()
        key = name_key(text)
        pid = self.keys.get(key) if key else None
        if pid is None:
            close = difflib.get_close_matches(key, list(self._labels), n=3, cutoff=0.6)
            hint = ("closest: " + "; ".join(self._labels[k] for k in close)) if close else None
            raise UnknownProvinceError(f"unknown province '{text}'", hint=hint)
        province = self.provinces[pid]
        if not province.exists_in(year):
            span = f"{province.valid_from or '…'}-{province.valid_to or 'on'}"
            raise UnknownProvinceError(
                f"'{text}' ({province.name_en}) was not a province in {year} (a province {span})",
                hint="Ha Tay was merged into Ha Noi in 2008" if province.id == "ha_tay" else None,
            )
        return province


@lru_cache(maxsize=4)
def registry(folder: str | None = None) -> Registry:
    """The registry in ``folder`` (default ``data/provinces``), loaded once."""
    return Registry.load(Path(folder) if folder else data_dir() / "provinces")


def resolve(name: str, year: int | None = None) -> Province:
    """The province written ``name`` (any alias), existing in ``year`` if given."""
    return registry().resolve(name, year)


def all_provinces(year: int | None = None) -> list[Province]:
    """Every province (existing in ``year`` if given), in registry order."""
    return [p for p in registry().provinces.values() if p.exists_in(year)]


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


def region_of(province: str | Province, year: int | None = None) -> str:
    """The socio-economic region of a province (name, alias or :class:`Province`)."""
    if not isinstance(province, Province):
        province = resolve(province, year)
    return province.region


def provinces_in_region(region: str, year: int | None = None) -> list[Province]:
    """The provinces of ``region`` (English or Vietnamese name) existing in ``year``."""
    region = region_name(region)
    return [p for p in all_provinces(year) if p.region == region]
