"""Federation queries the other apps share."""

import pytest

from federations.models import Federation


@pytest.mark.django_db
def test_lowest_above_is_the_nearest_federation_over_every_path(tree):
    lowest = Federation.objects.lowest_above
    assert lowest(set()) is None
    assert lowest({tree.tpq_j1.path}) == tree.tpq_j1
    assert lowest({tree.tpq.path, tree.tpq_j1.path}) == tree.tpq
    assert lowest({tree.tpq_j1.path, tree.dgd_j1.path, tree.wz.path}) == tree.district
