"""The model: scoring a spec tree (``scoring``), unverified settings as ranges
(``settings``), ranks and rank curves (``ranking``), the peers a province is ranked
against (``field``), leverage and the optimiser (``leverage``, ``optimize``), and how
peers move from year to year: the real panels (``panel``), the calibrated movement
model (``calibration``), Monte Carlo and rank odds (``simulation``) and threshold
odds from anchors (``thresholds``). Imports only from ``core`` and ``data``."""
