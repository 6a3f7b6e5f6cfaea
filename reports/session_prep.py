"""The session-prep report: since the last session against the stretch before, and
what to bring up, each suggestion naming the rule that produced it."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.measures.instruments import INSTRUMENTS
from clients.models import Alert, CheckIn, Client, Completion
from clients.safety.selectors import follow_ups_prefetch
from clients.wording import PersonWords, person_words, unnamed_words
from clinic.models import Session

from . import directions, metrics, windows
from .caseload import raised_by_response
from .pages import label_names
from .prep_emdr import PrepEmdr, prep_emdr
from .prep_measures import PrepMeasures, prep_measures
from .selectors import held_sessions, windows_load

SILENT_DAYS = 7


@dataclass
class Comparison:
    name: str
    before: float | None
    now: float | None
    unit: str = ""
    better_when: str = "lower"  # "lower", "higher" or "" (no direction is better)
    digits: int = 1

    @property
    def change(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return self.now - self.before


@dataclass
class Suggestion:
    rule: str
    text: str


@dataclass
class PrepReport:
    client: Client
    window: windows.ReportWindow
    before: windows.ReportWindow
    next_session: Session | None
    comparisons: list[Comparison]
    flags: list[str]
    discuss: list[CheckIn]
    reflections: list[Completion]
    exercises: list[metrics.Adherence]
    suggestions: list[Suggestion]
    measures: PrepMeasures
    emdr: PrepEmdr | None = None  # None for a client without EMDR targets or log entries


def _mean(trend: metrics.Trend | None) -> float | None:
    return trend.mean if trend else None


def _compare(now: metrics.Summary, before: metrics.Summary, words: PersonWords) -> list[Comparison]:
    labels_before = before.flow.distinct_labels if before.flow else None
    labels_now = now.flow.distinct_labels if now.flow else None
    person = {"person": words.for_staff}
    return [
        Comparison(_("Check-ins"), before.check_ins, now.check_ins, better_when="", digits=0),
        Comparison(_("Distress (0-10)"), _mean(before.distress), _mean(now.distress)),
        Comparison(
            _("Charge toward %(person)s, from neutral (0-5)") % person,
            _mean(before.neutrality),
            _mean(now.neutrality),
        ),
        Comparison(
            _("Mind space: %(person)s (%% of the day)") % person,
            _mean(before.mind_space),
            _mean(now.mind_space),
            "%",
        ),
        Comparison(
            _("Self-compassion (0-10)"),
            _mean(before.self_compassion),
            _mean(now.self_compassion),
            better_when="higher",
        ),
        Comparison(_("Resistance (0-10)"), _mean(before.resistance), _mean(now.resistance)),
        Comparison(_("Emotions labelled"), labels_before, labels_now, "", "higher", digits=0),
        Comparison(
            _("Exercises done (%% of planned)") % {},
            # As the readings tally it from the table's whole numbers, so the two agree.
            directions.tally(before.adherence).percent,
            directions.tally(now.adherence).percent,
            "%",
            better_when="higher",
            digits=0,  # "65%", as the progress report says it
        ),
    ]


def _charge_topic(charge: metrics.Trend | None, words: PersonWords) -> str:
    """What to explore about a strong charge, on the side it leans to (the sign of its
    mean, as the chart's reading decides it)."""
    named = {
        "person": words.for_staff,
        "negative": words.ends.negative,
        "positive": words.ends.positive,
    }
    if charge is not None and charge.mean < 0:
        text = _("%(person)s still holds a strong charge: explore the %(negative)s behind it.")
    elif charge is not None and charge.mean > 0:
        text = _("%(person)s still holds a strong charge: explore the %(positive)s behind it.")
    else:
        text = _(
            "%(person)s still holds a strong charge: explore the %(positive)s "
            "and the %(negative)s behind it."
        )
    return capfirst(text % named)


def suggestions(
    summary: metrics.Summary,
    *,
    alerts: int,
    wants_to_discuss: int,
    days_silent: int | None,
    names: dict[str, str],
    words: PersonWords | None = None,
    deteriorated: list[str] | tuple = (),
) -> list[Suggestion]:
    """Topics for the session, each from a stated rule. Pure, so each rule is testable.
    ``words`` name the other person as set for the client ("the other person" without);
    ``deteriorated`` names the measures reliably worse than their first score."""
    words = words or unnamed_words()
    found: list[Suggestion] = []

    def say(rule: str, text: str) -> None:
        found.append(Suggestion(rule, text))

    if alerts:
        say(
            _("An alert since the last session, or still open"),
            _("Begin with safety: how are they now, is the crisis plan right?"),
        )
    if deteriorated:
        say(
            _("A measure reliably worse than its first score"),
            _(
                "%(measures)s: reliably worse than at the start; ask what changed, and "
                "review the plan together."
            )
            % {"measures": ", ".join(deteriorated)},
        )
    if wants_to_discuss:
        say(
            _("The client asked to talk"),
            ngettext(
                "They marked %(count)d check-in “I'd like to talk about this”.",
                "They marked %(count)d check-ins “I'd like to talk about this”.",
                wants_to_discuss,
            )
            % {"count": wants_to_discuss},
        )
    for stretch in summary.flow.stretches if summary.flow else ():
        if stretch.reason == "emotion":
            say(
                _("One heavy emotion led 4+ check-ins in a row"),
                _(
                    "%(emotion)s keeps coming back: explore what holds it in place and "
                    "practise letting it pass."
                )
                % {"emotion": names.get(stretch.label, stretch.label)},
            )
        else:
            say(
                _("Resistance 7+ in 3+ check-ins in a row"),
                _("Feelings are being pushed away: talk about what makes them hard to allow."),
            )
    if metrics.is_rising(summary.distress):
        say(
            _("Distress rising 0.5+ a week over 4+ check-ins and a week or more"),
            _("Distress has been climbing: ask what changed."),
        )
    n = summary.neutrality
    if n and n.mean >= 3 and (n.slope_per_week is None or n.slope_per_week >= 0):
        say(_("Charge 3+ from neutral and not easing"), _charge_topic(summary.charge, words))
    m = summary.mind_space
    if m and m.mean >= 50:
        say(
            _("Mind space 50%%+ of the day") % {},
            capfirst(
                _(
                    "%(person)s still takes up much of the day: look at what pulls "
                    "attention back to them."
                )
                % {"person": words.for_staff}
            ),
        )
    s = summary.self_compassion
    if s and s.mean <= 3:
        say(_("Self-compassion 3 or lower"), _("Practise a kinder inner voice together."))
    exercises = directions.tally(summary.adherence)
    if exercises.planned >= 2 and exercises.percent is not None and exercises.percent < 50:
        say(
            _("Fewer than half of the planned exercises done"),
            _("Ask, without pressure, what got in the way, and adjust the plan."),
        )
    if days_silent is not None and days_silent >= SILENT_DAYS:
        say(
            _("No check-in for 7+ days"),
            _("No check-ins for %(days)d days: ask how it has been.") % {"days": days_silent},
        )
    return found


def _alert_kind(alert: Alert) -> str:
    """ "Safety concern", or "Safety concern (PHQ-9 item 9)" when a measure raised it."""
    response = raised_by_response(alert)
    if response is None:
        return alert.get_kind_display()
    return _("%(kind)s (%(instrument)s item %(items)s)") % {
        "kind": alert.get_kind_display(),
        "instrument": response.get_instrument_display(),
        "items": ", ".join(INSTRUMENTS[response.instrument].safety_items),
    }


def _alert_flag(alert: Alert) -> str:
    """The alert and what was done about it, in the words of its follow-ups."""
    facts = {
        "kind": _alert_kind(alert),
        "when": date_format(timezone.localtime(alert.created_at), "D j M, H:i"),
    }
    done = [f for f in alert.history if f.resolves]
    tried = [f for f in alert.history if not f.resolves]
    if alert.acknowledged_at is None and tried:
        return _("%(kind)s on %(when)s: open; tried to reach them %(n)s times") % {
            **facts,
            "n": len(tried),
        }
    if alert.acknowledged_at is None:
        return _("%(kind)s on %(when)s: open") % facts
    if done:
        return _("%(kind)s on %(when)s: %(action)s (%(by)s)") % {
            **facts,
            "action": done[0].get_action_display().lower(),
            "by": done[0].by.get_full_name(),
        }
    return _("%(kind)s on %(when)s: acknowledged by %(by)s") % {
        **facts,
        "by": alert.acknowledged_by,
    }


def prep_report(*, client: Client) -> PrepReport:
    now = timezone.now()
    zone = ZoneInfo(client.time_zone)
    held = held_sessions(client)
    window = windows.resolve(
        windows.DEFAULT, now=now, held_sessions=held, started_on=client.started_on, zone=zone
    )
    before = windows.previous(window, held)
    current_data = windows_load(clients=[client], since=window.since, until=window.until)[client.pk]
    before_data = windows_load(clients=[client], since=before.since, until=before.until)[client.pk]
    summary, earlier = metrics.summarize(current_data), metrics.summarize(before_data)
    last = client.check_ins.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    days_silent = (now - last).days if last else None
    # Alerts since the last session stay on the prep report after they are acknowledged.
    alerts = list(
        client.alerts.filter(Q(acknowledged_at__isnull=True) | Q(created_at__gte=window.since))
        .select_related("acknowledged_by", "measure_response")
        .prefetch_related(follow_ups_prefetch())
        .order_by("created_at")
    )
    # A safety answer's words always reach the therapist, asked to talk about or not.
    discuss = list(
        client.check_ins.filter(
            Q(wants_to_discuss=True) | Q(safety_concern=True), occurred_at__gte=window.since
        ).order_by("occurred_at")
    )
    flags = [_alert_flag(alert) for alert in alerts]
    emdr = prep_emdr(client=client, held=held, now=now)
    if emdr and emdr.flag:  # right after safety: the session starts from it
        flags.append(emdr.flag)
    if summary.flow and summary.flow.stuck:
        flags.append(_("stuck: one pattern repeating (see suggestions)"))
    if metrics.is_rising(summary.distress):
        flags.append(_("distress rising"))
    if last is None:
        flags.append(_("no check-ins yet"))
    elif days_silent >= SILENT_DAYS:
        flags.append(_("silent for %(days)d days") % {"days": days_silent})
    next_session = (
        client.sessions.filter(starts_at__gte=now, status=Session.Status.SCHEDULED)
        .order_by("starts_at")
        .first()
    )
    measures = prep_measures(
        client=client, since=window.since, until=window.until, next_session=next_session
    )
    flags += [
        _("%(instrument)s: reliable deterioration since the first score") % {"instrument": name}
        for name in measures.deteriorated
    ]
    names = label_names(client)
    words = person_words(client)
    return PrepReport(
        client=client,
        window=window,
        before=before,
        next_session=next_session,
        comparisons=_compare(summary, earlier, words),
        flags=flags,
        discuss=discuss,
        reflections=list(
            Completion.objects.filter(
                assignment__client=client,
                completed_at__gte=window.since,
                completed_at__lte=window.until,
            )
            .exclude(reflection="")
            .select_related("assignment__exercise")
            .order_by("completed_at")
        ),
        exercises=summary.adherence,
        suggestions=suggestions(
            summary,
            alerts=len(alerts),
            wants_to_discuss=sum(check_in.wants_to_discuss for check_in in discuss),
            days_silent=days_silent,
            names=names,
            words=words,
            deteriorated=measures.deteriorated,
        ),
        measures=measures,
        emdr=emdr,
    )
