"""What each role may do, and where: a role held at a node applies to that node's subtree.

Views and services ask `user_can(user, Perm.X, federation)` or take a queryset already narrowed
by `federations_where(user, Perm.X)`. A user with no role can do nothing and sees nothing.
"""

from django.db.models import Q
from django.http import Http404

from .models import Federation, Role, RoleAssignment


class Perm:
    VIEW = "view"  # see records in scope
    VIEW_DASHBOARD = "view_dashboard"
    EDIT_RECORDS = "edit_records"  # enterprises, members, hardship files, grant drafts
    IMPORT_RECORDS = "import_records"
    APPROVE_GRANTS = "approve_grants"
    MANAGE_TARGETS = "manage_targets"  # founding targets
    RUN_REPORTS = "run_reports"
    MANAGE_USERS = "manage_users"
    MANAGE_TREE = "manage_tree"


ROLE_PERMS = {
    Role.STAFF: {Perm.VIEW, Perm.EDIT_RECORDS, Perm.IMPORT_RECORDS},
    Role.CHAIR: {Perm.VIEW, Perm.VIEW_DASHBOARD, Perm.APPROVE_GRANTS},
    Role.OFFICE: {Perm.VIEW, Perm.VIEW_DASHBOARD, Perm.MANAGE_TARGETS, Perm.RUN_REPORTS},
    # 系统管理员 sees everything in scope and changes users, roles and the tree (DESIGN.md, Roles);
    # records are changed by staff, approvals by chairs, targets and reports by the office.
    Role.ADMIN: {Perm.VIEW, Perm.VIEW_DASHBOARD, Perm.MANAGE_USERS, Perm.MANAGE_TREE},
}


def _assignments(user):
    """The user's (role, path) pairs, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_role_paths", None)
    if cached is None:
        cached = tuple(
            RoleAssignment.objects.filter(user=user)
            .order_by("federation__path")
            .values_list("role", "federation__path")
        )
        user._role_paths = cached
    return cached


def _paths_with(user, perm):
    """Paths where the user holds `perm` (or, given a tuple of perms, any of them)."""
    perms = perm if isinstance(perm, tuple) else (perm,)
    return [
        path
        for role, path in _assignments(user)
        if any(p in ROLE_PERMS.get(role, ()) for p in perms)
    ]


def user_can(user, perm, federation=None):
    """May the user do `perm` at `federation` (or anywhere, when no federation is given)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    paths = _paths_with(user, perm)
    if federation is None:
        return bool(paths)
    return any(federation.path.startswith(path) for path in paths)


def user_roles(user):
    return {role for role, _path in _assignments(user)}


def scoped(queryset, user, perm=Perm.VIEW, prefix=""):
    """`queryset` narrowed to the user's scope for `perm` (see `scope_condition`); nothing at all
    for a user who may not do `perm` anywhere."""
    condition = scope_condition(user, perm, prefix=prefix)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def scope_condition(user, perm=Perm.VIEW, prefix=""):
    """A Q() that keeps rows whose federation path lies in the user's scope for `perm` (a tuple
    of perms: where the user holds any of them).
    `prefix` is the lookup to the federation, e.g. "jurisdiction__" on an enterprise.
    Returns None for a user who may not do `perm` anywhere (callers return `.none()`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    paths = _paths_with(user, perm)
    if not paths:
        return None
    condition = Q()
    for path in _outermost(paths):
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def _outermost(paths):
    kept = []
    for path in sorted(paths):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def federations_where(user, perm=Perm.VIEW):
    """Every federation where the user may do `perm`."""
    condition = scope_condition(user, perm)
    if condition is None:
        return Federation.objects.none()
    return Federation.objects.filter(condition)


def scope_roots(user, perm=Perm.VIEW):
    """The topmost federations of the user's scope (what the header shows)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return list(Federation.objects.roots())
    paths = _outermost(_paths_with(user, perm))
    return list(Federation.objects.filter(path__in=paths))


def federation_get_for_user(*, user, code, perm=Perm.VIEW):
    """One federation by code, or 404 when it is missing or outside the user's scope alike."""
    federation = federations_where(user, perm).filter(code=code).first()
    if federation is None:
        raise Http404
    return federation
