"""Export of a filtered enterprise or member list to .xlsx.

The caller passes the queryset the list page shows (same selector, same filters, same scope). The
workbook is written by xlsxwriter in `constant_memory` mode — each row goes to disk as it is
written — into a temporary file, reading the rows with `iterator(chunk_size=…)`, so memory stays
flat whatever the size; the view streams the file back. Exports above `EXPORT_MAX_ROWS` are
refused (checked with a bounded count first) rather than cut short. ID numbers are masked. Each
export is one audit event (action EXPORT, the row count, the file name, the filters).
"""

import datetime
import os
import tempfile
from dataclasses import dataclass

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.models import AuditEvent
from audit.services import audit_record
from federations.permissions import Perm, scope_roots

from .models import Enterprise, Member
from .selectors import count_up_to
from .validators import mask_id_number

# About 6,000 member rows/s on 2 cores (xlsxwriter itself is most of it): 50,000 rows stay well
# inside a web worker's 30 s timeout. Larger exports would be a Celery job.
EXPORT_MAX_ROWS = 50_000
CHUNK_SIZE = 2_000


@dataclass
class ExportFile:
    """An open, already unlinked temporary file (the response closes it) and what it holds."""

    file: object
    filename: str
    row_count: int


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: str = "text"  # "text", "date", "int"


ENTERPRISE_COLUMNS = [
    # the import's headers first (所属工会 and 联合工会 as codes), so an export can be edited and
    # imported again; the names follow as extra columns, which the import ignores
    Column(_lazy("单位名称"), 36),
    Column(_lazy("统一社会信用代码"), 22),
    Column(_lazy("所属工会"), 12),
    Column(_lazy("经济类型"), 10),
    Column(_lazy("行业"), 28),
    Column(_lazy("职工人数"), 10, "int"),
    Column(_lazy("建会状态"), 14),
    Column(_lazy("联合工会"), 12),
    Column(_lazy("建会日期"), 12, "date"),
    Column(_lazy("地址"), 30),
    Column(_lazy("联系人"), 10),
    Column(_lazy("联系电话"), 16),
    Column(_lazy("所属工会名称"), 22),
    Column(_lazy("联合工会名称"), 22),
]

MEMBER_COLUMNS = [
    Column(_lazy("姓名"), 12),
    Column(_lazy("身份证号"), 22),
    Column(_lazy("性别"), 6),
    Column(_lazy("出生日期"), 12, "date"),
    Column(_lazy("手机号"), 14),
    Column(_lazy("单位统一社会信用代码"), 22),
    Column(_lazy("单位名称"), 30),
    Column(_lazy("所属工会"), 22),
    Column(_lazy("入会日期"), 12, "date"),
    Column(_lazy("会员卡号"), 16),
    Column(_lazy("会籍状态"), 10),
    Column(_lazy("离会日期"), 12, "date"),
    Column(_lazy("民族"), 10),
    Column(_lazy("学历"), 16),
    Column(_lazy("政治面貌"), 14),
    Column(_lazy("户籍类型"), 10),
    Column(_lazy("是否农民工"), 10),
    Column(_lazy("就业状态"), 10),
    Column(_lazy("技能等级"), 10),
    Column(_lazy("劳动模范"), 10),
]


