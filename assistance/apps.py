import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_programmes(sender, apps=None, **kwargs):
    """The eight aid programmes, after every migrate and every flush (as Django does for
    content types and permissions): a database emptied by `flush` — a transactional test's end,
    say — has its programmes again. Rows that exist are left as the office edited them."""
    if apps is None:  # flush sends no `apps`: the installed models are the current ones
        from django.apps import apps
    importlib.import_module("assistance.migrations.0002_programs").create(apps, None)


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("帮扶救助")

    def ready(self):
        post_migrate.connect(ensure_programmes, sender=self)
