from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "clients.safety"
    label = "safety"
    verbose_name = _("Safety: follow-ups and safety plans")

    def ready(self):
        from . import emails  # noqa: F401  (registers the safety e-mails with the outbox)
