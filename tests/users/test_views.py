import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from federations.models import Role, RoleAssignment
from tests.factories import PASSWORD, UserFactory, grant

User = get_user_model()

STRONG = "Lianhua-Chi-2026"


def _urls(user):
    role = user.role_assignments.first()
    return [
        ("get", "/users/", {}),
        ("get", "/users/new/", {}),
        ("post", "/users/new/", {"username": "x"}),
        ("get", f"/users/{user.pk}/", {}),
        ("post", f"/users/{user.pk}/edit/", {"full_name": "改名", "phone": "", "is_active": ""}),
        ("post", f"/users/{user.pk}/password/", {"password1": STRONG, "password2": STRONG}),
        ("post", f"/users/{user.pk}/unlock/", {}),
        ("post", f"/users/{user.pk}/roles/add/", {"federation": "", "role": "chair"}),
        ("post", f"/users/{user.pk}/roles/{role.pk}/remove/", {}),
    ]


def _unchanged(user):
    before = (user.full_name, user.is_active, user.password)
    roles = list(user.role_assignments.values_list("federation__code", "role"))
    user.refresh_from_db()
    return (user.full_name, user.is_active, user.password) == before and roles == list(
        user.role_assignments.values_list("federation__code", "role")
    )


# --- scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAIR, Role.OFFICE])
def test_every_users_url_is_a_404_for_non_admins(tree, make_user, login, role):
    # given a staff member / chair / office worker at the district, the widest scope there is
    client = login(make_user(tree.district, role))
    colleague = make_user(tree.tpq, Role.STAFF)
    for method, url, data in _urls(colleague):
        # when they open any users page
        response = getattr(client, method)(url, data)
        # then it does not exist for them, and nothing changes
        assert response.status_code == 404, (method, url)
    assert _unchanged(colleague)
    assert not User.objects.filter(username="x").exists()


def test_users_pages_send_anonymous_visitors_to_login(tree, client):
    response = client.get("/users/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_admin_cannot_see_or_touch_a_user_of_a_sibling(tree, make_user, login):
    # given an admin of 太平桥 and a user whose only role is at 东高地
    client = login(make_user(tree.tpq, Role.ADMIN))
    outsider = make_user(tree.dgd, Role.STAFF, full_name="东高地的人")
    AccessAttempt.objects.create(
        username=outsider.username, ip_address="10.0.0.1", failures_since_start=3
    )
    for method, url, data in _urls(outsider):
        if url.startswith("/users/new") or url == "/users/":
            continue
        if "roles/add" in url:
            data = {**data, "federation": tree.tpq.pk}  # pulling them into 太平桥
        # when the admin opens or posts to any page of that user
        response = getattr(client, method)(url, data)
        # then it is a 404 naming nothing of the user or of 东高地
        assert response.status_code == 404, (method, url)
        assert "东高地" not in response.content.decode()
    # and nothing changed
    assert _unchanged(outsider)
    assert AccessAttempt.objects.filter(username=outsider.username).exists()
    # nor is the user listed
    assert "东高地的人" not in client.get("/users/").content.decode()


def test_role_of_another_user_is_a_404_even_in_scope(tree, make_user, login):
    # given an admin of 太平桥 and two of its users
    client = login(make_user(tree.tpq, Role.ADMIN))
    first = make_user(tree.tpq, Role.STAFF)
    second = make_user(tree.tpq, Role.STAFF)
    # when they remove the second user's role through the first user's address
    role = second.role_assignments.get()
    response = client.post(f"/users/{first.pk}/roles/{role.pk}/remove/")
    # then it is a 404 and both keep their roles
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_add_role_form_rejects_a_federation_outside_scope(tree, make_user, login):
    # given an admin of 太平桥 and a user of 太平桥
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    # when the page offers federations, and the admin posts 东高地 anyway
    page = client.get(f"/users/{user.pk}/").content.decode()
    response = client.post(
        f"/users/{user.pk}/roles/add/", {"federation": tree.dgd.pk, "role": "staff"}
    )
    # then only 太平桥 and below were offered, and the form refuses 东高地
    assert "太平桥社区联合工会" in page
    assert "东高地" not in page
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=user, federation=tree.dgd).exists()


