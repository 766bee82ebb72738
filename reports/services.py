"""Writes of the reports app: quarterly snapshots and the runs of the quarterly PDF reports.

A snapshot freezes `reports.selectors.indicators` of one federation on the last day of a quarter,
and the quarter's hardship-aid and activity figures (`reports.flows.frozen`, under the keys
"hardship_aid" and "activities"; snapshots taken before these were added lack them).
Taking one is idempotent: one row per federation and quarter; retaking replaces the figures and
records who took it (`actor`, None for the beat jobs and the command) and when.
"""

import contextlib
import datetime
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from federations.models import Federation
from federations.permissions import Perm, federations_where, user_can

from . import document, flows, selectors
from .models import REPORT_KINDS, QuarterlySnapshot, ReportRun
from .periods import Period, Quarter

logger = logging.getLogger(__name__)

FILL_QUARTERS = 8  # the daily job fills missing snapshots of the last eight quarters


def check_quarter_ended(quarter: Quarter, today: datetime.date) -> None:
    if not quarter.has_ended(today):
        raise ValidationError(
            _("%(quarter)s 尚未结束（%(last)s 之后才能生成快照）。")
            % {"quarter": quarter, "last": quarter.last_day.isoformat()},
            code="quarter_not_ended",
        )


def snapshot_take(
    *, federation: Federation, quarter: Quarter, actor=None, today=None
) -> QuarterlySnapshot:
    """Take (or retake) the snapshot of `federation` for `quarter`, which must have ended.
    `actor` needs Perm.RUN_REPORTS at the federation (Http404 otherwise); None is the operator
    context (beat jobs, the command)."""
    today = today or timezone.localdate()
    check_quarter_ended(quarter, today)
    if actor is not None and not user_can(actor, Perm.RUN_REPORTS, federation):
        raise Http404
    figures = selectors.indicators(federation=federation, on=quarter.last_day)
    frozen = {key: figures[key] for key in selectors.FIGURE_KEYS}
    # the founding-target progress of the reports: new independent unions of the year so far
    frozen["new_independent_unions"] = selectors.new_independent_unions(
        federation=federation, period=Period.year_to_date(quarter.last_day)
    )
    # the hardship-aid and activity flows of the quarter (money as decimal strings)
    frozen.update(flows.frozen(federation=federation, quarter=quarter))
    values = {
        "as_of": quarter.last_day,
        "figures": frozen,
        "taken_by": actor if getattr(actor, "is_authenticated", False) else None,
        "taken_at": timezone.now(),
    }
    try:
        return _save_snapshot(federation, str(quarter), values)
    except IntegrityError:
        # taken at the same moment by another worker: the row exists now, replace its figures
        return _save_snapshot(federation, str(quarter), values)


@transaction.atomic  # a savepoint when nested: a lost race leaves the caller's transaction usable
def _save_snapshot(federation, quarter, values):
    snapshot = (
        QuarterlySnapshot.objects.select_for_update()
        .filter(federation=federation, quarter=quarter)
        .first()
    )
    if snapshot is None:
        snapshot = QuarterlySnapshot(federation=federation, quarter=quarter)
    for name, value in values.items():
        setattr(snapshot, name, value)
    snapshot.full_clean(validate_unique=False)
    snapshot.save()
    return snapshot


def snapshots_take_all(
    *, quarter: Quarter, actor=None, federation: Federation | None = None, today=None
) -> list[QuarterlySnapshot]:
    """Take the snapshots of `quarter` for every federation — or for `federation` and everything
    below it — each in its own transaction (a failure leaves the others taken). With an actor,
    only where the actor may run reports."""
    today = today or timezone.localdate()
    check_quarter_ended(quarter, today)
    federations = Federation.objects.order_by("path")
    if actor is not None:
        federations = federations_where(actor, Perm.RUN_REPORTS).order_by("path")
    if federation is not None:
        federations = federations.filter(path__startswith=federation.path)
    return [
        snapshot_take(federation=node, quarter=quarter, actor=actor, today=today)
        for node in federations
    ]


