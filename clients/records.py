"""A client's whole record: exported for them or for the clinic, or erased.

Both are for clinic admins (the clinic is the data controller) and both leave an entry in
the audit trail. The export holds every row about the client, decrypted; the erasure removes
those rows and the client's account, and keeps only the trail's ids.
"""

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic import audit
from clinic.models import User
from clinic.spreadsheets import safe_cell

from .models import Alert, Assignment, CheckIn, CheckInEmotion, Client, Completion


def _rows(queryset, extra: tuple[str, ...] = ()) -> list[dict]:
    fields = [field.attname for field in queryset.model._meta.concrete_fields]
    return list(queryset.order_by("pk").values(*fields, *extra))


def client_record(*, client: Client) -> dict[str, list[dict]]:
    """Every row about the client, table by table, free text decrypted."""
    from clinic.models import Session
    from reports.models import WeeklySummary

    from .measures.models import MeasureResponse, MeasureSchedule
    from .safety.models import FollowUp, SafetyPlan

    user = client.user
    return {
        "client": _rows(Client.objects.filter(pk=client.pk)),
        "account": [
            {
                "email": user.email,
                "display_name": user.display_name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "sessions": _rows(Session.objects.filter(client=client)),
        "assignments": _rows(Assignment.objects.filter(client=client), ("exercise__title",)),
        "completions": _rows(Completion.objects.filter(assignment__client=client)),
        "check_ins": _rows(CheckIn.objects.filter(client=client)),
        "check_in_emotions": _rows(
            CheckInEmotion.objects.filter(check_in__client=client), ("label__code",)
        ),
        "alerts": _rows(Alert.objects.filter(client=client)),
        "follow_ups": _rows(FollowUp.objects.filter(alert__client=client)),
        "safety_plan": _rows(SafetyPlan.objects.filter(client=client)),
        "weekly_summaries": _rows(WeeklySummary.objects.filter(client=client)),
        "measure_schedules": _rows(MeasureSchedule.objects.filter(client=client)),
        # Answers, scores, sub-scales, rules and diagnosis, as scored when they came in.
        "measure_responses": _rows(MeasureResponse.objects.filter(client=client)),
        **_emdr_rows(client),
    }


def _emdr_rows(client: Client) -> dict[str, list[dict]]:
    """EMDR: targets with the memory and cognitions decrypted, each change of their
    status, what each session did with them, and the client's TICES log."""
    from .emdr.models import ProcessingRecord, Target, TargetStatusChange, TicesEntry

    return {
        "emdr_targets": _rows(Target.objects.filter(client=client)),
        "emdr_target_emotions": _rows(
            Target.emotions.through.objects.filter(target__client=client),
            ("emotionlabel__code",),
        ),
        "emdr_target_status_changes": _rows(
            TargetStatusChange.objects.filter(target__client=client)
        ),
        "emdr_processing_records": _rows(
            ProcessingRecord.objects.filter(target__client=client), ("calming_exercise__title",)
        ),
        "tices_entries": _rows(TicesEntry.objects.filter(client=client)),
        "tices_entry_emotions": _rows(
            TicesEntry.emotions.through.objects.filter(ticesentry__client=client),
            ("emotionlabel__code",),
        ),
    }


# The outcome measures once more, as FHIR R4 for another clinical system.
FHIR_BUNDLE = "fhir_bundle"


def record_json(record: dict, fhir_bundle: dict | None = None) -> bytes:
    body = {"exported_at": timezone.now(), **record}
    if fhir_bundle is not None:
        body[FHIR_BUNDLE] = fhir_bundle
    return json.dumps(body, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def record_zip(record: dict, fhir_bundle: dict | None = None) -> bytes:
    """One CSV file per table, in a zip; lists and objects are written as JSON text. The
    FHIR Bundle, when given, is a JSON file beside them."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        if fhir_bundle is not None:
            zipped.writestr(
                f"{FHIR_BUNDLE}.json", json.dumps(fhir_bundle, indent=2, ensure_ascii=False)
            )
        for table, rows in record.items():
            text = io.StringIO()
            columns = list(rows[0]) if rows else []
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
            zipped.writestr(f"{table}.csv", text.getvalue())
    return archive.getvalue()


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def export_audit(*, client: Client, request) -> None:
    """Record that someone took the client's record out of the product, in any form."""
    audit.record(
        request,
        action="export",
        object_type="client",
        object_ids=[client.pk],
        client_id=client.pk,
        clinic_id=client.clinic_id,
    )


def client_record_export(*, client: Client, request, file_format: str) -> bytes:
    """The record as ``json`` or ``zip`` (CSV files), with the outcome measures also as a
    FHIR Bundle; the export is audited."""
    from .measures.fhir import client_bundle

    record = client_record(client=client)
    bundle = client_bundle(client)
    export_audit(client=client, request=request)
    if file_format == "json":
        return record_json(record, bundle)
    return record_zip(record, bundle)


def client_erase(*, client: Client, request) -> None:
    """Delete the client's records and their account. The audit trail keeps the ids."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from clinic.models import Session
    from reports.models import WeeklySummary

    from .emdr.models import ProcessingRecord, Target, TargetStatusChange, TicesEntry
    from .measures.models import MeasureResponse, MeasureSchedule
    from .safety.models import FollowUp, SafetyPlan

    client_id, clinic_id, user = client.pk, client.clinic_id, client.user
    emdr = (Target, TargetStatusChange, ProcessingRecord, TicesEntry)
    erases_login = user.role == User.Role.CLIENT  # a staff account never goes with a record
    doomed = {
        model: list(rows.values_list("pk", flat=True))
        for model, rows in (
            (Client, Client.objects.filter(pk=client_id)),
            (Session, Session.objects.filter(client=client)),
            (Assignment, Assignment.objects.filter(client=client)),
            (Completion, Completion.objects.filter(assignment__client=client)),
            (CheckIn, CheckIn.objects.filter(client=client)),
            (CheckInEmotion, CheckInEmotion.objects.filter(check_in__client=client)),
            (Alert, Alert.objects.filter(client=client)),
            (FollowUp, FollowUp.objects.filter(alert__client=client)),
            (SafetyPlan, SafetyPlan.objects.filter(client=client)),
            (WeeklySummary, WeeklySummary.objects.filter(client=client)),
            (MeasureSchedule, MeasureSchedule.objects.filter(client=client)),
            (MeasureResponse, MeasureResponse.objects.filter(client=client)),
            (Target, Target.objects.filter(client=client)),
            (TargetStatusChange, TargetStatusChange.objects.filter(target__client=client)),
            (ProcessingRecord, ProcessingRecord.objects.filter(target__client=client)),
            (TicesEntry, TicesEntry.objects.filter(client=client)),
            (User, User.objects.filter(pk=user.pk, role=User.Role.CLIENT)),
        )
    }
    with transaction.atomic(), audit.writes_recorded_by_caller():
        # sessions, assignments, completions, check-ins, alerts and their follow-ups, the
        # safety plan, summaries, measure schedules; EMDR targets with their status changes
        # and processing records, and the TICES log
        client.delete()
        if erases_login:
            for model in (AccessAttempt, AccessLog, AccessFailureLog):  # they name the e-mail
                model.objects.filter(username__iexact=user.email).delete()
            user.delete()  # tokens, idempotency keys
        # The admin's history repeats names ("Robin M.", the login's e-mail, a target's
        # label) of what it edited: its rows about any of them go, in one statement.
        named = Q(pk__in=[])
        for model in (Client, Assignment, Session, User, *emdr):
            if doomed[model]:
                named |= Q(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id__in=[str(pk) for pk in doomed[model]],
                )
        LogEntry.objects.filter(named).delete()
        # One row per kind of record deleted, instead of one per row.
        for model, ids in doomed.items():
            if ids:
                audit.record(
                    request,
                    action="delete",
                    object_type=model._meta.model_name,
                    object_ids=ids,
                    client_id=client_id,
                    clinic_id=clinic_id,
                )
        audit.record(
            request,
            action="erase",
            object_type="client",
            object_ids=[client_id],
            client_id=client_id,
            clinic_id=clinic_id,
        )
