"""What each role may and may not do, and where.

The table below is the policy written out by hand (DESIGN.md, "Roles"), so that a change to
federations.permissions.ROLE_PERMS shows up here as a failing test rather than passing silently.
A role held at a node applies to that node and everything below it, never to siblings or parents.
"""

import pytest

from federations.models import Role
from federations.permissions import ROLE_PERMS, Perm, user_can
from tests.factories import grant

P = Perm
ALL_PERMS = {
    P.VIEW,
    P.VIEW_DASHBOARD,
    P.EDIT_RECORDS,
    P.IMPORT_RECORDS,
    P.APPROVE_GRANTS,
    P.MANAGE_TARGETS,
    P.RUN_REPORTS,
    P.MANAGE_USERS,
    P.MANAGE_TREE,
}

MAY = {
    # 工作人员: records in scope — enterprises, members, hardship files, grant drafts, imports
    Role.STAFF: {P.VIEW, P.EDIT_RECORDS, P.IMPORT_RECORDS},
    # 主席: records and dashboards in scope; approves or rejects grants
    Role.CHAIR: {P.VIEW, P.VIEW_DASHBOARD, P.APPROVE_GRANTS},
    # 区总工会办公室: everything in scope, founding targets, report runs
    Role.OFFICE: {P.VIEW, P.VIEW_DASHBOARD, P.MANAGE_TARGETS, P.RUN_REPORTS},
    # 系统管理员: sees everything in scope; changes users, roles and the tree
    Role.ADMIN: {P.VIEW, P.VIEW_DASHBOARD, P.MANAGE_USERS, P.MANAGE_TREE},
}

# where the role is held → where it is tried: (fixture attribute, does the role reach it?)
PLACES = {
    "own node": ("tpq", True),
    "child node": ("tpq_j1", True),
    "sibling node": ("dgd", False),
    "parent node": ("district", False),
}


def test_the_table_names_every_permission_and_every_role():
    declared = {value for name, value in vars(Perm).items() if name.isupper()}
    assert declared == ALL_PERMS
    assert set(MAY) == set(Role) == set(ROLE_PERMS)


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("role", list(Role))
def test_what_each_role_may_do_at_each_place(tree, make_user, role, place):
    # given a user holding `role` at 太平桥
    user = make_user(tree.tpq, role)
    attribute, reached = PLACES[place]
    federation = getattr(tree, attribute)
    # when we ask, for every permission, whether they may do it at `place`
    allowed = {perm for perm in ALL_PERMS if user_can(user, perm, federation)}
    # then it is exactly the role's permissions inside their subtree, and nothing outside it
    assert allowed == (MAY[role] if reached else set())


@pytest.mark.parametrize("role", list(Role))
def test_what_each_role_may_do_somewhere(tree, make_user, role):
    user = make_user(tree.tpq, role)
    assert {perm for perm in ALL_PERMS if user_can(user, perm)} == MAY[role]


def test_a_user_without_a_role_may_do_nothing(tree, make_user):
    user = make_user()
    assert not any(user_can(user, perm) for perm in ALL_PERMS)
    assert not any(user_can(user, perm, tree.district) for perm in ALL_PERMS)


def test_a_deactivated_user_may_do_nothing(tree, make_user):
    user = make_user(tree.district, Role.ADMIN, is_active=False)
    assert not any(user_can(user, perm, tree.tpq) for perm in ALL_PERMS)


def test_a_superuser_may_do_everything_everywhere(tree, make_user):
    user = make_user(is_superuser=True)
    assert all(user_can(user, perm, tree.dgd_j1) for perm in ALL_PERMS)


def test_roles_at_two_nodes_add_up(tree, make_user):
    # given staff of 太平桥 who is also chair of 东高地
    user = make_user(tree.tpq, Role.STAFF)
    grant(user, tree.dgd, Role.CHAIR)
    # then each role applies only in its own subtree
    assert user_can(user, Perm.EDIT_RECORDS, tree.tpq_j1)
    assert not user_can(user, Perm.EDIT_RECORDS, tree.dgd_j1)
    assert user_can(user, Perm.APPROVE_GRANTS, tree.dgd_j1)
    assert not user_can(user, Perm.APPROVE_GRANTS, tree.tpq_j1)
    assert not user_can(user, Perm.VIEW, tree.wz)


# --- the same rules, seen from the pages ----------------------------------------------------


def test_staff_opens_the_tree_but_not_the_new_federation_form(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.STAFF))
    assert client.get("/federations/").status_code == 200
    assert client.get("/federations/new/").status_code == 404


def test_admin_edits_their_own_node_but_not_a_sibling(tree, make_user, login):
    client = login(make_user(tree.tpq, Role.ADMIN))
    assert client.get("/federations/TPQ/edit/").status_code == 200
    response = client.get("/federations/DGD/edit/")
    assert response.status_code == 404
    assert "东高地" not in response.content.decode()


def test_a_user_without_a_role_is_warned_and_sees_no_federation(tree, make_user, login):
    # given a user who has signed in but holds no role
    client = login(make_user())
    # when they open the home page and a federation page
    home = client.get("/").content.decode()
    federation = client.get("/federations/TPQ/")
    # then they are told to ask for a role, and the federation does not exist for them
    assert "您还没有任何工会的角色" in home
    assert federation.status_code == 404
    assert "太平桥" not in federation.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_users_menu"),
    [(Role.STAFF, False), (Role.CHAIR, False), (Role.OFFICE, False), (Role.ADMIN, True)],
)
def test_only_admins_get_the_users_menu(tree, make_user, login, role, sees_users_menu):
    html = login(make_user(tree.tpq, role)).get("/").content.decode()
    assert ('href="/users/"' in html) is sees_users_menu
