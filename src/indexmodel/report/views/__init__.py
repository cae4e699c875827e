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

from ...core.errors import IndexModelError, UsageError
from ...core.i18n import check_lang, index_label, t
from ...data.provinces import REGIONS, Province, resolve

DEFAULT_SIMS = 2000
DEFAULT_SEED = 20240701
#: The budget of :meth:`IndexView.paths` (cost units: one typical one-year gain of one component).
DEFAULT_BUDGET = 2.0
#: Simulations the backtest notebook uses at most (27 PCI year pairs: fast enough at 300).
BACKTEST_SIMS = 300
#: Monte Carlo draws of the sensitivity sweep at most (each draw redoes the analysis).
SENSITIVITY_SIMS = 50
#: Points per setting in the one-at-a-time sweep (its default weight is added).
SENSITIVITY_STEPS = 3


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
    _views: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.province.name(self.lang)

    @property
    def plan(self):
        if self._plan is None:
            from ...data.plan import load_plan

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
            from ...data.peers import default_peers

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
        from ...data.peers import default_results

        return default_results()

    @property
    def year(self) -> int:
        """The year analysed: the plan's baseline year, else the target year (peer data)."""
        return self.baseline_year if self.has_plan else self.target_year

    def view(self, index: str) -> "IndexView":
        """The :class:`IndexView` of ``index`` (built once per notebook: the analysis is reused)."""
        if index not in self._views:
            self._views[index] = IndexView(self, index)
        return self._views[index]

    def save(self, fig, name: str) -> Path:
        """Save a figure as ``<figures_dir>/<name>.png`` (deterministic bytes)."""
        from ..plots import save_figure

        return save_figure(fig, self.figures_dir / f"{name}.png")

    def show(self, path: str | Path):
        """The saved PNG, for display (what the reader sees is the file written)."""
        from IPython.display import Image

        return Image(data=Path(path).read_bytes(), format="png")

    def write_table(self, frame: pd.DataFrame, name: str) -> Path | None:
        """Write ``frame`` as ``<tables_dir>/<name>.csv`` (atomic, byte-repeatable)."""
        if self.tables_dir is None:
            return None
        from ...core.output import write_csv_atomic

        return write_csv_atomic(frame, self.tables_dir / f"{name}.csv")


def setup_notebook(province: str, baseline_year: int, target_year: int, lang: str = "vi",
                   peers_file: str | None = None, sims: int = DEFAULT_SIMS,
                   seed: int = DEFAULT_SEED, figures_dir: str | None = None,
                   tables_dir: str | None = None) -> NotebookSetup:
    """Check a notebook's parameters (the ones :func:`run` passes) and load what it needs."""
    from ...data.peers import load_peers
    from ..plots import use_style

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
    from ...analysis.plan_check import goal_text

    return goal_text(check, lang)


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
    from ...data.peers import default_results
    from ...model.scoring import score
    from ...data.spec import load_specs

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
            from ...model.ranking import rank_among

            others = composites[year_rows.loc[composites.index, "province"] != name]
            rank = int(rank_among(composite, others.to_numpy()))
    return dict(index=index, spec=spec, own=own, composite=composite, rank=rank, ranked=ranked)


def _figure_level(levels: pd.Series) -> int:
    """Top components, or the level below when the top has fewer than three (SIPAS areas)."""
    return 1 if (levels == 1).sum() >= 3 or (levels == 2).sum() == 0 else 2


def component_frame(setup: NotebookSetup, checks: Mapping, index: str) -> pd.DataFrame:
    """The input of :func:`indexmodel.plots.plot_components` for one index:
    component, name_vi, name_en, baseline, target, best, max (one level of the tree)."""
    from ...data.spec import load_specs

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
    from ...data.spec import load_specs

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
    from ...data.spec import INDICES

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
    from ..plots import plot_components
    from ...data.spec import load_specs

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
    from ...data.spec import INDICES

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
    from ...data.spec import INDICES

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
    from ...data.peers import default_peers, default_region_means, default_results

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
    from ...data.provinces import all_provinces
    from ...data.spec import INDICES, load_specs

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
    from ...data.spec import INDICES, load_specs

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


