"""Forms for enterprises, union status, members and memberships. They only parse what staff typed
(labels, choices and the shared validators come from the models); every rule lives in
`membership.services`, whose ValidationErrors the views put back onto these forms — which is why
the date fields are named as the services' arguments (`on`, `joined_on`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federations.models import Federation

from . import selectors
from .models import Enterprise, Member, Membership
from .selectors import search_text
from .services import ENTERPRISE_FIELDS, MEMBER_FIELDS
from .validators import normalize_credit_code, normalize_id_number


def date_field(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class TreeChoiceField(forms.ModelChoiceField):
    """Federations, indented as in the tree."""

    def label_from_instance(self, obj):
        return f"{'　' * max(obj.depth - 2, 0)}{obj.name}"


class JointUnionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _clean_credit_code(value):
    return normalize_credit_code(search_text(value))


def _clean_id_number(value):
    return normalize_id_number(search_text(value))


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseForm(forms.ModelForm):
    """The details of an enterprise; the jurisdiction is one where the user may edit."""

    jurisdiction = TreeChoiceField(label=_("所属工会"), queryset=None)

    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = selectors.jurisdictions_for_edit(user=user)
        if self.instance.pk:
            # the current jurisdiction stays selectable
            current = Federation.objects.filter(pk=self.instance.jurisdiction_id)
            allowed = (allowed | current).order_by("path")
        self.fields["jurisdiction"].queryset = allowed
        self.fields["jurisdiction"].help_text = Enterprise._meta.get_field("jurisdiction").help_text
        self.fields["credit_code"].help_text = _("18位，字母不区分大小写。")

    def clean_credit_code(self):
        return _clean_credit_code(self.cleaned_data["credit_code"])


class EnterpriseCreateForm(EnterpriseForm):
    """A new enterprise, optionally with the union it already has."""

    union_status = forms.ChoiceField(
        label=_("建会状态"),
        choices=Enterprise.UnionStatus.choices,
        initial=Enterprise.UnionStatus.NONE,
    )
    joint_union = JointUnionChoiceField(
        label=_("覆盖的联合工会"),
        queryset=None,
        required=False,
        help_text=_("建会状态为“联合工会覆盖”时必填，须是所属工会辖区内的联合工会。"),
    )
    union_since = date_field(
        _("建会日期"), required=False, help_text=_("已建会的企业必填：建会（或被覆盖）的日期。")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["joint_union"].queryset = selectors.joint_unions_for_edit(user=user)


class FoundForm(forms.Form):
    """建会: the enterprise gets its own union, or a joint union of its jurisdiction covers it."""

    status = forms.ChoiceField(
        label=_("建会方式"),
        choices=[
            (Enterprise.UnionStatus.JOINT, _("联合工会覆盖")),
            (Enterprise.UnionStatus.INDEPENDENT, _("独立建会")),
        ],
    )
    joint_union = JointUnionChoiceField(
        label=_("覆盖的联合工会"),
        queryset=None,
        required=False,
        help_text=_("联合工会覆盖时必填：本辖区内的联合工会。"),
    )
    on = date_field(_("建会日期"), initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_union"].queryset = selectors.joint_unions_of(enterprise=enterprise)


class UpgradeForm(forms.Form):
    """升级为独立工会: a joint-covered enterprise founds its own union."""

    on = date_field(_("独立建会日期"), initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


# --- members ------------------------------------------------------------------------------------


class MemberFieldsForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [name for name in MEMBER_FIELDS if name != "id_number"]

    def clean_phone(self):
        return search_text(self.cleaned_data["phone"]).replace(" ", "").replace("-", "")


class MemberRegisterForm(MemberFieldsForm):
    """A new member and their membership in the enterprise of the page."""

    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        help_text=_("18位；性别和出生日期由身份证号得出。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    joined_on = date_field(_("入会日期"), initial=timezone.localdate)
    card_number = forms.CharField(label=_("会员卡号"), max_length=30, required=False)

    field_order = ["name", "id_number", "phone", "joined_on", "card_number"]

    def clean_id_number(self):
        return _clean_id_number(self.cleaned_data["id_number"])


class MemberEditForm(MemberFieldsForm):
    """A member's details. The ID number is not shown here (that would be an unlogged reveal): it
    is typed in full only to correct it."""

    id_number = forms.CharField(
        label=_("更正身份证号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    field_order = ["name", "id_number", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].help_text = _(
            "当前：%(masked)s。仅在需要更正时填写完整号码，留空则不变。"
        ) % {"masked": self.instance.masked_id_number}

    def clean_id_number(self):
        return _clean_id_number(self.cleaned_data["id_number"])


class TransferForm(forms.Form):
    """会籍接转 into an enterprise of the user's edit scope, chosen by its credit code."""

    to_credit_code = forms.CharField(
        label=_("转入单位统一社会信用代码"),
        max_length=30,
        help_text=_("只能转入您有权编辑的单位。"),
    )
    on = date_field(
        _("接转日期"),
        initial=timezone.localdate,
        help_text=_("原会籍在这一天结束，新会籍在同一天开始。"),
    )
    card_number = forms.CharField(label=_("新会员卡号"), max_length=30, required=False)

    def clean_to_credit_code(self):
        return _clean_credit_code(self.cleaned_data["to_credit_code"])


class LeaveForm(forms.Form):
    on = date_field(_("离会日期"), initial=timezone.localdate)
    reason = forms.ChoiceField(
        label=_("离会原因"), choices=[("", "---------"), *Membership.LeaveReason.choices]
    )
