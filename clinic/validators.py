import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept IANA names such as ``Europe/Berlin``; reject anything else."""
    if value not in _zone_names():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})
