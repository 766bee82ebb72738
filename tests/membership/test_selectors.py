import datetime

import pytest
from django.http import Http404

from federations.models import Role
from federations.permissions import Perm
from membership import selectors, services
from membership.codelists import EconomicType
from membership.models import Enterprise, Member, Membership, UnionStatusChange
from tests.membership.factories import (
    EnterpriseFactory,
    MemberFactory,
    make_credit_code,
    make_id_numbers,
)

D = datetime.date
Status = Enterprise.UnionStatus


def members_on(federation, on):
    return selectors.coverage_counts(federation=federation, on=on)["members"]


# --- memberships on a date ----------------------------------------------------------------------


def test_transfer_moves_the_member_between_counts_on_the_transfer_date(
    tree, tpq_enterprise, dgd_enterprise
):
    # given a member of a TPQ enterprise since 2018-03-01, transferred to DGD on 2023-07-01,
    # who left DGD (retired) on 2024-12-31
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2018, 3, 1))
    services.membership_transfer(
        actor=None, member=member, to_enterprise=dgd_enterprise, on=D(2023, 7, 1)
    )
    services.membership_leave(
        actor=None, member=member, on=D(2024, 12, 31), reason=Membership.LeaveReason.RETIRED
    )
    # then before joining nobody counts
    assert members_on(tree.district, D(2018, 2, 28)) == 0
    # the day before the transfer the member counts in TPQ
    assert (members_on(tree.tpq, D(2023, 6, 30)), members_on(tree.dgd, D(2023, 6, 30))) == (1, 0)
    # on and after the transfer date in DGD only, and once in the district
    for day in (D(2023, 7, 1), D(2024, 12, 30)):
        assert (members_on(tree.tpq, day), members_on(tree.dgd, day)) == (0, 1)
        assert members_on(tree.district, day) == 1
    # from the leaving date nowhere, while the history stays
    assert members_on(tree.district, D(2024, 12, 31)) == 0
    assert member.memberships.count() == 2


def test_active_on_matches_the_definition(tpq_enterprise):
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2020, 1, 1))
    services.membership_leave(
        actor=None, member=member, on=D(2021, 1, 1), reason=Membership.LeaveReason.RESIGNED
    )
    active = Membership.objects.active_on
    assert not active(D(2019, 12, 31)).exists()
    assert active(D(2020, 1, 1)).exists()
    assert active(D(2020, 12, 31)).exists()
    assert not active(D(2021, 1, 1)).exists()


# --- union status on a date ---------------------------------------------------------------------


def test_union_status_history_answers_counts_on_any_date(tree):
    # given an enterprise covered by the joint union on D1 = 2015-03-01 and independent on
    # D2 = 2016-06-01, and a large enterprise that never founded a union
    enterprise = EnterpriseFactory(jurisdiction=tree.dgd, employees=40)
    services.union_found(
        actor=None,
        enterprise=enterprise,
        status=Status.JOINT,
        joint_union=tree.dgd_j1,
        on=D(2015, 3, 1),
    )
    services.union_upgrade(actor=None, enterprise=enterprise, on=D(2016, 6, 1))
    EnterpriseFactory(jurisdiction=tree.dgd, employees=150)

    def counts(on):
        result = selectors.coverage_counts(federation=tree.dgd, on=on)
        return (
            result["independent_unions"],
            result["joint_covered_enterprises"],
            result["enterprises_unionized"],
            result["employees_in_unionized"],
        )

    # then before D1 nothing is unionized, between D1 and D2 it is covered, from D2 independent
    assert counts(D(2015, 2, 28)) == (0, 0, 0, 0)
    assert counts(D(2015, 3, 1)) == (0, 1, 1, 40)
    assert counts(D(2016, 5, 31)) == (0, 1, 1, 40)
    assert counts(D(2016, 6, 1)) == (1, 0, 1, 40)
    assert counts(D(2025, 1, 1)) == (1, 0, 1, 40)
    # and the enterprise counts once among the enterprises whatever the date
    result = selectors.coverage_counts(federation=tree.dgd, on=D(2025, 1, 1))
    assert (result["enterprises"], result["large_enterprises"]) == (2, 1)
    assert result["large_enterprises_unionized"] == 0
    assert result["employees"] == 190


