import time

from django.core.management.base import BaseCommand, CommandError

from common.commands import is_production
from federations.models import Federation
from membership.scale import ScalePlan, generate


class Command(BaseCommand):
    help = (
        "生成确定性的城市规模测试数据（默认 30 个街道/镇、600 个联合工会、60,000 家企业、"
        "1,000,000 名会员），供性能测试使用。需在没有区总工会的空数据库中运行。"
    )

    def add_arguments(self, parser):
        defaults = ScalePlan()
        parser.add_argument("--streets", type=int, default=defaults.streets)
        parser.add_argument("--joint-unions", type=int, default=defaults.joint_unions)
        parser.add_argument("--enterprises", type=int, default=defaults.enterprises)
        parser.add_argument("--members", type=int, default=defaults.members)
        parser.add_argument("--seed", type=int, default=defaults.seed)

    def handle(self, *args, streets, joint_unions, enterprises, members, seed, **options):
        if is_production():
            raise CommandError("生产配置下不生成测试数据。", returncode=2)
        if min(streets, joint_unions, enterprises) < 1 or members < 0:
            raise CommandError("数量必须为正数。", returncode=2)
        if Federation.objects.filter(depth=1).exists():
            raise CommandError(
                "数据库中已有区总工会（根节点）。请在空数据库中运行，例如："
                "DATABASE_URL=.../unionportal_bench。",
                returncode=2,
            )
        plan = ScalePlan(
            streets=streets,
            joint_unions=joint_unions,
            enterprises=enterprises,
            members=members,
            seed=seed,
        )
        started = time.perf_counter()
        generate(plan, log=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(f"完成，用时 {time.perf_counter() - started:.1f} 秒。")
