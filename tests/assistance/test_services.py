"""The rules of hardship files and grants, each at drafting and again at approval."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assistance import services
from assistance.models import Grant, GrantDecision, HardshipFile, ModelWorkerTitle, per_capita
from audit.models import AuditEvent
from federations.models import Role
from tests.assistance.factories import draft_grant, make_member, open_file, program
from tests.factories import grant as grant_role

D = datetime.date
pytestmark = pytest.mark.django_db


def messages_of(error_info):
    return " ".join(error_info.value.messages)


# --- hardship files -----------------------------------------------------------------------------


def test_per_capita_income_is_household_income_over_its_size_to_the_fen(tpq_member):
    # given a household of 3 living on 2,000 yuan a month
    hardship_file = open_file(
        tpq_member, household_size=3, household_monthly_income=Decimal("2000")
    )
    # then its per-capita income is 666.67 (half up), a Decimal
    assert hardship_file.per_capita_income == Decimal("666.67")
    assert isinstance(hardship_file.per_capita_income, Decimal)
    assert per_capita(Decimal("1000.01"), 2) == Decimal("500.01")  # 500.005 rounds up


def test_a_file_is_kept_by_the_federation_of_the_members_enterprise(tree, people, tpq_member):
    hardship_file = open_file(tpq_member, actor=people.tpq_staff)
    assert hardship_file.federation == tree.tpq
    assert hardship_file.last_reviewed_on == hardship_file.opened_on
    event = AuditEvent.objects.for_object(hardship_file).get()
    # the audit log says a file was opened, not the household's income
    assert "2400" not in str(event.changes)


def test_sibling_staff_and_chairs_cannot_open_a_file(people, tpq_member):
    for user in (people.dgd_staff, people.tpq_chair):
        with pytest.raises(Http404):
            open_file(tpq_member, actor=user)
    assert not HardshipFile.objects.exists()


def test_one_active_file_per_member_and_at_most_three_other_secondary_causes(tpq_member):
    with pytest.raises(ValidationError, match="最多 3 项"):
        open_file(
            tpq_member,
            main_cause="illness",
            secondary_causes=["disability", "education", "housing", "disaster"],
        )
    with pytest.raises(ValidationError, match="不能与主要致困原因“疾病”相同"):
        open_file(tpq_member, main_cause="illness", secondary_causes=["illness"])
    open_file(tpq_member)
    with pytest.raises(ValidationError, match="已有在档的困难职工档案"):
        open_file(tpq_member)


def test_lifting_out_needs_a_reason_and_closes_the_file(people, tpq_member):
    hardship_file = open_file(tpq_member)
    with pytest.raises(ValidationError, match="必须说明原因"):
        services.hardship_file_lift_out(
            actor=people.tpq_staff, hardship_file=hardship_file, on=D(2025, 6, 1), reason=" "
        )
    services.hardship_file_lift_out(
        actor=people.tpq_staff, hardship_file=hardship_file, on=D(2025, 6, 1), reason="再就业"
    )
    assert hardship_file.status == HardshipFile.Status.LIFTED_OUT
    assert hardship_file.lifted_out_on == D(2025, 6, 1)
    # and the member may have a new file later
    assert open_file(tpq_member, opened_on=D(2025, 9, 1)).is_active


def test_files_not_reviewed_for_twelve_months_are_due(tpq_member, dgd_member):
    # given a file last reviewed on 2025-03-15 and one reviewed on 2025-03-16
    due = open_file(tpq_member, opened_on=D(2025, 3, 15))
    fresh = open_file(dgd_member, opened_on=D(2025, 3, 16))
    # then on 2026-03-15 only the first is due (twelve months without a review)
    assert list(HardshipFile.objects.review_due(D(2026, 3, 15))) == [due]
    assert due.review_due(D(2026, 3, 15))
    assert not fresh.review_due(D(2026, 3, 15))
    # and a review clears it
    services.hardship_file_review(actor=None, hardship_file=due, on=D(2026, 3, 15))
    assert not HardshipFile.objects.review_due(D(2026, 3, 15)).exists()
    # a file lifted out is never due
    services.hardship_file_lift_out(
        actor=None, hardship_file=fresh, on=D(2025, 4, 1), reason="收入提高"
    )
    assert not HardshipFile.objects.review_due(D(2027, 1, 1)).filter(pk=fresh.pk).exists()


# --- grants: drafting and approving -------------------------------------------------------------


def test_staff_draft_a_chair_approves_and_the_paid_date_is_recorded(people, tpq_member):
    grant = draft_grant(tpq_member, "winter_warmth", actor=people.tpq_staff)
    assert grant.status == Grant.Status.DRAFT
    services.grant_approve(actor=people.tpq_chair, grant=grant)
    assert grant.status == Grant.Status.APPROVED
    services.grant_mark_paid(actor=people.tpq_staff, grant=grant, paid_on=D(2025, 1, 25))
    assert (grant.status, grant.paid_on) == (Grant.Status.PAID, D(2025, 1, 25))
    assert list(grant.decisions.values_list("kind", "decided_by__username")) == [
        (GrantDecision.Kind.APPROVE, "tpq_chair"),
        (GrantDecision.Kind.PAY, "tpq_staff"),
    ]


def test_staff_cannot_approve_and_chairs_cannot_draft(people, tpq_member):
    with pytest.raises(Http404):
        draft_grant(tpq_member, "winter_warmth", actor=people.tpq_chair)
    grant = draft_grant(tpq_member, "winter_warmth", actor=people.tpq_staff)
    with pytest.raises(Http404):
        services.grant_approve(actor=people.tpq_staff, grant=grant)
    with pytest.raises(Http404):
        services.grant_approve(actor=people.dgd_chair, grant=grant)
    grant.refresh_from_db()
    assert grant.status == Grant.Status.DRAFT


def test_self_approval_is_refused(people, tpq_member):
    # given someone who is both staff and chair of 太平桥 and drafted the grant
    both = people.tpq_staff
    grant_role(both, people.tpq_chair.role_assignments.get().federation, Role.CHAIR)
    grant = draft_grant(tpq_member, "winter_warmth", actor=both)
    # when they approve it, then it is refused, saying why
    with pytest.raises(ValidationError) as error:
        services.grant_approve(actor=both, grant=grant)
    assert "不能审批本人经办的记录" in messages_of(error)
    grant.refresh_from_db()
    assert grant.status == Grant.Status.DRAFT
    # another chair may
    services.grant_approve(actor=people.tpq_chair, grant=grant)
    assert grant.status == Grant.Status.APPROVED


def test_a_rejection_needs_a_reason(people, tpq_member):
    grant = draft_grant(tpq_member, "winter_warmth", actor=people.tpq_staff)
    with pytest.raises(ValidationError, match="驳回必须说明原因"):
        services.grant_reject(actor=people.tpq_chair, grant=grant, reason="")
    services.grant_reject(actor=people.tpq_chair, grant=grant, reason="材料不全")
    assert (grant.status, grant.reject_reason) == (Grant.Status.REJECTED, "材料不全")
    with pytest.raises(ValidationError, match="只有待审批的记录可以审批"):
        services.grant_approve(actor=people.tpq_chair, grant=grant)


# per-year limit


def test_per_year_limit_at_draft(tpq_member):
    draft_grant(tpq_member, "winter_warmth", granted_on=D(2025, 1, 20))
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "winter_warmth", granted_on=D(2025, 12, 20))
    assert "超过每人每年次数上限" in messages_of(error)
    assert "每人每年最多 1 次" in messages_of(error)
    # another year is another count, and a rejected grant does not count
    draft_grant(tpq_member, "winter_warmth", granted_on=D(2026, 1, 5))
    assert Grant.objects.count() == 2


def test_a_rejected_grant_frees_the_years_place(people, tpq_member):
    first = draft_grant(tpq_member, "winter_warmth")
    services.grant_reject(actor=people.tpq_chair, grant=first, reason="重复申报")
    assert draft_grant(tpq_member, "winter_warmth").status == Grant.Status.DRAFT


def test_per_year_limit_at_approval(people, tpq_member):
    # given two emergency grants drafted while the programme had no limit
    open_file(tpq_member, opened_on=D(2025, 1, 1))
    first = draft_grant(tpq_member, "emergency", actor=people.tpq_staff, amount=Decimal("800"))
    draft_grant(tpq_member, "emergency", actor=people.tpq_staff, amount=Decimal("900"))
    # when the office limits it to once a year and the chair approves the first
    services.aid_program_update(
        actor=people.office, program=program("emergency"), grants_per_year=1
    )
    with pytest.raises(ValidationError) as error:
        services.grant_approve(actor=people.tpq_chair, grant=first)
    # then it is refused: the other one counts
    assert "超过每人每年次数上限" in messages_of(error)
    first.refresh_from_db()
    assert first.status == Grant.Status.DRAFT


def test_study_aid_limit_is_per_student(tpq_member):
    open_file(tpq_member)
    draft_grant(tpq_member, "study_aid", student_name="小明")
    draft_grant(tpq_member, "study_aid", student_name="小红")
    with pytest.raises(ValidationError, match="学生“小明”"):
        draft_grant(tpq_member, "study_aid", student_name="小 明")


def test_study_aid_records_the_student(tpq_member):
    open_file(tpq_member)
    with pytest.raises(ValidationError) as error:
        draft_grant(
            tpq_member, "study_aid", student_name="", school="", study_level="", admission_year=None
        )
    assert set(error.value.message_dict) >= {
        "student_name",
        "school",
        "study_level",
        "admission_year",
    }


# amount cap


def test_amount_cap_at_draft(tpq_member):
    # 两节送温暖: at most 2,000 yuan, cash and goods together
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "winter_warmth", amount=Decimal("1500"), goods_value=Decimal("600"))
    assert "超过单次金额上限" in messages_of(error)
    assert "2,000.00 元" in messages_of(error)
    assert "2,100.00 元" in messages_of(error)
    assert draft_grant(
        tpq_member, "winter_warmth", amount=Decimal("1400"), goods_value=Decimal("600")
    )


def test_amount_cap_at_approval(people, tpq_member):
    grant = draft_grant(tpq_member, "winter_warmth", actor=people.tpq_staff, amount=Decimal("1500"))
    services.aid_program_update(
        actor=people.office, program=program("winter_warmth"), max_amount=Decimal("1000")
    )
    with pytest.raises(ValidationError, match="超过单次金额上限"):
        services.grant_approve(actor=people.tpq_chair, grant=grant)


# file required


def test_file_required_at_draft(tpq_member):
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "study_aid")
    assert "不符合建档要求" in messages_of(error)
    assert "没有在档的困难职工档案" in messages_of(error)
    # with an active file it passes, and the grant points at the file
    hardship_file = open_file(tpq_member, opened_on=D(2025, 1, 5))
    grant = draft_grant(tpq_member, "study_aid", granted_on=D(2025, 1, 20))
    assert grant.hardship_file == hardship_file


def test_file_required_at_approval(people, tpq_member):
    hardship_file = open_file(tpq_member, opened_on=D(2025, 1, 5))
    grant = draft_grant(tpq_member, "emergency", actor=people.tpq_staff, granted_on=D(2025, 3, 1))
    # the file was lifted out before the grant's date
    services.hardship_file_lift_out(
        actor=people.tpq_staff, hardship_file=hardship_file, on=D(2025, 2, 1), reason="已就业"
    )
    with pytest.raises(ValidationError, match="不符合建档要求"):
        services.grant_approve(actor=people.tpq_chair, grant=grant)


def test_winter_warmth_needs_no_file(tpq_member):
    assert draft_grant(tpq_member, "winter_warmth").hardship_file is None


# model worker


def test_model_worker_visit_needs_a_model_worker_at_draft(people, tpq_member):
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "model_worker", granted_on=D(2025, 4, 28))
    assert "不符合劳模要求" in messages_of(error)
    # a title awarded later than the grant's year does not count
    services.model_worker_title_add(
        actor=people.tpq_staff, member=tpq_member, title="北京市劳动模范", level="city", year=2026
    )
    with pytest.raises(ValidationError, match="不符合劳模要求"):
        draft_grant(tpq_member, "model_worker", granted_on=D(2025, 4, 28))
    services.model_worker_title_add(
        actor=people.tpq_staff,
        member=tpq_member,
        title="丰台区劳动模范",
        level="district",
        year=2020,
    )
    # no hardship file is needed for it
    assert draft_grant(tpq_member, "model_worker", granted_on=D(2025, 4, 28))


def test_a_member_marked_a_model_worker_on_their_record_may_have_the_visit(people, tpq_member):
    # given a member with no title recorded here, but marked 劳动模范 on the member form
    from membership.services import member_update

    member_update(actor=people.tpq_staff, member=tpq_member, is_model_worker=True)
    # then the visit may be drafted (and needs no hardship file)
    grant = draft_grant(tpq_member, "model_worker", granted_on=D(2025, 4, 28))
    assert grant.status == Grant.Status.DRAFT


def test_model_worker_at_approval(people, tpq_member):
    title = services.model_worker_title_add(
        actor=None, member=tpq_member, title="全国劳动模范", level="national", year=2015
    )
    grant = draft_grant(tpq_member, "model_worker", actor=people.tpq_staff)
    ModelWorkerTitle.objects.filter(pk=title.pk).delete()  # recorded by mistake, removed
    with pytest.raises(ValidationError, match="不符合劳模要求"):
        services.grant_approve(actor=people.tpq_chair, grant=grant)


# budget


def test_budget_at_draft(tree, people, tpq_member, tpq_enterprise):

    other = make_member(tpq_enterprise, name="王二")
    services.aid_budget_set(
        actor=people.office,
        federation=tree.tpq,
        program=program("winter_warmth"),
        year=2025,
        amount=Decimal("1000"),
    )
    used = draft_grant(other, "winter_warmth", amount=Decimal("700"))
    services.grant_approve(actor=people.tpq_chair, grant=used)
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "winter_warmth", amount=Decimal("400"))
    text = messages_of(error)
    assert "超出年度预算" in text
    assert "预算 1,000.00 元" in text
    assert "已审批和已发放 700.00 元" in text
    assert "剩余 300.00 元" in text
    assert draft_grant(tpq_member, "winter_warmth", amount=Decimal("300"))


def test_budget_at_approval(tree, people, tpq_member, tpq_enterprise):

    other = make_member(tpq_enterprise, name="王二")
    services.aid_budget_set(
        actor=people.office,
        federation=tree.tpq,
        program=program("winter_warmth"),
        year=2025,
        amount=Decimal("1000"),
    )
    # two drafts that each fit the budget, but not together
    first = draft_grant(other, "winter_warmth", actor=people.tpq_staff, amount=Decimal("600"))
    second = draft_grant(tpq_member, "winter_warmth", actor=people.tpq_staff, amount=Decimal("600"))
    services.grant_approve(actor=people.tpq_chair, grant=first)
    with pytest.raises(ValidationError, match="超出年度预算"):
        services.grant_approve(actor=people.tpq_chair, grant=second)
    second.refresh_from_db()
    assert second.status == Grant.Status.DRAFT


def test_only_the_office_sets_budgets_and_programme_rules(tree, people):
    with pytest.raises(Http404):
        services.aid_budget_set(
            actor=people.tpq_staff,
            federation=tree.tpq,
            program=program("winter_warmth"),
            year=2025,
            amount=Decimal("1"),
        )
    with pytest.raises(Http404):
        services.aid_program_update(
            actor=people.district_chair, program=program("other"), max_amount=Decimal("1")
        )


def test_all_broken_rules_are_named_together(tpq_member):
    with pytest.raises(ValidationError) as error:
        draft_grant(tpq_member, "serious_illness", amount=Decimal("40000"))
    text = messages_of(error)
    assert "超过单次金额上限" in text
    assert "不符合建档要求" in text


def test_the_recipient_must_be_in_the_paying_federations_scope(tree, people, dgd_member):
    with pytest.raises(ValidationError, match="不在“太平桥街道总工会”的范围内"):
        draft_grant(dgd_member, "winter_warmth", federation=tree.tpq)
    # the district may pay anyone in the district
    assert draft_grant(
        dgd_member, "winter_warmth", actor=people.district_staff, federation=tree.district
    )


def test_mutual_aid_claim_is_paid_at_most_what_was_claimed(people, tpq_member):
    claim = services.mutual_aid_claim_submit(
        actor=people.tpq_staff,
        member=tpq_member,
        kind="hospital",
        incident_on=D(2025, 2, 1),
        amount_claimed=Decimal("3000"),
    )
    with pytest.raises(ValidationError, match="超过申请金额"):
        services.mutual_aid_claim_settle(
            actor=people.tpq_staff,
            claim=claim,
            paid=True,
            amount_paid=Decimal("3500"),
            paid_on=D(2025, 3, 1),
        )
    services.mutual_aid_claim_settle(
        actor=people.tpq_staff,
        claim=claim,
        paid=True,
        amount_paid=Decimal("2500"),
        paid_on=D(2025, 3, 1),
    )
    assert claim.__class__.objects.get().amount_paid == Decimal("2500.00")


def test_group_delivery_visits_enterprises_in_scope_only(
    tree, people, tpq_enterprise, dgd_enterprise
):
    with pytest.raises(ValidationError, match="东高地乙公司"):
        services.group_delivery_record(
            actor=people.tpq_staff,
            federation=tree.tpq,
            kind="summer_cooling",
            delivered_on=D(2025, 7, 10),
            workers_reached=40,
            enterprises=[tpq_enterprise, dgd_enterprise],
        )
    delivery = services.group_delivery_record(
        actor=people.tpq_staff,
        federation=tree.tpq,
        kind="summer_cooling",
        delivered_on=D(2025, 7, 10),
        workers_reached=40,
        goods_value=Decimal("2000"),
        enterprises=[tpq_enterprise],
    )
    assert list(delivery.enterprises.all()) == [tpq_enterprise]
