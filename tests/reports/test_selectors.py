import datetime
import json

import pytest
from django.utils import timezone

from federations.models import Federation, Role
from membership import services
from membership.selectors import coverage_counts, enterprise_list
from reports import selectors
from reports.periods import Period
from tests.membership.factories import EnterpriseFactory, MemberFactory

D = datetime.date
BEFORE_ANY_UNION = D(2021, 1, 1)
END_2022 = D(2022, 12, 31)
MID_2024 = D(2024, 6, 30)


def figures(federation, on):
    return selectors.indicators(federation=federation, on=on)


def test_indicators_have_the_keys_of_the_issue_in_order(tree, coverage):
    # when the figures of the district are read
    data = figures(tree.district, MID_2024)
    # then they carry exactly the JSON keys of the issue, and serialise as JSON
    assert list(data) == [
        "federation",
        "as_of",
        "enterprises",
        "independent_unions",
        "joint_covered_enterprises",
        "enterprises_unionized",
        "unionization_rate",
        "employees",
        "employees_in_unionized",
        "members",
        "membership_rate",
        "large_enterprises",
        "large_enterprises_unionized",
    ]
    assert json.loads(json.dumps(data))["federation"] == "FT"
    assert data["as_of"] == "2024-06-30"


def test_before_any_founding_nothing_is_unionized(tree, coverage):
    # given enterprises whose unions were founded from 2021-03-01 on
    data = figures(tree.district, BEFORE_ANY_UNION)
    # then on 2021-01-01 they all count, none as unionized, and nobody is a member yet
    assert data["enterprises"] == 5
    assert data["employees"] == 150 + 20 + 10 + 100 + 99
    assert (data["independent_unions"], data["joint_covered_enterprises"]) == (0, 0)
    assert data["enterprises_unionized"] == 0
    assert data["unionization_rate"] == 0.0
    assert data["members"] == 0
    # and the membership rate has a zero denominator: null, never an error
    assert data["employees_in_unionized"] == 0
    assert data["membership_rate"] is None


def test_founding_dates_decide_the_status_on_a_date(tree, coverage):
    # on 2022-12-31 甲 and 乙 are covered by the joint union, 丁 has no union yet
    data = figures(tree.district, END_2022)
    assert (data["independent_unions"], data["joint_covered_enterprises"]) == (0, 2)
    assert data["enterprises_unionized"] == 2
    assert data["unionization_rate"] == 0.4
    assert data["employees_in_unionized"] == 170
    assert data["members"] == 5
    assert data["membership_rate"] == round(5 / 170, 4)
    # the day before 丁 founds its union it is not unionized, on the day it is
    assert figures(tree.dgd, D(2024, 1, 9))["enterprises_unionized"] == 0
    assert figures(tree.dgd, D(2024, 1, 10))["independent_unions"] == 1


def test_an_enterprise_is_counted_once_whatever_covers_it(tree, coverage):
    # given 甲, covered by the joint union and then with its own union (2023-06-01)
    data = figures(tree.tpq, MID_2024)
    # then it counts once, as independent, and the joint union covers 乙 only
    assert (data["independent_unions"], data["joint_covered_enterprises"]) == (1, 1)
    assert data["enterprises_unionized"] == 2
    assert (
        data["enterprises_unionized"]
        == data["independent_unions"] + data["joint_covered_enterprises"]
    )
    joint = figures(tree.tpq_j1, MID_2024)
    assert (joint["enterprises"], joint["joint_covered_enterprises"]) == (1, 1)
    assert joint["members"] == 1
    # and before the upgrade the joint union covered both
    assert figures(tree.tpq_j1, END_2022)["enterprises"] == 2


def test_a_transfer_moves_the_member_on_its_date(tree, coverage):
    # given a member of 乙 (TPQ) transferred to 丁 (DGD) on 2024-05-01
    before, on_the_day = D(2024, 4, 30), D(2024, 5, 1)
    # then the day before they count in TPQ, from the transfer date in DGD, always once overall
    assert (figures(tree.tpq, before)["members"], figures(tree.dgd, before)["members"]) == (5, 4)
    assert (
        figures(tree.tpq, on_the_day)["members"],
        figures(tree.dgd, on_the_day)["members"],
    ) == (4, 5)
    assert figures(tree.district, before)["members"] == 9
    assert figures(tree.district, on_the_day)["members"] == 9


def test_large_enterprises_start_at_one_hundred_employees(tree, coverage):
    data = figures(tree.dgd, MID_2024)
    # 丁 (100 employees, unionized) is large, 戊 (99) is not
    assert data["large_enterprises"] == 1
    assert data["large_enterprises_unionized"] == 1
    district = figures(tree.district, END_2022)
    # in 2022 甲 (150) was unionized, 丁 (100) not yet
    assert (district["large_enterprises"], district["large_enterprises_unionized"]) == (2, 1)


def test_a_federation_without_enterprises_has_null_rates(tree, coverage):
    data = figures(tree.wz, MID_2024)
    assert data["enterprises"] == 0
    assert data["unionization_rate"] is None
    assert data["membership_rate"] is None
    assert json.loads(json.dumps(data))["unionization_rate"] is None


