"""The admin sees only what the user's roles allow, and writes through the services (so the rules
and the audit log hold here too). Union status changes and memberships are read-only here: they
have their own actions in the portal."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, federations_where

from . import services
from .models import Enterprise, Member, Membership, UnionStatusChange


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UnionStatusChangeInline(ReadOnlyInline):
    model = UnionStatusChange
    fields = ("effective_on", "status", "joint_union", "note", "recorded_by", "recorded_at")
    readonly_fields = fields
    ordering = ("effective_on",)


class EnterpriseMembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "enterprise"
    fields = ("member", "joined_on", "left_on", "leave_reason", "card_number")
    readonly_fields = fields
    ordering = ("-joined_on",)


def _report(request, error):
    messages.error(request, "；".join(error.messages))


class ImportFromExcelMixin:
    """A "从 Excel 导入" button on the change list, leading to the portal's import page: the admin
    imports through the same pipeline, rules and scope as the browser and the command line."""

    change_list_template = "admin/membership/import_change_list.html"
    import_kind: str

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_kind": self.import_kind}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Enterprise)
class EnterpriseAdmin(ImportFromExcelMixin, admin.ModelAdmin):
    import_kind = "enterprises"
    list_display = (
        "name",
        "credit_code",
        "jurisdiction",
        "union_status",
        "joint_union",
        "union_since",
        "employees",
    )
    list_filter = ("union_status", "economic_type", "industry")
    list_select_related = ("jurisdiction", "joint_union")
    search_fields = ("name", "=credit_code")
    fields = (*services.ENTERPRISE_FIELDS, "union_status", "joint_union", "union_since")
    readonly_fields = ("union_status", "joint_union", "union_since")
    inlines = (UnionStatusChangeInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "jurisdiction":
            kwargs["queryset"] = federations_where(request.user, Perm.EDIT_RECORDS).filter(
                kind__in=services.JURISDICTION_KINDS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ServiceCheckedForm(form):
            def clean_jurisdiction(self):
                jurisdiction = self.cleaned_data["jurisdiction"]
                if isinstance(jurisdiction, Federation):
                    try:
                        services.check_jurisdiction(jurisdiction)
                    except ValidationError as error:
                        raise ValidationError(error.message_dict["jurisdiction"]) from None
                return jurisdiction

            def clean(self):
                cleaned = super().clean()
                jurisdiction = cleaned.get("jurisdiction")
                instance = self.instance
                if (
                    instance.pk
                    and isinstance(jurisdiction, Federation)
                    and jurisdiction.pk != instance.jurisdiction_id
                    and instance.union_status == Enterprise.UnionStatus.JOINT
                ):
                    try:
                        services.check_joint_union(
                            joint_union=instance.joint_union, jurisdiction=jurisdiction
                        )
                    except ValidationError as error:
                        raise ValidationError(error.message_dict["joint_union"]) from None
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.ENTERPRISE_FIELDS}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            services.enterprise_update(actor=request.user, enterprise=obj, **changed)
        else:
            created = services.enterprise_create(actor=request.user, **data)
            obj.pk = created.pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            services.enterprise_delete(actor=request.user, enterprise=obj)
        except ValidationError as error:
            _report(request, error)

    def delete_queryset(self, request, queryset):
        for enterprise in queryset:
            self.delete_model(request, enterprise)


class MemberMembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "member"
    fields = ("enterprise", "joined_on", "left_on", "leave_reason", "card_number")
    readonly_fields = fields
    ordering = ("joined_on",)


@admin.register(Member)
class MemberAdmin(ImportFromExcelMixin, admin.ModelAdmin):
    """Members are registered in the portal or by import (a registration needs an enterprise and a
    join date); here their details can be corrected. The full ID number is never shown here."""

    import_kind = "members"

    list_display = ("name", "masked_id", "sex", "birth_date", "phone", "current_enterprise")
    list_select_related = ("current_enterprise",)
    list_filter = ("sex", "employment_status", "migrant_worker", "is_model_worker")
    search_fields = ("name", "=phone", "=id_number")
    fields = (
        "name",
        "masked_id",
        "sex",
        "birth_date",
        *[name for name in services.MEMBER_FIELDS if name not in ("name", "id_number")],
        "current_enterprise",
    )
    readonly_fields = ("masked_id", "sex", "birth_date", "current_enterprise")
    inlines = (MemberMembershipInline,)

    @admin.display(description=_("身份证号"), ordering="id_number")
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changed = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.MEMBER_FIELDS
        }
        services.member_update(actor=request.user, member=obj, **changed)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only: memberships change through register, transfer and leave in the portal."""

    list_display = ("member", "enterprise", "joined_on", "left_on", "leave_reason", "card_number")
    list_select_related = ("member", "enterprise")
    list_filter = ("leave_reason",)
    search_fields = ("member__name", "=member__id_number", "enterprise__name", "=card_number")
    date_hierarchy = "joined_on"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
