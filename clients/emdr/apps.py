from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmdrConfig(AppConfig):
    name = "clients.emdr"
    label = "emdr"
    verbose_name = _("EMDR")