def snapshots_fill_missing(*, today=None, quarters=FILL_QUARTERS) -> list[QuarterlySnapshot]:
    """Take every snapshot still missing for the last `quarters` quarters that have ended (bounded:
    a new federation gets at most that much history). Existing snapshots are left as they are."""
    today = today or timezone.localdate()
    wanted = Quarter.just_ended(today).last(quarters)
    return [
        snapshot_take(federation=federation, quarter=quarter, today=today)
        for federation, quarter in selectors.missing_snapshots(quarters=wanted)
    ]


# --- quarterly PDF reports ----------------------------------------------------------------------
#
# A report run is requested (QUEUED) by the reports page, the command or the beat job, and built
# (RUNNING → DONE or FAILED) by the `reports.build_report` task, which takes the run's id. One run
# per federation and quarter: requesting again re-queues the same row, and building writes the
# file next to the old one and renames it over it (atomic on one file system), so a build that
# fails at any point leaves the previous good file, and the run says why it failed.

Status = ReportRun.Status
REPORTS_DIR = "reports"


def reportable_federations(*, actor=None, federation: Federation | None = None):
    """The federations that get a report (district, street, town, area), in tree order: all of
    them, those where `actor` may run reports, or only `federation`."""
    federations = Federation.objects.order_by("path")
    if actor is not None:
        federations = federations_where(actor, Perm.RUN_REPORTS).order_by("path")
    if federation is not None:
        federations = federations.filter(pk=federation.pk)
    return federations.filter(kind__in=REPORT_KINDS)


@dataclass(frozen=True)
class Requested:
    """A run just queued, and what it was before (so that a broker that cannot be reached can
    be undone: `report_runs_unqueue`)."""

    run: ReportRun
    before: dict | None  # None: the run did not exist


REQUEST_FIELDS = ("status", "error", "requested_by", "requested_at", "started_at", "finished_at")


def report_runs_request(
    *, federations, quarter: Quarter, actor=None, today=None
) -> list[Requested]:
    """Queue the reports of `federations` for `quarter` (which must have ended): create or reset
    their runs to QUEUED, in one transaction. The caller queues `reports.build_report` with each
    run's id once this has committed. `actor` needs Perm.RUN_REPORTS at every federation (Http404
    otherwise); None is the operator context. A joint union has no report of its own."""
    today = today or timezone.localdate()
    check_quarter_ended(quarter, today)
    federations = list(federations)
    for node in federations:
        if not document.is_reported(node):
            raise ValidationError(
                _("%(name)s 是联合工会，没有单独的季度报告（计入上级报告）。")
                % {"name": node.name},
                code="not_reported",
            )
        if actor is not None and not user_can(actor, Perm.RUN_REPORTS, node):
            raise Http404
    now = timezone.now()
    requested_by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        existing = {
            run.federation_id: run
            for run in ReportRun.objects.select_for_update().filter(
                federation__in=federations, quarter=str(quarter)
            )
        }
        result = []
        for node in federations:
            run = existing.get(node.pk)
            before = None
            if run is None:
                run = ReportRun(federation=node, quarter=str(quarter))
            else:
                before = {name: getattr(run, name) for name in REQUEST_FIELDS}
            run.status = Status.QUEUED
            run.error = ""
            run.requested_by = requested_by
            run.requested_at = now
            run.started_at = None
            run.finished_at = None
            # (the foreign keys are the objects in hand: no query per run to check them)
            run.clean_fields(exclude=["federation", "requested_by"])
            result.append(Requested(run, before))
        # (a run created meanwhile by another request is queued all the same, not an error)
        ReportRun.objects.bulk_create(
            [r.run for r in result if r.before is None],
            update_conflicts=True,
            unique_fields=["federation", "quarter"],
            update_fields=REQUEST_FIELDS,
        )
        ReportRun.objects.bulk_update(
            [r.run for r in result if r.before is not None], REQUEST_FIELDS
        )
    return result


def report_runs_unqueue(*, requested: list[Requested]) -> None:
    """The task queue could not be reached: put the runs back as they were (a new run is
    removed), so the page does not show reports waiting for a worker that will never get them."""
    with transaction.atomic():
        ReportRun.objects.filter(
            pk__in=[r.run.pk for r in requested if r.before is None], status=Status.QUEUED
        ).delete()
        for item in requested:
            if item.before is not None:
                ReportRun.objects.filter(pk=item.run.pk, status=Status.QUEUED).update(**item.before)


