from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients and exercises"

    def ready(self):
        from . import emails  # noqa: F401  (registers the invitation e-mail with the outbox)
