"""Signing in and out through the real login form (not force_login), with django-axes on."""

import pytest
from django.conf import settings

from federations.models import Role
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Fengtai-Union-2026"


@pytest.fixture
def staff(tree, make_user):
    return make_user(tree.tpq, Role.STAFF, username="zhangwei", full_name="张伟")


def _is_signed_in(client):
    return client.get("/").status_code == 200


def test_correct_password_signs_in_and_goes_home(client, staff):
    # when the user signs in with the right password
    response = client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    # then they land on the home page, greeted by name
    assert response.status_code == 302
    assert response.url == "/"
    assert "您好，张伟" in client.get("/").content.decode()


def test_login_returns_to_the_page_asked_for(client, staff):
    response = client.post(
        LOGIN, {"username": "zhangwei", "password": PASSWORD, "next": "/federations/"}
    )
    assert response.url == "/federations/"


def test_wrong_password_is_refused_in_chinese(client, staff):
    # when the user types a wrong password
    response = client.post(LOGIN, {"username": "zhangwei", "password": "wrong-password"})
    # then the form comes back with a Chinese error, and they are not signed in
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in html
    assert not _is_signed_in(client)


def test_a_deactivated_user_cannot_sign_in(client, staff):
    staff.is_active = False
    staff.save()
    response = client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    assert response.status_code == 200
    assert not _is_signed_in(client)


def test_logout_is_a_post(client, staff):
    # given a signed-in user
    client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    # when they follow a link to the logout address, nothing happens
    assert client.get("/accounts/logout/").status_code == 405
    assert _is_signed_in(client)
    # when they press the logout button (a POST), they are signed out and sent to the login page
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not _is_signed_in(client)


def test_password_change(client, staff):
    # given a signed-in user
    client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    # when they change their password
    assert client.get("/accounts/password_change/").status_code == 200
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    # then they are told it is done, stay signed in, and only the new password works from now on
    assert response.status_code == 302
    assert "密码已修改" in client.get(response.url).content.decode()
    assert _is_signed_in(client)
    client.post("/accounts/logout/")
    assert client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD}).status_code == 200
    assert client.post(LOGIN, {"username": "zhangwei", "password": NEW_PASSWORD}).url == "/"


def test_password_change_needs_the_old_password(client, staff):
    client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_five_failures_lock_the_login(client, staff):
    # given the lock-out limit from the settings
    assert settings.AXES_FAILURE_LIMIT == 5
    # when someone types a wrong password four times
    for _ in range(4):
        response = client.post(LOGIN, {"username": "zhangwei", "password": "guess"})
        assert response.status_code == 200
        assert "请输入一个正确的用户名和密码" in response.content.decode()
    # and a fifth time
    fifth = client.post(LOGIN, {"username": "zhangwei", "password": "guess"})
    # then the login is locked, and even the right password is refused with the locked-out page
    assert fifth.status_code == 429
    sixth = client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})
    assert sixth.status_code == 429
    assert "登录已暂时锁定" in sixth.content.decode()
    assert not _is_signed_in(client)


def test_a_lock_on_one_user_leaves_others_alone(client, staff, make_user):
    make_user(username="lina")
    for _ in range(5):
        client.post(LOGIN, {"username": "zhangwei", "password": "guess"})
    assert client.post(LOGIN, {"username": "lina", "password": PASSWORD}).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, staff):
    for _ in range(4):
        client.post(LOGIN, {"username": "zhangwei", "password": "guess"})
    assert client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post(LOGIN, {"username": "zhangwei", "password": "guess"})
    assert client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD}).status_code == 302
