"""The report pages: nbconvert's HTML, the same document, written without parsing it again."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from indexmodel.report import export


def _executed(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# A title"),
        new_code_cell("x", outputs=[
            new_output("display_data", data={"text/markdown": "## Lộ trình đến hạng 20\n\n"
                                             "Bình Định's **composite**: 6.84 < 7 & \"more\"",
                                             "text/plain": "<Markdown>"}),
            new_output("display_data", data={
                "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==",
                "text/plain": "<Image>"}),
            new_output("execute_result", execution_count=1, data={
                "text/html": "<table><tr><th>a</th></tr><tr><td>1 &amp; 2</td></tr></table>",
                "text/plain": "a"})]),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_a_page_is_the_document_nbconvert_writes(tmp_path):
    """Read back as nbconvert reads its own page (BeautifulSoup), the page is nbconvert's
    page to the byte: the images' texts and the focusable outputs are there."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    executed = _executed(tmp_path)
    export.export_html(executed, tmp_path / "page.html")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    nb = export.read_executed(executed)
    theirs, _ = HTMLExporter(config=export._exporter(False).config, exclude_input=True,
                             exclude_input_prompt=True, exclude_output_prompt=True,
                             language_code="vi").from_notebook_node(
        nb, resources={"metadata": {"name": export.notebook_title(nb)}})
    assert str(BeautifulSoup(page, features="html.parser")) == theirs

    def text(html):  # what the file says, tags left out
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())

    assert text(page) == text(theirs)
    assert "Lộ trình đến hạng 20" in page and "Bình Định's" in page and "6.84 &lt; 7 &amp;" in page
    assert page.count('alt="No description has been provided for this image"') == 1
    assert page.count('tabindex="0"') == theirs.count('tabindex="0"') >= 3


def test_the_page_adds_a_text_only_to_images_without_one():
    page = '<div><img src="a.png"><img alt="kept" src="b.png"/><img src="c.png" /></div>'
    out = export.accessible(page)
    assert out.count('alt="No description has been provided for this image"') == 2
    assert 'alt="kept"' in out and out.count("alt=") == 3
    div = '<div class="jp-OutputArea-output x" data-mime-type="text/html">'
    assert export.accessible(div) == div[:-1] + ' tabindex="0">'
    assert export.accessible('<div class="jp-OutputArea-output" tabindex="1">') == \
        '<div class="jp-OutputArea-output" tabindex="1">'
