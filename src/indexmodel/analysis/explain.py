"""Why the rank moved: a year's rank change split into the province's own components,
the other provinces' moves, and the change in which provinces are ranked.

Between two consecutive years a province's rank changes because (1) its own
components moved, (2) the provinces ranked in both years moved, and (3) the set of
ranked provinces changed (a province ranked in only one of the two years: PAPI 2023
left out Quảng Ninh and Bình Dương, PCI 2008→2009 lost Hà Tây). The three act together
— whether a peer is above the province depends on both — so no order of "first ours,
then theirs" is neutral. The split here is:

- **Shapley values over the three parts.** A part's contribution is its average effect
  over the orders in which the parts could have moved. It is the one attribution that
  adds up exactly to the rank change, treats the parts symmetrically, gives zero to a
  part that did not move, and is additive over peers. A rank is one plus the number of
  peers above, so the game is a sum of one small game per peer: a peer ranked in both
  years involves only the own part and the peers' part, a peer ranked in one year only
  the own part and the ranked set. Each part's value is therefore a multiple of ½:
  ``own = ½[(own effect with peers as they were) + (own effect with peers as they became)]``.
- **Shapley values again over the own components (the Owen value).** The own part is
  split over the components that changed, each by its average effect over every
  subset of the others, computed exactly over all 2^m subsets of the m components that
  changed (m ≤ 10: at most 1024 composites per background). A component that did not
  change gets exactly zero. A rank is a step function of the composite, so a split in
  proportion to composite points would credit a component with crossings it did not
  cause; Shapley credits only crossings.

Contributions are places gained (positive = climbed) and are kept as exact fractions;
the table's ``contribution`` column rounds them to multiples of 1/256 place (largest
remainder, so the column still adds up): such binary fractions add up without rounding
error in any tool, so the column sums to the rank change exactly. The exact fraction
stands beside (``contribution_exact``).

Where a year's field is partial (PCI 2019, 2021, 2023: published tops; PAPI 2023 on
the shipped anchors), the own part's effect is the rank the province's new composite
would have taken among last year's peers, and that of its old composite among this
year's — intervals from the published anchors (:class:`indexmodel.model.ranking.RankCurve`),
so the own part is an interval and the rest (peers and the ranked set, not separable
without the peers' names) is the rank change minus it. Nothing is filled with
invented peers. Where a composite or a rank is unknown (SIPAS, PAR INDEX: no peer
scores) nothing can be split, and :class:`Explanation` says what is missing.

"What would have held the rank": the least own improvement from last year's values,
by the optimizer's difficulty (:mod:`indexmodel.model.optimize`, the costs and caps of
:mod:`indexmodel.analysis.index_analysis`: typical real one-year gains), that keeps
last year's rank against this year's peers as they really stood.

The split on plain numbers is :func:`indexmodel.model.rank_change.split_rank_change`;
rendering (text, Markdown, CSV) is in :mod:`indexmodel.analysis.explain_report`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, UsageError
from ..core.i18n import index_label
from ..data.plan import Plan, load_plan
from ..data.provinces import resolve
from ..data.spec import INDICES, Spec, SpecBook, load_specs
from ..model.field import Note, PeerField, build_field
from ..model.rank_change import (ADDS_UP, EPS, RESOLUTION, Split, count_above, rounded_contributions,
                                 split_rank_change)
from ..model.ranking import RankCurve, RankInterval
from ..model.scoring import score


PARTS = ("own", "peers", "ranked_set")

PART_COLUMNS = ["index", "year", "previous_year", "province", "part", "component", "name_vi",
                "name_en", "value_previous", "value", "change", "points", "contribution",
                "contribution_exact", "contribution_low", "contribution_high", "rank_previous",
                "rank", "ranked_previous", "ranked"]

PEER_COLUMNS = ["province", "name_vi", "status", "relation", "composite_previous", "composite",
                "change", "above_before", "above_after", "own_part", "their_part", "places"]


# -- the explanation of a real province-year ---------------------------------------------
@dataclass
class Hold:
    """The least own improvement that would have held last year's rank."""

    goal: int
    result: object | None  # model.optimize.PathResult; None where only composites are known
    actual_points: float
    actual_cost: float | None
    notes: list[Note] = field(default_factory=list)
    required: tuple[float, float] | None = None  # the composite the goal needed (an interval
    composite_previous: float | None = None      # where the table is partly known)
    composite: float | None = None


