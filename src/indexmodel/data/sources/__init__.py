"""Readers of the data that feeds the tidy peer tables.

``official_pci`` and ``official_papi`` read the official workbooks (checked against
their layout), ``published`` the published tables, ``tables`` an analyst's CSV or
Excel file, ``workbook`` one sheet of a workbook; ``etl`` writes the tidy tables.
"""
