"""Planning reminders for 10,000 clients at one moment, next to 1,000 and 100, in one run.

    .venv/bin/python bench/reminders.py [--db sqlite|postgres] [--clients 10000]
        [--sizes 100 1000 10000] [--rounds 5] [--lock /tmp/bench.lock] [--profile FILE]

Builds a fresh database (a SQLite file, or a new PostgreSQL database as bench/report.py
does) with --clients active clients across four clinics in different time zones, chosen
so that the benchmark's moment (this hour, on the hour) is the daily reminder hour of
most of them: the clinic's daily hour is the local hour of its zone, a few clients live
in another zone and chose that zone's hour, and one in ten chose an hour later in the day
(due in the preview, not now). Every client has 2-3 active assignments (daily, N a week,
some once) with completions over the last weeks, a check-in history whose last check-in
is 0-10 days ago (so some are owed the nudge), past sessions and one to come (some
tomorrow at about this time), and some have questionnaires on a schedule with their last
answers; some therapists asked for the morning count. So every kind has someone due.

A size N is the first N clients (by id, spread over the clinics) left active and the rest
paused, so the tables hold the same rows for every size. Each round, for each size in
turn: the planner's outbox rows are deleted, then

- ``plan(now=moment)``: the live run, which writes the outbox rows;
- ``plan(now=moment)`` again: every key exists, it must write nothing;
- ``due_in(Window(moment, moment + 24 h))``: the preview of the day ahead (reads only).

Each is timed by the wall clock and the process's CPU time (``time.process_time``: with
PostgreSQL it leaves out the database server's own work) and its queries counted. The
report gives medians over the rounds and the ratios between sizes. ``--profile`` writes
cProfile statistics of one more live run at the largest size to FILE.

Target (issue 17): the planner for 10,000 clients at one moment in under 10 s of worker
time, with as many queries for 100 clients as for 10,000.
"""

import argparse
import contextlib
import cProfile
import fcntl
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import configure  # noqa: E402  (the same fresh database and production settings)

TARGET_SECONDS = 10
CLINICS = 4
THERAPISTS_EACH = 10
BATCH = 5000
# Whole-hour zones around the world: those where the moment falls between 09:00 and 17:00
# take the clinics, so the moment is a daytime daily hour outside the default quiet hours.
ZONES = [
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/South_Georgia",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Pacific/Noumea",
    "Pacific/Auckland",
]


def daytime_zones(moment: datetime) -> list[str]:
    found = []
    for name in ZONES:
        local = moment.astimezone(ZoneInfo(name))
        if 9 <= local.hour <= 17 and local.minute == 0:
            found.append(name)
    if len(found) < 2:
        raise SystemExit(f"fewer than two daytime zones at {moment}: {found}")
    return found


