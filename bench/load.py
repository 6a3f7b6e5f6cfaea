"""Load test of the multi-node topology: throughput and latency per endpoint as users grow.

    .venv/bin/python bench/load.py --lock /tmp/bench.lock --markdown /tmp/load.md

Starts bench/topology.py's Topology (2 gunicorn web nodes behind nginx, 2 Celery worker
nodes, 1 beat, PostgreSQL, Redis), seeds a group practice (therapists with an
authenticator, clients with 12 weeks of history and a knox token each), then runs
bench/locustfile.py headless once per step. Statistics start --settle seconds after every
user has spawned, so each step's figures cover its steady state only. While a step runs, the CPU
of each part (gunicorn, celery, postgres, redis, nginx, locust, the rest of the machine)
and PostgreSQL's connections and lock waits are sampled. Prints a table per step and,
with --markdown, writes them for docs/benchmarks.md. --lock takes the shared benchmark lock
(as `flock FILE` does) for the timed steps only, not while the topology starts and seeds.

--single runs one gunicorn on a fresh database instead, for when the topology is not there.
"""

import argparse
import contextlib
import csv
import fcntl
import http.client
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
LOCUST = str(Path(PYTHON).with_name("locust"))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-test-practice-2026"  # noqa: S105 - a throwaway database's logins

# A group practice: each therapist has an authenticator (the clinic asks for a second
# factor, as production does by default) and a caseload of clients with the demo's
# histories (check-ins, sessions, exercises and their completions, measures).
SEED = """
import json, secrets, time
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from clients.measures.models import ClinicInstrument
from clinic.demo import DemoBuilder
from clinic.demo_measures import CLINIC_MEASURES
from clinic.services import clinic_create, therapist_create
started = time.time()
clinic = clinic_create(name="Lakeside Group Practice", slug="lakeside",
                       time_zone="America/Chicago", two_factor_required=True)
for code, values in CLINIC_MEASURES["harbor"].items():
    ClinicInstrument.objects.create(clinic=clinic, instrument=code, **values)
therapists, logins = [], []
for n in range({therapists}):
    therapist = therapist_create(clinic=clinic, email=f"therapist{{n:02d}}@lakeside.example",
                                 display_name=f"Therapist {{n:02d}}", password={password!r})
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=therapist.user, name="Authenticator app", confirmed=True,
                              key=key)
    therapists.append(therapist)
    logins.append({{"email": therapist.user.email, "password": {password!r}, "totp_key": key}})
# No client password: clients use their token, and hashing hundreds of passwords is slow.
builder = DemoBuilder(seed=15, weeks={weeks}, password=None)
tokens = []
for n in range({clients}):
    client = builder.client(n, therapists[n % len(therapists)])
    tokens.append(AuthToken.objects.create(user=client.user)[1])
with open({out!r}, "w") as out:
    json.dump({{"therapists": logins, "client_tokens": tokens}}, out)
print(f"seeded {{len(tokens)}} clients of {{len(logins)}} therapists "
      f"in {{time.time() - started:.0f}} s")
"""

# The throttles stay on (their cache round trips are part of every API request) with
# rates no simulated person reaches: the load test measures the product, not the limits.
LOAD_ENV = {
    "API_RATE_PER_USER": "100000/min",
    "API_RATE_LOGIN_PER_IP": "100000/min",
    "API_RATE_LOGIN_PER_ACCOUNT": "100000/min",
    "LOG_LEVEL": "WARNING",
}

PG_SAMPLE = """
select count(*),
       count(*) filter (where state = 'active'),
       count(*) filter (where state like 'idle in transaction%'),
       count(*) filter (where wait_event_type = 'Lock'),
       count(*) filter (where wait_event_type = 'LWLock'),
       count(*) filter (where wait_event_type = 'IO')
from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
"""
PG_WAITS = """
select coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), count(*)
from pg_stat_activity
where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
group by 1, 2
"""
PG_TOTALS = """
select xact_commit, xact_rollback, deadlocks, blks_read, tup_inserted
from pg_stat_database where datname = current_database()
"""


# --- the system under test ---------------------------------------------------------


