"""The activity indicators on a small hand-built district: person-times against distinct people,
the period boundaries, only held activities, the scope."""

import datetime
from decimal import Decimal

import pytest

from activities import services
from activities.indicators import activity_indicators, category_rows
from activities.models import Activity
from reports.periods import Period, Quarter
from tests.activities.factories import ActivityFactory

D = datetime.date
C = Activity.Category
Status = Activity.Status
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


@pytest.fixture
def district(tree, people):
    """In 太平桥 (TPQ), 2026:
    - walk     open, 文体活动, 2026-06-30 (the last day of Q2), 500 person-times, 5 enterprises,
               ¥1000
    - contest  registration, 技能竞赛, 2026-06-29 … 07-02 (spans Q2 and Q3): 张三 and 李四 check in
    - lecture  registration, 培训讲座, 2026-04-01 (the first day of Q2): 张三 checks in
    - fair     open, 招聘会, 2026-05-10: 300 person-times, 27 employers, 768 positions, 316 intents,
               ¥2000.50
    - planned and cancelled activities in Q2, and a walk on 2026-03-31 (Q1), which Q2 leaves out.
    In 东高地 (DGD): a registered contest on 2026-07-01 (Q3), 王五 checks in.
    In 王佐 (WZ): an open event in Q2 with 40 person-times."""

    def check_in(activity, *members):
        for member in members:
            services.participation_check_in(actor=None, activity=activity, number=member.id_number)

    tpq = tree.tpq
    ActivityFactory(
        federation=tpq,
        title="健步走",
        starts_on=D(2026, 6, 30),
        person_times=500,
        enterprise_count=5,
        cost=Decimal("1000"),
    )
    contest = ActivityFactory(
        federation=tpq,
        title="技能竞赛",
        category=C.SKILLS_CONTEST,
        registration=True,
        starts_on=D(2026, 6, 29),
        ends_on=D(2026, 7, 2),
    )
    check_in(contest, people.zhang, people.li)
    lecture = ActivityFactory(
        federation=tpq,
        title="急救培训",
        category=C.TRAINING,
        registration=True,
        starts_on=D(2026, 4, 1),
    )
    check_in(lecture, people.zhang)
    ActivityFactory(
        federation=tpq,
        title="春风行动招聘会",
        category=C.JOB_FAIR,
        starts_on=D(2026, 5, 10),
        person_times=300,
        enterprise_count=27,
        cost=Decimal("2000.50"),
        job_fair={"positions": 768, "intents": 316},
    )
    ActivityFactory(
        federation=tpq, status=Status.PLANNED, starts_on=D(2026, 5, 20), person_times=None
    )
    ActivityFactory(federation=tpq, status=Status.CANCELLED, starts_on=D(2026, 5, 21))
    ActivityFactory(federation=tpq, starts_on=D(2026, 3, 31), person_times=80)
    dgd_contest = ActivityFactory(
        federation=tree.dgd, category=C.SKILLS_CONTEST, registration=True, starts_on=D(2026, 7, 1)
    )
    check_in(dgd_contest, people.wang)
    ActivityFactory(federation=tree.wz, starts_on=D(2026, 5, 1), person_times=40)
    return tree


def test_a_quarter_counts_held_activities_starting_in_it_with_person_times_and_people(
    district, django_assert_num_queries
):
    # when 太平桥's second quarter is counted
    with django_assert_num_queries(2):
        figures = activity_indicators(federation=district.tpq, period=Q2.period)
    # then the four held activities starting in it count (the contest that runs into Q3 too; not
    # the planned, the cancelled or the walk of 31 March)
    assert figures["activities_count"] == 4
    # person-times: 500 + 300 entered, 2 + 1 check-ins
    assert figures["activity_person_times"] == 803
    # distinct people are unknown with open events among them; 2 people checked in
    assert figures["activity_distinct_people"] is None
    assert figures["activity_checked_in_people"] == 2
    assert figures["activity_enterprises"] == 32
    assert figures["activity_cost"] == Decimal("3000.50")
    assert (figures["job_fair_positions"], figures["job_fair_intents"]) == (768, 316)


