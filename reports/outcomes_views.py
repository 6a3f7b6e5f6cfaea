"""Clinic outcomes, as a page and as a CSV file: a clinic admin sees the clinic's figures
(and each therapist's), a therapist those of their own caseload; anyone else gets 403.

Aggregates only: no client is named on the page or in the file.
"""

import csv
import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from clients.measures import outcomes as measures_outcomes
from clients.measures.outcomes import SHARE_NAMES, SHARES, Outcome, Report
from clinic.spreadsheets import safe_cell


def outcomes_allowed(view):
    """A clinic admin or a therapist, signed in; anyone else 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not measures_outcomes.may_see_outcomes(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _report(request: HttpRequest) -> Report:
    period = measures_outcomes.period_from(
        request.GET, today=measures_outcomes.clinic_today(request.user)
    )
    return measures_outcomes.outcomes_for(user=request.user, period=period)


def _sections(report: Report) -> list[tuple[str, list[Outcome]]]:
    """The tables of the page and the rows of the file: the whole scope first."""
    first = _("The whole clinic") if report.whole_clinic else _("My clients")
    return [(first, report.outcomes)] + [(t.name, t.outcomes) for t in report.by_therapist]


@outcomes_allowed
def outcomes(request: HttpRequest) -> HttpResponse:
    context = {
        "share_names": [SHARE_NAMES[key] for key in SHARES],
        "start": request.GET.get("start", ""),
        "end": request.GET.get("end", ""),
    }
    try:
        report = _report(request)
    except ValidationError as error:
        context["errors"] = [
            message for messages in error.message_dict.values() for message in messages
        ]
        return render(request, "reports/outcomes.html", context, status=400)
    period = {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()}
    context.update(
        report=report,
        sections=_sections(report),
        start=period["start"],
        end=period["end"],
        csv_query=urlencode(period),
    )
    return render(request, "reports/outcomes.html", context)


def csv_header() -> list[str]:
    header = [
        _("Period start"),
        _("Period end"),
        _("Clients of"),
        _("Measure"),
        _("Reliable change (points)"),
        _("Caseness cut-off"),
        _("Read beside"),
        _("Clients with two or more scores"),
    ]
    for key in SHARES:
        name = SHARE_NAMES[key]
        header += [
            _("%(share)s: n") % {"share": name},
            _("%(share)s: clients") % {"share": name},
            _("%(share)s: %%") % {"share": name},
        ]
    header.append(_("Not a case at the first score (recovery not applicable)"))
    return header


def csv_row(report: Report, scope: str, outcome: Outcome) -> list:
    criteria = outcome.criteria
    row = [
        report.period.start.isoformat(),
        report.period.end.isoformat(),
        scope,
        outcome.label,
        "" if criteria.reliable_change is None else criteria.reliable_change,
        "" if criteria.caseness is None else criteria.caseness,
        outcome.paired_with.name if outcome.paired_with else "",
        outcome.clients,
    ]
    for line in outcome.lines:
        if line.share is None:
            reason = _("no published criterion")
            row += [line.n, reason, reason]
        elif line.n == 0:
            row += [0, _("no clients"), _("no clients")]
        else:
            row += [line.n, line.share.met, line.share.percent]
    row.append("" if outcome.not_a_case_at_baseline is None else outcome.not_a_case_at_baseline)
    return row


@outcomes_allowed
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    """The page's figures as a file: one row per measure, and per therapist for an admin."""
    try:
        report = _report(request)
    except ValidationError as error:
        words = " ".join(m for messages in error.message_dict.values() for m in messages)
        return HttpResponse(words, status=400, content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header())
    for scope, outcomes_list in _sections(report):
        for outcome in outcomes_list:
            writer.writerow([safe_cell(cell) for cell in csv_row(report, scope, outcome)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"outcomes-{report.period.start.isoformat()}-to-{report.period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
