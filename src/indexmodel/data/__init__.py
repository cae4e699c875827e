"""Data in: the index specifications (``spec``), the provinces (``provinces``), the
tidy peer tables (``peers``), the plan (``plan``) and its appendices of tasks
(``actions``), and the readers of the official workbooks and published tables that
regenerate the peer tables (``sources``). Imports only from ``core``."""
