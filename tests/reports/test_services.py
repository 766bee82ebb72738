import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from federations.models import Federation, Role
from reports import services
from reports.models import QuarterlySnapshot
from reports.periods import Quarter
from tests.membership.factories import MemberFactory

D = datetime.date
Q2_2024 = Quarter(2024, 2)


def test_a_snapshot_freezes_the_figures_on_the_quarters_last_day(tree, coverage):
    # when the 2024Q2 snapshot of the district is taken
    snapshot = services.snapshot_take(federation=tree.district, quarter=Q2_2024)
    # then it holds the figures of 2024-06-30, taken by the system
    assert snapshot.quarter == "2024Q2"
    assert snapshot.as_of == D(2024, 6, 30)
    assert snapshot.figures["members"] == 9
    assert snapshot.figures["enterprises_unionized"] == 3
    assert snapshot.figures["unionization_rate"] == 0.6
    assert "federation" not in snapshot.figures
    assert snapshot.taken_by is None


def test_retaking_replaces_the_snapshot_and_records_who_and_when(tree, coverage, make_user):
    # given the 2024Q2 snapshot, taken by the beat job
    first = services.snapshot_take(federation=tree.district, quarter=Q2_2024)
    # and a member recorded afterwards with a back-dated join date
    MemberFactory(enterprise=coverage.ding, joined_on=D(2024, 3, 1))
    office = make_user(tree.district, Role.OFFICE, username="ft_office")
    # when the office retakes it
    second = services.snapshot_take(federation=tree.district, quarter=Q2_2024, actor=office)
    # then there is still one snapshot for the district and quarter, with the new figures
    assert QuarterlySnapshot.objects.filter(federation=tree.district, quarter="2024Q2").count() == 1
    assert second.pk == first.pk
    second.refresh_from_db()
    assert second.figures["members"] == 10
    # and it records who retook it and when
    assert second.taken_by == office
    assert second.taken_at >= first.taken_at


def test_a_snapshot_is_not_moved_by_later_corrections_until_retaken(tree, coverage):
    services.snapshot_take(federation=tree.tpq, quarter=Q2_2024)
    MemberFactory(enterprise=coverage.jia, joined_on=D(2024, 1, 5))
    assert QuarterlySnapshot.objects.get(federation=tree.tpq).figures["members"] == 4


def test_a_quarter_that_has_not_ended_cannot_be_snapshotted(tree):
    current = Quarter.containing(timezone.localdate())
    with pytest.raises(ValidationError, match="尚未结束"):
        services.snapshot_take(federation=tree.district, quarter=current)
    assert not QuarterlySnapshot.objects.exists()


def test_only_the_office_may_take_a_snapshot(tree, make_user):
    chair = make_user(tree.tpq, Role.CHAIR)
    office_elsewhere = make_user(tree.dgd, Role.OFFICE)
    for actor in (chair, office_elsewhere):
        with pytest.raises(Http404):
            services.snapshot_take(federation=tree.tpq, quarter=Q2_2024, actor=actor)
    assert not QuarterlySnapshot.objects.exists()


def test_take_all_snapshots_every_federation_once(tree, coverage):
    # when the quarterly job runs twice for the same quarter
    services.snapshots_take_all(quarter=Q2_2024)
    services.snapshots_take_all(quarter=Q2_2024)
    # then each federation has one snapshot of it
    assert QuarterlySnapshot.objects.count() == Federation.objects.count() == 6
    assert QuarterlySnapshot.objects.get(federation=tree.wz).figures["unionization_rate"] is None
    # and a subtree can be retaken on its own
    assert len(services.snapshots_take_all(quarter=Q2_2024, federation=tree.tpq)) == 2


def test_fill_missing_takes_only_the_missing_snapshots_of_the_last_eight_quarters(tree):
    # given today is 2026-05-20 and one snapshot of 2025Q4 exists already
    today = D(2026, 5, 20)
    kept = services.snapshot_take(federation=tree.tpq, quarter=Quarter(2025, 4), today=today)
    # when the daily job runs
    taken = services.snapshots_fill_missing(today=today)
    # then it fills 2024Q2 … 2026Q1 for each of the 6 federations except the one that existed
    quarters = {s.quarter for s in QuarterlySnapshot.objects.all()}
    assert quarters == {str(q) for q in Quarter(2026, 1).last(8)}
    assert len(taken) == 6 * 8 - 1
    assert QuarterlySnapshot.objects.get(pk=kept.pk).taken_at == kept.taken_at
    # and running it again takes nothing
    assert services.snapshots_fill_missing(today=today) == []