@dataclass
class Explanation:
    """Why ``province``'s rank in ``index`` moved from ``previous_year`` to ``year``.

    ``coverage``: ``exact`` (every ranked province known in both years), ``interval``
    (a year's field is partial: the own part is an interval), ``none`` (nothing can be
    split; ``reason`` says why). ``parts``: one row per part (:data:`PART_COLUMNS`);
    ``peer_moves``: the peers that moved the rank (:data:`PEER_COLUMNS`).
    """

    index: str
    year: int
    previous_year: int
    province: str
    province_vi: str
    coverage: str
    rank_previous: int | None
    rank: int | None
    ranked_previous: int | None
    ranked: int | None
    composite_previous: float | None
    composite: float | None
    parts: pd.DataFrame
    peer_moves: pd.DataFrame
    split: Split | None = None
    notes: list[Note] = field(default_factory=list)
    reason: Note | None = None
    component_level: bool = False
    hold_finder: Callable[[], Hold | None] | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, index=self.index, province=self.province,
                       years=f"{self.previous_year}→{self.year}", coverage=self.coverage,
                       rank_previous=self.rank_previous, rank=self.rank)

    @functools.cached_property
    def hold(self) -> Hold | None:
        """The least improvement that would have held last year's rank (None: not
        computable); found on first use (it solves a linear program on real panels)."""
        return self.hold_finder() if self.hold_finder is not None else None

    @property
    def gained(self) -> int | None:
        if self.rank_previous is None or self.rank is None:
            return None
        return int(self.rank_previous) - int(self.rank)

    @property
    def exact(self) -> bool:
        return self.coverage == "exact"

    def total(self, part: str) -> tuple[float, float]:
        """The (low, high) places gained by ``part`` (equal when exact)."""
        rows = self.parts[self.parts["part"] == part]
        if self.exact:
            value = float(sum(Fraction(v) for v in rows["contribution_exact"]))
            return value, value
        return float(rows["contribution_low"].sum()), float(rows["contribution_high"].sum())

    # rendering lives in explain_report
    def to_text(self, lang: str = "vi") -> str:
        from .explain_report import explanation_text
        return explanation_text(self, lang)

    def to_markdown(self, lang: str = "vi") -> str:
        from .explain_report import explanation_markdown
        return explanation_markdown(self, lang)

    def table(self, lang: str = "vi") -> pd.DataFrame:
        from .explain_report import explanation_table
        return explanation_table(self, lang)


def _own_values(index: str, year: int, name: str, spec: Spec, peers: pd.DataFrame,
                results: pd.DataFrame, plan: Plan | None) -> tuple[dict[str, float], str]:
    """The province's top components in ``year`` (empty where unknown) and where from."""
    rows = peers[(peers["index"] == index) & (peers["year"] == year) & (peers["province"] == name)]
    source = "peer data"
    values = dict(zip(rows["component"], rows["value"].astype(float)))
    if not values and plan is not None and year == plan.baseline_year \
            and resolve(plan.province).name_en == name:
        values, source = plan.component_values(index, "baseline"), "plan"
    if not values:
        return {}, ""
    scored = score(spec, values, year=year, warn=False)
    return {c: scored[c] for c in spec.top_components if math.isfinite(scored[c])}, source


