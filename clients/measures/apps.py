from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "clients.measures"
    label = "measures"
    verbose_name = _("Outcome measures")

    def ready(self) -> None:
        from . import reminders  # noqa: F401  (registers the "questions waiting" reminder)
