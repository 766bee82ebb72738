import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from federations.models import Role, RoleAssignment
from federations.permissions import Perm, user_can
from tests.factories import grant
from users import services

User = get_user_model()

STRONG = "Lianhua-Chi-2026"


def _messages(error):
    return " ".join(error.value.messages)


# --- user_create ---------------------------------------------------------------------------


def test_admin_creates_a_user_with_a_first_role_in_scope(tree, make_user):
    # given an admin of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN)
    # when they create a user with a staff role at the joint union below them
    user = services.user_create(
        actor=admin,
        username="wangfang",
        full_name="王芳",
        phone="13800138000",
        password=STRONG,
        federation=tree.tpq_j1,
        role=Role.STAFF,
    )
    # then the user can sign in with that password and works in that joint union
    user.refresh_from_db()
    assert user.full_name == "王芳"
    assert user.is_active
    assert user.check_password(STRONG)
    assert list(user.role_assignments.values_list("federation__code", "role")) == [
        ("TPQ-J1", Role.STAFF)
    ]
    assert user_can(user, Perm.EDIT_RECORDS, tree.tpq_j1)


def test_an_admin_below_the_root_must_give_the_first_role(tree, make_user):
    # given an admin of 太平桥, who would not see a user without a role
    admin = make_user(tree.tpq, Role.ADMIN)
    # when they create a user without a role
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin, username="norole", full_name="无角色", phone="", password=STRONG
        )
    # then they are told to choose one, and no user is made
    assert "请为新用户选择所在工会和角色" in _messages(error)
    assert not User.objects.filter(username="norole").exists()


def test_an_admin_at_the_root_may_create_a_user_without_a_role(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    user = services.user_create(
        actor=admin, username="norole", full_name="无角色", phone="", password=STRONG
    )
    assert not user.role_assignments.exists()


def test_a_first_role_outside_scope_is_refused_and_nothing_is_created(tree, make_user):
    # given an admin of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN)
    # when they try to create a user working at 东高地, their sibling
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=admin,
            username="intruder",
            full_name="越权",
            phone="",
            password=STRONG,
            federation=tree.dgd,
            role=Role.STAFF,
        )
    # then no user exists
    assert not User.objects.filter(username="intruder").exists()


def test_a_role_without_a_federation_is_refused(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin, username="half", full_name="半", phone="", password=STRONG, role="staff"
        )
    assert "请同时选择所在工会和角色" in _messages(error)


def test_staff_cannot_create_users(tree, make_user):
    staff = make_user(tree.tpq, Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=staff,
            username="x1",
            full_name="某",
            phone="",
            password=STRONG,
            federation=tree.tpq,
            role=Role.STAFF,
        )
    assert not User.objects.filter(username="x1").exists()


def test_weak_password_is_refused_with_chinese_messages(tree, make_user):
    # given an admin of the district
    admin = make_user(tree.district, Role.ADMIN)
    # when they create a user with a short, numeric password
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin, username="weak", full_name="弱", phone="", password="1234"
        )
    # then the password's problems are listed in Chinese, against the password
    messages = " ".join(error.value.message_dict["password"])
    assert "密码长度太短" in messages
    assert "密码只包含数字" in messages
    assert not User.objects.filter(username="weak").exists()


def test_duplicate_username_and_bad_phone_are_reported_together(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    make_user(tree.tpq, username="liming")
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin, username="liming", full_name="李明", phone="电话", password=STRONG
        )
    assert "已存在一位使用该名字的用户" in " ".join(error.value.message_dict["username"])
    assert "号码只能包含数字" in " ".join(error.value.message_dict["phone"])


# --- role_assign / role_remove ---------------------------------------------------------------


def test_admin_assigns_a_role_in_scope(tree, make_user):
    # given an admin of 太平桥 and a staff member of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq, Role.STAFF)
    # when they make the staff member chair of the joint union
    services.role_assign(actor=admin, user=user, federation=tree.tpq_j1, role=Role.CHAIR)
    # then the user may approve grants there, and only there
    assert user_can(user, Perm.APPROVE_GRANTS, tree.tpq_j1)
    assert not user_can(user, Perm.APPROVE_GRANTS, tree.tpq)


