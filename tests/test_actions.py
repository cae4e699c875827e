"""The seed plan's action table: parsing, mapping and deadlines.

The expected rows are counted here from the raw text with a deliberately simple scan
(lines whose first tab-separated cell is an STT label), independently of the parser.
Spec files are read with ``csv``, not through another indexmodel module.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from indexmodel.core.errors import InputFileError
from indexmodel.data.actions import (
                                     ACTION_COLUMNS,
                                     build_action_table,
                                     clean_cell,
                                     load_actions,
                                     load_agencies,
                                     load_component_map,
                                     parse_deadline,
                                     write_action_table,
                                     )

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "binh_dinh_plan_2024.txt"
ACTIONS_DIR = REPO / "data" / "actions"
SPECS = REPO / "data" / "specs"
SPEC_FILES = {
    "papi": "papi_2018_on.csv",
    "sipas": "sipas_2023_on.csv",
    "par_index": "par_index_2022_2023.csv",
    "pci": "pci_2022_on.csv",
}
INDEX_WORDS = {"PAR INDEX": "par_index", "SIPAS": "sipas", "PAPI": "papi", "PCI": "pci"}
ROMAN = re.compile(r"^[IVX]+$")


# ----------------------------------------------------------- independent raw scan


def _index_named(text: str) -> str | None:
    upper = text.upper()
    for word, index in INDEX_WORDS.items():  # "PAR INDEX" before the shorter names
        if word in upper:
            return index
    return None


def scan_seed(path: Path = SEED) -> dict[int, list[dict]]:
    """Appendix number -> its table rows (STT-labelled lines, plus unnumbered items).

    A line with an empty STT right after a repeated header is a page-break
    continuation and is not a row; one elsewhere that names an item is a row.
    """
    appendices: dict[int, list[dict]] = {}
    titles: dict[int, str] = {}
    current = None
    after_header = False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        heading = re.match(r"^PHỤ LỤC (\d+)$", line.strip())
        if heading:
            current = int(heading.group(1))
            appendices[current] = []
            titles[current] = ""
            continue
        if current is None:
            continue
        if "\t" not in line:
            if line.strip() and "CHỈ SỐ" in line and not titles[current]:
                titles[current] = line
            continue
        cells = line.split("\t")
        if cells[0].strip() == "STT":
            after_header = True
            continue
        label = cells[0].strip()
        if label or (not after_header and cells[1].strip()):
            appendices[current].append({"line": number, "label": label, "cells": cells})
        after_header = False
    # index of every row: from the section rows, or from a one-index title
    for n, rows in appendices.items():
        index = None
        if not any(ROMAN.match(r["label"]) for r in rows):
            names = [i for w, i in INDEX_WORDS.items() if w in titles[n].upper()]
            assert len(names) == 1, (n, titles[n])
            index = names[0]
        for r in rows:
            if ROMAN.match(r["label"]):
                index = _index_named(r["cells"][1])
            r["index"] = index
    return appendices


def expected_rows(appendices: dict[int, list[dict]]) -> dict[tuple[int, int], dict]:
    """(appendix, line) -> raw row, for every row the action table must hold."""
    keep = {}
    for n, rows in appendices.items():
        for pos, r in enumerate(rows):
            cells, label = r["cells"], r["label"]
            own = any(c.strip() for c in cells[2:5])
            if ROMAN.match(label):
                if cells[2].strip() or cells[3].strip():  # an index-level row
                    keep[(n, r["line"])] = r
                continue
            nxt = rows[pos + 1]["label"] if pos + 1 < len(rows) else ""
            heading = bool(label) and nxt.startswith(label.rstrip(".") + ".")
            if not heading or own:
                keep[(n, r["line"])] = r
    return keep


@pytest.fixture(scope="module")
def raw() -> dict[int, list[dict]]:
    return scan_seed()


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return build_action_table(SEED)


def spec_ids(index: str) -> set[str]:
    with (SPECS / SPEC_FILES[index]).open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


# ------------------------------------------------------------------ counts


def test_all_23_appendices_are_present(raw, table):
    assert sorted(raw) == list(range(1, 24))
    assert sorted(table["appendix"].unique()) == list(range(1, 24))


def test_table_holds_exactly_the_task_and_index_level_rows(raw, table):
    expected = expected_rows(raw)
    got = {(int(a), int(l)) for a, l in zip(table["appendix"], table["line"])}
    assert got == set(expected)
    assert len(table) == len(expected)
    # per appendix, and the STT as written
    per_appendix = pd.Series([a for a, _ in expected]).value_counts().sort_index()
    assert table.groupby("appendix").size().sort_index().tolist() == per_appendix.tolist()
    for (a, line), r in expected.items():
        row = table[(table["appendix"] == a) & (table["line"] == line)].iloc[0]
        assert row["row_label"] == r["label"]


def test_rows_are_in_file_order(table):
    assert table["line"].is_monotonic_increasing
    assert table["line"].is_unique


def test_index_level_rows_are_the_section_rows_with_their_own_target_or_task(raw, table):
    expected = {
        (n, r["line"])
        for n, rows in raw.items()
        for r in rows
        if ROMAN.match(r["label"]) and (r["cells"][2].strip() or r["cells"][3].strip())
    }
    index_rows = table[table["scope"] == "index"]
    assert {(int(a), int(l)) for a, l in zip(index_rows["appendix"], index_rows["line"])} == expected
    assert len(expected) > 0
    assert (index_rows["component"] == "").all()
    assert (index_rows["row_label"] == index_rows["section_label"]).all()
    assert index_rows["target_text"].str.len().gt(0).all()
    assert index_rows["task_text"].str.len().gt(0).all()


def test_every_row_has_the_index_of_its_section(raw, table):
    expected = {(n, r["line"]): r["index"] for n, rows in raw.items() for r in rows}
    for a, line, index in zip(table["appendix"], table["line"], table["index"]):
        assert index == expected[(int(a), int(line))], (a, line)


def test_appendix_1_has_its_unannounced_pci_section(raw, table):
    lines = [r["line"] for r in raw[1] if r["index"] == "pci" and not ROMAN.match(r["label"])]
    assert lines, "the raw scan should find PCI rows in Phụ lục 1"
    pci = table[(table["appendix"] == 1) & (table["index"] == "pci")]
    assert pci["line"].tolist() == lines
    assert set(pci["section_label"]) == {"IV"}
    assert pci["note"].str.contains("not announced in the appendix title").all()


def test_appendix_2_two_sections_iii_are_both_present_and_distinguished(raw, table):
    sections = [r for r in raw[2] if r["label"] == "III"]
    assert len(sections) == 2
    rows = table[(table["appendix"] == 2) & (table["section_label"] == "III")]
    assert set(rows["index"]) == {"par_index", "pci"}
    by_index = rows.groupby("index")["section_no"].unique()
    assert len(by_index["par_index"]) == 1 and len(by_index["pci"]) == 1
    assert by_index["par_index"][0] != by_index["pci"][0]
    assert rows.groupby("index").size().to_dict() == {
        index: sum(1 for r in raw[2] if r["index"] == index and not ROMAN.match(r["label"]))
        for index in ("par_index", "pci")
    }
    assert rows["source"].is_unique


# ------------------------------------------------------------------ mapping


def test_every_row_maps_to_a_spec_component_or_is_index_level(table):
    ids = {index: spec_ids(index) for index in SPEC_FILES}
    assert set(table["scope"]) <= {"component", "index"}
    for _, row in table.iterrows():
        if row["scope"] == "index":
            assert row["component"] == ""
        else:
            assert row["component"] in ids[row["index"]], (row["appendix"], row["line"], row["component"])


def test_component_map_names_only_spec_components():
    with (ACTIONS_DIR / "component_map.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = {index: spec_ids(index) for index in SPEC_FILES}
    assert rows
    for row in rows:
        if row["scope"] == "index":
            assert row["component"] == "" and row["level"] == "index"
        else:
            assert row["scope"] == "component"
            assert row["component"] in ids[row["index"]], row


def test_component_map_covers_the_spec_where_the_plan_names_it(table):
    # every PCI sub-index and SIPAS criterion is named by at least one appendix row
    for index, level in (("pci", None), ("sipas", "criterion")):
        named = set(table.loc[table["index"] == index, "component"])
        with (SPECS / SPEC_FILES[index]).open(encoding="utf-8", newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r["parent"]]
        if level == "criterion":
            areas = {r["id"] for r in rows if r["parent"] == index}
            rows = [r for r in rows if r["parent"] in areas]
        assert {r["id"] for r in rows} <= named


def test_same_item_text_always_maps_to_the_same_component(table):
    items = table[table["scope"] == "component"].assign(
        key=lambda t: t["item_text"].str.casefold().str.split().str.join(" ")
    )
    assert (items.groupby(["index", "key"])["component"].nunique() == 1).all()


# ------------------------------------------------------------------ agencies


def test_each_appendix_has_one_known_agency(table):
    agencies = pd.read_csv(ACTIONS_DIR / "agencies.csv", dtype=str, keep_default_na=False)
    assert agencies["agency_id"].is_unique
    assert set(agencies["level"]) <= {"province", "district", "commune", "central"}
    per_appendix = table.groupby("appendix")["agency_id"].nunique()
    assert (per_appendix == 1).all()
    merged = table.merge(agencies, on="agency_id", suffixes=("", "_table"))
    assert len(merged) == len(table)
    assert (merged["agency_vi"] == merged["agency_vi_table"]).all()
    assert (merged["agency_en"] == merged["agency_en_table"]).all()
    level = dict(zip(merged["appendix"], merged["level"]))
    assert level[22] == "district" and level[23] == "commune" and level[1] == "province"
    assert table.loc[table["appendix"] == 1, "agency_en"].iloc[0] == "Department of Home Affairs"
    assert table.groupby("agency_id")["appendix"].nunique().max() == 1  # 23 distinct agencies
    assert table["agency_id"].nunique() == 23


# ------------------------------------------------------------------ deadlines


@pytest.mark.parametrize(
    "text, kind, when",
    [
        ("Thường xuyên", "ongoing", ""),
        ("thường  xuyên", "ongoing", ""),
        ("Hằng năm", "ongoing", ""),
        ("Hàng năm", "ongoing", ""),
        ("31/12/2024", "date", "2024-12-31"),
        ("30/9/2024", "date", "2024-09-30"),
        ("Trước ngày 30/11/2024", "date", "2024-11-30"),
        ("Quý IV năm 2024", "date", "2024-12-31"),
        ("Quý I năm 2024", "date", "2024-03-31"),
        ("Quý II/2025", "date", "2025-06-30"),
        ("Tháng 6/2024", "date", "2024-06-30"),
        ("Tháng 2/2024", "date", "2024-02-29"),
        ("Tháng 11 năm 2024", "date", "2024-11-30"),
        ("Năm 2024", "date", "2024-12-31"),
        ("Theo Kế hoạch tuyển dụng", "event", ""),
        ("Theo thông báo kết quả kiểm tra", "event", ""),
        ("Theo chế độ báo cáo định kỳ", "periodic", ""),
        ("Theo quy định", "regulatory", ""),
        ("", "none", ""),
    ],
)
def test_parse_deadline(text, kind, when):
    assert parse_deadline(text) == (kind, when)


@pytest.mark.parametrize("text", ["Sớm nhất có thể", "31/02/2024", "Quý V năm 2024", "2024"])
def test_parse_deadline_rejects_unknown_forms(text):
    with pytest.raises(ValueError):
        parse_deadline(text)


def test_deadline_columns_are_consistent(table):
    dated = table["deadline_kind"] == "date"
    assert table.loc[dated, "deadline_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    assert (table.loc[~dated, "deadline_date"] == "").all()
    for text, kind, when in zip(table["deadline_text"], table["deadline_kind"], table["deadline_date"]):
        assert parse_deadline(text) == (kind, when)
    # the plan's own forms all occur
    assert {"Quý IV năm 2024", "Trước ngày 30/11/2024", "30/9/2024"} <= set(table["deadline_text"])


def test_deadline_split_over_a_page_break_is_joined(raw, table):
    row = next(r for r in raw[23] if r["label"] == "3.3" and r["index"] == "papi")
    assert row["cells"][4].strip() == "Thường"  # the plan splits it across pages
    got = table[(table["appendix"] == 23) & (table["line"] == row["line"])].iloc[0]
    assert got["deadline_text"] == "Thường xuyên"
    assert got["deadline_kind"] == "ongoing"


# ------------------------------------------------------------------ text


def test_html_becomes_plain_text_with_line_breaks():
    cell = '<ul style="list-style-type: none"> - Một việc. - Hai việc - 100% hồ sơ </ul>'
    assert clean_cell(cell) == "- Một việc.\n- Hai việc\n- 100% hồ sơ"
    assert clean_cell("<p>- Thứ nhất.</p> <p>- Thứ hai.</p>") == "- Thứ nhất.\n- Thứ hai."
    assert clean_cell("tài chính - ngân sách, kinh tế - xã hội") == "tài chính - ngân sách, kinh tế - xã hội"
    assert clean_cell("hiệp định Việt Nam - Asean, CPTPP") == "hiệp định Việt Nam - Asean, CPTPP"
    assert clean_cell("TTHC: + Bảng hiệu; + Bố trí") == "TTHC:\n+ Bảng hiệu;\n+ Bố trí"
    assert clean_cell("A &amp; B") == "A & B"


def test_no_html_left_in_the_table(table):
    for column in ("item_text", "target_text", "task_text", "deadline_text"):
        assert not table[column].str.contains(r"<\s*/?\s*[a-zA-Z][^>]*>", regex=True).any(), column
        assert not table[column].str.contains("  ").any(), column


def test_task_text_split_over_pages_keeps_its_words_together(table):
    row = table[(table["appendix"] == 22) & (table["row_label"] == "5.1")].iloc[0]
    assert "văn hóa công sở, quy chế" in row["task_text"]  # "công</p>" + "<p>sở, ..." in the plan
    assert "72/2020/QĐ-UBND" in row["task_text"]  # the second continuation page


def test_every_task_row_has_a_task_and_a_deadline(raw, table):
    tasks = table[~table["note"].str.contains("heading row")]
    assert (tasks["task_text"] != "").all()
    assert (tasks["deadline_text"] != "").all()
    # cells filled from a merged neighbour are flagged, and are empty on the row's own line
    lines = {r["line"]: r["cells"] for rows in raw.values() for r in rows}
    inherited = table[table["inherited_cells"] != ""]
    assert len(inherited) > 0
    for _, row in inherited.iterrows():
        cells = lines[row["line"]]
        if "task_text" in row["inherited_cells"]:
            assert cells[3].strip() == ""
        if "deadline_text" in row["inherited_cells"]:
            assert cells[4].strip() == ""
        assert "merged" in row["note"]


# ------------------------------------------------------------------ files


def test_committed_csv_is_regenerated_byte_for_byte(tmp_path):
    written = write_action_table(SEED, tmp_path)
    assert written == tmp_path / "actions.csv"
    assert written.read_bytes() == (ACTIONS_DIR / "actions.csv").read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name != "actions.csv"]  # no temp file left


def test_load_actions_reads_the_committed_table(table):
    loaded = load_actions(ACTIONS_DIR / "actions.csv")
    assert list(loaded.columns) == ACTION_COLUMNS
    pd.testing.assert_frame_equal(loaded.reset_index(drop=True), table.astype(loaded.dtypes.to_dict()))


# ------------------------------------------------------------------ errors

TITLE = (
    "PHỤ LỤC 1\n"
    "CÁC NHIỆM VỤ, GIẢI PHÁP ĐỂ NÂNG CAO CÁC CHỈ SỐ (PAPI)\n"
    "THUỘC TRÁCH NHIỆM THEO DÕI, QUẢN LÝ CỦA SỞ NỘI VỤ\n"
    "\n"
    "STT\tChỉ số/nội dung\tChỉ tiêu/kết quả\tNhiệm vụ/giải pháp\tThời gian hoàn thành\n"
)


def _seed(tmp_path: Path, body: str, title: str = TITLE) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text("Kế hoạch\n\n" + title + body, encoding="utf-8")
    return path


def test_minimal_seed_with_a_page_break(tmp_path):
    seed = _seed(tmp_path, (
        "I\tChỉ số PAPI\t\t\t\n"
        "1\tTri thức công dân\tMục tiêu\t<ul> - Việc một. - Việc\tThường\n"
        "\n"
        "STT\tChỉ số/nội dung\tChỉ tiêu/kết quả\tNhiệm vụ/giải pháp\tThời gian hoàn thành\n"
        "\t\t\thai tiếp trang sau.\txuyên\n"
        "2\tChất lượng bầu cử\tMục tiêu 2\t\t\n"
    ))
    t = build_action_table(seed)
    assert t["row_label"].tolist() == ["1", "2"]
    assert t["task_text"].iloc[0] == "- Việc một.\n- Việc hai tiếp trang sau."
    assert t["deadline_text"].tolist() == ["Thường xuyên", "Thường xuyên"]
    assert t["inherited_cells"].iloc[1] == "task_text;deadline_text"
    assert t["line"].tolist() == [9, 13]


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("I\tChỉ số PAPI\t\t\t\n1\tTri thức công dân\tA\tB\tThường xuyên\tthừa\n", 9, "cells"),
        ("I\tChỉ số ABC\t\t\t\n", 8, "names no known index"),
        ("I\tChỉ số PAPI\t\t\t\n1\tMột chỉ tiêu không có\tA\tB\tThường xuyên\n", 9, "not in the component map"),
        ("I\tChỉ số PAPI\t\t\t\n1\tTri thức công dân\tA\tB\tSớm nhất có thể\n", 9, "deadline"),
        ("I\tChỉ số PAPI\t\t\t\nA1\tTri thức công dân\tA\tB\tThường xuyên\n", 9, "STT"),
    ],
)
def test_unparseable_seed_raises_input_file_error(tmp_path, body, line, words):
    seed = _seed(tmp_path, body)
    with pytest.raises(InputFileError) as info:
        build_action_table(seed)
    assert info.value.row == line
    assert info.value.file == str(seed)
    assert words in info.value.reason


def test_unknown_agency_and_unknown_column_are_errors(tmp_path):
    seed = _seed(tmp_path, "I\tChỉ số PAPI\t\t\t\n", title=TITLE.replace("SỞ NỘI VỤ", "SỞ KHÔNG CÓ"))
    with pytest.raises(InputFileError, match="agencies.csv") as info:
        build_action_table(seed)
    assert info.value.row == 5
    seed = _seed(tmp_path, "I\tChỉ số PAPI\t\t\t\n", title=TITLE.replace("Chỉ tiêu/kết quả", "Ghi chú"))
    with pytest.raises(InputFileError, match="unknown table column") as info:
        build_action_table(seed)
    assert info.value.row == 7


def test_bad_lookup_tables_are_errors(tmp_path):
    bad_map = tmp_path / "map.csv"
    bad_map.write_text(
        "index,pattern,component,level,scope,note\n"
        "papi,chỉ số papi,,index,index,\n"
        "papi,tri thức công dân,no_such_component,sub_dimension,component,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="no_such_component") as info:
        load_component_map(bad_map)
    assert info.value.row == 3
    bad_agencies = tmp_path / "agencies.csv"
    bad_agencies.write_text(
        "agency_id,agency_vi,agency_en,level,source\nx,Sở X,Department X,planet,\n", encoding="utf-8"
    )
    with pytest.raises(InputFileError, match="planet"):
        load_agencies(bad_agencies)
