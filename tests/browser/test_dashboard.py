import datetime

import pytest

from federations.models import Role
from membership.models import Enterprise
from tests.factories import PASSWORD
from tests.membership.factories import EnterpriseFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
Status = Enterprise.UnionStatus


@pytest.fixture
def enterprises(tree):
    """太平桥: one enterprise with its own union (2 members), one covered by the joint union (1
    member), one without a union; 东高地: one covered by its joint union (1 member)."""
    own = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="太平桥独立建会公司",
        employees=120,
        union_status=Status.INDEPENDENT,
        union_since=D(2022, 5, 1),
    )
    covered = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="太平桥联合覆盖公司",
        employees=12,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2023, 1, 1),
    )
    EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥未建会公司", employees=8)
    other = EnterpriseFactory(
        jurisdiction=tree.dgd,
        name="东高地联合覆盖公司",
        employees=30,
        union_status=Status.JOINT,
        joint_union=tree.dgd_j1,
        union_since=D(2023, 3, 1),
    )
    for enterprise, count in ((own, 2), (covered, 1), (other, 1)):
        for _ in range(count):
            MemberFactory(enterprise=enterprise, joined_on=D(2023, 6, 1))


def test_chair_opens_the_dashboard_and_a_kpi_leads_to_its_list(
    live_server, page, tree, enterprises, make_user, screenshot_dir
):
    # given the chair of the district federation
    make_user(tree.district, Role.CHAIR, username="ft_chair")
    # (script errors, CSP refusals and failed requests other than the browser's favicon probe)
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "status of 404" not in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    # when they log in and open the dashboard
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("ft_chair")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/dashboard/")
    page.wait_for_url(f"{live_server.url}/reports/dashboard/FT/")

    # then the KPI cards show the district's figures
    assert page.get_by_test_id("kpi-enterprises").inner_text() == "4"
    assert page.get_by_test_id("kpi-enterprises_unionized").inner_text() == "3"
    assert page.get_by_test_id("kpi-unionization_rate").inner_text() == "75.0%"
    assert page.get_by_test_id("kpi-members").inner_text() == "4"
    # and ECharts drew the charts (served by the portal, no inline script under the CSP)
    for chart in ("chart-status-mix", "chart-trend", "chart-children"):
        page.locator(f"#{chart} canvas").first.wait_for()
    assert not problems, problems

    # when they sort the breakdown by members, descending
    table = page.get_by_test_id("breakdown")
    header = table.get_by_role("button", name="会员人数")
    header.click()
    header.click()
    # then 太平桥 (3 members) comes first
    first = table.locator("tbody tr").first
    assert first.get_attribute("data-code") == "TPQ"
    page.screenshot(path=str(screenshot_dir / "dashboard-district.png"), full_page=True)

    # when they click the "已建会企业" number
    page.get_by_test_id("kpi-enterprises_unionized").click()
    # then they land on the enterprise list filtered to the unionized enterprises of the district
    page.wait_for_url("**/membership/enterprises/?federation=FT&status=unionized")
    rows = page.get_by_test_id("enterprise-row")
    rows.first.wait_for()
    names = sorted(rows.all_inner_texts())
    assert len(names) == 3
    assert not any("未建会公司" in name for name in names)

    # when they go back and click the year's new independent unions (none this year)
    page.go_back()
    page.get_by_test_id("new-independent-total").click()
    # then the enterprise list says it shows the enterprises whose union became independent
    # this year, and there are none
    page.wait_for_url("**/membership/enterprises/?federation=FT&became_independent_from=*")
    assert "新建独立工会" in page.get_by_test_id("filters-described").inner_text()
    assert page.get_by_test_id("empty").is_visible()
    assert page.get_by_test_id("enterprise-row").count() == 0

    # when they go back and drill down into 太平桥
    page.go_back()
    page.get_by_test_id("breakdown").get_by_role("link", name="太平桥街道总工会").click()
    page.wait_for_url(f"{live_server.url}/reports/dashboard/TPQ/")
    # then its own figures show, and its joint union is a row of the breakdown
    assert page.get_by_test_id("kpi-enterprises").inner_text() == "3"
    assert page.get_by_test_id("breakdown").locator("tr[data-code='TPQ-J1']").count() == 1
    assert not problems, problems
