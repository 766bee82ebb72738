from django.core.management.base import BaseCommand, CommandError

from activities.demo import seed_activities_demo
from common.commands import is_production


class Command(BaseCommand):
    help = (
        "为演示区（seed_demo 建立的丰台区总工会）添加演示活动（可重复运行，已有活动时不再添加）。"
    )

    def handle(self, *args, **options):
        if is_production():
            raise CommandError("生产配置下不建立演示数据。")
        added = seed_activities_demo()
        self.stdout.write(f"演示活动：新建 {added} 场。")
