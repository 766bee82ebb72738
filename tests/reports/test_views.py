import datetime
import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from federations.models import Role
from federations.services import founding_target_set
from membership import services as membership_services
from membership.models import Enterprise
from reports import services
from reports.models import QuarterlySnapshot
from reports.periods import Quarter
from tests.membership.factories import EnterpriseFactory

D = datetime.date
Status = Enterprise.UnionStatus
MAX_QUERIES = 12
JSON_MAX_QUERIES = 12
# the dashboard's hardship-aid (7 queries) and activity (2) sections, a request of their own
FLOWS_MAX_QUERIES = 14


def island(response):
    """The chart data of the page (the json_script data island)."""
    html = response.content.decode()
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    return json.loads(match[1])


@pytest.fixture
def district_chair(tree, make_user):
    return make_user(tree.district, Role.CHAIR, username="ft_chair")


# --- the page -----------------------------------------------------------------------------------


def test_district_chair_sees_the_kpis_each_linking_to_its_list(
    tree, coverage, district_chair, login
):
    # given the district chair
    client = login(district_chair)
    # when they open the district dashboard
    response = client.get("/reports/dashboard/FT/")
    html = response.content.decode()
    # then the figures of today show, each linking to the filtered list behind it
    assert response.status_code == 200
    assert 'data-testid="kpi-enterprises">5</a>' in html
    assert 'href="/membership/enterprises/?federation=FT&amp;status=unionized"' in html
    assert 'href="/membership/enterprises/?federation=FT&amp;status=independent"' in html
    assert 'href="/membership/enterprises/?federation=FT&amp;status=joint"' in html
    assert 'href="/membership/enterprises/?federation=FT&amp;large=1"' in html
    assert 'href="/membership/enterprises/?federation=FT&amp;status=none"' in html
    assert 'href="/membership/members/?federation=FT&amp;state=active"' in html
    assert 'data-testid="kpi-members">9</a>' in html
    assert 'data-testid="kpi-unionization_rate">60.0%</a>' in html


def test_breakdown_rows_drill_down_and_link_their_numbers(tree, coverage, district_chair, login):
    html = login(district_chair).get("/reports/dashboard/FT/").content.decode()
    # each child is a row linking to its own dashboard
    for code, name in (
        ("TPQ", "太平桥街道总工会"),
        ("DGD", "东高地街道总工会"),
        ("WZ", "王佐镇总工会"),
    ):
        assert f'data-code="{code}"' in html
        assert f'<a href="/reports/dashboard/{code}/">{name}</a>' in html
    # and its numbers link to its lists
    assert 'href="/membership/enterprises/?federation=DGD&amp;large=1&amp;status=unionized"' in html
    assert 'href="/membership/members/?federation=TPQ&amp;state=active"' in html


def test_zero_denominators_print_as_a_dash(tree, coverage, make_user, login):
    # given the chair of 王佐镇, which has no enterprises
    client = login(make_user(tree.wz, Role.CHAIR))
    html = client.get("/reports/dashboard/WZ/").content.decode()
    # then its rates show "—", not an error
    assert 'data-testid="kpi-unionization_rate">—</a>' in html
    assert 'data-testid="kpi-membership_rate">—</a>' in html
    assert 'data-testid="kpi-enterprises">0</a>' in html


def test_a_joint_unions_dashboard_counts_what_it_covers(tree, coverage, district_chair, login):
    html = login(district_chair).get("/reports/dashboard/TPQ-J1/").content.decode()
    assert 'data-testid="kpi-enterprises">1</a>' in html  # 乙 (甲 has its own union since 2023)
    assert 'href="/membership/enterprises/?federation=TPQ-J1"' in html


def test_street_breakdown_lists_its_joint_unions_by_coverage(tree, coverage, district_chair, login):
    response = login(district_chair).get("/reports/dashboard/TPQ/")
    html = response.content.decode()
    assert 'data-code="TPQ-J1"' in html
    assert "覆盖企业" in html
    assert island(response)["children"]["names"] == ["太平桥社区联合工会"]


