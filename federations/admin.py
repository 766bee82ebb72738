from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from . import services
from .models import Federation, FoundingTarget, RoleAssignment
from .permissions import Perm, federations_where, scope_condition


class FederationAdminForm(MoveNodeForm):
    """treebeard's placement form, held to the same tree rules as the services."""

    def clean(self):
        cleaned = super().clean()
        ref_id = cleaned.get("_ref_node_id")
        position = cleaned.get("_position") or ""
        if ref_id:
            ref = Federation.objects.get(pk=ref_id)
            parent = ref if position.endswith("child") else ref.get_parent()
        else:
            parent = None
        if self.instance.pk and parent is not None and self.instance.contains(parent):
            raise ValidationError("不能把组织移到它自己或它的下级之下。")
        if (
            self.instance.pk
            and cleaned.get("kind") == Federation.Kind.JOINT
            and self.instance.numchild
        ):
            raise ValidationError("该组织有下级组织，不能改为联合工会。")
        services.check_placement(kind=cleaned.get("kind"), parent=parent, code=self.instance.code)
        return cleaned


@admin.register(Federation)
class FederationAdmin(TreeAdmin):
    form = movenodeform_factory(Federation, form=FederationAdminForm)
    list_display = ("name", "code", "kind", "joint_scope", "chair_name", "phone")
    search_fields = ("name", "code")
    list_filter = ("kind", "joint_scope")

    def get_queryset(self, request):
        return federations_where(request.user, Perm.MANAGE_TREE)

    def delete_model(self, request, obj):
        try:
            services.federation_delete(federation=obj)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), level="error")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "federation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "federation__name", "federation__code")
    autocomplete_fields = ("user", "federation")


@admin.register(FoundingTarget)
class FoundingTargetAdmin(admin.ModelAdmin):
    """Founding targets are normally entered on the targets page; here they go through the same
    service, so the rule "the level above sets them" and the audit log hold in the admin too."""

    list_display = (
        "federation",
        "year",
        "new_independent_unions",
        "large_enterprises_unionized",
        "members",
        "set_by",
        "updated_at",
    )
    list_filter = ("year",)
    search_fields = ("federation__name", "federation__code")
    autocomplete_fields = ("federation",)
    readonly_fields = ("set_by", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # the service keys targets by federation and year
            return ("federation", "year", *self.readonly_fields)
        return self.readonly_fields

    def get_queryset(self, request):
        condition = scope_condition(request.user, Perm.MANAGE_TARGETS, prefix="federation__")
        queryset = super().get_queryset(request).select_related("federation", "set_by")
        return queryset.none() if condition is None else queryset.filter(condition)

    def save_model(self, request, obj, form, change):
        try:
            saved = services.founding_target_set(
                actor=request.user,
                federation=obj.federation,
                year=obj.year,
                new_independent_unions=obj.new_independent_unions,
                large_enterprises_unionized=obj.large_enterprises_unionized,
                members=obj.members,
            )
        except Http404:
            raise PermissionDenied from None
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            services.founding_target_delete(actor=request.user, target=obj)
        except Http404:
            raise PermissionDenied from None
