import datetime

import pytest

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, creation_changes, snapshot
from federations.models import Role
from membership import services
from membership.models import Member
from tests.membership.factories import EnterpriseFactory, MemberFactory, make_id_number

D = datetime.date


@pytest.fixture
def street_staff(make_user, tree):
    return make_user(tree.tpq, Role.STAFF, username="tpq_staff")


def test_audit_record_stores_actor_object_and_changes(tree, street_staff):
    # given an enterprise
    enterprise = EnterpriseFactory(jurisdiction=tree.tpq, name="甲公司")
    # when an event is recorded by a user
    event = audit_record(
        actor=street_staff,
        action=AuditEvent.Action.UPDATE,
        obj=enterprise,
        changes={"employees": [10, 12]},
        summary="修改企业",
        federation=tree.tpq,
    )
    # then it points at the enterprise, and reads back as stored
    event.refresh_from_db()
    assert event.target == enterprise
    assert (event.actor, event.object_repr, event.changes) == (
        street_staff,
        "甲公司",
        {"employees": [10, 12]},
    )
    assert event.created_at is not None
    assert str(event).endswith("修改 甲公司")


def test_a_bulk_import_is_one_event_with_file_name_and_row_count(tree, street_staff):
    # when an import of 1,200 members is recorded
    event = audit_record(
        actor=street_staff,
        action=AuditEvent.Action.IMPORT,
        obj=Member,
        file_name="会员名册.xlsx",
        row_count=1200,
        summary="导入会员 1200 行",
        federation=tree.tpq,
    )
    # then it names the kind of record but no single object
    assert event.content_type.model_class() is Member
    assert event.object_id is None
    assert (event.file_name, event.row_count) == ("会员名册.xlsx", 1200)


def test_an_operator_event_has_no_actor(tree):
    event = audit_record(actor=None, action=AuditEvent.Action.CREATE, summary="命令行")
    assert event.actor is None
    assert event.content_type is None


def test_changes_between_lists_only_changed_fields_and_masks_id_numbers(tree):
    # given a member and a snapshot taken before changing them
    enterprise = EnterpriseFactory(jurisdiction=tree.tpq)
    member = MemberFactory(enterprise=enterprise, phone="13900000001")
    before = snapshot(member)
    # when the phone and the ID number change (only the middle digits of the number)
    old_number = member.id_number
    new_number = make_id_number(birth_date=D(1975, 5, 5), serial=7)
    member.phone = "13900000002"
    member.id_number = new_number
    changes = changes_between(before, member)
    # then exactly those fields are listed, the numbers masked, nothing else
    assert set(changes) == {"phone", "id_number"}
    assert changes["phone"] == ["13900000001", "13900000002"]
    assert changes["id_number"] == [
        old_number[:6] + "********" + old_number[-4:],
        new_number[:6] + "********" + new_number[-4:],
    ]
    assert old_number not in str(changes)
    assert "created_at" not in creation_changes(member)


def test_events_are_scoped_like_the_records(tree, make_user, street_staff):
    # given events about TPQ and DGD enterprises, and one with no federation
    tpq = EnterpriseFactory(jurisdiction=tree.tpq)
    EnterpriseFactory(jurisdiction=tree.dgd)
    audit_record(actor=None, action=AuditEvent.Action.EXPORT, summary="系统")
    superuser = make_user(None, is_superuser=True)
    # then TPQ staff see only TPQ's, a superuser all, a user without a role none
    assert [e.object_id for e in AuditEvent.objects.visible_to(street_staff)] == [tpq.pk]
    assert AuditEvent.objects.visible_to(superuser).count() == 3
    assert not AuditEvent.objects.visible_to(make_user(None)).exists()


def test_every_service_write_is_audited_with_its_actor(tree, street_staff):
    # when TPQ staff create an enterprise, found its union and register a member
    enterprise = services.enterprise_create(
        actor=street_staff,
        name="乙公司",
        credit_code="91350100M000100Y43",
        jurisdiction=tree.tpq,
        economic_type="private",
        union_status="independent",
        union_since=D(2020, 1, 1),
    )
    MemberFactory(enterprise=enterprise, actor=street_staff)
    # then three events name the staff member as actor
    actions = AuditEvent.objects.filter(actor=street_staff).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [AuditEvent.Action.CREATE, AuditEvent.Action.UNION_STATUS, AuditEvent.Action.CREATE]
    )
    status_event = AuditEvent.objects.get(action=AuditEvent.Action.UNION_STATUS)
    assert status_event.changes["union_status"] == ["none", "independent"]
    assert "建会：独立建会，生效日期 2020-01-01" in status_event.summary
