"""A papermill engine that executes a notebook's cells in this process's IPython shell.

A Jupyter kernel is a second process that runs each cell in an IPython shell and sends
what the cell displays back as messages; the process that executes the notebook decodes
them into the notebook's outputs. Here the worker runs the cells in an IPython shell of
its own (``IPython.core.interactiveshell.InteractiveShell``, what ipykernel's shell is
built on) and turns what they display into outputs directly, with ipykernel's own
encoding (``ipykernel.jsonutil``) and jupyter_client's JSON packer, so that an output
is the one a kernel would have sent, byte for byte (a test executes real notebooks both
ways). That is the cost a kernel adds to every cell and every output gone: the messages,
their serialisation and the client's event loop (≈ 10 ms a cell, more for a figure).

Everything else is papermill's: its parameters cell and record (``metadata.papermill``),
each cell's status, and the error it raises for a failed cell. As nbclient does, a cell
that raises stops the notebook (unless tagged ``raises-exception``), a cell tagged
``skip-execution`` is not run, an empty one is not run, and a cell running longer than
the timeout is stopped (a timer), its error named ``CellTimeoutError``.

One shell per process, reset between notebooks (:func:`reset`) so that each notebook runs
as in a fresh kernel: an empty namespace, ``In [1]`` first, the display formatters and
pandas' options as new, no open figure, the warnings' once-registries forgotten. What the
package caches by content stays in memory.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading

ENGINE = "indexmodel-in-process"


class _Timeout(BaseException):
    """Raised in a cell by the timer (a BaseException: code that catches Exception lets it pass)."""


class _Outputs:
    """The outputs of the cell being executed, as nbclient would record them."""

    def __init__(self) -> None:
        self.outputs: list = []
        self.clear_pending = False

    def add(self, msg_type: str, content: dict) -> None:
        from jupyter_client.session import json_packer, json_unpacker
        from nbformat.v4 import output_from_msg

        # what the kernel sends, as the client reads it: the same packer and unpacker
        content = json_unpacker(json_packer(content))
        self._cleared()
        self.outputs.append(output_from_msg({"header": {"msg_type": msg_type}, "content": content}))

    def stream(self, name: str, text: str) -> None:
        self._cleared()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            last["text"] += text
            return
        from nbformat.v4 import new_output

        self.outputs.append(new_output("stream", name=name, text=text))

    def _cleared(self) -> None:
        """An output arrives: a ``clear_output(wait=True)`` before it takes effect now."""
        if self.clear_pending:
            self.outputs.clear()
            self.clear_pending = False

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self.outputs.clear()


_CURRENT: dict = {}  # "outputs": the _Outputs of the cell being executed, if any


def _sink() -> _Outputs | None:
    return _CURRENT.get("outputs")


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` while a cell runs: text becomes a stream output."""

    def __init__(self, name: str, fallback) -> None:
        self.name = name
        self._fallback = fallback

    @property
    def encoding(self):  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        sink = _sink()
        if sink is None:
            return self._fallback.write(text)
        if text:
            sink.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        if _sink() is None:
            with contextlib.suppress(Exception):
                self._fallback.flush()


def _shell():
    """This process's shell (made on first use)."""
    shell = _CURRENT.get("shell")
    if shell is not None:
        return shell
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from ipykernel.jsonutil import encode_images, json_clean
    from traitlets import Type
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        """``display()``: a display_data output, encoded as ipykernel encodes it."""

        def publish(self, data, metadata=None, source=None, *, transient=None,
                    update=False, **kwargs):
            sink = _sink()
            # outside a cell nowhere to show it; an update of an earlier output by its
            # display id is not kept in the notebook here
            if sink is None or update:
                return
            sink.add("display_data", json_clean({"data": encode_images(data),
                                                 "metadata": metadata or {},
                                                 "transient": transient or {}}))

        def clear_output(self, wait=False):
            sink = _sink()
            if sink is not None:
                sink.clear(wait)

    class Hook(DisplayHook):
        """A cell's last value: an execute_result output."""

        def start_displayhook(self):
            self._content = {"data": {}, "metadata": {}}

        def write_output_prompt(self):
            self._content["execution_count"] = self.prompt_count

        def write_format_data(self, format_dict, md_dict=None):
            self._content["data"] = json_clean(encode_images(format_dict))
            self._content["metadata"] = md_dict

        def finish_displayhook(self):
            content, self._content = getattr(self, "_content", None), None
            sink = _sink()
            if content and content["data"] and sink is not None:
                sink.add("execute_result", content)

    class Shell(InteractiveShell):
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def _showtraceback(self, etype, evalue, stb):
            sink = _sink()
            if sink is not None:
                sink.add("error", json_clean({"traceback": stb, "ename": str(etype.__name__),
                                              "evalue": str(evalue)}))

        def init_sys_modules(self):  # leave this process's __main__ as it is
            pass

    config = Config()
    config.HistoryManager.enabled = False
    # cells run in this process's main thread, and they are not typed at a terminal
    config.InteractiveShell.colors = "nocolor"
    shell = Shell.instance(config=config)
    _CURRENT["shell"] = shell
    # the display formatters' registries as a new shell has them (a notebook may add its
    # own: the package's table display)
    _CURRENT["formatters"] = {
        mime: (dict(f.type_printers), dict(f.deferred_printers), dict(f.singleton_printers))
        for mime, f in shell.display_formatter.formatters.items()}
    return shell


