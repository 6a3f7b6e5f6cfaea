"""Two clinicians following up one alert, and sweeps running side by side (two beat
schedulers by mistake, or a slow sweep overlapping the next), against a real database:
SQLite as a file with immediate transactions, or PostgreSQL when DATABASE_URL says so."""

import pytest

from tests import processes

pytestmark = pytest.mark.integration

ENV = {"DJANGO_SETTINGS_MODULE": "clinic.settings_test"}
SCRIPT = "tests.clients.safety.concurrent_safety"


@pytest.fixture
def database_url(tmp_path):
    with processes.fresh_database(tmp_path) as url:
        processes.result(
            processes.start(["manage.py", "migrate", "-v0"], {**ENV, "DATABASE_URL": url})
        )
        yield url


def _run(database_url: str, *args: str) -> dict:
    process = processes.start(["-m", SCRIPT, *args], {**ENV, "DATABASE_URL": database_url})
    return processes.last_json(processes.result(process))


def test_eight_follow_ups_at_once_resolve_the_alert_once(database_url):
    _run(database_url, "setup")
    assert _run(database_url, "follow-up", "8") == {"resolved": 1, "refused": 7}
    assert _run(database_url, "count") == {"follow_ups": 1, "resolved": True, "escalated": False}


def test_four_sweeps_at_once_escalate_once(database_url):
    _run(database_url, "setup")
    # Two covering therapists: one alert escalated means two e-mails, one each.
    assert _run(database_url, "sweep", "4") == {"alerts_escalated": 1, "emails": 2}
    assert _run(database_url, "sweep", "4") == {"alerts_escalated": 0, "emails": 0}
    assert _run(database_url, "count") == {"follow_ups": 0, "resolved": False, "escalated": True}
