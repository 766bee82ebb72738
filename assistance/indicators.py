"""The hardship-aid indicators for a federation's scope (DESIGN.md, "Indicators"), for the
indicators command, its JSON, the dashboard and the quarterly report (through `reports.flows`).

Scope: the federation and everything below it (`federation.path` subtree), by the federation each
record names — the file's keeping federation, the grant's paying federation, the delivery's and
the claim's federation (see models.py for why they are stored). Period: a
`reports.periods.Period` (both ends included), a `Quarter` (its period), or a date D (the calendar
year up to D, as `--on D`). Stocks are counted on the period's last day, flows over the period.

- hardship_files_active (stock): files active on the last day — opened on or before it, not
  lifted out by then.
- hardship_files_opened / hardship_files_lifted_out (flows): by `opened_on` / `lifted_out_on`.
- grants_count, grants_amount (cash), grants_goods_value: PAID grants dated (`granted_on`, the
  发放日期 the lists carry) in the period. Drafts, approved-but-unpaid and rejected grants are
  not counted.
- grants_by_program: {programme code: {"label", "count", "amount", "goods_value"}} for all eight
  programmes, zeros included.
- study_aid_students: distinct students (member + student's name) of those paid 金秋助学 grants.
- people_reached_by_group_deliveries: workers reached by 送清凉 / 送温暖 group deliveries in the
  period; group_delivery_enterprises: enterprises visited (家次, an enterprise visited twice
  counts twice); group_delivery_goods_value.
- budget_by_program: for the calendar year of the period's last day, {code: {"label", "budget"
  (the sum of the budgets set for federations in scope; None when none is set), "used" (cash plus
  goods of approved and paid grants of payers in scope dated from 1 January to the last day),
  "remaining" (None without a budget)}}.
- mutual_aid_claims_paid / mutual_aid_claims_paid_amount: claims paid (`paid_on`) in the period,
  and what was paid.

Money is Decimal in yuan (two decimals), never float. Seven queries whatever the size of the
scope.
"""

import datetime
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from federations.models import Federation

from .models import AidBudget, AidProgram, Grant, GroupDelivery, HardshipFile, MutualAidClaim

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)

KEYS = (
    "hardship_files_active",
    "hardship_files_opened",
    "hardship_files_lifted_out",
    "grants_count",
    "grants_amount",
    "grants_goods_value",
    "study_aid_students",
    "people_reached_by_group_deliveries",
    "group_delivery_enterprises",
    "group_delivery_goods_value",
    "mutual_aid_claims_paid",
    "mutual_aid_claims_paid_amount",
)
LABELS = {
    "hardship_files_active": _("在档困难职工"),
    "hardship_files_opened": _("新建档"),
    "hardship_files_lifted_out": _("解困脱困"),
    "grants_count": _("帮扶发放（人次）"),
    "grants_amount": _("发放现金（元）"),
    "grants_goods_value": _("发放物资折价（元）"),
    "study_aid_students": _("金秋助学学生"),
    "people_reached_by_group_deliveries": _("集体慰问职工（人次）"),
    "group_delivery_enterprises": _("集体慰问单位（家次）"),
    "group_delivery_goods_value": _("集体慰问物资（元）"),
    "mutual_aid_claims_paid": _("互助保障赔付（件）"),
    "mutual_aid_claims_paid_amount": _("互助保障赔付金额（元）"),
}


def _money(expression, **kwargs):
    return Coalesce(Sum(expression, **kwargs), Value(ZERO), output_field=MONEY)


def as_period(period):
    """A Period from a Period, a Quarter or a date (the calendar year up to that date)."""
    from reports.periods import Period

    if isinstance(period, datetime.date):
        return Period.year_to_date(period)
    if hasattr(period, "period"):
        return period.period
    return period


