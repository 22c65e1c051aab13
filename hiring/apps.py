from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = "Hiring"

    def ready(self):
        from . import freshness
        from .reports import figures

        freshness.connect()
        figures.connect()
