"""Index specifications: the component tree of one index in one methodology era.

A specification is data (``data/specs/``): ``eras.csv`` lists, for each index, the
eras of its methodology and the file holding each era's tree; each tree file has one
row per component (id, parent, names, weight, range, the aggregation rule it applies
to its children, tolerance, verified flag, source).

Aggregation rules (applied by a parent to its children ``c`` with weights ``w``):

``sum``
    parent = Σ c (weights must be empty or 1).
``weighted_sum``
    parent = scale × Σ w·c; the weights must add up to 1 (PCI: scale 10).
``weighted_mean``
    parent = scale × Σ w·c / Σ w; weights positive (SIPAS, unverified plain means).
``points_to_percent``
    children are percentages of their maximum points ``w``; parent = Σ w·c / Σ w,
    the total points over the overall maximum (PAR INDEX). The optional column
    ``children_total`` of the parent's row states the overall maximum (PAR INDEX from
    2024: 100 points): the children's maximum points must add up to it, and every
    setting of the unverified ones keeps that total.
``unknown``
    the parent cannot be computed from its children (PCI 2005): published-only.

Every rule is linear in the children, so any complete cut through the tree maps to
the composite by fixed coefficients (:meth:`Spec.coefficients`): composite points per
unit of a component.

A :class:`Spec` is immutable; :meth:`Spec.with_weights` returns a cheap what-if copy
(for example other SIPAS weights or PAR INDEX maximum points).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from ..core.errors import DataUnavailableError, SpecError
from ..core.paths import specs_dir

INDICES: tuple[str, ...] = ("papi", "sipas", "par_index", "pci")
RULES: tuple[str, ...] = ("sum", "weighted_sum", "weighted_mean", "points_to_percent", "unknown")
WEIGHTED_RULES = ("weighted_sum", "weighted_mean", "points_to_percent")

NODE_COLUMNS = (
    "id", "parent", "name_vi", "name_en", "weight", "weight_low", "weight_high",
    "min", "max", "rule", "scale", "tolerance", "verified", "source",
)
#: Columns a spec file may add: the total its children's weights keep (points_to_percent).
OPTIONAL_NODE_COLUMNS = ("children_total",)
#: How far the children's maximum points may stray from a stated total (points are given
#: to a few decimals; an equal split of 77.5 over six areas is 12.916667 each).
TOTAL_TOLERANCE = 1e-4
ERA_COLUMNS = (
    "era", "index", "valid_from", "valid_to", "file", "composite",
    "published_only_years", "verified", "source", "note",
)
#: Columns eras.csv may add: the note in Vietnamese.
OPTIONAL_ERA_COLUMNS = ("note_vi",)

INDEX_NAMES = {
    "papi": {"vi": "PAPI", "en": "PAPI"},
    "sipas": {"vi": "SIPAS", "en": "SIPAS"},
    "par_index": {"vi": "PAR INDEX", "en": "PAR INDEX"},
    "pci": {"vi": "PCI", "en": "PCI"},
}


@dataclass(frozen=True)
class Node:
    """One component of an index tree."""

    id: str
    parent: str | None
    name_vi: str
    name_en: str
    weight: float | None
    weight_low: float | None
    weight_high: float | None
    min: float
    max: float
    rule: str | None
    scale: float
    tolerance: float
    verified: bool
    source: str
    row: int = 0
    children: tuple[str, ...] = ()
    children_total: float | None = None

    def name(self, lang: str = "en") -> str:
        return self.name_vi if lang == "vi" else self.name_en

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Spec:
    """The component tree of one index in one methodology era."""

    index: str
    era: str
    valid_from: int
    valid_to: int | None
    composite: str
    published_only_years: frozenset[int]
    verified: bool
    source: str
    note: str
    file: str
    nodes: Mapping[str, Node] = field(repr=False)
    note_vi: str = ""  # the note in Vietnamese, where eras.csv gives one (column note_vi)

    def era_name(self, lang: str = "vi") -> str:
        """The methodology era as a reader names it: by its years, never by its id."""
        if self.valid_to is None:
            return (f"phương pháp áp dụng từ năm {self.valid_from}" if lang == "vi"
                    else f"the methodology in use since {self.valid_from}")
        if self.valid_to == self.valid_from:
            return (f"phương pháp năm {self.valid_from}" if lang == "vi"
                    else f"the {self.valid_from} methodology")
        return (f"phương pháp giai đoạn {self.valid_from}–{self.valid_to}" if lang == "vi"
                else f"the {self.valid_from}–{self.valid_to} methodology")

    def note_in(self, lang: str) -> str:
        """The era's note in ``lang`` (the English note where no Vietnamese one is given)."""
        return self.note_vi if lang == "vi" and self.note_vi else self.note

    # -- structure -------------------------------------------------------------
    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.nodes)

    @property
    def root(self) -> Node:
        return self.nodes[self.composite]

    def has(self, node_id: str) -> bool:
        return node_id in self.nodes

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise DataUnavailableError(
                f"'{node_id}' is not a component of {self.index} in era {self.era} "
                f"({self.valid_from}-{self.valid_to or 'on'})",
                hint="known components: " + ", ".join(self.ids),
            ) from None

    def children(self, node_id: str) -> tuple[str, ...]:
        return self.node(node_id).children

    def level(self, node_id: str) -> int:
        depth, node = 0, self.node(node_id)
        while node.parent:
            depth += 1
            node = self.nodes[node.parent]
        return depth

    def at_level(self, level: int) -> tuple[str, ...]:
        return tuple(i for i in self.nodes if self.level(i) == level)

    @property
    def leaves(self) -> tuple[str, ...]:
        return tuple(i for i, n in self.nodes.items() if n.is_leaf)

    @property
    def top_components(self) -> tuple[str, ...]:
        """The components directly under the composite (PCI sub-indices, PAPI dimensions …)."""
        return self.root.children

    def descendants(self, node_id: str) -> tuple[str, ...]:
        out: list[str] = []
        for child in self.children(node_id):
            out.append(child)
            out.extend(self.descendants(child))
        return tuple(out)

    def ancestors(self, node_id: str) -> tuple[str, ...]:
        out, node = [], self.node(node_id)
        while node.parent:
            out.append(node.parent)
            node = self.nodes[node.parent]
        return tuple(out)

    def postorder(self) -> tuple[str, ...]:
        """Node ids with every child before its parent."""
        out: list[str] = []

        def visit(node_id: str) -> None:
            for child in self.nodes[node_id].children:
                visit(child)
            out.append(node_id)

        visit(self.composite)
        return tuple(out)

    def covers(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)

    def is_published_only(self, year: int) -> bool:
        return year in self.published_only_years or self.root.rule == "unknown"

    def name(self, node_id: str, lang: str = "en") -> str:
        return self.node(node_id).name(lang)

    @property
    def unverified_weights(self) -> tuple[str, ...]:
        """Components whose weight is an unverified setting with a plausible range."""
        return tuple(
            i for i, n in self.nodes.items()
            if n.weight is not None and not n.verified and n.weight_low is not None
        )

    @property
    def fitted_weights(self) -> tuple[str, ...]:
        """Components whose weight is not verified but pinned by a fit to published figures
        (PCI from 2022): one value, no plausible range; the row's ``source`` gives the
        evidence. An analyst overrides them like any setting (:meth:`with_weights`)."""
        return tuple(
            i for i, n in self.nodes.items()
            if n.weight is not None and not n.verified and n.weight_low is None
        )

    # -- arithmetic --------------------------------------------------------------
    def child_coefficients(self, parent_id: str) -> dict[str, float]:
        """d parent / d child for each child of ``parent_id`` (all rules are linear)."""
        parent = self.node(parent_id)
        kids = parent.children
        rule = parent.rule
        if rule == "sum":
            return {k: 1.0 for k in kids}
        if rule == "weighted_sum":
            return {k: parent.scale * self.nodes[k].weight for k in kids}
        if rule in ("weighted_mean", "points_to_percent"):
            total = sum(self.nodes[k].weight for k in kids)
            return {k: parent.scale * self.nodes[k].weight / total for k in kids}
        raise DataUnavailableError(
            f"{self.index} era {self.era}: '{parent_id}' cannot be computed from its "
            "children (its composite is published-only)"
        )

    def coefficients(self, node_id: str | None = None) -> dict[str, float]:
        """Composite points per unit of ``node_id`` (or of every node when None).

        Because every rule is linear, a change ``d`` in a component moves the
        composite by ``coefficients()[component] * d`` when that component's parent
        is computed from its children.
        """
        coef: dict[str, float] = {self.composite: 1.0}
        for node_id_ in self.ids:  # file order lists every parent before its children
            node = self.nodes[node_id_]
            if node.children and node.rule != "unknown":
                for child, c in self.child_coefficients(node_id_).items():
                    coef[child] = coef[node_id_] * c
        if node_id is None:
            return coef
        self.node(node_id)
        if node_id not in coef:
            raise DataUnavailableError(
                f"{self.index} era {self.era}: the composite cannot be computed from '{node_id}'"
            )
        return {node_id: coef[node_id]}

    def coefficient(self, node_id: str) -> float:
        return self.coefficients(node_id)[node_id]

    # -- what-if copies -----------------------------------------------------------
    def with_weights(self, weights: Mapping[str, float]) -> "Spec":
        """A copy with other weights (e.g. SIPAS weights, PAR INDEX maximum points).

        Weights keep their rule's constraints: a ``weighted_sum`` must still add up
        to 1; weights must be positive.
        """
        nodes = dict(self.nodes)
        for node_id, w in weights.items():
            node = self.node(node_id)
            if node.parent is None:
                raise SpecError(f"'{node_id}' is the composite: it has no weight", file=self.file)
            if not (isinstance(w, (int, float)) and math.isfinite(w) and w > 0):
                raise SpecError(f"weight of '{node_id}' must be a positive number, got {w!r}",
                                file=self.file)
            nodes[node_id] = dataclasses.replace(node, weight=float(w))
        copy = dataclasses.replace(self, nodes=nodes)
        _check_weights(copy, plausible_range=False)  # an analyst's setting may leave the range
        return copy


