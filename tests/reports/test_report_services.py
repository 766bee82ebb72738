import datetime
import os
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils import timezone

from federations.models import Role
from federations.services import founding_target_set
from reports import document, services, tasks
from reports.models import QuarterlySnapshot, ReportRun
from reports.periods import Quarter
from tests.membership.factories import MemberFactory
from tests.reports.pdftools import pdf_text
from unionportal.celery import app as celery_app

Q2_2024 = Quarter(2024, 2)
Status = ReportRun.Status


# reports are written under a temporary PRIVATE_ROOT (tests/reports/conftest.py)
pytestmark = pytest.mark.usefixtures("private_root")


def build(federation, quarter=Q2_2024):
    [item] = services.report_runs_request(federations=[federation], quarter=quarter)
    return services.report_build(run_id=item.run.pk)


def test_a_build_writes_the_pdf_under_private_root_and_records_it(tree, coverage, private_root):
    # when 太平桥's 2024Q2 report is built
    run = build(tree.tpq)
    # then the run is done, with its file, size, pages and time
    assert run.status == Status.DONE
    assert run.error == ""
    path = services.report_file(run)
    assert path == private_root / "reports" / "2024Q2" / f"{tree.tpq.pk}.pdf"
    assert run.file_size == path.stat().st_size
    assert path.read_bytes().startswith(b"%PDF-")
    assert run.pages >= 4
    assert run.generated_at is not None
    assert run.attempts == 1
    text = pdf_text(path)
    assert "太平桥街道总工会" in text
    assert "太平桥社区联合工会" in text  # its joint union's row


def test_a_failing_render_keeps_the_previous_file_and_records_the_error(
    tree, coverage, monkeypatch
):
    # given the district's report, built once
    first = build(tree.district)
    path = services.report_file(first)
    good = path.read_bytes()

    # when the rebuild fails while rendering
    def broken(data):
        raise RuntimeError("字体文件损坏")

    monkeypatch.setattr(document, "render_pdf", broken)
    second = build(tree.district)
    # then the run says it failed and why
    assert second.pk == first.pk
    assert second.status == Status.FAILED
    assert second.error == "生成失败：字体文件损坏"
    # and the previous file is still there, unchanged, and still the run's file
    assert services.report_file(second) == path
    assert path.read_bytes() == good
    assert second.generated_at == first.generated_at
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_failure_while_writing_leaves_the_previous_file_and_no_temporary_one(
    tree, coverage, monkeypatch
):
    first = build(tree.tpq)
    path = services.report_file(first)
    good = path.read_bytes()

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "replace", full_disk)
    second = build(tree.tpq)
    assert second.status == Status.FAILED
    assert "No space left on device" in second.error
    assert path.read_bytes() == good
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_database_error_is_retried_and_marks_the_run_failed_on_the_last_attempt(
    tree, coverage, monkeypatch
):
    [item] = services.report_runs_request(federations=[tree.wz], quarter=Q2_2024)

    def gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(document, "report_data", gone)
    # before the last attempt: back to queued with the reason, and an error for the retry
    with pytest.raises(services.TransientError):
        services.report_build(run_id=item.run.pk, last_attempt=False)
    run = ReportRun.objects.get(pk=item.run.pk)
    assert run.status == Status.QUEUED
    assert "稍后自动重试" in run.error
    # on the last one: failed, with the reason
    services.report_build(run_id=item.run.pk, last_attempt=True)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error.startswith("数据库暂时不可用")
    assert run.attempts == 2


def test_the_task_retries_database_errors_with_backoff_then_gives_up(tree, coverage, monkeypatch):
    # given a database that fails every time (tasks run in-process here, retries included)
    calls = []

    def gone(**kwargs):
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(document, "report_data", gone)
    [item] = services.report_runs_request(federations=[tree.dgd], quarter=Q2_2024)
    # when the task runs (its retries run in-process too, once errors do not propagate)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    tasks.build_report.apply(args=[item.run.pk])
    # then it was tried four times (three retries), and the run says it failed
    assert len(calls) == 4
    run = ReportRun.objects.get(pk=item.run.pk)
    assert run.status == Status.FAILED
    assert run.attempts == 4


def test_the_report_task_is_acked_late_rejected_on_worker_loss_and_time_limited():
    task = tasks.build_report
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.soft_time_limit == tasks.REPORT_SOFT_TIME_LIMIT
    assert task.time_limit > task.soft_time_limit
    assert task.max_retries == 3
    assert task.retry_backoff


