"""Weekly summaries: what a client-week's row says, which weeks are still missing, and
telling therapists. Building rows is ``summary_batch``'s.

The content is deterministic: the same week built twice leaves the same row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Client
from clients.safety.models import SAFETY_REMEMBERED_DAYS
from clinic.models import Clinic, Therapist
from clinic.outbox import services as outbox

from . import directions, metrics, summary_emdr, weeks
from .models import TherapistDigest, WeeklySummary
from .summary_measures import measures_sentence

WEEKS_BACK = 8


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def figures_of(summary: metrics.Summary) -> dict:
    """The week's figures as plain JSON; None where the week had no data."""
    flow = summary.flow
    # The sums of the progress report's Exercises table, as its reading quotes them.
    exercises = directions.tally(summary.adherence)
    return {
        "check_ins": summary.check_ins,
        "distress_mean": _round(summary.distress.mean) if summary.distress else None,
        "distress_slope": _round(summary.distress.slope_per_week) if summary.distress else None,
        "neutrality_mean": _round(summary.neutrality.mean) if summary.neutrality else None,
        "mind_space_mean": _round(summary.mind_space.mean) if summary.mind_space else None,
        "self_compassion_mean": (
            _round(summary.self_compassion.mean) if summary.self_compassion else None
        ),
        "resistance_mean": _round(summary.resistance.mean) if summary.resistance else None,
        "labels": flow.distinct_labels if flow else 0,
        "turnover": _round(flow.turnover) if flow else None,
        "stuck": bool(flow and flow.stuck),
        "rising": metrics.is_rising(summary.distress),
        "exercises_planned": exercises.planned,
        "exercises_done": exercises.done,
        "adherence": _round(summary.adherence_overall),
    }  # fmt: skip


def change(now: dict, before: dict) -> dict:
    """This week minus last week, for every figure both weeks have."""
    return {
        key: _round(now[key] - before[key])
        for key in now
        if isinstance(now[key], int | float)
        and not isinstance(now[key], bool)
        and isinstance(before.get(key), int | float)
        and not isinstance(before.get(key), bool)
    }


def _emotions_and_check_ins(now: dict) -> dict:
    return {
        "emotions": ngettext(
            # One emotion is not "different" from anything: "Labelled 1 emotion".
            "%(count)d emotion",
            "%(count)d different emotions",
            now["labels"],
        )
        % {"count": now["labels"]},
        "check_ins": ngettext("%(count)d check-in", "%(count)d check-ins", now["check_ins"])
        % {"count": now["check_ins"]},
    }


def _distress_clause(now: dict, before: dict | None) -> str:
    mean = now["distress_mean"]
    previous = before.get("distress_mean") if before else None
    if previous is None:
        return _("distress averaged %(mean)s") % {"mean": _figure(mean)}
    way = directions.between(previous, mean, directions.DISTRESS)
    figures = {"from": _figure(way.start), "to": _figure(way.end)}
    if way.way == directions.UP:
        return _("distress rose from %(from)s to %(to)s") % figures
    if way.way == directions.DOWN:
        return _("distress eased from %(from)s to %(to)s") % figures
    return _("distress held around %(to)s (%(from)s last week)") % figures


def _figure(value: float) -> str:
    return directions.shown(value, directions.DISTRESS.digits)


def digest(
    now: dict, before: dict | None, measures: dict | None = None, emdr: dict | None = None
) -> str:
    """A few plain, gentle sentences about the week; the outcome measures as counts, and
    EMDR: targets resolved, log entries and the highest disturbance logged."""
    sentences = [_check_in_digest(now, before), measures_sentence(measures)]
    sentences.append(summary_emdr.sentence(emdr))
    return " ".join(sentence for sentence in sentences if sentence)


def _check_in_digest(now: dict, before: dict | None) -> str:
    planned, done = now["exercises_planned"], now["exercises_done"]
    if not now["check_ins"]:
        if planned:
            return ngettext(
                "No check-ins this week; %(done)d of %(planned)d planned exercise done.",
                "No check-ins this week; %(done)d of %(planned)d planned exercises done.",
                planned,
            ) % {"done": done, "planned": planned}
        return _("No check-ins this week.")
    counts = _emotions_and_check_ins(now)
    if not now["labels"]:  # safety answers sent without feelings
        parts = [_("No emotions labelled across %(check_ins)s") % counts]
    elif before and before["check_ins"] and now["labels"] > before["labels"]:
        parts = [
            _("Labelled %(emotions)s across %(check_ins)s, more varied than last week") % counts
        ]
    elif before and before["check_ins"] and now["labels"] < before["labels"]:
        parts = [
            _("Labelled %(emotions)s across %(check_ins)s, less varied than last week") % counts
        ]
    else:
        parts = [_("Labelled %(emotions)s across %(check_ins)s") % counts]
    parts.append(_distress_clause(now, before))
    if now["stuck"]:
        parts.append(_("one pattern kept repeating (see the progress report)"))
    if planned:
        parts.append(
            ngettext(
                "completed %(done)d of %(planned)d planned exercise",
                "completed %(done)d of %(planned)d planned exercises",
                planned,
            )
            % {"done": done, "planned": planned}
        )
    return "; ".join(parts) + "."


