from django.core.management import call_command
from django.utils import timezone

from activities.demo import seed_activities_demo
from activities.indicators import activity_indicators
from activities.models import Activity, Participation
from federations.models import Federation
from reports.periods import Period
from tests.factories import FederationFactory
from tests.membership.factories import EnterpriseFactory, MemberFactory


def test_the_demo_adds_the_seed_articles_activities_once(db):
    # given a demo district with a street that has members
    district = FederationFactory(code="FT", name="丰台区总工会", kind=Federation.Kind.DISTRICT)
    dgd = FederationFactory(code="FT-DGD", name="东高地街道总工会", parent=district)
    tpq = FederationFactory(code="FT-TPQ", name="太平桥街道总工会", parent=district)
    enterprise = EnterpriseFactory(jurisdiction=tpq)
    for _ in range(5):
        MemberFactory(enterprise=enterprise)
    # when last year's demo is seeded (every activity held), twice
    year = timezone.localdate().year - 1
    added = seed_activities_demo(year=year)
    assert seed_activities_demo(year=year) == 0
    # then 东高地's walks and climbs, its job fair and 太平桥's check-ins are there
    assert added == Activity.objects.count()
    figures = activity_indicators(federation=dgd, period=Period.year(year))
    assert figures["job_fair_positions"] == 768
    assert figures["job_fair_intents"] == 316
    assert figures["activity_person_times"] == 420 + 360 + 400 + 330 + 1150
    assert Participation.objects.filter(checked_in_at__isnull=False).exists()
    assert Activity.objects.filter(programme__name="健康四季行").count() == 4


def test_the_command_says_what_it_added(db, capsys):
    call_command("seed_demo_activities")
    assert "演示活动：新建 0 场" in capsys.readouterr().out
