import uuid

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def as_user():
    """An API client that sends a real knox token for ``user``, as a phone app would."""

    def make(user):
        api = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user=user)
            api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return api

    return make


@pytest.fixture
def other_client_record(therapist):
    """Another client of the same therapist and clinic."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def key():
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
