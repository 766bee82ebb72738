from django.core.management.base import BaseCommand, CommandError

from assistance.demo import seed_assistance_demo
from common.commands import is_production


class Command(BaseCommand):
    help = (
        "为演示区建立困难职工档案、帮扶发放、集体慰问和互助保障的演示数据"
        "（在 seed_demo 之后运行，可重复运行）。"
    )

    def handle(self, *args, **options):
        if is_production():
            raise CommandError("生产配置下不建立演示数据。")
        made = seed_assistance_demo()
        self.stdout.write(
            "演示帮扶数据：新建档案 {files} 份，帮扶发放 {grants} 条，集体慰问 {deliveries} 次，"
            "互助保障理赔 {claims} 件。".format(**made)
        )
