import datetime as dt
import re

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from clients.models import Alert, Assignment, CheckIn

AWARE_TIME = re.compile(r"T.*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$", re.IGNORECASE)


class InRangeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with its UTC offset that still exists once converted to UTC (year 1
    to 9999). A date alone, or a time without an offset, could mean any of 24 hours."""

    def clean(self, value):
        if isinstance(value, str) and value and not AWARE_TIME.search(value):
            raise forms.ValidationError(
                "Give the date and time with a UTC offset, e.g. 2026-03-01T09:30:00+01:00.",
                code="offset",
            )
        value = super().clean(value)
        if value is not None:
            try:
                value.astimezone(dt.UTC)
            except OverflowError as error:
                raise forms.ValidationError(
                    "This time is out of range.", code="overflow"
                ) from error
        return value


class InRangeIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = InRangeIsoDateTimeField


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with no value is refused, not silently ignored: ``?until=`` is a
    mistake the caller should hear about."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(value == "" for value in values):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class CheckInFilter(StrictFilterSet):
    since = InRangeIsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = InRangeIsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["since", "until"]


class AssignmentFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices)

    class Meta:
        model = Assignment
        fields = ["status"]


class AlertFilter(StrictFilterSet):
    open = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_open",
        label="true: only open alerts; false: only acknowledged ones",
    )

    class Meta:
        model = Alert
        fields = ["open"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=value == "true")
