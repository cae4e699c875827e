"""Every report in one language: no English sentence or internal id in a Vietnamese report,
no Vietnamese in an English one.

Each notebook's views are rendered in this process (``tests/report_language.py``: its code
cells run with ``display`` collecting what they show; figures and widgets skipped), in vi and
en; so are the plan check (``indexmodel plan``) and the release-day review (``indexmodel
monitor``). Index names, publishers, URLs, source cells and quoted province names are
allowed (``report_language.ALLOWED``, ``SOURCE_COLUMNS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_language as rl  # noqa: E402

LANGS = ("vi", "en")


def _bad(texts, lang):
    found = []
    for text in texts:
        found += rl.violations(text, lang)
    return list(dict.fromkeys(found))


def test_the_checker_finds_what_it_should():
    assert rl.violations("Điểm tổng hợp (rank 25 is outside the 2023 anchors)", "vi")
    assert rl.violations("phương pháp pci_2013_on", "vi")
    assert rl.violations("region_means.csv, vùng 'national'", "vi")
    assert rl.violations("cung cấp qua --peers TỆP", "vi")
    assert rl.violations("qua chỉ số nội dung participation", "vi")
    assert not rl.violations("Chỉ số PAR INDEX năm 2023: 87.16 (https://example.org/a_b)", "vi")
    assert rl.violations("The composite of Bình Định in chưa biết", "en")
    assert not rl.violations("The 2023 composite of Bình Định is 67.45", "en")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", rl.notebook_names())
def test_every_notebook_speaks_one_language(name, lang, tmp_path):
    shown = rl.render_notebook(name, lang, figures_dir=str(tmp_path))
    texts = rl.texts(shown)
    assert texts, f"{name} showed nothing"
    bad = _bad(texts, lang)
    assert not bad, f"{name} ({lang}):\n" + "\n".join(bad[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_check_speaks_one_language(lang):
    from indexmodel.analysis.plan_check import check_plan, render_text
    from indexmodel.data.plan import load_plan

    plan = load_plan()
    text = render_text(check_plan(plan, sims=200), plan, lang)
    assert not _bad([text], lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", [2014, 2023])
def test_the_review_speaks_one_language(year, lang):
    from indexmodel.analysis.monitor import monitor

    report = monitor(year, "Bình Định")
    bad = _bad([report.to_text(lang), report.to_markdown(lang)], lang)
    assert not bad, "\n".join(bad[:20])


def test_every_shipped_source_is_described_in_vietnamese():
    """Notebook 90 lists every source of the shipped tables: in Vietnamese, what a source is
    is said in Vietnamese; only the citation itself (publisher, web address, repository
    path, the publisher's file and sheet) stays as it is found."""
    import re

    import pandas as pd

    from indexmodel.data.peers import default_peers, default_region_means, default_results
    from indexmodel.report.views.about_data import source_label

    sources = set()
    for table in (default_peers(), default_results(), default_region_means()):
        sources |= set(table["source"].dropna())
    english = re.compile(r"\b(official|workbook|sheet|announcement|figures|from|the|of|and|"
                         r"report|page|rank|above|mean|total|dimensions|area|comparison|files|"
                         r"scores|tag|province|provinces|policy|services|seed|plan)\b", re.I)
    citation = re.compile(r"https?://\S+|github:\S+( \S+)?|\S+\.(?:xlsx?|csv|dta|txt)\b|"
                          r"\b[\w.-]+\.(?:vn|com|org)\b|trang tính \S+|CECODES/\S+")
    left = {}
    for source in sorted(sources):
        label = source_label(source, "vi")
        found = english.findall(citation.sub(" ", label))
        if found:
            left[source] = found
    assert left == {}
    assert pd.Series(sorted(sources)).map(lambda s: source_label(s, "en")).tolist() == [
        re.sub(r"^seed plan(?: [0-9a-f_]+\.txt)?", "the province's plan (original text)", s)
        for s in sorted(sources)]
