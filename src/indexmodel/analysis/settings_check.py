"""The plan's unverified settings against every published anchor (SIPAS, PAR INDEX).

SIPAS weights and PAR INDEX maximum points are not known; their plausible box is in the
specs. What is published excludes part of it (:mod:`indexmodel.model.consistency`):

- the province's own published rank: by the published anchors (scores and ranks,
  national and regional means: :mod:`indexmodel.model.anchors`) its composite lies in an
  interval (PAR INDEX 2023: Bình Định, 31st, in (86.98, 87.32]); settings putting the
  composite the plan's own component values give outside it are excluded;
- national means of the index and of its top components (SIPAS 2024: 83.94 overall,
  policy area 83.84, services area 84.09), where the same era's weights apply: the
  overall mean must be the weighted mean of the component means;
- the plan's own values of a parent and of all its children (SIPAS 2023 areas and
  their criteria): the parent must be the weighted mean of its children — *if* the
  published parent is computed from the printed children (it may come from finer
  sub-criteria), which is said with it.

:func:`settings_for` gives the consistent part; :class:`IndexAnalysis` (``for_plan``)
uses its central setting (the default where consistent, else the centroid of what is
left) and :func:`settings_check` reports, for the plan check, the excluded share, the
settings that remain, and every figure over the consistent part only. Where the target
year is scored under a later criteria set (PAR INDEX from 2024) it says how far the
plan's targets map, and what the later year's published anchors ask of the rank goal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from ..core.i18n import index_label, translate
from ..data.plan import Plan
from ..data.provinces import resolve
from ..data.spec import Spec, SpecBook, load_correspondences
from ..data.provinces import region_of
from ..model.anchors import NATIONAL, ROUNDING, rank_bounds, region_label
from ..model.consistency import DEFAULT_SEED, Consistency, Constraint, consistency
from ..model.field import Note, PeerField
from ..model.settings import Range, composite_range

#: "policy area 83.84, services area 84.09" in a published national mean's source or note
_AREA_MEAN = re.compile(r"([A-Za-z][A-Za-z ]*?)\s+area\s+(\d+(?:\.\d+)?)")
_EPS = 1e-9

_L = {
    "head": ("Thiết lập chưa kiểm chứng ({what}) so với mọi mốc công bố",
             "Unverified settings ({what}) against every published anchor"),
    "what.points_to_percent": ("điểm tối đa của {n} lĩnh vực", "maximum points of the {n} fields"),
    "what.weighted_mean": ("trọng số của các thành phần", "weights of the components"),
    "what.top": ("trọng số của {n} thành phần trực tiếp của chỉ số", "weights of the index's {n} components"),
    "what.sub": ("trọng số của {n} thành phần của “{parent}”", "weights of the {n} components of “{parent}”"),
    "constraint": ("Mốc ràng buộc: {text}", "Constraint: {text}"),
    "none": ("Không có mốc công bố nào ràng buộc các thiết lập này: mọi thiết lập hợp lý đều được giữ.",
             "No published anchor constrains these settings: every plausible setting is kept."),
    "alone": ("Riêng mốc này loại {share} miền hợp lý của các thiết lập nó ràng buộc.",
              "Alone it excludes {share} of the plausible box of the settings it constrains."),
    "alone.none": ("Riêng mốc này không loại thiết lập nào.", "Alone it excludes no setting."),
    "note.excluded": ("loại {share}", "{share} excluded"),
    "note.empty": ("Không có thiết lập nào trong miền hợp lý phù hợp với các mốc công bố: phân tích dùng "
                   "thiết lập mặc định, không được các mốc xác nhận.",
                   "No setting in the plausible box is consistent with the published anchors: the analysis "
                   "uses the default settings, which the anchors do not support."),
    "note.kept": ("Các mốc công bố loại một phần các thiết lập hợp lý ({shares}); thiết lập mặc định phù hợp "
                  "và được giữ.",
                  "The published anchors exclude part of the plausible settings ({shares}); the default is "
                  "consistent and kept."),
    "note.centroid": ("Các mốc công bố loại một phần các thiết lập hợp lý ({shares}), kể cả thiết lập mặc "
                      "định: phân tích dùng tâm của phần còn lại (xem mục thiết lập chưa kiểm chứng).",
                      "The published anchors exclude part of the plausible settings ({shares}), the default "
                      "among them: the analysis uses the centroid of what remains (see the section on "
                      "unverified settings)."),
    "group": ("{what}: {share} miền hợp lý phù hợp với các mốc, loại {excluded} ({method}).",
              "{what}: {share} of the plausible box is consistent with the anchors, {excluded} "
              "excluded ({method})."),
    "group.free": ("{what}: không có mốc ràng buộc, giữ toàn bộ miền hợp lý.",
                   "{what}: no anchor constrains them; the whole plausible box is kept."),
    "group.empty": ("{what}: KHÔNG có thiết lập nào trong miền hợp lý phù hợp với các mốc công bố — "
                    "hoặc miền hợp lý quá hẹp, hoặc cách tính khác với giả định; các số liệu dưới đây "
                    "dùng thiết lập mặc định và không được các mốc xác nhận.",
                    "{what}: NO setting in the plausible box is consistent with the published anchors — "
                    "either the box is too narrow or the index is computed otherwise than assumed; the "
                    "figures below use the default settings, which the anchors do not support."),
    "method.exact": ("tính chính xác: hàm phân thức tuyến tính theo các thiết lập",
                     "exact: linear-fractional in the settings"),
    "method.polygon": ("tính chính xác: đa giác trong mặt phẳng hai thiết lập",
                       "exact: a polygon in the plane of the two settings"),
    "method.sampled": ("ước lượng bằng {drawn} lần rút ngẫu nhiên, hạt giống {seed}",
                       "estimated from {drawn} seeded random draws, seed {seed}"),
    "default.ok": ("Thiết lập mặc định ({default}) phù hợp với các mốc và được giữ.",
                   "The default setting ({default}) is consistent with the anchors and is kept."),
    "default.out": ("Thiết lập mặc định ({default}; điểm tổng hợp {year} theo thiết lập này: {value}) bị "
                    "loại. Các số liệu dưới đây dùng tâm của phần còn lại (xem bảng các thiết lập) và "
                    "nêu khoảng trên phần phù hợp.",
                    "The default setting ({default}; the {year} composite under it: {value}) is excluded. "
                    "The figures below use the centroid of what remains (see the settings below) and give "
                    "ranges over the consistent part only."),
    "default.equal": ("bằng nhau", "equal"),
    "fig.baseline": ("Điểm tổng hợp {year} trên phần phù hợp: {low} – {high} (tâm {central}; toàn miền "
                     "hợp lý: {box_low} – {box_high})",
                     "Composite {year} over the consistent part: {low} – {high} (centroid {central}; "
                     "whole plausible box: {box_low} – {box_high})"),
    "fig.target": ("Điểm tổng hợp theo chỉ tiêu {year} trên phần phù hợp: {low} – {high} (tâm {central}; "
                   "toàn miền hợp lý: {box_low} – {box_high})",
                   "Composite of the {year} targets over the consistent part: {low} – {high} (centroid "
                   "{central}; whole plausible box: {box_low} – {box_high})"),
    "fig.gain": ("Mức tăng trên phần phù hợp: {low} – {high}", "Gain over the consistent part: {low} – {high}"),
    "fig.rank": ("Thứ hạng mà điểm theo chỉ tiêu ngụ ý trên phần phù hợp (các tỉnh khác giữ nguyên như năm "
                 "{year}): {interval}",
                 "Rank the target composite implies over the consistent part (peers as in {year}): "
                 "{interval}"),
    "remain": ("Các thiết lập còn lại (khoảng trên phần phù hợp; điểm tổng hợp trên 1 đơn vị):",
               "The settings that remain (range over the consistent part; composite points per unit):"),
    "remain.row": ("{name}: miền {low:g}–{high:g}, mặc định {default:g} → còn {clow} – {chigh}, tâm {central}; "
                   "{plow} – {phigh} điểm/đơn vị",
                   "{name}: box {low:g}–{high:g}, default {default:g} → {clow} – {chigh} remain, centroid "
                   "{central}; {plow} – {phigh} points per unit"),
    "kind.own_rank": ("{name} đứng thứ {rank}/{n} năm {year}: theo các mốc công bố, điểm tổng hợp của tỉnh "
                      "nằm trong {interval}; thiết lập đưa điểm tính từ các thành phần của kế hoạch ra ngoài "
                      "khoảng này bị loại.",
                      "{name} ranked {rank} of {n} in {year}: by the published anchors its composite lies "
                      "in {interval}; settings putting the composite of the plan's component values "
                      "outside it are excluded."),
    "kind.national_means": ("Năm {year}, điểm trung bình cả nước {overall} và của các thành phần ({parts}): "
                            "cùng bộ trọng số, điểm trung bình chung phải là trung bình có trọng số của "
                            "các thành phần (trong sai số làm tròn).",
                            "In {year} the national mean {overall} and the means of the components "
                            "({parts}): under the same weights the overall mean must be their weighted "
                            "mean (within rounding)."),
    "kind.own_parent": ("Kế hoạch nêu {name} năm {year} là {value} cùng các thành phần của nó: nếu giá trị "
                        "này được tính từ chính các thành phần đã nêu (có thể tính từ tiêu chí chi tiết "
                        "hơn), trọng số của chúng phải cho đúng {value}.",
                        "The plan gives {name} {year} as {value} with all its components: if that value "
                        "is computed from those components (it may come from finer sub-criteria), their "
                        "weights must give {value}."),
    "era.head": ("Từ năm {year}, {index} được chấm theo bộ tiêu chí mới: {note}.",
                 "From {year}, {index} is scored under a new criteria set: {note}."),
    "era.targets": ("Các chỉ tiêu {target} của kế hoạch được đặt theo bộ tiêu chí cũ; điểm tổng hợp theo "
                    "chỉ tiêu ở trên tính như thể bộ cũ vẫn áp dụng. Tương ứng giữa lĩnh vực cũ và mới:",
                    "The plan's {target} targets were set under the old criteria set; the target "
                    "composite above is computed as if the old set still held. How the old fields "
                    "correspond to the new areas:"),
    "era.row": ("{old} → {new}: {note}", "{old} → {new}: {note}"),
    "era.summary": ("{same} lĩnh vực cùng nội dung (tiêu chí đã đổi), {theme} chỉ tương ứng theo chủ đề "
                    "(chưa kiểm chứng), {none} không tương ứng một - một: các tỷ lệ % chỉ tiêu không "
                    "chuyển trực tiếp sang bộ mới.",
                    "{same} field(s) the same area (criteria changed), {theme} by theme only "
                    "(unverified), {none} without a one-to-one counterpart: the target percentages do "
                    "not carry over to the new set."),
    "later.head": ("Năm {year} ({set}): {facts}", "{year} ({set}): {facts}"),
    "later.region": ("Điểm trung bình vùng {region} năm {year}: {mean} (mục tiêu trong vùng: vị trí {goal}).",
                     "Mean of the {region} region in {year}: {mean} (the regional goal: place {goal})."),
    "later.same": ("cùng bộ tiêu chí", "the same criteria set"),
    "later.new": ("bộ tiêu chí mới", "the new criteria set"),
    "later.goal": ("điểm cần cho hạng {goal} năm {year} nằm trong {interval}",
                   "rank {goal} needed a score in {interval} in {year}"),
    "later.place": ("điểm theo chỉ tiêu (trên phần phù hợp {low} – {high}) ứng với hạng {interval} năm "
                    "{year}", "the target composite (over the consistent part {low} – {high}) would "
                    "have ranked {interval} in {year}"),
    "later.not_comparable": ("điểm theo chỉ tiêu tính theo bộ cũ nên không so sánh trực tiếp được",
                             "the target composite is computed under the old set, so it is not directly "
                             "comparable"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(_L, key, lang, **values)


def _f(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return f"{share:.2e}".replace("e-0", "e-")
    return f"{share:.1%}"


# -- the constraints ---------------------------------------------------------------------------
def component_means(region_means: pd.DataFrame | None, spec: Spec) -> list[dict]:
    """National means of the composite and of every top component, per year of ``spec``'s
    era, where all are published (a ``component`` column, or "<name> area <mean>" in the
    national row's source or note)."""
    if region_means is None or not len(region_means):
        return []
    rows = region_means[(region_means["index"] == spec.index) & (region_means["region"] == NATIONAL)]
    out = []
    for rec in rows.to_dict("records"):
        year = int(rec["year"])
        if not spec.covers(year) or ("component" in rec and isinstance(rec.get("component"), str)
                                     and rec["component"] not in ("", spec.composite)):
            continue
        text = " ".join(str(rec.get(c) or "") for c in ("note", "source"))
        parts: dict[str, float] = {}
        if "component" in rows.columns:
            same = rows[(rows["year"] == year) & rows["component"].isin(spec.top_components)]
            parts.update(zip(same["component"], same["mean_value"].astype(float)))
        for label, value in _AREA_MEAN.findall(text):
            matches = [c for c in spec.top_components
                       if label.strip().lower() in c.lower()
                       or label.strip().lower() in spec.name(c, "en").lower()]
            if len(matches) == 1:
                parts[matches[0]] = float(value)
        if set(parts) == set(spec.top_components):
            out.append(dict(year=year, overall=float(rec["mean_value"]), parts=parts,
                            source=str(rec.get("source") or "")))
    return out


def published_constraints(spec: Spec, own: dict, pfield: PeerField | None,
                          region_means: pd.DataFrame | None, year: int) -> list[Constraint]:
    """Every published fact that constrains ``spec``'s unverified settings (module docstring)."""
    out: list[Constraint] = []
    root = spec.root
    if pfield is not None and pfield.own_interval is not None and pfield.own_rank:
        lo, hi = pfield.own_interval
        lo_open = pfield.bounds.interval(int(pfield.own_rank))[2] if pfield.bounds is not None else False
        if lo > root.min + _EPS or hi < root.max - _EPS:
            interval = f"{'(' if lo_open else '['}{lo:.2f}, {hi:.2f}]"
            province = resolve(pfield.province)
            note = Note(*(_t("kind.own_rank", lang, name=province.name(lang), rank=pfield.own_rank,
                             n=pfield.n, year=year, interval=interval) for lang in ("vi", "en")))
            out.append(Constraint(spec.composite, dict(own), lo if lo > root.min + _EPS else None,
                                  hi if hi < root.max - _EPS else None, note, "own_rank", lo_open))
    for item in component_means(region_means, spec):
        parts = {lang: ", ".join(f"{spec.name(c, lang)} {v:.2f}" for c, v in item["parts"].items())
                 for lang in ("vi", "en")}
        note = Note(*(_t("kind.national_means", lang, year=item["year"], overall=f"{item['overall']:.2f}",
                         parts=parts[lang]) for lang in ("vi", "en")))
        out.append(Constraint(spec.composite, item["parts"], item["overall"] - ROUNDING,
                              item["overall"] + ROUNDING, note, "national_means"))
    unverified = set(spec.unverified_weights)
    for node_id in spec.ids:
        node = spec.node(node_id)
        if (node_id == spec.composite or node_id not in own or not node.children
                or not all(c in own for c in node.children)
                or not any(c in unverified for c in node.children)):
            continue
        value = own[node_id]
        note = Note(*(_t("kind.own_parent", lang, name=spec.name(node_id, lang), year=year,
                         value=f"{value:.2f}") for lang in ("vi", "en")))
        out.append(Constraint(node_id, dict(own), value - ROUNDING, value + ROUNDING, note,
                              "own_parent"))
    return out


def excluded_shares(c: Consistency, lang: str) -> str:
    """The share each constrained group of settings loses to the anchors, in words."""
    return "; ".join(f"{_group_label(c.spec, g.group, lang)}: "
                     + _t("note.excluded", lang, share=_pct(1 - g.share))
                     for g in c.groups if g.method != "none")


def analysis_note(c: Consistency) -> Note:
    """What the published anchors leave of the settings, in a sentence for the analyses' notes."""
    shares = {lang: excluded_shares(c, lang) for lang in ("vi", "en")}
    if c.empty:
        key = "note.empty"
    elif c.default_consistent:
        key = "note.kept"
    else:
        key = "note.centroid"
    return Note(*(_t(key, lang, shares=shares[lang]) for lang in ("vi", "en")))


def settings_for(spec: Spec, own: dict, pfield: PeerField | None,
                 region_means: pd.DataFrame | None, year: int, *,
                 seed: int = DEFAULT_SEED) -> Consistency:
    """The consistent part of ``spec``'s unverified settings given what is published."""
    return consistency(spec, published_constraints(spec, own, pfield, region_means, year), seed=seed)


# -- the plan check's section ----------------------------------------------------------------------
@dataclass
class SettingsCheck:
    """What the published anchors leave of an index's unverified settings, for the plan check."""

    index: str
    year: int
    target_year: int
    consistency: Consistency
    default_baseline: float | None
    central_baseline: float | None
    central_target: float | None
    box_baseline: Range | None
    box_target: Range | None
    baseline: Range | None
    target: Range | None
    gain: Range | None
    implied_rank: object | None
    settings: list[dict]
    era_change: dict | None = None
    later: dict | None = None
    parts_vi: dict = field(default_factory=dict)
    parts_en: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, index=self.index, year=self.year, target_year=self.target_year,
                       central_baseline=self.central_baseline, central_target=self.central_target,
                       settings=self.settings)

    def parts(self, lang: str = "vi") -> dict[str, list[str]]:
        """The sentences in ``lang`` by part (head, constraints, groups, figures, settings,
        era, later)."""
        return self.parts_vi if lang == "vi" else self.parts_en

    def lines(self, lang: str = "vi") -> list[str]:
        """The whole account as indented text (the plan check's)."""
        return _lines(self.parts(lang))

    def to_dict(self) -> dict:
        c = self.consistency
        rng = (lambda r: None if r is None else r.as_list())
        return {
            "constraints": [{"kind": k.kind, "bounds": k.bounds_text(), "vi": k.note.vi,
                             "en": k.note.en} for k in c.constraints],
            "consistent_share": round(c.share, 6),
            "excluded_share": round(c.excluded, 6),
            "share_method": "exact" if c.exact else "sampled",
            "nothing_consistent": c.empty,
            "groups": [{"parent": g.group.parent, "settings": list(g.group.ids),
                        "consistent_share": round(g.share, 6), "method": g.method,
                        "draws": g.drawn, "consistent_draws": g.found,
                        "default_consistent": g.default_consistent} for g in c.groups],
            "seed": c.seed,
            "default_consistent": c.default_consistent,
            "default_baseline_composite": None if self.default_baseline is None
            else round(self.default_baseline, 4),
            "central_setting": {k: round(v, 4) for k, v in c.central.items()},
            "baseline_composite": rng(self.baseline),
            "target_composite": rng(self.target),
            "gain": rng(self.gain),
            "box_baseline_composite": rng(self.box_baseline),
            "box_target_composite": rng(self.box_target),
            "implied_rank": None if self.implied_rank is None else {
                "low": self.implied_rank.low, "high": self.implied_rank.high},
            "settings": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()}
                         for s in self.settings],
            "era_change": self.era_change,
            "later_year": self.later,
            "vi": self.lines("vi"),
            "en": self.lines("en"),
        }


