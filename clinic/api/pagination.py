from django.core.exceptions import ValidationError
from django.db import DataError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class SafeCursorPagination(CursorPagination):
    """A cursor is opaque to clients; one that was edited is "invalid", never a 500."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, ValidationError, DataError) as error:
            raise NotFound(self.invalid_cursor_message) from error


class NewestFirstCursorPagination(SafeCursorPagination):
    """Stable pages while new rows arrive: a cursor, not a page number."""

    ordering = "-id"
