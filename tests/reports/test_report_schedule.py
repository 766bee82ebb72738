import datetime
import zoneinfo

import pytest
from django.conf import settings

from reports import tasks
from reports.models import ReportRun

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def next_run(schedule, after):
    """When beat runs `schedule` next after `after` (celery's own arithmetic, Beijing time)."""
    last, delta, _now = schedule.remaining_delta(after, tz=SHANGHAI)
    return last + delta


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (at(2026, 2, 14, 9, 0), at(2026, 4, 1, 3, 0)),
        (at(2026, 4, 1, 2, 0), at(2026, 4, 1, 3, 0)),  # after the snapshots of 02:00
        (at(2026, 4, 1, 3, 0), at(2026, 7, 1, 3, 0)),
        (at(2026, 9, 30, 23, 59), at(2026, 10, 1, 3, 0)),
        (at(2026, 12, 31, 20, 0), at(2027, 1, 1, 3, 0)),
    ],
)
def test_the_quarterly_reports_run_on_the_first_day_of_each_quarter_beijing_time(after, expected):
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-reports"]
    assert entry["task"] == tasks.build_quarter_reports.name
    assert next_run(entry["schedule"], after) == expected


def test_the_reports_run_an_hour_after_the_snapshots_of_the_same_day():
    snapshots = settings.CELERY_BEAT_SCHEDULE["quarterly-snapshots"]["schedule"]
    reports = settings.CELERY_BEAT_SCHEDULE["quarterly-reports"]["schedule"]
    after = at(2026, 5, 20, 12, 0)
    assert next_run(reports, after) - next_run(snapshots, after) == datetime.timedelta(hours=1)


def test_the_job_at_three_on_1_october_beijing_time_builds_the_third_quarter(
    tree, coverage, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given beat fires at 03:00 on 1 October in Beijing, which is still 30 September in UTC
    settings.PRIVATE_ROOT = tmp_path
    fired = at(2026, 10, 1, 3, 0).astimezone(datetime.UTC)
    assert fired.date() == datetime.date(2026, 9, 30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: fired)
    # when the job runs (in-process here), and the reports it queued are built
    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.build_quarter_reports.delay().get()
    # then every federation with a report has its 2026Q3 one, the joint unions none
    assert count == 4
    runs = ReportRun.objects.order_by("federation__path")
    assert [(r.federation.code, r.quarter) for r in runs] == [
        ("FT", "2026Q3"),
        ("DGD", "2026Q3"),
        ("TPQ", "2026Q3"),
        ("WZ", "2026Q3"),
    ]
    assert {r.status for r in runs} == {ReportRun.Status.DONE}