# ==========================================================================================
# One index for one province (notebooks 01–04).
# ==========================================================================================
_IX = {
    # titles and headings
    "sub_plan": ("Kết quả năm {b}, chỉ tiêu năm {t} theo kế hoạch của tỉnh; mục tiêu năm {t}: {goal}.",
                 "The {b} results and the {t} targets of the province's plan; goal for {t}: {goal}."),
    "sub_year": ("Tỉnh chưa có kế hoạch cho năm {t}: phân tích dựa trên số liệu năm {t} của các tỉnh, "
                 "thành phố (không có chỉ tiêu, không có mục tiêu thứ hạng).",
                 "No plan of the province for {t}: the analysis rests on the {t} peer data (no targets, "
                 "no rank goal)."),
    "no_data": ("Không có điểm thành phần {index} của {name} năm {year} trong số liệu: {why}",
                "No {index} component values for {name} in {year} in the data: {why}"),
    "years_held": ("các năm có số liệu của tỉnh: {years}", "years with the province's values: {years}"),
    "no_years": ("chưa có năm nào", "none"),
    "published_only": ("chỉ có kết quả công bố năm {year}: điểm tổng hợp {composite}, thứ hạng {rank}",
                       "only the published {year} result: composite {composite}, rank {rank}"),
    "skip": ("Không có số liệu để phân tích phần này.", "No data to analyse this part."),
    "h_data": ("Số liệu cho phép phân tích gì", "What the data allows"),
    "h_components": ("Kết quả {b} so với chỉ tiêu {t} theo chỉ số thành phần",
                     "The {b} results against the {t} targets, by component"),
    "h_components_year": ("Điểm các chỉ số thành phần năm {b}", "Component values in {b}"),
    "h_leverage": ("Đòn bẩy: thứ hạng tăng thêm theo chỉ số thành phần",
                   "Leverage: ranks gained per component"),
    "h_leverage_points": ("Đòn bẩy: điểm tổng hợp tăng thêm theo chỉ số thành phần",
                          "Leverage: composite points per component"),
    "h_realism": ("Tính khả thi của chỉ tiêu", "How realistic the targets are"),
    "h_odds": ("Khả năng đạt mục tiêu thứ hạng", "Odds of the rank goal"),
    "h_odds_year": ("Khả năng giữ thứ hạng năm {y}", "Odds of keeping the {y} rank"),
    "h_paths": ("Lộ trình ít tốn kém nhất và thứ hạng tốt nhất theo ngân sách",
                "Cheapest path to the goal, best rank for a budget"),
    "h_regional": ("Vị trí trong vùng", "Regional standing"),
    "h_settings": ("Khoảng giá trị theo các thiết lập chưa kiểm chứng",
                   "Range over the unverified settings"),
    "h_peers": ("Điểm của các tỉnh, thành phố năm {y}", "The provinces' scores in {y}"),
    # what the data allows
    "coverage.full": ("chính xác (đủ mọi tỉnh)", "exact (every province known)"),
    "coverage.partial": ("khoảng (một phần bảng xếp hạng, có giả định)",
                         "interval (part of the table, with assumptions)"),
    "coverage.anchors": ("khoảng rộng (chỉ vài mốc công bố)", "wide interval (a few published anchors)"),
    "coverage.none": ("không xếp hạng được (không có điểm tỉnh khác)",
                      "no rank (no other province's score)"),
    "row.composite": ("Điểm tổng hợp {y}", "Composite {y}"),
    "row.target_composite": ("Điểm tổng hợp theo chỉ tiêu {y}", "Composite of the {y} targets"),
    "row.rank": ("Thứ hạng {y}", "Rank {y}"),
    "row.implied": ("Thứ hạng ứng với chỉ tiêu (các tỉnh khác giữ nguyên như năm {y})",
                    "Rank the targets imply (peers as they stood in {y})"),
    "row.goal": ("Mục tiêu thứ hạng {y}", "Rank goal {y}"),
    "row.coverage": ("Thứ hạng từ số liệu", "Ranks from the data"),
    "col.measure": ("Nội dung", "Measure"),
    "col.value": ("Giá trị", "Value"),
    "published_rank": ("{rank}/{n} (theo công bố)", "{rank} of {n} (as published)"),
    "placed": ("điểm tổng hợp tính từ các thành phần được xếp {rank} trong số liệu hiện có",
               "the composite computed from the components places {rank} in the data held"),
    "range": ("{value} (khoảng {low} – {high} theo thiết lập chưa kiểm chứng)",
              "{value} (range {low} – {high} over unverified settings)"),
    "unverified_note": ("Điểm tổng hợp dựa trên {n} thiết lập chưa kiểm chứng (liệt kê ở mục cuối): mọi số "
                        "liệu dựa trên đó được nêu kèm khoảng theo các thiết lập hợp lý.",
                        "The composite rests on {n} unverified settings (listed in the last section): every "
                        "figure resting on them comes with its range over the plausible settings."),
    # leverage
    "lev_intro": ("Số bậc xếp hạng tăng thêm nếu chỉ riêng chỉ số thành phần đó cải thiện (các tỉnh khác giữ "
                  "nguyên như năm {y}). Khi chỉ biết một phần bảng xếp hạng, kết quả là khoảng: ≈ giá trị "
                  "trung tâm (thấp nhất – cao nhất). Mức cải thiện điển hình: trung vị mức tăng trong một năm "
                  "của các tỉnh có tăng điểm trong số liệu thực tế.",
                  "Ranks gained if that component alone improves (peers as they stood in {y}). Where only "
                  "part of the table is known, an interval: ≈ central value (worst – best). A typical "
                  "improvement: the median one-year gain of the provinces that improved in the real panels."),
    "lev_points_intro": ("Chưa xếp hạng được nên đòn bẩy được đo bằng điểm tổng hợp: số điểm tổng hợp tăng "
                         "thêm cho mỗi đơn vị và cho một bước bằng 1% thang điểm của chỉ số thành phần.",
                         "No rank can be computed, so leverage is measured in composite points: per unit of "
                         "the component and per step of 1% of its range."),
    "lev.component": ("Chỉ số thành phần", "Component"),
    "lev.value": ("Điểm {y}", "Value {y}"),
    "lev.ppu": ("Điểm tổng hợp / 1 đơn vị", "Composite points per unit"),
    "lev.typical_move": ("Mức cải thiện điển hình (1 năm)", "Typical one-year gain"),
    "lev.typical_points": ("Điểm tổng hợp của mức điển hình", "Composite points of a typical gain"),
    "lev.step_points": ("Điểm tổng hợp của bước 1%", "Composite points of a 1% step"),
    "lev.target_points": ("Điểm tổng hợp khi đạt chỉ tiêu", "Composite points of reaching the target"),
    "lev.step": ("Hạng tăng: bước 1%", "Ranks gained: 1% step"),
    "lev.typical": ("Hạng tăng: mức điển hình", "Ranks gained: typical gain"),
    "lev.strong": ("Hạng tăng: mức mạnh (P90)", "Ranks gained: strong gain (P90)"),
    "lev.target": ("Hạng tăng: đạt chỉ tiêu", "Ranks gained: reaching the target"),
    "lev.frontier": ("Hạng tăng: bằng tỉnh cao nhất", "Ranks gained: matching the best province"),
    "lev.regional": ("Hạng tăng trong vùng: mức điển hình", "Regional ranks gained: typical gain"),
    "lev_fig": ("Thứ hạng tăng thêm nhờ mức cải thiện điển hình trong một năm\n{index}",
                "Ranks gained by a typical one-year improvement\n{index}"),
    "lev_fig_step": ("Thứ hạng tăng thêm nhờ bước tăng 1% thang điểm\n{index}",
                     "Ranks gained by a step of 1% of the range\n{index}"),
    "lev_fig_points": ("Điểm tổng hợp tăng thêm nhờ bước tăng 1% thang điểm\n{index}",
                       "Composite points from a step of 1% of the range\n{index}"),
    "lev_dagger": ("†: chưa có số liệu thực tế về mức cải thiện: mức điển hình và mức mạnh lấy bằng trung vị của "
                   "các chỉ số thành phần khác (một giả định).",
                   "†: no real improvement data: its typical and strong gains are the median of the other "
                   "components' (an assumption)."),
    "lev_xlabel_points": ("Điểm tổng hợp tăng thêm", "Composite points gained"),
    "missing_head": ("Còn thiếu:", "Missing:"),
    # realism
    "real_intro": ("Mỗi mức tăng theo chỉ tiêu ({h} năm) được so với mọi thay đổi thực tế trong {h} năm "
                   "của cùng chỉ số thành phần trong số liệu các tỉnh (cùng một phương pháp tính).",
                   "Each target gain ({h} years) is set against every real {h}-year change of the same "
                   "component in the peer panels (within one methodology era)."),
    "real_none": ("Không có chỉ tiêu: cần kế hoạch của tỉnh để đánh giá tính khả thi.",
                  "No targets: judging how realistic they are needs the province's plan."),
    "real_no_panel": ("Chưa có số liệu bảng (panel) {index} của mọi tỉnh qua nhiều năm: không so sánh được "
                      "mức tăng theo chỉ tiêu với thay đổi thực tế (chưa biết).",
                      "No {index} panel of every province over several years: the target gains cannot be "
                      "set against real changes (unknown)."),
    "real.baseline": ("Năm {y}", "{y}"),
    "real.target": ("Chỉ tiêu {y}", "Target {y}"),
    "real.gain": ("Mức tăng", "Gain"),
    "real.n": ("Số thay đổi thực tế", "Real changes"),
    "real.pairs": ("Các cặp năm", "Year pairs"),
    "real.share": ("Tỷ lệ thay đổi thực tế ≥ mức tăng", "Share of real changes as large"),
    "real.pct": ("Bách phân vị", "Percentile"),
    "real.verdict": ("Đánh giá", "Verdict"),
    "verdict.unknown": ("chưa biết (không có số liệu bảng)", "unknown (no panel)"),
    "verdict.none": ("không tăng", "no gain"),
    "verdict.common": ("thường gặp", "common"),
    "verdict.above": ("trên mức trung vị", "above the median change"),
    "verdict.ambitious": ("cao (nhóm 25% thay đổi lớn nhất)", "ambitious (top quarter of real changes)"),
    "verdict.rare": ("hiếm (nhóm 10% lớn nhất)", "rare (top tenth)"),
    "verdict.beyond": ("vượt hầu hết thay đổi thực tế (trên 99%)", "beyond almost every real change (above 99%)"),
    # odds
    "odds.simulation": ("Biết điểm của mọi tỉnh: các tỉnh khác được mô phỏng thay đổi như điểm thực tế đã thay đổi "
                        "({sims} lần mô phỏng, hạt giống {seed}); điểm tổng hợp của tỉnh giả định đạt {composite}.",
                        "Every peer is known: the peers are simulated to move as real scores moved ({sims} "
                        "simulations, seed {seed}); the province's composite is assumed to reach {composite}."),
    "odds.threshold": ("Chỉ biết một phần bảng xếp hạng: xác suất để điểm {composite} đạt điểm của hạng {goal} năm "
                       "{t}, điểm này ước tính từ các mốc năm {b} cộng mức thay đổi thực tế của điểm ở hạng đó. "
                       "Khoảng trong ngoặc: theo đầu thấp và đầu cao của điểm hạng {goal}.",
                       "Only part of the table is known: the probability that {composite} reaches the score of "
                       "rank {goal} in {t}, taken as the {b} anchors plus a change like the real changes of the "
                       "score at that rank. In brackets: the range over the low and high end of that score."),
    "odds.keep": ("Không có chỉ tiêu: xác suất giữ hạng {goal} trở lên năm {t} nếu điểm tổng hợp giữ nguyên "
                  "{composite}.",
                  "No targets: the probability of rank {goal} or better in {t} if the composite stays at "
                  "{composite}."),
    "odds.no_goal": ("Không tính được xác suất: chưa có mục tiêu thứ hạng hoặc thứ hạng hiện tại.",
                     "No odds: there is neither a rank goal nor a current rank."),
    "odds_none": ("Không tính được xác suất:", "No odds can be computed:"),
    "assumptions_head": ("Giả định của mô hình:", "Assumptions:"),
    "assumptions_head_en": ("Giả định của mô hình (nguyên văn tiếng Anh):", "Assumptions:"),
    "odds.median": ("Thứ hạng trung vị", "Median rank"),
    "odds.band": ("Khoảng 5–95%", "5–95% range"),
    "odds.p": ("P(đạt hạng {goal} trở lên)", "P(rank {goal} or better)"),
    # optimizer
    "path_intro": ("Bộ tối ưu (quy hoạch tuyến tính) chọn mức cải thiện ít tốn kém nhất để đạt mục tiêu, và "
                   "phân bổ một ngân sách {budget:g} đơn vị chi phí để có thứ hạng tốt nhất. Một đơn vị chi phí "
                   "= một mức cải thiện điển hình trong một năm của một chỉ số thành phần; mỗi chỉ số thành phần "
                   "tăng tối đa bằng mức tăng mạnh (P90) mỗi năm trong {years} năm. Các tỉnh khác giữ nguyên "
                   "như năm {y}.",
                   "The optimizer (a linear program) picks the least costly improvements that reach the goal, "
                   "and spends a budget of {budget:g} cost units for the best rank. One cost unit = a typical "
                   "one-year improvement of one component; each component rises at most by a strong (P90) "
                   "one-year gain per year over {years} years. Peers as they stood in {y}."),
    "path_required": ("Điểm tổng hợp cần cho hạng {goal} (đầu cao, thận trọng: mục tiêu đạt dù phần chưa biết "
                      "của bảng xếp hạng ra sao): {value}.",
                      "Composite needed for rank {goal} (upper end, conservative: the goal holds whatever the "
                      "unknown part of the table is): {value}."),
    "path_anchors": ("Chỉ có vài mốc công bố: điểm cần cho hạng {goal} chỉ được chặn bởi mốc gần nhất phía trên, "
                     "nên lộ trình thận trọng nhắm tới điểm của mốc đó.",
                     "Only a few published anchors: the score rank {goal} needs is bounded only by the nearest "
                     "anchor above it, so the conservative path aims at that anchor's score."),
    "path_goal": ("Đến mục tiêu hạng {goal}: {text}", "To the goal, rank {goal}: {text}"),
    "path_budget": ("Với ngân sách {budget:g}: {text}", "With a budget of {budget:g}: {text}"),
    "path_no_goal": ("Không có mục tiêu thứ hạng (chưa có kế hoạch): chỉ tính thứ hạng tốt nhất theo ngân sách.",
                     "No rank goal (no plan): only the best rank for a budget."),
    "path_none": ("Không tối ưu được: cần thứ hạng, mà chưa có điểm của các tỉnh khác.",
                  "No optimization: it needs ranks, and no other province's score is known."),
    "dagger": ("†: chưa có số liệu thực tế về mức cải thiện: bộ tối ưu dùng độ khó và mức tăng tối đa bằng trung "
               "vị của các chỉ số thành phần khác (một giả định).",
               "†: no real improvement data: the optimizer gives it the median difficulty and yearly cap of "
               "the other components (an assumption)."),
    "dagger_none": ("†: chưa có số liệu thực tế về mức cải thiện của chỉ số nào: chi phí một đơn vị = 1/thang điểm "
                    "của chỉ số thành phần và không có giới hạn theo năm ngoài điểm tối đa, nên lộ trình chỉ cho "
                    "thấy phép tính điểm, không phải mức cải thiện khả thi.",
                    "†: no real improvement data for any component: one unit costs 1/the component's range and "
                    "there is no yearly cap but the maximum, so the path shows the arithmetic, not a feasible "
                    "improvement."),
    "path.component": ("Chỉ số thành phần", "Component"),
    "path.value": ("Điểm {y}", "Value {y}"),
    "path.cap": ("Mức tăng tối đa", "Largest gain allowed"),
    "path.goal_move": ("Tăng: đến mục tiêu", "Gain: to the goal"),
    "path.goal_cost": ("Chi phí: đến mục tiêu", "Cost: to the goal"),
    "path.budget_move": ("Tăng: ngân sách {budget:g}", "Gain: budget {budget:g}"),
    "path.budget_cost": ("Chi phí: ngân sách {budget:g}", "Cost: budget {budget:g}"),
    "path_fig_goal": ("Lộ trình ít tốn kém nhất đến hạng {goal}\n{index}",
                      "Cheapest path to rank {goal}\n{index}"),
    "path_fig_budget": ("Thứ hạng tốt nhất với ngân sách {budget:g}\n{index}",
                        "Best rank for a budget of {budget:g}\n{index}"),
    # regional
    "reg.region": ("Vùng", "Region"),
    "reg.size": ("Số tỉnh, thành phố trong vùng", "Provinces in the region"),
    "reg.rank": ("Thứ hạng trong vùng {y}", "Regional rank {y}"),
    "reg.implied": ("Thứ hạng trong vùng ứng với chỉ tiêu", "Regional rank the targets imply"),
    "reg.goal": ("Mục tiêu trong vùng {y}", "Regional goal {y}"),
    "reg.mean": ("Điểm trung bình vùng {y} (công bố)", "Regional mean {y} (published)"),
    "reg.gap": ("Chênh lệch so với trung bình vùng", "Gap to the regional mean"),
    "reg.unknown": ("chưa biết", "unknown"),
    "reg.goal_text": ("{rank}/{n}", "{rank} of {n}"),
    # unverified settings
    "set.intro": ("Các thiết lập sau chưa kiểm chứng; bảng dưới cho khoảng chính xác của điểm tổng hợp khi mọi "
                  "thiết lập cùng thay đổi trong phạm vi hợp lý (các góc của miền).",
                  "These settings are not verified; the table below gives the exact range of the composite "
                  "when every setting moves within its plausible range at once (the corners of the box)."),
    "set.setting": ("Thiết lập", "Setting"),
    "set.default": ("Mặc định", "Default"),
    "set.low": ("Thấp nhất", "Low"),
    "set.high": ("Cao nhất", "High"),
    "set.what": ("Nội dung", "What"),
    "set.default_value": ("Theo mặc định", "At default"),
    "set.rank": ("Khoảng thứ hạng", "Rank range"),
    "set.weight": ("trọng số {name}", "weight of {name}"),
    "set.none": ("{index} không có thiết lập chưa kiểm chứng.", "{index} has no unverified setting."),
    # peer distribution
    "peers_text": ("Năm {y} là năm gần nhất có điểm của mọi tỉnh, thành phố ({n} tỉnh). {name}: {own}, hạng "
                   "{rank}/{n}; trung vị các tỉnh {median}; cao nhất {top}; thấp nhất {bottom}.",
                   "{y} is the latest year with every province's score ({n} provinces). {name}: {own}, rank "
                   "{rank} of {n}; median province {median}; highest {top}; lowest {bottom}."),
    "peers_title": ("{index} năm {y}: điểm tổng hợp của {n} tỉnh, thành phố\n(năm gần nhất có đủ mọi tỉnh)",
                    "{index} {y}: composite scores of the {n} provinces\n(latest year with every province)"),
    "peers_none": ("Chưa có năm nào có điểm của mọi tỉnh, thành phố cho {index}.",
                   "No year holds every province's {index} score."),
    "peers_absent": ("{name} không có điểm năm {y}.", "{name} has no {y} score."),
}


