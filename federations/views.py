from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import FederationForm
from .permissions import Perm, federation_get_for_user, user_can


@login_required
def tree(request):
    roots = selectors.tree_roots_for_user(user=request.user)
    return render(request, "federations/tree.html", {"roots": roots})


@login_required
def children(request, code):
    parent = federation_get_for_user(user=request.user, code=code)
    nodes = selectors.tree_children_for_user(user=request.user, parent=parent)
    return render(request, "federations/_children.html", {"nodes": nodes})


@login_required
def detail(request, code):
    federation = federation_get_for_user(user=request.user, code=code)
    context = {
        "federation": federation,
        "ancestors": [
            a for a in federation.get_ancestors() if user_can(request.user, Perm.VIEW, a)
        ],
        "children": selectors.tree_children_for_user(user=request.user, parent=federation),
        "can_edit": user_can(request.user, Perm.MANAGE_TREE, federation),
    }
    return render(request, "federations/detail.html", context)


def _save(request, form, federation=None):
    data = dict(form.cleaned_data)
    parent = data.pop("parent")
    code = data.pop("code", None)
    try:
        if federation is None:
            return services.federation_create(code=code, parent=parent, **data)
        return services.federation_update(federation=federation, parent=parent, **data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def federation_create_view(request):
    if not user_can(request.user, Perm.MANAGE_TREE):
        raise Http404
    form = FederationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["parent"] is None and not request.user.is_superuser:
            form.add_error("parent", _("请选择上级工会。"))
        elif federation := _save(request, form):
            messages.success(request, _("已新建“%(name)s”。") % {"name": federation.name})
            return redirect(federation)
    return render(request, "federations/form.html", {"form": form, "federation": None})


@login_required
def federation_edit_view(request, code):
    federation = federation_get_for_user(user=request.user, code=code, perm=Perm.MANAGE_TREE)
    form = FederationForm(request.POST or None, instance=federation, user=request.user)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        if parent is None and not (request.user.is_superuser and federation.is_root()):
            form.add_error("parent", _("请选择上级工会。"))
        elif saved := _save(request, form, federation):
            messages.success(request, _("已保存“%(name)s”。") % {"name": saved.name})
            return redirect(saved)
    return render(request, "federations/form.html", {"form": form, "federation": federation})
