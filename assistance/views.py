"""Pages for hardship files, their evidence, grants and their approval.

Only staff and chairs open these pages (`hardship_view`): anyone else — and anything outside the
user's scope — is a 404. Write pages ask the getters for the permission they need (staff:
Perm.EDIT_RECORDS, chairs: Perm.APPROVE_GRANTS), so a page the user may not use is a 404 too.
ID numbers are masked on every page here; the full number is only on the member's own page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
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
from membership.filters import ListPage

from . import exports, selectors, services
from .forms import (
    BudgetForm,
    ClaimForm,
    ClaimSettleForm,
    EvidenceForm,
    FileFilterForm,
    FileForm,
    FileOpenForm,
    GrantEditForm,
    GrantFilterForm,
    GrantForm,
    GroupDeliveryForm,
    LiftOutForm,
    ModelWorkerTitleForm,
    PayForm,
    ProgramForm,
    RejectForm,
    ReviewForm,
)
from .models import Grant
from .services import FILE_FIELDS, STUDY_FIELDS


def hardship_view(view):
    """Signed in and staff or chair somewhere; otherwise the page does not exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.sees_hardship(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapper))


def _file_crumbs(hardship_file=None):
    return crumbs(
        _("困难职工档案"),
        reverse("assistance:file_list"),
        hardship_file,
        hardship_file and hardship_file.member.name,
    )


def _grant_crumbs(grant=None):
    return crumbs(_("帮扶发放"), reverse("assistance:grant_list"), grant)


# --- hardship files -----------------------------------------------------------------------------


@hardship_view
@require_GET
def file_list(request):
    form = filter_form(request, FileFilterForm)
    files = selectors.file_list(user=request.user, **form.selector_kwargs())
    page = ListPage(files, request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
    }
    return render(request, "assistance/file_list.html", context)


@hardship_view
@require_GET
def file_export(request):
    return list_export(
        request,
        form_class=FileFilterForm,
        select=selectors.file_list,
        export=exports.files_export,
        list_url="assistance:file_list",
    )


def _file_page(request, hardship_file, *, evidence_form=None, status=200):
    may_edit = user_can(request.user, Perm.EDIT_RECORDS, hardship_file.federation)
    member = hardship_file.member
    context = {
        "file": hardship_file,
        "member": member,
        "member_visible": member.current_enterprise is not None
        and user_can(request.user, Perm.VIEW, member.current_enterprise.jurisdiction),
        "documents": selectors.file_documents(hardship_file=hardship_file),
        "grants": selectors.member_grants(user=request.user, member=member)[:50],
        "titles": selectors.member_titles(member=member),
        "may_edit": may_edit,
        "evidence_form": evidence_form or (EvidenceForm() if may_edit else None),
        "review_due": hardship_file.review_due(services.today()),
    }
    return render(request, "assistance/file_detail.html", context, status=status)


@hardship_view
@require_GET
def file_detail(request, pk):
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk)
    return _file_page(request, hardship_file)


