from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        # Each registers itself: the weekly digest with the outbox, the therapist's morning
        # count with the reminders.
        from . import emails, reminders  # noqa: F401
