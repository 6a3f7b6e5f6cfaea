from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarFeedsConfig(AppConfig):
    name = "clinic.calendar"
    label = "calendar_feeds"
    verbose_name = _("Calendar feeds")
