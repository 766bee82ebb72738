"""The hardship-aid section of the quarterly PDF report (`reports.sections`): the quarter's
figures against the previous quarter and the same quarter a year earlier, grants and budget used
per programme, and a line per direct child — from the quarter's snapshots (`reports.flows`), so a
report rebuilt later prints the same figures. Aggregates only: no name or ID number of anyone."""

from django.utils.translation import gettext as _

from reports import flows
from reports.sections import Section, register

from .indicators import hardship_indicators
from .models import AidProgram

CHILD_KEYS = (
    "hardship_files_active",
    "hardship_files_opened",
    "grants_count",
    "grants_amount",
    "mutual_aid_claims_paid",
    "mutual_aid_claims_paid_amount",
)


def _percent(used, budget) -> str:
    if not budget:
        return "—"
    return f"{used * 100 / budget:.1f}%"


@register(order=50, name="assistance")
def hardship_aid(data):
    figures = flows.report_figures(data, flows.HARDSHIP, hardship_indicators)
    now = figures.now
    rows = flows.compare_rows(
        flows.HARDSHIP_KEYS,
        flows.HARDSHIP_LABELS,
        now,
        figures.previous,
        figures.year_earlier,
    )
    budgets = now["budget_by_program"]
    programmes = [
        {
            "code": code,
            "label": row["label"],
            "count": flows.count_text(row["count"]),
            "amount": flows.money_text(row["amount"]),
            "goods_value": flows.money_text(row["goods_value"]),
            "budget": flows.money_text(budgets[code]["budget"]),
            "used": flows.money_text(budgets[code]["used"]),
            "remaining": flows.money_text(budgets[code]["remaining"]),
            "used_percent": _percent(budgets[code]["used"], budgets[code]["budget"]),
        }
        for code, row in flows.in_order(now["grants_by_program"], AidProgram.Code.values)
    ]
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
        "assistance/report_section.html",
        {
            "rows": rows,
            "programmes": programmes,
            "totals": {
                "count": flows.count_text(now["grants_count"]),
                "amount": flows.money_text(now["grants_amount"]),
                "goods_value": flows.money_text(now["grants_goods_value"]),
            },
            "children": children,
            "child_headers": [str(flows.HARDSHIP_LABELS[key]) for key in CHILD_KEYS],
            "live": figures.live,
            "previous_quarter": data.quarter.previous(),
            "year_earlier": data.quarter.year_earlier(),
            "budget_year": data.quarter.year,
        },
        title=_("困难职工帮扶"),
        definitions=[
            (
                _("在档困难职工"),
                _("季度末在档的困难职工档案：建档日期不晚于季度末、季度末前未解困脱困。"),
            ),
            (
                _("新建档、解困脱困"),
                _("季度内建档、季度内解困脱困的档案（按建档日期、脱困日期）。"),
            ),
            (
                _("帮扶发放"),
                _(
                    "季度内（按发放日期）已发放的帮扶，每笔计一人次；现金与物资折价分别合计，"
                    "单位元。待审批、已审批未发放和已驳回的不计。"
                ),
            ),
            (_("金秋助学学生"), _("季度内已发放金秋助学的学生（同一会员的不同子女分别计）。")),
            (
                _("集体慰问"),
                _("季度内送清凉、送温暖集体慰问覆盖的职工人次、单位家次（同一单位两次计两次）。"),
            ),
            (
                _("帮扶预算使用"),
                _(
                    "当年本级及下级设定的项目预算之和；已使用为当年 1 月 1 日至季度末已审批和"
                    "已发放帮扶的现金与物资折价。未设预算时为“—”。"
                ),
            ),
            (_("互助保障赔付"), _("季度内（按赔付日期）已赔付的互助保障申请及赔付金额。")),
        ],
    )
