from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "clients.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Each kind registers itself, here and in the apps that own what is reminded.
        from . import kinds  # noqa: F401