def _published(results: pd.DataFrame, index: str, year: int, name: str) -> tuple[float | None, int | None]:
    rows = results[(results["index"] == index) & (results["year"] == year) & (results["province"] == name)]
    if rows.empty:
        return None, None
    comp, rank = rows["composite"].iloc[0], rows["rank"].iloc[0]
    return (float(comp) if pd.notna(comp) else None), (int(rank) if pd.notna(rank) else None)


def _composite(spec: Spec, top: Mapping[str, float], year: int) -> float | None:
    if spec.is_published_only(year) or any(c not in top for c in spec.top_components):
        return None
    value = score(spec, dict(top), year=year, warn=False).composite
    return value if math.isfinite(value) else None


def _field(index, year, name, peers, results, book, own_composite, spec) -> PeerField:
    return build_field(index, year, name, peers=peers, results=results, book=book,
                       own_composite=own_composite, own_verified=spec.verified)


def explain(index: str, year: int, province: str = "Bình Định", *, peers: pd.DataFrame | None = None,
            results: pd.DataFrame | None = None, plan: Plan | None = None,
            book: SpecBook | None = None, hold: bool = True) -> Explanation:
    """Why ``province``'s ``index`` rank moved from ``year − 1`` to ``year``.

    ``peers``/``results``: the tidy tables (default: shipped); ``plan``: the province's
    plan (its baseline values stand where the peer data hold none; default: the shipped
    plan when it is the province's); ``hold``: also find the least improvement that would
    have held last year's rank (found on first use of ``Explanation.hold``). Where nothing
    can be split (no rank or composite of the province in one of the years, no peer
    scores) the explanation's ``coverage`` is ``none`` and its ``reason`` says what is
    missing.
    """
    from ..data.peers import default_peers, default_results

    if index not in INDICES:
        raise UsageError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))
    year, prev = int(year), int(year) - 1
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    prov = resolve(province)
    name = prov.name_en
    if plan is None:
        shipped = load_plan()
        plan = shipped if resolve(shipped.province).name_en == name else None
    label_en, label_vi = index_label(index, "en"), index_label(index, "vi")
    base = dict(index=index, year=year, previous_year=prev, province=name, province_vi=prov.name_vi,
                rank_previous=None, rank=None, ranked_previous=None, ranked=None,
                composite_previous=None, composite=None)
    specs = {}
    for y in (prev, year):
        try:
            specs[y] = book.spec_for(index, y)
        except DataUnavailableError:
            return _none(base, [], Note(
                f"Không có phương pháp {label_vi} nào áp dụng cho năm {y}: không giải thích được thay đổi "
                f"thứ hạng {prev}→{year}.",
                f"No {label_en} methodology covers {y}: the rank change {prev}→{year} cannot be explained."))
    own_top = {}
    own_comp: dict[int, float | None] = {}
    sources = {}
    for y in (prev, year):
        own_top[y], sources[y] = _own_values(index, y, name, specs[y], peers, results, plan)
        published, _ = _published(results, index, y, name)
        computed = _composite(specs[y], own_top[y], y)
        own_comp[y] = computed if computed is not None else published
    fields = {}
    for y in (prev, year):
        try:
            fields[y] = _field(index, y, name, peers, results, book, own_comp[y], specs[y])
        except DataUnavailableError as exc:  # published anchors that contradict each other
            return _none(base, [], Note(
                f"Các mốc công bố {label_vi} năm {y} mâu thuẫn nhau (điểm và thứ hạng không cùng chiều): không "
                f"giải thích được thay đổi thứ hạng {prev}→{year}.",
                f"The published {label_en} {y} anchors contradict each other ({exc.reason}): the rank change "
                f"{prev}→{year} cannot be explained."))
    ranks, counts = {}, {}
    for y in (prev, year):
        f = fields[y]
        counts[y] = f.n
        _, pub_rank = _published(results, index, y, name)
        if f.coverage == "full" and own_comp[y] is not None:
            others = f.composites.drop(index=name, errors="ignore").dropna()
            ranks[y] = 1 + int(count_above(np.sort(others.to_numpy(float)), own_comp[y]))
            counts[y] = len(others) + 1
        else:
            ranks[y] = pub_rank
    base.update(rank_previous=ranks[prev], rank=ranks[year], ranked_previous=counts[prev],
                ranked=counts[year], composite_previous=own_comp[prev], composite=own_comp[year])
    missing_rank = [y for y in (prev, year) if ranks[y] is None]
    if missing_rank:
        y = missing_rank[0]
        return _none(base, [], Note(
            f"Số liệu không có thứ hạng {label_vi} năm {y} của {prov.name_vi} (không được xếp hạng hoặc chưa "
            f"công bố): không giải thích được thay đổi thứ hạng {prev}→{year}. Cần bảng số liệu đầy đủ của "
            "các tỉnh năm {y} (tệp số liệu của nhà phân tích).",
            f"The data hold no {label_en} {y} rank of {prov.name_en} (not ranked, or not published): the rank "
            f"change {prev}→{year} cannot be explained. Supply the full {y} peer file (--peers FILE)."))
    notes: list[Note] = []
    if plan is not None and any(sources[y] == "plan" for y in (prev, year)):
        y = next(y for y in (prev, year) if sources[y] == "plan")
        notes.append(Note(f"Các chỉ số thành phần năm {y} của tỉnh lấy từ kế hoạch.",
                          f"The province's {y} components come from its plan."))
    for y in (prev, year):
        published, pub_rank = _published(results, index, y, name)
        if published is not None and own_comp[y] is not None and abs(published - own_comp[y]) > 0.005:
            notes.append(Note(
                f"{label_vi} {y}: điểm tổng hợp dùng ở đây là {own_comp[y]:.4f} (tính từ các chỉ số thành "
                f"phần trong bảng số liệu các tỉnh); bảng kết quả ghi {published:.2f}.",
                f"{label_en} {y}: the composite used here is {own_comp[y]:.4f} (from the components in "
                f"the peer table); the results table states {published:.2f}."))
        if pub_rank is not None and fields[y].coverage == "full" and pub_rank != ranks[y]:
            notes.append(Note(
                f"{label_vi} {y}: thứ hạng tính từ điểm tổng hợp là {ranks[y]}, thứ hạng công bố là {pub_rank}.",
                f"{label_en} {y}: the rank computed from the composites is {ranks[y]}; the published "
                f"rank is {pub_rank}."))
    unknown = [y for y in (prev, year) if own_comp[y] is None]
    if unknown:
        y = unknown[0]
        reason = Note(
            f"Chưa biết điểm tổng hợp {label_vi} năm {y} của {prov.name_vi} (chỉ biết thứ hạng): không tách "
            f"được thay đổi thứ hạng. Cần bảng số liệu {label_vi} năm {y} của các tỉnh (tệp số liệu của nhà phân tích).",
            f"{prov.name_en}'s {label_en} {y} composite is not known (only its rank): the rank change "
            f"cannot be split. Supply the {label_en} {y} peer file (--peers FILE).")
        return _none(base, notes, reason)
    if all(fields[y].coverage == "full" for y in (prev, year)):
        return _exact(base, index, name, specs, own_top, own_comp, fields, notes, peers, results,
                      book, hold, (label_vi, label_en))
    return _interval(base, index, name, specs, own_top, own_comp, fields, ranks, notes, peers,
                     results, book, hold, (label_vi, label_en))