def hardship_indicators(*, federation: Federation, period) -> dict:
    """The indicators above for `federation`'s scope, as a plain dict (ints, Decimals in yuan,
    and the two per-programme dicts)."""
    period = as_period(period)
    first, last = period.first_day, period.last_day
    path = federation.path
    files = HardshipFile.objects.filter(federation__path__startswith=path).order_by()
    counts = files.aggregate(
        hardship_files_active=Count(
            "pk",
            filter=Q(opened_on__lte=last)
            & (Q(lifted_out_on__isnull=True) | Q(lifted_out_on__gt=last)),
        ),
        hardship_files_opened=Count("pk", filter=Q(opened_on__gte=first, opened_on__lte=last)),
        hardship_files_lifted_out=Count(
            "pk", filter=Q(lifted_out_on__gte=first, lifted_out_on__lte=last)
        ),
    )

    programs = list(AidProgram.objects.order_by("pk"))
    # one pass over the committed grants of payers in scope, from the earlier of the period's
    # first day and 1 January of its last day's year: the period's paid grants by programme
    # (and the distinct students among the study-aid ones), and the year's budget use
    year_start = datetime.date(last.year, 1, 1)
    paid = Q(status=Grant.Status.PAID, granted_on__gte=first)
    rows = {
        row["program_id"]: row
        for row in Grant.objects.committed()
        .filter(
            paying_federation__path__startswith=path,
            granted_on__gte=min(first, year_start),
            granted_on__lte=last,
        )
        .order_by()
        .values("program_id")
        .annotate(
            paid_count=Count("pk", filter=paid),
            paid_amount=_money("amount", filter=paid),
            paid_goods=_money("goods_value", filter=paid),
            students=Count(
                Concat(Cast("recipient_id", CharField()), Value("|"), "student_name"),
                filter=paid,
                distinct=True,
            ),
            used=_money(F("amount") + F("goods_value"), filter=Q(granted_on__gte=year_start)),
        )
    }
    grants_by_program, used = {}, {}
    counts["study_aid_students"] = 0
    for program in programs:
        row = rows.get(program.pk, {})
        grants_by_program[program.code] = {
            "label": program.name,
            "count": row.get("paid_count", 0),
            "amount": row.get("paid_amount", ZERO),
            "goods_value": row.get("paid_goods", ZERO),
        }
        used[program.pk] = row.get("used", ZERO)
        if program.code == AidProgram.Code.STUDY_AID:
            counts["study_aid_students"] = row.get("students", 0)
    counts["grants_count"] = sum(row["count"] for row in grants_by_program.values())
    counts["grants_amount"] = sum((row["amount"] for row in grants_by_program.values()), ZERO)
    counts["grants_goods_value"] = sum(
        (row["goods_value"] for row in grants_by_program.values()), ZERO
    )

    deliveries = GroupDelivery.objects.filter(
        federation__path__startswith=path, delivered_on__gte=first, delivered_on__lte=last
    ).order_by()
    delivered = deliveries.aggregate(
        people=Coalesce(Sum("workers_reached"), 0), goods=_money("goods_value")
    )
    counts["people_reached_by_group_deliveries"] = delivered["people"]
    counts["group_delivery_goods_value"] = delivered["goods"]
    counts["group_delivery_enterprises"] = GroupDelivery.enterprises.through.objects.filter(
        groupdelivery__in=deliveries
    ).count()

    claims = MutualAidClaim.objects.filter(
        federation__path__startswith=path,
        status=MutualAidClaim.Status.PAID,
        paid_on__gte=first,
        paid_on__lte=last,
    ).aggregate(n=Count("pk"), amount=_money("amount_paid"))
    counts["mutual_aid_claims_paid"] = claims["n"]
    counts["mutual_aid_claims_paid_amount"] = claims["amount"]

    budgets = dict(
        AidBudget.objects.filter(federation__path__startswith=path, year=last.year)
        .order_by()
        .values("program_id")
        .annotate(total=_money("amount"))
        .values_list("program_id", "total")
    )
    budget_by_program = {}
    for program in programs:
        budget = budgets.get(program.pk)
        spent = used[program.pk]
        budget_by_program[program.code] = {
            "label": program.name,
            "budget": budget,
            "used": spent,
            "remaining": None if budget is None else budget - spent,
        }

    result = {key: counts[key] for key in KEYS}
    result["grants_by_program"] = grants_by_program
    result["budget_by_program"] = budget_by_program
    return result
