import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from membership import services
from membership.codelists import EconomicType, Sex
from membership.models import Enterprise, Member, Membership, UnionStatusChange
from reports.selectors import indicators
from tests.imports.files import xlsx
from tests.membership.factories import (
    EnterpriseFactory,
    MemberFactory,
    make_credit_code,
    make_id_number,
)

D = datetime.date
Status = Enterprise.UnionStatus
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def events(action, obj):
    return AuditEvent.objects.for_object(obj).filter(action=action)


# --- enterprises --------------------------------------------------------------------------------


def test_staff_create_an_enterprise_in_their_street_and_it_is_audited(tree, staff):
    # given TPQ staff
    # when they register an enterprise with a lowercase credit code
    enterprise = services.enterprise_create(
        actor=staff.tpq,
        name=" 太平桥科技有限公司 ",
        credit_code="91350100m000100y43",
        jurisdiction=tree.tpq,
        economic_type=EconomicType.PRIVATE,
        employees=12,
    )
    # then it is stored normalised, with no union, and the creation is logged with its author
    assert enterprise.credit_code == "91350100M000100Y43"
    assert enterprise.name == "太平桥科技有限公司"
    assert enterprise.union_status == Status.NONE
    event = events(AuditEvent.Action.CREATE, enterprise).get()
    assert event.actor == staff.tpq
    assert event.federation == tree.tpq
    assert event.changes["credit_code"] == [None, "91350100M000100Y43"]


def test_an_enterprise_may_be_created_already_unionized(tree, staff):
    # when an enterprise is registered as covered by the street's joint union since 2019-05-01
    enterprise = services.enterprise_create(
        actor=staff.dgd,
        name="东高地小店",
        credit_code=make_credit_code(),
        jurisdiction=tree.dgd,
        economic_type=EconomicType.INDIVIDUAL,
        union_status=Status.JOINT,
        joint_union=tree.dgd_j1,
        union_since=D(2019, 5, 1),
    )
    # then the status and its history row are there
    assert (enterprise.union_status, enterprise.joint_union, enterprise.union_since) == (
        Status.JOINT,
        tree.dgd_j1,
        D(2019, 5, 1),
    )
    assert enterprise.status_changes.get().effective_on == D(2019, 5, 1)


def test_a_unionized_enterprise_needs_its_founding_date(tree):
    with pytest.raises(ValidationError, match="必须填写建会日期"):
        EnterpriseFactory(jurisdiction=tree.tpq, union_status=Status.INDEPENDENT)
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("node", ["district", "tpq_j1"])
def test_jurisdiction_must_be_a_street_town_or_area(tree, node):
    with pytest.raises(ValidationError, match="所属工会必须是街道、镇或地区总工会"):
        EnterpriseFactory(jurisdiction=getattr(tree, node))
    assert not Enterprise.objects.exists()


def test_the_credit_code_is_checked_and_unique(tree, tpq_enterprise):
    with pytest.raises(ValidationError, match="校验位错误"):
        EnterpriseFactory(jurisdiction=tree.tpq, credit_code="91350100M000100Y44")
    with pytest.raises(ValidationError, match="该统一社会信用代码已登记"):
        EnterpriseFactory(jurisdiction=tree.dgd, credit_code=tpq_enterprise.credit_code)
    assert Enterprise.objects.count() == 1


def test_staff_of_a_sibling_street_cannot_create_or_change_enterprises(tree, staff, chair):
    tpq_enterprise = EnterpriseFactory(jurisdiction=tree.tpq)
    # when DGD staff (or a TPQ chair, who may only look) try to write in TPQ
    with pytest.raises(Http404):
        EnterpriseFactory(jurisdiction=tree.tpq, actor=staff.dgd)
    with pytest.raises(Http404):
        services.enterprise_update(actor=staff.dgd, enterprise=tpq_enterprise, employees=1)
    with pytest.raises(Http404):
        services.enterprise_update(actor=chair, enterprise=tpq_enterprise, employees=1)
    # then nothing changed
    tpq_enterprise.refresh_from_db()
    assert tpq_enterprise.employees == 10
    assert Enterprise.objects.count() == 1


