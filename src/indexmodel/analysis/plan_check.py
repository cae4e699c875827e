"""The plan check: does the plan's arithmetic hold, and what does each target buy?

For each index: the baseline composite and the composite of the targets (computed
from the plan's components through the spec), each component's gain, its composite
points per unit and the composite its target buys, every inconsistency in the plan's
own numbers, and — where the composite rests on unverified settings (SIPAS weights,
PAR INDEX maximum points) — the range it takes over plausible settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..core import i18n
from ..core.i18n import t
from ..data.plan import Plan, load_plan
from ..data.spec import INDICES, Spec, SpecBook, load_specs
from ..model.scoring import Inconsistency, score
from ..model.settings import Range, composite_range

COMPONENT_COLUMNS = ["component", "level", "parent", "name_vi", "name_en", "baseline", "target",
                     "gain", "max", "headroom", "points_per_unit", "contribution", "share_of_gain"]


@dataclass
class Finding:
    """Something in the plan's own numbers that does not add up, in both languages."""

    kind: str
    component: str
    year: int | None
    text_vi: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_vi if lang == "vi" else self.text_en


@dataclass
class IndexCheck:
    index: str
    spec: Spec
    baseline_year: int
    target_year: int
    baseline_composite: float | None
    target_composite: float | None
    components: pd.DataFrame
    findings: list[Finding]
    baseline_rank: int | None
    baseline_out_of: int | None
    goal_national: int | None
    goal_regional: int | None
    regional_out_of: int | None
    group_goal: str | None
    baseline_range: Range | None = None
    target_range: Range | None = None
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, index=self.index, baseline_year=self.baseline_year,
                       target_year=self.target_year, baseline_composite=self.baseline_composite,
                       target_composite=self.target_composite, baseline_rank=self.baseline_rank,
                       goal_national=self.goal_national, findings=self.findings)

    @property
    def unverified(self) -> bool:
        return bool(self.spec.unverified_weights)

    @property
    def gain(self) -> float | None:
        if self.baseline_composite is None or self.target_composite is None:
            return None
        return self.target_composite - self.baseline_composite

    def to_dict(self) -> dict:
        out = {
            "index": self.index,
            "era": self.spec.era,
            "baseline_year": self.baseline_year,
            "target_year": self.target_year,
            "baseline_composite": _round(self.baseline_composite),
            "target_composite": _round(self.target_composite),
            "gain": _round(self.gain),
            "composite_range": [self.spec.root.min, self.spec.root.max],
            "unverified": self.unverified,
            "baseline_rank": self.baseline_rank,
            "baseline_ranked_provinces": self.baseline_out_of,
            "rank_goal_national": self.goal_national,
            "rank_goal_regional": self.goal_regional,
            "regional_provinces": self.regional_out_of,
            "group_goal": self.group_goal,
            "group_goal_en": i18n.group_label(self.group_goal, "en") if self.group_goal else None,
            "components": [
                {k: (_round(v) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.components.to_dict("records")
            ],
            "inconsistencies": [
                {"kind": f.kind, "component": f.component, "year": f.year, "vi": f.text_vi,
                 "en": f.text_en} for f in self.findings
            ],
        }
        if self.unverified:
            out["unverified_settings"] = list(self.spec.unverified_weights)
            out["range"] = {
                "baseline_composite": self.baseline_range.as_list() if self.baseline_range else None,
                "target_composite": self.target_range.as_list() if self.target_range else None,
            }
        out.update(self.extra)
        return out


def _round(value, digits: int = 4):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


def _finite(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def check_index(plan: Plan, index: str, book: SpecBook) -> IndexCheck:
    base_year, target_year = plan.baseline_year, plan.target_year
    spec = book.spec_for(index, base_year)
    base_values = plan.component_values(index, "baseline")
    target_values = plan.component_values(index, "target")
    base = score(spec, base_values, year=base_year, warn=False)
    target = score(plan.spec_for(index, "target", book), target_values, year=target_year, warn=False)

    coef = spec.coefficients()
    gain_total = _finite(target.composite) - _finite(base.composite) \
        if _finite(target.composite) is not None and _finite(base.composite) is not None else None
    rows = []
    for node_id in spec.ids:
        if node_id == spec.composite or (node_id not in base_values and node_id not in target_values):
            continue
        node = spec.node(node_id)
        b, tg = base.values[node_id], target.values[node_id]
        gain = tg - b if math.isfinite(b) and math.isfinite(tg) else float("nan")
        contribution = coef.get(node_id, float("nan")) * gain
        rows.append(dict(
            component=node_id, level=spec.level(node_id), parent=node.parent or "",
            name_vi=node.name_vi, name_en=node.name_en, baseline=b, target=tg, gain=gain,
            max=node.max, headroom=node.max - tg if math.isfinite(tg) else float("nan"),
            points_per_unit=coef.get(node_id, float("nan")), contribution=contribution,
            share_of_gain=(contribution / gain_total) if gain_total else float("nan"),
        ))
    components = pd.DataFrame(rows, columns=COMPONENT_COLUMNS)

    findings: list[Finding] = []
    for year, scored in ((base_year, base), (target_year, target)):
        for issue in scored.inconsistencies:
            findings.append(_from_inconsistency(issue, spec, year))
    for row in rows:
        if math.isfinite(row["gain"]) and row["gain"] < -1e-9:
            params = dict(component=row["component"], target=row["target"], baseline=row["baseline"])
            findings.append(Finding(
                "target_below_baseline", row["component"], target_year,
                t("plan.target_below_baseline", "vi", name=row["name_vi"], **params),
                t("plan.target_below_baseline", "en", name=row["name_en"], **params)))

    check = IndexCheck(
        index=index, spec=spec, baseline_year=base_year, target_year=target_year,
        baseline_composite=_finite(base.composite), target_composite=_finite(target.composite),
        components=components, findings=findings,
        baseline_rank=plan.rank(index, status="actual", year=base_year),
        baseline_out_of=_out_of(plan, index, base_year),
        goal_national=plan.rank(index, status="goal", year=target_year),
        goal_regional=plan.rank(index, status="goal", scope="regional", year=target_year),
        regional_out_of=_out_of(plan, index, target_year, scope="regional", status="goal"),
        group_goal=plan.group_goal(index),
    )
    if check.unverified:
        check.baseline_range = composite_range(spec, base_values, year=base_year)
        check.target_range = composite_range(spec, target_values, year=target_year)
    return check


def _out_of(plan: Plan, index: str, year: int, scope: str = "national",
            status: str = "actual") -> int | None:
    r = plan.ranks
    sel = r[(r["index"] == index) & (r["component"] == index) & (r["year"] == year)
            & (r["scope"] == scope) & (r["status"] == status) & r["out_of"].notna()]
    return None if sel.empty else int(sel["out_of"].iloc[0])


def _from_inconsistency(issue: Inconsistency, spec: Spec, year: int) -> Finding:
    return Finding("parent_not_children", issue.component, year,
                   t("plan.given_parent", "vi", year=year, text=issue.describe(spec, "vi")),
                   t("plan.given_parent", "en", year=year, text=issue.describe(spec, "en")))


def check_plan(plan: Plan | None = None, book: SpecBook | None = None, *, outlook: bool = True,
               peers=None, results=None, sims: int = 2000, seed: int = 20240701,
               region_means=None) -> dict[str, IndexCheck]:
    """The plan check for every index the plan covers (keys papi, sipas, par_index, pci).

    With ``outlook`` each index also gets the rank its component targets imply and the
    probability of meeting its rank goal (see :mod:`indexmodel.analysis`). Where a
    composite rests on unverified settings, the published anchors constrain them and
    every figure resting on them is given over the consistent part only
    (:mod:`indexmodel.analysis.settings_check`).
    """
    from .settings_check import add_settings_check

    plan = plan or load_plan()
    book = book or load_specs()
    present = set(plan.values["index"])
    checks = {index: check_index(plan, index, book) for index in INDICES if index in present}
    for check in checks.values():
        if check.unverified:
            add_settings_check(check, plan, book, peers=peers, results=results,
                               region_means=region_means, seed=seed)
    if outlook:
        for index, check in checks.items():
            add_outlook(check, plan, book, peers=peers, results=results, sims=sims, seed=seed,
                        region_means=region_means)
    return checks


def add_outlook(check: IndexCheck, plan: Plan, book: SpecBook, *, peers=None, results=None,
                sims: int = 2000, seed: int = 20240701, region_means=None) -> None:
    """The rank the targets imply (peers where they stood) and the odds of the goal."""
    from .index_analysis import for_plan

    analysis = for_plan(check.index, plan, peers=peers, results=results, book=book,
                        region_means=region_means)
    target = analysis.target_composite
    implied = analysis.place(target) if target is not None else None
    if implied is not None and check.unverified and check.target_range is not None:
        # the composite rests on unverified settings: place the whole range it can take
        from ..model.ranking import RankInterval

        best, worst = analysis.place(check.target_range.high), analysis.place(check.target_range.low)
        implied = RankInterval(best.low, worst.high, implied.central,
                               "over the plausible range of the unverified settings")
    guaranteed = (analysis.field.guaranteed.place(target)
                  if analysis.field.guaranteed is not None and target is not None else None)
    odds = analysis.odds(sims=sims, seed=seed) if target is not None and check.goal_national else None
    out = {
        "field_coverage": analysis.field.coverage,
        "implied_rank": None if implied is None else {
            "low": implied.low, "high": implied.high, "central": round(implied.central, 1),
            "peers": "as they stood in the baseline year"},
        "implied_rank_anchors_only": None if guaranteed is None else {
            "low": guaranteed.low, "high": guaranteed.high},
        "p_goal": None if odds is None or odds.p_goal is None else round(odds.p_goal, 4),
        "p_goal_range": (None if odds is None or odds.p_goal_low is None
                         else [round(odds.p_goal_low, 4), round(odds.p_goal_high, 4)]),
        "odds_method": None if odds is None else odds.method,
        "odds_origin": None if odds is None else odds.origin,
        "odds_shift_pairs": None if odds is None else odds.shift_pairs,
        "odds_rank_p05_p50_p95": (None if odds is None or odds.rank_p50 is None
                                  else [odds.rank_p05, odds.rank_p50, odds.rank_p95]),
        "assumptions": analysis.field.describe("en") + ([] if odds is None else odds.assumptions),
    }
    interval = {"vi": t("unknown", "vi"), "en": t("unknown", "en")}
    if implied is not None:
        interval = {lang: implied.text() for lang in ("vi", "en")}
    prob = {lang: (odds.text(lang) if odds is not None else "—") for lang in ("vi", "en")}
    out["implied_rank_text"] = {
        lang: t("plan.implied_rank", lang, interval=interval[lang], prob=prob[lang])
        for lang in ("vi", "en")}
    out["field_notes"] = {lang: analysis.field.describe(lang) for lang in ("vi", "en")}
    from .baseline_check import baseline_check, fitted_weights_evidence

    own = baseline_check(analysis, book)
    if own is not None:
        out["baseline_check"] = own
    fitted = fitted_weights_evidence(analysis, book)
    if fitted is not None:
        out["fitted_weights"] = fitted
    check.extra.update(out)
    add_new_map(check, plan, analysis, peers=peers, results=results)


def add_new_map(check: IndexCheck, plan: Plan, analysis=None, *, peers=None, results=None,
                how=None) -> None:
    """What the index's goals mean on the map of the target year where it is the 34 units
    (:mod:`indexmodel.analysis.new_map`): interpretations, kept apart from the goals."""
    from .new_map import goals_on_new_map

    goals = goals_on_new_map(check, analysis, plan, peers=peers, results=results, how=how)
    if goals is not None:
        check.extra["new_map"] = {"unit": goals.unit.id, "interpretations": goals.facts,
                                  "text": goals.lines}


def to_json(checks: dict[str, IndexCheck], plan: Plan) -> dict:
    out: dict = {index: check.to_dict() for index, check in checks.items()}
    out["meta"] = {"province": plan.province, "baseline_year": plan.baseline_year,
                   "target_year": plan.target_year}
    return out


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def goal_text(check: IndexCheck, lang: str = "vi") -> str:
    """The index's rank goals in words: national, regional, PAPI's group."""
    goal = []
    if check.goal_national:
        goal.append(t("plan.top", lang, rank=check.goal_national))
    if check.goal_regional:
        goal.append(t("plan.regional_goal", lang, rank=check.goal_regional,
                      out_of=check.regional_out_of or "?"))
    if check.group_goal:
        goal.append(t("plan.group_goal", lang, group=i18n.group_label(check.group_goal, lang)))
    return "; ".join(goal) or "—"


def render_text(checks: dict[str, IndexCheck], plan: Plan, lang: str = "vi") -> str:
    """A plain-text plan check an analyst can read."""
    i18n.check_lang(lang)
    from ..data.provinces import resolve

    lines = [t("plan.title", lang, province=resolve(plan.province).name(lang),
               baseline=plan.baseline_year, target=plan.target_year), ""]
    for index, check in checks.items():
        lines.append("=" * 78)
        lines.append(f"{i18n.index_label(index, lang)} — {check.spec.name(index, lang)}")
        lines.append("=" * 78)
        for key, value, rng in (
            ("plan.baseline_composite", check.baseline_composite, check.baseline_range),
            ("plan.target_composite", check.target_composite, check.target_range),
        ):
            year = check.baseline_year if "baseline" in key else check.target_year
            text = f"{t(key, lang, year=year)}: {_fmt(value)}"
            if value is None:
                text = f"{t(key, lang, year=year)}: {t('plan.not_computable', lang)}"
            if check.unverified and rng is not None:
                text += " — " + t("plan.unverified", lang, low=_fmt(rng.low), high=_fmt(rng.high))
            lines.append(text)
        lines.append(f"{t('plan.gain', lang)}: {_fmt(_shown_gain(check.baseline_composite, check.target_composite, check.gain))}")
        lines.append(t("plan.composite_not_stated", lang))
        rank = (f"{check.baseline_rank}/{check.baseline_out_of}" if check.baseline_rank else
                t("unknown", lang))
        lines.append(t("plan.ranks", lang, year=check.baseline_year, rank=rank,
                       target_year=check.target_year, goal=goal_text(check, lang)))
        if "implied_rank_text" in check.extra:
            lines.append(check.extra["implied_rank_text"][lang])
            for note in check.extra["field_notes"][lang]:
                lines.append("  · " + note)
        for key in ("baseline_check", "fitted_weights"):
            if key in check.extra:
                lines.append(check.extra[key]["text"][lang])
        if "new_map" in check.extra:
            lines.append(new_map_head(check, lang))
            lines += ["  · " + line for line in check.extra["new_map"]["text"][lang]]
        if "settings_lines" in check.extra:
            lines.append("")
            lines.extend(check.extra["settings_lines"][lang])
        lines.append("")
        header = [t("col.component", lang), t("col.baseline", lang, year=check.baseline_year),
                  t("col.target", lang, year=check.target_year), t("col.gain", lang),
                  t("col.points_per_unit", lang), t("col.contribution", lang)]
        table = [header]
        for row in check.components.to_dict("records"):
            indent = "  " * (row["level"] - 1)
            name = row["name_vi"] if lang == "vi" else row["name_en"]
            table.append([indent + name, _fmt(row["baseline"]), _fmt(row["target"]),
                          _fmt(_shown_gain(row["baseline"], row["target"], row["gain"])),
                          _fmt(row["points_per_unit"], 3),
                          _fmt(row["contribution"], 3)])
        lines.extend(_table(table))
        lines.append("")
        lines.append(t("plan.inconsistencies", lang) + ":")
        if not check.findings:
            lines.append("  " + t("plan.none_found", lang))
        for finding in check.findings:
            lines.append("  - " + finding.text(lang))
        lines.append("")
    return "\n".join(lines)


def new_map_head(check: IndexCheck, lang: str) -> str:
    """The heading of the interpretations on the new map."""
    from .new_map import _t as new_map_label

    facts = check.extra["new_map"]["interpretations"]
    return new_map_label("head", lang, n=facts["units"], year=check.target_year) + ":"


def _shown_gain(base, target, gain):
    """The gain between two figures as they are shown (two decimals): it adds up as read."""
    try:
        if math.isfinite(base) and math.isfinite(target):
            return round(round(target, 2) - round(base, 2), 2)
    except TypeError:
        pass
    return gain


def _table(rows: list[list[str]], first: int = 46) -> list[str]:
    """A text table; the first column's names wrapped at ``first`` characters, never cut."""
    import textwrap

    def wrapped(text: str) -> list[str]:
        indent = text[: len(text) - len(text.lstrip())]
        return textwrap.wrap(text, first, subsequent_indent=indent + "  ") or [text]

    col0 = [wrapped(r[0]) for r in rows]
    widths = [max(len(x) for lines in col0 for x in lines)] + [
        max(len(r[i]) for r in rows) for i in range(1, len(rows[0]))]
    out = []
    for n, (row, names) in enumerate(zip(rows, col0)):
        for k, name in enumerate(names):
            cells = [name.ljust(widths[0])] + [(c if k == len(names) - 1 else "").rjust(w)
                                               for c, w in zip(row[1:], widths[1:])]
            out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out
