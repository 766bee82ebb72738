"""Reads of activities, participants, photos and programmes, always through the user's scope.

One object by id goes through a scoped getter (`activity_get_for_user` …) that raises Http404 for
"missing" and "not yours" alike. Lists come with what their rows show already joined or annotated
(`ActivityQuerySet.with_attendance`): no query per row.

Who may take part in an activity: members with an open membership in an enterprise within the
activity's organizing federation (for a joint union: the enterprises it covers), as the member
list scopes members by the enterprise of their open membership.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from federations.models import Federation
from federations.permissions import Perm, scope_condition, scope_roots, user_can
from membership.models import Enterprise, Membership
from membership.selectors import member_list, search_text
from membership.validators import ID_NUMBER_PATTERN, mask_id_number, normalize_id_number
from reports.periods import Period

from .models import Activity, ActivityPhoto, Participation, Programme

ID_NUMBER = re.compile(ID_NUMBER_PATTERN)


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- one object for a user ----------------------------------------------------------------------


def activity_get_for_user(*, user, pk, perm=Perm.VIEW) -> Activity:
    """One activity by id, or Http404 when it is missing or outside the user's scope for `perm`
    (its organizing federation decides)."""
    activity = (
        Activity.objects.visible_to(user, perm)
        .select_related("federation", "programme", "job_fair")
        .with_attendance()
        .filter(pk=_pk(pk))
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def activity_may_edit(*, user, activity) -> bool:
    return user_can(user, Perm.EDIT_RECORDS, activity.federation)


def photo_get_for_user(*, user, activity_pk, photo_pk) -> ActivityPhoto:
    """A photo of an activity the user may see, or Http404."""
    condition = scope_condition(user, Perm.VIEW, prefix="activity__federation__")
    if condition is None:
        raise Http404
    photo = (
        ActivityPhoto.objects.filter(condition)
        .select_related("activity__federation")
        .filter(pk=_pk(photo_pk), activity_id=_pk(activity_pk))
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def programme_get_for_user(*, user, pk, perm=Perm.VIEW) -> Programme:
    programme = (
        Programme.objects.visible_to(user, perm)
        .select_related("federation")
        .filter(pk=_pk(pk))
        .first()
    )
    if programme is None:
        raise Http404
    return programme


# --- lists --------------------------------------------------------------------------------------

ACTIVITY_SORTS = {
    "-starts_on": ("-starts_on", "-pk"),
    "starts_on": ("starts_on", "pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "federation": ("federation__path", "-starts_on", "pk"),
    "-federation": ("-federation__path", "-starts_on", "pk"),
}
ACTIVITY_DEFAULT_SORT = "-starts_on"


def activity_list(
    *,
    user,
    search: str = "",
    federation: Federation | None = None,
    category: str = "",
    status: str = "",
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    programme: Programme | None = None,
    sort: str = "",
):
    """Activities the user may see, filtered and sorted, with federation, programme and job-fair
    figures joined and attendance annotated.

    federation: organized by it or below it. first_day / last_day: starting in that period (both
    ends included, either open) — the rule of the indicators."""
    queryset = (
        Activity.objects.visible_to(user)
        .select_related("federation", "programme", "job_fair")
        .with_attendance()
    )
    text = search_text(search)
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(venue__icontains=text))
    if federation is not None:
        queryset = queryset.in_scope(federation)
    if category in Activity.Category.values:
        queryset = queryset.filter(category=category)
    if status in Activity.Status.values:
        queryset = queryset.filter(status=status)
    if first_day is not None:
        queryset = queryset.filter(starts_on__gte=first_day)
    if last_day is not None:
        queryset = queryset.filter(starts_on__lte=last_day)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset.order_by(*ACTIVITY_SORTS.get(sort, ACTIVITY_SORTS[ACTIVITY_DEFAULT_SORT]))


def activity_list_totals(activities) -> dict:
    """What the filtered list adds up to, counting held activities only (as the indicators do):
    {"held": activities, "person_times": their person-times}. One query."""
    held = activities.order_by().held()
    totals = held.aggregate(held=Count("pk"), person_times=Sum("attendance"))
    return {"held": totals["held"], "person_times": totals["person_times"] or 0}


@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    activities: list


def month_calendar(*, user, year: int, month: int, **filters) -> list[list[CalendarDay]]:
    """The weeks (Monday first) of a month, each day with the activities taking place on it (an
    activity of several days appears on each), in one query. `filters`: as `activity_list`,
    without the period."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    activities = list(
        activity_list(user=user, sort="starts_on", **filters).overlapping(first, last)
    )
    result = []
    for week in weeks:
        row = []
        for day in week:
            on_day = [a for a in activities if a.starts_on <= day <= a.ends_on]
            row.append(CalendarDay(day=day, in_month=day.month == month, activities=on_day))
        result.append(row)
    return result


def participants(*, activity):
    """The participants of an activity, checked-in first (latest first), then registered only,
    with the member and their current enterprise joined."""
    return (
        Participation.objects.filter(activity=activity)
        .select_related("member__current_enterprise")
        .order_by(F("checked_in_at").desc(nulls_last=True), "-registered_at", "pk")
    )


