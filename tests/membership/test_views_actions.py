"""The forms and actions of the enterprise and member pages: each writes what a user expects, and
bad input comes back as a Chinese message next to the field."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from membership import services
from membership.codelists import EconomicType, Ethnicity, Sex
from membership.models import Enterprise, Member, Membership, UnionStatusChange
from tests.membership.factories import (
    EnterpriseFactory,
    MemberFactory,
    make_credit_code,
    make_id_number,
)

D = datetime.date
Status = Enterprise.UnionStatus


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def field_errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


@pytest.fixture
def tpq_client(staff, client):
    client.force_login(staff.tpq)
    return client


@pytest.fixture
def tpq_member(tpq_enterprise):
    return MemberFactory(enterprise=tpq_enterprise, name="李四", joined_on=D(2020, 1, 1))


# --- enterprises --------------------------------------------------------------------------------


def _enterprise_data(tree, **overrides):
    return {
        "name": "莲花池新公司",
        "credit_code": make_credit_code(),
        "jurisdiction": tree.tpq.pk,
        "economic_type": EconomicType.PRIVATE,
        "industry": "I",
        "employees": "120",
        "address": "莲花池东路1号",
        "contact": "王五",
        "phone": "010-12345678",
        "union_status": Status.NONE,
        **overrides,
    }


def test_staff_register_an_enterprise(tree, tpq_client):
    # given the form filled in, with the credit code typed in lower case
    data = _enterprise_data(tree)
    code = data["credit_code"]
    data["credit_code"] = code.lower()
    # when staff submit it
    response = tpq_client.post("/membership/enterprises/new/", data, follow=True)
    # then the enterprise exists with the code upper-cased, and its page says so
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.jurisdiction, enterprise.employees) == (
        "莲花池新公司",
        tree.tpq,
        120,
    )
    assert response.redirect_chain[-1][0] == enterprise.get_absolute_url()
    assert "已登记企业“莲花池新公司”。" in messages_of(response)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=enterprise.pk)


def test_an_enterprise_registered_as_joint_covered_has_its_history_row(tree, tpq_client):
    data = _enterprise_data(
        tree, union_status=Status.JOINT, joint_union=tree.tpq_j1.pk, union_since="2022-04-01"
    )
    tpq_client.post("/membership/enterprises/new/", data)
    enterprise = Enterprise.objects.get(credit_code=data["credit_code"])
    assert (enterprise.union_status, enterprise.joint_union) == (Status.JOINT, tree.tpq_j1)
    change = enterprise.status_changes.get()
    assert (change.status, change.effective_on) == (Status.JOINT, D(2022, 4, 1))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "统一社会信用代码校验位错误"),
        ({"credit_code": "9135"}, "credit_code", "统一社会信用代码应为18位"),
        ({"name": ""}, "name", "这个字段是必填项"),
        ({"union_status": Status.JOINT, "union_since": "2022-01-01"}, "joint_union", "联合工会"),
        (
            {"union_status": Status.INDEPENDENT},
            "union_since",
            "已建会的企业必须填写建会日期",
        ),
    ],
)
def test_enterprise_form_errors_are_chinese_and_nothing_is_saved(
    tree, tpq_client, overrides, field, message
):
    response = tpq_client.post("/membership/enterprises/new/", _enterprise_data(tree, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), response.context[
        "form"
    ].errors
    assert not Enterprise.objects.filter(name="莲花池新公司").exists()


def test_a_duplicate_credit_code_is_refused(tree, tpq_client, tpq_enterprise):
    data = _enterprise_data(tree, credit_code=tpq_enterprise.credit_code)
    response = tpq_client.post("/membership/enterprises/new/", data)
    assert "该统一社会信用代码已登记。" in field_errors(response, "credit_code")


def test_staff_cannot_register_an_enterprise_in_a_sibling_street(tree, tpq_client):
    response = tpq_client.post(
        "/membership/enterprises/new/", _enterprise_data(tree, jurisdiction=tree.dgd.pk)
    )
    assert any("选择一个有效的选项" in e for e in field_errors(response, "jurisdiction"))
    assert not Enterprise.objects.filter(name="莲花池新公司").exists()
    # nor offered it
    html = tpq_client.get("/membership/enterprises/new/").content.decode()
    assert "东高地" not in html


def test_staff_edit_an_enterprise(tree, tpq_client, tpq_enterprise):
    data = _enterprise_data(tree, credit_code=tpq_enterprise.credit_code, employees="45")
    data["name"] = "太平桥甲公司（更名）"
    response = tpq_client.post(f"/membership/enterprises/{tpq_enterprise.pk}/edit/", data)
    assert response.status_code == 302
    tpq_enterprise.refresh_from_db()
    assert (tpq_enterprise.name, tpq_enterprise.employees) == ("太平桥甲公司（更名）", 45)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert event.changes["employees"] == [30, 45]


def test_found_a_joint_covered_union(tree, tpq_client, tpq_enterprise):
    # when staff record that 太平桥社区联合工会 covers the enterprise from 2024-03-01
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/found/",
        {"status": Status.JOINT, "joint_union": tree.tpq_j1.pk, "on": "2024-03-01"},
        follow=True,
    )
    # then the history has the row, the enterprise's status follows, and the page says so
    change = UnionStatusChange.objects.get(enterprise=tpq_enterprise)
    assert (change.status, change.joint_union, change.effective_on) == (
        Status.JOINT,
        tree.tpq_j1,
        D(2024, 3, 1),
    )
    tpq_enterprise.refresh_from_db()
    assert (tpq_enterprise.union_status, tpq_enterprise.union_since) == (
        Status.JOINT,
        D(2024, 3, 1),
    )
    assert any("由“太平桥社区联合工会”覆盖" in m for m in messages_of(response))


def test_found_an_independent_union_ignores_a_leftover_joint_union(
    tree, tpq_client, tpq_enterprise
):
    tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/found/",
        {"status": Status.INDEPENDENT, "joint_union": tree.tpq_j1.pk, "on": "2024-03-01"},
    )
    tpq_enterprise.refresh_from_db()
    assert (tpq_enterprise.union_status, tpq_enterprise.joint_union) == (
        Status.INDEPENDENT,
        None,
    )


def test_found_offers_only_joint_unions_of_the_enterprises_jurisdiction(
    tree, staff, client, tpq_enterprise
):
    # given the district's staff, who may edit everywhere
    client.force_login(staff.district)
    url = f"/membership/enterprises/{tpq_enterprise.pk}/found/"
    html = client.get(url).content.decode()
    assert "太平桥社区联合工会" in html
    assert "东高地社区联合工会" not in html
    # and a joint union of another street is refused
    response = client.post(
        url, {"status": Status.JOINT, "joint_union": tree.dgd_j1.pk, "on": "2024-03-01"}
    )
    assert any("选择一个有效的选项" in e for e in field_errors(response, "joint_union"))
    assert not UnionStatusChange.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": Status.JOINT, "on": "2024-03-01"}, "joint_union", "必须指定"),
        ({"status": Status.INDEPENDENT, "on": "2999-01-01"}, "on", "晚于今天"),
        ({"status": Status.INDEPENDENT, "on": ""}, "on", "这个字段是必填项"),
    ],
)
def test_found_errors(tpq_client, tpq_enterprise, data, field, message):
    response = tpq_client.post(f"/membership/enterprises/{tpq_enterprise.pk}/found/", data)
    assert any(message in error for error in field_errors(response, field))
    assert not UnionStatusChange.objects.exists()


def test_found_twice_is_refused_with_the_reason(tpq_client, tpq_enterprise):
    url = f"/membership/enterprises/{tpq_enterprise.pk}/found/"
    tpq_client.post(url, {"status": Status.INDEPENDENT, "on": "2023-01-01"})
    response = tpq_client.post(url, {"status": Status.INDEPENDENT, "on": "2024-01-01"})
    assert any("要求企业当时的状态是“未建会”" in e for e in field_errors(response, "on"))
    assert UnionStatusChange.objects.count() == 1


def test_upgrade_a_joint_covered_enterprise(tree, tpq_client):
    enterprise = EnterpriseFactory(
        jurisdiction=tree.tpq,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2021, 1, 1),
    )
    response = tpq_client.post(
        f"/membership/enterprises/{enterprise.pk}/upgrade/", {"on": "2024-06-30"}, follow=True
    )
    assert [c.status for c in enterprise.status_changes.order_by("effective_on")] == [
        Status.JOINT,
        Status.INDEPENDENT,
    ]
    enterprise.refresh_from_db()
    assert (enterprise.union_status, enterprise.joint_union) == (Status.INDEPENDENT, None)
    assert any("升级为独立工会" in m for m in messages_of(response))


def test_upgrade_of_an_enterprise_without_union_is_refused(tpq_client, tpq_enterprise):
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/upgrade/", {"on": "2024-06-30"}
    )
    assert response.status_code == 200
    errors = field_errors(response, "on")
    assert any("要求企业当时的状态是“联合工会覆盖”" in e and "未建会" in e for e in errors)
    assert not UnionStatusChange.objects.exists()


# --- members ------------------------------------------------------------------------------------


def _member_data(**overrides):
    return {
        "name": "张三",
        "id_number": "11010519491231002x",
        "phone": "13912345678",
        "ethnicity": Ethnicity.HAN,
        "education": "20",
        "political_status": "13",
        "household_type": "nonlocal_rural",
        "migrant_worker": "on",
        "employment_status": "employed",
        "skill_level": "senior",
        "joined_on": "2024-05-01",
        "card_number": "TPQ-0001",
        **overrides,
    }


def test_staff_register_a_member(tpq_client, tpq_enterprise):
    # when staff register a member, typing the ID number with a lower-case x
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/members/new/", _member_data(), follow=True
    )
    # then the member exists with the normalised number, sex and birth date from it, and an
    # open membership in the enterprise from the join date
    member = Member.objects.get(id_number="11010519491231002X")
    assert (member.name, member.sex, member.birth_date) == ("张三", Sex.FEMALE, D(1949, 12, 31))
    assert member.migrant_worker is True
    membership = member.memberships.get()
    assert (membership.enterprise, membership.joined_on, membership.left_on) == (
        tpq_enterprise,
        D(2024, 5, 1),
        None,
    )
    assert membership.card_number == "TPQ-0001"
    assert response.redirect_chain[-1][0] == member.get_absolute_url()
    assert "已登记会员“张三”，入会单位“太平桥甲公司”。" in messages_of(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": ""}, "id_number", "这个字段是必填项"),
        ({"id_number": "110105194912310021"}, "id_number", "身份证号校验位错误"),
        ({"id_number": "1101051949123100"}, "id_number", "身份证号应为18位"),
        ({"phone": "12345"}, "phone", "手机号应为以1开头的11位数字"),
        ({"joined_on": "2999-01-01"}, "joined_on", "晚于今天"),
    ],
)
def test_member_register_errors(tpq_client, tpq_enterprise, overrides, field, message):
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/members/new/", _member_data(**overrides)
    )
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), response.context[
        "form"
    ].errors
    assert not Member.objects.exists()


def test_a_join_date_before_the_16th_birthday_is_refused(tpq_client, tpq_enterprise):
    # given a person born on 2005-06-15, who turned 16 on 2021-06-15
    number = make_id_number(birth_date=D(2005, 6, 15))
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/members/new/",
        _member_data(id_number=number, joined_on="2021-06-14"),
    )
    errors = field_errors(response, "joined_on")
    assert any("早于本人年满16周岁的日期 2021-06-15" in e for e in errors)
    assert not Member.objects.exists()


def test_a_registered_id_number_is_refused_with_the_way_forward(
    tpq_client, tpq_enterprise, tpq_member
):
    response = tpq_client.post(
        f"/membership/enterprises/{tpq_enterprise.pk}/members/new/",
        _member_data(id_number=tpq_member.id_number.lower()),
    )
    assert any("请办理会籍接转" in e for e in field_errors(response, "id_number"))
    assert Member.objects.count() == 1


def test_staff_edit_a_member_without_seeing_the_full_number(tpq_client, tpq_member):
    url = f"/membership/members/{tpq_member.pk}/edit/"
    # the edit form shows the masked number only
    html = tpq_client.get(url).content.decode()
    assert tpq_member.masked_id_number in html
    assert tpq_member.id_number not in html
    # saving with the number left empty keeps it and changes the rest
    data = _member_data(name="李四", id_number="", phone="13800001111")
    response = tpq_client.post(url, data)
    assert response.status_code == 302
    number = tpq_member.id_number
    tpq_member.refresh_from_db()
    assert (tpq_member.phone, tpq_member.id_number) == ("13800001111", number)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL_ID).exists()


def test_staff_correct_a_members_id_number(tpq_client, tpq_member):
    corrected = make_id_number(birth_date=D(1980, 2, 2))
    tpq_client.post(
        f"/membership/members/{tpq_member.pk}/edit/",
        _member_data(name="李四", id_number=corrected.lower()),
    )
    tpq_member.refresh_from_db()
    assert (tpq_member.id_number, tpq_member.birth_date) == (corrected, D(1980, 2, 2))


def test_member_edit_errors(tpq_client, tpq_member):
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/edit/",
        _member_data(name="", id_number="123", phone="1391234"),
    )
    assert any("必填" in e for e in field_errors(response, "name"))
    assert any("手机号应为" in e for e in field_errors(response, "phone"))
    tpq_member.refresh_from_db()
    assert tpq_member.name == "李四"


def test_transfer_closes_and_opens_on_the_same_date(tree, tpq_client, tpq_member):
    # given another 太平桥 enterprise
    target = EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥丙公司")
    # when staff transfer the member there on 2024-07-01, typing the code in lower case
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/transfer/",
        {"to_credit_code": target.credit_code.lower(), "on": "2024-07-01", "card_number": "C-9"},
        follow=True,
    )
    # then the old membership ended that day (reason: transfer) and the new one began that day
    old, new = tpq_member.memberships.order_by("joined_on")
    assert (old.left_on, old.leave_reason) == (D(2024, 7, 1), Membership.LeaveReason.TRANSFER)
    assert (new.enterprise, new.joined_on, new.left_on, new.card_number) == (
        target,
        D(2024, 7, 1),
        None,
        "C-9",
    )
    assert new.transferred_from == old
    tpq_member.refresh_from_db()
    assert tpq_member.current_enterprise == target
    assert "已办理会籍接转：“李四”自 2024-07-01 转入“太平桥丙公司”。" in messages_of(response)


def test_transfer_into_an_enterprise_outside_the_scope_is_refused(
    tpq_client, tpq_member, dgd_enterprise
):
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/transfer/",
        {"to_credit_code": dgd_enterprise.credit_code, "on": "2024-07-01"},
    )
    errors = field_errors(response, "to_credit_code")
    assert any("在您有权编辑的范围内没有" in e for e in errors)
    assert "东高地" not in response.content.decode()
    assert tpq_member.memberships.get().is_open


def test_the_district_transfers_between_streets(staff, client, tpq_member, dgd_enterprise):
    client.force_login(staff.district)
    client.post(
        f"/membership/members/{tpq_member.pk}/transfer/",
        {"to_credit_code": dgd_enterprise.credit_code, "on": "2024-07-01"},
    )
    tpq_member.refresh_from_db()
    assert tpq_member.current_enterprise == dgd_enterprise


@pytest.mark.parametrize(
    ("on", "message"),
    [("2019-12-31", "早于在“太平桥甲公司”的入会日期 2020-01-01"), ("2999-01-01", "晚于今天")],
)
def test_transfer_date_errors(tree, tpq_client, tpq_member, on, message):
    target = EnterpriseFactory(jurisdiction=tree.tpq)
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/transfer/",
        {"to_credit_code": target.credit_code, "on": on},
    )
    assert any(message in e for e in field_errors(response, "on"))
    assert tpq_member.memberships.get().is_open


def test_transfer_into_the_same_enterprise_is_refused(tpq_client, tpq_member, tpq_enterprise):
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/transfer/",
        {"to_credit_code": tpq_enterprise.credit_code, "on": "2024-07-01"},
    )
    assert "会员已在“太平桥甲公司”，无需接转。" in response.context["form"].non_field_errors()


def test_staff_record_a_member_leaving(tpq_client, tpq_member):
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/leave/",
        {"on": "2024-12-31", "reason": Membership.LeaveReason.RETIRED},
        follow=True,
    )
    membership = tpq_member.memberships.get()
    assert (membership.left_on, membership.leave_reason) == (
        D(2024, 12, 31),
        Membership.LeaveReason.RETIRED,
    )
    assert any("已办理离会" in m and "退休" in m for m in messages_of(response))
    # the member stays visible, marked as left, without transfer or leave buttons
    html = response.content.decode()
    assert "已离会" in html
    assert 'data-testid="leave"' not in html


def test_leave_errors(tpq_client, tpq_member):
    url = f"/membership/members/{tpq_member.pk}/leave/"
    response = tpq_client.post(url, {"on": "2019-01-01", "reason": "resigned"})
    assert any("早于入会日期 2020-01-01" in e for e in field_errors(response, "on"))
    response = tpq_client.post(url, {"on": "2024-01-01", "reason": ""})
    assert any("必填" in e for e in field_errors(response, "reason"))
    assert tpq_member.memberships.get().is_open


def test_leaving_twice_is_refused(tpq_client, tpq_member):
    services.membership_leave(
        actor=None, member=tpq_member, on=D(2024, 1, 1), reason=Membership.LeaveReason.RESIGNED
    )
    response = tpq_client.post(
        f"/membership/members/{tpq_member.pk}/leave/", {"on": "2024-02-01", "reason": "retired"}
    )
    assert "该会员当前没有有效会籍。" in response.context["form"].non_field_errors()


def test_date_fields_default_to_today(tpq_client, tpq_member):
    html = tpq_client.get(f"/membership/members/{tpq_member.pk}/leave/").content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
