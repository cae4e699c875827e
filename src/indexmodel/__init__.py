"""indexmodel: model Vietnam's provincial governance indices from their components.

PAPI, SIPAS, PAR INDEX and PCI are each a tree of weighted components. indexmodel
keeps each tree as data (``data/specs``), scores any level of it, places a province
among its peers, and shows which component improvements move its rank, by how
much and with what odds.

The package is layered, lowest first (see DEVELOPERS.md): ``core`` (errors, paths,
output, labels), ``data`` (specs, provinces, peers, the plan, its actions, the
readers in ``data.sources``), ``model`` (scoring, ranking, leverage, movement),
``analysis`` (one index × province, the plan check, backtests, monitoring …),
``report`` (notebook views, figures, the yearly run) and ``cli``. A module imports
only from its own layer or a lower one.

The modules that sat at the top of the package before the layers keep their old
names for code written against them: ``import indexmodel.peers`` gives the module
``indexmodel.data.peers`` itself (the same object: patching one patches the other),
and so for every name in :data:`MOVED`. ``indexmodel.movement``, split in four
modules, reads each name from the module now holding it (:data:`SPLIT`).
``indexmodel.analysis`` and ``indexmodel.report`` are packages now and re-export
what the old modules of those names offered.
"""

import importlib
import importlib.abc
import sys
import types
from importlib.machinery import ModuleSpec

__version__ = "0.1.0"

#: Old top-level module → the module it is now (below ``indexmodel.``).
MOVED = {
    "errors": "core.errors",
    "paths": "core.paths",
    "output": "core.output",
    "i18n": "core.i18n",
    "spec": "data.spec",
    "provinces": "data.provinces",
    "peers": "data.peers",
    "plan": "data.plan",
    "actions": "data.actions",
    "sources": "data.sources",
    "scoring": "model.scoring",
    "settings": "model.settings",
    "ranking": "model.ranking",
    "field": "model.field",
    "leverage": "model.leverage",
    "optimize": "model.optimize",
    "backtest": "analysis.backtest",
    "plan_check": "analysis.plan_check",
    "ownership": "analysis.ownership",
    "monitor": "analysis.monitor",
    "trajectory": "analysis.trajectory",
    "sensitivity": "analysis.sensitivity",
    "plots": "report.plots",
    "views": "report.views",
}

#: Old top-level module split in several → the modules holding its names now.
SPLIT = {
    "movement": ("model.panel", "model.calibration", "model.simulation", "model.thresholds"),
}


class _Joined(types.ModuleType):
    """An old module split in several: a name is read from the first part that holds it.

    Setting a name sets it in every part holding the object read, and remembers what
    they held; deleting it gives the parts those values back (so patching it, then
    undoing the patch, works as on the old module)."""

    def __init__(self, name: str, parts: tuple[types.ModuleType, ...]) -> None:
        super().__init__(name, f"Old name of {', '.join(p.__name__ for p in parts)}.")
        super().__setattr__("_parts", parts)
        super().__setattr__("_saved", {})

    def __getattr__(self, name: str):
        if not name.startswith("__"):
            for part in self._parts:
                if name in vars(part):
                    return vars(part)[name]
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def _holders(self, name: str) -> list[types.ModuleType]:
        if name.startswith("__") or name in vars(self):
            return []
        try:
            current = self.__getattr__(name)
        except AttributeError:
            return []
        return [p for p in self._parts if name in vars(p) and vars(p)[name] is current]

    def __setattr__(self, name: str, value) -> None:
        holders = self._holders(name)
        if not holders:
            super().__setattr__(name, value)
            return
        saved = self._saved.setdefault(name, [(p, vars(p)[name]) for p in holders])
        for part in holders:
            setattr(part, name, value)
        if all(value is before for _, before in saved):  # set back as it was
            del self._saved[name]

    def __delattr__(self, name: str) -> None:
        if name in self._saved:
            for part, before in self._saved.pop(name):
                setattr(part, name, before)
            return
        holders = self._holders(name)
        for part in holders:
            delattr(part, name)
        if not holders:
            super().__delattr__(name)

    def __dir__(self):
        names = set(super().__dir__())
        for part in self._parts:
            names |= {n for n in vars(part) if not n.startswith("__")}
        return sorted(names)


class _OldNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``indexmodel.<old name>`` (and the modules below it) and loads, under that
    name, the module it is now: the same module object, not a copy."""

    package = __name__
    replaces_old_names = True

    def find_spec(self, fullname, path=None, target=None):
        head, _, rest = fullname.partition(".")
        if head != self.package or not rest:
            return None
        old, _, below = rest.partition(".")
        if old in MOVED:
            new = f"{self.package}.{MOVED[old]}" + (f".{below}" if below else "")
            return ModuleSpec(fullname, self, loader_state={"new": new})
        if old in SPLIT and not below:
            return ModuleSpec(fullname, self, loader_state={"parts": SPLIT[old]})
        return None

    def create_module(self, spec):
        state = spec.loader_state
        if "parts" in state:
            return _Joined(spec.name, tuple(importlib.import_module(f"{self.package}.{p}")
                                            for p in state["parts"]))
        module = importlib.import_module(state["new"])
        state["own_spec"] = module.__spec__
        return module

    def exec_module(self, module):
        # the import system has just given the module the old name's spec: give it back its own
        state = getattr(module.__spec__, "loader_state", None)
        if isinstance(state, dict) and "own_spec" in state:
            module.__spec__ = state["own_spec"]


sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "replaces_old_names", False)]
sys.meta_path.insert(0, _OldNames())