def test_per_category_person_times_and_distinct_people_where_known(district):
    by = activity_indicators(federation=district.tpq, period=Q2.period)["by_category"]
    assert by[C.CULTURE_SPORTS] == {
        "label": "文体活动",
        "activities_count": 1,
        "person_times": 500,
        "distinct_people": None,
    }
    assert (by[C.SKILLS_CONTEST]["person_times"], by[C.SKILLS_CONTEST]["distinct_people"]) == (2, 2)
    assert (by[C.TRAINING]["person_times"], by[C.TRAINING]["distinct_people"]) == (1, 1)
    assert (by[C.JOB_FAIR]["person_times"], by[C.JOB_FAIR]["distinct_people"]) == (300, None)
    assert by[C.VOLUNTEER] == {
        "label": "志愿服务",
        "activities_count": 0,
        "person_times": 0,
        "distinct_people": 0,
    }
    rows = category_rows({"by_category": by})
    assert [row["label"] for row in rows] == ["文体活动", "技能竞赛", "培训讲座", "招聘会"]


def test_distinct_people_are_known_when_every_activity_has_registration(district):
    # given the open events of 太平桥's Q2 (the walk and the job fair) were in fact cancelled
    for title in ("健步走", "春风行动招聘会"):
        activity = Activity.objects.get(title=title)
        services.activity_update(actor=None, activity=activity, status=Status.CANCELLED)
    # when Q2 is counted: the contest (张三, 李四) and the lecture (张三 again)
    figures = activity_indicators(federation=district.tpq, period=Q2.period)
    # then three person-times, two people: now known
    assert figures["activities_count"] == 2
    assert (figures["activity_person_times"], figures["activity_distinct_people"]) == (3, 2)
    # and a single day with the lecture alone: one and one
    first_of_april = Period(D(2026, 4, 1), D(2026, 4, 1))
    figures = activity_indicators(federation=district.tpq, period=first_of_april)
    assert (figures["activity_person_times"], figures["activity_distinct_people"]) == (1, 1)


def test_an_activity_spanning_two_quarters_counts_only_in_the_quarter_it_starts(district):
    # the contest of 29 June – 2 July is not in 太平桥's third quarter
    figures = activity_indicators(federation=district.tpq, period=Q3.period)
    assert figures["activities_count"] == 0
    assert figures["activity_person_times"] == 0
    assert figures["activity_distinct_people"] == 0
    assert figures["activity_cost"] == Decimal("0.00")
    # 东高地's contest on 1 July is in the third quarter, with its one person
    figures = activity_indicators(federation=district.dgd, period=Q3.period)
    assert (figures["activities_count"], figures["activity_distinct_people"]) == (1, 1)


def test_the_district_sums_its_streets_and_the_year_to_date_includes_earlier_quarters(district):
    q2 = activity_indicators(federation=district.district, period=Q2.period)
    # 太平桥's four and 王佐's one; 东高地's contest is in Q3
    assert (q2["activities_count"], q2["activity_person_times"]) == (5, 843)
    # the year up to 30 June adds 太平桥's walk of 31 March
    ytd = activity_indicators(federation=district.tpq, period=Period.year_to_date(D(2026, 6, 30)))
    assert (ytd["activities_count"], ytd["activity_person_times"]) == (5, 883)
    # the year up to 29 June leaves out the walk of 30 June
    ytd = activity_indicators(federation=district.tpq, period=Period.year_to_date(D(2026, 6, 29)))
    assert (ytd["activities_count"], ytd["activity_person_times"]) == (4, 383)


def test_a_member_at_two_events_of_the_scope_is_one_person(district):
    # given the district itself also held a registered event in Q3, where 王五 checked in again
    own = ActivityFactory(federation=district.district, registration=True, starts_on=D(2026, 8, 1))
    services.participation_check_in(actor=None, activity=own, number="DGD-001")
    # when the district's third quarter is counted
    total = activity_indicators(federation=district.district, period=Q3.period)
    # then 王五 counts once, though he came to two events (of two categories)
    assert (total["activity_person_times"], total["activity_distinct_people"]) == (2, 1)
    by = total["by_category"]
    assert (by[C.SKILLS_CONTEST]["person_times"], by[C.SKILLS_CONTEST]["distinct_people"]) == (1, 1)
    assert (by[C.CULTURE_SPORTS]["person_times"], by[C.CULTURE_SPORTS]["distinct_people"]) == (1, 1)
    # 东高地's own subtree has its contest alone
    dgd = activity_indicators(federation=district.dgd, period=Q3.period)
    assert (dgd["activities_count"], dgd["activity_distinct_people"]) == (1, 1)
