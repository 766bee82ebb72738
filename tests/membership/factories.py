"""Factories for enterprises and members. They go through the services (so the rules hold in tests
too) and make valid ID numbers and credit codes by computing the check character."""

import datetime
import itertools

import factory

from membership import services
from membership.codelists import EconomicType, Industry, Sex
from membership.models import Enterprise, Member
from membership.validators import credit_code_check_character, id_check_character

_serial = itertools.count(1)


def make_id_number(*, birth_date=None, sex=Sex.MALE, area="110106", serial=None):
    """A valid 18-character ID number, unique by default; the 3-digit sequence comes from
    `serial` with the parity that gives `sex`. Without `birth_date`, a date in 1970–1997."""
    serial = next(_serial) if serial is None else serial
    if birth_date is None:
        birth_date = datetime.date(1970, 1, 1) + datetime.timedelta(days=serial % 10000)
    sequence = (serial % 499) * 2 + (1 if sex == Sex.MALE else 2)
    body = f"{area}{birth_date:%Y%m%d}{sequence:03d}"
    return body + id_check_character(body)


def make_id_numbers(count, *, start=0):
    """`count` distinct valid ID numbers (births spread over 1960–1999)."""
    numbers = []
    for n in range(start, start + count):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n * 7) % 14600)
        sex = Sex.MALE if n % 2 else Sex.FEMALE
        numbers.append(make_id_number(birth_date=birth, sex=sex, serial=n // 2086))
    return numbers


def make_credit_code(serial=None, *, prefix="91110106"):
    """A valid unified social credit code; `serial` makes it unique."""
    serial = next(_serial) if serial is None else serial
    body = f"{prefix}{serial:09d}"
    return body + credit_code_check_character(body)


class EnterpriseFactory(factory.Factory):
    """Pass `jurisdiction=` (a street/town/area federation). `union_status`, `joint_union` and
    `union_since` found the union through the service."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    economic_type = EconomicType.PRIVATE
    industry = Industry.I
    employees = 10
    jurisdiction = None

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        if kwargs.get("jurisdiction") is None:
            raise TypeError("EnterpriseFactory needs jurisdiction=")
        return services.enterprise_create(actor=actor, **kwargs)


class MemberFactory(factory.Factory):
    """Registers a member through `member_register`; pass `enterprise=` (and `joined_on=`)."""

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"会员{n}")
    id_number = factory.LazyFunction(make_id_number)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    enterprise = None
    joined_on = datetime.date(2020, 1, 1)
    card_number = ""

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        if kwargs.get("enterprise") is None:
            raise TypeError("MemberFactory needs enterprise=")
        return services.member_register(actor=actor, **kwargs)
