"""The scenario explorer's widgets (ipywidgets; notebook 09).

:class:`Explorer` only wires widgets to plain functions: the numbers come from
:mod:`indexmodel.analysis.scenario` (composite, ranks, odds, cheapest path, budget, slider
bounds and marks, saving and loading), the texts from :mod:`indexmodel.report.views.explorer`.
Every callback reads the widgets' values, calls those functions and writes what they
return into the output widgets — nothing else — so a test can drive the widgets in-process
(set a slider's ``value``) and compare the outputs with the functions' results.

The odds stay responsive: the sliders report their value when released (not while
dragged), and each change recomputes the odds with
:data:`~indexmodel.analysis.scenario.EXPLORER_SIMS` seeded simulations (where every peer is
known; odds from published anchors need none); a button recomputes them with the
notebook's ``sims``.
"""

from __future__ import annotations

import html
from contextlib import contextmanager
from pathlib import Path

from ..analysis import scenario as sc
from ..core.errors import IndexModelError, OutputExistsError
from ..core.i18n import index_label
from ..core.paths import home_dir
from .views import explorer as ev
from .views.setup import NotebookSetup

INDICES = ("pci", "papi", "sipas", "par_index")
MARK_KEYS = ("target", "one_year", "two_years")


def scenarios_dir() -> Path:
    """Where the explorer saves scenarios by default: ``scenarios/`` under the home folder."""
    return home_dir() / "scenarios"


def _escaped(text: str) -> str:
    return html.escape(text)


