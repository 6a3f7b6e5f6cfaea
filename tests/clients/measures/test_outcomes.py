"""Clinic outcomes: hand-worked aggregates (pure), the period asked for, who sees which
clients, and the API. The page and the CSV are in tests/reports/test_outcomes.py."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict

from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import ClinicInstrument
from clients.measures.outcomes import (
    Period,
    ScoreRow,
    before_treatment,
    client_changes,
    outcomes_for,
    outcomes_of,
    period_from,
    twelve_months_to,
)
from clients.measures.policies import policy_from
from clients.measures.selectors import series_for
from clinic.models import User
from tests import factories

PUBLISHED = {code: policy_from(each, None) for code, each in INSTRUMENTS.items()}
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = dt.date(2026, 12, 1)


def rows(**scores):
    """One client's rows, oldest first: ``rows(phq9=[17, 9], gad7=[5, 10])``."""
    return [
        ScoreRow(1, 1, code, total, None) for code, totals in scores.items() for total in totals
    ]


def itq_rows(*pairs):
    return [ScoreRow(1, 1, "itq", None, {"ptsd": ptsd, "dso": dso}) for ptsd, dso in pairs]


def outcome(per_client, code="phq9", charted="total", policy=PUBLISHED):
    found = outcomes_of([client_changes(r, policy) for r in per_client], policy)
    return next(o for o in found if o.instrument.code == code and o.charted == charted)


def counts(result):
    """(met, n) of each share, None where there is no criterion."""
    return {
        line.key: None if line.share is None else (line.share.met, line.share.n)
        for line in result.lines
    }


# --- Hand-worked aggregates ----------------------------------------------------------


def test_three_clients_one_reliable_recovery_one_not_a_case_one_deterioration():
    result = outcome(
        [
            rows(phq9=[17, 12, 9]),  # a case, then 9: 8 points down, below 10 (middle unused)
            rows(phq9=[5, 7]),  # not a case at baseline: recovery not applicable
            rows(phq9=[12, 19]),  # 7 points up: reliable deterioration, still a case
        ]
    )
    assert result.clients == 3
    assert counts(result) == {
        "reliable_improvement": (1, 3),
        "recovery": (1, 2),
        "reliable_recovery": (1, 2),
        "reliable_deterioration": (1, 3),
    }
    assert result.not_a_case_at_baseline == 1
    # However few the clients, every share is shown with its n.
    assert [line.n for line in result.lines] == [3, 2, 2, 3]
    assert [line.share.percent for line in result.lines] == [33, 50, 50, 33]


def test_a_share_over_no_clients_has_no_percentage():
    result = outcome([rows(phq9=[5, 7])])  # not a case at baseline: recovery over nobody
    assert counts(result)["recovery"] == (0, 0)
    assert result.recovery.percent is None
    assert result.reliable_improvement.percent == 0


def test_shares_from_five_clients_are_shown_as_rounded_percentages():
    result = outcome(
        [
            rows(phq9=[17, 9]),  # reliable recovery
            rows(phq9=[20, 14]),  # reliable improvement, still a case
            rows(phq9=[11, 9]),  # recovery, not reliable (2 points)
            rows(phq9=[15, 15]),  # no change
            rows(phq9=[10, 4]),  # reliable recovery at both edges: 10 is a case, 6 points
            rows(phq9=[9, 15]),  # not a case at baseline; reliable deterioration at 6 points
        ]
    )
    assert counts(result) == {
        "reliable_improvement": (3, 6),
        "recovery": (3, 5),
        "reliable_recovery": (2, 5),
        "reliable_deterioration": (1, 6),
    }
    assert [line.share.percent for line in result.lines] == [50, 60, 40, 17]
    assert result.not_a_case_at_baseline == 1


def test_percentages_round_halves_up():
    eight = [rows(phq9=[17, 9])] + [rows(phq9=[15, 15])] * 7
    assert outcome(eight).reliable_improvement.percent == 13  # 12.5


