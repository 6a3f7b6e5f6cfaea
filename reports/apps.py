from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from . import emails  # noqa: F401  (registers the weekly digest with the outbox)
