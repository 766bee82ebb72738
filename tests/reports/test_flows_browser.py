"""The dashboard's hardship-aid and activity sections in Debian's Chromium: the chair of a street
follows a programme's figure to the grants it counts."""

import pytest

from tests.factories import PASSWORD
from tests.reports.flow_case import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programmes_grants_lead_to_the_grants_list(live_server, page, tree, make_user):
    # given the chair of 太平桥 and the hand-built case of hardship aid and activities
    case = build_case(tree, make_user)
    # when they log in and open 太平桥's dashboard on 30 June 2024
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(case.chair.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/dashboard/TPQ/?on=2024-06-30")
    # then the sections show the year's figures
    assert page.get_by_test_id("hardship-grants_amount").inner_text() == "4,400.00"
    assert page.get_by_test_id("activity-activity_person_times").inner_text() == "152"
    # and the winter-warmth count opens the paid winter-warmth grants of 2024 in 太平桥
    page.get_by_test_id("programme-winter_warmth").get_by_role("link", name="1").click()
    page.wait_for_url("**/assistance/grants/?*program=winter_warmth*")
    body = page.locator("main").inner_text()
    assert "张困难" in body
    assert "李困难" not in body