def _none(base: dict, notes: list[Note], reason: Note) -> Explanation:
    return Explanation(coverage="none", parts=_empty_parts(), peer_moves=_empty_peers(), notes=notes,
                       reason=reason, **base)


def _empty_parts() -> pd.DataFrame:
    return pd.DataFrame(columns=PART_COLUMNS)


def _empty_peers() -> pd.DataFrame:
    return pd.DataFrame(columns=PEER_COLUMNS)


def _component_steps(index, specs, own_top, own_comp, prev, year, labels) -> tuple[dict | None, Note | None]:
    """Composite points each own component moved, or None with the reason it cannot split."""
    label_vi, label_en = labels
    sp, sc = specs[prev], specs[year]
    if sp.era != sc.era:
        return None, Note(
            f"{label_vi} đổi phương pháp giữa {prev} và {year}: phần của tỉnh chỉ tính ở điểm tổng hợp, không "
            "tách theo chỉ số thành phần; điểm tổng hợp hai năm không cùng thang đo, nên cả phần của tỉnh và "
            "phần của các tỉnh khác đều mang ảnh hưởng của việc đổi phương pháp.",
            f"{label_en} changed its methodology between {prev} and {year}: the own part is given for "
            "the composite only, not by component; composites of the two years stand on different "
            "footings, so the own and the peers' parts both carry the change of methodology.")
    published_only = [y for y in (prev, year) if sc.is_published_only(y)]
    if published_only:
        return None, Note(
            f"{label_vi} {published_only[0]}: điểm tổng hợp giữ như công bố, không khớp các chỉ số thành phần: "
            "phần của tỉnh chỉ tính ở điểm tổng hợp.",
            f"{label_en} {published_only[0]}: the composite stands as published and does not follow its "
            "components: the own part is given for the composite only.")
    tops = sc.top_components
    if not all(math.isfinite(own_top[y].get(c, math.nan)) for y in (prev, year) for c in tops):
        y = next(y for y in (prev, year) if not all(math.isfinite(own_top[y].get(c, math.nan)) for c in tops))
        return None, Note(
            f"Chưa có đủ chỉ số thành phần {label_vi} năm {y} của tỉnh: phần của tỉnh chỉ tính ở điểm tổng hợp.",
            f"The province's {label_en} {y} components are not all known: the own part is given for the "
            "composite only.")
    coef = sc.coefficients()
    steps = {c: coef[c] * (own_top[year][c] - own_top[prev][c]) for c in tops}
    if abs(sum(steps.values()) - (own_comp[year] - own_comp[prev])) > ADDS_UP * 100:
        return None, Note(
            "Điểm tổng hợp không khớp tổng các chỉ số thành phần: phần của tỉnh chỉ tính ở điểm tổng hợp.",
            "The composites do not follow the components: the own part is given for the composite only.")
    return steps, None


