import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from membership.models import Enterprise, Member, Membership
from tests.membership.factories import EnterpriseFactory, MemberFactory

D = datetime.date


def test_the_database_refuses_an_invalid_credit_code_format(tree):
    enterprise = EnterpriseFactory(jurisdiction=tree.tpq)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=enterprise.pk).update(credit_code="91350100m000100y43")


def test_the_database_refuses_a_lowercase_id_number(tree):
    member = MemberFactory(enterprise=EnterpriseFactory(jurisdiction=tree.tpq))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(id_number=member.id_number[:17] + "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(id_number="1234")


def test_full_clean_reports_the_open_membership_rule_in_chinese(tree):
    enterprise = EnterpriseFactory(jurisdiction=tree.tpq)
    member = MemberFactory(enterprise=enterprise)
    second = Membership(member=member, enterprise=enterprise, joined_on=D(2024, 1, 1))
    with pytest.raises(ValidationError, match="不能同时在两个单位入会"):
        second.full_clean()


def test_a_membership_is_active_from_joining_until_the_day_before_leaving(tree):
    membership = Membership(joined_on=D(2020, 1, 1), left_on=D(2020, 12, 31))
    assert not membership.is_active_on(D(2019, 12, 31))
    assert membership.is_active_on(D(2020, 1, 1))
    assert membership.is_active_on(D(2020, 12, 30))
    assert not membership.is_active_on(D(2020, 12, 31))


def test_member_helpers(tree):
    member = MemberFactory(enterprise=EnterpriseFactory(jurisdiction=tree.tpq))
    assert member.masked_id_number.count("*") == 8
    born = member.birth_date
    # (the factory's birth dates come from a shared counter: one may fall on 29 February)
    leap_day = (born.month, born.day) == (2, 29)
    thirtieth = D(born.year + 30, 3, 1) if leap_day else D(born.year + 30, born.month, born.day)
    assert member.age_on(thirtieth) == 30
    assert member.age_on(thirtieth - datetime.timedelta(days=1)) == 29
    assert str(member) == member.name


def test_enterprise_queryset_helpers(tree):
    small = EnterpriseFactory(jurisdiction=tree.dgd, employees=99)
    large = EnterpriseFactory(
        jurisdiction=tree.dgd,
        employees=100,
        union_status=Enterprise.UnionStatus.JOINT,
        joint_union=tree.dgd_j1,
        union_since=D(2020, 1, 1),
    )
    assert list(Enterprise.objects.large()) == [large]
    assert list(Enterprise.objects.unionized()) == [large]
    assert list(Enterprise.objects.covered_by(tree.dgd_j1)) == [large]
    assert large.is_large
    assert not small.is_large
    assert large.is_unionized
    assert not small.is_unionized
