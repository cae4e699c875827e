"""Analyses built on the model: one index for one province (``index_analysis``: the
object the notebooks use), the plan check (``plan_check``), backtests (``backtest``),
the plan's tasks joined to leverage (``ownership``), the release-day review
(``monitor``, rendered by ``monitor_report``), the province's path over the years
(``trajectory``) and the dependence on unverified settings (``sensitivity``).
Imports only from ``core``, ``data`` and ``model``.

``from indexmodel.analysis import for_plan`` keeps working: the names of
``index_analysis`` below are read from it on first use (so importing, say,
``indexmodel.analysis.backtest`` does not load the optimiser).
"""

_FROM_INDEX_ANALYSIS = ("IndexAnalysis", "Odds", "for_plan", "for_year")
__all__ = list(_FROM_INDEX_ANALYSIS)


def __getattr__(name: str):
    if name in _FROM_INDEX_ANALYSIS:
        from . import index_analysis

        value = getattr(index_analysis, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FROM_INDEX_ANALYSIS))
