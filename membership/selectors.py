"""Reads of enterprises, union status, members and memberships.

"On date D" rules (see models.py): the union status on D is the latest UnionStatusChange with
`effective_on <= D` (none → NONE); a membership is active on D when `joined_on <= D` and it has not
left by D (`left_on` empty or after D). Enterprise details — jurisdiction, employees — have no
history: counts on a past date use today's values for them.
"""

import datetime
import re
import unicodedata
from typing import NamedTuple

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from federations.models import Federation
from federations.permissions import Perm, federations_where, scope_condition, user_can

from .models import LARGE_ENTERPRISE_EMPLOYEES, Enterprise, Member, Membership
from .validators import ID_NUMBER_PATTERN, normalize_credit_code, normalize_id_number

Status = Enterprise.UnionStatus


class UnionState(NamedTuple):
    status: str  # an Enterprise.UnionStatus value
    joint_union_id: int | None
    since: object  # datetime.date the status took effect, None for NONE


NO_UNION = UnionState(Status.NONE, None, None)


def union_status_on(*, enterprises, on) -> dict[int, UnionState]:
    """{enterprise id: UnionState on date `on`} for many enterprises in one query.

    `enterprises`: a queryset of Enterprise (filtered as you like) or an iterable of ids. Every
    enterprise asked for is in the result; one without history before `on` is `NO_UNION`."""
    if not hasattr(enterprises, "model"):
        enterprises = Enterprise.objects.filter(pk__in=list(enterprises))
    rows = (
        enterprises.order_by()
        .with_status_on(on)
        .values_list("pk", "status_on", "joint_union_on_id", "status_since_on")
    )
    return {pk: UnionState(status, joint, since) for pk, status, joint, since in rows}


def coverage_counts(*, federation, on) -> dict[str, int]:
    """The coverage indicators of DESIGN.md for `federation`'s scope on date `on`, in two queries:

    enterprises, independent_unions, joint_covered_enterprises, enterprises_unionized (each
    enterprise counted once), employees, employees_in_unionized, members (memberships active on
    `on` in enterprises in scope), large_enterprises, large_enterprises_unionized (≥ 100
    employees). Rates: `rate(counts["enterprises_unionized"], counts["enterprises"])` (建会率),
    `rate(counts["members"], counts["employees_in_unionized"])` (入会率)."""
    unionized = Q(status_on__in=(Status.JOINT, Status.INDEPENDENT))
    large = Q(employees__gte=LARGE_ENTERPRISE_EMPLOYEES)
    counts = (
        Enterprise.objects.in_scope(federation)
        .order_by()
        .with_status_on(on, details=False)
        .aggregate(
            enterprises=Count("pk"),
            independent_unions=Count("pk", filter=Q(status_on=Status.INDEPENDENT)),
            joint_covered_enterprises=Count("pk", filter=Q(status_on=Status.JOINT)),
            enterprises_unionized=Count("pk", filter=unionized),
            employees_total=Coalesce(Sum("employees"), 0),
            employees_in_unionized=Coalesce(Sum("employees", filter=unionized), 0),
            large_enterprises=Count("pk", filter=large),
            large_enterprises_unionized=Count("pk", filter=large & unionized),
        )
    )
    # (an aggregate cannot share the name of the field it sums)
    counts["employees"] = counts.pop("employees_total")
    counts["members"] = Membership.objects.in_scope(federation).active_on(on).count()
    return counts


def rate(numerator, denominator) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    if not denominator:
        return None
    return numerator / denominator


def format_rate(numerator, denominator) -> str:
    """A rate as printed everywhere: a percentage to one decimal ("96.3%"), "—" for a zero
    denominator."""
    value = rate(numerator, denominator)
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


