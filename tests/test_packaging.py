"""The project's install files agree with each other and with the README."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment_packages() -> dict[str, str]:
    packages = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)(.*)$", line)
        if match and match.group(1) not in ("pip", "python") and not line.strip().startswith("- -e"):
            packages[match.group(1).lower()] = match.group(2).strip()
    return packages


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = _pyproject()["project"]
    wanted = {_name(r): r for r in project["dependencies"]}
    wanted.update({_name(r): r for r in project["optional-dependencies"]["test"]})
    env = _environment_packages()
    assert set(env) == set(wanted), (set(env) ^ set(wanted))
    for name, req in wanted.items():
        bound = req[len(name):].strip()
        assert env[name] == bound, f"{name}: environment.yml '{env[name]}' vs pyproject '{bound}'"


def test_main_dependencies_are_declared():
    names = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    assert {"pandas", "numpy", "scipy", "matplotlib", "papermill", "jupyterlab"} <= names
    test_names = {_name(r) for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "hypothesis"} <= test_names


def test_console_script_and_ci_use_the_readme_commands():
    assert _pyproject()["project"]["scripts"]["indexmodel"] == "indexmodel.cli:main"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", readme, flags=re.S)
    test_command = next(b.strip() for b in blocks if "pytest" in b)
    run_command = next(b.strip() for b in blocks if "indexmodel run" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
    assert "pip install" in run_command and "pip install" in test_command
