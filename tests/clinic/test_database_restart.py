"""PostgreSQL restarts while eight clients send check-ins through gunicorn.

The test brings its own throwaway PostgreSQL cluster (the machine's server on 5432 stays
up for the rest of the suite), so it runs the same whichever database the suite is
configured for. Each client retries a failed check-in with the same Idempotency-Key and
body until the server stores or replays it, as the phone app does.
"""

import glob
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests import processes

pytestmark = pytest.mark.integration

CLIENTS = 8
SENDING_SECONDS = 30
RESTART_AFTER_SECONDS = 8
OUTAGE_SECONDS = 3
# A check-in that is still failing this long after sending stopped counts as lost.
FINISH_SECONDS = 20
PASSWORD = "demo-healing-2026"


def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _free_port(start: int | None = None) -> int:
    candidates = range(start, start + 200) if start else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


class Cluster:
    """A PostgreSQL cluster of its own in a temporary folder, run as the postgres user."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port(5440 + random.randrange(500))
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_owner, *args], check=True, capture_output=True, text=True, timeout=timeout
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except subprocess.SubprocessError:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def _request(port: int, method: str, path: str, body=None, headers=None, timeout: float = 15):
    """(status, headers, parsed body) or raise OSError when the connection fails."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Host": "127.0.0.1", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")
        return response.status, dict(response.getheaders()), data
    finally:
        connection.close()


def _sign_in(port: int, email: str) -> tuple[str, list[str]]:
    """The client's token, and two emotion codes from their clinic's vocabulary."""
    status, _, data = _request(
        port, "POST", "/api/v1/auth/login/", {"email": email, "password": PASSWORD}
    )
    assert status == 200, data
    auth = {"Authorization": f"Token {data['token']}"}
    status, _, emotions = _request(port, "GET", "/api/v1/emotions/", headers=auth)
    assert status == 200, emotions
    return data["token"], [emotions[0]["code"], emotions[1]["code"]]


