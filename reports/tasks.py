"""Thin Celery entry points (STYLE.md #6): they take strings and ids, call a service, and are
idempotent (one snapshot per federation and quarter). Scheduled in CELERY_BEAT_SCHEDULE.

None stores a result: nothing reads them, and publishing a task that does needs the result backend
as well as the broker (see common/queue.py)."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from federations.models import Federation

from . import services
from .periods import Quarter


@shared_task(name="reports.take_quarter_snapshots", ignore_result=True)
def take_quarter_snapshots(quarter: str | None = None) -> int:
    """Every federation's snapshot of `quarter` ("2026Q3"); by default the quarter that ended
    last before today (Asia/Shanghai): run at 02:00 on 1 April, that is the first quarter."""
    period = Quarter.parse(quarter) if quarter else Quarter.just_ended(timezone.localdate())
    return len(services.snapshots_take_all(quarter=period))


@shared_task(name="reports.fill_missing_snapshots", ignore_result=True)
def fill_missing_snapshots() -> int:
    """Snapshots still missing for the last eight quarters (a failed quarterly run, a new
    federation)."""
    return len(services.snapshots_fill_missing())


@shared_task(name="reports.take_subtree_snapshots", ignore_result=True)
def take_subtree_snapshots(federation_id: int, quarter: str, actor_id: int | None = None) -> int:
    """On demand from the dashboard: retake `quarter` for a federation and everything below it."""
    federation = Federation.objects.get(pk=federation_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    return len(
        services.snapshots_take_all(
            quarter=Quarter.parse(quarter), actor=actor, federation=federation
        )
    )
