"""The activity indicators: flows over a period, for a federation's scope (DESIGN.md, "Indicators").

Which activities count: held ones (`status=held`) organized by the federation or one below it
(`federation.path` subtree), starting in the period — an activity spanning two quarters counts in
the quarter it starts. The period is a `reports.periods.Period`: a quarter's
(`Quarter(2026, 3).period`) or the calendar year up to a date (`Period.year_to_date(on)`).

- activities_count: those activities.
- activity_person_times (人次): check-ins of activities with registration plus the totals entered
  for open events.
- activity_distinct_people: distinct members checked in — known only when every activity counted
  has registration; None (unknown) as soon as one open event counts. activity_checked_in_people is
  the distinct members checked in whatever else counts (the known part).
- activity_enterprises: participating enterprises, summed over the activities (an enterprise at
  two events counts twice, as the seed articles count them).
- activity_cost: Decimal, yuan.
- job_fair_positions / job_fair_intents: positions offered and employment intents reached at the
  job fairs (招聘会) counted.
- by_category: for each category (in the order of `Activity.Category`), activities_count,
  person_times and distinct_people (None where unknown, as above).

`activity_indicators` takes two queries whatever the size of the scope. The reports take these
figures through `reports.flows`.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from federations.models import Federation

from .models import Activity, Participation

Category = Activity.Category

KEYS = (
    "activities_count",
    "activity_person_times",
    "activity_distinct_people",
    "activity_checked_in_people",
    "activity_enterprises",
    "activity_cost",
    "job_fair_positions",
    "job_fair_intents",
)
LABELS = {
    "activities_count": _("活动场次"),
    "activity_person_times": _("参与人次"),
    "activity_distinct_people": _("参与人数"),
    "activity_checked_in_people": _("签到人数"),
    "activity_enterprises": _("参与单位（家次）"),
    "activity_cost": _("活动经费（元）"),
    "job_fair_positions": _("招聘岗位数"),
    "job_fair_intents": _("达成就业意向人数"),
}
ZERO = Decimal("0.00")


def counted_activities(*, federation: Federation, period):
    """The activities the indicators count: held, in the federation's subtree, starting in
    `period` (a `reports.periods.Period`, both ends included). The list pages link to the same
    set with `status=held&date_from=…&date_to=…`."""
    return (
        Activity.objects.in_scope(federation).held().starting_in(period.first_day, period.last_day)
    )


def activity_indicators(*, federation: Federation, period) -> dict:
    """The activity flows of `federation`'s scope over `period`, as a plain dict: the KEYS above
    (ints; activity_cost a Decimal in yuan; activity_distinct_people an int or None) and
    `by_category`: {category value: {"label", "activities_count", "person_times",
    "distinct_people"}} for every category, zeros included. Two queries: the sums over the
    activities, and one pass over their check-ins giving the distinct people both overall and per
    category (a member at two categories' events is one person overall, one in each category)."""
    activities = counted_activities(federation=federation, period=period).order_by()
    sums = activities.values("category", "registration").annotate(
        n=Count("pk"),
        entered=Coalesce(Sum("person_times"), 0),
        enterprises=Coalesce(Sum("enterprise_count"), 0),
        cost=Coalesce(
            Sum("cost"), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
        ),
        positions=Coalesce(Sum("job_fair__positions"), 0),
        intents=Coalesce(Sum("job_fair__intents"), 0),
    )
    check_ins = Participation.objects.filter(
        checked_in_at__isnull=False,
        activity__in=activities.filter(registration=True).values("pk"),
    ).order_by()
    per_category = {}
    for value in Category.values:
        in_category = Q(activity__category=value)
        per_category[f"times_{value}"] = Count("pk", filter=in_category)
        per_category[f"people_{value}"] = Count("member", distinct=True, filter=in_category)
    checked_in = check_ins.aggregate(people=Count("member", distinct=True), **per_category)

    totals = _empty()
    open_categories = set()
    for row in sums:
        category = totals["by_category"][row["category"]]
        category["activities_count"] += row["n"]
        if not row["registration"]:
            category["person_times"] += row["entered"]
            open_categories.add(row["category"])
        totals["activities_count"] += row["n"]
        totals["activity_enterprises"] += row["enterprises"]
        totals["activity_cost"] += row["cost"]
        totals["job_fair_positions"] += row["positions"]
        totals["job_fair_intents"] += row["intents"]
    totals["activity_checked_in_people"] = checked_in["people"]
    for value, category in totals["by_category"].items():
        category["person_times"] += checked_in[f"times_{value}"]
        category["distinct_people"] = (
            None if value in open_categories else checked_in[f"people_{value}"]
        )
        totals["activity_person_times"] += category["person_times"]
    totals["activity_distinct_people"] = None if open_categories else checked_in["people"]
    return totals


def _empty() -> dict:
    totals = dict.fromkeys(KEYS, 0)
    totals["activity_cost"] = ZERO
    totals["by_category"] = {
        value: {"label": str(label), "activities_count": 0, "person_times": 0, "distinct_people": 0}
        for value, label in Category.choices
    }
    return totals


def category_rows(indicators: dict) -> list[dict]:
    """The categories with at least one activity, as rows for a table (label, count, person-times,
    distinct people)."""
    return [
        {"category": value, **row}
        for value, row in indicators["by_category"].items()
        if row["activities_count"]
    ]
