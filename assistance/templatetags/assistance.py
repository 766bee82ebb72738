from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from assistance.selectors import sees_hardship as _sees_hardship
from federations.permissions import Perm, user_can

register = template.Library()


@register.filter
def sees_hardship(user) -> bool:
    """Staff and chairs (who see hardship files)."""
    return _sees_hardship(user)


@register.filter
def hardship_nav(user):
    """The navigation's 困难帮扶 entry: the files for staff and chairs, the programmes and budgets
    for the district office; None for everyone else."""
    if _sees_hardship(user):
        return {"url": reverse("assistance:file_list"), "label": _("困难帮扶")}
    if user_can(user, Perm.MANAGE_TARGETS):
        return {"url": reverse("assistance:program_list"), "label": _("帮扶项目")}
    return None
