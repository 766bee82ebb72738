"""python manage.py import_data KIND FILE [--dry-run] [--user USERNAME]

Exit codes: 0 imported (or a clean dry run), 1 the file or some rows have errors (nothing is
written), 2 usage errors (unknown kind or user, missing file, bad arguments).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from common.commands import USAGE_ERROR, acting_user
from imports import registry
from imports.base import Op
from imports.errors import ImportFileError
from imports.parsing import read_table_file
from imports.services import import_run

FAILED = 1


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件导入数据（全部成功才写入）。"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if not parser.called_from_command_line:
            # call_command(): bad arguments are usage errors too (argparse exits 2 on its own)
            def usage_error(message: str) -> None:
                raise CommandError(f"Error: {message}", returncode=USAGE_ERROR)

            parser.error = usage_error
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = ", ".join(sorted(importer.kind for importer in registry.all_importers()))
        parser.add_argument("kind", help=f"导入类型：{kinds}")
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查并报告将要发生的变化，不写入"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="以该用户的身份和管辖范围导入；不指定时以运维身份导入（不限范围）",
        )

    def handle(self, *args, kind: str, file: str, dry_run: bool, user: str | None, **options):
        importer_class = registry.get(kind)
        if importer_class is None:
            known = "、".join(sorted(importer.kind for importer in registry.all_importers()))
            raise CommandError(
                _("未知的导入类型“%(kind)s”，可选：%(known)s。") % {"kind": kind, "known": known},
                returncode=USAGE_ERROR,
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(file)s") % {"file": file}, returncode=USAGE_ERROR)
        acting_user = self.acting_user(user, importer_class)

        try:
            table = read_table_file(path, columns=importer_class.columns)
        except ImportFileError as error:
            raise CommandError(str(error), returncode=FAILED) from None
        result = import_run(
            importer=importer_class(file_name=path.name),
            table=table,
            user=acting_user,
            dry_run=dry_run,
        )

        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(
                _("共 %(count)s 处错误，未写入任何数据。") % {"count": len(result.errors)},
                returncode=FAILED,
            )
        if options["verbosity"] >= 2:
            for action in result.actions:
                self.stdout.write(self.describe(action))
        if dry_run:
            self.stdout.write(
                _("试运行，未写入任何数据。将会：%(summary)s。") % {"summary": result.summary()}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("导入完成：%(summary)s。") % {"summary": result.summary()})
            )

    def acting_user(self, username: str | None, importer_class):
        user = acting_user(username)
        if user is not None and not importer_class.allowed(user):
            raise CommandError(
                _("用户“%(username)s”没有导入“%(label)s”的权限。")
                % {"username": username, "label": importer_class.label},
                returncode=USAGE_ERROR,
            )
        return user

    def describe(self, action) -> str:
        verbs = {Op.CREATE: _("新建"), Op.UPDATE: _("更新"), Op.UNCHANGED: _("未变")}
        text = _("第 %(row)s 行：%(verb)s %(key)s") % {
            "row": action.row,
            "verb": verbs[action.op],
            "key": action.key,
        }
        details = "；".join(
            f"{c.column}：{c.old or '（空）'} → {c.new or '（空）'}" for c in action.changes
        )
        return f"{text}（{details}）" if details else text
