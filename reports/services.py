"""Writes of the reports app: quarterly snapshots.

A snapshot freezes `reports.selectors.indicators` of one federation on the last day of a quarter.
Taking one is idempotent: one row per federation and quarter; retaking replaces the figures and
records who took it (`actor`, None for the beat jobs and the command) and when.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from federations.models import Federation
from federations.permissions import Perm, federations_where, user_can

from . import selectors
from .models import QuarterlySnapshot
from .periods import Quarter

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
    values = {
        "as_of": quarter.last_day,
        "figures": {key: figures[key] for key in selectors.FIGURE_KEYS},
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
