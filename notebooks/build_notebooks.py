"""Regenerate the numbered notebooks (sources, then stored outputs).

    .venv/bin/python notebooks/build_notebooks.py                  # all: sources, execute, store
    .venv/bin/python notebooks/build_notebooks.py 01_pci.ipynb     # only the ones named
    .venv/bin/python notebooks/build_notebooks.py --no-execute     # sources only, no outputs

The notebooks are committed with their outputs (nbval compares the cells marked
``# NBVAL_CHECK_OUTPUT`` against them), so after changing a notebook or the numbers it
shows, run this script and commit the .ipynb files. The stored outputs are those of
the default parameters; figures are written to a temporary folder.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from indexmodel.report import PARAMETERS_CELL
from indexmodel.report.runner import WIDGET_VIEW

HERE = Path(__file__).resolve().parent

PARAMETERS = PARAMETERS_CELL

SETUP = '''\
from IPython.display import Markdown, display

from indexmodel.core.i18n import index_label
from indexmodel.report import views

setup = views.setup_notebook(province, baseline_year, target_year, lang, peers_file, sims,
                             seed, figures_dir, tables_dir)'''


def _dev(text: str):
    """A Markdown cell for developers: left out of the HTML reports."""
    cell = new_markdown_cell(text)
    cell.metadata["tags"] = ["developer-notes"]
    return cell


def _code(source: str, tags: list[str] | None = None):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def overview() -> nbformat.NotebookNode:
    cells = [
        _dev(
            "# 00 — Overview of the four indices (developer notes)\n\n"
            "Run by `indexmodel run` with papermill (parameters below), or by hand. For each "
            "index: the composite of the plan's 2023 results and of its 2025 targets, the "
            "ranks and goals, the inconsistencies in the plan's own numbers, and figure (a) "
            "(result, target, best known value by component). Everything an analyst reads "
            "follows `lang`; the logic is in `indexmodel.report.views` and "
            "`indexmodel.report.plots`.\n\n"
            "Without the province's plan for these years (another province, a year of the "
            "peer data) it shows the province's standing in the peer data instead.\n\n"
            "nbval compares the outputs of the cells marked `# NBVAL_CHECK_OUTPUT`; the "
            "figure cells only assert that a figure was written. Cells tagged "
            "`developer-notes` (like this one) are left out of the HTML reports."),
        _code(PARAMETERS, ["parameters"]),
        _code("# NBVAL_CHECK_OUTPUT\n" + SETUP + '''

TITLE = {"vi": "Tổng quan các chỉ số — {name}", "en": "Overview of the indices — {name}"}
SUB = {
    "vi": "Kết quả năm {b} và chỉ tiêu năm {t} theo kế hoạch của tỉnh.",
    "en": "The {b} results and the {t} targets of the province's plan.",
}
SUB_YEAR = {
    "vi": "Tỉnh chưa có kế hoạch cho năm {t}: dưới đây là kết quả năm {t} theo số liệu các tỉnh.",
    "en": "No plan of the province for {t}: below, its {t} standing in the peer data.",
}
display(Markdown("# " + TITLE[lang].format(name=setup.name)))
display(Markdown((SUB if setup.has_plan else SUB_YEAR)[lang].format(b=baseline_year,
                                                                     t=target_year)))
views.show(views.merger_note(setup))  # the former province after its merger, or a new unit'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Điểm tổng hợp, thứ hạng và mục tiêu", "en": "Composites, ranks and goals"}
HEAD_YEAR = {"vi": "Điểm tổng hợp và thứ hạng", "en": "Composites and ranks"}
display(Markdown("## " + (HEAD if setup.has_plan else HEAD_YEAR)[lang]))
if setup.has_plan:
    from indexmodel.analysis.plan_check import check_plan

    checks = check_plan(setup.plan, outlook=False)  # the overview shows no odds
    summary = views.overview_summary(checks, lang)
    setup.write_table(views.overview_csv(checks), "00_overview")
    setup.write_table(views.components_csv(setup, checks), "00_components")
else:
    checks = {}
    summary = views.year_summary(setup)
    setup.write_table(summary, "00_overview")
display(summary)'''),
        _code('''# NBVAL_CHECK_OUTPUT
if setup.has_plan:
    HEAD = {"vi": "Điểm không nhất quán trong số liệu của kế hoạch",
            "en": "Inconsistencies in the plan's own numbers"}
    NONE = {"vi": "Không có.", "en": "None."}
    display(Markdown("## " + HEAD[lang]))
    findings = views.findings_table(checks, lang)
    display(findings if len(findings) else Markdown(NONE[lang]))
shown = views.indices_with_data(setup, checks)'''),
    ]
    for index in ("papi", "sipas", "par_index", "pci"):
        cells.append(_code(f'''# NBVAL_CHECK_OUTPUT
index = "{index}"
if index in shown:
    display(Markdown("## " + index_label(index, lang)))
    display(views.components_table(setup, checks, index))'''))
        cells.append(_code(f'''# NBVAL_IGNORE_OUTPUT
index = "{index}"
if index in shown:
    path = setup.save(views.components_figure(setup, checks, index), "00_components_" + index)
    assert path.is_file() and path.stat().st_size > 0, "no figure written"
    display(setup.show(path))'''))
    nb = new_notebook(cells=cells)
    return _metadata(nb)


def about_the_data() -> nbformat.NotebookNode:
    cells = [
        _dev(
            "# 90 — About the data (developer notes)\n\n"
            "What data the package holds per index and year: counts from the tidy tables "
            "under `data/peers` (component values, published results, regional means, and "
            "the analyst's peer file when one is given), the methodology eras and which "
            "years are published-only, what is missing, and every source. Labels follow "
            "`lang`; the logic is in `indexmodel.report.views`."),
        _code(PARAMETERS, ["parameters"]),
        _code("# NBVAL_CHECK_OUTPUT\n" + SETUP + '''

TITLE = {"vi": "Về số liệu", "en": "About the data"}
SUB = {
    "vi": "Số liệu của từng chỉ số theo năm: điểm thành phần, kết quả công bố, điểm trung bình "
          "vùng; năm nào chỉ có kết quả công bố; còn thiếu gì; và nguồn.",
    "en": "The data of each index by year: component values, published results, regional "
          "means; which years hold published results only; what is missing; and the sources.",
}
display(Markdown("# " + TITLE[lang]))
display(Markdown(SUB[lang]))
tables = views.data_tables(setup.extra_peers)'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Số liệu theo chỉ số, năm và loại", "en": "Data by index, year and kind"}
display(Markdown("## " + HEAD[lang]))
inventory = views.data_inventory(tables, lang)
setup.write_table(inventory, "90_inventory")
inventory'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Mức độ đầy đủ theo năm (đến năm {t})", "en": "Coverage by year (to {t})"}
display(Markdown("## " + HEAD[lang].format(t=target_year)))
coverage = views.data_coverage(tables, target_year, lang)
setup.write_table(coverage, "90_coverage")
coverage'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Phương pháp tính theo giai đoạn", "en": "Methodology eras"}
display(Markdown("## " + HEAD[lang]))
views.era_table(lang)'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Khi hai nguồn cùng cho một số liệu", "en": "Where two sources give one figure"}
SUB = {
    "vi": "Mỗi số liệu có ở hai nguồn được so sánh theo cách làm tròn của đơn vị công bố (VCCI làm "
          "tròn PCI đến 2 chữ số; UNDP cắt bớt PAPI đến 2 chữ số); giữ số của nguồn mới hơn. Các "
          "trường hợp khác nhau được xử lý riêng như dưới đây.",
    "en": "Every figure two sources give is compared under the publisher's rounding (VCCI rounds "
          "PCI to two decimals; UNDP truncates PAPI to two decimals); the newer source's figure is "
          "kept. The disagreements are handled one by one, as below.",
}
display(Markdown("## " + HEAD[lang]))
display(Markdown(SUB[lang]))
summary, disagreements = views.cross_checks(lang)
display(summary)
disagreements'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Trọng số PCI từ năm 2022: ước lượng từ số liệu công bố",
        "en": "PCI weights from 2022: fitted from published figures"}
SUB = {
    "vi": "Chưa tìm thấy văn bản của VCCI nêu trọng số từ năm 2022. Trọng số được ước lượng (bình "
          "phương tối thiểu, trọng số không âm, tổng bằng 1, làm tròn đến bậc 5%) từ các hồ sơ tỉnh "
          "năm 2022 có đủ 10 chỉ số thành phần và điểm tổng hợp; hồ sơ năm 2023 dùng để kiểm tra. "
          "Nhà phân tích có thể thay trọng số này như mọi thiết lập chưa kiểm chứng.",
    "en": "No VCCI text stating the weights from 2022 was found. They are fitted (least squares, "
          "weights non-negative and adding up to 1, snapped to 5% steps) to the 2022 province "
          "profiles with all ten sub-indices and the composite published; the 2023 profiles check "
          "them. An analyst can override them like any unverified setting.",
}
display(Markdown("## " + HEAD[lang]))
display(Markdown(SUB[lang]))
fit, fitted_weights, profiles = views.fitted_weights(lang)
display(fitted_weights)
profiles'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Nguồn số liệu", "en": "Sources"}
display(Markdown("## " + HEAD[lang]))
views.source_list(tables, lang)'''),
    ]
    return _metadata(new_notebook(cells=cells))


VIEWS_SETUP = """\
from IPython.display import display

