"""The filters, sorting and paging of the enterprise and member lists.

Filters are GET forms, so a filtered list is a shareable URL (`?federation=FT-TPQ&status=joint&
large=1`) and its export uses the very same parameters. The forms only parse; the selectors in
`membership.selectors` filter. A federation outside the user's scope is not a choice: the view
answers 404, as for any object outside the scope.
"""

import math
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from federations.models import Federation

from .codelists import EconomicType
from .models import Enterprise
from .selectors import (
    ENTERPRISE_DEFAULT_SORT,
    ENTERPRISE_SORTS,
    MEMBER_DEFAULT_SORT,
    MEMBER_SORTS,
    count_up_to,
    federations_for_filter,
    member_search_kind,
)
from .validators import mask_id_number

PAGE_SIZE = 50
# Member lists count at most this many rows; beyond it the page says "超过 10,000 人" and pages on
# with 下一页 (an exact COUNT(*) over a million rows on every page would cost more than the page).
MEMBER_COUNT_CAP = 10_000


class FlagInput(forms.CheckboxInput):
    """A checkbox sent as `name=1`, so links can say `large=1`; "0", "false" and absence are off."""

    def format_value(self, value):
        return "1"

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().lower() in {"1", "on", "true", "yes"}


class FastSelect(forms.Select):
    """A select whose options are built in Python rather than one template each: a district's
    scope lists hundreds of federations, which the template way takes tens of ms to render.
    `option_pairs` ((value, label), …) are kept as given, not normalised like `choices`."""

    def __init__(self, attrs=None, option_pairs=()):
        super().__init__(attrs)
        self.option_pairs = list(option_pairs)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)
        # the standard library's escape (what Django's wraps) and one join: format_html per
        # option costs ~10 µs, 6 ms for a district's 631 federations
        options = "".join(
            f'<option value="{escape(str(code))}"'
            f"{' selected' if str(code) == selected else ''}>{escape(str(label))}</option>"
            for code, label in self.option_pairs
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))  # noqa: S308


class FederationFilterField(forms.Field):
    """A federation in the user's scope, by code, shown indented as in the tree. Cleans to the
    Federation (one query for options and cleaning alike).

    The federations are read as tuples and only the chosen one becomes a model instance (with the
    fields below; others load on access): a district's scope has hundreds of federations, and
    building an instance and a normalised choice for each cost ~8 ms of every list page."""

    FIELDS = ("id", "path", "depth", "code", "name", "kind")
    default_error_messages = forms.ChoiceField.default_error_messages

    def __init__(self, *, user, **kwargs):
        rows = federations_for_filter(user=user).values_list(*self.FIELDS)
        self.db = rows.db
        self.federations = {row[3]: row for row in rows}
        top = min((row[2] for row in self.federations.values()), default=1)
        options = [("", _("全部"))] + [
            (code, f"{'　' * (depth - top)}{name}")
            for code, (_pk, _path, depth, _code, name, _kind) in self.federations.items()
        ]
        widget = FastSelect(attrs={"class": "form-select"}, option_pairs=options)
        super().__init__(required=False, widget=widget, **kwargs)

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)

    def validate(self, value):
        super().validate(value)
        if value and value not in self.federations:
            message = self.error_messages["invalid_choice"]
            raise ValidationError(message, code="invalid_choice", params={"value": value})

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        return Federation.from_db(self.db, self.FIELDS, self.federations[code])


