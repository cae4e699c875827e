"""What an executed notebook becomes: the same bytes for the same run, and its HTML page.

papermill gives the cell it injects (the run's parameters) a random id and records start
and end times and durations in the notebook's metadata; a kernel (nbclient) records
execution timestamps. :func:`normalise` removes all of it (papermill's record of the parameters
stays), so that two runs with the same inputs and seed give byte-identical HTML pages and
kept notebooks (:func:`export_html`, :func:`write_notebook`).
"""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path

DEV_TAG = "developer-notes"  # cells so tagged are left out of the reports
#: the bilingual title a notebook opens on in JupyterLab; the report shows the title in its
#: own language instead, so the cell is left out of the reports too
TITLE_TAG = "reader-title"
#: cells for working in the notebook itself (the component ids the scenario table takes):
#: kept in the notebooks, left out of the HTML reports
NOTEBOOK_ONLY_TAG = "notebook-only"
INJECTED_TAG = "injected-parameters"  # papermill's tag for the cell it injects
PAPERMILL_TAGS = (INJECTED_TAG, "papermill-error-cell-tag")  # cells papermill adds
TIMING_KEYS = ("papermill", "execution")  # notebook and cell metadata of a single execution
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalise(nb, paths: dict[str, str] | None = None):
    """``nb`` without what differs between two identical runs (changed in place, returned):
    papermill's and the kernel's timings; the widgets' state and views (where a text
    stands in for them); the random ids of the cells papermill adds (its
    injected parameters, the error banners of a failed notebook), which become their tag
    and a number; and, with ``paths``, the run's own folders in the injected parameters
    (each key replaced by its value)."""
    record = nb.metadata.pop("papermill", None)
    nb.metadata.pop("execution", None)
    if isinstance(record, dict) and "parameters" in record:
        # papermill's record of the parameters stays (without its timings and paths)
        params = dict(record["parameters"])
        for name, value in params.items():
            if isinstance(value, str):
                for old, new in (paths or {}).items():
                    value = value.replace(old, new)
                params[name] = value
        nb.metadata["papermill"] = {"parameters": params,
                                    "default_parameters": record.get("default_parameters", {})}
    nb.metadata.pop("widgets", None)  # the widgets' saved state: nothing renders it without a kernel
    seen: dict[str, int] = {}
    for cell in nb.cells:
        for key in TIMING_KEYS:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            # widgets need a kernel (and carry random model ids): their text is kept (the
            # explorer's names the notebook to open) rather than an empty widget area
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/plain" in data:
                del data[WIDGET_VIEW]
        tag = next((t for t in cell.metadata.get("tags", []) if t in PAPERMILL_TAGS), None)
        if tag is not None and "id" in cell:
            seen[tag] = seen.get(tag, 0) + 1
            cell["id"] = f"{tag}-{seen[tag]}"
        if tag == INJECTED_TAG:
            for old, new in (paths or {}).items():
                cell.source = cell.source.replace(old, new)
    return nb


def read_executed(executed: str | Path, paths: dict[str, str] | None = None):
    """An executed notebook, normalised (see :func:`normalise`)."""
    import nbformat

    return normalise(nbformat.read(str(executed), as_version=4), paths)


def write_notebook(nb, path: str | Path) -> None:
    """Write a notebook (normalised) as nbformat writes it."""
    import nbformat

    Path(path).write_text(nbformat.writes(normalise(nb)) + "\n", encoding="utf-8")


def notebook_title(nb) -> str | None:
    """The first heading a notebook shows: a Markdown output of its code, else a Markdown cell."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    match = re.search(r"^#+\s+(.+)$", text, re.M)
                    if match:
                        return match.group(1).strip()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return None


def notebook_lang(nb) -> str:
    """The ``lang`` the notebook ran with (papermill's injected parameters, else the
    parameters cell); "vi" when neither sets it."""
    for tag in (INJECTED_TAG, "parameters"):
        for cell in nb.cells:
            if cell.cell_type == "code" and tag in cell.metadata.get("tags", []):
                match = re.search(r"^lang\s*=\s*['\"](\w+)['\"]", cell.source, re.M)
                if match:
                    return match.group(1)
    return "vi"


def export_html(executed: Path, page: Path, *, show_code: bool = False,
                paths: dict[str, str] | None = None, nav: dict | None = None,
                kept: Path | None = None) -> None:
    """The executed notebook as an HTML page: code hidden (unless ``show_code``), developer
    notes and the reader's title cell left out, titled by its first heading, ``<html lang>``
    the run's language; the same bytes for the same run.

    ``nav`` (``lang``, ``back``: the link text to ``index.html``, ``dated``: the data's
    vintage) puts a line above and below the page: the way back to the report's index and
    the date of the data. ``kept``: where to write the executed notebook itself
    (normalised, the run's folders replaced by ``paths``)."""
    nb = read_executed(executed, paths)
    if kept is not None:
        write_notebook(nb, kept)
    title = notebook_title(nb) or executed.stem
    with _EXPORTING:
        body, _ = _exporter(show_code, notebook_lang(nb)).from_notebook_node(
            nb, resources={"metadata": {"name": title}})
    if nav:
        body = with_nav(body, **nav)
    page.write_text(body, encoding="utf-8")


_EXPORTERS: dict = {}
_EXPORTING = threading.RLock()


_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)([^>]*?)(/?)>")
_FOCUSABLE = re.compile(r'(<div class="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b'
                        r'[^"]*"(?![^>]*\stabindex=)[^>]*?)(/?)>')


