from rest_framework.pagination import CursorPagination


class SyncCursorPagination(CursorPagination):
    """Stable pages for sync: oldest change first, so a client can resume where it stopped."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CodeOrderedPagination(CursorPagination):
    ordering = "code"