def test_five_points_on_phq9_and_three_on_gad7_are_not_reliable():
    assert counts(outcome([rows(phq9=[15, 10])]))["reliable_improvement"] == (0, 1)
    assert counts(outcome([rows(gad7=[12, 9])], "gad7"))["reliable_improvement"] == (0, 1)
    assert counts(outcome([rows(gad7=[12, 8])], "gad7"))["reliable_improvement"] == (1, 1)


def test_a_client_with_one_score_in_the_period_is_not_counted():
    result = outcome([rows(phq9=[17]), rows(phq9=[17, 9])])
    assert result.clients == 1


def test_phq9_improvement_with_gad7_reliably_worse_is_not_improvement():
    client = rows(phq9=[17, 9], gad7=[5, 10])
    phq9 = outcome([client])
    assert counts(phq9)["reliable_improvement"] == (0, 1)
    assert counts(phq9)["reliable_recovery"] == (0, 1)
    assert counts(phq9)["recovery"] == (1, 1)  # caseness alone: the pair does not move it
    assert counts(outcome([client], "gad7"))["reliable_deterioration"] == (1, 1)
    assert phq9.paired_with.code == "gad7"


def test_a_clinic_that_reads_phq9_alone_counts_the_improvement():
    unpaired = {
        **PUBLISHED,
        "phq9": policy_from(INSTRUMENTS["phq9"], ClinicInstrument(instrument="phq9", paired=False)),
    }
    result = outcome([rows(phq9=[17, 9], gad7=[5, 10])], policy=unpaired)
    assert counts(result)["reliable_improvement"] == (1, 1)
    assert result.paired_with is None


def test_the_clinics_own_cut_offs_are_used_and_named():
    stricter = {
        **PUBLISHED,
        "phq9": policy_from(
            INSTRUMENTS["phq9"],
            ClinicInstrument(instrument="phq9", caseness=12, reliable_change=8),
        ),
    }
    result = outcome([rows(phq9=[11, 4]), rows(phq9=[14, 7])], policy=stricter)
    assert counts(result) == {
        "reliable_improvement": (0, 2),  # 7 points: under the clinic's 8
        "recovery": (1, 1),  # 11 is no case at 12
        "reliable_recovery": (0, 1),
        "reliable_deterioration": (0, 2),
    }
    rules = {line.key: line.rule for line in result.lines}
    assert rules["reliable_improvement"].startswith("A fall of 8 points or more")
    assert rules["recovery"].startswith("A case at 12 or more at the first score and below 12")


def test_itq_shows_each_sub_scale_with_its_n_and_no_published_criterion():
    per_client = [itq_rows((14, 10), (6, 12)), itq_rows((9, 9)), itq_rows((20, 3), (18, 4))]
    for charted in ("ptsd", "dso"):
        result = outcome(per_client, "itq", charted)
        assert result.clients == 2
        assert counts(result) == dict.fromkeys(counts(result))  # every share None
        assert [line.n for line in result.lines] == [2, 2, 2, 2]
        assert result.lines[0].rule == "No published criterion for this measure."
    assert outcome(per_client, "itq", "dso").label == "ITQ, Disturbances in self-organisation"


def test_every_instrument_the_clinic_has_on_is_listed_even_without_clients():
    found = outcomes_of([], PUBLISHED)
    assert [(o.instrument.code, o.charted, o.clients) for o in found] == [
        ("phq9", "total", 0),
        ("gad7", "total", 0),
        ("pcl5", "total", 0),
        ("itq", "ptsd", 0),
        ("itq", "dso", 0),
    ]


# --- The period ----------------------------------------------------------------------


def test_the_default_period_is_the_twelve_months_to_today():
    assert period_from(QueryDict(""), today=TODAY) == Period(dt.date(2025, 12, 2), TODAY)
    assert period_from(QueryDict("start=&end="), today=TODAY) == Period(dt.date(2025, 12, 2), TODAY)
    assert twelve_months_to(dt.date(2028, 2, 29)) == Period(
        dt.date(2027, 3, 1), dt.date(2028, 2, 29)
    )


