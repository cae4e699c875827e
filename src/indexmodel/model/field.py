"""The field a province is ranked against, built from whatever the data holds.

What the data allows differs by index and year, and this module says it plainly:

``full``
    every ranked peer's composite is known (PCI 2006–2014, PAPI 2011–2014, or an
    analyst's complete peer file): ranks are exact, nationally and regionally.
``partial``
    some peers are known (the top of PCI 2019 and 2021, scattered anchors such as
    PAPI 2023's ranks 1–6 and 61). The anchors alone give *guaranteed* rank intervals;
    where another year of the same methodology era shows how scores spread over
    ranks, that spread is borrowed — shifted to pass through the province's own
    published score and rank — and each such assumption is named. The field is the
    envelope over the borrowed spreads.
``anchors``
    a handful of anchors and no spread to borrow: only guaranteed intervals.
``none``
    no peer composite at all (SIPAS, PAR INDEX at component level): the analysis shows
    the composite arithmetic and names the peer file that would unlock the rest.

Nothing is filled with invented peers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..core.cache import memo
from ..core.errors import DataUnavailableError
from ..core.i18n import index_label
from ..data.provinces import UNITS_2025, map_year, region_of, resolve
from ..data.spec import SpecBook, load_specs
from .panel import FULL_PANEL
from .ranking import EnvelopeField, ExactField, RankCurve
from .scoring import score_peers

MIN_REFERENCE_RANKS = 15
MAX_REFERENCES = 3
EXTRAPOLATE_FROM = 8


class Note(NamedTuple):
    """A sentence an analyst reads, in Vietnamese and English."""

    vi: str
    en: str

    def __call__(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


@dataclass
class PeerField:
    index: str
    year: int
    province: str
    coverage: str
    n: int | None
    national: object | None
    regional: object | None
    guaranteed: RankCurve | None
    peers: pd.DataFrame | None
    composites: pd.Series
    own_composite: float | None
    own_rank: int | None
    region: str
    assumptions: list[Note] = field(default_factory=list)
    missing: list[Note] = field(default_factory=list)
    references: list[int] = field(default_factory=list)
    #: what every published anchor says about the score at each rank (anchors fields)
    bounds: object | None = None
    #: (lowest, highest) own score the published rank and anchors allow, where the own
    #: score is not itself known (resting on unverified settings, or unpublished)
    own_interval: tuple[float, float] | None = None

    @property
    def exact(self) -> bool:
        return self.coverage == "full"

    def describe(self, lang: str = "vi") -> list[str]:
        """Plain sentences: what the field rests on and what is missing."""
        units = self.year >= UNITS_2025  # the 34 provincial units from 2025
        head = {
            "full": Note(f"Có đủ số liệu của {self.n} "
                         f"{'đơn vị hành chính cấp tỉnh' if units else 'tỉnh, thành phố'}: thứ hạng chính xác.",
                         f"Every one of the {self.n} ranked {'provincial units' if units else 'provinces'} "
                         "is known: ranks are exact."),
            "partial": Note("Chỉ biết một phần bảng xếp hạng: thứ hạng là khoảng, dựa trên các giả định dưới đây.",
                            "Only part of the table is known: ranks are intervals resting on the assumptions below."),
            "anchors": Note("Chỉ có vài mốc công bố: thứ hạng là khoảng rộng.",
                            "Only a few published anchors: ranks are wide intervals."),
            "none": Note("Không có điểm của tỉnh, thành phố nào khác: không xếp hạng được.",
                         "No other province's score is known: no rank can be computed."),
        }[self.coverage]
        return [head(lang)] + [a(lang) for a in self.assumptions] + [m(lang) for m in self.missing]


def _own_from_results(results: pd.DataFrame, index: str, year: int, province: str):
    row = results[(results["index"] == index) & (results["year"] == year)
                  & (results["province"] == province)]
    if row.empty:
        return None, None
    comp = row["composite"].iloc[0]
    rank = row["rank"].iloc[0]
    return (float(comp) if pd.notna(comp) else None), (int(rank) if pd.notna(rank) else None)


@memo(maxsize=256, copy=True)  # by content: the same for every province and notebook
def year_scores(index: str, year: int, peers: pd.DataFrame, results: pd.DataFrame,
                book: SpecBook) -> pd.DataFrame:
    """Every province with a known composite or rank in ``year``: composite, rank, origin.

    Where the year's component table is full (:data:`~indexmodel.model.panel.FULL_PANEL`
    provinces or more: an official table, an analyst's complete file) every composite is
    computed from the components. Where it holds a few profiles only, a published
    composite stands and the components fill only the provinces without one (PCI 2023:
    Thanh Hóa's profile, probably mis-keyed, gives 67.49 under the 2022 weights against its
    published 66.79).
    """
    res = results[(results["index"] == index) & (results["year"] == year)].set_index("province")
    out = pd.DataFrame({"composite": res["composite"].astype(float),
                        "rank": res["rank"].astype("Int64")}, index=res.index)
    out["origin"] = "published"
    try:
        spec = book.spec_for(index, year)
    except DataUnavailableError:
        spec = None
    if spec is not None and not spec.is_published_only(year):
        table = score_peers(peers, spec, year)
        if not table.empty:
            computed = table[spec.composite].dropna()
            published = out["composite"].dropna()
            full = len(computed) >= FULL_PANEL
            for province, value in computed.items():
                if not full and province in published.index:
                    continue
                out.loc[province, "composite"] = float(value)
                out.loc[province, "origin"] = "components"
    out["rank"] = out["rank"].astype("Int64")
    return out.sort_index()


def consistent_anchors(others: pd.DataFrame, results: pd.DataFrame, index: str, year: int
                       ) -> tuple[list[tuple[int, float]], list[Note]]:
    """The (rank, composite) anchors of a year, less any row that contradicts the others.

    Two rows contradict each other when the lower-ranked one has the higher composite
    (PCI 2023: Điện Biên, derived, 66.87 at 31st against Thanh Hóa's published 66.79 at
    30th). The row whose note says it is derived is set aside (both where neither or both
    say so), and a note names it.
    """
    rows = [(str(p), int(r), float(c)) for p, c, r in zip(others.index, others["composite"], others["rank"])
            if pd.notna(c) and pd.notna(r)]
    notes = results[(results["index"] == index) & (results["year"] == year)].set_index("province")["note"]

    def derived(province: str) -> bool:
        return "derived" in str(notes.get(province, ""))

    aside: set[str] = set()
    for a in rows:
        for b in rows:
            if b[1] > a[1] and b[2] > a[2] + 1e-9:
                if derived(a[0]) != derived(b[0]):
                    aside.add(a[0] if derived(a[0]) else b[0])
                else:
                    aside.update((a[0], b[0]))
    kept = [(r, c) for p, r, c in rows if p not in aside]
    out = []
    for p, r, c in rows:
        if p in aside:
            name_vi = resolve(p).name_vi
            out.append(Note(
                f"Không dùng làm mốc: {name_vi} năm {year} ({c:.2f} điểm, hạng {r}) mâu thuẫn với thứ hạng "
                "và điểm đã công bố của tỉnh khác (số liệu suy ra, xem ghi chú trong bảng kết quả).",
                f"Set aside as an anchor: {p} {year} ({c:.2f} at rank {r}) contradicts another "
                "province's published rank and score (a derived row; see its note in the results table)."))
    return kept, out


def _ranked_count(index: str, year: int, results: pd.DataFrame, scores: pd.DataFrame) -> int | None:
    res = results[(results["index"] == index) & (results["year"] == year)]
    counts = res["ranked_provinces"].dropna()
    if len(counts):
        return int(counts.max())
    finite = scores["composite"].notna().sum()
    return int(finite) if finite else None


def _profile(scores: pd.DataFrame) -> pd.Series:
    """Composite by rank (1..m) for a reference year, from ranks where published."""
    known = scores.dropna(subset=["composite"])
    if known["rank"].notna().sum() >= max(len(known) - 1, 1):
        ranked = known.dropna(subset=["rank"])
        prof = ranked.groupby(ranked["rank"].astype(int))["composite"].max()
    else:  # ranks not published: rank the composites
        values = np.sort(known["composite"].to_numpy())[::-1]
        prof = pd.Series(values, index=np.arange(1, len(values) + 1))
    return prof.sort_index()


def _value_at(profile: pd.Series, rank: int) -> tuple[float, bool]:
    """The reference composite at ``rank``, extrapolating linearly past the last rank."""
    if rank in profile.index:
        return float(profile.loc[rank]), False
    if rank < profile.index.max():
        return float(np.interp(rank, profile.index.to_numpy(), profile.to_numpy())), False
    tail = profile.iloc[-EXTRAPOLATE_FROM:]
    slope, intercept = np.polyfit(tail.index.to_numpy(float), tail.to_numpy(float), 1)
    return float(intercept + slope * rank), True


def build_field(index: str, year: int, province: str, *, peers: pd.DataFrame | None = None,
                results: pd.DataFrame | None = None, own_composite: float | None = None,
                own_rank: int | None = None, n: int | None = None, book: SpecBook | None = None,
                own_verified: bool = True, region_means: pd.DataFrame | None = None) -> PeerField:
    """The field ``province`` is ranked against in ``index`` and ``year``.

    ``own_composite`` / ``own_rank``: the province's own composite and published rank
    that year when they are not in the peer data (e.g. from the plan). A composite
    resting on unverified settings (``own_verified=False``) is not used as an anchor:
    the published rank then bounds the own score (:attr:`PeerField.own_interval`).
    ``region_means``: the published national and regional means (default: shipped),
    which bound the scores of the ranks no anchor gives (:mod:`indexmodel.model.anchors`).
    """
    from ..data.peers import default_peers, default_region_means, default_results

    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    region_means = default_region_means() if region_means is None else region_means
    resolved = resolve(province, year)  # "Gia Lai" in 2025 is the merged unit
    province, province_vi = resolved.name_en, resolved.name_vi
    region = region_of(resolved)
    scores = year_scores(index, year, peers, results, book)
    pub_comp, pub_rank = _own_from_results(results, index, year, province)
    if province in scores.index and scores.loc[province, "origin"] == "components":
        pub_comp = float(scores.loc[province, "composite"])
    own_composite = own_composite if own_composite is not None else pub_comp
    own_rank = own_rank if own_rank is not None else pub_rank
    n = n or _ranked_count(index, year, results, scores)
    others = scores.drop(index=province, errors="ignore")
    label = index_label(index, "en")
    label_vi = index_label(index, "vi")
    assumptions: list[Note] = []
    missing: list[Note] = []
    unlock = Note(
        f"Để có thứ hạng chính xác: cung cấp tệp số liệu đầy đủ của {label_vi} năm {year} cho tất cả "
        f"{n or 63} tỉnh, thành phố (mỗi dòng: chỉ số, năm, tỉnh, chỉ số thành phần, giá trị) làm tệp số "
        "liệu các tỉnh của nhà phân tích.",
        f"For exact ranks: supply a complete {label} {year} peer file for all {n or 63} provinces "
        "(tidy CSV: index,year,province,component,value) with --peers FILE.")

    composites = scores["composite"].dropna()
    peers_table = None
    try:
        spec = book.spec_for(index, year)
        table = score_peers(peers, spec, year)
        peers_table = table.drop(index=province, errors="ignore") if not table.empty else None
    except DataUnavailableError:
        spec = None

    known_others = others["composite"].dropna()
    if n and len(known_others) >= n - 1 and len(known_others) > 0:
        national = ExactField.from_series(known_others)
        regional_scores = known_others[[region_of(p, year) == region for p in known_others.index]]
        regional = ExactField.from_series(regional_scores) if len(regional_scores) else None
        return PeerField(index, year, province, "full", n, national, regional, None, peers_table,
                         composites, own_composite, own_rank, region, assumptions, missing)

    anchors, set_aside = consistent_anchors(others, results, index, year)
    own = (own_rank, own_composite) if (own_rank and own_composite is not None and own_verified) else None
    bounds, own_bounds, bound_notes = (None, None, [])
    if n:
        bounds, own_bounds, bound_notes = _anchor_bounds(
            index, year, n, others, anchors, (province, province_vi), own, own_rank, region_means,
            spec, label, label_vi)
    # a mean or a bounded own score is something to rank against; the index's range is not
    informative = bounds is not None and any(
        lo > spec.root.min + 1e-9 or hi < spec.root.max - 1e-9
        for lo, hi in zip(bounds.lo, bounds.hi)) if spec is not None else False
    if not n or (not anchors and own is None and not informative):
        missing.append(Note(f"Không có điểm tổng hợp nào của tỉnh khác cho {label_vi} năm {year}.",
                            f"No other province's {label} {year} composite is known."))
        missing.append(unlock)
        return PeerField(index, year, province, "none", n, None, None, None, peers_table,
                         composites, own_composite, own_rank, region, assumptions, missing)

    guaranteed = RankCurve.from_anchors(
        anchors, n, own=own, bounds=bounds.curve_bounds(own_rank) if bounds is not None else (),
        own_bounds=own_bounds)
    own_vi = f"; {province_vi} đứng thứ {own[0]} với {own[1]:.2f} điểm" if own else ""
    own_en = f"; {province} ranked {own[0]} with {own[1]:.2f}" if own else ""
    if anchors:
        assumptions.append(Note(
            f"Mốc công bố năm {year}: {len(anchors)} tỉnh có cả điểm và thứ hạng{own_vi}.",
            f"Published {year} anchors: {len(anchors)} province{'s' if len(anchors) != 1 else ''} "
            f"with both a score and a rank{own_en}."))
    else:
        assumptions.append(Note(
            f"Năm {year} không có điểm công bố của tỉnh nào khác{own_vi}.",
            f"No other province's {year} score is published{own_en}."))
    assumptions += [note for note in bound_notes if note is not None]

    assumptions += set_aside
    curves = []
    refs = []
    if spec is not None:
        candidates = []
        for ref_year in sorted(set(results.loc[results["index"] == index, "year"]) |
                               set(peers.loc[peers["index"] == index, "year"]), reverse=True):
            if ref_year == year or not spec.covers(int(ref_year)):
                continue
            if map_year(int(ref_year)) != map_year(year):  # 63 provinces do not spread as 34 units
                continue
            ref_scores = year_scores(index, int(ref_year), peers, results, book)
            ranked = ref_scores.dropna(subset=["composite"])
            if len(ranked) >= MIN_REFERENCE_RANKS:
                candidates.append((int(ref_year), ref_scores))
        for ref_year, ref_scores in candidates[:MAX_REFERENCES]:
            curve, note = _borrowed_curve(ref_year, ref_scores, anchors, own, n,
                                          (province, province_vi), year, label, label_vi)
            if curve is not None:
                curves.append(curve)
                refs.append(ref_year)
                assumptions.append(note)
    missing.append(unlock)
    if curves:
        national = EnvelopeField(tuple(curves), tuple(a.en for a in assumptions), guaranteed)
        coverage = "partial"
    else:
        national = guaranteed
        coverage = "anchors"
    missing.insert(0, Note(
        "Thứ hạng trong vùng cần điểm của mọi tỉnh trong vùng: chưa có.",
        "Regional ranks need every province of the region: not available."))
    return PeerField(index, year, province, coverage, n, national, None, guaranteed, peers_table,
                     composites, own_composite, own_rank, region, assumptions, missing, refs,
                     bounds, None if own_bounds is None else (own_bounds[1], own_bounds[2]))


def _anchor_bounds(index, year, n, others, anchors, names, own, own_rank, region_means, spec,
                   label, label_vi):
    """The bounds every published anchor and mean put on each rank's score, the own
    province's bounds where its own score is not known, and the sentences saying so: the
    first (the anchors themselves, said elsewhere) is None, then one per further fact.
    ``anchors``: the (rank, composite) anchors the field uses (rows set aside stay out)."""
    from .anchors import bounds_from_anchors

    province, province_vi = names
    kept = {(int(r), round(float(c), 9)) for r, c in anchors}
    points = [(int(r), float(c), p) for p, c, r in zip(others.index, others["composite"],
                                                        others["rank"])
              if pd.notna(c) and pd.notna(r) and (int(r), round(float(c), 9)) in kept]
    ranked = [(int(r), p) for p, c, r in zip(others.index, others["composite"], others["rank"])
              if pd.isna(c) and pd.notna(r)]
    if own is None and own_rank:
        ranked.append((int(own_rank), province))
    score_range = (spec.root.min, spec.root.max) if spec is not None else (-math.inf, math.inf)
    bounds = bounds_from_anchors(index, year, n, points, ranked, region_means,
                                 score_range=score_range)
    notes: list[Note | None] = [None]
    notes += [f for f in bounds.facts if not f.en.startswith(("Published ", "Ranks published"))]
    notes += list(bounds.checks)
    own_bounds = None
    if own is None and own_rank:
        lo, hi, _ = bounds.interval(int(own_rank))
        own_bounds = (int(own_rank), lo, hi)
        text = bounds.interval_text(int(own_rank))
        notes.append(Note(
            f"{province_vi} đứng thứ {own_rank}: theo các mốc trên, điểm {label_vi} năm {year} của "
            f"tỉnh nằm trong khoảng {text}.",
            f"{province} ranked {own_rank}: by the anchors above, its {label} {year} score lies "
            f"in {text}."))
    return bounds, own_bounds, notes


def _borrowed_curve(ref_year, ref_scores, anchors, own, n, names, year, label, label_vi):
    province, province_vi = names
    profile = _profile(ref_scores)
    extrapolated = False
    if own is not None:
        ref_value, extrapolated = _value_at(profile, own[0])
        shift = own[1] - ref_value
        how_en = f"shifted by {shift:+.2f} so that {province}'s {own[1]:.2f} sits at its rank {own[0]}"
        how_vi = f"dịch {shift:+.2f} điểm để {province_vi} ({own[1]:.2f}) đứng đúng hạng {own[0]}"
    else:
        diffs = [c - _value_at(profile, r)[0] for r, c in anchors if r <= profile.index.max()]
        if not diffs:
            return None, None
        shift = float(np.mean(diffs))
        how_en = f"shifted by {shift:+.2f} to fit the published anchors"
        how_vi = f"dịch {shift:+.2f} điểm cho khớp các mốc công bố"
    real = dict(anchors)
    points = dict(real)
    for rank, value in profile.items():
        rank = int(rank)
        if rank > n or rank in points or (own is not None and rank == own[0]):
            continue
        points[rank] = float(value) + shift
    # keep the published anchors; drop borrowed points that would contradict them
    ordered = sorted(points.items())
    kept = []
    for rank, value in ordered:
        if rank in real:
            kept.append((rank, value))
            continue
        better = [v for r, v in points.items() if r < rank and r in real]
        worse = [v for r, v in points.items() if r > rank and r in real]
        if better and value > min(better):
            continue
        if worse and value < max(worse):
            continue
        if own is not None and ((rank < own[0] and value < own[1]) or (rank > own[0] and value > own[1])):
            continue
        kept.append((rank, value))
    # enforce monotone borrowed points (ties allowed)
    mono, last = [], math.inf
    for rank, value in kept:
        value = min(value, last)
        mono.append((rank, value))
        last = value
    extra_en = (f"; ranks beyond {int(profile.index.max())} extrapolated from its last "
                f"{EXTRAPOLATE_FROM}" if extrapolated else "")
    extra_vi = (f"; các hạng sau hạng {int(profile.index.max())} được ngoại suy từ "
                f"{EXTRAPOLATE_FROM} hạng cuối" if extrapolated else "")
    note = Note(
        f"Giả định: độ phân tán điểm theo thứ hạng của {label_vi} năm {ref_year} "
        f"({len(profile)} hạng đã biết) giữ nguyên cho năm {year}, {how_vi}{extra_vi}.",
        f"Assumption: the spread of scores over ranks in {label} {ref_year} ({len(profile)} ranks "
        f"known) stands for {year}, {how_en}{extra_en}.")
    curve = RankCurve.from_anchors(mono, n, assumptions=(note.en,), own=own)
    return curve, note