def labels(model, field) -> dict:
    """{stored value: label} of a field's choices, translated once (a row then costs a dict
    lookup instead of `get_FOO_display()`, which rebuilds and translates the whole list)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def enterprise_rows(enterprises):
    economic, industry, status = (
        labels(Enterprise, name) for name in ("economic_type", "industry", "union_status")
    )
    for enterprise in enterprises:
        joint = enterprise.joint_union
        yield [
            enterprise.name,
            enterprise.credit_code,
            enterprise.jurisdiction.code,
            economic.get(enterprise.economic_type, enterprise.economic_type),
            industry.get(enterprise.industry, enterprise.industry),
            enterprise.employees,
            status.get(enterprise.union_status, enterprise.union_status),
            joint.code if joint else "",
            enterprise.union_since,
            enterprise.address,
            enterprise.contact,
            enterprise.phone,
            enterprise.jurisdiction.name,
            joint.name if joint else "",
        ]


def _state(joined_on, left_on):
    if joined_on is None:
        return ""
    if left_on is None:
        return _("在会")
    return _("已离会")


MEMBER_CODED = (
    "sex",
    "ethnicity",
    "education",
    "political_status",
    "household_type",
    "employment_status",
    "skill_level",
)


def member_rows(members):
    """Rows of the member export; `members` come from `selectors.member_list` (annotated)."""
    coded = {name: labels(Member, name) for name in MEMBER_CODED}
    yes, no = _("是"), _("否")

    def label(member, name):
        value = getattr(member, name)
        return coded[name].get(value, value)

    for member in members:
        enterprise = member.current_enterprise
        joined_on = member.membership_joined_on
        left_on = member.membership_left_on
        yield [
            member.name,
            mask_id_number(member.id_number),
            label(member, "sex"),
            member.birth_date,
            member.phone,
            enterprise.credit_code if enterprise else "",
            enterprise.name if enterprise else "",
            enterprise.jurisdiction.name if enterprise else "",
            joined_on,
            member.membership_card_number or "",
            _state(joined_on, left_on),
            left_on,
            label(member, "ethnicity"),
            label(member, "education"),
            label(member, "political_status"),
            label(member, "household_type"),
            yes if member.migrant_worker else no,
            label(member, "employment_status"),
            label(member, "skill_level"),
            yes if member.is_model_worker else no,
        ]


def _check_size(queryset):
    if count_up_to(queryset, EXPORT_MAX_ROWS) > EXPORT_MAX_ROWS:
        raise ValidationError(
            _(
                "符合条件的记录超过 %(max)s 条，无法一次导出；"
                "请用筛选条件（如所属工会）缩小范围后分批导出。"
            )
            % {"max": f"{EXPORT_MAX_ROWS:,}"},
            code="export_too_large",
        )


def write_xlsx(path, *, sheet_name, columns, rows) -> int:
    """Write `rows` (an iterable of lists) under `columns` into a new .xlsx at `path`; return the
    number of rows written. Dates as Excel dates, text cells as text (codes keep their zeros)."""
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    header = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(sheet_name)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width, date if column.kind == "date" else None)
        sheet.write_string(0, index, str(column.header), header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 (the count is returned)
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == "date" and isinstance(value, datetime.date):
                sheet.write_datetime(count, index, value, date)
            elif column.kind == "int":
                sheet.write_number(count, index, value)
            else:
                sheet.write_string(count, index, str(value))
    workbook.close()
    return count


def export_list(*, actor, queryset, model, columns, rows, label, federation, filters) -> ExportFile:
    """Any app's filtered list as an .xlsx with Chinese headers, audited as one export (who,
    what, how many rows, which filters): `rows(iterator)` yields each row's values in the order
    of `columns`. Raises ValidationError above EXPORT_MAX_ROWS, before writing anything."""
    _check_size(queryset)
    filename = f"{label}_{timezone.localdate():%Y%m%d}.xlsx"
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    try:
        count = write_xlsx(
            path,
            sheet_name=label,
            columns=columns,
            rows=rows(queryset.iterator(chunk_size=CHUNK_SIZE)),
        )
        file = open(path, "rb")  # noqa: SIM115 (closed by the response)
    finally:
        os.unlink(path)  # the open handle keeps the data until the response is sent
    if federation is None:
        roots = scope_roots(actor, Perm.VIEW)
        federation = roots[0] if roots else None
    summary = _("导出%(label)s %(count)s 行") % {"label": label, "count": count}
    if filters:
        summary += _("（筛选：%(filters)s）") % {"filters": "；".join(filters)}
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=model,
        summary=summary,
        file_name=filename,
        row_count=count,
        federation=federation,
    )
    return ExportFile(file=file, filename=filename, row_count=count)


def enterprises_export(*, actor, queryset, federation=None, filters=()) -> ExportFile:
    """`queryset`: from `selectors.enterprise_list` for `actor`. `federation`: the filter's node
    (decides who reads the audit event; the actor's scope root when None). `filters`: the filters
    in force as text, for the audit event. Raises ValidationError above EXPORT_MAX_ROWS."""
    return export_list(
        actor=actor,
        queryset=queryset,
        model=Enterprise,
        columns=ENTERPRISE_COLUMNS,
        rows=enterprise_rows,
        label=_("企业列表"),
        federation=federation,
        filters=filters,
    )


def members_export(*, actor, queryset, federation=None, filters=()) -> ExportFile:
    """As `enterprises_export`, for `selectors.member_list`. ID numbers are masked."""
    return export_list(
        actor=actor,
        queryset=queryset,
        model=Member,
        columns=MEMBER_COLUMNS,
        rows=member_rows,
        label=_("会员列表"),
        federation=federation,
        filters=filters,
    )
