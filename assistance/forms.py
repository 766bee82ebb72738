"""Forms for hardship files, evidence, grants and model-worker titles. They only parse; every rule
lives in `assistance.services`, whose ValidationErrors the views put back onto these forms (the
fields are named as the services' arguments)."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membership.filters import FlagInput, ListFilterForm
from membership.forms import TreeChoiceField, date_field
from membership.validators import mask_id_number

from . import selectors
from .models import (
    AidProgram,
    Grant,
    GroupDelivery,
    HardshipCategory,
    HardshipCause,
    HardshipFile,
    ModelWorkerLevel,
    MutualAidClaim,
    StudyLevel,
)
from .services import FILE_FIELDS


def money(label, *, required=True, initial=None):
    return forms.DecimalField(
        label=label,
        required=required,
        initial=initial,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


class IdNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("会员身份证号"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("完整的18位身份证号；只能选择您有权编辑的会员。"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)


# --- hardship files -----------------------------------------------------------------------------


class FileForm(forms.ModelForm):
    secondary_causes = forms.MultipleChoiceField(
        label=_("次要致困原因"),
        choices=HardshipCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("最多 3 项，不含主要致困原因。"),
    )

    class Meta:
        model = HardshipFile
        fields = list(FILE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class FileOpenForm(FileForm):
    id_number = IdNumberField()
    opened_on = date_field(_("建档日期"), initial=timezone.localdate)

    field_order = ["id_number", "opened_on", *FILE_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id_number(self):
        member = selectors.member_find_for_edit(
            user=self.user, id_number=self.cleaned_data["id_number"]
        )
        if member is None:
            raise forms.ValidationError(
                _("在您有权编辑的范围内没有这个身份证号的会员；请先登记会员。")
            )
        self.member = member
        return self.cleaned_data["id_number"]


class ReviewForm(forms.Form):
    on = date_field(_("复核日期"), initial=timezone.localdate)


class LiftOutForm(forms.Form):
    on = date_field(_("脱困日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("脱困原因"), max_length=200)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("证明材料"), help_text=_("PDF、JPG、PNG、.docx 或 .xlsx，最大 10 MB。")
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class ModelWorkerTitleForm(forms.Form):
    title = forms.CharField(label=_("称号"), max_length=100, help_text=_("如 北京市劳动模范。"))
    level = forms.ChoiceField(label=_("级别"), choices=ModelWorkerLevel.choices)
    year = forms.IntegerField(label=_("授予年份"), min_value=1950, max_value=2100)


# --- grants -------------------------------------------------------------------------------------


class GrantForm(forms.Form):
    id_number = IdNumberField(label=_("受助会员身份证号"))
    program = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None)
    paying_federation = TreeChoiceField(label=_("发放工会"), queryset=None)
    amount = money(_("现金金额（元）"), initial=0)
    goods_value = money(_("物资折价（元）"), initial=0)
    granted_on = date_field(_("发放日期"), initial=timezone.localdate)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    student_name = forms.CharField(label=_("学生姓名"), max_length=50, required=False)
    school = forms.CharField(label=_("学校"), max_length=100, required=False)
    study_level = forms.ChoiceField(
        label=_("学历层次"), choices=[("", "---------"), *StudyLevel.choices], required=False
    )
    admission_year = forms.IntegerField(
        label=_("入学年份"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("学生信息仅金秋助学填写。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["program"].queryset = selectors.active_programs()
        self.fields["paying_federation"].queryset = selectors.paying_federations_for(user=user)

    def clean_id_number(self):
        member = selectors.member_find_for_edit(
            user=self.user, id_number=self.cleaned_data["id_number"]
        )
        if member is None:
            raise forms.ValidationError(_("在您有权编辑的范围内没有这个身份证号的会员。"))
        self.member = member
        return self.cleaned_data["id_number"]


class GrantEditForm(forms.Form):
    """A draft's amounts, date and details (recipient, programme and payer stay)."""

    amount = money(_("现金金额（元）"))
    goods_value = money(_("物资折价（元）"))
    granted_on = date_field(_("发放日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    student_name = forms.CharField(label=_("学生姓名"), max_length=50, required=False)
    school = forms.CharField(label=_("学校"), max_length=100, required=False)
    study_level = forms.ChoiceField(
        label=_("学历层次"), choices=[("", "---------"), *StudyLevel.choices], required=False
    )
    admission_year = forms.IntegerField(
        label=_("入学年份"), required=False, min_value=1990, max_value=2100
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回原因"), max_length=200)


class PayForm(forms.Form):
    paid_on = date_field(_("实际发放日期"), initial=timezone.localdate)


# --- list filters -------------------------------------------------------------------------------


class _SearchFilterForm(ListFilterForm):
    def shown_text(self, name, value) -> str:
        """A searched ID number appears masked (in the audit log of an export, for one)."""
        kind, number = selectors.member_search_kind(value) if name == "q" else ("", "")
        return mask_id_number(number) if kind == "id_number" else value


class FileFilterForm(_SearchFilterForm):
    field_order = ["q", "federation", "status", "category", "review_due"]
    sorts = selectors.FILE_SORTS
    default_sort = selectors.FILE_DEFAULT_SORT

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("姓名或完整身份证号"), "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *HardshipFile.Status.choices]
    )
    category = forms.ChoiceField(
        label=_("困难类别"), required=False, choices=[("", _("全部")), *HardshipCategory.choices]
    )
    review_due = forms.BooleanField(label=_("超过12个月未复核"), required=False, widget=FlagInput)

    def selector_kwargs(self) -> dict:
        data = self.filters()
        return {
            "search": data.get("q", ""),
            "federation": data.get("federation"),
            "status": data.get("status", ""),
            "category": data.get("category", ""),
            "review_due": data.get("review_due", False),
            "sort": self.sort(),
        }


def _years():
    this_year = timezone.localdate().year
    return [("", _("全部"))] + [(str(y), str(y)) for y in range(this_year + 1, this_year - 6, -1)]


class GrantFilterForm(_SearchFilterForm):
    field_order = ["q", "federation", "program", "status", "year"]
    sorts = selectors.GRANT_SORTS
    default_sort = selectors.GRANT_DEFAULT_SORT

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、学生姓名或完整身份证号"),
                "autocomplete": "off",
            }
        ),
    )
    program = forms.ModelChoiceField(
        label=_("帮扶项目"),
        queryset=AidProgram.objects.order_by("pk"),
        required=False,
        empty_label=_("全部"),
        to_field_name="code",
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Grant.Status.choices]
    )
    year = forms.TypedChoiceField(
        label=_("年度"), required=False, choices=_years, coerce=int, empty_value=None
    )

    def selector_kwargs(self) -> dict:
        data = self.filters()
        return {
            "search": data.get("q", ""),
            "federation": data.get("federation"),
            "program": data.get("program"),
            "status": data.get("status", ""),
            "year": data.get("year"),
            "sort": self.sort(),
        }


