"""Every write to hardship files, evidence, model-worker titles, programmes, budgets, grants,
group deliveries and mutual-aid claims.

Conventions (as `membership.services`): keyword-only arguments, one transaction per function,
`full_clean()` before saving, one audit event per action. `actor=None` is the operator context
(management commands, tasks): full scope. An actor outside the record's scope gets `Http404`.

Who may do what (federations/permissions.py): staff (Perm.EDIT_RECORDS) open and keep hardship
files and draft grants; chairs (Perm.APPROVE_GRANTS) approve or reject grants, never one they
drafted themselves; either records that a grant was paid. The district office
(Perm.MANAGE_TARGETS) edits the programmes' rules (at a root federation) and sets budgets (at the
federation, from anywhere above it or at it).

The grant rules are the `check_*` functions below. Each takes facts already gathered (how many
grants the person had this year, the budget used …) and raises a ValidationError whose message
names the rule and says why; `grant_draft` and `grant_approve` gather the facts for one grant
(`grant_facts`), the grant import (resources.py) gathers them for a whole file at once and calls
the very same functions per row.
"""

import datetime
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, creation_changes, snapshot
from federations.models import Federation
from federations.permissions import Perm, user_can
from membership.models import Member
from membership.validators import validate_not_future

from .models import (
    MAX_SECONDARY_CAUSES,
    AidBudget,
    AidProgram,
    EvidenceDocument,
    Grant,
    GrantDecision,
    GroupDelivery,
    HardshipCause,
    HardshipFile,
    ModelWorkerTitle,
    MutualAidClaim,
    StudyLevel,
)
from .selectors import may_see_at

Actor = AbstractBaseUser | None
ZERO = Decimal("0")

FILE_FIELDS = (
    "category",
    "main_cause",
    "secondary_causes",
    "household_size",
    "household_monthly_income",
    "health",
    "housing",
    "notes",
)
# What the audit log keeps of a hardship file's details: that they changed, not their values
# (the log is readable by every role in scope; the file only by staff and chairs).
PRIVATE_FILE_FIELDS = set(FILE_FIELDS)
STUDY_FIELDS = ("student_name", "school", "study_level", "admission_year")
GRANT_FIELDS = ("amount", "goods_value", "granted_on", "note", *STUDY_FIELDS)
EVIDENCE_MAX_SIZE = 10 * 1024 * 1024
# extension → how the file starts (a renamed executable is refused)
EVIDENCE_TYPES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


# --- permissions --------------------------------------------------------------------------------


def _allowed(actor, perm, federation) -> bool:
    return actor is None or user_can(actor, perm, federation)


def require(actor, perm, federation) -> None:
    """Http404 unless `actor` may do `perm` at `federation` (None: the operator, allowed)."""
    if not _allowed(actor, perm, federation):
        raise Http404


def _sees_hardship_at(actor, federation) -> bool:
    """Staff or chair at `federation` (or the operator)."""
    return actor is None or may_see_at(actor, federation)


def programs_may_edit(user) -> bool:
    """The district office (Perm.MANAGE_TARGETS at a root federation) edits the programmes."""
    if user is None:
        return True
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        user_can(user, Perm.MANAGE_TARGETS, root) for root in Federation.objects.filter(depth=1)
    )


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _redact(changes):
    return {
        name: (["…", "…"] if name in PRIVATE_FILE_FIELDS else values)
        for name, values in changes.items()
    }


def _refresh(passed, saved):
    if passed is not None and passed is not saved and passed.pk == saved.pk:
        passed.refresh_from_db()


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _member_federation(member) -> Federation | None:
    enterprise = member.current_enterprise
    return enterprise.jurisdiction if enterprise is not None else None


# --- hardship files -----------------------------------------------------------------------------


def check_causes(main_cause, secondary_causes) -> list[str]:
    """One main cause and at most three other secondary causes, from the code list. Returns the
    secondary causes without repeats, in the order given."""
    causes = list(dict.fromkeys(secondary_causes or []))
    unknown = [c for c in [main_cause, *causes] if c not in HardshipCause.values]
    if unknown:
        raise ValidationError(
            {"secondary_causes": _("未知的致困原因：%(codes)s。") % {"codes": "、".join(unknown)}},
            code="cause_unknown",
        )
    if main_cause in causes:
        raise ValidationError(
            {
                "secondary_causes": _("次要致困原因不能与主要致困原因“%(cause)s”相同。")
                % {"cause": HardshipCause(main_cause).label}
            },
            code="cause_repeated",
        )
    if len(causes) > MAX_SECONDARY_CAUSES:
        raise ValidationError(
            {
                "secondary_causes": _("次要致困原因最多 %(max)s 项，填写了 %(count)s 项。")
                % {"max": MAX_SECONDARY_CAUSES, "count": len(causes)}
            },
            code="causes_too_many",
        )
    return causes


def _check_date(value, *, field, what):
    try:
        validate_not_future(value, what=what)
    except ValidationError as error:
        raise ValidationError({field: error}) from None


