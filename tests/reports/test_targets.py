import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from federations import services
from federations.models import FoundingTarget, Role
from reports.models import QuarterlySnapshot
from reports.periods import Quarter

YEAR = 2026


def set_target(actor, federation, **values):
    defaults = {"new_independent_unions": 3, "large_enterprises_unionized": 2, "members": 500}
    return services.founding_target_set(
        actor=actor, federation=federation, year=YEAR, **{**defaults, **values}
    )


def test_the_office_one_level_up_sets_a_streets_targets(tree, make_user):
    # given the district office
    office = make_user(tree.district, Role.OFFICE)
    # when it sets 太平桥's targets for 2026, then changes one of them
    set_target(office, tree.tpq)
    target = set_target(office, tree.tpq, members=600)
    # then one row holds the latest values, recording who set them
    assert FoundingTarget.objects.filter(federation=tree.tpq, year=YEAR).count() == 1
    assert (target.new_independent_unions, target.members) == (3, 600)
    assert target.set_by == office
    # and both changes are in the audit log
    events = AuditEvent.objects.filter(federation=tree.tpq).order_by("pk")
    assert [e.action for e in events] == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
    assert events[1].changes == {"members": [500, 600]}


def test_office_anywhere_above_may_set_targets_below(tree, make_user):
    office = make_user(tree.district, Role.OFFICE)
    assert set_target(office, tree.tpq_j1).federation == tree.tpq_j1


@pytest.mark.parametrize(
    ("role", "at"),
    [
        (Role.CHAIR, "district"),  # a chair sees dashboards but sets no targets
        (Role.STAFF, "district"),
        (Role.ADMIN, "district"),
        (Role.OFFICE, "tpq"),  # the street's own office: not the level above
        (Role.OFFICE, "dgd"),  # a sibling's office
    ],
)
def test_others_may_not_set_a_streets_targets(tree, make_user, role, at):
    user = make_user(getattr(tree, at), role)
    with pytest.raises(Http404):
        set_target(user, tree.tpq)
    assert not FoundingTarget.objects.exists()


def test_the_roots_targets_are_for_superusers_only(tree, make_user):
    office = make_user(tree.district, Role.OFFICE)
    with pytest.raises(Http404):
        set_target(office, tree.district)
    admin = make_user(is_superuser=True)
    assert set_target(admin, tree.district).federation == tree.district


def test_targets_are_whole_numbers_not_below_zero(tree):
    with pytest.raises(ValidationError):
        set_target(None, tree.tpq, members=-1)


# --- the targets page ---------------------------------------------------------------------------


def test_office_enters_the_targets_of_every_street_on_one_page(tree, make_user, login):
    # given the district office on the targets page of the district
    client = login(make_user(tree.district, Role.OFFICE))
    page = client.get(f"/reports/targets/FT/?year={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("TPQ", "DGD", "WZ"):
        assert f'name="{code}-members"' in html
    # when it fills them in and saves
    data = {}
    for n, code in enumerate(("DGD", "TPQ", "WZ")):
        data |= {
            f"{code}-new_independent_unions": n,
            f"{code}-large_enterprises_unionized": 1,
            f"{code}-members": 100 * (n + 1),
        }
    response = client.post(f"/reports/targets/FT/?year={YEAR}", data)
    # then they are saved for that year and the dashboard says so
    assert response.status_code == 302
    assert response.url == "/reports/dashboard/FT/"
    saved = {t.federation.code: t.members for t in FoundingTarget.objects.filter(year=YEAR)}
    assert saved == {"DGD": 100, "TPQ": 200, "WZ": 300}
    assert f"已保存 {YEAR} 年度的建会任务" in client.get(response.url).content.decode()


def test_a_bad_value_keeps_the_page_and_saves_nothing(tree, make_user, login):
    client = login(make_user(tree.district, Role.OFFICE))
    data = {
        f"{code}-{field}": 1
        for code in ("DGD", "TPQ", "WZ")
        for field in ("new_independent_unions", "large_enterprises_unionized", "members")
    }
    data["WZ-members"] = -5
    response = client.post(f"/reports/targets/FT/?year={YEAR}", data)
    assert response.status_code == 200
    assert not FoundingTarget.objects.exists()


def test_the_dashboard_offers_target_entry_to_the_office_only(tree, make_user, login):
    office_page = login(make_user(tree.district, Role.OFFICE)).get("/reports/dashboard/FT/")
    assert "设置下级建会任务" in office_page.content.decode()
    chair_page = login(make_user(tree.district, Role.CHAIR)).get("/reports/dashboard/FT/")
    assert "设置下级建会任务" not in chair_page.content.decode()


@pytest.mark.parametrize(("role", "at"), [(Role.CHAIR, "district"), (Role.OFFICE, "dgd")])
def test_the_targets_page_is_a_404_without_the_right(tree, make_user, login, role, at):
    client = login(make_user(getattr(tree, at), role))
    assert client.get("/reports/targets/FT/").status_code == 404
    assert client.post("/reports/targets/FT/", {"TPQ-members": 5}).status_code == 404
    assert not FoundingTarget.objects.exists()


def test_snapshot_button_retakes_the_last_quarter_for_the_subtree(tree, make_user, login):
    office = make_user(tree.tpq, Role.OFFICE)
    client = login(office)
    response = client.post("/reports/dashboard/TPQ/snapshots/")
    assert response.status_code == 302
    quarter = str(Quarter.just_ended(timezone.localdate()))
    taken = QuarterlySnapshot.objects.filter(quarter=quarter)
    assert sorted(s.federation.code for s in taken) == ["TPQ", "TPQ-J1"]
    assert {s.taken_by for s in taken} == {office}
    # a chair may not
    chair = login(make_user(tree.tpq, Role.CHAIR))
    assert chair.post("/reports/dashboard/TPQ/snapshots/").status_code == 404


def test_the_office_of_a_sibling_street_gets_404_on_the_targets_page(tree, make_user, login):
    # given targets set for 东高地's joint union, and the office of 太平桥, its sibling
    set_target(None, tree.dgd_j1, members=70)
    client = login(make_user(tree.tpq, Role.OFFICE))
    # when it opens or posts 东高地's targets page
    page = client.get(f"/reports/targets/DGD/?year={YEAR}")
    posted = client.post(f"/reports/targets/DGD/?year={YEAR}", {"DGD-J1-members": 5})
    # then both are a 404 that names nothing of 东高地, and the target is unchanged
    for response in (page, posted):
        assert response.status_code == 404
        assert "东高地" not in response.content.decode()
    assert FoundingTarget.objects.get(federation=tree.dgd_j1, year=YEAR).members == 70
    # while its own street's page opens
    assert client.get(f"/reports/targets/TPQ/?year={YEAR}").status_code == 200
