"""Thin Celery entry points (STYLE.md #6): they take strings and ids, call a service, and are
idempotent (one snapshot, one report per federation and quarter). Scheduled in
CELERY_BEAT_SCHEDULE.

None stores a result: nothing reads them, and publishing a task that does needs the result backend
as well as the broker (see common/queue.py)."""

from functools import partial

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from common.queue import enqueue
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


# --- quarterly PDF reports ----------------------------------------------------------------------

# A district report takes seconds; a build still running after these is stuck (the soft limit
# marks the run FAILED, the hard one kills the worker process, whose message is then re-queued
# because of reject_on_worker_lost).
REPORT_SOFT_TIME_LIMIT = 120
REPORT_TIME_LIMIT = 150


@shared_task(
    name="reports.build_report",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.TransientError, OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=REPORT_SOFT_TIME_LIMIT,
    time_limit=REPORT_TIME_LIMIT,
)
def build_report(self, run_id: int) -> str:
    """Build the PDF of one report run (idempotent: one file per federation and quarter,
    replaced atomically). Database errors are retried with backoff, three times; any other
    failure marks the run FAILED with its reason and keeps the previous file."""
    last_attempt = self.request.retries >= self.max_retries
    run = services.report_build(run_id=run_id, last_attempt=last_attempt)
    return run.status if run else ""


def queue_builds(requested: list[services.Requested]) -> bool:
    """Queue `build_report` for each run just requested (`services.report_runs_request`, once
    that has committed). When the broker cannot be reached, the runs not queued are put back as
    they were (`services.report_runs_unqueue`) and the answer is False, for the caller to say."""
    for number, item in enumerate(requested):
        if not enqueue(build_report, item.run.pk):
            services.report_runs_unqueue(requested=requested[number:])
            return False
    return True


@shared_task(name="reports.build_quarter_reports", ignore_result=True)
def build_quarter_reports(quarter: str | None = None) -> int:
    """The reports of every federation for `quarter`; by default the quarter that ended last
    before today (Asia/Shanghai). Beat runs it after the quarterly snapshots; each report takes
    any snapshot it still lacks first."""
    period = Quarter.parse(quarter) if quarter else Quarter.just_ended(timezone.localdate())
    requested = services.report_runs_request(
        federations=services.reportable_federations(), quarter=period
    )
    for item in requested:
        transaction.on_commit(partial(build_report.delay, item.run.pk))
    return len(requested)
