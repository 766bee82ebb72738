"""A real Celery worker (Celery's test worker, in a thread of this process) builds the reports,
consuming from the Redis in REDIS_URL: the path a report takes in production, minus the
processes. The worker thread has its own database connection, so these tests commit
(transactional_db)."""

import datetime
import os
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from reports import services, tasks
from reports.models import QuarterlySnapshot, ReportRun
from reports.periods import Quarter
from tests.reports.conftest import forget_connections
from tests.reports.pdftools import pdf_fonts, pdf_text
from unionportal.celery import app as celery_app

Q2_2024 = Quarter(2024, 2)
REDIS_URL = os.environ.get("REDIS_URL")
WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL"),
]


def _close_worker_connections(**kwargs):
    # runs in the worker thread after each task: its connection must not outlive the test
    # (the test database is flushed, and dropped at the end of the session)
    connections.close_all()


@pytest.fixture
def worker(transactional_db, private_root):
    """Publish for real to REDIS_URL and consume with Celery's test worker; reports are written
    under a temporary PRIVATE_ROOT. Whatever the test queued is purged afterwards."""
    changes = {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_always_eager": False,
        "broker_connection_timeout": 5,
        "redis_socket_connect_timeout": 5,
    }
    saved = {key: celery_app.conf.get(key) for key in changes}
    celery_app.conf.update(changes)
    forget_connections(celery_app)
    celery_app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_connections)
        celery_app.control.purge()
        celery_app.conf.update(saved)
        forget_connections(celery_app)


def wait_for(run_ids, *, timeout=WAIT_SECONDS):
    """The runs once none is queued or running; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        runs = list(ReportRun.objects.filter(pk__in=run_ids).order_by("pk"))
        if runs and not any(run.pending for run in runs):
            return runs
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not finish within {timeout} s: {runs}")
        time.sleep(0.2)


def summary_value(text, label):
    """The quarter's column of the summary table's row `label` (its first figure)."""
    match = re.search(rf"^\s*{re.escape(label)}\s+(\S+)", text, re.MULTILINE)
    return match[1] if match else None


def request_and_queue(federation, quarter=Q2_2024):
    [item] = services.report_runs_request(federations=[federation], quarter=quarter)
    tasks.build_report.delay(item.run.pk)
    return item.run.pk


def test_a_worker_builds_the_report_from_the_snapshot(tree, coverage, worker):
    # given the district's 2024Q2 snapshot (9 members, 3 of 5 enterprises unionized)
    snapshot = services.snapshot_take(federation=tree.district, quarter=Q2_2024)
    assert snapshot.figures["members"] == 9
    # when its report is queued and the worker builds it
    [run] = wait_for([request_and_queue(tree.district)])
    # then it is done, and the PDF is where the run says
    assert run.status == ReportRun.Status.DONE, run.error
    path = services.report_file(run)
    assert path is not None
    assert run.pages >= 5
    text = pdf_text(path)
    # with the federation's name, the quarter and the snapshot's figures
    assert "丰台区总工会" in text
    assert "2024年第二季度" in text
    assert summary_value(text, "企业数（家）") == "5"
    assert summary_value(text, "已建会企业（家）") == "3"
    assert summary_value(text, "会员人数（人）") == "9"
    assert summary_value(text, "建会率") == "60.0%"
    # and its children's rows
    assert "太平桥街道总工会" in text
    assert "王佐镇总工会" in text
    # and the CJK font is embedded (subset), and no other
    fonts = pdf_fonts(path)
    assert fonts
    assert all("Noto-Sans-CJK-SC" in font["name"] for font in fonts), fonts
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts), fonts
    # and the children's snapshots the report needed were taken by the build
    assert QuarterlySnapshot.objects.filter(quarter="2024Q2").count() == 4


def test_a_rebuild_by_the_worker_replaces_the_file_and_keeps_one(tree, coverage, worker):
    # given 太平桥's report, built once
    [first] = wait_for([request_and_queue(tree.tpq)])
    assert first.status == ReportRun.Status.DONE, first.error
    path = services.report_file(first)
    built_at = first.generated_at
    # when it is rebuilt
    time.sleep(0.01)
    [second] = wait_for([request_and_queue(tree.tpq)])
    # then the same run holds a new file at the same place, and the folder holds only it
    assert second.pk == first.pk
    assert second.status == ReportRun.Status.DONE
    assert second.generated_at > built_at
    assert services.report_file(second) == path
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert ReportRun.objects.count() == 1
    assert "太平桥街道总工会" in pdf_text(path)
    assert second.attempts == 2


def test_the_worker_builds_every_report_of_a_quarter(tree, coverage, worker):
    # when the quarterly job runs for 2024Q2 (as beat does, on the worker)
    tasks.build_quarter_reports.delay("2024Q2")
    # then every federation but the joint unions gets its report
    deadline = time.monotonic() + WAIT_SECONDS
    while ReportRun.objects.count() < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    runs = wait_for(list(ReportRun.objects.values_list("pk", flat=True)))
    assert {run.federation.code for run in runs} == {"FT", "TPQ", "DGD", "WZ"}
    assert {run.status for run in runs} == {ReportRun.Status.DONE}
    assert all(run.generated_at.date() >= datetime.date(2026, 1, 1) for run in runs)
