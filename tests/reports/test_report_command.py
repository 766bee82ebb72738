import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from federations.models import Role
from reports import document
from reports.models import ReportRun
from tests.reports.pdftools import pdf_text

# reports are written under a temporary PRIVATE_ROOT (tests/reports/conftest.py)
pytestmark = pytest.mark.usefixtures("private_root")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("quarterly_reports", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_federation_with_wait_prints_the_path_of_its_pdf(tree, coverage, private_root):
    # when the report of 太平桥 for 2024Q2 is queued and waited for
    out, _err = run("--quarter", "2024Q2", "--federation", "TPQ", "--wait")
    # then the command prints where the PDF is, and it is 太平桥's
    lines = out.splitlines()
    assert lines[0] == "已排队 2024Q2 的报告 1 份。"
    path = Path(lines[1])
    assert path == private_root / "reports" / "2024Q2" / f"{tree.tpq.pk}.pdf"
    assert "太平桥街道总工会" in pdf_text(path)


def test_all_federations_of_a_quarter(tree, coverage):
    out, _err = run("--quarter", "2024Q2", "--wait")
    assert "已排队 2024Q2 的报告 4 份。" in out
    assert len([line for line in out.splitlines() if line.endswith(".pdf")]) == 4
    assert ReportRun.objects.filter(status=ReportRun.Status.DONE).count() == 4


def test_a_failed_report_exits_with_1_and_says_why(tree, coverage, monkeypatch):
    def broken(data):
        raise RuntimeError("排版出错")

    monkeypatch.setattr(document, "render_pdf", broken)
    with pytest.raises(CommandError) as raised:
        run("--quarter", "2024Q2", "--federation", "WZ", "--wait")
    assert raised.value.returncode == 1
    assert "1 份报告未能生成" in str(raised.value)


def test_a_failed_report_is_named_on_stderr(tree, coverage, monkeypatch):
    def broken(data):
        raise RuntimeError("排版出错")

    monkeypatch.setattr(document, "render_pdf", broken)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "quarterly_reports", "--quarter=2024Q2", "--federation=WZ", "--wait", stderr=err
        )
    assert "王佐镇总工会（WZ）：失败，生成失败：排版出错" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2024Q9"], "季度格式应为"),
        (["--quarter", "2999Q1"], "尚未结束"),
        (["--quarter", "2024Q2", "--federation", "NOPE"], "没有代码为“NOPE”的工会组织"),
        (["--quarter", "2024Q2", "--federation", "TPQ-J1"], "联合工会"),
    ],
)
def test_bad_arguments_exit_with_2(tree, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert raised.value.returncode == 2
    assert not ReportRun.objects.exists()


def test_as_a_user_only_within_their_scope(tree, coverage, make_user):
    make_user(tree.tpq, Role.OFFICE, username="tpq_office")
    make_user(tree.district, Role.CHAIR, username="ft_chair")
    out, _err = run("--quarter", "2024Q2", "--user", "tpq_office")
    assert "报告 1 份" in out
    with pytest.raises(CommandError, match="不在用户“tpq_office”的管辖范围内"):
        run("--quarter", "2024Q2", "--federation", "DGD", "--user", "tpq_office")
    with pytest.raises(CommandError, match="没有生成报告的权限"):
        run("--quarter", "2024Q2", "--user", "ft_chair")


@pytest.mark.timeout(20)
def test_an_unreachable_queue_exits_with_1_and_leaves_nothing_queued(tree, unreachable_broker):
    with pytest.raises(CommandError, match="任务队列暂时不可用") as raised:
        run("--quarter", "2024Q2", "--federation", "TPQ")
    assert raised.value.returncode == 1
    assert not ReportRun.objects.exists()


def test_wait_gives_up_after_the_timeout_and_exits_with_1(tree, monkeypatch):
    # given a queue that takes the task but no worker that builds it
    monkeypatch.setattr("reports.tasks.enqueue", lambda task, *args: True)
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "quarterly_reports",
            "--quarter=2024Q2",
            "--federation=TPQ",
            "--wait",
            "--timeout=0.3",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert raised.value.returncode == 1
    assert "太平桥街道总工会（TPQ）：0.3 秒内未完成（排队中）。" in err.getvalue()