def test_a_given_start_runs_to_today_and_a_given_end_starts_twelve_months_before():
    assert period_from(QueryDict("start=2026-06-01"), today=TODAY) == Period(
        dt.date(2026, 6, 1), TODAY
    )
    assert period_from(QueryDict("end=2026-06-30"), today=TODAY) == Period(
        dt.date(2025, 7, 1), dt.date(2026, 6, 30)
    )


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("start=2026-13-01", "start", "The start date could not be read"),
        ("end=yesterday", "end", "The end date could not be read"),
        ("start=2026-06-01&end=2026-05-31", "end", "The end date is before the start date."),
        ("start=1899-01-01", "start", "Give a date from 2000-01-01 to 2099-12-31."),
        ("end=9999-12-31", "end", "Give a date from 2000-01-01 to 2099-12-31."),
        ("start=2026-01-01&start=2026-02-01", "start", "Give one start date, not several."),
        ("start=2027-01-01", "start", "The start date is after today"),
        ("start=" + "1" * 5000, "start", "The start date could not be read"),
    ],
)
def test_a_bad_period_names_the_field_in_words(query, field, words):
    with pytest.raises(ValidationError) as refused:
        period_from(QueryDict(query), today=TODAY)
    assert refused.value.message_dict[field][0].startswith(words)


def test_the_api_refuses_an_empty_date_rather_than_read_it_as_the_default():
    with pytest.raises(ValidationError) as refused:
        period_from(QueryDict("end="), today=TODAY, empty_is_default=False)
    assert "end" in refused.value.message_dict


def test_the_period_runs_from_midnight_to_midnight_in_the_clinics_zone():
    first, after_last = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)).bounds(BERLIN)
    assert first == dt.datetime(2026, 1, 31, 23, 0, tzinfo=dt.UTC)
    assert after_last == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)


# --- Who sees which clients ------------------------------------------------------------

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))


def answers_totalling(code: str, total: int) -> dict[str, int]:
    """Answers summing to ``total``, the self-harm item (PHQ-9 item 9) left at 0."""
    answers = factories.measure_answers(code)
    for item in sorted(answers, key=lambda c: c in INSTRUMENTS[code].safety_items):
        answers[item] = min(3, total)
        total -= answers[item]
    assert total == 0
    return answers


# The clients below began their treatment on this day; their scores come after it.
STARTED = dt.date(2026, 1, 5)


def client_of(therapist, started_on=STARTED, **extra):
    return factories.ClientFactory(primary_therapist=therapist, started_on=started_on, **extra)


def scored(client, code: str, *totals: int, first=dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)):
    for weeks, total in enumerate(totals):
        factories.measure_response(
            client,
            code,
            answers=answers_totalling(code, total),
            completed_at=first + dt.timedelta(weeks=2 * weeks),
        )


@pytest.fixture
def practice(therapist, other_therapist, other_clinic_therapist):
    """Two clients of ``therapist``, one of a colleague, one of another clinic."""
    mine = [client_of(therapist) for _ in range(2)]
    scored(mine[0], "phq9", 17, 9)  # reliable recovery
    scored(mine[1], "phq9", 12, 19)  # reliable deterioration
    colleague = client_of(other_therapist)
    scored(colleague, "phq9", 5, 7)  # not a case at baseline
    elsewhere = client_of(other_clinic_therapist)
    scored(elsewhere, "phq9", 20, 2)
    return mine


def phq9_of(report_outcomes):
    return next(o for o in report_outcomes if o.instrument.code == "phq9")


@pytest.mark.django_db
def test_a_therapist_sees_their_own_clients_only(practice, therapist):
    report = outcomes_for(user=therapist.user, period=PERIOD)
    assert not report.whole_clinic and report.by_therapist == []
    assert counts(phq9_of(report.outcomes)) == {
        "reliable_improvement": (1, 2),
        "recovery": (1, 2),
        "reliable_recovery": (1, 2),
        "reliable_deterioration": (1, 2),
    }


