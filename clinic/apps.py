from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Practice"

    def ready(self):
        from . import audit, emails  # noqa: F401  (emails: registers the password reset)

        audit.connect_write_signals()
