import pytest

from federations.models import Federation, Role

VIEW_URLS = [
    "/federations/{code}/",
    "/federations/{code}/children/",
]


@pytest.mark.parametrize("url", VIEW_URLS)
def test_sibling_federation_is_a_404_with_no_data(tree, make_user, login, url):
    # given staff of 太平桥
    client = login(make_user(tree.tpq, Role.STAFF))
    # when they open a page of 东高地, their sibling
    response = client.get(url.format(code="DGD"))
    # then it is a 404 that names nothing of 东高地
    assert response.status_code == 404
    assert "东高地" not in response.content.decode()


@pytest.mark.parametrize("url", VIEW_URLS)
def test_own_federation_pages_open(tree, make_user, login, url):
    client = login(make_user(tree.tpq, Role.STAFF))
    response = client.get(url.format(code="TPQ"))
    assert response.status_code == 200
    assert "太平桥社区联合工会" in response.content.decode()


def test_tree_page_shows_only_the_users_subtree(tree, make_user, login):
    # given staff of 太平桥
    client = login(make_user(tree.tpq, Role.STAFF))
    # when they open the tree page
    html = client.get("/federations/").content.decode()
    # then their street is the top of the tree, with its child count, and nothing else shows
    assert "太平桥街道总工会" in html
    assert "下级 1 个" in html
    assert "东高地" not in html
    assert "丰台区总工会" not in html


def test_children_of_the_root_are_the_direct_children_with_counts(tree, make_user, login):
    client = login(make_user(tree.district, Role.CHAIR))
    html = client.get("/federations/FT/children/").content.decode()
    assert html.count("<li") == 3
    assert "太平桥街道总工会" in html
    assert "太平桥社区联合工会" not in html  # grandchildren load when their parent is expanded


def test_anonymous_users_are_sent_to_login(tree, client):
    response = client.get("/federations/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_tree_page_query_count_does_not_grow_with_the_tree(
    tree, make_user, login, django_assert_max_num_queries
):
    client = login(make_user(tree.district, Role.CHAIR))
    with django_assert_max_num_queries(8):
        client.get("/federations/FT/children/")
    with django_assert_max_num_queries(8):
        client.get("/federations/")


def test_edit_outside_scope_is_a_404(tree, make_user, login):
    # given an admin of 太平桥
    client = login(make_user(tree.tpq, Role.ADMIN))
    # when they try to edit 东高地
    response = client.post(
        "/federations/DGD/edit/", {"name": "被改名", "kind": "street", "parent": tree.district.pk}
    )
    # then nothing changes
    assert response.status_code == 404
    assert Federation.objects.get(code="DGD").name == "东高地街道总工会"


def test_admin_creates_a_joint_union_in_scope(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    response = client.post(
        "/federations/new/",
        {
            "code": "TPQ-J2",
            "name": "莲花池社区联合工会",
            "kind": "joint",
            "joint_scope": "community",
            "parent": tree.tpq.pk,
        },
    )
    assert response.status_code == 302
    assert Federation.objects.get(code="TPQ-J2").get_parent().code == "TPQ"


def test_admin_cannot_create_under_a_sibling(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    response = client.post(
        "/federations/new/",
        {
            "code": "DGD-J2",
            "name": "越权联合工会",
            "kind": "joint",
            "joint_scope": "community",
            "parent": tree.dgd.pk,
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Federation.objects.filter(code="DGD-J2").exists()


def test_form_errors_are_in_chinese(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    response = client.post(
        "/federations/new/",
        {"code": "坏 代码", "name": "", "kind": "joint", "joint_scope": "", "parent": tree.tpq.pk},
    )
    html = response.content.decode()
    assert "工会代码只能由 1–32 位字母" in html
    assert "这个字段是必填项" in html


def test_staff_cannot_edit_the_tree(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.STAFF))
    assert client.get("/federations/new/").status_code == 404
    assert client.get("/federations/TPQ/edit/").status_code == 404
