"""A day at a group practice, compressed: clients' phone apps and therapists' browsers.

    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8080 \
        --headless --users 100 --spawn-rate 10 --run-time 2m

bench/load.py starts the topology, seeds it and runs this file at several sizes. The seed
is a JSON file named by LOAD_SEED: {"client_tokens": [...], "therapists": [{"email",
"password", "totp_key"}, ...]} (knox tokens, and logins with an authenticator's key).

Clients outnumber therapists nine to one (a therapist has 12 to 25 clients, and a client's
app is open for a minute or two while a therapist spends the day in the dashboard): they
check in, do their exercises and read back their recent check-ins. Therapists sign
in through the login page and the second factor, then open their caseload, a client's
progress report and session prep. Requests are named by route, never by a client's id.
"""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache

import gevent
from locust import HttpUser, between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

NOTES = [
    "Slept badly again.",
    "A calmer day than yesterday.",
    "Talked with my sister about it.",
    "The anniversary is coming up.",
    "Work was a lot today.",
    "",
]
REFLECTIONS = ["It helped a little.", "Hard to stay with it.", "I felt my shoulders drop.", ""]
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@cache
def seed() -> dict:
    with open(os.environ["LOAD_SEED"]) as file:
        return json.load(file)


def _stride() -> tuple[int, int]:
    """(this process's index, number of processes): with --processes, each process takes
    every n-th login so no two simulated people share one."""
    from locust.runners import WorkerRunner

    runner = _environment.runner if _environment else None
    if isinstance(runner, WorkerRunner):
        return runner.worker_index, int(os.environ.get("LOAD_PROCESSES", "1"))
    return 0, 1


_environment = None
_client_numbers = itertools.count()
_therapist_numbers = itertools.count()


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    global _environment
    _environment = environment


@events.spawning_complete.add_listener
def _measure_once_settled(user_count, **_kwargs):
    """Statistics start LOAD_SETTLE seconds after the last user has spawned, once the queue
    of sign-ins and app starts of the ramp-up has drained; the moment goes to LOAD_MARK."""

    def reset():
        _environment.stats.reset_all()
        if os.environ.get("LOAD_MARK"):
            with open(os.environ["LOAD_MARK"], "w") as mark:
                mark.write(str(time.time()))

    gevent.spawn_later(float(os.environ.get("LOAD_SETTLE", "0")), reset)


def _pick(pool: list, counter: itertools.count):
    index, processes = _stride()
    return pool[(next(counter) * processes + index) % len(pool)]