_TAG_OR_RAW = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.S)
_REFERENCE = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|(quot|apos));")
_KEPT = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _characters(text: str) -> str:
    """Character references in a page's text as the characters (``&#7897;`` → ``ộ``), as
    BeautifulSoup writes them; ``<``, ``>`` and ``&`` stay escaped."""
    def char(m: re.Match) -> str:
        if m.group(3):
            c = '"' if m.group(3) == "quot" else "'"
        else:
            try:
                c = chr(int(m.group(1)) if m.group(1) else int(m.group(2), 16))
            except (ValueError, OverflowError):
                return m.group(0)
        return _KEPT.get(c, c)

    return _REFERENCE.sub(char, text)


def accessible(page: str) -> str:
    """What nbconvert's HTML exporter does to a page after rendering it, done on the text:
    a text for every image without one, every cell's input and output focusable
    (``tabindex="0"``), and the character references of the text written as characters
    (the reader's Vietnamese headings stay readable in the file). nbconvert does it by
    parsing the whole page with BeautifulSoup and writing it out again: half the time of
    a page, for these few changes."""
    page = _IMG_WITHOUT_ALT.sub(
        lambda m: f'<img{m.group(1)} alt="No description has been provided for this image"'
                  f'{m.group(2)}>', page)
    page = _FOCUSABLE.sub(lambda m: f'{m.group(1)} tabindex="0"{m.group(2)}>', page)
    parts = _TAG_OR_RAW.split(page)  # text at even positions, tags and raw blocks at odd
    return "".join(part if i % 2 else _characters(part) for i, part in enumerate(parts))


def _page_exporter_class():
    """nbconvert's HTML exporter with its last step (see :func:`accessible`) done on the
    text."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup step
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(page), resources

    return PageExporter


def _exporter(show_code: bool, lang: str = "vi"):
    """The process's HTML exporter (one per ``show_code`` and language): its templates are
    compiled once, not for every page."""
    from traitlets.config import Config

    HTMLExporter = _page_exporter_class()

    with _EXPORTING:
        exporter = _EXPORTERS.get((show_code, lang))
        if exporter is None:
            config = Config()
            config.TagRemovePreprocessor.enabled = True
            # developer notes, and the reader's title cell (the page has its own heading)
            config.TagRemovePreprocessor.remove_cell_tags = {DEV_TAG, TITLE_TAG, NOTEBOOK_ONLY_TAG}
            # the notebook is checked once, after its preprocessors, not after each of them
            config.Exporter.optimistic_validation = True
            exporter = HTMLExporter(config=config, exclude_input=not show_code,
                                    exclude_input_prompt=True, exclude_output_prompt=True,
                                    language_code=lang)  # <html lang="vi"> on a Vietnamese page
            _EXPORTERS[(show_code, lang)] = exporter
        return exporter


def warm_up() -> None:
    """Compile the exporter's templates now (a worker does it while its kernel computes)."""
    import nbformat

    with contextlib.suppress(Exception):
        with _EXPORTING:
            _exporter(False).from_notebook_node(nbformat.v4.new_notebook())

_NAV_STYLE = ("<style>.indexmodel-nav{font-family:'DejaVu Sans',Arial,sans-serif;"
              "font-size:.9em;margin:.6em 1em;color:#444}</style>")


def with_nav(body: str, *, lang: str, back: str, dated: str, index: str = "index.html") -> str:
    """An HTML page with the way back to ``index`` and the data's date above and below its
    content, and ``<html lang>`` set to the page's language."""
    import html

    line = (f'<p class="indexmodel-nav"><a href="{html.escape(index)}">{html.escape(back)}</a>'
            f" · {html.escape(dated)}</p>")
    body = re.sub(r"<html(\s[^>]*)?>", lambda m: re.sub(r'\slang="[^"]*"', "", m.group(0))
                  .replace("<html", f'<html lang="{lang}"', 1), body, count=1)
    body = body.replace("</head>", _NAV_STYLE + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + line, body, count=1)
    at = body.rfind("</body>")
    return body[:at] + line + "\n" + body[at:] if at >= 0 else body + line
