"""The processes of a yearly run: one run at a time, and nothing outliving it.

A run holds a POSIX record lock (``lockf``) for its year and province: it belongs to the
run's own process, is not inherited by the workers it forks, and goes with the process
however it ends, so a killed run never locks out the next. The workers (which execute the
notebooks in their own process: :mod:`indexmodel.report.inprocess`) die with the run
(Linux's parent-death signal, and a thread watching the parent elsewhere); an interrupted
run stops them itself before it removes its staging. A kernel manager for the notebooks'
builder (``notebooks/build_notebooks.py``), whose kernels die with their parent too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

from ..core.errors import UsageError

from .execution import KERNEL_NAME  # noqa: F401 (re-exported)


# -- the kernel: the interpreter running this code ----------------------------------------
# ipykernel_launcher, but the kernel asks Linux to kill it when the process that started it
# dies (a killed run leaves no kernel computing), and checks that this has not happened yet.
_KERNEL_LAUNCHER = """\
import os, sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
try:
    import ctypes, signal
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != int(os.environ.get("JPY_PARENT_PID") or os.getppid()):
        os._exit(1)
except (OSError, AttributeError):
    pass
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def kernel_manager_class():
    """A jupyter kernel manager whose ``python3`` kernel is this interpreter (``sys.executable``).

    The ``python3`` kernel spec that ipykernel installs runs ``python`` (which
    jupyter_client maps to ``sys.executable``), but a user-level spec of the same name
    may point elsewhere; this manager always starts the interpreter that runs the
    package, so the kernel imports the same indexmodel.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ThisPythonSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == KERNEL_NAME:
                spec = get_kernel_dict()
                spec["argv"][0] = sys.executable
                # the kernel's own log (a warning about TCP on every start) is not the
                # analyst's business; errors in cells still reach the notebook
                spec["argv"].insert(-2, "--IPKernelApp.log_level=CRITICAL")
                spec["argv"].insert(-2, "--HistoryManager.enabled=False")
                if sys.platform.startswith("linux"):  # dies with the process that started it
                    at = spec["argv"].index("-m")
                    spec["argv"][at:at + 2] = ["-c", _KERNEL_LAUNCHER]
                return KernelSpec(resource_dir=RESOURCES, **spec)
            return super().get_kernel_spec(kernel_name)

    class ThisPythonKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return ThisPythonSpecs(data_dir=self.data_dir)

    return ThisPythonKernelManager


@contextlib.contextmanager
def _locked(path: Path, what: str, say: Callable[[str], None] = lambda _t: None
            ) -> Iterator[None]:
    """One run at a time per year and province: a POSIX record lock (``lockf``) on a file.

    Such a lock belongs to this process alone: the workers it forks do not inherit it,
    and it goes with the process however it ends (``kill -9`` included), so a killed run
    never locks out the next. The file records the holder's pid and start; a run that
    finds the pid of a run that is gone says so before it cleans up after it.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip()
            raise UsageError(f"another run for {what} is in progress" + (f" ({holder})" if holder else ""),
                             hint=f"lock {path}") from None
        fh.seek(0)
        previous = fh.read().strip()
        if previous:
            say(f"An earlier run ({previous}) stopped before it finished; "
                "cleaning up after it.")
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.lockf(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


def _lock_is_free(path: Path) -> bool:
    """Whether no live run holds the lock at ``path`` (tried and released at once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return False
    if not path.exists():
        return True
    with open(path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.lockf(fh, fcntl.LOCK_UN)
        return True


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    try:  # a zombie is gone for our purposes
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True



def _worker_start(parent: int) -> None:
    """In each worker process: leave Ctrl-C and SIGTERM to the run (which stops the
    workers itself), and die with the run however it ends — Linux's parent-death signal,
    and a thread watching the parent wherever that is not available."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="indexmodel-parent-watch", daemon=True).start()


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux; an empty list elsewhere)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _stop_workers(pool) -> None:
    """Stop the workers, and any process they started, at once (an interrupt or a failure
    elsewhere): kill them, wait until they are gone, then let the pool go."""
    import signal

    workers = list(getattr(pool, "_processes", {}).values())
    children = [k for w in workers if w.pid for k in _children(w.pid)]
    # Python 3.11's pool, finding its workers killed, fails every pending future, and a
    # future already cancelled makes its manager thread print a traceback
    # (InvalidStateError): cancel what has not started, and leave the pool none of them
    pending = getattr(pool, "_pending_work_items", {})
    for work_id, item in list(pending.items()):
        if item.future.cancel() or item.future.done():
            pending.pop(work_id, None)
    for process in workers:
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for process in workers:
        with contextlib.suppress(Exception):
            process.join(timeout=10)
    deadline = time.monotonic() + 10
    while any(_pid_alive(k) for k in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)


def _worker_context():
    """Forked workers where fork is safe (Linux, and this process runs one thread — not
    inside a Jupyter kernel, say): they start at once with papermill and nbconvert
    already imported; spawned ones otherwise."""
    import multiprocessing
    import threading

    if (sys.platform.startswith("linux") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()):
        import IPython.core.interactiveshell  # noqa: F401 - imported once here, inherited
        import ipykernel.jsonutil  # noqa: F401
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def worker_died(pool, jobs: list[dict], chunk: list[int]) -> dict[int, dict]:
    """When a worker process died (killed, out of memory, a cell that ended the
    interpreter): the outcome of the notebook it was executing, by its job's index.

    Each worker marks the notebook it executes with its process id
    (:func:`~indexmodel.report.execution.running_marker`); the pool, finding one worker
    dead, terminates the others (SIGTERM), so the dead one is the worker that did not end
    by SIGTERM — or, if that cannot be told, the first notebook marked (none marked: the
    first of ``chunk``, the jobs of the failed call)."""
    import signal

    from .execution import running_marker

    with contextlib.suppress(Exception):
        for process in list(getattr(pool, "_processes", {}).values()):
            process.join(timeout=10)
    ended = {p.pid: p.exitcode for p in getattr(pool, "_processes", {}).values()}
    marked = []
    for i, job in enumerate(jobs):
        marker = running_marker(job["executed"])
        with contextlib.suppress(OSError, ValueError):
            marked.append((i, int(marker.read_text(encoding="ascii")), marker.stat().st_mtime))
    if not marked:
        marked = [(chunk[0], 0, time.time())]
    culprits = [m for m in marked if ended.get(m[1]) not in (None, -int(signal.SIGTERM))]
    index, pid, since = (culprits or marked)[0]
    code = ended.get(pid)
    how = (f"killed by signal {-code}" if code is not None and code < 0
           else f"exit status {code}" if code is not None else "it stopped")
    return {index: dict(ok=False, kind="other", seconds=max(0.0, time.time() - since),
                        ename="WorkerDied",
                        evalue=f"the process executing the notebook stopped abruptly ({how}; "
                               "killed, out of memory, or a cell ended the interpreter)")}