def test_changes_are_against_the_previous_quarters_snapshot(tree, coverage, district_chair, login):
    # given the snapshot of the quarter before today's, taken when there were fewer members
    previous = Quarter.containing(timezone.localdate()).previous()
    snapshot = services.snapshot_take(federation=tree.district, quarter=previous)
    QuarterlySnapshot.objects.filter(pk=snapshot.pk).update(
        figures={**snapshot.figures, "members": 7, "unionization_rate": 0.5}
    )
    # when the chair opens the dashboard
    response = login(district_chair).get("/reports/dashboard/FT/")
    html = response.content.decode()
    # then the members card shows +2 and the rate +10 percentage points
    assert "较上季度 +2" in html
    assert "较上季度 +10.0 个百分点" in html
    # and the trend chart ends with that quarter's snapshot
    trend = island(response)["trend"]
    assert trend["quarters"][-1] == str(previous)
    assert trend["members"][-1] == 7
    assert trend["unionization_rate"][-1] == 50.0
    assert trend["members"][0] is None  # no snapshot that far back


def test_without_a_snapshot_the_cards_say_so(tree, coverage, district_chair, login):
    html = login(district_chair).get("/reports/dashboard/FT/").content.decode()
    assert "上季度无快照" in html


def test_a_past_quarter_shows_the_figures_of_its_last_day(tree, coverage, district_chair, login):
    client = login(district_chair)
    response = client.get("/reports/dashboard/FT/?quarter=2022Q4")
    html = response.content.decode()
    assert "统计日期：2022年12月31日" in html
    assert 'data-testid="kpi-members">5</a>' in html
    assert 'data-testid="kpi-unionization_rate">40.0%</a>' in html
    # the drill-down keeps the date
    assert '<a href="/reports/dashboard/TPQ/?on=2022-12-31">' in html


def test_a_bad_date_falls_back_to_today_with_a_message(tree, coverage, district_chair, login):
    html = login(district_chair).get("/reports/dashboard/FT/?quarter=2022Q9").content.decode()
    assert "已改为显示今天的数据" in html
    assert 'data-testid="kpi-members">9</a>' in html


def test_status_mix_chart_data_links_to_the_lists(tree, coverage, district_chair, login):
    mix = island(login(district_chair).get("/reports/dashboard/FT/"))["status_mix"]
    assert [(item["name"], item["value"]) for item in mix] == [
        ("独立建会", 2),
        ("联合工会覆盖", 1),
        ("未建会", 2),
    ]
    assert mix[2]["url"] == "/membership/enterprises/?federation=FT&status=none"


def test_target_progress_bars_show_against_the_years_targets(tree, coverage, make_user, login):
    # given targets for 东高地 this year, set by the district office
    office = make_user(tree.district, Role.OFFICE)
    founding_target_set(
        actor=office,
        federation=tree.dgd,
        year=timezone.localdate().year,
        new_independent_unions=4,
        large_enterprises_unionized=2,
        members=10,
    )
    # when the 东高地 chair opens their dashboard
    html = login(make_user(tree.dgd, Role.CHAIR)).get("/reports/dashboard/DGD/").content.decode()
    # then each target shows its progress (members 5 of 10, 50 %)
    assert 'data-testid="progress-members"' in html
    assert ">5</a> / 10 人（50.0%）" in html
    assert "pct-50" in html
    assert ">1</a> / 2 家（50.0%）" in html


def test_target_progress_figures_link_to_the_lists_they_count(tree, coverage, make_user, login):
    # given targets for 东高地 this year
    year = timezone.localdate().year
    founding_target_set(
        actor=make_user(tree.district, Role.OFFICE),
        federation=tree.dgd,
        year=year,
        new_independent_unions=4,
        large_enterprises_unionized=2,
        members=10,
    )
    # when its chair opens the dashboard
    client = login(make_user(tree.dgd, Role.CHAIR))
    html = client.get("/reports/dashboard/DGD/").content.decode()
    # then each progress figure is a link to the list behind it
    members = link(html, "progress-members-actual")
    large = link(html, "progress-large_enterprises_unionized-actual")
    new = link(html, "progress-new_independent_unions-actual")
    assert members == ("/membership/members/?federation=DGD&state=active", "5")
    assert large == ("/membership/enterprises/?federation=DGD&large=1&status=unionized", "1")
    today = timezone.localdate()
    assert new == (
        "/membership/enterprises/?federation=DGD"
        f"&became_independent_from={year}-01-01&became_independent_to={today.isoformat()}",
        "0",  # 丁 founded its own union in 2024
    )
    # and each list shows as many rows as the figure says
    assert listed_names(client, members[0], "member-row") == 5
    assert listed_names(client, large[0]) == {"丁公司"}
    assert listed_names(client, new[0]) == set()


