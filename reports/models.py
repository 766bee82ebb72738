"""Quarterly snapshots: the indicators of a federation frozen at the end of a quarter, so that
trends and reports never move when records are later corrected."""

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
    a migration of old rows. One row per federation and quarter; retaking replaces the figures and
    records who took it and when."""

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