def _own_rows(base, spec, own_top, prev, year, steps, own_comp) -> list[dict]:
    rows = []
    common = dict(index=base["index"], year=year, previous_year=prev, province=base["province"],
                  rank_previous=base["rank_previous"], rank=base["rank"],
                  ranked_previous=base["ranked_previous"], ranked=base["ranked"])
    if steps is None:
        node = spec.root
        rows.append(dict(common, part="own", component=spec.composite, name_vi=node.name_vi,
                         name_en=node.name_en, value_previous=own_comp[prev], value=own_comp[year],
                         change=own_comp[year] - own_comp[prev], points=own_comp[year] - own_comp[prev]))
        return rows
    for c in spec.top_components:
        node = spec.node(c)
        rows.append(dict(common, part="own", component=c, name_vi=node.name_vi, name_en=node.name_en,
                         value_previous=own_top[prev][c], value=own_top[year][c],
                         change=own_top[year][c] - own_top[prev][c], points=steps[c]))
    return rows


def _group_row(base, part, prev, year) -> dict:
    return dict(index=base["index"], year=year, previous_year=prev, province=base["province"],
                part=part, component="", name_vi="", name_en="", value_previous=math.nan,
                value=math.nan, change=math.nan, points=math.nan,
                rank_previous=base["rank_previous"], rank=base["rank"],
                ranked_previous=base["ranked_previous"], ranked=base["ranked"])


