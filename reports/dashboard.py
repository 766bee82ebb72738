"""What the dashboard shows, built from the selectors: KPI cards with their change against the
previous quarter's snapshot and the list each number links to, the breakdown table, target
progress and the data of the charts. No queries of its own beyond those it calls."""

import datetime
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.selectors import may_see_at
from federations.models import Federation
from federations.permissions import Perm, user_can

from . import flows, selectors
from .periods import Period, Quarter
from .selectors import RATE_PARTS
from .selectors import figure_text as shown

# The lists behind the numbers (membership, assistance and activities apps); the paths are the
# fallback while those pages are not routed yet.
LISTS = {
    "enterprises": ("membership:enterprise_list", "/membership/enterprises/"),
    "members": ("membership:member_list", "/membership/members/"),
    "hardship_files": ("assistance:file_list", "/assistance/files/"),
    "grants": ("assistance:grant_list", "/assistance/grants/"),
    "activities": ("activities:list", "/activities/"),
}

# key: (label, unit, list, filters)
FAMILIES = gettext_lazy("家")
PEOPLE = gettext_lazy("人")
FIGURES = {
    "enterprises": (gettext_lazy("企业数"), FAMILIES, "enterprises", {}),
    "enterprises_unionized": (
        gettext_lazy("已建会企业"),
        FAMILIES,
        "enterprises",
        {"status": "unionized"},
    ),
    "unionization_rate": (gettext_lazy("建会率"), "", "enterprises", {"status": "unionized"}),
    "independent_unions": (
        gettext_lazy("独立建会"),
        FAMILIES,
        "enterprises",
        {"status": "independent"},
    ),
    "joint_covered_enterprises": (
        gettext_lazy("联合工会覆盖"),
        FAMILIES,
        "enterprises",
        {"status": "joint"},
    ),
    "employees": (gettext_lazy("职工人数"), PEOPLE, "enterprises", {}),
    "employees_in_unionized": (
        gettext_lazy("已建会企业职工"),
        PEOPLE,
        "enterprises",
        {"status": "unionized"},
    ),
    "members": (gettext_lazy("会员人数"), PEOPLE, "members", {"state": "active"}),
    "membership_rate": (gettext_lazy("入会率"), "", "members", {"state": "active"}),
    "large_enterprises": (gettext_lazy("百人以上企业"), FAMILIES, "enterprises", {"large": "1"}),
    "large_enterprises_unionized": (
        gettext_lazy("百人以上企业已建会"),
        FAMILIES,
        "enterprises",
        {"large": "1", "status": "unionized"},
    ),
}

KPI_KEYS = (
    "enterprises",
    "enterprises_unionized",
    "unionization_rate",
    "members",
    "membership_rate",
    "independent_unions",
    "joint_covered_enterprises",
    "employees_in_unionized",
    "large_enterprises",
    "large_enterprises_unionized",
)
TABLE_KEYS = (
    "enterprises",
    "enterprises_unionized",
    "unionization_rate",
    "independent_unions",
    "joint_covered_enterprises",
    "employees",
    "employees_in_unionized",
    "members",
    "membership_rate",
    "large_enterprises",
    "large_enterprises_unionized",
)


def list_base(name):
    url_name, fallback = LISTS[name]
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return fallback


def list_url(bases, key, code, **extra):
    _label, _unit, name, filters = FIGURES[key]
    params = {"federation": code, **filters, **extra}
    return f"{bases[name]}?{urlencode(params)}"


def new_independent_url(bases, code, period):
    """The enterprises a 新建独立工会 figure counts: those of `code`'s subtree whose union became
    independent during `period` (the list's filter applies the selectors' rule)."""
    params = {
        "federation": code,
        "became_independent_from": period.first_day.isoformat(),
        "became_independent_to": period.last_day.isoformat(),
    }
    return f"{bases['enterprises']}?{urlencode(params)}"


def sort_value(key, figures):
    value = figures[key]
    return "" if value is None else value


@dataclass
class Change:
    text: str
    direction: str  # "up", "down", "flat", "none"


def change_against(key, figures, previous) -> Change:
    """The change of one figure against the previous quarter's snapshot."""
    if previous is None or key not in previous:
        return Change(_("上季度无快照"), "none")
    now, before = figures[key], previous[key]
    if now is None or before is None:
        return Change(_("较上季度 —"), "none")
    if key in RATE_PARTS:
        diff = round((now - before) * 100, 1)
        text = _("较上季度 %(diff)s 个百分点") % {"diff": f"{diff:+.1f}"}
    else:
        diff = now - before
        text = _("较上季度 %(diff)s") % {"diff": f"{diff:+,}"}
    direction = "up" if diff > 0 else "down" if diff < 0 else "flat"
    if diff == 0:
        text = _("与上季度持平")
    return Change(text, direction)


