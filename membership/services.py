"""Every write to enterprises, union status, members and memberships.

Conventions shared by all functions here:

- Keyword-only arguments; each function runs in one transaction (a savepoint when nested), calls
  `full_clean()` before saving and writes one audit event per action (`audit.services`).
- `actor` is the signed-in user. The function checks `user_can(actor, Perm.EDIT_RECORDS, node)` for
  the federation the record belongs to and raises `Http404` when it fails — outside the scope is
  indistinguishable from missing. `actor=None` is the operator context (management commands,
  Celery tasks): full scope, audited without a user.
- A broken rule raises `ValidationError` with a Chinese message naming the rule, keyed by the
  argument it concerns where there is one (`{"joined_on": [...]}`), so a form can show it on the
  field (`form.add_error(None, error)` needs the form to have those fields; otherwise show
  `error.messages`).
- Functions return the saved object, freshly read; instances passed in are refreshed as well.

Union status: `union_found`, `union_upgrade`, `union_dissolve` each add one dated
`UnionStatusChange` row and, in the same transaction, recompute the enterprise's denormalised
`union_status` / `joint_union` / `union_since` from the latest row dated today or earlier, so a
back-dated change never corrupts the current state. The whole sequence of changes must stay a
chain of allowed transitions (NONE → JOINT | INDEPENDENT, JOINT → INDEPENDENT, JOINT | INDEPENDENT
→ NONE), checked against the rows before and after the new date.

Memberships: `member_register` (new person), `membership_join` (a known person without an open
membership), `membership_transfer` (会籍接转: close on D, open the next on D), `membership_leave`.
They keep `Member.current_enterprise`. Bulk writers that bypass these functions must call
`enterprises_resync_union_status` / `members_resync_current_enterprise` afterwards.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, creation_changes, snapshot
from federations.models import Federation
from federations.permissions import Perm, user_can

from .bulk import allocate_ids, copy_rows
from .models import Enterprise, Member, Membership, UnionStatusChange
from .validators import (
    id_number_info,
    normalize_credit_code,
    normalize_id_number,
    validate_id_number,
    validate_join_date,
    validate_not_future,
    validate_sex_matches_id,
)

Status = Enterprise.UnionStatus
Actor = AbstractBaseUser | None  # None: operator context (CLI, tasks), full scope

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "jurisdiction",
    "economic_type",
    "industry",
    "employees",
    "address",
    "contact",
    "phone",
)
MEMBER_FIELDS = (
    "name",
    "id_number",
    "phone",
    "ethnicity",
    "education",
    "political_status",
    "household_type",
    "migrant_worker",
    "employment_status",
    "skill_level",
    "is_model_worker",
)
JURISDICTION_KINDS = (Federation.Kind.STREET, Federation.Kind.TOWN, Federation.Kind.AREA)
ALLOWED_TRANSITIONS = {
    (Status.NONE, Status.JOINT),
    (Status.NONE, Status.INDEPENDENT),
    (Status.JOINT, Status.INDEPENDENT),
    (Status.JOINT, Status.NONE),
    (Status.INDEPENDENT, Status.NONE),
}


# --- shared checks ------------------------------------------------------------------------------


def require_edit(actor, federation):
    """Http404 unless `actor` may change records at `federation` (None: operator, allowed)."""
    if actor is None:
        return
    if federation is None:
        if getattr(actor, "is_superuser", False) and actor.is_active:
            return
        raise Http404
    if not user_can(actor, Perm.EDIT_RECORDS, federation):
        raise Http404


def check_jurisdiction(federation):
    """An enterprise belongs to a street, town or area federation."""
    if federation.kind not in JURISDICTION_KINDS:
        raise ValidationError(
            {
                "jurisdiction": _("所属工会必须是街道、镇或地区总工会，“%(name)s”是%(kind)s。")
                % {"name": federation.name, "kind": federation.kind_label}
            },
            code="jurisdiction_kind",
        )


def check_joint_union(*, joint_union, jurisdiction):
    """The joint union covering an enterprise is a joint union inside its jurisdiction."""
    if joint_union is None:
        raise ValidationError(
            {"joint_union": _("联合工会覆盖必须指定覆盖该企业的联合工会。")},
            code="joint_union_missing",
        )
    if joint_union.kind != Federation.Kind.JOINT:
        raise ValidationError(
            {"joint_union": _("“%(name)s”不是联合工会。") % {"name": joint_union.name}},
            code="joint_union_kind",
        )
    if not joint_union.path.startswith(jurisdiction.path):
        raise ValidationError(
            {
                "joint_union": _(
                    "联合工会“%(joint)s”不在企业所属的“%(jurisdiction)s”之下，"
                    "只能选择本辖区内的联合工会。"
                )
                % {"joint": joint_union.name, "jurisdiction": jurisdiction.name}
            },
            code="joint_union_outside",
        )


def _count_open(enterprise_id, delta):
    """Keep `Enterprise.members_open` (its open memberships) in step with a membership opened
    (+1) or closed (-1) in the same transaction."""
    Enterprise.objects.filter(pk=enterprise_id).update(members_open=F("members_open") + delta)


def _refresh(passed, saved):
    if passed is not None and passed is not saved and passed.pk == saved.pk:
        passed.refresh_from_db()


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- enterprises --------------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    jurisdiction: Federation,
    economic_type: str,
    industry: str = "",
    employees: int = 0,
    address: str = "",
    contact: str = "",
    phone: str = "",
    union_status: str = Status.NONE,
    joint_union: Federation | None = None,
    union_since: datetime.date | None = None,
    note: str = "",
) -> Enterprise:
    """Register an enterprise. With `union_status` JOINT or INDEPENDENT, `union_since` (the date
    that status took effect) is required and the founding is recorded as with `union_found`."""
    require_edit(actor, jurisdiction)
    check_jurisdiction(jurisdiction)
    if union_status == Status.NONE and (joint_union is not None or union_since is not None):
        raise ValidationError(
            _("未建会的企业不能填写联合工会或建会日期。"), code="none_with_union_details"
        )
    enterprise = Enterprise(
        name=name.strip(),
        credit_code=normalize_credit_code(credit_code),
        jurisdiction=jurisdiction,
        economic_type=economic_type,
        industry=industry,
        employees=employees,
        address=address,
        contact=contact,
        phone=phone,
    )
    enterprise.full_clean()
    enterprise.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=enterprise,
        changes=creation_changes(enterprise),
        summary=_("新增企业“%(name)s”") % {"name": enterprise.name},
        federation=jurisdiction,
    )
    if union_status != Status.NONE:
        if union_since is None:
            raise ValidationError(
                {"union_since": _("已建会的企业必须填写建会日期。")}, code="union_since_missing"
            )
        union_found(
            actor=actor,
            enterprise=enterprise,
            status=union_status,
            joint_union=joint_union,
            on=union_since,
            note=note,
        )
    return Enterprise.objects.get(pk=enterprise.pk)


@transaction.atomic
def enterprise_update(*, actor: Actor, enterprise: Enterprise, **fields) -> Enterprise:
    """Change an enterprise's details (any of ENTERPRISE_FIELDS). The union status changes only
    through `union_found` / `union_upgrade` / `union_dissolve`. Moving it to another jurisdiction
    needs the right to edit at both, and a covering joint union inside the new one."""
    _unknown(fields, ENTERPRISE_FIELDS)
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_edit(actor, locked.jurisdiction)
    before = snapshot(locked)
    if "credit_code" in fields:
        fields["credit_code"] = normalize_credit_code(fields["credit_code"])
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.jurisdiction_id != before["jurisdiction"]:
        require_edit(actor, locked.jurisdiction)
        check_jurisdiction(locked.jurisdiction)
        if locked.union_status == Status.JOINT:
            check_joint_union(joint_union=locked.joint_union, jurisdiction=locked.jurisdiction)
    locked.full_clean()
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            summary=_("修改企业“%(name)s”") % {"name": locked.name},
            federation=locked.jurisdiction,
        )
    _refresh(enterprise, locked)
    return locked


@transaction.atomic
def enterprise_delete(*, actor: Actor, enterprise: Enterprise) -> None:
    """Delete an enterprise entered by mistake: only one that never had members. Its union status
    history goes with it."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_edit(actor, locked.jurisdiction)
    if locked.memberships.exists():
        raise ValidationError(
            _("该企业有会员记录（含历史会籍），不能删除。"), code="enterprise_has_members"
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=locked,
        changes={name: [value, None] for name, value in creation_changes(locked).items()},
        summary=_("删除企业“%(name)s”（%(code)s）")
        % {"name": locked.name, "code": locked.credit_code},
        federation=locked.jurisdiction,
    )
    locked.delete()


