"""The .xlsx files the import pages hand out: the empty template and the list of errors."""

import io
from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext as _

from .base import Importer, RowError

ERROR_HEADERS = ("行号", "列", "值", "错误原因")


def errors_workbook(errors: Iterable[RowError]) -> bytes:
    """One row per error with the headers 行号, 列, 值, 错误原因."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("错误"))
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, ERROR_HEADERS, bold)
    for index, error in enumerate(errors, start=1):
        sheet.write_number(index, 0, error.row)
        sheet.write_string(index, 1, error.column)
        sheet.write_string(index, 2, error.value, text)
        sheet.write_string(index, 3, error.message)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 18)
    sheet.set_column(3, 3, 60)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def template_workbook(importer: type[Importer]) -> bytes:
    """An empty import file: the headers on the first sheet (required ones in red, each with
    its help as a comment, choices as a drop-down), the column notes on a second sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(str(importer.label)[:31])
    required = workbook.add_format({"bold": True, "font_color": "#C00000"})
    optional = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    for index, column in enumerate(importer.columns):
        sheet.write_string(0, index, column.header, required if column.required else optional)
        sheet.set_column(index, index, max(14, len(column.header) * 3), text)
        if column.help:
            sheet.write_comment(0, index, str(column.help), {"x_scale": 2, "y_scale": 1.5})
        if column.choices:
            sheet.data_validation(
                1, index, 10000, index, {"validate": "list", "source": list(column.choices)}
            )
    sheet.freeze_panes(1, 0)

    notes = workbook.add_worksheet(_("填写说明"))
    bold = workbook.add_format({"bold": True})
    notes.write_row(0, 0, (_("列名"), _("是否必填"), _("说明")), bold)
    for index, column in enumerate(importer.columns, start=1):
        if column.value_required:
            need = _("必填")
        elif column.required:
            need = _("必须有此列，可留空")
        else:
            need = _("可选")
        notes.write_row(index, 0, (column.header, need, str(column.help)))
    notes.write_string(
        len(importer.columns) + 2,
        0,
        _("只导入第一个工作表；第一行为表头，列的顺序不限，多余的列会被忽略。"),
    )
    notes.set_column(0, 1, 18)
    notes.set_column(2, 2, 80)
    workbook.close()
    return buffer.getvalue()
