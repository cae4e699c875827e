"""What a notebook shows: its setup, and the tables, texts and figures it displays.

The numbered notebooks under ``notebooks/`` stay thin: each cell calls one function of
this package (or of the analysis modules) and displays what it returns. This package
holds no model logic: it asks the analysis layer for results
(:mod:`indexmodel.analysis` and its modules ``plan_check``, ``backtest``, ``ownership``,
``monitor``, ``trajectory``, ``sensitivity``) and turns them into

- tables with column labels in the reader's language (``vi`` or ``en``), numbers
  rounded for reading, intervals written as text;
- Markdown sentences (titles, what the data allows, what is missing and which peer
  file would supply it);
- figures from :mod:`indexmodel.report.plots` (a–g) and the few the plots module does
  not draw (the backtest's errors, leverage against tasks).

Everything starts from :func:`setup_notebook`, which checks a notebook's parameters
(the ones :func:`indexmodel.report.runner.run` passes) and says where figures and CSV
tables go. One module per notebook family, each name importable from here
(``from indexmodel.report import views``; ``views.setup_notebook(…)``):

- ``setup``: :class:`NotebookSetup`, :func:`setup_notebook`, the titles of 05–08;
- ``overview`` (00) and ``about_data`` (90), with ``common``: shared helpers and labels;
- ``index_pages`` (01–04): :class:`IndexView`, one index for one province, and its
  labels in ``index_labels``;
- ``scenarios`` (05), ``backtesting`` (06), ``agencies`` (07), ``monitoring`` (08);
- ``explorer`` (09): the scenario explorer's texts and the static tables of its report (its
  widgets are in :mod:`indexmodel.report.explorer`);
- ``merged`` (10: the unit of 2025 holding the province, its approximate past, the goals on
  the new map).

A province and year without the plan (``province="Da Nang", target_year=2014``) is
analysed from the peer data of that year; whatever the data cannot give is said in
a sentence, never filled in.
"""

from .setup import (DEFAULT_SEED, DEFAULT_SIMS, EXPLORER_TITLE, NotebookSetup, notebook_title,
                    setup_notebook)
from .common import KIND_LABELS, col, data_label, show
from .overview import (best_known, component_frame, components_csv, components_figure,
                       components_table, findings_table, indices_with_data, overview_csv,
                       overview_summary, year_standing, year_summary)
from .about_data import (cross_checks, data_coverage, data_inventory, data_tables, era_table,
                         fitted_weights, source_list)
from .index_pages import (DEFAULT_BUDGET, INDEX_NOTEBOOK_NUMBERS, IndexView, assumption_lines,
                          index_analysis, plot_rank_title)
from .scenarios import SCENARIO_COLUMNS, component_ids, scenario, scenario_changes, scenario_help
from .backtesting import (BACKTEST_SIMS, backtest_figure, backtest_section, backtest_sims,
                          backtest_table, backtests, criteria_table, pit_figure,
                          pooled_calibration_table, settings_text)
from .agencies import (Ownership, deadlines_section, ownership_data, ownership_figure,
                       ownership_section)
from .monitoring import (SENSITIVITY_SIMS, SENSITIVITY_STEPS, monitor_markdown, monitor_report,
                         monitor_section, monitor_year, monitor_years, pci_2011_section,
                         rank_change_figures, rank_change_section, sensitivity_figure, sensitivity_result, sensitivity_section,
                         sensitivity_sims, trajectory_figure, trajectory_frame, trajectory_section,
                         trajectory_table)
from .explorer import explorer_intro, explorer_sections, static_section
from .merged import (former_standing, goals_section, merged_history, merged_history_figure,
                     merged_history_section, merged_intro, merged_unit, merger_note)

__all__ = [
    "DEFAULT_SEED", "DEFAULT_SIMS", "EXPLORER_TITLE", "NotebookSetup", "notebook_title", "setup_notebook",
    "KIND_LABELS", "col", "data_label", "show", "best_known", "component_frame",
    "components_csv", "components_figure", "components_table", "findings_table",
    "indices_with_data", "overview_csv", "overview_summary", "year_standing", "year_summary",
    "cross_checks", "data_coverage", "data_inventory", "data_tables", "era_table",
    "fitted_weights", "source_list",
    "DEFAULT_BUDGET", "INDEX_NOTEBOOK_NUMBERS", "IndexView", "assumption_lines",
    "index_analysis", "plot_rank_title", "SCENARIO_COLUMNS", "component_ids", "scenario",
    "scenario_changes", "scenario_help", "BACKTEST_SIMS", "backtest_figure",
    "backtest_section", "backtest_sims", "backtest_table", "backtests", "criteria_table",
    "pit_figure", "pooled_calibration_table", "settings_text", "Ownership",
    "deadlines_section", "ownership_data", "ownership_figure", "ownership_section",
    "SENSITIVITY_SIMS", "SENSITIVITY_STEPS", "monitor_markdown", "monitor_report",
    "monitor_section", "monitor_year", "monitor_years", "pci_2011_section",
    "rank_change_figures", "rank_change_section", "sensitivity_figure", "sensitivity_result", "sensitivity_section", "sensitivity_sims",
    "trajectory_figure", "trajectory_frame", "trajectory_section", "trajectory_table",
    "explorer_intro", "explorer_sections", "static_section",
    "former_standing", "goals_section", "merged_history", "merged_history_figure",
    "merged_history_section", "merged_intro", "merged_unit", "merger_note",
]