# --- union status -------------------------------------------------------------------------------


def _status_label(status):
    return str(Status(status).label)


def _change_status(
    *, actor, enterprise, status, joint_union, on, note, allowed_from, verb
) -> UnionStatusChange:
    locked = (
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=enterprise.pk)
    )
    require_edit(actor, locked.jurisdiction)
    validate_not_future(on, what=_("生效日期"))
    if status == Status.JOINT:
        check_joint_union(joint_union=joint_union, jurisdiction=locked.jurisdiction)
    elif joint_union is not None:
        raise ValidationError(
            {"joint_union": _("只有联合工会覆盖才需要指定联合工会。")}, code="joint_union_not_joint"
        )
    changes = locked.status_changes.order_by("effective_on")
    same_day = changes.filter(effective_on=on).first()
    if same_day is not None:
        raise ValidationError(
            {
                "on": _(
                    "该企业在 %(date)s 已有一条建会状态记录（%(status)s），同一天只能有一次变更。"
                )
                % {"date": on.isoformat(), "status": same_day.get_status_display()}
            },
            code="status_same_day",
        )
    previous = changes.filter(effective_on__lt=on).last()
    previous_status = previous.status if previous else Status.NONE
    if previous_status not in allowed_from:
        raise ValidationError(
            {
                "on": _(
                    "%(verb)s要求企业当时的状态是“%(allowed)s”，该企业在 %(date)s 是“%(status)s”。"
                )
                % {
                    "verb": verb,
                    "allowed": "”或“".join(_status_label(s) for s in allowed_from),
                    "date": on.isoformat(),
                    "status": _status_label(previous_status),
                }
            },
            code="status_transition",
        )
    following = changes.filter(effective_on__gt=on).first()
    if following is not None and (status, following.status) not in ALLOWED_TRANSITIONS:
        raise ValidationError(
            {
                "on": _(
                    "与 %(date)s 的记录矛盾：之后该企业变为“%(next)s”，"
                    "不能由“%(status)s”直接变为“%(next)s”。"
                )
                % {
                    "date": following.effective_on.isoformat(),
                    "next": following.get_status_display(),
                    "status": _status_label(status),
                }
            },
            code="status_sequence",
        )
    change = UnionStatusChange(
        enterprise=locked,
        status=status,
        joint_union=joint_union if status == Status.JOINT else None,
        effective_on=on,
        recorded_by=actor,
        note=note,
    )
    change.full_clean()
    change.save()
    before = snapshot(locked, fields=("union_status", "joint_union", "union_since"))
    _sync_current_status(locked)
    summary = _("%(verb)s：%(status)s，生效日期 %(date)s") % {
        "verb": verb,
        "status": _status_label(status)
        + (f"（{joint_union.name}）" if status == Status.JOINT else ""),
        "date": on.isoformat(),
    }
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UNION_STATUS,
        obj=locked,
        changes={
            "status": [previous_status, status],
            "joint_union": [previous.joint_union_id if previous else None, change.joint_union_id],
            "effective_on": [None, on.isoformat()],
            **changes_between(before, locked),
        },
        summary=summary + (f"；{note}" if note else ""),
        federation=locked.jurisdiction,
    )
    _refresh(enterprise, locked)
    return change


