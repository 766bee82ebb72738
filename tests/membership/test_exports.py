"""Export of the filtered enterprise and member lists to .xlsx, read back with openpyxl."""

import datetime
import io

import openpyxl
import pytest

from audit.models import AuditEvent
from membership import services
from membership.models import Enterprise, Membership
from tests.membership.factories import EnterpriseFactory, MemberFactory

D = datetime.date
Status = Enterprise.UnionStatus
ID_WITH_X = "11010519491231002X"


def read_xlsx(response):
    """(headers, rows as dicts) of the first sheet of a downloaded workbook."""
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    return headers, [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def records(tree, tpq_enterprise, dgd_enterprise):
    """太平桥: a large joint-covered enterprise with two members (one left) and the small one with
    a member whose number ends in X; 东高地: one enterprise with one member."""
    covered = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="太平桥覆盖公司",
        employees=120,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2022, 3, 1),
    )
    MemberFactory(enterprise=covered, name="在会甲", joined_on=D(2022, 4, 1))
    left = MemberFactory(enterprise=covered, name="离会乙", joined_on=D(2022, 4, 1))
    services.membership_leave(
        actor=None, member=left, on=D(2024, 1, 31), reason=Membership.LeaveReason.RETIRED
    )
    MemberFactory(enterprise=tpq_enterprise, name="带X的人", id_number=ID_WITH_X, card_number="K-1")
    MemberFactory(enterprise=dgd_enterprise, name="东高地的人")
    return covered


def test_enterprise_export_has_chinese_headers_and_only_the_filtered_rows(staff, records, client):
    # given the district's staff filtering 太平桥's joint-covered large enterprises
    client.force_login(staff.district)
    # when they export the list
    response = client.get("/membership/enterprises/export.xlsx?federation=TPQ&status=joint&large=1")
    # then the workbook has the import's headers and the one matching enterprise
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    headers, rows = read_xlsx(response)
    assert headers[:12] == [
        "单位名称",
        "统一社会信用代码",
        "所属工会",
        "经济类型",
        "行业",
        "职工人数",
        "建会状态",
        "联合工会",
        "建会日期",
        "地址",
        "联系人",
        "联系电话",
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row["单位名称"] == "太平桥覆盖公司"
    assert row["统一社会信用代码"] == records.credit_code
    assert (row["所属工会"], row["所属工会名称"]) == ("TPQ", "太平桥街道总工会")
    assert (row["建会状态"], row["联合工会"]) == ("联合工会覆盖", "TPQ-J1")
    assert row["建会日期"].date() == D(2022, 3, 1)
    assert row["职工人数"] == 120
    # and the export is in the audit log with its row count
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.row_count, event.federation) == (
        staff.district,
        1,
        records.jurisdiction,
    )
    assert "建会状态：联合工会覆盖" in event.summary


def test_enterprise_export_is_scoped(staff, records, client):
    client.force_login(staff.tpq)
    _headers, rows = read_xlsx(client.get("/membership/enterprises/export.xlsx"))
    assert {row["单位名称"] for row in rows} == {"太平桥甲公司", "太平桥覆盖公司"}


def test_member_export_masks_id_numbers(staff, records, client):
    # given 太平桥's staff exporting their members
    client.force_login(staff.tpq)
    response = client.get("/membership/members/export.xlsx")
    headers, rows = read_xlsx(response)
    # then the headers are Chinese, only 太平桥's members are in it, and every number is masked
    assert headers[:2] == ["姓名", "身份证号"]
    assert {"入会日期", "会员卡号", "会籍状态", "单位统一社会信用代码"} <= set(headers)
    assert {row["姓名"] for row in rows} == {"在会甲", "离会乙", "带X的人"}
    by_name = {row["姓名"]: row for row in rows}
    assert by_name["带X的人"]["身份证号"] == "110105********002X"
    assert by_name["带X的人"]["会员卡号"] == "K-1"
    assert all("********" in row["身份证号"] for row in rows)
    assert by_name["离会乙"]["会籍状态"] == "已离会"
    assert by_name["离会乙"]["离会日期"].date() == D(2024, 1, 31)
    assert by_name["在会甲"]["所属工会"] == "太平桥街道总工会"
    # nowhere in the file is a full number
    content = b"".join(client.get("/membership/members/export.xlsx").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row]
    assert ID_WITH_X not in cells


def test_member_export_follows_the_filters(staff, records, client):
    client.force_login(staff.district)
    _headers, rows = read_xlsx(
        client.get("/membership/members/export.xlsx?federation=TPQ-J1&state=active")
    )
    assert [row["姓名"] for row in rows] == ["在会甲"]
    _headers, rows = read_xlsx(
        client.get("/membership/members/export.xlsx", {"q": ID_WITH_X.lower()})
    )
    assert [row["姓名"] for row in rows] == ["带X的人"]
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("pk")
    assert [e.row_count for e in events] == [1, 1]
    # the audit log names the filters, with a searched ID number masked
    assert "所属工会：太平桥社区联合工会" in events[0].summary
    assert "搜索：110105********002X" in events[1].summary
    assert ID_WITH_X not in str(events[1].summary) + str(events[1].changes)


def test_an_empty_export_has_the_headers(staff, records, client):
    client.force_login(staff.tpq)
    headers, rows = read_xlsx(client.get("/membership/members/export.xlsx?q=没有这个人"))
    assert headers[0] == "姓名"
    assert rows == []
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).row_count == 0


def test_an_export_above_the_cap_is_refused_not_cut_short(staff, records, client, monkeypatch):
    monkeypatch.setattr("membership.exports.EXPORT_MAX_ROWS", 2)
    client.force_login(staff.tpq)
    response = client.get("/membership/members/export.xlsx?migrant=0", follow=True)
    assert response.redirect_chain[-1][0] == "/membership/members/?migrant=0"
    messages = [str(m) for m in response.context["messages"]]
    assert any("超过 2 条，无法一次导出" in m for m in messages)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_chair_may_export_masked_data(chair, records, client):
    client.force_login(chair)
    _headers, rows = read_xlsx(client.get("/membership/members/export.xlsx"))
    assert "110105********002X" in {row["身份证号"] for row in rows}


def test_export_query_count_does_not_grow_with_rows(
    staff, tpq_enterprise, client, django_assert_max_num_queries
):
    for _n in range(30):
        MemberFactory(enterprise=tpq_enterprise)
    client.force_login(staff.tpq)
    with django_assert_max_num_queries(12):
        response = client.get("/membership/members/export.xlsx")
        _headers, rows = read_xlsx(response)
    assert len(rows) == 30
