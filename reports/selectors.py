"""Indicators composed for the dashboard, the JSON endpoint, the `indicators` command, the quarterly
snapshots and the PDF reports (whose runs the reports page lists: `report_rows`).

The definitions are those of DESIGN.md ("Indicators") and live in `membership`: the union status
on a date (`EnterpriseQuerySet.with_status_on`), memberships active on a date
(`MembershipQuerySet.active_on`), the scope of a federation (`in_scope`), large enterprises
(`LARGE_ENTERPRISE_EMPLOYEES`), and their composition for one federation
(`membership.selectors.coverage_counts`). This module adds:

- `indicators(federation, on)`: coverage_counts plus the rates, as the JSON keys of the issue.
  The command, the snapshots and the reports use it.
- `breakdown(federation, on)`: the same counts for every direct child, in two grouped queries
  whatever the number of children (GROUP BY jurisdiction, summed per child in Python), with the
  federation's total as the sum of its parts. The dashboard and the JSON endpoint use it: at a
  million members `coverage_counts` plus one query per child would cost seconds. The test suite
  holds both to the same numbers.
- Joint unions have no enterprises by jurisdiction; their figures are those of the enterprises
  they cover on the date (as the enterprise list does for `federation=<joint union>`).
- Flows over a period: `new_independent_unions`.

Rates are numbers between 0 and 1 (four decimals), or None for a zero denominator; pages print
them with `format_rate` ("96.3%", "—").
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federations.models import Federation, FoundingTarget
from federations.permissions import Perm, federation_get_for_user, federations_where, user_can
from membership.models import (
    LARGE_ENTERPRISE_EMPLOYEES,
    Enterprise,
    Membership,
    UnionStatusChange,
)
from membership.selectors import coverage_counts, format_rate, rate

from .models import REPORT_KINDS, QuarterlySnapshot, ReportRun
from .periods import Period, Quarter

Status = Enterprise.UnionStatus

COUNT_KEYS = (
    "enterprises",
    "independent_unions",
    "joint_covered_enterprises",
    "enterprises_unionized",
    "employees",
    "employees_in_unionized",
    "members",
    "large_enterprises",
    "large_enterprises_unionized",
)
RATE_KEYS = ("unionization_rate", "membership_rate")
# The figures, in the order the issue lists them (JSON, the command, the snapshots).
FIGURE_KEYS = (
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
)
JSON_KEYS = ("federation", "as_of", *FIGURE_KEYS)
FIGURE_LABELS = {
    "enterprises": _("企业数"),
    "independent_unions": _("独立建会企业"),
    "joint_covered_enterprises": _("联合工会覆盖企业"),
    "enterprises_unionized": _("已建会企业"),
    "unionization_rate": _("建会率"),
    "employees": _("职工人数"),
    "employees_in_unionized": _("已建会企业职工人数"),
    "members": _("会员人数"),
    "membership_rate": _("入会率"),
    "large_enterprises": _("百人以上企业"),
    "large_enterprises_unionized": _("百人以上企业已建会"),
}
TREND_QUARTERS = 8
# the counts each rate is printed from ("96.3%" / "—": `figure_text`)
RATE_PARTS = {
    "unionization_rate": ("enterprises_unionized", "enterprises"),
    "membership_rate": ("members", "employees_in_unionized"),
}


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def rates_of(counts) -> dict[str, float | None]:
    """建会率 = unionized / enterprises; 入会率 = members / employees of unionized enterprises."""

    def rounded(value):
        return None if value is None else round(value, 4)

    return {
        "unionization_rate": rounded(rate(counts["enterprises_unionized"], counts["enterprises"])),
        "membership_rate": rounded(rate(counts["members"], counts["employees_in_unionized"])),
    }


def figures_of(counts) -> dict:
    """Counts plus rates, in the order of FIGURE_KEYS."""
    values = {**counts, **rates_of(counts)}
    return {key: values[key] for key in FIGURE_KEYS}


def figure_text(key, figures) -> str:
    """A figure as every page and report prints it: "1,234", a rate "96.3%" from its counts
    (`format_rate`), "—" when unknown (no figures, or figures that lack it)."""
    if figures is None:
        return "—"
    if key in RATE_PARTS:
        numerator, denominator = RATE_PARTS[key]
        if numerator not in figures or denominator not in figures:
            return "—"
        return format_rate(figures[numerator], figures[denominator])
    value = figures.get(key)
    return "—" if value is None else f"{value:,}"


def as_json(federation, on, counts) -> dict:
    return {"federation": federation.code, "as_of": on.isoformat(), **figures_of(counts)}


def _is_today(on):
    return on == timezone.localdate()


# --- one federation -----------------------------------------------------------------------------


def indicators(*, federation: Federation, on: datetime.date) -> dict:
    """The figures of `federation`'s scope on `on`, with the keys of JSON_KEYS."""
    if federation.is_joint:
        counts = joint_coverage_counts(joint_unions=[federation], on=on)[federation.pk]
    else:
        counts = coverage_counts(federation=federation, on=on)
    return as_json(federation, on, counts)