def _sync_current_status(enterprise):
    """Copy the status on today (latest change dated today or earlier) onto the enterprise."""
    latest = (
        enterprise.status_changes.filter(effective_on__lte=timezone.localdate())
        .order_by("-effective_on")
        .first()
    )
    if latest is None or latest.status == Status.NONE:
        enterprise.union_status, enterprise.joint_union, enterprise.union_since = (
            Status.NONE,
            None,
            None,
        )
    else:
        enterprise.union_status = latest.status
        enterprise.joint_union_id = latest.joint_union_id
        enterprise.union_since = latest.effective_on
    enterprise.save(update_fields=["union_status", "joint_union", "union_since", "updated_at"])


@transaction.atomic
def union_found(
    *,
    actor: Actor,
    enterprise: Enterprise,
    status: str,
    joint_union: Federation | None = None,
    on: datetime.date,
    note: str = "",
) -> UnionStatusChange:
    """建会: from no union to INDEPENDENT (its own union) or JOINT (covered by `joint_union`, a
    joint union inside the enterprise's jurisdiction), effective on `on`."""
    if status not in (Status.JOINT, Status.INDEPENDENT):
        raise ValidationError(
            {"status": _("建会后的状态只能是“联合工会覆盖”或“独立建会”。")}, code="found_status"
        )
    return _change_status(
        actor=actor,
        enterprise=enterprise,
        status=status,
        joint_union=joint_union,
        on=on,
        note=note,
        allowed_from=(Status.NONE,),
        verb=_("建会"),
    )


