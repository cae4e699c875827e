"""Executing notebooks: several in one worker process, each with its own executed copy and page.

A worker (one of the run's worker processes) executes every notebook it is given in its
own IPython shell, one after the other, through papermill (its parameters injected and
recorded as papermill records them) with the in-process engine of
:mod:`indexmodel.report.inprocess` — no kernel: the cells run in the worker, their
outputs are those a kernel would have sent. Between two notebooks the shell is reset so
that each notebook runs as it would in a fresh kernel; what the package caches by content
(the validated peer tables, the analyses, the calibrations: :mod:`indexmodel.core.cache`)
stays in memory for the next notebook. Nothing is skipped and nothing is reused from an
earlier run: each notebook is executed in full, written as executed and exported to HTML.

While a notebook executes, a marker beside its executed copy names the worker's process
(:func:`running_marker`): if that process dies (killed, out of memory, a cell that ends
the interpreter), the run can say which notebook it was executing.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from .inprocess import ENGINE, register

KERNEL_NAME = "python3"  # what papermill records as the notebook's kernel


def running_marker(executed: str | Path) -> Path:
    """The file that says, while ``executed`` is being executed, which process executes it."""
    executed = Path(executed)
    return executed.with_name(executed.name + ".running")


def execute(notebook: str, executed: str, parameters: dict, cell_timeout: int | None,
            finish=None) -> dict:
    """Execute ``notebook`` into ``executed`` in this process; then ``finish()`` (its copy
    and page); what happened as a plain dict (it crosses a process boundary)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    register()
    began = time.perf_counter()
    marker = running_marker(executed)
    marker.write_text(str(os.getpid()), encoding="ascii")
    try:
        papermill.execute_notebook(
            notebook, executed, parameters=parameters, engine_name=ENGINE,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
            cwd=str(Path(notebook).parent), request_save_on_cell_execute=False,
            execution_timeout=cell_timeout)
    except PapermillExecutionError as exc:
        return dict(ok=False, kind="cell", seconds=time.perf_counter() - began,
                    cell_index=exc.cell_index, exec_count=exc.exec_count, ename=exc.ename,
                    evalue=exc.evalue, source=exc.source, traceback=list(exc.traceback or []))
    except Exception as exc:  # the notebook is broken
        return dict(ok=False, kind="other", seconds=time.perf_counter() - began,
                    ename=type(exc).__name__,
                    evalue=str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    finally:
        with contextlib.suppress(OSError):
            marker.unlink()
    if finish is not None:
        finish()
    return dict(ok=True, seconds=time.perf_counter() - began)


__all__ = ["KERNEL_NAME", "execute", "running_marker"]