def report_path(run: ReportRun) -> Path:
    """Where the run's PDF lives: PRIVATE_ROOT/reports/<quarter>/<federation id>.pdf (by id, so
    that a federation's new code does not leave its old file behind)."""
    return Path(settings.PRIVATE_ROOT) / REPORTS_DIR / run.quarter / f"{run.federation_id}.pdf"


def report_file(run: ReportRun) -> Path | None:
    """The run's current good file, if it has one on disk (and it lies under PRIVATE_ROOT)."""
    if not run.file:
        return None
    root = (Path(settings.PRIVATE_ROOT) / REPORTS_DIR).resolve()
    path = (Path(settings.PRIVATE_ROOT) / run.file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


STALE_TEMPORARY_SECONDS = 600  # longer than any build may run (tasks.REPORT_TIME_LIMIT)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write `content` beside `path` and rename it over `path`: readers see the old file or the
    new one, never half of one. A temporary file left by a killed worker is removed by the next
    build of the same report once it is older than any build may run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.stem}-*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - stale.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                stale.unlink()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _snapshots_ensure(federation, quarter, today):
    """Take the quarter's snapshots the report needs and does not have yet: the federation's and
    its direct children's (the beat job takes them all at 02:00; a new federation may lack its)."""
    nodes = [federation, *selectors.children_of(federation)]
    missing = selectors.missing_snapshots(quarters=[quarter], federations=nodes)
    for node, _quarter in missing:
        snapshot_take(federation=node, quarter=quarter, today=today)


class TransientError(Exception):
    """A failure worth retrying (the database went away for a moment)."""


def report_build(*, run_id: int, last_attempt: bool = True, today=None) -> ReportRun | None:
    """Build the PDF of run `run_id`: mark it RUNNING, take missing snapshots, render, replace the
    file atomically, mark it DONE. A failure marks it FAILED with the reason and keeps the
    previous file — except a database error before the last attempt, which leaves the run
    QUEUED with the reason and raises TransientError so that the task retries. None when the
    run no longer exists."""
    today = today or timezone.localdate()
    run = ReportRun.objects.select_related("federation").filter(pk=run_id).first()
    if run is None:
        return None
    started = timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, started_at=started, finished_at=None, attempts=F("attempts") + 1
    )
    try:
        quarter = run.period
        _snapshots_ensure(run.federation, quarter, today)
        data = document.report_data(
            federation=run.federation, quarter=quarter, generated_at=started
        )
        timer = time.perf_counter()
        rendered = document.render_pdf(data)
        path = report_path(run)
        _write_atomically(path, rendered.content)
        seconds = time.perf_counter() - timer
    except (OperationalError, InterfaceError) as error:
        if last_attempt:
            _mark_failed(run, _("数据库暂时不可用：%(error)s") % {"error": error})
            return run
        ReportRun.objects.filter(pk=run.pk).update(
            status=Status.QUEUED,
            error=_("数据库暂时不可用，稍后自动重试：%(error)s") % {"error": error},
        )
        raise TransientError(str(error)) from error
    except SoftTimeLimitExceeded:
        _mark_failed(run, _("生成超时，已停止。"))
        return run
    except Exception as error:
        logger.exception("report %s of %s failed", run.quarter, run.federation.code)
        _mark_failed(run, _reason(error))
        return run
    values = {
        "status": Status.DONE,
        "error": "",
        "file": str(path.relative_to(settings.PRIVATE_ROOT)),
        "file_size": len(rendered.content),
        "pages": rendered.pages,
        "generated_at": started,
        "finished_at": timezone.now(),
        "render_seconds": round(seconds, 3),
    }
    ReportRun.objects.filter(pk=run.pk).update(**values)
    run.refresh_from_db()
    return run


def _reason(error: Exception) -> str:
    if isinstance(error, document.SnapshotMissing):
        return _("缺少该季度的快照。")
    text = str(error).strip() or error.__class__.__name__
    return _("生成失败：%(error)s") % {"error": text[:500]}


def _mark_failed(run, reason):
    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.FAILED, error=reason, finished_at=timezone.now()
    )
    run.refresh_from_db()