@dataclass(frozen=True)
class SpecBook:
    """Every era of every index."""

    specs: tuple[Spec, ...]

    @property
    def indices(self) -> tuple[str, ...]:
        return INDICES

    def eras(self, index: str) -> tuple[Spec, ...]:
        _check_index(index)
        return tuple(s for s in self.specs if s.index == index)

    def spec_for(self, index: str, year: int) -> Spec:
        for spec in self.eras(index):
            if spec.covers(int(year)):
                return spec
        eras = ", ".join(f"{s.valid_from}-{s.valid_to or 'on'}" for s in self.eras(index))
        raise DataUnavailableError(
            f"no {index} methodology era covers {year}",
            hint=f"{index} eras: {eras}",
        )

    def era(self, era_id: str) -> Spec:
        for spec in self.specs:
            if spec.era == era_id:
                return spec
        raise DataUnavailableError(f"unknown era '{era_id}'")

    def latest(self, index: str) -> Spec:
        return max(self.eras(index), key=lambda s: s.valid_from)

    def same_era(self, index: str, year_a: int, year_b: int) -> bool:
        return self.spec_for(index, year_a).era == self.spec_for(index, year_b).era


def index_id(index: str) -> str:
    """The id of an index as a user may write it: any case, spaces or hyphens for the
    underscore ("PCI", "PAR INDEX", "par-index" → "pci", "par_index"); an unknown one refused."""
    if isinstance(index, str):
        key = index.strip().lower().replace(" ", "_").replace("-", "_")
        if key in INDICES:
            return key
    _check_index(index)
    return index


