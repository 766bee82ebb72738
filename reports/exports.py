"""The dashboard's breakdown table as an .xlsx workbook (XlsxWriter, in memory)."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from .dashboard import RATE_PARTS, TABLE_KEYS


def breakdown_xlsx(page) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("下级明细"))
    title = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#F2DEDE", "border": 1, "text_wrap": True}
    )
    number = workbook.add_format({"num_format": "#,##0", "border": 1})
    percent = workbook.add_format({"num_format": "0.0%", "border": 1})
    text = workbook.add_format({"border": 1})
    bold = workbook.add_format({"bold": True, "border": 1})

    sheet.write(
        0,
        0,
        _("%(name)s 建会入会情况（统计日期 %(day)s）")
        % {"name": page.federation.name, "day": page.on.isoformat()},
        title,
    )
    labels = [
        _("名称"),
        _("类型"),
        *[str(label) for _key, label in page.headers],
        _("本年新建独立工会"),
    ]
    sheet.write_row(2, 0, labels, header)
    sheet.set_row(2, 30)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, len(labels), 12)
    figures_by_row = [row.figures for row in page.breakdown.rows]
    if page.breakdown.own is not None:
        figures_by_row.append(page.breakdown.own.figures)
    line = 3
    for row, figures in zip(page.rows, figures_by_row, strict=True):
        _write_row(sheet, line, row, figures, text, number, percent)
        line += 1
    _write_row(sheet, line, page.total_row, page.breakdown.figures, bold, number, percent)
    if any(row.covered_only for row in page.rows):
        sheet.write(
            line + 2, 0, _("联合工会一行统计其覆盖的企业（不含独立建会企业），各行之和不等于合计。")
        )
    sheet.freeze_panes(3, 1)
    workbook.close()
    return output.getvalue()


def _write_row(sheet, line, row, figures, text, number, percent):
    sheet.write_string(line, 0, str(row.name), text)
    sheet.write_string(line, 1, str(row.kind), text)
    for column, key in enumerate(TABLE_KEYS, start=2):
        value = figures[key]
        if value is None:
            sheet.write(line, column, "—", text)
        else:
            sheet.write_number(line, column, value, percent if key in RATE_PARTS else number)
    new = row.new_independent
    sheet.write(line, len(TABLE_KEYS) + 2, "—" if new is None else new, number if new else text)