def _ix(key: str, lang: str, **values) -> str:
    return _pick(_IX[key], lang, **values)


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
    years = sorted({int(y) for y in own["year"]})
    why = _ix("years_held", lang, years=", ".join(map(str, years)) or _ix("no_years", lang))
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
        if self.analysis is not None and self.analysis.targets:
            from ...analysis.plan_check import check_index
            from ...data.spec import load_specs

            self.check = check_index(setup.plan, index, load_specs())
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
        the same number of years (:func:`indexmodel.leverage.target_realism`); None without targets."""
        from ...model.panel import build_panel, changes
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
            panel = build_panel(a.peers, self.index, a.results)
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
                    how = _ix("odds.simulation", lang, sims=s.sims, seed=s.seed, composite=comp)
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
                rows.append((_ix("reg.gap", lang), _fmt(a.composite - float(latest["mean_value"]),
                                                         signed=True)))
        table = pd.DataFrame(rows, columns=[_ix("col.measure", lang), _ix("col.value", lang)])
        out = [head, table.set_index(_ix("col.measure", lang))]
        if a.field.regional is None:
            out.append(_bullets(m(lang) for m in a.field.missing[:1]))
        return out

    # -- unverified settings (SIPAS, PAR INDEX) ----------------------------------------------------------
    def settings(self) -> list:
        from ...model.settings import composite_range

        head = self._h("h_settings")
        a, lang = self.analysis, self.lang
        if a is None:
            return self._missing("h_settings")
        spec = a.spec
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
            if year > self.year:
                continue
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


def _rounded(frame: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """A table for CSV: floats rounded (byte-repeatable), text kept."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


# ==========================================================================================
# What-if scenarios (notebook 05).
# ==========================================================================================
SCENARIO_COLUMNS = ("index", "component", "change")

_SC = {
    "h": ("Kịch bản: thay đổi điểm các chỉ số thành phần", "Scenarios: changes to components"),
    "intro": ("Mỗi kịch bản cộng các thay đổi trong bảng vào kết quả năm {y} (đơn vị của chính chỉ số thành "
              "phần; có thể ở mọi cấp); các tỉnh khác giữ nguyên như năm {y}. Cột cuối: chỉ tiêu của kế hoạch "
              "để so sánh.",
              "Each scenario adds the table's changes to the {y} results (in the component's own units; at "
              "any level); peers as they stood in {y}. Last column: the plan's targets, for comparison."),
    "intro_year": ("Mỗi kịch bản cộng các thay đổi trong bảng vào kết quả năm {y} (đơn vị của chính chỉ số "
                   "thành phần); các tỉnh khác giữ nguyên như năm {y}.",
                   "Each scenario adds the table's changes to the {y} results (in the component's own units); "
                   "peers as they stood in {y}."),
    "ids_h": ("Mã các chỉ số thành phần (dùng trong cột component)", "Component ids (for the component column)"),
    "col.index": ("Chỉ số", "Index"),
    "col.id": ("Mã (component)", "Id (component)"),
    "col.name": ("Tên", "Name"),
    "col.level": ("Cấp", "Level"),
    "col.value": ("Điểm {y}", "Value {y}"),
    "col.change": ("Thay đổi", "Change"),
    "col.new": ("Điểm mới", "New value"),
    "col.points": ("Điểm tổng hợp tăng thêm", "Composite points"),
    "col.measure": ("Nội dung", "Measure"),
    "col.base": ("Kết quả {y}", "Result {y}"),
    "col.scenario": ("Kịch bản", "Scenario"),
    "col.targets": ("Chỉ tiêu {y}", "Targets {y}"),
    "row.composite": ("Điểm tổng hợp", "Composite"),
    "row.range": ("Khoảng theo thiết lập chưa kiểm chứng", "Range over unverified settings"),
    "row.rank": ("Thứ hạng (các tỉnh khác như năm {y})", "Rank (peers as in {y})"),
    "row.p": ("P(hạng {goal} trở lên năm {t})", "P(rank {goal} or better in {t})"),
    "bad_index": ("Bỏ qua dòng {row}: không có chỉ số '{index}' (dùng papi, sipas, par_index hoặc pci).",
                  "Row {row} skipped: no index '{index}' (use papi, sipas, par_index or pci)."),
    "bad_component": ("Bỏ qua dòng {row}: '{component}' không phải chỉ số thành phần của {label} năm {y} "
                      "(phương pháp {era}).",
                      "Row {row} skipped: '{component}' is not a {label} component in {y} (era {era})."),
    "no_era": ("Bỏ qua dòng {row}: {label} chưa có phương pháp tính cho năm {y}.",
               "Row {row} skipped: {label} has no methodology for {y}."),
    "bad_change": ("Bỏ qua dòng {row}: thay đổi '{change}' không phải là số.",
                   "Row {row} skipped: the change '{change}' is not a number."),
    "refused": ("{label}: không tính được kịch bản — {why}", "{label}: the scenario cannot be computed — {why}"),
    "none": ("Bảng thay đổi trống: chưa có kịch bản nào.", "The table of changes is empty: no scenario."),
    "no_odds": ("không tính được", "not computable"),
    "how.simulation": ("xác suất từ mô phỏng các tỉnh khác thay đổi như điểm thực tế đã thay đổi ({sims} lần, "
                       "hạt giống {seed}).",
                       "odds from simulating the peers moving as real scores moved ({sims} simulations, seed "
                       "{seed})."),
    "how.threshold": ("chỉ biết một phần bảng xếp hạng: xác suất vượt điểm của hạng {goal} năm {t} (mốc năm {b} "
                      "cộng mức thay đổi thực tế của điểm ở hạng đó); trong ngoặc: theo đầu thấp và cao của điểm "
                      "hạng {goal}.",
                      "only part of the table is known: the odds of beating the score of rank {goal} in {t} (the "
                      "{b} anchors plus a change like the real changes of the score at that rank); in brackets: "
                      "over the low and high end of that score."),
}


