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
from clients.models import Client
from clinic.api.errors import error_body

from .serializers import NOTE_MAX_CHARS, CheckInInput


def check_in_draft(*, client: Client, body) -> tuple[services.CheckInDraft, list[dict]]:
    """The check-in a request body asks to store, validated; and what was not kept of a
    safety answer (empty otherwise). Raises the usual 400/403 for anything else."""
    data = CheckInInput(data=body)
    discharged = client.status == client.Status.DISCHARGED
    if not data.is_valid():
        if is_safety_answer(body) and not discharged:
            return safety_answer_kept(client=client, body=body, refused=data.errors)
        raise serializers.ValidationError(data.errors)
    if discharged:
        raise PermissionDenied(_("Treatment has ended; the clinic no longer receives check-ins."))
    try:
        return services.check_in_prepare(client=client, **data.validated_data), []
    except DjangoValidationError as error:
        if not is_safety_answer(body):
            raise
        return safety_answer_kept(client=client, body=body, refused=as_serializer_error(error))


def is_safety_answer(body) -> bool:
    return isinstance(body, dict) and body.get("safety_concern") is True


def safety_answer_kept(
    *, client: Client, body: dict, refused: dict
) -> tuple[services.CheckInDraft, list[dict]]:
    """The draft of what can be kept of a refused safety answer, and what was not kept
    (in the API's error items). ``refused`` is the serializer's errors of the body."""
    fields = CheckInInput().fields
    kept = {name: value for name, value in body.items() if name in fields and name not in refused}
    note = body.get("note")
    if "note" in refused and isinstance(note, str):
        kept["note"] = note[:NOTE_MAX_CHARS]  # the client's own words: as many as fit
    if "occurred_at" in refused:
        kept["occurred_at"] = timezone.now().isoformat()  # when it arrived
    not_kept = error_body(refused)["errors"]
    data = CheckInInput(data=kept)
    if not data.is_valid():  # should not happen; the answer alone is always valid
        data = CheckInInput(data={"occurred_at": timezone.now().isoformat(), **_answer(kept)})
        data.is_valid(raise_exception=True)
    try:
        draft = services.check_in_prepare(client=client, **data.validated_data)
    except DjangoValidationError as error:  # an emotion outside the vocabulary, say
        not_kept += error_body(as_serializer_error(error))["errors"]
        values = dict(data.validated_data)
        for name in as_serializer_error(error):
            values.pop(name, None)
        values.update(emotions=[], safety_concern=True)
        draft = services.check_in_prepare(client=client, **values)
    for item in not_kept:
        item["message"] = _("Not kept: %(reason)s") % {"reason": item["message"]}
    return draft, not_kept


def _answer(kept: dict) -> dict:
    answer = {"safety_concern": True}
    if isinstance(kept.get("note"), str):
        answer["note"] = kept["note"]
    return answer