# --- programmes, budgets, group deliveries, claims ----------------------------------------------


class ProgramForm(forms.ModelForm):
    class Meta:
        model = AidProgram
        fields = [
            "name",
            "grants_per_year",
            "per_student",
            "max_amount",
            "requires_active_file",
            "requires_model_worker",
            "is_active",
        ]


class BudgetForm(forms.Form):
    federation = TreeChoiceField(label=_("工会组织"), queryset=None)
    program = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = money(_("预算（元）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = selectors.budget_federations_for(user=user)
        self.fields["program"].queryset = AidProgram.objects.order_by("pk")
        self.fields["year"].initial = timezone.localdate().year


class GroupDeliveryForm(forms.Form):
    federation = TreeChoiceField(label=_("工会组织"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=GroupDelivery.Kind.choices)
    delivered_on = date_field(_("日期"), initial=timezone.localdate)
    enterprise_codes = forms.CharField(
        label=_("走访单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("走访单位的统一社会信用代码，每行一个（或用逗号分隔）。"),
    )
    workers_reached = forms.IntegerField(label=_("慰问职工人数"), min_value=0)
    goods_value = money(_("物资折价（元）"), initial=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["federation"].queryset = selectors.paying_federations_for(user=user)

    def clean_enterprise_codes(self):
        text = self.cleaned_data["enterprise_codes"]
        codes = [part for part in re.split(r"[\s,，;；、]+", text.upper()) if part]
        enterprises, missing = selectors.enterprises_by_codes(user=self.user, codes=codes)
        if missing:
            raise forms.ValidationError(
                _("在您有权编辑的范围内找不到这些单位：%(codes)s。") % {"codes": "、".join(missing)}
            )
        return enterprises


class ClaimForm(forms.Form):
    id_number = IdNumberField()
    kind = forms.ChoiceField(label=_("保障类型"), choices=MutualAidClaim.Kind.choices)
    incident_on = date_field(_("出险日期"))
    amount_claimed = money(_("申请金额（元）"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id_number(self):
        member = selectors.member_find_for_edit(
            user=self.user, id_number=self.cleaned_data["id_number"]
        )
        if member is None:
            raise forms.ValidationError(_("在您有权编辑的范围内没有这个身份证号的会员。"))
        self.member = member
        return self.cleaned_data["id_number"]


class ClaimSettleForm(forms.Form):
    paid = forms.TypedChoiceField(
        label=_("办理结果"),
        choices=[("1", _("赔付")), ("0", _("不予赔付"))],
        coerce=lambda value: value == "1",
    )
    amount_paid = money(_("赔付金额（元）"), required=False)
    paid_on = date_field(_("赔付日期"), required=False, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