def _sc(key: str, lang: str, **values) -> str:
    return _pick(_SC[key], lang, **values)


def component_ids(setup: NotebookSetup, indices: Iterable[str] | None = None) -> pd.DataFrame:
    """The ids an analyst may write in the scenario table: the components under each
    composite (top level) of the methodology in force in the year analysed."""
    from ...data.spec import INDICES, load_specs

    lang, book, rows = setup.lang, load_specs(), []
    for index in indices or INDICES:
        try:
            spec = book.spec_for(index, setup.year)
        except IndexModelError:
            continue
        for c in spec.top_components:
            rows.append({_sc("col.index", lang): index, _sc("col.id", lang): c,
                         _sc("col.name", lang): spec.name(c, lang)})
    return pd.DataFrame(rows).set_index(_sc("col.index", lang))


def scenario_changes(setup: NotebookSetup, changes: pd.DataFrame) -> tuple[dict, list[str]]:
    """The analyst's table of changes as {index: {component: change}}, and a sentence for
    each row that cannot be used (unknown index or component, a change that is not a number)."""
    from ...data.spec import INDICES, load_specs

    lang, book = setup.lang, load_specs()
    missing = [c for c in SCENARIO_COLUMNS if c not in changes.columns]
    if missing:
        raise UsageError("the table of changes needs the columns " + ", ".join(SCENARIO_COLUMNS),
                         hint="missing: " + ", ".join(missing))
    out: dict[str, dict[str, float]] = {}
    problems = []
    for row, rec in enumerate(changes.to_dict("records"), start=1):
        index = str(rec["index"]).strip().lower().replace(" ", "_")
        component = str(rec["component"]).strip()
        if index not in INDICES:
            problems.append(_sc("bad_index", lang, row=row, index=rec["index"]))
            continue
        try:
            change = float(rec["change"])
        except (TypeError, ValueError):
            change = math.nan
        if not math.isfinite(change):
            problems.append(_sc("bad_change", lang, row=row, change=rec["change"]))
            continue
        try:
            spec = book.spec_for(index, setup.year)
        except IndexModelError:
            spec = None
        if spec is None:
            problems.append(_sc("no_era", lang, row=row, label=index_label(index, lang), y=setup.year))
            continue
        if not spec.has(component) or component == spec.composite:
            problems.append(_sc("bad_component", lang, row=row, component=component,
                                label=index_label(index, lang), y=setup.year,
                                era=spec.era))
            continue
        out.setdefault(index, {})
        out[index][component] = out[index].get(component, 0.0) + change
    return out, problems


def scenario(setup: NotebookSetup, changes: pd.DataFrame) -> list:
    """For each index the table touches: composite, rank and odds of the goal — the year's
    results, the scenario and (with a plan) the plan's targets; then the changes one by one."""
    lang = setup.lang
    wanted, problems = scenario_changes(setup, changes)
    out: list = ["## " + _sc("h", lang)]
    out.append(_sc("intro" if setup.has_plan else "intro_year", lang, y=setup.year))
    if problems:
        out.append(_bullets(problems))
    if not wanted:
        out.append(_sc("none", lang))
        return out
    detail_rows = []
    from ...data.spec import INDICES

    for index in [i for i in INDICES if i in wanted]:
        label = index_label(index, lang)
        out.append(f"### {label}")
        view = setup.view(index)
        a = view.analysis
        if a is None:
            out.append(view.reason)
            continue
        try:
            changed = a.with_changes(wanted[index])
        except IndexModelError as exc:
            out.append(_sc("refused", lang, label=label, why=exc.message))
            continue
        out.append(_scenario_table(setup, view, changed))
        for component, delta in wanted[index].items():
            one = a.with_changes({component: delta})
            value = a.scored[component]
            detail_rows.append({
                _sc("col.index", lang): label,
                _sc("col.name", lang): a.spec.name(component, lang) + f" ({component})",
                _sc("col.value", lang, y=a.year): round(float(value), 2),
                _sc("col.change", lang): round(delta, 4),
                _sc("col.new", lang): round(float(value) + delta, 2),
                _sc("col.points", lang): round(one.composite - a.composite, 3)})
        how = [f"{label}: {text}" for text in getattr(view, "_scenario_how", []) if text]
        if how:
            out.append(_bullets(how))
    if detail_rows:
        out.append(pd.DataFrame(detail_rows).set_index(_sc("col.index", lang)))
    return out


def _scenario_table(setup: NotebookSetup, view: IndexView, changed) -> pd.DataFrame:
    from ...model.settings import composite_range

    a, lang = view.analysis, setup.lang
    columns = [("base", a, _sc("col.base", lang, y=a.year)),
               ("scenario", changed, _sc("col.scenario", lang))]
    if a.targets and a.target_composite is not None:
        columns.append(("targets", None, _sc("col.targets", lang, y=a.target_year)))
    goal = a.goal_rank or (int(a.rank.high) if a.rank is not None else None)
    year = a.target_year or a.year + 1
    rows: dict[str, dict] = {}
    how = []
    for kind, analysis, title in columns:
        composite = a.target_composite if kind == "targets" else analysis.composite
        values = dict(a.targets) if kind == "targets" else dict(analysis.own)
        col: dict[str, str] = {_sc("row.composite", lang): _fmt(composite)}
        rng = None
        if a.spec.unverified_weights:
            rng = composite_range(a.spec, values, year=None if kind == "targets" else a.year)
            col[_sc("row.range", lang)] = f"{_fmt(rng.low)} – {_fmt(rng.high)}" if rng else "—"
        place = view._implied(composite, rng)
        col[_sc("row.rank", lang, y=a.year)] = place.text() if place is not None else t("unknown", lang)
        if goal is not None:
            try:
                o = a.odds(composite, goal=goal, sims=setup.sims, seed=setup.seed, target_year=year)
                p = o.p_goal
                text = _pct(p) if p is not None else _sc("no_odds", lang)
                if p is not None and o.p_goal_low is not None and o.p_goal_high is not None:
                    text += f" ({_pct(o.p_goal_low)}–{_pct(o.p_goal_high)})"
                if o.method in ("simulation", "threshold") and kind == "base":
                    how.append(_sc(f"how.{o.method}", lang, sims=setup.sims, seed=setup.seed, goal=goal,
                                   t=year, b=a.year))
                elif p is None and kind == "base":
                    how.append("; ".join(m(lang) for m in o.missing[:1]))
            except IndexModelError as exc:
                text = _sc("no_odds", lang)
                if kind == "base":
                    how.append(exc.message)
            col[_sc("row.p", lang, goal=goal, t=year)] = text
        rows[title] = col
    view._scenario_how = how
    frame = pd.DataFrame(rows)
    frame.index.name = _sc("col.measure", lang)
    return frame


# ==========================================================================================
# Backtests (notebook 06).
# ==========================================================================================
_BT = {
    "h": ("Kiểm định ngược: dự báo các năm đã biết từ các năm trước", "Backtests: predicting known years"),
    "intro": ("Với mỗi cặp năm (huấn luyện đến năm t, kiểm tra năm T), mỗi tỉnh được dự báo phân bố thứ hạng năm T "
              "chỉ từ số liệu đến năm t và điểm của chính tỉnh năm T; so với cách đơn giản là giữ nguyên điểm các "
              "tỉnh khác như năm t. Mục tiêu độ phủ của khoảng 5–95%: 90%. {sims} lần mô phỏng mỗi cặp, hạt giống "
              "{seed}.",
              "For each pair of years (trained until t, tested on T), every province gets a predicted rank "
              "distribution for T from the data up to t and its own T score, against the naive baseline that "
              "keeps every peer at its t score. The 5–95% interval should cover 90%. {sims} simulations per "
              "pair, seed {seed}."),
    "eras": ("Qua một lần thay đổi phương pháp ({changes}) chỉ mô hình hóa điểm tổng hợp (cấp 'chỉ điểm tổng "
             "hợp'); trong cùng một phương pháp các tỉnh thay đổi theo từng chỉ số thành phần.",
             "Across a methodology change ({changes}) only composites are modelled (level 'composite only'); "
             "within one methodology era the peers move component by component."),
    "summary": ("{label}: {n} cặp năm; độ phủ trung bình {cov} (trong cùng phương pháp {cov_in}, qua thay đổi "
                "phương pháp {cov_x}); trung vị dự báo sai lệch ít hơn cách đơn giản ở {better}/{n} cặp.",
                "{label}: {n} year pairs; mean coverage {cov} (within an era {cov_in}, across a change "
                "{cov_x}); the median prediction errs less than the naive baseline in {better} of {n} pairs."),
    "none": ("{label}: không có cặp năm nào kiểm định được.", "{label}: no year pair can be backtested."),
    "col.index": ("Chỉ số", "Index"),
    "col.train": ("Huấn luyện đến", "Trained until"),
    "col.test": ("Năm kiểm tra", "Test year"),
    "col.horizon": ("Số năm", "Years ahead"),
    "col.level": ("Cấp mô hình", "Level"),
    "col.n": ("Số tỉnh", "Provinces"),
    "col.coverage": ("Độ phủ khoảng 5–95%", "Coverage of the 5–95% interval"),
    "col.mae": ("Sai số tuyệt đối TB của trung vị (bậc)", "MAE of the median rank"),
    "col.naive": ("Sai số TB cách đơn giản (bậc)", "Naive MAE"),
    "col.better": ("Tốt hơn cách đơn giản", "Better than naive"),
    "level.component": ("theo chỉ số thành phần", "components"),
    "level.composite": ("chỉ điểm tổng hợp", "composite only"),
    "fig_title": ("Sai số thứ hạng: mô hình so với cách đơn giản (mỗi điểm: một cặp năm)",
                  "Rank error: model against naive baseline (one point per year pair)"),
    "fig_x": ("Sai số TB cách đơn giản (giữ nguyên điểm các tỉnh khác), bậc",
              "Naive MAE (peers kept at their last score), ranks"),
    "fig_y": ("Sai số TB của thứ hạng trung vị dự báo, bậc", "MAE of the predicted median rank, ranks"),
    "fig_line": ("bằng nhau (dưới đường: mô hình tốt hơn)", "equal (below: the model is better)"),
}


