"""The scenario explorer's widgets, driven in-process (no browser) and in the executed
notebook 09: moving a slider, the goal or the budget changes what the output widgets show,
exactly as the package's plain functions compute it; saving and loading through the buttons.
"""

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from indexmodel.analysis import scenario as sc
from indexmodel.report import views
from indexmodel.report.explorer import Explorer
from indexmodel.report.views import explorer as ev

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "09_explorer.ipynb"


def shown(ex: Explorer, sims: int = sc.EXPLORER_SIMS) -> dict[str, str]:
    """What the output widgets should show for the explorer's current widget values, from the
    plain functions alone."""
    a, lang = ex.analysis, ex.lang
    r = sc.evaluate(a, ex.values(), goal=ex.goal_value(), sims=sims, seed=ex.setup.seed)
    (_, c), (_, k), (_, g), (_, o) = ev.results_rows(a, r, lang, ex.setup.seed)
    return {"composite": f"<b>{html.escape(c)}</b>", "rank": f"<b>{html.escape(k)}</b>",
            "regional": html.escape(g), "odds": f"<b>{html.escape(o)}</b>",
            "path": ev.path_html(a, ex.values(), r.goal, lang),
            "budget": ev.budget_html(a, ex.values(), ex.budget.value, lang)}


def outputs(ex: Explorer) -> dict[str, str]:
    return {"composite": ex.composite_html.value, "rank": ex.rank_html.value,
            "regional": ex.regional_html.value, "odds": ex.odds_html.value,
            "path": ex.path_html.value, "budget": ex.budget_html.value}


@pytest.fixture(scope="module")
def setup_vi():
    return views.setup_notebook("Bình Định", 2023, 2025, "vi")


@pytest.fixture()
def ex(setup_vi, tmp_path):
    return Explorer(setup_vi, folder=tmp_path)


def test_it_opens_on_the_plan_with_the_sliders_at_the_baseline(ex):
    a = ex.analysis
    assert ex.index.value == "pci" and ex.year.value == a.year == 2023
    assert list(ex.sliders) == list(a.spec.top_components)
    assert ex.values() == pytest.approx(sc.baseline_values(a))
    assert ex.goal.value == a.goal_rank
    assert outputs(ex) == shown(ex)
    for s in ex.specs:
        slider = ex.sliders[s.component]
        assert (slider.min, slider.max, slider.step) == (s.low, s.high, s.step)
        assert not slider.continuous_update  # recomputed on release, not while dragged


def test_moving_a_slider_changes_the_composite_and_rank_as_the_functions_compute(ex):
    before = outputs(ex)
    s = max(ex.specs, key=lambda s: ex.analysis.spec.coefficients()[s.component])
    ex.sliders[s.component].value = s.marks()["target"]
    after = outputs(ex)
    assert after == shown(ex)
    assert after["composite"] != before["composite"] and after["rank"] != before["rank"]
    composite = ex.analysis.with_changes({s.component: s.marks()["target"]}, absolute=True).composite
    assert f"{composite:.2f}" in after["composite"]
    assert ex.analysis.place(composite).text() in html.unescape(after["rank"])
    assert ex.mark_views[s.component].value == ev.marks_svg(s, s.marks()["target"])


def test_mark_buttons_set_the_slider_and_the_targets_button_sets_every_target(ex):
    s = ex.specs[0]
    ex.mark_buttons[(s.component, "one_year")].click()
    assert ex.sliders[s.component].value == pytest.approx(s.marks()["one_year"])
    assert outputs(ex) == shown(ex)
    ex.targets_button.click()
    assert ex.values() == pytest.approx(sc.target_values(ex.analysis))
    assert outputs(ex) == shown(ex)
    ex.reset_button.click()
    assert ex.values() == pytest.approx(sc.baseline_values(ex.analysis))


def test_goal_budget_path_and_more_simulations(ex):
    ex.goal.value = 10
    assert outputs(ex) == shown(ex) and "10" in ex.odds_label.value
    ex.budget.value = 3.0
    assert ex.budget_html.value == ev.budget_html(ex.analysis, ex.values(), 3.0, ex.lang)
    path = sc.path_to_goal(ex.analysis, ex.values(), 10)
    ex.apply_path_button.click()
    assert ex.values() == pytest.approx(sc.apply_path(sc.baseline_values(ex.analysis), path))
    assert outputs(ex) == shown(ex)
    ex.more_sims_button.click()
    assert outputs(ex) == shown(ex, ex.setup.sims)


