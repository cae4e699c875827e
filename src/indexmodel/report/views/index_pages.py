"""One index for one province (notebooks 01–04): :class:`IndexView`, section by section."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from ...core.errors import IndexModelError, UsageError
from ...core.i18n import index_label, t
from ...data.provinces import REGIONS
from .common import _bullets, _fmt, _pct, _rounded
from .index_labels import _ix
from .overview import _goal_text, components_figure, components_table, year_standing
from .setup import NotebookSetup


#: The budget of :meth:`IndexView.paths` (cost units: one typical one-year gain of one component).
DEFAULT_BUDGET = 2.0


def _gain_text(central, low, high) -> str:
    """'7' for an exact rank gain, '≈2 (0–3)' for an interval, '—' when unknown."""
    if central is None or pd.isna(central):
        return "—"
    if pd.isna(low) or pd.isna(high) or low == high:
        return f"{central:.0f}"
    return f"≈{central:.0f} ({low:.0f}–{high:.0f})"


def _rank_text(interval, n: int | None = None) -> str:
    if interval is None:
        return "—"
    text = interval.text()
    return f"{text}/{n}" if n and interval.exact else text


def index_analysis(setup: NotebookSetup, index: str):
    """(analysis, None) for ``index``: the plan's (:func:`indexmodel.analysis.for_plan`) where
    the plan covers the province and years, else the peer data's for the target year
    (:func:`indexmodel.analysis.for_year`); (None, a sentence saying why) where neither holds."""
    from ...analysis.index_analysis import for_plan, for_year

    lang = setup.lang
    peers, results = setup.peers(), setup.results()
    if setup.has_plan and index in set(setup.plan.values["index"]):
        return for_plan(index, setup.plan, peers=peers, results=results), None
    try:
        return for_year(index, setup.year, setup.province.name_en, peers=peers,
                        results=results), None
    except IndexModelError:
        pass
    own = peers[(peers["index"] == index) & (peers["province"] == setup.province.name_en)]
    own = own[own["value"].notna()]
    years = sorted({int(y) for y in own["year"] if setup.province.exists_in(int(y))})
    partial = None
    if setup.year in years:  # values of that year, but too few for a composite
        from ...data.spec import load_specs

        total = len(load_specs().spec_for(index, setup.year).top_components)
        have = len(set(own[own["year"] == setup.year]["component"])
                   & set(load_specs().spec_for(index, setup.year).top_components))
        if have < total:
            partial = _ix("partial_year", lang, year=setup.year, have=have, total=total)
            years.remove(setup.year)
    why = _ix("years_held", lang, years=", ".join(map(str, years)) or _ix("no_years", lang))
    if partial:
        why = partial + "; " + why
    try:
        standing = year_standing(setup, index)
    except IndexModelError:
        standing = None
    if standing and (standing["composite"] is not None or standing["rank"] is not None):
        rank = (f"{standing['rank']}/{standing['ranked']}" if standing["rank"] and standing["ranked"]
                else str(standing["rank"] or "—"))
        why += "; " + _ix("published_only", lang, year=setup.year, composite=_fmt(standing["composite"]),
                          rank=rank)
    return None, _ix("no_data", lang, index=index_label(index, lang), name=setup.name, year=setup.year,
                     why=why)


INDEX_NOTEBOOK_NUMBERS = {"pci": "01", "papi": "02", "sipas": "03", "par_index": "04"}


class IndexView:
    """What the notebook of one index shows for one province (01 PCI … 04 PAR INDEX).

    Each method returns the items of one section — Markdown strings and tables, in
    the reader's language — or a figure (None where the data allow none). Without
    data for the index and year every section says so.
    """

    def __init__(self, setup: NotebookSetup, index: str) -> None:
        from ...data.spec import INDICES

        if index not in INDICES:
            raise UsageError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))
        self.setup, self.index, self.lang = setup, index, setup.lang
        self.analysis, self.reason = index_analysis(setup, index)
        self.check = None
        self.settings_result = None  # the unverified settings against the published anchors
        if self.analysis is not None and self.analysis.targets:
            from ...analysis.plan_check import check_index
            from ...analysis.settings_check import add_settings_check
            from ...data.spec import load_specs

            book = load_specs()
            self.check = check_index(setup.plan, index, book)
            if self.check.unverified:
                self.settings_result = add_settings_check(
                    self.check, setup.plan, book, peers=setup.peers(), results=setup.results())
        self._leverage = None
        self._odds = None
        self._paths = None

    # -- helpers -------------------------------------------------------------------------
    @property
    def number(self) -> str:
        """The number of the index's notebook (01 PCI … 04 PAR INDEX): its CSV tables' prefix."""
        return INDEX_NOTEBOOK_NUMBERS[self.index]

    @property
    def label(self) -> str:
        return index_label(self.index, self.lang)

    @property
    def year(self) -> int:
        return self.analysis.year if self.analysis is not None else self.setup.year

    def _h(self, key: str, **values) -> str:
        return "## " + _ix(key, self.lang, **values)

    def _missing(self, head: str, **values) -> list:
        """A section without the index's data: its heading and a short sentence."""
        return [self._h(head, **values), _ix("skip", self.lang)]

    def _name(self, row) -> str:
        return row["name_vi"] if self.lang == "vi" else row["name_en"]

    def _goal_text(self) -> str:
        if self.check is not None:
            return _goal_text(self.check, self.lang)
        a = self.analysis
        return t("plan.top", self.lang, rank=a.goal_rank) if a is not None and a.goal_rank else "—"

    @property
    def leverage_table(self) -> pd.DataFrame | None:
        """:meth:`IndexAnalysis.leverage` (computed once)."""
        if self._leverage is None and self.analysis is not None:
            self._leverage = self.analysis.leverage()
        return self._leverage

    # -- title and what the data allows ---------------------------------------------------
    def title(self) -> list:
        items = [f"# {self.label} — {self.setup.name}"]
        if self.analysis is None:
            return items + [self.reason]
        if self.check is not None:
            items.append(_ix("sub_plan", self.lang, b=self.analysis.year,
                             t=self.analysis.target_year, goal=self._goal_text()))
        else:
            items.append(_ix("sub_year", self.lang, t=self.year))
        return items

    def _composite_text(self, value, rng) -> str:
        if value is None or not math.isfinite(value):
            return "—"
        if rng is None:
            return _fmt(value)
        return _ix("range", self.lang, value=_fmt(value), low=_fmt(rng.low), high=_fmt(rng.high))

    def _implied(self, composite, rng):
        """The rank interval of a composite (over its range of settings where unverified)."""
        from ...model.ranking import RankInterval

        a = self.analysis
        if composite is None or a.field.national is None:
            return None
        implied = a.place(composite)
        if rng is not None:
            best, worst = a.place(rng.high), a.place(rng.low)
            implied = RankInterval(best.low, worst.high, implied.central)
        return implied

    def _own_rank_text(self) -> str:
        a = self.analysis
        placed = a.rank if a.field.national is not None else None
        own = a.field.own_rank
        if placed is not None and (own is None or (placed.exact and placed.low == own)):
            return _rank_text(placed, a.field.n)
        if own:
            text = _ix("published_rank", self.lang, rank=own, n=a.field.n or "?")
            if placed is not None:
                text += "; " + _ix("placed", self.lang, rank=placed.text())
            return text
        return t("unknown", self.lang)

    def data_allows(self) -> list:
        """What the field rests on and what is missing, and the headline figures."""
        head = self._h("h_data")
        if self.analysis is None:
            return [head, self.reason]
        a, lang, check = self.analysis, self.lang, self.check
        lines = a.field.describe(lang) + [n(lang) for n in a.notes]
        if a.spec.unverified_weights:
            lines.append(_ix("unverified_note", lang, n=len(a.spec.unverified_weights)))
        base_range = check.baseline_range if check is not None else self._own_range()
        rows = [(_ix("row.composite", lang, y=a.year), self._composite_text(a.composite, base_range)),
                (_ix("row.rank", lang, y=a.year), self._own_rank_text())]
        if a.targets:
            target = a.target_composite
            rng = check.target_range if check is not None else None
            rows.append((_ix("row.target_composite", lang, y=a.target_year),
                         self._composite_text(target, rng)))
            implied = self._implied(target, rng)
            rows.append((_ix("row.implied", lang, y=a.year),
                         implied.text() if implied is not None else t("unknown", lang)))
            rows.append((_ix("row.goal", lang, y=a.target_year), self._goal_text()))
        rows.append((_ix("row.coverage", lang), _ix(f"coverage.{a.field.coverage}", lang)))
        table = pd.DataFrame(rows, columns=[_ix("col.measure", lang), _ix("col.value", lang)])
        return [head, _bullets(lines), table.set_index(_ix("col.measure", lang))]

    def _own_range(self):
        from ...model.settings import composite_range

        a = self.analysis
        if not a.spec.unverified_weights:
            return None
        return composite_range(a.spec, dict(a.own), year=a.year)

    # -- baseline against target ------------------------------------------------------------
    def _checks(self) -> dict:
        return {self.index: self.check} if self.check is not None else {}

    def components(self) -> list:
        """The component values (and targets) as :func:`components_table` shows them."""
        if self.analysis is None:
            return self._missing("h_components_year", b=self.setup.year)
        key = "h_components" if self.check is not None else "h_components_year"
        head = self._h(key, b=self.analysis.year, t=self.analysis.target_year)
        return [head, components_table(self.setup, self._checks(), self.index)]

    def components_figure(self):
        """Figure (a): result, target and best known value by component."""
        if self.analysis is None:
            return None
        return components_figure(self.setup, self._checks(), self.index)

    # -- leverage -----------------------------------------------------------------------------
    def _ordered(self, table: pd.DataFrame) -> pd.DataFrame:
        keys = [c for c in ("typical_rank_gain", "step_1pct_rank_gain", "typical_points",
                            "step_1pct_points") if c in table.columns and table[c].notna().any()]
        ordered = table.sort_values(keys, ascending=False, na_position="last", kind="mergesort")
        return ordered.reset_index(drop=True)

    def leverage(self) -> list:
        """Ranks gained per component (points where no rank can be computed), and what is missing."""
        if self.analysis is None:
            return self._missing("h_leverage")
        a, lang, y = self.analysis, self.lang, self.analysis.year
        table = self._ordered(self.leverage_table)
        self.setup.write_table(_rounded(table), f"{self.number}_leverage_{self.index}")
        measured = self._measured()
        pooled = [c for c in table["component"] if c not in measured and measured]
        base = {
            _ix("lev.component", lang): [self._name(r) + (" †" if r["component"] in pooled else "")
                                         for r in table.to_dict("records")],
            _ix("lev.value", lang, y=y): table["value"].round(2).to_numpy(),
            _ix("lev.ppu", lang): table["points_per_unit"].round(4).to_numpy(),
        }
        has_typical = table["typical_move"].notna().any()
        if has_typical:
            base[_ix("lev.typical_move", lang)] = table["typical_move"].round(2).to_numpy()
        if a.field.national is None:
            base[_ix("lev.step_points", lang)] = table["step_1pct_points"].round(3).to_numpy()
            if has_typical:
                base[_ix("lev.typical_points", lang)] = table["typical_points"].round(3).to_numpy()
            if table["target_points"].notna().any():
                base[_ix("lev.target_points", lang)] = table["target_points"].round(3).to_numpy()
            frame = pd.DataFrame(base).set_index(_ix("lev.component", lang))
            missing = [_ix("missing_head", lang), _bullets(m(lang) for m in a.field.missing)]
            return [self._h("h_leverage_points"), _ix("lev_points_intro", lang), frame] + missing

        def gains(scenario: str, scope: str = "") -> list[str]:
            return [_gain_text(r[f"{scope}{scenario}_rank_gain"], r[f"{scope}{scenario}_rank_gain_low"],
                               r[f"{scope}{scenario}_rank_gain_high"]) for r in table.to_dict("records")]

        base[_ix("lev.step", lang)] = gains("step_1pct")
        for scenario in ("typical", "strong", "target", "frontier"):
            if table[f"{scenario}_rank_gain"].notna().any():
                base[_ix(f"lev.{scenario}", lang)] = gains(scenario)
        if a.field.regional is not None and table["regional_typical_rank_gain"].notna().any():
            base[_ix("lev.regional", lang)] = gains("typical", "regional_")
        frame = pd.DataFrame(base).set_index(_ix("lev.component", lang))
        out = [self._h("h_leverage"), _ix("lev_intro", lang, y=y), frame]
        if pooled and table["typical_move"].notna().any():
            out.append(_ix("lev_dagger", lang))
        if a.field.missing:
            out += [_ix("missing_head", lang), _bullets(m(lang) for m in a.field.missing)]
        return out

    def _measured(self) -> set[str]:
        """The components whose typical improvement was measured on a real panel."""
        imp = self.analysis.improvements if self.analysis is not None else None
        if imp is None or "median" not in imp.columns:
            return set()
        return {str(c) for c, v in imp["median"].items() if pd.notna(v)}

    def leverage_figure(self):
        """Figure (b): ranks gained per component with intervals (composite points without a field)."""
        from ..plots import plot_leverage

        if self.analysis is None:
            return None
        table = self._ordered(self.leverage_table)
        label = self.label
        if self.analysis.field.national is None:
            return plot_leverage(table, lang=self.lang, gain="step_1pct_points",
                                 title=_ix("lev_fig_points", self.lang, index=label),
                                 xlabel=_ix("lev_xlabel_points", self.lang))
        scenario = "typical" if table["typical_rank_gain"].notna().any() else "step_1pct"
        key = "lev_fig" if scenario == "typical" else "lev_fig_step"
        return plot_leverage(table, lang=self.lang, gain=f"{scenario}_rank_gain",
                             low=f"{scenario}_rank_gain_low", high=f"{scenario}_rank_gain_high",
                             title=_ix(key, self.lang, index=label))

    # -- target realism -------------------------------------------------------------------------
    def realism_table(self) -> pd.DataFrame | None:
        """Per top component and the composite: the target gain against the real changes over
        the same number of years (:func:`indexmodel.model.leverage.target_realism`); None without targets."""
        from ...model.panel import changes
        from ...model.leverage import target_realism
        from ...model.scoring import score

        a = self.analysis
        if a is None or not a.targets:
            return None
        horizon = a.years_ahead
        spec = a.spec
        ids = list(spec.top_components) + [spec.composite]
        base, targ = a.scored, score(spec, a.targets, warn=False)
        baseline = {c: float(base[c]) for c in ids if math.isfinite(base[c])}
        targets = {c: float(targ[c]) for c in ids if math.isfinite(targ[c])}
        try:
            panel = a.era_panel[0]  # the real changes of the analysis's methodology era
        except IndexModelError:
            panel = None
        real, pairs = {}, {}
        for c in ids:
            try:
                ch = changes(panel, self.index, c, horizon) if panel is not None else None
            except IndexModelError:
                ch = None
            if ch is None or ch.empty:
                real[c], pairs[c] = np.array([]), ""
                continue
            real[c] = ch["change"].to_numpy(dtype=float)
            pairs[c] = ", ".join(sorted({f"{s}–{e}" for s, e in zip(ch["start"], ch["end"])}))
        table = target_realism(baseline, targets, real)
        table["pairs"] = table["component"].map(pairs)
        table["horizon"] = horizon
        return table

    def realism(self) -> list:
        head = self._h("h_realism")
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_realism")
        table = self.realism_table()
        if table is None:
            return [head, _ix("real_none", lang)]
        h = int(table["horizon"].iloc[0])
        spec = a.spec
        names = [spec.name(c, lang) for c in table["component"]]
        frame = pd.DataFrame({
            _ix("lev.component", lang): names,
            # written like the headline table (70.685 reads 70.69 everywhere)
            _ix("real.baseline", lang, y=a.year): [_fmt(v) for v in table["baseline"]],
            _ix("real.target", lang, y=a.target_year): [_fmt(v) for v in table["target"]],
            _ix("real.gain", lang): [_fmt(v) for v in table["gain"]],
            _ix("real.n", lang): table["n_real"].to_numpy(),
            _ix("real.share", lang): [_pct(v) for v in table["share_reaching"]],
            _ix("real.pct", lang): [_fmt(v, 0) for v in table["percentile"]],
            _ix("real.verdict", lang): [self._verdict(g, p) for g, p in
                                        zip(table["gain"], table["percentile"])],
            _ix("real.pairs", lang): [p or "—" for p in table["pairs"]],
        }).set_index(_ix("lev.component", lang))
        out = [head, _ix("real_intro", lang, h=h), frame]
        if (table["n_real"] == 0).all():
            out.append(_ix("real_no_panel", lang, index=self.label))
        return out

    def _verdict(self, gain, percentile) -> str:
        lang = self.lang
        if gain is not None and math.isfinite(gain) and gain <= 1e-9:
            return _ix("verdict.none", lang)
        if percentile is None or not math.isfinite(percentile):
            return _ix("verdict.unknown", lang)
        for limit, key in ((50, "common"), (75, "above"), (90, "ambitious"), (99, "rare")):
            if percentile < limit:
                return _ix(f"verdict.{key}", lang)
        return _ix("verdict.beyond", lang)

    # -- odds ----------------------------------------------------------------------------------
    def odds_result(self):
        """:meth:`IndexAnalysis.odds` of the plan's targets; without a plan, of keeping the
        current composite a year on. (odds, goal, target year, sentence) or None."""
        if self._odds is None and self.analysis is not None:
            self._odds = self._compute_odds()
        return self._odds

    def _compute_odds(self):
        a, s = self.analysis, self.setup
        lang = self.lang
        try:
            if a.targets and a.target_composite is not None:
                o = a.odds(sims=s.sims, seed=s.seed)
                comp = _fmt(o.composite)
                if o.method == "simulation":
                    how = _ix("odds.simulation", lang, sims=s.sims, seed=s.seed, composite=comp,
                              origin=o.origin, pairs=o.shift_pairs)
                elif o.method == "threshold":
                    how = _ix("odds.threshold", lang, composite=comp, goal=o.goal,
                              t=a.target_year, b=a.year)
                else:
                    how = ""
                return o, o.goal, a.target_year, how
            rank = a.rank
            if rank is None:
                return None, None, None, _ix("odds.no_goal", lang)
            goal, year = int(rank.high), a.year + 1
            o = a.odds(a.composite, goal=goal, sims=s.sims, seed=s.seed, target_year=year)
            return o, goal, year, _ix("odds.keep", lang, goal=goal, t=year, composite=_fmt(a.composite))
        except IndexModelError as exc:
            return None, None, None, exc.message

    def odds(self) -> list:
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_odds")
        o, goal, year, how = self.odds_result()
        head = self._h("h_odds") if a.targets else self._h("h_odds_year", y=a.year)
        if o is None:
            return [head, how]
        if o.p_goal is None:
            return [head, _ix("odds_none", lang), _bullets(m(lang) for m in o.missing)]
        out = [head, f"**{o.text(lang)}**", how]
        if o.distribution is not None:
            dist = o.distribution
            table = pd.DataFrame([(_ix("odds.p", lang, goal=goal), _pct(o.p_goal)),
                                  (_ix("odds.median", lang), str(o.rank_p50)),
                                  (_ix("odds.band", lang), f"{o.rank_p05}–{o.rank_p95}")],
                                 columns=[_ix("col.measure", lang), _ix("col.value", lang)])
            out.append(table.set_index(_ix("col.measure", lang)))
            self.setup.write_table(dist.table(), f"{self.number}_odds_{self.index}")
        lines = assumption_lines(o.assumption_texts(lang))
        if lines:
            translated = lang != "vi" or o.assumptions_vi is not None
            out += [_ix("assumptions_head" if translated else "assumptions_head_en", lang),
                    _bullets(lines)]
        return out

    def odds_figure(self):
        """Figure (c): the simulated rank distribution, where every peer is known (else None)."""
        from ..plots import plot_rank_probabilities

        result = self.odds_result() if self.analysis is not None else None
        if not result or result[0] is None or result[0].distribution is None:
            return None
        o, goal, year, _ = result
        probs = o.distribution.table().set_index("rank")["probability"]
        title = f"{self.label} {year} — " + plot_rank_title(goal, o.p_goal, self.lang)
        return plot_rank_probabilities(probs, goal=goal, lang=self.lang, title=title)

    # -- optimizer -------------------------------------------------------------------------------
    def path_results(self):
        """(cheapest path to the goal or None, best rank for the budget or None, messages)."""
        if self._paths is None and self.analysis is not None:
            a, lang, notes = self.analysis, self.lang, []
            path = budget = None
            if a.field.national is None:
                notes.append(_ix("path_none", lang))
            else:
                if a.goal_rank:
                    try:
                        path = a.cheapest_path()
                    except IndexModelError as exc:
                        notes.append(exc.message)
                else:
                    notes.append(_ix("path_no_goal", lang))
                try:
                    budget = a.best_rank_for_budget(DEFAULT_BUDGET)
                except IndexModelError as exc:
                    notes.append(exc.message)
            self._paths = (path, budget, notes)
        return self._paths

    def paths(self) -> list:
        head = self._h("h_paths")
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_paths")
        path, budget, notes = self.path_results()
        if path is None and budget is None:
            return [head] + notes + [_bullets(m(lang) for m in a.field.missing)]
        out = [head, _ix("path_intro", lang, budget=DEFAULT_BUDGET, years=a.years_ahead, y=a.year)]
        lines = list(notes)
        if path is not None:
            lines.append(_ix("path_goal", lang, goal=path.goal_rank, text=path.summary(lang)))
            if path.required_composite is not None and math.isfinite(path.required_composite):
                lines.append(_ix("path_required", lang, goal=path.goal_rank,
                                 value=_fmt(path.required_composite)))
                if a.field.coverage == "anchors":
                    lines.append(_ix("path_anchors", lang, goal=path.goal_rank))
        if budget is not None:
            lines.append(_ix("path_budget", lang, budget=DEFAULT_BUDGET, text=budget.summary(lang)))
        out.append(_bullets(lines))
        known = self._measured()
        ref = (path or budget).plan
        names = [self._name(r) + ("" if r["component"] in known else " †")
                 for r in ref.to_dict("records")]
        frame = pd.DataFrame({
            _ix("path.component", lang): names,
            _ix("path.value", lang, y=a.year): ref["value"].round(2).to_numpy(),
            _ix("path.cap", lang): ref["cap"].round(2).to_numpy(),
        })
        if path is not None:
            frame[_ix("path.goal_move", lang)] = path.plan["move"].round(2).to_numpy()
            frame[_ix("path.goal_cost", lang)] = path.plan["cost"].round(2).to_numpy()
        if budget is not None:
            b = DEFAULT_BUDGET
            frame[_ix("path.budget_move", lang, budget=b)] = budget.plan["move"].round(2).to_numpy()
            frame[_ix("path.budget_cost", lang, budget=b)] = budget.plan["cost"].round(2).to_numpy()
        out.append(frame.set_index(_ix("path.component", lang)))
        if len(known) < len(ref):
            out.append(_ix("dagger" if known else "dagger_none", lang))
        plans = []
        for kind, result in (("goal", path), ("budget", budget)):
            if result is not None:
                plans.append(result.plan.assign(kind=kind))
        if plans:
            self.setup.write_table(_rounded(pd.concat(plans, ignore_index=True)),
                                   f"{self.number}_paths_{self.index}")
        return out

    def path_figure(self):
        """Figure (e): the cheapest path's improvements (the budget's where the goal needs none)."""
        from ..plots import plot_recommendations

        if self.analysis is None:
            return None
        path, budget, _ = self.path_results()
        for result, key in ((path, "path_fig_goal"), (budget, "path_fig_budget")):
            if result is None:
                continue
            moved = result.plan[result.plan["move"] > 1e-9]
            if len(moved):
                title = _ix(key, self.lang, goal=result.goal_rank, budget=DEFAULT_BUDGET, index=self.label)
                return plot_recommendations(moved, lang=self.lang, title=title)
        return None

    # -- regional standing ---------------------------------------------------------------------------
    def regional(self) -> list:
        from ...data.peers import default_region_means
        from ...data.provinces import all_provinces, region_of

        head = self._h("h_regional")
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_regional")
        region = a.field.region or region_of(self.setup.province.name_en, a.year)
        size = sum(1 for p in all_provinces(a.year) if p.region == region)
        rows = [(_ix("reg.region", lang), REGIONS.get(region, region) if lang == "vi" else region),
                (_ix("reg.size", lang), str(size))]
        unknown = _ix("reg.unknown", lang)
        if a.field.regional is not None:
            regional = a.field.regional
            rows.append((_ix("reg.rank", lang, y=a.year),
                         f"{regional.place(a.composite).text()}/{regional.n}"))
            if a.target_composite is not None:
                rows.append((_ix("reg.implied", lang), regional.place(a.target_composite).text()))
        else:
            rows.append((_ix("reg.rank", lang, y=a.year), unknown))
        other = self._other_region_rule(region)
        if other:  # say which rule gave the region
            from ...data.provinces import REGION_RULES
            rows[0] = (_ix("reg.region_rule", lang, rule=REGION_RULES["centre"][lang == "en"]),
                       rows[0][1])
        rows += other
        if a.goal_regional:
            r = self.setup.plan.ranks if self.setup.has_plan else None
            out_of = None
            if r is not None:
                rows_goal = r[(r["index"] == self.index) & (r["status"] == "goal")
                              & (r["scope"] == "regional") & r["rank"].notna()]
                out_of = int(rows_goal["out_of"].iloc[0]) if len(rows_goal) and pd.notna(
                    rows_goal["out_of"].iloc[0]) else None
            rows.append((_ix("reg.goal", lang, y=a.target_year),
                         _ix("reg.goal_text", lang, rank=a.goal_regional, n=out_of or "?")))
        means = default_region_means()
        means = means[(means["index"] == self.index) & (means["region"] == region)
                      & (means["year"] <= a.year)]
        if len(means):
            latest = means.sort_values("year").iloc[-1]
            y = int(latest["year"])
            rows.append((_ix("reg.mean", lang, y=y), _fmt(float(latest["mean_value"]))))
            if y == a.year:
                mean = float(latest["mean_value"])
                gap = _fmt(a.composite - mean, signed=True)
                rng = self.check.baseline_range if self.check is not None else None
                if rng is not None and a.spec.unverified_weights:
                    gap += (f" ({_fmt(rng.low - mean, signed=True)} – "
                            f"{_fmt(rng.high - mean, signed=True)})")
                rows.append((_ix("reg.gap", lang), gap))
        table = pd.DataFrame(rows, columns=[_ix("col.measure", lang), _ix("col.value", lang)])
        out = [head, table.set_index(_ix("col.measure", lang))]
        if a.field.regional is None:
            out.append(_bullets(m(lang) for m in a.field.missing[:1]))
        return out

    def _other_region_rule(self, region: str) -> list[tuple[str, str]]:
        """A unit holding provinces of two regions (7 of 2025): its region and regional rank by
        the other rule, where the region differs (:data:`~indexmodel.data.provinces.REGION_RULES`)."""
        from ...data.provinces import REGION_RULES, all_provinces, region_of, straddles
        from ...model.ranking import ExactField

        a, lang, prov = self.analysis, self.lang, self.setup.province
        if not (straddles(prov) and prov.exists_in(a.year)):
            return []
        other = region_of(prov, rule="name")
        if other == region:
            return []
        rule = REGION_RULES["name"][lang == "en"]
        size = sum(1 for p in all_provinces(a.year) if region_of(p, rule="name") == other)
        rows = [(_ix("reg.other_region", lang, rule=rule),
                 f"{REGIONS.get(other, other) if lang == 'vi' else other} ({size})")]
        rank = _ix("reg.unknown", lang)
        if a.field.exact:
            composites = a.field.composites.drop(index=prov.name_en, errors="ignore")
            members = composites[[region_of(p, a.year, rule="name") == other for p in composites.index]]
            field = ExactField.from_series(members)
            rank = f"{field.place(a.composite).text()}/{field.n}"
        rows.append((_ix("reg.other_rank", lang, y=a.year), rank))
        return rows

    # -- unverified settings (SIPAS, PAR INDEX) ----------------------------------------------------------
    def settings(self) -> list:
        """The unverified settings: against the published anchors where the plan gives the
        province's values (:mod:`indexmodel.analysis.settings_check`), else their plain range."""
        from ...model.settings import composite_range

        head = self._h("h_settings")
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_settings")
        if self.settings_result is not None:
            from .settings_pages import settings_section

            return settings_section(self, self.settings_result)
        spec = a.spec
        if spec.fitted_weights:
            return [head] + self._fitted_settings()
        if not spec.unverified_weights:
            return [head, _ix("set.none", lang, index=self.label)]
        rows = []
        for i in spec.unverified_weights:
            node = spec.node(i)
            rows.append({_ix("set.setting", lang): _ix("set.weight", lang, name=spec.name(i, lang)),
                         _ix("set.default", lang): node.weight, _ix("set.low", lang): node.weight_low,
                         _ix("set.high", lang): node.weight_high})
        settings = pd.DataFrame(rows).set_index(_ix("set.setting", lang))
        ranges = []
        values = [(_ix("row.composite", lang, y=a.year), a.composite, dict(a.own), a.year)]
        if a.targets:
            values.append((_ix("row.target_composite", lang, y=a.target_year), a.target_composite,
                           dict(a.targets), None))
        for what, value, vals, year in values:
            rng = composite_range(spec, vals, year=year)
            implied = self._implied(value, rng) if rng is not None else None
            ranges.append({_ix("set.what", lang): what, _ix("set.default_value", lang): _fmt(value),
                           _ix("set.low", lang): _fmt(rng.low) if rng else "—",
                           _ix("set.high", lang): _fmt(rng.high) if rng else "—",
                           _ix("set.rank", lang): implied.text() if implied is not None else "—"})
        return [head, _ix("set.intro", lang), settings,
                pd.DataFrame(ranges).set_index(_ix("set.what", lang))]

    def _fitted_settings(self) -> list:
        """Weights fitted from published figures (PCI from 2022): the weights against the previous
        era's, the fit's evidence and what they imply for the province's own composite."""
        from ...analysis.baseline_check import baseline_check, fitted_weights_evidence
        from ...core.errors import DataUnavailableError
        from ...data.spec import load_specs

        a, lang, book = self.analysis, self.lang, load_specs()
        spec = a.spec
        try:
            prev = book.spec_for(spec.index, spec.valid_from - 1)
        except DataUnavailableError:
            prev = None
        years = f"{prev.valid_from}–{prev.valid_to}" if prev is not None else ""
        table = pd.DataFrame({
            _ix("set.fitted_weight", lang, year=spec.valid_from):
                [f"{100 * spec.node(c).weight:.0f}%" for c in spec.fitted_weights],
            _ix("set.previous_weight", lang, years=years):
                [f"{100 * prev.node(c).weight:.0f}%" if prev is not None and prev.has(c) else "—"
                 for c in spec.fitted_weights],
        }, index=pd.Index([spec.name(c, lang) for c in spec.fitted_weights],
                          name=_ix("set.setting", lang)))
        out = [_ix("set.fitted", lang, index=self.label, year=spec.valid_from), table]
        for part in (fitted_weights_evidence(a, book), baseline_check(a, book)):
            if part is not None:
                out.append(part["text"][lang])
        return out

    def later(self) -> list:
        """The anchors published after the baseline year and, where the target year is scored
        under a new criteria set, how far the plan's targets map to it."""
        from .settings_pages import later_section

        if self.analysis is None:
            return self._missing("h_settings")
        return later_section(self, self.settings_result)

    # -- the peers' distribution (PCI) -------------------------------------------------------------------
    def peer_year(self):
        """(year, composites by province) of the latest year ≤ the year analysed in which every
        province ranked that year has a composite; (None, None) where there is none."""
        from ...model.field import year_scores
        from ...data.provinces import all_provinces
        from ...data.spec import load_specs

        peers, results, book = self.setup.peers(), self.setup.results(), load_specs()
        years = sorted({int(y) for y in peers.loc[peers["index"] == self.index, "year"]}, reverse=True)
        for year in years:
            if year > self.year or not self.setup.province.exists_in(year):
                continue  # "Gia Lai" before 2025 is another province than the merged unit
            try:
                scores = year_scores(self.index, year, peers, results, book)
            except IndexModelError:
                continue
            composites = scores["composite"].dropna()
            if len(composites) >= len(all_provinces(year)) - 2:
                return year, composites
        return None, None

    def peer_distribution(self) -> list:
        year, composites = self.peer_year()
        lang = self.lang
        if year is None:
            return [self._h("h_peers", y="—"), _ix("peers_none", lang, index=self.label)]
        head = self._h("h_peers", y=year)
        name = self.setup.province.name_en
        if name not in composites.index:
            return [head, _ix("peers_absent", lang, name=self.setup.name, y=year)]
        from ...model.ranking import ranks_of

        ranks = ranks_of(composites)
        return [head, _ix("peers_text", lang, y=year, n=len(composites), name=self.setup.name,
                          own=_fmt(composites[name]), rank=int(ranks[name]),
                          median=_fmt(composites.median()), top=_fmt(composites.max()),
                          bottom=_fmt(composites.min()))]

    def peer_distribution_figure(self):
        """Figure (d): the composites of the latest year with every province, the province marked."""
        from ..plots import plot_peer_distribution

        year, composites = self.peer_year()
        name = self.setup.province.name_en
        if year is None or name not in composites.index:
            return None
        title = _ix("peers_title", self.lang, index=self.label, y=year, n=len(composites))
        return plot_peer_distribution(composites, float(composites[name]), province=self.setup.name,
                                      lang=self.lang, title=title)


def assumption_lines(assumptions: Iterable[str]) -> list[str]:
    """The model's assumption texts as single lines, each once, in order."""
    out: list[str] = []
    for text in assumptions:
        for line in str(text).splitlines():
            line = line.strip()
            if line.startswith("note: "):
                line = line[len("note: "):]
            if line and line not in out:
                out.append(line)
    return out


def plot_rank_title(goal, p_goal, lang: str) -> str:
    from ..plots import label

    if goal is None or p_goal is None:
        return label("rank_prob_title_nogoal", lang)
    return label("rank_prob_title", lang, goal=goal, p=f"{p_goal:.0%}")
