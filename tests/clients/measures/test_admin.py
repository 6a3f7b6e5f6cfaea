"""A clinic admin chooses the clinic's measures on its own page, and reads its clients'
schedules and responses as they read check-ins; the other clinic's never."""

import pytest
from django.urls import reverse

from clients.measures import policies
from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import ClinicInstrument, MeasureResponse
from clinic.models import User
from tests import factories


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def admin_browser(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


def _page(clinic) -> str:
    return reverse("admin:clinic_clinic_change", args=[clinic.pk])


def _clinic_fields(clinic) -> dict:
    return {
        "name": clinic.name,
        "slug": clinic.slug,
        "time_zone": clinic.time_zone,
        "escalate_after_minutes": 120,
        "crisis_lines-TOTAL_FORMS": "0",
        "crisis_lines-INITIAL_FORMS": "0",
    }


def _measure_rows(response) -> list:
    """The forms of the outcome-measures inline, in the order shown."""
    [formset] = [
        each.formset
        for each in response.context["inline_admin_formsets"]
        if each.formset.model is ClinicInstrument
    ]
    return formset.forms


def _post_measures(browser, clinic, rows: list[dict], initial: int = 0):
    """Post the clinic's page with the measure rows as shown (one dict per row, in order)."""
    data = {
        **_clinic_fields(clinic),
        "instruments-TOTAL_FORMS": str(len(rows)),
        "instruments-INITIAL_FORMS": str(initial),
    }
    for n, row in enumerate(rows):
        for field, value in row.items():
            if value is True:
                value = "on"
            if value is False or value is None:
                continue  # an unticked box or an empty value is not sent
            data[f"instruments-{n}-{field}"] = str(value)
    return browser.post(_page(clinic), data)


def _as_shown(**changes) -> list[dict]:
    """The four rows as a new clinic's page shows them (on, published values, no default),
    with ``changes`` by instrument code."""
    return [
        {"instrument": code, "clinic": "", "enabled": True, "paired": True, **changes.get(code, {})}
        for code in INSTRUMENTS
    ]


@pytest.mark.django_db
def test_every_instrument_is_on_the_page_with_its_published_values_and_why(admin_browser, clinic):
    response = admin_browser.get(_page(clinic))
    assert response.status_code == 200
    rows = _measure_rows(response)
    assert [form.instance.instrument for form in rows] == list(INSTRUMENTS)
    page = response.content.decode()
    for definition in INSTRUMENTS.values():
        assert definition.name in page
        for setting in (definition.caseness, definition.reliable_change):
            if setting is not None:
                assert str(setting.why) in page.replace("&#x27;", "'")
    assert "ITQ gives a provisional diagnosis by its own rules" in page
    # The published value shows through the empty box: empty means "use it".
    assert rows[0].fields["caseness"].widget.attrs["placeholder"] == "10"
    # Opening the page stores nothing: no row still means the published values.
    assert not ClinicInstrument.objects.exists()


@pytest.mark.django_db
def test_admin_turns_one_off_changes_a_cut_off_and_sets_defaults(admin_browser, clinic):
    response = _post_measures(
        admin_browser,
        clinic,
        _as_shown(
            phq9={"default_cadence": "every_2_weeks"},
            gad7={"caseness": 10, "default_cadence": "every_2_weeks"},
            itq={"enabled": False},
        ),
    )
    assert response.status_code == 302, response.context and _measure_rows(response)[0].errors
    stored = {row.instrument: row for row in ClinicInstrument.objects.filter(clinic=clinic)}
    assert set(stored) == {"phq9", "gad7", "itq"}  # PCL-5 was left as published: no row
    policy = policies.policies_for(clinic.pk)
    assert policy["gad7"].criteria.caseness == 10
    assert policy["gad7"].criteria.reliable_change == 4  # left empty: the published value
    assert policy["phq9"].default_cadence == "every_2_weeks"
    assert not policy["itq"].enabled and policy["pcl5"].enabled

    # Shown again: the rows that exist first, then the one that does not, each once.
    again = _measure_rows(admin_browser.get(_page(clinic)))
    assert [form.instance.instrument for form in again] == ["phq9", "gad7", "itq", "pcl5"]
    assert again[1].initial["caseness"] == 10


@pytest.mark.django_db
def test_a_stored_row_is_edited_in_place(admin_browser, clinic):
    row = ClinicInstrument.objects.create(clinic=clinic, instrument="pcl5", caseness=31)
    rows = [
        {"id": row.pk, "clinic": clinic.pk, "enabled": True, "caseness": 33, "paired": True},
        *[row for row in _as_shown() if row["instrument"] != "pcl5"],
    ]
    response = _post_measures(admin_browser, clinic, rows, initial=1)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.caseness == 33
    assert ClinicInstrument.objects.filter(clinic=clinic).count() == 1


@pytest.mark.django_db
def test_a_page_opened_before_another_admin_saved_still_sets_what_it_showed(admin_browser, clinic):
    shown = _as_shown(gad7={"caseness": 10})  # the page was opened when no row existed
    ClinicInstrument.objects.create(clinic=clinic, instrument="phq9", caseness=12)
    assert _post_measures(admin_browser, clinic, shown).status_code == 302
    stored = dict(ClinicInstrument.objects.values_list("instrument", "caseness"))
    assert stored == {"phq9": 12, "gad7": 10}
    # Changing the row the other admin saved meanwhile is refused, not a crash.
    response = _post_measures(admin_browser, clinic, _as_shown(phq9={"caseness": 14}))
    assert response.status_code == 200
    assert "set meanwhile" in response.content.decode()
    assert ClinicInstrument.objects.get(instrument="phq9").caseness == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "field", "value", "words"),
    [
        ("phq9", "caseness", 28, "PHQ-9 totals run from 0 to 27"),
        ("gad7", "reliable_change", 22, "GAD-7 totals run from 0 to 21"),
        ("pcl5", "caseness", 0, "a caseness cut-off of 0 makes no sense"),
        ("itq", "caseness", 10, "ITQ has no published caseness cut-off"),
        ("itq", "reliable_change", 5, "ITQ has no published reliable change"),
    ],
)
def test_a_value_that_makes_no_sense_is_refused_naming_the_field(
    admin_browser, clinic, code, field, value, words
):
    response = _post_measures(admin_browser, clinic, _as_shown(**{code: {field: value}}))
    assert response.status_code == 200
    row = _measure_rows(response)[list(INSTRUMENTS).index(code)]
    assert list(row.errors) == [field]
    assert words in row.errors[field][0]
    assert words in response.content.decode()
    assert not ClinicInstrument.objects.exists()


