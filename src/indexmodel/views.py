"""What a notebook shows: its setup, and the tables, texts and figures it displays.

The numbered notebooks under ``notebooks/`` stay thin: each cell calls one function of
this module (or of the analysis modules) and displays what it returns. This module
holds no model logic: it asks the analysis modules for results
(:mod:`indexmodel.analysis`, :mod:`indexmodel.plan_check`, :mod:`indexmodel.backtest`,
:mod:`indexmodel.ownership`, :mod:`indexmodel.monitor`, :mod:`indexmodel.trajectory`,
:mod:`indexmodel.sensitivity`) and turns them into

- tables with column labels in the reader's language (``vi`` or ``en``), numbers
  rounded for reading, intervals written as text;
- Markdown sentences (titles, what the data allows, what is missing and which peer
  file would supply it);
- figures from :mod:`indexmodel.plots` (a–g) and the few the plots module does not
  draw (the backtest's errors, leverage against tasks).

Everything starts from :func:`setup_notebook`, which checks a notebook's parameters
(the ones :func:`indexmodel.report.run` passes) and says where figures and CSV tables
go. :class:`IndexView` is one index for one province (the notebooks 01–04); the
functions after it serve the scenario, backtest, agency and monitoring notebooks.

A province and year without the plan (``province="Da Nang", target_year=2014``) is
analysed from the peer data of that year; whatever the data cannot give is said in
a sentence, never filled in.
"""

from __future__ import annotations

import atexit
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import IndexModelError, UsageError
from .i18n import check_lang, group_label, index_label, t
from .provinces import REGIONS, Province, resolve

DEFAULT_SIMS = 2000
DEFAULT_SEED = 20240701
#: The budget of :meth:`IndexView.paths` (cost units: one typical one-year gain of one component).
DEFAULT_BUDGET = 2.0
#: Simulations the backtest notebook uses at most (27 PCI year pairs: fast enough at 300).
BACKTEST_SIMS = 300
#: Monte Carlo draws of the sensitivity sweep at most (each draw redoes the analysis).
SENSITIVITY_SIMS = 100


def show(*items) -> None:
    """Display each item in a notebook: text as Markdown, anything else as itself."""
    from IPython.display import Markdown, display

    for item in items:
        if item is None:
            continue
        display(Markdown(item) if isinstance(item, str) else item)


def _pick(pair: tuple[str, str], lang: str, **values) -> str:
    text = pair[0] if lang == "vi" else pair[1]
    return text.format(**values) if values else text


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines if line)


