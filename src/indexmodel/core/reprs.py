"""Short reprs of result objects: what they are about in one line, never the tables they hold.

A result object (an index analysis, a plan check, a release-day review) holds tables of
thousands of characters; printed at a prompt it should say which index, province and year
it is and its headline figure, in under :data:`LIMIT` characters.
"""

from __future__ import annotations

import math

#: The longest repr (characters).
LIMIT = 300


def _short(value) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) <= 4 and all(
            isinstance(v, (str, int)) for v in value):
        return repr(list(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"<{len(value)} items>"
    if isinstance(value, dict):
        return f"<{len(value)} entries>"
    if hasattr(value, "shape") and hasattr(value, "columns"):  # a DataFrame
        return f"<table {value.shape[0]}×{value.shape[1]}>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def concise(obj, **fields) -> str:
    """``Name(field=value, …)`` with each value shortened, cut at :data:`LIMIT` characters."""
    inner = ", ".join(f"{k}={_short(v)}" for k, v in fields.items())
    text = f"{type(obj).__name__}({inner})"
    return text if len(text) <= LIMIT else text[:LIMIT - 2] + "…)"