def test_update_records_what_changed(tree, staff, tpq_enterprise):
    # when TPQ staff change the employee count
    services.enterprise_update(actor=staff.tpq, enterprise=tpq_enterprise, employees=120)
    # then the passed instance is fresh and the log holds old and new values
    assert tpq_enterprise.employees == 120
    event = events(AuditEvent.Action.UPDATE, tpq_enterprise).get()
    assert event.actor == staff.tpq
    assert event.changes == {"employees": [30, 120]}


def test_update_refuses_union_fields_and_unknown_fields(tpq_enterprise):
    with pytest.raises(TypeError):
        services.enterprise_update(actor=None, enterprise=tpq_enterprise, union_status="joint")


def test_moving_a_covered_enterprise_out_of_its_joint_unions_street_is_refused(
    tree, staff, tpq_enterprise
):
    # given an enterprise covered by TPQ's joint union
    services.union_found(
        actor=None, enterprise=tpq_enterprise, status=Status.JOINT, joint_union=tree.tpq_j1,
        on=D(2020, 1, 1),
    )  # fmt: skip
    # when district staff move it to DGD
    with pytest.raises(ValidationError, match="不在企业所属的“东高地街道总工会”之下"):
        services.enterprise_update(
            actor=staff.district, enterprise=tpq_enterprise, jurisdiction=tree.dgd
        )
    # and TPQ staff may not move it to a street they do not hold
    with pytest.raises(Http404):
        services.enterprise_update(actor=staff.tpq, enterprise=tpq_enterprise, jurisdiction=tree.wz)
    tpq_enterprise.refresh_from_db()
    assert tpq_enterprise.jurisdiction == tree.tpq


def test_an_enterprise_with_members_cannot_be_deleted(tree, staff, tpq_enterprise):
    MemberFactory(enterprise=tpq_enterprise)
    with pytest.raises(ValidationError, match="有会员记录"):
        services.enterprise_delete(actor=staff.tpq, enterprise=tpq_enterprise)
    empty = EnterpriseFactory(jurisdiction=tree.tpq)
    services.enterprise_delete(actor=staff.tpq, enterprise=empty)
    assert not Enterprise.objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=empty.pk).exists()


# --- union status -------------------------------------------------------------------------------


def test_found_joint_then_upgrade_to_independent_keeps_the_history(tree, staff, dgd_enterprise):
    # when DGD staff found a joint-union coverage, then upgrade it (先建会—再培养—然后独立建会)
    services.union_found(
        actor=staff.dgd,
        enterprise=dgd_enterprise,
        status=Status.JOINT,
        joint_union=tree.dgd_j1,
        on=D(2015, 3, 1),
    )
    services.union_upgrade(actor=staff.dgd, enterprise=dgd_enterprise, on=D(2016, 6, 1))
    # then the current status is independent since the upgrade, and both steps are rows
    assert dgd_enterprise.union_status == Status.INDEPENDENT
    assert dgd_enterprise.joint_union is None
    assert dgd_enterprise.union_since == D(2016, 6, 1)
    history = list(dgd_enterprise.status_changes.order_by("effective_on"))
    assert [(c.status, c.joint_union_id, c.recorded_by) for c in history] == [
        (Status.JOINT, tree.dgd_j1.pk, staff.dgd),
        (Status.INDEPENDENT, None, staff.dgd),
    ]
    # and each step is logged
    logged = events(AuditEvent.Action.UNION_STATUS, dgd_enterprise)
    assert logged.count() == 2
    assert logged.first().changes["status"] == [Status.JOINT, Status.INDEPENDENT]


