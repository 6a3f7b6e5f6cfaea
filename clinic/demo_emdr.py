"""The demo's EMDR work: two clients of Dana Whitfield (LMFT, EMDR) at Harbor.

- Demo client #00 (the healing story): three targets. A past memory processed over the
  client's last held sessions but two, SUD 8 down to 0 and VoC 3 up to 7 with a clear body
  scan, and resolved by the rule on the day of its last session; a present trigger in
  progress since; a future template planned. Their log touches the present trigger, the
  disturbance easing as it is worked.
- Demo client #03 (the stuck story): a past memory in progress over the last three held
  sessions, the last one closed incomplete; since then, the same trigger logged four times
  at a disturbance of 7-8, linked to no target (a candidate target), next to entries that
  touch the target the client sees.

Everything goes through the EMDR services (validation, the resolution rule, the client's
log contract), on the client's own held sessions; the times those services stamp "now"
are then set to when it happened in the story. Nothing is dated after the build.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from clients.emdr import services
from clients.emdr.models import (
    EmdrSettings,
    ProcessingRecord,
    Target,
    TargetStatusChange,
)
from clients.models import Client, Exercise, ExerciseCategory
from clinic.models import Session, Therapist

EMDR_THERAPIST = "dana@harbor.example"
STORIES = {0: "resolving", 3: "incomplete"}

# Each client's targets in the order of the plan, as ``services.target_create`` takes them.
TARGETS = {
    "resolving": [
        {
            "label": "The night he left",
            "shown_to_client": True,
            "sequence": "past",
            "focus_area": "breakup",
            "emotions": ["grief", "ashamed"],
            "body_location": "Tight chest, heavy arms",
            "memory": "Coming home to the half-empty flat; his keys on the table, the note "
            "beside them.",
            "worst_image": "The keys on the table next to the folded note.",
            "negative_cognition": "I am not enough to stay for.",
            "positive_cognition": "I am enough, whether or not someone stays.",
        },
        {
            "label": "Messages left unanswered",
            "shown_to_client": True,
            "sequence": "present",
            "focus_area": "breakup",
            "emotions": ["anxious", "lonely"],
            "body_location": "Stomach drops",
            "memory": "When someone takes hours to answer, I check the phone again and again "
            "and the old dread starts.",
            "worst_image": "The screen: message read, no reply.",
            "negative_cognition": "I will be left.",
            "positive_cognition": "I can wait and stay steady.",
        },
        {
            "label": "A first evening out with someone new",
            "sequence": "future",
            "focus_area": "breakup",
            "emotions": ["hopeful"],
            "memory": "Picturing a first dinner with someone new, staying present instead of "
            "bracing for the end.",
            "worst_image": "Across the table, the moment the conversation goes quiet.",
            "negative_cognition": "I have to hold on tight or I will lose them.",
            "positive_cognition": "I can enjoy this as it comes.",
        },
    ],
    "incomplete": [
        {
            "label": "Finding the messages",
            "shown_to_client": True,
            "sequence": "past",
            "focus_area": "betrayal",
            "emotions": ["betrayed", "ashamed"],
            "body_location": "Heat in the face, knot in the stomach",
            "memory": "Reading the messages on the shared tablet on the morning of my birthday.",
            "worst_image": "Their two names at the top of the screen.",
            "negative_cognition": "I am a fool for trusting.",
            "positive_cognition": "I trusted in good faith, and that speaks well of me.",
        },
        {
            "label": "The anniversary dinner",
            "sequence": "past",
            "focus_area": "betrayal",
            "emotions": ["sad", "betrayed"],
            "body_location": "Throat closes",
            "memory": "The anniversary dinner where he kept stepping outside to take calls.",
            "worst_image": "His empty chair and the candle burning down.",
            "negative_cognition": "I don't matter.",
            "positive_cognition": "I matter, and I can see clearly now.",
        },
    ],
}

# One held session's work on a target: (phases, reevaluation SUD, SUD start, SUD end,
# VoC at set-up, VoC installed, sets, body scan clear, closure, notes, plan for next time).
RESOLVING_PAST = [
    ([3, 4, 7], None, 8, 6, 3, None, 18, None, "contained",
     "Set up the memory; much grief in the early sets. Closed with the container.",
     "Reevaluate; continue desensitisation."),
    ([8, 4, 7], 6, 6, 4, None, None, 22, None, "contained",
     "Associations moved from the keys to the drive to her sister's that night.",
     "Reevaluate; continue."),
    ([8, 4, 7], 4, 4, 2, None, None, 20, None, "complete",
     "Shame came up and passed; more compassion for her younger self.",
     "Reevaluate; install if the SUD stays low."),
    ([8, 4, 5, 7], 2, 2, 1, None, 6, 16, None, "complete",
     "SUD 1; the PC began to feel true. Installed to VoC 6.",
     "Reevaluate; finish installation and body scan."),
    ([8, 4, 5, 6, 7], 1, 1, 0, None, 7, 12, True, "complete",
     "SUD 0, VoC 7, body scan clear. Resolved.",
     "Move to the present trigger: unanswered messages."),
]  # fmt: skip
RESOLVING_PRESENT = [
    ([3, 4, 7], None, 7, 5, 3, None, 20, None, "contained",
     "Set up the present trigger; linked quickly to the night he left, now quiet.",
     "Reevaluate; continue."),
    ([8, 4, 7], 5, 5, 3, None, None, 18, None, "complete",
     "Less urgency around the phone; curiosity instead of dread.",
     "Reevaluate; continue, then the future template."),
]  # fmt: skip
INCOMPLETE_PAST = [
    ([3, 4, 7], None, 9, 7, 2, None, 16, None, "contained",
     "Set up; strong anger and shame. Closed with the container and the calm place.",
     "Reevaluate; continue desensitisation."),
    ([8, 4, 7], 8, 8, 6, None, None, 20, None, "contained",
     "Looping on the birthday morning; cognitive interweave about what she knew then.",
     "Reevaluate; continue."),
    ([8, 4, 7], 7, 7, 6, None, None, 14, None, "incomplete",
     "Session ended at SUD 6, still activated; used the container and the calm place.",
     "Start with stabilisation; reevaluate; return to the messages only if settled."),
]  # fmt: skip

# The client's log: (trigger, image, cognition, emotions, sensation[, disturbance]).
REPEATED = (
    "Seeing his car parked outside the gym",
    "His car in the usual spot",
    "He gets to carry on as if nothing happened",
    ["angry", "betrayed"],
    "Jaw clenched, hot face",
)
REPEATED_DISTURBANCE = [8, 7, 8, 7]
TOUCHING = {
    "resolving": [
        ("A friend left my message on read all evening", "The two blue ticks",
         "I am too much for people", ["anxious", "lonely"], "Stomach drops", 7),
        ("No reply from my sister until the next morning", "", "I will be left",
         ["anxious"], "Restless hands", 6),
        ("Waited an hour for a colleague to answer", "", "", ["anxious"], "", 4),
        ("Message unanswered over lunch; noticed it and let it be", "", "",
         ["calm"], "", 3),
    ],
    "incomplete": [
        ("A birthday card from a colleague", "The card on my desk", "I should have seen it",
         ["ashamed"], "Heat in the face", 6),
        ("Opened the tablet to check the weather", "The lock screen", "I am a fool",
         ["betrayed", "ashamed"], "Knot in the stomach", 6),
    ],
}  # fmt: skip


@dataclass
class EmdrStory:
    client: Client
    therapist: Therapist
    story: str
    now: datetime
    uuid_for: Callable[[str, int], uuid.UUID]

    def build(self) -> None:
        EmdrSettings.objects.get_or_create(clinic=self.client.clinic)
        self.started = timezone.now()  # the services stamp their rows from here on
        self.calming = (
            Exercise.objects.filter(clinic=self.client.clinic, category=ExerciseCategory.GROUNDING)
            .order_by("id")
            .first()
        )
        held = [
            session
            for session in self.client.sessions.filter(status=Session.Status.COMPLETED)
            if session.starts_at + timedelta(minutes=session.duration_minutes) <= self.now
        ]
        if not held:
            return
        targets = self._targets(at=held[0].starts_at + timedelta(minutes=20))
        self.entries = 0
        if self.story == "resolving":
            worked = min(2, len(held) - 1)
            past = held[: len(held) - worked][-len(RESOLVING_PAST) :]
            self._work(targets[0], past, RESOLVING_PAST, resolve=True)
            self._work(targets[1], held[len(held) - worked :], RESOLVING_PRESENT)
            self._log_between(held[-4:], self.now, targets[1], TOUCHING["resolving"])
        else:
            worked = held[-len(INCOMPLETE_PAST) :]
            self._work(targets[0], worked, INCOMPLETE_PAST)
            # One before the last session; the last session's own comes with the repeats.
            self._log_between(
                worked[:-1], worked[-1].starts_at, targets[0], TOUCHING["incomplete"][:1]
            )
            self._repeated_since(worked[-1], targets[0])
        # Received when it happened, as an app sends it, not when the demo was built.
        self.client.tices_entries.update(received_at=F("occurred_at") + timedelta(minutes=1))

    # --- targets and their sessions --------------------------------------------------
    def _dated(self, moment: datetime) -> None:
        """Date what the services just stamped with the real now to ``moment``."""
        TargetStatusChange.objects.filter(
            target__client=self.client, changed_at__gte=self.started
        ).update(changed_at=moment)
        Target.objects.filter(client=self.client, status_changed_at__gte=self.started).update(
            status_changed_at=moment
        )

    def _targets(self, *, at: datetime) -> list[Target]:
        targets = []
        for order, spec in enumerate(TARGETS[self.story], start=1):
            target = services.target_create(
                client=self.client, by=self.therapist.user, plan_order=order, **spec
            )
            Target.objects.filter(pk=target.pk).update(created_at=at)
            self._dated(at)
            targets.append(target)
        return targets

    def _work(self, target: Target, sessions: list[Session], plan: list, resolve=False) -> None:
        """The plan's rows on the sessions, the last rows when there are fewer sessions;
        the first session always sets the target up from its first row's numbers."""
        rows = plan[len(plan) - len(sessions) :]
        for n, (session, row) in enumerate(zip(sessions, rows, strict=True)):
            phases, reeval, sud_start, sud_end, voc_setup, voc_installed = row[:6]
            sets, body_scan, closure, notes, plan_next = row[6:]
            if n == 0:  # the set-up: phase 3 and the plan's first numbers, nothing to reevaluate
                phases, reeval = sorted({3, *phases} - {8}), None
                sud_start, voc_setup = plan[0][2], plan[0][4]
            services.record_save(
                session=session,
                target=target,
                by=self.therapist.user,
                phases=phases,
                reevaluation_sud=reeval,
                sud_start=sud_start,
                sud_end=sud_end,
                voc_setup=voc_setup,
                voc_installed=voc_installed,
                sets_count=sets,
                sets_kind=ProcessingRecord.SetsKind.EYE_MOVEMENTS,
                body_scan_clear=body_scan,
                closure=closure,
                calming_technique="Container" if closure != "complete" else "",
                calming_exercise=self.calming if closure != "complete" else None,
                notes=notes,
                plan_next=plan_next,
            )
            done = session.starts_at + timedelta(minutes=session.duration_minutes + 10)
            ProcessingRecord.objects.filter(session=session, target=target).update(recorded_at=done)
            self._dated(done)
        if resolve and sessions:
            target.refresh_from_db()
            services.target_status_set(
                target=target, status=Target.Status.RESOLVED, by=self.therapist.user
            )
            self._dated(
                sessions[-1].starts_at + timedelta(minutes=sessions[-1].duration_minutes + 12)
            )

    # --- the client's log ----------------------------------------------------------------
    def _daytime(self, moment: datetime, after: datetime, before: datetime) -> datetime:
        """``moment`` moved out of the small hours into the client's day, to the minute,
        while it stays between ``after`` and ``before``."""
        local = moment.astimezone(ZoneInfo(self.client.time_zone))
        if local.hour < 8:
            local = local.replace(hour=local.hour + 9)
        elif local.hour >= 22:
            local = local.replace(hour=local.hour - 3)
        local = local.replace(second=0, microsecond=0)
        return local if after < local < before else moment.replace(second=0, microsecond=0)

    def _log(self, moment: datetime, entry: tuple, target: Target | None) -> None:
        trigger, image, cognition, emotions, sensation, disturbance = entry
        draft = services.tices_prepare(
            client=self.client,
            occurred_at=moment,
            trigger=trigger,
            image=image,
            cognition=cognition,
            sensation=sensation,
            emotions=emotions,
            disturbance=disturbance,
            target_id=target.pk if target is not None else None,
            client_uuid=self.uuid_for("tices", self.entries),
        )
        services.tices_record(draft=draft)
        self.entries += 1

    def _log_between(
        self, sessions: list[Session], until: datetime, target: Target, entries: list
    ) -> None:
        """One entry in the middle of each gap after a session (to the next one, the last
        to ``until``), the latest entries in the latest gaps."""
        if not sessions:  # a short demo: no gap before the last session to log in
            return
        ends = [s.starts_at + timedelta(minutes=s.duration_minutes) for s in sessions]
        gaps = list(zip(ends, [*(s.starts_at for s in sessions[1:]), until], strict=True))
        fits = min(len(gaps), len(entries))
        for (after, before), entry in zip(
            gaps[len(gaps) - fits :], entries[len(entries) - fits :], strict=True
        ):
            self._log(self._daytime(after + (before - after) / 2, after, before), entry, target)

    def _repeated_since(self, last: Session, target: Target) -> None:
        """Since the last session: the same trigger again and again, touching no target,
        and between them one more entry that touches the target the client sees."""
        start = last.starts_at + timedelta(minutes=last.duration_minutes, hours=2)
        end = self.now - timedelta(minutes=30)
        moments = [
            self._daytime(start + (end - start) * (n + 0.5) / 5, start, end) for n in range(5)
        ]
        for moment, disturbance in zip(moments, REPEATED_DISTURBANCE, strict=False):
            self._log(moment, (*REPEATED, disturbance), None)
        self._log(moments[-1], TOUCHING["incomplete"][1], target)


def emdr_story(
    *,
    client: Client,
    therapist: Therapist,
    number: int,
    now: datetime,
    uuid_for: Callable[[str, int], uuid.UUID],
) -> None:
    """The EMDR history of demo client ``number`` when it is one of Dana's EMDR clients."""
    story = STORIES.get(number)
    if story is None or therapist.user.email != EMDR_THERAPIST:
        return
    EmdrStory(client=client, therapist=therapist, story=story, now=now, uuid_for=uuid_for).build()