def _bt(key: str, lang: str, **values) -> str:
    return _pick(_BT[key], lang, **values)


def backtest_sims(setup: NotebookSetup) -> int:
    """The simulations per year pair: the run's ``sims``, at most :data:`BACKTEST_SIMS` (≥ 100)."""
    return max(100, min(int(setup.sims), BACKTEST_SIMS))


def backtests(setup: NotebookSetup) -> pd.DataFrame:
    """:func:`indexmodel.backtest.backtest_all` for PCI and PAPI (every year pair), one table."""
    from ...analysis.backtest import BACKTEST_INDICES, backtest_all

    peers, results = setup.peers(), setup.results()
    frames = [backtest_all(index, peers, sims=backtest_sims(setup), seed=setup.seed, results=results)
              for index in BACKTEST_INDICES]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _era_changes(index: str) -> str:
    from ...data.spec import load_specs

    starts = sorted(s.valid_from for s in load_specs().eras(index))[1:]
    return ", ".join(f"{index_label(index, 'en')} {y - 1}→{y}" for y in starts)


def backtest_section(setup: NotebookSetup, frame: pd.DataFrame) -> list:
    """The heading, what a backtest does, the methodology sentence, a summary per index and
    the table of every year pair."""
    from ...analysis.backtest import BACKTEST_INDICES

    lang = setup.lang
    changes = "; ".join(c for c in (_era_changes(i) for i in BACKTEST_INDICES) if c)
    out = ["## " + _bt("h", lang), _bt("intro", lang, sims=backtest_sims(setup), seed=setup.seed),
           _bt("eras", lang, changes=changes)]
    lines = []
    for index in BACKTEST_INDICES:
        rows = frame[frame["index"] == index] if len(frame) else frame
        label = index_label(index, lang)
        if not len(rows):
            lines.append(_bt("none", lang, label=label))
            continue
        inside, across = rows[rows["level"] == "component"], rows[rows["level"] == "composite"]
        lines.append(_bt("summary", lang, label=label, n=len(rows), cov=_pct(rows["coverage"].mean()),
                         cov_in=_pct(inside["coverage"].mean()) if len(inside) else "—",
                         cov_x=_pct(across["coverage"].mean()) if len(across) else "—",
                         better=int((rows["mae_p50"] < rows["naive_mae"]).sum())))
    out.append(_bullets(lines))
    if len(frame):
        out.append(backtest_table(frame, lang))
    return out


