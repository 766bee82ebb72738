import pytest

from federations.models import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_logs_in_and_browses_the_tree(live_server, page, tree, make_user, screenshot_dir):
    # given the chair of the district federation
    make_user(tree.district, Role.CHAIR, username="ft_chair")

    # when they log in through the login page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("ft_chair")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    # and open the tree page
    page.get_by_role("link", name="组织架构").first.click()
    tree_box = page.get_by_test_id("tree")
    root = tree_box.locator("li[data-code='FT']")
    # then the root shows its child count, and its scope is in the header
    assert "下级 3 个" in root.locator(".child-count").first.inner_text()
    assert "丰台区总工会" in page.get_by_test_id("scope").inner_text()

    # when they expand the root, the streets appear with their own counts
    root.locator("[data-tree-toggle]").first.click()
    street = tree_box.locator("li[data-code='TPQ']")
    street.wait_for()
    assert "下级 1 个" in street.inner_text()

    # and expanding a street shows its joint union
    street.locator("[data-tree-toggle]").click()
    joint = tree_box.locator("li[data-code='TPQ-J1']")
    joint.wait_for()
    assert "社区联合工会" in joint.inner_text()
    page.screenshot(path=str(screenshot_dir / "tree-chair.png"), full_page=True)

    # when they collapse the root again, the streets are hidden
    root.locator("[data-tree-toggle]").first.click()
    assert not street.is_visible()
