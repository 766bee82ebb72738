import io
import re
import time
import zipfile

import openpyxl
import pytest
import xlsxwriter

from federations.resources import FederationImporter
from imports.errors import ImportFileError
from imports.parsing import read_table
from tests.imports.files import HEADERS, TREE_ROWS, csv, xlsx

COLUMNS = FederationImporter.columns


def read(data: bytes):
    return read_table(data, columns=COLUMNS)


def codes(table):
    return [row.text("code") for row in table]


def file_error(data: bytes) -> str:
    with pytest.raises(ImportFileError) as caught:
        read(data)
    return str(caught.value)


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"], ids=["utf8", "utf8-bom", "gbk", "gb18030"]
)
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(encoding):
    # given the same rows saved as CSV in each encoding Excel and WPS use in China
    data = csv(TREE_ROWS, encoding=encoding)
    # when read
    table = read(data)
    # then the Chinese text comes out intact
    assert table.rows[0].text("name") == "太平桥社区联合工会"
    assert codes(table) == ["TPQ-J1", "TPQ", "FT", "WZ", "LZ-B1"]


def test_utf16_tab_separated_text_from_excel():
    lines = ["\t".join(HEADERS), "\t".join(TREE_ROWS[2])]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-16")
    assert codes(read(data)) == ["FT"]


def test_xlsx_cells_keep_their_types_and_row_numbers_are_the_ones_excel_shows():
    # given a sheet whose header sits on row 3 below two empty rows
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append(["FT", "丰台区总工会", "区总工会", None])
    sheet.append([])
    sheet.append(["WZ", "王佐镇总工会", "镇总工会", "FT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when read
    table = read(buffer.getvalue())
    # then the header row and the data rows carry Excel's row numbers, empty rows skipped
    assert table.header_row == 3
    assert [row.number for row in table] == [4, 6]


def test_columns_are_matched_by_header_in_any_order_with_spaces_and_markers_ignored():
    headers = ["备注", " 类型 ", "工会名称*", "上级工会代码", "工会 代码"]
    table = read(xlsx([["x", "区总工会", "丰台区总工会", "", "FT"]], headers=headers))
    assert (table.rows[0].text("code"), table.rows[0].text("kind")) == ("FT", "区总工会")
    assert not table.has("address")


# --- bad files: a clear Chinese message, never a crash --------------------------------------


def test_missing_required_column_is_named():
    data = xlsx([["FT", "丰台区总工会", ""]], headers=["工会代码", "工会名称", "备注"])
    message = file_error(data)
    assert "“类型”" in message
    assert "“上级工会代码”" in message
    assert "第 1 行" in message


def test_a_column_given_twice_is_refused():
    message = file_error(xlsx([["FT", "x", "区总工会", "", "FT"]], headers=[*HEADERS, "工会代码"]))
    assert "“工会代码”列出现了不止一次" in message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "文件是空的", id="empty"),
        pytest.param(b"  \r\n\r\n", "文件是空的", id="blank"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 .xls", id="ole"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格", id="png"),
        pytest.param(b"%PDF-1.7\n\x00\x01\x02binary", "不是表格", id="pdf"),
        pytest.param(b"PK\x03\x04garbage", "已损坏", id="broken-zip"),
        pytest.param(b"<html><body><table><tr><td>x</td></tr></table>", "网页", id="html-xls"),
        pytest.param(",".join(HEADERS).encode() + b"\r\n", "没有数据行", id="header-only"),
    ],
)
def test_bad_files_get_a_clear_message(data, message):
    assert message in file_error(data)


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 表格" in file_error(buffer.getvalue())


def test_an_empty_workbook():
    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "没有数据" in file_error(buffer.getvalue())


def test_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_FILE_SIZE = 1024
    message = file_error(csv(TREE_ROWS * 20))
    assert "文件过大" in message


def test_a_csv_with_a_million_blank_lines_is_read_quickly():
    # given a CSV whose five rows are followed by a million empty lines
    data = csv(TREE_ROWS) + b",,,\r\n" * 500_000 + b"\r\n" * 500_000
    # when read
    started = time.monotonic()
    table = read(data)
    # then the rows are there and it took seconds at most
    assert len(table) == 5
    assert time.monotonic() - started < 5


def test_a_sheet_reaching_down_a_million_rows_is_read_quickly():
    # given a sheet with a stray value in the last row Excel has, in a column nobody imports
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in TREE_ROWS:
        sheet.append(row)
    sheet.cell(row=1_048_576, column=6, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when read
    started = time.monotonic()
    table = read(buffer.getvalue())
    # then the five rows come back within seconds and the stray cell is ignored
    assert len(table) == 5
    assert time.monotonic() - started < 5


def test_a_far_away_cell_that_would_exhaust_memory_is_refused_before_reading():
    # given a sheet with a value in XFD1048576 (the last cell): calamine would try to allocate
    # a block of 17 billion cells and abort the process
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(TREE_ROWS[2])
    sheet.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when read, then a message says where the stray cell is
    message = file_error(buffer.getvalue())
    assert "表格范围过大" in message
    assert "1048576" in message
    assert "XFD" in message


def test_styled_empty_cells_far_away_do_not_count():
    # given a sheet where someone formatted the last cell but typed nothing in it
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, TREE_ROWS[2])
    sheet.write_blank(1_048_575, 16_383, None, workbook.add_format({"bold": True}))
    workbook.close()
    # when read, then the one row is there
    assert codes(read(buffer.getvalue())) == ["FT"]


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item.filename, content)
    return buffer.getvalue()


def test_cells_without_their_own_reference_are_measured_exactly():
    # given a workbook whose cells carry no r="A1" references (some generators omit them)
    data = rewrite_sheet(
        xlsx([TREE_ROWS[2]]), lambda xml: re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", xml)
    )
    # when read, then calamine places them and the guard lets them through
    assert codes(read(data)) == ["FT"]


@pytest.mark.parametrize(
    "far_cell",
    [
        b"<c r='XFD1048576' t=\"inlineStr\">",
        b'<c r="&#88;FD1048576" t="inlineStr">',
        b'<c\tr="XFD1048576" t="inlineStr">',
        b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'r="XFD1048576" t="inlineStr">',
        b'<c t="inlineStr" r="XFD1048576">',
        b'<c cm=" r=\'A1\' >" r="XFD1048576" t="inlineStr">',
    ],
    ids=["single-quotes", "character-reference", "tab", "prefixed", "r-not-first", "r-in-a-value"],
)
def test_a_far_away_cell_written_unusually_is_still_caught(far_cell):
    # given a sheet whose far-away cell is written in a way the quick scan does not count
    def add_far_cell(xml: bytes) -> bytes:
        closing = b"</x:c>" if far_cell.startswith(b"<x:") else b"</c>"
        row = b'<row r="1048576">' + far_cell + b"<is><t>x</t></is>" + closing + b"</row>"
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    data = rewrite_sheet(xlsx([TREE_ROWS[2]]), add_far_cell)
    # when read, then it is refused before calamine allocates the block
    assert "表格范围过大" in file_error(data)


def test_a_zip_bomb_is_refused(settings):
    # given a limit of 1 MB unpacked and a workbook whose sheet unpacks to far more
    settings.IMPORT_MAX_UNZIPPED_SIZE = 1024 * 1024
    padding = b"<!--" + b"x" * 3_000_000 + b"-->"
    data = rewrite_sheet(
        xlsx([TREE_ROWS[2]]), lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>")
    )
    # when read, then it is refused by size
    assert "解压后过大" in file_error(data)
