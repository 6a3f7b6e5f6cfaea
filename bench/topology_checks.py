"""The checks bench/topology.py runs against a started Topology; each prints PASS or FAIL.

Requests go straight to one web node or another where a check is about the nodes sharing
something, and through nginx where it is about what a phone app sees.
"""

import json
import random
import re
import threading
import time
import traceback
import uuid
from datetime import UTC, datetime, timedelta

import redis
import requests

PASSWORD = "demo-healing-2026"  # noqa: S105 - the published demo logins
THERAPIST = "dana@harbor.example"
TIMEOUT = 30  # seconds for one request: the machine is shared with others
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "rates": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "num_proxies": settings.REST_FRAMEWORK["NUM_PROXIES"],
    "login_limit": settings.AXES_FAILURE_LIMIT,
    "axes_handler": settings.AXES_HANDLER,
    "reset_per_address": settings.PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS,
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
}))
"""
# A token for every active client with a login, made here rather than by logging in: the
# API's login is limited per address, and every request from this machine has one.
TOKENS = """
import json
from clients.models import Client
from knox.models import AuthToken
clients = (
    Client.objects.filter(status="active", user__isnull=False, user__is_active=True)
    .select_related("user").order_by("id")
)
print(json.dumps([
    {"client": c.id, "user": c.user_id, "email": c.user.email,
     "token": AuthToken.objects.create(c.user)[1]}
    for c in clients
]))
"""
# Finished weeks for the workers to summarise, several chunks' worth whatever the chunk size:
# the demo's 40 clients give about 500.
WORKLOAD = """
import random
from datetime import timedelta
from django.utils import timezone
from clients.models import CheckIn, CheckInEmotion, EmotionLabel
from clients.services import client_create
from clinic.services import clinic_create, therapist_create
rng = random.Random(7)
clinic = clinic_create(name="Topology", slug="topology", time_zone="Europe/Berlin")
therapists = [
    therapist_create(clinic=clinic, email=f"t{{n}}@topology.example", display_name=f"T{{n}}")
    for n in range(5)
]
labels = list(EmotionLabel.objects.filter(clinic=clinic))
start = timezone.localdate() - timedelta(weeks={weeks}, days=7)
for n in range({clients}):
    client = client_create(
        therapist=therapists[n % 5], email=f"c{{n}}@topology.example", label=f"C{{n}}",
        started_on=start,
    )
    moments = [  # four a week
        timezone.now() - timedelta(hours=42 * k + 12 + rng.randrange(12))
        for k in range(4 * {weeks})
    ]
    rows = CheckIn.objects.bulk_create(
        CheckIn(
            client=client, occurred_at=m, distress=rng.randint(0, 10), charge=rng.randint(-5, 5),
            mind_space=rng.randint(0, 100), self_compassion=rng.randint(0, 10),
            resistance=rng.randint(0, 10),
        )
        for m in moments
    )
    CheckInEmotion.objects.bulk_create(
        CheckInEmotion(check_in=r, label=label, intensity=rng.randint(1, 10))
        for r in rows
        for label in rng.sample(labels, 3)
    )
"""
MISSING = "from reports.summaries import summaries_missing; print(len(summaries_missing()))"
PLAN = "from reports.tasks import summaries_plan; summaries_plan.delay()"
STATS = """
import json
from clinic.celery import app
stats = app.control.inspect(timeout=15, limit=WORKERS).stats() or {}
print(json.dumps({name: s.get("total", {}) for name, s in stats.items()}))
"""


def last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def csrf_of(response: requests.Response) -> str:
    found = CSRF_FIELD.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF field on {response.url} ({response.status_code})")
    return found.group(1)


def rate_of(rate: str) -> tuple[int, int]:
    """DRF's "120/min" as (120, 60)."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


TASK_LINE = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] (received|succeeded)")


def is_building(name: str) -> bool:
    return name != "reports.tasks.summaries_plan" and (
        "summar" in name or name in {"celery.starmap", "celery.chunks"}
    )


def held_builds(log: str) -> set[str]:
    """Ids of building tasks a worker's log shows received and not (yet) finished."""
    received, finished = set(), set()
    for name, task_id, what in TASK_LINE.findall(log):
        if is_building(name):
            (received if what == "received" else finished).add(task_id)
    return received - finished


