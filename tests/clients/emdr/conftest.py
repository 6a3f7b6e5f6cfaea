"""Fixtures shared by more than one EMDR test file. Each file that needs the throttle
counters cleared asks for them with ``pytest.mark.usefixtures``; the other test files
here are left as they were."""

import pytest
from django.core.cache import cache

from tests import factories


# --- the API (test_api_*) ---------------------------------------------------------
@pytest.fixture
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def staff(therapist, as_user):
    return as_user(therapist.user)


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


@pytest.fixture
def hidden(client_record):
    return factories.TargetFactory(client=client_record, label="The cellar")


# --- the therapist's pages (test_target_pages, test_session_pages) ------------------
@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist.user)
    return client
