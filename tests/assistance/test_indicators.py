"""The hardship-aid indicators on a small case built by hand."""

import datetime
from decimal import Decimal

import pytest

from assistance import services
from assistance.indicators import KEYS, hardship_indicators
from reports.periods import Period, Quarter
from tests.assistance.factories import draft_grant, make_enterprise, make_member, open_file, program

D = datetime.date


def paid(grant, *, chair, on):
    services.grant_approve(actor=chair, grant=grant)
    services.grant_mark_paid(actor=None, grant=grant, paid_on=on)
    return grant


@pytest.fixture
def case(tree, people, tpq_enterprise, dgd_enterprise):
    """太平桥: three files (one lifted out in Q3), five grants of which three paid, one group
    delivery, two claims (one paid) and a winter-warmth budget; 东高地: one file, one paid grant,
    one delivery."""
    chair = people.tpq_chair
    a = make_member(tpq_enterprise, name="甲")
    b = make_member(tpq_enterprise, name="乙")
    c = make_member(tpq_enterprise, name="丙")
    d = make_member(dgd_enterprise, name="丁")
    open_file(a, opened_on=D(2025, 2, 1))
    lifted = open_file(b, opened_on=D(2024, 6, 1))
    services.hardship_file_lift_out(
        actor=None, hardship_file=lifted, on=D(2025, 8, 15), reason="再就业"
    )
    open_file(c, opened_on=D(2025, 7, 10))
    open_file(d, opened_on=D(2025, 7, 20))
    services.aid_budget_set(
        actor=None,
        federation=tree.tpq,
        program=program("winter_warmth"),
        year=2025,
        amount=Decimal("10000"),
    )
    # paid: winter warmth in Q1, study aid for two students of 甲 in Q3
    paid(
        draft_grant(
            a,
            "winter_warmth",
            amount=Decimal("500"),
            goods_value=Decimal("200.50"),
            granted_on=D(2025, 1, 20),
        ),
        chair=chair,
        on=D(2025, 1, 25),
    )
    for student in ("小甲", "小乙"):
        paid(
            draft_grant(
                a,
                "study_aid",
                student_name=student,
                amount=Decimal("3000"),
                granted_on=D(2025, 9, 1),
            ),
            chair=chair,
            on=D(2025, 9, 5),
        )
    # approved but not paid (uses budget, not counted as a paid grant), a draft, a rejection
    services.grant_approve(
        actor=chair,
        grant=draft_grant(c, "winter_warmth", amount=Decimal("800"), granted_on=D(2025, 8, 1)),
    )
    draft_grant(b, "winter_warmth", amount=Decimal("300"), granted_on=D(2025, 7, 2))
    rejected = draft_grant(c, "emergency", amount=Decimal("900"), granted_on=D(2025, 8, 2))
    services.grant_reject(actor=chair, grant=rejected, reason="材料不全")
    # 东高地
    paid(
        draft_grant(d, "winter_warmth", amount=Decimal("1000"), granted_on=D(2025, 8, 8)),
        chair=people.dgd_chair,
        on=D(2025, 8, 9),
    )
    other = make_enterprise(tree.tpq, name="太平桥丙公司")
    services.group_delivery_record(
        actor=None,
        federation=tree.tpq,
        kind="summer_cooling",
        delivered_on=D(2025, 7, 15),
        workers_reached=40,
        goods_value=Decimal("1200"),
        enterprises=[tpq_enterprise, other],
    )
    services.group_delivery_record(
        actor=None,
        federation=tree.dgd,
        kind="summer_cooling",
        delivered_on=D(2025, 7, 16),
        workers_reached=25,
        enterprises=[dgd_enterprise],
    )
    claim = services.mutual_aid_claim_submit(
        actor=None,
        member=a,
        kind="hospital",
        incident_on=D(2025, 6, 1),
        amount_claimed=Decimal("3000"),
    )
    services.mutual_aid_claim_settle(
        actor=None, claim=claim, paid=True, amount_paid=Decimal("2500.40"), paid_on=D(2025, 8, 1)
    )
    services.mutual_aid_claim_submit(
        actor=None,
        member=b,
        kind="accident",
        incident_on=D(2025, 7, 1),
        amount_claimed=Decimal("800"),
    )


