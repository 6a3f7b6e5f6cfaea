"""Check-ins per second through the real server, next to a trivial endpoint.

    .venv/bin/python bench/checkins.py --db sqlite --seconds 15
    .venv/bin/python bench/checkins.py --db postgres --seconds 15

Starts gunicorn (2 workers, production settings) on a fresh database, then drives
it from this process with --concurrency threads: rounds of GET /api/v1/me/ (a
trivial authenticated endpoint) alternate with rounds of POST /api/v1/check-ins/,
so both see the same machine at nearly the same time. Reports requests per second,
p50/p99 latency, errors, and rows stored against 201 responses.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

SETUP = """
import json
from knox.models import AuthToken
from clinic.services import clinic_create, therapist_create
from clients.services import client_create
clinic = clinic_create(name="Bench", slug="bench")
therapist = therapist_create(clinic=clinic, email="t@bench.example", display_name="T")
tokens = []
for n in range({clients}):
    client = client_create(therapist=therapist, email=f"c{{n}}@bench.example", label=f"C{{n}}")
    tokens.append(AuthToken.objects.create(user=client.user)[1])
print(json.dumps(tokens))
"""

COUNT = """
from clients.models import CheckIn
print(CheckIn.objects.count())
"""


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def make_database(kind: str, workdir: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"clinic_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def check_in_body() -> bytes:
    return json.dumps(
        {
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "emotions": [{"label": "grief", "intensity": 6}, {"label": "hopeful", "intensity": 3}],
            "distress": 5,
            "charge": 2,
            "mind_space": 45,
            "self_compassion": 5,
            "resistance": 3,
            "note": "A benchmark check-in.",
        }
    ).encode()


def drive(port: int, tokens: list[str], seconds: float, concurrency: int, write: bool) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        nonlocal errors
        token = tokens[n % len(tokens)]
        while time.perf_counter() < deadline:
            headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
            if write:
                headers |= {
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                }
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if write:
                    conn.request(
                        "POST", "/api/v1/check-ins/", body=check_in_body(), headers=headers
                    )
                else:
                    conn.request("GET", "/api/v1/me/", headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError:
                status = None
            elapsed = time.perf_counter() - started
            with lock:
                if status is None or status >= 400:
                    errors += 1
                if status is not None:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
        "errors": errors,
        "statuses": statuses,
    }


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=15, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-checkins-"))
    database_url, drop_database = make_database(args.db, workdir)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "DATA_KEYS": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(workdir),
        "API_RATE_PER_USER": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    server = None
    try:
        manage(env, "migrate", "-v0")
        tokens = json.loads(manage(env, "shell", "-c", SETUP.format(clients=args.clients)))
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "clinic.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_for(args.port)
        drive(args.port, tokens, 2, args.concurrency, write=False)  # warm up both paths
        drive(args.port, tokens, 2, args.concurrency, write=True)
        rows_before = int(manage(env, "shell", "-c", COUNT))
        trivial, check_ins = [], []
        for _ in range(args.rounds):
            trivial.append(drive(args.port, tokens, args.seconds, args.concurrency, write=False))
            check_ins.append(drive(args.port, tokens, args.seconds, args.concurrency, write=True))
        rows = int(manage(env, "shell", "-c", COUNT)) - rows_before
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)

    def med(results, key):
        return statistics.median(r[key] for r in results)

    created = sum(r["statuses"].get(201, 0) for r in check_ins)
    report = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "database": args.db,
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "concurrency": args.concurrency,
        "gunicorn_workers": args.workers,
        "trivial_per_second": med(trivial, "per_second"),
        "trivial_p50_ms": med(trivial, "p50_ms"),
        "trivial_p99_ms": med(trivial, "p99_ms"),
        "check_ins_per_second": med(check_ins, "per_second"),
        "check_in_p50_ms": med(check_ins, "p50_ms"),
        "check_in_p99_ms": med(check_ins, "p99_ms"),
        "ratio": med(check_ins, "per_second") / med(trivial, "per_second"),
        "errors": sum(r["errors"] for r in trivial + check_ins),
        "responses_201": created,
        "rows_stored": rows,
    }
    print(json.dumps(report, indent=2))
    ok = report["ratio"] >= 0.5 and report["errors"] == 0 and rows == created
    print("target met" if ok else "TARGET MISSED: ratio >= 0.5, 0 errors, rows == 201s")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
