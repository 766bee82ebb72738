"""The activities section of the quarterly PDF report (`reports.sections`): the quarter's held
activities against the previous quarter and the same quarter a year earlier, per category, and a
line per direct child — from the quarter's snapshots (`reports.flows`), so a report rebuilt later
prints the same figures."""

from django.utils.translation import gettext as _

from reports import flows
from reports.sections import Section, register

from .indicators import activity_indicators
from .models import Activity

CHILD_KEYS = (
    "activities_count",
    "activity_person_times",
    "activity_distinct_people",
    "activity_enterprises",
    "activity_cost",
)
CATEGORY_KEYS = ("activities_count", "person_times", "distinct_people")


@register(order=60, name="activities")
def activities(data):
    figures = flows.report_figures(data, flows.ACTIVITIES, activity_indicators)
    now = figures.now
    rows = flows.compare_rows(
        flows.ACTIVITY_KEYS,
        flows.ACTIVITY_LABELS,
        now,
        figures.previous,
        figures.year_earlier,
    )

    def category(figures_then, value):
        if figures_then is None:
            return None
        return figures_then["by_category"].get(value)

    categories = []
    for value, row in flows.in_order(now["by_category"], Activity.Category.values):
        before = category(figures.previous, value)
        year = category(figures.year_earlier, value)
        held = (row, before or {}, year or {})
        if not any(figures_then.get("activities_count") for figures_then in held):
            continue  # a category without activities in any of the three quarters
        categories.append(
            {
                "category": value,
                "label": row["label"],
                "count": flows.count_text(row["activities_count"]),
                "person_times": flows.count_text(row["person_times"]),
                "distinct_people": flows.count_text(row["distinct_people"]),
                "previous_person_times": flows.count_text(
                    None if before is None else before["person_times"]
                ),
                "year_person_times": flows.count_text(
                    None if year is None else year["person_times"]
                ),
            }
        )
    children = [
        {
            "name": child.name,
            "kind": child.kind_label,
            "cells": [
                flows.text(key, None if values is None else values.get(key)) for key in CHILD_KEYS
            ],
            "missing": not has_snapshot,
        }
        for child, values, has_snapshot in figures.children
    ]
    return Section(
        "activities/report_section.html",
        {
            "rows": rows,
            "categories": categories,
            "people_unknown": now["activity_distinct_people"] is None,
            "children": children,
            "child_headers": [str(flows.ACTIVITY_LABELS[key]) for key in CHILD_KEYS],
            "live": figures.live,
            "previous_quarter": data.quarter.previous(),
            "year_earlier": data.quarter.year_earlier(),
        },
        title=_("工会活动"),
        definitions=[
            (
                _("活动场次"),
                _(
                    "本级及下级主办、状态为已举办、开始日期在季度内的活动"
                    "（跨季度的活动计入开始日期所在季度）。"
                ),
            ),
            (
                _("参与人次、参与人数"),
                _(
                    "人次为需报名活动的签到人次加开放式活动填写的总人次；人数为签到的不重复会员，"
                    "只有全部活动都需报名时才能统计，含开放式活动时为“—”，签到人数为其中可去重的部分。"
                ),
            ),
            (
                _("参与单位（家次）"),
                _("各活动参与单位数之和（同一单位参加两场计两次）。"),
            ),
            (_("活动经费"), _("各活动经费之和，单位元。")),
            (
                _("招聘岗位数、达成就业意向人数"),
                _("季度内已举办的招聘会提供的岗位数与达成的就业意向人数。"),
            ),
        ],
    )
