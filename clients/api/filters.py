import django_filters

from clients.models import Alert, Assignment, CheckIn


class CheckInFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["since", "until"]


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices)

    class Meta:
        model = Assignment
        fields = ["status"]


class AlertFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        field_name="acknowledged_at",
        lookup_expr="isnull",
        label="Only open (true) or only acknowledged (false)",
    )

    class Meta:
        model = Alert
        fields = ["open"]
