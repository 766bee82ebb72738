from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.commands import USAGE_ERROR, acting_user, add_user_argument
from federations.permissions import Perm, user_can

from ...cli import federation_for, parse_quarter
from ...periods import Quarter
from ...services import snapshots_fill_missing, snapshots_take_all


class Command(BaseCommand):
    help = (
        "生成季度快照（冻结各工会组织在季度最后一天的指标）；已有快照会被替换。"
        "不加 --quarter 时取刚结束的季度；--federation 只生成该工会及其下级；"
        "--user 以该用户身份生成（只限其有权生成报表的范围，并记为生成人）；"
        "--fill-missing 补齐最近八个季度缺少的快照。退出码：0 成功；2 参数错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="季度，例如 2026Q3（默认刚结束的季度）")
        parser.add_argument("--federation", help="工会代码：只生成该工会及其下级")
        parser.add_argument(
            "--fill-missing", action="store_true", help="补齐最近八个季度缺少的快照"
        )
        add_user_argument(parser)

    def handle(self, *args, quarter, federation, fill_missing, user, **options):
        if fill_missing:
            if quarter or federation or user:
                raise CommandError(
                    _("--fill-missing 不能与 --quarter、--federation、--user 同用。"),
                    returncode=USAGE_ERROR,
                )
            taken = snapshots_fill_missing()
            self.stdout.write(_("已补齐 %(count)s 个快照。") % {"count": len(taken)})
            return
        actor = acting_user(user)
        if actor is not None and not user_can(actor, Perm.RUN_REPORTS):
            raise CommandError(
                _("用户“%(username)s”没有生成季度快照的权限。") % {"username": user},
                returncode=USAGE_ERROR,
            )
        period = parse_quarter(quarter) if quarter else Quarter.just_ended(timezone.localdate())
        node = None
        if federation:
            node = federation_for(federation, user=actor, perm=Perm.RUN_REPORTS)
        try:
            taken = snapshots_take_all(quarter=period, actor=actor, federation=node)
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=USAGE_ERROR) from None
        self.stdout.write(
            _("已生成 %(quarter)s 的快照 %(count)s 个。") % {"quarter": period, "count": len(taken)}
        )
