import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from common.commands import acting_user, add_user_argument
from federations.permissions import Perm

from ... import flows
from ...cli import federation_for, grid, parse_as_of, parse_quarter, table
from ...selectors import FIGURE_KEYS, FIGURE_LABELS, figure_text, indicators


class Command(BaseCommand):
    help = (
        "打印某工会组织（含下级）在某一日期的建会、入会指标，以及困难职工帮扶、工会活动指标。"
        "--quarter 2026Q3 表示该季度最后一天，帮扶与活动按该季度统计；--on 日期（或默认今天）"
        "的帮扶与活动按当年 1 月 1 日至该日统计；--user 只看该用户管辖范围内的工会组织。"
        "退出码：0 成功；2 参数错误、用户或工会代码不存在（或不在该用户管辖范围内）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="工会代码，例如 FT")
        dates = parser.add_mutually_exclusive_group()
        dates.add_argument("--on", help="统计日期 YYYY-MM-DD（默认今天）")
        dates.add_argument("--quarter", help="季度，例如 2026Q3（取该季度最后一天）")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        add_user_argument(parser)

    def handle(self, *args, code, on, quarter, format, user, **options):
        as_of = parse_as_of(on=on, quarter=quarter)
        period = flows.period_for(on=as_of, quarter=parse_quarter(quarter) if quarter else None)
        federation = federation_for(code, user=acting_user(user), perm=Perm.VIEW_DASHBOARD)
        figures = indicators(federation=federation, on=as_of)
        extra = flows.figures(federation=federation, period=period)
        if format == "json":
            data = {**figures, "period": flows.period_json(period), **flows.as_json(extra)}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        rows = [
            (_("工会组织"), f"{federation.name}（{federation.code}）"),
            (_("统计日期"), figures["as_of"]),
        ]
        rows += [(str(FIGURE_LABELS[key]), figure_text(key, figures)) for key in FIGURE_KEYS]
        self.stdout.write(table(rows))
        span = _("%(first)s 至 %(last)s") % {
            "first": period.first_day.isoformat(),
            "last": period.last_day.isoformat(),
        }
        self.stdout.write("")
        self.stdout.write(self._hardship(extra[flows.HARDSHIP], span))
        self.stdout.write("")
        self.stdout.write(self._activities(extra[flows.ACTIVITIES], span))

    def _hardship(self, figures, span) -> str:
        rows = [(_("困难职工帮扶"), span)]
        rows += [
            (str(flows.HARDSHIP_LABELS[key]), flows.text(key, figures[key]))
            for key in flows.HARDSHIP_KEYS
        ]
        headers = [
            _("帮扶项目"),
            _("发放人次"),
            _("现金（元）"),
            _("物资折价（元）"),
            _("年度预算（元）"),
            _("已使用（元）"),
            _("余额（元）"),
        ]
        budgets = figures["budget_by_program"]
        programmes = [
            [
                row["label"],
                flows.count_text(row["count"]),
                flows.money_text(row["amount"]),
                flows.money_text(row["goods_value"]),
                flows.money_text(budgets[code]["budget"]),
                flows.money_text(budgets[code]["used"]),
                flows.money_text(budgets[code]["remaining"]),
            ]
            for code, row in figures["grants_by_program"].items()
        ]
        return f"{table(rows)}\n\n{grid(headers, programmes)}"

    def _activities(self, figures, span) -> str:
        rows = [(_("工会活动（已举办，按开始日期）"), span)]
        rows += [
            (str(flows.ACTIVITY_LABELS[key]), flows.text(key, figures[key]))
            for key in flows.ACTIVITY_KEYS
        ]
        headers = [_("活动类别"), _("场次"), _("人次"), _("人数")]
        categories = [
            [
                row["label"],
                flows.count_text(row["activities_count"]),
                flows.count_text(row["person_times"]),
                flows.count_text(row["distinct_people"]),
            ]
            for row in figures["by_category"].values()
            if row["activities_count"]
        ]
        text = table(rows)
        if categories:
            text += f"\n\n{grid(headers, categories)}"
        if figures["activity_distinct_people"] is None:
            text += "\n" + _("“—”：含开放式活动（只填写总人次），不重复人数无法统计。")
        return text