@pytest.mark.django_db
def test_a_default_schedule_for_an_instrument_not_in_use_is_refused(admin_browser, clinic):
    response = _post_measures(
        admin_browser,
        clinic,
        _as_shown(phq9={"enabled": False, "default_cadence": "every_2_weeks"}),
    )
    assert response.status_code == 200
    assert "default_cadence" in _measure_rows(response)[0].errors
    assert not ClinicInstrument.objects.exists()


@pytest.mark.django_db
def test_the_pairing_is_offered_only_where_there_is_a_pair(admin_browser, clinic):
    rows = {
        form.instance.instrument: form for form in _measure_rows(admin_browser.get(_page(clinic)))
    }
    assert not rows["phq9"].fields["paired"].disabled
    assert rows["pcl5"].fields["paired"].disabled and rows["itq"].fields["paired"].disabled
    # A paired instrument may be read on its own.
    _post_measures(admin_browser, clinic, _as_shown(phq9={"paired": False}))
    assert policies.policies_for(clinic.pk)["phq9"].paired is False


@pytest.mark.django_db
def test_the_other_clinics_measures_are_never_reachable(admin_browser, clinic, other_clinic):
    theirs = ClinicInstrument.objects.create(clinic=other_clinic, instrument="phq9", caseness=12)
    # Their page does not exist for this admin.
    page = admin_browser.get(_page(other_clinic), follow=True).content.decode()
    assert "doesn’t exist" in page and other_clinic.name not in page
    _post_measures(
        admin_browser,
        other_clinic,
        [{"id": theirs.pk, "clinic": other_clinic.pk, "enabled": False, "caseness": 20}],
        initial=1,
    )
    # Nor is their row, sent as if it were one of this clinic's rows.
    response = _post_measures(
        admin_browser,
        clinic,
        [{"id": theirs.pk, "clinic": clinic.pk, "enabled": False, "caseness": 20}],
        initial=1,
    )
    assert response.status_code == 200  # refused as a form error, never a crash
    theirs.refresh_from_db()
    assert (theirs.clinic_id, theirs.enabled, theirs.caseness) == (other_clinic.pk, True, 12)
    assert not ClinicInstrument.objects.filter(clinic=clinic).exists()


@pytest.mark.django_db
def test_a_row_past_the_last_instrument_is_refused(admin_browser, clinic):
    rows = _as_shown()
    rows.append({"clinic": "", "enabled": True, "paired": True, "caseness": 5})
    response = _post_measures(admin_browser, clinic, rows)
    assert response.status_code == 200
    assert not ClinicInstrument.objects.exists()