class Explorer:
    """Province, index and year; one slider per component; the composite, the ranks, the
    odds of the goal, the cheapest path and the best rank for a budget, live; the scenario
    saved and loaded as CSV.

    The widgets are attributes (``province``, ``index``, ``year``, ``sliders[component]``,
    ``goal``, ``budget``, ``composite_html``, ``rank_html``, ``regional_html``,
    ``odds_html``, ``path_html``, ``budget_html``, ``name``, ``file``, ``save_button``,
    ``overwrite_button``, ``load_button``, ``message``); ``widget`` is the whole box.
    Displayed in a notebook it shows the widgets, and in an HTML export (no kernel) a
    sentence naming the notebook to open.
    """

    def __init__(self, setup: NotebookSetup, *, index: str = "pci", province: str | None = None,
                 year: int | None = None, folder: str | Path | None = None) -> None:
        import ipywidgets as w

        from ..data.provinces import all_provinces, fold, resolve

        self.setup, self.lang = setup, setup.lang
        self.folder = Path(folder) if folder is not None else scenarios_dir()
        self._peers, self._results = setup.peers(), setup.results()
        self._plan = setup.plan
        self._quiet = False
        self.analysis = None
        self.specs: list[sc.Slider] = []
        self.sliders: dict = {}
        self.mark_views: dict = {}
        self.mark_buttons: dict = {}
        self.result: sc.ScenarioResult | None = None
        lang = self.lang
        L = self._label

        provinces = sorted(all_provinces(), key=lambda p: fold(p.name(lang)))
        start = resolve(province).name_en if province else setup.province.name_en
        self.province = w.Dropdown(options=[(p.name(lang), p.name_en) for p in provinces], value=start,
                                   description=L("province"), style={"description_width": "initial"})
        self.index = w.Dropdown(options=[(index_label(i, lang), i) for i in INDICES], value=index,
                                description=L("index"), style={"description_width": "initial"})
        self.year = w.Dropdown(options=[], description=L("year"), style={"description_width": "initial"})
        self.message = w.HTML()
        self.legend = w.HTML()
        self.sliders_box = w.VBox()
        self.reset_button = w.Button(description="", layout=w.Layout(width="auto"))
        self.targets_button = w.Button(description=L("to_targets"), layout=w.Layout(width="auto"))
        self.goal = w.BoundedIntText(value=1, min=1, max=63, description=L("goal"),
                                     style={"description_width": "initial"},
                                     layout=w.Layout(width="180px"))
        self.composite_label, self.composite_html = w.HTML(), w.HTML()
        self.rank_label, self.rank_html = w.HTML(), w.HTML()
        self.regional_label, self.regional_html = w.HTML(), w.HTML()
        self.odds_label, self.odds_html = w.HTML(), w.HTML()
        self.more_sims_button = w.Button(description=L("more_sims", sims=setup.sims),
                                         layout=w.Layout(width="auto"))
        self.path_html = w.HTML()
        self.apply_path_button = w.Button(description=L("apply_path"), layout=w.Layout(width="auto"))
        self.budget = w.FloatSlider(value=sc.DEFAULT_BUDGET, min=0.0, max=10.0, step=0.1,
                                    description=L("budget"), continuous_update=False,
                                    readout_format=".1f", style={"description_width": "initial"},
                                    layout=w.Layout(width="420px"))
        self.budget_html = w.HTML()
        self.name = w.Text(value=L("name_default"), description=L("name"),
                           style={"description_width": "initial"})
        self.file = w.Text(description=L("file"), style={"description_width": "initial"},
                           layout=w.Layout(width="520px"))
        self.saved = w.Dropdown(options=[], description=L("saved"), style={"description_width": "initial"})
        self.save_button = w.Button(description=L("save"), button_style="primary",
                                    layout=w.Layout(width="auto"))
        self.overwrite_button = w.Button(description=L("overwrite"), button_style="warning",
                                         layout=w.Layout(width="auto", display="none"))
        self.load_button = w.Button(description=L("load"), layout=w.Layout(width="auto"))
        self.file_message = w.HTML()

        def row(label, value):
            label.layout = w.Layout(width="330px")
            return w.HBox([label, value])

        self.widget = w.VBox([
            w.HBox([self.province, self.index, self.year]),
            self.message,
            self.legend,
            self.sliders_box,
            w.HBox([self.reset_button, self.targets_button, self.goal]),
            row(self.composite_label, self.composite_html),
            row(self.rank_label, self.rank_html),
            row(self.regional_label, self.regional_html),
            row(self.odds_label, w.HBox([self.odds_html, self.more_sims_button])),
            self.path_html,
            w.HBox([self.apply_path_button]),
            self.budget,
            self.budget_html,
            w.HBox([self.name, self.file]),
            w.HBox([self.save_button, self.overwrite_button, self.saved, self.load_button]),
            self.file_message,
        ])

        self.province.observe(self._on_choice, names="value")
        self.index.observe(self._on_choice, names="value")
        self.year.observe(self._on_year, names="value")
        self.goal.observe(lambda _: self.refresh(), names="value")
        self.budget.observe(lambda _: self._show_budget(), names="value")
        self.reset_button.on_click(lambda _: self.set_values(sc.baseline_values(self.analysis)))
        self.targets_button.on_click(lambda _: self.set_values(sc.target_values(self.analysis)))
        self.more_sims_button.on_click(lambda _: self.refresh(sims=self.setup.sims))
        self.apply_path_button.on_click(lambda _: self.apply_path())
        self.name.observe(lambda _: self._default_file(), names="value")
        self.saved.observe(self._on_saved, names="value")
        self.save_button.on_click(lambda _: self.save())
        self.overwrite_button.on_click(lambda _: self.save(overwrite=True))
        self.load_button.on_click(lambda _: self.load())
        self._fill_years(year)
        self.open()

    # -- helpers -------------------------------------------------------------------------------
    def _label(self, key: str, **values) -> str:
        return ev.label(key, self.lang, **values)

    @contextmanager
    def _hold(self):
        """Change widgets without each change recomputing everything."""
        old, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = old

    def values(self) -> dict[str, float]:
        """The sliders' values: {component: value}."""
        return {c: float(s.value) for c, s in self.sliders.items()}

    def goal_value(self) -> int | None:
        return None if self.goal.disabled else int(self.goal.value)

    # -- choosing province, index and year ----------------------------------------------------
    def _fill_years(self, year: int | None = None) -> None:
        years = sc.analysis_years(self.index.value, self.province.value, plan=self._plan,
                                  peers=self._peers)
        options = []
        for y in reversed(years):
            text = str(y)
            if sc.plan_covers(self._plan, self.index.value, self.province.value, y):
                text = self._label("year_plan", y=y, t=self._plan.target_year)
            options.append((text, y))
        wanted = year if year in years else (self.setup.year if self.setup.year in years
                                             else (years[-1] if years else None))
        with self._hold():
            self.year.options = options
            self.year.value = wanted

    def _on_choice(self, _change) -> None:
        if self._quiet:
            return
        self._fill_years(self.year.value)
        self.open()

    def _on_year(self, _change) -> None:
        if not self._quiet:
            self.open()

    def open(self) -> None:
        """Open the analysis of the index, province and year chosen and lay out its sliders."""
        import ipywidgets as w

        lang, province = self.lang, self.province.value
        self.analysis, self.specs, self.sliders = None, [], {}
        self.mark_views, self.mark_buttons = {}, {}
        self.sliders_box.children = ()
        self.result = None
        label = index_label(self.index.value, lang)
        from ..data.provinces import resolve

        name = resolve(province).name(lang)
        if self.year.value is None:
            self._clear(self._label("no_years", index=label, name=name))
            return
        try:
            a = self._analysis(self.index.value, province, self.year.value)
            specs = sc.sliders(a)
        except IndexModelError as exc:
            self._clear(self._label("no_analysis", index=label, name=name, y=self.year.value,
                                    why=exc.message))
            return
        self.analysis, self.specs = a, specs
        self.message.value = ""
        y, t = a.year, a.target_year
        self.legend.value = _escaped(self._label("legend" if a.targets else "legend_year", y=y, t=t))
        rows = []
        for s in specs:
            slider = w.FloatSlider(value=s.baseline, min=s.low, max=s.high, step=s.step,
                                   continuous_update=False, readout_format=".2f" if s.step < 0.1 else ".1f",
                                   layout=w.Layout(width="300px"))
            titles = ev.mark_titles(s, a, lang)
            name_html = w.HTML(f"<span title='{_escaped(titles['baseline'])}'>{_escaped(s.name(lang))}</span>",
                               layout=w.Layout(width="300px"))
            view = w.HTML(ev.marks_svg(s, s.baseline))
            buttons = []
            for key, value in s.marks().items():
                button = w.Button(description=self._label(f"btn.{key}", v=f"{value:.2f}"),
                                  tooltip=titles.get(key, ""), layout=w.Layout(width="80px"))
                button.style.text_color = ev.MARK_COLOURS[key]
                button.on_click(lambda _, c=s.component, v=value: self.set_values({c: v}))
                buttons.append(button)
                self.mark_buttons[(s.component, key)] = button
            slider.observe(lambda _: self.refresh(), names="value")
            self.sliders[s.component] = slider
            self.mark_views[s.component] = view
            rows.append(w.HBox([name_html, slider, view] + buttons))
        self.sliders_box.children = tuple(rows)
        self.reset_button.description = self._label("reset", y=y)
        self.targets_button.layout.display = "" if a.targets else "none"
        goal = sc.default_goal(a)
        with self._hold():
            self.goal.max = a.field.n or 63
            self.goal.value = goal or 1
            self.goal.disabled = goal is None
            low, high, step = self._budget_bounds(a)
            self.budget.max, self.budget.min, self.budget.step = high, low, step
            self.budget.value = min(sc.DEFAULT_BUDGET, high)
        self._default_file()
        self._list_saved()
        self.refresh()

    def _analysis(self, index: str, province: str, year: int):
        """The analysis chosen: the notebook's own (shared with its tables) for its province
        and year, else :func:`~indexmodel.analysis.scenario.open_analysis`."""
        setup = self.setup
        if province == setup.province.name_en and year == setup.year:
            view = setup.view(index)
            if view.analysis is not None:
                return view.analysis
        return sc.open_analysis(index, province, year, plan=self._plan, peers=self._peers,
                                results=self._results)

    def _budget_bounds(self, a):
        try:
            return sc.budget_bounds(a)
        except IndexModelError:
            return 0.0, sc.DEFAULT_BUDGET, 0.1

    def _clear(self, why: str) -> None:
        self.message.value = f"<b>{_escaped(why)}</b>"
        self.legend.value = ""
        for widget in (self.composite_html, self.rank_html, self.regional_html, self.odds_html,
                       self.path_html, self.budget_html, self.composite_label, self.rank_label,
                       self.regional_label, self.odds_label):
            widget.value = ""

    # -- the results ---------------------------------------------------------------------------
    def refresh(self, sims: int | None = None) -> None:
        """Recompute everything the outputs show from the widgets' values."""
        if self._quiet or self.analysis is None:
            return
        a, lang, values = self.analysis, self.lang, self.values()
        sims = sims or sc.EXPLORER_SIMS
        result = sc.evaluate(a, values, goal=self.goal_value(), sims=sims, seed=self.setup.seed)
        self.result = result
        (c_label, c_text), (r_label, r_text), (g_label, g_text), (o_label, o_text) = ev.results_rows(
            a, result, lang, self.setup.seed)
        self.composite_label.value, self.composite_html.value = _escaped(c_label), f"<b>{_escaped(c_text)}</b>"
        self.rank_label.value, self.rank_html.value = _escaped(r_label), f"<b>{_escaped(r_text)}</b>"
        self.regional_label.value, self.regional_html.value = _escaped(g_label), _escaped(g_text)
        self.odds_label.value, self.odds_html.value = _escaped(o_label), f"<b>{_escaped(o_text)}</b>"
        simulated = result.odds is not None and result.odds.method == "simulation"
        self.more_sims_button.layout.display = "" if simulated and sims != self.setup.sims else "none"
        for s in self.specs:
            self.mark_views[s.component].value = ev.marks_svg(s, values[s.component])
        self.path_html.value = ev.path_html(a, values, result.goal, lang)
        self._show_budget()

    def _show_budget(self) -> None:
        if self._quiet or self.analysis is None:
            return
        self.budget_html.value = ev.budget_html(self.analysis, self.values(), self.budget.value, self.lang)

    def set_values(self, values: dict[str, float]) -> None:
        """Move the sliders named in ``values`` (the others stay), then recompute once."""
        with self._hold():
            for c, v in values.items():
                slider = self.sliders[c]
                slider.value = min(max(float(v), slider.min), slider.max)
        self.refresh()

    def apply_path(self) -> None:
        """Move the sliders along the cheapest path to the goal."""
        try:
            path = sc.path_to_goal(self.analysis, self.values(), self.goal_value())
        except IndexModelError as exc:
            self.file_message.value = _escaped(self._label("error", why=exc.message))
            return
        self.set_values(sc.apply_path(self.values(), path))

    # -- files ---------------------------------------------------------------------------------
    def _default_file(self) -> None:
        if not self._quiet and self.analysis is not None:
            self.file.value = str(self.folder / sc.scenario_file_name(self.analysis, self.name.value or "x"))

    def _path(self) -> Path:
        path = Path(self.file.value.strip()).expanduser()
        return path if path.is_absolute() else self.folder / path

    def _list_saved(self) -> None:
        files = sorted(self.folder.glob("*.csv")) if self.folder.is_dir() else []
        with self._hold():
            self.saved.options = [("—", None)] + [(p.name, str(p)) for p in files]
            self.saved.value = None

    def _on_saved(self, change) -> None:
        if not self._quiet and change["new"]:
            self.file.value = change["new"]

    def save(self, overwrite: bool = False) -> Path | None:
        """Write the scenario (never over an existing file unless ``overwrite``)."""
        path = self._path()
        try:
            written = sc.save_scenario(self.analysis, self.values(), self.name.value, path,
                                       overwrite=overwrite, lang=self.lang)
        except OutputExistsError:
            self.overwrite_button.layout.display = ""
            self.file_message.value = _escaped(self._label("exists", path=path,
                                                           button=self._label("overwrite")))
            return None
        except IndexModelError as exc:
            self.file_message.value = _escaped(self._label("error", why=exc.message))
            return None
        self.overwrite_button.layout.display = "none"
        self.file_message.value = _escaped(self._label("saved_to", name=self.name.value.strip(),
                                                       path=written))
        self._list_saved()
        return written

    def load(self) -> sc.LoadedScenario | None:
        """Set the sliders from the scenario file named in ``file``."""
        path = self._path()
        try:
            loaded = sc.load_scenario(self.analysis, path)
        except IndexModelError as exc:
            self.file_message.value = _escaped(self._label("error", why=exc.message))
            return None
        with self._hold():
            self.name.value = loaded.name
            self.file.value = str(path)
        self.set_values(loaded.values)
        self.overwrite_button.layout.display = "none"
        self.file_message.value = _escaped(self._label("loaded", name=loaded.name, n=len(loaded.values),
                                                       y=loaded.year, path=path))
        return loaded

    # -- display -------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = ev.label("fallback", self.lang, title=ev.explorer_title(self.lang))
        return bundle


def explorer(setup: NotebookSetup, **kwargs) -> Explorer:
    """The explorer for the notebook's province and year (see :class:`Explorer`)."""
    return Explorer(setup, **kwargs)