def _check_index(index: str) -> None:
    if index not in INDICES:
        raise DataUnavailableError(
            f"unknown index '{index}'", hint="one of " + ", ".join(INDICES)
        )


# -- loading -------------------------------------------------------------------------
def _read_csv(path: Path, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise SpecError("file not found", file=path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise SpecError("missing column(s): " + ", ".join(missing), file=path, row=1)
        rows = []
        for i, raw in enumerate(reader, start=2):
            if None in raw:
                raise SpecError("more cells than header columns", file=path, row=i)
            rec = {k: (v or "").strip() for k, v in raw.items()}
            if not any(rec.values()):
                continue
            rows.append((i, rec))
    if not rows:
        raise SpecError("no rows", file=path)
    return rows


def _num(rec: dict, col: str, path: Path, row: int, *, required: bool) -> float | None:
    text = rec.get(col, "")
    if text == "":
        if required:
            raise SpecError(f"missing {col}", file=path, row=row, column=col)
        return None
    try:
        value = float(text)
    except ValueError:
        raise SpecError(f"'{text}' is not a number", file=path, row=row, column=col) from None
    if not math.isfinite(value):
        raise SpecError(f"'{text}' is not a finite number", file=path, row=row, column=col)
    return value


def _bool(rec: dict, col: str, path: Path, row: int) -> bool:
    text = rec.get(col, "").lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise SpecError(f"'{rec.get(col)}' is not true/false", file=path, row=row, column=col)


def _year(text: str, path: Path, row: int, col: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SpecError(f"'{text}' is not a year", file=path, row=row, column=col) from None


def load_spec_file(path: Path, *, index: str, era: str, valid_from: int, valid_to: int | None,
                   composite: str, published_only_years: Iterable[int] = (), verified: bool = True,
                   source: str = "", note: str = "") -> Spec:
    """Read and check one era's component tree."""
    path = Path(path)
    rows = _read_csv(path, NODE_COLUMNS)
    nodes: dict[str, Node] = {}
    rows_of: dict[str, int] = {}
    for row, rec in rows:
        node_id = rec["id"]
        if not node_id:
            raise SpecError("missing id", file=path, row=row, column="id")
        if node_id in nodes:
            raise SpecError(f"duplicate component '{node_id}' (first on row {rows_of[node_id]})",
                            file=path, row=row, column="id")
        rule = rec["rule"] or None
        if rule is not None and rule not in RULES:
            raise SpecError(f"unknown rule '{rule}' (one of {', '.join(RULES)})",
                            file=path, row=row, column="rule")
        lo = _num(rec, "min", path, row, required=True)
        hi = _num(rec, "max", path, row, required=True)
        if lo >= hi:
            raise SpecError(f"min {lo:g} is not below max {hi:g}", file=path, row=row, column="min")
        scale = _num(rec, "scale", path, row, required=False)
        nodes[node_id] = Node(
            id=node_id,
            parent=rec["parent"] or None,
            name_vi=rec["name_vi"],
            name_en=rec["name_en"],
            weight=_num(rec, "weight", path, row, required=False),
            weight_low=_num(rec, "weight_low", path, row, required=False),
            weight_high=_num(rec, "weight_high", path, row, required=False),
            min=lo,
            max=hi,
            rule=rule,
            scale=1.0 if scale is None else scale,
            tolerance=_num(rec, "tolerance", path, row, required=False) or 0.0,
            verified=_bool(rec, "verified", path, row),
            source=rec["source"],
            row=row,
            children_total=_num(rec, "children_total", path, row, required=False),
        )
        rows_of[node_id] = row
        if not rec["name_vi"] or not rec["name_en"]:
            raise SpecError("missing name_vi or name_en", file=path, row=row)

    # structure: parents exist and precede their children; one root, the composite
    kids: dict[str, list[str]] = {i: [] for i in nodes}
    roots = []
    for node_id, node in nodes.items():
        if node.parent is None:
            roots.append(node_id)
            continue
        if node.parent not in nodes:
            raise SpecError(f"parent '{node.parent}' of '{node_id}' is not a component of this era",
                            file=path, row=node.row, column="parent")
        if rows_of[node.parent] > node.row:
            raise SpecError(f"parent '{node.parent}' must be listed before '{node_id}'",
                            file=path, row=node.row, column="parent")
        kids[node.parent].append(node_id)
    if roots != [composite]:
        raise SpecError(f"the tree must have exactly one root, '{composite}'; found "
                        + (", ".join(roots) or "none"), file=path)
    nodes = {i: dataclasses.replace(n, children=tuple(kids[i])) for i, n in nodes.items()}
    for node in nodes.values():
        if node.children and node.rule is None:
            raise SpecError(f"'{node.id}' has children but no aggregation rule",
                            file=path, row=node.row, column="rule")
        if not node.children and node.rule is not None:
            raise SpecError(f"'{node.id}' has rule '{node.rule}' but no children",
                            file=path, row=node.row, column="rule")
        if node.children_total is not None and node.rule != "points_to_percent":
            raise SpecError(f"'{node.id}' states a children_total but its rule is "
                            f"{node.rule or 'none'}, not points_to_percent",
                            file=path, row=node.row, column="children_total")

    spec = Spec(
        index=index, era=era, valid_from=valid_from, valid_to=valid_to, composite=composite,
        published_only_years=frozenset(published_only_years), verified=verified,
        source=source, note=note, file=str(path), nodes=nodes,
    )
    _check_weights(spec)
    _check_ranges(spec)
    return spec


def _check_weights(spec: Spec, plausible_range: bool = True) -> None:
    path = spec.file
    for parent in spec.nodes.values():
        if not parent.children:
            continue
        kids = [spec.nodes[k] for k in parent.children]
        if parent.rule in WEIGHTED_RULES:
            for kid in kids:
                if kid.weight is None:
                    raise SpecError(f"missing weight for '{kid.id}' (its parent '{parent.id}' "
                                    f"uses {parent.rule})", file=path, row=kid.row, column="weight")
                if kid.weight <= 0:
                    raise SpecError(f"weight of '{kid.id}' must be positive, got {kid.weight:g}",
                                    file=path, row=kid.row, column="weight")
                lo, hi = kid.weight_low, kid.weight_high
                outside = lo is not None and hi is not None and not lo <= kid.weight <= hi
                if (lo is None) != (hi is None) or (plausible_range and outside):
                    raise SpecError(f"weight {kid.weight:g} of '{kid.id}' must lie within a "
                                    "complete weight_low..weight_high range",
                                    file=path, row=kid.row, column="weight_low")
            if parent.children_total is not None:
                total = sum(k.weight for k in kids)
                if abs(total - parent.children_total) > TOTAL_TOLERANCE:
                    raise SpecError(f"the maximum points of the children of '{parent.id}' add "
                                    f"up to {total:g}, not its children_total "
                                    f"{parent.children_total:g}",
                                    file=path, row=parent.row, column="children_total")
            if parent.rule == "weighted_sum":
                total = sum(k.weight for k in kids)
                if abs(total - 1.0) > 1e-9:
                    raise SpecError(f"weights of the children of '{parent.id}' add up to "
                                    f"{total:g}, not 1 as weighted_sum requires",
                                    file=path, row=parent.row, column="weight")
        elif parent.rule == "sum":
            for kid in kids:
                if kid.weight not in (None, 1.0):
                    raise SpecError(f"'{kid.id}' has weight {kid.weight:g} but its parent "
                                    f"'{parent.id}' adds its children (rule sum)",
                                    file=path, row=kid.row, column="weight")
        elif parent.rule == "unknown":
            for kid in kids:
                if kid.weight is not None:
                    raise SpecError(f"'{kid.id}' has a weight but the rule of '{parent.id}' is "
                                    "unknown", file=path, row=kid.row, column="weight")


def _check_ranges(spec: Spec) -> None:
    """A parent's range must hold whatever its children's ranges produce."""
    for parent_id in spec.postorder():
        parent = spec.nodes[parent_id]
        if not parent.children or parent.rule == "unknown":
            continue
        coef = spec.child_coefficients(parent_id)
        lo = sum(c * spec.nodes[k].min for k, c in coef.items())
        hi = sum(c * spec.nodes[k].max for k, c in coef.items())
        slack = 1e-6 + 1e-6 * abs(parent.max)
        if lo < parent.min - slack or hi > parent.max + slack:
            raise SpecError(
                f"the children of '{parent_id}' give {lo:g}..{hi:g}, outside its range "
                f"{parent.min:g}..{parent.max:g}", file=spec.file, row=parent.row, column="max")


def load_specs(folder: str | Path | None = None) -> SpecBook:
    """Load every era listed in ``eras.csv`` (cached for the default folder)."""
    if folder is None:
        return _load_default()
    return _load(Path(folder))


@lru_cache(maxsize=1)
def _load_default() -> SpecBook:
    return _load(specs_dir())


def _load(folder: Path) -> SpecBook:
    eras_path = folder / "eras.csv"
    specs: list[Spec] = []
    seen: dict[str, int] = {}
    for row, rec in _read_csv(eras_path, ERA_COLUMNS):
        era = rec["era"]
        if era in seen:
            raise SpecError(f"duplicate era '{era}' (first on row {seen[era]})",
                            file=eras_path, row=row, column="era")
        seen[era] = row
        if rec["index"] not in INDICES:
            raise SpecError(f"unknown index '{rec['index']}' (one of {', '.join(INDICES)})",
                            file=eras_path, row=row, column="index")
        valid_from = _year(rec["valid_from"], eras_path, row, "valid_from")
        valid_to = _year(rec["valid_to"], eras_path, row, "valid_to") if rec["valid_to"] else None
        if valid_to is not None and valid_to < valid_from:
            raise SpecError(f"valid_to {valid_to} is before valid_from {valid_from}",
                            file=eras_path, row=row, column="valid_to")
        published_only = [
            _year(y.strip(), eras_path, row, "published_only_years")
            for y in rec["published_only_years"].replace(";", " ").split() if y.strip()
        ]
        for year in published_only:
            if year < valid_from or (valid_to is not None and year > valid_to):
                raise SpecError(f"published-only year {year} is outside the era",
                                file=eras_path, row=row, column="published_only_years")
        spec = load_spec_file(
            folder / rec["file"], index=rec["index"], era=era, valid_from=valid_from,
            valid_to=valid_to, composite=rec["composite"] or rec["index"],
            published_only_years=published_only, verified=_bool(rec, "verified", eras_path, row),
            source=rec["source"], note=rec["note"],
        )
        spec = dataclasses.replace(spec, note_vi=rec.get("note_vi", ""))
        for other in specs:
            if other.index == spec.index and _overlap(other, spec):
                raise SpecError(f"era '{era}' overlaps era '{other.era}' of {spec.index}",
                                file=eras_path, row=row, column="valid_from")
        specs.append(spec)
    return SpecBook(tuple(specs))


def _overlap(a: Spec, b: Spec) -> bool:
    a_end = a.valid_to if a.valid_to is not None else 10**6
    b_end = b.valid_to if b.valid_to is not None else 10**6
    return a.valid_from <= b_end and b.valid_from <= a_end


# -- correspondences between eras ------------------------------------------------------------
CORRESPONDENCE_COLUMNS = ("old_era", "old_component", "new_era", "new_component",
                          "correspondence", "note_vi", "note_en", "source")
#: how an old component relates to a new one: the same area (criteria changed), by theme
#: only (unverified), or no one-to-one correspondence
CORRESPONDENCES = ("same_area", "by_theme", "not_one_to_one")


def load_correspondences(folder: str | Path | None = None,
                         book: SpecBook | None = None) -> tuple[dict, ...]:
    """Every ``*_to_*.csv`` table in the specs folder: which component of an era corresponds
    to which of a later era, and how (``CORRESPONDENCES``), checked against the eras."""
    folder = Path(folder) if folder is not None else specs_dir()
    book = book or (load_specs() if folder == specs_dir() else load_specs(folder))
    out = []
    for path in sorted(folder.glob("*_to_*.csv")):
        for row, rec in _read_csv(path, CORRESPONDENCE_COLUMNS):
            eras = {}
            for side in ("old", "new"):
                try:
                    eras[side] = book.era(rec[f"{side}_era"])
                except DataUnavailableError:
                    raise SpecError(f"unknown era '{rec[f'{side}_era']}'", file=path, row=row,
                                    column=f"{side}_era") from None
                if not eras[side].has(rec[f"{side}_component"]):
                    raise SpecError(f"'{rec[f'{side}_component']}' is not a component of era "
                                    f"{eras[side].era}", file=path, row=row,
                                    column=f"{side}_component")
            if eras["old"].index != eras["new"].index or eras["old"].valid_from >= eras["new"].valid_from:
                raise SpecError("the old era must come before the new one, for the same index",
                                file=path, row=row, column="new_era")
            if rec["correspondence"] not in CORRESPONDENCES:
                raise SpecError(f"correspondence '{rec['correspondence']}' is not one of "
                                + ", ".join(CORRESPONDENCES), file=path, row=row,
                                column="correspondence")
            out.append(dict(rec, index=eras["old"].index, file=path.name, row=row))
    return tuple(out)
