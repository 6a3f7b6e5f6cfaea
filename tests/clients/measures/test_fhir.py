"""The FHIR R4 export of a client's measures: validated with fhir.resources, codes asserted."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from clients.measures import fhir
from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import MeasureResponse
from clinic.models import AuditEvent
from tests import factories

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def url(client) -> str:
    return f"/api/v1/clients/{client.pk}/fhir/"


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def observations_coded(bundle: dict, code: str) -> list[dict]:
    return [
        o
        for o in resources(bundle, "Observation")
        if any(c["code"] == code for c in o["code"].get("coding", []))
    ]


@pytest.fixture
def answered(client_record, therapist):
    """A PHQ-9 with item 9 at 2 and a difficulty, a GAD-7 typed in by the therapist, an
    ITQ and a PCL-5."""
    earlier = timezone.now() - dt.timedelta(days=3)
    return [
        factories.measure_response(
            client_record,
            "phq9",
            answers=factories.measure_answers("phq9", 1, item_9=2),
            difficulty=2,
            completed_at=earlier,
        ),
        factories.measure_response(
            client_record,
            "gad7",
            answers=factories.measure_answers("gad7", 2),
            entered_by=therapist.user,
        ),
        factories.measure_response(
            client_record, "itq", answers=factories.measure_answers("itq", 2)
        ),
        factories.measure_response(
            client_record, "pcl5", answers=factories.measure_answers("pcl5", 1)
        ),
    ]


@pytest.mark.django_db
def test_the_bundle_validates_as_fhir_r4(client_record, answered):
    bundle = fhir.client_bundle(client_record)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert all(entry["fullUrl"].startswith("urn:uuid:") for entry in bundle["entry"])
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1
    assert kinds.count("QuestionnaireResponse") == 4
    # PHQ-9: total and item 9; GAD-7: total; PCL-5: total; ITQ: PTSD and DSO sums.
    assert kinds.count("Observation") == 6


@pytest.mark.django_db
def test_phq9_questionnaire_response_uses_loinc_answer_codes(client_record, answered):
    bundle = fhir.client_bundle(client_record)
    phq9 = next(
        r
        for r in resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"] == "http://loinc.org/q/44249-1"
    )
    assert phq9["status"] == "completed"
    assert by_url(bundle)[phq9["subject"]["reference"]]["resourceType"] == "Patient"
    assert phq9["authored"] == answered[0].completed_at.astimezone(dt.UTC).isoformat()
    items = {item["linkId"]: item["answer"][0] for item in phq9["item"]}
    assert list(items) == [str(n) for n in range(1, 10)] + ["difficulty"]
    assert items["1"] == {
        "valueCoding": {"system": LOINC, "code": "LA6569-3", "display": "Several days"}
    }
    assert items["9"]["valueCoding"]["code"] == "LA6570-1"  # more than half the days
    assert items["difficulty"]["valueCoding"] == {
        "system": LOINC,
        "code": "LA6575-0",
        "display": "Very difficult",
    }
    assert "author" not in phq9  # the client answered it


@pytest.mark.django_db
def test_totals_are_survey_observations_derived_from_their_response(client_record, answered):
    bundle = fhir.client_bundle(client_record)
    urls = by_url(bundle)
    [phq9_total] = observations_coded(bundle, "44261-6")
    assert phq9_total["status"] == "final"
    assert phq9_total["category"] == [
        {"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}
    ]
    assert phq9_total["code"]["coding"] == [{"system": LOINC, "code": "44261-6"}]
    assert phq9_total["valueQuantity"] == {
        "value": 10,  # eight items at 1 and item 9 at 2
        "unit": "{score}",
        "system": UCUM,
        "code": "{score}",
    }
    assert phq9_total["interpretation"] == [{"text": "moderate"}]
    source = urls[phq9_total["derivedFrom"][0]["reference"]]
    assert source["resourceType"] == "QuestionnaireResponse"
    assert source["questionnaire"] == "http://loinc.org/q/44249-1"
    assert phq9_total["effectiveDateTime"] == source["authored"]
    [gad7_total] = observations_coded(bundle, "70274-6")
    assert gad7_total["valueQuantity"]["value"] == 14
    [pcl5_total] = observations_coded(bundle, "101698-9")
    assert pcl5_total["valueQuantity"]["value"] == 20


@pytest.mark.django_db
def test_the_interpretation_is_the_band_stored_with_the_response(client_record, answered):
    phq9 = answered[0]
    MeasureResponse.objects.filter(pk=phq9.pk).update(band="mild")  # as an older version said
    [phq9_total] = observations_coded(fhir.client_bundle(client_record), "44261-6")
    assert phq9_total["valueQuantity"]["value"] == 10
    assert phq9_total["interpretation"] == [{"text": "mild"}]
    MeasureResponse.objects.filter(pk=phq9.pk).update(band="retired")  # no longer defined
    [phq9_total] = observations_coded(fhir.client_bundle(client_record), "44261-6")
    assert "interpretation" not in phq9_total  # not guessed from today's bands


def test_the_definition_words_answers_bands_and_diagnoses_by_code():
    phq9, itq = INSTRUMENTS["phq9"], INSTRUMENTS["itq"]
    assert phq9.option_text("9", 1) == "Several days"
    assert phq9.option_text("difficulty", 3) == "Extremely difficult"
    assert INSTRUMENTS["gad7"].option_text("difficulty", 0) == "Not difficult at all"
    assert phq9.option_text("9", 7) == "" and phq9.option_text("9", None) == ""
    assert phq9.answer_option("1", 2).loinc == "LA6570-1"
    assert itq.option_text("C1", 4) == "Extremely"
    assert phq9.band_label("moderately_severe") == "moderately severe"
    assert phq9.band_label("") == "" and phq9.band_label("unknown") == ""
    assert itq.diagnosis_label("cptsd") == "provisional complex PTSD (ICD-11)"
    assert itq.diagnosis_label("") == "" and phq9.diagnosis_label("ptsd") == ""


@pytest.mark.django_db
def test_item_9_has_its_own_observation_with_the_answer(client_record, answered):
    factories.measure_response(client_record, "phq9")  # item 9 at 0 is an answer too
    bundle = fhir.client_bundle(client_record)
    item_9 = observations_coded(bundle, "44260-8")
    assert len(item_9) == 2
    answers = [o["valueCodeableConcept"]["coding"][0] for o in item_9]
    assert answers == [
        {"system": LOINC, "code": "LA6570-1", "display": "More than half the days"},
        {"system": LOINC, "code": "LA6568-5", "display": "Not at all"},
    ]
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in item_9)
    assert all(o["code"]["coding"][0]["system"] == LOINC for o in item_9)
    Bundle.model_validate(bundle)


@pytest.mark.django_db
def test_itq_sums_are_text_coded_and_its_answers_are_integers(client_record, answered):
    bundle = fhir.client_bundle(client_record)
    itq = next(
        r
        for r in resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"] == "https://www.traumameasuresglobal.com/itq"
    )
    assert {item["linkId"]: item["answer"] for item in itq["item"]}["P1"] == [{"valueInteger": 2}]
    itq_url = next(url for url, r in by_url(bundle).items() if r is itq)
    sums = [
        o for o in resources(bundle, "Observation") if o["derivedFrom"][0]["reference"] == itq_url
    ]
    assert len(sums) == 2
    assert all("coding" not in o["code"] for o in sums)
    assert [o["valueQuantity"]["value"] for o in sums] == [12, 12]
    assert "PTSD" in sums[0]["code"]["text"]


@pytest.mark.django_db
def test_a_staff_entry_names_its_author(client_record, answered, therapist):
    bundle = fhir.client_bundle(client_record)
    gad7 = next(
        r
        for r in resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"] == "http://loinc.org/q/69737-5"
    )
    assert gad7["author"] == {"display": therapist.user.display_name}


@pytest.mark.django_db
def test_no_responses_is_a_bundle_with_the_patient_only(client_record):
    bundle = fhir.client_bundle(client_record)
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    assert client_record.label not in json.dumps(bundle)


@pytest.mark.django_db
def test_the_treating_therapist_gets_the_bundle_and_the_read_is_audited(
    as_user, therapist, client_record, answered
):
    response = as_user(therapist.user).get(url(client_record))
    assert response.status_code == 200
    Bundle.model_validate(response.json())
    event = AuditEvent.objects.get(action="view", object_type="measureresponse")
    assert sorted(event.object_ids) == sorted(r.pk for r in answered)
    assert event.client_id == client_record.pk


@pytest.mark.django_db
def test_nobody_else_gets_the_bundle(
    as_user, client_record, other_therapist, other_clinic_therapist, answered
):
    assert as_user(other_therapist.user).get(url(client_record)).status_code == 404
    assert as_user(other_clinic_therapist.user).get(url(client_record)).status_code == 404
    assert as_user(client_record.user).get(url(client_record)).status_code == 403
    admin = factories.ClinicAdminFactory(clinic=client_record.clinic)
    assert as_user(admin).get(url(client_record)).status_code == 403
    assert as_user(None).get(url(client_record)).status_code == 401


@pytest.mark.django_db
def test_the_admins_record_export_holds_the_responses_and_the_bundle(
    client, client_record, answered
):
    client.force_login(factories.ClinicAdminFactory(clinic=client_record.clinic))
    body = json.loads(client.get(f"/admin/clients/client/{client_record.pk}/export.json").content)
    stored = {row["instrument"]: row for row in body["measure_responses"]}
    assert stored["phq9"]["total"] == 10 and stored["phq9"]["band"] == "moderate"
    assert stored["phq9"]["answers"]["9"] == 2 and stored["phq9"]["difficulty"] == 2
    assert stored["itq"]["subscales"] == {"ptsd": 12, "dso": 12}
    assert stored["itq"]["diagnosis"] == "cptsd"
    Bundle.model_validate(body["fhir_bundle"])
    assert len(observations_coded(body["fhir_bundle"], "44261-6")) == 1

    archive = client.get(f"/admin/clients/client/{client_record.pk}/export.zip").content
    zipped = zipfile.ZipFile(io.BytesIO(archive))
    assert {"measure_responses.csv", "measure_schedules.csv", "fhir_bundle.json"} <= set(
        zipped.namelist()
    )
    Bundle.model_validate(json.loads(zipped.read("fhir_bundle.json")))
    assert b"44261-6" in zipped.read("fhir_bundle.json")
    assert b"moderate" in zipped.read("measure_responses.csv")