def _fmt(value, digits: int = 2, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _pct(value) -> str:
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        return "—"
    return f"{float(value):.0%}"


# ==========================================================================================
# Setup, the overview tables (00) and the data inventory (90).
# ==========================================================================================
@dataclass
class NotebookSetup:
    """A notebook's parameters, checked, with the data it needs and where its outputs go.

    ``figures_dir`` None (a notebook opened by hand, or run by nbval) writes figures to
    a temporary folder; ``tables_dir`` None writes no CSV.
    """

    province: Province
    baseline_year: int
    target_year: int
    lang: str
    peers_file: Path | None
    sims: int
    seed: int
    figures_dir: Path
    tables_dir: Path | None
    extra_peers: pd.DataFrame | None = field(default=None, repr=False)
    _plan: object = field(default=None, repr=False)
    _peers: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.province.name(self.lang)

    @property
    def plan(self):
        if self._plan is None:
            from .plan import load_plan

            self._plan = load_plan()
        return self._plan

    @property
    def has_plan(self) -> bool:
        """True when the plan is this province's and covers the two years asked."""
        plan = self.plan
        return (resolve(plan.province).id == self.province.id
                and (self.baseline_year, self.target_year) == (plan.baseline_year, plan.target_year))

    def peers(self) -> pd.DataFrame:
        """The shipped component table with the analyst's file laid over it: every (index,
        year) the file covers replaces the shipped rows of that index and year (as
        :func:`indexmodel.peers.with_analyst_file` does)."""
        if self._peers is None:
            from .peers import default_peers

            shipped = default_peers()
            if self.extra_peers is None:
                self._peers = shipped
            else:
                extra = self.extra_peers
                covered = set(zip(extra["index"], extra["year"]))
                keep = [(i, y) not in covered for i, y in zip(shipped["index"], shipped["year"])]
                both = pd.concat([shipped[keep], extra], ignore_index=True)
                self._peers = both.sort_values(["index", "year", "province", "component"],
                                               kind="mergesort").reset_index(drop=True)
        return self._peers.copy()

    def results(self) -> pd.DataFrame:
        """The shipped table of published composites and ranks."""
        from .peers import default_results

        return default_results()

    @property
    def year(self) -> int:
        """The year analysed: the plan's baseline year, else the target year (peer data)."""
        return self.baseline_year if self.has_plan else self.target_year

    def save(self, fig, name: str) -> Path:
        """Save a figure as ``<figures_dir>/<name>.png`` (deterministic bytes)."""
        from .plots import save_figure

        return save_figure(fig, self.figures_dir / f"{name}.png")

    def show(self, path: str | Path):
        """The saved PNG, for display (what the reader sees is the file written)."""
        from IPython.display import Image

        return Image(data=Path(path).read_bytes(), format="png")

    def write_table(self, frame: pd.DataFrame, name: str) -> Path | None:
        """Write ``frame`` as ``<tables_dir>/<name>.csv`` (atomic, byte-repeatable)."""
        if self.tables_dir is None:
            return None
        from .output import write_csv_atomic

        return write_csv_atomic(frame, self.tables_dir / f"{name}.csv")


def setup_notebook(province: str, baseline_year: int, target_year: int, lang: str = "vi",
                   peers_file: str | None = None, sims: int = DEFAULT_SIMS,
                   seed: int = DEFAULT_SEED, figures_dir: str | None = None,
                   tables_dir: str | None = None) -> NotebookSetup:
    """Check a notebook's parameters (the ones :func:`run` passes) and load what it needs."""
    from .peers import load_peers
    from .plots import use_style

    check_lang(lang)
    where = resolve(province)
    extra = load_peers(peers_file) if peers_file else None
    if figures_dir:
        figures = Path(figures_dir)
    else:  # opened by hand or run by nbval: a temporary folder, removed when the kernel exits
        figures = Path(tempfile.mkdtemp(prefix="indexmodel-fig-"))
        atexit.register(shutil.rmtree, figures, True)
    figures.mkdir(parents=True, exist_ok=True)
    tables = Path(tables_dir) if tables_dir else None
    use_style()
    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", 200)
    pd.set_option("display.max_rows", 500)
    setup = NotebookSetup(province=where, baseline_year=int(baseline_year),
                          target_year=int(target_year), lang=lang,
                          peers_file=Path(peers_file) if peers_file else None, sims=int(sims),
                          seed=int(seed), figures_dir=figures, tables_dir=tables,
                          extra_peers=extra)
    if not setup.has_plan:
        # without the province's plan for these years the year analysed is the target
        # year, from the peer data (as indexmodel.report.prepare does for a run)
        setup.baseline_year = setup.target_year
    return setup


_OVERVIEW = {
    "index": ("Chỉ số", "Index"),
    "baseline": ("Điểm {year}", "Score {year}"),
    "target": ("Điểm theo chỉ tiêu {year}", "Score of the {year} targets"),
    "gain": ("Mức tăng", "Gain"),
    "range": ("Khoảng (thiết lập chưa kiểm chứng)", "Range (unverified settings)"),
    "rank": ("Thứ hạng {year}", "Rank {year}"),
    "goal": ("Mục tiêu {year}", "Goal {year}"),
    "findings": ("Điểm không nhất quán", "Inconsistencies"),
    "component": ("Thành phần", "Component"),
    "finding": ("Nội dung", "Finding"),
    "year": ("Năm", "Year"),
    "best": ("Cao nhất đã biết", "Best known"),
    "max": ("Tối đa", "Maximum"),
    "composite": ("Điểm tổng hợp", "Composite"),
    "ranked": ("Số tỉnh được xếp hạng", "Provinces ranked"),
    "source": ("Nguồn", "Source"),
}


def col(key: str, lang: str, **values) -> str:
    """A column label of the overview tables in ``lang``."""
    check_lang(lang)
    vi, en = _OVERVIEW[key]
    return (vi if lang == "vi" else en).format(**values)


def _r(value, digits: int = 2):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) \
        else round(float(value), digits)


