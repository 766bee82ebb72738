"""A small hand-built case of hardship aid and activities on the `tree` fixture, for the tests of
the reports' hardship-aid and activity figures (command, JSON, snapshots, dashboard, PDF).

太平桥 (TPQ), hardship aid:
- 李 file opened 2023-05-01 (2023Q2); 张 file opened 2024-04-10 (2024Q2): 2 active on 2024-06-30,
  1 on 2024-03-31 and on 2023-06-30.
- paid grants: 李 应急救助 ¥900 on 2024-02-01 (2024Q1); 张 两节送温暖 ¥500 + goods ¥200.50 on
  2024-05-20; 李 金秋助学 ¥3000 on 2024-06-30 (the quarter's last day). Also a draft of ¥300 (not
  counted). 2024Q2: 2 grants, ¥3,500.00 cash, ¥200.50 goods, 1 student.
- budget 两节送温暖 2024: ¥10,000 (used ¥700.50 by 2024-06-30).
- a mutual-aid claim of 张 paid ¥2,500.40 on 2024-06-01.
Activities (held):
- TPQ open 文体活动 2024-05-01: 120 person-times, 3 enterprises, ¥800.50;
- TPQ registered 培训讲座 2024-06-30: 张 and 李 check in (2 person-times, 2 people);
- TPQ open 文体活动 2024-03-01 (2024Q1): 30 person-times;
- DGD 招聘会 2024-04-15: 60 person-times, 50 positions, 12 intents;
- TPQ planned activity 2024-05-05 (not counted).
TPQ 2024Q2: 2 activities, 122 person-times, distinct people unknown (an open event), 2 checked in.
"""

import datetime
from decimal import Decimal

from activities import services as activity_services
from activities.models import Activity
from assistance import services as aid_services
from federations.models import Role
from tests.activities.factories import ActivityFactory
from tests.assistance.factories import draft_grant, make_enterprise, make_member, open_file, program

D = datetime.date
C = Activity.Category


def build_case(tree, make_user):
    chair = make_user(tree.tpq, Role.CHAIR, username="case_tpq_chair")
    enterprise = make_enterprise(tree.tpq, name="太平桥帮扶公司", employees=40)
    li = make_member(enterprise, name="李困难", joined_on=D(2020, 1, 1))
    zhang = make_member(enterprise, name="张困难", joined_on=D(2020, 1, 1))
    open_file(li, opened_on=D(2023, 5, 1))
    open_file(zhang, opened_on=D(2024, 4, 10))
    aid_services.aid_budget_set(
        actor=None,
        federation=tree.tpq,
        program=program("winter_warmth"),
        year=2024,
        amount=Decimal("10000"),
    )

    def paid(grant, on):
        aid_services.grant_approve(actor=chair, grant=grant)
        return aid_services.grant_mark_paid(actor=None, grant=grant, paid_on=on)

    paid(
        draft_grant(li, "emergency", amount=Decimal("900"), granted_on=D(2024, 2, 1)), D(2024, 2, 2)
    )
    paid(
        draft_grant(
            zhang,
            "winter_warmth",
            amount=Decimal("500"),
            goods_value=Decimal("200.50"),
            granted_on=D(2024, 5, 20),
        ),
        D(2024, 5, 21),
    )
    paid(
        draft_grant(li, "study_aid", amount=Decimal("3000"), granted_on=D(2024, 6, 30)),
        D(2024, 6, 30),
    )
    draft_grant(zhang, "summer_cooling", amount=Decimal("300"), granted_on=D(2024, 6, 10))
    claim = aid_services.mutual_aid_claim_submit(
        actor=None,
        member=zhang,
        kind="hospital",
        incident_on=D(2024, 5, 1),
        amount_claimed=Decimal("3000"),
    )
    aid_services.mutual_aid_claim_settle(
        actor=None, claim=claim, paid=True, amount_paid=Decimal("2500.40"), paid_on=D(2024, 6, 1)
    )

    ActivityFactory(
        federation=tree.tpq,
        title="职工健步走",
        starts_on=D(2024, 5, 1),
        person_times=120,
        enterprise_count=3,
        cost=Decimal("800.50"),
    )
    training = ActivityFactory(
        federation=tree.tpq,
        title="急救培训",
        category=C.TRAINING,
        registration=True,
        starts_on=D(2024, 6, 30),
    )
    for member in (zhang, li):
        activity_services.participation_check_in(
            actor=None, activity=training, number=member.id_number
        )
    ActivityFactory(federation=tree.tpq, title="迎春长跑", starts_on=D(2024, 3, 1), person_times=30)
    ActivityFactory(
        federation=tree.dgd,
        title="春风行动招聘会",
        category=C.JOB_FAIR,
        starts_on=D(2024, 4, 15),
        person_times=60,
        job_fair={"positions": 50, "intents": 12},
    )
    ActivityFactory(
        federation=tree.tpq,
        title="计划中的活动",
        status=Activity.Status.PLANNED,
        starts_on=D(2024, 5, 5),
        person_times=None,
    )
    return type("Case", (), {"chair": chair, "li": li, "zhang": zhang, "enterprise": enterprise})