# Short flags, stored with the summary and read by the API; the most urgent first.
SAFETY = "safety concern"
RELIABLE_DETERIORATION = "reliable deterioration"  # a measure, against its first score
DISTRESS_ROSE = "distress rose"  # this week's mean over last week's, by the digest's rule
DISTRESS_RISING = "distress rising"  # climbing through the week (metrics.is_rising)
STUCK = "stuck"
NO_CHECK_INS = "no check-ins"
URGENCY = (
    SAFETY,
    RELIABLE_DETERIORATION,
    DISTRESS_ROSE,
    DISTRESS_RISING,
    STUCK,
    NO_CHECK_INS,
)
SAFETY_RECENT_DAYS = SAFETY_REMEMBERED_DAYS


def distress_rose(now: dict, before: dict | None) -> bool:
    """This week's mean distress rose over last week's by the size the digest calls "rose"."""
    if not before or now.get("distress_mean") is None or before.get("distress_mean") is None:
        return False
    way = directions.between(before["distress_mean"], now["distress_mean"], directions.DISTRESS)
    return way.way == directions.UP


def flags_of(
    now: dict, before: dict | None, safety_alerts: int, deteriorations: int = 0
) -> list[str]:
    """What may need attention this week, most urgent first."""
    found = {
        SAFETY: bool(safety_alerts),
        RELIABLE_DETERIORATION: bool(deteriorations),
        DISTRESS_ROSE: distress_rose(now, before),
        DISTRESS_RISING: bool(now["rising"]),
        STUCK: bool(now["stuck"]),
        NO_CHECK_INS: not now["check_ins"],
    }
    return [flag for flag in URGENCY if found[flag]]


def flag_label(flag: str) -> str:
    """A flag as the page shows it; an unknown (older or newer) flag as stored."""
    return {
        SAFETY: _("safety concern"),
        RELIABLE_DETERIORATION: _("reliable deterioration"),
        DISTRESS_ROSE: _("distress rose"),
        DISTRESS_RISING: _("distress rising"),
        STUCK: _("stuck"),
        NO_CHECK_INS: _("no check-ins"),
    }.get(flag, flag)


def flag_reason(flag: str, figures: dict) -> str:
    """Why a stored flag was raised, in words, from the figures stored with it."""
    week, previous = figures.get("week", {}), figures.get("previous", {})
    if flag == SAFETY:
        return ngettext(
            "A safety answer in the %(days)d day up to the end of this week.",
            "A safety answer in the %(days)d days up to the end of this week.",
            SAFETY_RECENT_DAYS,
        ) % {"days": SAFETY_RECENT_DAYS}
    if flag == RELIABLE_DETERIORATION:
        worse = figures.get("measures", {}).get("reliable_deterioration") or 0
        return ngettext(
            "%(count)d measure answered this week is reliably worse than its first score.",
            "%(count)d measures answered this week are reliably worse than their first score.",
            worse,
        ) % {"count": worse}
    if flag == DISTRESS_ROSE and distress_rose(week, previous):
        way = directions.between(
            previous["distress_mean"], week["distress_mean"], directions.DISTRESS
        )
        return _("Mean distress rose from %(from)s last week to %(to)s this week.") % {
            "from": _figure(way.start),
            "to": _figure(way.end),
        }
    if flag == DISTRESS_RISING:
        return _("Distress climbed across the week's check-ins.")
    if flag == STUCK:
        return _("One heavy emotion, or strong resistance, kept repeating.")
    if flag == NO_CHECK_INS:
        return _("No check-ins this week.")
    return ""


