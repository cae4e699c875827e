"""The release-day brief: the summary leads, the Word file reads back; the CLI's help,
version and defaults; index ids in any case; short reprs."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from indexmodel import cli
from indexmodel.core.paths import data_dir


def run(*args):
    return subprocess.run([sys.executable, "-m", "indexmodel.cli", *args],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def report():
    from indexmodel.analysis.monitor import monitor

    return monitor(2014, "Bình Định", index="pci", explain_ranks=False)


def _hand_flags():
    """PCI 2014 against 2013 for Bình Định, from the raw table with plain pandas."""
    comps = pd.read_csv(data_dir() / "peers" / "components.csv")
    pci = comps[(comps["index"] == "pci") & comps["year"].isin([2013, 2014])]
    wide = pci.pivot_table(index=["province", "component"], columns="year", values="value")
    own = wide.loc["Binh Dinh"]
    avg = pci[pci["year"] == 2014].groupby("component")["value"].mean()
    fell = set(own.index[own[2014] < own[2013]])
    below = set(own.index[own[2014] < avg.reindex(own.index)])
    return fell, below


def test_the_docx_brief_reads_back(tmp_path):
    import docx

    proc = run("monitor", "--year", "2014", "--format", "docx", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    files = list(tmp_path.glob("*.docx"))
    assert [f.name for f in files] == ["monitor_binh_dinh_2014.vi.docx"]
    document = docx.Document(str(files[0]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "RÀ SOÁT KẾT QUẢ CÁC CHỈ SỐ — Bình Định, năm 2014"
    assert "Tóm tắt" in headings and "Chi tiết theo cơ quan" in headings
    # one section per agency with something to review, after the summary table
    agency_heads = [h for h in headings if h.startswith("Cơ quan: ")]
    summary = document.tables[0]
    header = [c.text for c in summary.rows[0].cells]
    assert header == ["Cơ quan", "Số chỉ số cần rà soát", "Chỉ số thành phần cần rà soát"]
    listed = [r.cells[0].text for r in summary.rows[1:] if not r.cells[0].text.startswith("(")]
    assert [h.removeprefix("Cơ quan: ") for h in agency_heads] == listed
    unowned = [r for r in summary.rows[1:] if r.cells[0].text.startswith("(")]
    assert ("Chỉ số thành phần chưa giao cơ quan nào" in headings) == bool(unowned)
    assert len(document.tables) == 1 + len(agency_heads) + len(unowned)
    # what fell is what the raw table says fell (PCI part)
    from indexmodel.analysis.monitor_brief import component_name

    fell, below = _hand_flags()
    text = "\n".join(p.text for p in document.paragraphs)
    line = next(p for p in text.splitlines() if p.startswith("Chỉ số PCI ("))
    assert line.startswith(f"Chỉ số PCI ({len(fell)}): ")
    for c in fell:
        assert f"{component_name('pci', c, 'vi')} (-" in line
    assert "Department" not in text  # Vietnamese throughout


def test_docx_needs_out_and_never_overwrites(tmp_path):
    proc = run("monitor", "--year", "2014", "--format", "docx")
    assert proc.returncode == 2 and "--out" in proc.stderr and "Traceback" not in proc.stderr
    assert run("monitor", "--year", "2014", "--format", "docx", "--out", str(tmp_path),
               "--lang", "en").returncode == 0
    again = run("monitor", "--year", "2014", "--format", "docx", "--out", str(tmp_path), "--lang", "en")
    assert again.returncode == 2 and "exists" in again.stderr


def test_the_docx_is_repeatable(report, tmp_path):
    from indexmodel.analysis.monitor_brief import docx_bytes

    assert docx_bytes(report, "en") == docx_bytes(report, "en")


def test_the_summary_leads_and_missing_values_are_said_once(report):
    fell, below = _hand_flags()
    text = report.to_text("en")
    summary, details = text.split("DETAILS BY AGENCY")
    assert f"Fell from the year before ({len(fell)})" in summary
    assert f"Below the national average ({len(below)})" in summary
    assert summary.index("Fell from") < summary.index("Agencies to review")
    assert "previous year unknown" not in text and "national average unknown" not in details
    from indexmodel.analysis.monitor import monitor

    sipas = monitor(2023, "Bình Định", index="sipas", explain_ranks=False).to_text("en")
    assert sipas.count("no previous-year value for 11 of 11 components") == 1
    assert "previous year unknown" not in sipas


def test_every_option_has_help_and_says_its_default():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        formatter = p._get_formatter()
        for action in p._actions:
            if not action.option_strings or action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings[0]} has no help"
            shown = formatter._get_help_string(action)
            if action.nargs != 0:
                assert "default" in shown or "required" in shown, (name, action.option_strings)


def test_version():
    from indexmodel import __version__

    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"indexmodel {__version__}"


def test_index_ids_are_case_insensitive():
    from indexmodel.analysis import for_plan
    from indexmodel.data.spec import index_id
    from indexmodel.core.errors import IndexModelError

    assert index_id("PCI") == "pci" and index_id("PAR INDEX") == "par_index"
    assert index_id("par-index") == "par_index"
    with pytest.raises(IndexModelError):
        index_id("pcx")
    assert for_plan("PCI").index == "pci"


def test_reprs_are_short(report):
    from indexmodel.analysis import for_plan

    pci = for_plan("pci")
    for obj in (pci, report):
        text = repr(obj)
        assert len(text) < 300, text
    assert repr(pci).startswith("IndexAnalysis(index='pci', province='Binh Dinh', year=2023")


def test_report_csvs_open_in_excel_with_vietnamese_headers(tmp_path):
    from indexmodel.report.views.csv_headers import excel_csv, header

    frame = pd.DataFrame({"index": ["pci"], "baseline_composite": [67.4512345],
                          "regional_typical_rank_gain_low": [1.0], "Tên": ["Bình Định"]})
    data = excel_csv(frame, "vi")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    text = data.decode("utf-8-sig").splitlines()
    assert text[0] == ("Chỉ số,Điểm tổng hợp năm gốc,Số bậc tăng (mức điển hình) trong vùng — thấp,Tên")
    assert text[1] == "pci,67.4512345,1,Bình Định"
    assert excel_csv(frame, "en").decode("utf-8-sig").splitlines()[0].startswith("index,baseline_composite")
    assert header("rank", "vi") == "Thứ hạng"


def test_tables_show_no_row_numbers_one_header_row_and_decimals_by_column():
    from indexmodel.report.views.common import table_html, table_text

    frame = pd.DataFrame({"Thành phần": ["a", "b"], "x": [2.0, 0.62], "rank": [3.0, float("nan")],
                          "w": [0.062, 0.1]}).set_index("Thành phần")
    lines = table_text(frame).splitlines()
    assert lines[0].split() == ["Thành", "phần", "x", "rank", "w"]  # one header row
    assert lines[1].split() == ["a", "2.00", "3", "0.062"] and lines[2].split() == ["b", "0.62", "—", "0.100"]
    html = table_html(frame)
    assert html.count("<tr") == 3 and "<th>Thành phần</th>" in html  # the index is a column
    assert "<th></th>" not in html


def test_a_notebook_refuses_what_the_run_refuses():
    from indexmodel.core.errors import IndexModelError
    from indexmodel.report import views
    from indexmodel.report.runner import check_parameters

    with pytest.raises(IndexModelError) as run_error:
        check_parameters("Đà Nẵng", 2025)
    with pytest.raises(IndexModelError) as notebook_error:
        views.setup_notebook("Đà Nẵng", 2023, 2025)
    assert notebook_error.value.message == run_error.value.message
