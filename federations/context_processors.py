from django.utils.functional import SimpleLazyObject

from .models import Role
from .permissions import Perm, scope_roots, user_can, user_roles


def scope(request):
    """The user's scope and roles, shown in the header and used to build the navigation.
    Lazy: a page that never shows them pays no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "scope_roots": SimpleLazyObject(lambda: scope_roots(user)),
        "role_labels": SimpleLazyObject(lambda: [Role(r).label for r in sorted(user_roles(user))]),
        "can": {
            "view": lambda: user_can(user, Perm.VIEW),
            "view_dashboard": lambda: user_can(user, Perm.VIEW_DASHBOARD),
            "manage_users": lambda: user_can(user, Perm.MANAGE_USERS),
            "manage_tree": lambda: user_can(user, Perm.MANAGE_TREE),
            "import_records": lambda: user_can(user, Perm.IMPORT_RECORDS),
        },
    }
