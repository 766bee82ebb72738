"""A deterministic city-scale district for benchmarks (`manage.py generate_scale_data`).

Written with PostgreSQL COPY in chunks, ids assigned here so that members and memberships can be
linked without reading anything back. Every row is valid: ID numbers and credit codes carry their
check characters, statuses agree with their history rows, members never outnumber employees.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from federations.models import Federation

from .bulk import copy_rows
from .codelists import Education, HouseholdType, PoliticalStatus, SkillLevel
from .models import Enterprise, Member, Membership, UnionStatusChange
from .services import enterprises_resync_member_counts
from .validators import credit_code_check_character, id_check_character

CHUNK = 100_000
AREAS = ["110106", "110102", "110105", "110108", "130102", "370102", "410105", "510104"]
BIRTH_SPAN_DAYS = 40 * 365  # members born within forty years
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志燕鹏宇浩然欣怡子轩梓涵"
PLACES = ["丰台", "京南", "卢沟", "丽泽", "宛平", "南苑", "花乡", "玉泉", "万源", "科兴"]
WORDS = ["华信", "鑫源", "恒达", "博远", "瑞丰", "启明", "众诚", "宏图", "康泰", "天成", "佳和"]
SUFFIXES = ["科技有限公司", "商贸有限公司", "餐饮管理有限公司", "物业管理有限公司", "物流有限公司"]


@dataclass(frozen=True)
class ScalePlan:
    streets: int = 30
    joint_unions: int = 600
    enterprises: int = 60_000
    members: int = 1_000_000
    seed: int = 1
    root_code: str = "SCALE"


def id_number_for(index: int) -> str:
    """A valid, unique ID number for member `index` (unique for index < 14.6 million × 8)."""
    birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=index % BIRTH_SPAN_DAYS)
    rest = index // BIRTH_SPAN_DAYS
    sequence = rest % 999 + 1
    first17 = f"{AREAS[(rest // 999) % len(AREAS)]}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def credit_code_for(index: int) -> str:
    body = f"91110106{index:09d}"
    return body + credit_code_check_character(body)


def _next_id(cursor, table):
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 — our table names
    return cursor.fetchone()[0]


def _set_sequence(cursor, table):
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def _tree(plan: ScalePlan):
    """The district, its streets / towns / areas and the joint unions under them."""
    kinds = [Federation.Kind.STREET] * 4 + [Federation.Kind.TOWN, Federation.Kind.AREA]
    scopes = list(Federation.JointScope)
    root = Federation(code=plan.root_code, name="规模测试区总工会", kind=Federation.Kind.DISTRICT)
    root = Federation.objects.add_root(instance=root)
    children = []
    per_street = max(1, plan.joint_unions // plan.streets)
    for s in range(plan.streets):
        kind = kinds[s % len(kinds)]
        label = {"street": "街道总工会", "town": "镇总工会", "area": "地区总工会"}[kind]
        children.append(
            Federation(
                code=f"{plan.root_code}-S{s + 1:02d}",
                name=f"测试{s + 1}{label}",
                kind=kind,
                path=Federation._get_path(root.path, 2, s + 1),
                depth=2,
                numchild=per_street,
            )
        )
    joints = []
    for s, street in enumerate(children):
        for j in range(per_street):
            joints.append(
                Federation(
                    code=f"{street.code}-J{j + 1:02d}",
                    name=f"测试{s + 1}街第{j + 1}联合工会",
                    kind=Federation.Kind.JOINT,
                    joint_scope=scopes[j % len(scopes)],
                    path=Federation._get_path(street.path, 3, j + 1),
                    depth=3,
                )
            )
    Federation.objects.bulk_create(children)
    Federation.objects.bulk_create(joints, batch_size=2000)
    Federation.objects.filter(pk=root.pk).update(numchild=len(children))
    streets = list(Federation.objects.filter(depth=2, path__startswith=root.path).order_by("path"))
    joints_by_street = {
        street.pk: list(Federation.objects.filter(depth=3, path__startswith=street.path))
        for street in streets
    }
    return root, streets, joints_by_street


@transaction.atomic
def generate(plan: ScalePlan, *, today=None, log=print):
    today = today or timezone.localdate()
    now = timezone.now().isoformat()
    rng = random.Random(plan.seed)  # noqa: S311 — benchmark data, not secrets
    root, streets, joints_by_street = _tree(plan)
    log(f"tree: {1 + len(streets) + sum(map(len, joints_by_street.values()))} federations")

    cursor = connection.connection.cursor()
    enterprise_table = Enterprise._meta.db_table
    first_enterprise = _next_id(cursor, enterprise_table)

    # enterprises: 10 % independent, 60 % covered by a joint union, 30 % without a union;
    # about 3 % with 100 employees or more
    statuses, employees = [], []
    for _ in range(plan.enterprises):
        draw = rng.random()
        statuses.append("independent" if draw < 0.1 else "joint" if draw < 0.7 else "none")
        employees.append(rng.randint(100, 400) if rng.random() < 0.03 else rng.randint(3, 40))
    unionized = [i for i, s in enumerate(statuses) if s != "none"]
    room = sum(employees[i] for i in unionized)
    if plan.members > room:  # grow the workforce so that members stay below employees
        factor = plan.members / room * 1.04
        for i in unionized:
            employees[i] = int(employees[i] * factor) + 1
        room = sum(employees[i] for i in unionized)

    enterprise_rows, change_rows, founded = [], [], {}
    for i in range(plan.enterprises):
        street = streets[i % len(streets)]
        status = statuses[i]
        joint = rng.choice(joints_by_street[street.pk]).pk if status == "joint" else None
        since = None
        if status != "none":
            since = today - datetime.timedelta(days=rng.randint(400, 4000))
            founded[i] = since
            change_rows.append((first_enterprise + i, status, joint, since, now, "规模测试数据"))
        enterprise_rows.append(
            (
                first_enterprise + i,
                f"北京{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(SUFFIXES)}（{i:05d}）",
                credit_code_for(i),
                street.pk,
                "private",
                "I",
                employees[i],
                "测试地址",
                "联系人",
                "010-60000000",
                status,
                joint,
                since,
                now,
                now,
            )
        )
    copy_rows(
        enterprise_table,
        [
            "id",
            "name",
            "credit_code",
            "jurisdiction_id",
            "economic_type",
            "industry",
            "employees",
            "address",
            "contact",
            "phone",
            "union_status",
            "joint_union_id",
            "union_since",
            "created_at",
            "updated_at",
        ],
        enterprise_rows,
    )
    copy_rows(
        UnionStatusChange._meta.db_table,
        [
            "enterprise_id",
            "status",
            "joint_union_id",
            "effective_on",
            "recorded_at",
            "note",
        ],
        change_rows,
    )
    _set_sequence(cursor, enterprise_table)
    log(f"enterprises: {plan.enterprises} ({len(unionized)} unionized)")

    # members: spread over unionized enterprises in proportion to their employees
    quota = [employees[i] * plan.members // room for i in unionized]
    short = plan.members - sum(quota)
    k = 0
    while short > 0:
        if quota[k] < employees[unionized[k]]:
            quota[k] += 1
            short -= 1
        k = (k + 1) % len(quota)
    owner = [u for u, q in zip(unionized, quota, strict=True) for _ in range(q)]

    member_table, membership_table = Member._meta.db_table, Membership._meta.db_table
    first_member = _next_id(cursor, member_table)
    educations, politics = Education.values, PoliticalStatus.values
    households, skills = HouseholdType.values, SkillLevel.values
    for start in range(0, plan.members, CHUNK):
        members, memberships = [], []
        for n in range(start, min(start + CHUNK, plan.members)):
            id_number = id_number_for(n)
            enterprise_index = owner[n]
            enterprise_id = first_enterprise + enterprise_index
            birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
            member_id = first_member + n
            members.append(
                (
                    member_id,
                    SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)],
                    id_number,
                    "1" if int(id_number[16]) % 2 else "2",
                    birth,
                    f"1{3 + n % 6}{n:09d}"[:11],
                    "01",
                    educations[n % len(educations)],
                    politics[n % len(politics)],
                    households[n % len(households)],
                    "t" if n % 3 == 0 else "f",
                    "employed",
                    skills[n % len(skills)],
                    "f",
                    enterprise_id,
                    now,
                    now,
                )
            )
            joined = founded[enterprise_index] + datetime.timedelta(days=n % 300)
            memberships.append(
                (
                    member_id,
                    enterprise_id,
                    min(joined, today),
                    None,
                    "",
                    f"C{n:08d}",
                    None,
                    now,
                    now,
                )
            )
        copy_rows(
            member_table,
            [
                "id",
                "name",
                "id_number",
                "sex",
                "birth_date",
                "phone",
                "ethnicity",
                "education",
                "political_status",
                "household_type",
                "migrant_worker",
                "employment_status",
                "skill_level",
                "is_model_worker",
                "current_enterprise_id",
                "created_at",
                "updated_at",
            ],
            members,
        )
        copy_rows(
            membership_table,
            [
                "member_id",
                "enterprise_id",
                "joined_on",
                "left_on",
                "leave_reason",
                "card_number",
                "transferred_from_id",
                "created_at",
                "updated_at",
            ],
            memberships,
        )
        log(f"members: {min(start + CHUNK, plan.members)}")
    _set_sequence(cursor, member_table)
    enterprises_resync_member_counts()
    # fresh statistics for the planner (a server with autovacuum off would otherwise guess that
    # a path prefix matches one federation, and walk 60,000 enterprises one index probe at a time)
    for model in (Federation, Enterprise, Member, Membership, UnionStatusChange):
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    audit_record(
        actor=None,
        action=AuditEvent.Action.IMPORT,
        obj=Member,
        federation=root,
        summary=f"规模测试数据：{plan.enterprises} 家企业，{plan.members} 名会员",
        row_count=plan.members,
        file_name="generate_scale_data",
    )
    return root