@transaction.atomic
def union_upgrade(
    *, actor: Actor, enterprise: Enterprise, on: datetime.date, note: str = ""
) -> UnionStatusChange:
    """独立建会 of an enterprise covered by a joint union (先建会—再培养—然后独立建会)."""
    return _change_status(
        actor=actor,
        enterprise=enterprise,
        status=Status.INDEPENDENT,
        joint_union=None,
        on=on,
        note=note,
        allowed_from=(Status.JOINT,),
        verb=_("升级为独立建会"),
    )


@transaction.atomic
def union_dissolve(
    *, actor: Actor, enterprise: Enterprise, on: datetime.date, note: str
) -> UnionStatusChange:
    """撤销: the union (or the coverage) ends on `on`, e.g. the enterprise closed. `note` (the
    reason) is required."""
    if not (note or "").strip():
        raise ValidationError({"note": _("撤销建会必须说明原因。")}, code="dissolve_note")
    return _change_status(
        actor=actor,
        enterprise=enterprise,
        status=Status.NONE,
        joint_union=None,
        on=on,
        note=note.strip(),
        allowed_from=(Status.JOINT, Status.INDEPENDENT),
        verb=_("撤销建会"),
    )


def enterprises_resync_union_status(*, enterprise_ids=None) -> int:
    """Recompute the denormalised current status of the given enterprises (all when None) from
    their history, in one UPDATE. For bulk writers that insert UnionStatusChange rows directly."""
    latest = UnionStatusChange.objects.filter(
        enterprise=OuterRef("pk"), effective_on__lte=timezone.localdate()
    ).order_by("-effective_on")
    queryset = Enterprise.objects.all()
    if enterprise_ids is not None:
        queryset = queryset.filter(pk__in=enterprise_ids)
    return queryset.update(
        union_status=Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NONE)),
        joint_union=Subquery(latest.values("joint_union_id")[:1]),
        union_since=Subquery(
            latest.annotate(
                since=Case(When(status=Status.NONE, then=None), default=F("effective_on"))
            ).values("since")[:1]
        ),
        updated_at=timezone.now(),
    )


# --- members and memberships --------------------------------------------------------------------


def _locked_member(member):
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("current_enterprise__jurisdiction")
        .get(pk=member.pk)
    )


def _member_scope(member):
    enterprise = member.current_enterprise
    return enterprise.jurisdiction if enterprise is not None else None


def _id_details(id_number, sex=None):
    """(normalised number, sex, birth date), or a ValidationError keyed by the field."""
    number = normalize_id_number(id_number)
    try:
        validate_id_number(number)
        if sex:
            validate_sex_matches_id(sex, number)
    except ValidationError as error:
        field = "sex" if error.code == "sex_mismatch" else "id_number"
        raise ValidationError({field: error}) from None
    derived_sex, birth_date = id_number_info(number)
    return number, derived_sex, birth_date


def _check_join_date(joined_on, birth_date):
    try:
        validate_join_date(joined_on, birth_date=birth_date)
    except ValidationError as error:
        raise ValidationError({"joined_on": error}) from None


