"""Activities and events (文体活动、技能竞赛、培训讲座、招聘会 …), their participants, job-fair
figures, photos, and year-long programmes (健康四季行) with planned activities per quarter.

- `Activity` belongs to its organizing federation (`federation`); who sees and changes it follows
  `federations.permissions` on that node, as for every record.
- Person-times (人次): an activity with registration (`registration=True`) counts its check-ins
  (`Participation.checked_in_at`); an open event (a walk with 500 people) counts the total staff
  entered (`person_times`). Distinct people are known only for activities with registration.
- `JobFair` holds the figures of a 招聘会 (positions, job types, employment intents, policy
  consultations); its employers are the activity's `enterprise_count` and its visitors the
  activity's person-times, so nothing is entered twice.
- Photos are private uploads under PRIVATE_ROOT, never served by URL (a scoped view streams them).
- An activity counts in the period its start date falls in (`starts_on`), and only when held.

Every write goes through `activities.services`; the default managers are unfiltered and scoping is
always named (`in_scope`, `visible_to`).
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, scoped
from membership.models import Member

# --- programmes ---------------------------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet):
    def in_scope(self, federation):
        return self.filter(federation__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        return scoped(self, user, perm, "federation__")


class Programme(models.Model):
    """A named series of activities across a year (健康四季行), with a plan per quarter."""

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("主办工会"),
        on_delete=models.PROTECT,
        related_name="activity_programmes",
        db_index=False,  # programme_unique_name starts with it
    )
    name = models.CharField(_("系列活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(ProgrammeQuerySet)()

    class Meta:
        verbose_name = _("系列活动")
        verbose_name_plural = _("系列活动")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year", "name"],
                name="programme_unique_name",
                violation_error_message=_("该工会这一年度已有同名的系列活动。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="programme_year_range",
                violation_error_message=_("年度必须在 2000 至 2100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def get_absolute_url(self):
        return reverse("activities:programme_detail", kwargs={"pk": self.pk})


class ProgrammeQuarter(models.Model):
    """One quarter of a programme: its theme (春乐、夏游、秋高、冬训) and the activities planned."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("系列活动"),
        on_delete=models.CASCADE,
        related_name="quarters",
        db_index=False,  # programme_quarter_unique starts with it
    )
    quarter = models.PositiveSmallIntegerField(_("季度"))
    theme = models.CharField(_("主题"), max_length=50, blank=True)
    planned = models.PositiveIntegerField(_("计划场次"), default=0)

    class Meta:
        verbose_name = _("系列活动季度计划")
        verbose_name_plural = _("系列活动季度计划")
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "quarter"],
                name="programme_quarter_unique",
                violation_error_message=_("该系列活动这一季度已有计划。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="programme_quarter_range",
                violation_error_message=_("季度只能是 1 至 4。"),
            ),
        ]

    def __str__(self):
        return f"{self.programme} · Q{self.quarter} {self.theme}"


# --- activities ---------------------------------------------------------------------------------