@transaction.atomic
def hardship_file_open(
    *,
    actor: Actor,
    member: Member,
    category: str,
    main_cause: str,
    household_size: int,
    household_monthly_income: Decimal,
    opened_on: datetime.date,
    secondary_causes: list[str] | None = None,
    health: str = "",
    housing: str = "",
    notes: str = "",
    last_reviewed_on: datetime.date | None = None,
) -> HardshipFile:
    """建档: open a hardship file for `member`, kept by the federation of the member's current
    enterprise (see models.py for why it is stored). The opening counts as the first review."""
    member = Member.objects.select_related("current_enterprise__jurisdiction").get(pk=member.pk)
    federation = _member_federation(member)
    if federation is None:
        if actor is not None and not getattr(actor, "is_superuser", False):
            raise Http404
        raise ValidationError(_("该会员没有所在单位，无法确定建档工会。"), code="no_enterprise")
    require(actor, Perm.EDIT_RECORDS, federation)
    _check_date(opened_on, field="opened_on", what=_("建档日期"))
    causes = check_causes(main_cause, secondary_causes)
    if HardshipFile.objects.filter(member=member, status=HardshipFile.Status.ACTIVE).exists():
        raise ValidationError(
            _("“%(name)s”已有在档的困难职工档案，请在原档案上复核或更新。") % {"name": member.name},
            code="file_exists",
        )
    hardship_file = HardshipFile(
        member=member,
        federation=federation,
        category=category,
        main_cause=main_cause,
        secondary_causes=causes,
        household_size=household_size,
        household_monthly_income=household_monthly_income,
        health=health,
        housing=housing,
        notes=notes,
        opened_on=opened_on,
        last_reviewed_on=last_reviewed_on or opened_on,
        created_by=_actor_or_none(actor),
    )
    hardship_file.full_clean()
    hardship_file.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=hardship_file,
        changes=_redact(creation_changes(hardship_file)),
        summary=_("为“%(name)s”建立困难职工档案") % {"name": member.name},
        federation=federation,
    )
    return hardship_file


def _locked_file(hardship_file):
    return (
        HardshipFile.objects.select_for_update(of=("self",))
        .select_related("member", "federation")
        .get(pk=hardship_file.pk)
    )


@transaction.atomic
def hardship_file_update(*, actor: Actor, hardship_file: HardshipFile, **fields) -> HardshipFile:
    """Change a file's details (any of FILE_FIELDS)."""
    _unknown(fields, FILE_FIELDS)
    locked = _locked_file(hardship_file)
    require(actor, Perm.EDIT_RECORDS, locked.federation)
    before = snapshot(locked)
    if "main_cause" in fields or "secondary_causes" in fields:
        fields["secondary_causes"] = check_causes(
            fields.get("main_cause", locked.main_cause),
            fields.get("secondary_causes", locked.secondary_causes),
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=_redact(changes),
            summary=_("修改“%(name)s”的困难职工档案") % {"name": locked.member.name},
            federation=locked.federation,
        )
    _refresh(hardship_file, locked)
    return locked


@transaction.atomic
def hardship_file_review(
    *, actor: Actor, hardship_file: HardshipFile, on: datetime.date, **fields
) -> HardshipFile:
    """复核 (dynamic management): the file was checked on `on`; its details may change at the
    same time (any of FILE_FIELDS)."""
    _unknown(fields, FILE_FIELDS)
    locked = _locked_file(hardship_file)
    require(actor, Perm.EDIT_RECORDS, locked.federation)
    if not locked.is_active:
        raise ValidationError(_("该档案已解困脱困，不需要复核。"), code="file_closed")
    _check_date(on, field="on", what=_("复核日期"))
    if on < locked.last_reviewed_on:
        raise ValidationError(
            {
                "on": _("复核日期不能早于上次复核日期 %(date)s。")
                % {"date": locked.last_reviewed_on.isoformat()}
            },
            code="review_before_last",
        )
    if fields:
        hardship_file_update(actor=actor, hardship_file=locked, **fields)
    before = snapshot(locked, fields=("last_reviewed_on",))
    locked.last_reviewed_on = on
    locked.full_clean()
    locked.save(update_fields=["last_reviewed_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes_between(before, locked, fields=("last_reviewed_on",)),
        summary=_("复核“%(name)s”的困难职工档案，复核日期 %(date)s")
        % {"name": locked.member.name, "date": on.isoformat()},
        federation=locked.federation,
    )
    _refresh(hardship_file, locked)
    return locked


@transaction.atomic
def hardship_file_lift_out(
    *, actor: Actor, hardship_file: HardshipFile, on: datetime.date, reason: str
) -> HardshipFile:
    """解困脱困: the file closes on `on` for `reason` (required)."""
    locked = _locked_file(hardship_file)
    require(actor, Perm.EDIT_RECORDS, locked.federation)
    if not locked.is_active:
        raise ValidationError(
            _("该档案已于 %(date)s 解困脱困。") % {"date": locked.lifted_out_on.isoformat()},
            code="file_closed",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("解困脱困必须说明原因。")}, code="reason_missing")
    _check_date(on, field="on", what=_("脱困日期"))
    if on < locked.opened_on:
        raise ValidationError(
            {
                "on": _("脱困日期不能早于建档日期 %(date)s。")
                % {"date": locked.opened_on.isoformat()}
            },
            code="lift_before_open",
        )
    before = snapshot(locked, fields=("status", "lifted_out_on", "lifted_out_reason"))
    locked.status = HardshipFile.Status.LIFTED_OUT
    locked.lifted_out_on = on
    locked.lifted_out_reason = reason
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes_between(
            before, locked, fields=("status", "lifted_out_on", "lifted_out_reason")
        ),
        summary=_("“%(name)s”解困脱困，日期 %(date)s")
        % {"name": locked.member.name, "date": on.isoformat()},
        federation=locked.federation,
    )
    _refresh(hardship_file, locked)
    return locked


