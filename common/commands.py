"""What the management commands share: who they act as, and whether this is production.

Without `--user` a command is the operator at the command line (full scope, audited without a
user); with it, the command acts as that user, in their scope and with their permissions."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

USAGE_ERROR = 2  # bad arguments, an unknown user or an unknown federation code


def add_user_argument(parser):
    parser.add_argument(
        "--user",
        metavar="USERNAME",
        help=_("以该用户的身份和管辖范围运行；不指定时以运维身份运行（不限范围）"),
    )


def acting_user(username: str | None):
    """The active user named by --user; None (the operator) without it."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("找不到用户“%(username)s”（或该用户已停用）。") % {"username": username},
            returncode=USAGE_ERROR,
        )
    return user


def is_production() -> bool:
    """Running under the production settings (the demo and scale-data loaders refuse to).
    SETTINGS_MODULE is None when settings were configured in code, as in some tests."""
    return (settings.SETTINGS_MODULE or "").endswith(".production")
