from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = _("Hiring")

    def ready(self):
        from . import freshness
        from .reports import figures

        freshness.connect()
        figures.connect()
