"""The therapist's pages, for the treating therapist and everyone else."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Alert, Assignment, Client
from clinic.models import Session, User
from reports import metrics as m
from reports import pages as report_pages
from tests import factories
from tests.pages import EXTERNAL

CHART_TITLES = [
    "Distress",
    "Emotional flow",
    "Charge toward their ex",  # the factory's client is in treatment after a breakup
    "Mind space",
    "Self-compassion and resistance",
    "Exercises",
]


def _history(client, days: int):
    now = timezone.now()
    assignment = factories.AssignmentFactory(
        client=client, starts_on=(now - dt.timedelta(days=days)).date()
    )
    for n in range(days):
        moment = now - dt.timedelta(days=days - n, hours=2)
        check_in = factories.CheckInFactory(client=client, occurred_at=moment, distress=n % 10)
        factories.CheckInEmotionFactory(check_in=check_in)
        factories.CompletionFactory(assignment=assignment, completed_at=moment)
    for weeks in range(0, days // 7, 1):
        factories.SessionFactory(
            client=client,
            starts_at=now - dt.timedelta(days=7 * weeks + 1),
            status=Session.Status.COMPLETED,
        )


@pytest.fixture
def logged_in(client, therapist):
    client.force_login(therapist.user)
    return client


PAGES = ["client-progress", "client-prep"]


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGES)
def test_treating_therapist_sees_the_page(logged_in, client_record, page_name):
    _history(client_record, 20)
    response = logged_in.get(reverse(page_name, args=[client_record.pk]))
    assert response.status_code == 200
    assert client_record.label in response.content.decode()


@pytest.mark.django_db
def test_progress_report_has_every_chart_with_a_reading_and_a_table(logged_in, client_record):
    _history(client_record, 20)
    page = logged_in.get(
        reverse("client-progress", args=[client_record.pk]), {"window": "4w"}
    ).content.decode()
    for title in CHART_TITLES:
        assert f">{title}</h2>" in page
    assert page.count('class="reading"') == 6
    assert page.count("<details>") >= 6
    assert page.count('data-figure="figure-') == 6
    assert page.count("vendor/plotly.min") == 1  # plotly.js once, from our own static files
    assert not EXTERNAL.search(page)  # every script and style from our own static files


@pytest.mark.django_db
def test_progress_report_names_the_other_person_in_the_clients_words(logged_in, therapist):
    husband = factories.ClientFactory(
        primary_therapist=therapist, other_person="husband", focus_areas=["betrayal"]
    )
    _history(husband, 20)  # charge +2 and mind space 40 at each check-in
    page = logged_in.get(
        reverse("client-progress", args=[husband.pk]), {"window": "4w"}
    ).content.decode()
    assert ">Charge toward their husband</h2>" in page
    assert "The charge toward their husband was on the side of love or longing" in page
    assert "Their husband took up about 40% of the day, fairly steady." in page
    charge = page.split('id="figure-charge">')[1].split("</script>")[0]
    assert "Charge toward their husband: +2, love or longing" in charge
    assert "love or longing +5" in charge and "anger or resentment −5" in charge
    space = page.split('id="figure-mind_space">')[1].split("</script>")[0]
    assert "thoughts of their husband" in space
    assert "the other person" not in page


@pytest.mark.django_db
def test_empty_window_says_so(logged_in, client_record):
    page = logged_in.get(reverse("client-progress", args=[client_record.pk])).content.decode()
    assert page.count("No data in this window.") == 6
    assert "No check-ins over the last 4 weeks." in page  # no session yet


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGES)
def test_other_therapist_and_other_clinic_get_404(
    client, client_record, other_therapist, other_clinic_therapist, page_name
):
    for outsider in (other_therapist, other_clinic_therapist):
        client.force_login(outsider.user)
        response = client.get(reverse(page_name, args=[client_record.pk]))
        assert response.status_code == 404
        assert client_record.label not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGES)
def test_client_user_is_refused_and_anonymous_sent_to_login(client, client_record, page_name):
    url = reverse(page_name, args=[client_record.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(client_record.user)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_caseload_puts_open_alerts_first_then_stuck_then_silent(logged_in, therapist):
    now = timezone.now()
    calm = factories.ClientFactory(primary_therapist=therapist, label="A calm")
    factories.CheckInFactory(client=calm, occurred_at=now - dt.timedelta(days=1))
    silent = factories.ClientFactory(primary_therapist=therapist, label="B silent")
    factories.CheckInFactory(client=silent, occurred_at=now - dt.timedelta(days=12))
    stuck = factories.ClientFactory(primary_therapist=therapist, label="C stuck")
    resentful = stuck.clinic.emotion_labels.get(code="resentful")
    for n in range(4):
        check_in = factories.CheckInFactory(
            client=stuck, occurred_at=now - dt.timedelta(days=4 - n)
        )
        factories.CheckInEmotionFactory(check_in=check_in, label=resentful, intensity=8)
    alerted = factories.ClientFactory(primary_therapist=therapist, label="D alert")
    factories.CheckInFactory(client=alerted, occurred_at=now - dt.timedelta(hours=3))
    factories.AlertFactory(client=alerted)
    page = logged_in.get("/").content.decode()
    order = [page.index(label) for label in ("D alert", "C stuck", "B silent", "A calm")]
    assert order == sorted(order)
    assert "Resentful has led 4 check-ins in a row" in page
    assert "No check-in for 12 days" in page
    assert "Safety: answered yes at " in page


@pytest.mark.django_db
def test_caseload_filters_by_status_and_focus(logged_in, therapist):
    factories.ClientFactory(
        primary_therapist=therapist, label="Betrayal one", focus_areas=["betrayal"]
    )
    factories.ClientFactory(primary_therapist=therapist, label="Grief one", focus_areas=["grief"])
    factories.ClientFactory(
        primary_therapist=therapist, label="Paused one", status=Client.Status.PAUSED
    )
    page = logged_in.get("/", {"focus": "betrayal"}).content.decode()
    assert "Betrayal one" in page and "Grief one" not in page
    page = logged_in.get("/", {"status": "paused"}).content.decode()
    assert "Paused one" in page and "Betrayal one" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("clients", [5, 200])
def test_caseload_queries_do_not_grow_with_clients(
    logged_in, therapist, django_assert_max_num_queries, clients
):
    for _ in range(clients):
        client = factories.ClientFactory(primary_therapist=therapist)
        factories.CheckInEmotionFactory(check_in=factories.CheckInFactory(client=client))
        factories.AssignmentFactory(client=client)
    # One of them asks whether e-mail to this therapist is late; six read the outcome
    # measures (responses, cut-offs, and what is due: schedules, answers, sessions, cut-offs).
    with django_assert_max_num_queries(23):
        response = logged_in.get("/")
    assert response.content.decode().count("priority-") == clients


@pytest.mark.django_db
@pytest.mark.parametrize("days", [10, 120])
def test_prep_report_queries_do_not_grow_with_days(
    logged_in, client_record, django_assert_max_num_queries, days
):
    _history(client_record, days)
    # + 6 for the Measures part: responses, cut-offs, and what is due (four).
    with django_assert_max_num_queries(28 + 6):
        response = logged_in.get(reverse("client-prep", args=[client_record.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("days", [10, 365])
def test_progress_report_queries_do_not_grow_with_days(
    logged_in, client_record, django_assert_max_num_queries, days
):
    _history(client_record, days)
    # 22 for the report; 7 for its Measures section: the episode's responses, the clinic's
    # cut-offs, the schedules, and what is due (schedules, answers, sessions, cut-offs).
    with django_assert_max_num_queries(29):
        response = logged_in.get(
            reverse("client-progress", args=[client_record.pk]), {"window": "all"}
        )
    assert response.status_code == 200


@pytest.mark.django_db
def test_progress_report_runs_the_same_queries_for_ten_days_and_a_year(logged_in, therapist):
    counted = []
    for days in (10, 365):
        client_record = factories.ClientFactory(primary_therapist=therapist)
        _history(client_record, days)
        url = reverse("client-progress", args=[client_record.pk])
        logged_in.get(url, {"window": "all"})  # the session settles on the first page
        with CaptureQueriesContext(connection) as queries:
            assert logged_in.get(url, {"window": "all"}).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]


@pytest.mark.django_db
def test_what_to_talk_about_is_listed_newest_first_on_the_clinics_days(logged_in, therapist):
    therapist.clinic.time_zone = "America/Los_Angeles"
    therapist.clinic.save()
    client_record = factories.ClientFactory(primary_therapist=therapist)
    late = dt.datetime(2026, 11, 26, 6, 30, tzinfo=dt.UTC)  # 22:30 on the 25th there
    factories.CheckInFactory(
        client=client_record, occurred_at=late, wants_to_discuss=True, note="the <letter>"
    )
    factories.CheckInFactory(
        client=client_record,
        occurred_at=late - dt.timedelta(days=3),
        distress=None,
        safety_concern=True,
    )
    factories.CheckInFactory(client=client_record, occurred_at=late - dt.timedelta(days=1))
    with time_machine.travel(late + dt.timedelta(hours=2), tick=False):
        page = logged_in.get(
            reverse("client-progress", args=[client_record.pk]), {"window": "4w"}
        ).content.decode()
    quotes = page[page.index('id="h-discuss"') : page.index('id="h-assign"')]
    assert quotes.count("<blockquote>") == 2
    assert quotes.index("the &lt;letter&gt;") < quotes.index("(no note)")  # newest first
    assert "Wed 25 Nov · distress" in quotes  # the clinic's day, not UTC's Thursday
    assert "Sun 22 Nov · <strong" in quotes and "safety answer: yes" in quotes


@pytest.mark.django_db
def test_follow_up_assign_pause_end_from_the_page(logged_in, therapist, client_record):
    alert = factories.AlertFactory(client=client_record)
    url = reverse("client-progress", args=[client_record.pk])
    logged_in.post(reverse("alert-page-follow-up", args=[alert.pk]), {"action": "contacted"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist.user
    exercise = client_record.clinic.exercises.first()
    response = logged_in.post(
        reverse("client-assignment-add", args=[client_record.pk]),
        {
            "exercise": exercise.pk,
            "schedule": "weekly",
            "times_per_week": 3,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response["Location"] == url
    assignment = Assignment.objects.get(client=client_record)
    status_url = reverse("client-assignment-status", args=[client_record.pk, assignment.pk])
    logged_in.post(status_url, {"status": "paused"})
    assignment.refresh_from_db()
    assert assignment.status == "paused"
    logged_in.post(status_url, {"status": "ended"})
    assignment.refresh_from_db()
    assert assignment.status == "ended" and assignment.ends_on is not None


@pytest.mark.django_db
def test_bad_assignment_from_the_page_is_explained_and_nothing_is_stored(logged_in, client_record):
    response = logged_in.post(
        reverse("client-assignment-add", args=[client_record.pk]),
        {
            "exercise": client_record.clinic.exercises.first().pk,
            "schedule": "weekly",
            "starts_on": "2026-01-01",
        },
        follow=True,
    )
    assert "The exercise was not assigned" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_other_therapist_cannot_act_on_the_client(
    client, other_therapist, other_clinic_therapist, client_record
):
    alert = factories.AlertFactory(client=client_record)
    client_record.user.set_unusable_password()
    client_record.user.save(update_fields=["password"])
    for outsider in (other_therapist, other_clinic_therapist):
        client.force_login(outsider.user)
        response = client.post(
            reverse("alert-page-follow-up", args=[alert.pk]), {"action": "contacted"}
        )
        assert response.status_code == 404
        resend = client.post(reverse("client-invitation-resend", args=[client_record.pk]))
        assert resend.status_code == 404
    assert Alert.objects.get(pk=alert.pk).is_open
    assert not mail.outbox


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC))
def test_schedule_and_mark_sessions(logged_in, client_record):
    logged_in.post(
        reverse("client-session-add", args=[client_record.pk]),
        {"day": "2026-12-01", "at": "10:00", "mode": "virtual", "duration_minutes": 50},
    )
    session = Session.objects.get(client=client_record)
    assert session.mode == "virtual"
    assert session.starts_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin
    status_url = reverse("client-session-status", args=[client_record.pk, session.pk])
    # not yet begun: it cannot have been held
    page = logged_in.post(status_url, {"status": "completed"}, follow=True).content.decode()
    assert "once it has begun" in page
    logged_in.post(status_url, {"status": "cancelled"})
    session.refresh_from_db()
    assert session.status == "cancelled"
    logged_in.post(status_url, {"status": "scheduled"})  # undo
    session.refresh_from_db()
    assert session.status == "scheduled"
    # the same time twice is explained, not a crash
    page = logged_in.post(
        reverse("client-session-add", args=[client_record.pk]),
        {"day": "2026-12-01", "at": "10:00", "mode": "virtual", "duration_minutes": 50},
        follow=True,
    ).content.decode()
    assert "This overlaps your session with" in page
    assert Session.objects.filter(client=client_record).count() == 1


@pytest.mark.django_db
def test_new_client_gets_an_invitation_without_health_information(
    logged_in, therapist, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            reverse("client-new"),
            {
                "label": "Robin K.",
                "email": "robin@example.org",
                "time_zone": "Europe/Berlin",
                "focus_areas": ["betrayal"],
            },
        )
    new = Client.objects.get(label="Robin K.")
    assert response["Location"] == reverse("client-progress", args=[new.pk])
    assert new.primary_therapist == therapist and new.focus_areas == ["betrayal"]
    assert not new.user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["robin@example.org"]
    assert "Robin" not in message.body and "betrayal" not in message.body.lower()
    link = next(word for word in message.body.split() if "/accounts/set-password/" in word)
    path = link.split("http://127.0.0.1:8000", 1)[1]
    client.logout()
    form_page = client.get(path, follow=True)
    assert "Choose your password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fresh-long-password", "new_password2": "a-fresh-long-password"},
        follow=True,
    )
    assert "Your password is saved" in done.content.decode()
    assert User.objects.get(email="robin@example.org").check_password("a-fresh-long-password")
    # the link works once
    assert "This link has been used" in client.get(path, follow=True).content.decode()


@pytest.mark.django_db
def test_new_client_with_a_taken_email_is_refused_on_the_form(logged_in, client_record):
    response = logged_in.post(
        reverse("client-new"),
        {"label": "Someone", "email": client_record.user.email, "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert "cannot be used for a new account" in response.content.decode()
    assert not Client.objects.filter(label="Someone").exists()


@pytest.mark.django_db
def test_invitation_can_be_sent_again_until_a_password_is_chosen(
    logged_in, client_record, django_capture_on_commit_callbacks
):
    url = reverse("client-invitation-resend", args=[client_record.pk])
    client_record.user.set_unusable_password()
    client_record.user.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(url)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [client_record.user.email]
    client_record.user.set_password("a-chosen-long-password")
    client_record.user.save(update_fields=["password"])
    page = logged_in.post(url, follow=True).content.decode()
    assert "chosen a password already" in page
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"window": "custom", "since": "2026-03-10", "until": "2026-03-01"},
        {"window": "custom", "since": "2026-03-10"},
        {"since": "not-a-date"},
        {"window": "fortnight"},
    ],
)
def test_unusable_windows_are_explained_and_fall_back(logged_in, client_record, params):
    response = logged_in.get(reverse("client-progress", args=[client_record.pk]), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be read" in page or "Custom dates need a start and an end" in page
    assert "Last 4 weeks" in page  # what is shown instead (no session yet)


# --- the charts, without the database ---------------------------------------------
CHART_NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
# Twelve weeks, the last check-in 12 days ago; distress rose in the 4 weeks up to now.
QUIET_END = [
    *[(82, 8), (75, 9), (68, 8), (61, 8), (54, 9), (47, 8), (40, 9), (36, 9), (32, 8)],
    *[(28, 7), (24, 8), (20, 8), (16, 9), (12, 9)],  # the last 4 weeks of the window
]


def _chart_window(last_day: dt.date) -> m.Window:
    points = tuple(
        m.CheckInPoint(CHART_NOW - dt.timedelta(days=days), value, (("sad", 5),))
        for days, value in QUIET_END
    )
    return m.Window(dt.date(2025, 12, 26), last_day, points, (), ())


def _charts(window: m.Window, **until) -> dict:
    summary = m.summarize(window)
    found = report_pages.charts(
        window, summary, [], {}, "over the last 12 weeks", ZoneInfo("UTC"), **until
    )
    return {chart.key: chart for chart in found}


@time_machine.travel(CHART_NOW, tick=False)
def test_a_long_windows_last_weeks_are_counted_back_from_the_windows_end():
    ending_now = _chart_window(CHART_NOW.date())
    reading = _charts(ending_now)["distress"].reading
    assert reading == _charts(ending_now, until=CHART_NOW)["distress"].reading
    # as the 4-week window ending now reads them: "rose from about 7.2 to 9"
    assert reading.endswith("In the last 4 weeks of this window, it rose from about 7.2 to 9.")
    # custom dates that ended earlier: counted back from the end of their last day
    last_day = (CHART_NOW - dt.timedelta(days=12)).date()
    ended = _chart_window(last_day)
    end_of_day = dt.datetime.combine(last_day, dt.time.max, tzinfo=dt.UTC)
    for key in ("distress", "charge", "mind_space", "compassion"):
        assert _charts(ended)[key].reading == _charts(ended, until=end_of_day)[key].reading


def test_the_exercises_table_shows_the_mean_drop_the_reading_quotes():
    plan = m.AssignmentPlan(1, "Breathing", "daily", starts_on=dt.date(2026, 3, 1))
    # 7 done, 5 planned; before 48/7 = 6.86 and after 36/7 = 5.14, shown as 6.9 and
    # 5.1: a drop of 1.8, though 1.71 apart unrounded
    completions = [
        m.CompletionPoint(1, "Breathing", dt.date(2026, 3, 2 + n % 5), before, after)
        for n, (before, after) in enumerate([(7, 5)] * 6 + [(6, 6)])
    ]
    window = m.Window(dt.date(2026, 3, 2), dt.date(2026, 3, 6), (), (plan,), tuple(completions))
    chart = _charts(window, until=CHART_NOW)["exercises"]
    assert chart.table_headers[-3:] == ["Mean distress before", "Mean distress after", "Mean drop"]
    assert chart.table_rows == [["Breathing", 7, 5, "6.9", "5.1", "1.8"]]
    assert chart.reading == (
        "Did 5 of about 5 planned exercises (100%). 2 more were done beyond the plan. "
        "“Breathing” eased distress by 1.8 on average (done 7 times)."
    )
