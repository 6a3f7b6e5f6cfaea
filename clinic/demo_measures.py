"""The demo's outcome measures: each clinic's choice of instruments, and scores that follow
each client's story over the demo's weeks.

Every response goes through the product's own services (validated, scored on the server,
the self-harm item raising its alert), answered in the slots of the client's schedules:
the healing client reliably recovers, the stuck one stays flat, the safety client
reliably deteriorates and, late last night, answers PHQ-9 item 9 above 0; the silent
client stopped answering, so a measure is overdue.
"""

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clients.measures import policies
from clients.measures import services as measures
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument
from clients.measures.models import CADENCE_WEEKS, Cadence, ClinicInstrument
from clients.models import Alert, Client
from clinic.models import Clinic, Therapist

# Per clinic: the rows of its measure settings. Both give new clients PHQ-9 and GAD-7 every
# two weeks; Harbor reads GAD-7 at the original paper's 10 and does not use ITQ.
CLINIC_MEASURES = {
    "harbor": {
        "phq9": {"default_cadence": Cadence.EVERY_2_WEEKS},
        "gad7": {"default_cadence": Cadence.EVERY_2_WEEKS, "caseness": 10},
        "itq": {"enabled": False},
    },
    "willow": {
        "phq9": {"default_cadence": Cadence.EVERY_2_WEEKS},
        "gad7": {"default_cadence": Cadence.EVERY_2_WEEKS},
    },
}

# Per story: each instrument's first and last score of the episode; the scores between
# move from one to the other, a point or so either way.
TRAJECTORIES = {
    "healing": {"phq9": (17, 8), "gad7": (14, 6)},  # reliable recovery on both
    "stuck": {"phq9": (15, 16), "gad7": (12, 12)},  # flat: no reliable change
    "resistant": {"phq9": (12, 11), "gad7": (10, 10)},
    "safety": {"phq9": (11, 19), "gad7": (9, 14)},  # reliable deterioration on both
    "silent": {"phq9": (14, 12), "gad7": (11, 10)},  # stopped answering: overdue
    "steady": {"phq9": (12, 8), "gad7": (10, 7)},  # recovery, not a reliable one
}
# One trauma client in each clinic that uses the instrument, by demo number: PCL-5 (a
# DSM-5 measure) at Harbor, ITQ (ICD-11) at Willow, every 4 weeks. Charted numbers:
# "total", or ITQ's PTSD and DSO sums.
TRAUMA = {
    6: ("pcl5", {"total": (52, 38)}),  # reliable improvement, still above the cut-off
    8: ("itq", {"ptsd": (16, 13), "dso": (18, 17)}),  # complex PTSD throughout
}
# Answered on the day its slot opens: the two stories of clients who keep up.
PROMPT = {"healing", "steady"}
SAFETY_ITEM_ANSWER = 1  # "Several days", in the last PHQ-9 of the safety story


def clinic_measures(clinic: Clinic) -> None:
    """The clinic's measure settings; a clinic that has any already is left alone."""
    if ClinicInstrument.objects.filter(clinic=clinic).exists():
        return
    for code, values in CLINIC_MEASURES.get(clinic.slug, {}).items():
        row = ClinicInstrument(clinic=clinic, instrument=code, **values)
        row.full_clean()
        row.save()


def _spread(total: int, codes: list[str], top: int, rng: random.Random) -> dict[str, int]:
    """``total`` shared out over the items as evenly as it goes, the odd points at random."""
    base, odd = divmod(min(total, top * len(codes)), len(codes))
    answers = dict.fromkeys(codes, base)
    for code in rng.sample(codes, odd):
        answers[code] += 1
    return answers


def _answers(
    definition: Instrument, targets: dict[str, int], rng: random.Random, safety: int = 0
) -> dict[str, int]:
    """Answers whose charted numbers are ``targets`` (the total, or each sub-scale's sum).
    The safety item answers ``safety``; impairment items not summed answer 2."""
    answers = dict.fromkeys(definition.item_codes, 2 if definition.rules else 0)
    for code in definition.safety_items:
        answers[code] = safety
    for charted, target in targets.items():
        if charted == "total":
            codes = [c for c in definition.total_items if c not in definition.safety_items]
            target -= sum(answers[c] for c in definition.safety_items)
        else:
            codes = list(next(s for s in definition.subscales if s.code == charted).items)
        top = max(option.value for option in definition.options_for(definition.item(codes[0])))
        answers.update(_spread(target, codes, top, rng))
    return answers


def _path(first: int, last: int, n: int, rng: random.Random, high: int) -> list[int]:
    """``n`` scores from ``first`` to ``last``: the ends exact, the middle a point off or so."""
    if n == 1:
        return [first]
    middle = [
        round(first + (last - first) * i / (n - 1)) + rng.choice([-1, 0, 0, 1])
        for i in range(1, n - 1)
    ]
    return [first, *(max(0, min(high, value)) for value in middle), last]


