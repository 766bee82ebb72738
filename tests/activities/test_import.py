"""Importing activities: `import_data activities FILE` and the import page share this importer
(activities/resources.py)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from activities import services
from activities.models import Activity, JobFair
from audit.models import AuditEvent
from federations.models import Role
from tests.activities.factories import ActivityFactory
from tests.imports.files import csv, row_errors, xlsx

D = datetime.date
HEADERS = [
    "活动名称",
    "活动类别",
    "主办工会",
    "开始日期",
    "结束日期",
    "地点",
    "参与人次",
    "参与单位数",
    "费用",
    "招聘岗位数",
    "达成意向人数",
    "备注",
]


def row(title, *, category="文体活动", federation="TPQ", start="2026-05-01", **extra):
    values = [title, category, federation, start, "", "社区广场", 500, 3, "1,200.50", "", "", ""]
    for index, header in enumerate(HEADERS):
        if header in extra:
            values[index] = extra[header]
    return values


@pytest.fixture
def run(run_import):
    def do(rows, *, headers=HEADERS, user=None, **options):
        content = xlsx(rows, headers=headers)
        return run_import(content, kind="activities", file_name="活动.xlsx", user=user, **options)

    return do


def test_a_good_file_records_held_open_activities_and_a_job_fair(tree, run):
    # given a quarter's activities of 太平桥, one a job fair (no 状态 column)
    rows = [
        row("健步走", 结束日期="2026-05-02"),
        row(
            "春风行动招聘会",
            category="招聘会",
            start="2026年3月5日",
            参与人次=1500,
            参与单位数=27,
            费用="¥3500",
            招聘岗位数=768,
            达成意向人数=316,
        ),
    ]
    # when it is imported
    result = run(rows)
    # then both are recorded as held open events, with the job fair's figures
    assert (result.created, result.written) == (2, True), row_errors(result)
    walk = Activity.objects.get(title="健步走")
    assert (walk.status, walk.registration, walk.person_times) == ("held", False, 500)
    assert (walk.ends_on, walk.cost, walk.enterprise_count) == (
        D(2026, 5, 2),
        Decimal("1200.50"),
        3,
    )
    fair = Activity.objects.get(title="春风行动招聘会")
    assert (fair.starts_on, fair.ends_on, fair.cost) == (
        D(2026, 3, 5),
        D(2026, 3, 5),
        Decimal("3500"),
    )
    assert (fair.job_fair.positions, fair.job_fair.intents) == (768, 316)
    # and one audit event records the import
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.row_count, event.file_name, event.federation) == (2, "活动.xlsx", tree.tpq)


def test_the_same_file_twice_records_nothing_twice_and_a_change_is_an_update(tree, run):
    run([row("健步走"), row("读书会", category="培训讲座")])
    again = run([row("健步走"), row("读书会", category="培训讲座")])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run([row("健步走", 参与人次=650), row("读书会", category="培训讲座")])
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert [(c.column, c.old, c.new) for c in changed.actions[0].changes] == [
        ("参与人次", "500", "650")
    ]
    assert Activity.objects.get(title="健步走").person_times == 650
    assert Activity.objects.count() == 2


def test_the_status_column_records_planned_and_cancelled_activities(tree, run):
    headers = [*HEADERS, "状态"]
    rows = [
        [*row("计划中的比赛", start="2099-01-01", 参与人次=""), "计划中"],
        [*row("取消的演出", category="文艺演出"), "已取消"],
        [*row("举办的", start="2026-04-01"), ""],
    ]
    result = run(rows, headers=headers)
    assert result.written, row_errors(result)
    statuses = dict(Activity.objects.values_list("title", "status"))
    assert statuses == {"计划中的比赛": "planned", "取消的演出": "cancelled", "举办的": "held"}


def test_every_error_of_every_row_is_named_and_nothing_is_written(tree, run):
    rows = [
        row("好的一行"),
        row("", category="舞会", federation="NOPE", start="2026-02-30"),
        row("倒着的", start="2026-05-03", 结束日期="2026-05-01", 费用="12.345"),
        row("未来的", start="2099-01-01"),
        row("没有人次", 参与人次=""),
        row("不是招聘会", 招聘岗位数=10),
        row("负数", 参与单位数=-2, 费用="-5"),
        row("好的一行"),
    ]
    result = run(rows)
    assert not result.written
    assert not Activity.objects.exists()
    errors = row_errors(result)
    columns = {(number, column) for number, column, _message in errors}
    assert {(3, "活动名称"), (3, "活动类别"), (3, "主办工会"), (3, "开始日期")} <= columns
    messages = {(number, column): message for number, column, message in errors}
    assert "不存在或不在您的管辖范围内" in messages[3, "主办工会"]
    assert "日期不存在" in messages[3, "开始日期"]
    assert "舞会" in messages[3, "活动类别"]
    assert "两位小数" in messages[4, "费用"]
    assert "晚于今天" in messages[5, "开始日期"]
    assert "须填写参与人次" in messages[6, "参与人次"]
    assert "只有“招聘会”" in messages[7, "活动类别"]
    assert "负数" in messages[8, "参与单位数"]
    assert "负数" in messages[8, "费用"]
    assert "与第 2 行是同一场活动" in messages[9, "活动名称"]
    # each error says row, column, value and reason
    text = [str(error) for error in result.errors]
    assert "第 3 行，列“主办工会”，值“NOPE”：工会代码“NOPE”不存在或不在您的管辖范围内。" in text


def test_an_end_before_the_start_is_named_on_the_end_date(tree, run):
    result = run([row("倒着的", start="2026-05-03", 结束日期="2026-05-01")])
    assert row_errors(result) == [(2, "结束日期", "结束日期不能早于开始日期。")]


def test_a_street_imports_only_its_own_activities(tree, run, make_user):
    # given staff of 太平桥
    user = make_user(tree.tpq, Role.STAFF)
    # when their file names 东高地 as an organizer
    result = run([row("我们的"), row("别人的", federation="DGD")], user=user)
    # then that row reads as an unknown federation and nothing is written
    assert row_errors(result) == [(3, "主办工会", "工会代码“DGD”不存在或不在您的管辖范围内。")]
    assert not Activity.objects.exists()


def test_an_activity_with_check_ins_keeps_its_person_times(tree, run, people):
    # given a contest with registration, recorded in the portal, where 张三 checked in
    contest = ActivityFactory(
        federation=tree.tpq, title="技能竞赛", registration=True, starts_on=D(2026, 5, 1)
    )
    services.participation_check_in(actor=None, activity=contest, number="TPQ-001")
    # when a file gives it other person-times, then that is refused
    result = run([row("技能竞赛", 参与人次=80)])
    assert row_errors(result) == [
        (
            2,
            "参与人次",
            "该活动已按报名签到登记，参与人次为签到人次 1，不能通过导入修改；请留空或填写 1。",
        )
    ]
    # and with the check-ins' figure (or none) the row is fine
    result = run([row("技能竞赛", 参与人次=1)])
    assert result.written, row_errors(result)


def test_a_csv_in_gbk_imports_too(tree, run_import):
    data = csv([row("健步走", 费用="1200.50")], headers=HEADERS, encoding="gbk")
    result = run_import(data, kind="activities")
    assert result.written, row_errors(result)
    assert JobFair.objects.count() == 0


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_the_command_exits_0_1_and_2(tree, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(xlsx([row("健步走")], headers=HEADERS))
    bad.write_bytes(xlsx([row("健步走", federation="NOPE")], headers=HEADERS))
    out, _err, code = _command("activities", str(good))
    assert (code, "导入完成：新建 1，更新 0，未变 0" in out) == (0, True)
    _out, err, code = _command("activities", str(bad))
    assert code == 1
    assert "第 2 行，列“主办工会”，值“NOPE”" in err
    _out, _err, code = _command("activities", str(tmp_path / "missing.xlsx"))
    assert code == 2
    assert Activity.objects.count() == 1


def test_a_file_without_a_column_leaves_the_recorded_value_alone(tree, run):
    # given a job fair recorded with its cost, end date and figures
    first = run(
        [
            row(
                "招聘会",
                category="招聘会",
                结束日期="2026-05-02",
                招聘岗位数=768,
                达成意向人数=316,
            )
        ]
    )
    assert first.written, row_errors(first)
    # when a file without those columns names it again
    headers = ["活动名称", "活动类别", "主办工会", "开始日期", "参与人次"]
    again = run([["招聘会", "招聘会", "TPQ", "2026-05-01", 500]], headers=headers)
    # then nothing changes
    assert (again.updated, again.unchanged) == (0, 1), [a.changes for a in again.actions]
    fair = Activity.objects.get()
    assert (fair.ends_on, fair.cost, fair.job_fair.positions) == (
        D(2026, 5, 2),
        Decimal("1200.50"),
        768,
    )
    # and a file that changes the positions only updates the figures
    changed = run(
        [["招聘会", "招聘会", "TPQ", "2026-05-01", 500, 800]], headers=[*headers, "招聘岗位数"]
    )
    assert changed.updated == 1
    fair.job_fair.refresh_from_db()
    assert (fair.job_fair.positions, fair.job_fair.intents) == (800, 316)
    # and a file that makes it another category drops its job-fair figures
    other = run([["招聘会", "其他", "TPQ", "2026-05-01", 500]], headers=headers)
    assert other.updated == 1, row_errors(other)
    assert Activity.objects.get().category == Activity.Category.OTHER
    assert not JobFair.objects.exists()


def test_the_import_page_offers_the_activities_template(tree, make_user, client):
    client.force_login(make_user(tree.tpq, Role.STAFF))
    assert client.get("/imports/activities/").status_code == 200
    response = client.get("/imports/activities/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:4] == ["活动名称", "活动类别", "主办工会", "开始日期"]
    client.force_login(make_user(tree.tpq, Role.CHAIR))
    assert client.get("/imports/activities/").status_code == 404
