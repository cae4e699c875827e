"""Render every report's text in one language (without a kernel) and find what is not in it.

:func:`render_notebook` runs a notebook's code cells (from ``notebooks/build_notebooks.py``)
in this process with ``display`` collecting what they show: the views functions produce
everything; figure cells and the explorer's widgets are skipped. :func:`texts` turns what
was shown into strings (Markdown; tables' headers, row labels and cells, leaving out the
cells of source columns); :func:`violations` finds English sentences or internal ids in a
Vietnamese text and Vietnamese in an English one.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: English words that never appear in a Vietnamese sentence (whole words, lower case).
EN_STOP = ("the", "of", "and", "is", "are", "was", "were", "with", "from", "for", "which",
           "that", "this", "its", "has", "have", "been", "not", "rank", "score", "province",
           "provinces", "average", "year", "years", "above", "below", "than", "by", "into",
           "unknown", "target", "targets", "plan", "peers", "between", "where", "there")
#: Vietnamese-only letters (what an English text never holds, names aside).
VI_LETTERS = re.compile(r"[ăâđêôơưạảãắằẳẵặấầẩẫậẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýĩũ]",
                        re.IGNORECASE)
#: internal ids: snake_case words, option names, file names
IDS = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|(?<![\w-])--[a-z][a-z-]+|\b[\w-]+\.(?:csv|txt|py|json)\b")
#: what may stand in any language: index names, publishers, URLs, units
ALLOWED = re.compile(r"https?://\S+|\bPAR INDEX\b|\bPAPI\b|\bSIPAS\b|\bPCI\b|\bUNDP\b|\bVCCI\b|"
                     r"\bGSO\b|\bCECODES\b|\bHighs\b|\bHiGHS\b|\bCRPS\b|\bPIT\b|\bMAE\b")
#: columns whose cells are sources (names of publications, files, URLs) or the codes an
#: analyst types into a notebook (the scenario table's index and component ids)
SOURCE_COLUMNS = {"source", "nguồn", "sources", "nguồn số liệu", "nguồn khác", "tệp", "file",
                  "mã (component)", "id (component)", "mã (index)", "id (index)"}


def _province_names() -> re.Pattern:
    """Province names in Vietnamese: proper nouns an English text may quote (data notes)."""
    from indexmodel.data.provinces import all_provinces

    names = sorted({p.name_vi for p in all_provinces()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def _load_builders():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "notebooks" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_notebooks", module)
    spec.loader.exec_module(module)
    return module


def notebook_names() -> list[str]:
    return list(_load_builders().BUILDERS)


def _skip(source: str) -> bool:
    return ("setup.save(" in source or "Explorer(setup)" in source)


def render_notebook(name: str, lang: str, *, sims: int = 50, figures_dir: str | None = None,
                    tables_dir: str | None = None) -> list:
    """What the notebook ``name`` shows in ``lang`` (every displayed object, in order)."""
    import IPython.display

    module = _load_builders()
    nb = module.BUILDERS[name]()
    shown: list = []
    real = IPython.display.display
    IPython.display.display = lambda *objs, **kw: shown.extend(objs)
    try:
        ns: dict = {}
        for cell in nb.cells:
            if cell.cell_type != "code" or _skip(cell.source):
                continue
            source = cell.source
            if "parameters" in cell.metadata.get("tags", []):
                source += (f"\nlang = {lang!r}\nsims = {sims}\nfigures_dir = {figures_dir!r}\n"
                           f"tables_dir = {tables_dir!r}\n")
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<{name}>", "exec"), ns)
            if last is not None:  # a cell ending in an expression shows its value
                value = eval(compile(ast.Expression(last.value), f"<{name}>", "eval"), ns)
                if value is not None:
                    shown.append(value)
    finally:
        IPython.display.display = real
    return shown


def texts(shown) -> list[str]:
    """Strings an analyst reads in what was shown."""
    out: list[str] = []
    for obj in shown:
        if obj is None:
            continue
        if isinstance(obj, str):
            out.append(obj)
        elif hasattr(obj, "data") and isinstance(getattr(obj, "data"), str):  # Markdown
            out.append(obj.data)
        elif hasattr(obj, "data") and isinstance(getattr(obj, "data", None), (pd.DataFrame,)):
            out += texts([obj.data])
        elif hasattr(obj, "to_html") and hasattr(obj, "data") and isinstance(obj.data, pd.DataFrame):
            out += texts([obj.data])
        elif isinstance(obj, pd.DataFrame):
            frame = obj
            out += [str(c) for c in frame.columns] + [str(n) for n in frame.index.names if n]
            if not isinstance(frame.index, pd.RangeIndex):
                out += [str(v) for v in frame.index]
            for col in frame.columns:
                if str(col).strip().lower() in SOURCE_COLUMNS:
                    continue
                out += [v for v in frame[col].astype(str) if v]
        elif type(obj).__name__ == "Styler":
            out += texts([obj.data])
    return out


def _component_ids() -> frozenset[str]:
    """Every component id of every index and era (a one-word id like ``policy`` included)."""
    from indexmodel.data.spec import load_specs

    return frozenset(i for spec in load_specs().specs for i in spec.ids)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ỹ]+", text)


def violations(text: str, lang: str) -> list[str]:
    """The lines of ``text`` not in ``lang``: English words or ids in Vietnamese, Vietnamese in English."""
    found = []
    for line in str(text).splitlines():
        clean = ALLOWED.sub(" ", re.sub(r"\([^()]*\.(?:csv|xlsx?|pdf|txt)[^()]*\)", " ", line))
        clean = re.sub(r"`[^`]*`", lambda m: m.group(0), clean)
        if lang == "vi":
            words = {w.lower() for w in _words(clean)}
            english = sorted(words & set(EN_STOP))
            ids = IDS.findall(clean) + sorted(set(re.findall(r"\b[a-z]{4,}\b", clean)) & _component_ids())
            if english or ids:
                found.append(f"{english or ''}{ids or ''}: {line[:200]}")
        else:
            if VI_LETTERS.search(_province_names().sub(" ", clean)):
                found.append(line[:200])
    return found