def joint_coverage_counts(*, joint_unions, on) -> dict[int, dict[str, int]]:
    """{joint union id: counts} of the enterprises each joint union covers on `on` (status JOINT
    with that joint union), in two queries. All of them are unionized by definition."""
    ids = [joint.pk for joint in joint_unions]
    result = {pk: zero_counts() for pk in ids}
    if not ids:
        return result
    if _is_today(on):
        # Enterprise.union_status / joint_union are the services' copy of the status today
        covered = Enterprise.objects.filter(union_status=Status.JOINT, joint_union_id__in=ids)
        joint_field = "joint_union_id"
    else:
        ever_covered = UnionStatusChange.objects.filter(joint_union_id__in=ids).values(
            "enterprise_id"
        )
        covered = (
            Enterprise.objects.filter(pk__in=ever_covered)
            .with_status_on(on)
            .filter(status_on=Status.JOINT, joint_union_on_id__in=ids)
        )
        joint_field = "joint_union_on_id"
    covered = covered.order_by()
    owner = {}
    for pk, joint_id, employees in covered.values_list("pk", joint_field, "employees"):
        owner[pk] = joint_id
        counts = result[joint_id]
        counts["enterprises"] += 1
        counts["joint_covered_enterprises"] += 1
        counts["enterprises_unionized"] += 1
        counts["employees"] += employees
        counts["employees_in_unionized"] += employees
        if employees >= LARGE_ENTERPRISE_EMPLOYEES:
            counts["large_enterprises"] += 1
            counts["large_enterprises_unionized"] += 1
    if owner:
        members = (
            Membership.objects.active_on(on)
            .filter(enterprise_id__in=covered.values("pk"))
            .order_by()
            .values("enterprise_id")
            .annotate(n=Count("pk"))
        )
        for row in members:
            result[owner[row["enterprise_id"]]]["members"] += row["n"]
    return result


def new_independent_unions(*, federation: Federation, period: Period) -> int:
    """Flow: enterprises in scope whose union status became INDEPENDENT during `period` (newly
    founded, or upgraded from joint coverage), each counted once."""
    return sum(_new_independent_by_path(federation, period).values())


def _new_independent_by_path(federation, period) -> dict[str, int]:
    """{jurisdiction path: new independent unions in `period`}, one grouped query. The rule is
    `EnterpriseQuerySet.became_independent`, which the enterprise list filters by too
    (`became_independent_from` / `_to`), so each figure links to exactly the enterprises it
    counts."""
    if federation.is_joint:
        return {}
    rows = (
        Enterprise.objects.in_scope(federation)
        .became_independent(period.first_day, period.last_day)
        .order_by()
        .values(path=F("jurisdiction__path"))
        .annotate(n=Count("pk"))
    )
    return {row["path"]: row["n"] for row in rows}


# --- a federation and its direct children -------------------------------------------------------


