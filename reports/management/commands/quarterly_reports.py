import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.commands import USAGE_ERROR, acting_user, add_user_argument
from common.queue import QUEUE_UNAVAILABLE
from federations.permissions import Perm, user_can

from ...cli import federation_for, parse_quarter
from ...models import ReportRun
from ...periods import Quarter
from ...services import report_runs_request, reportable_federations
from ...tasks import queue_builds

FAILED = 1  # a report failed, the wait timed out, or the task queue could not be reached
POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "生成季度 PDF 报告（由后台任务生成；每个区、街道、镇、地区总工会每季度一份，"
        "重新生成会替换原文件）。不加 --quarter 时取刚结束的季度；--federation 只生成该工会的报告；"
        "--wait 等待全部完成并打印每份 PDF 的路径；--user 以该用户身份（限其有权生成报表的范围）。"
        "退出码：0 成功；1 有报告生成失败、等待超时或任务队列不可用；2 参数错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="季度，例如 2026Q3（默认刚结束的季度）")
        parser.add_argument("--federation", metavar="CODE", help="工会代码：只生成该工会的报告")
        parser.add_argument("--wait", action="store_true", help="等待完成，打印每份 PDF 的路径")
        parser.add_argument(
            "--timeout", type=float, default=600, help="--wait 最多等待的秒数（默认 600）"
        )
        add_user_argument(parser)

    def handle(self, *args, quarter, federation, wait, timeout, user, **options):
        actor = acting_user(user)
        if actor is not None and not user_can(actor, Perm.RUN_REPORTS):
            raise CommandError(
                _("用户“%(username)s”没有生成报告的权限。") % {"username": user},
                returncode=USAGE_ERROR,
            )
        period = parse_quarter(quarter) if quarter else Quarter.just_ended(timezone.localdate())
        if federation:
            node = federation_for(federation, user=actor, perm=Perm.RUN_REPORTS)
            federations = [node]
        else:
            federations = list(reportable_federations(actor=actor))
        try:
            requested = report_runs_request(federations=federations, quarter=period, actor=actor)
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=USAGE_ERROR) from None
        if not queue_builds(requested):
            raise CommandError(str(QUEUE_UNAVAILABLE), returncode=FAILED)
        self.stdout.write(
            _("已排队 %(quarter)s 的报告 %(count)s 份。")
            % {"quarter": period, "count": len(requested)}
        )
        if wait:
            self._wait([item.run.pk for item in requested], timeout)

    def _wait(self, ids, timeout):
        deadline = time.monotonic() + timeout
        pending = ReportRun.Status.QUEUED, ReportRun.Status.RUNNING
        runs = []
        while True:
            runs = list(ReportRun.objects.filter(pk__in=ids).select_related("federation"))
            if not any(run.status in pending for run in runs) or time.monotonic() > deadline:
                break
            time.sleep(POLL_SECONDS)
        failed = 0
        for run in sorted(runs, key=lambda r: r.federation.path):
            name = f"{run.federation.name}（{run.federation.code}）"
            if run.status == ReportRun.Status.DONE:
                self.stdout.write(str(Path(settings.PRIVATE_ROOT) / run.file))
            elif run.status == ReportRun.Status.FAILED:
                failed += 1
                reason = {"name": name, "error": run.error}
                self.stderr.write(_("%(name)s：失败，%(error)s") % reason)
            else:
                failed += 1
                self.stderr.write(
                    _("%(name)s：%(seconds)s 秒内未完成（%(status)s）。")
                    % {"name": name, "seconds": f"{timeout:g}", "status": run.get_status_display()}
                )
        if failed:
            raise CommandError(
                _("%(failed)s 份报告未能生成。") % {"failed": failed}, returncode=FAILED
            )
