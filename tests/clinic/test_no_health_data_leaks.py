"""A sentinel phrase written where clients write (notes, reflections, the TICES log), in a
safety plan, in the clinic's emotion vocabulary and in a therapist's EMDR records travels
through the whole product, and never reaches a log line, an e-mail, the audit trail or an
address. It does reach the pages that are meant to show it."""

import json
import logging
import re
import uuid
from datetime import time, timedelta

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


def _addresses(response) -> list[str]:
    """Every address a response sends the browser to: its redirect and its links and forms."""
    found = [response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        found += re.findall(r'(?:href|src|action)="([^"]*)"', response.content.decode())
    return found


@pytest.mark.django_db(transaction=True)
def test_the_emdr_free_text_reaches_no_log_no_email_no_audit_row_and_no_address(
    every_log_line, as_user, client, client_record
):
    from django.urls import reverse

    from clients.emdr import services as emdr

    therapist = client_record.primary_therapist
    factories.AssignmentFactory(client=client_record)
    me = as_user(client_record.user)
    start = timezone.now()

    def words(name: str) -> str:
        return f"{name} {SENTINEL} words"

    seen = []  # every response, to look through their addresses

    def get(browser, url):
        response = browser.get(url)
        seen.append((url, response))
        return response

    with time_machine.travel(start, tick=False):
        # The therapist sets up two targets, records a held session, sets one aside with a
        # reason. The label is the therapist's own words too.
        target = emdr.target_create(
            client=client_record,
            by=therapist.user,
            label=f"label {SENTINEL}"[:60],
            shown_to_client=True,
            memory=words("memory"),
            worst_image=words("image"),
            negative_cognition=words("nc"),
            positive_cognition=words("pc"),
            body_location="Chest",
        )
        other = emdr.target_create(client=client_record, by=therapist.user, label="The car")
        emdr.target_status_set(
            target=other, status="set_aside", by=therapist.user, reason=words("reason")
        )
        session = factories.SessionFactory(
            client=client_record, status="completed", starts_at=start - timedelta(days=2)
        )
        emdr.record_save(
            session=session,
            target=target,
            by=therapist.user,
            phases=[3, 4, 7],
            sud_start=8,
            sud_end=6,
            voc_setup=2,
            closure="incomplete",
            calming_technique=words("technique")[:120],
            notes=words("notes"),
            plan_next=words("plan"),
        )

        # The client logs a hard moment on their page (twice: a double tap), and a refused
        # one (too long: a 400, logged without its body); and once more through the app.
        client.force_login(client_record.user)
        page = get(client, "/me/log/").content.decode()
        client_uuid = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', page).group(1)
        entry = {
            "client_uuid": client_uuid,
            "trigger": words("trigger"),
            "image": words("tices-image"),
            "cognition": words("cognition"),
            "sensation": words("sensation"),
            "disturbance": "8",
            "occurred_at": timezone.localtime(start - timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "target": str(target.pk),
        }
        for _ in range(2):
            response = client.post("/me/log/", entry)
            seen.append(("/me/log/", response))
            assert response.status_code == 200
        too_long = {**entry, "client_uuid": str(uuid.uuid4()), "trigger": SENTINEL * 400}
        assert client.post("/me/log/", too_long).status_code == 400
        assert SENTINEL in get(client, "/me/log/").content.decode()  # the client's own log
        body = {
            "occurred_at": start.isoformat(),
            "trigger": words("app-trigger"),
            "sensation": words("app-sensation"),
            "disturbance": 7,
        }
        sent = me.post("/api/v1/emdr/tices/", body, HTTP_IDEMPOTENCY_KEY="sentinel-emdr-1")
        assert sent.status_code == 201, sent.json()
        refused = {**body, "target": other.pk}  # not shown to the client
        answer = me.post("/api/v1/emdr/tices/", refused, HTTP_IDEMPOTENCY_KEY="sentinel-emdr-2")
        assert answer.status_code == 400

        # The therapist reads it all: caseload, progress report, prep, the EMDR pages, API.
        client.force_login(therapist.user)
        pages = [
            "/",
            f"/clients/{client_record.pk}/",
            f"/clients/{client_record.pk}/prep/",
            reverse("emdr-target", args=[client_record.pk, target.pk]),
            reverse("emdr-session", args=[client_record.pk, session.pk]),
        ]
        for url in pages:
            assert get(client, url).status_code == 200, url
        assert SENTINEL in get(client, pages[3]).content.decode()
        staff_api = as_user(therapist.user)
        for url in ("/api/v1/emdr/targets/", "/api/v1/emdr/records/", "/api/v1/emdr/tices/"):
            listing = staff_api.get(f"{url}?client={client_record.pk}")
            assert listing.status_code == 200, url
            assert SENTINEL in json.dumps(listing.json()), url

        # The clinic admin exports the record and reads it: both hold it, the trail does not.
        admin = factories.ClinicAdminFactory(clinic=client_record.clinic)
        client.force_login(admin)
        export = client.get(f"/admin/clients/client/{client_record.pk}/export.json")
        for name in ("memory", "image", "nc", "pc", "reason", "notes", "plan", "trigger"):
            assert words(name) in export.content.decode(), name
        record = get(client, f"/admin/clients/client/{client_record.pk}/record/")
        assert SENTINEL in record.content.decode()

    with time_machine.travel(start + timedelta(days=8), tick=False):
        summaries_plan()

    sent_mail = list(mail.outbox)
    assert sent_mail, "the week's digest was e-mailed"
    for message in sent_mail:
        alternatives = getattr(message, "alternatives", [])
        parts = [message.subject, message.body, *(alt[0] for alt in alternatives)]
        assert SENTINEL not in "\n".join(parts), message.subject

    logged = logged_text(every_log_line)
    assert "/me/log/" in logged  # the refused entry was logged, as a bad request
    assert SENTINEL not in logged
    trail = AuditEvent.objects.all()
    assert trail.filter(object_type="ticesentry", action="create").exists()
    assert trail.filter(action="view").exists() and trail.filter(action="export").exists()
    assert SENTINEL not in json.dumps(list(trail.values()), default=str)

    for url, response in seen:
        for address in _addresses(response):
            assert SENTINEL not in address, (url, address)


# Words that would say what a session is about; a feed says "Session" and how it is held.
HEALTH_WORDS = (
    "therap",
    "emdr",
    "exercise",
    "measure",
    "phq",
    "gad-7",
    "pcl",
    "distress",
    "trauma",
    "check-in",
    "safety",
    "alert",
    "target",
    "breakup",
)


@pytest.mark.django_db
def test_the_sentinel_and_health_words_reach_no_calendar_feed(client, client_record):
    from clients.emdr import services as emdr
    from clients.safety.plans import safety_plan_save
    from clinic.calendar import services as calendar

    therapist = client_record.primary_therapist
    now = timezone.now()
    EmotionLabel.objects.create(clinic=client_record.clinic, code="sentinel", name=SENTINEL)
    check_in = factories.CheckInFactory(client=client_record, note=f"note {SENTINEL}")
    factories.CheckInEmotionFactory(
        check_in=check_in, label=client_record.clinic.emotion_labels.get(code="sentinel")
    )
    exercise = client_record.clinic.exercises.first()
    exercise.title = f"Breathing {SENTINEL}"
    exercise.save()
    factories.AssignmentFactory(
        client=client_record, exercise=exercise, note_to_client=f"do {SENTINEL}"
    )
    safety_plan_save(client=client_record, by=therapist.user, warning_signs=f"sign {SENTINEL}")
    emdr.target_create(
        client=client_record, by=therapist.user, label="Sentinel target", memory=SENTINEL
    )
    factories.MeasureScheduleFactory(client=client_record)
    held = (-3, "in_person", "completed")
    for days, mode, status in (held, (2, "virtual", "scheduled"), (9, "virtual", "cancelled")):
        factories.SessionFactory(
            client=client_record,
            starts_at=now + timedelta(days=days),
            mode=mode,
            status=status,
            video_link="https://meet.example.org/therapy-room" if mode == "virtual" else "",
        )
    # The client's feed, the therapist's with the clients' labels, then renewed without.
    feeds = [(client_record.user, False), (therapist.user, True), (therapist.user, False)]
    for user, show_labels in feeds:
        secret = calendar.feed_create(user=user, show_labels=show_labels)[1]
        response = client.get(f"/calendar/{secret}.ics")
        assert response.status_code == 200
        text = response.content.decode()
        assert text.count("BEGIN:VEVENT") == 3
        assert SENTINEL not in text
        for word in HEALTH_WORDS:
            assert word not in text.lower(), word


# Reminders may say "check in": the nudge is for one. Nothing else on the list.
REMINDER_HEALTH_WORDS = tuple(word for word in HEALTH_WORDS if word != "check-in")


@pytest.mark.django_db(transaction=True)
def test_the_sentinel_and_health_words_reach_no_reminder_of_any_kind(every_log_line, client_record):
    """Every kind of reminder is made due at once, for a client whose records carry the
    sentinel everywhere, and a therapist who asked for the morning count; the planner owes
    them and the outbox writes and sends them (to the in-memory mail backend)."""
    from zoneinfo import ZoneInfo

    from clients.emdr import services as emdr
    from clients.measures.models import MeasureSchedule
    from clients.reminders import planner
    from clients.reminders.models import ClientReminderPlan, ReminderPreference
    from clients.safety.plans import safety_plan_save
    from clinic.outbox import delivery
    from clinic.outbox.models import OutboxMessage

    therapist = client_record.primary_therapist
    now = timezone.now()
    zone = ZoneInfo(client_record.time_zone)
    clinic_zone = ZoneInfo(client_record.clinic.time_zone)
    today = timezone.localdate(now, timezone=zone)
    client_record.started_on = today - timedelta(days=20)
    client_record.label = f"Label {SENTINEL}"
    client_record.save()

    exercise = client_record.clinic.exercises.first()
    exercise.title = f"Breathing {SENTINEL}"
    exercise.instructions = f"Breathe {SENTINEL}"
    exercise.save()
    factories.AssignmentFactory(
        client=client_record,
        exercise=exercise,
        starts_on=today - timedelta(days=3),
        note_to_client=f"do {SENTINEL}",
    )
    EmotionLabel.objects.create(clinic=client_record.clinic, code="sentinel", name=SENTINEL)
    # The last check-in five days ago, the nudge after five: due today.
    check_in = factories.CheckInFactory(
        client=client_record, occurred_at=now - timedelta(days=5), note=f"note {SENTINEL}"
    )
    factories.CheckInEmotionFactory(
        check_in=check_in, label=client_record.clinic.emotion_labels.get(code="sentinel")
    )
    ClientReminderPlan.objects.create(client=client_record, silence_days=5)
    safety_plan_save(client=client_record, by=therapist.user, warning_signs=f"sign {SENTINEL}")
    emdr.target_create(
        client=client_record, by=therapist.user, label="Sentinel target", memory=SENTINEL
    )
    MeasureSchedule.objects.create(
        client=client_record, instrument="phq9", cadence="once", starts_on=today
    )
    factories.SessionFactory(
        client=client_record,
        starts_at=now + timedelta(hours=24) - timedelta(minutes=5),
        booked_at=now - timedelta(days=7),
        mode="virtual",
        video_link="https://meet.example.org/therapy-room",
    )
    # The client's hour and the therapist's are now, each in their own zone; no quiet hours.
    ReminderPreference.objects.create(
        user=client_record.user,
        daily_hour=timezone.localtime(now, zone).hour,
        quiet_from=time(0),
        quiet_until=time(0),
    )
    ReminderPreference.objects.create(
        user=therapist.user,
        kinds={"morning": True},
        daily_hour=timezone.localtime(now, clinic_zone).hour,
        quiet_from=time(0),
        quiet_until=time(0),
    )

    for message_id in planner.plan(now=now):
        delivery.send(message_id)

    sent_kinds = set(
        OutboxMessage.objects.filter(sent_at__isnull=False).values_list("kind", flat=True)
    )
    every_kind = {"exercises", "measures", "check_in", "session", "morning"}
    assert sent_kinds == {f"reminder_{kind}" for kind in every_kind}, sent_kinds
    assert len(mail.outbox) == len(every_kind)
    for message in mail.outbox:
        alternatives = getattr(message, "alternatives", [])
        assert alternatives, "a plain and an HTML part"
        parts = [message.subject, message.body, *(alt[0] for alt in alternatives)]
        parts += [str(value) for value in message.extra_headers.values()]
        text = "\n".join(parts)
        assert SENTINEL not in text, message.subject
        clinic_name = client_record.clinic.name.lower()
        for word in REMINDER_HEALTH_WORDS:
            assert word not in text.lower().replace(clinic_name, ""), (word, message.subject)
        for label in client_record.clinic.emotion_labels.values_list("name", flat=True):
            assert not re.search(rf"\b{re.escape(label)}\b", text, re.IGNORECASE), label
    assert SENTINEL not in logged_text(every_log_line)
