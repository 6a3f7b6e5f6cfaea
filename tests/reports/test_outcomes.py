"""The clinic outcomes page and its CSV: who reaches them, what they say, what they cost."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from clients.measures.models import MeasureResponse
from clinic.models import User
from tests import factories
from tests.clients.measures.test_outcomes import client_of, scored

BERLIN = ZoneInfo("Europe/Berlin")
PERIOD = {"start": "2026-01-01", "end": "2026-11-30"}
PAGE, CSV = reverse("outcomes"), reverse("outcomes-csv")


@pytest.fixture
def admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def practice(therapist, other_therapist, other_clinic_therapist):
    """Six clients of ``therapist``, one of a colleague, one elsewhere."""
    mine = [client_of(therapist) for _ in range(6)]
    for client, totals in zip(
        mine,
        [(17, 9), (20, 14), (11, 9), (15, 15), (10, 4), (9, 15)],
        strict=True,
    ):
        scored(client, "phq9", *totals)
    colleague = client_of(other_therapist)
    scored(colleague, "phq9", 5, 7)
    elsewhere = client_of(other_clinic_therapist)
    scored(elsewhere, "phq9", 20, 2)
    return [*mine, colleague, elsewhere]


def labels(clients) -> list[str]:
    return [client.label for client in clients]


# --- Who reaches the page ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_therapist_sees_their_own_clients_figures(client, therapist, practice):
    client.force_login(therapist.user)
    page = client.get(PAGE, PERIOD).content.decode()
    assert (
        "These are the figures of your own clients for the period from 1 January 2026 to " in page
    )
    # Six clients: 3 of 6 reliably improved, 3 of the 5 who were a case recovered, 2 reliably.
    assert "50% (3 of n = 6)" in page
    assert "60% (3 of n = 5)" in page
    assert "40% (2 of n = 5)" in page
    assert "17% (1 of n = 6)" in page
    assert "1 client not a case at the first score: not applicable" in page
    assert "By therapist" not in page
    assert (
        "Change is judged within the chosen period only: from each client's first score "
        "in the period to their last score in it, not from the start of their treatment."
    ) in page
    assert "A score dated before the client's treatment began is not counted." in page
    assert not any(label in page for label in labels(practice))


@pytest.mark.django_db
def test_a_clinic_admin_sees_the_clinic_then_each_therapist(
    client, admin, therapist, other_therapist, practice
):
    client.force_login(admin)
    response = client.get(PAGE, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "These are the clinic's figures for the period from 1 January 2026" in page
    assert "43% (3 of n = 7)" in page  # seven clients of the clinic, not the eighth elsewhere
    assert f"Clients of {escape(therapist.display_name)}" in page
    assert f"Clients of {escape(other_therapist.display_name)}" in page
    # The colleague's single client, not a case at the first score: shown all the same.
    assert "0% (0 of n = 1)" in page
    assert "n = 0" in page  # recovery over nobody
    assert "not shown" not in page and "withheld" not in page
    assert "A fall of 6 points or more from the first score in the period to the last." in page
    assert "ITQ, PTSD symptoms" in page and "No published criterion (n = 0)" in page
    assert not any(label in page for label in labels(practice))


@pytest.mark.django_db
def test_the_nav_offers_outcomes_to_therapists_and_clinic_admins_only(
    client, admin, therapist, client_record
):
    for user, offered in ((therapist.user, True), (admin, True), (client_record.user, False)):
        client.force_login(user)
        home = client.get(reverse("home"), follow=True).content.decode()
        assert (f'href="{PAGE}"' in home) is offered


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_clients_and_operators_are_refused_and_strangers_sent_to_sign_in(
    client, client_record, url
):
    operator = User.objects.create_superuser("operator@example.org", "a-long-password")
    for user in (client_record.user, operator):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_bad_date_is_400_in_words_with_the_form_to_mend_it(client, therapist):
    client.force_login(therapist.user)
    response = client.get(PAGE, {"start": "2026-02-30", "end": "2026-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The start date could not be read: give it as year-month-day" in page
    assert 'value="2026-02-30"' in page
    response = client.get(PAGE, {"start": "2026-06-01", "end": "2026-01-01"})
    assert "The end date is before the start date." in response.content.decode()
    response = client.get(CSV, {"end": "tomorrow"})
    assert response.status_code == 400
    assert "The end date could not be read" in response.content.decode()


@pytest.mark.django_db
def test_the_default_period_is_the_last_twelve_months(client, therapist):
    client.force_login(therapist.user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["report"].period.end - response.context["report"].period.start == (
        dt.timedelta(days=364)
    )


# --- The CSV ---------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_the_csv_has_a_header_and_a_row_per_measure_and_per_therapist(
    client, admin, therapist, other_therapist, practice
):
    client.force_login(admin)
    response = client.get(CSV, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="outcomes-2026-01-01-to-2026-11-30.csv"'
    )
    header, *body = read_csv(response)
    assert header[:8] == [
        "Period start",
        "Period end",
        "Clients of",
        "Measure",
        "Reliable change (points)",
        "Caseness cut-off",
        "Read beside",
        "Clients with two or more scores",
    ]
    assert header[8:11] == [
        "Reliable improvement: n",
        "Reliable improvement: clients",
        "Reliable improvement: %",
    ]
    # Five measured numbers (PHQ-9, GAD-7, PCL-5, ITQ's two sub-scales) for the clinic
    # and for each of its two therapists.
    assert len(body) == 15
    rows = {(row[2], row[3]): row for row in body}
    clinic_phq9 = rows["The whole clinic", "PHQ-9"]
    assert clinic_phq9[:8] == [
        "2026-01-01",
        "2026-11-30",
        "The whole clinic",
        "PHQ-9",
        "6",
        "10",
        "GAD-7",
        "7",
    ]
    assert clinic_phq9[8:] == ["7", "3", "43", "5", "3", "60", "5", "2", "40", "7", "1", "14", "2"]
    mine = rows[therapist.display_name, "PHQ-9"]
    assert mine[8:11] == ["6", "3", "50"]
    colleague = rows[other_therapist.display_name, "PHQ-9"]
    assert colleague[7:14] == ["1", "1", "0", "0", "0", "no clients", "no clients"]
    assert rows["The whole clinic", "GAD-7"][7:11] == ["0", "0", "no clients", "no clients"]
    itq = rows["The whole clinic", "ITQ, PTSD symptoms"]
    assert itq[8:11] == ["0", "no published criterion", "no published criterion"]
    text = response.content.decode()
    assert not any(label in text for label in labels(practice))


@pytest.mark.django_db
def test_a_therapists_csv_holds_their_own_clients_only(client, therapist, practice):
    client.force_login(therapist.user)
    _header, *body = read_csv(client.get(CSV, PERIOD))
    assert {row[2] for row in body} == {"My clients"}
    phq9 = next(row for row in body if row[3] == "PHQ-9")
    assert phq9[7] == "6"


@pytest.mark.django_db
def test_a_name_that_looks_like_a_formula_is_written_as_text(client, admin, therapist, practice):
    therapist.user.display_name = "=HYPERLINK(1)"
    therapist.user.save(update_fields=["display_name"])
    client.force_login(admin)
    _header, *body = read_csv(client.get(CSV, PERIOD))
    assert "'=HYPERLINK(1)" in {row[2] for row in body}


# --- What it costs -----------------------------------------------------------------------


def many_clients(therapists, count: int) -> None:
    """``count`` clients over the therapists, each with two PHQ-9 and two GAD-7 scores."""
    first = dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    clients = [client_of(therapists[n % len(therapists)]) for n in range(count)]
    MeasureResponse.objects.bulk_create(
        MeasureResponse(
            client=client,
            instrument=code,
            version=code,
            completed_at=first + dt.timedelta(weeks=week),
            answers={},
            total=total,
        )
        for n, client in enumerate(clients)
        for code, totals in (("phq9", (17, 9 + n % 10)), ("gad7", (12, 4 + n % 8)))
        for week, total in enumerate(totals)
    )


# The session, the user and their clinic, the clinic's cut-offs, the scores, the list of
# therapists (admin) or the therapist record (therapist), and the session's idle-timeout
# refresh (a savepoint, an update, a release): the same for any number of clients.
PAGE_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_a_clinic_admins_query_count_does_not_grow_with_clients(
    client, admin, therapist, other_therapist, django_assert_max_num_queries, count, url
):
    many_clients([therapist, other_therapist], count)
    client.force_login(admin)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url, PERIOD)
    assert response.status_code == 200
    if url == PAGE:
        assert response.context["report"].outcomes[0].clients == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 200])
def test_a_therapists_query_count_does_not_grow_with_clients(
    client, therapist, django_assert_max_num_queries, count
):
    many_clients([therapist], count)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(PAGE, PERIOD)
    assert response.context["report"].outcomes[0].clients == count
