"""The run's notebooks execute in its workers' own IPython shells, not in kernels: the
outputs are a kernel's to the byte, a cell that runs too long is stopped, a worker that
dies is named by the notebook it was executing."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from indexmodel.report import execution
from indexmodel.report import runner as report
from test_report import books, notebook, previous_outputs, quiet, snapshot  # noqa: F401


def _png() -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


# what a notebook may do that reaches its outputs: streams, rich displays, a cell's value
# (and none, after a semicolon), a table wider than pandas' 20 columns, figures' PNG,
# clearing an output, numpy values, a value displayed twice, an empty cell
CELLS = [
    'print("một"); print("two")\nimport sys\nsys.stderr.write("err\\n")\n1 + 1',
    "import pandas as pd\nwide = pd.DataFrame({f'c{i}': [i, i / 3] for i in range(30)})\nwide",
    "from IPython.display import Markdown, HTML, Image, display, clear_output\n"
    "display(Markdown('**Tiếp cận** đất đai'), HTML('<b>x</b>'))\n42;",
    f"import base64\ndisplay(Image(data=base64.b64decode({_png()!r})))\n"
    "display(Image(data=base64.b64decode({png!r}), width=30))".format(png=_png()),
    "print('gone')\nclear_output(wait=True)\nprint('kept')",
    "import numpy as np\nnp.float64(1 / 3), np.arange(3)",
    "",
    "x = {'a': [1, 2.5, None]}\ndisplay(x)\nx",
    "'leftover' in globals(), In[1][:5]",
]

# a notebook that leaves things behind in its process: a name, pandas options, a formatter
LITTERING = ("leftover = 1\nimport pandas as pd\npd.set_option('display.max_columns', 3)\n"
             "pd.set_option('display.width', 20)\n"
             "get_ipython().display_formatter.formatters['text/html'].for_type(\n"
             "    pd.DataFrame, lambda frame: '<p>mine</p>')")


def _outputs(nb) -> list:
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


def _kernel_run(source: Path, out: Path, parameters: dict | None = None) -> nbformat.NotebookNode:
    """``source`` executed by papermill in a Jupyter kernel (nbclient), as before."""
    import papermill

    papermill.execute_notebook(str(source), str(out), parameters=parameters or {},
                               kernel_name="python3", progress_bar=False,
                               cwd=str(source.parent),
                               kernel_manager_class=report.kernel_manager_class())
    return nbformat.read(str(out), as_version=4)


def _own_run(source: Path, out: Path, parameters: dict | None = None) -> nbformat.NotebookNode:
    outcome = execution.execute(str(source), str(out), parameters or {}, None)
    assert outcome["ok"], outcome
    return nbformat.read(str(out), as_version=4)


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# Thử"), *map(new_code_cell, cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_a_notebooks_outputs_are_a_kernels_to_the_byte(tmp_path):
    """In a fresh kernel, and here after a notebook that left a name, pandas options and a
    display formatter behind in the same process."""
    source = _notebook(tmp_path / "cells.ipynb", CELLS)
    kernel = _kernel_run(source, tmp_path / "kernel.ipynb")
    _own_run(_notebook(tmp_path / "litter.ipynb", [LITTERING]), tmp_path / "litter-out.ipynb")
    own = _own_run(source, tmp_path / "own.ipynb")
    assert _outputs(own) == _outputs(kernel)
    assert _outputs(own)[-1][1][0].data["text/plain"] == "(False, 'print')"
    # what is compared is what a kernel gives: streams, a table cut to 20 columns, PNGs
    outputs = [o for _count, outs in _outputs(own) for o in outs]
    assert {"stream", "display_data", "execute_result"} == {o.output_type for o in outputs}
    assert any("..." in o.get("data", {}).get("text/html", "") for o in outputs)
    assert [o.text for o in outputs if o.output_type == "stream"] == ["một\ntwo\n", "err\n", "kept\n"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2


def test_a_real_notebook_gives_a_kernels_outputs(tmp_path):
    """A real notebook (figures, tables, text) with the run's parameters, both ways."""
    name = "03_sipas.ipynb"
    shutil_copy = (report.NOTEBOOKS_DIR / name).read_bytes()
    source = tmp_path / name
    source.write_bytes(shutil_copy)
    figures, tables = tmp_path / "figures", tmp_path / "tables"
    figures.mkdir()
    tables.mkdir()
    parameters = dict(figures_dir=str(figures), tables_dir=str(tables))
    kernel = _kernel_run(source, tmp_path / "kernel.ipynb", parameters)
    kernel_files = snapshot(tmp_path / "figures") | snapshot(tmp_path / "tables")
    own = _own_run(source, tmp_path / "own.ipynb", parameters)
    assert _outputs(own) == _outputs(kernel)
    assert snapshot(tmp_path / "figures") | snapshot(tmp_path / "tables") == kernel_files
    kinds = {k for _c, outs in _outputs(own) for o in outs for k in o.get("data", {})}
    assert {"image/png", "text/html", "text/markdown"} <= kinds


def test_a_cell_that_runs_too_long_is_stopped(tmp_path):
    """The cell is named, its error says why, the notebook as far as it ran is kept."""
    books = tmp_path / "slow"  # only trivial cells before the slow one: the timer is short
    notebook(books / "03_slow.ipynb", "a = 1", "import time\nfor _ in range(2400):\n    time.sleep(0.05)")
    home = tmp_path / "home"
    before = previous_outputs(home)
    with pytest.raises(report.NotebookFailedError) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet, workers=1, cell_timeout=3)
    message = info.value.message
    assert message.startswith("notebook 03_slow.ipynb, cell 3 (In [4]) failed: CellTimeoutError: "
                              "a cell ran longer than 3 s — at `line 3: time.sleep(0.05)`"), message
    kept = nbformat.read(str(info.value.failed_dir / "03_slow.ipynb"), as_version=4)
    assert kept.cells[-1].outputs[-1].ename == "CellTimeoutError"
    assert {k: v for k, v in snapshot(home).items()
            if not k.startswith(("reports/.staging", "reports/failed"))} == before


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_that_dies_is_named_by_its_notebook(tmp_path, books, workers):  # noqa: F811
    """A cell that ends the interpreter (as the kernel of the OOM killer would): the run
    fails naming that notebook, the others are stopped, nothing is put in place."""
    notebook(books / "03_dies.ipynb", "import os\nos._exit(3)")
    notebook(books / "04_slow.ipynb", "import time\ntime.sleep(5)")
    home = tmp_path / "home"
    before = previous_outputs(home)
    with pytest.raises(report.NotebookFailedError) as info:
        report.run(home=home, notebooks_dir=books, progress=quiet, workers=workers)
    message = info.value.message
    assert "notebook 03_dies.ipynb failed: WorkerDied" in message, message
    assert "exit status 3" in message
    assert {k: v for k, v in snapshot(home).items()
            if not k.startswith("reports/.staging")} == before
    assert not [p for p in report.staging_root(home).iterdir() if p.is_dir()]


def test_what_a_cell_prints_outside_a_run_is_not_lost(capsys):
    """Outside a notebook the streams are the process's own again."""
    from indexmodel.report import inprocess

    with inprocess._capturing():
        print("inside, but no cell")
    print("after")
    assert capsys.readouterr().out == "inside, but no cell\nafter\n"
    json.dumps({})  # the module imports nothing at import time that a worker lacks