def test_dongaodi_membership_rate_matches_the_seed_article():
    # given 东高地's figures from the seed article: 2320 members, 2409 employees of unionized
    # enterprises
    counts = {**selectors.zero_counts(), "members": 2320, "employees_in_unionized": 2409}
    # then the rate is 96.3 %
    assert selectors.rates_of(counts)["membership_rate"] == 0.9631


# --- the breakdown agrees with the indicators ---------------------------------------------------


@pytest.mark.parametrize("on", [BEFORE_ANY_UNION, END_2022, D(2024, 4, 30), MID_2024, "today"])
def test_breakdown_of_each_node_equals_its_indicators(tree, coverage, on):
    # given any date, today (the services' copy of the status) or a past one (the history)
    on = timezone.localdate() if on == "today" else on
    for node in (tree.district, tree.tpq, tree.dgd, tree.wz, tree.tpq_j1):
        # when the breakdown of the node is taken (two grouped queries)
        result = selectors.breakdown(federation=node, on=on, with_progress=False)
        # then its total equals coverage_counts, the single definition
        assert selectors.as_json(node, on, result.total) == figures(node, on), node.code
        # and each child's row equals the child's own indicators
        for row in result.rows:
            assert row.figures == _figures_only(figures(row.federation, on)), row.federation.code


def _figures_only(data):
    return {key: data[key] for key in selectors.FIGURE_KEYS}


def test_breakdown_of_the_district_has_one_row_per_child_summing_to_the_total(tree, coverage):
    result = selectors.breakdown(federation=tree.district, on=MID_2024, with_progress=False)
    assert [row.federation.code for row in result.rows] == ["DGD", "TPQ", "WZ"]
    for key in selectors.COUNT_KEYS:
        assert sum(row.counts[key] for row in result.rows) == result.total[key]
    assert result.own is None  # enterprises are registered at streets, not at the district


def test_breakdown_total_equals_coverage_counts_at_larger_scale(scale_tree):
    # given a generated district with a few thousand members
    for on in (timezone.localdate(), timezone.localdate() - datetime.timedelta(days=500)):
        result = selectors.breakdown(federation=scale_tree, on=on, with_progress=False)
        counts = coverage_counts(federation=scale_tree, on=on)
        assert result.total == counts
        street = result.rows[0].federation
        assert result.rows[0].counts == coverage_counts(federation=street, on=on)


def test_new_independent_unions_count_foundings_and_upgrades_in_the_period(tree, coverage):
    # 甲 upgraded to its own union in 2023, 丁 founded its own in 2024
    assert selectors.new_independent_unions(federation=tree.district, period=Period.year(2023)) == 1
    assert selectors.new_independent_unions(federation=tree.tpq, period=Period.year(2024)) == 0
    assert selectors.new_independent_unions(federation=tree.dgd, period=Period.year(2024)) == 1
    assert (
        selectors.new_independent_unions(
            federation=tree.district, period=Period(D(2024, 1, 11), D(2024, 12, 31))
        )
        == 0
    )
    result = selectors.breakdown(federation=tree.district, on=MID_2024)
    assert result.new_independent_unions == 1
    assert {row.federation.code: row.new_independent_unions for row in result.rows} == {
        "DGD": 1,
        "TPQ": 0,
        "WZ": 0,
    }


@pytest.mark.parametrize(
    "period",
    [
        Period.year(2023),
        Period.year(2024),
        Period(D(2023, 6, 1), D(2024, 1, 10)),
        Period(D(2023, 6, 2), D(2024, 1, 9)),
        Period.year(2022),
    ],
)
@pytest.mark.parametrize("code", ["FT", "TPQ", "DGD", "WZ"])
def test_new_independent_unions_are_the_enterprises_the_list_shows_for_the_period(
    tree, coverage, make_user, period, code
):
    # given the district's staff and a federation of the tree
    user = make_user(tree.district, Role.STAFF)
    federation = Federation.objects.get(code=code)
    # when the enterprise list is filtered by the period, as the dashboard links to it
    listed = enterprise_list(
        user=user,
        federation=federation,
        became_independent_from=period.first_day,
        became_independent_to=period.last_day,
    )
    # then it holds as many enterprises as the indicator counts, each once
    count = selectors.new_independent_unions(federation=federation, period=period)
    assert listed.count() == len(set(listed.values_list("pk", flat=True))) == count


def test_an_enterprise_founded_twice_in_a_year_is_one_new_union(tree):
    enterprise = EnterpriseFactory(
        jurisdiction=tree.tpq, union_status="independent", union_since=D(2024, 2, 1)
    )
    services.union_dissolve(actor=None, enterprise=enterprise, on=D(2024, 5, 1), note="停业")
    services.union_found(actor=None, enterprise=enterprise, status="independent", on=D(2024, 9, 1))
    MemberFactory(enterprise=enterprise, joined_on=D(2024, 9, 2))
    assert selectors.new_independent_unions(federation=tree.tpq, period=Period.year(2024)) == 1


def test_trend_quarters_end_with_the_last_quarter_ended_by_the_date():
    assert [str(q) for q in selectors.trend_quarters(D(2026, 9, 30))][-1] == "2026Q3"
    assert [str(q) for q in selectors.trend_quarters(D(2026, 10, 1))][-1] == "2026Q3"
    assert [str(q) for q in selectors.trend_quarters(D(2026, 9, 29))][-1] == "2026Q2"
    assert len(selectors.trend_quarters(D(2026, 9, 29))) == 8
