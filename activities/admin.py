"""The admin lists activities and programmes within the user's scope, read-only: activities are
recorded, changed and imported in the portal (through the services, so the rules and the audit log
hold), and their participants are checked in at the door."""

from django.contrib import admin

from membership.admin import ReadOnlyInline

from .models import Activity, JobFair, Participation, Programme, ProgrammeQuarter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobFairInline(ReadOnlyInline):
    model = JobFair
    fields = ("positions", "job_types", "intents", "consultations")
    readonly_fields = fields


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ("member", "registered_at", "checked_in_at")
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "category", "federation", "starts_on", "ends_on", "status")
    list_filter = ("category", "status", "registration")
    list_select_related = ("federation",)
    search_fields = ("title", "venue")
    date_hierarchy = "starts_on"
    inlines = (JobFairInline, ParticipationInline)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ProgrammeQuarterInline(ReadOnlyInline):
    model = ProgrammeQuarter
    fields = ("quarter", "theme", "planned")
    readonly_fields = fields


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "federation")
    list_select_related = ("federation",)
    inlines = (ProgrammeQuarterInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
