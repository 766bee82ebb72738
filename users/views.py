"""User and role management for admins. Every URL here is a 404 for anyone who may not manage
users, and for any user or role outside the admin's scope."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from federations.permissions import Perm, user_can

from . import selectors, services
from .forms import PasswordSetForm, RoleAssignForm, UserCreateForm, UserEditForm, UserSearchForm

PAGE_SIZE = 50


def admin_view(view):
    """Signed in, allowed to manage users somewhere, and out-of-scope requests answered 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can(request.user, Perm.MANAGE_USERS):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return login_required(wrapper)


def _add_service_error(form, error, field_names=None):
    """Put a service's ValidationError on the form, on the matching field where there is one."""
    field_names = field_names or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = field_names.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


@admin_view
def user_list(request):
    search_form = UserSearchForm(request.GET)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    users = selectors.users_visible_to(actor=request.user, search=search)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "users/list.html",
        {"search_form": search_form, "search": search, "page": page, "users": page.object_list},
    )


@admin_view
def user_create_view(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                password=data["password1"],
                federation=data["federation"],
                role=data["role"] or None,
            )
        except ValidationError as error:
            _add_service_error(form, error, {"password": "password1"})
        else:
            messages.success(request, _("已新建用户“%(name)s”。") % {"name": user.username})
            return redirect("users:detail", pk=user.pk)
    return render(request, "users/create.html", {"form": form})


def _detail(request, user, *, edit_form=None, password_form=None, role_form=None):
    actor = request.user
    account_managed = selectors.user_account_managed_by(actor=actor, user=user)
    context = {
        "subject": user,
        "roles": user.roles_in_scope,
        "roles_outside_scope": selectors.roles_outside_scope_count(actor=actor, user=user),
        "account_managed": account_managed,
        "is_self": user.pk == actor.pk,
        "login_failures": selectors.login_failures(user=user) if account_managed else 0,
        "edit_form": edit_form
        or UserEditForm(
            initial={"full_name": user.full_name, "phone": user.phone, "is_active": user.is_active}
        ),
        "password_form": password_form or PasswordSetForm(),
        "role_form": role_form or RoleAssignForm(actor=actor),
    }
    return render(request, "users/detail.html", context)


def _back_to(user):
    return redirect(reverse("users:detail", kwargs={"pk": user.pk}))


@admin_view
def user_detail(request, pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    return _detail(request, user)


@admin_view
@require_POST
def user_edit_view(request, pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("已保存账户信息。"))
            return _back_to(user)
    return _detail(request, user, edit_form=form)


@admin_view
@require_POST
def user_password_view(request, pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            _add_service_error(form, error, {"password": "password1"})
        else:
            messages.success(
                request, _("已为“%(name)s”设置新密码，请当面或电话告知本人。") % {"name": user}
            )
            return _back_to(user)
    return _detail(request, user, password_form=form)


@admin_view
@require_POST
def user_unlock_view(request, pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    services.user_unlock_login(actor=request.user, user=user)
    messages.success(request, _("已解除“%(name)s”的登录锁定。") % {"name": user})
    return _back_to(user)


@admin_view
@require_POST
def role_add_view(request, pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    form = RoleAssignForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            assignment = services.role_assign(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已为“%(name)s”添加角色：%(role)s @ %(federation)s。")
                % {
                    "name": user,
                    "role": assignment.get_role_display(),
                    "federation": assignment.federation.name,
                },
            )
            return _back_to(user)
    return _detail(request, user, role_form=form)


@admin_view
@require_POST
def role_remove_view(request, pk, role_pk):
    user = selectors.user_get_for_actor(actor=request.user, pk=pk)
    assignment = selectors.role_assignment_get_for_actor(actor=request.user, user=user, pk=role_pk)
    try:
        services.role_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已移除角色：%(role)s @ %(federation)s。")
            % {"role": assignment.get_role_display(), "federation": assignment.federation.name},
        )
        if not selectors.user_is_visible_to(actor=request.user, user=user):
            # the last role in the admin's scope is gone, and the user with it
            return redirect("users:list")
    return _back_to(user)
