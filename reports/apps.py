from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计与报表")

    def ready(self):
        # the sections of the quarterly PDF report: the built-in ones, then every app's
        # `report_sections.py` (see reports/sections.py)
        from . import sections  # noqa: F401

        autodiscover_modules("report_sections")