class Tally:
    """What the clients saw, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.connection_errors = 0
        self.retries = 0
        self.stored: list[str] = []  # client_uuids answered 201
        self.replayed: list[str] = []  # client_uuids answered from an earlier attempt
        self.unfinished: list[str] = []
        self.unexpected: list[tuple[int, object]] = []
        self.faults_at: list[float] = []  # when a 503 or a connection error was seen
        self.retry_after: Counter = Counter()

    def saw(self, status: int | None, at: float) -> None:
        with self.lock:
            if status is None:
                self.connection_errors += 1
            else:
                self.statuses[status] += 1
            if status in (None, 503):
                self.faults_at.append(at)


def _client_loop(port, token, labels, tally: Tally, began: float, stop_at: float) -> None:
    auth = {"Authorization": f"Token {token}"}
    while time.monotonic() < stop_at:
        client_uuid = str(uuid.uuid4())
        key = str(uuid.uuid4())
        body = {
            "client_uuid": client_uuid,
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "emotions": [{"label": label, "intensity": 4} for label in labels],
            "distress": 4,
            "safety_concern": False,  # the alert path (e-mail) is not what this test is about
        }
        attempts = 0
        while True:
            if attempts:
                with tally.lock:
                    tally.retries += 1
            attempts += 1
            try:
                status, headers, data = _request(
                    port, "POST", "/api/v1/check-ins/", body, {**auth, "Idempotency-Key": key}
                )
            except OSError:
                tally.saw(None, time.monotonic() - began)
                status = None
            else:
                tally.saw(status, time.monotonic() - began)
            if status in (200, 201):
                with tally.lock:
                    if headers.get("Idempotent-Replayed") == "true":
                        tally.replayed.append(client_uuid)
                    else:
                        tally.stored.append(client_uuid)
                break
            if status is not None and status != 503:
                with tally.lock:
                    tally.unexpected.append((status, data))
                break
            if status == 503:
                with tally.lock:
                    tally.retry_after[headers.get("Retry-After")] += 1
                    if not (isinstance(data, dict) and data.get("errors")):
                        tally.unexpected.append((status, data))
            if time.monotonic() > stop_at + FINISH_SECONDS:
                with tally.lock:
                    tally.unfinished.append(client_uuid)
                break
            # The server asks for a few seconds; the test retries sooner to see the return.
            time.sleep(0.3)


def test_postgres_restart_during_check_ins_gives_503s_and_stores_each_once(tmp_path):
    # It brings its own cluster, so one run is enough: the PostgreSQL configuration's.
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("runs in the PostgreSQL configuration (DATABASE_URL=postgres://...)")
    bin_dir = _postgres_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (apt-get install postgresql)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root needs runuser to start PostgreSQL as its own user")
    import psycopg

    started_at = time.monotonic()
    cluster = Cluster(bin_dir)
    server = None
    server_log = tmp_path / "gunicorn.log"
    try:
        cluster.init()
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute('CREATE DATABASE "clinic"')
        web_port = _free_port()
        env = {
            # Production settings: DEBUG off, persistent connections as production has them.
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "false",
            "SECRET_KEY": "restart-test-" + uuid.uuid4().hex,
            "DATA_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "API_RATE_PER_USER": "1000000/min",
            "DATABASE_URL": cluster.url("clinic"),
            "CONN_MAX_AGE": "60",  # the production default
            "VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": "filesystem://",  # no worker: tasks wait in VAR_DIR
            "LOG_LEVEL": "WARNING",
        }
        cluster_seconds = time.monotonic() - started_at
        processes.result(processes.start(["manage.py", "migrate", "-v0"], env), timeout=120)
        migrate_seconds = time.monotonic() - started_at
        logins = json.loads(
            processes.result(
                processes.start(
                    ["manage.py", "seed_demo", "--clients", str(CLIENTS), "--weeks", "1",
                     "-v0", "--json"],
                    env,
                ),
                timeout=120,
            )
        )  # fmt: skip
        emails = [login["email"] for login in logins if login["role"] == "client"]
        assert len(emails) == CLIENTS
        seed_seconds = time.monotonic() - started_at
        with server_log.open("w") as log:
            server = processes.start(
                ["-m", "gunicorn", "clinic.wsgi", "-w", "2", "-b", f"127.0.0.1:{web_port}",
                 "--timeout", "30", "--no-control-socket"],
                env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        for _ in range(100):
            try:
                if _request(web_port, "GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not answer:\n{server_log.read_text()}")

        with ThreadPoolExecutor(max_workers=4) as pool:  # password hashing is the slow part
            clients = list(pool.map(lambda email: _sign_in(web_port, email), emails))
        setup_seconds = time.monotonic() - started_at

        tally = Tally()
        began = time.monotonic()
        stop_at = began + SENDING_SECONDS
        threads = [
            threading.Thread(
                target=_client_loop,
                args=(web_port, token, labels, tally, began, stop_at),
                daemon=True,  # should the test fail half-way, they end with it
            )
            for token, labels in clients
        ]
        for thread in threads:
            thread.start()
        time.sleep(RESTART_AFTER_SECONDS)
        down_at = time.monotonic() - began
        cluster.stop()
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        up_at = time.monotonic() - began
        for thread in threads:
            thread.join(timeout=SENDING_SECONDS + FINISH_SECONDS + 30)
        assert not any(thread.is_alive() for thread in threads)
        assert server.poll() is None, "gunicorn stopped"

        confirmed = tally.stored + tally.replayed
        with psycopg.connect(cluster.url("clinic")) as db:
            rows = db.execute(
                "SELECT client_uuid::text, count(*) FROM clients_checkin "
                "WHERE client_uuid = ANY(%s::uuid[]) GROUP BY client_uuid",
                (confirmed,),
            ).fetchall()
            twice = db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM clients_checkin "
                "GROUP BY client_id, client_uuid HAVING count(*) > 1) AS t"
            ).fetchone()[0]
            keys = db.execute("SELECT count(*) FROM clinic_idempotencykey").fetchone()[0]
        stored_counts = dict(rows)
        log_text = server_log.read_text()
        late_faults = [at for at in tally.faults_at if at > up_at + 2]

        print(
            f"\nrestart test: setup {setup_seconds:.1f} s (cluster up at {cluster_seconds:.1f}, "
            f"migrated at {migrate_seconds:.1f}, seeded at {seed_seconds:.1f})"
            f"\n  {CLIENTS} clients sent check-ins for {SENDING_SECONDS} s; "
            f"PostgreSQL stopped at {down_at:.1f} s, back at {up_at:.1f} s"
            f"\n  requests: {sum(tally.statuses.values()) + tally.connection_errors}, "
            f"statuses: {dict(sorted(tally.statuses.items()))}, "
            f"connection errors: {tally.connection_errors}, retries: {tally.retries}"
            f"\n  Retry-After on 503s: {dict(tally.retry_after)}; faults seen from "
            f"{min(tally.faults_at, default=0):.1f} s to {max(tally.faults_at, default=0):.1f} s"
            f"\n  check-ins answered 201: {len(tally.stored)}, replayed: {len(tally.replayed)}, "
            f"unfinished: {len(tally.unfinished)}; stored rows of those: "
            f"{sum(stored_counts.values())}, any client_uuid stored twice: {twice}; "
            f"idempotency keys: {keys}"
            f"\n  server log: {log_text.count('Traceback')} tracebacks, "
            f"{log_text.count('database unavailable')} 'database unavailable' warnings"
        )
        assert tally.statuses[500] == 0
        assert not [s for s in tally.statuses if s >= 500 and s != 503], tally.statuses
        assert tally.unexpected == []
        assert tally.unfinished == []
        assert tally.statuses[503] + tally.connection_errors > 0, "the restart was not noticed"
        assert set(tally.retry_after) <= {"5"}
        assert len(confirmed) == len(set(confirmed))
        assert all(stored_counts.get(u) == 1 for u in confirmed), "a confirmed check-in is missing"
        assert twice == 0
        assert late_faults == [], "the server did not recover once the database was back"
        assert "Traceback" not in log_text, log_text[-3000:]
    finally:
        if server is not None and server.poll() is None:
            server.terminate()  # gunicorn's master stops its workers on SIGTERM
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # its own session: master and workers
                server.wait()
        cluster.remove()
