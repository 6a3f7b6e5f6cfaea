import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory()


@pytest.fixture
def therapist(clinic):
    return factories.TherapistFactory(clinic=clinic)


@pytest.fixture
def other_therapist(clinic):
    """A colleague at the same clinic, who does not treat ``client``."""
    return factories.TherapistFactory(clinic=clinic)


@pytest.fixture
def client_record(therapist):
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def other_clinic(db):
    return factories.ClinicFactory()


@pytest.fixture
def other_clinic_therapist(other_clinic):
    return factories.TherapistFactory(clinic=other_clinic)


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


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"configuration: database={engine} broker={broker}"
