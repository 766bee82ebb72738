"""Reads of the tree, always through the user's scope."""

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Federation
from .permissions import Perm, federations_where, scope_roots


def tree_roots_for_user(*, user):
    """The top of what the user may see, with the counts the tree page shows."""
    roots = scope_roots(user)
    return with_subtree_counts(Federation.objects.filter(pk__in=[r.pk for r in roots]))


def tree_children_for_user(*, user, parent):
    """The direct children of `parent` (which the caller has already fetched in scope)."""
    return with_subtree_counts(
        federations_where(user, Perm.VIEW).filter(
            path__startswith=parent.path, depth=parent.depth + 1
        )
    )


def with_subtree_counts(queryset):
    """numchild is kept by treebeard; the joint unions below each node take one subquery."""
    joint_below = (
        Federation.objects.filter(kind=Federation.Kind.JOINT, path__startswith=OuterRef("path"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(joint_below=Coalesce(Subquery(joint_below), 0)).order_by("path")


def home_overview(*, user):
    rows = []
    for root in scope_roots(user):
        counts = (
            Federation.objects.in_scope(root)
            .exclude(pk=root.pk)
            .aggregate(
                descendants=Count("pk"),
                joint_unions=Count("pk", filter=Q(kind=Federation.Kind.JOINT)),
            )
        )
        rows.append({"federation": root, **counts})
    return {"roots": rows}
