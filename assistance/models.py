"""Hardship aid: the registry of workers in difficulty (困难职工档案), aid programmes with their
rules and budgets, grants with their approval, group deliveries, mutual-aid claims, and the
model-worker titles that 劳模慰问 needs.

Whose record it is. Every record here names its federation explicitly (`HardshipFile.federation`,
`Grant.paying_federation`, …) instead of deriving it from the member's current enterprise:

- a hardship file is kept by the federation that opened it (from the member's enterprise at the
  time), and its grants were paid from that federation's budget. When the member transfers, the
  history stays where the money was spent and where the yearly figures were reported; a file is
  moved only on purpose;
- "active on date D" and the yearly budget then never change when somebody's membership does;
- scoping is one indexed path prefix on the federation, with no join through memberships.

History as rows (STYLE.md #10): a grant's status is a denormalised copy of its latest
`GrantDecision` (approved, rejected, paid), which says who decided what and when.

Money is Decimal in yuan (two decimals), never float. Every write goes through
`assistance.services`; the default managers are unfiltered and scoping is named (`in_scope`,
`visible_to`).
"""

import calendar
import datetime
import os
import secrets
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, scoped
from membership.models import Enterprise, Member

CENT = Decimal("0.01")
REVIEW_INTERVAL_MONTHS = 12
MAX_SECONDARY_CAUSES = 3
# Who sees hardship data: staff (EDIT_RECORDS) and chairs (APPROVE_GRANTS) in scope — not every
# role with VIEW (the district office, the administrators) — DESIGN.md, "Privacy".
HARDSHIP_PERMS = (Perm.EDIT_RECORDS, Perm.APPROVE_GRANTS)


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class ScopedQuerySet(models.QuerySet):
    federation_lookup = "federation"

    def in_scope(self, federation):
        return self.filter(**{f"{self.federation_lookup}__path__startswith": federation.path})

    def visible_to(self, user):
        """Rows in the scope where the user is staff or chair; nothing for anyone else."""
        return scoped(self, user, HARDSHIP_PERMS, f"{self.federation_lookup}__")


# --- code lists ---------------------------------------------------------------------------------


class HardshipCategory(models.TextChoices):
    SUBSISTENCE = "subsistence", _("低保户")
    NEAR_SUBSISTENCE = "near_subsistence", _("低保边缘户")
    ACCIDENT = "accident", _("意外致困户")
    OTHER = "other", _("其他")


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("疾病")
    DISABILITY = "disability", _("残疾")
    EDUCATION = "education", _("子女教育")
    UNEMPLOYMENT = "unemployment", _("失业下岗")
    ACCIDENT = "accident", _("意外事故")
    SINGLE_PARENT = "single_parent", _("单亲")
    DISASTER = "disaster", _("灾害")
    LOW_INCOME = "low_income", _("收入低")
    HOUSING = "housing", _("住房困难")
    OTHER = "other", _("其他")


class StudyLevel(models.TextChoices):
    JUNIOR_COLLEGE = "junior_college", _("专科")
    BACHELOR = "bachelor", _("本科")
    GRADUATE = "graduate", _("研究生")


class ModelWorkerLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省部级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")


# --- private files ------------------------------------------------------------------------------


@deconstructible(path="assistance.models.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_ROOT/assistance, read when used (so a test's PRIVATE_ROOT
    applies). No URL: they are only ever streamed by the scoped download view."""

    def __init__(self, subdirectory="assistance"):
        self.subdirectory = subdirectory
        super().__init__()

    @property
    def base_location(self):
        return Path(settings.PRIVATE_ROOT) / self.subdirectory

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files have no URL")


private_storage = PrivateStorage()


def evidence_path(instance, filename):
    """A random name under the file's folder; the name staff gave is kept in `original_name`."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"evidence/{instance.hardship_file_id}/{secrets.token_urlsafe(16)}{extension}"


# --- hardship files -----------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_cutoff(today: datetime.date) -> datetime.date:
    """Files last reviewed on or before this day are due for review (12 months without one)."""
    return months_before(today, REVIEW_INTERVAL_MONTHS)


class HardshipFileQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=HardshipFile.Status.ACTIVE)

    def active_on(self, on):
        """Files open on `on`: opened on or before it and not lifted out by then."""
        return self.filter(opened_on__lte=on).filter(
            Q(lifted_out_on__isnull=True) | Q(lifted_out_on__gt=on)
        )

    def review_due(self, today):
        """Active files not reviewed for 12 months (by `today`)."""
        return self.active().filter(last_reviewed_on__lte=review_due_cutoff(today))


