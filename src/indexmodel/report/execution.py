"""Executing notebooks: several in one kernel, each with its own executed copy and page.

A worker (the run's own process, or one of its worker processes) starts one kernel and
executes every notebook it is given in it, one after the other, through papermill (its
parameters injected and recorded as papermill records them). Between two notebooks the
kernel's namespace is emptied (``%reset``), its execution counter set back to 1, open
figures closed and the warnings' once-registries forgotten, so that each notebook runs as
it would in a fresh kernel; what the package caches by content (the validated peer
tables, the analyses, the calibrations: :mod:`indexmodel.core.cache`) stays in memory
for the next notebook. Nothing is skipped and nothing is reused from an earlier run: each
notebook is executed in full, written as executed and exported to HTML.

The kernel dies with the worker (see :mod:`indexmodel.report.processes`); a worker stops it
when it ends, and starts a new one when a notebook killed the previous.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from ..core.cache import NO_CACHE
from .processes import KERNEL_NAME, kernel_manager_class

# run silently before each notebook: a namespace as a fresh kernel has, and In [1] first
_RESET = (
    "(lambda ip, sys: ("
    "ip.reset(new_session=False), "
    "setattr(ip, 'execution_count', 1), "
    # 'once'/'default' warnings show again, as in a new kernel
    "__import__('warnings')._filters_mutated(), "
    "sys.modules['matplotlib.pyplot'].close('all') "
    "if 'matplotlib.pyplot' in sys.modules else None, "
    # what outlives the reset (modules, the caches) is set aside from the collector: the
    # reset's full collection, and those during the next notebook, look at the new objects
    # only, not again at every module and cached table (0.1–0.2 s a notebook otherwise)
    "__import__('gc').freeze()"
    "))(get_ipython(), __import__('sys'))"
)

ENGINE = "indexmodel-shared-kernel"
_KERNEL: dict = {}  # this process's kernel manager ("km", its kernel started by the first
#                    notebook) and the client connected to it ("kc")


def _client_class():
    from papermill.clientwrap import PapermillNotebookClient

    class SharedKernelClient(PapermillNotebookClient):
        """papermill's client, resetting the (shared) kernel before the notebook's cells."""

        def papermill_execute_cells(self):
            msg_id = self.kc.execute(_RESET, silent=True, store_history=False,
                                     allow_stdin=False)
            reply = self.wait_for_reply(msg_id)
            if reply is None or reply["content"].get("status") != "ok":
                content = (reply or {}).get("content", {})
                raise RuntimeError("the kernel could not be reset between notebooks: "
                                   f"{content.get('ename', '')} {content.get('evalue', '')}")
            super().papermill_execute_cells()

    return SharedKernelClient


def _register_engine() -> None:
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE in papermill_engines._engines:
        return
    client_class = _client_class()

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path"], **kwargs)
            safe = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(safe, timeout=execution_timeout or kwargs.get("timeout"),
                                 startup_timeout=start_timeout, kernel_name=kernel_name,
                                 log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            client = client_class(nb_man, **final)
            # the kernel's client (its connected sockets) stays too: a new one waits for
            # the kernel's first message on each channel (0.1–0.3 s a notebook)
            kc = _KERNEL.get("kc")
            if kc is not None and _KERNEL.get("km") is final.get("km"):
                client.kc = kc
            try:
                return client.execute()
            finally:  # the kernel and its client stay (the next notebook's)
                if client.kc is not None:
                    _KERNEL["kc"] = client.kc

    papermill_engines.register(ENGINE, SharedKernelEngine)


def _kernel():
    """This process's kernel manager (its kernel started by the first notebook, and again
    after a notebook that killed it)."""
    from jupyter_core.utils import run_sync

    km = _KERNEL.get("km")
    if km is not None and km.has_kernel:
        try:
            alive = run_sync(km.is_alive)()
        except Exception:
            alive = False
        if alive:
            return km
        stop_kernel()
    km = kernel_manager_class()(kernel_name=KERNEL_NAME)
    _KERNEL["km"] = km
    return km


def stop_kernel() -> None:
    """Stop this process's kernel (at once: its notebooks are done or abandoned)."""
    from jupyter_core.utils import run_sync

    kc = _KERNEL.pop("kc", None)
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    km = _KERNEL.pop("km", None)
    if km is None:
        return
    with contextlib.suppress(Exception):
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)  # its connection file removed too


def execute(notebook: str, executed: str, parameters: dict, cell_timeout: int | None,
            finish=None) -> dict:
    """Execute ``notebook`` into ``executed`` in this process's kernel; then ``finish()``
    (its copy and page); what happened as a plain dict (it crosses a process boundary)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    began = time.perf_counter()
    try:
        papermill.execute_notebook(
            notebook, executed, parameters=parameters, engine_name=ENGINE,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
            cwd=str(Path(notebook).parent), request_save_on_cell_execute=False,
            execution_timeout=cell_timeout, km=_kernel())
    except PapermillExecutionError as exc:
        return dict(ok=False, kind="cell", seconds=time.perf_counter() - began,
                    cell_index=exc.cell_index, exec_count=exc.exec_count, ename=exc.ename,
                    evalue=exc.evalue, source=exc.source, traceback=list(exc.traceback or []))
    except Exception as exc:  # the kernel died, a cell timed out, the notebook is broken
        stop_kernel()  # a kernel in an unknown state serves no further notebook
        return dict(ok=False, kind="other", seconds=time.perf_counter() - began,
                    ename=type(exc).__name__,
                    evalue=str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    finally:
        if os.environ.get(NO_CACHE):  # without caches: a fresh kernel for every notebook
            stop_kernel()
    if finish is not None:
        finish()
    return dict(ok=True, seconds=time.perf_counter() - began)
