from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from common.queue import QUEUE_UNAVAILABLE, enqueue
from federations import services as federation_services
from federations.forms import FoundingTargetForm
from federations.models import FoundingTarget
from federations.permissions import Perm, federation_get_for_user, scope_roots, user_can

from . import dashboard as dashboard_page
from . import exports, flows, selectors, services, tasks
from .forms import AsOfForm, ReportQuarterForm, TargetYearForm
from .periods import Quarter


@login_required
def dashboard_home(request):
    """The dashboard of the top of the user's scope."""
    roots = scope_roots(request.user, Perm.VIEW_DASHBOARD)
    if not roots:
        raise Http404
    return redirect("reports:dashboard", code=roots[0].code)


def _federation(request, code):
    return federation_get_for_user(user=request.user, code=code, perm=Perm.VIEW_DASHBOARD)


@login_required
def dashboard(request, code):
    federation = _federation(request, code)
    form = AsOfForm(request.GET or None)
    page = dashboard_page.build(
        user=request.user, federation=federation, on=form.as_of(), today=timezone.localdate()
    )
    return render(request, "reports/dashboard.html", {"page": page, "form": form})


@login_required
def dashboard_export(request, code):
    """The breakdown table as .xlsx."""
    federation = _federation(request, code)
    form = AsOfForm(request.GET or None)
    page = dashboard_page.build(
        user=request.user,
        federation=federation,
        on=form.as_of(),
        today=timezone.localdate(),
    )
    content = exports.breakdown_xlsx(page)
    filename = f"{federation.code}-{page.on.isoformat()}.xlsx"
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        federation=federation,
        summary=_("导出仪表盘下级明细（%(day)s）") % {"day": page.on.isoformat()},
        file_name=filename,
        row_count=len(page.rows),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dashboard_flows(request, code):
    """The dashboard's hardship-aid and activity sections (`?on=`), which the dashboard loads
    with htmx; opened directly, the same sections on a page of their own."""
    federation = _federation(request, code)
    form = AsOfForm(request.GET or None)
    sections = dashboard_page.flow_sections(
        user=request.user, federation=federation, on=form.as_of()
    )
    template = "reports/_dashboard_flows.html" if request.htmx else "reports/dashboard_flows.html"
    return render(request, template, {"sections": sections})


@login_required
def indicators_json(request, code):
    """The figures of a federation and of its direct children, as JSON:
    `?on=YYYY-MM-DD` or `?quarter=2026Q3` (its last day), today by default. The hardship-aid and
    activity figures are at `flows_json`."""
    federation = _federation(request, code)
    form = AsOfForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    on = form.as_of()
    result = selectors.breakdown(federation=federation, on=on, with_progress=False)
    data = result.as_json()
    data["flows"] = reverse("reports:flows_json", args=[federation.code])
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
def flows_json(request, code):
    """A federation's hardship-aid and activity figures as JSON (`reports.flows`): over the
    quarter with `?quarter=2026Q3`, else over the year up to `?on=YYYY-MM-DD` (today by
    default); money as decimal strings in yuan, unknown figures as null."""
    federation = _federation(request, code)
    form = AsOfForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    quarter = form.cleaned_data.get("quarter") if form.is_bound else None
    period = flows.period_for(on=form.as_of(), quarter=quarter)
    data = {"code": federation.code, "name": federation.name, "period": flows.period_json(period)}
    data.update(flows.as_json(flows.figures(federation=federation, period=period)))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
def targets(request, code):
    """The district office sets the yearly founding targets of the federations one level below
    (Perm.MANAGE_TARGETS at this federation)."""
    federation = federation_get_for_user(user=request.user, code=code, perm=Perm.MANAGE_TARGETS)
    year = TargetYearForm(request.GET or None).year_or_current()
    children = selectors.children_of(federation)
    existing = {
        t.federation_id: t
        for t in FoundingTarget.objects.filter(federation__in=children, year=year)
    }
    forms = [
        (
            child,
            FoundingTargetForm(
                request.POST or None, instance=existing.get(child.pk), prefix=child.code
            ),
        )
        for child in children
    ]
    if request.method == "POST" and all(form.is_valid() for _child, form in forms):
        try:
            with transaction.atomic():
                for child, form in forms:
                    federation_services.founding_target_set(
                        actor=request.user, federation=child, year=year, **form.cleaned_data
                    )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已保存 %(year)s 年度的建会任务。") % {"year": year})
            return redirect("reports:dashboard", code=federation.code)
    context = {"federation": federation, "year": year, "forms": forms}
    return render(request, "reports/targets.html", context)