def backtest_table(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Every year pair: coverage, MAE of the median rank, naive MAE, level (labels in ``lang``)."""
    yes, no = t("yes", lang), t("no", lang)
    out = pd.DataFrame({
        _bt("col.index", lang): [index_label(i, "en") for i in frame["index"]],
        _bt("col.train", lang): frame["train_until"].astype(int).to_numpy(),
        _bt("col.test", lang): frame["test_year"].astype(int).to_numpy(),
        _bt("col.horizon", lang): frame["horizon"].astype(int).to_numpy(),
        _bt("col.level", lang): [_bt(f"level.{v}", lang) for v in frame["level"]],
        _bt("col.n", lang): frame["n"].astype(int).to_numpy(),
        _bt("col.coverage", lang): [_pct(v) for v in frame["coverage"]],
        _bt("col.mae", lang): frame["mae_p50"].round(2).to_numpy(),
        _bt("col.naive", lang): frame["naive_mae"].round(2).to_numpy(),
        _bt("col.better", lang): [yes if m < n else no for m, n in zip(frame["mae_p50"], frame["naive_mae"])],
    })
    return out.set_index(_bt("col.index", lang))


def backtest_figure(frame: pd.DataFrame, lang: str = "vi"):
    """Model MAE against naive MAE per year pair (below the diagonal: the model is better)."""
    from matplotlib.figure import Figure

    from ..plots import COLORS, use_style

    check_lang(lang)
    if frame is None or not len(frame):
        return None
    use_style()
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    colors = {"pci": COLORS["target"], "papi": COLORS["low"]}
    markers = {"component": "o", "composite": "^"}
    for (index, level), rows in frame.groupby(["index", "level"], sort=True):
        ax.scatter(rows["naive_mae"], rows["mae_p50"], color=colors.get(index, COLORS["peer"]),
                   marker=markers.get(level, "s"), s=36,
                   label=f"{index_label(index, 'en')} · {_bt(f'level.{level}', lang)}")
    top = float(max(frame["naive_mae"].max(), frame["mae_p50"].max())) * 1.08
    ax.plot([0, top], [0, top], color="#777777", linestyle="--", linewidth=1,
            label=_bt("fig_line", lang))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(_bt("fig_x", lang))
    ax.set_ylabel(_bt("fig_y", lang))
    ax.legend(loc="upper left")
    ax.set_title(_bt("fig_title", lang))
    return fig


# ==========================================================================================
# Who owns the leverage (notebook 07).
# ==========================================================================================
_OW = {
    "h": ("{label}: đòn bẩy và cơ quan chịu trách nhiệm", "{label}: leverage and the agencies that own it"),
    "no_plan": ("Bảng phân công nhiệm vụ (23 phụ lục) là của kế hoạch {plan_province}; chưa có bảng của "
                "{name}: không ghép được nhiệm vụ với đòn bẩy.",
                "The task table (23 appendices) is {plan_province}'s plan; there is none for {name}: tasks "
                "cannot be joined to leverage."),
    "no_index": ("Kế hoạch không có số liệu {label}.", "The plan has no {label} values."),
    "basis": ("Đòn bẩy đo bằng: {basis}.", "Leverage measured as: {basis}."),
    "basis.typical_rank_gain": ("số bậc tăng nhờ một mức cải thiện điển hình trong một năm",
                                "ranks gained by a typical one-year improvement"),
    "basis.typical_points": ("điểm tổng hợp của một mức cải thiện điển hình trong một năm",
                             "composite points of a typical one-year improvement"),
    "basis.step_1pct_points": ("điểm tổng hợp của một bước tăng 1% thang điểm",
                               "composite points of a step of 1% of the range"),
    "top": ("Đòn bẩy lớn nhất: {components}.", "Most leverage: {components}."),
    "tie": ("{k}/{n} chỉ số thành phần ngang nhau ở vị trí đầu theo thước đo này: thước đo không phân biệt được "
            "chúng, nên các lưu ý 'đòn bẩy cao, ít nhiệm vụ' dưới đây chỉ phản ánh số nhiệm vụ ít hơn trung vị.",
            "{k} of {n} components tie at the top by this measure: it cannot tell them apart, so the 'high "
            "leverage, few tasks' flags below only mean fewer tasks than the median."),
    "top_item": ("{name} ({agencies})", "{name} ({agencies})"),
    "no_agency": ("chưa giao cơ quan nào", "no agency"),
    "gaps": ("Chỉ số thành phần có đòn bẩy cao nhưng ít hoặc không có nhiệm vụ: {items}.",
             "High-leverage components with few or no tasks: {items}."),
    "gap_item": ("{name} ({n} nhiệm vụ, trung vị các thành phần {median:g})",
                 "{name} ({n} tasks; the median component has {median:g})"),
    "no_gaps": ("Mọi chỉ số thành phần có đòn bẩy cao đều có ít nhất số nhiệm vụ trung vị.",
                "Every high-leverage component has at least the median number of tasks."),
    "low": ("Cơ quan có phần lớn nhiệm vụ ở chỉ số thành phần đòn bẩy thấp (nửa dưới):",
            "Agencies with most of their tasks on low-leverage components (the lower half):"),
    "no_low": ("Không cơ quan nào có phần lớn nhiệm vụ ở chỉ số thành phần đòn bẩy thấp.",
               "No agency has most of its tasks on low-leverage components."),
    "col.rank": ("Thứ tự đòn bẩy", "Leverage rank"),
    "col.component": ("Chỉ số thành phần", "Component"),
    "col.leverage": ("Đòn bẩy", "Leverage"),
    "col.tasks": ("Số nhiệm vụ", "Tasks"),
    "col.agencies": ("Cơ quan", "Agencies"),
    "col.flag": ("Lưu ý", "Flag"),
    "flag.none": ("không có nhiệm vụ", "no task"),
    "flag.gap": ("đòn bẩy cao, ít nhiệm vụ", "high leverage, few tasks"),
    "col.agency": ("Cơ quan", "Agency"),
    "col.all": ("Số nhiệm vụ của chỉ số", "Tasks on this index"),
    "col.low": ("Nhiệm vụ ở thành phần đòn bẩy thấp", "Tasks on low-leverage components"),
    "col.index_level": ("Nhiệm vụ chung của chỉ số", "Tasks on the whole index"),
    "col.share": ("Tỷ lệ đòn bẩy thấp", "Low-leverage share"),
    "h_deadlines": ("Thời hạn các nhiệm vụ theo quý", "Task deadlines by quarter"),
    "deadlines_intro": ("Số nhiệm vụ theo thời hạn: quý của thời hạn có ngày cụ thể, còn lại theo loại thời hạn.",
                        "Tasks by deadline: the quarter of a dated deadline, otherwise the kind of deadline."),
    "col.when": ("Thời hạn", "Deadline"),
    "when.ongoing": ("thường xuyên", "ongoing"),
    "when.periodic": ("định kỳ", "periodic"),
    "when.event": ("theo sự kiện, kế hoạch khác", "tied to an event or another plan"),
    "when.regulatory": ("theo quy định", "as regulations require"),
    "when.none": ("không ghi", "none given"),
    "when.quarter": ("Quý {q}/{y}", "Q{q} {y}"),
    "fig_title": ("Đòn bẩy và số nhiệm vụ theo chỉ số thành phần (cơ quan có nhiều nhiệm vụ nhất)",
                  "Leverage and tasks per component (agencies with the most tasks)"),
    "fig_tasks": ("{n} nhiệm vụ", "{n} tasks"),
    "fig_more": ("+{k} cơ quan khác", "+{k} other"),
    "legend.ok": ("đòn bẩy và số nhiệm vụ tương xứng", "leverage and tasks in line"),
}


def _ow(key: str, lang: str, **values) -> str:
    return _pick(_OW[key], lang, **values)


_BASIS_KEYS = {"rank gained by a typical one-year improvement": "typical_rank_gain",
               "composite points of a typical one-year improvement": "typical_points",
               "composite points of a step of 1% of the range": "step_1pct_points"}


@dataclass
class Ownership:
    """One index's leverage joined to the plan's tasks (:mod:`indexmodel.ownership`)."""

    index: str
    coverage: pd.DataFrame
    ownership: pd.DataFrame
    profile: pd.DataFrame
    basis: str


def ownership_data(setup: NotebookSetup, index: str) -> Ownership | None:
    """The coverage, ownership and agency profile of one index; None without the plan."""
    from ...analysis import ownership as own
    from ...data.actions import load_actions

    if not setup.has_plan or index not in set(setup.plan.values["index"]):
        return None
    key = ("ownership", index)
    if key in setup._views:
        return setup._views[key]
    view = setup.view(index)
    if view.analysis is None:
        return None
    lev, spec = view.leverage_table, view.analysis.spec
    actions = load_actions()
    cov = own.coverage(actions, spec, lev)
    basis = _BASIS_KEYS.get(str(cov["basis"].iloc[0]), "step_1pct_points") if len(cov) else "step_1pct_points"
    setup._views[key] = Ownership(index, cov, own.ownership(actions, spec, lev),
                                  own.agency_profile(actions, spec, lev), basis)
    return setup._views[key]


def ownership_section(setup: NotebookSetup, index: str) -> list:
    """Which agencies own the most leverage, which high-leverage components have few or no
    tasks, which agencies carry mostly low-leverage tasks."""
    lang, label = setup.lang, index_label(index, setup.lang)
    head = "## " + _ow("h", lang, label=label)
    if not setup.has_plan:
        return [head, _ow("no_plan", lang, plan_province=resolve(setup.plan.province).name(lang),
                          name=setup.name)]
    data = ownership_data(setup, index)
    if data is None:
        return [head, _ow("no_index", lang, label=label)]
    cov = data.coverage
    setup.write_table(_rounded(cov), f"07_ownership_{index}")
    agencies = cov[f"agencies_{lang}"]
    digits = 1 if data.basis == "typical_rank_gain" else 3
    table = pd.DataFrame({
        _ow("col.rank", lang): cov["leverage_rank"].to_numpy(),
        _ow("col.component", lang): cov[f"name_{lang}"].to_numpy(),
        _ow("col.leverage", lang): cov["leverage"].round(digits).to_numpy(),
        _ow("col.tasks", lang): cov["tasks"].to_numpy(),
        _ow("col.agencies", lang): [a or "—" for a in agencies],
        _ow("col.flag", lang): [_ow("flag.none", lang) if n else (_ow("flag.gap", lang) if g else "")
                                for n, g in zip(cov["no_owner"], cov["gap"])],
    }).set_index(_ow("col.rank", lang))
    top = cov[cov["leverage_rank"] == cov["leverage_rank"].min()]
    items = [_ow("top_item", lang, name=r[f"name_{lang}"],
                 agencies=r[f"agencies_{lang}"] or _ow("no_agency", lang)) for r in top.to_dict("records")]
    lines = [_ow("basis", lang, basis=_ow(f"basis.{data.basis}", lang))]
    if len(top) > len(cov) / 2:
        # the measure hardly tells the components apart: naming them all as "most
        # leverage" (and the flags resting on that order) would say nothing
        lines.append(_ow("tie", lang, k=len(top), n=len(cov)))
    else:
        lines.append(_ow("top", lang, components="; ".join(items)))
    upper = cov["leverage_rank"] <= math.ceil(len(cov) / 2)
    gaps = cov[upper & (cov["gap"] | cov["no_owner"])]
    median = float(cov["tasks"].median())
    if len(gaps):
        lines.append(_ow("gaps", lang, items="; ".join(
            _ow("gap_item", lang, name=r[f"name_{lang}"], n=int(r["tasks"]), median=median)
            for r in gaps.to_dict("records"))))
    else:
        lines.append(_ow("no_gaps", lang))
    out = [head, _bullets(lines), table]
    prof = data.profile
    low = prof[prof["mostly_low"].fillna(False).astype(bool)]
    if len(low):
        out.append(_ow("low", lang))
        out.append(pd.DataFrame({
            _ow("col.agency", lang): low[f"agency_{lang}"].to_numpy(),
            _ow("col.all", lang): low["tasks"].astype(int).to_numpy(),
            _ow("col.low", lang): low["low_leverage_tasks"].astype(int).to_numpy(),
            _ow("col.index_level", lang): low["index_level_tasks"].astype(int).to_numpy(),
            _ow("col.share", lang): [_pct(v) for v in low["low_leverage_share"]],
        }).set_index(_ow("col.agency", lang)))
    else:
        out.append(_ow("no_low", lang))
    return out


def _when_label(when: str, lang: str) -> str:
    if "-Q" in when:
        year, quarter = when.split("-Q")
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}[quarter]
        return _ow("when.quarter", lang, q=roman if lang == "vi" else quarter, y=year)
    key = f"when.{when}"
    return _ow(key, lang) if key in _OW else when


def deadlines_section(setup: NotebookSetup) -> list:
    """Task counts per index by the quarter of their deadline (:func:`ownership.deadlines_by_quarter`)."""
    from ...data.actions import load_actions
    from ...analysis.ownership import deadlines_by_quarter

    lang = setup.lang
    head = "## " + _ow("h_deadlines", lang)
    if not setup.has_plan:
        return [head, _ow("no_plan", lang, plan_province=resolve(setup.plan.province).name(lang),
                          name=setup.name)]
    table = deadlines_by_quarter(load_actions())
    dated = sorted(w for w in table.index if "-Q" in w)
    order = dated + [w for w in ("periodic", "event", "regulatory", "ongoing", "none") if w in table.index]
    table = table.loc[order]
    setup.write_table(table.reset_index(), "07_deadlines")
    from ...data.spec import INDICES

    columns = [i for i in INDICES if i in table.columns]
    out = table[columns].copy()
    out.columns = [index_label(i, "en") for i in columns]
    out.index = [_when_label(w, lang) for w in out.index]
    out.index.name = _ow("col.when", lang)
    return [head, _ow("deadlines_intro", lang), out]


def ownership_figure(setup: NotebookSetup):
    """Leverage per component (bars) with its task count and the agency with the most tasks
    on it, one panel per index of the plan; None without the plan. Orange: high leverage,
    fewer tasks than the median component; red: no task."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from ..plots import COLORS, use_style
    from ...data.spec import INDICES

    if not setup.has_plan:
        return None
    lang = setup.lang
    data = [d for d in (ownership_data(setup, i) for i in INDICES) if d is not None]
    if not data:
        return None
    use_style()
    sizes = [len(d.coverage) for d in data]
    fig = Figure(figsize=(11.0, 1.4 + 0.38 * sum(sizes) + 0.75 * len(data)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(data), 1,
                                      gridspec_kw={"height_ratios": [max(n, 2) for n in sizes]}))
    for ax, d in zip(axes, data):
        cov, own = d.coverage, d.ownership
        y = np.arange(len(cov))
        values = cov["leverage"].to_numpy(dtype=float)
        colors = [COLORS["goal"] if n else (COLORS["low"] if g else COLORS["target"])
                  for n, g in zip(cov["no_owner"], cov["gap"])]
        ax.barh(y, np.nan_to_num(values), height=0.6, color=colors)
        for yi, value, rec in zip(y, values, cov.to_dict("records")):
            rows = own[own["component"] == rec["component"]].sort_values(
                ["tasks", "agency_id"], ascending=[False, True], kind="mergesort")
            text = _ow("fig_tasks", lang, n=int(rec["tasks"]))
            if len(rows):
                top = rows.iloc[0]
                text += f" — {top[f'agency_{lang}']} ({int(top['tasks'])})"
                if len(rows) > 1:
                    text += " " + _ow("fig_more", lang, k=len(rows) - 1)
            ax.annotate(text, (value if math.isfinite(value) else 0.0, yi), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.5)
        ax.set_yticks(y, [_short(n, 46) for n in cov[f"name_{lang}"]])
        ax.set_ylim(len(cov) - 0.5, -0.5)
        finite = values[np.isfinite(values)]
        ax.set_xlim(0, (float(finite.max()) if finite.size and finite.max() > 0 else 1.0) * 3.0)
        ax.set_xlabel(_ow(f"basis.{d.basis}", lang), fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.set_title(index_label(d.index, lang), fontsize=10, loc="left")
    handles = [Patch(color=COLORS["target"], label=_ow("legend.ok", lang)),
               Patch(color=COLORS["low"], label=_ow("flag.gap", lang)),
               Patch(color=COLORS["goal"], label=_ow("flag.none", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle(_ow("fig_title", lang), fontsize=11)
    return fig


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


# ==========================================================================================
# Release day, trajectory and sensitivity (notebook 08).
# ==========================================================================================
_MO = {
    "h_monitor": ("Rà soát khi công bố kết quả năm {y}", "Release-day review of the {y} results"),
    "year_target": ("Số liệu có kết quả năm {y}: báo cáo rà soát cho năm {y}.",
                    "The data hold the {y} results: the review is for {y}."),
    "year_latest": ("Số liệu chưa có kết quả năm {t} của {name}: báo cáo dưới đây là cho năm gần nhất có số liệu, "
                    "năm {y}.",
                    "The data hold no {t} results for {name}: the review below is for the latest year with data, "
                    "{y}."),
    "year_none": ("Chưa có năm nào có số liệu của {name}: không lập được báo cáo rà soát.",
                  "No year holds {name}'s values: no review can be prepared."),
    "col.index": ("Chỉ số", "Index"),
    "col.composite": ("Điểm {y}", "Score {y}"),
    "col.change": ("Thay đổi so với năm trước", "Change on the year before"),
    "col.average": ("TB cả nước", "National average"),
    "col.rank": ("Thứ hạng", "Rank"),
    "col.components": ("Số chỉ số thành phần", "Components"),
    "col.flagged": ("Cần rà soát", "To review"),
    "col.incomplete": ("Chưa đánh giá đủ", "Not fully judged"),
    "no_values": ("không có số liệu", "no values"),
    "h_report": ("Báo cáo theo cơ quan", "The report by agency"),
    "h_trajectory": ("Điểm tổng hợp và thứ hạng qua các năm", "Composite and rank over the years"),
    "traj_intro": ("Mọi năm số liệu có điểm hoặc thứ hạng của tỉnh; chỉ tiêu của kế hoạch vẽ phía trước (nét đứt).",
                   "Every year the data hold the province's composite or rank; the plan's targets drawn ahead "
                   "(dashed)."),
    "col.year": ("Năm", "Year"),
    "col.status": ("Loại", "Kind"),
    "col.source": ("Nguồn thứ hạng", "Rank from"),
    "col.note": ("Ghi chú", "Note"),
    "col.out_of": ("Số tỉnh xếp hạng", "Provinces ranked"),
    "status.actual": ("thực tế", "actual"),
    "status.implied": ("suy ra từ kế hoạch", "implied by the plan"),
    "status.target": ("chỉ tiêu / mục tiêu", "target / goal"),
    "traj_title": ("{label} — {name}: điểm tổng hợp và thứ hạng", "{label} — {name}: composite and rank"),
    "h_sensitivity": ("Độ nhạy theo thiết lập chưa kiểm chứng — {label}",
                      "Sensitivity to unverified settings — {label}"),
    "sens_intro": ("Mỗi kết luận được kiểm tra khi từng thiết lập thay đổi trong phạm vi hợp lý (các thiết lập "
                   "khác giữ mặc định) và khi mọi thiết lập cùng được rút ngẫu nhiên ({sims} lần, hạt giống {seed}).",
                   "Each conclusion is checked with each setting moved across its plausible range (the others at "
                   "default) and with every setting drawn at random at once ({sims} draws, seed {seed})."),
    "sens_none": ("{label}: không có số liệu của {name} để kiểm tra độ nhạy.",
                  "{label}: no values of {name} to check the sensitivity of."),
    "col.conclusion": ("Kết luận", "Conclusion"),
    "col.sweep": ("Giữ nguyên khi thay đổi từng thiết lập", "Holds across the one-at-a-time sweep"),
    "col.share": ("Tỷ lệ lần rút giữ nguyên", "Share of draws where it holds"),
    "col.setting": ("Thiết lập", "Setting"),
    "col.which": ("Điểm tổng hợp", "Composite"),
    "col.of": ("Điểm tổng hợp của", "Composite of"),
    "col.weights": ("Trọng số (thấp – cao)", "Weight (low – high)"),
    "col.default": ("Theo mặc định", "At default"),
    "col.low": ("Thấp nhất", "Lowest"),
    "col.high": ("Cao nhất", "Highest"),
    "col.swing": ("Biên độ", "Swing"),
    "which.baseline": ("năm {y}", "{y}"),
    "which.target": ("chỉ tiêu {y}", "targets {y}"),
    "tornado_title": ("{label}: điểm tổng hợp theo chỉ tiêu {y}\nkhi từng thiết lập thay đổi (các thiết lập khác mặc định)",
                      "{label}: the {y} target composite\nas each setting moves (the others at default)"),
    "tornado_title_base": ("{label}: điểm tổng hợp năm {y}\nkhi từng thiết lập thay đổi (các thiết lập khác mặc định)",
                           "{label}: the {y} composite\nas each setting moves (the others at default)"),
    "h_pci2011": ("PCI 2011: điểm công bố so với điểm tính lại", "PCI 2011: published against recomputed"),
    "pci2011_intro": ("Điểm tổng hợp PCI 2011 công bố không khớp tổng có trọng số của giai đoạn 2009–2012; gói giữ "
                      "điểm công bố. Bảng cho biết kết luận nào về năm 2011 thay đổi nếu tính lại.",
                      "PCI 2011's published composites do not follow the 2009–2012 weights; the package keeps "
                      "them as published. The table shows which conclusions about 2011 change if recomputed."),
    "col.published": ("Công bố", "Published"),
    "col.recomputed": ("Tính lại", "Recomputed"),
    "col.changes": ("Thay đổi", "Changes"),
}


def _mo(key: str, lang: str, **values) -> str:
    return _pick(_MO[key], lang, **values)


def monitor_years(setup: NotebookSetup) -> list[int]:
    """The years the review could be for, best first: ``target_year`` when the data hold
    the province's values for it, then every earlier year with them, latest first (the
    plan's baseline year counts: the plan holds its values)."""
    name = setup.province.name_en
    peers, results = setup.peers(), setup.results()
    years = {int(y) for y in peers.loc[peers["province"] == name, "year"]}
    years |= {int(y) for y in results.loc[(results["province"] == name)
                                          & results["composite"].notna(), "year"]}
    if resolve(setup.plan.province).id == setup.province.id:
        years.add(int(setup.plan.baseline_year))
    return sorted((y for y in years if y <= setup.target_year), reverse=True)


def monitor_year(setup: NotebookSetup) -> tuple[int | None, str]:
    """The year of the release-day review (the first of :func:`monitor_years`) and a
    sentence saying which."""
    years = monitor_years(setup)
    return (years[0] if years else None), _year_sentence(setup, years[0] if years else None)


def _year_sentence(setup: NotebookSetup, year: int | None) -> str:
    lang = setup.lang
    if year is None:
        return _mo("year_none", lang, name=setup.name)
    if year == setup.target_year:
        return _mo("year_target", lang, y=year)
    return _mo("year_latest", lang, t=setup.target_year, name=setup.name, y=year)


def monitor_report(setup: NotebookSetup, year: int):
    """:func:`indexmodel.monitor.monitor` for the province and ``year`` (the analyst's peers
    laid over the shipped ones)."""
    from ...analysis.monitor import monitor

    return monitor(year, setup.province.name_en, peers=setup.peers(), results=setup.results(),
                   lang=setup.lang)


def monitor_section(setup: NotebookSetup) -> tuple[list, object]:
    """The review's heading, which year, and the summary by index; (items, report or None).

    The review is for the first year of :func:`monitor_years` the monitor can report on
    (a year known only from a published rank has no values to review)."""
    lang = setup.lang
    report = year = None
    for candidate in monitor_years(setup):
        try:
            report, year = monitor_report(setup, candidate), candidate
            break
        except IndexModelError:
            continue
    if report is None:
        return ["## " + _mo("h_monitor", lang, y=setup.target_year),
                _year_sentence(setup, None)], None
    sentence = _year_sentence(setup, year)
    rows = []
    for r in report.summary.to_dict("records"):
        label = index_label(r["index"], "en")
        if not r["has_data"]:
            rows.append({_mo("col.index", lang): label,
                         _mo("col.composite", lang, y=year): _mo("no_values", lang)})
            continue
        rank = f"{r['rank']}/{r['ranked']}" if pd.notna(r["rank"]) and pd.notna(r["ranked"]) else "—"
        rows.append({
            _mo("col.index", lang): label,
            _mo("col.composite", lang, y=year): _fmt(r["composite"]),
            _mo("col.change", lang): _fmt(r["change"], signed=True),
            _mo("col.average", lang): _fmt(r["national_average"]),
            _mo("col.rank", lang): rank,
            _mo("col.components", lang): str(r["components"]),
            _mo("col.flagged", lang): str(r["flagged"]),
            _mo("col.incomplete", lang): str(r["incomplete"]),
        })
    table = pd.DataFrame(rows).fillna("—").set_index(_mo("col.index", lang))
    setup.write_table(report.components, f"08_monitor_{year}")
    notes = [n(lang) for n in report.notes]
    out = ["## " + _mo("h_monitor", lang, y=year), sentence, table]
    if notes:
        out.append(_bullets(notes))
    return out, report


def monitor_markdown(report, lang: str = "vi") -> str:
    """The review as :meth:`MonitorReport.to_markdown` writes it, headings one level down
    (it sits inside the notebook's own sections)."""
    text = report.to_markdown(lang)
    return "\n".join(("#" + line) if line.startswith("#") else line for line in text.splitlines())


def trajectory_frame(setup: NotebookSetup) -> pd.DataFrame:
    """:func:`indexmodel.trajectory.trajectory` of the province (every index, targets ahead)."""
    from ...analysis.trajectory import trajectory

    return trajectory(setup.province.name_en, peers=setup.peers(), results=setup.results(),
                      lang=setup.lang)


def trajectory_table(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The trajectory with labels in ``lang``: index, year, kind, composite, rank, provinces, note."""
    def rank_text(r) -> str:
        if pd.isna(r["rank"]):
            return "—"
        if r["status"] == "target":
            return t("plan.top", lang, rank=int(r["rank"]))
        return str(int(r["rank"]))

    comp = []
    for r in frame.to_dict("records"):
        text = _fmt(r["composite"])
        if pd.notna(r["composite_low"]) and pd.notna(r["composite_high"]):
            text += f" ({_fmt(r['composite_low'])} – {_fmt(r['composite_high'])})"
        comp.append(text)
    out = pd.DataFrame({
        _mo("col.index", lang): [index_label(i, "en") for i in frame["index"]],
        _mo("col.year", lang): frame["year"].astype(int).to_numpy(),
        _mo("col.status", lang): [_mo(f"status.{s}", lang) if f"status.{s}" in _MO else s
                                  for s in frame["status"]],
        _mo("col.which", lang): comp,
        _mo("col.rank", lang): [rank_text(r) for r in frame.to_dict("records")],
        _mo("col.out_of", lang): [str(int(v)) if pd.notna(v) else "—" for v in frame["ranked_provinces"]],
        _mo("col.note", lang): frame["note"].to_numpy(),
    })
    return out.set_index(_mo("col.index", lang))


def trajectory_section(setup: NotebookSetup, frame: pd.DataFrame) -> list:
    setup.write_table(_rounded(frame), "08_trajectory")
    return ["## " + _mo("h_trajectory", setup.lang), _mo("traj_intro", setup.lang),
            trajectory_table(frame, setup.lang)]


def trajectory_figure(setup: NotebookSetup, frame: pd.DataFrame, index: str):
    """Figure (f) for one index: composite and rank by year, the plan's targets dashed ahead;
    None where the province has no composite or rank of that index."""
    from ..plots import plot_trajectory

    rows = frame[frame["index"] == index]
    if not len(rows) or (rows["composite"].isna().all() and rows["rank"].isna().all()):
        return None
    rows = rows.assign(rank=rows["rank"].astype(float))
    out_of = rows["ranked_provinces"].dropna()
    title = _mo("traj_title", setup.lang, label=index_label(index, setup.lang), name=setup.name)
    return plot_trajectory(rows[["year", "composite", "rank", "status"]], lang=setup.lang, title=title,
                           out_of=int(out_of.max()) if len(out_of) else None)


def sensitivity_sims(setup: NotebookSetup) -> int:
    """The Monte Carlo draws of the sensitivity check: ``sims``, at most :data:`SENSITIVITY_SIMS`."""
    return max(1, min(int(setup.sims), SENSITIVITY_SIMS))


def sensitivity_result(setup: NotebookSetup, index: str):
    """:func:`indexmodel.sensitivity.sensitivity` of the index's analysis; None without data."""
    from ...analysis.sensitivity import sensitivity

    view = setup.view(index)
    if view.analysis is None:
        return None
    # three points per setting (its low, middle and high end) and its default: each
    # composite is monotone in each weight, so the ends give the sweep's extremes
    return sensitivity(index, plan=setup.plan if setup.has_plan else None,
                       sims=sensitivity_sims(setup), seed=setup.seed, steps=SENSITIVITY_STEPS,
                       analysis=view.analysis)


def sensitivity_section(setup: NotebookSetup, index: str, result) -> list:
    lang, label = setup.lang, index_label(index, setup.lang)
    head = "## " + _mo("h_sensitivity", lang, label=label)
    if result is None:
        return [head, _mo("sens_none", lang, label=label, name=setup.name)]
    if not result.settings:
        return [head, result.text(lang)]
    yes, no = t("yes", lang), t("no", lang)
    con = result.conclusions
    conclusions = pd.DataFrame({
        _mo("col.conclusion", lang): con[f"statement_{lang}"].to_numpy(),
        _mo("col.sweep", lang): ["—" if pd.isna(v) else (yes if v else no) for v in con["sweep_holds"]],
        _mo("col.share", lang): [_pct(v) for v in con["mc_share"]],
    }).set_index(_mo("col.conclusion", lang))
    tor = result.tornado
    tor = tor[tor["swing"] > 1e-9]
    years = {"baseline": result.year, "target": result.target_year}
    tornado = pd.DataFrame({
        _mo("col.setting", lang): [f"{r[f'name_{lang}']} ({r['setting']})" for r in tor.to_dict("records")],
        _mo("col.of", lang): [_mo(f"which.{s}", lang, y=years[s]) for s in tor["status"]],
        _mo("col.weights", lang): [f"{a:g} – {b:g}" for a, b in zip(tor["weight_low"], tor["weight_high"])],
        _mo("col.default", lang): tor["default"].round(2).to_numpy(),
        _mo("col.low", lang): tor["low"].round(2).to_numpy(),
        _mo("col.high", lang): tor["high"].round(2).to_numpy(),
        _mo("col.swing", lang): tor["swing"].round(3).to_numpy(),
    }).set_index(_mo("col.setting", lang))
    setup.write_table(_rounded(tor), f"08_sensitivity_{index}")
    out = [head, _mo("sens_intro", lang, sims=result.sims, seed=result.seed), conclusions, tornado]
    notes = [n(lang) for n in result.notes]
    if notes:
        out.append(_bullets(notes))
    return out


def sensitivity_figure(setup: NotebookSetup, index: str, result):
    """Figure (g): a tornado of the target composite (the baseline's without targets)."""
    from ..plots import plot_sweep

    if result is None or not result.settings or not len(result.tornado):
        return None
    tor = result.tornado
    status = "target" if (tor["status"] == "target").any() else "baseline"
    rows = tor[(tor["status"] == status) & (tor["swing"] > 1e-9)]
    if not len(rows):
        return None
    label = index_label(index, setup.lang)
    key = "tornado_title" if status == "target" else "tornado_title_base"
    year = result.target_year if status == "target" else result.year
    return plot_sweep(rows, base=float(rows["default"].iloc[0]), lang=setup.lang,
                      title=_mo(key, setup.lang, label=label, y=year))


def pci_2011_section(setup: NotebookSetup) -> list:
    """PCI 2011 published against recomputed (:func:`indexmodel.sensitivity.pci_2011`)."""
    from ...analysis.sensitivity import pci_2011

    lang = setup.lang
    head = "## " + _mo("h_pci2011", lang)
    try:
        result = pci_2011(setup.province.name_en, peers=setup.peers(), results=setup.results())
    except IndexModelError as exc:
        return [head, exc.message]
    yes, no = t("yes", lang), t("no", lang)
    con = result.conclusions
    table = pd.DataFrame({
        _mo("col.conclusion", lang): con[f"statement_{lang}"].to_numpy(),
        _mo("col.published", lang): con["published"].to_numpy(),
        _mo("col.recomputed", lang): con["recomputed"].to_numpy(),
        _mo("col.changes", lang): [yes if v else no for v in con["changes"]],
    }).set_index(_mo("col.conclusion", lang))
    return [head, _mo("pci2011_intro", lang), table]


# ==========================================================================================
# Notebook titles (05–08).
# ==========================================================================================
_TITLES = {
    "scenarios": (("Kịch bản thay đổi — {name}", "What-if scenarios — {name}"),
                  ("Sửa bảng thay đổi trong ô được đánh dấu rồi chạy lại: mỗi chỉ số có thay đổi được tính lại "
                   "điểm tổng hợp, thứ hạng (khoảng) và xác suất đạt mục tiêu, so với kết quả năm {y}.",
                   "Edit the table of changes in the marked cell and run again: for each index touched, the "
                   "composite, the rank (interval) and the odds of the goal, against the {y} results.")),
    "backtest": (("Kiểm định ngược mô hình thứ hạng", "Backtests of the rank model"),
                 ("Mô hình dự báo thứ hạng được thử trên các năm đã biết của PCI và PAPI: dự báo có đúng không, "
                  "và có tốt hơn cách đơn giản không.",
                  "The rank model is tried on the known years of PCI and PAPI: are its predictions right, and "
                  "better than the naive baseline?")),
    "agencies": (("Cơ quan chịu trách nhiệm và đòn bẩy — {name}", "Agencies and leverage — {name}"),
                 ("Nhiệm vụ trong 23 phụ lục của kế hoạch ghép với đòn bẩy của từng chỉ số thành phần: cơ quan "
                  "nào giữ các chỉ số thành phần có đòn bẩy lớn, chỗ nào đòn bẩy cao mà ít nhiệm vụ, thời hạn.",
                  "The tasks of the plan's 23 appendices joined to each component's leverage: which agencies "
                  "own the components with the most leverage, where high leverage meets few tasks, deadlines.")),
    "monitor": (("Theo dõi kết quả — {name}", "Monitoring the results — {name}"),
                ("Báo cáo rà soát khi công bố kết quả, diễn biến điểm và thứ hạng qua các năm, và mức độ các kết "
                 "luận phụ thuộc vào thiết lập chưa kiểm chứng.",
                 "The release-day review, the composite and rank over the years, and how far the conclusions "
                 "rest on unverified settings.")),
}


def notebook_title(setup: NotebookSetup, key: str) -> list[str]:
    """The title (a level-1 heading: the report's name in index.html) and what the notebook shows."""
    title, sub = _TITLES[key]
    return ["# " + _pick(title, setup.lang, name=setup.name), _pick(sub, setup.lang, y=setup.year)]


def scenario_help(setup: NotebookSetup) -> list:
    """The ids an analyst may use in the table of changes, by index."""
    return ["## " + _sc("ids_h", setup.lang), component_ids(setup)]
