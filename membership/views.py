"""Pages for enterprises and members: lists with filters and export, detail pages with their
history, and one form page per action.

Every object comes from a scoped getter (`enterprise_get_for_user`, `member_get_for_user`): outside
the user's scope is a 404, as is a write page for a user who may not change that object (the
getter is asked for Perm.EDIT_RECORDS). Views parse with a form and call one selector or service;
a service's ValidationError goes back onto the form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
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

from . import exports, selectors, services
from .filters import (
    MEMBER_COUNT_CAP,
    EnterpriseFilterForm,
    ListPage,
    MemberFilterForm,
    sort_links,
)
from .forms import (
    EnterpriseCreateForm,
    EnterpriseForm,
    FoundForm,
    LeaveForm,
    MemberEditForm,
    MemberRegisterForm,
    TransferForm,
    UpgradeForm,
)
from .models import Enterprise
from .services import ENTERPRISE_FIELDS, MEMBER_FIELDS

Status = Enterprise.UnionStatus
# union_found / union_upgrade raise "date in the future" without naming the field
DATE_ERRORS = {"future_date": "on"}


def _enterprise_crumbs(enterprise=None):
    return crumbs(_("企业"), reverse("membership:enterprise_list"), enterprise)


def _member_crumbs(member=None):
    return crumbs(_("会员"), reverse("membership:member_list"), member)


# --- enterprises --------------------------------------------------------------------------------


@viewer_view
@require_GET
def enterprise_list(request):
    form = filter_form(request, EnterpriseFilterForm)
    enterprises = selectors.enterprise_list(user=request.user, **form.selector_kwargs())
    page = ListPage(enterprises, request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sorts": sort_links(form.sort(), selectors.ENTERPRISE_SORTS),
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
    }
    return render(request, "membership/enterprise_list.html", context)


@viewer_view
@require_GET
def enterprise_export(request):
    return list_export(
        request,
        form_class=EnterpriseFilterForm,
        select=selectors.enterprise_list,
        export=exports.enterprises_export,
        list_url="membership:enterprise_list",
    )


@viewer_view
@require_GET
def enterprise_detail(request, pk):
    enterprise = selectors.enterprise_get_for_user(user=request.user, pk=pk)
    include_closed = request.GET.get("memberships") == "all"
    page = ListPage(
        selectors.enterprise_memberships(enterprise=enterprise, include_closed=include_closed),
        request.GET.get("page"),
    )
    for membership in page:
        # a member who moved to an enterprise outside the viewer's scope has no page for them
        current = membership.member.current_enterprise
        membership.member_visible = current is not None and user_can(
            request.user, Perm.VIEW, current.jurisdiction
        )
    member_count = selectors.enterprise_member_count(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "history": selectors.enterprise_status_history(enterprise=enterprise),
        "member_count": member_count,
        "membership_rate": selectors.format_rate(member_count, enterprise.employees),
        "page": page,
        "include_closed": include_closed,
        "may_edit": selectors.enterprise_may_edit(user=request.user, enterprise=enterprise),
    }
    return render(request, "membership/enterprise_detail.html", context)


@viewer_view
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = EnterpriseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.enterprise_create(
                actor=request.user,
                **{name: data[name] for name in ENTERPRISE_FIELDS},
                union_status=data["union_status"],
                joint_union=data["joint_union"],
                union_since=data["union_since"],
                note=data["note"],
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
            return redirect(enterprise)
    return form_page(
        request,
        form=form,
        title=_("登记企业"),
        crumbs=_enterprise_crumbs(),
        cancel_url=reverse("membership:enterprise_list"),
        submit=_("登记"),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = selectors.enterprise_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    name = enterprise.name
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                **{field: form.cleaned_data[field] for field in ENTERPRISE_FIELDS},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存企业“%(name)s”。") % {"name": saved.name})
            return redirect(saved)
    return form_page(
        request,
        form=form,
        title=_("编辑“%(name)s”") % {"name": name},
        crumbs=_enterprise_crumbs(),
        cancel_url=reverse("membership:enterprise_detail", kwargs={"pk": enterprise.pk}),
        intro=_("建会状态请通过“建会”“升级为独立工会”办理，不在此修改。"),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def enterprise_found(request, pk):
    enterprise = selectors.enterprise_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = FoundForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        joint = data["status"] == Status.JOINT
        try:
            services.union_found(
                actor=request.user,
                enterprise=enterprise,
                status=data["status"],
                joint_union=data["joint_union"] if joint else None,
                on=data["on"],
                note=data["note"],
            )
        except ValidationError as error:
            service_error(form, error, by_code=DATE_ERRORS)
        else:
            how = (
                _("由“%(union)s”覆盖") % {"union": data["joint_union"].name}
                if joint
                else _("独立建会")
            )
            messages.success(
                request,
                _("已记录“%(name)s”建会：%(how)s，建会日期 %(date)s。")
                % {"name": enterprise.name, "how": how, "date": data["on"].isoformat()},
            )
            return redirect(enterprise)
    return form_page(
        request,
        form=form,
        title=_("建会"),
        crumbs=_enterprise_crumbs(enterprise),
        cancel_url=enterprise.get_absolute_url(),
        submit=_("记录建会"),
        intro=_("未建会的企业建立自己的工会（独立建会），或由本辖区的联合工会覆盖。"),
        subject=enterprise,
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def enterprise_upgrade(request, pk):
    enterprise = selectors.enterprise_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = UpgradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.union_upgrade(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            service_error(form, error, by_code=DATE_ERRORS)
        else:
            messages.success(
                request,
                _("已记录“%(name)s”升级为独立工会，日期 %(date)s。")
                % {"name": enterprise.name, "date": form.cleaned_data["on"].isoformat()},
            )
            return redirect(enterprise)
    return form_page(
        request,
        form=form,
        title=_("升级为独立工会"),
        crumbs=_enterprise_crumbs(enterprise),
        cancel_url=enterprise.get_absolute_url(),
        submit=_("记录升级"),
        intro=_("由联合工会覆盖的企业建立自己的工会（先建会—再培养—然后独立建会）。"),
        subject=enterprise,
    )


# --- members ------------------------------------------------------------------------------------


@viewer_view
@require_GET
def member_list(request):
    form = filter_form(request, MemberFilterForm)
    members = selectors.member_list(user=request.user, **form.selector_kwargs())
    exact = request.GET.get("count") == "all"
    page = ListPage(members, request.GET.get("page"), cap=None if exact else MEMBER_COUNT_CAP)
    search_kind, _value = selectors.member_search_kind(form.filters().get("q", ""))
    context = {
        "form": form,
        "page": page,
        "search_kind": search_kind,
        "current_sort": form.sort(),
        "sorts": sort_links(form.sort(), selectors.MEMBER_SORTS),
    }
    return render(request, "membership/member_list.html", context)


@viewer_view
@require_GET
def member_export(request):
    return list_export(
        request,
        form_class=MemberFilterForm,
        select=selectors.member_list,
        export=exports.members_export,
        list_url="membership:member_list",
    )


def _member_page(request, member, *, revealed_id_number=None):
    memberships = list(selectors.member_memberships(member=member))
    for membership in memberships:
        # earlier enterprises may lie outside the viewer's scope: no link to a 404
        membership.enterprise_visible = user_can(
            request.user, Perm.VIEW, membership.enterprise.jurisdiction
        )
    context = {
        "member": member,
        "memberships": memberships,
        "open_membership": next((m for m in memberships if m.is_open), None),
        "may_edit": selectors.member_may_edit(user=request.user, member=member),
        "revealed_id_number": revealed_id_number,
    }
    return render(request, "membership/member_detail.html", context)


@viewer_view
@require_GET
@never_cache
def member_detail(request, pk):
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    return _member_page(request, member)


@viewer_view
@require_POST
@never_cache
def member_reveal_id(request, pk):
    """The full ID number, for users who may change the member; each reveal is logged."""
    member = selectors.member_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    number = services.member_id_number_reveal(actor=request.user, member=member)
    if request.htmx:
        return render(
            request, "membership/_id_number.html", {"member": member, "revealed_id_number": number}
        )
    return _member_page(request, member, revealed_id_number=number)


@viewer_view
@require_http_methods(["GET", "POST"])
def member_register(request, pk):
    enterprise = selectors.enterprise_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = MemberRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_register(
                actor=request.user,
                enterprise=enterprise,
                joined_on=data["joined_on"],
                card_number=data["card_number"],
                **{name: data[name] for name in MEMBER_FIELDS},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(
                request,
                _("已登记会员“%(name)s”，入会单位“%(enterprise)s”。")
                % {"name": member.name, "enterprise": enterprise.name},
            )
            return redirect(member)
    return form_page(
        request,
        form=form,
        title=_("登记会员"),
        crumbs=_enterprise_crumbs(enterprise),
        cancel_url=enterprise.get_absolute_url(),
        submit=_("登记"),
        intro=_("已在其他单位入会的职工请在其会员页面办理会籍接转，不要重复登记。"),
        subject=enterprise,
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = selectors.member_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    name = member.name
    form = MemberEditForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {field: data[field] for field in MEMBER_FIELDS if field != "id_number"}
        if data["id_number"]:
            fields["id_number"] = data["id_number"]
        try:
            saved = services.member_update(actor=request.user, member=member, **fields)
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存会员“%(name)s”。") % {"name": saved.name})
            return redirect(saved)
    return form_page(
        request,
        form=form,
        title=_("编辑会员“%(name)s”") % {"name": name},
        crumbs=_member_crumbs(),
        cancel_url=reverse("membership:member_detail", kwargs={"pk": member.pk}),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    member = selectors.member_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = selectors.enterprise_find_by_credit_code(
            user=request.user, credit_code=data["to_credit_code"], perm=Perm.EDIT_RECORDS
        )
        if target is None:
            form.add_error(
                "to_credit_code",
                _("在您有权编辑的范围内没有统一社会信用代码为“%(code)s”的单位。")
                % {"code": data["to_credit_code"]},
            )
        else:
            try:
                services.membership_transfer(
                    actor=request.user,
                    member=member,
                    to_enterprise=target,
                    on=data["on"],
                    card_number=data["card_number"],
                )
            except ValidationError as error:
                service_error(form, error)
            else:
                messages.success(
                    request,
                    _("已办理会籍接转：“%(name)s”自 %(date)s 转入“%(to)s”。")
                    % {"name": member.name, "date": data["on"].isoformat(), "to": target.name},
                )
                return redirect(member)
    return form_page(
        request,
        form=form,
        title=_("会籍接转"),
        crumbs=_member_crumbs(member),
        cancel_url=member.get_absolute_url(),
        submit=_("办理接转"),
        intro=_("原单位的会籍在接转日期结束，新单位的会籍同日开始，历史记录保留。"),
        subject=member,
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    member = selectors.member_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_leave(
                actor=request.user, member=member, **form.cleaned_data
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(
                request,
                _("已办理离会：“%(name)s”于 %(date)s 离开“%(enterprise)s”（%(reason)s）。")
                % {
                    "name": member.name,
                    "date": membership.left_on.isoformat(),
                    "enterprise": membership.enterprise.name,
                    "reason": membership.get_leave_reason_display(),
                },
            )
            return redirect(member)
    return form_page(
        request,
        form=form,
        title=_("离会"),
        crumbs=_member_crumbs(member),
        cancel_url=member.get_absolute_url(),
        submit=_("办理离会"),
        intro=_("离会后会员不再计入会员人数，会籍历史保留。调往其他单位请办理会籍接转。"),
        subject=member,
    )
