"""The real notebooks are executed once per test session and that run is shared.

:func:`shared_real_run` executes the yearly run with its defaults (every notebook of
``notebooks/``, Bình Định, the plan's years, Vietnamese) into a temporary home, the first
time anything asks for it: the ``real_run`` fixture (the run tests of ``test_report.py``)
and nbval. nbval, instead of executing each notebook again in a kernel of its own,
checks every code cell of a notebook against the same cell of that run's executed copy
(``reports/<year>/<province>/vi/<notebook>.ipynb``): a cell that raised fails, and the
outputs of the cells marked ``NBVAL_CHECK_OUTPUT`` are compared with the stored ones by
nbval's own comparison (sanitized as configured). The notebooks get the same parameters
either way (the run's defaults are the notebooks' own); the run only adds where figures and
tables go. ``INDEXMODEL_NBVAL_OWN_KERNEL=1`` gives nbval back its own kernels.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_SHARED: dict = {}


def shared_real_run():
    """The default yearly run of the real notebooks (executed on the first call)."""
    if "result" not in _SHARED:
        if "error" in _SHARED:
            raise _SHARED["error"]
        from indexmodel.report import runner

        home = Path(tempfile.mkdtemp(prefix="indexmodel-shared-run-"))
        atexit.register(shutil.rmtree, home, True)
        try:
            lines: list[str] = []
            _SHARED["result"] = runner.run(home=home, progress=lines.append)
            _SHARED["progress"] = lines
        except BaseException as exc:  # every user of the run fails with the same error
            _SHARED["error"] = exc
            raise
    return _SHARED["result"]


@pytest.fixture(scope="session")
def real_run():
    return shared_real_run()


def _executed_copy(path: Path):
    import nbformat

    from indexmodel.report.runner import NOTEBOOKS_DIR

    if Path(path).resolve().parent != NOTEBOOKS_DIR.resolve():
        return None
    kept = shared_real_run().reports_dir / Path(path).name
    if not kept.is_file():
        return None
    return nbformat.read(str(kept), as_version=4)


def pytest_configure(config):
    if os.environ.get("INDEXMODEL_NBVAL_OWN_KERNEL"):
        return
    try:
        from nbval import plugin
    except ImportError:  # pragma: no cover - nbval is a test dependency
        return
    own_setup, own_runtest = plugin.IPyNbFile.setup, plugin.IPyNbCell.runtest

    def setup(self):
        self.executed = _executed_copy(Path(str(self.fspath)))
        if self.executed is None:
            return own_setup(self)
        self.setup_sanitize_files()

    def runtest(self):
        executed = getattr(self.parent, "executed", None)
        if executed is None:
            return own_runtest(self)
        if self.options["skip"]:
            pytest.skip()
        cell = next((c for c in executed.cells if c.get("id") == self.cell.get("id")), None)
        if cell is None:
            self.raise_cell_error("the shared run's executed notebook has no such cell")
        outs = [o for o in cell.get("outputs", [])]
        errors = [o for o in outs if o.get("output_type") == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error("Cell execution caused an exception",
                                  "\n" + "\n".join(errors[0].get("traceback", [])))
        if cell.get("execution_count") is None and self.cell.source.strip():
            self.raise_cell_error("the shared run did not execute this cell")
        outs = plugin.coalesce_streams([plugin.NotebookNode(o) for o in outs])
        self.test_outputs = outs
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            if not self.compare_outputs(outs, plugin.coalesce_streams(self.cell.outputs)):
                self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))

    plugin.IPyNbFile.setup = setup
    plugin.IPyNbCell.runtest = runtest
