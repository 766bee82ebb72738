import datetime
import zoneinfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from federations.models import Role
from reports import tasks
from reports.models import QuarterlySnapshot

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def next_run(schedule: crontab, after: datetime.datetime) -> datetime.datetime:
    """When beat runs `schedule` next after `after` (celery's own arithmetic)."""
    last, delta, _now = schedule.remaining_delta(after, tz=SHANGHAI)
    return last + delta


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (at(2026, 2, 14, 9, 0), at(2026, 4, 1, 2, 0)),
        (at(2026, 4, 1, 2, 0), at(2026, 7, 1, 2, 0)),
        (at(2026, 7, 1, 1, 59), at(2026, 7, 1, 2, 0)),
        (at(2026, 10, 1, 2, 0), at(2027, 1, 1, 2, 0)),
        (at(2026, 12, 31, 23, 0), at(2027, 1, 1, 2, 0)),
    ],
)
def test_quarterly_snapshots_run_at_two_on_the_first_day_of_each_quarter(after, expected):
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-snapshots"]
    assert entry["task"] == tasks.take_quarter_snapshots.name
    assert next_run(entry["schedule"], after) == expected


def test_the_fill_job_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["fill-missing-snapshots"]
    assert entry["task"] == tasks.fill_missing_snapshots.name
    assert next_run(entry["schedule"], at(2026, 5, 20, 12, 0)) == at(2026, 5, 21, 3, 30)
    assert next_run(entry["schedule"], at(2026, 5, 21, 3, 30)) == at(2026, 5, 22, 3, 30)


def test_beat_runs_in_beijing_time():
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_the_quarterly_job_at_two_on_1_april_beijing_time_takes_the_first_quarter(
    tree, monkeypatch
):
    # given beat fires at 02:00 on 1 April in Beijing, which is still 31 March in UTC
    fired = at(2026, 4, 1, 2, 0).astimezone(datetime.UTC)
    assert fired.date() == datetime.date(2026, 3, 31)
    monkeypatch.setattr("django.utils.timezone.now", lambda: fired)
    # when the task runs (eagerly here)
    taken = tasks.take_quarter_snapshots.delay().get()
    # then every federation has its 2026Q1 snapshot
    assert taken == 6
    assert set(QuarterlySnapshot.objects.values_list("quarter", flat=True)) == {"2026Q1"}


def test_tasks_take_strings_and_ids(tree, make_user):
    office = make_user(tree.district, Role.OFFICE)
    assert tasks.take_quarter_snapshots.delay("2025Q4").get() == 6
    assert tasks.take_subtree_snapshots.delay(tree.tpq.pk, "2025Q4", office.pk).get() == 2
    snapshot = QuarterlySnapshot.objects.get(federation=tree.tpq, quarter="2025Q4")
    assert snapshot.taken_by == office