def test_joint_union_must_be_inside_the_jurisdiction(tree, dgd_enterprise):
    # when DGD's enterprise is said to be covered by TPQ's joint union
    with pytest.raises(ValidationError, match="不在企业所属的“东高地街道总工会”之下"):
        services.union_found(
            actor=None,
            enterprise=dgd_enterprise,
            status=Status.JOINT,
            joint_union=tree.tpq_j1,
            on=D(2020, 1, 1),
        )
    # or by a node that is not a joint union, or by none
    with pytest.raises(ValidationError, match="不是联合工会"):
        services.union_found(
            actor=None,
            enterprise=dgd_enterprise,
            status=Status.JOINT,
            joint_union=tree.dgd,
            on=D(2020, 1, 1),
        )
    with pytest.raises(ValidationError, match="必须指定"):
        services.union_found(
            actor=None, enterprise=dgd_enterprise, status=Status.JOINT, on=D(2020, 1, 1)
        )
    # then nothing was recorded
    assert not UnionStatusChange.objects.exists()
    dgd_enterprise.refresh_from_db()
    assert dgd_enterprise.union_status == Status.NONE


def test_the_db_refuses_a_joint_status_without_a_joint_union(dgd_enterprise):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=dgd_enterprise.pk).update(
            union_status=Status.JOINT, union_since=D(2020, 1, 1)
        )


def test_transitions_that_the_services_do_not_allow(tree, dgd_enterprise):
    # upgrading an enterprise without a union
    with pytest.raises(ValidationError, match="要求企业当时的状态是“联合工会覆盖”"):
        services.union_upgrade(actor=None, enterprise=dgd_enterprise, on=D(2020, 1, 1))
    services.union_found(
        actor=None, enterprise=dgd_enterprise, status=Status.INDEPENDENT, on=D(2020, 1, 1)
    )
    # founding twice
    with pytest.raises(ValidationError, match="建会要求企业当时的状态是“未建会”"):
        services.union_found(
            actor=None,
            enterprise=dgd_enterprise,
            status=Status.JOINT,
            joint_union=tree.dgd_j1,
            on=D(2021, 1, 1),
        )
    # two changes on one day
    with pytest.raises(ValidationError, match="同一天只能有一次变更"):
        services.union_dissolve(
            actor=None, enterprise=dgd_enterprise, on=D(2020, 1, 1), note="企业注销"
        )
    # dissolving without a reason, founding with NONE, a date in the future
    with pytest.raises(ValidationError, match="必须说明原因"):
        services.union_dissolve(actor=None, enterprise=dgd_enterprise, on=D(2021, 1, 1), note="")
    with pytest.raises(ValidationError, match="只能是"):
        services.union_found(
            actor=None, enterprise=dgd_enterprise, status=Status.NONE, on=D(2019, 1, 1)
        )
    with pytest.raises(ValidationError, match="生效日期 .* 晚于今天"):
        services.union_dissolve(actor=None, enterprise=dgd_enterprise, on=TOMORROW, note="企业注销")
    assert dgd_enterprise.status_changes.count() == 1


def test_dissolve_returns_to_no_union(dgd_enterprise):
    services.union_found(
        actor=None, enterprise=dgd_enterprise, status=Status.INDEPENDENT, on=D(2018, 1, 1)
    )
    services.union_dissolve(
        actor=None, enterprise=dgd_enterprise, on=D(2022, 8, 1), note="企业迁出本地区"
    )
    assert (dgd_enterprise.union_status, dgd_enterprise.union_since) == (Status.NONE, None)
    assert dgd_enterprise.status_changes.get(effective_on=D(2022, 8, 1)).note == "企业迁出本地区"


def test_a_back_dated_change_must_fit_the_later_history(tree, dgd_enterprise):
    # given an enterprise covered since 2020 and upgraded in 2022
    services.union_found(
        actor=None,
        enterprise=dgd_enterprise,
        status=Status.JOINT,
        joint_union=tree.dgd_j1,
        on=D(2020, 1, 1),
    )
    services.union_upgrade(actor=None, enterprise=dgd_enterprise, on=D(2022, 1, 1))
    # when a founding dated 2019 is entered, which cannot be followed by the 2020 founding
    with pytest.raises(ValidationError, match="与 2020-01-01 的记录矛盾"):
        services.union_found(
            actor=None, enterprise=dgd_enterprise, status=Status.INDEPENDENT, on=D(2019, 1, 1)
        )
    # then the history is unchanged
    assert dgd_enterprise.status_changes.count() == 2


