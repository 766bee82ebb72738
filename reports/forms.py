import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Quarter


class QuarterForm(forms.Form):
    """`quarter=2026Q3`, optional: a Quarter once cleaned, None when not given."""

    quarter = forms.CharField(
        label=_("季度"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "2026Q3", "size": 8}),
    )

    def clean_quarter(self):
        text = self.cleaned_data["quarter"]
        if not text:
            return None
        try:
            return Quarter.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="quarter") from None


class AsOfForm(QuarterForm):
    """The date a dashboard or the JSON endpoint counts on: `on=YYYY-MM-DD`, or `quarter=2026Q3`
    (its last day), or today when neither is given."""

    field_order = ["on", "quarter"]

    on = forms.DateField(
        label=_("统计日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        on, quarter = cleaned.get("on"), cleaned.get("quarter")
        if on and quarter:
            raise forms.ValidationError(_("统计日期与季度只能选一个。"), code="both")
        day = quarter.last_day if quarter else on
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("统计日期不能晚于今天。"), code="future")
        if day and day < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("统计日期不能早于 2000 年。"), code="too_early")
        return cleaned

    def as_of(self) -> datetime.date:
        """The date asked for; today when the form is empty or invalid."""
        if not self.is_bound or not self.is_valid():
            return timezone.localdate()
        quarter = self.cleaned_data.get("quarter")
        if quarter:
            return quarter.last_day
        return self.cleaned_data.get("on") or timezone.localdate()


class TargetYearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def year_or_current(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return timezone.localdate().year


class ReportQuarterForm(QuarterForm):
    """The quarter of the reports page: `quarter=2026Q3`, one that has ended; the quarter that
    ended last by default (and when the value is wrong, which the page says)."""

    def clean_quarter(self):
        quarter = super().clean_quarter()
        if quarter is None:
            return None
        if not quarter.has_ended(timezone.localdate()):
            raise forms.ValidationError(
                _("%(quarter)s 尚未结束，季度结束后才能生成报告。") % {"quarter": quarter},
                code="not_ended",
            )
        if quarter.year < 2000:
            raise forms.ValidationError(_("季度不能早于 2000 年。"), code="too_early")
        return quarter

    def quarter_or_default(self) -> Quarter:
        if self.is_bound and self.is_valid() and self.cleaned_data["quarter"]:
            return self.cleaned_data["quarter"]
        return Quarter.just_ended(timezone.localdate())

    @staticmethod
    def recent() -> list[Quarter]:
        """The eight quarters that ended last, newest first (the page's quick links)."""
        return Quarter.just_ended(timezone.localdate()).last(8)[::-1]