def _fresh_formatters(shell) -> None:
    for mime, formatter in shell.display_formatter.formatters.items():
        saved = _CURRENT["formatters"].get(mime)
        if saved is not None:
            formatter.type_printers, formatter.deferred_printers, formatter.singleton_printers = (
                dict(saved[0]), dict(saved[1]), dict(saved[2]))


def _fresh_pandas() -> None:
    """pandas' options as a fresh kernel has them: its defaults (an earlier notebook may
    have changed them), with at most 20 columns shown (pandas sets 0 — as many as the
    terminal fits — when it is imported outside a kernel)."""
    import warnings

    if "pandas" not in sys.modules:
        return
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options are reset too
        pd.reset_option("all")
    pd.set_option("display.max_columns", 20)


def reset() -> None:
    """Before a notebook: the shell as a fresh kernel's (see the module's docstring)."""
    import gc
    import warnings

    shell = _shell()
    shell.reset(new_session=False)
    shell.execution_count = 1
    history = shell.history_manager  # In[1] is this notebook's first cell
    history.input_hist_parsed[:] = [""]
    history.input_hist_raw[:] = [""]
    _fresh_formatters(shell)
    warnings._filters_mutated()  # 'once'/'default' warnings show again
    _fresh_pandas()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    # what outlives the reset (modules, the caches) is set aside from the collector: its
    # full collections then look at the new notebook's objects only
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _timer(seconds: float | None):
    """Raise :class:`_Timeout` in the running cell after ``seconds`` (main thread only)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _capturing():
    """While a notebook runs, what its cells print is theirs (papermill has made the
    notebook's folder the working directory)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _Stream("stdout", saved[0])
    sys.stderr = _Stream("stderr", saved[1])
    try:
        yield
    finally:
        _CURRENT.pop("outputs", None)
        sys.stdout, sys.stderr = saved


def run_cell(shell, cell, timeout: float | None) -> bool:
    """Execute one code cell into its outputs; whether it raised."""
    outputs = _Outputs()
    _CURRENT["outputs"] = outputs
    cell.outputs = outputs.outputs
    try:
        with _timer(timeout):
            result = shell.run_cell(cell.source, store_history=True, silent=False)
    finally:
        _CURRENT.pop("outputs", None)
    cell.execution_count = result.execution_count
    error = result.error_before_exec or result.error_in_exec
    if isinstance(error, _Timeout):  # the cell's error says so (its traceback: where it was)
        for output in outputs.outputs:
            if output.get("output_type") == "error":
                output["ename"] = "CellTimeoutError"
                output["evalue"] = f"a cell ran longer than {timeout:g} s"
    return error is not None


def _engine_class():
    from papermill.engines import Engine

    class InProcessEngine(Engine):
        """papermill's engine protocol, the cells run by :func:`run_cell`."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     execution_timeout=None, **kwargs):
            shell = _shell()
            reset()
            skip = "skip-execution"
            with _capturing():
                for index, cell in enumerate(nb_man.nb.cells):
                    nb_man.cell_start(cell, index)
                    try:
                        if (cell.cell_type != "code" or not cell.source.strip()
                                or skip in cell.metadata.get("tags", [])):
                            continue
                        failed = run_cell(shell, cell, execution_timeout)
                        if failed and "raises-exception" not in cell.metadata.get("tags", []):
                            nb_man.cell_exception(cell, cell_index=index)
                            break
                    finally:
                        nb_man.cell_complete(cell, cell_index=index)

    return InProcessEngine


def register() -> None:
    """Make the engine known to papermill as :data:`ENGINE` (once)."""
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, _engine_class())