def week_content(
    *,
    now: metrics.Summary,
    earlier: metrics.Summary,
    safety_alerts: int,
    measures: dict,
    emdr: dict | None = None,
) -> dict:
    """What a weekly summary row holds: the week's figures and the week before's, the
    change, the digest and the flags. ``safety_alerts`` counts the safety answers of the
    days up to the end of the week only, so that building the week again gives the same
    row; ``measures`` holds counts (``summary_measures``), ``emdr`` targets resolved and
    log entries (``summary_emdr``; none when not given)."""
    emdr = emdr or dict(summary_emdr.NONE)
    this_week, last_week = figures_of(now), figures_of(earlier)
    flags = flags_of(this_week, last_week, safety_alerts, measures["reliable_deterioration"])
    return {
        "figures": {
            "week": this_week,
            "previous": last_week,
            "change": change(this_week, last_week),
            "measures": measures,  # counts only
            "emdr": emdr,
        },
        "digest": digest(this_week, last_week, measures, emdr),
        "flags": flags,
        "needs_attention": bool(flags),
    }


@dataclass(frozen=True)
class ClientWeek:
    client_id: int
    week_start: date


def summaries_missing(
    *, now: datetime | None = None, clinic_id: int | None = None, since: date | None = None
) -> list[ClientWeek]:
    """Every (active client, finished week) without a summary: back to the client's start,
    and at most ``WEEKS_BACK`` weeks (or back to ``since``, for operators)."""
    now = now or timezone.now()
    clients = Client.objects.filter(status=Client.Status.ACTIVE).select_related("clinic")
    if clinic_id is not None:
        clients = clients.filter(clinic_id=clinic_id)
    wanted = []
    at_most = WEEKS_BACK if since is None else max(WEEKS_BACK, (now.date() - since).days // 7 + 1)
    for client in clients:
        first = client.started_on if since is None else max(client.started_on, since)
        for monday in weeks.finished_weeks(
            now=now, zone=ZoneInfo(client.clinic.time_zone), first_day=first, at_most=at_most
        ):
            wanted.append(ClientWeek(client.pk, monday))
    if not wanted:
        return []
    oldest = min(item.week_start for item in wanted)
    have = set(
        WeeklySummary.objects.filter(
            client_id__in={item.client_id for item in wanted}, week_start__gte=oldest
        ).values_list("client_id", "week_start")
    )
    return [item for item in wanted if (item.client_id, item.week_start) not in have]


def digests_due(*, now: datetime | None = None) -> list[tuple[int, date]]:
    """(therapist, week) pairs whose summaries are all built and whose e-mail is not owed
    yet (an owed one is the outbox's to send).

    One query per clinic (its last finished week depends on its time zone).
    """
    now = now or timezone.now()
    due = []
    for clinic in Clinic.objects.filter(therapists__is_active=True).distinct():
        week = weeks.week_start_of(now.astimezone(ZoneInfo(clinic.time_zone)).date())
        week -= timedelta(weeks=1)
        treated = Q(
            clients__status=Client.Status.ACTIVE,
            clients__started_on__lt=week + timedelta(weeks=1),
        )
        owed = TherapistDigest.objects.filter(therapist=OuterRef("pk"), week_start=week)
        therapists = (
            Therapist.objects.filter(clinic=clinic, is_active=True)
            .annotate(
                expected=Count("clients", filter=treated, distinct=True),
                built=Count(
                    "clients__weekly_summaries",
                    filter=treated & Q(clients__weekly_summaries__week_start=week),
                    distinct=True,
                ),
            )
            .filter(expected__gt=0, expected=F("built"))
            .exclude(Exists(owed))
        )
        due += [(pk, week) for pk in therapists.values_list("pk", flat=True)]
    return due


@transaction.atomic
def therapist_digest_owe(*, therapist_id: int, week_start: date) -> int | None:
    """Owe a therapist the e-mail that the week's summaries are ready; once per week.
    Returns the owed e-mail's id, or None if it was owed already."""
    from .emails import DIGEST

    therapist = Therapist.objects.select_related("user").get(pk=therapist_id)
    summaries = WeeklySummary.objects.filter(
        client__primary_therapist=therapist, week_start=week_start
    )
    record, created = TherapistDigest.objects.get_or_create(
        therapist=therapist,
        week_start=week_start,
        defaults={
            "summaries": summaries.count(),
            "needing_attention": summaries.filter(needs_attention=True).count(),
        },
    )
    if not created:
        return None
    return outbox.owe(
        kind=DIGEST,
        key=f"digest:{record.pk}",
        recipient=therapist.user,
        object_id=record.pk,
        clinic_id=therapist.clinic_id,
        ask_worker=False,  # the planner sends it itself
    ).pk
