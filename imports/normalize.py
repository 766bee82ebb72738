"""Turning spreadsheet cells into clean Python values.

Staff type into Excel and WPS with a Chinese input method, so cells arrive with full-width
digits and letters (１２３, ＡＢＣ), ideographic and non-breaking spaces, numbers that Excel
stored as floats (13912345678.0) and dates written half a dozen ways. Every importer reads its
cells through these helpers, so a cell means the same thing in every import.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell whose value cannot be read as the type the column needs; the message is for users."""


def _width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width digits and Latin letters (U+FF10–FF5A) become ASCII. Full-width punctuation
    # such as （） and ：is left alone: in Chinese text it is the correct form.
    for codepoint in range(0xFF01, 0xFF5F):
        char = chr(codepoint)
        if char.isalnum():
            table[codepoint] = unicodedata.normalize("NFKC", char)
    # Every kind of space becomes a plain space; zero-width characters disappear.
    for codepoint in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[codepoint] = " "
    for codepoint in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[codepoint] = ""
    return table


_WIDTH = _width_table()
_SPACES = re.compile(r"\s+")
# a character cell_text changes: whitespace (or a space at either end), a full-width letter or
# digit, an invisible character
_UNCLEAN = re.compile(
    r"^ | $|[^\S ]|  |[\uff01-\uff5e\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]"
)


def cell_text(value: Any) -> str:
    """A cell as text: floats that hold whole numbers lose their ".0", dates become ISO dates,
    full-width digits and letters become ASCII, and spaces are trimmed and collapsed."""
    if type(value) is not str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, datetime.datetime):
            if value.time() == datetime.time(0, 0):
                return value.date().isoformat()
            return value.isoformat(sep=" ")
        if isinstance(value, datetime.date | datetime.time):
            return value.isoformat()
        value = str(value)
    if not _UNCLEAN.search(value):
        return value  # most cells: nothing to change
    return _SPACES.sub(" ", value.translate(_WIDTH)).strip()


def clean_code(value: Any) -> str:
    """A code (工会代码, 信用代码 …): ASCII only, so full NFKC applies (－ becomes -), and no
    spaces anywhere."""
    text = cell_text(value)  # spaces already collapsed to single ones
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.replace(" ", "") if " " in text else text


def header_text(value: Any) -> str:
    """A header cell: spaces anywhere and a trailing required-marker (*) are ignored."""
    text = _SPACES.sub("", cell_text(value))
    return text.rstrip("*＊")


_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date_cell(value: Any) -> datetime.date | None:
    """A date from an Excel date cell, a datetime, an Excel serial number or a string such as
    2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日 or 20240301. Empty → None.
    Raises CellError with a Chinese message for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a date typed into a cell formatted as a number: Excel's serial day count
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("无法识别的日期，请写成 2024-03-01 的形式。"))
    text = unicodedata.normalize("NFKC", cell_text(value))  # dates are ASCII: － becomes -
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise CellError(_("无法识别的日期，请写成 2024-03-01 的形式。"))
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("日期不存在，请检查年、月、日。")) from None


def parse_int_cell(value: Any) -> int | None:
    """A whole number from 12, 12.0, "12", "１２" or "1,200". Empty → None."""
    if isinstance(value, bool):
        raise CellError(_("请填写整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("请填写整数。"))
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("请填写整数。")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("请填写整数。"))
    return int(number)


MONEY_LIMIT = Decimal("1e10")  # DecimalField(max_digits=12, decimal_places=2) holds less
_MONEY_MARKS = str.maketrans("", "", ",，¥￥ ")


def parse_money_cell(value: Any) -> Decimal | None:
    """Yuan from 1200, 1200.5, "1,200.50", "¥1200", "１２００元". Empty → None. At most two
    decimal places, not negative, below MONEY_LIMIT; CellError (a Chinese message) otherwise."""
    if isinstance(value, bool):
        raise CellError(_("请填写金额（元），如 500 或 1200.50。"))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).translate(_MONEY_MARKS)
        text = text.removesuffix("元")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError(_("请填写金额（元），如 500 或 1200.50。")) from None
    if not amount.is_finite():
        raise CellError(_("请填写金额（元），如 500 或 1200.50。"))
    if amount < 0:
        raise CellError(_("金额不能为负数。"))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("金额最多两位小数（精确到分）。"))
    if amount >= MONEY_LIMIT:
        raise CellError(_("金额过大。"))
    return amount.quantize(Decimal("0.01"))