def test_a_back_dated_change_keeps_the_current_status_right(tree, dgd_enterprise):
    # given an enterprise recorded as independent since 2023-05-01
    services.union_found(
        actor=None, enterprise=dgd_enterprise, status=Status.INDEPENDENT, on=D(2023, 5, 1)
    )
    # when staff later enter that it had been covered by the joint union from 2021-05-01
    services.union_found(
        actor=None,
        enterprise=dgd_enterprise,
        status=Status.JOINT,
        joint_union=tree.dgd_j1,
        on=D(2021, 5, 1),
    )
    # then the history reads JOINT → INDEPENDENT and the current status is still independent
    dgd_enterprise.refresh_from_db()
    assert (dgd_enterprise.union_status, dgd_enterprise.joint_union) == (Status.INDEPENDENT, None)
    assert dgd_enterprise.union_since == D(2023, 5, 1)
    history = dgd_enterprise.status_changes.order_by("effective_on")
    assert list(history.values_list("status", flat=True)) == [Status.JOINT, Status.INDEPENDENT]


def test_union_services_refuse_an_actor_from_a_sibling_street(tree, staff, dgd_enterprise):
    with pytest.raises(Http404):
        services.union_found(
            actor=staff.tpq,
            enterprise=dgd_enterprise,
            status=Status.INDEPENDENT,
            on=D(2020, 1, 1),
        )
    assert not UnionStatusChange.objects.exists()


def test_bulk_resync_recomputes_the_current_status(tree, dgd_enterprise):
    # given history rows written directly (as a bulk import does)
    UnionStatusChange.objects.create(
        enterprise=dgd_enterprise,
        status=Status.JOINT,
        joint_union=tree.dgd_j1,
        effective_on=D(2019, 1, 1),
    )
    UnionStatusChange.objects.create(
        enterprise=dgd_enterprise, status=Status.INDEPENDENT, effective_on=D(2021, 1, 1)
    )
    # when the denormalised fields are resynchronised
    assert services.enterprises_resync_union_status(enterprise_ids=[dgd_enterprise.pk]) == 1
    # then they show the latest row
    dgd_enterprise.refresh_from_db()
    assert (dgd_enterprise.union_status, dgd_enterprise.union_since) == (
        Status.INDEPENDENT,
        D(2021, 1, 1),
    )


# --- members ------------------------------------------------------------------------------------


def test_register_derives_sex_and_birth_date_and_opens_a_membership(tree, staff, tpq_enterprise):
    # given an ID number of a woman born 1990-04-02, typed with a lowercase x if it has one
    number = make_id_number(birth_date=D(1990, 4, 2), sex=Sex.FEMALE)
    # when TPQ staff register her
    member = services.member_register(
        actor=staff.tpq,
        enterprise=tpq_enterprise,
        joined_on=D(2015, 7, 1),
        card_number="TPQ-0001",
        name="王芳",
        id_number=number.lower(),
        phone="13912345678",
    )
    # then sex and birth date come from the number and she is a member of the enterprise
    assert (member.sex, member.birth_date) == (Sex.FEMALE, D(1990, 4, 2))
    assert member.current_enterprise == tpq_enterprise
    membership = member.memberships.get()
    assert (membership.enterprise, membership.joined_on, membership.left_on) == (
        tpq_enterprise,
        D(2015, 7, 1),
        None,
    )
    # and the log names the author, with the ID number masked
    event = events(AuditEvent.Action.CREATE, member).get()
    assert event.actor == staff.tpq
    assert event.changes["id_number"] == [None, member.masked_id_number]
    assert event.changes["joined_on"] == [None, "2015-07-01"]


