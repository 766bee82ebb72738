"""Every write to activities, job-fair figures, participation, photos and programmes.

Conventions (as in `membership.services`): keyword-only arguments; each function runs in one
transaction, calls `full_clean()` before saving and writes one audit event per action. `actor` is
the signed-in user, who must hold Perm.EDIT_RECORDS at the activity's organizing federation
(`Http404` otherwise: outside the scope is indistinguishable from missing); `actor=None` is the
operator context (commands, tasks). A broken rule raises `ValidationError` with a Chinese message,
keyed by the field it concerns.

The rules of an activity live in one function, `check_activity`, which the forms (through these
services) and the import both call.

Check-in (`participation_check_in`) takes what was typed or scanned at the door — an ID number or a
member card number — and answers with a `CheckIn` (checked in / already checked in / not found);
someone outside the activity's federation reads exactly as someone unknown.
"""

import datetime
import decimal
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, creation_changes, snapshot
from federations.models import Federation
from membership.models import Member, Membership
from membership.services import _unknown, require_edit

from . import selectors
from .models import Activity, ActivityPhoto, JobFair, Participation, Programme, ProgrammeQuarter

Actor = AbstractBaseUser | None
Status = Activity.Status

ACTIVITY_FIELDS = (
    "federation",
    "title",
    "category",
    "programme",
    "starts_on",
    "ends_on",
    "venue",
    "description",
    "status",
    "registration",
    "person_times",
    "enterprise_count",
    "cost",
    "awards",
    "note",
)
JOB_FAIR_FIELDS = ("positions", "job_types", "intents", "consultations")
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTOS_PER_ACTIVITY = 30


def _money(value) -> decimal.Decimal:
    if value is None or value == "":
        return decimal.Decimal("0.00")
    return decimal.Decimal(value).quantize(decimal.Decimal("0.01"))


# --- the rules of an activity -------------------------------------------------------------------


