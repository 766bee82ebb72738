"""What the management commands share: reading --on / --quarter and --user, finding the
federation named on the command line, and printing tables whose Chinese labels line up.

The commands act as the operator, with full scope, unless `--user NAME` is given: then they act
as that user, within that user's scope, and a federation outside it is reported exactly like one
that does not exist (scoping fails closed)."""

import datetime
import unicodedata

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.commands import USAGE_ERROR
from federations.models import Federation
from federations.permissions import federations_where

from .periods import Quarter


def federation_for(code: str, *, user, perm) -> Federation:
    """The federation with `code`: any for the operator, one where `user` may do `perm` else."""
    federations = Federation.objects.all() if user is None else federations_where(user, perm)
    federation = federations.filter(code=code).first()
    if federation is not None:
        return federation
    if user is None:
        message = _("没有代码为“%(code)s”的工会组织。") % {"code": code}
    else:
        message = _("没有代码为“%(code)s”的工会组织，或它不在用户“%(username)s”的管辖范围内。") % {
            "code": code,
            "username": user.get_username(),
        }
    raise CommandError(message, returncode=USAGE_ERROR)


def parse_as_of(*, on: str | None, quarter: str | None) -> datetime.date:
    """--on YYYY-MM-DD, or --quarter 2026Q3 (its last day), or today."""
    if on and quarter:
        raise CommandError("--on 与 --quarter 只能选一个。", returncode=USAGE_ERROR)
    if quarter:
        return parse_quarter(quarter).last_day
    if on:
        try:
            return datetime.date.fromisoformat(on)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{on}", returncode=USAGE_ERROR) from None
    return timezone.localdate()


def parse_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise CommandError(str(error), returncode=USAGE_ERROR) from None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right=False) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def table(rows: list[tuple[str, str]]) -> str:
    """Two columns, the first padded to its widest cell, numbers right-aligned."""
    left = max(display_width(label) for label, _value in rows)
    right = max(display_width(value) for _label, value in rows)
    return "\n".join(
        f"{pad(label, left)}  {pad(value, right, right=True)}" for label, value in rows
    )


def grid(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the others right-aligned."""
    lines = [[str(cell) for cell in headers], *rows]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(headers))]
    return "\n".join(
        "  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(line)).rstrip()
        for line in lines
    )
