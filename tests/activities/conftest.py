import datetime

import pytest

from federations.models import Role
from tests.membership.factories import EnterpriseFactory, MemberFactory


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
    """A chair sees 太平桥's activities but does not change them."""
    return make_user(tree.tpq, Role.CHAIR, username="tpq_chair")


@pytest.fixture
def people(tree):
    """Two members in 太平桥 (one with card number TPQ-001), one in 东高地 (card DGD-001)."""
    tpq = EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥甲公司", employees=30)
    dgd = EnterpriseFactory(jurisdiction=tree.dgd, name="东高地乙公司", employees=50)
    joined = datetime.date(2020, 1, 1)
    return type(
        "People",
        (),
        {
            "tpq_enterprise": tpq,
            "dgd_enterprise": dgd,
            "zhang": MemberFactory(
                enterprise=tpq, name="张三", joined_on=joined, card_number="TPQ-001"
            ),
            "li": MemberFactory(enterprise=tpq, name="李四", joined_on=joined),
            "wang": MemberFactory(
                enterprise=dgd, name="王五", joined_on=joined, card_number="DGD-001"
            ),
        },
    )
