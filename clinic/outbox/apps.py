from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "clinic.outbox"
    label = "outbox"
    verbose_name = _("E-mail outbox")

    def ready(self):
        from . import checks  # noqa: F401  (registers the lease check)
