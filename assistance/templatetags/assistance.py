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


@register.simple_tag
def member_hardship_files(user, member):
    """The member's hardship files the user may see (staff and chairs in scope), newest first;
    an empty list for everyone else, so the member's page says nothing about hardship to them."""
    from assistance.models import HardshipFile

    if not _sees_hardship(user):
        return []
    return list(
        HardshipFile.objects.visible_to(user).filter(member=member).order_by("-opened_on", "-pk")
    )
