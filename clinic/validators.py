import re
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept IANA names such as ``Europe/Berlin``; reject anything else."""
    if value not in _zone_names():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})


PHONE = re.compile(r"\+?[0-9][0-9 ().\-]{1,28}")


def validate_phone(value: str) -> None:
    """A number a phone can dial: digits, an optional leading +, spaces, dashes, dots
    and brackets ("988", "+1 (555) 010-2000", "116 123")."""
    if not PHONE.fullmatch(value) or sum(ch.isdigit() for ch in value) < 2:
        raise ValidationError(
            _("%(value)s is not a phone number: use digits, spaces, dashes and a leading +."),
            params={"value": value},
        )


def dialable(value: str) -> str:
    """The number as a tel: or sms: link wants it: + and digits only."""
    return ("+" if value.strip().startswith("+") else "") + "".join(
        ch for ch in value if ch.isdigit()
    )
