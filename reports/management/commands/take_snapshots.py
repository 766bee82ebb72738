from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from federations.models import Federation

from ...cli import USAGE_ERROR, parse_quarter
from ...periods import Quarter
from ...services import snapshots_fill_missing, snapshots_take_all


class Command(BaseCommand):
    help = (
        "生成季度快照（冻结各工会组织在季度最后一天的指标）；已有快照会被替换。"
        "不加 --quarter 时取刚结束的季度；--federation 只生成该工会及其下级；"
        "--fill-missing 补齐最近八个季度缺少的快照。退出码：0 成功；2 参数错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="季度，例如 2026Q3（默认刚结束的季度）")
        parser.add_argument("--federation", help="工会代码：只生成该工会及其下级")
        parser.add_argument(
            "--fill-missing", action="store_true", help="补齐最近八个季度缺少的快照"
        )

    def handle(self, *args, quarter, federation, fill_missing, **options):
        if fill_missing:
            if quarter or federation:
                raise CommandError(
                    "--fill-missing 不能与 --quarter、--federation 同用。", returncode=USAGE_ERROR
                )
            taken = snapshots_fill_missing()
            self.stdout.write(f"已补齐 {len(taken)} 个快照。")
            return
        period = parse_quarter(quarter) if quarter else Quarter.just_ended(timezone.localdate())
        node = None
        if federation:
            node = Federation.objects.filter(code=federation).first()
            if node is None:
                raise CommandError(f"没有代码为“{federation}”的工会组织。", returncode=USAGE_ERROR)
        try:
            taken = snapshots_take_all(quarter=period, federation=node)
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=USAGE_ERROR) from None
        self.stdout.write(f"已生成 {period} 的快照 {len(taken)} 个。")
