"""E-mails that were due before the outbox and never went out are owed now: an alert
whose therapist was never told and is still open, a weekly digest whose sending failed."""

from django.db import migrations
from django.utils import timezone


def owe_unsent(apps, schema_editor):
    Alert = apps.get_model("clients", "Alert")
    TherapistDigest = apps.get_model("reports", "TherapistDigest")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    now = timezone.now()
    rows = [
        OutboxMessage(
            kind="alert_notify",
            key=f"alert-notify:{alert.pk}",
            object_id=alert.pk,
            recipient_id=alert.client.primary_therapist.user_id,
            clinic_id=alert.client.clinic_id,
            priority=0,
            created_at=now,
            send_after=now,
        )
        for alert in Alert.objects.filter(
            notified_at__isnull=True, acknowledged_at__isnull=True
        ).select_related("client__primary_therapist")
    ]
    rows += [
        OutboxMessage(
            kind="weekly_digest",
            key=f"digest:{digest.pk}",
            object_id=digest.pk,
            recipient_id=digest.therapist.user_id,
            clinic_id=digest.therapist.clinic_id,
            priority=2,
            created_at=now,
            send_after=now,
        )
        for digest in TherapistDigest.objects.filter(sent_at__isnull=True).select_related(
            "therapist"
        )
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_outgoing_email"),
        ("clients", "0008_client_management"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(owe_unsent, migrations.RunPython.noop)]
