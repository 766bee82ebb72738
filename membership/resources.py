"""Importing enterprises and members from spreadsheets.

Both importers read cells with `imports.normalize`, check them with the validators and code lists
the forms use (`membership.validators`, `codelists.choice_from_label`, `services.check_*`), and
check every row against the database and the importing user's scope before anything is written.
A file with any error writes nothing.

Writes: new enterprises and new members go in through `services.enterprises_import` /
`services.members_import` (COPY, one audit event for the import); a change of union status, a
transfer (会籍接转) or a re-joining goes through the same service functions as the pages, one row
at a time, so their history rules are checked exactly once, in one place.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federations.models import Federation
from federations.permissions import Perm, user_can
from imports import registry
from imports.base import Action, Change, Column, Importer, Op, Plan, RowError, RowErrors, Table
from imports.normalize import CellError, cell_text, clean_code, parse_date_cell, parse_int_cell

from . import services
from .codelists import (
    EconomicType,
    Education,
    EmploymentStatus,
    Ethnicity,
    HouseholdType,
    Industry,
    PoliticalStatus,
    Sex,
    SkillLevel,
    choice_from_label,
)
from .models import Enterprise, Member, Membership
from .validators import (
    id_number_info,
    mask_id_number,
    validate_credit_code,
    validate_join_date,
    validate_mobile_phone,
    validate_not_future,
)

Status = Enterprise.UnionStatus
# 建会状态 as the file writes it; the file format, so deliberately not translated
STATUS_NAMES = {"未建会": Status.NONE, "联合工会覆盖": Status.JOINT, "独立建会": Status.INDEPENDENT}
STATUS_ALIASES = {
    "无": Status.NONE,
    "未建": Status.NONE,
    "联合建会": Status.JOINT,
    "联合工会": Status.JOINT,
    "独立工会": Status.INDEPENDENT,
    "已建会": Status.INDEPENDENT,
}
# 1.10105E+17: an ID number that Excel turned into a number, then a CSV wrote out
SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+")
YES = {"是", "Y", "YES", "TRUE", "1", "√"}
NO = {"否", "N", "NO", "FALSE", "0", "×"}


def _labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


def _choose_help(choices) -> Any:
    return format_lazy(gettext_lazy("填写：{labels}。"), labels="、".join(_labels(choices)))


_UNREAD = object()


class _Cells:
    """Cached readings of cells whose values repeat down a column (code lists, codes, dates), so
    that a 100,000-row file costs one reading per distinct value, not one per row. A reading
    that failed raises the same error again."""

    def __init__(self) -> None:
        self.caches: dict[str, dict[Any, Any]] = {}

    def cache(self, key: str) -> dict[Any, Any]:
        """The column's readings so far, by raw value (a reading that failed holds its error)."""
        cache = self.caches.get(key)
        if cache is None:
            cache = self.caches[key] = {}
        return cache

    def read(self, key: str, raw: Any, reader) -> Any:
        cache = self.cache(key)
        # True == 1 == 1.0 as dict keys: booleans are read every time
        found = cache.get(raw, _UNREAD) if type(raw) is not bool else _UNREAD
        if found is _UNREAD:
            try:
                found = reader(raw)
            except (ValidationError, CellError) as error:
                found = error
            if type(raw) is not bool:
                cache[raw] = found
        if isinstance(found, Exception):
            raise found
        return found


def _choice_reader(choices):
    def read(raw):
        return choice_from_label(choices, cell_text(raw))

    return read


def _yes_no(raw) -> bool | None:
    text = cell_text(raw).upper()
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    raise CellError(_("请填写“是”或“否”。"))


def _unnest(values, sql_type: str) -> RawSQL:
    """`IN (SELECT unnest(%s))` with one array parameter: a 100,000-value `IN (…)` costs Django
    about a second to build."""
    return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [sorted(values)])  # noqa: S611 — our type


def _code(raw) -> str:
    return clean_code(raw).upper()


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- enterprises --------------------------------------------------------------------------------


@dataclass
class EnterprisePlan:
    """What to write for one row. `fields`: all fields for a create, the changed ones for an
    update; `status` is set when the row founds or upgrades a union."""

    fields: dict[str, Any]
    enterprise_id: int | None = None
    status: str | None = None
    joint_union_id: int | None = None
    union_since: datetime.date | None = None
    jurisdiction_path: str = ""


ENTERPRISE_FIELD_COLUMNS = {
    "name": "name",
    "credit_code": "credit_code",
    "jurisdiction": "jurisdiction",
    "economic_type": "economic_type",
    "industry": "industry",
    "employees": "employees",
    "address": "address",
    "contact": "contact",
    "phone": "phone",
    "joint_union": "joint_union",
    "union_since": "union_since",
    "on": "union_since",
    "status": "union_status",
}


