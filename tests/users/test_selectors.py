import pytest
from django.http import Http404

from federations.models import Role
from tests.factories import grant
from users.selectors import user_account_managed_by, user_get_for_actor, users_visible_to


def _usernames(actor, **kwargs):
    return {u.username for u in users_visible_to(actor=actor, **kwargs)}


@pytest.fixture
def people(tree, make_user):
    """One user per corner of the tree, a user with no role and a superuser."""
    return type(
        "People",
        (),
        {
            "tpq_staff": make_user(tree.tpq, Role.STAFF, username="tpq_staff"),
            "j1_chair": make_user(tree.tpq_j1, Role.CHAIR, username="j1_chair"),
            "dgd_staff": make_user(tree.dgd, Role.STAFF, username="dgd_staff"),
            "district_office": make_user(tree.district, Role.OFFICE, username="district_office"),
            "no_role": make_user(username="no_role"),
            "root": make_user(tree.tpq, Role.STAFF, username="root", is_superuser=True),
        },
    )


def test_admin_sees_users_with_a_role_in_their_subtree_only(tree, make_user, people):
    # given an admin of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN, username="tpq_admin")
    # when they list users
    # then they see 太平桥's people and themselves; not 东高地's, the district's, users with
    # no role, nor the superuser (even though the superuser has a role in 太平桥)
    assert _usernames(admin) == {"tpq_admin", "tpq_staff", "j1_chair"}


def test_root_admin_also_sees_users_without_roles_but_not_superusers(tree, make_user, people):
    admin = make_user(tree.district, Role.ADMIN, username="ft_admin")
    assert _usernames(admin) == {
        "ft_admin",
        "tpq_staff",
        "j1_chair",
        "dgd_staff",
        "district_office",
        "no_role",
    }


def test_superuser_sees_everyone(tree, people):
    assert "root" in _usernames(people.root)
    assert "no_role" in _usernames(people.root)


@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAIR, Role.OFFICE])
def test_non_admins_see_no_users(tree, make_user, people, role):
    assert _usernames(make_user(tree.district, role)) == set()


def test_only_roles_in_scope_are_attached(tree, make_user, people):
    # given a user working in both 太平桥 and 东高地
    grant(people.tpq_staff, tree.dgd, Role.CHAIR)
    admin = make_user(tree.tpq, Role.ADMIN)
    # when the 太平桥 admin lists users
    user = users_visible_to(actor=admin).get(username="tpq_staff")
    # then only the 太平桥 role is attached
    assert [(r.role, r.federation.code) for r in user.roles_in_scope] == [(Role.STAFF, "TPQ")]


def test_search_matches_username_name_and_phone(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN, username="a")
    make_user(tree.tpq, username="liuyang", full_name="刘洋", phone="13900001111")
    make_user(tree.tpq, username="chenjing", full_name="陈静", phone="13700002222")
    assert _usernames(admin, search="LIU") == {"liuyang"}
    assert _usernames(admin, search="陈") == {"chenjing"}
    assert _usernames(admin, search="0000222") == {"chenjing"}


def test_get_for_actor_is_a_404_for_missing_and_out_of_scope_alike(tree, make_user, people):
    admin = make_user(tree.tpq, Role.ADMIN)
    assert user_get_for_actor(actor=admin, pk=people.j1_chair.pk) == people.j1_chair
    with pytest.raises(Http404):
        user_get_for_actor(actor=admin, pk=people.dgd_staff.pk)
    with pytest.raises(Http404):
        user_get_for_actor(actor=admin, pk=999_999)


def test_account_is_managed_only_when_every_role_is_in_scope(tree, make_user, people):
    admin = make_user(tree.tpq, Role.ADMIN)
    assert user_account_managed_by(actor=admin, user=people.tpq_staff)
    grant(people.tpq_staff, tree.dgd, Role.STAFF)
    assert not user_account_managed_by(actor=admin, user=people.tpq_staff)
    assert not user_account_managed_by(actor=admin, user=people.dgd_staff)