# --- one object for a user ----------------------------------------------------------------------


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def enterprise_get_for_user(*, user, pk, perm=Perm.VIEW) -> Enterprise:
    """One enterprise by id, or Http404 when it is missing or outside the user's scope alike.
    Pass `perm=Perm.EDIT_RECORDS` before showing an edit form."""
    enterprise = (
        Enterprise.objects.visible_to(user, perm)
        .select_related("jurisdiction", "joint_union")
        .filter(pk=_pk(pk))
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise


def member_get_for_user(*, user, pk, perm=Perm.VIEW) -> Member:
    """One member by id, or Http404 when missing or outside the user's scope (decided by the
    member's current enterprise, see `MemberQuerySet.visible_to`)."""
    member = (
        Member.objects.visible_to(user, perm)
        .select_related("current_enterprise__jurisdiction")
        .filter(pk=_pk(pk))
        .first()
    )
    if member is None:
        raise Http404
    return member


def enterprise_may_edit(*, user, enterprise) -> bool:
    return user_can(user, Perm.EDIT_RECORDS, enterprise.jurisdiction)


def member_may_edit(*, user, member) -> bool:
    """Whether the user may change the member — and so may reveal the full ID number."""
    enterprise = member.current_enterprise
    if enterprise is None:
        return bool(getattr(user, "is_superuser", False))
    return user_can(user, Perm.EDIT_RECORDS, enterprise.jurisdiction)


# --- history ------------------------------------------------------------------------------------


def enterprise_status_history(*, enterprise):
    """The union status changes of one enterprise, oldest first (for the timeline)."""
    return enterprise.status_changes.select_related("joint_union", "recorded_by").order_by(
        "effective_on"
    )


def member_memberships(*, member):
    """All memberships of one member, oldest first, with their enterprises."""
    return member.memberships.select_related("enterprise__jurisdiction").order_by("joined_on", "pk")


# --- list pages ---------------------------------------------------------------------------------
#
# The list selectors take what a filter form parsed and return a scoped, sorted queryset with
# what the rows show already joined (no query per row). Sorting only by whitelisted keys.

STATUS_RANK = Case(
    When(union_status=Status.NONE, then=Value(0)),
    When(union_status=Status.JOINT, then=Value(1)),
    default=Value(2),
)
ENTERPRISE_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "employees": ("employees", "pk"),
    "-employees": ("-employees", "-pk"),
    "status": ("status_rank", "name", "pk"),
    "-status": ("-status_rank", "name", "pk"),
    "jurisdiction": ("jurisdiction__path", "name", "pk"),
    "-jurisdiction": ("-jurisdiction__path", "name", "pk"),
}
ENTERPRISE_DEFAULT_SORT = "name"
# Members: only orders an index serves (a million rows); never by ID number, which would let a
# viewer narrow down masked numbers.
MEMBER_SORTS = {
    "-registered": ("-pk",),
    "registered": ("pk",),
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
}
MEMBER_DEFAULT_SORT = "-registered"

CREDIT_CODE_PREFIX = re.compile(r"[0-9A-Z]{2,18}")
PHONE = re.compile(r"1[0-9]{10}")
LATIN = re.compile(r"[A-Za-z]")


def search_text(value) -> str:
    """What a person typed, with full-width letters, digits and spaces made half-width and the
    surrounding spaces removed: "１１０１０５…ｘ " → "110105…x"."""
    return unicodedata.normalize("NFKC", value or "").strip()


def _in_scope_ids(queryset, lookup, *, user, within: Federation | None = None):
    """`queryset` narrowed to the rows whose `lookup` (a federation id) is a federation in the
    user's scope (VIEW), only in `within`'s subtree when it is given.

    The lists filter enterprises and members by these ids (`jurisdiction_id IN (…)`), which
    selects the rows `visible_to(user).in_scope(within)` selects. It is what lets PostgreSQL plan
    the first page well: an IN list of ids is estimated from the column's statistics, whereas a
    path prefix on the joined federations is taken as an average share of the table. For a scope
    with few or no enterprises (a joint union's staff, a street not yet filled in) the planner then
    walked the whole member table in id order looking for the 51 rows of the page: 1 s for an
    empty scope on 1,000,000 members (0.1 ms with the ids); see benchmarks/README.md."""
    condition = scope_condition(user, Perm.VIEW)
    if condition is None:
        return queryset.none()
    if not condition and within is None:
        return queryset  # every federation: a superuser, nothing narrowed
    federations = Federation.objects.filter(condition)
    if within is not None:
        federations = federations.filter(path__startswith=within.path)
    ids = list(federations.order_by().values_list("pk", flat=True))
    return queryset.filter(**{f"{lookup}__in": ids}) if ids else queryset.none()


