"""Pages for activities: the list with filters and export, the month calendar, create / edit /
detail, registration, the check-in page for the door (phone-sized), photos, and programmes.

Every object comes from a scoped getter (`activity_get_for_user` …): outside the user's scope is a
404 — in pages, exports, photos and check-in alike — as is a write page for a user who may not
change that object (the getter is asked for Perm.EDIT_RECORDS).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.views import (
    crumbs,
    filter_form,
    form_page,
    list_export,
    service_error,
    viewer_view,
)
from federations.permissions import Perm, user_can
from membership.filters import ListPage, sort_links
from membership.selectors import member_get_for_user

from . import exports, selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    CheckInForm,
    MemberSearchForm,
    PhotoForm,
    ProgrammeForm,
    parse_month,
)
from .indicators import activity_indicators, category_rows
from .models import Activity

WEEKDAYS = (
    _lazy("周一"),
    _lazy("周二"),
    _lazy("周三"),
    _lazy("周四"),
    _lazy("周五"),
    _lazy("周六"),
    _lazy("周日"),
)


def _crumbs(activity=None):
    return crumbs(_("活动"), reverse("activities:list"), activity, activity and activity.title)


# --- list, calendar, export ---------------------------------------------------------------------


@viewer_view
@require_GET
def activity_list(request):
    form = filter_form(request, ActivityFilterForm)
    activities = selectors.activity_list(user=request.user, **form.selector_kwargs())
    page = ListPage(activities, request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "totals": selectors.activity_list_totals(activities),
        "sorts": sort_links(form.sort(), selectors.ACTIVITY_SORTS),
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
    }
    return render(request, "activities/list.html", context)


@viewer_view
@require_GET
def activity_calendar(request):
    form = filter_form(request, ActivityFilterForm)
    year, month = parse_month(request.GET.get("month"))
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    weeks = selectors.month_calendar(
        user=request.user, year=year, month=month, **form.selector_kwargs(with_period=False)
    )
    context = {
        "form": form,
        "weeks": weeks,
        "weekdays": WEEKDAYS,
        "month": first,
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
        "this_month": f"{timezone.localdate():%Y-%m}",
        "today": timezone.localdate(),
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
    }
    return render(request, "activities/calendar.html", context)


@viewer_view
@require_GET
def activity_export(request):
    return list_export(
        request,
        form_class=ActivityFilterForm,
        select=selectors.activity_list,
        export=exports.activities_export,
        list_url="activities:list",
    )


# --- one activity -------------------------------------------------------------------------------


@viewer_view
@require_GET
def activity_detail(request, pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk)
    may_edit = selectors.activity_may_edit(user=request.user, activity=activity)
    search = MemberSearchForm(request.GET or None)
    candidates = []
    if may_edit and activity.registration and search.is_valid():
        candidates = selectors.members_for_registration(
            user=request.user, activity=activity, search=search.cleaned_data["q"]
        )
    page = None
    if activity.registration:  # an open event has no participants to read
        page = ListPage(selectors.participants(activity=activity), request.GET.get("page"))
    context = {
        "activity": activity,
        "may_edit": may_edit,
        "search": search,
        "candidates": candidates,
        "searched": bool(search.is_bound and search.is_valid() and search.cleaned_data["q"]),
        "page": page,
        "photos": selectors.photos_of(activity=activity),
        "photo_form": PhotoForm(),
    }
    return render(request, "activities/detail.html", context)


@viewer_view
@require_http_methods(["GET", "POST"])
def activity_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user, job_fair=form.job_fair(), **form.activity_fields()
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已登记活动“%(title)s”。") % {"title": activity.title})
            return redirect(activity)
    return form_page(
        request,
        form=form,
        title=_("登记活动"),
        crumbs=_crumbs(),
        cancel_url=reverse("activities:list"),
        submit=_("登记"),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    title = activity.title
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_update(
                actor=request.user,
                activity=activity,
                job_fair=form.job_fair(),
                **form.activity_fields(),
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存活动“%(title)s”。") % {"title": saved.title})
            return redirect(saved)
    return form_page(
        request,
        form=form,
        title=_("编辑“%(title)s”") % {"title": title},
        crumbs=_crumbs(),
        cancel_url=activity.get_absolute_url(),
    )


@viewer_view
@require_POST
def activity_delete(request, pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    try:
        services.activity_delete(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(activity)
    messages.success(request, _("已删除活动“%(title)s”。") % {"title": activity.title})
    return redirect("activities:list")


# --- registration and check-in ------------------------------------------------------------------


@viewer_view
@require_POST
def participant_add(request, pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    member = member_get_for_user(user=request.user, pk=request.POST.get("member"))
    try:
        services.participation_register(actor=request.user, activity=activity, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已为 %(name)s 报名。") % {"name": member.name})
    return redirect(activity)


@viewer_view
@require_POST
def participant_remove(request, pk, participation_pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    participation = selectors.participation_get(activity=activity, pk=participation_pk)
    try:
        services.participation_remove(actor=request.user, participation=participation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已取消 %(name)s 的报名。") % {"name": participation.member})
    return redirect(activity)


@never_cache
@viewer_view
@require_http_methods(["GET", "POST"])
def activity_check_in(request, pk):
    """The door: one field for an ID number or a card number, a big button, the answer above."""
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.participation_check_in(
                actor=request.user, activity=activity, number=form.cleaned_data["number"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = CheckInForm()  # an empty field for the next person
            activity = selectors.activity_get_for_user(
                user=request.user, pk=pk, perm=Perm.EDIT_RECORDS
            )
    return render(
        request, "activities/check_in.html", {"activity": activity, "form": form, "result": result}
    )


# --- photos -------------------------------------------------------------------------------------


@viewer_view
@require_POST
def photo_upload(request, pk):
    activity = selectors.activity_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(activity)
    try:
        services.photo_add(
            actor=request.user,
            activity=activity,
            file=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("照片已上传。"))
    return redirect(activity)


@viewer_view
@require_GET
def photo_view(request, pk, photo_pk):
    """Stream a photo to a user who may see its activity (never a public URL)."""
    photo = selectors.photo_get_for_user(user=request.user, activity_pk=pk, photo_pk=photo_pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@viewer_view
@require_POST
def photo_delete(request, pk, photo_pk):
    photo = selectors.photo_get_for_user(user=request.user, activity_pk=pk, photo_pk=photo_pk)
    if not selectors.activity_may_edit(user=request.user, activity=photo.activity):
        raise Http404
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("照片已删除。"))
    return redirect(photo.activity)


# --- programmes ---------------------------------------------------------------------------------


@viewer_view
@require_GET
def programme_list(request):
    context = {
        "programmes": selectors.programme_list(user=request.user),
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
    }
    return render(request, "activities/programme_list.html", context)


@viewer_view
@require_GET
def programme_detail(request, pk):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    progress = selectors.programme_progress(programme=programme, user=request.user)
    activities = selectors.activity_list(user=request.user, programme=programme, sort="starts_on")
    context = {
        "programme": programme,
        "progress": progress,
        "totals": {
            "planned": sum(q.planned for q in progress),
            "held": sum(q.held for q in progress),
            "upcoming": sum(q.upcoming for q in progress),
            "cancelled": sum(q.cancelled for q in progress),
        },
        "activities": activities,
        "may_edit": user_can(request.user, Perm.EDIT_RECORDS, programme.federation),
    }
    return render(request, "activities/programme_detail.html", context)


def _programme_form_page(request, *, programme=None):
    form = ProgrammeForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.programme_save(
                actor=request.user,
                programme=programme,
                federation=data["federation"],
                name=data["name"],
                year=data["year"],
                description=data["description"],
                quarters=form.quarters(),
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存系列活动“%(name)s”。") % {"name": saved})
            return redirect(saved)
    crumbs = [(_("系列活动"), reverse("activities:programme_list"))]
    return form_page(
        request,
        form=form,
        title=_("新建系列活动") if programme is None else _("编辑“%(name)s”") % {"name": programme},
        crumbs=crumbs,
        cancel_url=programme.get_absolute_url()
        if programme
        else reverse("activities:programme_list"),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def programme_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    return _programme_form_page(request)


@viewer_view
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    return _programme_form_page(request, programme=programme)


# --- figures ------------------------------------------------------------------------------------


@viewer_view
@require_GET
def activity_figures(request):
    """The indicators of the filtered federation and period (a quarter, or the year to date):
    what the dashboard and the report will show once they take the activity figures."""
    form = filter_form(request, ActivityFilterForm)
    federation = form.filters().get("federation")
    if federation is None:
        roots = selectors.figure_roots(user=request.user)
        if not roots:
            raise Http404
        federation = roots[0]
    first, last = form.period()
    period = selectors.figure_period(first, last)
    figures = activity_indicators(federation=federation, period=period)
    context = {
        "form": form,
        "federation": federation,
        "period": period,
        "figures": figures,
        "categories": category_rows(figures),
        "status_held": Activity.Status.HELD,
    }
    return render(request, "activities/figures.html", context)
