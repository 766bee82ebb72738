"""Export of the hardship-file and grant lists to .xlsx, as the membership exports do: the
queryset the list page shows (same selector, filters and scope), ID numbers masked, above
EXPORT_MAX_ROWS refused, each export one audit event (who, when, how many rows, which filters)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from federations.permissions import Perm, scope_roots
from membership.exports import Column, ExportFile, export_list, labels
from membership.validators import mask_id_number

from .models import Grant, HardshipFile

FILE_COLUMNS = [
    Column(_lazy("姓名"), 12),
    Column(_lazy("身份证号"), 22),
    Column(_lazy("所在单位"), 30),
    Column(_lazy("建档工会"), 22),
    Column(_lazy("困难类别"), 12),
    Column(_lazy("主要致困原因"), 12),
    Column(_lazy("次要致困原因"), 24),
    Column(_lazy("家庭人口"), 10, "int"),
    Column(_lazy("家庭月收入（元）"), 16),
    Column(_lazy("人均月收入（元）"), 16),
    Column(_lazy("健康状况"), 20),
    Column(_lazy("住房状况"), 20),
    Column(_lazy("状态"), 10),
    Column(_lazy("建档日期"), 12, "date"),
    Column(_lazy("最近复核日期"), 12, "date"),
    Column(_lazy("脱困日期"), 12, "date"),
    Column(_lazy("脱困原因"), 20),
]

GRANT_COLUMNS = [
    # the import's headers first, so an export can be checked against a list
    Column(_lazy("身份证号"), 22),
    Column(_lazy("帮扶项目"), 14),
    Column(_lazy("金额"), 12),
    Column(_lazy("物资折价"), 12),
    Column(_lazy("发放日期"), 12, "date"),
    Column(_lazy("备注"), 20),
    Column(_lazy("学生姓名"), 10),
    Column(_lazy("学校"), 20),
    Column(_lazy("学历层次"), 10),
    Column(_lazy("入学年份"), 10, "int"),
    Column(_lazy("发放工会"), 12),
    Column(_lazy("姓名"), 12),
    Column(_lazy("发放工会名称"), 22),
    Column(_lazy("状态"), 10),
    Column(_lazy("实际发放日期"), 12, "date"),
]


def file_rows(files):
    category, cause, status = (
        labels(HardshipFile, name) for name in ("category", "main_cause", "status")
    )
    for item in files:
        member, enterprise = item.member, item.member.current_enterprise
        yield [
            member.name,
            mask_id_number(member.id_number),
            enterprise.name if enterprise else "",
            item.federation.name,
            category.get(item.category, item.category),
            cause.get(item.main_cause, item.main_cause),
            "、".join(cause.get(c, c) for c in item.secondary_causes),
            item.household_size,
            f"{item.household_monthly_income:.2f}",
            f"{item.per_capita_income:.2f}",
            item.health,
            item.housing,
            status.get(item.status, item.status),
            item.opened_on,
            item.last_reviewed_on,
            item.lifted_out_on,
            item.lifted_out_reason,
        ]


def grant_rows(grants):
    level, status = (labels(Grant, name) for name in ("study_level", "status"))
    for grant in grants:
        yield [
            mask_id_number(grant.recipient.id_number),
            grant.program.name,
            f"{grant.amount:.2f}",
            f"{grant.goods_value:.2f}",
            grant.granted_on,
            grant.note,
            grant.student_name,
            grant.school,
            level.get(grant.study_level, grant.study_level),
            grant.admission_year,
            grant.paying_federation.code,
            grant.recipient.name,
            grant.paying_federation.name,
            status.get(grant.status, grant.status),
            grant.paid_on,
        ]


def _filed_at(actor, federation):
    """Where the export's audit event goes: the filter's federation, else the actor's first
    scope root as staff or chair (not where they merely view: hardship data, and its exports,
    are for the roles that see it)."""
    if federation is None:
        roots = scope_roots(actor, Perm.EDIT_RECORDS) or scope_roots(actor, Perm.APPROVE_GRANTS)
        federation = roots[0] if roots else None
    return federation


def files_export(*, actor, queryset, federation=None, filters=()) -> ExportFile:
    """`queryset`: from `selectors.file_list` for `actor`."""
    return export_list(
        actor=actor,
        queryset=queryset,
        model=HardshipFile,
        columns=FILE_COLUMNS,
        rows=file_rows,
        label=_("困难职工档案"),
        federation=_filed_at(actor, federation),
        filters=filters,
    )


def grants_export(*, actor, queryset, federation=None, filters=()) -> ExportFile:
    """`queryset`: from `selectors.grant_list` for `actor`."""
    return export_list(
        actor=actor,
        queryset=queryset,
        model=Grant,
        columns=GRANT_COLUMNS,
        rows=grant_rows,
        label=_("帮扶发放"),
        federation=_filed_at(actor, federation),
        filters=filters,
    )