def check_activity(
    activity: Activity, *, job_fair: dict[str, Any] | None = None, today=None
) -> None:
    """Every rule an activity must keep, with the field-level checks of the model: raises one
    ValidationError keyed by field. `job_fair`: the job-fair figures given with it (a 招聘会 only).

    - held: not starting after today; an open event held needs its person-times;
    - registration: person-times come from check-ins, none entered;
    - job-fair figures only for the 招聘会 category;
    - a programme: organized by the activity's federation or one above it, in the year the
      activity starts."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    try:
        # relations arrive as instances already read from the database (no query per row)
        activity.full_clean(
            exclude=["federation", "programme", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.message_dict)

    def add(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if activity.federation_id is None:
        add("federation", _("必须选择主办工会。"), "federation_missing")
    starts_on, ends_on = activity.starts_on, activity.ends_on
    if starts_on and ends_on and ends_on < starts_on:
        add("ends_on", _("结束日期不能早于开始日期。"), "ends_before_start")
    if activity.status == Status.HELD and starts_on and starts_on > today:
        add(
            "status",
            _("开始日期 %(date)s 晚于今天，不能标记为“已举办”；尚未举办的活动请选“计划中”。")
            % {"date": starts_on.isoformat()},
            "held_in_future",
        )
    if activity.registration and activity.person_times is not None:
        add(
            "person_times",
            _("报名签到的活动按签到计参与人次，不能另外填写参与人次。"),
            "person_times_with_registration",
        )
    if (
        activity.status == Status.HELD
        and not activity.registration
        and activity.person_times is None
    ):
        add(
            "person_times",
            _("已举办的开放式活动须填写参与人次。"),
            "person_times_missing",
        )
    given_fair = job_fair and any(job_fair.get(name) for name in JOB_FAIR_FIELDS)
    if given_fair and not activity.is_job_fair:
        add(
            "category",
            _("只有“招聘会”类活动才填写招聘岗位数、达成意向人数等招聘会情况。"),
            "job_fair_fields",
        )
    programme = activity.programme
    if programme is not None and activity.federation_id is not None:
        federation = activity.federation
        if not federation.path.startswith(programme.federation.path):
            add(
                "programme",
                _("系列活动“%(name)s”由“%(owner)s”主办，不包括“%(federation)s”的活动。")
                % {
                    "name": programme.name,
                    "owner": programme.federation.name,
                    "federation": federation.name,
                },
                "programme_scope",
            )
        if starts_on and starts_on.year != programme.year:
            add(
                "programme",
                _("系列活动“%(name)s”是 %(year)s 年度的，活动开始日期不在该年度。")
                % {"name": programme.name, "year": programme.year},
                "programme_year",
            )
    if errors:
        raise ValidationError(errors)


def _job_fair_values(job_fair):
    values = {name: (job_fair or {}).get(name) for name in JOB_FAIR_FIELDS}
    return {
        "positions": values["positions"] or 0,
        "job_types": (values["job_types"] or "").strip(),
        "intents": values["intents"] or 0,
        "consultations": values["consultations"] or 0,
    }


def _save_job_fair(activity, job_fair):
    """Keep the job-fair row in step: a 招聘会 has one, any other category none."""
    if not activity.is_job_fair:
        JobFair.objects.filter(activity=activity).delete()
        return None
    details, _created = JobFair.objects.get_or_create(activity=activity)
    if job_fair is not None:
        for name, value in _job_fair_values(job_fair).items():
            setattr(details, name, value)
        details.full_clean()
        details.save()
    return details


# --- activities ---------------------------------------------------------------------------------


def _locked_activity(activity):
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("federation")
        .get(pk=activity.pk)
    )


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    federation: Federation,
    title: str,
    category: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    job_fair: dict[str, Any] | None = None,
    **fields,
) -> Activity:
    """Record an activity organized by `federation`. `fields`: any other of ACTIVITY_FIELDS
    (status defaults to 计划中). `ends_on` defaults to `starts_on` (a one-day activity).
    `job_fair`: {positions, job_types, intents, consultations} for a 招聘会."""
    _unknown(fields, ACTIVITY_FIELDS)
    require_edit(actor, federation)
    activity = Activity(
        federation=federation,
        title=(title or "").strip(),
        category=category,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    activity.cost = _money(activity.cost)
    check_activity(activity, job_fair=job_fair)
    activity.save()
    details = _save_job_fair(activity, job_fair)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=activity,
        changes={
            **creation_changes(activity),
            **(creation_changes(details, fields=JOB_FAIR_FIELDS) if details else {}),
        },
        summary=_("登记活动“%(title)s”（%(date)s）")
        % {"title": activity.title, "date": activity.starts_on.isoformat()},
        federation=federation,
    )
    return activity


@transaction.atomic
def activity_update(
    *, actor: Actor, activity: Activity, job_fair: dict[str, Any] | None = None, **fields
) -> Activity:
    """Change an activity (any of ACTIVITY_FIELDS, and its job-fair figures). Moving it to another
    organizing federation needs the right to edit at both. An activity with check-ins keeps its
    registration (the check-ins are its person-times)."""
    _unknown(fields, ACTIVITY_FIELDS)
    locked = _locked_activity(activity)
    require_edit(actor, locked.federation)
    before = snapshot(locked)
    old_details = JobFair.objects.filter(activity=locked).first()
    before_fair = snapshot(old_details, fields=JOB_FAIR_FIELDS) if old_details else {}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    if "cost" in fields:
        fields["cost"] = _money(fields["cost"])
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.federation_id != before["federation"]:
        require_edit(actor, locked.federation)
    if before["registration"] and not locked.registration and locked.participations.exists():
        raise ValidationError(
            {
                "registration": _(
                    "该活动已有报名或签到记录，不能改为开放式活动；如需改动请先移除报名记录。"
                )
            },
            code="registration_in_use",
        )
    check_activity(locked, job_fair=job_fair)
    locked.save()
    details = _save_job_fair(locked, job_fair)
    changes = changes_between(before, locked)
    if details is not None:
        changes.update(
            {
                f"job_fair.{name}": values
                for name, values in changes_between(
                    before_fair, details, fields=JOB_FAIR_FIELDS
                ).items()
            }
        )
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            summary=_("修改活动“%(title)s”") % {"title": locked.title},
            federation=locked.federation,
        )
    if activity is not locked:
        activity.refresh_from_db()
    return locked


@transaction.atomic
def activity_delete(*, actor: Actor, activity: Activity) -> None:
    """Delete an activity entered by mistake: only one without participants or photos."""
    locked = _locked_activity(activity)
    require_edit(actor, locked.federation)
    if locked.participations.exists() or locked.photos.exists():
        raise ValidationError(
            _("该活动已有报名、签到记录或照片，不能删除；如活动未举办，请改为“已取消”。"),
            code="activity_in_use",
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=locked,
        changes={name: [value, None] for name, value in creation_changes(locked).items()},
        summary=_("删除活动“%(title)s”（%(date)s）")
        % {"title": locked.title, "date": locked.starts_on.isoformat()},
        federation=locked.federation,
    )
    locked.delete()


# --- participation ------------------------------------------------------------------------------


def _require_registration(activity):
    if not activity.registration:
        raise ValidationError(
            _("“%(title)s”是开放式活动，按填写的参与人次统计，不办理报名和签到。")
            % {"title": activity.title},
            code="no_registration",
        )
    if activity.status == Status.CANCELLED:
        raise ValidationError(_("该活动已取消，不能报名或签到。"), code="activity_cancelled")


@transaction.atomic
def participation_register(*, actor: Actor, activity: Activity, member: Member) -> Participation:
    """Register a member for an activity with registration. The member must have an open
    membership in an enterprise within the activity's federation (ValidationError otherwise, the
    same whether the member is outside it or unknown)."""
    locked = _locked_activity(activity)
    require_edit(actor, locked.federation)
    _require_registration(locked)
    membership = selectors.open_membership_for_activity(activity=locked, member_id=member.pk)
    if membership is None:
        raise ValidationError(
            _("只能为“%(federation)s”辖区内的在会会员报名。")
            % {"federation": locked.federation.name},
            code="member_outside",
        )
    existing = Participation.objects.filter(activity=locked, member_id=member.pk).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s 已报名，无需重复报名。") % {"name": membership.member.name},
            code="already_registered",
        )
    participation = Participation(
        activity=locked,
        member_id=member.pk,
        registered_at=timezone.now(),
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    participation.full_clean(validate_constraints=False)
    participation.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=participation,
        summary=_("为“%(title)s”报名：%(name)s")
        % {"title": locked.title, "name": membership.member.name},
        federation=locked.federation,
    )
    return participation


@transaction.atomic
def participation_remove(*, actor: Actor, participation: Participation) -> None:
    """Take back a registration that has not been checked in."""
    locked = _locked_activity(participation.activity)
    require_edit(actor, locked.federation)
    current = Participation.objects.select_related("member").get(pk=participation.pk)
    if current.checked_in_at is not None:
        raise ValidationError(_("已签到的记录不能取消报名。"), code="already_checked_in")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=current,
        summary=_("取消“%(title)s”的报名：%(name)s")
        % {"title": locked.title, "name": current.member.name},
        federation=locked.federation,
    )
    current.delete()


@dataclass(frozen=True)
class CheckIn:
    """What the door sees after a number was typed or scanned."""

    class Outcome:
        CHECKED_IN = "checked_in"
        ALREADY = "already"
        NOT_FOUND = "not_found"

    outcome: str
    participation: Participation | None = None
    membership: Membership | None = None
    walk_in: bool = False
    message: str = ""

    @property
    def ok(self):
        return self.outcome == self.Outcome.CHECKED_IN


@transaction.atomic
def participation_check_in(
    *, actor: Actor, activity: Activity, number: str, now: datetime.datetime | None = None
) -> CheckIn:
    """Check a member in by ID number or member card number (full- or half-width, any case).

    Found (an open membership in an enterprise within the activity's federation): checked in,
    registered or not (a walk-in gets a row of its own). Already checked in: a message, nothing
    written. Anyone else — unknown, or outside the federation — is NOT_FOUND with one message that
    names nobody. A planned activity that has begun becomes 已举办 with its first check-in.
    ValidationError for an activity without registration, cancelled, or not yet begun."""
    now = now or timezone.now()
    locked = _locked_activity(activity)
    require_edit(actor, locked.federation)
    _require_registration(locked)
    today = timezone.localdate(now)
    if locked.starts_on > today:
        raise ValidationError(
            _("活动 %(date)s 开始，尚未开始，不能签到。") % {"date": locked.starts_on.isoformat()},
            code="not_started",
        )
    found = selectors.membership_for_check_in(activity=locked, number=number)
    if found.membership is None:
        return CheckIn(outcome=CheckIn.Outcome.NOT_FOUND, message=found.message)
    membership = found.membership
    member = membership.member
    participation = (
        Participation.objects.select_for_update().filter(activity=locked, member=member).first()
    )
    if participation is not None and participation.checked_in_at is not None:
        local = timezone.localtime(participation.checked_in_at)
        return CheckIn(
            outcome=CheckIn.Outcome.ALREADY,
            participation=participation,
            membership=membership,
            message=_("%(name)s 已于 %(time)s 签到，无需重复签到。")
            % {"name": member.name, "time": f"{local:%m-%d %H:%M}"},
        )
    who = actor if getattr(actor, "is_authenticated", False) else None
    walk_in = participation is None
    if walk_in:
        participation = Participation(activity=locked, member=member)
    participation.checked_in_at = now
    participation.checked_in_by = who
    participation.full_clean(validate_constraints=False, validate_unique=False)
    participation.save()
    if locked.status == Status.PLANNED:
        locked.status = Status.HELD
        locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=participation,
        changes={"checked_in_at": [None, now.isoformat()]},
        summary=_("“%(title)s”签到：%(name)s%(walk_in)s")
        % {
            "title": locked.title,
            "name": member.name,
            "walk_in": _("（现场签到，未报名）") if walk_in else "",
        },
        federation=locked.federation,
    )
    return CheckIn(
        outcome=CheckIn.Outcome.CHECKED_IN,
        participation=participation,
        membership=membership,
        walk_in=walk_in,
        message=_("签到成功：%(name)s（%(enterprise)s）%(walk_in)s")
        % {
            "name": member.name,
            "enterprise": membership.enterprise.name,
            "walk_in": _("，现场签到，未报名") if walk_in else "",
        },
    )


# --- photos -------------------------------------------------------------------------------------


def _image_type(upload: UploadedFile) -> str:
    """The MIME type of an uploaded JPEG, PNG or WebP image, told from its content."""
    from PIL import Image, UnidentifiedImageError  # installed with WeasyPrint

    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {"file": _("照片不能超过 %(mb)s MB。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}},
            code="photo_too_large",
        )
    upload.seek(0)
    data = upload.read(PHOTO_MAX_BYTES + 1)
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    if kind not in PHOTO_TYPES:
        raise ValidationError(
            {"file": _("只能上传 JPEG、PNG 或 WebP 格式的照片。")}, code="photo_type"
        )
    return PHOTO_TYPES[kind]


@transaction.atomic
def photo_add(
    *, actor: Actor, activity: Activity, file: UploadedFile, caption: str = ""
) -> ActivityPhoto:
    """Store a photo of the activity under PRIVATE_ROOT (a random file name)."""
    locked = _locked_activity(activity)
    require_edit(actor, locked.federation)
    if locked.photos.count() >= PHOTOS_PER_ACTIVITY:
        raise ValidationError(
            {"file": _("每个活动最多上传 %(n)s 张照片。") % {"n": PHOTOS_PER_ACTIVITY}},
            code="too_many_photos",
        )
    content_type = _image_type(file)
    photo = ActivityPhoto(
        activity=locked,
        content_type=content_type,
        caption=(caption or "").strip(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    extension = content_type.split("/")[1].replace("jpeg", "jpg")
    photo.file.save(f"photo.{extension}", file, save=False)
    try:
        photo.full_clean()
        photo.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=photo,
            summary=_("上传“%(title)s”的照片") % {"title": locked.title},
            federation=locked.federation,
        )
    except Exception:
        photo.file.delete(save=False)  # nothing is committed: no file without its row
        raise
    return photo


@transaction.atomic
def photo_delete(*, actor: Actor, photo: ActivityPhoto) -> None:
    locked = _locked_activity(photo.activity)
    require_edit(actor, locked.federation)
    current = ActivityPhoto.objects.get(pk=photo.pk)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=current,
        summary=_("删除“%(title)s”的一张照片") % {"title": locked.title},
        federation=locked.federation,
    )
    name = current.file.name
    storage = current.file.storage
    current.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- programmes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_save(
    *,
    actor: Actor,
    federation: Federation,
    name: str,
    year: int,
    description: str = "",
    quarters: dict[int, tuple[str, int]] | None = None,
    programme: Programme | None = None,
) -> Programme:
    """Create a programme (`programme=None`) or change one. `quarters`: {1..4: (theme, planned
    activities)}; a quarter left out keeps its plan."""
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        require_edit(actor, programme.federation)
        before = snapshot(programme)
    else:
        programme, before = Programme(), None
    require_edit(actor, federation)
    programme.federation = federation
    programme.name = (name or "").strip()
    programme.year = year
    programme.description = description
    programme.full_clean()
    programme.save()
    for number, (theme, planned) in sorted((quarters or {}).items()):
        row = ProgrammeQuarter.objects.filter(programme=programme, quarter=number).first()
        row = row or ProgrammeQuarter(programme=programme, quarter=number)
        row.theme, row.planned = (theme or "").strip(), planned or 0
        row.full_clean()
        row.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        obj=programme,
        changes=(
            creation_changes(programme) if before is None else changes_between(before, programme)
        ),
        summary=(_("新建系列活动“%(name)s”") if before is None else _("修改系列活动“%(name)s”"))
        % {"name": str(programme)},
        federation=federation,
    )
    return programme


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRecord:
    """One activity of an import: Activity field values (`federation_id` …) and, for a 招聘会,
    its job-fair figures."""

    fields: dict[str, Any]
    job_fair: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def activities_import(
    *,
    actor: Actor,
    creates: list[ActivityRecord],
    updates: dict[int, ActivityRecord],
    file_name: str = "",
    row_count: int = 0,
    federation: Federation | None = None,
) -> list[int]:
    """Write checked activities in bulk (the importer has run `check_activity` on each) and their
    job-fair figures, as one audited import. `updates`: {activity id: the changed fields and the
    full job-fair figures}. Returns the new activities' ids."""
    who = actor if getattr(actor, "is_authenticated", False) else None
    created = Activity.objects.bulk_create(
        [Activity(created_by=who, **record.fields) for record in creates], batch_size=1000
    )
    fairs = [
        JobFair(activity=activity, **_job_fair_values(record.job_fair))
        for activity, record in zip(created, creates, strict=True)
        if activity.is_job_fair
    ]
    now = timezone.now()
    for pk, record in updates.items():
        if record.fields:
            Activity.objects.filter(pk=pk).update(updated_at=now, **record.fields)
    changed = Activity.objects.filter(pk__in=list(updates)).only("pk", "category")
    no_longer_fairs = []
    for activity in changed:
        if activity.is_job_fair:
            JobFair.objects.update_or_create(
                activity=activity, defaults=_job_fair_values(updates[activity.pk].job_fair)
            )
        else:
            no_longer_fairs.append(activity.pk)
    JobFair.objects.filter(activity_id__in=no_longer_fairs).delete()
    JobFair.objects.bulk_create(fairs, batch_size=1000)
    counts = ((_("新建"), len(created)), (_("更新"), len(updates)))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        obj=Activity,
        changes={"created": [a.pk for a in created], "updated": sorted(updates)},
        summary=_("导入活动：%(counts)s")
        % {"counts": "，".join(f"{label} {count}" for label, count in counts if count)},
        file_name=file_name,
        row_count=row_count,
        federation=federation,
    )
    return [activity.pk for activity in created]
