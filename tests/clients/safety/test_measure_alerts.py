"""A safety alert raised by the PHQ-9's self-harm item: its page names the item and the
answer as answered, for the treating therapist (and a covering one once escalated) only;
it is followed up like any safety alert; no e-mail says anything about the item."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse

from clients.models import Alert
from clients.safety import services
from clinic.models import AuditEvent
from tests import factories

ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"
NOW = dt.datetime(2026, 11, 12, 19, 0, tzinfo=dt.UTC)  # 20:00 in Berlin


@pytest.fixture(autouse=True)
def evening(time_machine):
    time_machine.move_to(NOW, tick=False)


def item_9_answered(client_record, value=1, **extra):
    response = factories.measure_response(
        client_record,
        "phq9",
        answers=factories.measure_answers("phq9", 1, item_9=value),
        completed_at=NOW - dt.timedelta(minutes=30),
        **extra,
    )
    assert response.alert is not None
    return response


def page(client, user, alert):
    client.force_login(user)
    return client.get(reverse("alert-page", args=[alert.pk]))


@pytest.mark.django_db
def test_the_page_names_the_item_and_the_answer_with_its_date_and_a_link(
    client, client_record, therapist
):
    response = item_9_answered(client_record, value=1)
    shown = page(client, therapist.user, response.alert)
    assert shown.status_code == 200
    text = html.unescape(shown.content.decode())
    assert "The questionnaire answer that raised it" in text
    assert "PHQ-9 item 9" in text
    assert f"“{ITEM_9}” — answered “Several days” (1)" in text
    assert "Answered Thu 12 Nov 2026, 19:30" in text  # in the clinic's zone
    link = reverse("client-measure-response", args=[client_record.pk, response.pk])
    assert link in text
    assert "The check-in that raised it" not in text
    assert "Record a follow-up" in text
    read = AuditEvent.objects.filter(action="view", object_type="measureresponse").get()
    assert (read.object_ids, read.client_id) == ([response.pk], client_record.pk)


@pytest.mark.django_db
def test_a_paper_form_entered_by_staff_says_so(client, client_record, therapist):
    response = item_9_answered(client_record, value=3, entered_by=therapist.user)
    text = html.unescape(page(client, therapist.user, response.alert).content.decode())
    assert "answered “Nearly every day” (3)" in text
    assert f"entered by {therapist.user.get_full_name()} (a paper form)" in text


@pytest.mark.django_db
def test_other_therapists_and_clinics_get_404(
    client, client_record, other_therapist, other_clinic_therapist
):
    alert = item_9_answered(client_record).alert
    for stranger in (other_therapist, other_clinic_therapist):
        assert page(client, stranger.user, alert).status_code == 404
        follow_up = client.post(
            reverse("alert-page-follow-up", args=[alert.pk]), {"action": "contacted"}
        )
        assert follow_up.status_code == 404
    alert.refresh_from_db()
    assert alert.is_open


@pytest.mark.django_db
def test_it_is_followed_up_like_any_safety_alert(client, client_record, therapist):
    alert = item_9_answered(client_record).alert
    client.force_login(therapist.user)
    url = reverse("alert-page-follow-up", args=[alert.pk])
    assert client.post(url, {"action": "could_not_reach"}).status_code == 302
    alert.refresh_from_db()
    assert alert.is_open
    assert client.post(url, {"action": "contacted"}).status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == therapist.user


@pytest.mark.django_db
def test_escalated_a_covering_therapist_sees_the_item_but_no_link_to_the_record(
    client, client_record, clinic, time_machine
):
    covering = factories.TherapistFactory(clinic=clinic, covers_alerts=True)
    factories.ClinicAdminFactory(clinic=clinic)
    response = item_9_answered(client_record, value=2)
    time_machine.shift(dt.timedelta(hours=3))
    assert services.alerts_escalate() == 1
    shown = page(client, covering.user, response.alert)
    assert shown.status_code == 200
    text = html.unescape(shown.content.decode())
    assert "answered “More than half the days” (2)" in text
    link = reverse("client-measure-response", args=[client_record.pk, response.pk])
    assert link not in text


@pytest.mark.django_db
def test_no_email_says_anything_about_the_item_or_the_answer(
    client_record, therapist, clinic, time_machine
):
    factories.TherapistFactory(clinic=clinic, covers_alerts=True)
    factories.ClinicAdminFactory(clinic=clinic)
    mail.outbox.clear()
    item_9_answered(client_record, value=2)
    time_machine.shift(dt.timedelta(hours=3))
    services.alerts_escalate()
    assert len(mail.outbox) >= 2, "the therapist's alert e-mail and the escalation"
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        for word in ("phq", "item", "answered", "more than half", "self-harm", "dead", "score"):
            assert word not in text, (word, message.subject)
        assert client_record.label.lower() not in text


@pytest.mark.django_db
def test_the_api_gives_the_alert_without_a_check_in(client_record, therapist, as_user):
    alert = item_9_answered(client_record).alert
    api = as_user(therapist.user)
    listed = api.get("/api/v1/alerts/").json()["results"]
    assert [(row["id"], row["check_in"], row["kind"]) for row in listed] == [
        (alert.pk, None, Alert.Kind.SAFETY_CONCERN)
    ]
    detail = api.get(f"/api/v1/alerts/{alert.pk}/")
    assert detail.status_code == 200
    assert detail.json()["check_in_detail"] is None
    answer = api.post(f"/api/v1/alerts/{alert.pk}/follow-up/", {"action": "contacted"})
    assert answer.status_code == 201 and answer.json()["acknowledged_at"] is not None


@pytest.mark.django_db
def test_a_check_in_alert_page_is_unchanged(client, client_record, therapist):
    from .test_alerts import WORDS, safety_check_in

    _, alert = safety_check_in(client_record)
    text = html.unescape(page(client, therapist.user, alert).content.decode())
    assert "The check-in that raised it" in text and WORDS in text
    assert "The questionnaire answer that raised it" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("attempts", [1, 20])
def test_the_measure_alert_page_reads_a_fixed_number_of_queries(
    client, client_record, therapist, django_assert_max_num_queries, attempts
):
    from clients.safety.models import FollowUp

    alert = item_9_answered(client_record).alert
    for _n in range(attempts):
        FollowUp.objects.create(alert=alert, by=therapist.user, action="could_not_reach")
    client.force_login(therapist.user)
    url = reverse("alert-page", args=[alert.pk])
    client.get(url)  # the first request refreshes the staff session
    # As a check-in's alert page (11): the response's query takes the place of the
    # check-in's feelings, its audit row that of the check-in's.
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200
