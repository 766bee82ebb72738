import pytest

from federations.models import Role
from tests.membership.factories import EnterpriseFactory


@pytest.fixture
def staff(make_user, tree):
    """Staff of each street and of the district: `staff.tpq`, `staff.dgd`, `staff.district`."""
    return type(
        "Staff",
        (),
        {
            "tpq": make_user(tree.tpq, Role.STAFF, username="tpq_staff"),
            "dgd": make_user(tree.dgd, Role.STAFF, username="dgd_staff"),
            "district": make_user(tree.district, Role.STAFF, username="district_staff"),
        },
    )


@pytest.fixture
def chair(make_user, tree):
    """A chair may see records in TPQ but not change them."""
    return make_user(tree.tpq, Role.CHAIR, username="tpq_chair")


@pytest.fixture
def tpq_enterprise(tree):
    return EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥甲公司", employees=30)


@pytest.fixture
def dgd_enterprise(tree):
    return EnterpriseFactory(jurisdiction=tree.dgd, name="东高地乙公司", employees=50)