def link(html, testid):
    """(href, text) of the link with this data-testid."""
    match = re.search(rf'<a href="([^"]*)" data-testid="{re.escape(testid)}">([^<]*)</a>', html)
    assert match, f"no link {testid}"
    return unescape(match[1]), match[2]


def new_independent_of(html, code):
    """(href, text) of the new-independent link in the breakdown row of `code`."""
    pattern = rf'<tr data-testid="breakdown-row" data-code="{re.escape(code)}">(.*?)</tr>'
    return link(re.search(pattern, html, re.DOTALL)[1], "new-independent")


def listed_names(client, url, testid="enterprise-row"):
    """The names of the enterprises a list shows (for members: how many rows)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    if testid != "enterprise-row":
        return html.count(f'data-testid="{testid}"')
    return set(re.findall(r'data-testid="enterprise-row">\s*<td><a href="[^"]*">([^<]*)</a>', html))


@pytest.fixture
def founded_this_year(tree):
    """This year's new independent unions and what does not count, all dated by today:

    太平桥: 新甲 founded its own union on 1 January; 升乙, covered by TPQ-J1 since last year,
            upgraded to its own union on 1 January; 联丙 covered by TPQ-J1 since last year.
    东高地: 旧丁 its own union since 31 December last year; 联戊 covered by DGD-J1 from
            1 January (joint, not independent); 未己 no union.
    """
    year = timezone.localdate().year
    jan1, last_year = D(year, 1, 1), D(year - 1, 6, 1)
    EnterpriseFactory(
        jurisdiction=tree.tpq, name="新甲公司", union_status=Status.INDEPENDENT, union_since=jan1
    )
    upgraded = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="升乙公司",
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=last_year,
    )
    membership_services.union_upgrade(actor=None, enterprise=upgraded, on=jan1)
    EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="联丙公司",
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=last_year,
    )
    EnterpriseFactory(
        jurisdiction=tree.dgd,
        name="旧丁公司",
        union_status=Status.INDEPENDENT,
        union_since=D(year - 1, 12, 31),
    )
    EnterpriseFactory(
        jurisdiction=tree.dgd,
        name="联戊公司",
        union_status=Status.JOINT,
        joint_union=tree.dgd_j1,
        union_since=jan1,
    )
    EnterpriseFactory(jurisdiction=tree.dgd, name="未己公司")


def test_new_independent_unions_link_to_exactly_the_enterprises_they_count(
    tree, founded_this_year, district_chair, login
):
    # given this year's foundings and the district chair
    client = login(district_chair)
    # when they open the district dashboard
    html = client.get("/reports/dashboard/FT/").content.decode()
    # then the total of new independent unions (新甲 founded, 升乙 upgraded) links to its list
    url, text = link(html, "new-independent-total")
    assert text == "2"
    year, today = timezone.localdate().year, timezone.localdate().isoformat()
    assert url == (
        "/membership/enterprises/?federation=FT"
        f"&became_independent_from={year}-01-01&became_independent_to={today}"
    )
    # which shows exactly those enterprises (not 旧丁, founded last year, nor the joint ones)
    assert listed_names(client, url) == {"新甲公司", "升乙公司"}
    # and says what it is filtered by
    listed = client.get(url).content.decode()
    assert f"新建独立工会（独立建会或由联合工会覆盖升级）：{year}-01-01 至 {today}" in listed
    # and so does each street's figure
    rows = {code: new_independent_of(html, code) for code in ("TPQ", "DGD", "WZ")}
    assert {code: n for code, (_url, n) in rows.items()} == {"TPQ": "2", "DGD": "0", "WZ": "0"}
    assert listed_names(client, rows["TPQ"][0]) == {"新甲公司", "升乙公司"}
    assert listed_names(client, rows["DGD"][0]) == set()


def test_a_past_dates_new_independent_link_covers_its_year_up_to_that_date(
    tree, coverage, district_chair, login
):
    # given 甲 upgraded on 2023-06-01, when the chair looks at the end of 2023Q2
    client = login(district_chair)
    html = client.get("/reports/dashboard/FT/?quarter=2023Q2").content.decode()
    # then the new independent unions of 2023 up to 30 June link to 甲 alone
    url, text = link(html, "new-independent-total")
    assert (url, text) == (
        "/membership/enterprises/?federation=FT"
        "&became_independent_from=2023-01-01&became_independent_to=2023-06-30",
        "1",
    )
    assert listed_names(client, url) == {"甲公司"}


def test_export_is_an_xlsx_of_the_breakdown(tree, coverage, district_chair, login):
    response = login(district_chair).get("/reports/dashboard/FT/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = [row[0] for row in rows[3:]]
    assert names == ["东高地街道总工会", "太平桥街道总工会", "王佐镇总工会", "合计"]
    header = rows[2]
    total = dict(zip(header, rows[-1], strict=True))
    assert total["会员人数"] == 9
    assert total["建会率"] == 0.6
    wz = dict(zip(header, rows[5], strict=True))
    assert wz["建会率"] == "—"


def test_dashboard_home_redirects_to_the_users_scope(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.CHAIR))
    response = client.get("/reports/dashboard/")
    assert response.status_code == 302
    assert response.url == "/reports/dashboard/TPQ/"


# --- the snapshot button -----------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_snapshot_button_says_so_when_the_task_queue_is_down(
    tree, make_user, login, unreachable_broker
):
    # given the 太平桥 office, and Redis (the task queue) unreachable
    client = login(make_user(tree.tpq, Role.OFFICE))
    # when they ask for the last quarter's snapshots
    response = client.post("/reports/dashboard/TPQ/snapshots/", follow=True)
    # then they are back on their dashboard, told in Chinese that the queue is unavailable
    assert response.status_code == 200
    assert response.redirect_chain == [("/reports/dashboard/TPQ/", 302)]
    html = response.content.decode()
    assert "任务队列暂时不可用，请稍后再试。" in html
    assert "alert-danger" in html
    assert "已开始生成" not in html
    # and no snapshot was taken
    assert not QuarterlySnapshot.objects.exists()


def test_snapshot_button_reports_the_start_when_the_task_is_queued(
    tree, coverage, make_user, login
):
    # given the 太平桥 office (tasks run in-process in the tests)
    client = login(make_user(tree.tpq, Role.OFFICE))
    # when they ask for the last quarter's snapshots
    response = client.post("/reports/dashboard/TPQ/snapshots/", follow=True)
    # then the dashboard says the snapshots of that quarter are being taken
    quarter = Quarter.just_ended(timezone.localdate())
    html = response.content.decode()
    assert response.status_code == 200
    assert f"已开始生成 {quarter.label} 的季度快照（太平桥街道总工会 及其下级）。" in html
    assert "任务队列暂时不可用" not in html
    # and they were taken, figures included
    snapshot = QuarterlySnapshot.objects.get(federation=tree.tpq, quarter=str(quarter))
    assert (
        snapshot.figures["enterprises"] == Enterprise.objects.filter(jurisdiction=tree.tpq).count()
    )


def test_office_of_a_sibling_street_cannot_take_its_snapshots(tree, make_user, login):
    # given the office of 东高地
    client = login(make_user(tree.dgd, Role.OFFICE))
    # when it asks for the snapshots of 太平桥, its sibling, or of the district above it
    for code in ("TPQ", "FT"):
        response = client.post(f"/reports/dashboard/{code}/snapshots/")
        # then it is a 404 and nothing is taken
        assert response.status_code == 404
    assert not QuarterlySnapshot.objects.exists()
    # and a GET is refused outright
    assert client.get("/reports/dashboard/DGD/snapshots/").status_code == 405


# --- the JSON endpoint --------------------------------------------------------------------------


def test_json_endpoint_gives_the_figures_and_the_children(tree, coverage, district_chair, login):
    client = login(district_chair)
    data = client.get("/reports/api/indicators/FT/?quarter=2024Q2").json()
    assert data["federation"] == "FT"
    assert data["as_of"] == "2024-06-30"
    assert data["members"] == 9
    assert [child["federation"] for child in data["children"]] == ["DGD", "TPQ", "WZ"]
    wz = data["children"][2]
    assert wz["unionization_rate"] is None
    assert wz["membership_rate"] is None


def test_json_endpoint_rejects_a_bad_date_with_400(tree, district_chair, login):
    response = login(district_chair).get("/reports/api/indicators/FT/?on=2024-02-30")
    assert response.status_code == 400
    assert "on" in response.json()["errors"]


# --- scoping ------------------------------------------------------------------------------------

SCOPED_URLS = [
    "/reports/dashboard/{code}/",
    "/reports/dashboard/{code}/export.xlsx",
    "/reports/api/indicators/{code}/",
]


@pytest.mark.parametrize("url", SCOPED_URLS)
def test_a_street_chair_never_sees_a_sibling_street(tree, coverage, make_user, login, url):
    # given the chair of 太平桥
    client = login(make_user(tree.tpq, Role.CHAIR))
    # when they ask for 东高地, their sibling, or the district above them
    for code in ("DGD", "FT", "DGD-J1"):
        response = client.get(url.format(code=code))
        # then it is a 404 naming nothing of it
        assert response.status_code == 404
        assert "东高地" not in response.content.decode()
    # while their own street opens
    assert client.get(url.format(code="TPQ")).status_code == 200


@pytest.mark.parametrize("url", SCOPED_URLS)
def test_staff_without_dashboard_rights_get_404(tree, coverage, make_user, login, url):
    client = login(make_user(tree.tpq, Role.STAFF))
    assert client.get(url.format(code="TPQ")).status_code == 404
    assert client.get("/reports/dashboard/").status_code == 404


def test_anonymous_users_are_sent_to_login(tree, client):
    for url in ("/reports/dashboard/FT/", "/reports/api/indicators/FT/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "max_queries"),
    [
        ("/reports/dashboard/SCALE/", MAX_QUERIES),
        ("/reports/dashboard/SCALE-S01/", MAX_QUERIES),
        ("/reports/dashboard/SCALE-S01-J01/", MAX_QUERIES),
        ("/reports/api/indicators/SCALE/", JSON_MAX_QUERIES),
        ("/reports/api/indicators/SCALE-S01/", JSON_MAX_QUERIES),
        ("/reports/dashboard/SCALE/?quarter=2024Q4", MAX_QUERIES),
        ("/reports/dashboard/SCALE-S01/?quarter=2024Q4", MAX_QUERIES),
        ("/reports/dashboard/SCALE/flows/", FLOWS_MAX_QUERIES),
        ("/reports/dashboard/SCALE-S01/flows/?on=2024-12-31", FLOWS_MAX_QUERIES),
        ("/reports/api/indicators/SCALE/flows/", FLOWS_MAX_QUERIES),
    ],
)
def test_query_count_is_pinned_and_does_not_grow_with_the_data(
    make_scale_district,
    grow_district,
    make_user,
    login,
    url,
    max_queries,
    django_assert_max_num_queries,
):
    # given a small generated district (100 members), with a chair at its root
    root = make_scale_district(streets=3, enterprises=30, members=100)
    client = login(make_user(root, Role.CHAIR))
    client.get(url)  # first use: content types and the like
    with django_assert_max_num_queries(max_queries):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    # when it grows fiftyfold (5,000 more members in 600 more enterprises, same tree)
    grow_district(root, enterprises=600, members=5000)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    # then the page needs exactly as many queries as before
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= max_queries


def test_without_its_own_target_the_district_shows_its_streets_targets_added_up(
    tree, coverage, make_user, login
):
    # given targets set by the district office for two of its streets
    office = make_user(tree.district, Role.OFFICE)
    year = timezone.localdate().year
    for street, members in ((tree.tpq, 10), (tree.dgd, 8)):
        founding_target_set(
            actor=office,
            federation=street,
            year=year,
            new_independent_unions=1,
            large_enterprises_unionized=1,
            members=members,
        )
    # when the office opens the district dashboard
    html = login(office).get("/reports/dashboard/FT/").content.decode()
    # then progress is against the sum (9 members of 18) and the card says so
    assert "下级任务合计" in html
    assert ">9</a> / 18 人（50.0%）" in html
    # and each street's row shows its own target for new independent unions
    assert "/ 1</td>" in html