class HardshipFile(models.Model):
    """困难职工档案 of one member. At most one active file per member."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在档")
        LIFTED_OUT = "lifted_out", _("解困脱困")

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("建档工会"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
        help_text=_("建档并负责帮扶的工会组织，建档时取会员所在单位的所属工会。"),
    )
    category = models.CharField(_("困难类别"), max_length=20, choices=HardshipCategory.choices)
    main_cause = models.CharField(_("主要致困原因"), max_length=20, choices=HardshipCause.choices)
    secondary_causes = ArrayField(
        models.CharField(max_length=20, choices=HardshipCause.choices),
        verbose_name=_("次要致困原因"),
        size=MAX_SECONDARY_CAUSES,
        default=list,
        blank=True,
    )
    household_size = models.PositiveSmallIntegerField(
        _("家庭人口"), validators=[MinValueValidator(1)]
    )
    household_monthly_income = money_field(_("家庭月收入（元）"))
    health = models.CharField(_("健康状况"), max_length=200, blank=True)
    housing = models.CharField(_("住房状况"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    opened_on = models.DateField(_("建档日期"))
    last_reviewed_on = models.DateField(_("最近复核日期"))
    lifted_out_on = models.DateField(_("脱困日期"), null=True, blank=True)
    lifted_out_reason = models.CharField(_("脱困原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建档人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(HardshipFileQuerySet)()

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="active"),
                name="hardship_file_one_active_per_member",
                violation_error_message=_("该会员已有在档的困难职工档案。"),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="active") & Q(lifted_out_on__isnull=True) & Q(lifted_out_reason="")
                )
                | (
                    Q(status="lifted_out")
                    & Q(lifted_out_on__isnull=False)
                    & ~Q(lifted_out_reason="")
                ),
                name="hardship_file_lifted_out_details",
                violation_error_message=_("解困脱困必须填写日期和原因；在档的档案不能有。"),
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1),
                name="hardship_file_household_size",
                violation_error_message=_("家庭人口至少为 1 人。"),
            ),
            models.CheckConstraint(
                condition=Q(household_monthly_income__gte=0),
                name="hardship_file_income_not_negative",
                violation_error_message=_("家庭月收入不能为负数。"),
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "status"], name="hardship_file_fed_status"),
            models.Index(fields=["last_reviewed_on"], name="hardship_file_reviewed"),
        ]

    def __str__(self):
        return _("%(name)s的困难职工档案") % {"name": self.member.name}

    def get_absolute_url(self):
        return reverse("assistance:file_detail", kwargs={"pk": self.pk})

    @property
    def per_capita_income(self) -> Decimal:
        """家庭人均月收入 = household monthly income / household size, to the fen (half up)."""
        return per_capita(self.household_monthly_income, self.household_size)

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def review_due(self, today) -> bool:
        return self.is_active and self.last_reviewed_on <= review_due_cutoff(today)

    def causes_display(self):
        labels = dict(HardshipCause.choices)
        return [str(labels.get(cause, cause)) for cause in self.secondary_causes]


def per_capita(income, size) -> Decimal:
    if not size:
        return Decimal("0.00")
    return (Decimal(income) / size).quantize(CENT, rounding=ROUND_HALF_UP)


class EvidenceDocument(models.Model):
    """A scanned certificate, a hospital bill … attached to a hardship file. Stored under
    PRIVATE_ROOT; only the scoped download view reads it, and each download is logged."""

    hardship_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("困难职工档案"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(
        _("文件"), upload_to=evidence_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"))
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
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    def __str__(self):
        return self.original_name


class ModelWorkerTitleQuerySet(models.QuerySet):
    def held_in(self, year):
        """Titles awarded in `year` or before."""
        return self.filter(year__lte=year)


class ModelWorkerTitle(models.Model):
    """A model-worker title (劳动模范、先进工作者 …) a member holds: what 劳模慰问 requires."""

    member = models.ForeignKey(
        Member,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="model_worker_titles",
    )
    title = models.CharField(_("称号"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=ModelWorkerLevel.choices)
    year = models.PositiveSmallIntegerField(_("授予年份"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(ModelWorkerTitleQuerySet)()

    class Meta:
        verbose_name = _("劳模称号")
        verbose_name_plural = _("劳模称号")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "title", "year"],
                name="model_worker_title_unique",
                violation_error_message=_("该会员这一年已登记过这个称号。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950) & Q(year__lte=2100),
                name="model_worker_title_year_range",
                violation_error_message=_("授予年份必须在 1950 至 2100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.title}（{self.get_level_display()}）"


# --- programmes and budgets ---------------------------------------------------------------------


class AidProgram(models.Model):
    """An aid programme and its rules, edited by the district office. The eight programmes are
    created by the migration with the rules of the issue; the codes are fixed."""

    class Code(models.TextChoices):
        WINTER_WARMTH = "winter_warmth", _("两节送温暖")
        SUMMER_COOLING = "summer_cooling", _("夏季送清凉")
        STUDY_AID = "study_aid", _("金秋助学")
        EMERGENCY = "emergency", _("应急救助")
        SERIOUS_ILLNESS = "serious_illness", _("大病救助")
        MODEL_WORKER = "model_worker", _("劳模慰问")
        WOMENS_DAY = "womens_day", _("三八节慰问")
        OTHER = "other", _("其他")

    code = models.CharField(_("代码"), max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    grants_per_year = models.PositiveSmallIntegerField(
        _("每人每年次数上限"),
        null=True,
        blank=True,
        help_text=_("留空表示不限次数。"),
    )
    per_student = models.BooleanField(
        _("按学生计次"),
        default=False,
        help_text=_("金秋助学：次数上限按每名学生计算，而不是按会员。"),
    )
    max_amount = money_field(
        _("单次金额上限（元）"),
        null=True,
        blank=True,
        help_text=_("现金与物资折价合计；留空表示不设上限。"),
    )
    requires_active_file = models.BooleanField(_("须有在档困难职工档案"), default=False)
    requires_model_worker = models.BooleanField(_("须为劳动模范"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def is_study_aid(self):
        return self.code == self.Code.STUDY_AID


class AidBudget(models.Model):
    """A federation's yearly budget for one programme (cash plus goods value of approved and
    paid grants it pays). Without a row the programme has no budget limit there."""

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="aid_budgets",
        db_index=False,  # aid_budget_unique starts with it
    )
    program = models.ForeignKey(
        AidProgram, verbose_name=_("帮扶项目"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = money_field(_("预算（元）"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("帮扶预算")
        verbose_name_plural = _("帮扶预算")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "program", "year"],
                name="aid_budget_unique",
                violation_error_message=_("该工会组织这一年度已有该项目的预算。"),
            ),
        ]

    def __str__(self):
        return f"{self.federation} · {self.program} · {self.year}"


# --- grants -------------------------------------------------------------------------------------


class GrantQuerySet(ScopedQuerySet):
    federation_lookup = "paying_federation"

    def counting(self):
        """Grants that count against limits: all but the rejected ones."""
        return self.exclude(status=Grant.Status.REJECTED)

    def committed(self):
        """Grants that use budget: approved or paid."""
        return self.filter(status__in=(Grant.Status.APPROVED, Grant.Status.PAID))

    def in_year(self, year):
        return self.filter(
            granted_on__gte=datetime.date(year, 1, 1), granted_on__lte=datetime.date(year, 12, 31)
        )


class Grant(models.Model):
    """One grant to a member under a programme: drafted by staff, approved (or rejected) by a
    chair who did not draft it, then paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审批")
        APPROVED = "approved", _("已审批")
        PAID = "paid", _("已发放")
        REJECTED = "rejected", _("已驳回")

    recipient = models.ForeignKey(
        Member, verbose_name=_("受助会员"), on_delete=models.PROTECT, related_name="grants"
    )
    program = models.ForeignKey(
        AidProgram, verbose_name=_("帮扶项目"), on_delete=models.PROTECT, related_name="grants"
    )
    paying_federation = models.ForeignKey(
        Federation,
        verbose_name=_("发放工会"),
        on_delete=models.PROTECT,
        related_name="grants",
        db_index=False,  # grant_fed_date starts with it
    )
    hardship_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("困难职工档案"),
        on_delete=models.PROTECT,
        related_name="grants",
        null=True,
        blank=True,
    )
    amount = money_field(_("现金金额（元）"), default=Decimal("0"))
    goods_value = money_field(_("物资折价（元）"), default=Decimal("0"))
    granted_on = models.DateField(_("发放日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    student_name = models.CharField(_("学生姓名"), max_length=50, blank=True)
    school = models.CharField(_("学校"), max_length=100, blank=True)
    study_level = models.CharField(
        _("学历层次"), max_length=20, choices=StudyLevel.choices, blank=True
    )
    admission_year = models.PositiveSmallIntegerField(_("入学年份"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    paid_on = models.DateField(_("实际发放日期"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(GrantQuerySet)()

    class Meta:
        verbose_name = _("帮扶发放")
        verbose_name_plural = _("帮扶发放")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(goods_value__gte=0),
                name="grant_money_not_negative",
                violation_error_message=_("金额和物资折价不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(goods_value__gt=0),
                name="grant_has_value",
                violation_error_message=_("现金金额和物资折价不能都为 0。"),
            ),
            models.CheckConstraint(
                condition=(Q(status="paid") & Q(paid_on__isnull=False))
                | (~Q(status="paid") & Q(paid_on__isnull=True)),
                name="grant_paid_on_iff_paid",
                violation_error_message=_("已发放的记录必须有实际发放日期；其他状态不能有。"),
            ),
            models.CheckConstraint(
                condition=(Q(status="rejected") & ~Q(reject_reason=""))
                | (~Q(status="rejected") & Q(reject_reason="")),
                name="grant_reject_reason_iff_rejected",
                violation_error_message=_("驳回必须说明原因。"),
            ),
        ]
        indexes = [
            models.Index(fields=["paying_federation", "granted_on"], name="grant_fed_date"),
            models.Index(fields=["recipient", "program", "granted_on"], name="grant_limit_lookup"),
        ]

    def __str__(self):
        return f"{self.recipient.name} · {self.program.name} · {self.granted_on}"

    def get_absolute_url(self):
        return reverse("assistance:grant_detail", kwargs={"pk": self.pk})

    @property
    def total_value(self) -> Decimal:
        return (self.amount or Decimal("0")) + (self.goods_value or Decimal("0"))


class GrantDecision(models.Model):
    """One step of a grant after drafting: approved, rejected or paid — who, when, why."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("审批通过")
        REJECT = "reject", _("驳回")
        PAY = "pay", _("发放")

    grant = models.ForeignKey(
        Grant, verbose_name=_("帮扶发放"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("操作"), max_length=16, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.grant_id} · {self.get_kind_display()}"


# --- group deliveries and mutual-aid claims -----------------------------------------------------


class GroupDelivery(models.Model):
    """送清凉 / 送温暖 to whole units: one visit round by a federation."""

    class Kind(models.TextChoices):
        SUMMER_COOLING = "summer_cooling", _("夏季送清凉")
        WINTER_WARMTH = "winter_warmth", _("两节送温暖")

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="group_deliveries",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    delivered_on = models.DateField(_("日期"))
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("走访单位"), related_name="group_deliveries", blank=True
    )
    workers_reached = models.PositiveIntegerField(_("慰问职工人数"))
    goods_value = money_field(_("物资折价（元）"), default=Decimal("0"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("集体慰问")
        verbose_name_plural = _("集体慰问")
        constraints = [
            models.CheckConstraint(
                condition=Q(goods_value__gte=0),
                name="group_delivery_goods_not_negative",
                violation_error_message=_("物资折价不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.federation} · {self.get_kind_display()} · {self.delivered_on}"


class MutualAidClaim(models.Model):
    """互助保障 claim of a member: submitted, then paid (with the amount paid) or rejected."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("住院医疗")
        WOMEN_ILLNESS = "women_illness", _("女工特疾")
        ACCIDENT = "accident", _("意外伤害")
        FIRE = "fire", _("家庭财产火灾")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申请")
        PAID = "paid", _("已赔付")
        REJECTED = "rejected", _("不予赔付")

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="mutual_aid_claims"
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("受理工会"),
        on_delete=models.PROTECT,
        related_name="mutual_aid_claims",
    )
    kind = models.CharField(_("保障类型"), max_length=20, choices=Kind.choices)
    incident_on = models.DateField(_("出险日期"))
    amount_claimed = money_field(_("申请金额（元）"))
    amount_paid = money_field(_("赔付金额（元）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    paid_on = models.DateField(_("赔付日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("互助保障理赔")
        verbose_name_plural = _("互助保障理赔")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="paid") & Q(paid_on__isnull=False) & Q(amount_paid__isnull=False)
                )
                | (~Q(status="paid") & Q(paid_on__isnull=True) & Q(amount_paid__isnull=True)),
                name="mutual_aid_claim_paid_details",
                violation_error_message=_("已赔付的理赔必须有赔付日期和金额；其他状态不能有。"),
            ),
            models.CheckConstraint(
                condition=Q(amount_claimed__gte=0)
                & (Q(amount_paid__isnull=True) | Q(amount_paid__gte=0)),
                name="mutual_aid_claim_money_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.member.name} · {self.get_kind_display()} · {self.incident_on}"