def _goal_text(check, lang: str) -> str:
    goal = []
    if check.goal_national:
        goal.append(t("plan.top", lang, rank=check.goal_national))
    if check.goal_regional:
        goal.append(t("plan.regional_goal", lang, rank=check.goal_regional,
                      out_of=check.regional_out_of or "?"))
    if check.group_goal:
        goal.append(t("plan.group_goal", lang, group=group_label(check.group_goal, lang)))
    return "; ".join(goal) or "—"


def overview_summary(checks: Mapping, lang: str = "vi") -> pd.DataFrame:
    """One row per index: composites of the baseline and the targets, ranks, goals, findings."""
    rows = []
    for index, check in checks.items():
        rng = ""
        if check.unverified and check.baseline_range and check.target_range:
            rng = (f"{check.baseline_range.low:.2f}–{check.baseline_range.high:.2f} → "
                   f"{check.target_range.low:.2f}–{check.target_range.high:.2f}")
        rank = (f"{check.baseline_rank}/{check.baseline_out_of}" if check.baseline_rank
                and check.baseline_out_of else (str(check.baseline_rank) if check.baseline_rank
                                                else t("unknown", lang)))
        rows.append({
            col("index", lang): index_label(index, "en"),
            col("baseline", lang, year=check.baseline_year): _r(check.baseline_composite),
            col("target", lang, year=check.target_year): _r(check.target_composite),
            col("gain", lang): _r(check.gain),
            col("range", lang): rng or "—",
            col("rank", lang, year=check.baseline_year): rank,
            col("goal", lang, year=check.target_year): _goal_text(check, lang),
            col("findings", lang): len(check.findings),
        })
    return pd.DataFrame(rows).set_index(col("index", lang))


def overview_csv(checks: Mapping) -> pd.DataFrame:
    """The overview as a machine-readable table (English column ids, one row per index)."""
    rows = []
    for index, check in checks.items():
        rows.append(dict(
            index=index, baseline_year=check.baseline_year, target_year=check.target_year,
            baseline_composite=_r(check.baseline_composite, 4),
            target_composite=_r(check.target_composite, 4), gain=_r(check.gain, 4),
            baseline_low=_r(check.baseline_range.low, 4) if check.baseline_range else None,
            baseline_high=_r(check.baseline_range.high, 4) if check.baseline_range else None,
            target_low=_r(check.target_range.low, 4) if check.target_range else None,
            target_high=_r(check.target_range.high, 4) if check.target_range else None,
            baseline_rank=check.baseline_rank, ranked_provinces=check.baseline_out_of,
            goal_national=check.goal_national, goal_regional=check.goal_regional,
            regional_provinces=check.regional_out_of, group_goal=check.group_goal or "",
            unverified=check.unverified, inconsistencies=len(check.findings)))
    frame = pd.DataFrame(rows)
    for c in ("baseline_rank", "ranked_provinces", "goal_national", "goal_regional",
              "regional_provinces"):
        frame[c] = frame[c].astype("Int64")
    return frame


def findings_table(checks: Mapping, lang: str = "vi") -> pd.DataFrame:
    """Every inconsistency in the plan's own numbers, by index."""
    rows = [{col("index", lang): index_label(index, "en"), col("year", lang): f.year,
             col("component", lang): f.component, col("finding", lang): f.text(lang)}
            for index, check in checks.items() for f in check.findings]
    return pd.DataFrame(rows, columns=[col(k, lang) for k in ("index", "year", "component",
                                                               "finding")])


