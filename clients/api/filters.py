import datetime as dt

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from clients.models import Alert, Assignment, CheckIn


class InRangeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time that still exists once converted to UTC (year 1 to 9999)."""

    def clean(self, value):
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


class CheckInFilter(django_filters.FilterSet):
    since = InRangeIsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = InRangeIsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["since", "until"]


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices)

    class Meta:
        model = Assignment
        fields = ["status"]


class AlertFilter(django_filters.FilterSet):
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