def test_duplicate_assignment_is_a_chinese_validation_error(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq, Role.STAFF)
    with pytest.raises(ValidationError) as error:
        services.role_assign(actor=admin, user=user, federation=tree.tpq, role=Role.STAFF)
    assert "该用户在“太平桥街道总工会”已经是“工作人员”" in _messages(error)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_admin_cannot_assign_a_role_at_a_sibling(tree, make_user):
    # given an admin of 太平桥 and a user of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq, Role.STAFF)
    # when they give the user a role at 东高地
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin, user=user, federation=tree.dgd, role=Role.STAFF)
    # then nothing is assigned
    assert not RoleAssignment.objects.filter(federation=tree.dgd).exists()


def test_admin_cannot_assign_roles_to_a_user_outside_scope(tree, make_user):
    # given an admin of 太平桥 and a user whose only role is at 东高地
    admin = make_user(tree.tpq, Role.ADMIN)
    outsider = make_user(tree.dgd, Role.STAFF)
    # when they pull that user into 太平桥
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin, user=outsider, federation=tree.tpq, role=Role.STAFF)
    # then the user still only works at 东高地
    assert list(outsider.role_assignments.values_list("federation__code", flat=True)) == ["DGD"]


def test_admin_cannot_reach_a_superuser(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    root = make_user(tree.tpq, Role.STAFF, is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin, user=root, federation=tree.tpq, role=Role.CHAIR)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=admin, user=root, password=STRONG)


def test_only_a_superuser_assigns_admin_at_the_root(tree, make_user):
    # given an admin of the district (not a superuser) and a chair of the district
    admin = make_user(tree.district, Role.ADMIN)
    chair = make_user(tree.district, Role.CHAIR)
    # when the admin makes the chair an admin of the district
    with pytest.raises(ValidationError) as error:
        services.role_assign(actor=admin, user=chair, federation=tree.district, role=Role.ADMIN)
    # then it is refused; a superuser may
    assert "只有超级管理员" in _messages(error)
    superuser = make_user(is_superuser=True)
    services.role_assign(actor=superuser, user=chair, federation=tree.district, role=Role.ADMIN)
    assert user_can(chair, Perm.MANAGE_USERS, tree.district)


def test_an_admin_below_the_root_may_appoint_admins_in_scope(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq_j1, Role.STAFF)
    services.role_assign(actor=admin, user=user, federation=tree.tpq_j1, role=Role.ADMIN)
    assert user_can(user, Perm.MANAGE_USERS, tree.tpq_j1)


def test_admin_removes_a_role_in_scope(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq_j1, Role.STAFF)
    assignment = user.role_assignments.get()
    services.role_remove(actor=admin, assignment=assignment)
    assert not user.role_assignments.exists()