def test_a_street_in_a_quarter(tree, case, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        figures = hardship_indicators(federation=tree.tpq, period=Quarter(2025, 3))
    assert {key: figures[key] for key in KEYS} == {
        "hardship_files_active": 2,  # 甲 and 丙 on 30 September; 乙 lifted out in August
        "hardship_files_opened": 1,  # 丙
        "hardship_files_lifted_out": 1,  # 乙
        "grants_count": 2,  # the two study-aid grants
        "grants_amount": Decimal("6000.00"),
        "grants_goods_value": Decimal("0.00"),
        "study_aid_students": 2,
        "people_reached_by_group_deliveries": 40,
        "group_delivery_enterprises": 2,
        "group_delivery_goods_value": Decimal("1200.00"),
        "mutual_aid_claims_paid": 1,
        "mutual_aid_claims_paid_amount": Decimal("2500.40"),
    }
    assert figures["grants_by_program"]["study_aid"] == {
        "label": "金秋助学",
        "count": 2,
        "amount": Decimal("6000.00"),
        "goods_value": Decimal("0.00"),
    }
    assert figures["grants_by_program"]["winter_warmth"]["count"] == 0
    # the budget of the year: 500 + 200.50 paid in January and 800 approved in August
    assert figures["budget_by_program"]["winter_warmth"] == {
        "label": "两节送温暖",
        "budget": Decimal("10000.00"),
        "used": Decimal("1500.50"),
        "remaining": Decimal("8499.50"),
    }
    assert figures["budget_by_program"]["study_aid"]["budget"] is None
    assert figures["budget_by_program"]["study_aid"]["used"] == Decimal("6000.00")
    money = [figures[k] for k in KEYS if "amount" in k or "value" in k]
    assert all(isinstance(value, Decimal) for value in money)


def test_the_district_year_to_date_adds_its_streets(tree, case):
    figures = hardship_indicators(federation=tree.district, period=D(2025, 9, 30))
    assert figures["hardship_files_active"] == 3  # 甲, 丙, 丁
    assert figures["hardship_files_opened"] == 3  # 甲, 丙, 丁 (乙 was opened in 2024)
    assert figures["grants_count"] == 4
    assert figures["grants_amount"] == Decimal("7500.00")
    assert figures["grants_goods_value"] == Decimal("200.50")
    assert figures["grants_by_program"]["winter_warmth"]["count"] == 2
    assert figures["people_reached_by_group_deliveries"] == 65
    # a sibling street sees only its own
    dgd = hardship_indicators(federation=tree.dgd, period=Period(D(2025, 1, 1), D(2025, 12, 31)))
    assert (dgd["grants_count"], dgd["grants_amount"], dgd["hardship_files_active"]) == (
        1,
        Decimal("1000.00"),
        1,
    )
    assert dgd["mutual_aid_claims_paid"] == 0


def test_an_empty_scope_is_all_zeros(tree, case):
    figures = hardship_indicators(federation=tree.wz, period=Quarter(2025, 3))
    assert all(figures[key] == 0 for key in KEYS)
    assert figures["grants_amount"] == Decimal("0.00")


def test_a_period_across_new_year_counts_its_paid_grants_and_this_years_budget_use(
    tree, case, people, tpq_enterprise
):
    # given a winter-warmth grant paid in December 2024, before the case's January 2025 one
    member = make_member(tpq_enterprise, name="戊")
    open_file(member, opened_on=D(2024, 11, 1))
    paid(
        draft_grant(member, "winter_warmth", amount=Decimal("100"), granted_on=D(2024, 12, 10)),
        chair=people.tpq_chair,
        on=D(2024, 12, 15),
    )
    # when the period runs from December 2024 to March 2025
    figures = hardship_indicators(
        federation=tree.tpq, period=Period(D(2024, 12, 1), D(2025, 3, 31))
    )
    # then both paid grants count, and the budget used is 2025's only (1 January to 31 March)
    assert figures["grants_by_program"]["winter_warmth"] == {
        "label": "两节送温暖",
        "count": 2,
        "amount": Decimal("600.00"),
        "goods_value": Decimal("200.50"),
    }
    assert figures["budget_by_program"]["winter_warmth"]["used"] == Decimal("700.50")
    assert figures["budget_by_program"]["winter_warmth"]["remaining"] == Decimal("9299.50")