def test_register_refuses_a_join_before_16_or_in_the_future(tpq_enterprise):
    number = make_id_number(birth_date=D(2005, 9, 1))
    with pytest.raises(ValidationError) as error:
        MemberFactory(enterprise=tpq_enterprise, id_number=number, joined_on=D(2021, 8, 31))
    assert "未满16周岁不能入会" in error.value.message_dict["joined_on"][0]
    with pytest.raises(ValidationError) as error:
        MemberFactory(enterprise=tpq_enterprise, id_number=number, joined_on=TOMORROW)
    assert "晚于今天" in error.value.message_dict["joined_on"][0]
    assert not Member.objects.exists()
    MemberFactory(enterprise=tpq_enterprise, id_number=number, joined_on=D(2021, 9, 1))


def test_register_refuses_a_known_id_number_a_bad_one_and_a_wrong_sex(tpq_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise)
    with pytest.raises(ValidationError, match="该身份证号已登记为会员"):
        MemberFactory(enterprise=tpq_enterprise, id_number=member.id_number)
    wrong = "0" if member.id_number[17] != "0" else "1"
    with pytest.raises(ValidationError, match="校验位错误"):
        MemberFactory(enterprise=tpq_enterprise, id_number=member.id_number[:17] + wrong)
    female = make_id_number(sex=Sex.FEMALE)
    with pytest.raises(ValidationError) as error:
        MemberFactory(enterprise=tpq_enterprise, id_number=female, sex=Sex.MALE)
    assert "与身份证号不符" in error.value.message_dict["sex"][0]
    assert Member.objects.count() == 1


def test_register_refuses_a_bad_phone_and_unknown_codes(tpq_enterprise):
    with pytest.raises(ValidationError) as error:
        MemberFactory(enterprise=tpq_enterprise, phone="12345", ethnicity="99")
    assert set(error.value.message_dict) == {"phone", "ethnicity"}


def test_register_is_scoped(tree, staff, tpq_enterprise):
    with pytest.raises(Http404):
        MemberFactory(enterprise=tpq_enterprise, actor=staff.dgd)
    assert not Member.objects.exists()


def test_update_with_a_corrected_id_number_re_derives_and_rechecks(tpq_enterprise, staff):
    # given a member who joined in 2010
    member = MemberFactory(
        enterprise=tpq_enterprise,
        joined_on=D(2010, 1, 1),
        id_number=make_id_number(birth_date=D(1980, 1, 1), sex=Sex.MALE),
    )
    # when the number is corrected to a woman's born 1981
    corrected = make_id_number(birth_date=D(1981, 3, 3), sex=Sex.FEMALE)
    services.member_update(actor=staff.tpq, member=member, id_number=corrected, name="李娜")
    # then sex and birth date follow, and the change is logged masked
    assert (member.sex, member.birth_date, member.name) == (Sex.FEMALE, D(1981, 3, 3), "李娜")
    event = events(AuditEvent.Action.UPDATE, member).get()
    assert event.changes["sex"] == [Sex.MALE, Sex.FEMALE]
    assert "*" in event.changes["id_number"][1]
    # and a number that would make the 2010 join date under-age is refused
    with pytest.raises(ValidationError, match="未满16周岁"):
        services.member_update(
            actor=staff.tpq, member=member, id_number=make_id_number(birth_date=D(1999, 1, 1))
        )
    with pytest.raises(Http404):
        services.member_update(actor=staff.dgd, member=member, name="某人")


def test_reveal_is_for_editors_only_and_logged(tpq_enterprise, staff, chair):
    member = MemberFactory(enterprise=tpq_enterprise)
    with pytest.raises(Http404):
        services.member_id_number_reveal(actor=chair, member=member)
    assert services.member_id_number_reveal(actor=staff.tpq, member=member) == member.id_number
    assert events(AuditEvent.Action.REVEAL_ID, member).get().actor == staff.tpq