# --- evidence -----------------------------------------------------------------------------------


def check_evidence_upload(upload) -> None:
    """A PDF, JPEG, PNG, .docx or .xlsx of at most 10 MB whose content is what its name says."""
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "只能上传 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件，“%(name)s”不是。"
                )
                % {"name": name}
            },
            code="evidence_type",
        )
    if upload.size > EVIDENCE_MAX_SIZE:
        raise ValidationError(
            {
                "file": _("文件过大（%(size).1f MB），最大 10 MB。")
                % {"size": upload.size / 1024 / 1024}
            },
            code="evidence_size",
        )
    if upload.size == 0:
        raise ValidationError({"file": _("文件是空的。")}, code="evidence_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension]):
        raise ValidationError(
            {"file": _("文件内容与扩展名“%(ext)s”不符，请上传原始文件。") % {"ext": extension}},
            code="evidence_content",
        )


@transaction.atomic
def evidence_add(
    *, actor: Actor, hardship_file: HardshipFile, upload, description: str = ""
) -> EvidenceDocument:
    """Attach an uploaded document (a Django UploadedFile) to a file, stored privately."""
    locked = _locked_file(hardship_file)
    require(actor, Perm.EDIT_RECORDS, locked.federation)
    check_evidence_upload(upload)
    document = EvidenceDocument(
        hardship_file=locked,
        original_name=(upload.name or "")[-200:],
        description=description.strip(),
        size=upload.size,
        uploaded_by=_actor_or_none(actor),
    )
    document.file.save(upload.name, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=document,
        summary=_("为“%(name)s”的困难职工档案上传证明材料“%(file)s”")
        % {"name": locked.member.name, "file": document.original_name},
        federation=locked.federation,
    )
    return document


def evidence_open(*, actor: Actor, document: EvidenceDocument):
    """The document's file opened for reading, for a user who may see the file (Http404
    otherwise); the download is logged with who and when."""
    hardship_file = document.hardship_file  # joined with its member and federation by the getter
    if not _sees_hardship_at(actor, hardship_file.federation):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=document,
        summary=_("下载“%(name)s”困难职工档案的证明材料“%(file)s”")
        % {"name": hardship_file.member.name, "file": document.original_name},
        file_name=document.original_name,
        federation=hardship_file.federation,
    )
    return handle


# --- model-worker titles ------------------------------------------------------------------------


@transaction.atomic
def model_worker_title_add(
    *, actor: Actor, member: Member, title: str, level: str, year: int
) -> ModelWorkerTitle:
    """Record a model-worker title the member holds (what 劳模慰问 requires)."""
    member = Member.objects.select_related("current_enterprise__jurisdiction").get(pk=member.pk)
    federation = _member_federation(member)
    if federation is None and actor is not None and not getattr(actor, "is_superuser", False):
        raise Http404
    if federation is not None:
        require(actor, Perm.EDIT_RECORDS, federation)
    record = ModelWorkerTitle(member=member, title=title.strip(), level=level, year=year)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        changes=creation_changes(record),
        summary=_("登记“%(name)s”的劳模称号：%(title)s") % {"name": member.name, "title": record},
        federation=federation,
    )
    return record


# --- programmes and budgets ---------------------------------------------------------------------

PROGRAM_FIELDS = (
    "name",
    "grants_per_year",
    "per_student",
    "max_amount",
    "requires_active_file",
    "requires_model_worker",
    "is_active",
)


@transaction.atomic
def aid_program_update(*, actor: Actor, program: AidProgram, **fields) -> AidProgram:
    """Change a programme's rules (any of PROGRAM_FIELDS): the district office only."""
    _unknown(fields, PROGRAM_FIELDS)
    if not programs_may_edit(actor):
        raise Http404
    locked = AidProgram.objects.select_for_update().get(pk=program.pk)
    before = snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            summary=_("修改帮扶项目“%(name)s”的规则") % {"name": locked.name},
        )
    _refresh(program, locked)
    return locked