@transaction.atomic
def member_register(
    *,
    actor: Actor,
    enterprise: Enterprise,
    joined_on: datetime.date,
    card_number: str = "",
    sex: str | None = None,
    **member_fields,
) -> Member:
    """Register a new member and open their membership in `enterprise` on `joined_on`.

    `member_fields`: any of MEMBER_FIELDS; `name` and `id_number` are required. Sex and birth
    date come from the ID number; a `sex` given (e.g. a file's 性别 column) must agree with it.
    The join date is not in the future and not before the person turned 16. An ID number already
    registered is refused (a person moving in is a `membership_transfer` or `membership_join`)."""
    _unknown(member_fields, MEMBER_FIELDS)
    require_edit(actor, enterprise.jurisdiction)
    number, derived_sex, birth_date = _id_details(member_fields.pop("id_number", ""), sex)
    _check_join_date(joined_on, birth_date)
    member = Member(
        id_number=number,
        sex=derived_sex,
        birth_date=birth_date,
        current_enterprise=enterprise,
        **member_fields,
    )
    member.name = (member.name or "").strip()
    member.full_clean()
    member.save()
    membership = Membership(
        member=member, enterprise=enterprise, joined_on=joined_on, card_number=card_number
    )
    membership.full_clean()
    membership.save()
    _count_open(enterprise.pk, +1)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=member,
        changes={
            **creation_changes(member),
            **creation_changes(membership, fields=("joined_on", "card_number")),
        },
        summary=_("登记会员“%(name)s”，入会单位“%(enterprise)s”，入会日期 %(date)s")
        % {"name": member.name, "enterprise": enterprise.name, "date": joined_on.isoformat()},
        federation=enterprise.jurisdiction,
    )
    return member


@transaction.atomic
def member_update(*, actor: Actor, member: Member, sex: str | None = None, **fields) -> Member:
    """Change a member's details (any of MEMBER_FIELDS). A corrected ID number re-derives sex and
    birth date, and every join date must still be on or after the 16th birthday. Only users who
    may edit at the member's current enterprise may do this."""
    _unknown(fields, MEMBER_FIELDS)
    locked = _locked_member(member)
    require_edit(actor, _member_scope(locked))
    before = snapshot(locked)
    if "id_number" in fields or sex:
        number, derived_sex, birth_date = _id_details(
            fields.pop("id_number", locked.id_number), sex
        )
        locked.id_number, locked.sex, locked.birth_date = number, derived_sex, birth_date
        first = locked.memberships.order_by("joined_on").first()
        if first is not None:
            _check_join_date(first.joined_on, birth_date)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.name = (locked.name or "").strip()
    locked.full_clean()
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            summary=_("修改会员“%(name)s”") % {"name": locked.name},
            federation=_member_scope(locked),
        )
    _refresh(member, locked)
    return locked


@transaction.atomic
def member_id_number_reveal(*, actor: Actor, member: Member) -> str:
    """The full ID number, for a user who may change the member (Http404 otherwise); each reveal
    is logged."""
    locked = Member.objects.select_related("current_enterprise__jurisdiction").get(pk=member.pk)
    require_edit(actor, _member_scope(locked))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REVEAL_ID,
        obj=locked,
        summary=_("查看会员“%(name)s”的完整身份证号") % {"name": locked.name},
        federation=_member_scope(locked),
    )
    return locked.id_number