# --- memberships --------------------------------------------------------------------------------


def test_transfer_closes_one_and_opens_the_next_on_the_same_date(
    tree, staff, tpq_enterprise, dgd_enterprise
):
    # given a TPQ member since 2018
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2018, 3, 1))
    # when DGD (the receiving side) records the transfer on 2023-07-01
    new = services.membership_transfer(
        actor=staff.dgd,
        member=member,
        to_enterprise=dgd_enterprise,
        on=D(2023, 7, 1),
        card_number="DGD-7",
    )
    # then the old membership ended that day as a transfer and the new one starts that day
    old = Membership.objects.get(member=member, enterprise=tpq_enterprise)
    assert (old.left_on, old.leave_reason) == (D(2023, 7, 1), Membership.LeaveReason.TRANSFER)
    assert (new.enterprise, new.joined_on, new.left_on) == (dgd_enterprise, D(2023, 7, 1), None)
    assert new.transferred_from == old
    assert member.current_enterprise == dgd_enterprise
    event = events(AuditEvent.Action.TRANSFER, member).get()
    assert event.actor == staff.dgd
    assert event.changes["enterprise"] == [tpq_enterprise.pk, dgd_enterprise.pk]


def test_transfer_rules(tree, staff, tpq_enterprise, dgd_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2018, 3, 1))
    # the sending street cannot push a member into the other street
    with pytest.raises(Http404):
        services.membership_transfer(
            actor=staff.tpq, member=member, to_enterprise=dgd_enterprise, on=D(2023, 1, 1)
        )
    with pytest.raises(ValidationError, match="早于在“太平桥甲公司”的入会日期"):
        services.membership_transfer(
            actor=None, member=member, to_enterprise=dgd_enterprise, on=D(2017, 1, 1)
        )
    with pytest.raises(ValidationError, match="无需接转"):
        services.membership_transfer(
            actor=None, member=member, to_enterprise=tpq_enterprise, on=D(2023, 1, 1)
        )
    with pytest.raises(ValidationError, match="晚于今天"):
        services.membership_transfer(
            actor=None, member=member, to_enterprise=dgd_enterprise, on=TOMORROW
        )
    services.membership_leave(
        actor=None, member=member, on=D(2022, 1, 1), reason=Membership.LeaveReason.RESIGNED
    )
    with pytest.raises(ValidationError, match="没有有效会籍"):
        services.membership_transfer(
            actor=None, member=member, to_enterprise=dgd_enterprise, on=D(2023, 1, 1)
        )
    assert member.memberships.count() == 1


def test_leave_and_rejoin(tree, staff, tpq_enterprise, dgd_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2018, 3, 1))
    # DGD staff cannot close a TPQ membership
    with pytest.raises(Http404):
        services.membership_leave(
            actor=staff.dgd, member=member, on=D(2020, 1, 1), reason=Membership.LeaveReason.OTHER
        )
    with pytest.raises(ValidationError, match="早于入会日期"):
        services.membership_leave(
            actor=staff.tpq, member=member, on=D(2017, 1, 1), reason=Membership.LeaveReason.OTHER
        )
    with pytest.raises(ValidationError, match="请选择离会原因"):
        services.membership_leave(actor=staff.tpq, member=member, on=D(2020, 1, 1), reason="")
    # when TPQ records that the member moved away (调出) on 2020-01-01
    services.membership_leave(
        actor=staff.tpq, member=member, on=D(2020, 1, 1), reason=Membership.LeaveReason.TRANSFER
    )
    # then the member stays with TPQ's scope until someone else takes them in
    assert member.current_enterprise == tpq_enterprise
    with pytest.raises(ValidationError, match="早于上一段会籍的离会日期"):
        services.membership_join(
            actor=staff.dgd, member=member, enterprise=dgd_enterprise, joined_on=D(2019, 12, 31)
        )
    # when DGD takes them in, the new membership continues the transfer
    joined = services.membership_join(
        actor=staff.dgd, member=member, enterprise=dgd_enterprise, joined_on=D(2020, 2, 1)
    )
    assert joined.transferred_from.enterprise == tpq_enterprise
    assert member.current_enterprise == dgd_enterprise
    with pytest.raises(ValidationError, match="调入请办理会籍接转"):
        services.membership_join(
            actor=None, member=member, enterprise=tpq_enterprise, joined_on=D(2021, 1, 1)
        )
    assert [e.action for e in AuditEvent.objects.for_object(member)] == [
        AuditEvent.Action.JOIN,
        AuditEvent.Action.LEAVE,
        AuditEvent.Action.CREATE,
    ]