@transaction.atomic
def aid_budget_set(
    *, actor: Actor, federation: Federation, program: AidProgram, year: int, amount: Decimal
) -> AidBudget:
    """Set (or replace) `federation`'s budget for `program` in `year`: Perm.MANAGE_TARGETS at the
    federation (the district office sets those of the whole district)."""
    require(actor, Perm.MANAGE_TARGETS, federation)
    budget = (
        AidBudget.objects.select_for_update()
        .filter(federation=federation, program=program, year=year)
        .first()
    )
    created = budget is None
    if created:
        budget = AidBudget(federation=federation, program=program, year=year)
    before = snapshot(budget, fields=("amount",))
    budget.amount = amount
    budget.set_by = _actor_or_none(actor)
    budget.full_clean()
    budget.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=budget,
        changes=changes_between(before, budget, fields=("amount",)),
        summary=_("设定 %(year)s 年度“%(program)s”预算 %(amount)s 元")
        % {"year": year, "program": program.name, "amount": amount},
        federation=federation,
    )
    return budget


# --- grant rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantFacts:
    """What the rules need to know about the world around one grant (the grant itself
    excluded): grants already counted against the per-year limit, whether the recipient has a
    file active on the date or a model-worker title, and the paying federation's budget and what
    approved and paid grants have used of it."""

    grants_this_year: int
    has_active_file: bool
    is_model_worker: bool
    budget: Decimal | None
    budget_used: Decimal


def _yuan(value) -> str:
    return f"{Decimal(value):,.2f}"


def check_study_details(*, program, student_name, school, study_level, admission_year, year):
    """金秋助学 records the student's name, school, level and admission year."""
    if not program.is_study_aid:
        if student_name or school or study_level or admission_year:
            raise ValidationError(
                {"student_name": _("只有金秋助学需要填写学生信息。")}, code="study_not_needed"
            )
        return
    errors = {}
    if not (student_name or "").strip():
        errors["student_name"] = _("金秋助学须填写学生姓名。")
    if not (school or "").strip():
        errors["school"] = _("金秋助学须填写学校。")
    if study_level not in StudyLevel.values:
        errors["study_level"] = _("金秋助学须填写学历层次（专科、本科或研究生）。")
    if admission_year is None:
        errors["admission_year"] = _("金秋助学须填写入学年份。")
    elif not 1990 <= admission_year <= year:
        errors["admission_year"] = _("入学年份 %(value)s 不合理：应在 1990 至 %(year)s 之间。") % {
            "value": admission_year,
            "year": year,
        }
    if errors:
        raise ValidationError(errors, code="study_details")


def check_amount_cap(*, program, amount, goods_value):
    """单次金额上限: cash plus goods value of one grant is at most the programme's cap."""
    total = (amount or ZERO) + (goods_value or ZERO)
    if program.max_amount is not None and total > program.max_amount:
        raise ValidationError(
            {
                "amount": _(
                    "超过单次金额上限：“%(program)s”每次最多 %(cap)s 元（现金与物资折价合计），"
                    "本次合计 %(total)s 元。"
                )
                % {"program": program.name, "cap": _yuan(program.max_amount), "total": _yuan(total)}
            },
            code="amount_cap",
        )


def check_per_year_limit(*, program, year, grants_this_year, recipient_name, student_name=""):
    """每人每年次数上限 (金秋助学: per student): drafts, approved and paid grants count."""
    limit = program.grants_per_year
    if limit is None or grants_this_year < limit:
        return
    who = (
        _("学生“%(student)s”") % {"student": student_name}
        if program.per_student
        else f"“{recipient_name}”"
    )
    raise ValidationError(
        {
            "granted_on": _(
                "超过每人每年次数上限：“%(program)s”每%(unit)s每年最多 %(limit)s 次，"
                "%(who)s %(year)s 年已有 %(count)s 次（含待审批）。"
            )
            % {
                "program": program.name,
                "unit": _("名学生") if program.per_student else _("人"),
                "limit": limit,
                "who": who,
                "year": year,
                "count": grants_this_year,
            }
        },
        code="per_year_limit",
    )


def check_file_required(*, program, has_active_file, recipient_name, on):
    """须有在档困难职工档案: the recipient's file is active on the grant's date."""
    if program.requires_active_file and not has_active_file:
        raise ValidationError(
            _(
                "不符合建档要求：“%(program)s”只发给在档困难职工，"
                "“%(name)s”在 %(date)s 没有在档的困难职工档案。"
            )
            % {"program": program.name, "name": recipient_name, "date": on.isoformat()},
            code="file_required",
        )


def check_model_worker(*, program, is_model_worker, recipient_name, year):
    """须为劳动模范: the recipient is marked 劳动模范 on their member record (the member form), or
    holds a model-worker title recorded here that was awarded by the grant's year."""
    if program.requires_model_worker and not is_model_worker:
        raise ValidationError(
            _(
                "不符合劳模要求：“%(program)s”只发给劳动模范，"
                "“%(name)s”在 %(year)s 年没有登记劳模称号，会员信息中也未标记为劳动模范。"
            )
            % {"program": program.name, "name": recipient_name, "year": year},
            code="model_worker_required",
        )


