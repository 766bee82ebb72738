"""Importing members: `import_data members FILE` and the import page share this importer."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEvent
from membership.models import Member, Membership
from tests.imports.files import csv, row_errors, xlsx
from tests.membership.factories import EnterpriseFactory, MemberFactory, make_id_number

HEADERS = [
    "姓名",
    "身份证号",
    "性别",
    "手机号",
    "单位统一社会信用代码",
    "入会日期",
    "会员卡号",
    "民族",
    "学历",
    "政治面貌",
    "户籍类型",
    "是否农民工",
    "转入日期",
]
WOMAN = make_id_number(birth_date=datetime.date(1990, 5, 17), sex="2", serial=7)
MAN = make_id_number(birth_date=datetime.date(1985, 1, 2), sex="1", serial=8)
OTHER = make_id_number(birth_date=datetime.date(1979, 9, 30), sex="1", serial=9)


@pytest.fixture
def enterprises(tree):
    return type(
        "Enterprises",
        (),
        {
            "tpq": EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥甲公司"),
            "tpq2": EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥乙公司"),
            "dgd": EnterpriseFactory(jurisdiction=tree.dgd, name="东高地丙公司"),
        },
    )


def row(name, number, enterprise, joined="2024-03-01", **extra):
    values = [
        name,
        number,
        "",
        "13912345678",
        enterprise.credit_code,
        joined,
        "",
        "汉族",
        "本科",
        "群众",
        "本地城镇",
        "否",
        "",
    ]
    for index, header in enumerate(HEADERS):
        if header in extra:
            values[index] = extra[header]
    return values


@pytest.fixture
def run(run_import):
    def do(rows, *, headers=HEADERS, data=None, file_name="会员.xlsx", **options):
        content = data if data is not None else xlsx(rows, headers=headers)
        return run_import(content, kind="members", file_name=file_name, **options)

    return do


def test_a_good_file_registers_members_with_their_memberships(enterprises, run):
    result = run(
        [row("李娜", WOMAN, enterprises.tpq, 会员卡号="K001"), row("王强", MAN, enterprises.tpq2)]
    )
    assert (result.created, result.written) == (2, True), row_errors(result)
    woman = Member.objects.get(id_number=WOMAN)
    # sex and birth date come from the ID number; code lists are stored as their codes
    assert (woman.sex, woman.birth_date) == ("2", datetime.date(1990, 5, 17))
    assert (woman.ethnicity, woman.education, woman.political_status) == ("01", "20", "13")
    assert (woman.household_type, woman.migrant_worker) == ("local_urban", False)
    assert woman.current_enterprise == enterprises.tpq
    membership = woman.memberships.get()
    assert (membership.joined_on, membership.card_number, membership.left_on) == (
        datetime.date(2024, 3, 1),
        "K001",
        None,
    )
    # the member counts on the day they joined, not the day before
    active = Membership.objects.in_scope(enterprises.tpq.jurisdiction)
    assert active.active_on(datetime.date(2024, 3, 1)).count() == 2
    assert active.active_on(datetime.date(2024, 2, 29)).count() == 0


def test_cells_are_normalised_the_way_staff_type_them(enterprises, run):
    # given a lowercase x, a phone Excel stored as a number, full-width digits and dates
    # written four ways
    numbers = [make_id_number(serial=s) for s in (21, 22, 23)]
    rows = [
        row(" 张 伟 ", numbers[0], enterprises.tpq, joined="2024/3/1", 手机号=13912345678.0),
        row(
            "刘芳", numbers[1], enterprises.tpq, joined="2024.3.1", 手机号="１３９１２３４５６７９"
        ),
        row("陈静", numbers[2], enterprises.tpq, joined="2024年3月1日", 是否农民工="是"),
        row("赵敏", "11010519491231002x", enterprises.tpq, joined=datetime.date(2024, 3, 1)),
    ]
    result = run(rows)
    assert result.written, row_errors(result)
    members = {m.id_number: m for m in Member.objects.all()}
    assert members[numbers[0]].name == "张 伟"
    assert members[numbers[0]].phone == "13912345678"
    assert members[numbers[1]].phone == "13912345679"
    assert members[numbers[2]].migrant_worker is True
    assert "11010519491231002X" in members
    assert set(Membership.objects.values_list("joined_on", flat=True)) == {
        datetime.date(2024, 3, 1)
    }


def test_an_id_number_stored_as_an_excel_number_is_refused(enterprises, run):
    # given Excel turned the ID number into a number (it keeps 15 significant digits)
    result = run([row("李娜", float(MAN[:17]) * 10, enterprises.tpq)])
    assert not result.written
    [(number, column, message)] = row_errors(result)
    assert (number, column) == (2, "身份证号")
    assert "末几位已经丢失" in message


def test_an_id_number_in_scientific_notation_in_a_csv_is_refused(enterprises, run):
    data = csv(
        [["李娜", "1.10105E+17", enterprises.tpq.credit_code, "2024-03-01"]],
        headers=["姓名", "身份证号", "单位统一社会信用代码", "入会日期"],
    )
    result = run([], data=data)
    assert "科学计数法" in result.errors[0].message


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"身份证号": WOMAN[:17] + ("1" if WOMAN[17] != "1" else "2")}, "身份证号", "校验位错误"),
        ({"身份证号": WOMAN[:16]}, "身份证号", "应为18位"),
        ({"身份证号": "110105199002301234"}, "身份证号", "不是有效日期"),
        ({"性别": "男"}, "性别", "与身份证号不符"),
        ({"手机号": "1391234567"}, "手机号", "11位数字"),
        ({"入会日期": "2004-05-16"}, "入会日期", "未满16周岁不能入会"),
        ({"入会日期": "明年"}, "入会日期", "无法识别的日期"),
        ({"入会日期": ""}, "入会日期", "新会员必须填写入会日期"),
        ({"民族": "火星族"}, "民族", "不是有效的民族"),
        ({"是否农民工": "也许"}, "是否农民工", "请填写“是”或“否”"),
        (
            {"单位统一社会信用代码": "91110106000000000X"},
            "单位统一社会信用代码",
            "未登记或不在您的管辖范围内",
        ),
    ],
)
def test_each_bad_cell_is_named_and_nothing_is_written(enterprises, run, cells, column, message):
    result = run([row("王强", MAN, enterprises.tpq), row("李娜", WOMAN, enterprises.tpq, **cells)])
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert not Member.objects.exists()


def test_a_join_date_in_the_future_is_refused(enterprises, run):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    result = run([row("李娜", WOMAN, enterprises.tpq, joined=tomorrow.isoformat())])
    assert "晚于今天" in result.errors[0].message


def test_the_same_person_twice_in_one_file_is_an_error(enterprises, run):
    result = run([row("李娜", WOMAN, enterprises.tpq), row("李娜", WOMAN, enterprises.tpq2)])
    assert row_errors(result) == [(3, "身份证号", "身份证号与第 2 行重复，同一人只能出现一次。")]


def test_staff_cannot_import_members_into_another_street(enterprises, run, staff):
    result = run([row("李娜", WOMAN, enterprises.dgd)], user=staff.tpq)
    assert row_errors(result) == [
        (
            2,
            "单位统一社会信用代码",
            f"单位“{enterprises.dgd.credit_code}”未登记或不在您的管辖范围内；请先登记该企业。",
        )
    ]


def test_a_member_of_another_enterprise_needs_a_transfer_date(enterprises, run):
    # given a member of DGD's enterprise since 2020
    MemberFactory(enterprise=enterprises.dgd, id_number=OTHER, joined_on=datetime.date(2020, 1, 1))
    # when TPQ's file lists the person without a transfer date
    result = run([row("孙杰", OTHER, enterprises.tpq)])
    # then the row is refused and says what to do
    assert row_errors(result) == [
        (2, "转入日期", "该身份证号已在其他单位登记为在会会员；如为会籍接转，请填写“转入日期”。")
    ]


def test_a_transfer_date_moves_the_membership_and_keeps_the_history(enterprises, run, staff):
    member = MemberFactory(
        enterprise=enterprises.dgd, id_number=OTHER, joined_on=datetime.date(2020, 1, 1)
    )
    result = run([row("孙杰", OTHER, enterprises.tpq, 转入日期="2025-07-01")], user=staff.tpq)
    assert (result.updated, result.written) == (1, True), row_errors(result)
    old, new = member.memberships.order_by("joined_on")
    assert (old.enterprise, old.left_on, old.leave_reason) == (
        enterprises.dgd,
        datetime.date(2025, 7, 1),
        Membership.LeaveReason.TRANSFER,
    )
    assert (new.enterprise, new.joined_on, new.transferred_from) == (
        enterprises.tpq,
        datetime.date(2025, 7, 1),
        old,
    )
    # on the day of the transfer the member counts in the new enterprise only
    day = datetime.date(2025, 7, 1)
    assert Membership.objects.active_on(day).get().enterprise == enterprises.tpq
    assert Membership.objects.active_on(day - datetime.timedelta(days=1)).get().enterprise == (
        enterprises.dgd
    )
    member.refresh_from_db()
    assert member.current_enterprise == enterprises.tpq


def test_importing_the_same_file_again_changes_nothing(enterprises, run):
    rows = [row("李娜", WOMAN, enterprises.tpq), row("王强", MAN, enterprises.tpq)]
    assert run(rows).written
    again = run(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Membership.objects.count() == 2


def test_a_changed_detail_updates_the_member(enterprises, run):
    run([row("李娜", WOMAN, enterprises.tpq)])
    result = run([row("李娜", WOMAN, enterprises.tpq, 手机号="13800000000", 学历="硕士")])
    assert result.updated == 1
    member = Member.objects.get()
    assert (member.phone, member.education) == ("13800000000", "10")
    [action] = result.actions
    # the preview masks the ID number
    assert WOMAN not in action.key
    assert "********" in action.key


def test_the_import_is_one_audit_event(enterprises, run, staff):
    run([row("李娜", WOMAN, enterprises.tpq), row("王强", MAN, enterprises.tpq2)], user=staff.tpq)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.actor, event.file_name, event.row_count) == (staff.tpq, "会员.xlsx", 2)
    assert WOMAN not in str(event.changes)


def test_a_new_card_number_alone_is_an_update_the_audit_event_lists(enterprises, run):
    # given a member imported without a card
    run([row("李娜", WOMAN, enterprises.tpq)])
    member = Member.objects.get()
    # when a second file gives only their card number
    result = run([row("李娜", WOMAN, enterprises.tpq, 会员卡号="K009")])
    # then the membership has it, and the import's audit event counts the member as updated
    assert result.updated == 1
    assert member.memberships.get().card_number == "K009"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).latest("pk")
    assert event.changes["updated"] == [member.pk]
    assert "更新 1" in event.summary


def test_the_command_prints_every_error_and_exits_1(enterprises, tmp_path, capsys):
    path = tmp_path / "会员.xlsx"
    path.write_bytes(xlsx([row("李娜", WOMAN[:17] + "0", enterprises.tpq)], headers=HEADERS))
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "members", str(path))
    assert failure.value.returncode == 1
    assert "第 2 行，列“身份证号”" in capsys.readouterr().err
    assert not Member.objects.exists()


def test_the_command_imports_and_prints_the_counts(enterprises, tmp_path, capsys):
    path = tmp_path / "会员.csv"
    path.write_bytes(csv([row("李娜", WOMAN, enterprises.tpq)], headers=HEADERS, encoding="gbk"))
    call_command("import_data", "members", str(path))
    assert "导入完成：新建 1，更新 0，未变 0" in capsys.readouterr().out
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).file_name == "会员.csv"


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_in_the_middle_of_an_import_leaves_nothing_written(enterprises, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path
    from urllib.parse import quote

    import psycopg2
    from django.db import connection

    # given a members file, and the membership table locked by someone else, so that the
    # import stops in the middle of writing: after the members, before their memberships
    path = tmp_path / "会员.csv"
    path.write_bytes(
        csv(
            [row(f"会员{n}", make_id_number(serial=100 + n), enterprises.tpq) for n in range(50)],
            headers=HEADERS,
        )
    )
    db = connection.settings_dict
    # (the embedded PostgreSQL listens on a socket directory: a host with slashes, quoted)
    host = quote(db["HOST"] or "", safe="")
    url = f"postgres://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}"
    locker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    cursor = locker.cursor()
    cursor.execute("LOCK TABLE membership_membership IN ACCESS EXCLUSIVE MODE")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "unionportal.settings.test"}
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(  # noqa: S603 — our own command
        [sys.executable, "manage.py", "import_data", "members", str(path)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # when the import is waiting to write the memberships, it is killed
        waiting = False
        for _ in range(200):
            with locker.cursor() as probe:
                # (statistics views keep one snapshot per transaction unless cleared)
                probe.execute("SELECT pg_stat_clear_snapshot()")
                probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND wait_event_type = 'Lock' AND query LIKE 'COPY membership_membership%%'",
                    [db["NAME"]],
                )
                waiting = probe.fetchone()[0] == 1
            if waiting or process.poll() is not None:
                break
            time.sleep(0.05)
        if not waiting:
            _out, err = process.communicate(timeout=10) if process.poll() is not None else ("", "")
            pytest.fail(f"the import never reached the memberships: {err.decode()[-2000:]}")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        locker.rollback()
        locker.close()
    # then none of its members was written
    assert process.returncode == -signal.SIGKILL
    assert not Member.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("kind", "first_headers"),
    [("members", ["姓名", "身份证号", "性别"]), ("enterprises", ["单位名称", "统一社会信用代码"])],
)
def test_the_import_page_offers_each_kinds_template(staff, login, kind, first_headers):
    import io

    import openpyxl

    client = login(staff.tpq)
    assert client.get(f"/imports/{kind}/").status_code == 200
    response = client.get(f"/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[: len(first_headers)] == first_headers


def test_a_chair_may_not_import_members(chair, login):
    client = login(chair)
    assert client.get("/imports/members/").status_code == 404
    assert client.get("/imports/members/template.xlsx").status_code == 404


def test_a_transfer_before_the_current_join_date_is_refused_in_the_preview(enterprises, run):
    MemberFactory(enterprise=enterprises.dgd, id_number=OTHER, joined_on=datetime.date(2022, 3, 1))
    result = run([row("孙杰", OTHER, enterprises.tpq, 转入日期="2021-12-31")])
    assert row_errors(result) == [
        (2, "转入日期", "转入日期早于该会员在原单位的入会日期 2022-03-01。")
    ]


def test_a_member_who_left_joins_again_but_not_before_leaving(enterprises, run):
    from membership import services

    member = MemberFactory(
        enterprise=enterprises.dgd, id_number=OTHER, joined_on=datetime.date(2020, 1, 1)
    )
    services.membership_leave(
        actor=None, member=member, on=datetime.date(2023, 6, 30), reason="resigned"
    )
    # a join date before the leaving date is named in the preview
    early = run([row("孙杰", OTHER, enterprises.tpq, joined="2023-01-01")])
    assert row_errors(early) == [
        (2, "入会日期", "入会日期早于该会员上一段会籍的离会日期 2023-06-30。")
    ]
    # a later one opens a new membership, the old one kept as history
    result = run([row("孙杰", OTHER, enterprises.tpq, joined="2024-02-01")])
    assert result.written, row_errors(result)
    assert list(member.memberships.order_by("joined_on").values_list("enterprise", "left_on")) == [
        (enterprises.dgd.pk, datetime.date(2023, 6, 30)),
        (enterprises.tpq.pk, None),
    ]
