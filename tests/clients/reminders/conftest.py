from datetime import time

import pytest

from clients.reminders.models import ReminderPreference


@pytest.fixture
def choose():
    """Save a person's own reminder choices: ``choose(user, daily_hour=9, kinds={...})``."""

    def save(user, **fields):
        preference, _ = ReminderPreference.objects.get_or_create(user=user)
        for name, value in fields.items():
            setattr(preference, name, value)
        preference.save()
        return preference

    return save


NO_QUIET = {"quiet_from": time(0), "quiet_until": time(0)}
