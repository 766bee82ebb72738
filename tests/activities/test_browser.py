"""The check-in page on a phone: Playwright driving Debian's Chromium at a phone's size."""

import pytest
from django.utils import timezone

from activities.models import Activity, Participation
from federations.models import Role
from tests.activities.factories import ActivityFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_check_members_in_at_the_door_on_a_phone(
    live_server, phone_page, tree, people, make_user, screenshot_dir
):
    page = phone_page
    # given a contest with registration of 太平桥 that began today, and its staff on a phone
    make_user(tree.tpq, Role.STAFF, username="tpq_door")
    contest = ActivityFactory(
        federation=tree.tpq,
        title="职工技能竞赛",
        registration=True,
        status=Activity.Status.PLANNED,
        starts_on=timezone.localdate(),
    )
    url = f"{live_server.url}/activities/{contest.pk}/check-in/"

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("tpq_door")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    # when they open the check-in page, then it fits the screen with the field focused
    page.goto(url)
    field = page.get_by_label("身份证号或会员卡号")
    assert field.evaluate("element => element === document.activeElement")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # when a card number is typed and Enter pressed
    field.fill("TPQ-001")
    field.press("Enter")
    # then the member is checked in, said in Chinese, and the field is empty for the next
    result = page.get_by_test_id("result")
    result.wait_for()
    assert "签到成功：张三" in result.inner_text()
    assert page.get_by_label("身份证号或会员卡号").input_value() == ""
    assert "已签到 1 人" in page.get_by_test_id("counts").inner_text()
    page.screenshot(path=str(screenshot_dir / "activity-check-in-phone.png"), full_page=True)

    # when the same card comes again, and then a number nobody in 太平桥 has
    page.get_by_label("身份证号或会员卡号").fill("TPQ-001")
    page.get_by_role("button", name="签到").click()
    page.get_by_text("无需重复签到").wait_for()
    page.get_by_label("身份证号或会员卡号").fill("DGD-001")
    page.get_by_role("button", name="签到").click()
    page.get_by_text("未找到").wait_for()
    assert "王五" not in page.content()

    # then 张三 was checked in once, and nobody else
    assert list(Participation.objects.values_list("member__name", flat=True)) == ["张三"]