@registry.register
class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = gettext_lazy("企业")
    description = gettext_lazy(
        "辖区内企业的登记信息和建会状态。已登记的统一社会信用代码表示更新该企业（留空的单元格不修改），"
        "新的代码表示新登记。未建会的企业可由导入建会，联合工会覆盖的企业可升级为独立建会。"
    )
    permission = Perm.IMPORT_RECORDS
    columns = (
        Column("name", "单位名称", required=True, help=gettext_lazy("最多 200 字。")),
        Column(
            "credit_code",
            "统一社会信用代码",
            required=True,
            help=gettext_lazy("18 位，含校验位；已登记的代码表示更新该企业。"),
        ),
        Column(
            "jurisdiction",
            "所属工会",
            required=True,
            help=gettext_lazy("企业所在街道、镇或地区总工会的工会代码，须在您的管辖范围内。"),
        ),
        Column(
            "economic_type",
            "经济类型",
            required=True,
            help=_choose_help(EconomicType),
            choices=_labels(EconomicType),
        ),
        Column(
            "industry",
            "行业",
            help=gettext_lazy("国民经济行业门类，写字母（如 C）或名称（如 制造业）。"),
        ),
        Column("employees", "职工人数", help=gettext_lazy("整数。")),
        Column(
            "union_status",
            "建会状态",
            help=format_lazy(
                gettext_lazy("填写：{names}；留空表示未建会（已登记的企业不变）。"),
                names="、".join(STATUS_NAMES),
            ),
            choices=tuple(STATUS_NAMES),
        ),
        Column(
            "joint_union",
            "联合工会",
            help=gettext_lazy(
                "联合工会覆盖时必填：覆盖该企业的联合工会的工会代码，须在所属工会之下。"
            ),
        ),
        Column(
            "union_since",
            "建会日期",
            help=gettext_lazy("已建会时必填，如 2024-03-01，不能晚于今天。"),
        ),
        Column("address", "地址"),
        Column("contact", "联系人"),
        Column("phone", "联系电话"),
    )

    def validate(self, table: Table, *, user) -> Plan:
        return _EnterpriseCheck(importer=self, table=table, user=user).run()

    def write(self, plan: Plan, *, user) -> None:
        creates = [action.data for action in plan.actions if action.op == Op.CREATE]
        updates = [action for action in plan.actions if action.op == Op.UPDATE]
        services.enterprises_import(
            actor=user,
            creates=[
                services.EnterpriseRecord(
                    fields=data.fields,
                    status=data.status or Status.NONE,
                    joint_union_id=data.joint_union_id,
                    union_since=data.union_since,
                )
                for data in creates
            ],
            updates={a.data.enterprise_id: a.data.fields for a in updates if a.data.fields},
            file_name=self.file_name,
            row_count=len(plan.actions),
            federation=Federation.objects.lowest_above(
                {action.data.jurisdiction_path for action in plan.actions}
            ),
        )
        errors: list[RowError] = []
        changes = [action for action in updates if action.data.status is not None]
        enterprises = Enterprise.objects.in_bulk([a.data.enterprise_id for a in changes])
        joint_unions = Federation.objects.in_bulk(
            [a.data.joint_union_id for a in changes if a.data.joint_union_id]
        )
        for action in changes:
            data: EnterprisePlan = action.data
            enterprise = enterprises[data.enterprise_id]
            try:
                if data.status == Status.INDEPENDENT and enterprise.union_status == Status.JOINT:
                    services.union_upgrade(
                        actor=user, enterprise=enterprise, on=data.union_since, note=_("导入")
                    )
                else:
                    services.union_found(
                        actor=user,
                        enterprise=enterprise,
                        status=data.status,
                        joint_union=joint_unions.get(data.joint_union_id),
                        on=data.union_since,
                        note=_("导入"),
                    )
            except ValidationError as error:
                errors.extend(
                    self.errors_from_validation(
                        action.row, error, fields=ENTERPRISE_FIELD_COLUMNS, default="union_status"
                    )
                )
        if errors:
            raise RowErrors(errors)


