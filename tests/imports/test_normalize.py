import datetime
from decimal import Decimal

import pytest

from imports.normalize import (
    CellError,
    cell_text,
    clean_code,
    parse_date_cell,
    parse_int_cell,
    parse_money_cell,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (13912345678.0, "13912345678"),
        (12, "12"),
        (1.5, "1.5"),
        ("１２３ＡＢＣａｂｃ", "123ABCabc"),
        ("\u3000太平桥\xa0 街道\u200b ", "太平桥 街道"),
        ("镇（乡）总工会：", "镇（乡）总工会："),  # full-width punctuation is correct Chinese
        (datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC), "2024-03-01"),
        (datetime.date(2024, 3, 1), "2024-03-01"),
    ],
)
def test_cell_text(value, expected):
    assert cell_text(value) == expected


def test_clean_code_is_ascii_without_spaces():
    assert clean_code(" ＴＰＱ－Ｊ１\u3000") == "TPQ-J1"
    assert clean_code("TPQ _ J1") == "TPQ_J1"


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        "2024 年 3 月 1 日",
        "２０２４－０３－０１",
        "20240301",
        "2024-03-01 00:00:00",
        datetime.date(2024, 3, 1),
        datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC),
        45352,  # Excel's serial number for 2024-03-01
        45352.0,
    ],
)
def test_parse_date_cell_reads_the_ways_staff_write_dates(value):
    assert parse_date_cell(value) == datetime.date(2024, 3, 1)


def test_parse_date_cell_empty_is_none():
    assert parse_date_cell("") is None
    assert parse_date_cell(None) is None


@pytest.mark.parametrize(("value", "message"), [("2024-02-30", "不存在"), ("三月一日", "无法识别")])
def test_parse_date_cell_rejects_with_a_chinese_message(value, message):
    with pytest.raises(CellError, match=message):
        parse_date_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"), [(12, 12), (12.0, 12), ("１２", 12), ("1,200", 1200), ("", None)]
)
def test_parse_int_cell(value, expected):
    assert parse_int_cell(value) == expected


@pytest.mark.parametrize("value", [1.5, "十二", "1.5", True])
def test_parse_int_cell_rejects_non_integers(value):
    with pytest.raises(CellError):
        parse_int_cell(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1200, "1200.00"),
        (1200.5, "1200.50"),
        ("1,200.50", "1200.50"),
        ("￥35元", "35.00"),
        ("１２００元", "1200.00"),
        ("¥ 9,999,999,999.99", "9999999999.99"),
        ("", None),
    ],
)
def test_money_cells_are_read_as_yuan(raw, expected):
    assert parse_money_cell(raw) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize("raw", ["abc", "-1", "1.001", True, "1e10", "NaN"])
def test_money_cells_that_are_not_amounts_are_refused(raw):
    with pytest.raises(CellError):
        parse_money_cell(raw)