@pytest.mark.django_db
def test_an_operator_sets_any_clinics_measures(client, clinic):
    operator = User.objects.create_superuser(email="op@example.org", password="x-long-pass-1")
    client.force_login(operator)
    response = _post_measures(client, clinic, _as_shown(pcl5={"caseness": 31}))
    assert response.status_code == 302
    assert policies.policies_for(clinic.pk)["pcl5"].criteria.caseness == 31


# --- schedules and responses: read only, as check-ins are --------------------------


@pytest.fixture
def responses(clinic, other_clinic):
    mine = factories.ClientFactory(primary_therapist__clinic=clinic, label="Mine A.")
    theirs = factories.ClientFactory(primary_therapist__clinic=other_clinic, label="Theirs B.")
    ours = factories.measure_response(
        mine, "phq9", answers=factories.measure_answers("phq9", 1, item_9=2)
    )
    other = factories.measure_response(theirs, "phq9")
    factories.MeasureScheduleFactory(client=mine)
    factories.MeasureScheduleFactory(client=theirs)
    return ours, other


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["measureresponse", "measureschedule"])
def test_lists_show_only_the_admins_clinic(admin_browser, responses, model):
    response = admin_browser.get(reverse(f"admin:measures_{model}_changelist"))
    assert response.status_code == 200
    labels = {row.client.label for row in response.context["cl"].queryset}
    assert labels == {"Mine A."}


@pytest.mark.django_db
def test_a_response_reads_each_item_and_its_answer_and_cannot_be_changed(admin_browser, responses):
    ours, other = responses
    url = reverse("admin:measures_measureresponse_change", args=[ours.pk])
    page = admin_browser.get(url).content.decode()
    item_9 = INSTRUMENTS["phq9"].item("9").text
    assert item_9 in page
    assert "2 (More than half the days)" in page  # the answer, in red, never a verdict
    assert "the client" in page  # who entered it
    admin_browser.post(url, {"total": 0})
    ours.refresh_from_db()
    assert ours.total == 8 + 2
    assert admin_browser.get(reverse("admin:measures_measureresponse_add")).status_code == 403
    # The other clinic's response does not exist here.
    theirs = reverse("admin:measures_measureresponse_change", args=[other.pk])
    assert "doesn’t exist" in admin_browser.get(theirs, follow=True).content.decode()


@pytest.mark.django_db
def test_an_answer_of_zero_on_the_self_harm_item_is_shown_as_the_answer(admin_browser, clinic):
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    response = factories.measure_response(record, "phq9")
    page = admin_browser.get(
        reverse("admin:measures_measureresponse_change", args=[response.pk])
    ).content.decode()
    assert "0 (Not at all)" in page
    assert "no risk" not in page.lower()


@pytest.mark.django_db
def test_a_paper_form_reads_as_entered_by_staff(admin_browser, clinic, therapist):
    record = factories.ClientFactory(primary_therapist=therapist)
    response = factories.measure_response(record, "gad7", entered_by=therapist.user)
    page = admin_browser.get(
        reverse("admin:measures_measureresponse_change", args=[response.pk])
    ).content.decode()
    assert "for the client (a paper form)" in page


@pytest.mark.django_db
def test_therapists_and_clients_see_no_responses_in_the_admin(client, responses, therapist):
    ours, _ = responses
    for user in (therapist.user, ours.client.user):
        client.force_login(user)
        url = reverse("admin:measures_measureresponse_changelist")
        assert client.get(url).status_code == 302  # to the admin login page
    assert MeasureResponse.objects.count() == 2


@pytest.mark.django_db
def test_bands_and_diagnoses_read_in_words(admin_browser, clinic):
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    phq9 = factories.measure_response(record, "phq9", answers=factories.measure_answers("phq9", 2))
    itq = factories.measure_response(record, "itq", answers=factories.measure_answers("itq", 3))
    listed = admin_browser.get(reverse("admin:measures_measureresponse_changelist"))
    assert "moderately severe" in listed.content.decode()  # PHQ-9 total 18
    page = admin_browser.get(reverse("admin:measures_measureresponse_change", args=[itq.pk]))
    assert "provisional complex PTSD (ICD-11)" in page.content.decode()
    assert phq9.band == "moderately_severe"


@pytest.mark.django_db
def test_a_past_band_and_the_difficulty_read_as_stored(admin_browser, clinic):
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    answers = factories.measure_answers("phq9", 2)  # 18: moderately severe today
    phq9 = factories.measure_response(record, "phq9", answers=answers, difficulty=1)
    MeasureResponse.objects.filter(pk=phq9.pk).update(band="severe")  # as scored then
    page = admin_browser.get(
        reverse("admin:measures_measureresponse_change", args=[phq9.pk])
    ).content.decode()
    assert "severe" in page and "moderately severe" not in page
    assert "1 (Somewhat difficult)" in page
