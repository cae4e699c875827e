"""Release day, trajectory and sensitivity (notebook 08)."""

from __future__ import annotations

import pandas as pd

from ...core.errors import IndexModelError
from ...core.i18n import index_label, t
from ...data.provinces import describe, resolve
from .common import _bullets, _fmt, _pct, _pick, _rounded
from .setup import NotebookSetup


#: Monte Carlo draws of the sensitivity sweep at most (each draw redoes the analysis).
SENSITIVITY_SIMS = 50
#: Points per setting in the one-at-a-time sweep (its default weight is added).
SENSITIVITY_STEPS = 3

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
    "h_rank_change": ("Vì sao thứ hạng thay đổi so với năm trước", "Why the ranks moved from the year before"),
    "wf_title": ("{label} — {name}: vì sao thứ hạng thay đổi, {prev} → {y}",
                 "{label} — {name}: why the rank moved, {prev} → {y}"),
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
    "sens_intro": ("Mỗi kết luận được kiểm tra khi từng thiết lập thay đổi trong phạm vi còn phù hợp với các mốc "
                   "công bố (các thiết lập khác giữ như đang dùng) và khi mọi thiết lập cùng được rút ngẫu nhiên "
                   "trong phần phù hợp ({sims} lần, hạt giống {seed}).",
                   "Each conclusion is checked with each setting moved across the values still consistent with "
                   "the published anchors (the others as in use) and with every setting drawn at random at once "
                   "from the consistent part ({sims} draws, seed {seed})."),
    "sens_none": ("{label}: không có số liệu của {name} để kiểm tra độ nhạy.",
                  "{label}: no values of {name} to check the sensitivity of."),
    "col.conclusion": ("Kết luận", "Conclusion"),
    "col.sweep": ("Giữ nguyên khi thay đổi từng thiết lập", "Holds across the one-at-a-time sweep"),
    "col.share": ("Tỷ lệ lần rút giữ nguyên", "Share of draws where it holds"),
    "col.setting": ("Thiết lập", "Setting"),
    "col.which": ("Điểm tổng hợp", "Composite"),
    "col.of": ("Điểm tổng hợp của", "Composite of"),
    "col.weights": ("Trọng số (thấp – cao)", "Weight (low – high)"),
    "col.default": ("Theo thiết lập đang dùng", "At the setting in use"),
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
    "pci2011_absent": ("{name} chưa tồn tại năm 2011: xem sổ 09 về các tỉnh cũ của đơn vị.",
                       "{name} did not exist in 2011: notebook 09 shows its former provinces."),
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
    years = {y for y in years if setup.province.exists_in(y)}  # by the year's map
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
    """:func:`indexmodel.analysis.monitor.monitor` for the province and ``year`` (the analyst's peers
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
    setup.write_table(report.components, f"08_monitor_{year}")
    # the one-screen summary: per index, what fell, what is below average, who acts by when
    return ["## " + _mo("h_monitor", lang, y=year), sentence,
            report.summary_markdown(lang, level=3)], report


def monitor_markdown(report, lang: str = "vi") -> str:
    """The review's details after its summary (:func:`monitor_section`): per agency, the
    components to review and the names of the others it answers for; why the ranks moved
    has its own section (:func:`rank_change_section`)."""
    return report.details_markdown(lang, level=2)


def rank_change_section(setup: NotebookSetup, report) -> list:
    """Why each index's rank moved from the year before (the review's ``rank_changes``,
    :mod:`indexmodel.analysis.explain`): per index the split, the provinces that moved the
    rank and the least improvement that would have held it; each split written as a table."""
    from ...analysis.explain_report import METHOD, explanation_markdown, explanation_table

    lang = setup.lang
    if report is None or not report.rank_changes:
        return []
    out = ["## " + _mo("h_rank_change", lang, y=report.year)]
    for index, explanation in report.rank_changes.items():
        out.append(explanation_markdown(explanation, lang, level=3, compact=True))
        if explanation.coverage != "none":
            setup.write_table(explanation_table(explanation, lang),
                              f"08_rank_change_{index}_{explanation.year}")
    out.append(METHOD(lang))
    return out


def rank_change_figures(setup: NotebookSetup, report) -> list[tuple[str, object]]:
    """Figure (h) for each index whose rank change could be split: (index, figure)."""
    from ...analysis.explain_report import explanation_table
    from ..plots import plot_rank_waterfall

    if report is None:
        return []
    out = []
    for index, e in report.rank_changes.items():
        if e.coverage == "none":
            continue
        table = explanation_table(e, setup.lang)
        labels = [r["component_label"] if (r["part"] == "own" and e.component_level) else r["part_label"]
                  for r in table.to_dict("records")]
        frame = table.assign(label=labels)
        title = _mo("wf_title", setup.lang, label=index_label(index, setup.lang), name=setup.name,
                    prev=e.previous_year, y=e.year)
        out.append((index, plot_rank_waterfall(frame, rank_before=int(e.rank_previous),
                                               rank_after=int(e.rank), year_before=e.previous_year,
                                               year=e.year, lang=setup.lang, title=title)))
    return out


def trajectory_frame(setup: NotebookSetup) -> pd.DataFrame:
    """:func:`indexmodel.analysis.trajectory.trajectory` of the province (every index, targets ahead)."""
    from ...analysis.trajectory import trajectory

    return trajectory(setup.province, peers=setup.peers(), results=setup.results(),
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
    rows = rows.assign(rank=rows["rank"].astype(float),
                       # a composite with a range rests on unverified settings: an estimate
                       unverified=rows["composite_low"].notna() & rows["composite_high"].notna())
    out_of = rows["ranked_provinces"].dropna()
    title = _mo("traj_title", setup.lang, label=index_label(index, setup.lang), name=setup.name)
    return plot_trajectory(rows[["year", "composite", "rank", "status", "unverified"]], lang=setup.lang,
                           title=title,
                           out_of=int(out_of.max()) if len(out_of) else None)


def sensitivity_sims(setup: NotebookSetup) -> int:
    """The Monte Carlo draws of the sensitivity check: ``sims``, at most :data:`SENSITIVITY_SIMS`."""
    return max(1, min(int(setup.sims), SENSITIVITY_SIMS))


def sensitivity_result(setup: NotebookSetup, index: str):
    """:func:`indexmodel.analysis.sensitivity.sensitivity` of the index's analysis; None without data."""
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
        _mo("col.setting", lang): [r[f"name_{lang}"] for r in tor.to_dict("records")],
        _mo("col.of", lang): [_mo(f"which.{s}", lang, y=years[s]) for s in tor["status"]],
        _mo("col.weights", lang): [f"{a:.2f} – {b:.2f}" for a, b in zip(tor["weight_low"], tor["weight_high"])],
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
    """PCI 2011 published against recomputed (:func:`indexmodel.analysis.sensitivity.pci_2011`)."""
    from ...analysis.sensitivity import pci_2011

    lang = setup.lang
    head = "## " + _mo("h_pci2011", lang)
    if not setup.province.exists_in(2011):  # a unit formed in 2025: its former provinces' 2011
        return [head, _mo("pci2011_absent", lang, name=describe(setup.province, lang))]
    try:
        result = pci_2011(setup.province.name_en, peers=setup.peers(), results=setup.results())
    except IndexModelError as exc:
        return [head, exc.message]
    yes, no = t("yes", lang), t("no", lang)
    con = result.conclusions

    def reader(row, column: str) -> str:
        """A cell in the reader's language: a component by its name, provinces by theirs."""
        value = str(row[column])
        if row["conclusion"] == "most_leverage":
            from ...data.spec import load_specs
            spec = load_specs().spec_for("pci", 2011)
            return spec.name(value, lang) if spec.has(value) else value
        if row["conclusion"] == "top_10" and lang == "vi":
            return "; ".join(resolve(p.strip(), 2011).name_vi for p in value.split(";") if p.strip())
        return value

    table = pd.DataFrame({
        _mo("col.conclusion", lang): con[f"statement_{lang}"].to_numpy(),
        _mo("col.published", lang): [reader(r, "published") for r in con.to_dict("records")],
        _mo("col.recomputed", lang): [reader(r, "recomputed") for r in con.to_dict("records")],
        _mo("col.changes", lang): [yes if v else no for v in con["changes"]],
    }).set_index(_mo("col.conclusion", lang))
    return [head, _mo("pci2011_intro", lang), table]