def check_budget(*, program, federation, year, budget, used, value):
    """年度预算: approved and paid grants of the paying federation under the programme in the
    year, plus this one, stay within its budget (no budget set: no limit)."""
    if budget is None or used + value <= budget:
        return
    raise ValidationError(
        {
            "amount": _(
                "超出年度预算：“%(federation)s” %(year)s 年“%(program)s”预算 %(budget)s 元，"
                "已审批和已发放 %(used)s 元，本次 %(value)s 元，剩余 %(left)s 元。"
            )
            % {
                "federation": federation.name,
                "year": year,
                "program": program.name,
                "budget": _yuan(budget),
                "used": _yuan(used),
                "value": _yuan(value),
                "left": _yuan(max(budget - used, ZERO)),
            }
        },
        code="budget",
    )


def check_recipient_scope(*, recipient_path, federation, recipient_name):
    """The recipient's enterprise lies in the paying federation's scope."""
    if recipient_path is None or not recipient_path.startswith(federation.path):
        raise ValidationError(
            {
                "paying_federation": _(
                    "“%(name)s”所在单位不在“%(federation)s”的范围内，不能由其发放。"
                )
                % {"name": recipient_name, "federation": federation.name}
            },
            code="recipient_scope",
        )


def check_not_own_draft(*, grant, actor):
    """审批人不能审批自己经办的记录."""
    if actor is not None and grant.created_by_id is not None and grant.created_by_id == actor.pk:
        raise ValidationError(
            _("不能审批本人经办的记录：这条“%(program)s”由您录入，须由其他有审批权的人审批。")
            % {"program": grant.program.name},
            code="own_draft",
        )


def grant_rules(
    *,
    program,
    federation,
    recipient_name,
    recipient_path,
    amount,
    goods_value,
    granted_on,
    facts: GrantFacts,
    study: dict[str, Any],
) -> None:
    """Every rule of a grant, all errors together (one ValidationError)."""
    year = granted_on.year
    errors: list[ValidationError] = []
    checks = [
        lambda: check_recipient_scope(
            recipient_path=recipient_path, federation=federation, recipient_name=recipient_name
        ),
        lambda: check_study_details(program=program, year=year, **study),
        lambda: check_amount_cap(program=program, amount=amount, goods_value=goods_value),
        lambda: check_per_year_limit(
            program=program,
            year=year,
            grants_this_year=facts.grants_this_year,
            recipient_name=recipient_name,
            student_name=study.get("student_name", ""),
        ),
        lambda: check_file_required(
            program=program,
            has_active_file=facts.has_active_file,
            recipient_name=recipient_name,
            on=granted_on,
        ),
        lambda: check_model_worker(
            program=program,
            is_model_worker=facts.is_model_worker,
            recipient_name=recipient_name,
            year=year,
        ),
        lambda: check_budget(
            program=program,
            federation=federation,
            year=year,
            budget=facts.budget,
            used=facts.budget_used,
            value=(amount or ZERO) + (goods_value or ZERO),
        ),
    ]
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors.append(error)
    if errors:
        merged: dict[str, list] = {}
        for error in errors:
            if hasattr(error, "error_dict"):
                for name, items in error.error_dict.items():
                    merged.setdefault(name, []).extend(items)
            else:
                merged.setdefault("__all__", []).extend(error.error_list)
        raise ValidationError(merged)


def student_key(name) -> str:
    return "".join((name or "").split())


def limit_queryset(*, program, recipient_id, year, student_name=""):
    queryset = (
        Grant.objects.counting().in_year(year).filter(recipient_id=recipient_id, program=program)
    )
    if program.per_student:
        queryset = queryset.filter(student_name=student_key(student_name))
    return queryset


def budget_of(*, federation, program, year) -> Decimal | None:
    return (
        AidBudget.objects.filter(federation=federation, program=program, year=year)
        .values_list("amount", flat=True)
        .first()
    )