def test_union_status_on_resolves_many_enterprises_in_one_query(tree, django_assert_num_queries):
    # given three enterprises: covered from 2020, independent from 2021 then dissolved in 2023,
    # and one without history
    covered = EnterpriseFactory(
        jurisdiction=tree.tpq,
        union_status=Status.JOINT,
        joint_union=tree.tpq_j1,
        union_since=D(2020, 1, 1),
    )
    dissolved = EnterpriseFactory(
        jurisdiction=tree.tpq, union_status=Status.INDEPENDENT, union_since=D(2021, 1, 1)
    )
    services.union_dissolve(actor=None, enterprise=dissolved, on=D(2023, 1, 1), note="注销")
    never = EnterpriseFactory(jurisdiction=tree.dgd)
    # when the status on 2022-06-30 is asked for all of them
    with django_assert_num_queries(1):
        states = selectors.union_status_on(enterprises=Enterprise.objects.all(), on=D(2022, 6, 30))
    # then each has its state on that date
    assert states[covered.pk] == (Status.JOINT, tree.tpq_j1.pk, D(2020, 1, 1))
    assert states[dissolved.pk] == (Status.INDEPENDENT, None, D(2021, 1, 1))
    assert states[never.pk] == selectors.NO_UNION
    # and by ids, after the dissolution
    later = selectors.union_status_on(enterprises=[dissolved.pk], on=D(2023, 1, 1))
    assert later == {dissolved.pk: selectors.NO_UNION}


# --- the indicators on a Dongaodi-like street ---------------------------------------------------


def build_street(
    street, joint_union, *, independent, joint, none, employees, members, prefix, id_start
):
    """Enterprises and members written the bulk way (as imports do), then resynchronised.
    `employees`: list of head counts, first the independent ones, then the joint ones."""
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"{street.name}企业{n}",
            credit_code=make_credit_code(n, prefix=prefix),
            jurisdiction=street,
            economic_type=EconomicType.PRIVATE,
            employees=employees[n] if n < len(employees) else 5,
        )
        for n in range(independent + joint + none)
    )
    UnionStatusChange.objects.bulk_create(
        [
            UnionStatusChange(enterprise=e, status=Status.INDEPENDENT, effective_on=D(2016, 1, 1))
            for e in enterprises[:independent]
        ]
        + [
            UnionStatusChange(
                enterprise=e,
                status=Status.JOINT,
                joint_union=joint_union,
                effective_on=D(2015, 6, 1),
            )
            for e in enterprises[independent : independent + joint]
        ]
    )
    services.enterprises_resync_union_status(enterprise_ids=[e.pk for e in enterprises])
    unionized = enterprises[: independent + joint]
    numbers = make_id_numbers(members, start=id_start)
    people = Member.objects.bulk_create(
        Member(name=f"职工{n}", id_number=number, sex="1", birth_date=D(1980, 1, 1))
        for n, number in enumerate(numbers)
    )
    Membership.objects.bulk_create(
        Membership(member=person, enterprise=unionized[n % len(unionized)], joined_on=D(2017, 1, 1))
        for n, person in enumerate(people)
    )
    services.members_resync_current_enterprise(member_ids=[p.pk for p in people])
    return enterprises


def test_coverage_counts_reproduce_dongaodi(tree, django_assert_max_num_queries):
    # given DGD as the seed article describes it: 17 independent unions, 157 enterprises covered
    # by the community joint union, 2409 employees in them (two with ≥ 100), 2320 members; plus
    # 6 small enterprises without a union
    heads = [150, 120] + [13] * 75 + [12] * 97
    assert (len(heads), sum(heads)) == (174, 2409)
    build_street(
        tree.dgd,
        tree.dgd_j1,
        independent=17,
        joint=157,
        none=6,
        employees=heads,
        members=2320,
        prefix="91110106",
        id_start=0,
    )
    # and a sibling street that must not leak into DGD's figures
    build_street(
        tree.tpq,
        tree.tpq_j1,
        independent=1,
        joint=1,
        none=1,
        employees=[30, 20],
        members=40,
        prefix="92110106",
        id_start=5000,
    )
    # when the figures on 2024-06-30 are counted, in a fixed small number of queries
    with django_assert_max_num_queries(2):
        counts = selectors.coverage_counts(federation=tree.dgd, on=D(2024, 6, 30))
    # then they are the article's
    assert counts == {
        "enterprises": 180,
        "independent_unions": 17,
        "joint_covered_enterprises": 157,
        "enterprises_unionized": 174,
        "employees": 2409 + 6 * 5,
        "employees_in_unionized": 2409,
        "members": 2320,
        "large_enterprises": 2,
        "large_enterprises_unionized": 2,
    }
    assert selectors.format_rate(counts["members"], counts["employees_in_unionized"]) == "96.3%"
    assert round(selectors.rate(2320, 2409), 3) == 0.963
    # and before the first founding (2015-06-01) nobody was unionized
    before = selectors.coverage_counts(federation=tree.dgd, on=D(2015, 5, 31))
    assert (before["enterprises_unionized"], before["members"]) == (0, 0)
    # and the district sees both streets
    district = selectors.coverage_counts(federation=tree.district, on=D(2024, 6, 30))
    assert (district["enterprises"], district["members"]) == (183, 2360)


