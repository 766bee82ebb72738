import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities.demo import seed_activities_demo
from assistance.demo import seed_assistance_demo
from common.commands import is_production
from federations import demo, services
from federations.models import Federation, RoleAssignment
from membership.demo import seed_membership_demo

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 — printed for the quick start, refused in production


class Command(BaseCommand):
    help = (
        "建立演示数据：丰台区总工会及其下属街道、镇、地区总工会和联合工会，"
        "以及各角色的演示用户（可重复运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="在生产配置下也运行（为每个演示用户生成随机密码）。",
        )

    def handle(self, *args, allow_production=False, **options):
        production = is_production()
        if production and not allow_production:
            raise CommandError("生产配置下不建立演示数据（如确需，请加 --allow-production）。")
        with transaction.atomic():
            created = self._tree()
            logins = self._users(random_passwords=production)
            enterprises, members = seed_membership_demo()
            activities = seed_activities_demo(district_code=demo.DISTRICT[0])
            aid = seed_assistance_demo()
        self.stdout.write(f"演示组织：新建 {created} 个，共 {Federation.objects.count()} 个。")
        self.stdout.write(f"演示企业：新建 {enterprises} 家；演示会员：新建 {members} 名。")
        self.stdout.write(f"演示活动：新建 {activities} 场。")
        self.stdout.write(
            "演示帮扶数据：新建档案 {files} 份，帮扶发放 {grants} 条，集体慰问 {deliveries} 次，"
            "互助保障理赔 {claims} 件。".format(**aid)
        )
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, label in logins:
            self.stdout.write(f"  {username:<16} {password:<14} {label}")

    def _node(self, *, code, parent, **fields):
        existing = Federation.objects.filter(code=code).first()
        if existing:
            return existing, False
        return services.federation_create(code=code, parent=parent, **fields), True

    def _tree(self):
        code, name, kind, scope, address, phone, chair = demo.DISTRICT
        root, made = self._node(
            code=code,
            parent=None,
            name=name,
            kind=kind,
            address=address,
            phone=phone,
            chair_name=chair,
        )
        created = int(made)
        for (code, name, kind, address, chair), joints in demo.SUBFEDERATIONS:
            root.refresh_from_db()
            node, made = self._node(
                code=code, parent=root, name=name, kind=kind, address=address, chair_name=chair
            )
            created += made
            for joint_code, joint_name, joint_scope in joints:
                node.refresh_from_db()
                _joint, made = self._node(
                    code=joint_code,
                    parent=node,
                    name=joint_name,
                    kind=Federation.Kind.JOINT,
                    joint_scope=joint_scope,
                )
                created += made
        return created

    def _users(self, *, random_passwords):
        user_model = get_user_model()
        logins = []

        def password():
            return secrets.token_urlsafe(9) if random_passwords else DEMO_PASSWORD

        admin, _ = user_model.objects.get_or_create(
            username="admin", defaults={"full_name": "系统管理员"}
        )
        admin.is_superuser = admin.is_staff = True
        admin_password = password()
        admin.set_password(admin_password)
        admin.save()
        logins.append(("admin", admin_password, "超级管理员（全部数据、后台管理）"))

        for username, full_name, role, code in demo.USERS:
            user, _ = user_model.objects.get_or_create(
                username=username, defaults={"full_name": full_name}
            )
            secret = password()
            user.set_password(secret)
            user.save()
            federation = Federation.objects.get(code=code)
            RoleAssignment.objects.get_or_create(user=user, federation=federation, role=role)
            label = RoleAssignment(role=role).get_role_display()
            logins.append((username, secret, f"{federation.name} · {label}"))
        return logins
