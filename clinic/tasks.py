from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .accounts import password_reset_send
from .models import IdempotencyKey


@shared_task
def idempotency_keys_purge() -> int:
    """Forget idempotency keys older than IDEMPOTENCY_KEY_TTL; returns how many."""
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def password_reset_email(user_id: int) -> bool:
    """Send the "Forgot password?" e-mail asked for on the page."""
    return password_reset_send(user_id=user_id)
