"""The reports page in Debian's Chromium: the status of a queued report updates in place (htmx
polling), and the PDF downloads."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from federations.models import Role
from reports import services
from reports.periods import Quarter
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_queued_report_turns_done_in_place_and_downloads(
    live_server, page, tree, coverage, make_user, settings, tmp_path
):
    # given the district office, and 太平桥's 2024Q2 report waiting for a worker
    settings.PRIVATE_ROOT = tmp_path
    make_user(tree.district, Role.OFFICE, username="ft_office")
    [item] = services.report_runs_request(federations=[tree.tpq], quarter=Quarter(2024, 2))

    # when they log in and open the reports page of 2024Q2
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("ft_office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="季度报告").click()
    page.wait_for_url(f"{live_server.url}/reports/quarterly/")
    page.goto(f"{live_server.url}/reports/quarterly/?quarter=2024Q2")
    status = page.get_by_test_id("status-TPQ")
    # then 太平桥's report shows as queued
    expect(status).to_have_text("排队中")
    page.evaluate("window.stillTheSamePage = true")

    # when the worker builds it
    assert services.report_build(run_id=item.run.pk).status == "done"
    # then, without a reload, the row says it is done and offers the PDF
    expect(status).to_have_text("已完成", timeout=15_000)
    assert page.evaluate("window.stillTheSamePage") is True
    with page.expect_download() as download:
        page.get_by_test_id("download-TPQ").click()
    assert download.value.suggested_filename == "太平桥街道总工会-2024Q2-季度报告.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
