"""Factories for hardship files and grants. They go through the services, so the rules hold in
tests too."""

import datetime
from decimal import Decimal

from assistance import services
from assistance.models import AidProgram

D = datetime.date
OPENED_ON = D(2025, 1, 10)
GRANTED_ON = D(2025, 1, 20)


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
