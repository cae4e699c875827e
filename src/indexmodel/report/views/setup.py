"""A notebook's setup: its parameters checked, the data it needs, where its figures and CSV
tables go (:func:`setup_notebook`), and the titles of notebooks 05–08.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ...core.cache import table_copy
from ...core.i18n import check_lang
from ...data.provinces import Province, resolve
from .common import _pick

if TYPE_CHECKING:
    from .index_pages import IndexView


DEFAULT_SIMS = 2000
DEFAULT_SEED = 20240701


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
        :func:`indexmodel.data.peers.with_analyst_file` does)."""
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
        return table_copy(self._peers)

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
        from .index_pages import IndexView

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
        """Write ``frame`` as ``<tables_dir>/<name>.csv`` (atomic, byte-repeatable) as Excel
        opens it: UTF-8 with a byte-order mark, headers in the reader's language
        (:mod:`.csv_headers`)."""
        if self.tables_dir is None:
            return None
        from ...core.output import write_bytes_atomic
        from .csv_headers import excel_csv

        return write_bytes_atomic(excel_csv(frame, self.lang), self.tables_dir / f"{name}.csv")


def setup_notebook(province: str, baseline_year: int, target_year: int, lang: str = "vi",
                   peers_file: str | None = None, sims: int = DEFAULT_SIMS,
                   seed: int = DEFAULT_SEED, figures_dir: str | None = None,
                   tables_dir: str | None = None) -> NotebookSetup:
    """Check a notebook's parameters (the ones :func:`run` passes) and load what it needs.

    The parameters are checked by the function the yearly run checks its own with
    (:func:`indexmodel.report.runner.check_parameters`), so a notebook refuses what the
    run refuses (``sims``, ``seed``, a year out of reason or without data, an empty
    province), in the same words.
    """
    from ...data.peers import load_peers
    from ...data.years import check_year
    from ..plots import use_style
    from ..runner import check_parameters, peer_file


    check_lang(lang)
    extra = load_peers(peer_file(peers_file)) if peers_file else None
    checked = check_parameters(province, target_year, lang, sims, seed, extra,
                               names={"sims": "sims", "seed": "seed", "year": "target_year"})
    check_year(baseline_year, what="baseline_year")
    where, sims, seed = checked.province, checked.sims, checked.seed
    if figures_dir:
        figures = Path(figures_dir)
    else:  # opened by hand or run by nbval: a temporary folder, removed when the kernel exits
        figures = Path(tempfile.mkdtemp(prefix="indexmodel-fig-"))
        atexit.register(shutil.rmtree, figures, True)
    figures.mkdir(parents=True, exist_ok=True)
    tables = Path(tables_dir) if tables_dir else None
    use_style()
    from .common import install_table_display

    install_table_display()  # tables without row numbers, one header row, decimals by column
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


#: The scenario explorer's title (notebook 09), by which the other reports name it.
EXPLORER_TITLE = ("Khám phá kịch bản", "Scenario explorer")
_OPEN_EXPLORER = ("Để kéo từng chỉ số thành phần bằng thanh trượt và xem ngay điểm tổng hợp, thứ hạng và "
                  "xác suất, mở sổ tính “{title}” trong JupyterLab.",
                  "To move each component with a slider and see the composite, the rank and the odds at "
                  "once, open the notebook “{title}” in JupyterLab.")

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
    out = ["# " + _pick(title, setup.lang, name=setup.name), _pick(sub, setup.lang, y=setup.year)]
    if key == "scenarios":  # the notebook to open for the interactive explorer (09), by its title
        out.append(_pick(_OPEN_EXPLORER, setup.lang, title=_pick(EXPLORER_TITLE, setup.lang)))
    return out
