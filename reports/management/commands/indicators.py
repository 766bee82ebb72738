import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from common.commands import acting_user, add_user_argument
from federations.permissions import Perm
from membership.selectors import format_rate

from ...cli import federation_for, parse_as_of, table
from ...selectors import FIGURE_KEYS, FIGURE_LABELS, indicators


class Command(BaseCommand):
    help = (
        "打印某工会组织（含下级）在某一日期的建会、入会指标。"
        "--quarter 2026Q3 表示该季度最后一天；--user 只看该用户管辖范围内的工会组织。"
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
        federation = federation_for(code, user=acting_user(user), perm=Perm.VIEW_DASHBOARD)
        figures = indicators(federation=federation, on=as_of)
        if format == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        rows = [
            (_("工会组织"), f"{federation.name}（{federation.code}）"),
            (_("统计日期"), figures["as_of"]),
        ]
        for key in FIGURE_KEYS:
            value = figures[key]
            if key == "unionization_rate":
                shown = format_rate(figures["enterprises_unionized"], figures["enterprises"])
            elif key == "membership_rate":
                shown = format_rate(figures["members"], figures["employees_in_unionized"])
            else:
                shown = f"{value:,}"
            rows.append((str(FIGURE_LABELS[key]), shown))
        self.stdout.write(table(rows))