@pytest.mark.django_db
def test_the_colleague_sees_only_theirs_and_the_other_clinic_only_its_own(
    practice, other_therapist, other_clinic_therapist
):
    colleague = phq9_of(outcomes_for(user=other_therapist.user, period=PERIOD).outcomes)
    assert (colleague.clients, colleague.not_a_case_at_baseline) == (1, 1)
    elsewhere = phq9_of(outcomes_for(user=other_clinic_therapist.user, period=PERIOD).outcomes)
    assert counts(elsewhere)["reliable_recovery"] == (1, 1)


@pytest.mark.django_db
def test_a_clinic_admin_sees_the_clinic_and_each_therapist_never_another_clinic(
    practice, clinic, therapist, other_therapist
):
    admin = factories.ClinicAdminFactory(clinic=clinic)
    report = outcomes_for(user=admin, period=PERIOD)
    assert report.whole_clinic
    whole = phq9_of(report.outcomes)
    assert whole.clients == 3  # not the other clinic's client
    assert counts(whole)["recovery"] == (1, 2) and whole.not_a_case_at_baseline == 1
    by_name = {t.therapist_id: phq9_of(t.outcomes) for t in report.by_therapist}
    assert set(by_name) == {therapist.pk, other_therapist.pk}
    assert by_name[therapist.pk].clients == 2 and by_name[other_therapist.pk].clients == 1


@pytest.mark.django_db
def test_scores_outside_the_period_are_left_out(practice, therapist):
    before = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 15))  # the first scores only
    assert phq9_of(outcomes_for(user=therapist.user, period=before).outcomes).clients == 0
    # The period's first day begins at midnight in the clinic's zone, not in UTC.
    late = dt.datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN)  # 28 February, 23:30 UTC
    client = client_of(therapist)
    scored(client, "gad7", 10, 2, first=late)
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    found = outcomes_for(user=therapist.user, period=march).outcomes
    assert next(o for o in found if o.instrument.code == "gad7").clients == 1


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Australia/Sydney", "America/Los_Angeles"])
def test_scores_from_before_the_treatment_began_are_left_out_as_on_the_progress_report(
    therapist, zone
):
    local = ZoneInfo(zone)  # UTC+11 and UTC-7 in March: the first day starts on another UTC day

    def score_at(client, total, *when):
        factories.measure_response(
            client,
            "phq9",
            answers=answers_totalling("phq9", total),
            completed_at=dt.datetime(2026, *when, tzinfo=local),
        )

    client = client_of(therapist, started_on=dt.date(2026, 3, 10), time_zone=zone)
    score_at(client, 5, 2, 2, 10, 0)  # a paper form back-dated to before the first day
    score_at(client, 9, 3, 9, 23, 30)  # the evening before the first day
    score_at(client, 17, 3, 10, 0, 30)  # the first day's first half hour: the baseline
    score_at(client, 9, 4, 7, 10, 0)
    # Only one of its two scores in the episode: not counted at all.
    once = client_of(therapist, started_on=dt.date(2026, 3, 10), time_zone=zone)
    score_at(once, 20, 3, 9, 12, 0)
    score_at(once, 4, 4, 7, 10, 0)

    found = phq9_of(outcomes_for(user=therapist.user, period=PERIOD).outcomes)

    assert found.clients == 1
    assert counts(found)["recovery"] == (1, 1)  # from 17, a case; not from 5 or 9
    assert counts(found)["reliable_improvement"] == (1, 1)
    report = next(s for s in series_for(client) if s.instrument.code == "phq9")
    assert [value for _at, value in report.points] == [17, 9]
    assert (report.change.baseline, report.change.latest) == (17, 9)


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("2026-03-09 12:59:59.999999|2026-03-10|Australia/Sydney", True),  # 23:59 local
        ("2026-03-09 13:00:00|2026-03-10|Australia/Sydney", False),  # midnight, UTC+11
        ("2026-03-10 06:59:00+00|2026-03-10|America/Los_Angeles", True),  # as PostgreSQL says
        ("2026-03-10 07:00:00+00|2026-03-10|America/Los_Angeles", False),
    ],
)
def test_a_score_near_the_first_day_is_compared_with_the_clients_own_midnight(text, before):
    assert before_treatment(text) is before


