from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Federation, FoundingTarget
from .permissions import Perm, federations_where


class FederationForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级工会"), queryset=Federation.objects.none(), required=False
    )

    class Meta:
        model = Federation
        fields = ["code", "name", "kind", "joint_scope", "address", "phone", "chair_name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # a node may only be placed under nodes the user manages, and never under a joint union
        self.fields["parent"].queryset = federations_where(user, Perm.MANAGE_TREE).exclude(
            kind=Federation.Kind.JOINT
        )
        self.fields["parent"].label_from_instance = lambda f: f"{'　' * (f.depth - 1)}{f.name}"
        if self.instance.pk:
            self.fields["code"].disabled = True
            current = self.instance.get_parent()
            self.fields["parent"].initial = current
            allowed = self.fields["parent"].queryset
            if current is not None:
                # the current parent stays selectable even when it lies above the user's scope
                allowed = allowed | Federation.objects.filter(pk=current.pk)
            self.fields["parent"].queryset = allowed.exclude(path__startswith=self.instance.path)


class FoundingTargetForm(forms.ModelForm):
    """One federation's targets for a year; the year and the federation come from the page (one
    form per child, prefixed by its code, on the targets page). Saved through
    `services.founding_target_set`, never by `save()`."""

    class Meta:
        model = FoundingTarget
        fields = ["new_independent_unions", "large_enterprises_unionized", "members"]
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "class": "form-control form-control-sm"})
            for name in fields
        }

    def save(self, commit=True):
        raise NotImplementedError("use federations.services.founding_target_set")