def _exact(base, index, name, specs, own_top, own_comp, fields, notes, peers, results, book,
           hold, labels) -> Explanation:
    prev, year = base["previous_year"], base["year"]
    before = fields[prev].composites.drop(index=name, errors="ignore")
    after = fields[year].composites.drop(index=name, errors="ignore")
    steps, why = _component_steps(index, specs, own_top, own_comp, prev, year, labels)
    if why is not None:
        notes.append(why)
    split = split_rank_change(own_comp[prev], own_comp[year], before.to_dict(), after.to_dict(), steps)
    if split.rank_previous != base["rank_previous"] or split.rank != base["rank"]:  # pragma: no cover
        raise RuntimeError("the split's ranks differ from the field's")
    rows = _own_rows(base, specs[year], own_top, prev, year, steps, own_comp)
    own_values = ([split.components[r["component"]] for r in rows] if steps is not None
                  else [split.own])
    rows += [_group_row(base, "peers", prev, year), _group_row(base, "ranked_set", prev, year)]
    exact = own_values + [split.peers, split.ranked_set]
    shown = rounded_contributions(exact)
    for row, value, rounded in zip(rows, exact, shown):
        row.update(contribution=rounded, contribution_exact=str(value),
                   contribution_low=float(value), contribution_high=float(value))
    parts = pd.DataFrame(rows, columns=PART_COLUMNS)
    moves = split.peer_table.copy()
    moves.insert(1, "name_vi", [resolve(p).name_vi for p in moves["province"]])
    moves = moves[PEER_COLUMNS]
    for column in ("own_part", "their_part", "places"):
        moves[column] = moves[column].map(float)
    out = Explanation(coverage="exact", parts=parts, peer_moves=moves, split=split, notes=notes,
                      component_level=steps is not None, **base)
    if hold:
        out.hold_finder = functools.partial(_hold, index, name, prev, specs, own_top, own_comp, fields[year],
                                            base["rank_previous"], steps, peers, results, book)
    return out