from indexmodel.report import views

setup = views.setup_notebook(province, baseline_year, target_year, lang, peers_file, sims,
                             seed, figures_dir, tables_dir)"""


def _figure(expr: str, name: str):
    """A figure cell: built by a package function, saved, asserted, shown (output not compared)."""
    body = (f"fig = {expr}\n"
            "if fig is not None:\n"
            f"    path = setup.save(fig, {name})\n"
            '    assert path.is_file() and path.stat().st_size > 0, "no figure written"\n'
            "    display(setup.show(path))")
    return _code("# NBVAL_IGNORE_OUTPUT\n" + body)


def _check(source: str):
    return _code("# NBVAL_CHECK_OUTPUT\n" + source)


INDEX_NOTEBOOKS = {"pci": "01_pci", "papi": "02_papi", "sipas": "03_sipas", "par_index": "04_par_index"}
INDEX_NOTES = {
    "pci": "For PCI also figure (d): the composites of the latest year with every province "
           "(2014), the province marked.",
    "papi": "PAPI 2023 has published anchors only (ranks 1–6, 61 and the province's own): "
            "rank intervals; real improvements come from the 2011–2014 panel.",
    "sipas": "SIPAS has a few published anchors and national means: rank bounds from them "
             "(`model.anchors`), the unverified weights constrained by them "
             "(`analysis.settings_check`: the consistent part, its excluded share, every figure over "
             "it), and the anchors of the later year of the same criteria set (`view.later`).",
    "par_index": "PAR INDEX has published anchors, the national mean with the count above it and "
                 "regional means: rank bounds from them (`model.anchors`), the unverified maximum "
                 "points constrained by them (`analysis.settings_check`; the equal default is "
                 "excluded), the regional mean, and the criteria set of 2024 on: how far the plan's "
                 "2025 field targets map, what the 2024 anchors ask of the goal (`view.later`).",
}


def index_notebook(index: str) -> nbformat.NotebookNode:
    stem = INDEX_NOTEBOOKS[index]
    number = stem[:2]
    label = {"pci": "PCI", "papi": "PAPI", "sipas": "SIPAS", "par_index": "PAR INDEX"}[index]
    first = VIEWS_SETUP + f'\n\nINDEX = "{index}"\nview = setup.view(INDEX)\nviews.show(*view.title())'
    cells = [
        _dev(f"# {number} — {label} (developer notes)\n\n"
             "One index for one province, as `indexmodel.report.views.IndexView` shows it: "
             "what the data "
             "allow (`field.describe`), the baseline against the targets by component (table and "
             "figure a), leverage (table and figure b: ranks gained with intervals, or composite "
             "points where there is no field), target realism (real two-year gains), the odds of "
             "the rank goal (figure c where a simulated distribution exists), the optimizer's "
             "cheapest path and best rank for a budget (table and figure e), regional standing. "
             f"{INDEX_NOTES[index]}\n\n"
             "Without the province's plan for these years the analysis is of the target year in "
             "the peer data (`analysis.for_year`); whatever is missing is said, not filled. "
             "Cells marked `# NBVAL_CHECK_OUTPUT` are compared by nbval; figure cells assert a "
             "file was written."),
        _code(PARAMETERS, ["parameters"]),
        _check(first),
        _check("views.show(*view.data_allows())"),
        _check("views.show(*view.components())"),
        _figure("view.components_figure()", f'"{number}_components_" + INDEX'),
        _check("views.show(*view.leverage())"),
        _figure("view.leverage_figure()", f'"{number}_leverage_" + INDEX'),
        _check("views.show(*view.realism())"),
        _check("views.show(*view.odds())"),
        _figure("view.odds_figure()", f'"{number}_odds_" + INDEX'),
        _check("views.show(*view.paths())"),
        _figure("view.path_figure()", f'"{number}_path_" + INDEX'),
        _check("views.show(*view.regional())"),
    ]
    if index == "pci":
        cells += [_check("views.show(*view.peer_distribution())"),
                  _figure("view.peer_distribution_figure()", f'"{number}_peers_" + INDEX')]
    if index in ("sipas", "par_index"):
        cells += [_check("views.show(*view.settings())"), _check("views.show(*view.later())")]
    return _metadata(new_notebook(cells=cells))


SCENARIO_EDIT = """\
# ✎ ANALYST: EDIT THIS TABLE, then run the notebook again.
# One row per change: index (papi, sipas, par_index, pci), component id (see the table
# above; any level of the tree), change in the component's own units (+ up, - down).
import pandas as pd

