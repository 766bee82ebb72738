"""Importing grant lists (帮扶发放名单): `python manage.py import_data grants FILE` and the import
page /imports/grants/, on the shared pipeline (all or nothing, every row's errors, exit codes
0/1/2).

Each row is checked with the rules the pages use — `services.grant_rules`, fed with `GrantFacts`
gathered for the whole file in a handful of queries — and the rows before it in the same file
count as if they were already in the database: a second 两节送温暖 for the same person in the
same year is an error whether the first is in the file or already recorded. Imported grants are
drafts, or approved when the importing user may approve at the paying federation (the operator at
the command line may). Nothing is written unless every row passes.
"""

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federations.models import Federation
from federations.permissions import Perm, user_can
from imports import registry
from imports.base import Action, Column, Importer, Op, Plan, RowError, Table
from imports.normalize import (
    CellError,
    clean_code,
    parse_date_cell,
    parse_int_cell,
    parse_money_cell,
)
from membership.models import Member
from membership.validators import mask_id_number, normalize_id_number, validate_id_number

from . import services
from .models import (
    AidBudget,
    AidProgram,
    Grant,
    HardshipFile,
    ModelWorkerTitle,
    StudyLevel,
)

ZERO = Decimal("0")
SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
# 帮扶项目 as staff write it, besides the programmes' own names (the file format: not translated)
PROGRAM_ALIASES = {
    "送温暖": "winter_warmth",
    "两节慰问": "winter_warmth",
    "送清凉": "summer_cooling",
    "夏送清凉": "summer_cooling",
    "助学": "study_aid",
    "金秋助学金": "study_aid",
    "临时救助": "emergency",
    "应急(临时)救助": "emergency",
    "应急（临时）救助": "emergency",
    "大病医疗救助": "serious_illness",
    "劳模": "model_worker",
    "三八慰问": "womens_day",
}
STUDY_ALIASES = {
    "大专": "junior_college",
    "高职": "junior_college",
    "硕士": "graduate",
    "博士": "graduate",
    "大学本科": "bachelor",
}
# model field (in a service's ValidationError) → column key
FIELD_COLUMNS = {
    "amount": "amount",
    "goods_value": "goods_value",
    "granted_on": "granted_on",
    "note": "note",
    "student_name": "student_name",
    "school": "school",
    "study_level": "study_level",
    "admission_year": "admission_year",
    "paying_federation": "paying_federation",
    "program": "program",
}


def _program_help():
    return format_lazy(
        gettext_lazy("填写项目名称：{names}。"),
        names="、".join(str(label) for label in AidProgram.Code.labels),
    )


@registry.register
class GrantImporter(Importer):
    kind = "grants"
    label = gettext_lazy("帮扶发放")
    description = gettext_lazy(
        "帮扶发放名单：每行一次发放。受助人须是已登记的会员；每行都按帮扶项目的规则检查"
        "（每人每年次数、单次金额上限、是否须在档困难职工、是否须为劳动模范、年度预算）。"
        "有审批权限的用户导入的记录直接为“已审批”，否则为“待审批”。"
    )
    permission = Perm.IMPORT_RECORDS
    columns = (
        Column(
            "id_number",
            "身份证号",
            required=True,
            help=gettext_lazy("受助会员的18位身份证号；请把该列设为“文本”格式。"),
        ),
        Column(
            "program",
            "帮扶项目",
            required=True,
            help=_program_help(),
            choices=tuple(str(label) for label in AidProgram.Code.labels),
        ),
        Column("amount", "金额", help=gettext_lazy("现金金额（元），如 500 或 1200.50。")),
        Column("goods_value", "物资折价", help=gettext_lazy("发放物资的折价（元）；可为空。")),
        Column("granted_on", "发放日期", required=True, help=gettext_lazy("如 2026-01-20。")),
        Column("note", "备注"),
        Column("student_name", "学生姓名", help=gettext_lazy("金秋助学必填。")),
        Column("school", "学校", help=gettext_lazy("金秋助学必填。")),
        Column(
            "study_level",
            "学历层次",
            help=gettext_lazy("金秋助学必填：专科、本科或研究生。"),
            choices=tuple(str(label) for label in StudyLevel.labels),
        ),
        Column("admission_year", "入学年份", help=gettext_lazy("金秋助学必填，如 2025。")),
        Column(
            "paying_federation",
            "发放工会",
            help=gettext_lazy("可选：发放工会的工会代码；留空为受助会员所在单位的所属工会。"),
        ),
    )

    def validate(self, table: Table, *, user) -> Plan:
        return _GrantCheck(importer=self, table=table, user=user).run()

    def write(self, plan: Plan, *, user) -> None:
        records = [action.data for action in plan.actions if action.op == Op.CREATE]
        payers = {record.paying_federation_id for record in records}
        paths = set(Federation.objects.filter(pk__in=payers).values_list("path", flat=True))
        services.grants_import(
            actor=user,
            records=records,
            file_name=self.file_name,
            row_count=len(plan.actions),
            federation=Federation.objects.lowest_above(paths),
        )