def totp(key_hex: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as an authenticator app computes it (django-otp's defaults)."""
    counter = struct.pack(">Q", int(at // step))
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _moment() -> str:
    """Now, as the phone's clock has it: a few seconds behind the server's."""
    return (datetime.now(UTC) - timedelta(seconds=random.randint(1, 30))).isoformat()


class ClientApp(FastHttpUser):
    """A client's phone app, signed in with its own knox token."""

    weight = 9
    wait_time = between(3, 10)

    def on_start(self):
        self.token = _pick(seed()["client_tokens"], _client_numbers)
        self.auth = {"Authorization": f"Token {self.token}"}
        # What the app loads when it opens: who am I, the words I can use, my exercises.
        self.client.get("/api/v1/me/", headers=self.auth, name="GET /api/v1/me/")
        response = self.client.get(
            "/api/v1/emotions/", headers=self.auth, name="GET /api/v1/emotions/"
        )
        self.emotions = [item["code"] for item in response.json()] if response.ok else []
        self.assignments = self._assignments()

    def _assignments(self) -> list[int]:
        response = self.client.get(
            "/api/v1/assignments/", headers=self.auth, name="GET /api/v1/assignments/"
        )
        if not response.ok:
            return []
        return [a["id"] for a in response.json()["results"] if a["status"] == "active"]

    def _post(self, path: str, body: dict, name: str, key: str | None = None):
        headers = self.auth | {
            "Content-Type": "application/json",
            "Idempotency-Key": key or str(uuid.uuid4()),
        }
        return self.client.post(path, data=json.dumps(body), headers=headers, name=name)

    @task(3)
    def check_in(self):
        labels = random.sample(self.emotions, k=min(len(self.emotions), random.randint(1, 3)))
        body = {
            "client_uuid": str(uuid.uuid4()),
            "occurred_at": _moment(),
            "emotions": [{"label": code, "intensity": random.randint(1, 10)} for code in labels],
            "distress": random.randint(0, 10),
            "charge": random.randint(-5, 5),
            "mind_space": random.randint(0, 100),
            "self_compassion": random.randint(0, 10),
            "resistance": random.randint(0, 10),
            "wants_to_discuss": random.random() < 0.2,
            # A safety answer now and then: it raises an alert and queues the e-mail.
            "safety_concern": random.random() < 0.01,
            "note": random.choice(NOTES),
        }
        key = str(uuid.uuid4())
        self._post("/api/v1/check-ins/", body, "POST /api/v1/check-ins/", key)
        if random.random() < 0.03:
            # The answer was lost on a bad network: the app sends the same request again.
            self._post("/api/v1/check-ins/", body, "POST /api/v1/check-ins/ (retry)", key)

    @task(2)
    def exercise(self):
        """Open the exercises, do one, record how it went."""
        self.assignments = self._assignments()
        if not self.assignments:
            return
        before = random.randint(3, 10)
        self._post(
            f"/api/v1/assignments/{random.choice(self.assignments)}/completions/",
            {
                "client_uuid": str(uuid.uuid4()),
                "completed_at": _moment(),
                "distress_before": before,
                "distress_after": max(0, before - random.randint(0, 4)),
                "helpfulness": random.randint(1, 5),
                "reflection": random.choice(REFLECTIONS),
            },
            "POST /api/v1/assignments/[id]/completions/",
        )

    @task(2)
    def recent_check_ins(self):
        self.client.get(
            "/api/v1/check-ins/?page_size=20",
            headers=self.auth,
            name="GET /api/v1/check-ins/?page_size=20",
        )

    @task(1)
    def open_app(self):
        self.client.get("/api/v1/me/", headers=self.auth, name="GET /api/v1/me/")


class TherapistBrowser(HttpUser):
    """A therapist in the dashboard: password and authenticator code, then pages."""

    weight = 1
    wait_time = between(5, 15)

    def on_start(self):
        login = _pick(seed()["therapists"], _therapist_numbers)
        self.clients: list[int] = []
        if not self._sign_in(login):
            # Its failure is counted; pages without a session would only count redirects.
            raise StopUser()
        self.caseload()

    def _page(self, path: str, name: str, **kwargs):
        """A page that must answer 200 itself: a redirect means the sign-in was lost."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            return r

    def _sign_in(self, login: dict) -> bool:
        page = self._page("/accounts/login/", "GET /accounts/login/")
        token = CSRF_FIELD.search(page.text or "")
        if token is None:
            return False
        with self.client.post(
            "/accounts/login/",
            data={
                "username": login["email"],
                "password": login["password"],
                "csrfmiddlewaretoken": token.group(1),
                "next": "/",
            },
            name="POST /accounts/login/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "two-factor/verify" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"{response.status_code} without the second-factor step")
                return False
        # The CSRF token turns over at sign-in: read it again from the code page.
        page = self._page("/accounts/two-factor/verify/?next=/", "GET /accounts/two-factor/verify/")
        token = CSRF_FIELD.search(page.text or "")
        if token is None:
            return False
        # A code is good once: should this login's last one be spent, the next 30 s's is valid.
        for shift in (0, 30):
            with self.client.post(
                "/accounts/two-factor/verify/",
                data={
                    "code": totp(login["totp_key"], time.time() + shift),
                    "csrfmiddlewaretoken": token.group(1),
                    "next": "/",
                },
                name="POST /accounts/two-factor/verify/",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return True
                response.failure(f"{response.status_code}: code refused")
        return False

    @task(2)
    def caseload(self):
        page = self._page("/", "GET / (caseload)")
        if page.status_code == 200:
            self.clients = [int(pk) for pk in CLIENT_LINK.findall(page.text)] or self.clients

    @task(3)
    def progress(self):
        if self.clients:
            self._page(f"/clients/{random.choice(self.clients)}/", "GET /clients/[id]/")

    @task(2)
    def prep(self):
        if self.clients:
            self._page(f"/clients/{random.choice(self.clients)}/prep/", "GET /clients/[id]/prep/")
