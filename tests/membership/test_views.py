"""The enterprise and member pages: scoping, lists, detail pages and the ID-number reveal.
The write actions are in test_views_actions.py, the exports in test_exports.py."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from federations.models import Role
from federations.permissions import Perm, user_can
from membership import services
from membership.codelists import EconomicType, Sex
from membership.models import Enterprise, Member, Membership
from membership.validators import id_check_character
from tests.membership.factories import EnterpriseFactory, MemberFactory, make_id_number

D = datetime.date
Status = Enterprise.UnionStatus
ID_WITH_X = "11010519491231002X"  # DESIGN.md's example: checks, ends in X


def id_number_ending_in_x(*, area="110106"):
    birth = D(1985, 6, 1)
    for serial in range(1, 1000):
        body = f"{area}{birth:%Y%m%d}{serial:03d}"
        if id_check_character(body) == "X":
            return body + "X"
    raise AssertionError("no serial gives X")


# Every page of the app, with {e} an enterprise, {m} a member and {code} the enterprise's
# jurisdiction: (method, url, data).
URLS = [
    ("get", "/membership/enterprises/?federation={code}", {}),
    ("get", "/membership/enterprises/export.xlsx?federation={code}", {}),
    ("get", "/membership/members/?federation={code}", {}),
    ("get", "/membership/members/export.xlsx?federation={code}", {}),
    ("get", "/membership/enterprises/{e}/", {}),
    ("get", "/membership/enterprises/{e}/edit/", {}),
    ("post", "/membership/enterprises/{e}/edit/", {"name": "被改名"}),
    ("get", "/membership/enterprises/{e}/found/", {}),
    ("post", "/membership/enterprises/{e}/found/", {"status": "independent", "on": "2024-01-01"}),
    ("get", "/membership/enterprises/{e}/upgrade/", {}),
    ("post", "/membership/enterprises/{e}/upgrade/", {"on": "2024-01-01"}),
    ("get", "/membership/enterprises/{e}/members/new/", {}),
    (
        "post",
        "/membership/enterprises/{e}/members/new/",
        {"name": "越权", "id_number": make_id_number(serial=900), "joined_on": "2024-01-01"},
    ),
    ("get", "/membership/members/{m}/", {}),
    ("post", "/membership/members/{m}/reveal-id/", {}),
    ("get", "/membership/members/{m}/edit/", {}),
    ("post", "/membership/members/{m}/edit/", {"name": "被改名"}),
    ("get", "/membership/members/{m}/transfer/", {}),
    ("post", "/membership/members/{m}/transfer/", {"on": "2024-01-01"}),
    ("get", "/membership/members/{m}/leave/", {}),
    ("post", "/membership/members/{m}/leave/", {"on": "2024-01-01", "reason": "resigned"}),
]
WRITE_URLS = [
    (method, url, data)
    for method, url, data in URLS
    if url.endswith(("/edit/", "/found/", "/upgrade/", "/new/", "/transfer/", "/leave/"))
    or "reveal-id" in url
]


def url_for(template, enterprise, member):
    return template.format(e=enterprise.pk, m=member.pk, code=enterprise.jurisdiction.code)


@pytest.fixture
def dgd_member(dgd_enterprise):
    return MemberFactory(
        enterprise=dgd_enterprise, name="东高地会员", phone="13900000002", joined_on=D(2020, 1, 1)
    )


@pytest.fixture
def tpq_member(tpq_enterprise):
    return MemberFactory(
        enterprise=tpq_enterprise,
        name="太平桥会员",
        id_number=ID_WITH_X,
        phone="13900000001",
        joined_on=D(2020, 1, 1),
    )


def _nothing_changed(enterprise, member):
    enterprise.refresh_from_db()
    member.refresh_from_db()
    return (
        enterprise.name != "被改名"
        and enterprise.union_status == Status.NONE
        and member.name != "被改名"
        and member.memberships.get().is_open
        and not Member.objects.filter(name="越权").exists()
        and not AuditEvent.objects.filter(
            action__in=[AuditEvent.Action.REVEAL_ID, AuditEvent.Action.EXPORT]
        ).exists()
    )


# --- scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url", "data"), URLS)
def test_a_sibling_streets_staff_gets_404_and_no_data(
    staff, dgd_enterprise, dgd_member, client, method, url, data
):
    # given staff of 太平桥 and an enterprise and a member of 东高地, their sibling
    client.force_login(staff.tpq)
    # when they open (or post to) any page of 东高地's records
    response = getattr(client, method)(url_for(url, dgd_enterprise, dgd_member), data)
    # then the page does not exist for them, names nothing of 东高地, and nothing changed
    assert response.status_code == 404
    html = response.content.decode()
    assert "东高地" not in html
    assert dgd_member.masked_id_number not in html
    assert _nothing_changed(dgd_enterprise, dgd_member)


def test_a_chair_may_view_but_every_write_url_is_a_404(chair, tpq_enterprise, tpq_member, client):
    # given the chair of 太平桥 (sees records, changes none)
    client.force_login(chair)
    # when they open the pages of a 太平桥 enterprise and member, then they can read them
    assert client.get(tpq_enterprise.get_absolute_url()).status_code == 200
    assert client.get(tpq_member.get_absolute_url()).status_code == 200
    # but every form and action answers 404, for GET and POST alike
    for method, url, data in WRITE_URLS:
        response = getattr(client, method)(url_for(url, tpq_enterprise, tpq_member), data)
        assert response.status_code == 404, (method, url)
    # nor may they register an enterprise
    assert client.get("/membership/enterprises/new/").status_code == 404
    assert _nothing_changed(tpq_enterprise, tpq_member)


def test_pages_send_anonymous_visitors_to_login(tpq_enterprise, tpq_member, client):
    for method, url, data in URLS:
        response = getattr(client, method)(url_for(url, tpq_enterprise, tpq_member), data)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")


def test_a_user_without_a_role_finds_no_lists(make_user, tree, client):
    client.force_login(make_user())
    assert client.get("/membership/enterprises/").status_code == 404
    assert client.get("/membership/members/").status_code == 404


def test_the_navigation_shows_enterprises_and_members_to_viewers_only(
    chair, make_user, tree, client
):
    client.force_login(chair)
    html = client.get("/").content.decode()
    assert 'href="/membership/enterprises/"' in html
    assert 'href="/membership/members/"' in html
    client.force_login(make_user())
    assert 'href="/membership/members/"' not in client.get("/").content.decode()


# --- enterprise list ----------------------------------------------------------------------------


def _rows(response, testid):
    return response.content.decode().count(f'data-testid="{testid}"')


def test_enterprise_list_shows_only_enterprises_in_scope(
    staff, tpq_enterprise, dgd_enterprise, client
):
    # given an enterprise in 太平桥 and one in 东高地
    # when 太平桥's staff open the list, then only theirs shows
    client.force_login(staff.tpq)
    html = client.get("/membership/enterprises/").content.decode()
    assert "太平桥甲公司" in html
    assert "东高地乙公司" not in html
    # and the district's staff see both
    client.force_login(staff.district)
    html = client.get("/membership/enterprises/").content.decode()
    assert "太平桥甲公司" in html
    assert "东高地乙公司" in html


@pytest.fixture
def tpq_enterprises(tree):
    """Four 太平桥 enterprises: large and small joint-covered, large independent, no union."""
    return {
        "large_joint": EnterpriseFactory(
            jurisdiction=tree.tpq,
            name="莲花池大公司",
            employees=150,
            union_status=Status.JOINT,
            joint_union=tree.tpq_j1,
            union_since=D(2022, 3, 1),
        ),
        "small_joint": EnterpriseFactory(
            jurisdiction=tree.tpq,
            name="莲花池小公司",
            employees=20,
            union_status=Status.JOINT,
            joint_union=tree.tpq_j1,
            union_since=D(2022, 3, 1),
        ),
        "large_independent": EnterpriseFactory(
            jurisdiction=tree.tpq,
            name="太平桥国企",
            employees=300,
            economic_type=EconomicType.STATE,
            union_status=Status.INDEPENDENT,
            union_since=D(2019, 1, 1),
        ),
        "none": EnterpriseFactory(jurisdiction=tree.tpq, name="未建会小店", employees=5),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("federation=TPQ&status=joint&large=1", {"莲花池大公司"}),
        ("status=joint", {"莲花池大公司", "莲花池小公司"}),
        ("status=unionized", {"莲花池大公司", "莲花池小公司", "太平桥国企"}),
        ("status=none", {"未建会小店", "东高地乙公司"}),
        ("federation=TPQ&status=none", {"未建会小店"}),
        ("large=1", {"莲花池大公司", "太平桥国企"}),
        ("federation=TPQ&large=0", {"莲花池大公司", "莲花池小公司", "太平桥国企", "未建会小店"}),
        ("economic_type=state", {"太平桥国企"}),
        ("federation=TPQ-J1", {"莲花池大公司", "莲花池小公司"}),
        ("q=莲花池", {"莲花池大公司", "莲花池小公司"}),
    ],
)
def test_enterprise_filters_compose_as_a_shareable_url(
    staff, tpq_enterprises, dgd_enterprise, client, query, expected
):
    # given 太平桥's enterprises and the district's staff (who also see 东高地)
    client.force_login(staff.district)
    # when they open a filtered list, as the dashboard will link to it
    html = client.get(f"/membership/enterprises/?{query}").content.decode()
    # then exactly the matching enterprises show
    names = {"莲花池大公司", "莲花池小公司", "太平桥国企", "未建会小店", "东高地乙公司"}
    assert {name for name in names if name in html} == expected


@pytest.fixture
def independent_history(tree):
    """太平桥: 早独立 its own union since 2023-12-31; 升级 covered from 2022, its own union from
    2024-03-01; 新独立 founded its own union on 2024-07-01 and dissolved it on 2024-10-01;
    仍联合 covered from 2024-02-01."""
    own_union = {"jurisdiction": tree.tpq, "union_status": Status.INDEPENDENT}
    EnterpriseFactory(name="早独立公司", union_since=D(2023, 12, 31), **own_union)
    upgraded = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="升级公司",
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2022, 5, 1),
    )
    services.union_upgrade(actor=None, enterprise=upgraded, on=D(2024, 3, 1))
    dissolved = EnterpriseFactory(name="新独立公司", union_since=D(2024, 7, 1), **own_union)
    services.union_dissolve(actor=None, enterprise=dissolved, on=D(2024, 10, 1), note="停业")
    EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="仍联合公司",
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2024, 2, 1),
    )


INDEPENDENT_HISTORY = {"早独立公司", "升级公司", "新独立公司", "仍联合公司"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # founded or upgraded during 2024, whatever the status today
        (
            "became_independent_from=2024-01-01&became_independent_to=2024-12-31",
            {"升级公司", "新独立公司"},
        ),
        # both ends included
        (
            "became_independent_from=2023-12-31&became_independent_to=2024-03-01",
            {"早独立公司", "升级公司"},
        ),
        ("became_independent_from=2024-03-02&became_independent_to=2024-06-30", set()),
        # an open end
        ("became_independent_to=2023-12-31", {"早独立公司"}),
        ("became_independent_from=2024-07-01", {"新独立公司"}),
        # composes with the other filters
        ("became_independent_from=2024-01-01&status=independent", {"升级公司"}),
        ("became_independent_from=2024-01-01&federation=DGD", set()),
        # a date that is no date is ignored
        ("became_independent_from=2024-13-01", INDEPENDENT_HISTORY),
    ],
)
def test_enterprise_list_filters_by_becoming_independent_in_a_period(
    staff, independent_history, client, query, expected
):
    # given 太平桥's union history, when the district's staff open the list for a period
    client.force_login(staff.district)
    html = client.get(f"/membership/enterprises/?{query}").content.decode()
    # then exactly the enterprises whose union became independent in it show
    assert {name for name in INDEPENDENT_HISTORY if name in html} == expected


def test_the_independent_period_is_described_and_kept(staff, independent_history, client):
    client.force_login(staff.district)
    query = "federation=TPQ&became_independent_from=2024-01-01&became_independent_to=2024-12-31"
    html = client.get(f"/membership/enterprises/?{query}").content.decode()
    # the filters in force are described in words
    described = re.search(r'data-testid="filters-described">([^<]*)</p>', html)[1]
    assert described == (
        "筛选条件：所属工会：太平桥街道总工会；"
        "新建独立工会（独立建会或由联合工会覆盖升级）：2024-01-01 至 2024-12-31"
    )
    # the period stays in the form (a new search keeps it) and can be taken off
    assert 'name="became_independent_from" value="2024-01-01"' in html
    assert 'name="became_independent_to" value="2024-12-31"' in html
    assert 'href="?federation=TPQ"' in html
    # without the period the form does not show its fields
    html = client.get("/membership/enterprises/?federation=TPQ").content.decode()
    assert 'data-testid="independent-period"' not in html
    assert "新建独立工会" not in html


def test_the_independent_period_costs_no_extra_query(
    staff, independent_history, client, django_assert_max_num_queries
):
    client.force_login(staff.district)
    with CaptureQueriesContext(connection) as unfiltered:
        client.get("/membership/enterprises/")
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as filtered:
        response = client.get(
            "/membership/enterprises/",
            {"became_independent_from": "2024-01-01", "became_independent_to": "2024-12-31"},
        )
    assert _rows(response, "enterprise-row") == 2
    assert len(filtered.captured_queries) == len(unfiltered.captured_queries)


def test_enterprise_search_by_credit_code_prefix_and_exact(staff, tpq_enterprises, client):
    client.force_login(staff.tpq)
    target = tpq_enterprises["none"]
    # the whole code, typed in lower case, finds it
    html = client.get(f"/membership/enterprises/?q={target.credit_code.lower()}").content.decode()
    assert "未建会小店" in html
    assert "太平桥国企" not in html
    # a prefix finds every code that starts with it
    response = client.get(f"/membership/enterprises/?q={target.credit_code[:8]}")
    assert _rows(response, "enterprise-row") == 4


def test_enterprise_list_sorts_by_employees_both_ways(staff, tpq_enterprises, client):
    client.force_login(staff.tpq)
    html = client.get("/membership/enterprises/?sort=-employees").content.decode()
    assert html.index("太平桥国企") < html.index("莲花池大公司") < html.index("未建会小店")
    html = client.get("/membership/enterprises/?sort=employees").content.decode()
    assert html.index("未建会小店") < html.index("莲花池大公司") < html.index("太平桥国企")
    # an unknown sort key is ignored, not an error
    assert client.get("/membership/enterprises/?sort=credit_code;drop").status_code == 200


def test_enterprise_list_pages_by_fifty(staff, tree, client):
    for n in range(53):
        EnterpriseFactory(jurisdiction=tree.tpq, name=f"分页企业{n:02d}")
    client.force_login(staff.tpq)
    first = client.get("/membership/enterprises/")
    assert _rows(first, "enterprise-row") == 50
    assert "共 53 家" in first.content.decode()
    second = client.get("/membership/enterprises/?page=2")
    assert _rows(second, "enterprise-row") == 3
    assert "第 2 / 2 页" in second.content.decode()


def test_a_page_past_the_end_shows_the_last_page(staff, tree, client):
    for n in range(53):
        EnterpriseFactory(jurisdiction=tree.tpq, name=f"分页企业{n:02d}")
    client.force_login(staff.tpq)
    response = client.get("/membership/enterprises/?page=99")
    assert _rows(response, "enterprise-row") == 3
    assert "第 2 / 2 页" in response.content.decode()
    assert _rows(client.get("/membership/enterprises/?page=abc"), "enterprise-row") == 50


def test_the_filter_form_keeps_what_was_chosen(staff, tpq_enterprises, client):
    client.force_login(staff.district)
    html = client.get("/membership/enterprises/?federation=TPQ-J1&large=1").content.decode()
    assert '<option value="TPQ-J1" selected>' in html
    checkbox = re.search(r'<input type="checkbox" name="large"[^>]*>', html).group(0)
    assert 'value="1"' in checkbox
    assert "checked" in checkbox
    # the federations offered are those in the user's scope, indented as in the tree
    assert '<option value="DGD">' in html


def _make_enterprises(tree, count):
    for n in range(count):
        EnterpriseFactory(
            jurisdiction=tree.tpq,
            employees=n,
            union_status=Status.JOINT if n % 2 else Status.NONE,
            joint_union=tree.tpq_j1 if n % 2 else None,
            union_since=D(2021, 1, 1) if n % 2 else None,
        )


def test_enterprise_list_query_count_does_not_grow_with_rows(
    staff, tree, client, django_assert_max_num_queries
):
    client.force_login(staff.tpq)
    _make_enterprises(tree, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/membership/enterprises/")
    _make_enterprises(tree, 60)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        response = client.get("/membership/enterprises/")
    assert _rows(response, "enterprise-row") == 50
    # 50 rows cost what 1 row costs, plus the count (a single page needs none)
    assert len(many.captured_queries) == len(few.captured_queries) + 1


# --- member list --------------------------------------------------------------------------------


def test_member_list_shows_only_members_in_scope_with_masked_ids(
    staff, tpq_member, dgd_member, client
):
    client.force_login(staff.tpq)
    html = client.get("/membership/members/").content.decode()
    assert "太平桥会员" in html
    assert "东高地会员" not in html
    # the ID number is masked: area code and last four only
    assert "110105********002X" in html
    assert ID_WITH_X not in html


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        " 11010519491231002X ",
        "１１０１０５１９４９１２３１００２ｘ",  # full-width, as some input methods type it
    ],
)
def test_member_search_by_id_number_finds_the_member(
    staff, tpq_member, tpq_enterprise, client, typed
):
    # given another member of the same enterprise
    MemberFactory(enterprise=tpq_enterprise, name="别人")
    client.force_login(staff.tpq)
    # when staff search the ID number as typed
    response = client.get("/membership/members/", {"q": typed})
    html = response.content.decode()
    # then exactly that member shows, still masked
    assert _rows(response, "member-row") == 1
    assert "太平桥会员" in html
    assert "按身份证号精确查找" in html
    rows = html[html.index("<tbody") :]
    assert "110105********002X" in rows
    assert ID_WITH_X not in rows  # (only the search box and its links repeat what was typed)


def test_member_search_by_id_number_is_exact_not_a_prefix(staff, tpq_member, client):
    client.force_login(staff.tpq)
    response = client.get("/membership/members/", {"q": ID_WITH_X[:17]})
    assert _rows(response, "member-row") == 0


def test_member_search_of_another_streets_id_number_finds_nothing(staff, dgd_member, client):
    client.force_login(staff.tpq)
    response = client.get("/membership/members/", {"q": dgd_member.id_number})
    assert _rows(response, "member-row") == 0
    assert "东高地会员" not in response.content.decode()


def test_member_search_by_phone_and_by_name(staff, tpq_member, tpq_enterprise, client):
    MemberFactory(enterprise=tpq_enterprise, name="王小明", phone="13911112222")
    client.force_login(staff.tpq)
    by_phone = client.get("/membership/members/", {"q": "139 0000 0001"})
    assert _rows(by_phone, "member-row") == 1
    assert "太平桥会员" in by_phone.content.decode()
    by_name = client.get("/membership/members/", {"q": "小明"})
    assert _rows(by_name, "member-row") == 1
    assert "王小明" in by_name.content.decode()


def test_member_filters(staff, tree, tpq_enterprise, client):
    # given in 太平桥: an active migrant worker, an active local, one who left; and in a second
    # enterprise covered by the joint union, one more
    covered = EnterpriseFactory(
        jurisdiction=tree.tpq,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2020, 1, 1),
    )
    MemberFactory(enterprise=tpq_enterprise, name="农民工甲", migrant_worker=True)
    MemberFactory(enterprise=tpq_enterprise, name="本地乙")
    left = MemberFactory(enterprise=tpq_enterprise, name="离会丙")
    services.membership_leave(
        actor=None, member=left, on=D(2024, 1, 1), reason=Membership.LeaveReason.RETIRED
    )
    MemberFactory(enterprise=covered, name="覆盖丁")
    client.force_login(staff.tpq)
    names = {"农民工甲", "本地乙", "离会丙", "覆盖丁"}

    def shown(**query):
        html = client.get("/membership/members/", query).content.decode()
        return {name for name in names if name in html}

    assert shown(state="active") == {"农民工甲", "本地乙", "覆盖丁"}
    assert shown(state="left") == {"离会丙"}
    assert shown(migrant="1") == {"农民工甲"}
    assert shown(migrant="0") == {"本地乙", "离会丙", "覆盖丁"}
    assert shown(enterprise=tpq_enterprise.credit_code.lower()) == {"农民工甲", "本地乙", "离会丙"}
    assert shown(federation="TPQ-J1") == {"覆盖丁"}
    assert shown(federation="TPQ", state="active", migrant="0") == {"本地乙", "覆盖丁"}


def test_member_list_counts_up_to_a_cap_and_pages_on(staff, tpq_enterprise, client, monkeypatch):
    # given seven members and a count cap of five
    monkeypatch.setattr("membership.views.MEMBER_COUNT_CAP", 5)
    monkeypatch.setattr("membership.filters.PAGE_SIZE", 3)
    for n in range(7):
        MemberFactory(enterprise=tpq_enterprise, name=f"成员{n}")
    client.force_login(staff.tpq)
    # when the list opens, then it says "more than five" instead of counting everything
    first = client.get("/membership/members/")
    html = first.content.decode()
    assert "超过 5 人" in html
    assert "统计准确总数" in html
    assert 'rel="next"' in html
    # the last page knows it is the last
    last = client.get("/membership/members/?page=3")
    assert _rows(last, "member-row") == 1
    assert 'rel="next"' not in last.content.decode()
    # and on request the exact total is counted
    assert "共 7 人" in client.get("/membership/members/?count=all").content.decode()


def test_member_list_query_count_does_not_grow_with_rows(
    staff, tpq_enterprise, client, django_assert_max_num_queries
):
    client.force_login(staff.tpq)
    MemberFactory(enterprise=tpq_enterprise)
    with CaptureQueriesContext(connection) as few:
        client.get("/membership/members/")
    for _n in range(60):
        MemberFactory(enterprise=tpq_enterprise)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        response = client.get("/membership/members/")
    assert _rows(response, "member-row") == 50
    # 50 rows cost what 1 row costs, plus the (capped) count (a single page needs none)
    assert len(many.captured_queries) == len(few.captured_queries) + 1
    with django_assert_max_num_queries(10):
        client.get("/membership/members/", {"q": ID_WITH_X.lower()})


def test_the_lists_show_exactly_what_visible_to_and_in_scope_select(tree, staff, make_user, client):
    # given an enterprise with two members in each of two streets and a town
    for federation in (tree.tpq, tree.dgd, tree.wz):
        enterprise = EnterpriseFactory(jurisdiction=federation)
        MemberFactory(enterprise=enterprise)
        MemberFactory(enterprise=enterprise)
    users = [
        make_user(None, username="root", is_superuser=True),
        staff.district,
        staff.tpq,
        make_user(tree.tpq_j1, Role.STAFF, username="joint_staff"),  # no enterprise below it
        make_user(tree.wz, Role.OFFICE, username="wz_office"),
    ]
    pages = [
        ("/membership/members/", Member, r'href="/membership/members/(\d+)/"'),
        ("/membership/enterprises/", Enterprise, r'href="/membership/enterprises/(\d+)/"'),
    ]
    for user in users:
        client.force_login(user)
        for url, model, link in pages:
            for federation in (None, tree.district, tree.tpq, tree.wz):
                # when the user opens the list, narrowed to a federation or not
                query = {"federation": federation.code} if federation else {}
                response = client.get(url, query)
                # then a federation outside the scope is a 404, and otherwise the page shows the
                # rows the scoping QuerySet methods select, no more, no fewer
                expected = model.objects.visible_to(user)
                if federation is not None:
                    if not user_can(user, Perm.VIEW, federation):
                        assert response.status_code == 404, (user, url, federation)
                        continue
                    expected = expected.in_scope(federation)
                shown = {int(pk) for pk in re.findall(link, response.content.decode())}
                assert shown == set(expected.values_list("pk", flat=True)), (user, url, federation)


@pytest.mark.parametrize(
    ("url", "row"),
    [("/membership/members/", "member-row"), ("/membership/enterprises/", "enterprise-row")],
)
@pytest.mark.parametrize("code", ["TPQ", "TPQ-J1"])
def test_a_federation_filter_costs_no_extra_query(
    staff, tree, client, django_assert_max_num_queries, url, row, code
):
    # given the district's staff and members of an enterprise covered by 太平桥's joint union
    client.force_login(staff.district)
    covered = EnterpriseFactory(
        jurisdiction=tree.tpq,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2021, 1, 1),
    )
    for _n in range(3):
        MemberFactory(enterprise=covered)
    with CaptureQueriesContext(connection) as unfiltered:
        client.get(url)
    # when they narrow the list to a street or a joint union
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as filtered:
        response = client.get(url, {"federation": code})
    # then the rows are there, the choice is kept, and it costs the queries of the whole list
    assert _rows(response, row) >= 1
    assert f'<option value="{code}" selected>' in response.content.decode()
    assert len(filtered.captured_queries) == len(unfiltered.captured_queries)


# --- detail pages -------------------------------------------------------------------------------


def test_enterprise_page_shows_the_status_history_and_members(staff, tree, tpq_enterprise, client):
    # given an enterprise covered by the joint union in 2021, independent since 2023, with two
    # members of whom one left
    services.union_found(
        actor=None,
        enterprise=tpq_enterprise,
        status=Status.JOINT,
        joint_union=tree.tpq_j1,
        on=D(2021, 5, 1),
    )
    services.union_upgrade(actor=None, enterprise=tpq_enterprise, on=D(2023, 9, 1))
    MemberFactory(enterprise=tpq_enterprise, name="在会甲")
    left = MemberFactory(enterprise=tpq_enterprise, name="离会乙")
    services.membership_leave(
        actor=None, member=left, on=D(2024, 1, 1), reason=Membership.LeaveReason.RESIGNED
    )
    client.force_login(staff.tpq)
    # when staff open its page
    html = client.get(tpq_enterprise.get_absolute_url()).content.decode()
    # then the timeline has both changes in order, and one current member
    timeline = html[html.index('data-testid="status-history"') :]
    assert timeline.index("2021-05-01") < timeline.index("2023-09-01")
    assert "太平桥社区联合工会" in timeline
    assert "1 人" in html[html.index('data-testid="member-count"') :]
    assert "在会甲" in html
    assert "离会乙" not in html
    assert "升级为独立工会" not in html  # already independent
    # with the closed memberships shown, the one who left is listed with the date
    html = client.get(tpq_enterprise.get_absolute_url() + "?memberships=all").content.decode()
    assert "离会乙" in html
    assert "2024-01-01" in html


def test_enterprise_page_offers_actions_to_editors_only(staff, chair, tpq_enterprise, client):
    client.force_login(staff.tpq)
    html = client.get(tpq_enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="found"' in html
    assert "登记会员" in html
    client.force_login(chair)
    html = client.get(tpq_enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="found"' not in html
    assert "登记会员" not in html


def test_enterprise_page_does_not_link_a_member_who_moved_out_of_scope(
    staff, tpq_enterprise, dgd_enterprise, client
):
    # given a member who transferred from 太平桥 to 东高地
    member = MemberFactory(enterprise=tpq_enterprise, name="调走的人")
    services.membership_transfer(
        actor=None, member=member, to_enterprise=dgd_enterprise, on=D(2024, 5, 1)
    )
    client.force_login(staff.tpq)
    # then 太平桥's history lists the old membership, without a link to a page they cannot open
    html = client.get(tpq_enterprise.get_absolute_url() + "?memberships=all").content.decode()
    assert "调走的人" in html
    assert member.get_absolute_url() not in html
    assert client.get(member.get_absolute_url()).status_code == 404


def test_enterprise_page_query_count_does_not_grow_with_members(
    staff, tpq_enterprise, client, django_assert_max_num_queries
):
    client.force_login(staff.tpq)
    MemberFactory(enterprise=tpq_enterprise)
    with CaptureQueriesContext(connection) as few:
        client.get(tpq_enterprise.get_absolute_url())
    for _n in range(60):
        MemberFactory(enterprise=tpq_enterprise)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        response = client.get(tpq_enterprise.get_absolute_url())
    assert _rows(response, "membership-row") == 50
    # 50 rows cost what 1 row costs, plus the count of the memberships (one page needs none)
    assert len(many.captured_queries) == len(few.captured_queries) + 1


def test_member_page_shows_the_membership_history(staff, tree, tpq_member, client):
    # given a member transferred within 太平桥 on 2023-07-01
    other = EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥丙公司")
    services.membership_transfer(
        actor=None, member=tpq_member, to_enterprise=other, on=D(2023, 7, 1), card_number="C-2"
    )
    client.force_login(staff.tpq)
    html = client.get(tpq_member.get_absolute_url()).content.decode()
    history = html[html.index('data-testid="membership-history"') :]
    assert history.count('data-testid="membership-history-item"') == 2
    assert "2020-01-01 — 2023-07-01" in history
    assert "2023-07-01 — 至今" in history
    assert "调出/会籍接转" in history
    assert "110105********002X" in html
    assert ID_WITH_X not in html


def test_member_page_query_count(staff, tree, tpq_member, client, django_assert_max_num_queries):
    for n in range(5):
        target = EnterpriseFactory(jurisdiction=tree.tpq)
        services.membership_transfer(
            actor=None, member=tpq_member, to_enterprise=target, on=D(2021, 1, 1 + n)
        )
    client.force_login(staff.tpq)
    with django_assert_max_num_queries(8):
        response = client.get(tpq_member.get_absolute_url())
    assert response.content.decode().count('data-testid="membership-history-item"') == 6


# --- the full ID number -------------------------------------------------------------------------


def test_an_editor_reveals_the_full_id_number_and_the_reveal_is_logged(staff, tpq_member, client):
    # given 太平桥's staff on the member's page: masked, with the button
    client.force_login(staff.tpq)
    html = client.get(tpq_member.get_absolute_url()).content.decode()
    assert ID_WITH_X not in html
    assert 'data-testid="reveal-id"' in html
    # when they press "显示完整号码"
    response = client.post(f"/membership/members/{tpq_member.pk}/reveal-id/")
    # then the page shows the full number, not cached, and the audit log has the reveal
    assert ID_WITH_X in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL_ID)
    assert (event.actor, event.object_id) == (staff.tpq, tpq_member.pk)


def test_the_reveal_through_htmx_returns_only_the_number(staff, tpq_member, client):
    client.force_login(staff.tpq)
    response = client.post(
        f"/membership/members/{tpq_member.pk}/reveal-id/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert ID_WITH_X in html
    assert "<html" not in html
    assert html.lstrip().startswith('<span id="id-number"')


def test_a_viewer_never_sees_a_full_id_number(chair, tpq_member, client):
    # given the chair of 太平桥, who may view but not change the member
    client.force_login(chair)
    # then the list and the page show the number masked, with no button
    for url in ("/membership/members/", tpq_member.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "110105********002X" in html
        assert ID_WITH_X not in html
        assert 'data-testid="reveal-id"' not in html
    # and posting to the reveal anyway is a 404 that logs nothing
    response = client.post(f"/membership/members/{tpq_member.pk}/reveal-id/")
    assert response.status_code == 404
    assert ID_WITH_X not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL_ID).exists()


def test_the_reveal_needs_a_post(staff, tpq_member, client):
    client.force_login(staff.tpq)
    response = client.get(f"/membership/members/{tpq_member.pk}/reveal-id/")
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL_ID).exists()


def test_a_district_chair_sees_masked_numbers_across_streets(
    make_user, tree, tpq_member, dgd_member, client
):
    client.force_login(make_user(tree.district, Role.CHAIR))
    html = client.get("/membership/members/").content.decode()
    assert "太平桥会员" in html
    assert "东高地会员" in html
    assert ID_WITH_X not in html
    assert dgd_member.id_number not in html


def test_a_female_member_with_x_shows_her_sex(staff, tpq_enterprise, client):
    number = id_number_ending_in_x()
    member = MemberFactory(enterprise=tpq_enterprise, id_number=number.lower())
    client.force_login(staff.tpq)
    html = client.get(member.get_absolute_url()).content.decode()
    assert str(Sex(member.sex).label) in html
    assert member.id_number == number
