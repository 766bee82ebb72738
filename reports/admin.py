from django.contrib import admin

from .models import QuarterlySnapshot


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
