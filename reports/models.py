"""Quarterly snapshots: the indicators of a federation frozen at the end of a quarter, so that
trends and reports never move when records are later corrected; and the runs of the quarterly PDF
reports built from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, scope_condition

from .periods import Quarter

QUARTER_REGEX = r"^[0-9]{4}Q[1-4]$"


class QuarterlySnapshotQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.VIEW_DASHBOARD):
        condition = scope_condition(user, perm, prefix="federation__")
        if condition is None:
            return self.none()
        return self.filter(condition)

    def for_quarters(self, quarters):
        return self.filter(quarter__in=[str(q) for q in quarters])


class QuarterlySnapshot(models.Model):
    """The indicators of one federation on the last day of one quarter.

    `figures` holds the same keys as `reports.selectors.indicators` (and the JSON endpoint and the
    `indicators` command) without `federation` and `as_of`: counts as integers, rates as numbers
    between 0 and 1 or null. A JSON object rather than one column per figure, because later issues
    add their own indicators (hardship files, grants, activities) and their snapshots must not need
    a migration of old rows. Besides the figures of FIGURE_KEYS, `new_independent_unions` (a
    flow: the year up to the quarter's last day) freezes the founding-target progress the
    reports print; snapshots taken before it was added lack it. "hardship_aid" and "activities"
    hold the quarter's hardship-aid and activity flows (`reports.flows.frozen`: money as decimal
    strings in yuan, null where unknown); snapshots taken before they were added lack them, and
    the report's sections then count them when the report is built and say so. One row per
    federation and quarter; retaking replaces the figures and records who took it and when."""

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="quarterly_snapshots",
        db_index=False,  # quarterly_snapshot_unique starts with it
    )
    quarter = models.CharField(_("季度"), max_length=6, help_text=_("例如 2026Q3。"))
    as_of = models.DateField(_("统计日期"), help_text=_("季度的最后一天。"))
    figures = models.JSONField(_("指标"), default=dict)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("为空表示由系统定时任务或命令行生成。"),
    )
    taken_at = models.DateTimeField(_("生成时间"))

    objects = QuarterlySnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度快照")
        verbose_name_plural = _("季度快照")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "quarter"],
                name="quarterly_snapshot_unique",
                violation_error_message=_("该工会组织这一季度已有快照。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_REGEX), name="quarterly_snapshot_quarter_format"
            ),
        ]

    def __str__(self):
        return f"{self.federation} · {self.quarter}"

    @property
    def period(self) -> Quarter:
        return Quarter.parse(self.quarter)


# One report per federation of these kinds; joint unions are rows of their street's report.
REPORT_KINDS = (
    Federation.Kind.DISTRICT,
    Federation.Kind.STREET,
    Federation.Kind.TOWN,
    Federation.Kind.AREA,
)


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.VIEW_DASHBOARD):
        """The runs of federations where `user` may see dashboards (chairs: their own subtree);
        none for a user without that permission."""
        condition = scope_condition(user, perm, prefix="federation__")
        if condition is None:
            return self.none()
        return self.filter(condition)


class ReportRun(models.Model):
    """The quarterly PDF report of one federation (district, street, town or area) and quarter,
    and the state of its last build.

    One row per federation and quarter (`report_run_unique`): building again replaces the file
    at `file` (a path under PRIVATE_ROOT, never served by URL) atomically, and a build that fails
    keeps the previous good file: `status` is then FAILED with the reason in `error`, while
    `file` and `generated_at` still describe the file that can be downloaded. Written by
    `reports.services` only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="report_runs",
        db_index=False,  # report_run_unique starts with it
    )
    quarter = models.CharField(_("季度"), max_length=6, help_text=_("例如 2026Q3。"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    error = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("为空表示由系统定时任务或命令行请求。"),
    )
    requested_at = models.DateTimeField(_("请求时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    file = models.CharField(
        _("文件"), max_length=200, blank=True, help_text=_("相对于私有存储目录的路径。")
    )
    file_size = models.PositiveIntegerField(_("文件大小（字节）"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    generated_at = models.DateTimeField(_("文件生成时间"), null=True, blank=True)
    render_seconds = models.FloatField(_("生成耗时（秒）"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "quarter"],
                name="report_run_unique",
                violation_error_message=_("该工会组织这一季度已有报告。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_REGEX), name="report_run_quarter_format"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="report_run_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(file="") | Q(generated_at__isnull=False),
                name="report_run_file_has_generated_at",
            ),
        ]
        indexes = [models.Index(fields=["quarter"], name="report_run_quarter")]

    def __str__(self):
        return f"{self.federation} · {self.quarter}"

    @property
    def period(self) -> Quarter:
        return Quarter.parse(self.quarter)

    @property
    def pending(self) -> bool:
        """Queued or running: the page keeps polling."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def has_file(self) -> bool:
        return bool(self.file)
