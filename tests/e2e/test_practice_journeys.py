"""The practice's everyday work in Chromium: booking and undoing, the client's next session,
a discharge the client sees, and an exercise recorded once with a short undo."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from clients.models import Completion
from clinic.models import Session
from tests import factories

from .conftest import PHONE

pytestmark = pytest.mark.e2e

LINK = "https://video.example/robin-room"


def _serious(axe: Axe, tab) -> list[str]:
    tab.wait_for_load_state("networkidle")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in axe.run(tab).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_journey_5_therapist_books_marks_held_and_undoes(actors, practice, finding):
    client = practice["client"]
    zone = ZoneInfo(practice["clinic"].time_zone)
    begun = factories.SessionFactory(
        client=client, starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    dana = actors()
    dana.log_in(practice["therapist"].user.email)
    dana.tab.goto(f"/clients/{client.pk}/")

    # Book a virtual session with its link, three days ahead at 15:00 clinic time.
    day = (timezone.localtime(timezone=zone) + dt.timedelta(days=3)).date()
    dana.tab.click("text=Book a session")
    dana.tab.fill("#id_day", day.isoformat())
    dana.tab.fill("#id_at", "15:00")
    dana.tab.select_option("#id_mode", "virtual")
    dana.tab.fill("#id_video_link", LINK)
    dana.tab.click("form[action$='/sessions/'] button[type=submit]")
    assert "Booked a session" in dana.tab.inner_text("main")
    booked = client.sessions.get(video_link=LINK)
    assert timezone.localtime(booked.starts_at, zone).hour == 15

    # The same hour again, for another client: refused in words, nothing stored.
    other = factories.ClientFactory(primary_therapist=practice["therapist"], label="Jo K.")
    dana.tab.goto(f"/clients/{other.pk}/")
    dana.tab.click("text=Book a session")
    dana.tab.fill("#id_day", day.isoformat())
    dana.tab.fill("#id_at", "15:20")
    dana.tab.click("form[action$='/sessions/'] button[type=submit]")
    assert "overlaps your session with Robin M." in dana.tab.inner_text("main")
    assert not other.sessions.exists()

    # Mark the session that began as held: asked first; saying no changes nothing.
    dana.tab.goto(f"/clients/{client.pk}/")
    held_button = f"form[action$='/sessions/{begun.pk}/'] button[value=completed]"
    dana.tab.once("dialog", lambda dialog: dialog.dismiss())
    dana.tab.click(held_button)
    begun.refresh_from_db()
    assert begun.status == Session.Status.SCHEDULED
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    dana.tab.once("dialog", accept)
    dana.tab.click(held_button)
    dana.tab.wait_for_selector("text=marked as held")
    begun.refresh_from_db()
    assert begun.status == Session.Status.COMPLETED
    assert questions == ["Mark this session as held?"]
    violations = _serious(Axe(), dana.tab)
    dana.tab.click(".notice button:has-text('Undo')")
    dana.tab.wait_for_selector("text=is scheduled again")
    begun.refresh_from_db()
    assert begun.status == Session.Status.SCHEDULED
    assert violations == []
    assert dana.console_errors == []
    finding("journey 5: booked with a link, an overlap refused, held after asking, undone")


def test_journey_6_client_sees_the_next_session_then_the_discharge(actors, practice, finding):
    client = practice["client"]
    client.sessions.filter(starts_at__gt=timezone.now()).delete()
    starts = timezone.now() + dt.timedelta(days=2, hours=1)
    factories.SessionFactory(client=client, starts_at=starts, mode="virtual", video_link=LINK)
    axe = Axe()

    robin = actors(PHONE)
    robin.log_in(client.user.email)
    card = robin.tab.locator(".next-session")
    local = timezone.localtime(starts, ZoneInfo(client.time_zone))
    assert local.strftime("%H:%M") in card.inner_text()
    assert card.locator("a", has_text="Join the video session").get_attribute("href") == LINK
    assert _serious(axe, robin.tab) == []

    dana = actors()
    dana.log_in(practice["therapist"].user.email)
    dana.tab.goto(f"/clients/{client.pk}/edit/")
    assert _serious(axe, dana.tab) == []
    dana.tab.fill("#id_other_person", "husband")
    dana.tab.click("form.stacked:not([action]) button[type=submit]")
    assert "Saved the details" in dana.tab.inner_text("main")
    dana.tab.goto(f"/clients/{client.pk}/edit/")
    dana.tab.select_option("#id_reason", "goals_met")
    dana.tab.once("dialog", lambda dialog: dialog.accept())
    dana.tab.click("form[action$='/discharge/'] button[type=submit]")
    assert "is discharged" in dana.tab.inner_text("main")
    assert dana.tab.locator("text=Book a session").count() == 0

    robin.tab.reload()
    page = robin.tab.inner_text("main")
    assert "Your treatment has ended" in page and "read-only" in page
    assert robin.tab.locator("#check-in").count() == 0
    assert robin.tab.locator(".next-session").count() == 0  # cancelled with the discharge
    assert _serious(axe, robin.tab) == []
    assert robin.console_errors == [] and dana.console_errors == []
    finding("journey 6: the next session with its link, then a discharge seen read-only")


def test_journey_7_an_exercise_recorded_moves_to_done_today_and_can_be_undone(
    actors, practice, finding
):
    client = practice["client"]
    assignment = factories.AssignmentFactory(
        client=client,
        exercise=client.clinic.exercises.exclude(title="Name it as it arrives").first(),
        schedule="daily",
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    robin = actors(PHONE)
    robin.log_in(client.user.email)
    article = robin.tab.locator(f"article[data-assignment='{assignment.pk}']")
    assert article.locator("xpath=ancestor::div[@data-group='today']").count() == 1

    def record():
        article.locator("summary", has_text="record how it went").click()
        form = f"#completion-{assignment.pk}"
        robin.tab.fill(f"{form}-distress_before", "6")
        robin.tab.fill(f"{form}-distress_after", "3")
        robin.tab.check(f"{form}-helpfulness-4")
        robin.tab.click(f"{form} button[type=submit]")

    record()
    article.locator(".undo-line button").wait_for()
    assert article.locator("xpath=ancestor::div[@data-group='done_today']").count() == 1
    assert article.locator("details.record").get_attribute("open") is None
    assert article.locator("details.record > summary").inner_text().startswith("I did this again")
    assert Completion.objects.filter(assignment=assignment).count() == 1
    article.locator(".undo-line button").click()
    robin.tab.wait_for_selector("text=Taken back")
    assert not Completion.objects.filter(assignment=assignment).exists()
    assert article.locator("xpath=ancestor::div[@data-group='today']").count() == 1

    record()
    article.locator(".undo-line button").wait_for()
    asked = []

    def decline(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    robin.tab.once("dialog", decline)
    record()  # a second time the same day: asked first, and declined
    assert asked == ["You already recorded this exercise today. Record it once more?"]
    assert Completion.objects.filter(assignment=assignment).count() == 1
    assert robin.console_errors == []
    finding("journey 7: recorded, moved to Done today, undone, recorded, a second asked first")
