"""Regenerate the overview and about-the-data notebooks (sources, then stored outputs).

    .venv/bin/python notebooks/build_notebooks.py          # write the sources, execute, store outputs

The notebooks are committed with their outputs (nbval compares the cells marked
``# NBVAL_CHECK_OUTPUT`` against them), so after changing a notebook or the numbers it
shows, run this script and commit the .ipynb files. The stored outputs are those of
the default parameters; figures are written to a temporary folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

PARAMETERS = '''\
province = "Bình Định"
baseline_year = 2023
target_year = 2025
lang = "vi"
peers_file = None
sims = 2000
seed = 20240701
figures_dir = None
tables_dir = None'''

SETUP = '''\
from IPython.display import Markdown, display

from indexmodel import views
from indexmodel.i18n import index_label

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
            "follows `lang`; the logic is in `indexmodel.views` and `indexmodel.plots`.\n\n"
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
                                                                     t=target_year)))'''),
        _code('''# NBVAL_CHECK_OUTPUT
HEAD = {"vi": "Điểm tổng hợp, thứ hạng và mục tiêu", "en": "Composites, ranks and goals"}
HEAD_YEAR = {"vi": "Điểm tổng hợp và thứ hạng", "en": "Composites and ranks"}
display(Markdown("## " + (HEAD if setup.has_plan else HEAD_YEAR)[lang]))
if setup.has_plan:
    from indexmodel.plan_check import check_plan

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
            "`lang`; the logic is in `indexmodel.views`."),
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
HEAD = {"vi": "Nguồn số liệu", "en": "Sources"}
display(Markdown("## " + HEAD[lang]))
views.source_list(tables, lang)'''),
    ]
    return _metadata(new_notebook(cells=cells))


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
    client.execute()
    for cell in nb.cells:  # no run-dependent metadata in the stored notebooks
        cell.metadata.pop("execution", None)
    return nb


def main(argv: list[str]) -> int:
    execute = "--no-execute" not in argv
    for name, build in (("00_overview.ipynb", overview), ("90_about_the_data.ipynb",
                                                          about_the_data)):
        nb = build()
        for i, cell in enumerate(nb.cells):  # stable cell ids: diffs stay small
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        if execute:
            nb = _execute(nb, name)
        nbformat.write(nb, str(HERE / name))
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