def budget_used(*, federation, program, year, exclude_pk=None) -> Decimal:
    queryset = (
        Grant.objects.committed()
        .in_year(year)
        .filter(paying_federation=federation, program=program)
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.aggregate(used=Coalesce(Sum(F("amount") + F("goods_value")), ZERO))["used"]


def active_file_on(*, recipient_id, on) -> HardshipFile | None:
    return HardshipFile.objects.filter(member_id=recipient_id).active_on(on).first()


def grant_facts(
    *,
    program,
    recipient,
    federation,
    granted_on,
    student_name="",
    exclude_pk=None,
    has_active_file=None,
):
    """The facts of `GrantFacts` for one grant, read from the database (`has_active_file`: when
    the caller has looked up the file already)."""
    year = granted_on.year
    if has_active_file is None:
        has_active_file = active_file_on(recipient_id=recipient.pk, on=granted_on) is not None
    counted = limit_queryset(
        program=program, recipient_id=recipient.pk, year=year, student_name=student_name
    )
    if exclude_pk is not None:
        counted = counted.exclude(pk=exclude_pk)
    return GrantFacts(
        grants_this_year=counted.count() if program.grants_per_year is not None else 0,
        has_active_file=has_active_file,
        # marked 劳动模范 on the member's record, or holding a title awarded by the grant's year
        is_model_worker=(
            program.requires_model_worker
            and (
                recipient.is_model_worker
                or ModelWorkerTitle.objects.filter(member=recipient).held_in(year).exists()
            )
        ),
        budget=budget_of(federation=federation, program=program, year=year),
        budget_used=budget_used(
            federation=federation, program=program, year=year, exclude_pk=exclude_pk
        ),
    )


def _check_grant(grant: Grant, *, exclude_pk=None, has_active_file=None):
    recipient = grant.recipient
    enterprise = recipient.current_enterprise
    facts = grant_facts(
        program=grant.program,
        recipient=recipient,
        federation=grant.paying_federation,
        granted_on=grant.granted_on,
        student_name=grant.student_name,
        exclude_pk=exclude_pk,
        has_active_file=has_active_file,
    )
    grant_rules(
        program=grant.program,
        federation=grant.paying_federation,
        recipient_name=recipient.name,
        recipient_path=enterprise.jurisdiction.path if enterprise else None,
        amount=grant.amount,
        goods_value=grant.goods_value,
        granted_on=grant.granted_on,
        facts=facts,
        study={name: getattr(grant, name) for name in STUDY_FIELDS},
    )


# --- grants -------------------------------------------------------------------------------------


def _grant_summary(verb, grant):
    return _("%(verb)s：“%(name)s”%(program)s %(value)s 元（%(date)s）") % {
        "verb": verb,
        "name": grant.recipient.name,
        "program": grant.program.name,
        "value": _yuan(grant.total_value),
        "date": grant.granted_on.isoformat(),
    }


@transaction.atomic
def grant_draft(
    *,
    actor: Actor,
    recipient: Member,
    program: AidProgram,
    paying_federation: Federation,
    granted_on: datetime.date,
    amount: Decimal = ZERO,
    goods_value: Decimal = ZERO,
    note: str = "",
    student_name: str = "",
    school: str = "",
    study_level: str = "",
    admission_year: int | None = None,
) -> Grant:
    """Staff draft a grant (status 待审批). Every rule is checked now and again at approval."""
    require(actor, Perm.EDIT_RECORDS, paying_federation)
    recipient = Member.objects.select_related("current_enterprise__jurisdiction").get(
        pk=recipient.pk
    )
    if not program.is_active:
        raise ValidationError(
            {"program": _("帮扶项目“%(name)s”已停用。") % {"name": program.name}},
            code="program_inactive",
        )
    grant = Grant(
        recipient=recipient,
        program=program,
        paying_federation=paying_federation,
        granted_on=granted_on,
        amount=amount or ZERO,
        goods_value=goods_value or ZERO,
        note=note.strip(),
        student_name=student_key(student_name),
        school=school.strip(),
        study_level=study_level or "",
        admission_year=admission_year,
        created_by=_actor_or_none(actor),
    )
    grant.hardship_file = active_file_on(recipient_id=recipient.pk, on=granted_on)
    _check_grant(grant, has_active_file=grant.hardship_file is not None)
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=grant,
        changes=creation_changes(grant, fields=("program", "amount", "goods_value", "granted_on")),
        summary=_grant_summary(_("录入帮扶发放"), grant),
        federation=paying_federation,
    )
    return grant


def _locked_grant(grant):
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related(
            "recipient__current_enterprise__jurisdiction", "program", "paying_federation"
        )
        .get(pk=grant.pk)
    )


def _decide(*, actor, grant, kind, note="", status, paid_on=None, reject_reason=""):
    before = snapshot(grant, fields=("status", "paid_on", "reject_reason"))
    grant.status = status
    grant.paid_on = paid_on
    grant.reject_reason = reject_reason
    grant.full_clean()
    grant.save()
    GrantDecision.objects.create(
        grant=grant, kind=kind, decided_by=_actor_or_none(actor), note=note
    )
    return changes_between(before, grant, fields=("status", "paid_on", "reject_reason"))


@transaction.atomic
def grant_update(*, actor: Actor, grant: Grant, **fields) -> Grant:
    """Correct a draft (any of GRANT_FIELDS); the rules are checked again."""
    _unknown(fields, GRANT_FIELDS)
    locked = _locked_grant(grant)
    require(actor, Perm.EDIT_RECORDS, locked.paying_federation)
    if locked.status != Grant.Status.DRAFT:
        raise ValidationError(_("只有待审批的记录可以修改。"), code="not_draft")
    before = snapshot(locked)
    if "student_name" in fields:
        fields["student_name"] = student_key(fields["student_name"])
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.hardship_file = active_file_on(recipient_id=locked.recipient_id, on=locked.granted_on)
    _check_grant(locked, exclude_pk=locked.pk, has_active_file=locked.hardship_file is not None)
    locked.full_clean()
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            summary=_grant_summary(_("修改帮扶发放"), locked),
            federation=locked.paying_federation,
        )
    _refresh(grant, locked)
    return locked