def enterprise_list(
    *,
    user,
    search: str = "",
    federation: Federation | None = None,
    status: str = "",
    large: bool = False,
    economic_type: str = "",
    became_independent_from: datetime.date | None = None,
    became_independent_to: datetime.date | None = None,
    sort: str = "",
):
    """Enterprises the user may see (those of `Enterprise.objects.visible_to(user)`, selected by
    federation ids: see `_in_scope_ids`), filtered and sorted, with jurisdiction and joint union
    joined.

    search: name contains the text, or the credit code starts with it (the whole code: equal).
    federation: its subtree (by jurisdiction); a joint union: the enterprises it covers.
    status: a UnionStatus value, or "unionized" (JOINT or INDEPENDENT).
    became_independent_from / _to: whose union became INDEPENDENT (founded or upgraded) in that
    period, both ends included, either open (`EnterpriseQuerySet.became_independent`, the rule of
    the dashboard's 新建独立工会).
    """
    joint = federation is not None and federation.kind == Federation.Kind.JOINT
    within = None if joint else federation
    queryset = (
        _in_scope_ids(Enterprise.objects.all(), "jurisdiction_id", user=user, within=within)
        .select_related("jurisdiction", "joint_union")
        .alias(status_rank=STATUS_RANK)
    )
    text = search_text(search)
    if text:
        code = normalize_credit_code(text)
        condition = Q(name__icontains=text)
        if len(code) == 18:
            condition |= Q(credit_code=code)
        elif CREDIT_CODE_PREFIX.fullmatch(code):
            condition |= Q(credit_code__startswith=code)
        queryset = queryset.filter(condition)
    if joint:
        queryset = queryset.filter(union_status=Status.JOINT, joint_union=federation)
    if status == "unionized":
        queryset = queryset.unionized()
    elif status in Status.values:
        queryset = queryset.filter(union_status=status)
    if large:
        queryset = queryset.large()
    if economic_type:
        queryset = queryset.filter(economic_type=economic_type)
    if became_independent_from is not None or became_independent_to is not None:
        queryset = queryset.became_independent(became_independent_from, became_independent_to)
    return queryset.order_by(*ENTERPRISE_SORTS.get(sort, ENTERPRISE_SORTS[ENTERPRISE_DEFAULT_SORT]))


def member_search_kind(search) -> tuple[str, str]:
    """How a member search is read: ("id_number", the normalised number) for 18 characters that
    look like an ID number (lower-case x and full-width digits accepted), ("phone", digits) for an
    11-digit mobile number, ("name", text) otherwise, ("", "") for nothing. ID number and phone are
    exact matches (served by their indexes); a name is a "contains" match."""
    text = search_text(search)
    if not text:
        return "", ""
    number = normalize_id_number(text)
    if re.fullmatch(ID_NUMBER_PATTERN, number):
        return "id_number", number
    digits = text.replace(" ", "").replace("-", "")
    if PHONE.fullmatch(digits):
        return "phone", digits
    return "name", text


def _open_membership():
    return Membership.objects.filter(member=OuterRef("pk"), left_on__isnull=True)


def _latest_membership():
    """The open membership, else the one that ended last (as `Member.current_enterprise`)."""
    return Membership.objects.filter(member=OuterRef("pk")).order_by(
        F("left_on").desc(nulls_first=True), "-joined_on", "-pk"
    )


