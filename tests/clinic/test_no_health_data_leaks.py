"""A sentinel phrase written where clients write (notes, reflections), in a safety plan and
in the clinic's emotion vocabulary travels through the whole product, and never reaches a log
line, an e-mail or the audit trail. It does reach the pages that are meant to show it."""

import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clients.models import EmotionLabel
from clients.safety import services as safety_services
from clinic.models import AuditEvent
from reports.tasks import summaries_plan
from tests import factories

SENTINEL = "Lighthouse-Quartz-7731"


@pytest.fixture
def every_log_line(caplog):
    """Everything logged at any level, including Django's own loggers, which do not propagate."""
    caplog.set_level(logging.DEBUG)
    django_logger = logging.getLogger("django")
    django_logger.addHandler(caplog.handler)
    yield caplog
    django_logger.removeHandler(caplog.handler)


def logged_text(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
        lines.append(repr(getattr(record, "request", "")))
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True)
def test_the_sentinel_reaches_no_log_no_email_and_no_audit_row(
    every_log_line, as_user, client, client_record
):
    therapist = client_record.primary_therapist
    EmotionLabel.objects.create(clinic=client_record.clinic, code="sentinel", name=SENTINEL)
    assignment = factories.AssignmentFactory(client=client_record)
    me = as_user(client_record.user)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        # The therapist writes the sentinel into the client's safety plan; a second try
        # with a section too long is refused (a 400, logged without its body).
        client.force_login(therapist.user)
        plan_url = f"/clients/{client_record.pk}/safety-plan/"
        plan = {"warning_signs": f"plan {SENTINEL} words", "coping_alone": "A walk."}
        assert client.post(plan_url, plan).status_code == 302
        too_long = {**plan, "coping_alone": SENTINEL * 400}
        assert client.post(plan_url, too_long).status_code == 400
        assert f"plan {SENTINEL} words" in client.get(plan_url).content.decode()

        # A safety check-in with the sentinel in the note and in an emotion's name: an alert
        # e-mail goes to the therapist.
        body = {
            "occurred_at": start.isoformat(),
            "distress": 8,
            "safety_concern": True,
            "wants_to_discuss": True,
            "note": f"tonight {SENTINEL} again",
            "emotions": [{"label": "sentinel", "intensity": 7}],
        }
        sent = me.post("/api/v1/check-ins/", body, HTTP_IDEMPOTENCY_KEY="sentinel-key-1")
        assert sent.status_code == 201, sent.json()
        assert f"plan {SENTINEL} words" in json.dumps(sent.json()["crisis"])  # the crisis box
        # A refused check-in (a note too long, and no safety answer, which would be kept)
        # is logged as a bad request, without its body.
        long_note = {**body, "safety_concern": False, "note": SENTINEL * 400}
        assert (
            me.post(
                "/api/v1/check-ins/", long_note, HTTP_IDEMPOTENCY_KEY="sentinel-key-2"
            ).status_code
            == 400
        )
        # A completion with the sentinel in the reflection, sent twice.
        completion = {
            "completed_at": start.isoformat(),
            "distress_before": 7,
            "distress_after": 4,
            "helpfulness": 4,
            "reflection": f"{SENTINEL} felt smaller",
        }
        url = f"/api/v1/assignments/{assignment.pk}/completions/"
        for _ in range(2):
            assert me.post(url, completion, HTTP_IDEMPOTENCY_KEY="sentinel-key-3").status_code in (
                200,
                201,
            )

        # The therapist reads it all: pages, API, and acknowledges the alert.
        client.force_login(therapist.user)
        for page in ("/", f"/clients/{client_record.pk}/", f"/clients/{client_record.pk}/prep/"):
            response = client.get(page)
            assert response.status_code == 200
        assert SENTINEL in client.get(f"/clients/{client_record.pk}/").content.decode()
        staff_api = as_user(therapist.user)
        listing = staff_api.get(f"/api/v1/check-ins/?client={client_record.pk}")
        assert SENTINEL in json.dumps(listing.json())  # shown to the treating therapist
        alert_id = staff_api.get("/api/v1/alerts/").json()["results"][0]["id"]
        assert SENTINEL in client.get(f"/alerts/{alert_id}/").content.decode()
        # Nobody followed it up in time: it is escalated to a covering colleague by e-mail.
        factories.TherapistFactory(clinic=client_record.clinic, covers_alerts=True)
        later = timezone.now() + timedelta(hours=3)
        assert safety_services.alerts_escalate(now=later) == 1
        follow_up = {"action": "contacted", "note": f"{SENTINEL} talked through"}
        answer = staff_api.post(f"/api/v1/alerts/{alert_id}/follow-up/", follow_up)
        assert answer.status_code == 201
        assert SENTINEL in client.get(f"/alerts/{alert_id}/").content.decode()

        # The clinic admin exports the record: the export holds it, the trail does not.
        admin = factories.ClinicAdminFactory(clinic=client_record.clinic)
        client.force_login(admin)
        export = client.get(f"/admin/clients/client/{client_record.pk}/export.json")
        assert SENTINEL in export.content.decode()

    # The week ends: summaries are built and the therapist's digest is e-mailed.
    with time_machine.travel(start + timedelta(days=8), tick=False):
        summaries_plan()

    sent = [m for m in mail.outbox]
    assert {m.subject for m in sent}, "the alert and the digest e-mails were sent"
    assert any(therapist.user.email in m.to for m in sent)
    for message in sent:
        alternatives = getattr(message, "alternatives", [])  # HTML parts, when there are any
        parts = [message.subject, message.body, *(alt[0] for alt in alternatives)]
        assert SENTINEL not in "\n".join(parts), message.subject

    assert every_log_line.records, "the run logged something to look through"
    assert SENTINEL not in logged_text(every_log_line)

    trail = AuditEvent.objects.all()
    assert trail.filter(action="view").exists() and trail.filter(action="create").exists()
    assert trail.filter(action="export").exists()
    assert SENTINEL not in json.dumps(list(trail.values()), default=str)
