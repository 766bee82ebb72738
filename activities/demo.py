"""Demo activities for the demo district, after the seed articles: 健步走、登山 (four
events, about 1,500 person-times), a 春风行动 job fair (27 enterprises, 768 positions, 316
intents), 五月的鲜花 performances, first-aid training and a skills contest with check-ins, a
singles' social, a reading contest, and the district's year-long 健康四季行 (春乐、夏游、秋高、
冬训).

Dates are in the current year (or `year`); an activity dated after today is planned. Written
through the services (check-ins included, from the demo members of each street). Idempotent:
nothing is added when the district already has activities.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from federations.models import Federation
from membership.models import Membership

from . import services
from .models import Activity

C = Activity.Category

# (federation code, title, category, month, day, days, person-times or None for registration,
#  enterprises, cost, extra fields)
PLAN = [
    ("FT-DGD", "春季健步走", C.CULTURE_SPORTS, 3, 21, 1, 420, 12, "2600", {}),
    ("FT-DGD", "职工登山活动（香山）", C.CULTURE_SPORTS, 4, 18, 1, 360, 9, "5800", {}),
    ("FT-DGD", "环城健步走", C.CULTURE_SPORTS, 9, 26, 1, 400, 11, "2400", {}),
    ("FT-DGD", "秋季登山（百望山）", C.CULTURE_SPORTS, 10, 24, 1, 330, 8, "5200", {}),
    (
        "FT-DGD",
        "春风行动专场招聘会",
        C.JOB_FAIR,
        2,
        27,
        1,
        1150,
        27,
        "8000",
        {"job_fair": {"positions": 768, "intents": 316, "job_types": "普工、保安、保洁、厨师"}},
    ),
    ("FT-TPQ", "“五月的鲜花”职工文艺演出", C.PERFORMANCE, 5, 4, 1, 600, 15, "12000", {}),
    ("FT-TPQ", "职工应急救护培训", C.TRAINING, 6, 12, 1, None, 0, "1500", {}),
    (
        "FT-TPQ",
        "职工技能竞赛（电工）",
        C.SKILLS_CONTEST,
        9,
        15,
        2,
        None,
        6,
        "9000",
        {"awards": "区级比赛二等奖"},
    ),
    ("FT-WZ", "单身职工联谊会", C.SOCIAL, 8, 8, 1, 120, 10, "3000", {}),
    ("FT-LGQ", "职工读书竞赛", C.OTHER, 4, 23, 30, 260, 14, "1800", {}),
    ("FT-XC", "劳动法律法规宣讲", C.LEGAL, 7, 10, 1, 180, 20, "600", {}),
    ("FT-YAM", "职工志愿服务进社区", C.VOLUNTEER, 3, 5, 1, 90, 5, "0", {}),
]
PROGRAMME = ("健康四季行", {1: ("春乐", 2), 2: ("夏游", 2), 3: ("秋高", 2), 4: ("冬训", 1)})
# district programme activities: (quarter month, day, title, category, person-times)
PROGRAMME_ACTIVITIES = [
    (3, 8, "健康四季行·春乐：职工趣味运动会", C.CULTURE_SPORTS, 520),
    (6, 20, "健康四季行·夏游：京郊骑行", C.CULTURE_SPORTS, 210),
    (9, 19, "健康四季行·秋高：登高望远", C.CULTURE_SPORTS, 380),
    (12, 12, "健康四季行·冬训：冬季长跑", C.CULTURE_SPORTS, 300),
]


def _day(year, month, day):
    return datetime.date(year, month, day)


@transaction.atomic
def seed_activities_demo(*, district_code="FT", year=None) -> int:
    """Add the demo activities; returns how many were added (0 when there were some already or
    the demo tree is missing)."""
    today = timezone.localdate()
    year = year or today.year
    district = Federation.objects.filter(code=district_code).first()
    if district is None or Activity.objects.in_scope(district).exists():
        return 0
    federations = {f.code: f for f in Federation.objects.in_scope(district)}
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    added = 0
    for code, title, category, month, day, days, person_times, enterprises, cost, extra in PLAN:
        federation = federations.get(code)
        if federation is None:
            continue
        starts_on = _day(year, month, day)
        held = starts_on <= today
        registration = person_times is None
        activity = services.activity_create(
            actor=None,
            federation=federation,
            title=title,
            category=category,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            status=Activity.Status.HELD if held else Activity.Status.PLANNED,
            registration=registration,
            person_times=None if registration or not held else person_times,
            enterprise_count=enterprises,
            cost=cost,
            venue=federation.address,
            **extra,
        )
        added += 1
        if registration and held:
            _check_in_some(activity, rng)
    name, quarters = PROGRAMME
    programme = services.programme_save(
        actor=None, federation=district, name=name, year=year, quarters=quarters
    )
    for month, day, title, category, person_times in PROGRAMME_ACTIVITIES:
        starts_on = _day(year, month, day)
        held = starts_on <= today
        services.activity_create(
            actor=None,
            federation=district,
            title=title,
            category=category,
            starts_on=starts_on,
            programme=programme,
            status=Activity.Status.HELD if held else Activity.Status.PLANNED,
            person_times=person_times if held else None,
            enterprise_count=rng.randint(8, 25),
        )
        added += 1
    return added


def _check_in_some(activity, rng, *, registered=40, shown_up=0.85):
    """Register some members of the activity's federation and check most of them in."""
    memberships = list(
        Membership.objects.open()
        .filter(enterprise__jurisdiction__path__startswith=activity.federation.path)
        .select_related("member")
        .order_by("pk")[:400]
    )
    for membership in rng.sample(memberships, min(registered, len(memberships))):
        services.participation_register(actor=None, activity=activity, member=membership.member)
        if rng.random() < shown_up:
            services.participation_check_in(
                actor=None, activity=activity, number=membership.member.id_number
            )