def building_tasks(totals: dict) -> int:
    """Tasks of a worker that built summaries: the builds, or the chunks that carry them."""
    return sum(count for name, count in totals.items() if is_building(name))


class Checks:
    def __init__(self, topo, short: bool):
        self.topo, self.short = topo, short
        self.failures = 0

    def record(self, name: str, ok: bool, detail: str) -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
        self.failures += not ok

    def api(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        return session

    def check_in_body(self, moment: datetime) -> dict:
        return {
            "occurred_at": moment.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "emotions": [{"label": random.choice(self.emotions), "intensity": 5}],
            "distress": random.randint(0, 10),
        }

    # --- what the other checks need -------------------------------------------------

    def prepare(self) -> None:
        self.settings = last_json(self.topo.shell(SETTINGS))
        s = self.settings
        self.record(
            "settings shared by every node",
            s["cache"].endswith("RedisCache")  # Django's, or a subclass of it
            and s["sessions"] == "django.contrib.sessions.backends.db"
            and s["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
            and s["num_proxies"] == 1,
            f"cache {s['cache'].rsplit('.', 1)[1]} (CACHE_URL), sessions in the database, "
            f"sign-in failures in the database ({s['axes_handler'].rsplit('.', 1)[1]}), "
            f"NUM_PROXIES={s['num_proxies']}, throttles {s['rates']}",
        )
        self.clients = last_json(self.topo.shell(TOKENS))
        if len(self.clients) < 8:
            raise RuntimeError(f"only {len(self.clients)} active clients; seed more")
        emotions = self.api(self.clients[0]["token"]).get(
            self.topo.web_urls[0] + "/api/v1/emotions/", timeout=TIMEOUT
        )
        emotions.raise_for_status()
        self.emotions = [e["code"] for e in emotions.json()]

    # --- one check-in for one key, whichever node answers ---------------------------

    def same_key_on_both_nodes(self) -> None:
        rounds = 8 if self.short else 20
        client = self.clients[0]
        web = self.topo.web_urls[:2]
        base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
        answers, keys, moments = [], [], []
        for number in range(rounds):
            key, moment = str(uuid.uuid4()), base - timedelta(minutes=number)
            body = self.check_in_body(moment)
            barrier, results = threading.Barrier(2), [None, None]

            def send(i, key=key, body=body, barrier=barrier, results=results):
                session = self.api(client["token"])
                barrier.wait()
                try:
                    results[i] = session.post(
                        web[i] + "/api/v1/check-ins/", json=body, timeout=TIMEOUT,
                        headers={"Idempotency-Key": key},
                    )  # fmt: skip
                except requests.RequestException as error:
                    results[i] = error

            threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            answers.append(results)
            keys.append(key)
            moments.append(moment)

        rows = dict(
            self.topo.query(
                "SELECT occurred_at, count(*) FROM clients_checkin "
                "WHERE client_id = %s AND occurred_at = ANY(%s) GROUP BY occurred_at",
                (client["client"], moments),
            )
        )
        stored = dict(
            self.topo.query(
                "SELECT key, resource_id FROM clinic_idempotencykey "
                "WHERE user_id = %s AND key = ANY(%s)",
                (client["user"], keys),
            )
        )
        bad, replays = [], 0
        for number, (pair, key, moment) in enumerate(zip(answers, keys, moments, strict=True)):
            if not all(
                isinstance(r, requests.Response) and r.status_code in (200, 201) for r in pair
            ):
                bad.append(f"round {number}: {[getattr(r, 'status_code', r) for r in pair]}")
                continue
            ids = {r.json()["id"] for r in pair}
            replays += sum(r.headers.get("Idempotent-Replayed") == "true" for r in pair)
            if rows.get(moment) != 1 or len(ids) != 1 or stored.get(key) not in ids:
                bad.append(f"round {number}: {rows.get(moment, 0)} rows, ids {sorted(ids)}")
        self.record(
            "one Idempotency-Key sent to both web nodes at once stores one check-in",
            not bad,
            f"{rounds} rounds, {rounds - len(bad)} stored exactly once, both nodes answering "
            f"with the same check-in ({replays} answers were replays)"
            + (f"; wrong: {bad}" if bad else ""),
        )

    # --- counts that every node shares ----------------------------------------------

    def lockout_across_nodes(self) -> None:
        limit = self.settings["login_limit"]
        email = self.clients[-1]["email"]  # no other check signs in as this client
        address = f"203.0.113.{random.randint(1, 254)}"  # the caller, as nginx would pass it
        nodes = []
        for url in self.topo.web_urls[:2]:
            session = requests.Session()
            session.headers["X-Forwarded-For"] = address
            page = session.get(url + "/accounts/login/", timeout=TIMEOUT)
            nodes.append((url, session, csrf_of(page)))

        def attempt(index: int, password: str) -> int:
            url, session, token = nodes[index % 2]
            form = {"username": email, "password": password, "csrfmiddlewaretoken": token}
            answer = session.post(
                url + "/accounts/login/", data=form, timeout=TIMEOUT, allow_redirects=False
            )
            return answer.status_code

        statuses = [attempt(n, f"wrong-{n}") for n in range(limit)]
        right_other_node = attempt(limit, PASSWORD)
        # The account is paused wherever the next try comes from, and the address for
        # every account: the two counts (AXES_LOCKOUT_PARAMETERS) both span the nodes.
        elsewhere = requests.Session()
        second_address = f"192.0.2.{random.randint(1, 254)}"
        elsewhere.headers["X-Forwarded-For"] = second_address
        url = self.topo.web_urls[1]
        page = elsewhere.get(url + "/accounts/login/", timeout=TIMEOUT)
        form = {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page)}
        from_elsewhere = elsewhere.post(
            url + "/accounts/login/", data=form, timeout=TIMEOUT, allow_redirects=False
        ).status_code
        url, session, token = nodes[0]
        form = {"username": THERAPIST, "password": PASSWORD, "csrfmiddlewaretoken": token}
        other_account = session.post(
            url + "/accounts/login/", data=form, timeout=TIMEOUT, allow_redirects=False
        ).status_code
        try:
            ok = statuses == [200] * (limit - 1) + [429] and right_other_node == 429
            ok = ok and from_elsewhere == 429 and other_account == 429
            self.record(
                "sign-in lockout counts across both web nodes",
                ok,
                f"wrong passwords alternating between the nodes: answers {statuses} (limit "
                f"{limit}); then the right password on the other node: {right_other_node}, "
                f"from another address: {from_elsewhere}; another account from the first "
                f"address: {other_account}",
            )
        finally:  # the account and the addresses may sign in again
            self.topo.manage("axes_reset_username", email, THERAPIST)
            self.topo.manage("axes_reset_ip", address, second_address)

    def throttle_across_nodes(self) -> None:
        limit, period = rate_of(self.settings["rates"]["user"])
        session = self.api(self.clients[1]["token"])
        started, statuses = time.monotonic(), []
        for n in range(limit + 10):
            url = self.topo.web_urls[n % 2] + "/api/v1/me/"
            statuses.append(session.get(url, timeout=TIMEOUT).status_code)
        took = time.monotonic() - started
        allowed = statuses.count(200)
        refused_on = {n % 2 for n, status in enumerate(statuses) if status == 429}
        ok = statuses == [200] * limit + [429] * 10 and refused_on == {0, 1}
        if took >= period:
            ok, why = False, f"; took {took:.0f} s, longer than the throttle's window"
        else:
            why = ""
        self.record(
            "API throttle counts across both web nodes",
            ok,
            f"{limit + 10} requests of one user alternating between the nodes in {took:.1f} s: "
            f"{allowed} answered, then 429 from both nodes (rate {limit}/{period} s){why}",
        )

    def password_reset_limit_across_nodes(self) -> None:
        limit = self.settings["reset_per_address"]
        email = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
        address = f"198.51.100.{random.randint(1, 254)}"
        statuses = []
        for n in range(limit + 1):
            url = self.topo.web_urls[n % 2] + "/accounts/password-reset/"
            session = requests.Session()
            session.headers["X-Forwarded-For"] = address
            token = csrf_of(session.get(url, timeout=TIMEOUT))
            form = {"email": email, "csrfmiddlewaretoken": token}
            answer = session.post(url, data=form, timeout=TIMEOUT, allow_redirects=False)
            statuses.append(answer.status_code)
        self.record(
            '"Forgot password?" limit counts across both web nodes',
            statuses == [302] * limit + [429],
            f"{limit + 1} requests for one address alternating between the nodes: {statuses}",
        )

    def session_across_nodes(self) -> None:
        first, second = self.topo.web_urls[:2]
        browser = requests.Session()
        token = csrf_of(browser.get(first + "/accounts/login/", timeout=TIMEOUT))
        form = {"username": THERAPIST, "password": PASSWORD, "csrfmiddlewaretoken": token}
        login = browser.post(
            first + "/accounts/login/", data=form, timeout=TIMEOUT, allow_redirects=False
        )
        cookies = {name: browser.cookies.get(name) for name in ("sessionid", "csrftoken")}
        # The same cookies, now sent to the other node only.
        other = requests.Session()
        other.cookies.update(cookies)
        caseload = other.get(second + "/", timeout=TIMEOUT, allow_redirects=False)
        logout = other.post(
            second + "/accounts/logout/", data={"csrfmiddlewaretoken": cookies["csrftoken"]},
            timeout=TIMEOUT, allow_redirects=False,
        )  # fmt: skip
        after = browser.get(first + "/", timeout=TIMEOUT, allow_redirects=False)
        ok = (
            login.status_code == 302
            and cookies["sessionid"]
            and caseload.status_code == 200
            and logout.status_code == 302
            and after.status_code == 302
            and "/accounts/login/" in after.headers.get("Location", "")
        )
        self.record(
            "a session started on one web node works on the other",
            bool(ok),
            f"form sign-in with CSRF on node 1: {login.status_code}; caseload on node 2 with "
            f"its cookies: {caseload.status_code}; sign-out (CSRF) on node 2: "
            f"{logout.status_code}; node 1 afterwards: {after.status_code} to the login page",
        )

    # --- weekly summaries -----------------------------------------------------------

    def summaries_counted(self) -> tuple[int, int]:
        rows, pairs = self.topo.query(
            "SELECT count(*), count(DISTINCT (client_id, week_start)) FROM reports_weeklysummary"
        )[0]
        return rows, pairs

    def wait_for_summaries(self, expected: int, timeout: float = 600) -> float:
        started = time.monotonic()
        while self.summaries_counted()[0] < expected:
            if time.monotonic() - started > timeout:
                break
            time.sleep(0.5)
        return time.monotonic() - started

    def seed_workload(self) -> None:
        # Up to 8 finished weeks of each client are planned (reports.summaries.WEEKS_BACK).
        clients, weeks = (250, 9) if self.short else (600, 9)
        self.topo.shell(WORKLOAD.format(clients=clients, weeks=weeks))

    def worker_stats(self) -> dict:
        """Tasks each worker node has run, by name, as Celery's remote control reports them."""
        alive = sum(node.alive() for node in self.topo.workers)
        return last_json(self.topo.shell(STATS.replace("WORKERS", str(alive))))

    def summaries_built_once(self) -> None:
        before_rows = self.summaries_counted()[0]
        missing = int(self.topo.shell(MISSING).strip().splitlines()[-1])
        stats_before = self.worker_stats()
        self.topo.shell(PLAN)
        took = self.wait_for_summaries(before_rows + missing)
        rows, pairs = self.summaries_counted()
        left = int(self.topo.shell(MISSING).strip().splitlines()[-1])
        stats_after = self.worker_stats()
        work = {
            name.split("@")[0]: building_tasks(totals) - building_tasks(stats_before.get(name, {}))
            for name, totals in sorted(stats_after.items())
        }
        ok = (
            missing > 0
            and rows == pairs == before_rows + missing
            and left == 0
            and len(work) == len(self.topo.workers)
            and all(count > 0 for count in work.values())
        )
        self.record(
            "weekly summaries planned once are built once by the two worker nodes",
            ok,
            f"{missing} client-weeks planned once, {rows - before_rows} built in {took:.1f} s, "
            f"{rows} summaries for {pairs} client-weeks, {left} missing; building tasks per "
            f"worker node: {work}",
        )

    def beat_runs(self) -> None:
        """Exactly one beat was started, and what it schedules reaches the workers: the
        outbox's sweep (every OUTBOX_SWEEP_EVERY_SECONDS) leaves its heartbeat."""
        deadline, swept = time.monotonic() + 150, None
        while time.monotonic() < deadline:
            rows = self.topo.query(
                "SELECT at FROM outbox_heartbeat WHERE name = 'outbox-sweep' AND at >= %s",
                (self.topo.beat_started,),
            )
            if rows:
                swept = rows[0][0]
                break
            time.sleep(1)
        beats = [node for node in [self.topo.beat] if node is not None and node.alive()]
        sent = self.topo.beat.log.read_text(errors="replace").count("Sending due task outbox-sweep")
        self.record(
            "one beat, and its schedule runs",
            swept is not None and len(beats) == 1,
            f"{len(beats)} beat process; it sent the outbox sweep {sent} time(s), last run by a "
            f"worker at {swept:%H:%M:%S}"
            if swept
            else "no sweep ran since beat started",
        )

    # --- a web node and a worker node lost in the middle ---------------------------

    def kill_one_of_each(self) -> None:
        self.topo.query("DELETE FROM reports_weeklysummary")
        expected = int(self.topo.shell(MISSING).strip().splitlines()[-1])
        stream = Stream(self, self.clients[2:-1])
        stream.start()
        time.sleep(3)
        # A burst, so that web1 dies with requests in hand: being answered, or waiting in
        # its listen queue. nginx cannot resend those POSTs; the apps do, with their keys.
        burst = stream.burst(12)
        time.sleep(0.05)
        self.topo.kill_web(0)
        killed_web_after = stream.accepted_count()
        for thread in burst:
            thread.join(timeout=180)
        gets = []
        for _ in range(20):
            try:
                gets.append(requests.get(self.topo.url + "/healthz", timeout=TIMEOUT).status_code)
            except requests.RequestException as error:
                gets.append(type(error).__name__)

        # The planner fans the weeks out in chunks; worker1 is killed as soon as its log
        # shows it holding one (received, not finished): mid-build by construction.
        worker = self.topo.workers[0]
        offset = worker.log.stat().st_size
        planner = threading.Thread(target=self.topo.shell, args=(PLAN,))
        planner.start()
        deadline, held, built = time.monotonic() + 300, set(), 0
        while not (held and built) and time.monotonic() < deadline:
            time.sleep(0.05)
            with open(worker.log, errors="replace") as log:
                log.seek(offset)
                held = held_builds(log.read())
            if held:  # and the build under way: some weeks stored already
                built = self.summaries_counted()[0]
        self.topo.kill_worker(0)
        at_kill = self.summaries_counted()[0]
        with open(worker.log, errors="replace") as log:
            log.seek(offset)
            lost = held_builds(log.read())  # what it never finished, now it is gone
        planner.join()
        time.sleep(5 if self.short else 15)
        stream.stop()

        # The survivor builds what reached it; the killed node's chunks stay unacknowledged
        # in the broker. The planner's next run (beat's hourly job, queued here as soon as
        # the queue is empty and nothing moves) finds the weeks still missing.
        broker = redis.Redis.from_url(self.topo.env["CELERY_BROKER_URL"])
        queue = self.topo.env["CELERY_QUEUE"]
        still, since = self.summaries_counted()[0], time.monotonic()
        while time.monotonic() - since < 6 and time.monotonic() < deadline:
            time.sleep(1)
            now = self.summaries_counted()[0]
            if now != still or broker.llen(queue):
                still, since = now, time.monotonic()
        before_replan = self.summaries_counted()[0]
        self.topo.shell(PLAN)
        self.wait_for_summaries(expected, timeout=300)
        rows, pairs = self.summaries_counted()
        left = int(self.topo.shell(MISSING).strip().splitlines()[-1])
        self.record(
            "a worker node killed mid-build loses no summary and doubles none",
            rows == pairs == expected and left == 0 and bool(lost) and 0 < at_kill < expected,
            f"worker1 SIGKILLed holding {len(lost)} unfinished chunk(s), {at_kill} of "
            f"{expected} client-weeks built by then; {before_replan} built once the rest had "
            f"drained, {rows} after the planner's next run, for {pairs} client-weeks, "
            f"{left} missing",
        )

        keys = list(stream.accepted)
        stored = self.topo.query(
            "SELECT key, count(*), min(resource_id) FROM clinic_idempotencykey "
            "WHERE key = ANY(%s) GROUP BY key",
            (keys,),
        )
        once = sum(1 for key, count, rid in stored if count == 1 and rid == stream.accepted[key])
        clients = [c["client"] for c in stream.clients]
        check_ins = self.topo.query(
            "SELECT count(*) FROM clients_checkin WHERE client_id = ANY(%s) AND received_at >= %s",
            (clients, stream.db_started),
        )[0][0]
        ok = (
            not stream.lost
            and not stream.refused
            and once == len(keys) == check_ins
            and stream.accepted_count() > killed_web_after
            and all(status == 200 for status in gets)
        )
        errors = ", ".join(f"{n} x {what}" for what, n in sorted(stream.errors.items())) or "none"
        self.record(
            "a web node killed mid-stream loses no check-in and doubles none",
            ok,
            f"{len(keys)} check-ins accepted through nginx ({killed_web_after} before web1 was "
            f"SIGKILLed during a burst of 12), {once} keys stored exactly once, {check_ins} "
            f"rows; errors answered by a retry with the same key: {errors}; "
            f"{len(stream.lost)} given up, "
            f"{len(stream.refused)} refused; GET /healthz through nginx after the kill: "
            f"{gets.count(200)} of {len(gets)} answered 200",
        )


class Stream:
    """Phone apps sending check-ins through nginx, each retried with its key until answered."""

    def __init__(self, checks: Checks, clients: list[dict], threads: int = 6):
        self.checks, self.clients = checks, clients
        self.threads = [
            threading.Thread(target=self._run, args=(clients[i::threads],), daemon=True)
            for i in range(threads)
        ]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.accepted: dict[str, int] = {}
        self.lost: list[str] = []
        self.refused: list[tuple[str, int]] = []
        self.errors: dict[str, int] = {}
        self.retries = 0

    def start(self) -> None:
        self.db_started = self.checks.topo.query("SELECT now()")[0][0]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=180)

    def burst(self, count: int) -> list[threading.Thread]:
        """``count`` check-ins sent at once, each by its own app; the threads sending them."""
        url = self.checks.topo.url + "/api/v1/check-ins/"
        threads = []
        for n in range(count):
            session = self.checks.api(self.clients[n % len(self.clients)]["token"])
            moment = datetime.now(UTC) - timedelta(seconds=random.randint(60, 3600))
            body = self.checks.check_in_body(moment)
            args = (session, url, str(uuid.uuid4()), body)
            threads.append(threading.Thread(target=self._send, args=args, daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def accepted_count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def _error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1
            self.retries += 1

    def _run(self, clients: list[dict]) -> None:
        sessions = [self.checks.api(c["token"]) for c in clients]
        url = self.checks.topo.url + "/api/v1/check-ins/"
        while not self.stopping.is_set():
            for session in sessions:
                key = str(uuid.uuid4())
                moment = datetime.now(UTC) - timedelta(seconds=random.randint(60, 3600))
                body = self.checks.check_in_body(moment)
                self._send(session, url, key, body)
                time.sleep(0.2)  # think time; keeps each client well under its throttle

    def _send(self, session, url: str, key: str, body: dict) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                answer = session.post(
                    url, json=body, headers={"Idempotency-Key": key}, timeout=TIMEOUT
                )
            except requests.RequestException as error:
                self._error(type(error).__name__)
                time.sleep(0.5)
                continue
            if answer.status_code in (200, 201):
                with self.lock:
                    self.accepted[key] = answer.json()["id"]
                return
            if answer.status_code in (429, 502, 503, 504):
                self._error(str(answer.status_code))
                time.sleep(min(float(answer.headers.get("Retry-After", 0.5)), 5))
                continue
            with self.lock:
                self.refused.append((key, answer.status_code))
            return
        with self.lock:
            self.lost.append(key)


def run_all(topo, short: bool) -> int:
    """Every check in turn; the number that failed."""
    checks = Checks(topo, short)
    for step in (
        checks.prepare,
        checks.same_key_on_both_nodes,
        checks.lockout_across_nodes,
        checks.throttle_across_nodes,
        checks.password_reset_limit_across_nodes,
        checks.session_across_nodes,
        checks.seed_workload,
        checks.summaries_built_once,
        checks.kill_one_of_each,  # leaves a web node and a worker node dead
        checks.beat_runs,  # last: its first run is a minute after it starts
    ):
        started = time.monotonic()
        try:
            step()
        except Exception:
            if step == checks.prepare:
                raise
            traceback.print_exc()
            checks.record(step.__name__, False, "stopped with the error above")
        say(f"{step.__name__} took {time.monotonic() - started:.1f} s")
    return checks.failures


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)
