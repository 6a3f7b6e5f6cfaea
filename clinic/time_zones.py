"""Time zones picked from a short list of readable names, or typed as any IANA name.

Clinics and clients mostly live in a handful of zones; a list of 600 names such as
``America/Argentina/ComodRivadavia`` hides them. The field offers the zone that matters
most (the clinic's own) first, then the short list, in a box the browser searches as one
types ("Pacific", "Berlin"). The box shows the readable name; what is stored is the IANA
name. Any zone ``zoneinfo`` knows stays valid, so a zone outside the list is kept.
"""

import zoneinfo
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

# West to east, then UTC. Names say the city and the region's usual name for its time.
COMMON_ZONES: list[tuple[str, str]] = [
    ("Pacific/Honolulu", _("Honolulu (Hawaii)")),
    ("America/Anchorage", _("Anchorage (Alaska)")),
    ("America/Los_Angeles", _("Los Angeles (Pacific)")),
    ("America/Vancouver", _("Vancouver (Pacific)")),
    ("America/Phoenix", _("Phoenix (Arizona, no daylight saving)")),
    ("America/Denver", _("Denver (Mountain)")),
    ("America/Chicago", _("Chicago (Central)")),
    ("America/Mexico_City", _("Mexico City (Central Mexico)")),
    ("America/New_York", _("New York (Eastern)")),
    ("America/Toronto", _("Toronto (Eastern)")),
    ("America/Bogota", _("Bogotá (Colombia)")),
    ("America/Halifax", _("Halifax (Atlantic)")),
    ("America/Sao_Paulo", _("São Paulo (Brasília)")),
    ("America/Argentina/Buenos_Aires", _("Buenos Aires (Argentina)")),
    ("Europe/London", _("London (UK)")),
    ("Europe/Dublin", _("Dublin (Ireland)")),
    ("Europe/Lisbon", _("Lisbon (Portugal)")),
    ("Africa/Lagos", _("Lagos (West Africa)")),
    ("Europe/Paris", _("Paris (Central European)")),
    ("Europe/Berlin", _("Berlin (Central European)")),
    ("Europe/Madrid", _("Madrid (Central European)")),
    ("Africa/Johannesburg", _("Johannesburg (South Africa)")),
    ("Africa/Cairo", _("Cairo (Egypt)")),
    ("Europe/Athens", _("Athens (Eastern European)")),
    ("Asia/Jerusalem", _("Jerusalem (Israel)")),
    ("Europe/Istanbul", _("Istanbul (Turkey)")),
    ("Africa/Nairobi", _("Nairobi (East Africa)")),
    ("Europe/Moscow", _("Moscow")),
    ("Asia/Dubai", _("Dubai (Gulf)")),
    ("Asia/Kolkata", _("Kolkata (India)")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Shanghai", _("Shanghai (China)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Tokyo", _("Tokyo (Japan)")),
    ("Asia/Seoul", _("Seoul (Korea)")),
    ("Australia/Perth", _("Perth (Western Australia)")),
    ("Australia/Adelaide", _("Adelaide (Central Australia)")),
    ("Australia/Brisbane", _("Brisbane (Queensland, no daylight saving)")),
    ("Australia/Sydney", _("Sydney (Eastern Australia)")),
    ("Pacific/Auckland", _("Auckland (New Zealand)")),
    ("UTC", _("UTC (Coordinated Universal Time)")),
]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _names() -> dict[str, str]:
    return dict(COMMON_ZONES)


@cache
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in _zone_names()}


@cache
def _by_city() -> dict[str, str]:
    """Zones by their last part as words ("new york", "vilnius"), when only one has it."""
    cities: dict[str, set[str]] = {}
    for zone in _zone_names():
        city = zone.rsplit("/", 1)[-1].replace("_", " ").casefold()
        cities.setdefault(city, set()).add(zone)
    listed = set(_names())
    found = {}
    for city, zones in cities.items():
        preferred = zones & listed or zones
        if len(preferred) == 1:
            found[city] = preferred.pop()
    return found


def zone_name(zone: str) -> str:
    """A zone's readable name: its name in the short list, or the IANA name itself."""
    name = _names().get(zone)
    return str(name) if name is not None else zone


def zone_choices(*, first: str | None = None) -> list[tuple[str, str]]:
    """(zone, readable name) pairs: ``first`` (if it is a zone), then the short list."""
    pairs = [(zone, str(name)) for zone, name in COMMON_ZONES]
    if first and first in _zone_names():
        pairs = [(first, zone_name(first))] + [pair for pair in pairs if pair[0] != first]
    return pairs


def zone_from_text(text: str) -> str | None:
    """The zone someone typed: an IANA name in any case, a readable name from the list
    ("Los Angeles (Pacific)"), or a city that names one zone ("Vilnius", "new york")."""
    text = " ".join(text.split())
    if text in _zone_names():
        return text
    by_name = {str(name).casefold(): zone for zone, name in COMMON_ZONES}
    key = text.casefold()
    return _by_lower_name().get(text.lower()) or by_name.get(key) or _by_city().get(key)


class TimeZoneInput(forms.TextInput):
    """A text box showing the zone's readable name, with a ``<datalist>`` of zones: the
    browser offers them and narrows the list as one types a city or a region."""

    def __init__(self, attrs=None, choices=()):
        attrs = {"autocomplete": "off", "spellcheck": "false", "size": 32, **(attrs or {})}
        super().__init__(attrs)
        self.choices = list(choices)

    def format_value(self, value):
        # A stored zone shows by its readable name; what someone typed shows as typed.
        return zone_name(value) if value else super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_zones"
        zones = [zone for zone, _name in self.choices]
        if value and value in _zone_names() and value not in zones:
            zones.insert(0, value)  # a stored zone outside the list
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        items = format_html_join(
            "", '<option value="{}">{}</option>', ((zone_name(z), z) for z in zones)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, items)


class TimeZoneField(forms.CharField):
    """A time zone: ``first`` leads the list (the clinic's own zone), then the short list.

    The box shows readable names; it cleans to an IANA name. A readable name from the
    list, an IANA name in any case, or a city that names one zone is accepted; anything
    else is refused with a message.
    """

    widget = TimeZoneInput
    default_error_messages = {
        "unknown_zone": _(
            "“%(value)s” is not a time zone we know. Pick one from the list, or type a "
            "zone name such as Europe/Vilnius."
        ),
    }

    def __init__(self, *, first: str | None = None, max_length: int = 64, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _(
                "Start typing a city or region and pick from the list; any zone name "
                "(e.g. Europe/Vilnius) also works."
            ),
        )
        super().__init__(max_length=max_length, **kwargs)
        self.first = first

    @property
    def first(self) -> str | None:
        return self._first

    @first.setter
    def first(self, zone: str | None) -> None:
        self._first = zone
        self.widget.choices = zone_choices(first=zone)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return zone_choices(first=self._first)

    def to_python(self, value) -> str:
        text = super().to_python(value)
        return (zone_from_text(text) or text) if text else text

    def validate(self, value) -> None:
        super().validate(value)
        if value and value not in _zone_names():
            raise ValidationError(
                self.error_messages["unknown_zone"], code="unknown_zone", params={"value": value}
            )