class _GrantCheck:
    def __init__(self, *, importer: GrantImporter, table: Table, user) -> None:
        self.importer = importer
        self.table = table
        self.user = user
        self.errors: list[RowError] = []
        self.today = timezone.localdate()
        self.scope: dict[tuple[str, str], bool] = {}

    # --- helpers ---------------------------------------------------------------------------

    def fail(self, row, key, message, value=None) -> None:
        self.errors.append(self.importer.error(row, key, str(message), value=value))

    def may(self, perm, path) -> bool:
        if self.user is None:
            return True
        allowed = self.scope.get((perm, path))
        if allowed is None:
            allowed = self.scope[(perm, path)] = user_can(self.user, perm, Federation(path=path))
        return allowed

    def text(self, row, key) -> str:
        return row.text(key) if self.table.has(key) else ""

    # --- loading -----------------------------------------------------------------------------

    def run(self) -> Plan:
        rows = list(self.table)
        numbers = {normalize_id_number(clean_code(row.raw("id_number"))) for row in rows}
        self.members = {
            values["id_number"]: values
            for values in Member.objects.filter(id_number__in=numbers).values(
                "pk",
                "id_number",
                "name",
                "is_model_worker",
                "current_enterprise__jurisdiction__path",
                "current_enterprise__jurisdiction_id",
            )
        }
        member_ids = [m["pk"] for m in self.members.values()]
        self.programs = {p.pk: p for p in AidProgram.objects.all()}
        self.program_names = {}
        for program in self.programs.values():
            self.program_names[program.name] = program
            self.program_names[str(AidProgram.Code(program.code).label)] = program
            self.program_names[program.code] = program
        for alias, code in PROGRAM_ALIASES.items():
            found = next((p for p in self.programs.values() if p.code == code), None)
            if found is not None:
                self.program_names.setdefault(alias, found)
        codes = {clean_code(row.raw("paying_federation")) for row in rows} - {""}
        self.federations = (
            {f.code: f for f in Federation.objects.filter(code__in=codes)} if codes else {}
        )
        self.federations_by_id = {
            f.pk: f
            for f in Federation.objects.filter(
                pk__in={m["current_enterprise__jurisdiction_id"] for m in self.members.values()}
                - {None}
            )
        }
        self.federations_by_id.update({f.pk: f for f in self.federations.values()})
        # grants that count against the per-year limits: (member, program, year, student) → n
        self.counted: dict[tuple, int] = defaultdict(int)
        self.in_file: dict[tuple, list[int]] = defaultdict(list)
        for member_id, program_id, granted_on, student in (
            Grant.objects.counting()
            .filter(recipient_id__in=member_ids)
            .values_list("recipient_id", "program_id", "granted_on", "student_name")
        ):
            self.counted[self._limit_key(member_id, program_id, granted_on.year, student)] += 1
        self.files: dict[int, list] = defaultdict(list)
        for member_id, pk, opened_on, lifted_out_on in HardshipFile.objects.filter(
            member_id__in=member_ids
        ).values_list("member_id", "pk", "opened_on", "lifted_out_on"):
            self.files[member_id].append((pk, opened_on, lifted_out_on))
        self.first_title: dict[int, int] = {}
        for member_id, year in ModelWorkerTitle.objects.filter(
            member_id__in=member_ids
        ).values_list("member_id", "year"):
            self.first_title[member_id] = min(year, self.first_title.get(member_id, year))
        self.budgets = {
            (fed, program, year): amount
            for fed, program, year, amount in AidBudget.objects.values_list(
                "federation_id", "program_id", "year", "amount"
            )
        }
        self.used: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        if self.budgets:
            for fed, program, year, used in (
                Grant.objects.committed()
                .filter(paying_federation_id__in={key[0] for key in self.budgets})
                .values_list("paying_federation_id", "program_id", "granted_on__year")
                .annotate(used=Sum(F("amount") + F("goods_value")))
                .order_by()
            ):
                self.used[(fed, program, year)] += used
        plan = Plan(errors=self.errors)
        for row in rows:
            action = self.check(row)
            if action is not None:
                plan.actions.append(action)
        return plan

    def _limit_key(self, member_id, program_id, year, student):
        program = self.programs[program_id]
        return (
            member_id,
            program_id,
            year,
            services.student_key(student) if program.per_student else "",
        )

    # --- one row -----------------------------------------------------------------------------

    def read(self, row, key, reader):
        if not self.table.has(key):
            return None
        try:
            return reader(row.raw(key))
        except CellError as error:
            self.fail(row, key, str(error))
            raise

    def check(self, row) -> Action | None:
        before = len(self.errors)
        for key in ("id_number", "program", "granted_on"):
            if not row.text(key):
                self.fail(row, key, _("必填，不能为空。"), value="")
        if len(self.errors) > before:
            return None
        member = self.member(row)
        program = self.program(row)
        values = {}
        for key, reader in (
            ("amount", parse_money_cell),
            ("goods_value", parse_money_cell),
            ("granted_on", parse_date_cell),
            ("admission_year", parse_int_cell),
        ):
            try:
                values[key] = self.read(row, key, reader)
            except CellError:
                values[key] = None
        study_level = ""
        if self.text(row, "study_level"):
            study_level = self.study_level(row)
        if len(self.errors) > before or member is None or program is None:
            return None
        amount = values["amount"] or ZERO
        goods_value = values["goods_value"] or ZERO
        granted_on: datetime.date = values["granted_on"]
        if amount == ZERO and goods_value == ZERO:
            self.fail(row, "amount", _("现金金额和物资折价不能都为 0 或空。"))
            return None
        federation = self.paying_federation(row, member)
        if federation is None:
            return None
        note = self.text(row, "note")
        if len(note) > 200:
            self.fail(row, "note", _("备注最多 200 字。"))
            return None
        study = {
            "student_name": services.student_key(self.text(row, "student_name")),
            "school": self.text(row, "school"),
            "study_level": study_level,
            "admission_year": values["admission_year"],
        }
        year = granted_on.year
        limit_key = self._limit_key(member["pk"], program.pk, year, study["student_name"])
        budget_key = (federation.pk, program.pk, year)
        approved = self.may(Perm.APPROVE_GRANTS, federation.path)
        hardship_file = next(
            (
                pk
                for pk, opened_on, lifted_out_on in self.files.get(member["pk"], ())
                if opened_on <= granted_on and (lifted_out_on is None or lifted_out_on > granted_on)
            ),
            None,
        )
        first_title = self.first_title.get(member["pk"])
        facts = services.GrantFacts(
            grants_this_year=self.counted[limit_key],
            has_active_file=hardship_file is not None,
            is_model_worker=member["is_model_worker"]
            or (first_title is not None and first_title <= year),
            budget=self.budgets.get(budget_key),
            budget_used=self.used[budget_key],
        )
        try:
            services.grant_rules(
                program=program,
                federation=federation,
                recipient_name=member["name"],
                recipient_path=member["current_enterprise__jurisdiction__path"],
                amount=amount,
                goods_value=goods_value,
                granted_on=granted_on,
                facts=facts,
                study=study,
            )
        except ValidationError as error:
            errors = self.importer.errors_from_validation(
                row, error, fields=FIELD_COLUMNS, default="program"
            )
            earlier = self.in_file.get(limit_key)
            if earlier:
                errors = [
                    RowError(
                        row=e.row,
                        column=e.column,
                        value=e.value,
                        message=e.message
                        + (
                            _("（本文件第 %(rows)s 行已有）")
                            % {"rows": "、".join(str(n) for n in earlier)}
                            if "次数上限" in e.message
                            else ""
                        ),
                    )
                    for e in errors
                ]
            self.errors.extend(errors)
            return None
        self.counted[limit_key] += 1
        self.in_file[limit_key].append(row.number)
        if approved:
            self.used[budget_key] += amount + goods_value
        record = services.GrantRecord(
            recipient_id=member["pk"],
            program_id=program.pk,
            paying_federation_id=federation.pk,
            hardship_file_id=hardship_file,
            amount=amount,
            goods_value=goods_value,
            granted_on=granted_on,
            note=note,
            approved=approved,
            **study,
        )
        key = _("%(name)s %(id)s · %(program)s · %(value)s 元 · %(date)s%(state)s") % {
            "name": member["name"],
            "id": mask_id_number(member["id_number"]),
            "program": program.name,
            "value": f"{amount + goods_value:,.2f}",
            "date": granted_on.isoformat(),
            "state": _("（已审批）") if approved else _("（待审批）"),
        }
        return Action(row=row.number, op=Op.CREATE, key=key, data=record)

    def member(self, row):
        raw = row.raw("id_number")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.fail(
                row,
                "id_number",
                _(
                    "身份证号被存成了数字，末几位已经丢失。请把该列设为“文本”格式，重新填写后再导入。"
                ),
            )
            return None
        number = normalize_id_number(clean_code(raw))
        if SCIENTIFIC.fullmatch(number):
            self.fail(
                row,
                "id_number",
                _("身份证号是科学计数法，末几位已经丢失。请把该列设为“文本”格式。"),
            )
            return None
        try:
            validate_id_number(number, today=self.today)
        except ValidationError as error:
            self.fail(row, "id_number", " ".join(error.messages))
            return None
        member = self.members.get(number)
        path = member and member["current_enterprise__jurisdiction__path"]
        if member is None or path is None or not self.may(Perm.IMPORT_RECORDS, path):
            self.fail(
                row, "id_number", _("该身份证号未登记为会员，或不在您的管辖范围内；请先登记会员。")
            )
            return None
        return member

    def program(self, row):
        text = row.text("program")
        program = self.program_names.get(text) or self.program_names.get(text.replace(" ", ""))
        if program is None:
            self.fail(
                row,
                "program",
                _("未知的帮扶项目，可选：%(names)s。")
                % {"names": "、".join(p.name for p in self.programs.values())},
            )
            return None
        if not program.is_active:
            self.fail(row, "program", _("帮扶项目“%(name)s”已停用。") % {"name": program.name})
            return None
        return program

    def study_level(self, row) -> str:
        text = row.text("study_level")
        for value, label in StudyLevel.choices:
            if text in (str(label), value):
                return value
        if text in STUDY_ALIASES:
            return STUDY_ALIASES[text]
        self.fail(row, "study_level", _("学历层次只能是专科、本科或研究生。"))
        return ""

    def paying_federation(self, row, member) -> Federation | None:
        code = (
            clean_code(row.raw("paying_federation")) if self.table.has("paying_federation") else ""
        )
        if code:
            federation = self.federations.get(code)
            if federation is None or not self.may(Perm.IMPORT_RECORDS, federation.path):
                self.fail(
                    row,
                    "paying_federation",
                    _("工会代码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code},
                )
                return None
            return federation
        return self.federations_by_id.get(member["current_enterprise__jurisdiction_id"])