@transaction.atomic
def grant_approve(*, actor: Actor, grant: Grant, note: str = "") -> Grant:
    """A chair approves a draft — never their own — after every rule is checked again."""
    locked = _locked_grant(grant)
    require(actor, Perm.APPROVE_GRANTS, locked.paying_federation)
    if locked.status != Grant.Status.DRAFT:
        raise ValidationError(
            _("这条记录是“%(status)s”，只有待审批的记录可以审批。")
            % {"status": locked.get_status_display()},
            code="not_draft",
        )
    check_not_own_draft(grant=locked, actor=actor)
    _check_grant(locked, exclude_pk=locked.pk)
    changes = _decide(
        actor=actor,
        grant=locked,
        kind=GrantDecision.Kind.APPROVE,
        note=note,
        status=Grant.Status.APPROVED,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes,
        summary=_grant_summary(_("审批通过"), locked),
        federation=locked.paying_federation,
    )
    _refresh(grant, locked)
    return locked


@transaction.atomic
def grant_reject(*, actor: Actor, grant: Grant, reason: str) -> Grant:
    """A chair rejects a draft, saying why."""
    locked = _locked_grant(grant)
    require(actor, Perm.APPROVE_GRANTS, locked.paying_federation)
    if locked.status != Grant.Status.DRAFT:
        raise ValidationError(
            _("这条记录是“%(status)s”，只有待审批的记录可以驳回。")
            % {"status": locked.get_status_display()},
            code="not_draft",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("驳回必须说明原因。")}, code="reason_missing")
    changes = _decide(
        actor=actor,
        grant=locked,
        kind=GrantDecision.Kind.REJECT,
        note=reason,
        status=Grant.Status.REJECTED,
        reject_reason=reason[:200],
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes,
        summary=_grant_summary(_("驳回"), locked) + f"；{reason}",
        federation=locked.paying_federation,
    )
    _refresh(grant, locked)
    return locked


@transaction.atomic
def grant_mark_paid(*, actor: Actor, grant: Grant, paid_on: datetime.date) -> Grant:
    """Record that an approved grant was paid on `paid_on` (staff or chair of the payer)."""
    locked = _locked_grant(grant)
    federation = locked.paying_federation
    if not _sees_hardship_at(actor, federation):
        raise Http404
    if locked.status != Grant.Status.APPROVED:
        raise ValidationError(
            _("这条记录是“%(status)s”，只有已审批的记录可以登记发放。")
            % {"status": locked.get_status_display()},
            code="not_approved",
        )
    _check_date(paid_on, field="paid_on", what=_("实际发放日期"))
    changes = _decide(
        actor=actor,
        grant=locked,
        kind=GrantDecision.Kind.PAY,
        status=Grant.Status.PAID,
        paid_on=paid_on,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes,
        summary=_grant_summary(_("登记发放"), locked)
        + _("，实际发放日期 %(date)s") % {"date": paid_on.isoformat()},
        federation=federation,
    )
    _refresh(grant, locked)
    return locked


@dataclass(frozen=True)
class GrantRecord:
    """A grant from an import, already checked row by row with the rules above."""

    recipient_id: int
    program_id: int
    paying_federation_id: int
    hardship_file_id: int | None
    amount: Decimal
    goods_value: Decimal
    granted_on: datetime.date
    note: str = ""
    student_name: str = ""
    school: str = ""
    study_level: str = ""
    admission_year: int | None = None
    approved: bool = False


@transaction.atomic
def grants_import(
    *,
    actor: Actor,
    records: list[GrantRecord],
    file_name: str = "",
    row_count: int = 0,
    federation: Federation | None = None,
) -> list[int]:
    """Write the grants of an import (drafts, or approved when the importing user may approve
    at the paying federation) and their approval rows, as one audited import."""
    creator = _actor_or_none(actor)
    grants = Grant.objects.bulk_create(
        [
            Grant(
                recipient_id=record.recipient_id,
                program_id=record.program_id,
                paying_federation_id=record.paying_federation_id,
                hardship_file_id=record.hardship_file_id,
                amount=record.amount,
                goods_value=record.goods_value,
                granted_on=record.granted_on,
                note=record.note,
                student_name=record.student_name,
                school=record.school,
                study_level=record.study_level,
                admission_year=record.admission_year,
                status=Grant.Status.APPROVED if record.approved else Grant.Status.DRAFT,
                created_by=creator,
            )
            for record in records
        ],
        batch_size=2000,
    )
    GrantDecision.objects.bulk_create(
        [
            GrantDecision(
                grant=grant, kind=GrantDecision.Kind.APPROVE, decided_by=creator, note=_("导入")
            )
            for grant, record in zip(grants, records, strict=True)
            if record.approved
        ],
        batch_size=2000,
    )
    approved = sum(1 for record in records if record.approved)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        obj=Grant,
        changes={"created": [grant.pk for grant in grants]},
        summary=_("导入帮扶发放：新建 %(count)s 条，其中已审批 %(approved)s 条")
        % {"count": len(grants), "approved": approved},
        file_name=file_name,
        row_count=row_count,
        federation=federation,
    )
    return [grant.pk for grant in grants]