class MeasureStory:
    """One client's schedules and responses, built by ``build``."""

    def __init__(
        self,
        *,
        client: Client,
        therapist: Therapist,
        story: str,
        number: int,
        today: date,
        now: datetime,
        rng: random.Random,
        uuid_for: Callable[[str, int], uuid.UUID],
    ):
        self.client, self.therapist, self.story = client, therapist, story
        self.number, self.today, self.now, self.rng = number, today, now, rng
        self.uuid_for = uuid_for
        self.zone = ZoneInfo(client.time_zone)
        self.start = client.started_on
        # The day of the last check-in: the silent client stopped three weeks ago.
        self.last_day = today - timedelta(days=19 if story == "silent" else 1)

    def build(self) -> None:
        enabled = policies.enabled_for(self.client.clinic_id)
        # New clients get the clinic's defaults, as in the product.
        for schedule in measures.schedules_from_clinic_defaults(
            client=self.client, by=self.therapist.user, starts_on=self.start
        ):
            targets = TRAJECTORIES[self.story].get(schedule.instrument)
            if targets:
                self._responses(schedule.instrument, schedule.cadence, {"total": targets})
        trauma = TRAUMA.get(self.number)
        if trauma and trauma[0] in enabled:
            code, targets = trauma
            measures.schedule_set(
                client=self.client,
                instrument=code,
                cadence=Cadence.EVERY_4_WEEKS,
                starts_on=self.start,
                by=self.therapist.user,
            )
            self._responses(code, Cadence.EVERY_4_WEEKS, targets, paper_first=True)

    def _days(self, cadence: str) -> list[date]:
        """The day the client answered each slot of the schedule, up to now."""
        period = timedelta(weeks=CADENCE_WEEKS[cadence])
        slots = []
        opens = self.start
        while opens <= self.today:
            slots.append(opens)
            opens += period
        days = []
        for opens in slots:
            day = opens if self.story in PROMPT else opens + timedelta(days=self.rng.randint(0, 3))
            if day <= self.last_day or (self.story in PROMPT and day == self.today):
                days.append(day)
        if self.story == "safety":
            # The last slot open before last night is answered late, last night, with the
            # check-in that answered yes to the safety question.
            answered = [opens for opens in slots if opens <= self.last_day]
            days = [day for day in days if day < answered[-1]] + [self.last_day]
        return days

    def _moment(self, day: date) -> datetime | None:
        at = datetime.combine(
            day, time(self.rng.randrange(8, 21), self.rng.randrange(60)), tzinfo=self.zone
        )
        # Nothing in the demo happens after the moment it is built: a slot opened today
        # and not yet answered stays due.
        return at if at < self.now - timedelta(minutes=30) else None

    def _before_the_safety_answer(self, code: str) -> datetime:
        """In the same sitting as the safety story's last check-in, just before it (PHQ-9
        first, then GAD-7): the evening's alerts come from one sitting."""
        check_in = (
            self.client.check_ins.filter(safety_concern=True).order_by("-occurred_at").first()
        )
        minutes = 6 * (len(INSTRUMENTS) - list(INSTRUMENTS).index(code))
        if check_in is None:  # not in this demo's stories, but never in the future
            return self.now - timedelta(hours=1, minutes=minutes)
        return check_in.occurred_at - timedelta(minutes=minutes)

    def _responses(
        self, code: str, cadence: str, targets: dict, *, paper_first: bool = False
    ) -> None:
        definition = INSTRUMENTS[code]
        days = self._days(cadence)
        safety = self.story == "safety"
        moments = [
            (n, at)
            for n, day in enumerate(days[:-1] if safety else days)
            if (at := self._moment(day))
        ]
        if safety:
            moments.append((len(days) - 1, self._before_the_safety_answer(code)))
        high = definition.total_range[1] if definition.total_range else 24
        # The story's first and last scores are those of the first and last answers given.
        paths = {
            charted: _path(first, last, len(moments), self.rng, high)
            for charted, (first, last) in targets.items()
        }
        for i, (n, completed_at) in enumerate(moments):
            self_harm = self.story == "safety" and n == len(days) - 1
            values = {charted: path[i] for charted, path in paths.items()}
            answers = _answers(
                definition, values, self.rng, safety=SAFETY_ITEM_ANSWER if self_harm else 0
            )
            total = values.get("total", 0)
            draft = measures.response_prepare(
                client=self.client,
                instrument=code,
                answers=answers,
                completed_at=completed_at,
                difficulty=min(3, total // 7) if definition.difficulty else None,
                client_uuid=self.uuid_for(f"measure-{code}", n),
                # The first of a trauma measure is filled in on paper in the session.
                entered_by=self.therapist.user if paper_first and i == 0 else None,
            )
            # Received when done, as an app sends them.
            draft.response.received_at = completed_at + timedelta(minutes=1)
            response, _created = measures.response_record(draft=draft)
            if response.alert_id:
                # Raised when the answer arrived, as a check-in's alert is.
                Alert.objects.filter(pk=response.alert_id).update(created_at=response.received_at)