def members_for_registration(*, user, activity, search: str, limit: int = 20):
    """Members the user may register for `activity`: in the member list's scope (the enterprise of
    their open membership), within the activity's federation, not yet registered; at most
    `limit`, for the search typed (name, ID number or phone; nothing for an empty search)."""
    if not search_text(search):
        return []
    registered = Participation.objects.filter(activity=activity).values("member_id")
    members = (
        member_list(user=user, search=search, federation=activity.federation, state="active")
        .exclude(pk__in=registered)
        .order_by("name", "pk")
    )
    return list(members[:limit])


def _memberships_of(federation):
    """Open memberships of members who may take part in `federation`'s activities."""
    memberships = Membership.objects.open()
    if federation.kind == Federation.Kind.JOINT:
        return memberships.filter(
            enterprise__union_status=Enterprise.UnionStatus.JOINT,
            enterprise__joint_union=federation,
        )
    return memberships.filter(enterprise__jurisdiction__path__startswith=federation.path)


def open_membership_for_activity(*, activity, member_id) -> Membership | None:
    """The member's open membership when it lies within the activity's federation, else None."""
    return (
        _memberships_of(activity.federation)
        .select_related("member", "enterprise")
        .filter(member_id=member_id)
        .first()
    )


@dataclass(frozen=True)
class Found:
    membership: Membership | None
    message: str = ""


def membership_for_check_in(*, activity, number: str) -> Found:
    """The open membership an ID number or member card number typed at the door points to, within
    the activity's federation. An 18-character ID number is looked up as one, anything else as a
    card number. Not found — unknown, or outside the federation alike — gives a message naming
    nobody; a card number shared by several members asks for the ID number."""
    text = search_text(number).replace(" ", "")
    if not text:
        return Found(None, _("请输入或扫描身份证号、会员卡号。"))
    memberships = _memberships_of(activity.federation).select_related("member", "enterprise")
    id_number = normalize_id_number(text)
    if ID_NUMBER.fullmatch(id_number):
        found = list(memberships.filter(member__id_number=id_number)[:1])
        shown = mask_id_number(id_number)
    else:
        found = list(memberships.filter(card_number=text)[:2])
        shown = text
    if len(found) > 1:
        return Found(
            None, _("会员卡号“%(number)s”对应多名会员，请改用身份证号签到。") % {"number": shown}
        )
    if not found:
        return Found(
            None,
            _(
                "未找到“%(number)s”：不是“%(federation)s”辖区内在会会员的身份证号或会员卡号。"
                "请核对号码，或改用另一种号码。"
            )
            % {"number": shown, "federation": activity.federation.name},
        )
    return Found(found[0])


def photos_of(*, activity):
    return ActivityPhoto.objects.filter(activity=activity).order_by("uploaded_at", "pk")


# --- programmes ---------------------------------------------------------------------------------


def programme_list(*, user, year: int | None = None):
    programmes = Programme.objects.visible_to(user).select_related("federation")
    if year is not None:
        programmes = programmes.filter(year=year)
    return programmes.order_by("-year", "federation__path", "name")


def programmes_for_edit(*, user):
    """Programmes an activity may be filed under by this user (those in their edit scope)."""
    return (
        Programme.objects.visible_to(user, Perm.EDIT_RECORDS)
        .select_related("federation")
        .order_by("-year", "name")
    )


@dataclass(frozen=True)
class QuarterProgress:
    quarter: int
    theme: str
    planned: int
    held: int
    cancelled: int
    upcoming: int


def programme_progress(*, programme, user) -> list[QuarterProgress]:
    """Planned against held for each quarter of a programme: the plan of each quarter, and the
    programme's activities (those the user may see) by the quarter they start in and status. Two
    queries."""
    plans = {row.quarter: row for row in programme.quarters.all()}
    counts = (
        Activity.objects.visible_to(user)
        .filter(programme=programme)
        .order_by()
        .values("starts_on__quarter", "status")
        .annotate(n=Count("pk"))
    )
    by = {(row["starts_on__quarter"], row["status"]): row["n"] for row in counts}
    result = []
    for number in range(1, 5):
        plan = plans.get(number)
        result.append(
            QuarterProgress(
                quarter=number,
                theme=plan.theme if plan else "",
                planned=plan.planned if plan else 0,
                held=by.get((number, Activity.Status.HELD), 0),
                cancelled=by.get((number, Activity.Status.CANCELLED), 0),
                upcoming=by.get((number, Activity.Status.PLANNED), 0),
            )
        )
    return result


def participation_get(*, activity, pk) -> Participation:
    """One participation of an activity already fetched in scope, or Http404."""
    participation = (
        Participation.objects.filter(activity=activity, pk=_pk(pk)).select_related("member").first()
    )
    if participation is None:
        raise Http404
    return participation


# --- figures ------------------------------------------------------------------------------------


def figure_roots(*, user):
    """The federations whose figures the figures page shows by default (the top of the scope)."""
    return scope_roots(user, Perm.VIEW)


def figure_period(first_day, last_day, *, today=None) -> Period:
    """The period of the figures page: the days asked for; the year to date by default."""
    today = today or timezone.localdate()
    if first_day is None and last_day is None:
        return Period.year_to_date(today)
    if last_day is None:
        last_day = max(first_day, today)
    if first_day is None:
        first_day = datetime.date(last_day.year, 1, 1)
    if last_day < first_day:
        last_day = first_day
    return Period(first_day, last_day)
