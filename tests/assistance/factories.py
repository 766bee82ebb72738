"""Factories for hardship files and grants. They go through the services, so the rules hold in
tests too."""

import datetime
import itertools
from decimal import Decimal

from assistance import services
from assistance.models import AidProgram
from tests.membership.factories import (
    EnterpriseFactory,
    MemberFactory,
    make_credit_code,
    make_id_number,
)

D = datetime.date
OPENED_ON = D(2025, 1, 10)
GRANTED_ON = D(2025, 1, 20)


# ID numbers of their own (another area code, another counter), so that these tests leave the
# shared counter of tests/membership/factories.py where the other apps' tests expect it
_serial = itertools.count(1)


def make_member(enterprise, **fields):
    """A member registered through the service, with an ID number of this app's own series."""
    fields.setdefault("id_number", make_id_number(serial=next(_serial), area="110109"))
    return MemberFactory(enterprise=enterprise, **fields)


def make_enterprise(jurisdiction, **fields):
    """An enterprise registered through the service, with a credit code of this app's series."""
    fields.setdefault("credit_code", make_credit_code(next(_serial), prefix="91110109"))
    return EnterpriseFactory(jurisdiction=jurisdiction, **fields)


def program(code) -> AidProgram:
    """One of the eight programmes the migration creates."""
    return AidProgram.objects.get(code=code)


def open_file(member, *, actor=None, opened_on=OPENED_ON, **fields):
    values = {
        "category": "subsistence",
        "main_cause": "illness",
        "secondary_causes": ["low_income"],
        "household_size": 3,
        "household_monthly_income": Decimal("2400.00"),
        "health": "慢性病",
        "housing": "租住",
    }
    values.update(fields)
    return services.hardship_file_open(actor=actor, member=member, opened_on=opened_on, **values)


def draft_grant(member, code, *, actor=None, federation=None, granted_on=GRANTED_ON, **fields):
    if federation is None:
        federation = member.current_enterprise.jurisdiction
    values = {"amount": Decimal("500.00")}
    if code == "study_aid":
        values.update(
            student_name="小明", school="北京大学", study_level="bachelor", admission_year=2024
        )
    values.update(fields)
    return services.grant_draft(
        actor=actor,
        recipient=member,
        program=program(code),
        paying_federation=federation,
        granted_on=granted_on,
        **values,
    )