@dataclass
class Row:
    """One line of the breakdown: a direct child (or, with `federation=None`, the enterprises
    registered at the federation itself)."""

    federation: Federation | None
    counts: dict
    new_independent_unions: int | None = None
    target: FoundingTarget | None = None

    @property
    def figures(self) -> dict:
        return figures_of(self.counts)

    @property
    def code(self):
        return self.federation.code if self.federation else ""

    @property
    def covered_only(self) -> bool:
        """A joint union's row counts the enterprises it covers."""
        return bool(self.federation and self.federation.is_joint)


@dataclass
class Breakdown:
    federation: Federation
    on: datetime.date
    total: dict
    rows: list[Row]
    own: Row | None = None
    new_independent_unions: int | None = None
    period: Period | None = None
    target: FoundingTarget | None = None

    @property
    def figures(self) -> dict:
        return figures_of(self.total)

    def as_json(self) -> dict:
        data = as_json(self.federation, self.on, self.total)
        data["children"] = [
            {
                "federation": row.code,
                "name": row.federation.name,
                "kind": row.federation.kind,
                **row.figures,
            }
            for row in self.rows
        ]
        if self.own is not None:
            data["own"] = {
                "federation": self.federation.code,
                "name": self.federation.name,
                **self.own.figures,
            }
        return data


def children_of(federation) -> list[Federation]:
    return list(
        Federation.objects.filter(
            path__startswith=federation.path, depth=federation.depth + 1
        ).order_by("path")
    )


def _add_group(counts, *, status, large, n, employees):
    """Add `n` enterprises with `employees` in all, of one union status and size, to `counts`
    (the definitions of coverage_counts, applied to a group)."""
    unionized = status != Status.NONE
    counts["enterprises"] += n
    counts["employees"] += employees
    if status == Status.INDEPENDENT:
        counts["independent_unions"] += n
    elif status == Status.JOINT:
        counts["joint_covered_enterprises"] += n
    if unionized:
        counts["enterprises_unionized"] += n
        counts["employees_in_unionized"] += employees
    if large:
        counts["large_enterprises"] += n
        if unionized:
            counts["large_enterprises_unionized"] += n


def _scope_counts(federation, on, joint_ids=frozenset()):
    """({jurisdiction path: counts}, {joint union id: counts of the enterprises it covers}) for
    `federation`'s scope on `on`, in two queries whatever the size of the data.

    Grouped (the usual case): the enterprises by (jurisdiction, union status, size[, joint
    union]) and the active memberships by jurisdiction[, joint union]. Today's status is the
    services' copy on the enterprise (`union_status`, `joint_union`); another date's comes from
    the history (`with_status_on`). Covered-by-joint-union figures for another date than today
    need each enterprise's joint union on that date: then the enterprises are read one row each
    and the memberships grouped by enterprise."""
    by_path = defaultdict(zero_counts)
    by_joint = {pk: zero_counts() for pk in joint_ids}
    large = ExpressionWrapper(
        Q(employees__gte=LARGE_ENTERPRISE_EMPLOYEES), output_field=BooleanField()
    )
    enterprises = Enterprise.objects.in_scope(federation).order_by()
    members = Membership.objects.in_scope(federation).active_on(on).order_by()
    today = _is_today(on)

    if joint_ids and not today:
        rows = enterprises.with_status_on(on).values_list(
            "pk", "jurisdiction__path", "status_on", "joint_union_on_id", "employees"
        )
        where = {}
        for pk, path, status, joint_id, employees in rows:
            is_large = employees >= LARGE_ENTERPRISE_EMPLOYEES
            _add_group(by_path[path], status=status, large=is_large, n=1, employees=employees)
            covered = status == Status.JOINT and joint_id in by_joint
            if covered:
                _add_group(
                    by_joint[joint_id], status=status, large=is_large, n=1, employees=employees
                )
            where[pk] = (path, joint_id if covered else None)
        for enterprise_id, n in members.values_list("enterprise_id").annotate(n=Count("pk")):
            path, joint_id = where[enterprise_id]
            by_path[path]["members"] += n
            if joint_id is not None:
                by_joint[joint_id]["members"] += n
        return by_path, by_joint

    if today:
        # the services' copy of the status today: no history lookup per enterprise
        status, joint = F("union_status"), F("joint_union_id")
    else:
        enterprises = enterprises.with_status_on(on, details=False)
        status, joint = F("status_on"), None
    columns = {"path": F("jurisdiction__path"), "status": status, "large": large}
    member_columns = {"jurisdiction_id": F("enterprise__jurisdiction_id")}
    if joint_ids:
        columns["joint"] = joint
        # joint_union_id is set exactly when the status is JOINT (a constraint)
        member_columns["joint"] = F("enterprise__joint_union_id")
    path_of = {}
    sums = {"n": Count("pk"), "employees_sum": Sum("employees")}
    if today:
        # today's members are the open memberships, counted on each enterprise by the services
        sums["members_sum"] = Sum("members_open")
    for row in enterprises.values("jurisdiction_id", **columns).annotate(**sums):
        path_of[row["jurisdiction_id"]] = row["path"]
        group = {
            "status": row["status"],
            "large": row["large"],
            "n": row["n"],
            "employees": row["employees_sum"] or 0,
        }
        _add_group(by_path[row["path"]], **group)
        covered = row["status"] == Status.JOINT and row.get("joint") in by_joint
        if covered:
            _add_group(by_joint[row["joint"]], **group)
        if today:
            by_path[row["path"]]["members"] += row["members_sum"] or 0
            if covered:
                by_joint[row["joint"]]["members"] += row["members_sum"] or 0
    if today:
        return by_path, by_joint
    for row in _members_grouped(federation, on, members, member_columns):
        by_path[path_of[row["jurisdiction_id"]]]["members"] += row["n"]
        if row.get("joint") in by_joint:
            by_joint[row["joint"]]["members"] += row["n"]
    return by_path, by_joint


