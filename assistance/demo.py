"""Demo hardship data for the demo district (after `seed_demo` has made its enterprises and
members): in each street, town and area federation a few dozen hardship files (some overdue for
review, some lifted out), the year's 两节送温暖 and 金秋助学 grants (paid), a few drafts awaiting
the chair, model-worker titles and their visits, 送清凉 group deliveries, mutual-aid claims, and
budgets. The 东高地 article's figures guide the sizes.

Deterministic (a seeded random generator) and idempotent: a federation that already has hardship
files is left alone. Written through the services (the operator context), so every rule holds.
"""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from federations.models import Federation
from membership.models import Enterprise, Member

from . import services
from .models import AidProgram, HardshipCategory, HardshipCause, HardshipFile

FILES_PER_FEDERATION = 24
CAUSES = [c for c in HardshipCause.values if c != HardshipCause.OTHER]
HEALTH = ["良好", "慢性病", "重病", "残疾", "一般"]
HOUSING = ["自有住房", "租住", "单位宿舍", "借住亲友家"]
SCHOOLS = ["北京联合大学", "首都师范大学", "北京工业大学", "北京农业职业学院", "中国人民大学"]
TITLES = [("北京市劳动模范", "city"), ("丰台区劳动模范", "district"), ("全国劳动模范", "national")]


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


@transaction.atomic
def seed_assistance_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Returns how many files, grants, deliveries and claims were created."""
    today = today or timezone.localdate()
    rng = random.Random(20260601)  # noqa: S311 (demo data, not security)
    programs = {p.code: p for p in AidProgram.objects.all()}
    made = {"files": 0, "grants": 0, "deliveries": 0, "claims": 0}
    year_start = datetime.date(today.year, 1, 1)
    district = Federation.objects.filter(depth=1).first()
    if district is not None:
        for code, amount in (("study_aid", "300000"), ("emergency", "200000")):
            services.aid_budget_set(
                actor=None,
                federation=district,
                program=programs[code],
                year=today.year,
                amount=Decimal(amount),
            )
    for federation in Federation.objects.filter(
        kind__in=(Federation.Kind.STREET, Federation.Kind.TOWN, Federation.Kind.AREA)
    ).order_by("path"):
        if HardshipFile.objects.filter(federation=federation).exists():
            continue
        members = list(
            Member.objects.filter(
                current_enterprise__jurisdiction=federation,
                memberships__left_on__isnull=True,
            )
            .select_related("current_enterprise__jurisdiction")
            .order_by("pk")[: FILES_PER_FEDERATION + 6]
        )
        if not members:
            continue
        services.aid_budget_set(
            actor=None,
            federation=federation,
            program=programs["winter_warmth"],
            year=today.year,
            amount=Decimal("60000"),
        )
        for index, member in enumerate(members[:FILES_PER_FEDERATION]):
            opened = _day(rng, today - datetime.timedelta(days=900), today - datetime.timedelta(60))
            cause = rng.choice(CAUSES)
            secondary = rng.sample([c for c in CAUSES if c != cause], k=rng.randint(0, 2))
            size = rng.randint(1, 5)
            hardship_file = services.hardship_file_open(
                actor=None,
                member=member,
                category=rng.choice(HardshipCategory.values),
                main_cause=cause,
                secondary_causes=secondary,
                household_size=size,
                household_monthly_income=Decimal(rng.randint(800, 1600) * size),
                health=rng.choice(HEALTH),
                housing=rng.choice(HOUSING),
                opened_on=opened,
            )
            made["files"] += 1
            if index % 5 != 0 and (today - opened).days > 300:
                # reviewed within the year; one in five is left overdue for the home page
                services.hardship_file_review(
                    actor=None,
                    hardship_file=hardship_file,
                    on=_day(rng, today - datetime.timedelta(days=300), today),
                )
            if index % 11 == 10:
                services.hardship_file_lift_out(
                    actor=None,
                    hardship_file=hardship_file,
                    on=_day(rng, opened, today),
                    reason=rng.choice(["实现再就业", "家庭收入提高", "子女毕业工作"]),
                )
                continue
            made["grants"] += _grant(
                rng,
                member,
                programs["winter_warmth"],
                federation,
                year_start,
                today,
                amount=Decimal(rng.choice([500, 800, 1000])),
                goods=Decimal(200),
                paid=index % 7,
            )
            if cause == HardshipCause.EDUCATION or index % 6 == 1:
                made["grants"] += _grant(
                    rng,
                    member,
                    programs["study_aid"],
                    district or federation,
                    max(year_start, datetime.date(today.year, 8, 20)),
                    today,
                    amount=Decimal(rng.choice([2000, 3000, 5000])),
                    paid=True,
                    student_name=f"{member.name[0]}{rng.choice('晓小子文')}{rng.choice('明雨轩涵')}",
                    school=rng.choice(SCHOOLS),
                    study_level=rng.choice(["junior_college", "bachelor", "graduate"]),
                    admission_year=today.year,
                )
        for member in members[FILES_PER_FEDERATION : FILES_PER_FEDERATION + 2]:
            title, level = rng.choice(TITLES)
            services.model_worker_title_add(
                actor=None, member=member, title=title, level=level, year=rng.randint(2005, 2022)
            )
            made["grants"] += _grant(
                rng,
                member,
                programs["model_worker"],
                federation,
                datetime.date(today.year, 4, 20),
                today,
                amount=Decimal(1000),
                paid=True,
            )
        enterprises = list(Enterprise.objects.filter(jurisdiction=federation).order_by("pk")[:8])
        if enterprises and today >= datetime.date(today.year, 7, 1):
            services.group_delivery_record(
                actor=None,
                federation=federation,
                kind="summer_cooling",
                delivered_on=_day(
                    rng,
                    datetime.date(today.year, 7, 1),
                    min(today, datetime.date(today.year, 8, 31)),
                ),
                workers_reached=sum(min(e.employees, 60) for e in enterprises),
                goods_value=Decimal(30 * sum(min(e.employees, 60) for e in enterprises)),
                enterprises=enterprises,
            )
            made["deliveries"] += 1
        for member in members[:3]:
            claim = services.mutual_aid_claim_submit(
                actor=None,
                member=member,
                kind=rng.choice(["hospital", "women_illness", "accident"]),
                incident_on=_day(rng, year_start, today - datetime.timedelta(days=20)),
                amount_claimed=Decimal(rng.randint(10, 60) * 100),
            )
            if rng.random() < 0.7:
                services.mutual_aid_claim_settle(
                    actor=None,
                    claim=claim,
                    paid=True,
                    amount_paid=claim.amount_claimed * Decimal("0.8"),
                    paid_on=_day(rng, claim.incident_on, today),
                )
            made["claims"] += 1
    return made


def _grant(
    rng, member, program, federation, first, today, *, amount, goods=Decimal(0), paid=True, **study
) -> int:
    """One grant (drafted, then approved and paid unless `paid` is falsy); 0 when a rule
    refuses it (a budget used up, say)."""
    granted_on = _day(rng, first, today)
    try:
        grant = services.grant_draft(
            actor=None,
            recipient=member,
            program=program,
            paying_federation=federation,
            granted_on=granted_on,
            amount=amount,
            goods_value=goods,
            **study,
        )
        if paid:
            services.grant_approve(actor=None, grant=grant)
            services.grant_mark_paid(actor=None, grant=grant, paid_on=min(granted_on, today))
    except ValidationError:
        return 0
    return 1