class _RowCheck:
    """The validation of one file: the rows, the database's view of them, every error found."""

    def __init__(self, *, importer: Importer, table: Table, user) -> None:
        self.importer = importer
        self.table = table
        self.user = user
        self.errors: list[RowError] = []
        self.cells = _Cells()
        self.today = timezone.localdate()
        self.scope: dict[str, bool] = {}  # federation path → may the user import there
        present = table.present
        self.required = [c.key for c in importer.columns if c.value_required and c.key in present]

    def plan(self, rows) -> Plan:
        """Each row checked in file order; `seen` maps a row's key to its first row number."""
        plan = Plan(errors=self.errors)
        seen: dict[str, int] = {}
        for row in rows:
            action = self.check(row, seen)
            if action is not None:
                plan.actions.append(action)
        return plan

    def check(self, row, seen: dict[str, int]) -> Action | None:
        raise NotImplementedError

    def fail(self, row, key: str, message, value=None) -> None:
        self.errors.append(self.importer.error(row, key, str(message), value=value))

    def may_import_at(self, path: str) -> bool:
        """May the user import at the federation with this path (cached per path)?"""
        if self.user is None:
            return True
        allowed = self.scope.get(path)
        if allowed is None:
            allowed = self.scope[path] = user_can(
                self.user, Perm.IMPORT_RECORDS, Federation(path=path)
            )
        return allowed


