import uuid

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def other_client_record(therapist):
    """Another client of the same therapist and clinic."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def key():
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
