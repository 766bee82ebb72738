"""Small import files built inside the tests, the way staff's Excel and WPS write them."""

import io

import openpyxl

HEADERS = ["工会代码", "工会名称", "类型", "上级工会代码"]

# A district of five nodes, children listed before their parents on purpose.
TREE_ROWS = [
    ["TPQ-J1", "太平桥社区联合工会", "社区联合工会", "TPQ"],
    ["TPQ", "太平桥街道总工会", "街道总工会", "FT"],
    ["FT", "丰台区总工会", "区总工会", ""],
    ["WZ", "王佐镇总工会", "镇总工会", "FT"],
    ["LZ-B1", "丽泽楼宇联合工会", "楼宇联合工会", "FT"],
]


def xlsx(rows: list[list], *, headers: list[str] | None = HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows: list[list], *, headers: list[str] | None = HEADERS, encoding="utf-8") -> bytes:
    lines = [headers] if headers is not None else []
    lines += rows
    text = "\r\n".join(",".join(str(cell) for cell in line) for line in lines) + "\r\n"
    return text.encode(encoding)


def row_errors(result) -> list[tuple[int, str, str]]:
    """An import result's errors as (row, column, message)."""
    return [(error.row, error.column, error.message) for error in result.errors]