def settings_check(plan: Plan, index: str, book: SpecBook, *, peers=None, results=None,
                   region_means=None, seed: int = DEFAULT_SEED) -> SettingsCheck | None:
    """The plan check's account of ``index``'s unverified settings (None where it has none)."""
    from ..data.peers import default_region_means, default_results
    from .index_analysis import for_plan

    results = default_results() if results is None else results
    region_means = default_region_means() if region_means is None else region_means
    analysis = for_plan(index, plan, peers=peers, results=results, book=book,
                        region_means=region_means, seed=seed)
    c = analysis.settings
    if c is None:
        return None
    spec = c.spec
    own, targets = dict(analysis.own), dict(analysis.targets or {})
    default_base = _composite(spec, own)
    central_spec = analysis.spec
    central_base, central_target = _composite(central_spec, own), _composite(central_spec, targets)
    box_base = composite_range(spec, own, year=analysis.year)
    box_target = composite_range(spec, targets) if targets else None
    base_rng = c.range(own)
    target_rng = c.range(targets) if targets else None
    gain = c.gain_range(own, targets) if targets else None
    implied = None
    if target_rng is not None and analysis.field.national is not None:
        from ..model.ranking import RankInterval

        best, worst = analysis.place(target_rng.high), analysis.place(target_rng.low)
        implied = RankInterval(best.low, worst.high, analysis.place(central_target).central)
    settings = []
    for g in c.groups:
        for j, sid in enumerate(g.group.ids):
            wr, pr = g.weight_ranges[j], c.coefficient_range(sid)
            settings.append(dict(
                setting=sid, parent=g.group.parent, name_vi=spec.name(sid, "vi"),
                name_en=spec.name(sid, "en"), default=g.group.default[j], low=g.group.low[j],
                high=g.group.high[j], consistent_low=None if wr is None else wr.low,
                consistent_high=None if wr is None else wr.high, central=g.central[j],
                points_per_unit_low=None if pr is None else pr.low,
                points_per_unit_high=None if pr is None else pr.high))
    check = SettingsCheck(index, analysis.year, analysis.target_year or plan.target_year, c,
                          default_base, central_base, central_target, box_base, box_target,
                          base_rng, target_rng, gain, implied, settings)
    check.era_change = _era_change(plan, index, book)
    check.later = _later_year(plan, index, book, results, region_means, target_rng)
    check.parts_vi, check.parts_en = _parts(check, spec, "vi"), _parts(check, spec, "en")
    return check


