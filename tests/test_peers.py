"""The tidy peer tables: the shipped ones, and an analyst's files, hostile ones included."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indexmodel.core.errors import InputFileError
from indexmodel.data import peers
from indexmodel.data.peers import (default_peers, default_region_means, default_results, load_peers,
                                   load_region_means, load_results)

HEADER = "index,year,province,component,value\n"


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters with ^ ˘ ơ ư precomposed, tones combining."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
        out += shape.encode("cp1258") + "".join(tones).encode("cp1258")
    return out


def _write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def _xlsx(tmp_path: Path, rows: list[list], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, c, v)
    if merge:
        ws.merge_cells(merge)
    path = tmp_path / "peers.xlsx"
    wb.save(path)
    return path


# -- what is read --------------------------------------------------------------------
READ_CASES = {
    "utf-8 with BOM": (
        "bom.csv", "\ufeff" + HEADER + "pci,2014,Bình Định,entry_costs,7.26\n",
        [("pci", 2014, "Binh Dinh", "entry_costs", 7.26)]),
    "windows-1258": (
        "cp1258.csv", cp1258(HEADER + "pci,2014,Bình Định,entry_costs,7.26\npapi,2014,Hà Nội,transparency,6\n"),
        [("pci", 2014, "Binh Dinh", "entry_costs", 7.26), ("papi", 2014, "Ha Noi", "transparency", 6.0)]),
    "cp1252 (Excel 'CSV' on a western Windows)": (
        "cp1252.csv", (HEADER + "pci,2014,Cà Mau,land_access,5.5\n").encode("cp1252"),
        [("pci", 2014, "Ca Mau", "land_access", 5.5)]),
    "semicolons and decimal commas": (
        "semi.csv", "index;year;province;component;value\npci;2014;TP.HCM;entry_costs;7,26\n"
                    "pci;2014;Đà Nẵng;pci;66,87\n",
        [("pci", 2014, "Ho Chi Minh City", "entry_costs", 7.26), ("pci", 2014, "Da Nang", "pci", 66.87)]),
    "title rows above the header, blank rows, trailing empty columns": (
        "title.csv", "Bảng PCI của tôi,,,,,,\n,,,,,,\nIndex, Year ,Province,Component,Value,,\n,,,,,,\n"
                     "PCI,2013,BRVT,labor_training,6.1,,\n\n,,,,,,\npci,2013,TT-Huế,legal_institutions,5,,\n",
        [("pci", 2013, "Ba Ria - Vung Tau", "labor_training", 6.1),
         ("pci", 2013, "Thua Thien Hue", "legal_institutions", 5.0)]),
    "Vietnamese column names, tab-separated UTF-16 (Excel 'Unicode text')": (
        "unicode.txt", "Chỉ số\tNăm\tTỉnh\tThành phần\tGiá trị\nPAPI\t2014\tHà Nội\tparticipation\t5,3\n"
                       .encode("utf-16"),
        [("papi", 2014, "Ha Noi", "participation", 5.3)]),
    "component by English name": (
        "names.csv", HEADER + "pci,2012,Bình Định,Labor and training,6.2\n",
        [("pci", 2012, "Binh Dinh", "labor_training", 6.2)]),
}


@pytest.mark.parametrize("case", list(READ_CASES))
def test_analyst_files_are_read_as_expected(tmp_path, case):
    name, content, expected = READ_CASES[case]
    path = _write(tmp_path, name, content)
    frame = load_peers(path)
    assert list(frame.columns) == list(peers.PEER_COLUMNS)
    got = [tuple(r) for r in frame[["index", "year", "province", "component", "value"]].itertuples(index=False)]
    assert got == expected
    assert (frame["source"] == f"analyst file {name}").all()


def test_xlsx_with_merged_title_and_blank_rows_is_read_with_spreadsheet_row_numbers(tmp_path):
    rows = [["Điểm PCI 2014 — bảng của phòng", None, None, None, None, None],
            [None] * 5,
            ["index", "year", "province", "component", "value", "source"],
            ["pci", 2014, "Bình Định", "entry_costs", 7.26, None],
            [None] * 5,
            ["pci", 2014.0, "Quảng Ngãi", "land_access", "6,5", "my survey"]]
    path = _xlsx(tmp_path, rows, merge="A1:F1")
    frame = load_peers(path)
    assert list(frame["province"]) == ["Binh Dinh", "Quang Ngai"]
    assert list(frame["value"]) == [7.26, 6.5]
    assert list(frame["source"]) == ["analyst file peers.xlsx", "my survey"]
    rows[5][4] = "n/a"
    with pytest.raises(InputFileError) as err:
        load_peers(_xlsx(tmp_path, rows, merge="A1:F1"))
    assert str(err.value) == f"{path}: row 6: column 'value': 'n/a' is not a number"


# -- what is refused -----------------------------------------------------------------
REFUSED_CASES = {
    "empty file": ("", None, None, "the file is empty"),
    "only blank lines": ("\n\n  \n", None, None, "the file is empty"),
    "no header": ("pci,2014,Bình Định,entry_costs,7.26\n", None, None,
                  "no header row with the columns index, year, province, component, value"),
    "header only": (HEADER, 1, None, "no data rows under the header"),
    "unknown index": (HEADER + "pcx,2014,Bình Định,entry_costs,7\n", 2, "index",
                      "unknown index 'pcx' (one of papi, sipas, par_index, pci)"),
    "year no era covers": (HEADER + "pci,2004,Bình Định,entry_costs,7\n", 2, "year",
                           "no pci methodology era covers 2004"),
    "year not a number": (HEADER + "pci,năm 2014,Bình Định,entry_costs,7\n", 2, "year",
                          "'năm 2014' is not a year"),
    "component not in the spec of that year": (
        HEADER + "pci,2014,Bình Định,entry_costs,7\npci,2010,Bình Định,policy_bias,7\n", 3, "component",
        "'policy_bias' is not a component of pci 2010 (era pci_2009_2012)"),
    "duplicate province written two ways": (
        HEADER + "pci,2014,TP.HCM,entry_costs,7\npci,2014,Bình Định,entry_costs,7\n"
                 "pci,2014,Hồ Chí Minh,entry_costs,7.1\n", 4, None,
        "duplicate pci 2014 Ho Chi Minh City entry_costs: already on row 2 "
        "(written 'TP.HCM' and 'Hồ Chí Minh')"),
    "unknown province": (HEADER + "pci,2014,Binh Dihn,entry_costs,7\n", 2, "province",
                         "unknown province 'Binh Dihn' (closest: Binh Dinh (Bình Định)"),
    "province that did not exist that year": (HEADER + "pci,2010,Hà Tây,entry_costs,7\n", 2, "province",
                                              "'Hà Tây' (Ha Tay) was not a province in 2010"),
    "non-numeric value": (HEADER + "pci,2014,Bình Định,entry_costs,abc\n", 2, "value",
                          "'abc' is not a number"),
    "missing value": (HEADER + "pci,2014,Bình Định,entry_costs,\n", 2, "value", "missing value"),
    "value out of range": (HEADER + "pci,2014,Bình Định,entry_costs,12.5\n", 2, "value",
                           "12.5 is outside the range 0..10 of entry_costs (Entry costs)"),
    "PAPI sub-dimension out of range": (HEADER + "papi,2013,Bình Định,civic_knowledge,3\n", 2, "value",
                                        "3 is outside the range 0.25..2.5 of civic_knowledge"),
    "decimal comma in a comma-separated file": (
        HEADER + "pci,2014,Bình Định,entry_costs,7,26\n", 2, None,
        "more cells than header columns (5): 6 filled (a decimal comma in a comma-separated file?"),
}


@pytest.mark.parametrize("case", list(REFUSED_CASES))
def test_hostile_analyst_files_are_refused_naming_file_row_and_reason(tmp_path, case):
    content, row, column, reason = REFUSED_CASES[case]
    path = _write(tmp_path, "peers.csv", content)
    with pytest.raises(InputFileError) as err:
        load_peers(path)
    prefix = str(path)
    if row is not None:
        prefix += f": row {row}"
    if column is not None:
        prefix += f": column '{column}'"
    assert str(err.value).startswith(prefix + ": "), str(err.value)
    assert reason in str(err.value)
    assert err.value.file == str(path) and err.value.row == row


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        load_peers(tmp_path / "nowhere.csv")


# -- results and regional means ------------------------------------------------------
RESULTS_HEADER = "index,year,province,composite,rank,ranked_provinces,note,source\n"


def test_analyst_results_file_is_read(tmp_path):
    path = _write(tmp_path, "results.csv", RESULTS_HEADER
                  + "pci,2023,Bình Định,66.26,25,63,,plan\npapi,2023,Quảng Ninh,,,61,not ranked,\n")
    frame = load_results(path)
    assert list(frame.columns) == list(peers.RESULT_COLUMNS)
    assert frame.loc[0, "rank"] == 25 and frame.loc[0, "composite"] == 66.26
    assert pd.isna(frame.loc[1, "composite"]) and pd.isna(frame.loc[1, "rank"])
    assert frame.loc[1, "source"] == "analyst file results.csv"


@pytest.mark.parametrize("body, row, reason", [
    ("pci,2023,Bình Định,66.26,25,63,,\npci,2023,binh dinh,66.3,25,63,,\n", 3,
     "duplicate pci 2023 Binh Dinh: already on row 2 (written 'Bình Định' and 'binh dinh')"),
    ("pci,2023,Bình Định,66.26,64,63,,\n", 2, "rank 64 is beyond the 63 ranked provinces"),
    ("pci,2023,Bình Định,66.26,2.5,63,,\n", 2, "'2.5' is not a positive whole number"),
    ("pci,2023,Bình Định,106,25,63,,\n", 2, "106 is outside the range 0..100 of pci"),
    ("pci,2023,Bình Định,66,25,70,,\n", 2, "70 ranked provinces, but 2023 had 63"),
    ("pci,1999,Bình Định,66,25,63,,\n", 2, "no pci methodology era covers 1999"),
])
def test_hostile_results_files_are_refused(tmp_path, body, row, reason):
    path = _write(tmp_path, "results.csv", RESULTS_HEADER + body)
    with pytest.raises(InputFileError) as err:
        load_results(path)
    assert str(err.value).startswith(f"{path}: row {row}")
    assert reason in str(err.value)


def test_results_before_an_index_first_era_are_kept(tmp_path):
    path = _write(tmp_path, "results.csv", RESULTS_HEADER + "sipas,2021,BRVT,86.72,38,63,,\n")
    assert load_results(path).loc[0, "province"] == "Ba Ria - Vung Tau"


def test_region_means_accept_vietnamese_regions_and_national(tmp_path):
    path = _write(tmp_path, "regions.csv", "index;year;region;mean_value\n"
                  "par_index;2023;Bắc Trung Bộ và duyên hải miền Trung;86,82\npci;2017;cả nước;60,2\n")
    frame = load_region_means(path)
    assert list(frame["region"]) == ["North Central and Central Coast", "national"]
    assert list(frame["mean_value"]) == [86.82, 60.2]
    bad = _write(tmp_path, "bad.csv", "index,year,region,mean_value\npci,2017,Central Coast Mountains,60\n")
    with pytest.raises(InputFileError, match=r"row 2: column 'region': unknown region"):
        load_region_means(bad)


# -- the shipped tables --------------------------------------------------------------
def test_default_tables_load_and_are_copies():
    comps, results, means = default_peers(), default_results(), default_region_means()
    assert list(comps.columns) == list(peers.PEER_COLUMNS)
    assert set(comps["index"]) == {"pci", "papi"}
    assert comps.duplicated(["index", "year", "province", "component"]).sum() == 0
    assert set(results["index"]) == {"pci", "papi", "sipas", "par_index"}
    assert results.duplicated(["index", "year", "province"]).sum() == 0
    assert len(means) == 21  # 11 of published/, 10 of published/recent/
    comps.loc[:, "value"] = -1.0
    assert (default_peers()["value"] >= 0).all()


def test_binh_dinh_history_is_in_the_shipped_tables():
    results = default_results()
    bd = results[(results["index"] == "pci") & (results["province"] == "Binh Dinh")]
    assert set(bd["year"]) >= set(range(2005, 2015)) | {2019, 2021, 2022, 2023}
    ranks = bd.set_index("year")["rank"]
    assert ranks[2019] == 19 and ranks[2021] == 11 and ranks[2022] == 21 and ranks[2023] == 25
