import datetime
import io

import pytest
from django.core.management import call_command

from federations.models import Federation
from membership import services
from membership.codelists import Sex
from membership.models import Enterprise, Member, Membership, UnionStatusChange
from tests.membership.factories import (
    EnterpriseFactory,
    MemberFactory,
    make_credit_code,
    make_id_numbers,
)
from unionportal.celery import app as celery_app

D = datetime.date
Status = Enterprise.UnionStatus


@pytest.fixture
def coverage(tree):
    """Enterprises and members on the `tree` fixture, with history (all dates in the past):

    TPQ 太平桥: 甲 150 employees, covered by TPQ-J1 from 2021-03-01, its own union from
                2023-06-01, 3 members since 2021-04-01;
                乙 20 employees, covered by TPQ-J1 from 2022-01-01, 2 members since 2022-02-01,
                one of whom transfers to 丁 (DGD) on 2024-05-01;
                丙 10 employees, no union.
    DGD 东高地: 丁 100 employees (large, on the boundary), its own union from 2024-01-10,
                4 members since 2024-02-01 (and the one transferred in);
                戊 99 employees, no union.
    WZ 王佐镇: no enterprises at all.
    """
    jia = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="甲公司",
        employees=150,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2021, 3, 1),
    )
    services.union_upgrade(actor=None, enterprise=jia, on=D(2023, 6, 1))
    yi = EnterpriseFactory(
        jurisdiction=tree.tpq,
        name="乙公司",
        employees=20,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2022, 1, 1),
    )
    bing = EnterpriseFactory(jurisdiction=tree.tpq, name="丙公司", employees=10)
    ding = EnterpriseFactory(
        jurisdiction=tree.dgd,
        name="丁公司",
        employees=100,
        union_status=Status.INDEPENDENT,
        union_since=D(2024, 1, 10),
    )
    wu = EnterpriseFactory(jurisdiction=tree.dgd, name="戊公司", employees=99)
    for _ in range(3):
        MemberFactory(enterprise=jia, joined_on=D(2021, 4, 1))
    mover = MemberFactory(enterprise=yi, joined_on=D(2022, 2, 1))
    MemberFactory(enterprise=yi, joined_on=D(2022, 2, 1))
    for _ in range(4):
        MemberFactory(enterprise=ding, joined_on=D(2024, 2, 1))
    services.membership_transfer(actor=None, member=mover, to_enterprise=ding, on=D(2024, 5, 1))
    return type(
        "Coverage",
        (),
        {"jia": jia, "yi": yi, "bing": bing, "ding": ding, "wu": wu, "mover": mover},
    )


@pytest.fixture
def make_scale_district(db):
    """A generated district (`generate_scale_data`) of the size asked for; root code SCALE,
    streets SCALE-S01…, each with joint unions."""

    def make(*, streets=3, enterprises=60, members=200):
        call_command(
            "generate_scale_data",
            streets=streets,
            joint_unions=streets * 2,
            enterprises=enterprises,
            members=members,
            stdout=io.StringIO(),
        )
        return Federation.objects.get(code="SCALE")

    return make


@pytest.fixture
def scale_tree(make_scale_district):
    return make_scale_district(streets=3, enterprises=300, members=3000)


@pytest.fixture
def grow_district(db):
    """Add enterprises (with union history) and members under the streets of a district, in
    bulk (the services would take minutes for thousands of rows)."""

    def grow(root, *, enterprises, members):
        streets = list(Federation.objects.filter(path__startswith=root.path, depth=2))
        joints = {
            s.pk: list(Federation.objects.filter(path__startswith=s.path, depth=3)) for s in streets
        }
        start = Enterprise.objects.count() + 10_000
        founded = D(2020, 3, 1)
        new = []
        for i in range(enterprises):
            street = streets[i % len(streets)]
            status = (Status.INDEPENDENT, Status.JOINT, Status.NONE)[i % 3]
            joint = (
                joints[street.pk][i % len(joints[street.pk])] if status == Status.JOINT else None
            )
            new.append(
                Enterprise(
                    name=f"扩充企业{i}",
                    credit_code=make_credit_code(start + i),
                    jurisdiction=street,
                    economic_type="private",
                    employees=150 if i % 10 == 0 else 20,
                    union_status=status,
                    joint_union=joint,
                    union_since=None if status == Status.NONE else founded,
                )
            )
        new = Enterprise.objects.bulk_create(new)
        UnionStatusChange.objects.bulk_create(
            UnionStatusChange(
                enterprise=e, status=e.union_status, joint_union=e.joint_union, effective_on=founded
            )
            for e in new
            if e.union_status != Status.NONE
        )
        unionized = [e for e in new if e.union_status != Status.NONE]
        people = Member.objects.bulk_create(
            Member(
                name=f"扩充会员{n}",
                id_number=number,
                sex=Sex.MALE if int(number[16]) % 2 else Sex.FEMALE,
                birth_date=D(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                current_enterprise=unionized[n % len(unionized)],
            )
            for n, number in enumerate(make_id_numbers(members, start=500_000))
        )
        Membership.objects.bulk_create(
            Membership(member=person, enterprise=person.current_enterprise, joined_on=founded)
            for person in people
        )

    return grow


@pytest.fixture
def private_root(settings, tmp_path):
    """Reports are written under a temporary PRIVATE_ROOT, which this is."""
    settings.PRIVATE_ROOT = tmp_path
    return tmp_path


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def forget_connections(app):
    """Drop the broker pools and the result backend the app built from the URLs it had: Celery
    caches them on first use (the pools are what its own after-fork reset clears)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def unreachable_broker():
    """Redis is down: the Celery app publishes for real (not in-process) to a broker and a result
    backend nobody answers at, and gives up at once instead of retrying."""
    changes = {
        "broker_url": UNREACHABLE_REDIS,
        "result_backend": UNREACHABLE_REDIS,
        "task_always_eager": False,
        "task_publish_retry": False,
        "broker_connection_retry": False,
        "broker_connection_max_retries": 0,
        "broker_connection_timeout": 1,
        "redis_socket_connect_timeout": 1,
        "redis_socket_timeout": 1,
    }
    saved = {key: celery_app.conf.get(key) for key in changes}
    try:
        celery_app.conf.update(changes)
        forget_connections(celery_app)
        yield
    finally:
        celery_app.conf.update(saved)
        forget_connections(celery_app)