def _composite(spec: Spec, values: dict) -> float | None:
    from ..model.scoring import score

    if not values:
        return None
    value = score(spec, values, warn=False).composite
    return value if math.isfinite(value) else None


def _era_change(plan: Plan, index: str, book: SpecBook) -> dict | None:
    if not plan.targets_in_earlier_era(index, book):
        return None
    old = book.spec_for(index, plan.baseline_year)
    new = book.spec_for(index, plan.target_year)
    rows = [r for r in load_correspondences(book=book) if r["old_era"] == old.era
            and r["new_era"] == new.era]
    return {"from_year": new.valid_from, "note_vi": new.note_in("vi"), "note_en": new.note_in("en"),
            "rows": [{"old": r["old_component"], "new": r["new_component"],
                      "correspondence": r["correspondence"], "old_vi": old.name(r["old_component"], "vi"),
                      "old_en": old.name(r["old_component"], "en"),
                      "new_vi": new.name(r["new_component"], "vi"),
                      "new_en": new.name(r["new_component"], "en"), "vi": r["note_vi"],
                      "en": r["note_en"], "source": r["source"]} for r in rows]}


def _later_year(plan: Plan, index: str, book: SpecBook, results: pd.DataFrame,
                region_means: pd.DataFrame, target_rng: Range | None) -> dict | None:
    """What the latest published year after the baseline asks of the rank goal."""
    goal = plan.rank(index, status="goal", year=plan.target_year)
    res = results[(results["index"] == index) & (results["year"] > plan.baseline_year)
                  & (results["year"] < plan.target_year)]
    if not goal or res.empty or res["ranked_provinces"].dropna().empty:
        return None
    year = int(res["year"].max())
    rows = res[res["year"] == year]
    n = int(rows["ranked_provinces"].dropna().max())
    spec = book.spec_for(index, year)
    bounds = rank_bounds(index, year, n, results, region_means,
                         score_range=(spec.root.min, spec.root.max))
    same = book.same_era(index, plan.baseline_year, year)
    out = {"year": year, "same_criteria_set": same, "goal": goal,
           "goal_score": list(bounds.interval(goal)[:2]),
           "goal_interval": bounds.interval_text(goal), "facts_vi": bounds.describe("vi"),
           "facts_en": bounds.describe("en")}
    region = region_of(plan.province, year)
    own_region = region_means[(region_means["index"] == index) & (region_means["year"] == year)
                              & (region_means["region"] == region)]
    if len(own_region):
        mean = float(own_region["mean_value"].iloc[0])
        out["region_mean"] = mean
        goal_regional = plan.rank(index, status="goal", scope="regional", year=plan.target_year)
        r = plan.ranks
        out_of = r[(r["index"] == index) & (r["status"] == "goal") & (r["scope"] == "regional")
                   & r["out_of"].notna()]["out_of"]
        goal = "—" if goal_regional is None else (
            f"{goal_regional}/{int(out_of.iloc[0])}" if len(out_of) else str(goal_regional))
        for lang in ("vi", "en"):
            out["facts_" + lang].append(_t("later.region", lang, region=region_label(region, lang),
                                           year=year, mean=f"{mean:.2f}", goal=goal))
    if same and target_rng is not None:
        from ..model.ranking import RankCurve

        points = [(r, s) for r, s, _ in bounds.points]
        curve = RankCurve.from_anchors(points, n, bounds=bounds.curve_bounds())
        best, worst = curve.place(target_rng.high), curve.place(target_rng.low)
        out["target_rank"] = [best.low, worst.high]
    return out


