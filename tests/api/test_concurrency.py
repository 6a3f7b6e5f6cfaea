"""Concurrent writers against a real database server or a real SQLite file.

Runs against the configured database engine: SQLite (a file, with WAL and immediate
transactions, as ``make run`` uses) or PostgreSQL (when DATABASE_URL says so).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def database_url(tmp_path):
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    name = f"clinic_concurrency_{uuid.uuid4().hex[:8]}"
    server = dict(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname="postgres"
    )
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(database_url: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
    }
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "database is locked" not in err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def tokens(database_url):
    migrate = _run(database_url, "manage.py", "migrate", "-v0")
    _, err = migrate.communicate(timeout=300)
    assert migrate.returncode == 0, err
    return _result(_run(database_url, "-m", "tests.api.concurrent_writers", "setup"))["tokens"]


def test_twenty_simultaneous_posts_with_one_key_store_one_row(database_url, tokens):
    statuses = _result(
        _run(database_url, "-m", "tests.api.concurrent_writers", "same-key", tokens[0], "20")
    )
    # every attempt got the stored check-in back; none stored a second row
    assert statuses == {"201": 20}
    counts = _result(_run(database_url, "-m", "tests.api.concurrent_writers", "count"))
    assert counts == {"check_ins": 1, "emotions": 2}


def test_four_processes_of_two_hundred_check_ins_store_eight_hundred(database_url, tokens):
    writers = [
        _run(database_url, "-m", "tests.api.concurrent_writers", "distinct", token, "200", f"p{n}")
        for n, token in enumerate(tokens)
    ]
    for writer in writers:
        assert _result(writer) == {"201": 200}
    counts = _result(_run(database_url, "-m", "tests.api.concurrent_writers", "count"))
    assert counts == {"check_ins": 800, "emotions": 1600}