def local_hour(moment: datetime, zone: str) -> int:
    return moment.astimezone(ZoneInfo(zone)).hour


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def seed(total: int, moment: datetime, rng: random.Random) -> dict:
    """The clinics, therapists and ``total`` clients with their histories, in bulk."""
    from clients.measures.instruments import INSTRUMENTS
    from clients.measures.models import MeasureResponse, MeasureSchedule
    from clients.measures.scoring import score
    from clients.models import Assignment, CheckIn, Client, Completion
    from clients.reminders.models import (
        ClientReminderPlan,
        ClinicReminderSettings,
        ReminderPreference,
    )
    from clinic.models import Session, User
    from clinic.services import clinic_create, therapist_create

    zones = daytime_zones(moment)
    clinic_zones = [zones[(n * len(zones)) // CLINICS] for n in range(CLINICS)]
    clinics, therapists, exercises = [], [], []
    for n, zone in enumerate(clinic_zones):
        clinic = clinic_create(name=f"Clinic {n}", slug=f"clinic-{n}", time_zone=zone)
        ClinicReminderSettings.objects.create(clinic=clinic, daily_hour=local_hour(moment, zone))
        clinics.append(clinic)
        exercises.append(list(clinic.exercises.all()[:6]))
        staff = [
            therapist_create(clinic=clinic, email=f"t{k}@c{n}.example", display_name=f"T{k}")
            for k in range(THERAPISTS_EACH)
        ]
        therapists.append(staff)
        # Half the therapists asked for the morning count (it is off by default).
        ReminderPreference.objects.bulk_create(
            ReminderPreference(user=t.user, kinds={"morning": True}) for t in staff[::2]
        )

    users = []
    for n in range(total):
        user = User(
            email=f"c{n}@bench.example",
            clinic=clinics[n % CLINICS],
            role=User.Role.CLIENT,
            display_name=f"C{n}",
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(role=User.Role.CLIENT).order_by("pk"))

    clients, preferences, plans = [], [], []
    for n, user in enumerate(users):
        c = n % CLINICS
        zone, hour = clinic_zones[c], None
        roll = rng.random()
        if roll < 0.05:  # lives elsewhere, and chose that zone's hour
            zone = rng.choice(zones)
            hour = local_hour(moment, zone)
        elif roll < 0.15:  # chose an hour later in the day: due in the preview, not now
            hour = (local_hour(moment, zone) + rng.choice((2, 3, 5))) % 24
        started = local_day(moment, zone) - timedelta(days=rng.randint(5, 240))
        clients.append(
            Client(
                clinic=clinics[c],
                user=user,
                primary_therapist=therapists[c][n % THERAPISTS_EACH],
                label=f"C{n}",
                time_zone=zone,
                started_on=started,
            )
        )
        kinds, paused, quiet = {}, None, {}
        if rng.random() < 0.05:
            kinds[rng.choice(["check_in", "measures", "session"])] = False
        if rng.random() < 0.02:
            paused = moment + timedelta(days=3)
        if rng.random() < 0.05:
            quiet = {"quiet_from": wall(22), "quiet_until": wall(7)}
        if hour is not None or kinds or paused or quiet:
            preferences.append(
                ReminderPreference(
                    user=user, kinds=kinds, daily_hour=hour, paused_until=paused, **quiet
                )
            )
    Client.objects.bulk_create(clients, batch_size=BATCH)
    clients = list(Client.objects.order_by("pk").select_related("primary_therapist"))
    ReminderPreference.objects.bulk_create(preferences, batch_size=BATCH)
    for client in clients:
        roll = rng.random()
        if roll < 0.03:
            plans.append(ClientReminderPlan(client=client, kinds={"exercises": False}))
        elif roll < 0.08:
            plans.append(ClientReminderPlan(client=client, silence_days=rng.choice((0, 3, 7))))
    ClientReminderPlan.objects.bulk_create(plans, batch_size=BATCH)

    place = {clinic.pk: n for n, clinic in enumerate(clinics)}
    assignments, completions, check_ins, sessions = [], [], [], []
    schedules, responses = [], []
    for client in clients:
        zone = ZoneInfo(client.time_zone)
        today = moment.astimezone(zone).date()
        therapist = client.primary_therapist
        offered = exercises[place[client.clinic_id]]
        picks = rng.sample(offered, 3)
        kinds = [("daily", None), ("weekly", rng.randint(2, 4))]
        if rng.random() < 0.5:
            kinds.append(("once", None))
        for (schedule, per_week), exercise in zip(kinds, picks, strict=False):
            starts = client.started_on + timedelta(days=rng.randint(0, 3))
            assignments.append(
                Assignment(
                    client=client,
                    exercise=exercise,
                    assigned_by=therapist,
                    schedule=schedule,
                    times_per_week=per_week,
                    starts_on=min(starts, today),
                )
            )
        if rng.random() < 0.2:  # an ended one, which the planner must pass over
            assignments.append(
                Assignment(
                    client=client,
                    exercise=picks[0],
                    assigned_by=therapist,
                    schedule="daily",
                    starts_on=client.started_on,
                    status=Assignment.Status.ENDED,
                )
            )
        # A check-in every day or few up to the last one, 0-10 days ago; some never.
        days = (today - client.started_on).days
        if rng.random() < 0.93:
            last = min(rng.randint(0, 10), days)
            day = last
            while day <= min(days, last + 60):
                at = moment - timedelta(days=day, hours=rng.randint(1, 10))
                check_ins.append(
                    CheckIn(client=client, occurred_at=at, distress=rng.randint(0, 10))
                )
                day += rng.randint(1, 4)
        # Past sessions every week, one to come in the next days, some tomorrow now.
        for week in range(1, min(8, days // 7) + 1):
            sessions.append(
                Session(
                    client=client,
                    therapist=therapist,
                    starts_at=moment - timedelta(days=7 * week, minutes=rng.randint(0, 300)),
                    status=Session.Status.COMPLETED,
                )
            )
        if rng.random() < 0.15:  # tomorrow, at about this time: reminded now
            soon = moment + timedelta(hours=24) - timedelta(minutes=rng.choice((0, 30, 60, 120)))
        else:  # later: some of them in the preview
            soon = moment + timedelta(minutes=15 * rng.randint(4 * 25, 4 * 24 * 7))
        # Booked weeks ago: its reminder is the one 24 hours before.
        booked = moment - timedelta(days=rng.randint(7, 30))
        sessions.append(
            Session(client=client, therapist=therapist, starts_at=soon, booked_at=booked)
        )
        # Questionnaires: weekly PHQ-9 for 40%, GAD-7 every two weeks for 15%, a PCL-5 once
        # from today for 5%, each with answers some days ago.
        for instrument, cadence, share, gap in (
            ("phq9", "weekly", 0.40, (3, 10)),
            ("gad7", "every_2_weeks", 0.15, (10, 16)),
            ("pcl5", "once", 0.05, None),
        ):
            if rng.random() >= share:
                continue
            starts = today if cadence == "once" else client.started_on
            schedules.append(
                MeasureSchedule(
                    client=client, instrument=instrument, cadence=cadence, starts_on=starts
                )
            )
            if gap is not None:
                answered = moment - timedelta(days=rng.randint(*gap), hours=rng.randint(0, 5))
                responses.append((client, instrument, answered))
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    for assignment in assignments:
        if assignment.status != Assignment.Status.ACTIVE:
            continue
        zone = ZoneInfo(assignment.client.time_zone)
        today = moment.astimezone(zone).date()
        if assignment.schedule == "once":
            days_ago = [rng.randint(1, 20)] if rng.random() < 0.4 else []
        elif assignment.schedule == "daily":
            days_ago = [d for d in range(0, 30) if rng.random() < 0.6]
        else:
            days_ago = [d for d in range(0, 30) if rng.random() < 0.35]
        for d in days_ago:
            at = moment - timedelta(days=d, hours=rng.randint(0, 6) if d else 0, minutes=1)
            if at.astimezone(zone).date() < assignment.starts_on:
                continue
            if d == 0 and at.astimezone(zone).date() != today:
                continue
            completions.append(
                Completion(
                    assignment=assignment,
                    completed_at=at,
                    distress_before=rng.randint(3, 9),
                    distress_after=rng.randint(1, 6),
                    helpfulness=rng.randint(1, 5),
                )
            )
    Completion.objects.bulk_create(completions, batch_size=BATCH)
    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH)
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    MeasureSchedule.objects.bulk_create(schedules, batch_size=BATCH)
    answers = {}
    for code in ("phq9", "gad7"):
        definition = INSTRUMENTS[code]
        given = {item: 1 for item in definition.item_codes}
        if code == "phq9":
            given["9"] = 0
        answers[code] = (definition, given, score(definition, given))
    MeasureResponse.objects.bulk_create(
        (
            MeasureResponse(
                client=client,
                instrument=code,
                version=answers[code][0].version,
                completed_at=at,
                answers=answers[code][1],
                total=answers[code][2].total,
                band=answers[code][2].band,
                subscales=answers[code][2].subscales,
            )
            for client, code, at in responses
        ),
        batch_size=BATCH,
    )
    return {
        "zones": {"clinics": clinic_zones, "daytime": zones},
        "clients": len(clients),
        "therapists": CLINICS * THERAPISTS_EACH,
        "assignments": len(assignments),
        "completions": len(completions),
        "check_ins": len(check_ins),
        "sessions": len(sessions),
        "measure_schedules": len(schedules),
        "measure_responses": len(responses),
        "preferences": len(preferences),
        "client_plans": len(plans),
    }


def analyze() -> None:
    """Fresh planner statistics after the bulk seed, as bench/summaries.py does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def keep_active(ids: list[int], size: int) -> None:
    """The first ``size`` clients active, the rest paused (outside the timing)."""
    from clients.models import Client

    Client.objects.filter(pk__in=ids[:size]).update(status=Client.Status.ACTIVE)
    Client.objects.filter(pk__in=ids[size:]).update(status=Client.Status.PAUSED)


class Counted:
    """Counts the statements sent, at less cost than CaptureQueriesContext (which keeps
    every statement's text: a 10,000-id IN list formatted each time)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(call) -> tuple[object, dict]:
    from django.db import connection

    counter = Counted()
    with connection.execute_wrapper(counter):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return result, {"wall_s": wall, "cpu_s": cpu, "queries": counter.count}


def reminder_rows() -> Counter:
    from clinic.outbox.models import OutboxMessage

    return Counter(
        OutboxMessage.objects.filter(key__startswith="reminder:").values_list("kind", flat=True)
    )


def clear_reminders() -> None:
    from clinic.outbox.models import OutboxMessage

    OutboxMessage.objects.filter(key__startswith="reminder:").delete()


@contextlib.contextmanager
def locked(path: str | None):
    """The shared benchmark lock, as `flock PATH` takes it, for the timed part only."""
    if not path:
        yield
        return
    with open(path, "a") as file:
        print(f"waiting for {path}", file=sys.stderr, flush=True)
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def measure(args) -> dict:
    drop = configure(args.db)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from clients.models import Client
        from clients.reminders import planner, registry
        from clients.reminders.timing import Window

        call_command("migrate", verbosity=0)
        moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        seeding = time.perf_counter()
        data = seed(args.clients, moment, random.Random(17))
        analyze()
        data["seed_s"] = round(time.perf_counter() - seeding, 1)
        print(json.dumps(data), file=sys.stderr, flush=True)
        ids = list(Client.objects.order_by("pk").values_list("pk", flat=True))
        sizes = sorted(size for size in args.sizes if size <= len(ids))
        preview = Window(moment, moment + timedelta(hours=24))

        # One untimed pass per size: warms the caches and checks what each step does, with
        # every statement captured.
        checks: dict[int, dict] = {}
        for size in sizes:
            keep_active(ids, size)
            clear_reminders()
            with CaptureQueriesContext(connection) as first:
                written = planner.plan(now=moment)
            rows = reminder_rows()
            with CaptureQueriesContext(connection) as second:
                again = planner.plan(now=moment)
            with CaptureQueriesContext(connection) as looked:
                ahead = planner.due_in(preview, now=moment)
            if again or reminder_rows() != rows or sum(rows.values()) != len(written):
                raise SystemExit(f"size {size}: the second run wrote, or rows != new ids")
            missing = {f"reminder_{kind.name}" for kind in registry.every_kind()} - set(rows)
            if missing:
                raise SystemExit(f"size {size}: no reminder of {sorted(missing)} was planned")
            checks[size] = {
                "queries": [len(first), len(second), len(looked)],
                "written": dict(sorted(rows.items())),
                "preview": dict(sorted(Counter(p.due.kind for p in ahead).items())),
                "statements": [q["sql"][:70] for q in first.captured_queries],
            }
        results = {size: {"plan": [], "again": [], "preview": []} for size in sizes}
        with locked(args.lock):
            load_before = os.getloadavg()
            for round_ in range(args.rounds):
                # A different size first each round, so none always follows the same one.
                order = sizes[round_ % len(sizes) :] + sizes[: round_ % len(sizes)]
                for size in order:
                    keep_active(ids, size)
                    clear_reminders()
                    written, first = timed(lambda: planner.plan(now=moment))
                    again, second = timed(lambda: planner.plan(now=moment))
                    ahead, looked = timed(lambda: planner.due_in(preview, now=moment))
                    first["rows"], second["rows"] = len(written), len(again)
                    looked["rows"] = len(ahead)
                    for name, step in (("plan", first), ("again", second), ("preview", looked)):
                        results[size][name].append(step)
                    print(
                        json.dumps({"round": round_, "size": size, "plan": first}),
                        file=sys.stderr,
                        flush=True,
                    )
            load_after = os.getloadavg()
        if args.profile:
            keep_active(ids, sizes[-1])
            clear_reminders()
            profiler = cProfile.Profile()
            profiler.runcall(planner.plan, now=moment)
            profiler.dump_stats(args.profile)
    finally:
        drop()

    def median(steps: list[dict], field: str) -> float:
        return statistics.median(step[field] for step in steps)

    figures = {}
    for size in sizes:
        figures[size] = {
            name: {
                "wall_s": round(median(steps, "wall_s"), 3),
                "cpu_s": round(median(steps, "cpu_s"), 3),
                "wall_range_s": [
                    round(min(s["wall_s"] for s in steps), 3),
                    round(max(s["wall_s"] for s in steps), 3),
                ],
                "queries": sorted({s["queries"] for s in steps}),
                "rows": sorted({s["rows"] for s in steps}),
            }
            for name, steps in results[size].items()
        }
    largest, smallest = sizes[-1], sizes[0]
    ratios = {
        f"{later}/{earlier}": {
            name: round(figures[later][name]["wall_s"] / figures[earlier][name]["wall_s"], 2)
            for name in ("plan", "again", "preview")
        }
        for earlier, later in zip(sizes, sizes[1:], strict=False)
    }
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "database": args.db,
        "moment": moment.isoformat(),
        "rounds": args.rounds,
        "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)],
        "data": data,
        "checks": checks,
        "figures": figures,
        "wall_ratios": ratios,
        # Reads do not grow with clients: the preview (reads only) and the second run (reads,
        # nothing to write) take as many statements at every size. The first run adds the
        # inserts, in batches as large as the database takes (a few per thousand reminders).
        "target_met": (
            figures[largest]["plan"]["wall_s"] < TARGET_SECONDS
            and checks[largest]["queries"][1:] == checks[smallest]["queries"][1:]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lock", help="hold this flock(1) file for the timed rounds")
    parser.add_argument("--profile", metavar="FILE", help="cProfile of one run at the largest size")
    args = parser.parse_args()
    report = measure(args)
    print(json.dumps(report, indent=2))
    print(
        "target met"
        if report["target_met"]
        else f"TARGET MISSED: {args.sizes[-1]} clients under {TARGET_SECONDS} s, the same "
        "reads at every size"
    )
    raise SystemExit(0 if report["target_met"] else 1)


if __name__ == "__main__":
    main()
