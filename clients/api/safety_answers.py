"""A safety answer is kept even when something else in its check-in is wrong.

A client who answers yes to the safety question from a phone whose clock runs ahead, or
with a note over the limit, or with an emotion the clinic has since retired, must not be
told "400" and lose it: nobody would hear of it. What is wrong is left out (a time ahead
becomes the moment it arrived, a long note keeps its first part), the answer is stored
with its alert, and the response names what was not kept.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.serializers import as_serializer_error

from clients import services
from clients.models import SCALES, Client, EmotionLabel
from clinic.api.errors import error_body

from .serializers import NOTE_MAX_CHARS, CheckInInput


def check_in_draft(*, client: Client, body) -> tuple[services.CheckInDraft, list[dict]]:
    """The check-in a request body asks to store, validated; and what was not kept of a
    safety answer (empty otherwise). Raises the usual 400/403 for anything else."""
    data = CheckInInput(data=body)
    valid = data.is_valid()
    # A discharged client's safety answer hears that treatment has ended, whatever else.
    if client.status == client.Status.DISCHARGED and (valid or is_safety_answer(body)):
        raise PermissionDenied(_("Treatment has ended; the clinic no longer receives check-ins."))
    if not valid:
        if is_safety_answer(body):
            return safety_answer_kept(client=client, body=body, refused=data.errors)
        raise serializers.ValidationError(data.errors)
    try:
        return services.check_in_prepare(client=client, **data.validated_data), []
    except DjangoValidationError as error:
        if not is_safety_answer(body):
            raise
        return safety_answer_kept(client=client, body=body, refused=as_serializer_error(error))


def is_safety_answer(body) -> bool:
    return isinstance(body, dict) and body.get("safety_concern") is True


RATINGS = ("distress", "charge", "mind_space", "self_compassion", "resistance")
MOST_FEELINGS = 20


def safety_answer_kept(
    *, client: Client, body: dict, refused: dict
) -> tuple[services.CheckInDraft, list[dict]]:
    """The draft of what can be kept of a refused safety answer, and what was not kept
    (in the API's error items). ``refused`` is the serializer's errors of the body."""
    fields = CheckInInput().fields
    kept = {name: value for name, value in body.items() if name in fields and name not in refused}
    not_kept = [item for item in error_body(refused)["errors"] if item["field"] != "emotions"]
    for item in not_kept:
        item["message"] = _("Not kept: %(reason)s") % {"reason": item["message"]}
    # A rating past the end of its scale means "as much as it goes": kept at that end.
    for name in RATINGS:
        value = body.get(name)
        if name in refused and isinstance(value, int) and not isinstance(value, bool):
            low, high = SCALES[name]
            kept[name] = min(max(value, low), high)
            _say(
                not_kept,
                name,
                _("Kept as %(value)s, the end of the scale.") % {"value": kept[name]},
            )
    note = body.get("note")
    if "note" in refused and isinstance(note, str):
        # The client's own words, as many as fit; the mark tells the therapist it was cut.
        kept["note"] = note[: NOTE_MAX_CHARS - 2] + " …"
        _say(not_kept, "note", _("Kept the first %(n)s characters.") % {"n": NOTE_MAX_CHARS - 2})
    if "occurred_at" in refused:
        kept["occurred_at"] = timezone.now().isoformat()  # when it arrived
    kept["emotions"], left_out = _feelings_kept(client, body.get("emotions"))
    if left_out:
        not_kept.append(
            {
                "field": "emotions",
                "code": "not_kept",
                "message": _("Not kept: %(labels)s (not among the clinic's words, or unreadable).")
                % {"labels": ", ".join(left_out)},
            }
        )
    data = CheckInInput(data=kept)
    if not data.is_valid():  # should not happen; the answer alone is always valid
        data = CheckInInput(data={"occurred_at": timezone.now().isoformat(), **_answer(kept)})
        data.is_valid(raise_exception=True)
    return services.check_in_prepare(client=client, **data.validated_data), not_kept


def _say(not_kept: list[dict], field: str, message: str) -> None:
    for item in not_kept:
        if item["field"] == field:
            item["code"], item["message"] = "kept_in_part", message


def _feelings_kept(client: Client, raw) -> tuple[list[dict], list[str]]:
    """The feelings that can be read and are in the clinic's words (an intensity past
    the scale kept at its end); and a short name of each one left out."""
    if not isinstance(raw, list):
        return [], ([] if raw is None else ["emotions"])
    words = set(
        EmotionLabel.objects.filter(clinic_id=client.clinic_id, is_active=True).values_list(
            "code", flat=True
        )
    )
    low, high = SCALES["intensity"]
    kept, left_out, seen = [], [], set()
    for item in raw:
        label = item.get("label") if isinstance(item, dict) else None
        intensity = item.get("intensity") if isinstance(item, dict) else None
        readable = isinstance(intensity, int) and not isinstance(intensity, bool)
        if not isinstance(label, str) or label not in words or not readable or label in seen:
            left_out.append(str(label)[:40] if isinstance(label, str) else "?")
            continue
        if len(kept) < MOST_FEELINGS:
            seen.add(label)
            kept.append({"label": label, "intensity": min(max(intensity, low), high)})
    return kept, left_out


def _answer(kept: dict) -> dict:
    answer = {"safety_concern": True}
    if isinstance(kept.get("note"), str):
        answer["note"] = kept["note"]
    return answer