def _interval(base, index, name, specs, own_top, own_comp, fields, ranks, notes, peers, results,
              book, hold, labels) -> Explanation:
    """A partial field: the own part as an interval from what the anchors allow."""
    prev, year = base["previous_year"], base["year"]
    label_vi, label_en = labels
    f_prev, f_curr = fields[prev], fields[year]
    sure_prev = f_prev.national if f_prev.coverage == "full" else f_prev.guaranteed
    sure_curr = f_curr.national if f_curr.coverage == "full" else f_curr.guaranteed
    if sure_prev is None or sure_curr is None:
        y = prev if sure_prev is None else year
        reason = Note(
            f"Không có điểm của tỉnh nào khác cho {label_vi} năm {y}: không tách được thay đổi thứ hạng.",
            f"No other province's {label_en} {y} score is known: the rank change cannot be split.")
        return _none(base, notes, reason)
    r0, r1 = ranks[prev], ranks[year]
    sure = {}
    for y, curve in ((prev, sure_prev), (year, sure_curr)):
        sure[y], own_added = _with_own(curve, ranks[y], own_comp[y])
        if own_added:
            notes.append(Note(
                f"{label_vi} {y}: điểm tổng hợp {own_comp[y]:.2f} của tỉnh dựa trên trọng số chưa kiểm chứng; nó "
                f"được dùng cùng thứ hạng {ranks[y]} để đặt tỉnh giữa các mốc công bố.",
                f"{label_en} {y}: the province's composite {own_comp[y]:.2f} rests on unverified weights; it is "
                f"used with its rank {ranks[y]} to place the province among the published anchors."))
    sure_prev, sure_curr = sure[prev], sure[year]
    if sure_curr is not f_curr.guaranteed and f_curr.coverage != "full":
        f_curr = dataclasses.replace(f_curr, guaranteed=sure_curr)
    new_among_old = _place_among_peers(sure_prev, own_comp[year])   # own move alone
    old_among_new = _place_among_peers(sure_curr, own_comp[prev])   # peers' moves alone
    # own = ½[(r0 − R(own moved)) + (R(peers moved) − r1)]
    low = Fraction((r0 - new_among_old.high) + (old_among_new.low - r1), 2)
    high = Fraction((r0 - new_among_old.low) + (old_among_new.high - r1), 2)
    gained = r0 - r1
    for y, f in ((prev, f_prev), (year, f_curr)):
        if f.coverage != "full":
            notes.append(Note(
                f"{label_vi} năm {y}: chỉ biết một phần bảng xếp hạng; các khoảng dưới đây chỉ dựa trên các mốc "
                "công bố (không giả định điểm của tỉnh nào).",
                f"{label_en} {y}: only part of the table is known; the intervals below rest on the published "
                "anchors alone (no province's score is assumed)."))
            notes += [a for a in f.assumptions[:1]]
    notes.append(Note(
        "Phần do các tỉnh khác thay đổi điểm và phần do thay đổi danh sách tỉnh được xếp hạng không tách "
        "được khi chưa biết đủ các tỉnh: gộp làm một.",
        "The other provinces' moves and the change in which provinces are ranked cannot be told apart "
        "without every province known: they are given together."))
    steps, why = _component_steps(index, specs, own_top, own_comp, prev, year, labels)
    rows = _own_rows(base, specs[year], own_top, prev, year, None, own_comp)
    rows[0].update(contribution=float(low) if low == high else math.nan,
                   contribution_exact=str(low) if low == high else "",
                   contribution_low=float(low), contribution_high=float(high))
    rest = _group_row(base, "peers_and_ranked_set", prev, year)
    rest.update(contribution=float(gained - low) if low == high else math.nan,
                contribution_exact=str(gained - low) if low == high else "",
                contribution_low=float(gained - high), contribution_high=float(gained - low))
    parts = pd.DataFrame(rows + [rest], columns=PART_COLUMNS)
    out = Explanation(coverage="interval", parts=parts, peer_moves=_empty_peers(), notes=notes, **base)
    if hold and f_curr.national is not None:
        out.hold_finder = functools.partial(_hold, index, name, prev, specs, own_top, own_comp, f_curr, r0,
                                            steps, peers, results, book)
    return out


def _peer_curve(curve):
    """``curve`` with the anchors re-ranked among the peers alone (None: not known how).

    A published anchor's rank counts the province itself when the province stood above
    it; placing another composite of the province, the province leaves its own place, so
    such an anchor stands one place higher among the peers alone (and a goal rank below
    the province's own needs one peer fewer passed)."""
    if not isinstance(curve, RankCurve):  # every peer known: already among the peers
        return curve
    if curve.own is None:
        return None
    own_rank = curve.own[0]
    shifted = [(r if r <= own_rank else r - 1, v) for r, v in zip(curve.ranks, curve.scores)]
    try:
        return RankCurve.from_anchors(shifted, curve.n, assumptions=curve.assumptions, own=curve.own)
    except DataUnavailableError:  # pragma: no cover - dense ranks around the province's own
        return None


def _with_own(curve, rank: int, composite: float):
    """``curve`` with the province's own (rank, composite) as its anchor where the field left
    it out (a composite resting on unverified weights); (curve, whether it was added).
    Kept out where it contradicts the published anchors."""
    if not isinstance(curve, RankCurve) or curve.own is not None:
        return curve, False
    try:
        return RankCurve.from_anchors(list(zip(curve.ranks, curve.scores)), curve.n,
                                      assumptions=curve.assumptions, own=(rank, composite)), True
    except DataUnavailableError:
        return curve, False