def _members_grouped(federation, on, members, columns):
    """The active memberships in scope, grouped by `columns` (enterprise fields).

    Below the root, join first: the scope's enterprises are few and their memberships are found
    through the membership index. At the root every membership is in scope; there it is cheaper
    to count them per enterprise first (one pass, no join per row) and join the 60,000-odd
    per-enterprise counts to their enterprises afterwards, which the ORM cannot express: the inner
    query is still `Membership.objects.active_on(on)` and the scope condition still `in_scope`.
    """
    if federation.depth > 1:
        return members.values(**columns).annotate(n=Count("pk"))
    per_enterprise = (
        Membership.objects.active_on(on).order_by().values("enterprise_id").annotate(n=Count("pk"))
    )
    # the scope as federations (hundreds), not enterprises (tens of thousands): a cheap semi-join
    in_scope = Federation.objects.in_scope(federation).order_by().values("pk")
    names = list(columns)
    enterprise_columns = {
        "jurisdiction_id": "e.jurisdiction_id",
        "joint": "e.joint_union_id",
    }
    select = ", ".join(f"{enterprise_columns[name]} AS {name}" for name in names)
    inner_sql, inner_params = per_enterprise.query.sql_with_params()
    scope_sql, scope_params = in_scope.query.sql_with_params()
    group = ", ".join(str(i) for i in range(1, len(names) + 1))
    sql = (
        f"SELECT {select}, SUM(m.n) AS n FROM ({inner_sql}) m "  # noqa: S608 — no user input
        f"JOIN {Enterprise._meta.db_table} e ON e.id = m.enterprise_id "
        f"WHERE e.jurisdiction_id IN ({scope_sql}) GROUP BY {group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, *scope_params))
        # SUM of counts is a numeric in PostgreSQL: back to int
        return [{**dict(zip(names, row, strict=False)), "n": int(row[-1])} for row in cursor]


def _add(into, counts):
    for key in COUNT_KEYS:
        into[key] += counts[key]


def breakdown(
    *, federation: Federation, on: datetime.date, children=None, with_progress=True
) -> Breakdown:
    """The figures of `federation` and of each direct child on `on`; with `with_progress`, also
    the new independent unions of the year up to `on` and the founding targets of that year.

    A constant number of queries whatever the size of the data: the children (unless given), two
    for the counts, and with progress one for the new independent unions and one for the targets.
    A child that is a joint union counts the enterprises it covers."""
    if children is None:
        children = children_of(federation)
    period = Period.year_to_date(on)
    if federation.is_joint:
        counts = joint_coverage_counts(joint_unions=[federation], on=on)[federation.pk]
        result = Breakdown(federation, on, counts, [], period=period)
        if with_progress:
            result.target = _targets([federation], on.year).get(federation.pk)
        return result

    joint_ids = frozenset(child.pk for child in children if child.is_joint)
    by_path, covered = _scope_counts(federation, on, joint_ids)
    new_by_path = _new_independent_by_path(federation, period) if with_progress else {}
    step = len(federation.path) + Federation.steplen
    total = zero_counts()
    own = zero_counts()
    per_child = defaultdict(zero_counts)
    new_per_child = defaultdict(int)
    for path, counts in by_path.items():
        _add(total, counts)
        if len(path) < step:
            _add(own, counts)
        else:
            _add(per_child[path[:step]], counts)
    for path, n in new_by_path.items():
        new_per_child[path[:step] if len(path) >= step else ""] += n

    def new_in(key):
        return new_per_child[key] if with_progress else None

    rows = []
    for child in children:
        if child.is_joint:
            rows.append(Row(child, covered[child.pk]))
        else:
            rows.append(Row(child, per_child[child.path], new_in(child.path)))
    has_own = own["enterprises"] > 0 and any(not child.is_joint for child in children)
    result = Breakdown(
        federation,
        on,
        total,
        rows,
        own=Row(None, own, new_in("")) if has_own else None,
        new_independent_unions=sum(new_by_path.values()) if with_progress else None,
        period=period,
    )
    if with_progress:
        targets = _targets([federation, *children], on.year)
        result.target = targets.get(federation.pk)
        for row in rows:
            row.target = targets.get(row.federation.pk)
    return result


def _targets(federations, year) -> dict[int, FoundingTarget]:
    return {
        target.federation_id: target
        for target in FoundingTarget.objects.filter(
            federation__in=[f.pk for f in federations], year=year
        )
    }


# --- targets ------------------------------------------------------------------------------------

TARGET_KEYS = ("new_independent_unions", "large_enterprises_unionized", "members")


@dataclass
class Progress:
    key: str
    label: str
    target: int
    actual: int
    unit: str
    url: str = ""  # the list behind `actual` (set by the dashboard)

    @property
    def ratio(self) -> float | None:
        return rate(self.actual, self.target)

    @property
    def percent_text(self) -> str:
        return format_rate(self.actual, self.target)

    @property
    def bar_width(self) -> int:
        """0–100, in steps of 5 (a CSS class per step: no inline style under the CSP)."""
        if not self.target:
            return 0
        return min(100, int(self.actual * 100 / self.target) // 5 * 5)

    @property
    def reached(self) -> bool:
        return self.actual >= self.target


def targets_summed(*, federation, year, targets) -> FoundingTarget | None:
    """The children's `targets` added up (unsaved), when there are any: what a district office
    set for its streets is what the district as a whole works towards."""
    if not targets:
        return None
    return FoundingTarget(
        federation=federation,
        year=year,
        **{key: sum(getattr(t, key) for t in targets) for key in TARGET_KEYS},
    )


def children_targets_summed(result: Breakdown) -> FoundingTarget | None:
    """The targets of the breakdown's children added up (`targets_summed`)."""
    return targets_summed(
        federation=result.federation,
        year=result.on.year,
        targets=[row.target for row in result.rows if row.target is not None],
    )


def target_progress(*, target: FoundingTarget | None, counts, new_independent) -> list[Progress]:
    """Progress against the year's targets: new independent unions during the year (flow), large
    enterprises unionized and members on the date (stocks)."""
    if target is None:
        return []
    return [
        Progress(
            "new_independent_unions",
            _("新建独立工会"),
            target.new_independent_unions,
            new_independent or 0,
            _("家"),
        ),
        Progress(
            "large_enterprises_unionized",
            _("百人以上企业建会"),
            target.large_enterprises_unionized,
            counts["large_enterprises_unionized"],
            _("家"),
        ),
        Progress("members", _("会员人数"), target.members, counts["members"], _("人")),
    ]


# --- snapshots ----------------------------------------------------------------------------------


def trend_quarters(on: datetime.date) -> list[Quarter]:
    """The eight quarters a trend shows on `on`: ending with the quarter that ended last on or
    before `on` (its own quarter when `on` is a quarter's last day)."""
    current = Quarter.containing(on)
    last = current if current.last_day == on else current.previous()
    return last.last(TREND_QUARTERS)


def snapshots_for(*, federation, quarters) -> dict[str, QuarterlySnapshot]:
    """{"2026Q3": snapshot} for the quarters that have one, in one query."""
    return {
        snapshot.quarter: snapshot
        for snapshot in QuarterlySnapshot.objects.filter(federation=federation).for_quarters(
            quarters
        )
    }


def missing_snapshots(*, quarters, federations=None) -> list[tuple[Federation, Quarter]]:
    """(federation, quarter) pairs without a snapshot, over every federation (or those given)."""
    taken = QuarterlySnapshot.objects.for_quarters(quarters)
    if federations is None:
        federations = list(Federation.objects.order_by("path"))
    else:
        taken = taken.filter(federation__in=federations)
    taken = set(taken.values_list("federation_id", "quarter"))
    return [
        (federation, quarter)
        for quarter in quarters
        for federation in federations
        if (federation.pk, str(quarter)) not in taken
    ]


# --- quarterly PDF reports ----------------------------------------------------------------------


@dataclass
class ReportRow:
    """One line of the reports page: a federation, its run for the quarter (None: never
    requested) and whether the user may build it."""

    federation: Federation
    run: ReportRun | None
    can_build: bool

    @property
    def pending(self) -> bool:
        return self.run is not None and self.run.pending


def report_rows(*, user, quarter: Quarter) -> list[ReportRow]:
    """The federations whose reports `user` sees (Perm.VIEW_DASHBOARD: the office and admins
    their whole scope, a chair their own federation and below), in tree order, each with its run
    for `quarter`. Two queries (plus the user's roles, once per request)."""
    federations = list(
        federations_where(user, Perm.VIEW_DASHBOARD).filter(kind__in=REPORT_KINDS).order_by("path")
    )
    runs = {
        run.federation_id: run
        for run in ReportRun.objects.filter(federation__in=federations, quarter=str(quarter))
    }
    return [ReportRow(f, runs.get(f.pk), user_can(user, Perm.RUN_REPORTS, f)) for f in federations]


@dataclass
class OverviewRow:
    """One federation across quarters: its run of each (None where never requested)."""

    federation: Federation
    runs: list[tuple[Quarter, ReportRun | None]]


def report_overview(*, rows: list[ReportRow], quarters: list[Quarter]) -> list[OverviewRow]:
    """Federation × quarter: the runs of `rows`' federations in each of `quarters`, in one
    query (the federations were already narrowed to the user's scope by `report_rows`)."""
    federations = [row.federation for row in rows]
    runs = {
        (run.federation_id, run.quarter): run
        for run in ReportRun.objects.filter(
            federation__in=federations, quarter__in=[str(q) for q in quarters]
        ).only("federation_id", "quarter", "status", "file", "error")
    }
    return [OverviewRow(f, [(q, runs.get((f.pk, str(q)))) for q in quarters]) for f in federations]


def report_run_get_for_user(*, user, code: str, quarter: Quarter):
    """The run of the federation `code` for `quarter`, if the user may see that federation's
    dashboards; Http404 for a federation outside their scope, unknown, or without a run alike."""
    federation = federation_get_for_user(user=user, code=code, perm=Perm.VIEW_DASHBOARD)
    run = (
        ReportRun.objects.select_related("federation")
        .filter(federation=federation, quarter=str(quarter))
        .first()
    )
    if run is None:
        raise Http404
    return run
