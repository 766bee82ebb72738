"""Writing activities, registrations and check-ins through `activities.services`."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from activities import services
from activities.models import Activity, JobFair, Participation, Programme
from audit.models import AuditEvent
from tests.activities.factories import ActivityFactory

D = datetime.date
Status = Activity.Status
Outcome = services.CheckIn.Outcome


def test_an_activity_is_recorded_with_its_job_fair_figures_and_audited(tree, staff):
    # given staff of 太平桥
    # when they record a job fair with its figures
    activity = services.activity_create(
        actor=staff.tpq,
        federation=tree.tpq,
        title="春风行动招聘会",
        category=Activity.Category.JOB_FAIR,
        starts_on=D(2026, 3, 5),
        status=Status.HELD,
        person_times=1200,
        enterprise_count=27,
        cost="3500.5",
        job_fair={"positions": 768, "intents": 316, "job_types": "普工、保安"},
    )
    # then the activity, its figures and one audit event exist; cost is yuan to the fen
    activity.refresh_from_db()
    assert (activity.ends_on, activity.cost) == (D(2026, 3, 5), Decimal("3500.50"))
    fair = JobFair.objects.get(activity=activity)
    assert (fair.positions, fair.intents, fair.job_types) == (768, 316, "普工、保安")
    event = AuditEvent.objects.get(object_id=activity.pk, action=AuditEvent.Action.CREATE)
    assert event.federation == tree.tpq


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"ends_on": D(2026, 4, 30)}, "ends_on", "结束日期不能早于开始日期"),
        ({"starts_on": D(2099, 1, 1)}, "status", "晚于今天"),
        ({"person_times": None}, "person_times", "须填写参与人次"),
        ({"registration": True, "person_times": 5}, "person_times", "按签到计参与人次"),
        ({"cost": "-1"}, "cost", ""),
        ({"job_fair": {"positions": 10}}, "category", "只有“招聘会”"),
    ],
)
def test_the_rules_of_an_activity_are_named_on_their_field(tree, staff, fields, field, text):
    # given a held open event on 2026-05-01 with 10 person-times, changed to break one rule
    values = {
        "federation": tree.tpq,
        "title": "健步走",
        "category": Activity.Category.CULTURE_SPORTS,
        "starts_on": D(2026, 5, 1),
        "status": Status.HELD,
        "person_times": 10,
        **fields,
    }
    # when it is recorded, then the rule is named on its field and nothing is written
    with pytest.raises(ValidationError) as caught:
        services.activity_create(actor=staff.tpq, **values)
    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])
    assert not Activity.objects.exists()


def test_staff_of_a_sibling_street_cannot_record_or_change_an_activity(tree, staff):
    # given an activity of 东高地
    activity = ActivityFactory(federation=tree.dgd)
    # when 太平桥's staff try to record one for 东高地 or to change it, then it does not exist
    with pytest.raises(Http404):
        services.activity_create(
            actor=staff.tpq,
            federation=tree.dgd,
            title="越权",
            category="other",
            starts_on=D(2026, 5, 1),
        )
    with pytest.raises(Http404):
        services.activity_update(actor=staff.tpq, activity=activity, title="被改名")
    activity.refresh_from_db()
    assert activity.title != "被改名"


def test_a_programme_takes_only_activities_of_its_federation_and_year(tree, staff):
    # given the district's 2026 programme 健康四季行
    programme = services.programme_save(
        actor=staff.district,
        federation=tree.district,
        name="健康四季行",
        year=2026,
        quarters={1: ("春乐", 2), 2: ("夏游", 1)},
    )
    # when a street files an activity of 2026 under it, then that is allowed
    ActivityFactory(federation=tree.tpq, programme=programme)
    # but not an activity of another year
    with pytest.raises(ValidationError, match="2026 年度"):
        ActivityFactory(federation=tree.tpq, programme=programme, starts_on=D(2025, 5, 1))
    # and a street's programme does not take the district's own activities
    street = services.programme_save(actor=staff.tpq, federation=tree.tpq, name="读书季", year=2026)
    with pytest.raises(ValidationError, match="不包括"):
        ActivityFactory(federation=tree.district, programme=street)
    assert Programme.objects.get(pk=programme.pk).quarters.count() == 2


# --- registration and check-in ------------------------------------------------------------------


@pytest.fixture
def contest(tree):
    return ActivityFactory(
        federation=tree.tpq,
        title="职工技能竞赛",
        category=Activity.Category.SKILLS_CONTEST,
        registration=True,
        status=Status.PLANNED,
        starts_on=D(2026, 5, 1),
    )


def test_a_registered_member_checks_in_by_id_number_and_the_activity_becomes_held(
    staff, people, contest
):
    # given 张三 registered for a planned contest with registration
    services.participation_register(actor=staff.tpq, activity=contest, member=people.zhang)
    # when their ID number is typed at the door in lower case and full width
    typed = people.zhang.id_number.lower().replace("1", "１")
    result = services.participation_check_in(actor=staff.tpq, activity=contest, number=typed)
    # then they are checked in, on their registration, and the contest counts as held
    assert result.outcome == Outcome.CHECKED_IN
    assert "张三" in result.message
    participation = Participation.objects.get()
    assert participation.checked_in_at is not None
    assert participation.registered_at is not None
    contest.refresh_from_db()
    assert contest.status == Status.HELD


def test_a_member_card_number_checks_in_a_walk_in(staff, people, contest):
    # given 张三 did not register
    # when their member card number is scanned
    result = services.participation_check_in(actor=staff.tpq, activity=contest, number=" TPQ-001 ")
    # then they are checked in as a walk-in
    assert (result.outcome, result.walk_in) == (Outcome.CHECKED_IN, True)
    assert Participation.objects.get().member == people.zhang


def test_checking_in_twice_is_a_message_not_a_second_row(staff, people, contest):
    services.participation_check_in(actor=staff.tpq, activity=contest, number="TPQ-001")
    # when the same card is scanned again
    again = services.participation_check_in(actor=staff.tpq, activity=contest, number="TPQ-001")
    # then the door is told so, and there is still one row
    assert again.outcome == Outcome.ALREADY
    assert "已于" in again.message
    assert "无需重复签到" in again.message
    assert Participation.objects.count() == 1


def test_an_unknown_or_out_of_scope_number_gets_the_same_message_naming_nobody(
    staff, people, contest
):
    # given 王五 is a member in 东高地, outside the contest's 太平桥
    unknown = services.participation_check_in(
        actor=staff.tpq, activity=contest, number="NO-SUCH-CARD"
    )
    outside = services.participation_check_in(
        actor=staff.tpq, activity=contest, number=people.wang.id_number
    )
    outside_card = services.participation_check_in(
        actor=staff.tpq, activity=contest, number="DGD-001"
    )
    # then each is "not found", in Chinese, without 王五's name or full ID number
    for result in (unknown, outside, outside_card):
        assert result.outcome == Outcome.NOT_FOUND
        assert "未找到" in result.message
        assert "王五" not in result.message
        assert "东高地" not in result.message
    assert people.wang.id_number not in outside.message
    assert not Participation.objects.exists()


def test_check_in_refuses_a_future_open_or_cancelled_activity(tree, staff, people):
    future = ActivityFactory(
        federation=tree.tpq, registration=True, status=Status.PLANNED, starts_on=D(2099, 1, 1)
    )
    walk = ActivityFactory(federation=tree.tpq)
    cancelled = ActivityFactory(federation=tree.tpq, registration=True, status=Status.CANCELLED)
    for activity, text in ((future, "尚未开始"), (walk, "开放式活动"), (cancelled, "已取消")):
        with pytest.raises(ValidationError, match=text):
            services.participation_check_in(actor=staff.tpq, activity=activity, number="TPQ-001")
    assert not Participation.objects.exists()


def test_only_members_within_the_activity_federation_can_be_registered(staff, people, contest):
    with pytest.raises(ValidationError, match="辖区内的在会会员"):
        services.participation_register(actor=staff.tpq, activity=contest, member=people.wang)
    services.participation_register(actor=staff.tpq, activity=contest, member=people.li)
    with pytest.raises(ValidationError, match="已报名"):
        services.participation_register(actor=staff.tpq, activity=contest, member=people.li)
    assert Participation.objects.count() == 1


def test_a_district_activity_checks_in_members_of_every_street(staff, people, tree):
    activity = ActivityFactory(federation=tree.district, registration=True)
    result = services.participation_check_in(
        actor=staff.district, activity=activity, number="DGD-001"
    )
    assert result.outcome == Outcome.CHECKED_IN
    # but the street's staff cannot check in at the district's activity at all
    with pytest.raises(Http404):
        services.participation_check_in(actor=staff.tpq, activity=activity, number="TPQ-001")


def test_an_activity_with_check_ins_keeps_its_registration(staff, people, contest):
    services.participation_check_in(
        actor=staff.tpq, activity=contest, number="TPQ-001", now=timezone.now()
    )
    with pytest.raises(ValidationError, match="不能改为开放式活动"):
        services.activity_update(
            actor=staff.tpq, activity=contest, registration=False, person_times=50
        )
