"""Federation queries the other apps share."""

import pytest

from federations.models import Federation, Role
from federations.permissions import Perm, scoped
from tests.factories import grant


@pytest.mark.django_db
def test_lowest_above_is_the_nearest_federation_over_every_path(tree):
    lowest = Federation.objects.lowest_above
    assert lowest(set()) is None
    assert lowest({tree.tpq_j1.path}) == tree.tpq_j1
    assert lowest({tree.tpq.path, tree.tpq_j1.path}) == tree.tpq
    assert lowest({tree.tpq_j1.path, tree.dgd_j1.path, tree.wz.path}) == tree.district


@pytest.mark.django_db
def test_scoped_keeps_the_subtrees_where_the_user_holds_any_of_the_perms(tree, make_user):
    # given a user who is staff at 太平桥 and chair at 东高地
    user = make_user(tree.tpq, Role.STAFF)
    grant(user, tree.dgd, Role.CHAIR)
    everything = Federation.objects.all()
    # then each perm keeps its own subtree, a tuple of perms both, and a perm held nowhere nothing
    assert codes(scoped(everything, user, Perm.EDIT_RECORDS)) == {"TPQ", "TPQ-J1"}
    assert codes(scoped(everything, user, Perm.APPROVE_GRANTS)) == {"DGD", "DGD-J1"}
    both = scoped(everything, user, (Perm.EDIT_RECORDS, Perm.APPROVE_GRANTS))
    assert codes(both) == {"TPQ", "TPQ-J1", "DGD", "DGD-J1"}
    assert not scoped(everything, user, Perm.RUN_REPORTS).exists()


def codes(queryset):
    return set(queryset.values_list("code", flat=True))