class ListFilterForm(forms.Form):
    """What every list filter has: the scope select and the sort key (the page number is read
    by `ListPage`)."""

    sorts: dict = {}
    default_sort = ""
    # fields `described` leaves to the subclass (which describes them together)
    described_apart: tuple = ()

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["federation"] = FederationFilterField(user=user, label=_("所属工会"))
        self.fields["sort"] = forms.ChoiceField(
            choices=[(key, key) for key in self.sorts], required=False, widget=forms.HiddenInput
        )
        self.order_fields(self.field_order)

    @property
    def outside_scope(self):
        """A federation code was given that is not in the user's scope (or does not exist)."""
        return self.is_bound and self.has_error("federation")

    def filters(self) -> dict:
        """The valid filters (an invalid value counts as not given), for the selector."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if name in data}

    def sort(self) -> str:
        return self.filters().get("sort") or self.default_sort

    def described(self) -> list[str]:
        """The filters in force, as "label：value" (page, audit summary)."""
        parts = []
        for name, value in self.filters().items():
            field = self.fields[name]
            if name == "sort" or name in self.described_apart or value is None or value == "":
                continue
            if isinstance(field, forms.BooleanField):
                if not value:
                    continue
                shown = _("是")
            elif isinstance(field, FederationFilterField):
                shown = value.name
            elif isinstance(field, forms.ChoiceField):
                shown = dict(field.choices).get(self.data.get(name), value)
            else:
                shown = self.shown_text(name, value)
            parts.append(f"{field.label}：{shown}")
        return parts

    def shown_text(self, name, value) -> str:
        return value

    def is_filtered(self) -> bool:
        return bool(self.described())


class EnterpriseFilterForm(ListFilterForm):
    field_order = [
        "q",
        "federation",
        "status",
        "economic_type",
        "large",
        "became_independent_from",
        "became_independent_to",
    ]
    sorts = ENTERPRISE_SORTS
    default_sort = ENTERPRISE_DEFAULT_SORT
    described_apart = ("became_independent_from", "became_independent_to")

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("单位名称或统一社会信用代码")}
        ),
    )
    status = forms.ChoiceField(
        label=_("建会状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("unionized", _("已建会（独立建会或联合工会覆盖）")),
            *Enterprise.UnionStatus.choices,
        ],
    )
    economic_type = forms.ChoiceField(
        label=_("经济类型"), required=False, choices=[("", _("全部")), *EconomicType.choices]
    )
    large = forms.BooleanField(label=_("百人以上企业"), required=False, widget=FlagInput)
    # 新建独立工会 over a period (the dashboard's links: `became_independent_from=2026-01-01&
    # became_independent_to=2026-09-30`), by `EnterpriseQuerySet.became_independent`
    became_independent_from = forms.DateField(
        label=_("成为独立工会自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    became_independent_to = forms.DateField(
        label=_("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    @property
    def has_independent_period(self) -> bool:
        """The 新建独立工会 period is given (the page then shows its two fields)."""
        return any(self.data.get(name) for name in self.described_apart)

    def described(self) -> list[str]:
        parts = super().described()
        data = self.filters()
        first, last = data.get("became_independent_from"), data.get("became_independent_to")
        if first and last:
            period = _("%(first)s 至 %(last)s") % {"first": first, "last": last}
        elif first:
            period = _("%(first)s 起") % {"first": first}
        elif last:
            period = _("截至 %(last)s") % {"last": last}
        else:
            return parts
        label = _("新建独立工会（独立建会或由联合工会覆盖升级）")
        return [*parts, f"{label}：{period}"]

    def selector_kwargs(self) -> dict:
        data = self.filters()
        return {
            "search": data.get("q", ""),
            "federation": data.get("federation"),
            "status": data.get("status", ""),
            "large": data.get("large", False),
            "economic_type": data.get("economic_type", ""),
            "became_independent_from": data.get("became_independent_from"),
            "became_independent_to": data.get("became_independent_to"),
            "sort": self.sort(),
        }


class MemberFilterForm(ListFilterForm):
    field_order = ["q", "federation", "enterprise", "state", "migrant"]
    sorts = MEMBER_SORTS
    default_sort = MEMBER_DEFAULT_SORT

    q = forms.CharField(
        label=_("搜索"),
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
    enterprise = forms.CharField(
        label=_("单位"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": _("统一社会信用代码")}),
    )
    state = forms.ChoiceField(
        label=_("会籍状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("在会")), ("left", _("已离会"))],
    )
    migrant = forms.TypedChoiceField(
        label=_("农民工"),
        required=False,
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )

    def shown_text(self, name, value) -> str:
        """A searched ID number appears masked (in the audit log of an export, for one)."""
        kind, number = member_search_kind(value) if name == "q" else ("", "")
        return mask_id_number(number) if kind == "id_number" else value

    def selector_kwargs(self) -> dict:
        data = self.filters()
        return {
            "search": data.get("q", ""),
            "federation": data.get("federation"),
            "enterprise_code": data.get("enterprise", ""),
            "state": data.get("state", ""),
            "migrant": data.get("migrant"),
            "sort": self.sort(),
        }


def sort_links(current, sorts) -> dict:
    """For each sortable column, the `sort` value its header links to (ascending first, then the
    reverse of the order in force) and the arrow to show: {"name": {"param": "-name", "arrow":
    "↑"}, …}."""
    links = {}
    for key in sorts:
        if key.startswith("-"):
            continue
        if current == key:
            links[key] = {"param": f"-{key}", "arrow": "↑"}
        elif current == f"-{key}":
            links[key] = {"param": key, "arrow": "↓"}
        else:
            links[key] = {"param": key, "arrow": ""}
    return links


class ListPage:
    """One page of a list, with the interface of Django's `Page` the templates use.

    The rows are read first (one more than shown, to know whether a next page exists). When
    that page is the last one, the total follows from it and no count is run — a search that
    finds a few rows costs one query. Otherwise the rows are counted: exactly with `cap=None`;
    with a cap, no further than `cap` (a bounded query, `selectors.count_up_to`), and above it
    `count` is None, `more_than` is the cap, and the pages go on with 下一页 only."""

    def __init__(self, queryset, number, *, per_page=None, cap=None):
        self.per_page = per_page = per_page or PAGE_SIZE
        self.cap = cap
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        rows = self._rows(queryset, number)
        if len(rows) <= per_page and (rows or number == 1):
            self.count = (number - 1) * per_page + len(rows)  # this is the last page
        elif cap is None:
            self.count = queryset.count()
        else:
            counted = count_up_to(queryset, cap)
            self.count = counted if counted <= cap else None
        self.more_than = cap if self.count is None else None
        self.num_pages = None if self.count is None else max(1, math.ceil(self.count / per_page))
        if not rows and self.num_pages is not None and number > self.num_pages:
            number = self.num_pages  # past the end: show the last page
            rows = self._rows(queryset, number)
        self.number = number
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1
        offset = (number - 1) * per_page
        self.start_index = offset + 1 if self.object_list else 0
        self.end_index = offset + len(self.object_list)

    def _rows(self, queryset, number):
        offset = (number - 1) * self.per_page
        return list(queryset[offset : offset + self.per_page + 1])

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1
