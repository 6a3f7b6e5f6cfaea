"""A feed's address is its key: it reaches no log line, whether it works or not."""

import logging

import pytest

from clinic.calendar import services
from tests import factories

from .helpers import feed_url, new_feed


@pytest.fixture
def every_log_line(caplog):
    """Everything logged, Django's own loggers included; their handlers' filters run first,
    as they do for the product's console handler."""
    caplog.set_level(logging.DEBUG)
    django_logger = logging.getLogger("django")
    django_logger.addHandler(caplog.handler)
    yield caplog
    django_logger.removeHandler(caplog.handler)


@pytest.mark.django_db
def test_no_secret_reaches_the_logs(every_log_line, client, client_record):
    factories.SessionFactory(client=client_record)
    renewed_away = new_feed(client_record.user)
    revoked = new_feed(client_record.user)
    services.feed_revoke(user=client_record.user)
    working = new_feed(client_record.user)
    unknown = "Zz" * 22
    assert client.get(feed_url(working)).status_code == 200
    for secret in (renewed_away, revoked, unknown):
        assert client.get(feed_url(secret)).status_code == 404
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r}" for record in every_log_line.records
    )
    assert "Not Found: /calendar/…" in logged  # the 404s were logged, without the key
    for secret in (working, renewed_away, revoked, unknown):
        assert secret not in logged


@pytest.mark.django_db
def test_a_near_miss_of_the_address_hides_its_secret_too(every_log_line, client, client_record):
    working = new_feed(client_record.user)
    near = [
        f"/calendar/{working}%2Eics",
        f"/calendar/{working}",
        f"/calendar/{working}.ICS",
        f"/calendar//{working}.ics",
        f"/Calendar/{working}.ics",
    ]
    for path in near:
        client.get(path)
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r}" for record in every_log_line.records
    )
    assert "/calendar/…" in logged or "/Calendar/…" in logged
    assert working not in logged