def _place_among_peers(curve, composite: float) -> RankInterval:
    """The rank the province would take with ``composite`` among the peers of ``curve``.

    Without the province's own (rank, score) it is not known which anchors it stood
    above: each anchor's place among the peers alone is its rank or one better, and the
    bounds take the worse case of each."""
    if not isinstance(curve, RankCurve) or curve.own is not None:
        return curve.place(composite)  # a curve with the own place ranks among the peers itself
    above = [r for r, v in zip(curve.ranks, curve.scores) if v > composite + EPS]
    below = [r for r, v in zip(curve.ranks, curve.scores) if v <= composite + EPS]
    # an anchor above sits at its rank or one better among the peers (never above 1st)
    low = max(max(above), 2) if above else 1
    high = min(below) if below else curve.n   # an anchor at or below holds its rank at worst
    low, high = max(1, min(low, curve.n)), max(1, min(high, curve.n))
    high = max(high, low)
    return RankInterval(low, high, (low + high) / 2)


def _hold(index, name, prev, specs, own_top, own_comp, field_now: PeerField, goal, steps, peers,
          results, book) -> Hold | None:
    """The least improvement from last year's components that keeps last year's rank among
    this year's peers (the optimizer's difficulty and one year's caps); where the own part
    is known only as a composite, the composite that rank needed."""
    from .index_analysis import for_year

    year = prev + 1
    if field_now.national is None:
        return None
    if field_now.coverage != "full":  # the anchors alone, re-ranked among the peers
        curve = _peer_curve(field_now.guaranteed) if field_now.guaranteed is not None else None
        if curve is None:
            return None
        field_now = dataclasses.replace(field_now, national=curve)
    goal = int(min(goal, field_now.national.n))
    low, high = field_now.national.score_for_rank(goal)
    notes = []
    if field_now.coverage != "full":
        notes.append(Note(
            "Bảng xếp hạng năm nay chỉ biết một phần: mức cần đạt lấy ở đầu trên của khoảng điểm mà các mốc "
            "công bố cho phép.",
            "This year's table is partly known: the path aims at the upper end of the score interval the "
            "published anchors allow."))
    moved = own_comp[year] - own_comp[prev]
    analysis = None
    if steps is not None:
        try:
            analysis = for_year(index, prev, name, peers=peers, results=results, book=book)
        except DataUnavailableError:
            analysis = None
    if analysis is None:  # the composite only
        return Hold(goal, None, moved, None, notes, required=(low, high),
                    composite_previous=own_comp[prev], composite=own_comp[year])
    analysis = dataclasses.replace(analysis, field=field_now, own=dict(own_top[prev]))
    result = analysis.cheapest_path(goal, years=1)
    difficulty = analysis.difficulty()
    actual_cost = (sum(max(s / specs[prev].coefficients()[c], 0.0) * difficulty[c] for c, s in steps.items())
                   if difficulty else None)
    notes.insert(0, Note(
        "Chi phí đo bằng số năm cải thiện điển hình (1 đơn vị = 1 / mức tăng một năm trung vị thực tế của "
        "chỉ số thành phần); mỗi chỉ số thành phần tăng tối đa bằng mức tăng một năm mạnh (bách phân vị 90).",
        "Cost in typical years of improvement (1 unit = 1 / the median real one-year gain of the component); "
        "each component gains at most a strong real one-year gain (90th percentile)."))
    return Hold(goal, result, moved, actual_cost, notes, required=(low, high),
                composite_previous=own_comp[prev], composite=own_comp[year])


def explain_all(year: int, province: str = "Bình Định", **kwargs) -> dict[str, Explanation]:
    """:func:`explain` for every index (those that cannot be split say why)."""
    return {index: explain(index, year, province, **kwargs) for index in INDICES}


def check_format(fmt: str) -> str:
    if fmt not in ("text", "csv"):
        raise UsageError(f"unknown format '{fmt}'", hint="use text or csv")
    return fmt


__all__ = ["RESOLUTION", "EPS", "Explanation", "Hold", "PARTS", "PART_COLUMNS", "PEER_COLUMNS",
           "Split", "check_format", "explain", "explain_all", "rounded_contributions",
           "split_rank_change"]