@hardship_view
@require_http_methods(["GET", "POST"])
def file_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = FileOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hardship_file = services.hardship_file_open(
                actor=request.user,
                member=form.member,
                opened_on=data["opened_on"],
                **{name: data[name] for name in FILE_FIELDS},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(
                request, _("已为“%(name)s”建立困难职工档案。") % {"name": form.member.name}
            )
            return redirect(hardship_file)
    return form_page(
        request,
        form=form,
        title=_("建立困难职工档案"),
        crumbs=_file_crumbs(),
        cancel_url=reverse("assistance:file_list"),
        submit=_("建档"),
        intro=_("档案由会员所在单位的所属工会建立和管理；建档即为第一次复核。"),
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def file_edit(request, pk):
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = FileForm(request.POST or None, instance=hardship_file)
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_update(
                actor=request.user,
                hardship_file=hardship_file,
                **{name: form.cleaned_data[name] for name in FILE_FIELDS},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存档案。"))
            return redirect(hardship_file)
    return form_page(
        request,
        form=form,
        title=_("编辑困难职工档案"),
        crumbs=_file_crumbs(hardship_file),
        cancel_url=hardship_file.get_absolute_url(),
        subject=hardship_file.member.name,
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def file_review(request, pk):
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_review(
                actor=request.user, hardship_file=hardship_file, on=form.cleaned_data["on"]
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已记录复核。"))
            return redirect(hardship_file)
    return form_page(
        request,
        form=form,
        title=_("复核档案"),
        crumbs=_file_crumbs(hardship_file),
        cancel_url=hardship_file.get_absolute_url(),
        submit=_("记录复核"),
        intro=_("动态管理：每年至少复核一次，超过12个月未复核的档案会在首页提示。"),
        subject=hardship_file.member.name,
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def file_lift_out(request, pk):
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = LiftOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_lift_out(
                actor=request.user, hardship_file=hardship_file, **form.cleaned_data
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已办理解困脱困。"))
            return redirect(hardship_file)
    return form_page(
        request,
        form=form,
        title=_("解困脱困"),
        crumbs=_file_crumbs(hardship_file),
        cancel_url=hardship_file.get_absolute_url(),
        submit=_("办理脱困"),
        subject=hardship_file.member.name,
    )


@hardship_view
@require_POST
def evidence_upload(request, pk):
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                hardship_file=hardship_file,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已上传证明材料。"))
            return redirect(hardship_file)
    return _file_page(request, hardship_file, evidence_form=form, status=400)


@hardship_view
@require_GET
def evidence_download(request, pk):
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    handle = services.evidence_open(actor=request.user, document=document)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type="application/octet-stream",
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def model_worker_title_add(request, pk):
    """A title for the member of a file (劳模慰问 needs one)."""
    hardship_file = selectors.file_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = ModelWorkerTitleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_worker_title_add(
                actor=request.user, member=hardship_file.member, **form.cleaned_data
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已登记劳模称号。"))
            return redirect(hardship_file)
    return form_page(
        request,
        form=form,
        title=_("登记劳模称号"),
        crumbs=_file_crumbs(hardship_file),
        cancel_url=hardship_file.get_absolute_url(),
        subject=hardship_file.member.name,
    )


# --- grants -------------------------------------------------------------------------------------


@hardship_view
@require_GET
def grant_list(request):
    form = filter_form(request, GrantFilterForm)
    grants = selectors.grant_list(user=request.user, **form.selector_kwargs())
    page = ListPage(grants, request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_edit": user_can(request.user, Perm.EDIT_RECORDS),
        "can_import": user_can(request.user, Perm.IMPORT_RECORDS),
    }
    return render(request, "assistance/grant_list.html", context)


@hardship_view
@require_GET
def grant_export(request):
    return list_export(
        request,
        form_class=GrantFilterForm,
        select=selectors.grant_list,
        export=exports.grants_export,
        list_url="assistance:grant_list",
    )


@hardship_view
@require_GET
def grant_detail(request, pk):
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    return _grant_page(request, grant)


def _grant_page(request, grant, *, reject_form=None, pay_form=None, error=None, status=200):
    federation = grant.paying_federation
    user = request.user
    may_edit = user_can(user, Perm.EDIT_RECORDS, federation)
    may_approve = user_can(user, Perm.APPROVE_GRANTS, federation)
    context = {
        "grant": grant,
        "member": grant.recipient,
        "decisions": selectors.grant_decisions(grant=grant),
        "may_edit": may_edit,
        "may_approve": may_approve and grant.status == Grant.Status.DRAFT,
        "own_draft": grant.created_by_id == user.pk,
        "may_pay": grant.status == Grant.Status.APPROVED and (may_approve or may_edit),
        "reject_form": reject_form or RejectForm(),
        "pay_form": pay_form or PayForm(),
        "error": error,
    }
    return render(request, "assistance/grant_detail.html", context, status=status)


@hardship_view
@require_http_methods(["GET", "POST"])
def grant_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = GrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.grant_draft(
                actor=request.user,
                recipient=form.member,
                program=data["program"],
                paying_federation=data["paying_federation"],
                granted_on=data["granted_on"],
                amount=data["amount"],
                goods_value=data["goods_value"],
                note=data["note"],
                **{name: data[name] for name in STUDY_FIELDS},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已录入，等待审批。"))
            return redirect(grant)
    return form_page(
        request,
        form=form,
        title=_("录入帮扶发放"),
        crumbs=_grant_crumbs(),
        cancel_url=reverse("assistance:grant_list"),
        submit=_("提交审批"),
        intro=_(
            "录入时即按帮扶项目的规则检查（每人每年次数、单次金额上限、是否须在档困难职工、"
            "是否须为劳动模范、年度预算），审批时再次检查。"
        ),
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def grant_edit(request, pk):
    """Correct a draft (staff of the payer); the rules are checked again."""
    grant = selectors.grant_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    if grant.status != Grant.Status.DRAFT:
        raise Http404
    fields = ("amount", "goods_value", "granted_on", "note", *STUDY_FIELDS)
    form = GrantEditForm(
        request.POST or None, initial={name: getattr(grant, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_update(
                actor=request.user,
                grant=grant,
                **{name: form.cleaned_data[name] for name in fields},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect(grant)
    return form_page(
        request,
        form=form,
        title=_("修改待审批记录"),
        crumbs=_grant_crumbs(grant),
        cancel_url=grant.get_absolute_url(),
        subject=f"{grant.recipient.name} · {grant.program.name}",
    )


@hardship_view
@require_POST
def grant_approve(request, pk):
    grant = selectors.grant_get_for_user(user=request.user, pk=pk, perm=Perm.APPROVE_GRANTS)
    try:
        services.grant_approve(actor=request.user, grant=grant)
    except ValidationError as error:
        return _grant_page(request, grant, error=error.messages, status=400)
    messages.success(request, _("已审批通过。"))
    return redirect(grant)


@hardship_view
@require_POST
def grant_reject(request, pk):
    grant = selectors.grant_get_for_user(user=request.user, pk=pk, perm=Perm.APPROVE_GRANTS)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.grant_reject(actor=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已驳回。"))
            return redirect(grant)
    return _grant_page(request, grant, reject_form=form, status=400)


@hardship_view
@require_POST
def grant_pay(request, pk):
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    if not selectors.may_see_at(request.user, grant.paying_federation):
        raise Http404
    form = PayForm(request.POST)
    if form.is_valid():
        try:
            services.grant_mark_paid(actor=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已登记发放。"))
            return redirect(grant)
    return _grant_page(request, grant, pay_form=form, status=400)


# --- programmes and budgets ---------------------------------------------------------------------


@viewer_view
@require_GET
def program_list(request):
    try:
        year = int(request.GET.get("year") or services.today().year)
    except ValueError:
        year = services.today().year
    context = {
        "programs": selectors.programs_with_budgets(user=request.user, year=year),
        "year": year,
        "may_edit": services.programs_may_edit(request.user),
        "may_budget": user_can(request.user, Perm.MANAGE_TARGETS),
    }
    return render(request, "assistance/program_list.html", context)


@viewer_view
@require_http_methods(["GET", "POST"])
def program_edit(request, code):
    if not services.programs_may_edit(request.user):
        raise Http404
    program = selectors.program_get(code=code)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.aid_program_update(
                actor=request.user,
                program=program,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已保存“%(name)s”的规则。") % {"name": program.name})
            return redirect("assistance:program_list")
    return form_page(
        request,
        form=form,
        title=_("帮扶项目规则"),
        crumbs=[(_("帮扶项目"), reverse("assistance:program_list"))],
        cancel_url=reverse("assistance:program_list"),
        subject=program.get_code_display(),
        intro=_("修改后，新录入和待审批的记录都按新规则检查。"),
    )


@viewer_view
@require_http_methods(["GET", "POST"])
def budget_set(request):
    if not user_can(request.user, Perm.MANAGE_TARGETS):
        raise Http404
    form = BudgetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.aid_budget_set(actor=request.user, **data)
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已设定预算。"))
            return redirect(reverse("assistance:program_list") + f"?year={data['year']}")
    return form_page(
        request,
        form=form,
        title=_("设定年度预算"),
        crumbs=[(_("帮扶项目"), reverse("assistance:program_list"))],
        cancel_url=reverse("assistance:program_list"),
        intro=_("同一工会组织、项目和年度只有一个预算，再次设定即替换。"),
    )


# --- group deliveries and mutual-aid claims -----------------------------------------------------


@hardship_view
@require_GET
def delivery_list(request):
    page = ListPage(selectors.delivery_list(user=request.user), request.GET.get("page"))
    context = {"page": page, "can_edit": user_can(request.user, Perm.EDIT_RECORDS)}
    return render(request, "assistance/delivery_list.html", context)


@hardship_view
@require_http_methods(["GET", "POST"])
def delivery_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = GroupDeliveryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_delivery_record(
                actor=request.user,
                federation=data["federation"],
                kind=data["kind"],
                delivered_on=data["delivered_on"],
                workers_reached=data["workers_reached"],
                goods_value=data["goods_value"],
                enterprises=data["enterprise_codes"],
                note=data["note"],
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已登记集体慰问。"))
            return redirect("assistance:delivery_list")
    return form_page(
        request,
        form=form,
        title=_("登记集体慰问"),
        crumbs=[(_("集体慰问"), reverse("assistance:delivery_list"))],
        cancel_url=reverse("assistance:delivery_list"),
        intro=_("夏季送清凉、两节送温暖到单位的集体慰问。"),
    )


@hardship_view
@require_GET
def claim_list(request):
    page = ListPage(selectors.claim_list(user=request.user), request.GET.get("page"))
    context = {"page": page, "can_edit": user_can(request.user, Perm.EDIT_RECORDS)}
    return render(request, "assistance/claim_list.html", context)


@hardship_view
@require_http_methods(["GET", "POST"])
def claim_create(request):
    if not user_can(request.user, Perm.EDIT_RECORDS):
        raise Http404
    form = ClaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mutual_aid_claim_submit(
                actor=request.user,
                member=form.member,
                kind=data["kind"],
                incident_on=data["incident_on"],
                amount_claimed=data["amount_claimed"],
                note=data["note"],
            )
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已受理理赔申请。"))
            return redirect("assistance:claim_list")
    return form_page(
        request,
        form=form,
        title=_("受理互助保障理赔"),
        crumbs=[(_("互助保障"), reverse("assistance:claim_list"))],
        cancel_url=reverse("assistance:claim_list"),
    )


@hardship_view
@require_http_methods(["GET", "POST"])
def claim_settle(request, pk):
    claim = selectors.claim_get_for_user(user=request.user, pk=pk, perm=Perm.EDIT_RECORDS)
    form = ClaimSettleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mutual_aid_claim_settle(actor=request.user, claim=claim, **form.cleaned_data)
        except ValidationError as error:
            service_error(form, error)
        else:
            messages.success(request, _("已办结理赔。"))
            return redirect("assistance:claim_list")
    return form_page(
        request,
        form=form,
        title=_("办结理赔"),
        crumbs=[(_("互助保障"), reverse("assistance:claim_list"))],
        cancel_url=reverse("assistance:claim_list"),
        subject=f"{claim.member.name} · {claim.get_kind_display()} · {claim.amount_claimed} 元",
    )