def best_known(peers: pd.DataFrame, spec, year: int) -> tuple[dict[str, float], int | None]:
    """The best value of each component among the peers of the latest year (≤ ``year``)
    of the same methodology era that has component data; ({}, None) when there is none."""
    rows = peers[(peers["index"] == spec.index) & (peers["year"] <= year)]
    rows = rows[rows["year"].map(spec.covers)]
    if rows.empty:
        return {}, None
    latest = int(rows["year"].max())
    rows = rows[rows["year"] == latest]
    best = rows.groupby("component")["value"].max()
    return {c: float(v) for c, v in best.items()}, latest


def year_standing(setup: NotebookSetup, index: str) -> dict:
    """A province's composite, rank and component values in ``setup.target_year`` from
    the peer data (for a run without the province's plan)."""
    from .peers import default_results
    from .scoring import score
    from .spec import load_specs

    year, name = setup.target_year, setup.province.name_en
    spec = load_specs().spec_for(index, year)
    peers = setup.peers()
    own_rows = peers[(peers["index"] == index) & (peers["year"] == year)
                     & (peers["province"] == name)]
    own = dict(zip(own_rows["component"], own_rows["value"].astype(float)))
    results = default_results()
    res = results[(results["index"] == index) & (results["year"] == year)
                  & (results["province"] == name)]
    first = res.iloc[0] if len(res) else None
    composite = (float(first["composite"]) if first is not None and pd.notna(first["composite"])
                 else None)
    if composite is None and own:
        value = score(spec, own, year=year, warn=False).composite
        composite = value if math.isfinite(value) else None
    rank = int(first["rank"]) if first is not None and pd.notna(first["rank"]) else None
    ranked = (int(first["ranked_provinces"]) if first is not None
              and pd.notna(first["ranked_provinces"]) else None)
    if rank is None and composite is not None:
        # every ranked province's composite published (PAPI 2011-2014): the rank follows
        year_rows = results[(results["index"] == index) & (results["year"] == year)]
        composites = year_rows["composite"].dropna().astype(float)
        if ranked is not None and len(composites) >= ranked:
            from .ranking import rank_among

            others = composites[year_rows.loc[composites.index, "province"] != name]
            rank = int(rank_among(composite, others.to_numpy()))
    return dict(index=index, spec=spec, own=own, composite=composite, rank=rank, ranked=ranked)


def _figure_level(levels: pd.Series) -> int:
    """Top components, or the level below when the top has fewer than three (SIPAS areas)."""
    return 1 if (levels == 1).sum() >= 3 or (levels == 2).sum() == 0 else 2


def component_frame(setup: NotebookSetup, checks: Mapping, index: str) -> pd.DataFrame:
    """The input of :func:`indexmodel.plots.plot_components` for one index:
    component, name_vi, name_en, baseline, target, best, max (one level of the tree)."""
    from .spec import load_specs

    year = setup.baseline_year
    spec = load_specs().spec_for(index, year)
    best, _ = best_known(setup.peers(), spec, year)
    if index in checks:
        comp = checks[index].components
        comp = comp[comp["level"] == _figure_level(comp["level"])]
        frame = comp[["component", "name_vi", "name_en", "baseline", "target", "max"]].copy()
    else:
        own = year_standing(setup, index)["own"]
        ids = [c for c in spec.ids if c in own and c != spec.composite]
        levels = pd.Series([spec.level(c) for c in ids], dtype=int)
        level = _figure_level(levels)
        ids = [c for c, lv in zip(ids, levels) if lv == level]
        frame = pd.DataFrame({
            "component": ids, "name_vi": [spec.name(c, "vi") for c in ids],
            "name_en": [spec.name(c, "en") for c in ids], "baseline": [own[c] for c in ids],
            "target": [math.nan] * len(ids), "max": [spec.node(c).max for c in ids]})
    frame["best"] = [float(best.get(c, math.nan)) for c in frame["component"]]
    return frame.reset_index(drop=True)[["component", "name_vi", "name_en", "baseline",
                                          "target", "best", "max"]]