def test_requesting_again_reuses_the_run(tree, coverage, make_user):
    office = make_user(tree.district, Role.OFFICE)
    build(tree.tpq)
    services.report_runs_request(federations=[tree.tpq], quarter=Q2_2024, actor=office)
    run = ReportRun.objects.get()
    assert run.status == Status.QUEUED
    assert run.requested_by == office
    assert run.file  # the previous file stays downloadable meanwhile


def test_a_joint_union_has_no_report_of_its_own(tree):
    with pytest.raises(ValidationError, match="联合工会"):
        services.report_runs_request(federations=[tree.tpq_j1], quarter=Q2_2024)
    assert not ReportRun.objects.exists()


def test_reports_of_an_unfinished_quarter_cannot_be_requested(tree):
    current = Quarter.containing(timezone.localdate())
    with pytest.raises(ValidationError, match="尚未结束"):
        services.report_runs_request(federations=[tree.district], quarter=current)


def test_an_actor_without_the_permission_gets_404(tree, make_user):
    chair = make_user(tree.district, Role.CHAIR)
    other_office = make_user(tree.dgd, Role.OFFICE)
    for actor in (chair, other_office):
        with pytest.raises(Http404):
            services.report_runs_request(federations=[tree.tpq], quarter=Q2_2024, actor=actor)
    assert not ReportRun.objects.exists()


def test_unqueue_puts_the_runs_back_as_they_were(tree, coverage):
    # given 太平桥's report done, and 东高地 without one
    done = build(tree.tpq)
    requested = services.report_runs_request(federations=[tree.tpq, tree.dgd], quarter=Q2_2024)
    # when the queue turns out to be unreachable
    services.report_runs_unqueue(requested=requested)
    # then 太平桥's run is done again and 东高地 has none
    assert list(ReportRun.objects.values_list("federation__code", "status")) == [
        ("TPQ", Status.DONE)
    ]
    assert ReportRun.objects.get().requested_at == done.requested_at


def test_the_report_prints_the_frozen_snapshot_not_later_corrections(tree, coverage):
    # given the district's 2024Q2 snapshot (9 members)
    services.snapshot_take(federation=tree.district, quarter=Q2_2024)
    # and a member recorded afterwards with a back-dated join date
    MemberFactory(enterprise=coverage.ding, joined_on=datetime.date(2024, 3, 1))
    # when the report is built, and rebuilt
    texts = [" ".join(pdf_text(services.report_file(build(tree.district))).split()) for _ in "12"]
    # then both print the snapshot's 9 members, not the 10 counted now
    for text in texts:
        assert "会员人数（人） 9 " in text
        assert "会员人数（人） 10 " not in text
    assert QuarterlySnapshot.objects.get(federation=tree.district).figures["members"] == 9


def test_target_progress_comes_from_the_snapshot(tree, coverage, make_user):
    # given the district's own target for 2024 and its snapshot of 2024Q2
    office = make_user(tree.district, Role.OFFICE)
    founding_target_set(
        actor=office,
        federation=tree.tpq,
        year=2024,
        new_independent_unions=4,
        large_enterprises_unionized=2,
        members=10,
    )
    snapshot = services.snapshot_take(federation=tree.tpq, quarter=Q2_2024)
    assert snapshot.figures["new_independent_unions"] == 0  # 甲 became independent in 2023
    text = " ".join(pdf_text(services.report_file(build(tree.tpq))).split())
    assert "2024 年度建会任务完成情况" in text
    assert "新建独立工会（家） 4 0 0.0%" in text
    assert "会员人数（人） 10 4 40.0%" in text


def test_a_temporary_file_left_by_a_killed_worker_is_removed_by_the_next_build(tree, coverage):
    # given 太平桥's report, and the temporary files of two builds: one killed long ago, one
    # (of another worker) still writing
    path = services.report_file(build(tree.tpq))
    old = path.parent / f".{path.stem}-killed.tmp"
    old.write_bytes(b"half a PDF")
    long_ago = time.time() - services.STALE_TEMPORARY_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    young = path.parent / f".{path.stem}-writing.tmp"
    young.write_bytes(b"being written")
    # when it is rebuilt
    build(tree.tpq)
    # then the old temporary file is gone, the young one and the report are there
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, young.name])
