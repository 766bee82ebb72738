"""The admin shows hardship data only to staff and chairs in scope (as the pages do), writes
through the services, and never shows a full ID number. Programmes and budgets — the district
office's settings — are edited here; files, grants and claims have their own pages."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AidBudget,
    AidProgram,
    Grant,
    GroupDelivery,
    HardshipFile,
    ModelWorkerTitle,
    MutualAidClaim,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AidProgram)
class AidProgramAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "grants_per_year",
        "per_student",
        "max_amount",
        "requires_active_file",
        "requires_model_worker",
        "is_active",
    )
    fields = ("code", *services.PROGRAM_FIELDS)
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return services.programs_may_edit(request.user)

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.aid_program_update(actor=request.user, program=obj, **changed)
        except (ValidationError, Http404) as error:
            messages.error(request, str(error))


@admin.register(AidBudget)
class AidBudgetAdmin(admin.ModelAdmin):
    list_display = ("federation", "program", "year", "amount", "set_by")
    list_select_related = ("federation", "program", "set_by")
    list_filter = ("year", "program")
    fields = ("federation", "program", "year", "amount")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services.aid_budget_set(
                actor=request.user,
                federation=data["federation"],
                program=data["program"],
                year=data["year"],
                amount=data["amount"],
            )
        except Http404:
            messages.error(request, _("您无权设定该工会组织的预算。"))
            return
        obj.pk = saved.pk


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdmin):
    list_display = ("member", "federation", "category", "status", "opened_on", "last_reviewed_on")
    list_select_related = ("member", "federation")
    list_filter = ("status", "category")
    fields = (
        "member",
        "federation",
        "category",
        "main_cause",
        "status",
        "opened_on",
        "last_reviewed_on",
        "lifted_out_on",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = (
        "recipient",
        "program",
        "amount",
        "goods_value",
        "granted_on",
        "paying_federation",
        "status",
    )
    list_select_related = ("recipient", "program", "paying_federation")
    list_filter = ("status", "program")
    date_hierarchy = "granted_on"
    exclude = ("hardship_file",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(GroupDelivery)
class GroupDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("federation", "kind", "delivered_on", "workers_reached", "goods_value")
    list_select_related = ("federation",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(MutualAidClaim)
class MutualAidClaimAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "incident_on", "amount_claimed", "amount_paid", "status")
    list_select_related = ("member",)
    list_filter = ("status", "kind")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(ModelWorkerTitle)
class ModelWorkerTitleAdmin(ReadOnlyAdmin):
    list_display = ("member", "title", "level", "year")
    list_select_related = ("member",)
    search_fields = ("member__name", "title")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(member__in=services.Member.objects.visible_to(request.user))
        )
