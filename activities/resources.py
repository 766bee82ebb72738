"""Importing activities from spreadsheets: `python manage.py import_data activities FILE` and the
import page /imports/activities/, on the shared pipeline (all or nothing, every error of every row
named by row, column, value and reason).

Sub-federations send their quarter's activities to the district this way. A row is one activity,
known by its organizing federation, name and start date: a row matching a recorded activity updates
it (or leaves it unchanged), so the same file sent twice records nothing twice. Imported activities
are open events (their person-times are the figure in the file); without a 状态 column they are
held ones. Each row is checked by `services.check_activity`, the function the pages use.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federations.models import Federation
from federations.permissions import Perm, user_can
from imports import registry
from imports.base import Action, Change, Column, Importer, Op, Plan, RowError, Table
from imports.normalize import (
    CellError,
    clean_code,
    parse_date_cell,
    parse_int_cell,
    parse_money_cell,
)
from membership.codelists import choice_from_label

from . import services
from .models import Activity
from .services import JOB_FAIR_FIELDS

Category = Activity.Category
Status = Activity.Status
# 状态 as the file writes it; the file format, so deliberately not translated
STATUS_NAMES = {"已举办": Status.HELD, "计划中": Status.PLANNED, "已取消": Status.CANCELLED}
STATUS_ALIASES = {"已开展": Status.HELD, "已完成": Status.HELD, "计划": Status.PLANNED}
# model fields (as services.check_activity names them) → column keys
FIELD_COLUMNS = {
    "title": "title",
    "category": "category",
    "federation": "federation",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "venue": "venue",
    "person_times": "person_times",
    "enterprise_count": "enterprise_count",
    "cost": "cost",
    "note": "note",
    "status": "status",
    "positions": "positions",
    "intents": "intents",
}
# recorded values a file without the column leaves alone
KEPT_WHEN_ABSENT = ("ends_on", "venue", "person_times", "enterprise_count", "cost", "note")
COMPARED = (
    "category",
    "ends_on",
    "venue",
    "person_times",
    "enterprise_count",
    "cost",
    "note",
    "status",
)


def _labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


@dataclass
class ActivityPlan:
    fields: dict[str, Any]
    job_fair: dict[str, Any] | None = None  # None: not a job fair
    activity_id: int | None = None
    federation_path: str = ""


@registry.register
class ActivityImporter(Importer):
    kind = "activities"
    label = gettext_lazy("活动")
    description = gettext_lazy(
        "各级工会组织的活动（文体活动、技能竞赛、培训讲座、招聘会等），每行一场。主办工会、活动名称和"
        "开始日期都与已登记的活动相同时更新该活动，否则新登记；同一文件重复导入不会重复登记。"
        "导入的活动为开放式活动，参与人次按文件填写；没有“状态”列时均为已举办。"
    )
    permission = Perm.IMPORT_RECORDS
    columns = (
        Column("title", "活动名称", required=True, help=gettext_lazy("最多 200 字。")),
        Column(
            "category",
            "活动类别",
            required=True,
            help=format_lazy(gettext_lazy("填写：{labels}。"), labels="、".join(_labels(Category))),
            choices=_labels(Category),
        ),
        Column(
            "federation",
            "主办工会",
            required=True,
            help=gettext_lazy("主办工会的工会代码，须在您的管辖范围内。"),
        ),
        Column(
            "starts_on",
            "开始日期",
            required=True,
            help=gettext_lazy("如 2026-05-01；跨季度的活动计入开始日期所在季度。"),
        ),
        Column("ends_on", "结束日期", help=gettext_lazy("留空表示当天结束。")),
        Column("venue", "地点"),
        Column(
            "person_times",
            "参与人次",
            help=gettext_lazy("整数；已举办的活动必填（招聘会为入场求职人次）。"),
        ),
        Column(
            "enterprise_count",
            "参与单位数",
            help=gettext_lazy("整数（招聘会为参会用人单位数）。"),
        ),
        Column("cost", "费用", help=gettext_lazy("元，最多两位小数，如 3500.50。")),
        Column("positions", "招聘岗位数", help=gettext_lazy("仅招聘会填写，整数。")),
        Column("intents", "达成意向人数", help=gettext_lazy("仅招聘会填写，整数。")),
        Column("note", "备注"),
        Column(
            "status",
            "状态",
            help=format_lazy(
                gettext_lazy("填写：{names}；没有此列或留空表示已举办。"),
                names="、".join(STATUS_NAMES),
            ),
            choices=tuple(STATUS_NAMES),
        ),
    )

    def validate(self, table: Table, *, user) -> Plan:
        return _ActivityCheck(importer=self, table=table, user=user).run()

    def write(self, plan: Plan, *, user) -> None:
        changes = [action for action in plan.actions if action.op != Op.UNCHANGED]
        services.activities_import(
            actor=user,
            creates=[
                services.ActivityRecord(fields=a.data.fields, job_fair=a.data.job_fair or {})
                for a in changes
                if a.op == Op.CREATE
            ],
            updates={
                a.data.activity_id: services.ActivityRecord(
                    fields=a.data.fields, job_fair=a.data.job_fair or {}
                )
                for a in changes
                if a.op == Op.UPDATE
            },
            file_name=self.file_name,
            row_count=len(plan.actions),
            federation=Federation.objects.lowest_above(
                {a.data.federation_path for a in plan.actions}
            ),
        )


class _ActivityCheck:
    def __init__(self, *, importer: ActivityImporter, table: Table, user) -> None:
        self.importer = importer
        self.table = table
        self.user = user
        self.errors: list[RowError] = []
        self.allowed: dict[str, bool] = {}

    def fail(self, row, key: str, message, value=None) -> None:
        self.errors.append(self.importer.error(row, key, str(message), value=value))

    def run(self) -> Plan:
        rows = list(self.table)
        codes = {clean_code(row.raw("federation")) for row in rows}
        self.federations = {
            f.code: f for f in Federation.objects.filter(code__in=codes - {""}).order_by()
        }
        self.dates = {}
        for row in rows:
            try:
                self.dates[row.number] = parse_date_cell(row.raw("starts_on"))
            except CellError:
                self.dates[row.number] = None
        titles = {row.text("title") for row in rows}
        starts = {day for day in self.dates.values() if day is not None}
        self.existing = {
            (a.federation_id, a.title, a.starts_on): a
            for a in Activity.objects.filter(
                federation__in=list(self.federations.values()),
                title__in=titles,
                starts_on__in=starts,
            )
            .select_related("job_fair")
            .with_attendance()
        }
        plan = Plan(errors=self.errors)
        seen: dict[tuple, int] = {}
        for row in rows:
            action = self.check(row, seen)
            if action is not None:
                plan.actions.append(action)
        return plan

    def may_import(self, federation: Federation) -> bool:
        if self.user is None:
            return True
        allowed = self.allowed.get(federation.path)
        if allowed is None:
            allowed = self.allowed[federation.path] = user_can(
                self.user, Perm.IMPORT_RECORDS, federation
            )
        return allowed

    def read(self, row, key, reader):
        if not self.table.has(key) or not row.text(key):
            return None
        try:
            return reader(row.raw(key))
        except CellError as error:
            self.fail(row, key, str(error))
            return None

    def count(self, row, key):
        value = self.read(row, key, parse_int_cell)
        if value is not None and value < 0:
            self.fail(row, key, _("不能为负数。"))
            return None
        return value

    def check(self, row, seen) -> Action | None:
        before = len(self.errors)
        for column in self.importer.columns:
            if column.value_required and not row.text(column.key):
                self.fail(row, column.key, _("必填，不能为空。"), value="")
        title = row.text("title")
        if len(title) > 200:
            self.fail(row, "title", _("活动名称最多 200 字。"))
        category = ""
        if row.text("category"):
            try:
                category = choice_from_label(Category, row.text("category"), field=_("活动类别"))
            except ValidationError as error:
                self.fail(row, "category", " ".join(error.messages))
        federation = None
        code = clean_code(row.raw("federation"))
        if code:
            federation = self.federations.get(code)
            if federation is None or not self.may_import(federation):
                self.fail(
                    row,
                    "federation",
                    _("工会代码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code},
                )
                federation = None
        starts_on = self.read(row, "starts_on", parse_date_cell)
        ends_on = self.read(row, "ends_on", parse_date_cell) or starts_on
        status = Status.HELD
        if self.table.has("status") and row.text("status"):
            text = row.text("status")
            status = STATUS_NAMES.get(text) or STATUS_ALIASES.get(text)
            if status is None:
                self.fail(
                    row, "status", _("状态只能是：%(names)s。") % {"names": "、".join(STATUS_NAMES)}
                )
        person_times = self.count(row, "person_times")
        enterprise_count = self.count(row, "enterprise_count")
        cost = self.read(row, "cost", parse_money_cell)
        job_fair = {
            key: self.count(row, key) for key in ("positions", "intents") if self.table.has(key)
        }
        texts = {}
        for key, limit in (("venue", 200), ("note", 2000)):
            text = row.text(key) if self.table.has(key) else ""
            if len(text) > limit:
                self.fail(row, key, _("最多 %(limit)s 字。") % {"limit": limit})
            texts[key] = text
        if len(self.errors) > before or federation is None or starts_on is None:
            return None

        key = (federation.pk, title, starts_on)
        if key in seen:
            self.fail(
                row,
                "title",
                _("与第 %(row)s 行是同一场活动（主办工会、活动名称、开始日期都相同）。")
                % {"row": seen[key]},
            )
            return None
        seen[key] = row.number
        existing = self.existing.get(key)
        fields = {
            "federation": federation,
            "title": title,
            "category": category,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "status": status,
            "person_times": person_times,
            "enterprise_count": enterprise_count or 0,
            "cost": cost if cost is not None else Decimal("0.00"),
            **texts,
        }
        if existing is not None:
            # a column the file leaves out leaves the recorded value alone
            for name in KEPT_WHEN_ABSENT:
                if not self.table.has(name):
                    fields[name] = getattr(existing, name)
        if existing is not None and existing.registration:
            return self.registered(row, existing, fields, job_fair)
        candidate = Activity(registration=False, **fields)
        if not self.checked(row, candidate, job_fair):
            return None
        label = f"{federation.code} {starts_on.isoformat()} {title}"
        plan = ActivityPlan(
            fields={**fields, "federation_id": federation.pk},
            job_fair=job_fair if candidate.is_job_fair else None,
            federation_path=federation.path,
        )
        del plan.fields["federation"]
        if existing is None:
            return Action(row=row.number, op=Op.CREATE, key=label, data=plan)
        return self.update(row, label, existing, plan)

    def checked(self, row, candidate, job_fair) -> bool:
        try:
            services.check_activity(candidate, job_fair=job_fair)
        except ValidationError as error:
            columns = dict(FIELD_COLUMNS)
            if not self.table.has("status"):
                columns["status"] = "starts_on"  # "held, but starts after today"
            self.errors.extend(
                self.importer.errors_from_validation(row, error, fields=columns, default="title")
            )
            return False
        return True

    def registered(self, row, existing, fields, job_fair) -> Action | None:
        """A recorded activity with registration: its person-times are its check-ins."""
        if fields["person_times"] is not None and fields["person_times"] != existing.checked_in:
            self.fail(
                row,
                "person_times",
                _(
                    "该活动已按报名签到登记，参与人次为签到人次 %(n)s，不能通过导入修改；"
                    "请留空或填写 %(n)s。"
                )
                % {"n": existing.checked_in},
            )
            return None
        fields = {**fields, "person_times": None}
        candidate = Activity(registration=True, pk=existing.pk, **fields)
        if not self.checked(row, candidate, job_fair):
            return None
        label = f"{fields['federation'].code} {fields['starts_on'].isoformat()} {fields['title']}"
        plan = ActivityPlan(
            fields={k: v for k, v in fields.items() if k != "federation"},
            job_fair=job_fair if candidate.is_job_fair else None,
            federation_path=fields["federation"].path,
        )
        return self.update(row, label, existing, plan)

    def update(self, row, label, existing, plan: ActivityPlan) -> Action:
        changed: dict[str, Any] = {}
        changes: list[Change] = []
        for name in COMPARED:
            old, new = getattr(existing, name), plan.fields[name]
            if old != new:
                changed[name] = new
                changes.append(
                    Change(self.importer.header(name), self.show(name, old), self.show(name, new))
                )
        old_fair = getattr(existing, "job_fair", None) if existing.is_job_fair else None
        fair: dict[str, Any] = {}
        if plan.job_fair is not None:
            if old_fair is not None:
                fair = {name: getattr(old_fair, name) for name in JOB_FAIR_FIELDS}
            for name in ("positions", "intents"):
                old = getattr(old_fair, name) if old_fair else 0
                if name not in plan.job_fair:  # the column is not in the file
                    fair[name] = old
                    continue
                fair[name] = new = plan.job_fair[name] or 0
                if old != new:
                    changes.append(Change(self.importer.header(name), str(old), str(new)))
        plan.fields, plan.job_fair, plan.activity_id = changed, fair, existing.pk
        op = Op.UPDATE if changes else Op.UNCHANGED
        return Action(row=row.number, op=op, key=label, changes=tuple(changes), data=plan)

    @staticmethod
    def show(name: str, value: Any) -> str:
        if value is None:
            return ""
        if name == "category":
            return str(Category(value).label)
        if name == "status":
            return str(Status(value).label)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