def test_the_database_allows_one_open_membership_per_member(tpq_enterprise, dgd_enterprise):
    # given a member with an open membership
    member = MemberFactory(enterprise=tpq_enterprise)
    # when a second open one is written directly, bypassing the services
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=member, enterprise=dgd_enterprise, joined_on=D(2022, 1, 1))
    # then only the first exists; a closed one next to it is fine
    Membership.objects.create(
        member=member,
        enterprise=dgd_enterprise,
        joined_on=D(2010, 1, 1),
        left_on=D(2011, 1, 1),
        leave_reason=Membership.LeaveReason.RESIGNED,
    )
    assert member.memberships.open().count() == 1


def test_the_database_refuses_leaving_before_joining(tpq_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(member=member).update(
            left_on=D(2019, 1, 1), leave_reason=Membership.LeaveReason.OTHER
        )


def test_bulk_resync_of_current_enterprise(tpq_enterprise, dgd_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2019, 1, 1))
    Membership.objects.filter(member=member).update(
        left_on=D(2020, 1, 1), leave_reason=Membership.LeaveReason.TRANSFER
    )
    Membership.objects.create(member=member, enterprise=dgd_enterprise, joined_on=D(2020, 1, 1))
    services.members_resync_current_enterprise(member_ids=[member.pk])
    member.refresh_from_db()
    assert member.current_enterprise == dgd_enterprise


def test_each_enterprise_counts_its_open_memberships_through_every_change(tree, run_import):

    # given two enterprises and members registered, transferred, leaving and re-joining
    a = EnterpriseFactory(jurisdiction=tree.tpq, name="甲")
    b = EnterpriseFactory(jurisdiction=tree.tpq, name="乙")
    c = EnterpriseFactory(jurisdiction=tree.dgd, name="丙")
    members = [MemberFactory(enterprise=a, joined_on=D(2020, 1, 1)) for _ in range(4)]
    services.membership_transfer(actor=None, member=members[0], to_enterprise=b, on=D(2022, 1, 1))
    services.membership_transfer(actor=None, member=members[1], to_enterprise=c, on=D(2022, 1, 1))
    services.membership_leave(
        actor=None, member=members[2], on=D(2023, 1, 1), reason=Membership.LeaveReason.RETIRED
    )
    services.membership_join(actor=None, member=members[2], enterprise=b, joined_on=D(2024, 1, 1))
    # and two more members imported into 丙
    rows = [
        [f"导入{n}", make_id_number(serial=500 + n), c.credit_code, "2024-05-01"] for n in (1, 2)
    ]
    headers = ["姓名", "身份证号", "单位统一社会信用代码", "入会日期"]
    assert run_import(xlsx(rows, headers=headers), kind="members").written
    # then each enterprise's count is its open memberships
    for enterprise in (a, b, c):
        enterprise.refresh_from_db()
        assert enterprise.members_open == enterprise.memberships.filter(left_on=None).count()
    assert [e.members_open for e in (a, b, c)] == [1, 2, 3]
    # and today's member figures, summed from the counts, equal the memberships active today
    today = timezone.localdate()
    for federation in (tree.district, tree.tpq, tree.dgd):
        expected = Membership.objects.in_scope(federation).active_on(today).count()
        assert indicators(federation=federation, on=today)["members"] == expected
