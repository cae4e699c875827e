"""The lowest layer, used by every other: the errors a user may cause (``errors``),
where data and outputs live (``paths``), atomic deterministic writes (``output``) and
the Vietnamese/English labels (``i18n``). It imports nothing else of the package."""