def test_rates_with_a_zero_denominator_print_a_dash(tree):
    counts = selectors.coverage_counts(federation=tree.wz, on=D(2024, 1, 1))
    assert counts["enterprises"] == 0
    assert counts["employees"] == 0
    assert selectors.rate(counts["members"], counts["employees_in_unionized"]) is None
    assert selectors.format_rate(0, 0) == "—"


# --- scoped getters and visibility --------------------------------------------------------------


def test_enterprise_get_for_user_is_404_for_missing_and_out_of_scope_alike(
    tree, staff, tpq_enterprise, make_user
):
    # TPQ staff and district staff see the TPQ enterprise
    assert selectors.enterprise_get_for_user(user=staff.tpq, pk=tpq_enterprise.pk) == tpq_enterprise
    assert selectors.enterprise_get_for_user(user=staff.district, pk=tpq_enterprise.pk)
    # a sibling street, a user with no role, a missing id and garbage all get 404
    nobody = make_user(None)
    for user, pk in (
        (staff.dgd, tpq_enterprise.pk),
        (nobody, tpq_enterprise.pk),
        (staff.tpq, tpq_enterprise.pk + 1000),
        (staff.tpq, "abc"),
    ):
        with pytest.raises(Http404):
            selectors.enterprise_get_for_user(user=user, pk=pk)


def test_a_chair_sees_but_may_not_edit(tpq_enterprise, chair):
    assert selectors.enterprise_get_for_user(user=chair, pk=tpq_enterprise.pk)
    with pytest.raises(Http404):
        selectors.enterprise_get_for_user(user=chair, pk=tpq_enterprise.pk, perm=Perm.EDIT_RECORDS)
    assert not selectors.enterprise_may_edit(user=chair, enterprise=tpq_enterprise)


def test_members_follow_their_current_enterprise(
    tree, staff, tpq_enterprise, dgd_enterprise, make_user
):
    # given a TPQ member
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2018, 1, 1))
    assert selectors.member_get_for_user(user=staff.tpq, pk=member.pk) == member
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=staff.dgd, pk=member.pk)
    # when the member transfers to DGD
    services.membership_transfer(
        actor=staff.dgd, member=member, to_enterprise=dgd_enterprise, on=D(2023, 1, 1)
    )
    # then DGD sees the person and TPQ no longer does, though TPQ keeps the old membership
    assert selectors.member_get_for_user(user=staff.dgd, pk=member.pk) == member
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=staff.tpq, pk=member.pk)
    assert Membership.objects.visible_to(staff.tpq).get().left_on == D(2023, 1, 1)
    assert Member.objects.visible_to(staff.district).get() == member
    assert not Member.objects.visible_to(make_user(None)).exists()
    assert selectors.member_may_edit(user=staff.dgd, member=member)
    assert not selectors.member_may_edit(user=staff.tpq, member=member)


def test_visible_to_scopes_enterprises_by_jurisdiction(tree, staff, make_user):
    tpq = EnterpriseFactory(jurisdiction=tree.tpq)
    dgd = EnterpriseFactory(jurisdiction=tree.dgd)
    wz_office = make_user(tree.wz, Role.OFFICE)
    assert list(Enterprise.objects.visible_to(staff.tpq)) == [tpq]
    assert set(Enterprise.objects.visible_to(staff.district)) == {tpq, dgd}
    assert not Enterprise.objects.visible_to(wz_office).exists()
    assert list(Enterprise.objects.in_scope(tree.dgd)) == [dgd]
    assert not Enterprise.objects.visible_to(staff.tpq, Perm.MANAGE_TREE).exists()


def test_history_selectors_are_ordered(tree, tpq_enterprise, dgd_enterprise):
    services.union_found(
        actor=None, enterprise=tpq_enterprise, status=Status.INDEPENDENT, on=D(2021, 1, 1)
    )
    services.union_dissolve(actor=None, enterprise=tpq_enterprise, on=D(2022, 1, 1), note="停业")
    history = selectors.enterprise_status_history(enterprise=tpq_enterprise)
    assert [c.effective_on for c in history] == [D(2021, 1, 1), D(2022, 1, 1)]
    member = MemberFactory(enterprise=tpq_enterprise, joined_on=D(2019, 1, 1))
    services.membership_transfer(
        actor=None, member=member, to_enterprise=dgd_enterprise, on=D(2020, 1, 1)
    )
    memberships = selectors.member_memberships(member=member)
    assert [m.enterprise for m in memberships] == [tpq_enterprise, dgd_enterprise]
    assert Enterprise.objects.get(pk=dgd_enterprise.pk).credit_code == dgd_enterprise.credit_code
    assert make_credit_code  # used by build_street
