import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from federations.models import Federation
from membership.models import Enterprise, Member, Membership
from membership.selectors import coverage_counts
from membership.validators import validate_credit_code, validate_id_number


def test_generate_scale_data_builds_a_consistent_district(db):
    # when a small scale district is generated
    call_command(
        "generate_scale_data",
        streets=3,
        joint_unions=6,
        enterprises=300,
        members=2000,
        stdout=io.StringIO(),
    )
    # then the tree, enterprises and members have the requested sizes
    root = Federation.objects.get(depth=1)
    assert root.numchild == 3
    assert Federation.objects.filter(kind=Federation.Kind.JOINT).count() == 6
    figures = coverage_counts(federation=root, on=timezone.localdate())
    assert figures["enterprises"] == 300
    assert figures["members"] == 2000
    assert figures["members"] <= figures["employees_in_unionized"]
    # and every code carries a valid check character, every member one open membership
    for member in Member.objects.all()[:200]:
        validate_id_number(member.id_number)
    for enterprise in Enterprise.objects.all()[:200]:
        validate_credit_code(enterprise.credit_code)
    assert Membership.objects.filter(left_on__isnull=True).count() == 2000
    # and joint-covered enterprises name a joint union of their own street
    for enterprise in Enterprise.objects.filter(union_status="joint").select_related(
        "joint_union", "jurisdiction"
    )[:100]:
        assert enterprise.joint_union.path.startswith(enterprise.jurisdiction.path)


def test_generate_scale_data_refuses_a_database_with_a_district(tree):
    with pytest.raises(CommandError, match="已有区总工会"):
        call_command("generate_scale_data", members=10)
