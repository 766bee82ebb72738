"""The hardship-aid and activity figures (issues 6 and 7) as the reports show them: in the
`indicators` command and its JSON, the dashboard's JSON endpoint, the quarterly snapshots, the
dashboard and the quarterly PDF report.

The definitions live in the apps — `assistance.indicators.hardship_indicators` and
`activities.indicators.activity_indicators` (nine queries for both, whatever the size of the
scope) — and this module only composes them for one federation and one period:

- The period: with `--quarter 2026Q3` (or `?quarter=` on the JSON endpoint) the flows are those of
  the quarter; with `--on D` (`?on=`), or by default today, those of the calendar year up to D
  (DESIGN.md, "Indicators"). The dashboard always shows the year up to its date. Stocks (active
  hardship files) are counted on the period's last day, which is the date the coverage figures
  are counted on; budget used per programme runs from 1 January to that day whatever the period.
- `figures(federation, period)`: {"hardship_aid": …, "activities": …}, Decimals in yuan.
- `as_json(value)`: the same with every Decimal as a decimal string ("6000.00"), never a float;
  unknown figures (distinct people of open events, a programme without a budget) stay None
  (null). The snapshots store this form; `thaw` turns a snapshot's strings back into Decimals.
- Printing: `count_text` / `money_text` ("1,234", "6,000.00", "—") and `change_text` for the
  change against an earlier quarter ("+12", "-1,200.50", "持平", "—").
- The quarterly report's sections (`assistance/report_sections.py`,
  `activities/report_sections.py`) read the figures frozen in the quarter's snapshot
  (`report_figures`). A snapshot taken before these figures were added to the snapshots lacks
  them: the section then counts the quarter's figures when the report is built — they are flows
  over dated records (and active files on a date), so they match what a snapshot would have held
  unless records of the quarter were corrected since — and says so under its title; the
  comparisons with earlier quarters print "—" where those snapshots lack them. Retaking the
  quarter's snapshot freezes them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from activities import indicators as activity_figures
from assistance import indicators as hardship_figures

from .periods import Period, Quarter

HARDSHIP = "hardship_aid"
ACTIVITIES = "activities"

# the money figures, at any depth (per programme: amount, goods_value, budget, used, remaining)
MONEY_KEYS = frozenset(
    {
        "grants_amount",
        "grants_goods_value",
        "group_delivery_goods_value",
        "mutual_aid_claims_paid_amount",
        "activity_cost",
        "amount",
        "goods_value",
        "budget",
        "used",
        "remaining",
    }
)
HARDSHIP_KEYS = hardship_figures.KEYS
HARDSHIP_LABELS = hardship_figures.LABELS
ACTIVITY_KEYS = activity_figures.KEYS
ACTIVITY_LABELS = activity_figures.LABELS


def period_for(*, on: datetime.date, quarter: Quarter | None) -> Period:
    """The flows' period: the quarter's when one is asked for, else the year up to `on`."""
    return quarter.period if quarter is not None else Period.year_to_date(on)


def figures(*, federation, period: Period) -> dict:
    """The hardship-aid and activity figures of `federation`'s scope over `period` (nine
    queries)."""
    return {
        HARDSHIP: hardship_figures.hardship_indicators(federation=federation, period=period),
        ACTIVITIES: activity_figures.activity_indicators(federation=federation, period=period),
    }


def as_json(value):
    """`value` with every Decimal as a string with two decimals (dicts and lists walked)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


def period_json(period: Period) -> dict:
    return {"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat()}


def frozen(*, federation, quarter: Quarter) -> dict:
    """What a quarterly snapshot keeps of these figures: the quarter's flows, JSON-safe."""
    return as_json(figures(federation=federation, period=quarter.period))


def thaw(value):
    """The reverse of `as_json` for the money figures (by their keys): Decimals again."""
    if isinstance(value, dict):
        return {
            key: Decimal(item) if key in MONEY_KEYS and isinstance(item, str) else thaw(item)
            for key, item in value.items()
        }
    return value


def in_order(mapping: dict, order) -> list[tuple]:
    """The items of a per-programme or per-category dict in the apps' order (a snapshot's JSON
    comes back from PostgreSQL with its keys sorted its own way); keys not in `order` last."""
    rank = {key: number for number, key in enumerate(order)}
    return sorted(mapping.items(), key=lambda item: rank.get(item[0], len(rank)))


def of_snapshot(snapshot_figures: dict | None, group: str) -> dict | None:
    """One group's figures from a snapshot's `figures`, or None when the snapshot is missing or
    was taken before these figures were frozen in snapshots."""
    if not snapshot_figures or group not in snapshot_figures:
        return None
    return thaw(snapshot_figures[group])


# --- how they print -----------------------------------------------------------------------------


def count_text(value) -> str:
    return "—" if value is None else f"{value:,}"


def money_text(value) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def text(key, value) -> str:
    return money_text(value) if key in MONEY_KEYS else count_text(value)


def change_text(key, now, before) -> str:
    """The change of a figure against an earlier one, written as the report's summary writes
    it: "+12", "-1,200.50", "持平", "—"."""
    if now is None or before is None:
        return "—"
    if key in MONEY_KEYS:
        diff = Decimal(now) - Decimal(before)
        return _("持平") if diff == 0 else f"{diff:+,.2f}"
    diff = now - before
    return _("持平") if diff == 0 else f"{diff:+,}"


# --- the quarterly report -----------------------------------------------------------------------


@dataclass
class CompareRow:
    """One figure of a report section: the quarter's, the previous quarter's and a year earlier's
    (from their snapshots: "—" where a snapshot is missing or lacks these figures)."""

    key: str
    label: str
    now: str
    previous: str
    change_previous: str
    year_earlier: str
    change_year: str


def compare_rows(keys, labels, now: dict, previous: dict | None, year_earlier: dict | None):
    def value(figures, key):
        return None if figures is None else figures.get(key)

    return [
        CompareRow(
            key,
            str(labels[key]),
            text(key, now[key]),
            text(key, value(previous, key)),
            change_text(key, now[key], value(previous, key)),
            text(key, value(year_earlier, key)),
            change_text(key, now[key], value(year_earlier, key)),
        )
        for key in keys
    ]


@dataclass
class ReportFigures:
    """One group's figures for a report: the quarter's (`now`), whether they were counted when
    the report was built because the quarter's snapshot predates them (`live`), and the
    comparison quarters' from their snapshots (None when missing)."""

    now: dict
    live: bool
    previous: dict | None
    year_earlier: dict | None
    # [(child, its figures or None, whether the child has a snapshot of the quarter at all)]
    children: list


def report_figures(data, group: str, count) -> ReportFigures:
    """`group`'s figures for the report `data` (a `reports.document.ReportData`): from the
    quarter's snapshot, or — for a snapshot taken before these figures were frozen — counted now
    by `count(federation=…, period=…)` over the quarter's dated records, which the section then
    says. No query when the snapshot has them."""
    now = of_snapshot(data.figures, group)
    live = now is None
    if live:
        now = count(federation=data.federation, period=data.quarter.period)
    return ReportFigures(
        now=now,
        live=live,
        previous=of_snapshot(data.previous, group),
        year_earlier=of_snapshot(data.year_earlier, group),
        children=[
            (child, of_snapshot(figures, group), figures is not None)
            for child, figures in data.children
        ],
    )
