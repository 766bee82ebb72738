"""Enterprises, their union status and its history, members and their memberships.

History is kept as rows (STYLE.md #10), so "on date D" questions have answers:

- `UnionStatusChange`: one row per change of an enterprise's union status, dated `effective_on`
  (at most one per enterprise and date). The status on D is that of the latest row with
  `effective_on <= D`; no such row means NONE. `Enterprise.union_status` / `joint_union` /
  `union_since` are a denormalised copy of the status on today, kept by the services.
- `Membership`: one row per stay of a member in an enterprise. Active on D when
  `joined_on <= D` and (`left_on` is empty or `left_on > D`): on the day of a transfer the member
  counts in the new enterprise only. At most one open membership per member (a constraint).
  `Member.current_enterprise` is a denormalised copy of the enterprise of the open membership, or
  of the latest one when the member has left; it decides who sees the member.

Every write goes through `membership.services`; the default managers are unfiltered and scoping is
always named (`in_scope`, `visible_to`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, scoped

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
)
from .validators import (
    CREDIT_CODE_PATTERN,
    ID_NUMBER_PATTERN,
    mask_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile_phone,
)

LARGE_ENTERPRISE_EMPLOYEES = 100  # 百人以上企业


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseQuerySet(models.QuerySet):
    def in_scope(self, federation):
        """Enterprises whose jurisdiction is `federation` or below it."""
        return self.filter(jurisdiction__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        """Enterprises in the user's scope for `perm` (VIEW by default; pass Perm.EDIT_RECORDS
        for the ones the user may change). Nothing for a user without such a role."""
        return scoped(self, user, perm, "jurisdiction__")

    def large(self):
        """百人以上企业: 100 employees or more."""
        return self.filter(employees__gte=LARGE_ENTERPRISE_EMPLOYEES)

    def unionized(self):
        """Unionized today (independent union or covered by a joint union)."""
        return self.exclude(union_status=Enterprise.UnionStatus.NONE)

    def covered_by(self, joint_union):
        """Covered today by this joint union."""
        return self.filter(union_status=Enterprise.UnionStatus.JOINT, joint_union=joint_union)

    def became_independent(self, first_day=None, last_day=None):
        """Enterprises whose union status became INDEPENDENT between `first_day` and `last_day`
        (both included; None leaves that end open): a union founded independently or upgraded
        from joint coverage, dated by the change's `effective_on`. Each enterprise once, however
        many such changes it had (新建独立工会, a flow over a period). Whatever its status today."""
        changes = UnionStatusChange.objects.filter(
            enterprise=OuterRef("pk"), status=Enterprise.UnionStatus.INDEPENDENT
        )
        if first_day is not None:
            changes = changes.filter(effective_on__gte=first_day)
        if last_day is not None:
            changes = changes.filter(effective_on__lte=last_day)
        return self.filter(Exists(changes))

    def with_status_on(self, on, *, details=True):
        """Annotate the union status on date `on`: `status_on` (a UnionStatus value, NONE when
        nothing was recorded by then) and, unless `details=False`, `joint_union_on_id` and
        `status_since_on` (the date that status took effect; None for NONE). One correlated
        subquery per column, served by the (enterprise, effective_on) unique index."""
        latest = UnionStatusChange.objects.filter(
            enterprise=OuterRef("pk"), effective_on__lte=on
        ).order_by("-effective_on")
        queryset = self.annotate(
            status_on=Coalesce(
                Subquery(latest.values("status")[:1]),
                Value(Enterprise.UnionStatus.NONE),
                output_field=models.CharField(),
            )
        )
        if not details:
            return queryset
        return queryset.annotate(
            joint_union_on_id=Subquery(latest.values("joint_union_id")[:1]),
            status_since_on=Subquery(
                latest.annotate(
                    since=Case(
                        When(status=Enterprise.UnionStatus.NONE, then=None),
                        default=F("effective_on"),
                    )
                ).values("since")[:1]
            ),
        )


class Enterprise(models.Model):
    """An enterprise (单位) in the register of a street / town / area federation."""

    class UnionStatus(models.TextChoices):
        NONE = "none", _("未建会")
        JOINT = "joint", _("联合工会覆盖")
        INDEPENDENT = "independent", _("独立建会")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("该统一社会信用代码已登记。")},
    )
    jurisdiction = models.ForeignKey(
        Federation,
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        help_text=_("企业所在的街道、镇或地区总工会。"),
        db_index=False,  # enterprise_juris_status starts with it
    )
    economic_type = models.CharField(_("经济类型"), max_length=16, choices=EconomicType.choices)
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    employees = models.PositiveIntegerField(_("职工人数"), default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # The status today, copied from the latest UnionStatusChange by the services.
    union_status = models.CharField(
        _("建会状态"), max_length=16, choices=UnionStatus.choices, default=UnionStatus.NONE
    )
    joint_union = models.ForeignKey(
        Federation,
        verbose_name=_("覆盖的联合工会"),
        on_delete=models.PROTECT,
        related_name="covered_enterprises",
        null=True,
        blank=True,
    )
    union_since = models.DateField(_("建会日期"), null=True, blank=True)
    # Its open memberships (its members today), kept by the services so that today's member
    # counts of a whole district are a sum over enterprises, not a count over every membership.
    members_open = models.PositiveIntegerField(
        _("在会会员数"), default=0, db_default=0, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(EnterpriseQuerySet)()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=CREDIT_CODE_PATTERN),
                name="enterprise_credit_code_format",
            ),
            models.CheckConstraint(
                condition=(Q(union_status="joint") & Q(joint_union__isnull=False))
                | (~Q(union_status="joint") & Q(joint_union__isnull=True)),
                name="enterprise_joint_union_iff_joint",
                violation_error_message=_("联合工会覆盖的企业必须指定联合工会；其他状态不能指定。"),
            ),
            models.CheckConstraint(
                condition=(Q(union_status="none") & Q(union_since__isnull=True))
                | (~Q(union_status="none") & Q(union_since__isnull=False)),
                name="enterprise_union_since_iff_unionized",
                violation_error_message=_("已建会的企业必须有建会日期；未建会的企业不能有。"),
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "union_status"], name="enterprise_juris_status"),
            models.Index(fields=["employees"], name="enterprise_employees"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("membership:enterprise_detail", kwargs={"pk": self.pk})

    @property
    def is_large(self):
        return self.employees >= LARGE_ENTERPRISE_EMPLOYEES

    @property
    def is_unionized(self):
        return self.union_status != self.UnionStatus.NONE


class UnionStatusChange(models.Model):
    """One dated change of an enterprise's union status (建会、升级为独立建会、撤销).

    At most one change per enterprise and date, so the status on a date is never ambiguous; the
    first change of an enterprise starts from NONE. `joint_union` is set exactly when the status
    is JOINT."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="status_changes",
        db_index=False,  # union_status_change_one_per_day starts with it
    )
    status = models.CharField(_("建会状态"), max_length=16, choices=Enterprise.UnionStatus.choices)
    joint_union = models.ForeignKey(
        Federation,
        verbose_name=_("覆盖的联合工会"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    effective_on = models.DateField(_("生效日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("建会状态变更")
        verbose_name_plural = _("建会状态变更")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "effective_on"],
                name="union_status_change_one_per_day",
                violation_error_message=_("该企业在这一天已有一条建会状态记录。"),
            ),
            models.CheckConstraint(
                condition=(Q(status="joint") & Q(joint_union__isnull=False))
                | (~Q(status="joint") & Q(joint_union__isnull=True)),
                name="union_status_change_joint_union_iff_joint",
                violation_error_message=_("联合工会覆盖必须指定联合工会；其他状态不能指定。"),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.effective_on} · {self.get_status_display()}"


# --- members and memberships --------------------------------------------------------------------


class MemberQuerySet(models.QuerySet):
    def in_scope(self, federation):
        """Members whose current (or, after leaving, last) enterprise is in `federation`'s scope."""
        return self.filter(current_enterprise__jurisdiction__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        """Members whose current enterprise — the one of their open membership, or of their last
        membership when they have left — is in the user's scope for `perm`.

        A member who transferred away is no longer visible to the old scope (their personal data
        follows them); the old enterprise's history still lists the old membership through
        `Membership.objects.visible_to`. A member who left (retired, …) stays with the scope of
        their last enterprise."""
        return scoped(self, user, perm, "current_enterprise__jurisdiction__")

    def with_open_membership(self):
        return self.filter(memberships__left_on__isnull=True)


class Member(models.Model):
    """A union member (会员). Sex and birth date are derived from the ID number by the services."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        error_messages={"unique": _("该身份证号已登记为会员；如为调入，请办理会籍接转。")},
    )
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(
        _("手机号"), max_length=11, blank=True, validators=[validate_mobile_phone]
    )
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity.choices, blank=True)
    education = models.CharField(_("学历"), max_length=2, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=2, choices=PoliticalStatus.choices, blank=True
    )
    household_type = models.CharField(
        _("户籍类型"), max_length=16, choices=HouseholdType.choices, blank=True
    )
    migrant_worker = models.BooleanField(_("是否农民工"), default=False)
    employment_status = models.CharField(
        _("就业状态"),
        max_length=16,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.EMPLOYED,
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    is_model_worker = models.BooleanField(_("劳动模范"), default=False)
    # The enterprise of the open membership, or of the latest one after leaving; kept by the
    # services (and by `services.members_resync_current_enterprise` after bulk writes).
    current_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="current_members",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(MemberQuerySet)()

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number__regex=ID_NUMBER_PATTERN), name="member_id_number_format"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="member_sex_valid"),
        ]
        indexes = [
            models.Index(fields=["phone"], name="member_phone"),
            models.Index(fields=["name"], name="member_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("membership:member_detail", kwargs={"pk": self.pk})

    @property
    def masked_id_number(self):
        """ "110105********002X": what lists, exports and most pages show."""
        return mask_id_number(self.id_number)

    def age_on(self, on):
        years = on.year - self.birth_date.year
        if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class MembershipQuerySet(models.QuerySet):
    def active_on(self, on):
        """Memberships active on date `on`: joined on or before it and not left by it."""
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))

    def open(self):
        return self.filter(left_on__isnull=True)

    def in_scope(self, federation):
        """Memberships in enterprises whose jurisdiction is `federation` or below it."""
        return self.filter(enterprise__jurisdiction__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        """Memberships in enterprises in the user's scope, open or closed (an enterprise's
        history shows everyone who was ever a member there)."""
        return scoped(self, user, perm, "enterprise__jurisdiction__")


class Membership(models.Model):
    """A member's stay in one enterprise's union. A transfer (会籍接转) closes one membership and
    opens the next on the same date, linked by `transferred_from`."""

    class LeaveReason(models.TextChoices):
        TRANSFER = "transfer", _("调出/会籍接转")
        RESIGNED = "resigned", _("离职")
        RETIRED = "retired", _("退休")
        DECEASED = "deceased", _("死亡")
        OTHER = "other", _("其他")

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,  # membership_active_lookup starts with it
    )
    joined_on = models.DateField(_("入会日期"))
    left_on = models.DateField(_("离会日期"), null=True, blank=True)
    leave_reason = models.CharField(
        _("离会原因"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    card_number = models.CharField(_("会员卡号"), max_length=30, blank=True)
    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("转出会籍"),
        on_delete=models.SET_NULL,
        related_name="transferred_to",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(MembershipQuerySet)()

    class Meta:
        verbose_name = _("会籍")
        verbose_name_plural = _("会籍")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open_per_member",
                violation_error_message=_(
                    "该会员已有有效会籍，不能同时在两个单位入会；调入请办理会籍接转。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_left_not_before_joined",
                violation_error_message=_("离会日期不能早于入会日期。"),
            ),
            models.CheckConstraint(
                condition=(Q(left_on__isnull=True) & Q(leave_reason=""))
                | (Q(left_on__isnull=False) & ~Q(leave_reason="")),
                name="membership_leave_reason_iff_left",
                violation_error_message=_("离会必须填写离会原因；在会会籍不能有离会原因。"),
            ),
        ]
        indexes = [
            # "active on D in enterprises in scope": enterprise first, then the dates
            models.Index(
                fields=["enterprise", "joined_on", "left_on"], name="membership_active_lookup"
            ),
            # a member card typed or scanned at an activity's door: open memberships with a card
            models.Index(
                fields=["card_number"],
                condition=Q(left_on__isnull=True) & ~Q(card_number=""),
                name="membership_open_card",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.enterprise} · {self.joined_on}"

    @property
    def is_open(self):
        return self.left_on is None

    def is_active_on(self, on):
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)