def components_table(setup: NotebookSetup, checks: Mapping, index: str) -> pd.DataFrame:
    """Every component value of one index an analyst reads (names, labels in ``lang``)."""
    from .spec import load_specs

    lang, year = setup.lang, setup.baseline_year
    spec = load_specs().spec_for(index, year)
    best, best_year = best_known(setup.peers(), spec, year)
    if index in checks:
        comp = checks[index].components
        base, target = comp["baseline"], comp["target"]
    else:
        own = year_standing(setup, index)["own"]
        ids = [c for c in spec.ids if c in own and c != spec.composite]
        comp = pd.DataFrame({"component": ids, "level": [spec.level(c) for c in ids],
                             "name_vi": [spec.name(c, "vi") for c in ids],
                             "name_en": [spec.name(c, "en") for c in ids],
                             "max": [spec.node(c).max for c in ids]})
        base = pd.Series([own[c] for c in ids], dtype=float)
        target = pd.Series([math.nan] * len(ids), dtype=float)
    names = [("· " if level > 1 else "") + name
             for level, name in zip(comp["level"], comp[f"name_{lang}"])]
    best_label = col("best", lang) + (f" ({best_year})" if best_year else "")
    out = pd.DataFrame({
        col("component", lang): names,
        col("baseline", lang, year=year): base.round(2).to_numpy(),
    })
    if index in checks:
        out[col("target", lang, year=setup.target_year)] = target.round(2).to_numpy()
        out[col("gain", lang)] = (target - base).round(2).to_numpy()
    if best:
        out[best_label] = [round(best[c], 2) if c in best else math.nan
                           for c in comp["component"]]
    out[col("max", lang)] = comp["max"].round(2).to_numpy()
    return out.set_index(col("component", lang))


