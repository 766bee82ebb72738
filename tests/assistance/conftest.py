import pytest

from federations.models import Role
from tests.assistance.factories import make_enterprise, make_member


@pytest.fixture
def people(make_user, tree):
    """Staff and chairs of 太平桥 and 东高地 (siblings), the district's staff and chair, and the
    district office: `people.tpq_staff`, `people.tpq_chair`, …"""
    return type(
        "People",
        (),
        {
            "tpq_staff": make_user(tree.tpq, Role.STAFF, username="tpq_staff"),
            "tpq_chair": make_user(tree.tpq, Role.CHAIR, username="tpq_chair"),
            "dgd_staff": make_user(tree.dgd, Role.STAFF, username="dgd_staff"),
            "dgd_chair": make_user(tree.dgd, Role.CHAIR, username="dgd_chair"),
            "district_staff": make_user(tree.district, Role.STAFF, username="district_staff"),
            "district_chair": make_user(tree.district, Role.CHAIR, username="district_chair"),
            "office": make_user(tree.district, Role.OFFICE, username="office"),
        },
    )


@pytest.fixture
def tpq_enterprise(tree):
    return make_enterprise(tree.tpq, name="太平桥甲公司", employees=30)


@pytest.fixture
def dgd_enterprise(tree):
    return make_enterprise(tree.dgd, name="东高地乙公司", employees=50)


@pytest.fixture
def tpq_member(tpq_enterprise):
    return make_member(tpq_enterprise, name="张困难")


@pytest.fixture
def dgd_member(dgd_enterprise):
    return make_member(dgd_enterprise, name="李东高")
