from celery import shared_task

from . import services


@shared_task
def alerts_escalate() -> int:
    """Every minute: e-mail alerts that waited too long for follow-up (each once)."""
    return services.alerts_escalate()
