"""The options every command shares, checked one way: Monte Carlo runs and the seed.

The command line (every command with ``--sims`` or ``--seed``), the yearly run and the
notebooks' parameters call these, so a value one refuses the others refuse too, with the
same words.
"""

from __future__ import annotations

from .errors import UsageError

#: Monte Carlo runs at most. The odds' sampling error at 20,000 runs is under 0.4
#: percentage point; more changes nothing an analyst reads and needs gigabytes (a PCI
#: backtest holds about 25 KB per run: 0.5 GB at 20,000).
MAX_SIMS = 20_000


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def check_sims(sims: object, what: str = "--sims", *, minimum: int = 1) -> int:
    """``sims`` as an int from ``minimum`` to :data:`MAX_SIMS`, else a :class:`UsageError`."""
    value = _whole(sims)
    if value is None or not minimum <= value <= MAX_SIMS:
        raise UsageError(f"{what} must be a whole number from {minimum:,} to {MAX_SIMS:,}, "
                         f"not {sims!r}",
                         hint="the default is 2,000; beyond 20,000 the odds move by less "
                              "than 0.4 point and the memory runs to gigabytes")
    return value


def check_seed(seed: object, what: str = "--seed") -> int:
    """``seed`` as a whole number ≥ 0 (what numpy's generator accepts), else a :class:`UsageError`."""
    value = _whole(seed)
    if value is None or value < 0:
        raise UsageError(f"{what} must be a whole number ≥ 0, not {seed!r}")
    return value
