from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def alert_notify(alert_id: int) -> bool:
    """Tell the treating therapist by e-mail that an alert waits (once)."""
    return services.alert_notify_therapist(alert_id=alert_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def invitation_email(user_id: int) -> None:
    """Send a new client the link to choose a password."""
    services.invitation_send(user_id=user_id)