def _parts(check: SettingsCheck, spec: Spec, lang: str) -> dict[str, list[str]]:
    """The check's sentences in ``lang``, by part: head, constraints, groups (the shares and the
    default), figures, settings, era (the criteria change), later (the later year's anchors)."""
    c = check.consistency
    what = (_t("what.points_to_percent", lang, n=len(spec.unverified_weights))
            if spec.root.rule == "points_to_percent" else _t("what.weighted_mean", lang))
    parts: dict[str, list[str]] = {k: [] for k in ("head", "constraints", "groups", "figures",
                                                    "settings", "era", "later")}
    parts["head"].append(_t("head", lang, what=what))
    if not c.constraints:
        parts["constraints"].append(_t("none", lang))
    for i, k in enumerate(c.constraints):
        alone = c.alone.get(i)
        tail = ""
        if alone is not None:
            tail = " " + (_t("alone.none", lang) if alone[0] >= 1 - 1e-12 else
                          _t("alone", lang, share=_pct(1 - alone[0])))
        parts["constraints"].append(k.note(lang) + tail)
    groups = parts["groups"]
    for g in c.groups:
        label = _group_label(spec, g.group, lang)
        if g.empty:
            groups.append(_t("group.empty", lang, what=label))
        elif g.method == "none":
            groups.append(_t("group.free", lang, what=label))
        else:
            how = (_t("method.sampled", lang, drawn=f"{g.drawn:,}", seed=c.seed)
                   if g.method == "sampled" else
                   _t("method.polygon" if g.group.size == 2 else "method.exact", lang))
            groups.append(_t("group", lang, what=label, share=_pct(g.share),
                             excluded=_pct(1 - g.share), method=how))
    if c.constraints and not c.empty:
        equal = len({round(w, 6) for w in (s["default"] for s in check.settings)}) == 1
        default = _t("default.equal", lang) if equal else ", ".join(
            f"{s['default']:g}" for s in check.settings)
        if c.default_consistent:
            groups.append(_t("default.ok", lang, default=default))
        else:
            groups.append(_t("default.out", lang, default=default, year=check.year,
                             value=_f(check.default_baseline)))
    if not c.empty:
        box_b, box_t, figures = check.box_baseline, check.box_target, parts["figures"]
        if check.baseline is not None:
            figures.append(_t("fig.baseline", lang, year=check.year, low=_f(check.baseline.low),
                              high=_f(check.baseline.high), central=_f(check.central_baseline),
                              box_low=_f(box_b.low if box_b else None),
                              box_high=_f(box_b.high if box_b else None)))
        if check.target is not None:
            figures.append(_t("fig.target", lang, year=check.target_year, low=_f(check.target.low),
                              high=_f(check.target.high), central=_f(check.central_target),
                              box_low=_f(box_t.low if box_t else None),
                              box_high=_f(box_t.high if box_t else None)))
        if check.gain is not None:
            figures.append(_t("fig.gain", lang, low=_f(check.gain.low), high=_f(check.gain.high)))
        if check.implied_rank is not None:
            figures.append(_t("fig.rank", lang, year=check.year,
                              interval=_interval(check.implied_rank)))
        parts["settings"].append(_t("remain", lang))
        for s in check.settings:
            parts["settings"].append(_t(
                "remain.row", lang, name=s["name_" + lang], low=s["low"], high=s["high"],
                default=s["default"], clow=_f(s["consistent_low"]), chigh=_f(s["consistent_high"]),
                central=_f(s["central"]), plow=_f(s["points_per_unit_low"], 3),
                phigh=_f(s["points_per_unit_high"], 3)))
    if check.era_change is not None:
        era = check.era_change
        parts["era"].append(_t("era.head", lang, year=era["from_year"],
                               index=index_label(check.index, lang), note=era["note_" + lang]))
        parts["era"].append(_t("era.targets", lang, target=check.target_year))
        for r in era["rows"]:
            parts["era"].append(_t("era.row", lang, old=r["old_" + lang], new=r["new_" + lang],
                                   note=r[lang]))
        counts = {k: sum(1 for r in era["rows"] if r["correspondence"] == k)
                  for k in ("same_area", "by_theme", "not_one_to_one")}
        parts["era"].append(_t("era.summary", lang, same=counts["same_area"],
                               theme=counts["by_theme"], none=counts["not_one_to_one"]))
    if check.later is not None:
        later = check.later
        facts = [_t("later.goal", lang, goal=later["goal"], year=later["year"],
                    interval=later["goal_interval"])]
        if "target_rank" in later and check.target is not None:
            lo, hi = later["target_rank"]
            facts.append(_t("later.place", lang, low=_f(check.target.low), high=_f(check.target.high),
                            interval=str(lo) if lo == hi else f"{lo}–{hi}", year=later["year"]))
        elif not later["same_criteria_set"]:
            facts.append(_t("later.not_comparable", lang))
        parts["later"].append(_t("later.head", lang, year=later["year"],
                                 set=_t("later.same" if later["same_criteria_set"] else "later.new",
                                        lang),
                                 facts="; ".join(facts) + "."))
        parts["later"] += later["facts_" + lang]
    return parts


