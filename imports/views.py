"""Upload → preview (nothing written) → confirm (everything written, or nothing).

Every page of a kind answers 404 to a user without that importer's permission, exactly as for
an unknown kind; an upload token from another session is a 404 as well."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import registry, uploads
from .base import Importer, Op, Result
from .errors import ImportFileError
from .forms import UploadForm
from .parsing import read_table
from .services import import_run
from .workbooks import errors_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 500  # rows of errors / changes on the preview page; the download has them all


def _importer_for(request, kind: str) -> type[Importer]:
    importer = registry.get(kind)
    if importer is None or not importer.allowed(request.user):
        raise Http404
    return importer


def _upload_for(request, kind: str, token: str) -> uploads.StoredUpload:
    upload = uploads.upload_get(session=request.session, kind=kind, token=token)
    if upload is None:
        raise Http404
    return upload


def _run(request, importer: type[Importer], upload: uploads.StoredUpload, *, dry_run: bool):
    """The import of a stored upload, or None (with a message) when the file is gone."""
    content = upload.read()
    if content is None:
        messages.warning(request, _("上传的文件已过期，请重新上传。"))
        return None
    try:
        table = read_table(content, columns=importer.columns)
    except ImportFileError as error:
        messages.error(request, str(error))
        return None
    return import_run(
        importer=importer(file_name=upload.name), table=table, user=request.user, dry_run=dry_run
    )


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def index(request):
    importers = [
        importer for importer in registry.all_importers() if importer.allowed(request.user)
    ]
    if not importers:
        raise Http404
    return render(request, "imports/index.html", {"importers": importers})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, kind):
    importer = _importer_for(request, kind)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, importer=importer)
        if form.is_valid():
            stored = uploads.upload_store(
                session=request.session,
                kind=kind,
                name=form.cleaned_data["file"].name,
                data=form.content,
            )
            return redirect("imports:preview", kind=kind, token=stored.token)
    else:
        form = UploadForm(importer=importer)
    return render(request, "imports/upload.html", {"importer": importer, "form": form})


@login_required
@require_GET
def preview(request, kind, token):
    importer = _importer_for(request, kind)
    stored = _upload_for(request, kind, token)
    result: Result | None = _run(request, importer, stored, dry_run=True)
    if result is None:
        return redirect("imports:upload", kind=kind)
    changes = [action for action in result.actions if action.op != Op.UNCHANGED]
    context = {
        "importer": importer,
        "upload": stored,
        "result": result,
        "errors": result.errors[:SHOWN],
        "changes": changes[:SHOWN],
        "changes_total": len(changes),
        "shown": SHOWN,
    }
    return render(request, "imports/preview.html", context)


@login_required
@require_POST
def confirm(request, kind, token):
    importer = _importer_for(request, kind)
    stored = _upload_for(request, kind, token)
    result = _run(request, importer, stored, dry_run=False)
    if result is None:
        return redirect("imports:upload", kind=kind)
    if not result.written:
        messages.error(
            request,
            _("导入前再次检查时发现 %(count)s 处错误，未写入任何数据。")
            % {"count": len(result.errors)},
        )
        return redirect("imports:preview", kind=kind, token=token)
    uploads.upload_discard(session=request.session, upload=stored)
    messages.success(request, _("导入完成：%(summary)s。") % {"summary": result.summary()})
    return redirect("imports:upload", kind=kind)


@login_required
@require_GET
def errors_download(request, kind, token):
    importer = _importer_for(request, kind)
    stored = _upload_for(request, kind, token)
    result = _run(request, importer, stored, dry_run=True)
    if result is None:
        return redirect("imports:upload", kind=kind)
    filename = _("%(label)s导入错误.xlsx") % {"label": importer.label}
    return _xlsx_response(errors_workbook(result.errors), filename)


@login_required
@require_GET
def template_download(request, kind):
    importer = _importer_for(request, kind)
    filename = _("%(label)s导入模板.xlsx") % {"label": importer.label}
    return _xlsx_response(template_workbook(importer), filename)