def test_admin_cannot_remove_a_role_outside_scope(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.dgd, Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.role_remove(actor=admin, assignment=user.role_assignments.get())
    assert user.role_assignments.count() == 1


def test_admin_cannot_remove_their_own_last_admin_role(tree, make_user):
    # given an admin of 太平桥 with no other admin role
    admin = make_user(tree.tpq, Role.ADMIN)
    assignment = admin.role_assignments.get()
    # when they remove their own admin role
    with pytest.raises(ValidationError) as error:
        services.role_remove(actor=admin, assignment=assignment)
    # then they are told why, and still manage users
    assert "这是您唯一的系统管理员角色" in _messages(error)
    assert user_can(admin, Perm.MANAGE_USERS, tree.tpq)


def test_admin_may_remove_one_of_two_own_admin_roles(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    grant(admin, tree.tpq_j1, Role.ADMIN)
    services.role_remove(actor=admin, assignment=admin.role_assignments.get(federation=tree.tpq))
    assert not user_can(admin, Perm.MANAGE_USERS, tree.tpq)
    assert user_can(admin, Perm.MANAGE_USERS, tree.tpq_j1)


def test_admin_may_remove_a_fellow_admin(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    other = make_user(tree.tpq, Role.ADMIN)
    services.role_remove(actor=admin, assignment=other.role_assignments.get())
    assert not other.role_assignments.exists()


def test_only_a_superuser_removes_an_admin_at_the_root(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    other = make_user(tree.district, Role.ADMIN)
    with pytest.raises(ValidationError):
        services.role_remove(actor=admin, assignment=other.role_assignments.get())
    assert other.role_assignments.exists()


# --- user_update / user_set_password ---------------------------------------------------------


def test_admin_updates_and_deactivates_a_user(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq_j1, Role.STAFF)
    services.user_update(
        actor=admin, user=user, full_name="赵磊", phone="010-63456789", is_active=False
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.is_active) == ("赵磊", "010-63456789", False)
    assert not user_can(user, Perm.VIEW, tree.tpq_j1)


def test_admin_cannot_deactivate_themselves(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.user_update(actor=admin, user=admin, full_name="我", phone="", is_active=False)
    assert "不能停用自己的账户" in _messages(error)
    admin.refresh_from_db()
    assert admin.is_active


def test_account_of_a_user_with_roles_outside_scope_is_left_to_higher_admins(tree, make_user):
    # given a district admin who also works as staff in 太平桥, and an admin of 太平桥
    district_admin = make_user(tree.district, Role.ADMIN)
    grant(district_admin, tree.tpq, Role.STAFF)
    admin = make_user(tree.tpq, Role.ADMIN)
    # when the 太平桥 admin tries to take over the account
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=admin, user=district_admin, password=STRONG)
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=admin, user=district_admin, full_name="x", phone="", is_active=False
        )
    # then the account is unchanged, but the role in 太平桥 is theirs to manage
    district_admin.refresh_from_db()
    assert district_admin.is_active
    assert not district_admin.check_password(STRONG)
    services.role_remove(
        actor=admin, assignment=district_admin.role_assignments.get(federation=tree.tpq)
    )
    assert district_admin.role_assignments.count() == 1


def test_admin_sets_a_password(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq, Role.STAFF)
    services.user_set_password(actor=admin, user=user, password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_validation_messages_are_chinese(tree, make_user):
    # given an admin and a user named zhangwei
    admin = make_user(tree.tpq, Role.ADMIN)
    user = make_user(tree.tpq, Role.STAFF, username="zhangwei")
    # when the admin sets passwords that break the rules
    with pytest.raises(ValidationError) as too_common:
        services.user_set_password(actor=admin, user=user, password="password")
    with pytest.raises(ValidationError) as like_username:
        services.user_set_password(actor=admin, user=user, password="zhangwei1")
    # then each is refused with Django's message in Chinese
    assert "这个密码太常见了" in _messages(too_common)
    assert "密码跟" in _messages(like_username)
    assert "太相似了" in _messages(like_username)


def test_admin_cannot_reset_their_own_password_here(tree, make_user):
    admin = make_user(tree.tpq, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.user_set_password(actor=admin, user=admin, password=STRONG)
    assert "修改密码" in _messages(error)


def test_a_new_user_cannot_start_as_admin_of_the_root_unless_a_superuser_says_so(tree, make_user):
    admin = make_user(tree.district, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin,
            username="newboss",
            full_name="新管理员",
            phone="",
            password=STRONG,
            federation=tree.district,
            role=Role.ADMIN,
        )
    assert "只有超级管理员" in _messages(error)
    assert not User.objects.filter(username="newboss").exists()


def test_role_changes_and_password_resets_are_audited(tree, make_user):
    # given an admin of 太平桥 and a staff member there
    admin = make_user(tree.tpq, Role.ADMIN)
    staff = make_user(tree.tpq, Role.STAFF)
    # when the admin gives the staff member a chair role, removes it and resets their password
    assignment = services.role_assign(actor=admin, user=staff, federation=tree.tpq, role=Role.CHAIR)
    services.role_remove(actor=admin, assignment=assignment)
    services.user_set_password(actor=admin, user=staff, password="An0ther-Strong-Pass")
    # then each is in the audit log under the admin's name
    events = list(AuditEvent.objects.filter(actor=admin).order_by("pk"))
    assert [e.action for e in events] == ["create", "delete", "update"]
    assert "分配角色" in events[0].summary
    assert "移除角色" in events[1].summary
    assert events[2].summary == "重置密码"