@login_required
@require_POST
def snapshots_take(request, code):
    """Retake the snapshots of the quarter that ended last, for this federation and below."""
    federation = federation_get_for_user(user=request.user, code=code, perm=Perm.RUN_REPORTS)
    quarter = Quarter.just_ended(timezone.localdate())
    # Queued here rather than in transaction.on_commit: this request writes nothing, so there is
    # no commit to wait for, and a broker that is down can still be reported on the page.
    if enqueue(tasks.take_subtree_snapshots, federation.pk, str(quarter), request.user.pk):
        messages.success(
            request,
            _("已开始生成 %(quarter)s 的季度快照（%(name)s 及其下级）。")
            % {"quarter": quarter.label, "name": federation.name},
        )
    else:
        messages.error(request, QUEUE_UNAVAILABLE)
    return redirect("reports:dashboard", code=federation.code)


# --- quarterly PDF reports ----------------------------------------------------------------------


def _report_quarter(text) -> Quarter:
    """The quarter in a report URL; 404 for anything else (the page links only real ones)."""
    try:
        quarter = Quarter.parse(text)
    except ValueError:
        raise Http404 from None
    if str(quarter) != text or not quarter.has_ended(timezone.localdate()):
        raise Http404
    return quarter


def _reports_url(quarter):
    return f"{reverse('reports:quarterly')}?{urlencode({'quarter': str(quarter)})}"


@login_required
def quarterly(request):
    """Federation × quarter: the status of each report, its download and the build buttons."""
    if not user_can(request.user, Perm.VIEW_DASHBOARD):
        raise Http404
    form = ReportQuarterForm(request.GET or None)
    quarter = form.quarter_or_default()
    rows = selectors.report_rows(user=request.user, quarter=quarter)
    if request.htmx:  # the rows polling while a report is pending
        context = {"quarter": quarter, "rows": rows, "pending": any(r.pending for r in rows)}
        return render(request, "reports/_report_rows.html", context)
    recent = form.recent()
    context = {
        "form": form,
        "quarter": quarter,
        "recent": recent,
        "rows": rows,
        "pending": any(row.pending for row in rows),
        "can_build_any": any(row.can_build for row in rows),
        "overview_quarters": recent[:4],
        "overview": selectors.report_overview(rows=rows, quarters=recent[:4]),
    }
    return render(request, "reports/quarterly.html", context)


@login_required
@require_POST
def report_build(request, quarter, code):
    """Build now / rebuild one federation's report (Perm.RUN_REPORTS there)."""
    period = _report_quarter(quarter)
    federation = federation_get_for_user(user=request.user, code=code, perm=Perm.RUN_REPORTS)
    _queue_reports(request, [federation], period)
    return redirect(_reports_url(period))


@login_required
@require_POST
def reports_build_all(request, quarter):
    """Build the reports of every federation of the quarter where the user may run reports."""
    period = _report_quarter(quarter)
    federations = list(services.reportable_federations(actor=request.user))
    if not federations:
        raise Http404
    _queue_reports(request, federations, period)
    return redirect(_reports_url(period))


def _queue_reports(request, federations, quarter):
    try:
        requested = services.report_runs_request(
            federations=federations, quarter=quarter, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return
    # Queued after the runs are committed (the service's transaction has ended here); a broker
    # that cannot be reached puts the runs back as they were and says so.
    if not tasks.queue_builds(requested):
        messages.error(request, QUEUE_UNAVAILABLE)
        return
    if len(requested) == 1:
        text = _("已开始生成 %(name)s %(quarter)s 的报告。") % {
            "name": federations[0].name,
            "quarter": quarter.label,
        }
    else:
        text = _("已开始生成 %(quarter)s 的 %(count)s 份报告。") % {
            "quarter": quarter.label,
            "count": len(requested),
        }
    messages.success(request, text)


@login_required
def report_download(request, quarter, code):
    """The PDF, to users who see the federation's dashboards; 404 outside their scope and when
    there is no file yet. Served by the application from PRIVATE_ROOT, never by a public URL."""
    period = _report_quarter(quarter)
    run = selectors.report_run_get_for_user(user=request.user, code=code, quarter=period)
    path = services.report_file(run)
    if path is None:
        raise Http404
    federation = run.federation
    filename = f"{federation.name}-{period}-季度报告.pdf"
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        federation=federation,
        summary=_("下载 %(quarter)s 季度报告") % {"quarter": period},
        file_name=filename,
    )
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
