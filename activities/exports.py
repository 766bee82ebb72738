"""Export of a filtered activity list to .xlsx, on the writer, size limit and audit event of the
member and enterprise exports (`membership.exports`). The import's headers come first (主办工会 as
a code), so an export can be edited and imported again; names and figures follow as extra columns,
which the import ignores."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from membership.exports import Column, ExportFile, export_list, labels

from .models import Activity

ACTIVITY_COLUMNS = [
    Column(_lazy("活动名称"), 30),
    Column(_lazy("活动类别"), 10),
    Column(_lazy("主办工会"), 12),
    Column(_lazy("开始日期"), 12, "date"),
    Column(_lazy("结束日期"), 12, "date"),
    Column(_lazy("地点"), 24),
    Column(_lazy("参与人次"), 10, "int"),
    Column(_lazy("参与单位数"), 10, "int"),
    Column(_lazy("费用"), 12, "int"),
    Column(_lazy("招聘岗位数"), 10, "int"),
    Column(_lazy("达成意向人数"), 12, "int"),
    Column(_lazy("备注"), 30),
    Column(_lazy("状态"), 8),
    Column(_lazy("主办工会名称"), 22),
    Column(_lazy("报名签到"), 8),
    Column(_lazy("签到人数"), 10, "int"),
    Column(_lazy("所属系列活动"), 18),
    Column(_lazy("获奖情况"), 20),
]


def activity_rows(activities):
    """Rows of the export; `activities` come from `selectors.activity_list` (annotated)."""
    category, status = labels(Activity, "category"), labels(Activity, "status")
    yes, no = _("是"), _("否")
    for activity in activities:
        fair = getattr(activity, "job_fair", None) if activity.is_job_fair else None
        yield [
            activity.title,
            category.get(activity.category, activity.category),
            activity.federation.code,
            activity.starts_on,
            activity.ends_on,
            activity.venue,
            activity.attendance,
            activity.enterprise_count,
            float(activity.cost),
            fair.positions if fair else None,
            fair.intents if fair else None,
            activity.note,
            status.get(activity.status, activity.status),
            activity.federation.name,
            yes if activity.registration else no,
            activity.checked_in if activity.registration else None,
            str(activity.programme) if activity.programme else "",
            activity.awards,
        ]


def activities_export(*, actor, queryset, federation=None, filters=()) -> ExportFile:
    """`queryset`: from `selectors.activity_list` for `actor`; as `membership.exports`."""
    return export_list(
        actor=actor,
        queryset=queryset,
        model=Activity,
        columns=ACTIVITY_COLUMNS,
        rows=activity_rows,
        label=_("活动列表"),
        federation=federation,
        filters=filters,
    )
