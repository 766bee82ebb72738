"""Importing grant lists: `import_data grants FILE` and the import page share this importer."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistance import services
from assistance.models import Grant
from audit.models import AuditEvent
from tests.assistance.factories import draft_grant, make_member, open_file, program
from tests.imports.files import row_errors, xlsx

D = datetime.date
HEADERS = [
    "身份证号",
    "帮扶项目",
    "金额",
    "物资折价",
    "发放日期",
    "备注",
    "学生姓名",
    "学校",
    "学历层次",
    "入学年份",
]


def row(member, programme="两节送温暖", amount="500", date="2025-01-20", **extra):
    values = [member.id_number, programme, amount, "", date, "", "", "", "", ""]
    for index, header in enumerate(HEADERS):
        if header in extra:
            values[index] = extra[header]
    return values


@pytest.fixture
def run(run_import):
    def do(rows, *, headers=HEADERS, file_name="帮扶名单.xlsx", **options):
        return run_import(
            xlsx(rows, headers=headers), kind="grants", file_name=file_name, **options
        )

    return do


@pytest.fixture
def second_member(tpq_enterprise):
    return make_member(tpq_enterprise, name="王二")


def test_staff_import_drafts_and_the_operator_imports_approved_grants(
    run, people, tpq_member, second_member
):
    # given a list of two winter-warmth grants imported by 太平桥 staff
    result = run(
        [row(tpq_member, amount="800.50", 物资折价="200"), row(second_member, amount="１,000元")],
        user=people.tpq_staff,
    )
    # then both are written as drafts, in yuan to the fen
    assert (result.created, result.written) == (2, True), row_errors(result)
    grants = {g.recipient_id: g for g in Grant.objects.all()}
    first = grants[tpq_member.pk]
    assert (first.amount, first.goods_value, first.status) == (
        Decimal("800.50"),
        Decimal("200.00"),
        Grant.Status.DRAFT,
    )
    assert grants[second_member.pk].amount == Decimal("1000.00")
    assert first.paying_federation == tpq_member.current_enterprise.jurisdiction
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.actor, event.row_count, event.file_name) == (people.tpq_staff, 2, "帮扶名单.xlsx")
    assert tpq_member.id_number not in str(event.changes) + event.summary


def test_a_chair_importing_approves_at_once(run, make_user, tree, people, tpq_member):
    from federations.models import Role
    from tests.factories import grant as grant_role

    # given someone who may import (staff) and approve (chair) at 太平桥
    user = people.tpq_staff
    grant_role(user, tree.tpq, Role.CHAIR)
    result = run([row(tpq_member)], user=user)
    assert result.written, row_errors(result)
    grant = Grant.objects.get()
    assert grant.status == Grant.Status.APPROVED
    assert grant.decisions.get().decided_by == user


def test_a_second_winter_warmth_in_the_same_file_is_an_error_for_that_row(run, tpq_member):
    result = run([row(tpq_member, date="2025-01-10"), row(tpq_member, date="2025-12-28")])
    assert not result.written
    [(number, column, message)] = row_errors(result)
    assert (number, column) == (3, "发放日期")
    assert "超过每人每年次数上限" in message
    assert "本文件第 2 行已有" in message
    assert not Grant.objects.exists()


def test_a_second_winter_warmth_already_in_the_database_is_an_error(run, tpq_member, second_member):
    draft_grant(tpq_member, "winter_warmth", granted_on=D(2025, 1, 5))
    result = run([row(second_member), row(tpq_member, date="2025-02-01")])
    assert not result.written
    [(number, _column, message)] = row_errors(result)
    assert number == 3
    assert "“张困难” 2025 年已有 1 次" in message
    assert Grant.objects.count() == 1  # all or nothing: 王二's row is not written either


def test_another_year_and_a_rejected_grant_do_not_count(run, people, tpq_member):
    rejected = draft_grant(tpq_member, "winter_warmth", granted_on=D(2025, 1, 5))
    services.grant_reject(actor=people.tpq_chair, grant=rejected, reason="重复")
    result = run([row(tpq_member, date="2025-01-20"), row(tpq_member, date="2026-01-20")])
    assert result.written, row_errors(result)


def test_every_rule_is_checked_per_row(run, tree, people, tpq_member, second_member, dgd_member):
    services.aid_budget_set(
        actor=None,
        federation=tree.tpq,
        program=program("summer_cooling"),
        year=2025,
        amount=Decimal("600"),
    )
    rows = [
        row(tpq_member, "两节送温暖", amount="2500"),  # cap 2,000
        row(
            tpq_member,
            "金秋助学",
            amount="3000",
            学生姓名="小明",
            学校="北大",
            学历层次="本科",
            入学年份="2024",
        ),  # no hardship file
        row(tpq_member, "劳模慰问", amount="500"),  # not a model worker
        row(second_member, "夏季送清凉", amount="400"),  # approved by the operator: uses budget
        row(tpq_member, "夏季送清凉", amount="300"),  # 400 + 300 > 600
        row(tpq_member, "应急救助", amount="300", 学生姓名="小明"),  # study details, no file
        row(dgd_member, "两节送温暖"),  # outside 太平桥 staff's scope
        row(tpq_member, "送钱"),
        row(tpq_member, amount="abc"),
        row(tpq_member, amount="0"),
    ]
    result = run(rows)  # the operator: full scope, grants approved
    errors = {(number, column): message for number, column, message in row_errors(result)}
    assert "超过单次金额上限" in errors[(2, "金额")]
    assert "不符合建档要求" in errors[(3, "帮扶项目")]
    assert "不符合劳模要求" in errors[(4, "帮扶项目")]
    assert (5, "金额") not in errors
    assert "超出年度预算" in errors[(6, "金额")]
    assert "只有金秋助学需要填写学生信息" in errors[(7, "学生姓名")]
    assert "未知的帮扶项目" in errors[(9, "帮扶项目")]
    assert "请填写金额" in errors[(10, "金额")]
    assert "不能都为 0" in errors[(11, "金额")]
    assert not result.written
    # as 太平桥 staff, 东高地's member is unknown
    result = run([row(dgd_member)], user=people.tpq_staff)
    assert "不在您的管辖范围内" in row_errors(result)[0][2]


def test_study_aid_rows_record_the_student(run, tpq_member):
    open_file(tpq_member, opened_on=D(2025, 1, 1))
    result = run(
        [
            row(
                tpq_member,
                "金秋助学",
                amount="3000",
                date="2025-09-01",
                学生姓名="小明",
                学校="北京大学",
                学历层次="本科",
                入学年份="2025",
            ),
            row(
                tpq_member,
                "金秋助学",
                amount="3000",
                date="2025-09-01",
                学生姓名="小红",
                学校="首都师范大学",
                学历层次="大专",
                入学年份="2024",
            ),
        ]
    )
    assert result.written, row_errors(result)
    levels = dict(Grant.objects.values_list("student_name", "study_level"))
    assert levels == {"小明": "bachelor", "小红": "junior_college"}
    assert Grant.objects.filter(hardship_file__isnull=False).count() == 2


def test_the_command_exits_1_on_errors_and_0_on_success(tmp_path, capsys, tpq_member):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(tpq_member), row(tpq_member)], headers=HEADERS))
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "grants", str(bad))
    assert failure.value.returncode == 1
    assert "第 3 行" in capsys.readouterr().err
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([row(tpq_member)], headers=HEADERS))
    call_command("import_data", "grants", str(good))
    assert "导入完成：新建 1" in capsys.readouterr().out
    assert Grant.objects.get().status == Grant.Status.APPROVED


def test_the_command_refuses_a_missing_column_and_an_unknown_user(tmp_path, tpq_member):
    path = tmp_path / "g.xlsx"
    path.write_bytes(xlsx([[tpq_member.id_number, "500"]], headers=["身份证号", "金额"]))
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "grants", str(path))
    assert failure.value.returncode == 1
    assert "帮扶项目" in str(failure.value)
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "grants", str(path), "--user", "nobody")
    assert failure.value.returncode == 2
