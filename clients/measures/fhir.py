"""A client's measures as a FHIR R4 Bundle (type collection), built as plain dicts.

Per response: a QuestionnaireResponse with every answer (a LOINC answer code where the
option has one, else the value); an Observation of its total, derived from it (LOINC code
where the instrument has one); and an Observation per safety item (PHQ-9 item 9, LOINC
44260-8), so those answers can be queried on their own, an answer of 0 included.

ITQ has no single total and no LOINC codes: its PTSD and DSO sums are exported as
Observations coded by text only, the way the product charts them.

Ids in the Bundle are ``urn:uuid:`` names derived from the records' ids, so two exports of
the same record name the same resources alike.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from .instruments import INSTRUMENTS
from .instruments.definition import Instrument, Option
from .models import MeasureResponse

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# The namespace of every name this product gives a FHIR resource.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:clinic-progress-dashboard:fhir")

SURVEY = [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}]
SCORE_UNIT = {"unit": "{score}", "system": UCUM, "code": "{score}"}


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, ':'.join(map(str, parts)))}"


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _answer(option: Option | None, value: int) -> dict:
    if option is not None and option.loinc:
        return {"valueCoding": {"system": LOINC, "code": option.loinc, "display": option.text}}
    return {"valueInteger": value}


def questionnaire_response(response: MeasureResponse, instrument: Instrument, patient: str) -> dict:
    items = []
    for item in instrument.items:
        value = response.answers[item.code]
        option = instrument.answer_option(item.code, value)
        items.append({"linkId": item.code, "text": item.text, "answer": [_answer(option, value)]})
    if instrument.difficulty is not None and response.difficulty is not None:
        option = instrument.answer_option(instrument.difficulty.code, response.difficulty)
        items.append(
            {
                "linkId": instrument.difficulty.code,
                "text": instrument.difficulty.text,
                "answer": [_answer(option, response.difficulty)],
            }
        )
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": instrument.canonical_url,
        "status": "completed",
        "subject": {"reference": patient},
        "authored": _instant(response.completed_at),
        # The answers are the client's own, also when staff typed them from paper.
        "source": {"reference": patient},
        "item": items,
    }
    if response.entered_by_id is not None:
        resource["author"] = {"display": response.entered_by.display_name}
    return resource


def _observation(
    response: MeasureResponse, patient: str, derived_from: str, code: dict, value: dict
) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": SURVEY,
        "code": code,
        "subject": {"reference": patient},
        "effectiveDateTime": _instant(response.completed_at),
        **value,
        "derivedFrom": [{"reference": derived_from}],
    }


def score_observations(
    response: MeasureResponse, instrument: Instrument, patient: str, derived_from: str
) -> list[tuple[str, dict]]:
    """(fullUrl, Observation) of the total, or of each charted sub-scale without one."""
    observations = []
    if response.total is not None:
        code = {"text": _("%(instrument)s total score") % {"instrument": instrument.name}}
        if instrument.loinc_total:
            code["coding"] = [{"system": LOINC, "code": instrument.loinc_total}]
        observation = _observation(
            response,
            patient,
            derived_from,
            code,
            {"valueQuantity": {"value": response.total, **SCORE_UNIT}},
        )
        # The band the response was scored with then, not one recomputed from today's bands.
        band = instrument.band_label(response.band)
        if band:
            observation["interpretation"] = [{"text": band}]
        observations.append((_urn("measure-response", response.pk, "total"), observation))
        return observations
    labels = {sub.code: sub for sub in instrument.subscales}
    for charted in instrument.charted:
        value = response.subscales.get(charted)
        if value is None or charted not in labels:
            continue
        sub = labels[charted]
        text = _("%(instrument)s %(subscale)s (sum of items %(items)s)") % {
            "instrument": instrument.name,
            "subscale": sub.label,
            "items": ", ".join(sub.items),
        }
        observation = _observation(
            response,
            patient,
            derived_from,
            {"text": text},
            {"valueQuantity": {"value": value, **SCORE_UNIT}},
        )
        observations.append((_urn("measure-response", response.pk, charted), observation))
    return observations


def safety_item_observations(
    response: MeasureResponse, instrument: Instrument, patient: str, derived_from: str
) -> list[tuple[str, dict]]:
    """One Observation per safety item, whatever its answer (0 is an answer, not "no risk")."""
    observations = []
    for code in instrument.safety_items:
        item = instrument.item(code)
        value = response.answers[code]
        option = instrument.answer_option(code, value)
        if option is not None and option.loinc:
            answer = {
                "valueCodeableConcept": {
                    "coding": [{"system": LOINC, "code": option.loinc, "display": option.text}],
                    "text": option.text,
                }
            }
        else:
            answer = {"valueInteger": value}
        code_of_item = {"text": item.text}
        if item.loinc:
            code_of_item["coding"] = [{"system": LOINC, "code": item.loinc}]
        observation = _observation(response, patient, derived_from, code_of_item, answer)
        observations.append((_urn("measure-response", response.pk, "item", code), observation))
    return observations


def patient_entry(client: Client) -> tuple[str, dict]:
    """The client as a Patient with only the product's own id: no name leaves with it."""
    return (
        _urn("client", client.pk),
        {
            "resourceType": "Patient",
            "identifier": [{"system": _urn("clinic", client.clinic_id), "value": str(client.pk)}],
        },
    )


def bundle_for(client: Client, responses: Iterable[MeasureResponse]) -> dict:
    """The Bundle of these responses of ``client`` (oldest first is the caller's order)."""
    patient_url, patient = patient_entry(client)
    entries = [(patient_url, patient)]
    for response in responses:
        instrument = INSTRUMENTS[response.instrument]
        response_url = _urn("measure-response", response.pk)
        entries.append((response_url, questionnaire_response(response, instrument, patient_url)))
        entries += score_observations(response, instrument, patient_url, response_url)
        entries += safety_item_observations(response, instrument, patient_url, response_url)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(timezone.now()),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def client_bundle(client: Client) -> dict:
    """Every response of the client, oldest first, as a Bundle (two queries)."""
    responses = (
        MeasureResponse.objects.filter(client=client)
        .select_related("entered_by")
        .order_by("completed_at", "id")
    )
    return bundle_for(client, responses)
