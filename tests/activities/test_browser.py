"""The check-in page on a phone: Playwright driving Debian's Chromium at a phone's size."""

import threading

import pytest
from django.utils import timezone

from activities.models import Activity, Participation
from federations.models import Role
from tests.activities.factories import ActivityFactory
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_a_phone(steps):
    """Run `steps(page)` in Chromium at a phone's size, in a thread of its own: Playwright's sync
    API runs an event loop per thread, and tests/browser keeps one open in this thread for the
    whole session. Fails on any request to an outside host."""
    failures, outside = [], []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    locale="zh-CN",
                    viewport={"width": 390, "height": 844},
                    is_mobile=True,
                    has_touch=True,
                )
                page = context.new_page()
                page.on(
                    "request",
                    lambda request: (
                        outside.append(request.url)
                        if not request.url.startswith(
                            ("http://localhost", "http://127.0.0.1", "data:")
                        )
                        else None
                    ),
                )
                steps(page)
                context.close()
                browser.close()
        except BaseException as error:  # handed back to the test's thread
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if failures:
        raise failures[0]
    assert not thread.is_alive(), "the browser did not finish"
    assert not outside, f"the page asked an outside host: {outside}"


def test_staff_check_members_in_at_the_door_on_a_phone(live_server, tree, people, make_user):
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
    OUTPUT.mkdir(exist_ok=True)

    def steps(page):
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
        page.screenshot(path=str(OUTPUT / "activity-check-in-phone.png"), full_page=True)

        # when the same card comes again, and then a number nobody in 太平桥 has
        page.get_by_label("身份证号或会员卡号").fill("TPQ-001")
        page.get_by_role("button", name="签到").click()
        page.get_by_text("无需重复签到").wait_for()
        page.get_by_label("身份证号或会员卡号").fill("DGD-001")
        page.get_by_role("button", name="签到").click()
        page.get_by_text("未找到").wait_for()
        assert "王五" not in page.content()

    on_a_phone(steps)
    # then 张三 was checked in once, and nobody else
    assert list(Participation.objects.values_list("member__name", flat=True)) == ["张三"]
