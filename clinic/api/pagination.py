from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Stable pages while new rows arrive: a cursor, not a page number."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
