"""The sections of the quarterly PDF report, in order, and the hook by which other apps add theirs.

A section builder takes the report's `ReportData` (`reports.document`) and returns a `Section` —
the template that prints it and that template's context, plus the definitions it adds to the
definitions page — or None to leave the section out of this federation's report. The registry
keeps the builders ordered by `order`; the built-in ones are

    0 cover · 10 indicator summary · 20 founding-target progress · 30 direct children ·
    40 charts · 1000 definitions (last: it prints every definition the sections before it gave)

and the apps add 50 hardship aid (assistance/report_sections.py) and 60 activities
(activities/report_sections.py), which read their figures from the snapshots through
`reports.flows.report_figures`.

Adding a section from another app takes a module `report_sections.py` in that app —
`ReportsConfig.ready()` imports every app's — with a few lines:

    from django.utils.translation import gettext as _
    from reports.sections import Section, register

    @register(order=50, name="assistance")
    def hardship_aid(data):
        counts = selectors.aid_counts(federation=data.federation, period=data.quarter.period)
        return Section(
            template="assistance/report_section.html",
            context={"counts": counts},
            title=_("困难职工帮扶"),
            definitions=[(_("困难职工"), _("……"))],
        )

The template receives the context as `s` and `data` (the ReportData); it starts a new page with
the class `page-break` on its outer element if it wants one. A section's figures must not move
when the report is rebuilt later: read them from the quarter's snapshot (`data.figures` holds
every key an app adds to the snapshots) or count a flow over the quarter's dated records. Keep a
section's queries constant in the number of children: the district report has thirty of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import charts
from .selectors import FIGURE_LABELS, RATE_PARTS, target_progress
from .selectors import figure_text as shown

SectionBuilder = Callable[["ReportData"], "Section | None"]  # noqa: F821 — reports.document


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)
    title: str = ""
    definitions: list[tuple[str, str]] = field(default_factory=list)
    name: str = ""


@dataclass(frozen=True)
class _Entry:
    order: int
    name: str
    builder: SectionBuilder


_registry: dict[str, _Entry] = {}


def register(*, order: int, name: str):
    """Add the decorated builder to every report, at `order` (registering a name again replaces
    the builder: a module imported twice does not print its section twice)."""

    def decorate(builder: SectionBuilder) -> SectionBuilder:
        _registry[name] = _Entry(order, name, builder)
        return builder

    return decorate


def registered() -> list[str]:
    """The names of the sections, in the order they print."""
    return [entry.name for entry in sorted(_registry.values(), key=lambda e: (e.order, e.name))]


def build_sections(data) -> list[Section]:
    """Every registered section of this report, in order; each section's definitions are added to
    `data.definitions` before the next builder runs."""
    sections = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.name)):
        section = entry.builder(data)
        if section is None:
            continue
        section.name = section.name or entry.name
        data.definitions.extend(section.definitions)
        sections.append(section)
    return sections


# --- how figures print --------------------------------------------------------------------------

SUMMARY_KEYS = (
    "enterprises",
    "enterprises_unionized",
    "independent_unions",
    "joint_covered_enterprises",
    "unionization_rate",
    "employees",
    "employees_in_unionized",
    "members",
    "membership_rate",
    "large_enterprises",
    "large_enterprises_unionized",
)
UNITS = {
    "enterprises": gettext_lazy("家"),
    "enterprises_unionized": gettext_lazy("家"),
    "independent_unions": gettext_lazy("家"),
    "joint_covered_enterprises": gettext_lazy("家"),
    "employees": gettext_lazy("人"),
    "employees_in_unionized": gettext_lazy("人"),
    "members": gettext_lazy("人"),
    "large_enterprises": gettext_lazy("家"),
    "large_enterprises_unionized": gettext_lazy("家"),
}


def difference(key, figures, before) -> str:
    """The change of a figure against an earlier snapshot: "+12", "−0.4 个百分点", "持平", "—"."""
    if before is None or figures.get(key) is None or before.get(key) is None:
        return "—"
    if key in RATE_PARTS:
        diff = round((figures[key] - before[key]) * 100, 1)
        if diff == 0:
            return _("持平")
        return _("%(diff)s 个百分点") % {"diff": f"{diff:+.1f}"}
    diff = figures[key] - before[key]
    return _("持平") if diff == 0 else f"{diff:+,}"


def percent(value):
    return None if value is None else round(value * 100, 1)


# --- the built-in sections ----------------------------------------------------------------------


@register(order=0, name="cover")
def cover(data):
    return Section("reports/pdf/_cover.html", title=_("封面"))


@dataclass
class SummaryRow:
    key: str
    label: str
    unit: str
    now: str
    previous: str
    change_previous: str
    year_earlier: str
    change_year: str


@register(order=10, name="summary")
def summary(data):
    rows = [
        SummaryRow(
            key,
            str(FIGURE_LABELS[key]),
            str(UNITS.get(key, "")),
            shown(key, data.figures),
            shown(key, data.previous),
            difference(key, data.figures, data.previous),
            shown(key, data.year_earlier),
            difference(key, data.figures, data.year_earlier),
        )
        for key in SUMMARY_KEYS
    ]
    return Section(
        "reports/pdf/_summary.html",
        {
            "rows": rows,
            "previous_quarter": data.quarter.previous(),
            "year_earlier": data.quarter.year_earlier(),
            "missing_previous": data.previous is None,
            "missing_year": data.year_earlier is None,
        },
        title=_("主要指标"),
        definitions=[
            (
                _("较上季度、较上年同期"),
                _("与上一季度、上年同一季度的季度快照比较；无快照时为“—”。"),
            ),
        ],
    )


@register(order=20, name="targets")
def targets(data):
    new = data.figures.get("new_independent_unions")
    progress = target_progress(target=data.target, counts=data.figures, new_independent=new)
    if new is None:  # a snapshot taken before the flow was frozen in it
        progress = [p for p in progress if p.key != "new_independent_unions"]
    return Section(
        "reports/pdf/_targets.html",
        {"progress": progress, "year": data.quarter.year, "summed": data.targets_summed},
        title=_("建会任务完成情况"),
        definitions=[
            (
                _("建会任务完成情况"),
                _(
                    "新建独立工会按当年 1 月 1 日至季度末计（期间建立独立工会或由联合工会覆盖"
                    "升级为独立工会的企业，每家计一次）；百人以上企业建会与会员人数按季度末计。"
                    "本级未设任务时，为下级任务之和。"
                ),
            )
        ],
    )


@dataclass
class ChildRow:
    name: str
    kind: str
    cells: list[str]
    missing: bool


CHILD_KEYS = (
    "enterprises",
    "enterprises_unionized",
    "unionization_rate",
    "employees_in_unionized",
    "members",
    "membership_rate",
    "large_enterprises",
    "large_enterprises_unionized",
    "new_independent_unions",
)


@register(order=30, name="children")
def children(data):
    if not data.children:
        return None
    headers = [str(FIGURE_LABELS.get(key, _("新建独立工会"))) for key in CHILD_KEYS]
    rows = [
        ChildRow(
            child.name,
            child.kind_label,
            [shown(key, figures) for key in CHILD_KEYS],
            figures is None,
        )
        for child, figures in data.children
    ]
    total = [shown(key, data.figures) for key in CHILD_KEYS]
    joint = any(child.is_joint for child, _figures in data.children)
    return Section(
        "reports/pdf/_children.html",
        {"headers": headers, "rows": rows, "total": total, "joint": joint},
        title=_("下级工会组织"),
        definitions=[
            (
                _("联合工会一行"),
                _("联合工会的数字为季度末由其覆盖的企业及这些企业的会员；合计含本级直属企业。"),
            )
        ]
        if joint
        else [(_("合计"), _("本级及全部下级的数字，含本级直属企业。"))],
    )


@register(order=40, name="charts")
def chart_section(data):
    labels = [str(q) for q, _figures in data.trend]
    trend = charts.line_chart(
        labels,
        [
            charts.Series(
                str(FIGURE_LABELS["unionization_rate"]),
                [percent(f.get("unionization_rate")) if f else None for _q, f in data.trend],
            ),
            charts.Series(
                str(FIGURE_LABELS["membership_rate"]),
                [percent(f.get("membership_rate")) if f else None for _q, f in data.trend],
            ),
        ],
        label=_("近八个季度建会率、入会率"),
    )
    by_child = None
    rated = [(c, f) for c, f in data.children if not c.is_joint]
    series_keys = ("unionization_rate", "membership_rate")
    if not rated:  # a street: its joint unions cover unionized enterprises only
        rated = list(data.children)
        series_keys = ("membership_rate",)
    if rated:
        by_child = charts.bar_chart(
            [child.name for child, _f in rated],
            [
                charts.Series(
                    str(FIGURE_LABELS[key]), [percent(f.get(key)) if f else None for _c, f in rated]
                )
                for key in series_keys
            ],
            label=_("下级建会率、入会率"),
        )
    return Section(
        "reports/pdf/_charts.html",
        {"trend": trend, "by_child": by_child},
        title=_("图表"),
        definitions=[(_("趋势图"), _("各季度末快照的数字；缺少快照的季度留空。"))],
    )


DEFINITIONS = (
    (
        gettext_lazy("统计范围"),
        gettext_lazy("本工会组织及其全部下级；企业按属地（所属工会组织）计入。"),
    ),
    (
        gettext_lazy("季度快照"),
        gettext_lazy(
            "季度最后一天的指标，在季度结束后冻结保存；本报告的数字均取自快照，"
            "之后对记录的更正不改变已生成的数字，除非重新生成快照。"
        ),
    ),
    (gettext_lazy("企业数"), gettext_lazy("统计范围内的企业。")),
    (
        gettext_lazy("独立建会企业、联合工会覆盖企业"),
        gettext_lazy("季度末建会状态为独立建会、联合工会覆盖的企业，每家只计一次。"),
    ),
    (gettext_lazy("已建会企业"), gettext_lazy("独立建会企业与联合工会覆盖企业之和。")),
    (gettext_lazy("建会率"), gettext_lazy("已建会企业 ÷ 企业数。")),
    (gettext_lazy("职工人数"), gettext_lazy("统计范围内企业的职工人数之和。")),
    (
        gettext_lazy("会员人数"),
        gettext_lazy("季度末有效的会籍（入会日期不晚于季度末、未在季度末前离会）。"),
    ),
    (gettext_lazy("入会率"), gettext_lazy("会员人数 ÷ 已建会企业职工人数。")),
    (
        gettext_lazy("百人以上企业"),
        gettext_lazy("职工人数 100 人及以上的企业；已建会者计入“百人以上企业已建会”。"),
    ),
    (
        gettext_lazy("比率的写法"),
        gettext_lazy("百分比保留一位小数；分母为零时写作“—”。"),
    ),
)


@register(order=1000, name="definitions")
def definitions(data):
    terms = [(str(term), str(text)) for term, text in DEFINITIONS]
    seen = {term for term, _text in terms}
    for term, text in data.definitions:
        if str(term) not in seen:
            seen.add(str(term))
            terms.append((str(term), str(text)))
    return Section("reports/pdf/_definitions.html", {"terms": terms}, title=_("指标说明"))
