"""Every write to users and their roles goes through these functions.

Each one takes the acting admin as `actor` and checks the rules in `users.selectors` (who sees
whom, whose account an admin may change). A request outside the actor's scope raises
PermissionDenied, and the views answer it with a 404, as they do for anything out of scope.
A rule broken inside the scope raises ValidationError with a Chinese message for the form:

- only a superuser assigns or removes the ADMIN role at the root (the district federation);
- a user cannot hold the same role at the same federation twice;
- an admin cannot remove their own last ADMIN role, deactivate their own account or reset their
  own password here (they use 修改密码, which asks for the old one);
- passwords pass the validators in AUTH_PASSWORD_VALIDATORS.
"""

import re

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, snapshot
from federations.models import Role, RoleAssignment
from federations.permissions import Perm, user_can

from . import selectors

User = get_user_model()

PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


def validate_phone(phone):
    """Mobile or landline numbers as staff write them: 13800138000, 010-63456789, +86 138…"""
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationError(
            {"phone": _("号码只能包含数字、空格和“-”，可以以“+”开头。")}, code="invalid_phone"
        )


# --- users -----------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, actor, username, full_name, phone, password, federation=None, role=None):
    """A new, active user; with `federation` and `role`, holding that first role.

    An admin below the root must give the first role: a user with no role is visible only to
    superusers and admins at the root (see users.selectors)."""
    if not user_can(actor, Perm.MANAGE_USERS):
        raise PermissionDenied
    if (federation is None) != (not role):
        raise ValidationError(_("请同时选择所在工会和角色，或都不选。"), code="role_incomplete")
    if federation is None and not selectors.sees_users_without_roles(actor=actor):
        raise ValidationError(
            _("请为新用户选择所在工会和角色，否则创建后您将无法管理该用户。"),
            code="role_required",
        )
    if federation is not None:
        _require_manage_users_at(actor, federation)
        _check_root_admin(actor, federation, role)
    user = User(username=username, full_name=full_name, phone=phone, is_active=True)
    errors = {}
    for check in (
        lambda: validate_phone(phone),
        lambda: user.full_clean(exclude=["password"]),
        lambda: _validate_password(password, user),
    ):
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same username, created a moment ago by someone else
        raise ValidationError(
            {"username": User._meta.get_field("username").error_messages["unique"]}
        ) from None
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=user, summary=_("新建用户 %s") % username
    )
    if federation is not None:
        _assign(actor=actor, user=user, federation=federation, role=role)
    return user


@transaction.atomic
def user_update(*, actor, user, full_name, phone, is_active):
    user = _lock(user)
    _require_account_managed(actor, user)
    before = snapshot(user)
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": _("不能停用自己的账户。")}, code="deactivate_self")
    validate_phone(phone)
    user.full_name = full_name
    user.phone = phone
    user.is_active = is_active
    user.full_clean()
    user.save(update_fields=["full_name", "phone", "is_active"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        changes=changes_between(before, user),
    )
    return user


@transaction.atomic
def user_set_password(*, actor, user, password):
    """An admin sets a new password for someone else; their sessions end (Django's session
    hash changes) and any login lock-out on the username is lifted."""
    user = _lock(user)
    _require_account_managed(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("请通过右上角的“修改密码”修改自己的密码。"), code="own_password")
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.username)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, summary=_("重置密码"))
    return user


@transaction.atomic
def user_unlock_login(*, actor, user):
    """Lift a django-axes lock-out on the username; returns how many records were cleared."""
    user = _lock(user)
    _require_account_managed(actor, user)
    return axes_reset(username=user.username)


# --- roles -----------------------------------------------------------------------------------


@transaction.atomic
def role_assign(*, actor, user, federation, role):
    _require_manage_users_at(actor, federation)
    locked = _lock(user)
    if not selectors.user_is_visible_to(actor=actor, user=locked):
        raise PermissionDenied
    assignment = _assign(actor=actor, user=locked, federation=federation, role=role)
    _forget_roles(user)
    return assignment


@transaction.atomic
def role_remove(*, actor, assignment):
    assignment = (
        RoleAssignment.objects.select_related("federation").filter(pk=assignment.pk).first()
    )
    if assignment is None:
        raise PermissionDenied
    _require_manage_users_at(actor, assignment.federation)
    _lock(assignment.user)  # serialises the last-admin check against a concurrent removal
    if (
        assignment.role == Role.ADMIN
        and assignment.user_id == actor.pk
        and not actor.is_superuser
        and not RoleAssignment.objects.filter(user_id=actor.pk, role=Role.ADMIN)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "这是您唯一的系统管理员角色，移除后您将无法再管理用户和角色。如确需移除，请联系上级管理员。"
            ),
            code="last_admin",
        )
    _check_root_admin(actor, assignment.federation, assignment.role)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=assignment,
        summary=_("移除角色：%s") % assignment,
        federation=assignment.federation,
    )
    assignment.delete()
    _forget_roles(actor)
    return assignment


# --- helpers ---------------------------------------------------------------------------------


def _assign(*, actor, user, federation, role):
    _check_root_admin(actor, federation, role)
    if RoleAssignment.objects.filter(user=user, federation=federation, role=role).exists():
        raise ValidationError(
            _("该用户在“%(federation)s”已经是“%(role)s”。")
            % {"federation": federation.name, "role": Role(role).label},
            code="duplicate_role",
        )
    assignment = RoleAssignment(user=user, federation=federation, role=role)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assignment,
        summary=_("分配角色：%s") % assignment,
        federation=federation,
    )
    return assignment


def _check_root_admin(actor, federation, role):
    if role == Role.ADMIN and federation.depth == 1 and not actor.is_superuser:
        raise ValidationError(
            _("只有超级管理员可以分配或移除“%(federation)s”的系统管理员角色。")
            % {"federation": federation.name},
            code="root_admin",
        )


def _require_manage_users_at(actor, federation):
    if not user_can(actor, Perm.MANAGE_USERS, federation):
        raise PermissionDenied


def _require_account_managed(actor, user):
    if not selectors.user_account_managed_by(actor=actor, user=user):
        raise PermissionDenied


def _validate_password(password, user):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None


def _lock(user):
    return User.objects.select_for_update().get(pk=user.pk)


def _forget_roles(user):
    """user_can caches a user's roles on the object; drop it after they change."""
    if hasattr(user, "_role_paths"):
        del user._role_paths