class _EnterpriseCheck(_RowCheck):
    def __init__(self, *, importer: EnterpriseImporter, table: Table, user) -> None:
        super().__init__(importer=importer, table=table, user=user)
        present = table.present
        self.has_joint = "joint_union" in present
        self.has_since = "union_since" in present
        self.readers = {
            "economic_type": _choice_reader(EconomicType),
            "industry": _choice_reader(Industry),
        }

    def run(self) -> Plan:
        rows = list(self.table)
        read = self.cells.read
        codes = {read("code", row.raw("jurisdiction"), clean_code) for row in rows}
        codes |= {read("code", row.raw("joint_union"), clean_code) for row in rows}
        self.federations = {f.code: f for f in Federation.objects.filter(code__in=codes - {""})}
        credit_codes = {read("credit_code", row.raw("credit_code"), _code) for row in rows}
        self.existing = {
            e.credit_code: e
            for e in Enterprise.objects.filter(
                credit_code__in=_unnest(credit_codes, "varchar")
            ).select_related("jurisdiction", "joint_union")
        }
        return self.plan(rows)

    def federation(self, row, key: str) -> Federation | None:
        """The federation a code cell names, if it exists and lies in the user's scope; an
        error otherwise (outside the scope reads as not found)."""
        code = self.cells.read("code", row.raw(key), clean_code)
        federation = self.federations.get(code)
        if federation is None or not self.may_import_at(federation.path):
            self.fail(
                row,
                key,
                _("工会代码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code},
            )
            return None
        return federation

    def check(self, row, seen: dict[str, int]) -> Action | None:
        table = self.table
        before = len(self.errors)
        missing = {key for key in self.required if not row.text(key)}
        for key in missing:
            self.fail(row, key, _("必填，不能为空。"), value="")

        def has(key):
            return key not in missing

        values: dict[str, Any] = {}
        credit_code = self.cells.read("credit_code", row.raw("credit_code"), _code)
        if has("credit_code"):
            try:
                validate_credit_code(credit_code)
            except ValidationError as error:
                self.fail(row, "credit_code", _message(error))
            if credit_code in seen:
                self.fail(
                    row,
                    "credit_code",
                    _("统一社会信用代码与第 %(row)s 行重复，同一企业只能出现一次。")
                    % {"row": seen[credit_code]},
                )
            else:
                seen[credit_code] = row.number
        existing = self.existing.get(credit_code)
        if existing is not None and not self.may_import_at(existing.jurisdiction.path):
            self.fail(
                row,
                "credit_code",
                _("该统一社会信用代码已由其他辖区登记，不能在这里导入或修改。"),
            )
            return None

        name = row.text("name")
        if has("name"):
            if len(name) > 200:
                self.fail(row, "name", _("单位名称最多 200 字。"))
            values["name"] = name
        jurisdiction = self.federation(row, "jurisdiction") if has("jurisdiction") else None
        if jurisdiction is not None:
            try:
                services.check_jurisdiction(jurisdiction)
                values["jurisdiction"] = jurisdiction
            except ValidationError as error:
                self.fail(row, "jurisdiction", _message(error))
                jurisdiction = None
        if has("economic_type"):
            self.read_choice(row, "economic_type", values)
        if table.has("industry") and row.text("industry"):
            self.read_choice(row, "industry", values)
        if table.has("employees") and row.text("employees"):
            try:
                employees = self.cells.read("employees", row.raw("employees"), parse_int_cell)
                if employees < 0:
                    raise CellError(_("职工人数不能为负数。"))
                values["employees"] = employees
            except CellError as error:
                self.fail(row, "employees", str(error))
        for key, limit in (("address", 200), ("contact", 50), ("phone", 30)):
            if table.has(key) and row.text(key):
                text = row.text(key)
                if len(text) > limit:
                    self.fail(row, key, _("最多 %(limit)s 字。") % {"limit": limit})
                values[key] = text

        status = self.read_status(row, jurisdiction, existing)
        if len(self.errors) > before:
            return None
        return self.action(row, credit_code, values, existing, status)

    def read_choice(self, row, key, values) -> None:
        try:
            values[key] = self.cells.read(key, row.raw(key), self.readers[key])
        except ValidationError as error:
            self.fail(row, key, _message(error))

    def read_status(self, row, jurisdiction, existing) -> tuple | None:
        """(status, joint union, date) the row states, None when it states none; errors for an
        impossible combination."""
        text = row.text("union_status") if self.table.has("union_status") else ""
        read = self.cells.read
        joint_code = read("code", row.raw("joint_union"), clean_code) if self.has_joint else ""
        try:
            since = (
                read("date", row.raw("union_since"), parse_date_cell) if self.has_since else None
            )
        except CellError as error:
            self.fail(row, "union_since", str(error))
            return None
        if not text:
            if existing is None and (joint_code or since):
                self.fail(row, "union_status", _("填写了联合工会或建会日期，请同时填写建会状态。"))
            return None
        status = STATUS_NAMES.get(text) or STATUS_ALIASES.get(text)
        if status is None:
            self.fail(
                row,
                "union_status",
                _("建会状态只能是：%(names)s。") % {"names": "、".join(STATUS_NAMES)},
            )
            return None
        if status == Status.NONE:
            if joint_code or since:
                self.fail(row, "union_status", _("未建会的企业不能填写联合工会或建会日期。"))
            return (status, None, None)
        if since is None:
            self.fail(row, "union_since", _("已建会的企业必须填写建会日期。"), value="")
        else:
            if since > self.today:  # (the message is only looked up when needed)
                try:
                    validate_not_future(since, what=_("建会日期"), today=self.today)
                except ValidationError as error:
                    self.fail(row, "union_since", _message(error))
        joint_union = None
        if status == Status.JOINT:
            if not joint_code:
                self.fail(
                    row, "joint_union", _("联合工会覆盖必须填写联合工会的工会代码。"), value=""
                )
            else:
                joint_union = self.federation(row, "joint_union")
                target = jurisdiction or (existing.jurisdiction if existing else None)
                if joint_union is not None and target is not None:
                    try:
                        services.check_joint_union(joint_union=joint_union, jurisdiction=target)
                    except ValidationError as error:
                        self.fail(row, "joint_union", _message(error))
        elif joint_code:
            self.fail(row, "joint_union", _("只有联合工会覆盖才需要填写联合工会。"))
        return (status, joint_union, since)

    def action(self, row, credit_code, values, existing, status) -> Action | None:
        label = f"{credit_code} {values.get('name') or (existing.name if existing else '')}"
        if existing is None:
            fields = {
                "name": values["name"],
                "credit_code": credit_code,
                "jurisdiction_id": values["jurisdiction"].pk,
                "economic_type": values["economic_type"],
                "industry": values.get("industry", ""),
                "employees": values.get("employees", 0),
                "address": values.get("address", ""),
                "contact": values.get("contact", ""),
                "phone": values.get("phone", ""),
            }
            plan = EnterprisePlan(
                fields=fields,
                jurisdiction_path=values["jurisdiction"].path,
            )
            if status is not None and status[0] != Status.NONE:
                plan.status, joint_union, plan.union_since = status
                plan.joint_union_id = joint_union.pk if joint_union else None
            return Action(row=row.number, op=Op.CREATE, key=label, data=plan)
        return self.update(row, label, values, existing, status)

    def update(self, row, label, values, existing: Enterprise, status) -> Action | None:
        importer = self.importer
        changed: dict[str, Any] = {}
        changes: list[Change] = []
        for key, value in values.items():
            old = getattr(existing, key)
            if old != value:
                changed[key] = value
                changes.append(
                    Change(importer.header(key), self.show(key, old), self.show(key, value))
                )
        jurisdiction = values.get("jurisdiction", existing.jurisdiction)
        if (
            "jurisdiction" in changed
            and existing.union_status == Status.JOINT
            and (status is None or status[0] == Status.JOINT)
            and not existing.joint_union.path.startswith(jurisdiction.path)
        ):
            self.fail(
                row,
                "jurisdiction",
                _("该企业由“%(joint)s”覆盖，不在新的所属工会之下，请先在企业页面调整建会状态。")
                % {"joint": existing.joint_union.name},
            )
            return None
        plan = EnterprisePlan(
            fields=changed,
            enterprise_id=existing.pk,
            jurisdiction_path=jurisdiction.path,
        )
        if status is not None:
            new, joint_union, since = status
            current = existing.union_status
            if new == current:
                if new == Status.JOINT and joint_union != existing.joint_union:
                    self.fail(
                        row,
                        "joint_union",
                        _("该企业现由“%(joint)s”覆盖；不能通过导入更换联合工会。")
                        % {"joint": existing.joint_union.name},
                    )
                elif new != Status.NONE and since != existing.union_since:
                    self.fail(
                        row,
                        "union_since",
                        _("建会日期与系统记录（%(date)s）不同；已登记的建会日期不能通过导入修改。")
                        % {"date": existing.union_since.isoformat()},
                    )
            elif (current, new) in (
                (Status.NONE, Status.JOINT),
                (Status.NONE, Status.INDEPENDENT),
            ) or (current == Status.JOINT and new == Status.INDEPENDENT):
                if existing.union_since and since and since <= existing.union_since:
                    self.fail(
                        row,
                        "union_since",
                        _("建会日期应晚于现状态的生效日期 %(date)s。")
                        % {"date": existing.union_since.isoformat()},
                    )
                plan.status, plan.union_since = new, since
                plan.joint_union_id = joint_union.pk if joint_union else None
                changes.append(
                    Change(
                        importer.header("union_status"),
                        str(Status(current).label),
                        f"{Status(new).label}（{since.isoformat()}）",
                    )
                )
            else:
                self.fail(
                    row,
                    "union_status",
                    _("不能通过导入由“%(old)s”改为“%(new)s”；撤销建会请在企业页面办理。")
                    % {"old": Status(current).label, "new": Status(new).label},
                )
            if self.errors and self.errors[-1].row == row.number:
                return None
        op = Op.UPDATE if changes else Op.UNCHANGED
        return Action(row=row.number, op=op, key=label, changes=tuple(changes), data=plan)

    @staticmethod
    def show(key: str, value: Any) -> str:
        if isinstance(value, Federation):
            return f"{value.code} {value.name}"
        if key == "economic_type" and value:
            return str(EconomicType(value).label)
        if key == "industry" and value:
            return f"{value} {Industry(value).label}"
        return "" if value is None else str(value)


# --- members ------------------------------------------------------------------------------------

MEMBER_CHOICES = {
    "ethnicity": Ethnicity,
    "education": Education,
    "political_status": PoliticalStatus,
    "household_type": HouseholdType,
    "employment_status": EmploymentStatus,
    "skill_level": SkillLevel,
}
MEMBER_DETAILS = ("name", "phone", *MEMBER_CHOICES, "migrant_worker")
MEMBER_FIELD_COLUMNS = {
    "name": "name",
    "id_number": "id_number",
    "sex": "sex",
    "phone": "phone",
    "joined_on": "joined_on",
    "on": "transferred_on",
    "card_number": "card_number",
    "enterprise": "enterprise",
    "to_enterprise": "enterprise",
    **{key: key for key in MEMBER_CHOICES},
}


class MemberOp:
    REGISTER = "register"  # a new person
    UPDATE = "update"  # details of a member of this enterprise
    TRANSFER = "transfer"  # 会籍接转 from another enterprise
    JOIN = "join"  # a member who left, joining again


@dataclass
class MemberPlan:
    op: str
    id_number: str
    enterprise_id: int
    jurisdiction_path: str
    details: dict[str, Any] = field(default_factory=dict)
    member_id: int | None = None
    sex: str = ""
    birth_date: datetime.date | None = None
    joined_on: datetime.date | None = None
    card_number: str = ""
    membership_id: int | None = None
    membership_changes: dict[str, Any] = field(default_factory=dict)


@registry.register
class MemberImporter(Importer):
    kind = "members"
    label = gettext_lazy("会员")
    description = gettext_lazy(
        "会员名册。新的身份证号表示新会员入会；已登记的身份证号更新该会员（留空的单元格不修改）。"
        "已在其他单位入会的人员，填写“转入日期”即办理会籍接转。"
    )
    permission = Perm.IMPORT_RECORDS
    columns = (
        Column("name", "姓名", required=True),
        Column(
            "id_number",
            "身份证号",
            required=True,
            help=gettext_lazy("18 位，含校验位；请把该列设为“文本”格式，否则 Excel 会丢失末几位。"),
        ),
        Column(
            "sex", "性别", help=gettext_lazy("可选；填写时须与身份证号一致。"), choices=("男", "女")
        ),
        Column("phone", "手机号", help=gettext_lazy("11 位手机号。")),
        Column(
            "enterprise",
            "单位统一社会信用代码",
            required=True,
            help=gettext_lazy("会员所在单位的统一社会信用代码，该单位须已登记且在您的管辖范围内。"),
        ),
        Column(
            "joined_on",
            "入会日期",
            required=True,
            blank=True,
            help=gettext_lazy("新会员必填，如 2024-03-01；不能晚于今天，不能早于年满 16 周岁。"),
        ),
        Column("card_number", "会员卡号"),
        Column("ethnicity", "民族", help=gettext_lazy("如 汉族、回族。")),
        Column("education", "学历", help=_choose_help(Education)),
        Column("political_status", "政治面貌", help=_choose_help(PoliticalStatus)),
        Column(
            "household_type",
            "户籍类型",
            help=_choose_help(HouseholdType),
            choices=_labels(HouseholdType),
        ),
        Column(
            "migrant_worker", "是否农民工", help=gettext_lazy("是 或 否。"), choices=("是", "否")
        ),
        Column("employment_status", "就业状态", help=_choose_help(EmploymentStatus)),
        Column("skill_level", "技能等级", help=_choose_help(SkillLevel)),
        Column(
            "transferred_on",
            "转入日期",
            help=gettext_lazy("会籍接转时填写：该人员在其他单位有有效会籍，自该日期转入本单位。"),
        ),
    )

    def validate(self, table: Table, *, user) -> Plan:
        return _MemberCheck(importer=self, table=table, user=user).run()

    def write(self, plan: Plan, *, user) -> None:
        changes = [action for action in plan.actions if action.op != Op.UNCHANGED]
        registers = [a.data for a in changes if a.data.op == MemberOp.REGISTER]
        services.members_import(
            actor=user,
            registers=[
                services.MemberRecord(
                    fields={
                        **data.details,
                        "id_number": data.id_number,
                        "sex": data.sex,
                        "birth_date": data.birth_date,
                    },
                    enterprise_id=data.enterprise_id,
                    joined_on=data.joined_on,
                    card_number=data.card_number,
                )
                for data in registers
            ],
            member_updates={
                a.data.member_id: a.data.details
                for a in changes
                if a.data.details and a.data.member_id
            },
            membership_updates={
                a.data.membership_id: a.data.membership_changes
                for a in changes
                if a.data.membership_changes
            },
            file_name=self.file_name,
            row_count=len(plan.actions),
            federation=Federation.objects.lowest_above(
                {a.data.jurisdiction_path for a in plan.actions}
            ),
        )
        errors: list[RowError] = []
        moves = [a for a in changes if a.data.op in (MemberOp.TRANSFER, MemberOp.JOIN)]
        enterprises = Enterprise.objects.select_related("jurisdiction").in_bulk(
            {a.data.enterprise_id for a in moves}
        )
        members = Member.objects.in_bulk([a.data.member_id for a in moves])
        for action in moves:
            data: MemberPlan = action.data
            member = members[data.member_id]
            try:
                if data.op == MemberOp.TRANSFER:
                    services.membership_transfer(
                        actor=user,
                        member=member,
                        to_enterprise=enterprises[data.enterprise_id],
                        on=data.joined_on,
                        card_number=data.card_number,
                    )
                else:
                    services.membership_join(
                        actor=user,
                        member=member,
                        enterprise=enterprises[data.enterprise_id],
                        joined_on=data.joined_on,
                        card_number=data.card_number,
                    )
            except ValidationError as error:
                default = "transferred_on" if data.op == MemberOp.TRANSFER else "joined_on"
                errors.extend(
                    self.errors_from_validation(
                        action.row, error, fields=MEMBER_FIELD_COLUMNS, default=default
                    )
                )
        if errors:
            raise RowErrors(errors)


class _MemberCheck(_RowCheck):
    def __init__(self, *, importer: MemberImporter, table: Table, user) -> None:
        super().__init__(importer=importer, table=table, user=user)
        present = table.present
        readers = {
            "sex": _choice_reader(Sex),
            "phone": clean_code,
            **{key: _choice_reader(choices) for key, choices in MEMBER_CHOICES.items()},
            "migrant_worker": _yes_no,
        }
        # (key, reader, that column's cache): the loop in check() looks a repeated value up
        # itself, without a call per cell
        self.readers = [
            (key, reader, self.cells.cache(key))
            for key, reader in readers.items()
            if key in present
        ]
        self.has_card = "card_number" in present

    def run(self) -> Plan:
        rows = list(self.table)
        cells = self.cells
        codes = {cells.read("enterprise", row.raw("enterprise"), _code) for row in rows}
        self.enterprises = {
            code: (pk, path)
            for code, pk, path in Enterprise.objects.filter(
                credit_code__in=_unnest(codes, "varchar")
            ).values_list("credit_code", "pk", "jurisdiction__path")
        }
        numbers = {cells.read("id_number", row.raw("id_number"), _code) for row in rows}
        self.members = {}
        self.open_memberships = {}
        self.membership_counts = {}
        self.last_left: dict[int, datetime.date] = {}  # member → their latest leaving date
        if numbers:
            fields = ("pk", "id_number", *MEMBER_DETAILS)
            found = Member.objects.filter(id_number__in=_unnest(numbers, "varchar")).values_list(
                *fields
            )
            for values in found:
                self.members[values[1]] = dict(zip(fields, values, strict=True))
        if self.members:
            ids = [member["pk"] for member in self.members.values()]
            for membership in Membership.objects.filter(
                member_id__in=_unnest(ids, "bigint")
            ).values(
                "pk",
                "member_id",
                "enterprise_id",
                "joined_on",
                "left_on",
                "card_number",
                "transferred_from_id",
            ):
                member_id = membership["member_id"]
                self.membership_counts[member_id] = self.membership_counts.get(member_id, 0) + 1
                left_on = membership["left_on"]
                if left_on is None:
                    self.open_memberships[member_id] = membership
                else:
                    self.last_left[member_id] = max(left_on, self.last_left.get(member_id, left_on))
        return self.plan(rows)

    def read_id_number(self, row) -> str | None:
        raw = row.raw("id_number")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.fail(
                row,
                "id_number",
                _(
                    "身份证号被存成了数字，Excel 只保留 15 位有效数字，末几位已经丢失。"
                    "请把该列设为“文本”格式，重新填写后再导入。"
                ),
            )
            return None
        number = self.cells.read("id_number", raw, _code)  # read once already, in run()
        if SCIENTIFIC.fullmatch(number):
            self.fail(
                row,
                "id_number",
                _(
                    "身份证号是科学计数法（如 1.10105E+17），末几位已经丢失。"
                    "请把该列设为“文本”格式，重新填写后再导入。"
                ),
            )
            return None
        return number

    def check(self, row, seen: dict[str, int]) -> Action | None:
        before = len(self.errors)
        missing = [key for key in self.required if not row.text(key)]
        if missing:
            for key in missing:
                self.fail(row, key, _("必填，不能为空。"), value="")
            return None

        number = self.read_id_number(row)
        if number is None:
            return None
        try:
            sex, birth_date = id_number_info(number, today=self.today)
        except ValidationError as error:
            self.fail(row, "id_number", _message(error))
            return None
        if number in seen:
            self.fail(
                row,
                "id_number",
                _("身份证号与第 %(row)s 行重复，同一人只能出现一次。") % {"row": seen[number]},
            )
            return None
        seen[number] = row.number

        cells, values = self.cells, row.values
        name = row.text("name")
        if len(name) > 50:
            self.fail(row, "name", _("姓名最多 50 字。"))
        details: dict[str, Any] = {"name": name}
        for key, reader, cache in self.readers:
            raw = values[key]
            if raw is None or raw == "":
                continue
            value = cache.get(raw, _UNREAD) if type(raw) is not bool else _UNREAD
            if value is _UNREAD or isinstance(value, Exception):
                try:
                    value = cells.read(key, raw, reader)
                except (ValidationError, CellError) as error:
                    self.fail(
                        row, key, _message(error) if isinstance(error, ValidationError) else error
                    )
                    continue
            if value != "" and value is not None:
                details[key] = value
        given = details.pop("sex", None)
        if given is not None and given != sex:
            self.fail(
                row,
                "sex",
                _("性别“%(given)s”与身份证号不符：身份证号第17位表示“%(derived)s”。")
                % {"given": Sex(given).label, "derived": Sex(sex).label},
            )
        phone = details.get("phone")
        if phone is not None:
            try:
                validate_mobile_phone(phone)
            except ValidationError as error:
                self.fail(row, "phone", _message(error))
        card_number = row.text("card_number") if self.has_card else ""
        if len(card_number) > 30:
            self.fail(row, "card_number", _("会员卡号最多 30 位。"))

        code = cells.read("enterprise", values["enterprise"], _code)
        enterprise = self.enterprises.get(code)
        if enterprise is None or not self.may_import_at(enterprise[1]):
            self.fail(
                row,
                "enterprise",
                _("单位“%(code)s”未登记或不在您的管辖范围内；请先登记该企业。") % {"code": code},
            )
            return None
        enterprise_id, path = enterprise
        joined_on = self.read_date(row, "joined_on", birth_date)
        transferred_on = self.read_date(row, "transferred_on", birth_date)
        if len(self.errors) > before:
            return None

        plan = MemberPlan(
            op=MemberOp.REGISTER,
            id_number=number,
            enterprise_id=enterprise_id,
            jurisdiction_path=path,
            sex=sex,
            birth_date=birth_date,
            card_number=card_number,
        )
        label = f"{name} {mask_id_number(number)}"
        member = self.members.get(number)
        if member is None:
            if joined_on is None:
                self.fail(row, "joined_on", _("新会员必须填写入会日期。"), value="")
                return None
            if transferred_on is not None:
                self.fail(
                    row,
                    "transferred_on",
                    _("该身份证号尚未登记为会员，不能办理会籍接转；新会员请只填写入会日期。"),
                )
                return None
            details.setdefault("migrant_worker", False)
            plan.details, plan.joined_on = details, joined_on
            return Action(row=row.number, op=Op.CREATE, key=label, data=plan)
        return self.existing(row, plan, label, member, details, joined_on, transferred_on)

    def read_date(self, row, key, birth_date) -> datetime.date | None:
        if key not in self.table.present:
            return None
        try:
            value = self.cells.read("date", row.values[key], parse_date_cell)
        except CellError as error:
            self.fail(row, key, str(error))
            return None
        if value is not None:
            try:
                validate_join_date(value, birth_date=birth_date, today=self.today)
            except ValidationError as error:
                self.fail(row, key, _message(error))
        return value

    def existing(self, row, plan, label, member, details, joined_on, transferred_on):
        plan.member_id = member["pk"]
        current = self.open_memberships.get(member["pk"])
        changes: list[Change] = []
        if current is not None and current["enterprise_id"] == plan.enterprise_id:
            plan.op = MemberOp.UPDATE
            if transferred_on is not None:
                self.fail(row, "transferred_on", _("该会员已在本单位，无需会籍接转。"))
                return None
            if joined_on is not None and joined_on != current["joined_on"]:
                if current["transferred_from_id"] or self.membership_counts[member["pk"]] > 1:
                    self.fail(
                        row,
                        "joined_on",
                        _(
                            "入会日期与系统记录（%(date)s）不同；有会籍历史的会员不能通过导入改入会日期。"
                        )
                        % {"date": current["joined_on"].isoformat()},
                    )
                    return None
                plan.membership_changes["joined_on"] = joined_on
                changes.append(
                    Change(
                        self.importer.header("joined_on"),
                        current["joined_on"].isoformat(),
                        joined_on.isoformat(),
                    )
                )
            if plan.card_number and plan.card_number != current["card_number"]:
                plan.membership_changes["card_number"] = plan.card_number
                changes.append(
                    Change(
                        self.importer.header("card_number"),
                        current["card_number"],
                        plan.card_number,
                    )
                )
            if plan.membership_changes:
                plan.membership_id = current["pk"]
        elif current is not None:
            if transferred_on is None:
                self.fail(
                    row,
                    "transferred_on",
                    _("该身份证号已在其他单位登记为在会会员；如为会籍接转，请填写“转入日期”。"),
                    value="",
                )
                return None
            if transferred_on < current["joined_on"]:
                self.fail(
                    row,
                    "transferred_on",
                    _("转入日期早于该会员在原单位的入会日期 %(date)s。")
                    % {"date": current["joined_on"].isoformat()},
                )
                return None
            plan.op, plan.joined_on = MemberOp.TRANSFER, transferred_on
            changes.append(
                Change(self.importer.header("transferred_on"), "", transferred_on.isoformat())
            )
        else:
            if transferred_on is not None:
                self.fail(
                    row,
                    "transferred_on",
                    _("该会员目前没有有效会籍，不能办理会籍接转；重新入会请填写入会日期。"),
                )
                return None
            if joined_on is None:
                self.fail(row, "joined_on", _("该会员已离会，重新入会请填写入会日期。"), value="")
                return None
            left = self.last_left.get(member["pk"])
            if left is not None and joined_on < left:
                self.fail(
                    row,
                    "joined_on",
                    _("入会日期早于该会员上一段会籍的离会日期 %(date)s。")
                    % {"date": left.isoformat()},
                )
                return None
            plan.op, plan.joined_on = MemberOp.JOIN, joined_on
            changes.append(Change(self.importer.header("joined_on"), "", joined_on.isoformat()))
        for key, value in details.items():
            if member[key] != value and (value or key == "migrant_worker"):
                plan.details[key] = value
                changes.append(
                    Change(
                        self.importer.header(key),
                        self.show(key, member[key]),
                        self.show(key, value),
                    )
                )
        op = Op.UPDATE if changes else Op.UNCHANGED
        return Action(row=row.number, op=op, key=label, changes=tuple(changes), data=plan)

    @staticmethod
    def show(key: str, value: Any) -> str:
        if key == "migrant_worker":
            return _("是") if value else _("否")
        choices = MEMBER_CHOICES.get(key)
        if choices is not None and value:
            return str(choices(value).label)
        return "" if value is None else str(value)
