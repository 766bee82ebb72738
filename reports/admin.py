from django.contrib import admin

from .models import QuarterlySnapshot, ReportRun


@admin.register(QuarterlySnapshot)
class QuarterlySnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are taken by the beat jobs, the command or the dashboard button."""

    list_display = ("federation", "quarter", "as_of", "taken_by", "taken_at")
    list_filter = ("quarter",)
    search_fields = ("federation__name", "federation__code")
    readonly_fields = ("federation", "quarter", "as_of", "figures", "taken_by", "taken_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("federation", "taken_by")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Read-only: reports are requested on the reports page, by the command or the beat job."""

    list_display = ("federation", "quarter", "status", "generated_at", "pages", "requested_by")
    list_filter = ("quarter", "status")
    search_fields = ("federation__name", "federation__code")
    readonly_fields = [field.name for field in ReportRun._meta.fields]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("federation", "requested_by")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