class SingleNode:
    """One gunicorn with production settings on a fresh PostgreSQL database, no nginx and
    no worker: the fallback when bench/topology.py is not usable."""

    def __init__(self, gunicorn_workers: int = 2, port: int = 8791):
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
        self.database = f"clinic_load_{uuid.uuid4().hex[:8]}"
        self.url = f"http://127.0.0.1:{port}"
        self.web_urls = [self.url]
        self.gunicorn_workers = gunicorn_workers
        self.port = port
        from cryptography.fernet import Fernet

        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            "DATA_KEYS": Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "CACHE_URL": "locmemcache://",  # one node: nothing to share
            "VAR_DIR": str(self.workdir),
            **LOAD_ENV,
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self.server = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        return result.stdout

    def __enter__(self):
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        try:
            self.manage("migrate", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            with open(self.workdir / "gunicorn.log", "w") as log:
                self.server = subprocess.Popen(
                    [PYTHON, "-m", "gunicorn", "clinic.wsgi",
                     "--workers", str(self.gunicorn_workers),
                     "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
                    cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            _wait_for(self.url)
        except BaseException:
            log = self.workdir / "gunicorn.log"
            if log.exists():
                print(log.read_text()[-3000:], file=sys.stderr)
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.workdir, ignore_errors=True)


def _wait_for(url: str, timeout: float = 60) -> None:
    parts = urlsplit(url)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def _topology(args):
    if args.single:
        return SingleNode(gunicorn_workers=args.gunicorn_workers)
    sys.path.insert(0, str(BENCH))
    from topology import Topology

    # The load test's settings on every node; the topology adds its own on top.
    os.environ.update(LOAD_ENV)
    return Topology(
        web_nodes=args.web_nodes,
        worker_nodes=args.worker_nodes,
        gunicorn_workers=args.gunicorn_workers,
        seed_clients=0,
    )


# --- sampling ------------------------------------------------------------------------


def _group(proc: psutil.Process, ours: set[int], database: str) -> str:
    """Which part of the system a process is, from its command line."""
    try:
        cmdline = " ".join(proc.cmdline())
        name = proc.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "gone"
    if proc.pid in ours:
        if "locust" in cmdline:
            return "locust"
        if "gunicorn" in cmdline:
            return "gunicorn"
        if "celery" in cmdline and " beat" in cmdline:
            return "celery beat"
        if "celery" in cmdline:
            return "celery workers"
        if name.startswith("nginx"):
            return "nginx"
        if proc.pid == os.getpid():
            return "this runner"
        return "other (topology)"
    if name.startswith("postgres"):
        # A backend names its database; background processes (WAL writer, checkpointer,
        # autovacuum launcher) name none and work for every database.
        if " postgres " in cmdline and f" {database} " not in cmdline:
            return "rest of machine"
        return "postgres"
    if name.startswith("redis-server"):
        return "redis"
    return "rest of machine"


@dataclass
class Samples:
    started: float
    cpu: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # (t, cores)
    machine: list[tuple[float, float]] = field(default_factory=list)  # (t, busy cores)
    pg: list[tuple[float, tuple]] = field(default_factory=list)
    pg_totals: list[tuple[float, tuple]] = field(default_factory=list)
    pg_waits: list[tuple[float, list]] = field(default_factory=list)  # active backends' waits


class Sampler(threading.Thread):
    """Every ``every`` seconds: CPU seconds used per group since the last sample, the
    machine's busy time, and PostgreSQL's activity on the topology's database."""

    def __init__(self, database_url: str, every: float = 2.0):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.database = urlsplit(database_url).path.lstrip("/")
        self.every = every
        self.stopping = threading.Event()
        self.samples = Samples(started=time.time())
        self.last: dict[int, tuple[str, float]] = {}

    def _cpu(self, now: float, elapsed: float) -> None:
        me = psutil.Process()
        ours = {me.pid} | {p.pid for p in me.children(recursive=True)}
        used: dict[str, float] = {}
        seen: dict[int, tuple[str, float]] = {}
        for proc in psutil.process_iter():
            try:
                times = proc.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total = times.user + times.system
            if proc.pid in self.last:
                group = self.last[proc.pid][0]
                used[group] = used.get(group, 0.0) + total - self.last[proc.pid][1]
            else:
                group = _group(proc, ours, self.database)
            seen[proc.pid] = (group, total)
        first = not self.last
        self.last = seen
        if first:
            return
        for group, seconds in used.items():
            self.samples.cpu.setdefault(group, []).append((now, seconds / elapsed))

    def run(self) -> None:
        conn = psycopg.connect(self.database_url, autocommit=True)
        times = psutil.cpu_times()
        busy_before, total_before = sum(times) - times.idle - times.iowait, sum(times)
        before = time.time()
        self._cpu(before, 1.0)
        while not self.stopping.wait(self.every):
            now = time.time()
            self._cpu(now, now - before)
            times = psutil.cpu_times()
            busy, total = sum(times) - times.idle - times.iowait, sum(times)
            cores = psutil.cpu_count()
            self.samples.machine.append(
                (now, cores * (busy - busy_before) / max(total - total_before, 1e-9))
            )
            busy_before, total_before, before = busy, total, now
            try:
                self.samples.pg.append((now, conn.execute(PG_SAMPLE).fetchone()))
                self.samples.pg_totals.append((now, conn.execute(PG_TOTALS).fetchone()))
                self.samples.pg_waits.append((now, conn.execute(PG_WAITS).fetchall()))
            except psycopg.Error:
                conn = psycopg.connect(self.database_url, autocommit=True)
        conn.close()

    def stop(self) -> Samples:
        self.stopping.set()
        self.join()
        return self.samples


def _window(samples: Samples, since: float, until: float) -> dict:
    """Mean CPU per group (in cores) and PostgreSQL figures between two moments."""
    cpu = {}
    for group, points in samples.cpu.items():
        values = [cores for t, cores in points if since <= t <= until]
        if values and group not in ("gone", "rest of machine"):
            cpu[group] = statistics.fmean(values)
    machine = [cores for t, cores in samples.machine if since <= t <= until]
    if machine:
        # Whatever else ran: other people's work on the shared cores, short-lived processes.
        cpu["rest of machine"] = max(0.0, statistics.fmean(machine) - sum(cpu.values()))
    waits: dict[str, int] = {}
    for t, rows in samples.pg_waits:
        if since <= t <= until:
            for kind, event, count in rows:
                name = "running (no wait)" if kind == "CPU" else f"{kind}:{event}"
                waits[name] = waits.get(name, 0) + count
    pg = [row for t, row in samples.pg if since <= t <= until]
    totals = [(t, row) for t, row in samples.pg_totals if since <= t <= until]
    result = {
        "cpu_cores": dict(sorted(cpu.items(), key=lambda kv: -kv[1])),  # mean, in cores
        "machine_busy_cores": statistics.fmean(machine) if machine else None,
        "machine_busy_cores_max": max(machine) if machine else None,
        # How often an active backend was seen in each state, over all samples.
        "pg_active_waits": dict(sorted(waits.items(), key=lambda kv: -kv[1])[:6]),
    }
    if pg:
        result |= {
            "pg_connections_max": max(row[0] for row in pg),
            "pg_active_mean": statistics.fmean(row[1] for row in pg),
            "pg_active_max": max(row[1] for row in pg),
            "pg_idle_in_transaction_max": max(row[2] for row in pg),
            "pg_lock_waits_mean": statistics.fmean(row[3] for row in pg),
            "pg_lock_waits_max": max(row[3] for row in pg),
            "pg_lwlock_waits_max": max(row[4] for row in pg),
            "pg_io_waits_max": max(row[5] for row in pg),
        }
    if len(totals) >= 2:
        (t0, a), (t1, b) = totals[0], totals[-1]
        result |= {
            "pg_commits_per_second": (b[0] - a[0]) / (t1 - t0),
            "pg_rollbacks": b[1] - a[1],
            "pg_deadlocks": b[2] - a[2],
            "pg_blocks_read": b[3] - a[3],
        }
    return result


def _series(samples: Samples, origin: float) -> list[dict]:
    """Each sample: seconds from ``origin``, the machine's busy cores and each group's."""
    by_time: dict[float, dict] = {t: {"machine": busy} for t, busy in samples.machine}
    for group, points in samples.cpu.items():
        for t, cores in points:
            if t in by_time and group not in ("gone", "rest of machine"):
                by_time[t][group] = round(cores, 3)
    rows = []
    for t, row in sorted(by_time.items()):
        ours = sum(v for k, v in row.items() if k != "machine")
        rows.append({"t": round(t - origin, 1), **row, "rest": round(row["machine"] - ours, 3)})
    return rows


# --- one step ------------------------------------------------------------------------


def _read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    with open(f"{prefix}_stats.csv") as file:
        rows = list(csv.DictReader(file))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv") as file:
            failures = list(csv.DictReader(file))
    return rows, failures


def run_step(system, users: int, args, seed_path: Path, results: Path) -> dict:
    spawn_seconds = math.ceil(users / args.spawn_rate)
    run_time = spawn_seconds + args.settle + args.measure
    prefix = results / f"users{users}"
    mark = results / f"users{users}.measured-from"
    env = {
        **os.environ,
        "LOAD_SEED": str(seed_path),
        "LOAD_PROCESSES": str(args.processes),
        "LOAD_SETTLE": str(args.settle),
        "LOAD_MARK": str(mark),
    }
    command = [
        LOCUST, "-f", str(BENCH / "locustfile.py"), "--host", system.url, "--headless",
        "--users", str(users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{run_time}s", "--csv", str(prefix),
        "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    if args.processes > 1:
        command += ["--processes", str(args.processes)]
    sampler = Sampler(system.env["DATABASE_URL"])
    sampler.start()
    with open(results / f"users{users}.log", "w") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    ended = time.time()
    samples = sampler.stop()
    # The steady state, as locust measured it: from the mark until locust stopped.
    measured_from = float(mark.read_text())
    window = _window(samples, measured_from, ended - 2)
    rows, failures = _read_stats(prefix)
    endpoints = []
    for row in rows:
        endpoints.append(
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "avg_ms": float(row["Average Response Time"]),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
            }
        )
    total = next(e for e in endpoints if e["name"] == "Aggregated")
    # Little's law: requests inside the system on average = throughput x time in it.
    in_flight = sum(e["rps"] * e["avg_ms"] / 1000 for e in endpoints if e["name"] != "Aggregated")
    return {
        "users": users,
        "spawn_seconds": spawn_seconds,
        "measured_seconds": round(ended - measured_from),
        "endpoints": endpoints,
        "total": total,
        "in_flight": in_flight,
        "series": _series(samples, measured_from),
        "failures": [
            {"name": f["Name"], "error": f["Error"], "count": int(f["Occurrences"])}
            for f in failures
        ],
        **window,
    }


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


# --- report --------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def step_table(step: dict) -> str:
    lines = [
        f"#### {step['users']} users",
        "",
        "| Endpoint | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    # Sign-in pages mostly fall before the measured window: rows without requests are left out.
    named = sorted(
        (e for e in step["endpoints"] if e["name"] != "Aggregated" and e["requests"]),
        key=lambda e: -e["rps"],
    )
    for e in [*named, step["total"]]:
        name = "**all**" if e["name"] == "Aggregated" else f"`{e['name']}`"
        lines.append(
            f"| {name} | {e['rps']:.1f} | {_ms(e['p50_ms'])} | {_ms(e['p95_ms'])} | "
            f"{_ms(e['p99_ms'])} | {e['failures']} |"
        )
    lines.append("")
    cpu = ", ".join(f"{group} {cores:.2f}" for group, cores in step["cpu_cores"].items())
    lines.append(
        f"CPU in cores (of 2), mean over the measured window: machine busy "
        f"{step['machine_busy_cores']:.2f} (peak {step['machine_busy_cores_max']:.2f}); {cpu}."
    )
    if "pg_active_mean" in step:
        lines.append(
            f"PostgreSQL: {step['pg_connections_max']} connections, active "
            f"{step['pg_active_mean']:.1f} mean / {step['pg_active_max']} max, waiting on a "
            f"lock {step['pg_lock_waits_mean']:.2f} mean / {step['pg_lock_waits_max']} max, "
            f"LWLock max {step['pg_lwlock_waits_max']}, idle in transaction max "
            f"{step['pg_idle_in_transaction_max']}, "
            f"{step.get('pg_commits_per_second', 0):.0f} commits/s, "
            f"{step.get('pg_deadlocks', 0)} deadlocks."
        )
        if step["pg_active_waits"]:
            lines.append(
                "Active backends seen (samples): "
                + ", ".join(f"{name} {n}" for name, n in step["pg_active_waits"].items())
                + "."
            )
    lines.append(
        f"Requests in the system on average (throughput x latency): {step['in_flight']:.1f}."
    )
    if step["failures"]:
        lines.append(
            "Errors: "
            + "; ".join(f"{f['name']}: {f['error']} x{f['count']}" for f in step["failures"])
        )
    return "\n".join(lines)


def summary_table(steps: list[dict]) -> str:
    lines = [
        "| Users | req/s | p50 ms | p95 ms | p99 ms | errors | machine busy | gunicorn | "
        "postgres | celery | nginx | locust | rest of machine | in flight |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in steps:
        t, cpu = s["total"], s["cpu_cores"]
        lines.append(
            f"| {s['users']} | {t['rps']:.1f} | {_ms(t['p50_ms'])} | {_ms(t['p95_ms'])} | "
            f"{_ms(t['p99_ms'])} | {t['failures']} | {s['machine_busy_cores']:.2f} | "
            f"{cpu.get('gunicorn', 0):.2f} | {cpu.get('postgres', 0):.2f} | "
            f"{cpu.get('celery workers', 0) + cpu.get('celery beat', 0):.2f} | "
            f"{cpu.get('nginx', 0):.2f} | {cpu.get('locust', 0):.2f} | "
            f"{cpu.get('rest of machine', 0):.2f} | {s['in_flight']:.1f} |"
        )
    return "\n".join(lines)


def _command() -> str:
    """This run's command line, without where it wrote its files."""
    words, skip = [], False
    for word in sys.argv:
        if skip:
            skip = False
        elif word in ("--results", "--json", "--markdown"):
            skip = True
        elif not word.startswith(("--results=", "--json=", "--markdown=")):
            words.append(word)
    return " ".join([".venv/bin/python", *words])


@contextlib.contextmanager
def _locked(path: Path | None):
    """The shared benchmark lock, as `flock PATH` takes it, so timed runs never overlap."""
    if path is None:
        yield
        return
    with open(path, "a") as file:
        print(f"waiting for {path}", flush=True)
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="50,100,200,400", help="steps, comma-separated")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--settle", type=int, default=20, help="seconds after the ramp-up")
    parser.add_argument("--measure", type=int, default=90, help="seconds measured per step")
    # One login per simulated therapist (a code is good once): one in ten of 400 users.
    parser.add_argument("--therapists", type=int, default=40)
    parser.add_argument("--clients", type=int, default=600, help="15 per therapist")
    parser.add_argument("--weeks", type=int, default=12, help="history per client")
    parser.add_argument("--web-nodes", type=int, default=2)
    parser.add_argument("--worker-nodes", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=2, help="per web node")
    parser.add_argument("--processes", type=int, default=1, help="locust processes")
    parser.add_argument("--single", action="store_true", help="one gunicorn, no topology")
    parser.add_argument(
        "--lock",
        type=Path,
        help="hold this flock(1) file for the timed steps only, not while starting and seeding",
    )
    parser.add_argument("--results", type=Path, help="folder for locust's CSV and logs")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--markdown", type=Path, help="write the tables here")
    args = parser.parse_args()
    # A plain kill stops the nodes and drops the database too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    steps_users = [int(u) for u in args.users.split(",")]

    results = args.results or Path(tempfile.mkdtemp(prefix="bench-load-results-"))
    results.mkdir(parents=True, exist_ok=True)
    seed_path = results / "seed.json"
    steps = []
    with _topology(args) as system:
        began = time.time()
        print(
            system.manage(
                "shell", "-c",
                SEED.format(therapists=args.therapists, clients=args.clients, weeks=args.weeks,
                            password=PASSWORD, out=str(seed_path)),
            ).strip().splitlines()[-1],
            flush=True,
        )  # fmt: skip
        print(f"seeding took {time.time() - began:.0f} s", flush=True)
        with _locked(args.lock):
            for users in steps_users:
                step = run_step(system, users, args, seed_path, results)
                steps.append(step)
                print(step_table(step), "\n", flush=True)
                time.sleep(5)  # let the workers drain what the step queued

    topology = (
        "1 gunicorn, no nginx, no Celery worker (fallback)"
        if args.single
        else f"{args.web_nodes} web nodes x {args.gunicorn_workers} gunicorn workers behind "
        f"nginx, {args.worker_nodes} Celery worker nodes, 1 beat"
    )
    report = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "topology": topology,
        "seed": {"therapists": args.therapists, "clients": args.clients, "weeks": args.weeks},
        "spawn_rate": args.spawn_rate,
        "measure_seconds": args.measure,
        "locust_processes": args.processes,
        "command": _command(),
        "steps": steps,
    }
    print(summary_table(steps))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if args.markdown:
        body = [
            f"Date {report['date']}; {report['machine']}; {topology}; "
            f"{args.therapists} therapists, {args.clients} clients with {args.weeks} weeks of "
            f"history; locust {args.processes} process(es), spawn {args.spawn_rate}/s; each "
            f"step measured for about {args.measure} s, starting {args.settle} s after its last "
            "user spawned.",
            "",
            f"    {report['command']}",
            "",
            summary_table(steps),
            "",
            *(step_table(s) + "\n" for s in steps),
        ]
        args.markdown.write_text("\n".join(body))


if __name__ == "__main__":
    main()