@dataclass
class Kpi:
    key: str
    label: str
    value: str
    unit: str
    url: str
    change: Change


@dataclass
class Cell:
    key: str
    text: str
    sort: object
    url: str


@dataclass
class TableRow:
    name: str
    kind: str
    code: str
    url: str  # the child's dashboard ("" for the federation's own enterprises)
    cells: list[Cell]
    covered_only: bool = False
    new_independent: int | None = None
    target_new: int | None = None
    new_independent_url: str = ""  # the enterprises it counts ("" when not linked)


@dataclass
class Dashboard:
    federation: Federation
    on: datetime.date
    is_today: bool
    ancestors: list[Federation]
    breakdown: selectors.Breakdown
    kpis: list[Kpi]
    unionized_missing: Kpi
    rows: list[TableRow]
    total_row: TableRow
    progress: list[selectors.Progress]
    previous_quarter: Quarter
    previous_snapshot: object
    charts: dict
    targets_summed: bool = False  # no target of its own: progress against its children's
    can_manage_targets: bool = False
    can_take_snapshots: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)
    flows_url: str = ""  # the hardship-aid and activity sections (`flow_sections`)


def ancestors_and_children(federation):
    """The ancestors (for the breadcrumb) and the direct children, in one query."""
    step = Federation.steplen
    paths = [federation.path[: step * i] for i in range(1, federation.depth)]
    nodes = Federation.objects.filter(
        Q(path__in=paths) | Q(path__startswith=federation.path, depth=federation.depth + 1)
    ).order_by("path")
    ancestors, children = [], []
    for node in nodes:
        (children if node.depth > federation.depth else ancestors).append(node)
    return ancestors, children


def dashboard_url(code, on, is_today):
    url = reverse("reports:dashboard", kwargs={"code": code})
    return url if is_today else f"{url}?{urlencode({'on': on.isoformat()})}"


def table_row(row, bases, on, is_today, period) -> TableRow:
    code = row.code
    figures = row.figures
    cells = [
        Cell(key, shown(key, row.counts), sort_value(key, figures), list_url(bases, key, code))
        for key in TABLE_KEYS
    ]
    if row.federation is None:
        # (no list holds only the enterprises registered at the federation itself: not linked)
        return TableRow(
            _("本级直属企业"), "", "", "", cells, new_independent=row.new_independent_unions
        )
    linked = row.new_independent_unions is not None
    return TableRow(
        row.federation.name,
        row.federation.kind_label,
        code,
        dashboard_url(code, on, is_today),
        cells,
        covered_only=row.covered_only,
        new_independent=row.new_independent_unions,
        target_new=row.target.new_independent_unions if row.target else None,
        new_independent_url=new_independent_url(bases, code, period) if linked else "",
    )


def progress_with_urls(progress, bases, federation, period):
    """The target progress, each figure linking to the list it counts (a joint union counts no
    new independent unions of its own: that figure is not linked)."""
    code = federation.code
    urls = {
        "new_independent_unions": (
            "" if federation.is_joint else new_independent_url(bases, code, period)
        ),
        "large_enterprises_unionized": list_url(bases, "large_enterprises_unionized", code),
        "members": list_url(bases, "members", code),
    }
    return [replace(p, url=urls[p.key]) for p in progress]


