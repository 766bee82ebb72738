"""Forms for activities, registration, check-in, photos and programmes. They only parse; every rule
lives in `activities.services` (`check_activity`), whose ValidationErrors the views put back onto
these forms — which is why the fields carry the model's and the services' names."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federations.permissions import Perm, federations_where
from membership.filters import ListFilterForm
from membership.forms import TreeChoiceField
from reports.periods import Quarter

from . import selectors
from .models import Activity, JobFair, Programme
from .selectors import ACTIVITY_DEFAULT_SORT, ACTIVITY_SORTS
from .services import JOB_FAIR_FIELDS

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuarterField(forms.CharField):
    """A quarter written 2026Q2; cleans to a `reports.periods.Quarter`."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return Quarter.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_quarter") from None


class ActivityFilterForm(ListFilterForm):
    """The list's and the calendar's filters: text, organizing federation (its subtree),
    category, status, and a period (a quarter, or start dates from / to)."""

    field_order = ["q", "federation", "category", "status", "quarter", "date_from", "date_to"]
    sorts = ACTIVITY_SORTS
    default_sort = ACTIVITY_DEFAULT_SORT
    described_apart = ("date_from", "date_to")

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("活动名称或地点")}),
    )
    category = forms.ChoiceField(
        label=_("活动类别"), required=False, choices=[("", _("全部")), *Activity.Category.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Activity.Status.choices]
    )
    quarter = QuarterField(
        label=_("季度"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "2026Q2"}),
    )
    date_from = forms.DateField(label=_("开始日期自"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("至"), required=False, widget=_date_widget())

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["federation"].label = _("主办工会")

    def shown_text(self, name, value) -> str:
        return str(value)

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """(first day, last day) of the start dates asked for: the quarter's, narrowed by the
        dates when both are given."""
        data = self.filters()
        first, last = data.get("date_from"), data.get("date_to")
        quarter = data.get("quarter")
        if quarter is not None:
            first = max(first, quarter.first_day) if first else quarter.first_day
            last = min(last, quarter.last_day) if last else quarter.last_day
        return first, last

    def described(self) -> list[str]:
        parts = super().described()
        data = self.filters()
        first, last = data.get("date_from"), data.get("date_to")
        if first or last:
            parts.append(
                _("开始日期：%(first)s 至 %(last)s") % {"first": first or "…", "last": last or "…"}
            )
        return parts

    def selector_kwargs(self, *, with_period=True) -> dict:
        data = self.filters()
        kwargs = {
            "search": data.get("q", ""),
            "federation": data.get("federation"),
            "category": data.get("category", ""),
            "status": data.get("status", ""),
        }
        if with_period:
            kwargs["first_day"], kwargs["last_day"] = self.period()
            kwargs["sort"] = self.sort()
        return kwargs


def parse_month(text, *, today=None) -> tuple[int, int]:
    """ "2026-05" → (2026, 5); this month for anything else."""
    today = today or timezone.localdate()
    match = MONTH.match((text or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.federation.name}）"


class ActivityForm(forms.ModelForm):
    """An activity and, for a 招聘会, its job-fair figures."""

    federation = TreeChoiceField(label=_("主办工会"), queryset=None)
    programme = ProgrammeChoiceField(
        label=_("所属系列活动"),
        queryset=None,
        required=False,
        help_text=_("如“健康四季行”；活动的开始日期须在该系列活动的年度内。"),
    )
    positions = forms.IntegerField(
        label=JobFair._meta.get_field("positions").verbose_name, min_value=0, required=False
    )
    job_types = forms.CharField(
        label=JobFair._meta.get_field("job_types").verbose_name,
        max_length=200,
        required=False,
        help_text=JobFair._meta.get_field("job_types").help_text,
    )
    intents = forms.IntegerField(
        label=JobFair._meta.get_field("intents").verbose_name, min_value=0, required=False
    )
    consultations = forms.IntegerField(
        label=JobFair._meta.get_field("consultations").verbose_name, min_value=0, required=False
    )

    job_fair_fields = JOB_FAIR_FIELDS

    class Meta:
        model = Activity
        fields = [
            "federation",
            "title",
            "category",
            "programme",
            "starts_on",
            "ends_on",
            "venue",
            "status",
            "registration",
            "person_times",
            "enterprise_count",
            "cost",
            "awards",
            "description",
            "note",
        ]
        widgets = {
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = federations_where(user, Perm.EDIT_RECORDS).order_by("path")
        self.fields["federation"].queryset = allowed
        self.fields["programme"].queryset = selectors.programmes_for_edit(user=user)
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _("留空表示当天结束。")
        self.fields["cost"].required = False
        self.fields["enterprise_count"].required = False
        details = getattr(self.instance, "job_fair", None) if self.instance.pk else None
        if details is not None and not self.is_bound:
            for name in self.job_fair_fields:
                self.initial[name] = getattr(details, name)
        for name in self.job_fair_fields:
            self.fields[name].help_text = self.fields[name].help_text or _("仅招聘会填写。")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and not data.get("ends_on"):
            data["ends_on"] = data["starts_on"]
        if data.get("cost") is None:
            data["cost"] = 0
        if data.get("enterprise_count") is None:
            data["enterprise_count"] = 0
        return data

    def _post_clean(self):
        # the rules are the service's (`check_activity`), run when it saves
        pass

    def activity_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def job_fair(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.job_fair_fields}


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查找会员"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、身份证号或手机号"),
                "autocomplete": "off",
            }
        ),
    )


class CheckInForm(forms.Form):
    number = forms.CharField(
        label=_("身份证号或会员卡号"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "enterkeyhint": "done",
                "class": "form-control form-control-lg",
                "placeholder": _("输入或扫描"),
            }
        ),
        error_messages={"required": _("请输入或扫描身份证号、会员卡号。")},
    )


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("照片"),
        help_text=_("JPEG、PNG 或 WebP，不超过 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class ProgrammeForm(forms.Form):
    """A programme and its plan for each quarter."""

    federation = TreeChoiceField(label=_("主办工会"), queryset=None)
    name = forms.CharField(label=_("系列活动名称"), max_length=100)
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, programme: Programme | None = None, **kwargs):
        if programme is not None and not args and "initial" not in kwargs:
            plans = {row.quarter: row for row in programme.quarters.all()}
            initial = {
                "federation": programme.federation,
                "name": programme.name,
                "year": programme.year,
                "description": programme.description,
            }
            for number, row in plans.items():
                initial[f"q{number}_theme"], initial[f"q{number}_planned"] = row.theme, row.planned
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations_where(user, Perm.EDIT_RECORDS).order_by(
            "path"
        )
        for number in range(1, 5):
            self.fields[f"q{number}_theme"] = forms.CharField(
                label=_("第%(n)s季度主题") % {"n": number}, max_length=50, required=False
            )
            self.fields[f"q{number}_planned"] = forms.IntegerField(
                label=_("第%(n)s季度计划场次") % {"n": number},
                min_value=0,
                max_value=1000,
                required=False,
                initial=0,
            )

    def quarters(self) -> dict[int, tuple[str, int]]:
        data = self.cleaned_data
        return {
            number: (data.get(f"q{number}_theme") or "", data.get(f"q{number}_planned") or 0)
            for number in range(1, 5)
        }