def test_create_form_rejects_a_federation_outside_scope(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    response = client.post(
        "/users/new/",
        {
            "username": "intruder",
            "full_name": "越权",
            "password1": STRONG,
            "password2": STRONG,
            "federation": tree.dgd.pk,
            "role": "staff",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not User.objects.filter(username="intruder").exists()


def test_user_with_roles_outside_scope_shows_only_roles_in_scope(tree, make_user, login):
    # given a district admin who also helps out as staff in 太平桥
    district_admin = make_user(tree.district, Role.ADMIN, full_name="区管理员")
    grant(district_admin, tree.tpq, Role.STAFF)
    client = login(make_user(tree.tpq, Role.ADMIN))
    # when the 太平桥 admin opens that user
    html = client.get(f"/users/{district_admin.pk}/").content.decode()
    # then they see the 太平桥 role, a count of the rest, and no password or account form
    assert "太平桥街道总工会" in html
    assert "丰台区总工会" not in html
    assert "另有 1 个角色在您的管辖范围之外" in html
    assert 'data-testid="not-account-managed"' in html
    assert f'action="/users/{district_admin.pk}/password/"' not in html
    response = client.post(
        f"/users/{district_admin.pk}/password/", {"password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 404
    district_admin.refresh_from_db()
    assert district_admin.check_password(PASSWORD)


# --- list ------------------------------------------------------------------------------------


def test_list_shows_each_users_roles_as_role_at_federation(tree, make_user, login):
    # given an admin of 太平桥 and a user who is staff of 太平桥 and chair of its joint union
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF, username="wangqiang", full_name="王强")
    grant(user, tree.tpq_j1, Role.CHAIR)
    # when they open the list
    html = client.get("/users/").content.decode()
    # then the user's roles read "角色 @ 工会"
    assert "王强" in html
    assert "工作人员 @ 太平桥街道总工会" in html
    assert "主席 @ 太平桥社区联合工会" in html
    assert "共 2 位用户" in html


def test_list_search(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    make_user(tree.tpq, username="liuyang", full_name="刘洋", phone="13900001111")
    make_user(tree.tpq, username="chenjing", full_name="陈静", phone="13700002222")
    html = client.get("/users/", {"q": "13900001111"}).content.decode()
    assert "刘洋" in html
    assert "陈静" not in html
    assert "共 1 位用户" in html


def test_list_is_paginated_by_fifty(tree, make_user, login):
    # given 60 users in 太平桥 besides the admin
    client = login(make_user(tree.tpq, Role.ADMIN))
    for _ in range(60):
        make_user(tree.tpq_j1, Role.STAFF)
    # when the admin opens the first and the second page
    first = client.get("/users/").content.decode()
    second = client.get("/users/", {"page": 2}).content.decode()
    # then there are 50 rows, then 11, and the second page links back to the first
    assert first.count('data-testid="user-row"') == 50
    assert second.count('data-testid="user-row"') == 11
    assert "第 1 / 2 页" in first
    assert "第 2 / 2 页" in second
    assert "共 61 位用户" in first
    assert "?page=1" in second


def test_list_query_count_does_not_grow_with_users_or_roles(
    tree, make_user, login, django_assert_max_num_queries
):
    # given 60 users, each with two roles, under an admin of the district
    client = login(make_user(tree.district, Role.ADMIN))
    for _ in range(60):
        user = make_user(tree.tpq, Role.STAFF)
        grant(user, tree.dgd_j1, Role.CHAIR)
    # when the admin opens the list and searches it
    # then a fixed number of queries is run
    with django_assert_max_num_queries(10):
        response = client.get("/users/")
    assert response.content.decode().count("主席 @ 东高地社区联合工会") == 49
    with django_assert_max_num_queries(10):
        client.get("/users/", {"q": "user", "page": 2})


# --- create ----------------------------------------------------------------------------------


def test_admin_creates_a_user_with_a_first_role(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    # when the admin fills in the form
    response = client.post(
        "/users/new/",
        {
            "username": "zhaolei",
            "full_name": "赵磊",
            "phone": "13800138000",
            "password1": STRONG,
            "password2": STRONG,
            "federation": tree.tpq_j1.pk,
            "role": "staff",
        },
    )
    # then the user exists with that role and the admin lands on the user's page
    user = User.objects.get(username="zhaolei")
    assert response.status_code == 302
    assert response.url == f"/users/{user.pk}/"
    assert user.check_password(STRONG)
    assert list(user.role_assignments.values_list("federation__code", "role")) == [
        ("TPQ-J1", "staff")
    ]
    page = client.get(response.url).content.decode()
    assert "已新建用户“zhaolei”" in page


def test_create_form_errors_are_chinese_and_on_their_fields(tree, make_user, login):
    # given an admin of the district and an existing user named liming
    client = login(make_user(tree.district, Role.ADMIN))
    make_user(tree.tpq, username="liming")
    # when they create another liming with mismatched passwords, then with a weak password
    mismatch = client.post(
        "/users/new/",
        {"username": "liming2", "full_name": "李明", "password1": STRONG, "password2": "other"},
    ).content.decode()
    weak = client.post(
        "/users/new/",
        {"username": "liming", "full_name": "李明", "password1": "12345", "password2": "12345"},
    ).content.decode()
    # then each problem is explained in Chinese
    assert "两次输入的密码不一致" in mismatch
    assert "已存在一位使用该名字的用户" in weak
    assert "密码长度太短" in weak
    assert "密码只包含数字" in weak
    assert not User.objects.filter(username="liming2").exists()


def test_admin_below_root_is_asked_for_a_first_role(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    html = client.post(
        "/users/new/",
        {"username": "norole", "full_name": "某", "password1": STRONG, "password2": STRONG},
    ).content.decode()
    assert "请为新用户选择所在工会和角色" in html
    assert not User.objects.filter(username="norole").exists()


# --- detail ----------------------------------------------------------------------------------


def test_admin_edits_name_phone_and_deactivates(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    response = client.post(
        f"/users/{user.pk}/edit/", {"full_name": "孙丽", "phone": "010-63456789"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.is_active) == ("孙丽", "010-63456789", False)
    html = client.get(response.url).content.decode()
    assert "已保存账户信息" in html
    assert "已停用" in html


def test_bad_phone_goes_back_onto_the_form(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    response = client.post(
        f"/users/{user.pk}/edit/", {"full_name": "孙丽", "phone": "打电话", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "号码只能包含数字" in response.content.decode()


def test_admin_cannot_deactivate_themselves_on_the_page(tree, make_user, login):
    admin = make_user(tree.tpq, Role.ADMIN)
    client = login(admin)
    html = client.post(f"/users/{admin.pk}/edit/", {"full_name": "我"}).content.decode()
    assert "不能停用自己的账户" in html
    admin.refresh_from_db()
    assert admin.is_active


def test_admin_resets_a_password_and_unlocks_the_login(tree, make_user, login):
    # given a 太平桥 user with failed sign-ins on record
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF, full_name="周敏")
    AccessAttempt.objects.create(
        username=user.username, ip_address="10.0.0.1", failures_since_start=5
    )
    assert "该用户名最近登录失败 5 次" in client.get(f"/users/{user.pk}/").content.decode()
    # when the admin sets a weak password, then a good one
    weak = client.post(f"/users/{user.pk}/password/", {"password1": "abc", "password2": "abc"})
    good = client.post(f"/users/{user.pk}/password/", {"password1": STRONG, "password2": STRONG})
    # then the weak one is refused in Chinese, the good one works and the lock is gone
    assert "密码长度太短" in weak.content.decode()
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_admin_unlocks_a_login(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    AccessAttempt.objects.create(
        username=user.username, ip_address="10.0.0.1", failures_since_start=5
    )
    response = client.post(f"/users/{user.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_own_page_points_to_password_change(tree, make_user, login):
    admin = make_user(tree.tpq, Role.ADMIN)
    html = login(admin).get(f"/users/{admin.pk}/").content.decode()
    assert 'href="/accounts/password_change/"' in html
    assert f'action="/users/{admin.pk}/password/"' not in html


def test_admin_adds_and_removes_a_role(tree, make_user, login):
    # given an admin of 太平桥 and a staff member of 太平桥
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    # when they make the user chair of the joint union
    added = client.post(
        f"/users/{user.pk}/roles/add/", {"federation": tree.tpq_j1.pk, "role": "chair"}
    )
    # then the role shows on the page with a remove button
    assert added.status_code == 302
    html = client.get(added.url).content.decode()
    assert "已为" in html
    assert html.count('data-testid="role-row"') == 2
    # when they remove the staff role
    staff_role = user.role_assignments.get(role=Role.STAFF)
    removed = client.post(f"/users/{user.pk}/roles/{staff_role.pk}/remove/")
    # then only the chair role is left
    assert removed.status_code == 302
    assert list(user.role_assignments.values_list("role", flat=True)) == ["chair"]


def test_duplicate_role_goes_back_onto_the_form(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq, Role.STAFF)
    response = client.post(
        f"/users/{user.pk}/roles/add/", {"federation": tree.tpq.pk, "role": "staff"}
    )
    assert response.status_code == 200
    assert "该用户在“太平桥街道总工会”已经是“工作人员”" in response.content.decode()


def test_removing_the_last_role_in_scope_returns_to_the_list(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    user = make_user(tree.tpq_j1, Role.STAFF)
    response = client.post(
        f"/users/{user.pk}/roles/{user.role_assignments.get().pk}/remove/", follow=True
    )
    assert response.redirect_chain[-1][0] == "/users/"
    assert "已移除角色：工作人员 @ 太平桥社区联合工会" in response.content.decode()


def test_last_admin_role_cannot_be_removed_on_the_page(tree, make_user, login):
    admin = make_user(tree.tpq, Role.ADMIN)
    client = login(admin)
    response = client.post(
        f"/users/{admin.pk}/roles/{admin.role_assignments.get().pk}/remove/", follow=True
    )
    assert "这是您唯一的系统管理员角色" in response.content.decode()
    assert admin.role_assignments.filter(role=Role.ADMIN).exists()


def test_superuser_manages_everyone(tree, login):
    client = login(UserFactory(is_superuser=True))
    norole = UserFactory(username="norole")
    assert "norole" in client.get("/users/").content.decode()
    response = client.post(
        f"/users/{norole.pk}/roles/add/", {"federation": tree.district.pk, "role": "admin"}
    )
    assert response.status_code == 302
    assert norole.role_assignments.filter(role=Role.ADMIN, federation=tree.district).exists()