class ActivityQuerySet(models.QuerySet):
    def in_scope(self, federation):
        """Activities organized by `federation` or a federation below it."""
        return self.filter(federation__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        """Activities whose organizing federation is in the user's scope for `perm`."""
        return scoped(self, user, perm, "federation__")

    def held(self):
        return self.filter(status=Activity.Status.HELD)

    def starting_in(self, first_day, last_day):
        """Activities that start between the two days (both included): an activity counts in the
        period it starts in, whatever its end."""
        return self.filter(starts_on__gte=first_day, starts_on__lte=last_day)

    def overlapping(self, first_day, last_day):
        """Activities taking place on at least one day between the two (the calendar)."""
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)

    def with_attendance(self):
        """Annotate `checked_in` (check-ins), `registered` (participants registered or checked
        in) and `attendance` (the person-times: check-ins with registration, else the entered
        total, 0 when none was entered), one indexed subquery each."""
        participations = Participation.objects.filter(activity=OuterRef("pk")).order_by()

        def counted(queryset):
            return Coalesce(
                Subquery(
                    queryset.values("activity").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )

        return self.annotate(
            checked_in=counted(participations.filter(checked_in_at__isnull=False)),
            registered=counted(participations),
        ).annotate(
            attendance=models.Case(
                models.When(registration=True, then=models.F("checked_in")),
                default=Coalesce(models.F("person_times"), Value(0)),
                output_field=IntegerField(),
            )
        )


class Activity(models.Model):
    """An activity organized by a federation: a performance, a contest, a training, a job fair …"""

    class Category(models.TextChoices):
        CULTURE_SPORTS = "culture_sports", _("文体活动")
        SKILLS_CONTEST = "skills_contest", _("技能竞赛")
        TRAINING = "training", _("培训讲座")
        JOB_FAIR = "job_fair", _("招聘会")
        VOLUNTEER = "volunteer", _("志愿服务")
        LEGAL = "legal", _("普法维权")
        SOCIAL = "social", _("联谊交友")
        VISIT = "visit", _("参观学习")
        PERFORMANCE = "performance", _("文艺演出")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("主办工会"),
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,  # activity_federation_start starts with it
    )
    title = models.CharField(_("活动名称"), max_length=200)
    category = models.CharField(_("活动类别"), max_length=20, choices=Category.choices)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("所属系列活动"),
        on_delete=models.SET_NULL,
        related_name="activities",
        null=True,
        blank=True,
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("活动内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    registration = models.BooleanField(
        _("报名签到"),
        default=False,
        help_text=_(
            "勾选：会员报名、现场签到，参与人次按签到计；不勾选：开放式活动，填写参与人次。"
        ),
    )
    person_times = models.PositiveIntegerField(
        _("参与人次"),
        null=True,
        blank=True,
        help_text=_("开放式活动填写的参与总人次（招聘会为入场求职人次）。"),
    )
    enterprise_count = models.PositiveIntegerField(
        _("参与单位数"), default=0, help_text=_("参与的企业、单位数（招聘会为参会用人单位数）。")
    )
    cost = models.DecimalField(
        _("费用（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0, message=_("费用不能为负数。"))],
    )
    awards = models.CharField(
        _("获奖情况"), max_length=200, blank=True, help_text=_("如：区级比赛二等奖。")
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(ActivityQuerySet)()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_not_before_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(registration=False) | Q(person_times__isnull=True),
                name="activity_person_times_only_open",
                violation_error_message=_("报名签到的活动按签到计参与人次，不能另外填写参与人次。"),
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="activity_cost_not_negative",
                violation_error_message=_("费用不能为负数。"),
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "starts_on"], name="activity_federation_start"),
            models.Index(fields=["starts_on"], name="activity_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:detail", kwargs={"pk": self.pk})

    @property
    def is_job_fair(self):
        return self.category == self.Category.JOB_FAIR

    @property
    def spans_days(self):
        return self.ends_on != self.starts_on


class JobFair(models.Model):
    """The figures of a job fair (招聘会, 春风行动). Employers: the activity's `enterprise_count`;
    visitors: the activity's person-times."""

    activity = models.OneToOneField(
        Activity,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="job_fair",
        primary_key=True,
    )
    positions = models.PositiveIntegerField(_("招聘岗位数"), default=0)
    job_types = models.CharField(
        _("招聘工种"), max_length=200, blank=True, help_text=_("如：普工、保安、保洁、厨师。")
    )
    intents = models.PositiveIntegerField(_("达成意向人数"), default=0)
    consultations = models.PositiveIntegerField(_("政策咨询人次"), default=0)

    class Meta:
        verbose_name = _("招聘会情况")
        verbose_name_plural = _("招聘会情况")

    def __str__(self):
        return str(self.activity)


class Participation(models.Model):
    """A member registered for an activity with registration, and/or checked in at the door.
    One row per member and activity: checking in twice changes nothing."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,  # participation_unique starts with it
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="activity_participations",
    )
    registered_at = models.DateTimeField(
        _("报名时间"), null=True, blank=True, help_text=_("为空表示未报名、现场签到。")
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名登记人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到登记人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("参与记录")
        verbose_name_plural = _("参与记录")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                name="participation_unique",
                violation_error_message=_("该会员已报名或签到。"),
            ),
            models.CheckConstraint(
                condition=Q(registered_at__isnull=False) | Q(checked_in_at__isnull=False),
                name="participation_registered_or_checked_in",
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.member}"

    @property
    def walk_in(self):
        return self.registered_at is None


def photo_path(instance, filename):
    """activities/<activity id>/<random>.<ext>: never the uploader's file name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"activities/{instance.activity_id}/{secrets.token_urlsafe(16)}.{extension}"


class ActivityPhoto(models.Model):
    """A photo of an activity, stored under PRIVATE_ROOT and streamed by a scoped view."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self):
        return self.caption or f"{self.activity} #{self.pk}"

    def get_absolute_url(self):
        return reverse("activities:photo", kwargs={"pk": self.activity_id, "photo_pk": self.pk})
