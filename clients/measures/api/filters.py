import django_filters

from clients.api.filters import StrictFilterSet

from ..instruments import CHOICES
from ..models import MeasureResponse


class ResponseFilter(StrictFilterSet):
    instrument = django_filters.ChoiceFilter(choices=CHOICES)

    class Meta:
        model = MeasureResponse
        fields = ["instrument"]