# --- group deliveries and mutual-aid claims -----------------------------------------------------


@transaction.atomic
def group_delivery_record(
    *,
    actor: Actor,
    federation: Federation,
    kind: str,
    delivered_on: datetime.date,
    workers_reached: int,
    goods_value: Decimal = ZERO,
    enterprises=(),
    note: str = "",
) -> GroupDelivery:
    """送清凉 / 送温暖 to whole units: the enterprises visited must lie in `federation`'s scope."""
    require(actor, Perm.EDIT_RECORDS, federation)
    _check_date(delivered_on, field="delivered_on", what=_("慰问日期"))
    enterprises = list(enterprises)
    outside = [e.name for e in enterprises if not e.jurisdiction.path.startswith(federation.path)]
    if outside:
        raise ValidationError(
            {
                "enterprises": _("以下单位不在“%(federation)s”的范围内：%(names)s。")
                % {"federation": federation.name, "names": "、".join(outside)}
            },
            code="enterprise_scope",
        )
    delivery = GroupDelivery(
        federation=federation,
        kind=kind,
        delivered_on=delivered_on,
        workers_reached=workers_reached,
        goods_value=goods_value,
        note=note.strip(),
        created_by=_actor_or_none(actor),
    )
    delivery.full_clean()
    delivery.save()
    delivery.enterprises.set(enterprises)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=delivery,
        changes=creation_changes(delivery),
        summary=_("登记%(kind)s：走访 %(count)s 家单位，慰问职工 %(workers)s 人")
        % {
            "kind": delivery.get_kind_display(),
            "count": len(enterprises),
            "workers": workers_reached,
        },
        federation=federation,
    )
    return delivery


@transaction.atomic
def mutual_aid_claim_submit(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    incident_on: datetime.date,
    amount_claimed: Decimal,
    note: str = "",
) -> MutualAidClaim:
    """A member's mutual-aid claim, received by the federation of their enterprise."""
    member = Member.objects.select_related("current_enterprise__jurisdiction").get(pk=member.pk)
    federation = _member_federation(member)
    if federation is None:
        raise Http404
    require(actor, Perm.EDIT_RECORDS, federation)
    _check_date(incident_on, field="incident_on", what=_("出险日期"))
    claim = MutualAidClaim(
        member=member,
        federation=federation,
        kind=kind,
        incident_on=incident_on,
        amount_claimed=amount_claimed,
        note=note.strip(),
        created_by=_actor_or_none(actor),
    )
    claim.full_clean()
    claim.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=claim,
        changes=creation_changes(claim, fields=("kind", "incident_on", "amount_claimed")),
        summary=_("受理“%(name)s”的互助保障理赔（%(kind)s）")
        % {"name": member.name, "kind": claim.get_kind_display()},
        federation=federation,
    )
    return claim


@transaction.atomic
def mutual_aid_claim_settle(
    *,
    actor: Actor,
    claim: MutualAidClaim,
    paid: bool,
    amount_paid: Decimal | None = None,
    paid_on: datetime.date | None = None,
    note: str = "",
) -> MutualAidClaim:
    """Close a submitted claim: paid (amount and date, the amount at most what was claimed) or
    not paid."""
    locked = (
        MutualAidClaim.objects.select_for_update(of=("self",))
        .select_related("member", "federation")
        .get(pk=claim.pk)
    )
    require(actor, Perm.EDIT_RECORDS, locked.federation)
    if locked.status != MutualAidClaim.Status.SUBMITTED:
        raise ValidationError(_("该理赔已办结。"), code="claim_closed")
    before = snapshot(locked, fields=("status", "amount_paid", "paid_on"))
    if paid:
        if amount_paid is None or paid_on is None:
            raise ValidationError(
                {"amount_paid": _("赔付须填写赔付金额和赔付日期。")}, code="paid_details"
            )
        if amount_paid > locked.amount_claimed:
            raise ValidationError(
                {
                    "amount_paid": _("赔付金额 %(paid)s 元超过申请金额 %(claimed)s 元。")
                    % {"paid": _yuan(amount_paid), "claimed": _yuan(locked.amount_claimed)}
                },
                code="paid_over_claim",
            )
        _check_date(paid_on, field="paid_on", what=_("赔付日期"))
        locked.status, locked.amount_paid, locked.paid_on = (
            MutualAidClaim.Status.PAID,
            amount_paid,
            paid_on,
        )
    else:
        locked.status = MutualAidClaim.Status.REJECTED
    if note:
        locked.note = note.strip()[:200]
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes=changes_between(before, locked, fields=("status", "amount_paid", "paid_on")),
        summary=_("“%(name)s”的互助保障理赔：%(status)s")
        % {"name": locked.member.name, "status": locked.get_status_display()},
        federation=locked.federation,
    )
    return locked


def today() -> datetime.date:
    return timezone.localdate()
