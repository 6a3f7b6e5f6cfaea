import re

from django.core.exceptions import ValidationError
from django.db import DataError
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class SafeCursorPagination(CursorPagination):
    """Cursor pages whose parameters are checked like any other input.

    A cursor is opaque to clients; one that was edited points to no page: 404 naming
    ``cursor``, never a 500. ``page_size`` must be a whole number from 1 to 200 (else 400).
    """

    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = "No page has this cursor; start again from the first page."

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if len(values) > 1 or not re.fullmatch(r"[0-9]{1,4}", value):
            raise _invalid(self.page_size_query_param, self._page_size_message)
        if not 1 <= int(value) <= self.max_page_size:
            raise _invalid(self.page_size_query_param, self._page_size_message)
        return int(value)

    @property
    def _page_size_message(self) -> str:
        return f"A whole number from 1 to {self.max_page_size}."

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (
            NotFound,
            ValueError,
            TypeError,
            OverflowError,
            ValidationError,
            DataError,
        ) as error:
            raise NotFound({self.cursor_query_param: [self.invalid_cursor_message]}) from error

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]}, code="invalid")


class NewestFirstCursorPagination(SafeCursorPagination):
    """Stable pages while new rows arrive: a cursor, not a page number."""

    ordering = "-id"
