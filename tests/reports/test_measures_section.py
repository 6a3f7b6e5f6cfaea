"""The Measures section of the progress report, its schedules, paper-form entry and a
response's answers: for the treating therapist, and a 404 for everyone else."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.measures.models import ClinicInstrument, MeasureResponse, MeasureSchedule
from clients.measures.services import client_today
from clients.models import Alert
from clinic.models import Session
from tests import factories


@pytest.fixture
def logged_in(client, therapist):
    client.force_login(therapist.user)
    return client


@pytest.fixture
def record(client_record):
    """A client in treatment for ten weeks."""
    client_record.started_on = timezone.localdate() - dt.timedelta(weeks=10)
    client_record.save(update_fields=["started_on"])
    return client_record


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def phq9(record, total_of_threes: int, days: int, **extra) -> MeasureResponse:
    """A PHQ-9 with ``total_of_threes`` items at 3 and the rest at 0, item 9 at 0."""
    answers = factories.measure_answers("phq9", 0)
    for code in ["1", "2", "3", "4", "5", "6", "7", "8"][:total_of_threes]:
        answers[code] = 3
    return factories.measure_response(
        record, "phq9", answers=answers, completed_at=days_ago(days), **extra
    )


def progress(logged_in, record) -> str:
    return logged_in.get(reverse("client-progress", args=[record.pk])).content.decode()


def measure(page: str, code: str) -> str:
    start = page.index(f'data-measure="{code}"')
    return page[start : page.index("</details>", start)]


def last_row(html: str) -> list[str]:
    row = html.split("<tr>")[-1]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("<td>")[1:]]


# --- the section ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_section_charts_reads_and_tabulates_each_measure(logged_in, therapist, record):
    first = phq9(record, 5, days=60)  # 15, moderately severe; 6 points down is reliable
    phq9(record, 3, days=30, entered_by=therapist.user)  # 9, mild, from a paper form
    factories.measure_response(record, "gad7", completed_at=days_ago(20))
    factories.SessionFactory(client=record, starts_at=days_ago(40), status=Session.Status.COMPLETED)
    page = progress(logged_in, record)
    assert '<section id="measures"' in page
    assert 'data-measure="phq9"' in page and 'data-measure="gad7"' in page
    assert 'data-measure="pcl5"' not in page  # no scores, no chart
    phq = measure(page, "phq9")
    assert (
        "PHQ-9 fell from 15, moderately severe, to 9, mild: reliable improvement and recovery."
    ) in phq
    assert 'data-figure="figure-measure-phq9"' in phq
    figure = phq.split('id="figure-measure-phq9">')[1].split("</script>")[0]
    assert '"Session"' in figure and '"Cut-off for a case (10 or more)"' in figure
    # the score from the paper form is told apart on the chart too, not only in the table
    # (it is also the reliably better score: the line's hover, the star's, and the legend)
    assert figure.count("Entered by staff from a paper form") == 3
    assert "Entered by staff" not in figure_of(measure(page, "gad7"), "gad7")
    # newest last: the last row is the latest total, marked as entered by staff
    when, total, band, entered = last_row(phq)
    assert (total, band) == ("9", "mild")
    assert "staff" in entered and therapist.user.get_full_name() in entered
    first_row = phq.split("<tbody>")[1].split("</tr>")[0]
    assert "the client" in first_row and f"/responses/{first.pk}/" in first_row
    latest = MeasureResponse.objects.filter(client=record, instrument="phq9").latest("completed_at")
    link = reverse("client-measure-response", args=[record.pk, latest.pk])
    assert f'href="{link}">Answers of the latest PHQ-9' in phq


@pytest.mark.django_db
def test_the_itq_charts_two_sums_and_names_its_diagnosis(logged_in, record):
    answers = factories.measure_answers("itq", 3)  # every criterion met: complex PTSD
    factories.measure_response(record, "itq", answers=answers, completed_at=days_ago(5))
    section = measure(progress(logged_in, record), "itq")
    assert "The latest answers meet the criteria for provisional complex PTSD (ICD-11)." in section
    figure = section.split('id="figure-measure-itq">')[1].split("</script>")[0]
    assert '"name":"PTSD symptoms"' in figure and "Cut-off" not in figure
    assert last_row(section)[1:4] == ["18", "18", "provisional complex PTSD (ICD-11)"]


def figure_of(section: str, code: str) -> str:
    return section.split(f'id="figure-measure-{code}">')[1].split("</script>")[0]


@pytest.mark.django_db
def test_with_gad7_reliably_worse_the_phq9_chart_shows_no_star_its_reading_denies(
    logged_in, record
):
    phq9(record, 5, days=60)  # 15
    phq9(record, 3, days=30)  # 9: 6 points down, reliable on its own
    factories.measure_response(record, "gad7", completed_at=days_ago(60))  # 0
    gad = factories.measure_answers("gad7", 1)  # 7: 7 points up, 4 reliable
    factories.measure_response(record, "gad7", answers=gad, completed_at=days_ago(30))
    page = progress(logged_in, record)
    phq = measure(page, "phq9")
    assert "not counted as reliable improvement while GAD-7 reliably deteriorated" in phq
    assert "Reliable improvement" not in figure_of(phq, "phq9")
    assert "Reliable deterioration (4 points or more)" in figure_of(measure(page, "gad7"), "gad7")
    # a clinic that reads the PHQ-9 on its own: the improvement counts, and is starred
    ClinicInstrument.objects.create(clinic=record.clinic, instrument="phq9", paired=False)
    phq = measure(progress(logged_in, record), "phq9")
    assert "reliable improvement and recovery" in phq
    assert "Reliable improvement (6 points or more)" in figure_of(phq, "phq9")


@pytest.mark.django_db
def test_a_past_score_keeps_the_band_it_was_stored_with(logged_in, record):
    response = phq9(record, 5, days=30)  # 15, moderately severe by today's definition
    MeasureResponse.objects.filter(pk=response.pk).update(band="severe")  # as scored then
    section = measure(progress(logged_in, record), "phq9")
    assert last_row(section)[1:3] == ["15", "severe"]
    assert "One PHQ-9 score so far: 15, severe." in section
    page = logged_in.get(reverse("client-measure-response", args=[record.pk, response.pk]))
    assert "moderately severe" not in page.content.decode()


@pytest.mark.django_db
def test_without_responses_the_section_says_so(logged_in, record):
    page = progress(logged_in, record)
    assert '<section id="measures"' in page
    assert "No measures completed in this episode yet." in page
    assert "data-measure=" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("responses", [1, 30])
def test_the_section_costs_the_same_queries_for_one_response_or_many(
    logged_in, record, django_assert_max_num_queries, responses
):
    for n in range(responses):
        phq9(record, n % 6, days=60 - n)
        factories.measure_response(record, "itq", completed_at=days_ago(60 - n))
    factories.MeasureScheduleFactory(client=record)
    factories.SessionFactory(client=record, starts_at=days_ago(3), status="completed")
    # As the report without responses; + 1: the EMDR section looks for targets.
    with django_assert_max_num_queries(30):
        page = progress(logged_in, record)
    assert page.count("/measures/responses/") == 2 * responses + 2


# --- schedules --------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_schedule_is_set_listed_and_stopped(logged_in, therapist, record):
    url = reverse("client-measure-schedule", args=[record.pk])
    back = reverse("client-progress", args=[record.pk]) + "#measures"
    today = timezone.localdate()
    response = logged_in.post(url, {"instrument": "phq9", "cadence": "every_2_weeks"})
    assert response.status_code == 302 and response["Location"] == back
    schedule = MeasureSchedule.objects.get(client=record)
    assert (schedule.instrument, schedule.cadence, schedule.starts_on, schedule.ends_on) == (
        "phq9",
        "every_2_weeks",
        today,
        None,
    )
    assert schedule.created_by == therapist.user
    page = logged_in.get(back).content.decode()
    assert "PHQ-9: every 2 weeks, from" in page  # the message
    assert "PHQ-9, due since" in page  # due from its first day
    assert reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk]) in page
    # the same instrument again changes the one schedule
    logged_in.post(url, {"instrument": "phq9", "cadence": "weekly"})
    assert MeasureSchedule.objects.get(client=record).cadence == "weekly"
    stop = reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk])
    response = logged_in.post(stop)
    assert response.status_code == 302 and response["Location"] == back
    schedule.refresh_from_db()
    assert schedule.stopped_at is not None
    page = logged_in.get(back).content.decode()
    assert "PHQ-9 is no longer asked for." in page
    assert stop not in page  # nothing left to stop
    assert "PHQ-9, due since" not in page  # not due for the rest of the day either


@pytest.mark.django_db
def test_due_since_is_the_day_in_the_clients_calendar_as_the_caseload_says_it(logged_in, record):
    # Midnight in Auckland is the day before, around noon, in the clinic's Berlin.
    record.time_zone = "Pacific/Auckland"
    record.save(update_fields=["time_zone"])
    theirs = client_today(record)
    factories.MeasureScheduleFactory(
        client=record, instrument="phq9", cadence="once", starts_on=theirs
    )
    page = progress(logged_in, record)
    assert f"PHQ-9, due since {date_format(theirs, 'D j M')}" in page
    day_before = date_format(theirs - dt.timedelta(days=1), "D j M")
    assert f"PHQ-9, due since {day_before}" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"instrument": "phq9", "cadence": "daily"}, "When: Select a valid choice."),
        ({"instrument": "nope", "cadence": "weekly"}, "Measure: Select a valid choice."),
        (
            {
                "instrument": "phq9",
                "cadence": "weekly",
                "starts_on": "2030-01-10",
                "ends_on": "2030-01-01",
            },
            "The last day comes on or after the first.",
        ),
        (
            {"instrument": "phq9", "cadence": "weekly", "starts_on": "soon"},
            "From: Enter a valid date.",
        ),
    ],
)
def test_a_bad_schedule_is_explained_and_nothing_is_stored(logged_in, record, data, words):
    url = reverse("client-measure-schedule", args=[record.pk])
    response = logged_in.post(url, data, follow=True)
    page = response.content.decode()
    assert "The schedule was not saved." in page and words in page
    assert not MeasureSchedule.objects.exists()


@pytest.mark.django_db
def test_only_the_clinics_measures_can_be_scheduled_or_entered(logged_in, record):
    ClinicInstrument.objects.create(clinic=record.clinic, instrument="pcl5", enabled=False)
    page = progress(logged_in, record)
    form = page.split('action="' + reverse("client-measure-schedule", args=[record.pk]))[1]
    assert 'value="phq9"' in form.split("</form>")[0]
    assert 'value="pcl5"' not in form.split("</form>")[0]
    url = reverse("client-measure-schedule", args=[record.pk])
    logged_in.post(url, {"instrument": "pcl5", "cadence": "weekly"})
    assert not MeasureSchedule.objects.exists()
    enter = reverse("client-measure-enter", args=[record.pk])
    assert "PCL-5" not in logged_in.get(enter).content.decode()
    response = logged_in.post(enter, {"instrument": "pcl5", **answers_for("pcl5")})
    assert response.status_code == 400
    assert "This clinic does not use PCL-5." in response.content.decode()
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_discharged_clients_schedules_cannot_change(logged_in, record):
    schedule = factories.MeasureScheduleFactory(client=record, starts_on=record.started_on)
    record.status, record.discharged_on = "discharged", timezone.localdate()
    record.save(update_fields=["status", "discharged_on"])
    page = progress(logged_in, record)
    assert "Schedule a measure" not in page and "Enter a paper form" not in page
    assert reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk]) not in page
    url = reverse("client-measure-schedule", args=[record.pk])
    response = logged_in.post(url, {"instrument": "gad7", "cadence": "weekly"}, follow=True)
    assert "reactivate them to change their measures" in response.content.decode()
    logged_in.post(reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk]))
    schedule.refresh_from_db()
    assert schedule.ends_on is None and MeasureSchedule.objects.count() == 1
    enter = reverse("client-measure-enter", args=[record.pk])
    assert logged_in.get(enter).status_code == 302


@pytest.mark.django_db
def test_schedules_take_only_post(logged_in, record):
    schedule = factories.MeasureScheduleFactory(client=record)
    assert logged_in.get(reverse("client-measure-schedule", args=[record.pk])).status_code == 405
    stop = reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk])
    assert logged_in.get(stop).status_code == 405


# --- paper forms ------------------------------------------------------------------------
def answers_for(code: str, value: int = 1, **items) -> dict:
    answers = factories.measure_answers(code, value, **items)
    return {f"item_{item}": each for item, each in answers.items()}


def paper(code: str, when: dt.datetime | None = None, **fields) -> dict:
    moment = timezone.localtime(when or timezone.now() - dt.timedelta(hours=1))
    return {
        "instrument": code,
        "client_uuid": str(uuid.uuid4()),
        "completed_at": moment.strftime("%Y-%m-%dT%H:%M"),
        **fields,
    }


@pytest.mark.django_db
def test_the_entry_page_lists_every_measure_in_use_with_its_items(logged_in, record):
    page = logged_in.get(reverse("client-measure-enter", args=[record.pk])).content.decode()
    assert page.count("<details") == 4
    for code in ("phq9", "gad7", "pcl5", "itq"):
        assert f'<input type="hidden" name="instrument" value="{code}"' in page
    assert page.count('name="client_uuid"') == 4
    # the published wording, with each answer's value
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in page
    assert "Not at all (0)" in page and "Nearly every day (3)" in page
    assert "I feel worthless." in page and "Extremely (4)" in page
    assert "/phq9" not in page and "instrument=" not in page  # no code in any address


@pytest.mark.django_db
def test_a_paper_form_is_stored_as_entered_by_the_therapist_at_the_time_given(
    logged_in, therapist, record
):
    when = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=2)
    data = paper("phq9", when, **answers_for("phq9", 1, item_9=0), difficulty="1")
    url = reverse("client-measure-enter", args=[record.pk])
    response = logged_in.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("client-progress", args=[record.pk]) + "#measures"
    stored = MeasureResponse.objects.get(client=record)
    assert (stored.total, stored.band, stored.difficulty) == (8, "mild", 1)
    assert stored.entered_by == therapist.user and stored.completed_at == when
    assert stored.alert is None
    page = logged_in.get(response["Location"]).content.decode()
    assert "PHQ-9 entered from a paper form." in page
    assert last_row(measure(page, "phq9"))[3].startswith("staff")
    # the same form sent twice stores one response
    logged_in.post(url, data)
    assert MeasureResponse.objects.filter(client=record).count() == 1


@pytest.mark.django_db
def test_a_paper_form_with_item_9_above_0_raises_one_safety_alert(logged_in, record):
    url = reverse("client-measure-enter", args=[record.pk])
    response = logged_in.post(url, paper("phq9", **answers_for("phq9", 0, item_9=1)), follow=True)
    stored = MeasureResponse.objects.get(client=record)
    assert stored.alert.kind == Alert.Kind.SAFETY_CONCERN
    assert Alert.objects.filter(client=record).count() == 1
    assert "It raised a safety alert" in response.content.decode()


@pytest.mark.django_db
def test_missing_items_are_named_and_nothing_is_stored(logged_in, record):
    answers = answers_for("phq9")
    del answers["item_3"], answers["item_9"]
    url = reverse("client-measure-enter", args=[record.pk])
    response = logged_in.post(url, paper("phq9", **answers))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was stored." in page and "Items 3, 9 are not answered." in page
    assert "Answer item 3." in page and "Answer item 9." in page
    assert '<details class="card measure-entry" open>' in page  # the refused one, open
    # the answers given are kept
    assert 'name="item_1" value="1" id="id_phq9_item_1_1" checked' in page
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "words"),
    [
        (dt.timedelta(hours=2), "This time is in the future."),
        (-dt.timedelta(days=31), "This is more than 30 days ago."),
        (None, "Enter a valid date/time."),
    ],
)
def test_a_time_outside_the_check_in_window_is_refused(logged_in, record, when, words):
    data = paper("phq9", **answers_for("phq9"))
    if when is None:
        data["completed_at"] = "yesterday"
    else:
        data["completed_at"] = timezone.localtime(timezone.now() + when).strftime("%Y-%m-%dT%H:%M")
    response = logged_in.post(reverse("client-measure-enter", args=[record.pk]), data)
    assert response.status_code == 400 and words in response.content.decode()
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_an_answer_that_is_not_an_option_is_refused(logged_in, record):
    data = paper("gad7", **answers_for("gad7", item_2=7))
    response = logged_in.post(reverse("client-measure-enter", args=[record.pk]), data)
    assert response.status_code == 400
    assert "Select a valid choice. 7 is not one of the available choices." in (
        response.content.decode()
    )
    assert not MeasureResponse.objects.exists()


# --- a response's answers ---------------------------------------------------------------
@pytest.mark.django_db
def test_the_answers_are_shown_in_the_published_wording_and_item_9_at_0_as_the_answer(
    logged_in, record
):
    response = factories.measure_response(
        record, "phq9", answers=factories.measure_answers("phq9", 2, item_9=0), difficulty=2
    )
    url = reverse("client-measure-response", args=[record.pk, response.pk])
    page = logged_in.get(url).content.decode()
    nine = page.split('data-item="9"')[1].split("</tr>")[0]
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in nine
    assert "Not at all (0)" in nine
    assert "no risk" not in page.lower()
    one = page.split('data-item="1"')[1].split("</tr>")[0]
    assert "More than half the days (2)" in one
    assert "Very difficult (2)" in page.split('data-item="difficulty"')[1]
    assert "16, moderately severe" in page
    assert "Pfizer" in page  # the attribution goes with the wording


@pytest.mark.django_db
def test_a_positive_item_9_links_its_alert(logged_in, record):
    response = factories.measure_response(
        record, "phq9", answers=factories.measure_answers("phq9", 0, item_9=3)
    )
    page = logged_in.get(
        reverse("client-measure-response", args=[record.pk, response.pk])
    ).content.decode()
    assert "Nearly every day (3)" in page.split('data-item="9"')[1].split("</tr>")[0]
    assert reverse("alert-page", args=[response.alert_id]) in page


# --- everyone else ----------------------------------------------------------------------
@pytest.mark.django_db
def test_other_therapist_and_other_clinic_get_404_on_every_view(
    client, record, other_therapist, other_clinic_therapist
):
    response = factories.measure_response(record, "phq9")
    schedule = factories.MeasureScheduleFactory(client=record)
    gets = [
        reverse("client-measure-enter", args=[record.pk]),
        reverse("client-measure-response", args=[record.pk, response.pk]),
    ]
    posts = [
        (
            reverse("client-measure-schedule", args=[record.pk]),
            {"instrument": "gad7", "cadence": "weekly"},
        ),
        (reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk]), {}),
        (reverse("client-measure-enter", args=[record.pk]), paper("gad7", **answers_for("gad7"))),
    ]
    for outsider in (other_therapist, other_clinic_therapist):
        client.force_login(outsider.user)
        for url in gets:
            assert client.get(url).status_code == 404
        for url, data in posts:
            assert client.post(url, data).status_code == 404
    assert MeasureResponse.objects.count() == 1 and MeasureSchedule.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.ends_on is None


@pytest.mark.django_db
def test_another_clients_response_or_schedule_is_404_under_my_client(logged_in, therapist, record):
    mine_too = factories.ClientFactory(primary_therapist=therapist)
    response = factories.measure_response(mine_too, "phq9")
    schedule = factories.MeasureScheduleFactory(client=mine_too)
    assert (
        logged_in.get(reverse("client-measure-response", args=[record.pk, response.pk])).status_code
        == 404
    )
    stop = reverse("client-measure-schedule-stop", args=[record.pk, schedule.pk])
    assert logged_in.post(stop).status_code == 404


@pytest.mark.django_db
def test_the_client_is_refused_and_anonymous_sent_to_login(client, record):
    response = factories.measure_response(record, "phq9")
    url = reverse("client-measure-response", args=[record.pk, response.pk])
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(record.user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("client-measure-enter", args=[record.pk])).status_code == 403


@pytest.mark.django_db
def test_a_corrected_paper_form_sent_again_is_said_and_can_be_stored_not_dropped(logged_in, record):
    url = reverse("client-measure-enter", args=[record.pk])
    first = paper("phq9", **answers_for("phq9", 0))
    logged_in.post(url, first)
    corrected = {**first, **answers_for("phq9", 0, item_9=3)}  # Back, item 9 changed, sent
    refused = logged_in.post(url, corrected)
    page = refused.content.decode()
    assert refused.status_code == 400 and "already entered with other answers" in page
    new_uuid = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', page).group(1)
    assert new_uuid != first["client_uuid"]
    assert logged_in.post(url, {**corrected, "client_uuid": new_uuid}).status_code == 302
    assert MeasureResponse.objects.filter(client=record).count() == 2
    assert Alert.objects.filter(client=record).count() == 1


@pytest.mark.django_db
def test_a_schedule_day_far_from_today_is_refused_naming_the_field(logged_in, record):
    url = reverse("client-measure-schedule", args=[record.pk])
    data = {"instrument": "phq9", "cadence": "weekly", "starts_on": "0026-01-01"}
    page = logged_in.post(url, data, follow=True).content.decode()
    assert (
        "The schedule was not saved." in page and "From: Choose a day within the last year." in page
    )
    assert not MeasureSchedule.objects.filter(client=record).exists()
