"""The package's layers: core < data < model < analysis < report < cli.

Every module imports only from its own layer or a lower one — module-level imports and
the imports inside functions alike — and no module grows past 800 lines (a module that
long holds two jobs). See DEVELOPERS.md.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import indexmodel

SRC = Path(indexmodel.__file__).resolve().parent
LAYERS = ("core", "data", "model", "analysis", "report", "cli")
MAX_LINES = 800


def modules(root: Path = SRC, package: str = "indexmodel"):
    """(dotted name, path, is a package) of every module under ``root``."""
    for path in sorted(root.rglob("*.py")):
        parts = (package,) + path.relative_to(root).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        yield ".".join(parts[:-1] if is_package else parts), path, is_package


def is_module(name: str, root: Path = SRC) -> bool:
    parts = name.split(".")[1:]
    where = root.joinpath(*parts) if parts else root
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def layer(name: str) -> int | None:
    """The layer of a module (None for the package itself: ``__version__``, the old names)."""
    parts = name.split(".")
    if len(parts) == 1:
        return None
    if parts[1] not in LAYERS:
        raise ValueError(f"{name} is in no layer: put it under one of {', '.join(LAYERS)}")
    return LAYERS.index(parts[1])


def imports(name: str, path: Path, is_package: bool, root: Path = SRC):
    """(line, module imported) for every import of the package in a module, at any depth
    (inside functions and ``if TYPE_CHECKING:`` blocks too), relative imports resolved."""
    package = name if is_package else name.rpartition(".")[0]
    top = name.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == top:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != top:
                continue
            for alias in node.names:  # `from . import x`: x may be a module of its own
                sub = f"{target}.{alias.name}"
                yield node.lineno, (sub if is_module(sub, root) else target)


def upward_imports(root: Path = SRC, package: str = "indexmodel") -> list[str]:
    found = []
    for name, path, is_package in modules(root, package):
        own = layer(name)
        for line, target in imports(name, path, is_package, root):
            theirs = layer(target)
            if own is None:
                found.append(f"{name} (line {line}) imports {target}: the package's __init__ "
                             "imports none of its modules")
            elif theirs is not None and theirs > own:
                found.append(f"{name} (line {line}) imports {target}: {LAYERS[own]} may not "
                             f"import from {LAYERS[theirs]}")
    return found


def test_every_module_sits_in_a_layer():
    for name, _, _ in modules():
        layer(name)


def test_imports_only_go_to_the_same_or_a_lower_layer():
    found = upward_imports()
    assert not found, "upward imports:\n" + "\n".join(found)


def test_no_module_is_over_800_lines():
    long = {name: n for name, path, _ in modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(
        f"{name} ({n})" for name, n in sorted(long.items()))


def test_the_check_sees_imports_inside_functions(tmp_path):
    root = tmp_path / "pkg"
    for folder in ("core", "data", "model"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "model" / "scoring.py").write_text("X = 1\n")
    (root / "core" / "helper.py").write_text(textwrap.dedent("""\
        from . import other

        def f():
            from ..model import scoring
            from ..model.scoring import X
            import pkg.data
            return scoring, X, pkg
        """))
    (root / "core" / "other.py").write_text("")
    found = upward_imports(root, "pkg")
    assert found == [
        "pkg.core.helper (line 4) imports pkg.model.scoring: core may not import from model",
        "pkg.core.helper (line 5) imports pkg.model.scoring: core may not import from model",
        "pkg.core.helper (line 6) imports pkg.data: core may not import from data",
    ]