@pytest.mark.django_db
def test_itq_sub_scales_are_read_from_the_stored_scores(therapist):
    client = client_of(therapist)
    for weeks, value in ((0, 3), (4, 1)):  # every item 3, then every item 1
        factories.measure_response(
            client,
            "itq",
            answers=factories.measure_answers("itq", value),
            completed_at=dt.datetime(2026, 3, 2, tzinfo=BERLIN) + dt.timedelta(weeks=weeks),
        )
    scored(client, "phq9", 12, 3)  # beside it, a total: its sub-scales are not needed
    found = outcomes_for(user=therapist.user, period=PERIOD).outcomes
    itq = {o.charted: o for o in found if o.instrument.code == "itq"}
    assert itq["ptsd"].clients == itq["dso"].clients == 1
    assert phq9_of(found).clients == 1


@pytest.mark.django_db
def test_an_instrument_the_clinic_has_off_is_not_listed(practice, clinic, therapist):
    ClinicInstrument.objects.create(clinic=clinic, instrument="phq9", enabled=False)
    found = outcomes_for(user=therapist.user, period=PERIOD).outcomes
    assert "phq9" not in {o.instrument.code for o in found}


@pytest.mark.django_db
def test_clients_and_operators_are_refused(practice, client_record):
    operator = User.objects.create_superuser("operator@example.org", "a-long-password")
    for user in (client_record.user, operator):
        with pytest.raises(PermissionDenied):
            outcomes_for(user=user, period=PERIOD)


# --- The API ---------------------------------------------------------------------------

URL = "/api/v1/outcomes/"


@pytest.mark.django_db
def test_the_api_gives_a_therapist_their_caseload(practice, therapist, as_user):
    response = as_user(therapist.user).get(URL, {"start": "2026-01-01", "end": "2026-11-30"})
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["scope"]) == ("2026-01-01", "2026-11-30", "caseload")
    assert body["by_therapist"] == []
    phq9 = body["outcomes"][0]
    assert (phq9["instrument"], phq9["clients"], phq9["read_beside"]) == ("phq9", 2, "gad7")
    recovery = phq9["shares"][1]
    assert recovery == {
        "share": "recovery",
        "name": "Recovery",
        "criterion": True,
        "n": 2,
        "met": 1,  # however few the clients
        "percent": 50,
        "rule": "A case at 10 or more at the first score and below 10 at the last; only over "
        "clients who were a case at the first.",
    }


@pytest.mark.django_db
def test_the_api_gives_a_clinic_admin_the_clinic_and_each_therapist(
    practice, clinic, therapist, as_user
):
    admin = factories.ClinicAdminFactory(clinic=clinic)
    body = as_user(admin).get(URL, {"start": "2026-01-01", "end": "2026-11-30"}).json()
    assert body["scope"] == "clinic" and body["outcomes"][0]["clients"] == 3
    mine = next(t for t in body["by_therapist"] if t["therapist"] == therapist.pk)
    assert mine["outcomes"][0]["clients"] == 2
    itq = body["outcomes"][-1]
    assert (itq["scale"], itq["shares"][0]["criterion"], itq["shares"][0]["n"]) == ("dso", False, 0)


@pytest.mark.django_db
def test_the_api_refuses_clients_operators_and_strangers(practice, client_record, as_user):
    operator = User.objects.create_superuser("operator@example.org", "a-long-password")
    assert as_user(client_record.user).get(URL).status_code == 403
    assert as_user(operator).get(URL).status_code == 403
    assert as_user(None).get(URL).status_code == 401


@pytest.mark.django_db
def test_the_api_names_a_bad_date_and_an_empty_one(therapist, as_user):
    api = as_user(therapist.user)
    for query, field in (("start=2026-02-30", "start"), ("end=", "end")):
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field