def _lines(parts: dict[str, list[str]]) -> list[str]:
    """The parts as the plan check's indented text."""
    lines = list(parts["head"])
    lines += ["  · " + x for x in parts["constraints"]]
    lines += ["  " + x for x in parts["groups"] + parts["figures"]]
    if parts["settings"]:
        lines += ["  " + parts["settings"][0]] + ["    - " + x for x in parts["settings"][1:]]
    if parts["era"]:
        lines += ["  " + x for x in parts["era"][:2]] + ["    - " + x for x in parts["era"][2:-1]]
        lines.append("  " + parts["era"][-1])
    if parts["later"]:
        lines += ["  " + parts["later"][0]] + ["    · " + x for x in parts["later"][1:]]
    return lines


def _group_label(spec: Spec, group, lang: str) -> str:
    node = spec.node(group.parent)
    n = len(node.children)
    if node.rule == "points_to_percent":
        return _t("what.points_to_percent", lang, n=n)
    if group.parent == spec.composite:
        return _t("what.top", lang, n=n)
    return _t("what.sub", lang, n=n, parent=spec.name(group.parent, lang))


def _interval(interval) -> str:
    return str(interval.low) if interval.low == interval.high else f"{interval.low}–{interval.high}"


def add_settings_check(check, plan: Plan, book: SpecBook, *, peers=None, results=None,
                       region_means=None, seed: int = DEFAULT_SEED) -> SettingsCheck | None:
    """Put an index's settings check into its plan check (:class:`IndexCheck`): the composites
    at the setting the analyses use, their ranges over the consistent part only, the
    components' composite points per unit at that setting, and the check itself in
    ``check.extra`` (``settings_consistency``; the whole box's ranges as ``box_range``)."""
    result = settings_check(plan, check.index, book, peers=peers, results=results,
                            region_means=region_means, seed=seed)
    if result is None:
        return None
    c = result.consistency
    check.extra["box_range"] = {
        "baseline_composite": None if result.box_baseline is None else result.box_baseline.as_list(),
        "target_composite": None if result.box_target is None else result.box_target.as_list()}
    check.extra["settings_consistency"] = result.to_dict()
    check.extra["settings_lines"] = {"vi": result.lines("vi"), "en": result.lines("en")}
    if c.empty:
        return result
    check.baseline_composite, check.target_composite = result.central_baseline, result.central_target
    check.baseline_range, check.target_range = result.baseline, result.target
    coef = c.central_spec().coefficients()
    table = check.components.copy()
    gain = check.gain
    table["points_per_unit"] = [coef.get(i, math.nan) for i in table["component"]]
    table["contribution"] = table["points_per_unit"] * table["gain"]
    table["share_of_gain"] = table["contribution"] / gain if gain else math.nan
    check.components = table
    return result
