"""What the record pages of every app share: who may open them, the form page, the list
filters, putting a service's error on a form, and the .xlsx download."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from federations.permissions import Perm, user_can

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def viewer_view(view):
    """Signed in and allowed to see records somewhere; otherwise the page does not exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can(request.user, Perm.VIEW):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def service_error(form, error, *, by_code=None):
    """Put a service's ValidationError on the form: on the field it names, else above the form.
    `by_code` ({code: field}) places an error the service raises without a field name."""
    if not hasattr(error, "error_dict"):
        for item in error.error_list:
            field = (by_code or {}).get(item.code)
            form.add_error(field if field in form.fields else None, item)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_page(request, *, form, title, crumbs, cancel_url, submit=None, intro="", subject=None):
    """The shared create / edit page (templates/membership/form.html)."""
    return render(
        request,
        "membership/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            "submit": submit or _("保存"),
            "intro": intro,
            "subject": subject,
        },
    )


def crumbs(label, list_url, obj=None, obj_label=None):
    """Breadcrumbs: the list, then the object's page when there is one."""
    trail = [(label, list_url)]
    if obj is not None:
        trail.append((obj_label if obj_label is not None else str(obj), obj.get_absolute_url()))
    return trail


def filter_form(request, form_class):
    """A list's filter form from the query string; a federation outside the user's scope is a
    404, as any object outside it is."""
    form = form_class(request.GET, user=request.user)
    if form.outside_scope:
        raise Http404
    return form


def query_string(request):
    """The list's query string without the page number ("" when empty), to come back to it."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else ""


def xlsx_download(export):
    """An `ExportFile` (membership.exports) as an attachment."""
    return FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type=XLSX
    )


def list_export(request, *, form_class, select, export, list_url):
    """A list page's "export" link: the rows its filters select (`select(user=…, **filters)`)
    as an .xlsx made by `export(actor=…, queryset=…, federation=…, filters=…)`. A list too long
    for one file goes back to the list (`list_url`, a URL name) with the reason."""
    form = filter_form(request, form_class)
    queryset = select(user=request.user, **form.selector_kwargs())
    try:
        file = export(
            actor=request.user,
            queryset=queryset,
            federation=form.filters().get("federation"),
            filters=form.described(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse(list_url) + query_string(request))
    return xlsx_download(file)