changes = pd.DataFrame([
    ("pci", "business_support", 0.5),
    ("pci", "labor_training", 0.3),
    ("papi", "e_governance", 0.5),
    ("sipas", "public_services", 1.0),
    ("par_index", "public_finance_reform", 5.0),
], columns=["index", "component", "change"])"""


def scenarios() -> nbformat.NotebookNode:
    cells = [
        _dev("# 05 — Scenarios (developer notes)\n\n"
             "The analyst edits the DataFrame literal in the marked cell (index, component, "
             "change); `views.scenario` applies the changes to the year's results "
             "(`IndexAnalysis.with_changes`) and shows, per index touched, the composite, the "
             "rank interval and the odds of the goal against the baseline (and the plan's "
             "targets). Rows that cannot be used (unknown index or component, a component of "
             "another methodology era) are named and skipped, never an error."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + '\n\nviews.show(*views.notebook_title(setup, "scenarios"))'),
        _code("# NBVAL_CHECK_OUTPUT\nviews.show(*views.scenario_help(setup))", ["notebook-only"]),
        _code(SCENARIO_EDIT, ["scenario-table"]),
        _check("views.show(*views.scenario(setup, changes))"),
    ]
    return _metadata(new_notebook(cells=cells))


def backtest() -> nbformat.NotebookNode:
    cells = [
        _dev("# 06 — Backtests (developer notes)\n\n"
             "The field model's rolling-origin backtest of every one- and two-year pair of PCI and "
             "PAPI (`indexmodel.analysis.backtest.backtest_every_pair`): coverage of the 50/80/90% "
             "rank intervals and of the randomized PIT, widths, MAE of the median against two "
             "baselines, the criteria of issue 19 beside the model's own expected number of pairs "
             "below 60%, every pair, the PIT histogram. It reads the shipped tables "
             "`data/backtest/` (regenerated by `indexmodel backtest --all --sims 4000 --out-dir "
             "data/backtest`) when their input fingerprint matches the data in use; otherwise it "
             "computes with `sims` capped at `views.BACKTEST_SIMS` (300) per pair."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + '\n\nviews.show(*views.notebook_title(setup, "backtest"))'),
        _check('run, shipped = views.backtests(setup)\nsetup.write_table(run.pairs, "06_backtest")\n'
               "views.show(*views.backtest_section(setup, run, shipped))"),
        _figure("views.pit_figure(run, lang)", '"06_backtest_pit"'),
        _figure("views.backtest_figure(run, lang)", '"06_backtest"'),
    ]
    return _metadata(new_notebook(cells=cells))


def agencies() -> nbformat.NotebookNode:
    cells = [
        _dev("# 07 — Agencies (developer notes)\n\n"
             "`indexmodel.analysis.ownership` joins the plan's action table (23 appendices) "
             "to each "
             "index's leverage: which agencies own the components with the most leverage, "
             "which high-leverage components have few or no tasks, which agencies carry mostly "
             "low-leverage tasks; deadlines by quarter; one figure (leverage and tasks per "
             "component, the agencies with the most tasks named). The action table is Bình "
             "Định's: another province gets a sentence saying so."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + '\n\nviews.show(*views.notebook_title(setup, "agencies"))'),
    ]
    for index in ("papi", "sipas", "par_index", "pci"):
        cells.append(_check(f'views.show(*views.ownership_section(setup, "{index}"))'))
    cells += [_check("views.show(*views.deadlines_section(setup))"),
              _figure("views.ownership_figure(setup)", '"07_agencies"')]
    return _metadata(new_notebook(cells=cells))


def monitor() -> nbformat.NotebookNode:
    trajectory_figures = (
        "# NBVAL_IGNORE_OUTPUT\n"
        'for index in ("papi", "sipas", "par_index", "pci"):\n'
        "    fig = views.trajectory_figure(setup, frame, index)\n"
        "    if fig is not None:\n"
        '        path = setup.save(fig, "08_trajectory_" + index)\n'
        '        assert path.is_file() and path.stat().st_size > 0, "no figure written"\n'
        "        display(setup.show(path))")
    rank_change_figures = (
        "# NBVAL_IGNORE_OUTPUT\n"
        "for index, fig in views.rank_change_figures(setup, review):\n"
        '    path = setup.save(fig, "08_rank_change_" + index)\n'
        '    assert path.is_file() and path.stat().st_size > 0, "no figure written"\n'
        "    display(setup.show(path))")
    cells = [
        _dev("# 08 — Monitoring (developer notes)\n\n"
             "The release-day review (`indexmodel.analysis.monitor.monitor`) for `target_year` "
             "where the "
             "data hold it, else for the latest year with the province's data (said in a "
             "sentence); why each index's rank moved from the year before "
             "(`indexmodel.analysis.explain`: the province's own components, the other "
             "provinces' moves, the change in which provinces are ranked — exact Shapley "
             "values where every province is known, intervals where only anchors are; the "
             "provinces that moved the rank; the least improvement that would have held it; "
             "waterfall figure h); the trajectory (`indexmodel.analysis.trajectory`, table and figure f "
             "per index, "
             "targets drawn ahead); the sensitivity to unverified settings "
             "(`indexmodel.analysis.sensitivity`, tables and tornado figure g; draws capped at "
             "`views.SENSITIVITY_SIMS`); PCI 2011 published against recomputed."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + '\n\nviews.show(*views.notebook_title(setup, "monitor"))'),
        _check("items, review = views.monitor_section(setup)\nviews.show(*items)"),
        _code("if review is not None:\n    views.show(views.monitor_markdown(review, lang))"),
        _check("views.show(*views.rank_change_section(setup, review))"),
        _code(rank_change_figures),
        _check("frame = views.trajectory_frame(setup)\n"
               "views.show(*views.trajectory_section(setup, frame))"),
        _code(trajectory_figures),
    ]
    for index in ("sipas", "par_index"):
        cells += [
            _check(f'result = views.sensitivity_result(setup, "{index}")\n'
                   f'views.show(*views.sensitivity_section(setup, "{index}", result))'),
            _figure(f'views.sensitivity_figure(setup, "{index}", result)',
                    f'"08_sensitivity_{index}"'),
        ]
    cells.append(_check("views.show(*views.pci_2011_section(setup))"))
    return _metadata(new_notebook(cells=cells))


def explorer() -> nbformat.NotebookNode:
    cells = [
        _dev("# 09 — Scenario explorer (developer notes)\n\n"
             "An ipywidgets explorer (`indexmodel.report.explorer.Explorer`): province, index and "
             "year; one slider per component (its range, starting at the baseline, marked at the "
             "plan's target and the best real one- and two-year gains); live composite, national "
             "and regional rank, odds of the goal (seeded, "
             "`indexmodel.analysis.scenario.EXPLORER_SIMS` simulations on each release of a "
             "slider, a button for `sims`), the cheapest path from the sliders, the best rank for "
             "a budget; save and load the scenario as a tidy CSV. The logic is in "
             "`indexmodel.analysis.scenario`; the widgets only wire it.\n\n"
             "Widgets need a kernel: the HTML report shows, instead, the static tables of the last "
             "cell (the targets' scenario and the cheapest path per index). The explorer cell's "
             "output is not compared by nbval (`# NBVAL_IGNORE_OUTPUT`); `tests/test_explorer.py` "
             "drives the widgets."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + "\n\nviews.show(*views.explorer_intro(setup))"),
        _code("# NBVAL_IGNORE_OUTPUT\n"
              "from indexmodel.report.explorer import Explorer\n\n"
              "explorer = Explorer(setup)\n"
              "explorer"),
        _check("views.show(*views.explorer_sections(setup))"),
    ]
    return _metadata(new_notebook(cells=cells))


def merged() -> nbformat.NotebookNode:
    cells = [
        _dev("# 10 — The merged province (developer notes)\n\n"
             "The unit of 2025 that holds the run's province (`views.merged_unit`: the province "
             "itself where it is a unit formed in 2025, else the unit it went into): its former "
             "provinces' composites and ranks before the merger (`analysis.trajectory`, official), "
             "its approximate past on the new map (`model.new_map.history`, population-weighted, "
             "with the equal-weights alternative; labelled approximate, never mixed with official "
             "figures) and what the plan's goals mean when 34 units are ranked "
             "(`analysis.new_map.goals_on_new_map`, the plan check's interpretations)."),
        _code(PARAMETERS, ["parameters"]),
        _check(VIEWS_SETUP + "\n\nviews.show(*views.merged_intro(setup))"),
    ]
    for index in ("pci", "papi"):
        cells += [
            _check(f'views.show(*views.former_standing(setup, "{index}"))'),
            _check(f'frame = views.merged_history(setup, "{index}")\n'
                   f'views.show(*views.merged_history_section(setup, "{index}", frame))'),
            _figure(f'views.merged_history_figure(setup, "{index}", frame)',
                    f'"10_history_{index}"'),
        ]
    cells.append(_check("views.show(*views.goals_section(setup))"))
    return _metadata(new_notebook(cells=cells))


BUILDERS = {
    "00_overview.ipynb": overview,
    **{f"{stem}.ipynb": (lambda i=index: index_notebook(i)) for index, stem in INDEX_NOTEBOOKS.items()},
    "05_scenarios.ipynb": scenarios,
    "06_backtest.ipynb": backtest,
    "07_agencies.ipynb": agencies,
    "08_monitor.ipynb": monitor,
    "09_explorer.ipynb": explorer,
    "10_merged_province.ipynb": merged,
    "90_about_the_data.ipynb": about_the_data,
}


#: What each notebook is, for the reader who opens it in JupyterLab (vi, en): its first cell.
READER_TITLES = {
    "00_overview.ipynb": ("Tổng quan các chỉ số", "Overview of the indices"),
    "01_pci.ipynb": ("Chỉ số PCI: năng lực cạnh tranh cấp tỉnh", "PCI: provincial competitiveness"),
    "02_papi.ipynb": ("Chỉ số PAPI: hiệu quả quản trị và hành chính công cấp tỉnh",
                      "PAPI: provincial governance and public administration"),
    "03_sipas.ipynb": ("Chỉ số SIPAS: mức độ hài lòng về sự phục vụ hành chính",
                       "SIPAS: satisfaction with public administrative services"),
    "04_par_index.ipynb": ("Chỉ số PAR INDEX: cải cách hành chính", "PAR INDEX: administrative reform"),
    "05_scenarios.ipynb": ("Kịch bản thay đổi", "What-if scenarios"),
    "06_backtest.ipynb": ("Kiểm định dự báo trên các năm đã biết", "Backtests on known years"),
    "07_agencies.ipynb": ("Nhiệm vụ của các cơ quan", "The agencies' tasks"),
    "08_monitor.ipynb": ("Rà soát khi công bố kết quả", "Release-day review"),
    "09_explorer.ipynb": ("Khám phá kịch bản", "Scenario explorer"),
    "10_merged_province.ipynb": ("Tỉnh sau sáp nhập", "The merged province"),
    "90_about_the_data.ipynb": ("Về số liệu", "About the data"),
}
TITLE_TAG = "reader-title"


def _reader_title(name: str):
    """The cell a notebook opens on: what it is, in both languages, and how to run it (left
    out of the HTML reports, which show the title in their own language)."""
    vi, en = READER_TITLES[name]
    cell = new_markdown_cell(
        f"# {vi}\n\n*{en}*\n\n"
        "Chạy toàn bộ sổ: **Run → Run All Cells**. Đổi tỉnh, năm, ngôn ngữ (`lang = \"vi\"` hoặc "
        "`\"en\"`) trong ô tham số bên dưới.\n\n"
        "*Run it all: **Run → Run All Cells**. Change the province, the years or the language "
        "(`lang = \"vi\"` or `\"en\"`) in the parameters cell below.*")
    cell.metadata["tags"] = [TITLE_TAG]
    return cell


def _metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _execute(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    from indexmodel.report import kernel_manager_class

    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            kernel_manager_class=kernel_manager_class(),
                            resources={"metadata": {"path": str(HERE)}})
    began = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - began
    nb.metadata.pop("widgets", None)  # no widget state: widgets are live only with a kernel
    for cell in nb.cells:  # no run-dependent metadata in the stored notebooks
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):  # a widget's text stands until the cell runs
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/plain" in data:
                del data[WIDGET_VIEW]
    # roughly how long it takes (to 5 s): the yearly run starts the longest ones first
    nb.metadata["indexmodel"] = {"seconds": max(5, 5 * round(seconds / 5))}
    return nb


def main(argv: list[str]) -> int:
    execute = "--no-execute" not in argv
    wanted = [a for a in argv if not a.startswith("--")]
    unknown = [w for w in wanted if w not in BUILDERS]
    if unknown:
        print("unknown notebook(s): " + ", ".join(unknown) + "; one of " + ", ".join(BUILDERS),
              file=sys.stderr)
        return 2
    for name, build in BUILDERS.items():
        if wanted and name not in wanted:
            continue
        nb = build()
        nb.cells.insert(0, _reader_title(name))  # the notebook opens on what it is
        for i, cell in enumerate(nb.cells):  # stable cell ids: diffs stay small
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        if execute:
            nb = _execute(nb, name)
        nbformat.write(nb, str(HERE / name))
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