def member_list(
    *,
    user,
    search: str = "",
    federation: Federation | None = None,
    enterprise_code: str = "",
    state: str = "",
    migrant: bool | None = None,
    sort: str = "",
):
    """Members the user may see (those of `Member.objects.visible_to(user)`, selected by federation
    ids: see `_in_scope_ids`), filtered and sorted, with their current enterprise and its
    jurisdiction joined and, from their open (else last) membership, `membership_joined_on`,
    `membership_left_on` and `membership_card_number` annotated (one indexed subquery each).

    search: see `member_search_kind`. federation: members whose current enterprise is in its
    subtree (a joint union: covered by it). enterprise_code: the current enterprise's credit code.
    state: "active" (an open membership) or "left". migrant: True / False / None (either)."""
    latest = _latest_membership()
    joint = federation is not None and federation.kind == Federation.Kind.JOINT
    within = None if joint else federation
    queryset = (
        _in_scope_ids(
            Member.objects.all(), "current_enterprise__jurisdiction_id", user=user, within=within
        )
        .select_related("current_enterprise__jurisdiction")
        .annotate(
            membership_joined_on=Subquery(latest.values("joined_on")[:1]),
            membership_left_on=Subquery(latest.values("left_on")[:1]),
            membership_card_number=Subquery(latest.values("card_number")[:1]),
        )
    )
    kind, value = member_search_kind(search)
    if kind == "id_number":
        queryset = queryset.filter(id_number=value)
    elif kind == "phone":
        queryset = queryset.filter(phone=value)
    elif kind == "name":
        # Chinese has no case: a plain LIKE, without UPPER() on every row
        lookup = "name__icontains" if LATIN.search(value) else "name__contains"
        queryset = queryset.filter(**{lookup: value})
    if joint:
        queryset = queryset.filter(
            current_enterprise__union_status=Status.JOINT,
            current_enterprise__joint_union=federation,
        )
    if enterprise_code:
        queryset = queryset.filter(
            current_enterprise__credit_code=normalize_credit_code(search_text(enterprise_code))
        )
    if state == "active":
        queryset = queryset.filter(Exists(_open_membership()))
    elif state == "left":
        queryset = queryset.exclude(Exists(_open_membership()))
    if migrant is not None:
        queryset = queryset.filter(migrant_worker=migrant)
    return queryset.order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS[MEMBER_DEFAULT_SORT]))


def count_up_to(queryset, cap) -> int:
    """The number of rows, counting no further than `cap + 1`: a bounded query however large the
    table (`SELECT count(*) FROM (SELECT … LIMIT cap + 1)`)."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def federations_for_filter(*, user):
    """The federations a list may be narrowed to: all the user sees, in tree order."""
    return federations_where(user, Perm.VIEW).order_by("path")


def jurisdictions_for_edit(*, user):
    """Street, town and area federations where the user may register enterprises."""
    return (
        federations_where(user, Perm.EDIT_RECORDS)
        .filter(kind__in=(Federation.Kind.STREET, Federation.Kind.TOWN, Federation.Kind.AREA))
        .order_by("path")
    )


def joint_unions_for_edit(*, user):
    """Joint unions inside the user's edit scope (the covering union of a new enterprise)."""
    return (
        federations_where(user, Perm.EDIT_RECORDS)
        .filter(kind=Federation.Kind.JOINT)
        .order_by("path")
    )


def joint_unions_of(*, enterprise):
    """The joint unions that may cover `enterprise`: those inside its jurisdiction."""
    return Federation.objects.filter(
        kind=Federation.Kind.JOINT, path__startswith=enterprise.jurisdiction.path
    ).order_by("path")


def enterprise_find_by_credit_code(*, user, credit_code, perm=Perm.VIEW) -> Enterprise | None:
    """The enterprise with this credit code (typed in any case or width) inside the user's scope
    for `perm`, or None — whether it is missing or outside the scope."""
    code = normalize_credit_code(search_text(credit_code))
    if not code:
        return None
    return (
        Enterprise.objects.visible_to(user, perm)
        .select_related("jurisdiction")
        .filter(credit_code=code)
        .first()
    )


# --- detail pages -------------------------------------------------------------------------------


def enterprise_member_count(*, enterprise, on=None) -> int:
    """Members of the enterprise on `on` (today when None): memberships active that day."""
    on = on or timezone.localdate()
    return Membership.objects.filter(enterprise=enterprise).active_on(on).count()


def enterprise_memberships(*, enterprise, include_closed=False):
    """The memberships of an enterprise for its page: open ones first (newest joined first), then
    closed ones (latest left first), with the member and the member's current enterprise and its
    jurisdiction (to tell whether the member's own page is in the viewer's scope)."""
    queryset = Membership.objects.filter(enterprise=enterprise)
    if not include_closed:
        queryset = queryset.open()
    return queryset.select_related("member__current_enterprise__jurisdiction").order_by(
        F("left_on").desc(nulls_first=True), "-joined_on", "-pk"
    )
