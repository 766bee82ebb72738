import datetime

import pytest

from federations.models import Role
from membership.models import Member
from tests.factories import PASSWORD
from tests.imports.files import xlsx
from tests.membership.factories import EnterpriseFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["姓名", "身份证号", "手机号", "单位统一社会信用代码", "入会日期", "民族"]


def test_staff_import_a_members_file_through_the_page(
    live_server, page, tree, make_user, tmp_path, screenshot_dir
):
    # given staff of 太平桥 and an enterprise of theirs
    make_user(tree.tpq, Role.STAFF, username="tpq_import")
    enterprise = EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥甲公司")
    first = make_id_number(birth_date=datetime.date(1990, 5, 17), sex="2", serial=31)
    second = make_id_number(birth_date=datetime.date(1988, 2, 1), sex="1", serial=32)
    good = tmp_path / "会员名册.xlsx"
    good.write_bytes(
        xlsx(
            [
                ["李娜", first, "13912345678", enterprise.credit_code, "2024/3/1", "汉族"],
                ["王强", second, 13800000000.0, enterprise.credit_code, "2024年5月6日", "回族"],
            ],
            headers=HEADERS,
        )
    )

    # when they log in, open the members import page and upload the file
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("tpq_import")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/imports/members/")
    assert page.get_by_role("link", name="下载导入模板").is_visible()
    page.get_by_label("文件").set_input_files(str(good))
    page.get_by_role("button", name="上传并检查").click()

    # then the preview shows two new members, masked, and nothing is written yet
    page.get_by_test_id("counts").wait_for()
    assert page.get_by_test_id("created").inner_text() == "2"
    assert page.get_by_test_id("errors").inner_text() == "0"
    assert first not in page.content()
    assert f"{first[:6]}********{first[14:]}" in page.content()
    page.screenshot(path=str(screenshot_dir / "import-members-preview.png"), full_page=True)
    assert not Member.objects.exists()

    # when they confirm
    page.get_by_role("button", name="确认导入").click()
    # then both are members of the enterprise
    page.get_by_text("导入完成：新建 2，更新 0，未变 0。").wait_for()
    assert sorted(Member.objects.values_list("name", flat=True)) == ["李娜", "王强"]
    assert Member.objects.get(id_number=second).phone == "13800000000"
