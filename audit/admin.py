from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log is read-only and scoped like the records it is about."""

    list_display = ("created_at", "actor", "action", "object_repr", "federation", "summary")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "federation", "content_type")
    search_fields = ("object_repr", "summary", "file_name", "actor__username")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "federation",
        "summary",
        "changes",
        "file_name",
        "row_count",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
