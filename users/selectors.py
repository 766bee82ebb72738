"""Reads of users and their roles, always through the acting admin's scope.

Who sees whom (the rules the services enforce too):

- An admin sees a user who holds at least one role inside the admin's MANAGE_USERS scope.
- A user with no role at all belongs to nobody's part of the tree, so only superusers and admins
  at the root (the district federation) see them. An admin below the root therefore names a
  federation and a role when creating a user, or could not find the new user again.
- Superusers are seen only by superusers.
- Of a user's roles, an admin sees only those inside the admin's scope; the rest are counted,
  never named.
- An admin may change a user's account (name, phone, active flag, password) only when every role
  the user holds lies in the admin's scope; otherwise an admin of a street could reset the
  password of a district admin who also works in that street and take over the district.
"""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404

from federations.models import RoleAssignment
from federations.permissions import Perm, federations_where, scope_condition, user_can

User = get_user_model()


def roles_managed_by(*, actor):
    """Every role assignment at a federation where `actor` may manage users."""
    condition = scope_condition(actor, Perm.MANAGE_USERS, prefix="federation__")
    if condition is None:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(condition)


def sees_users_without_roles(*, actor):
    """Superusers and admins at the root see (and may create) users who hold no role."""
    if not user_can(actor, Perm.MANAGE_USERS):
        return False
    if actor.is_superuser:
        return True
    return federations_where(actor, Perm.MANAGE_USERS).filter(depth=1).exists()


def users_visible_to(*, actor, search=""):
    """The users `actor` manages, ordered by username, each with `roles_in_scope` prefetched
    (federation included), optionally narrowed by username, name or phone."""
    if not user_can(actor, Perm.MANAGE_USERS):
        return User.objects.none()
    roles_in_scope = roles_managed_by(actor=actor)
    if actor.is_superuser:
        users = User.objects.all()
    else:
        visible = Exists(roles_in_scope.filter(user=OuterRef("pk")))
        if sees_users_without_roles(actor=actor):
            visible |= ~Exists(RoleAssignment.objects.filter(user=OuterRef("pk")))
        users = User.objects.filter(visible, is_superuser=False)
    search = (search or "").strip()
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(phone__icontains=search)
        )
    return users.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=roles_in_scope.select_related("federation").order_by(
                "federation__path", "role"
            ),
            to_attr="roles_in_scope",
        )
    ).order_by("username", "pk")


def user_get_for_actor(*, actor, pk):
    """One user by id, or 404 when the user is missing or not managed by `actor` alike."""
    user = users_visible_to(actor=actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def user_is_visible_to(*, actor, user):
    return users_visible_to(actor=actor).filter(pk=user.pk).exists()


def roles_outside_scope_count(*, actor, user):
    """How many of the user's roles lie outside the actor's scope (counted, never shown)."""
    if actor.is_superuser:
        return 0
    condition = scope_condition(actor, Perm.MANAGE_USERS, prefix="federation__")
    roles = RoleAssignment.objects.filter(user=user)
    if condition is not None:
        roles = roles.exclude(condition)
    return roles.count()


def user_account_managed_by(*, actor, user):
    """May `actor` change the user's name, phone, active flag and password?"""
    if not user_is_visible_to(actor=actor, user=user):
        return False
    return roles_outside_scope_count(actor=actor, user=user) == 0


def role_assignment_get_for_actor(*, actor, user, pk):
    """One of `user`'s roles, or 404 when it is missing, someone else's or outside scope."""
    assignment = (
        roles_managed_by(actor=actor).select_related("federation").filter(pk=pk, user=user).first()
    )
    if assignment is None:
        raise Http404
    return assignment


def login_failures(*, user):
    """Failed sign-ins django-axes currently holds against the username (any address)."""
    total = AccessAttempt.objects.filter(username=user.username).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0