def build(*, user, federation, on, today) -> Dashboard:
    """The dashboard of `federation` on `on`: the coverage figures. The hardship-aid and
    activity sections are a request of their own (`flow_sections`), which the page loads once
    it is shown, so that the page itself keeps to its twelve queries."""
    ancestors, children = ancestors_and_children(federation)
    is_today = on == today
    result = selectors.breakdown(federation=federation, on=on, children=children)
    figures = result.figures
    quarters = selectors.trend_quarters(on)
    previous_quarter = Quarter.containing(on).previous()
    snapshots = selectors.snapshots_for(federation=federation, quarters=quarters)
    previous = snapshots.get(str(previous_quarter))
    previous_figures = previous.figures if previous else None
    bases = {name: list_base(name) for name in LISTS}
    code = federation.code

    kpis = [
        Kpi(
            key,
            FIGURES[key][0],
            shown(key, result.total),
            FIGURES[key][1],
            list_url(bases, key, code),
            change_against(key, figures, previous_figures),
        )
        for key in KPI_KEYS
    ]
    missing = result.total["enterprises"] - result.total["enterprises_unionized"]
    unionized_missing = Kpi(
        "not_unionized",
        _("未建会企业"),
        f"{missing:,}",
        FAMILIES,
        f"{bases['enterprises']}?{urlencode({'federation': code, 'status': 'none'})}",
        Change("", "none"),
    )
    period = result.period
    rows = [table_row(row, bases, on, is_today, period) for row in result.rows]
    if result.own is not None:
        rows.append(table_row(result.own, bases, on, is_today, period))
    target, targets_summed = result.target, False
    if target is None:
        target = selectors.children_targets_summed(result)
        targets_summed = target is not None
    total = selectors.Row(federation, result.total, result.new_independent_unions, target)
    total_row = table_row(total, bases, on, is_today, period)
    total_row.name = _("合计")
    progress = selectors.target_progress(
        target=target, counts=result.total, new_independent=result.new_independent_unions
    )
    progress = progress_with_urls(progress, bases, federation, period)
    charts = chart_data(federation, result, quarters, snapshots, bases, on, is_today)
    return Dashboard(
        federation=federation,
        on=on,
        is_today=is_today,
        ancestors=[a for a in ancestors if user_can(user, Perm.VIEW_DASHBOARD, a)],
        breakdown=result,
        kpis=kpis,
        unionized_missing=unionized_missing,
        rows=rows,
        total_row=total_row,
        progress=progress,
        previous_quarter=previous_quarter,
        previous_snapshot=previous,
        charts=charts,
        targets_summed=targets_summed,
        can_manage_targets=bool(children) and user_can(user, Perm.MANAGE_TARGETS, federation),
        can_take_snapshots=user_can(user, Perm.RUN_REPORTS, federation),
        headers=[(key, FIGURES[key][0]) for key in TABLE_KEYS],
        flows_url=f"{reverse('reports:dashboard_flows', args=[code])}?on={on.isoformat()}",
    )


def percent(value):
    return None if value is None else round(value * 100, 1)


def chart_data(federation, result, quarters, snapshots, bases, on, is_today) -> dict:
    """What dashboard.js draws, as plain JSON (a data island: no inline script)."""
    trend = {"quarters": [str(q) for q in quarters]}
    for key in ("unionization_rate", "membership_rate"):
        trend[key] = [
            percent(snapshots[str(q)].figures.get(key)) if str(q) in snapshots else None
            for q in quarters
        ]
    for key in ("members", "enterprises_unionized"):
        trend[key] = [
            snapshots[str(q)].figures.get(key) if str(q) in snapshots else None for q in quarters
        ]
    children = [row for row in result.rows if not row.covered_only]
    by_child = {
        "names": [row.federation.name for row in children],
        "unionization_rate": [percent(row.figures["unionization_rate"]) for row in children],
        "membership_rate": [percent(row.figures["membership_rate"]) for row in children],
        "urls": [dashboard_url(row.code, on, is_today) for row in children],
    }
    covered = [row for row in result.rows if row.covered_only]
    if covered and not children:  # a street: its joint unions' membership rates
        by_child = {
            "names": [row.federation.name for row in covered],
            "unionization_rate": [None for _row in covered],
            "membership_rate": [percent(row.figures["membership_rate"]) for row in covered],
            "urls": [dashboard_url(row.code, on, is_today) for row in covered],
        }
    total = result.total
    code = federation.code
    base = bases["enterprises"]
    mix = [
        {
            "name": _("独立建会"),
            "value": total["independent_unions"],
            "url": f"{base}?{urlencode({'federation': code, 'status': 'independent'})}",
        },
        {
            "name": _("联合工会覆盖"),
            "value": total["joint_covered_enterprises"],
            "url": f"{base}?{urlencode({'federation': code, 'status': 'joint'})}",
        },
        {
            "name": _("未建会"),
            "value": total["enterprises"] - total["enterprises_unionized"],
            "url": f"{base}?{urlencode({'federation': code, 'status': 'none'})}",
        },
    ]
    return {"trend": trend, "children": by_child, "status_mix": mix}


