"""Concurrent writers against a real database server or a real SQLite file.

Runs against the configured database engine: SQLite (a file, with WAL and immediate
transactions, as ``make run`` uses) or PostgreSQL (when DATABASE_URL says so).
"""

import pytest

from tests import processes

pytestmark = pytest.mark.integration

ENV = {"DJANGO_SETTINGS_MODULE": "clinic.settings_test"}


@pytest.fixture
def database_url(tmp_path):
    with processes.fresh_database(tmp_path) as url:
        yield url


def _run(database_url: str, *args: str):
    return processes.start(list(args), {**ENV, "DATABASE_URL": database_url})


def _result(process) -> dict:
    return processes.last_json(processes.result(process))


@pytest.fixture
def tokens(database_url):
    processes.result(_run(database_url, "manage.py", "migrate", "-v0"))
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