def test_save_asks_before_overwriting_and_load_restores_the_sliders(ex, tmp_path):
    s = ex.specs[2]
    ex.sliders[s.component].value = s.marks()["target"]
    ex.name.value = "Kịch bản A"
    target = Path(ex.file.value)
    assert target.parent == tmp_path and target.name == sc.scenario_file_name(ex.analysis, "Kịch bản A")
    ex.save_button.click()
    first = target.read_bytes()
    assert "Kịch bản A" in ex.file_message.value and ex.overwrite_button.layout.display == "none"
    ex.sliders[s.component].value = s.low
    ex.save_button.click()  # the file exists: nothing written, the overwrite button shown
    assert target.read_bytes() == first and ex.overwrite_button.layout.display == ""
    ex.overwrite_button.click()
    assert target.read_bytes() != first and ex.overwrite_button.layout.display == "none"
    saved = ex.values()
    ex.reset_button.click()
    ex.load_button.click()
    assert ex.values() == pytest.approx(saved) and ex.name.value == "Kịch bản A"
    assert outputs(ex) == shown(ex)
    assert [o[1] for o in ex.saved.options[1:]] == [str(target)]
    ex.file.value = str(tmp_path / "missing.csv")
    ex.load_button.click()
    assert "missing.csv" in ex.file_message.value and ex.values() == pytest.approx(saved)


def test_province_index_and_year_open_other_analyses(ex):
    ex.index.value = "papi"
    assert list(ex.sliders) == list(ex.analysis.spec.top_components) and ex.analysis.index == "papi"
    assert outputs(ex) == shown(ex)
    ex.province.value = "Da Nang"  # no plan: the latest year of the province's data
    assert ex.year.value == max(y for _, y in ex.year.options)
    ex.year.value = 2014
    ex.index.value = "pci"  # the year is kept where the index has it
    assert ex.year.value == 2014
    a = ex.analysis
    assert (a.province, a.year, a.field.coverage) == ("Da Nang", 2014, "full")
    assert outputs(ex) == shown(ex)
    assert ex.regional_html.value.startswith(a.field.regional.place(a.composite).text())
    ex.index.value = "sipas"  # no SIPAS data for Đà Nẵng
    assert ex.analysis is None and not ex.sliders and "SIPAS" in ex.message.value


def test_in_english_without_internal_ids(tmp_path):
    setup = views.setup_notebook("Bình Định", 2023, 2025, "en")
    ex = Explorer(setup, folder=tmp_path)
    ids = set(ex.analysis.spec.ids)
    texts = [w.value for w in (ex.legend, ex.composite_label, ex.composite_html, ex.rank_label,
                               ex.rank_html, ex.regional_html, ex.odds_label, ex.odds_html,
                               ex.path_html, ex.budget_html)]
    texts += [w.description for w in ex.mark_buttons.values()]
    texts += [w.tooltip for w in ex.mark_buttons.values()]
    words = set(re.findall(r"[a-z_]+", " ".join(texts)))
    assert not (words & {i for i in ids if "_" in i}), words & ids
    assert "Composite" in ex.composite_label.value and "National rank" in ex.rank_label.value
    assert not re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", " ".join(texts))
    bundle = ex._repr_mimebundle_()
    assert "Scenario explorer" in bundle["text/plain"]


def test_the_executed_notebook_responds_to_its_sliders(tmp_path):
    """Notebook 09 executed as JupyterLab would (a kernel), then driven from a cell appended
    to it: moving a slider changes the composite and rank shown as the functions compute."""
    from nbclient import NotebookClient

    from indexmodel.report import kernel_manager_class

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(new_code_cell('''\
import html
from indexmodel.analysis import scenario as sc
from indexmodel.report.views import explorer as ev

a = explorer.analysis
before = explorer.composite_html.value, explorer.rank_html.value
s = explorer.specs[-1]
explorer.sliders[s.component].value = s.high
r = sc.evaluate(a, explorer.values(), goal=explorer.goal_value(), seed=seed)
assert explorer.composite_html.value == "<b>" + html.escape(ev.composite_text(a, r, lang)) + "</b>"
assert explorer.rank_html.value == "<b>" + html.escape(ev.rank_text(a, r, lang)) + "</b>"
assert (explorer.composite_html.value, explorer.rank_html.value) != before
print("responds:", f"{r.composite:.2f}", r.rank.text())'''))
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            kernel_manager_class=kernel_manager_class(),
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    cell = next(c for c in nb.cells if "Explorer(setup)" in c.source)
    widget = [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget, "the explorer cell shows no widget"
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert printed.startswith("responds:")