@transaction.atomic
def membership_join(
    *,
    actor: Actor,
    member: Member,
    enterprise: Enterprise,
    joined_on: datetime.date,
    card_number: str = "",
) -> Membership:
    """Open a new membership for a known member who has none open (re-joining after leaving, or
    arriving after leaving elsewhere with reason 调出/会籍接转 — then linked as the transfer's
    continuation). Not before the previous membership ended."""
    require_edit(actor, enterprise.jurisdiction)
    locked = _locked_member(member)
    open_membership = locked.memberships.open().select_related("enterprise").first()
    if open_membership is not None:
        raise ValidationError(
            _("该会员在“%(name)s”有有效会籍，调入请办理会籍接转。")
            % {"name": open_membership.enterprise.name},
            code="membership_open",
        )
    _check_join_date(joined_on, locked.birth_date)
    last = locked.memberships.order_by("-left_on", "-pk").first()
    if last is not None and joined_on < last.left_on:
        raise ValidationError(
            {
                "joined_on": _("入会日期 %(date)s 早于上一段会籍的离会日期 %(left)s。")
                % {"date": joined_on.isoformat(), "left": last.left_on.isoformat()}
            },
            code="join_overlaps",
        )
    transferred_from = None
    if (
        last is not None
        and last.leave_reason == Membership.LeaveReason.TRANSFER
        and not Membership.objects.filter(transferred_from=last).exists()
    ):
        transferred_from = last
    membership = Membership(
        member=locked,
        enterprise=enterprise,
        joined_on=joined_on,
        card_number=card_number,
        transferred_from=transferred_from,
    )
    membership.full_clean()
    membership.save()
    _count_open(enterprise.pk, +1)
    locked.current_enterprise = enterprise
    locked.save(update_fields=["current_enterprise", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.JOIN,
        obj=locked,
        changes={
            "enterprise": [last.enterprise_id if last else None, enterprise.pk],
            "joined_on": [None, joined_on.isoformat()],
        },
        summary=_("会员“%(name)s”加入“%(enterprise)s”，入会日期 %(date)s")
        % {"name": locked.name, "enterprise": enterprise.name, "date": joined_on.isoformat()},
        federation=enterprise.jurisdiction,
    )
    _refresh(member, locked)
    return membership


@transaction.atomic
def membership_transfer(
    *,
    actor: Actor,
    member: Member,
    to_enterprise: Enterprise,
    on: datetime.date,
    card_number: str = "",
) -> Membership:
    """会籍接转: close the member's open membership on `on` (reason 调出/会籍接转) and open one in
    `to_enterprise` on the same date. The receiving side does it: the actor needs the right to
    edit at `to_enterprise` (the sending side records a plain `membership_leave` if it wants to).
    Returns the new membership; the old one stays as history."""
    require_edit(actor, to_enterprise.jurisdiction)
    locked = _locked_member(member)
    current = locked.memberships.open().select_related("enterprise").first()
    if current is None:
        raise ValidationError(
            _("该会员当前没有有效会籍，不能办理会籍接转；请办理入会。"), code="no_open_membership"
        )
    if current.enterprise_id == to_enterprise.pk:
        raise ValidationError(
            _("会员已在“%(name)s”，无需接转。") % {"name": to_enterprise.name},
            code="transfer_same_enterprise",
        )
    try:
        validate_not_future(on, what=_("接转日期"))
    except ValidationError as error:
        raise ValidationError({"on": error}) from None
    if on < current.joined_on:
        raise ValidationError(
            {
                "on": _("接转日期 %(date)s 早于在“%(name)s”的入会日期 %(joined)s。")
                % {
                    "date": on.isoformat(),
                    "name": current.enterprise.name,
                    "joined": current.joined_on.isoformat(),
                }
            },
            code="transfer_before_join",
        )
    current.left_on = on
    current.leave_reason = Membership.LeaveReason.TRANSFER
    current.full_clean()
    current.save()
    membership = Membership(
        member=locked,
        enterprise=to_enterprise,
        joined_on=on,
        card_number=card_number,
        transferred_from=current,
    )
    membership.full_clean()
    membership.save()
    _count_open(current.enterprise_id, -1)
    _count_open(to_enterprise.pk, +1)
    locked.current_enterprise = to_enterprise
    locked.save(update_fields=["current_enterprise", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSFER,
        obj=locked,
        changes={
            "enterprise": [current.enterprise_id, to_enterprise.pk],
            "on": [None, on.isoformat()],
        },
        summary=_("会籍接转：会员“%(name)s”由“%(from)s”转入“%(to)s”，日期 %(date)s")
        % {
            "name": locked.name,
            "from": current.enterprise.name,
            "to": to_enterprise.name,
            "date": on.isoformat(),
        },
        federation=to_enterprise.jurisdiction,
    )
    _refresh(member, locked)
    return membership


@transaction.atomic
def membership_leave(*, actor: Actor, member: Member, on: datetime.date, reason: str) -> Membership:
    """Close the member's open membership on `on` with `reason` (a Membership.LeaveReason). From
    `on` the member no longer counts. The member stays visible to the scope of that enterprise."""
    locked = _locked_member(member)
    require_edit(actor, _member_scope(locked))
    current = locked.memberships.open().select_related("enterprise__jurisdiction").first()
    if current is None:
        raise ValidationError(_("该会员当前没有有效会籍。"), code="no_open_membership")
    if reason not in Membership.LeaveReason.values:
        raise ValidationError({"reason": _("请选择离会原因。")}, code="leave_reason")
    try:
        validate_not_future(on, what=_("离会日期"))
    except ValidationError as error:
        raise ValidationError({"on": error}) from None
    if on < current.joined_on:
        raise ValidationError(
            {
                "on": _("离会日期 %(date)s 早于入会日期 %(joined)s。")
                % {"date": on.isoformat(), "joined": current.joined_on.isoformat()}
            },
            code="leave_before_join",
        )
    current.left_on = on
    current.leave_reason = reason
    current.full_clean()
    current.save()
    _count_open(current.enterprise_id, -1)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.LEAVE,
        obj=locked,
        changes={"left_on": [None, on.isoformat()], "leave_reason": [None, reason]},
        summary=_("会员“%(name)s”离开“%(enterprise)s”（%(reason)s），日期 %(date)s")
        % {
            "name": locked.name,
            "enterprise": current.enterprise.name,
            "reason": current.get_leave_reason_display(),
            "date": on.isoformat(),
        },
        federation=current.enterprise.jurisdiction,
    )
    _refresh(member, locked)
    return current


def members_resync_current_enterprise(*, member_ids=None) -> int:
    """Recompute `Member.current_enterprise` (open membership first, else the latest one) for
    the given members (all when None), in one UPDATE. For bulk writers."""
    latest = Membership.objects.filter(member=OuterRef("pk")).order_by(
        F("left_on").desc(nulls_first=True), "-joined_on", "-pk"
    )
    queryset = Member.objects.all()
    if member_ids is not None:
        queryset = queryset.filter(pk__in=member_ids)
    return queryset.update(
        current_enterprise=Subquery(latest.values("enterprise_id")[:1]),
        updated_at=timezone.now(),
    )


def enterprises_resync_member_counts(*, enterprise_ids=None) -> int:
    """Recompute `Enterprise.members_open` from the memberships for the given enterprises (all
    when None), in one UPDATE. For bulk writers."""
    open_count = (
        Membership.objects.filter(enterprise=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Enterprise.objects.all()
    if enterprise_ids is not None:
        queryset = queryset.filter(pk__in=enterprise_ids)
    return queryset.update(members_open=Coalesce(Subquery(open_count), Value(0)))


# --- bulk imports -------------------------------------------------------------------------------
# The importers (membership/resources.py) have checked every row with the rules above before
# these run; they only write, in bulk, and record the import as one audit event.


@dataclass(frozen=True)
class EnterpriseRecord:
    """A new enterprise from an import: `fields` as for `enterprise_create` (with
    `jurisdiction_id`), and its union status today."""

    fields: dict[str, Any]
    status: str = Status.NONE
    joint_union_id: int | None = None
    union_since: datetime.date | None = None


@dataclass(frozen=True)
class MemberRecord:
    """A new member from an import: `fields` of Member (sex and birth date derived) and the
    membership opened in `enterprise_id` on `joined_on`."""

    fields: dict[str, Any]
    enterprise_id: int
    joined_on: datetime.date
    card_number: str = ""


def _model_columns(model, names):
    return [model._meta.get_field(name).column for name in names]


def _update_in_bulk(model, changes: dict[int, dict[str, Any]]) -> None:
    """UPDATE each row's changed fields, grouped by the set of fields changed."""
    groups: dict[tuple[str, ...], list] = {}
    now = timezone.now()
    for pk, fields in changes.items():
        instance = model(pk=pk, updated_at=now, **fields)
        groups.setdefault(tuple(sorted(fields)), []).append(instance)
    for names, instances in groups.items():
        model.objects.bulk_update(instances, [*names, "updated_at"], batch_size=2000)


def _audit_import(*, actor, model, created, updated, counts, file_name, row_count, federation):
    """One audit event for a whole import: the ids it created and updated, and its counts."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        obj=model,
        changes={"created": created, "updated": sorted(updated)},
        summary=_("导入%(kind)s：%(counts)s")
        % {
            "kind": model._meta.verbose_name,
            "counts": "，".join(f"{label} {count}" for label, count in counts if count),
        },
        file_name=file_name,
        row_count=row_count,
        federation=federation,
    )


@transaction.atomic
def enterprises_import(
    *,
    actor: Actor,
    creates: list[EnterpriseRecord],
    updates: dict[int, dict[str, Any]],
    file_name: str = "",
    row_count: int = 0,
    federation: Federation | None = None,
) -> list[int]:
    """Write the new enterprises (with their founding rows when they already have a union) by
    COPY, and the changed details of existing ones, as one audited import. Returns the new ids."""
    now = timezone.now()
    ids = allocate_ids(Enterprise._meta.db_table, len(creates))
    names = list(creates[0].fields) if creates else []
    copy_rows(
        Enterprise._meta.db_table,
        [
            "id",
            *_model_columns(Enterprise, names),
            "union_status",
            "joint_union_id",
            "union_since",
            "created_at",
            "updated_at",
        ],
        (
            [
                pk,
                *(record.fields[name] for name in names),
                record.status,
                record.joint_union_id,
                record.union_since,
                now,
                now,
            ]
            for pk, record in zip(ids, creates, strict=True)
        ),
    )
    founded = [(pk, r) for pk, r in zip(ids, creates, strict=True) if r.status != Status.NONE]
    actor_id, note = getattr(actor, "pk", None), _("导入")
    copy_rows(
        UnionStatusChange._meta.db_table,
        [
            "enterprise_id",
            "status",
            "joint_union_id",
            "effective_on",
            "recorded_by_id",
            "recorded_at",
            "note",
        ],
        ([pk, r.status, r.joint_union_id, r.union_since, actor_id, now, note] for pk, r in founded),
    )
    _update_in_bulk(Enterprise, updates)
    _audit_import(
        actor=actor,
        model=Enterprise,
        created=ids,
        updated=updates,
        counts=[
            (_("新登记"), len(ids)),
            (_("其中已建会"), len(founded)),
            (_("更新"), len(updates)),
        ],
        file_name=file_name,
        row_count=row_count,
        federation=federation,
    )
    return ids


@transaction.atomic
def members_import(
    *,
    actor: Actor,
    registers: list[MemberRecord],
    member_updates: dict[int, dict[str, Any]],
    membership_updates: dict[int, dict[str, Any]],
    file_name: str = "",
    row_count: int = 0,
    federation: Federation | None = None,
) -> list[int]:
    """Write the new members and their memberships by COPY, and the changed details of known
    members and of their current memberships, as one audited import. Transfers and re-joinings
    are not written here: they go through `membership_transfer` / `membership_join`. Returns the
    new members' ids."""
    now = timezone.now()
    ids = allocate_ids(Member._meta.db_table, len(registers))
    own = ("id", "current_enterprise", "created_at", "updated_at")
    fields = [f for f in Member._meta.concrete_fields if f.name not in own]
    defaults = [field.get_default() for field in fields]
    copy_rows(
        Member._meta.db_table,
        [
            "id",
            *(field.column for field in fields),
            "current_enterprise_id",
            "created_at",
            "updated_at",
        ],
        (
            [
                pk,
                *(record.fields.get(f.name, d) for f, d in zip(fields, defaults, strict=True)),
                record.enterprise_id,
                now,
                now,
            ]
            for pk, record in zip(ids, registers, strict=True)
        ),
    )
    copy_rows(
        Membership._meta.db_table,
        [
            "member_id",
            "enterprise_id",
            "joined_on",
            "leave_reason",
            "card_number",
            "created_at",
            "updated_at",
        ],
        (
            [pk, record.enterprise_id, record.joined_on, "", record.card_number, now, now]
            for pk, record in zip(ids, registers, strict=True)
        ),
    )
    enterprises_resync_member_counts(enterprise_ids={r.enterprise_id for r in registers})
    _update_in_bulk(Member, member_updates)
    _update_in_bulk(Membership, membership_updates)
    # the members updated: their details, their current membership (join date, card), or both
    updated = set(member_updates)
    if membership_updates:
        updated.update(
            Membership.objects.filter(pk__in=membership_updates).values_list("member", flat=True)
        )
    _audit_import(
        actor=actor,
        model=Member,
        created=ids,
        updated=updated,
        counts=[(_("新入会"), len(ids)), (_("更新"), len(updated))],
        file_name=file_name,
        row_count=row_count,
        federation=federation,
    )
    return ids