# --- hardship aid and activities (issues 6 and 7) -----------------------------------------------
#
# Flows over the year up to the dashboard's date, the active hardship files on that date
# (`reports.flows`). Every dashboard viewer sees these aggregates; a figure links to the list
# behind it only for users who may open that list: the hardship lists are for staff and chairs in
# scope (`assistance.selectors.may_see_at`: an office or an administrator sees the figures, not the
# records), the activity list for anyone who may see records there (Perm.VIEW).


@dataclass
class Figure:
    key: str
    label: str
    value: str
    url: str = ""  # the list behind it ("" when not linked)


@dataclass
class ProgrammeRow:
    code: str
    label: str
    count: str
    amount: str
    goods_value: str
    budget: str
    used: str
    remaining: str
    url: str = ""
    over_budget: bool = False


@dataclass
class HardshipSection:
    period: Period
    figures: list[Figure]
    programmes: list[ProgrammeRow]
    linked: bool  # the user may open the hardship lists


@dataclass
class CategoryRow:
    category: str
    label: str
    count: str
    person_times: str
    distinct_people: str
    url: str = ""


@dataclass
class ActivitySection:
    period: Period
    figures: list[Figure]
    categories: list[CategoryRow]
    people_unknown: bool  # open events count: distinct people cannot be told
    url: str = ""  # the activities counted


@dataclass
class FlowSections:
    federation: Federation
    on: datetime.date
    hardship: "HardshipSection"
    activities: "ActivitySection"


def flow_sections(*, user, federation, on) -> FlowSections:
    """The dashboard's hardship-aid and activity sections: flows over the year up to `on`,
    active hardship files on `on` (the nine queries of `reports.flows.figures`)."""
    period = Period.year_to_date(on)
    bases = {name: list_base(name) for name in LISTS}
    extra = flows.figures(federation=federation, period=period)
    return FlowSections(
        federation=federation,
        on=on,
        hardship=hardship_section(user, federation, period, extra[flows.HARDSHIP], bases),
        activities=activity_section(user, federation, period, extra[flows.ACTIVITIES], bases),
    )


def _url(base, params):
    return f"{base}?{urlencode(params)}"


def hardship_section(user, federation, period, figures, bases) -> HardshipSection:
    linked = may_see_at(user, federation)
    code = federation.code
    grants = {"federation": code, "status": "paid", "year": period.last_day.year}
    urls = {}
    if linked:
        urls = {
            "hardship_files_active": _url(
                bases["hardship_files"], {"federation": code, "status": "active"}
            ),
            "grants_count": _url(bases["grants"], grants),
        }
    shown = [
        Figure(
            key, str(flows.HARDSHIP_LABELS[key]), flows.text(key, figures[key]), urls.get(key, "")
        )
        for key in flows.HARDSHIP_KEYS
    ]
    budgets = figures["budget_by_program"]
    programmes = []
    for programme, row in figures["grants_by_program"].items():
        budget = budgets[programme]
        remaining = budget["remaining"]
        programmes.append(
            ProgrammeRow(
                programme,
                row["label"],
                flows.count_text(row["count"]),
                flows.money_text(row["amount"]),
                flows.money_text(row["goods_value"]),
                flows.money_text(budget["budget"]),
                flows.money_text(budget["used"]),
                flows.money_text(remaining),
                _url(bases["grants"], {**grants, "program": programme}) if linked else "",
                over_budget=remaining is not None and remaining < 0,
            )
        )
    return HardshipSection(period, shown, programmes, linked)


def activity_section(user, federation, period, figures, bases) -> ActivitySection:
    url = ""
    params = {}
    if user_can(user, Perm.VIEW, federation):
        params = {
            "federation": federation.code,
            "status": "held",
            "date_from": period.first_day.isoformat(),
            "date_to": period.last_day.isoformat(),
        }
        url = _url(bases["activities"], params)
    shown = [
        Figure(
            key,
            str(flows.ACTIVITY_LABELS[key]),
            flows.text(key, figures[key]),
            url if key == "activities_count" else "",
        )
        for key in flows.ACTIVITY_KEYS
    ]
    categories = [
        CategoryRow(
            category,
            row["label"],
            flows.count_text(row["activities_count"]),
            flows.count_text(row["person_times"]),
            flows.count_text(row["distinct_people"]),
            _url(bases["activities"], {**params, "category": category}) if url else "",
        )
        for category, row in figures["by_category"].items()
        if row["activities_count"]
    ]
    return ActivitySection(
        period, shown, categories, figures["activity_distinct_people"] is None, url
    )
