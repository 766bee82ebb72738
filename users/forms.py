"""Forms only parse what the admin typed; the rules live in users.services."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from federations.models import Role
from federations.permissions import Perm, federations_where

ROLE_CHOICES = [("", "---------"), *Role.choices]


class FederationInScopeField(forms.ModelChoiceField):
    """The federations where the acting admin may manage users, indented as in the tree."""

    def __init__(self, *, actor, **kwargs):
        super().__init__(queryset=federations_where(actor, Perm.MANAGE_USERS), **kwargs)

    def label_from_instance(self, obj):
        return f"{'　' * (obj.depth - 1)}{obj.name}"


def _password_field(label, help_text=None):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class PasswordPairMixin:
    """Two password fields that must match; the strength rules are checked by the service."""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)


class UserCreateForm(PasswordPairMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录时使用，可包含字母、数字和 @ . + - _。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    password1 = _password_field(
        _("初始密码"), password_validation.password_validators_help_text_html()
    )
    password2 = _password_field(_("确认初始密码"))
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"] = FederationInScopeField(
            actor=actor,
            label=_("所在工会"),
            required=False,
            help_text=_("新用户的第一个角色在哪个工会；角色的范围是该工会及其下级组织。"),
        )
        # the role follows its federation
        self.order_fields(
            ["username", "full_name", "phone", "password1", "password2", "federation", "role"]
        )


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    is_active = forms.BooleanField(
        label=_("账户启用"), required=False, help_text=_("停用后该用户不能再登录。")
    )


class PasswordSetForm(PasswordPairMixin, forms.Form):
    password1 = _password_field(
        _("新密码"), password_validation.password_validators_help_text_html()
    )
    password2 = _password_field(_("确认新密码"))


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"] = FederationInScopeField(actor=actor, label=_("所在工会"))
        self.order_fields(["federation", "role"])