def components_csv(setup: NotebookSetup, checks: Mapping) -> pd.DataFrame:
    """Every index's component values in one machine-readable table (English ids)."""
    from .spec import INDICES

    frames = []
    for index in INDICES:
        if index in checks:
            comp = checks[index].components
            frames.append(pd.DataFrame({
                "index": index, "component": comp["component"], "level": comp["level"],
                "baseline": comp["baseline"].round(4), "target": comp["target"].round(4),
                "gain": comp["gain"].round(4), "points_per_unit": comp["points_per_unit"].round(6),
                "contribution": comp["contribution"].round(6), "max": comp["max"]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def components_figure(setup: NotebookSetup, checks: Mapping, index: str):
    """Figure (a) for one index: result, target and best known value by component."""
    from .plots import plot_components
    from .spec import load_specs

    spec = load_specs().spec_for(index, setup.baseline_year)
    _, best_year = best_known(setup.peers(), spec, setup.baseline_year)
    frame = component_frame(setup, checks, index)
    title = f"{index_label(index, setup.lang)} — {setup.name}"
    return plot_components(frame, lang=setup.lang, title=title,
                           baseline_year=setup.baseline_year,
                           target_year=setup.target_year if index in checks else None,
                           best_year=best_year)


def year_summary(setup: NotebookSetup) -> pd.DataFrame:
    """Composite and rank of the province in ``target_year`` for each index the peer data holds."""
    from .spec import INDICES

    lang, rows = setup.lang, []
    for index in INDICES:
        try:
            st = year_standing(setup, index)
        except IndexModelError:
            continue
        if st["composite"] is None and st["rank"] is None and not st["own"]:
            continue
        rank = (f"{st['rank']}/{st['ranked']}" if st["rank"] and st["ranked"]
                else (str(st["rank"]) if st["rank"] else t("unknown", lang)))
        rows.append({col("index", lang): index_label(index, "en"),
                     col("composite", lang): _r(st["composite"]),
                     col("rank", lang, year=setup.target_year): rank,
                     data_label("components", lang): len(st["own"])})
    return pd.DataFrame(rows)


def indices_with_data(setup: NotebookSetup, checks: Mapping) -> list[str]:
    """The indices the overview shows: the plan's, else those with the province's values."""
    from .spec import INDICES

    if checks:
        return [i for i in INDICES if i in checks]
    out = []
    for index in INDICES:
        try:
            if year_standing(setup, index)["own"]:
                out.append(index)
        except IndexModelError:
            continue
    return out


# -- what data exists (the about-the-data notebook) ----------------------------------------
KIND_LABELS = {
    "components": ("Điểm thành phần", "Component values"),
    "results": ("Kết quả công bố", "Published results"),
    "region_means": ("Điểm trung bình vùng", "Regional means"),
    "analyst": ("Tệp của người dùng", "Analyst's file"),
}

_DATA = {
    "kind": ("Loại số liệu", "Kind"),
    "rows": ("Số dòng", "Rows"),
    "provinces": ("Số tỉnh", "Provinces"),
    "components": ("Số thành phần", "Components"),
    "composites": ("Có điểm tổng hợp", "With composite"),
    "ranks": ("Có thứ hạng", "With rank"),
    "status": ("Tình trạng", "Status"),
    "sources": ("Nguồn", "Sources"),
    "missing": ("Còn thiếu", "Missing"),
    "era": ("Phương pháp", "Methodology era"),
}

_STATUS = {
    "full": ("đủ điểm thành phần của mọi tỉnh", "component values of every province"),
    "partial": ("điểm thành phần của một phần các tỉnh", "component values of some provinces"),
    "published": ("chỉ có kết quả công bố (điểm tổng hợp/thứ hạng)",
                  "published results only (composite/rank)"),
    "published_only": ("điểm tổng hợp giữ nguyên như công bố, không tính lại",
                       "composites kept as published, never recomputed"),
    "none": ("không có số liệu", "no data"),
}


def data_label(key: str, lang: str) -> str:
    check_lang(lang)
    table = {**_DATA, **KIND_LABELS, **_OVERVIEW}
    vi, en = table[key]
    return vi if lang == "vi" else en


def data_tables(extra: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The shipped peer tables (and the analyst's), by kind."""
    from .peers import default_peers, default_region_means, default_results

    tables = {"components": default_peers(), "results": default_results(),
              "region_means": default_region_means()}
    if extra is not None:
        tables["analyst"] = extra
    return tables


def data_inventory(tables: Mapping[str, pd.DataFrame], lang: str = "vi") -> pd.DataFrame:
    """Counts by index, year and kind: rows, provinces, components, composites, ranks."""
    rows = []
    for kind, frame in tables.items():
        for (index, year), group in frame.groupby(["index", "year"], sort=True):
            rows.append({
                "index": index, "year": int(year), "kind": kind,
                "rows": len(group),
                "provinces": int(group["province"].nunique()) if "province" in group else
                int(group["region"].nunique()),
                "components": int(group["component"].nunique()) if "component" in group else 0,
                "composites": int(group["composite"].notna().sum()) if "composite" in group else 0,
                "ranks": int(group["rank"].notna().sum()) if "rank" in group else 0,
                "sources": int(group["source"].nunique()) if "source" in group else 0,
            })
    frame = pd.DataFrame(rows).sort_values(["index", "year", "kind"], kind="stable")
    return _localize_inventory(frame.reset_index(drop=True), lang)


def _localize_inventory(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["index"] = [index_label(i, "en") for i in out["index"]]
    out["kind"] = [KIND_LABELS[k][0 if lang == "vi" else 1] for k in out["kind"]]
    names = {"index": col("index", lang), "year": col("year", lang), "kind": data_label("kind", lang),
             "rows": data_label("rows", lang), "provinces": data_label("provinces", lang),
             "components": data_label("components", lang),
             "composites": data_label("composites", lang), "ranks": data_label("ranks", lang),
             "sources": data_label("sources", lang)}
    return out.rename(columns=names)


def data_coverage(tables: Mapping[str, pd.DataFrame], until: int, lang: str = "vi"
                  ) -> pd.DataFrame:
    """Per index and year (from its first methodology era to ``until``): what the data
    holds, the era, whether its composites are published-only, and what is missing."""
    from .provinces import all_provinces
    from .spec import INDICES, load_specs

    book = load_specs()
    comps, results = tables["components"], tables["results"]
    if "analyst" in tables:
        comps = pd.concat([comps, tables["analyst"]], ignore_index=True)
    rows = []
    for index in INDICES:
        first = min(s.valid_from for s in book.eras(index))
        for year in range(first, until + 1):
            try:
                spec = book.spec_for(index, year)
            except IndexModelError:
                spec = None
            n_all = len(all_provinces(year))
            c = comps[(comps["index"] == index) & (comps["year"] == year)]
            r = results[(results["index"] == index) & (results["year"] == year)]
            n_comp = int(c["province"].nunique())
            n_res = int(r["province"].nunique())
            if spec is not None and spec.is_published_only(year) and n_res:
                status = "published_only"
            elif n_comp >= n_all - 2 and n_comp:
                status = "full"
            elif n_comp:
                status = "partial"
            elif n_res:
                status = "published"
            else:
                status = "none"
            missing = []
            if status in ("partial", "published"):
                missing.append(("điểm thành phần của {n} tỉnh", "component values of {n} provinces",
                                n_all - n_comp))
            if status in ("partial", "published") and n_res < n_all:
                missing.append(("điểm tổng hợp/thứ hạng của {n} tỉnh",
                                "composites/ranks of {n} provinces", n_all - n_res))
            if status == "none":
                missing.append(("toàn bộ", "everything", None))
            text = "; ".join((vi if lang == "vi" else en).format(n=n) for vi, en, n in missing)
            rows.append({
                col("index", lang): index_label(index, "en"),
                col("year", lang): year,
                data_label("era", lang): spec.era if spec else "—",
                data_label("components", lang): n_comp,
                data_label("composites", lang): n_res,
                data_label("status", lang): _STATUS[status][0 if lang == "vi" else 1],
                data_label("missing", lang): text or "—",
            })
    return pd.DataFrame(rows)


def source_list(tables: Mapping[str, pd.DataFrame], lang: str = "vi") -> pd.DataFrame:
    """Each distinct source, with the index, the years and the kind of table it feeds."""
    rows = []
    for kind, frame in tables.items():
        if "source" not in frame:
            continue
        for (index, source), group in frame.groupby(["index", "source"], sort=True):
            years = sorted({int(y) for y in group["year"]})
            rows.append({col("index", lang): index_label(index, "en"),
                         data_label("kind", lang): KIND_LABELS[kind][0 if lang == "vi" else 1],
                         col("year", lang): ", ".join(map(str, years)),
                         data_label("rows", lang): len(group),
                         col("source", lang): source})
    frame = pd.DataFrame(rows)
    return frame.sort_values([col("index", lang), col("year", lang)], kind="stable") \
        .reset_index(drop=True)


def era_table(lang: str = "vi") -> pd.DataFrame:
    """The methodology eras of every index: years, weights verified, published-only years."""
    from .spec import INDICES, load_specs

    check_lang(lang)
    yes, no = t("yes", lang), t("no", lang)
    labels = {"years": ("Các năm", "Years"), "verified": ("Trọng số đã kiểm chứng",
                                                        "Weights verified"),
              "published_only": ("Năm chỉ dùng điểm công bố", "Published-only years"),
              "components": ("Số thành phần", "Components"), "note": ("Ghi chú", "Note")}
    pick = (lambda key: labels[key][0 if lang == "vi" else 1])
    rows = []
    book = load_specs()
    for index in INDICES:
        for spec in sorted(book.eras(index), key=lambda s: s.valid_from):
            published = sorted(spec.published_only_years)
            if spec.root.rule == "unknown":
                published = list(range(spec.valid_from, (spec.valid_to or spec.valid_from) + 1))
            rows.append({col("index", lang): index_label(index, "en"),
                         data_label("era", lang): spec.era,
                         pick("years"): f"{spec.valid_from}–{spec.valid_to or ''}",
                         pick("components"): len(spec.ids) - 1,
                         pick("verified"): yes if spec.verified else no,
                         pick("published_only"): ", ".join(map(str, published)) or "—",
                         pick("note"): spec.note or ""})
    return pd.DataFrame(rows)
