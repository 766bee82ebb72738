"""Demo enterprises and members for the demo district, in the proportions the seed articles
report — 东高地: 17 independent unions, 157 enterprises covered by community joint unions,
about 2,400 employees in unionized enterprises and 96 % of them members.

Deterministic (a seeded random generator), valid codes (check characters computed), written in
bulk and then resynchronised through the services' resync functions. Idempotent: a federation
that already has enterprises is left alone.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from federations.models import Federation

from . import services
from .codelists import (
    EconomicType,
    Education,
    EmploymentStatus,
    HouseholdType,
    Industry,
    PoliticalStatus,
    SkillLevel,
)
from .models import Enterprise, Member, Membership, UnionStatusChange
from .validators import CREDIT_CODE_CHARSET, credit_code_check_character, id_check_character

Status = Enterprise.UnionStatus

# federation code → (independent unions, joint-covered, without a union, employees in unionized
# enterprises, membership rate)
PLAN = {
    "FT-DGD": (17, 157, 26, 2409, 0.963),
    "FT-TPQ": (14, 96, 30, 2100, 0.92),
    "FT-WZ": (9, 48, 22, 1300, 0.88),
    "FT-LGQ": (11, 64, 25, 1500, 0.90),
    "FT-XC": (4, 22, 12, 420, 0.85),
    "FT-YAM": (5, 20, 10, 400, 0.86),
    "FT-CXD": (3, 18, 14, 380, 0.80),
}

PLACES = [
    "丰台",
    "京南",
    "卢沟",
    "丽泽",
    "宛平",
    "南苑",
    "花乡",
    "玉泉",
    "万源",
    "航丰",
    "科兴",
    "嘉园",
]
WORDS = [
    "华信",
    "鑫源",
    "恒达",
    "博远",
    "瑞丰",
    "启明",
    "众诚",
    "宏图",
    "康泰",
    "天成",
    "佳和",
    "安盛",
    "永兴",
    "金桥",
    "新锐",
    "中和",
    "德润",
    "聚力",
    "卓越",
    "同心",
]
KINDS = [
    ("科技有限公司", Industry.I),
    ("商贸有限公司", Industry.F),
    ("餐饮管理有限公司", Industry.H),
    ("物业管理有限公司", Industry.K),
    ("建筑工程有限公司", Industry.E),
    ("物流有限公司", Industry.G),
    ("机械制造有限公司", Industry.C),
    ("文化传媒有限公司", Industry.R),
    ("医疗器械有限公司", Industry.C),
    ("家政服务有限公司", Industry.O),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志红燕鹏宇浩然欣怡子轩梓涵"
AREA_CODES = ["110106", "110102", "110105", "130102", "370102", "410105", "510104", "420106"]


def _credit_code(rng):
    body = "91110106" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    return body + credit_code_check_character(body)


def _id_number(rng, birth, sequence):
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def _spread(total, count, rng):
    """`count` employee numbers summing to `total`: mostly small firms and about one in thirty
    with 100 or more (百人以上企业)."""
    large = [rng.randint(100, 180) for _ in range(max(1, count // 30))]
    rest = total - sum(large)
    weights = [rng.uniform(1, 4) for _ in range(count - len(large))]
    small = [max(1, round(w * rest / sum(weights))) for w in weights]
    small[0] += rest - sum(small)
    numbers = large + small
    rng.shuffle(numbers)
    return numbers


def _members_per_enterprise(sizes, rate):
    """Members per enterprise so that the total is round(sum(sizes) * rate) exactly."""
    counts = [min(size, round(size * rate)) for size in sizes]
    target = round(sum(sizes) * rate)
    index = 0
    while sum(counts) != target:
        step = 1 if sum(counts) < target else -1
        if 0 <= counts[index] + step <= sizes[index]:
            counts[index] += step
        index = (index + 1) % len(counts)
    return counts


@transaction.atomic
def seed_membership_demo(*, today=None):
    """Returns (enterprises created, members created)."""
    today = today or timezone.localdate()
    rng = random.Random(20261122)  # noqa: S311 — demo data, not secrets
    used_codes, used_ids = set(Enterprise.objects.values_list("credit_code", flat=True)), set()
    made_enterprises = made_members = 0
    for code, (independent, joint, none, employees, rate) in PLAN.items():
        federation = Federation.objects.filter(code=code).first()
        if federation is None or Enterprise.objects.filter(jurisdiction=federation).exists():
            continue
        joints = list(Federation.objects.in_scope(federation).filter(kind=Federation.Kind.JOINT))
        statuses = [Status.INDEPENDENT] * independent + [Status.JOINT] * joint
        sizes = _spread(employees, len(statuses), rng)
        statuses += [Status.NONE] * none
        sizes += [rng.randint(3, 40) for _ in range(none)]
        enterprises, changes = [], []
        for size in sizes:
            credit_code = _credit_code(rng)
            while credit_code in used_codes:
                credit_code = _credit_code(rng)
            used_codes.add(credit_code)
            suffix, industry = rng.choice(KINDS)
            enterprise = Enterprise(
                name=f"北京{rng.choice(PLACES)}{rng.choice(WORDS)}{suffix}",
                credit_code=credit_code,
                jurisdiction=federation,
                economic_type=rng.choices(
                    [
                        EconomicType.PRIVATE,
                        EconomicType.STATE,
                        EconomicType.FOREIGN,
                        EconomicType.COLLECTIVE,
                        EconomicType.INDIVIDUAL,
                    ],
                    weights=[80, 5, 5, 3, 7],
                )[0],
                industry=industry,
                employees=size,
                address=f"{federation.name.removesuffix('总工会')}辖区{rng.randint(1, 300)}号",
                contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=f"010-{rng.randint(60000000, 69999999)}",
            )
            enterprises.append(enterprise)
        Enterprise.objects.bulk_create(enterprises)
        members, memberships = [], []
        unionized = enterprises[: independent + joint]  # the statuses list them first
        member_counts = _members_per_enterprise([e.employees for e in unionized], rate)
        for enterprise, status, count in zip(unionized, statuses, member_counts, strict=False):
            founded = today - datetime.timedelta(days=rng.randint(200, 3000))
            changes.append(
                UnionStatusChange(
                    enterprise=enterprise,
                    status=status,
                    effective_on=founded,
                    joint_union=rng.choice(joints) if status == Status.JOINT else None,
                    note="演示数据",
                )
            )
            for _ in range(count):
                age = rng.randint(20, 58)
                birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 360))
                sex = rng.choice("12")
                sequence = rng.randrange(1 if sex == "1" else 2, 999, 2)
                id_number = _id_number(rng, birth, sequence)
                while id_number in used_ids:
                    id_number = _id_number(
                        rng, birth, rng.randrange(1 if sex == "1" else 2, 999, 2)
                    )
                used_ids.add(id_number)
                member = Member(
                    name=rng.choice(SURNAMES)
                    + rng.choice(GIVEN)
                    + rng.choice(["", rng.choice(GIVEN)]),
                    id_number=id_number,
                    sex=sex,
                    birth_date=birth,
                    phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
                    ethnicity="01" if rng.random() < 0.94 else rng.choice(["03", "08", "02"]),
                    education=rng.choice(Education.values),
                    political_status=rng.choices(
                        [
                            PoliticalStatus.MASSES,
                            PoliticalStatus.CPC_MEMBER,
                            PoliticalStatus.CYL_MEMBER,
                        ],
                        weights=[70, 18, 12],
                    )[0],
                    household_type=rng.choice(HouseholdType.values),
                    migrant_worker=rng.random() < 0.3,
                    employment_status=EmploymentStatus.EMPLOYED,
                    skill_level=rng.choice(SkillLevel.values),
                )
                members.append(member)
                joined = max(founded, birth + datetime.timedelta(days=18 * 366))
                joined += datetime.timedelta(days=rng.randint(0, max(0, (today - joined).days)))
                memberships.append(
                    Membership(
                        member=member,
                        enterprise=enterprise,
                        joined_on=joined,
                        card_number=f"{federation.code}-{len(used_ids):06d}",
                    )
                )
        UnionStatusChange.objects.bulk_create(changes)
        Member.objects.bulk_create(members, batch_size=2000)
        Membership.objects.bulk_create(memberships, batch_size=2000)
        services.enterprises_resync_union_status(enterprise_ids=[e.pk for e in enterprises])
        services.members_resync_current_enterprise(member_ids=[m.pk for m in members])
        services.enterprises_resync_member_counts(enterprise_ids=[e.pk for e in enterprises])
        audit_record(
            actor=None,
            action=AuditEvent.Action.IMPORT,
            obj=Member,
            federation=federation,
            summary=f"演示数据：{len(enterprises)} 家企业，{len(members)} 名会员",
            row_count=len(members),
            file_name="seed_demo",
        )
        made_enterprises += len(enterprises)
        made_members += len(members)
    return made_enterprises, made_members
