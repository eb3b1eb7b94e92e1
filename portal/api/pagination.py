"""Cursor pagination: a page costs the same however deep it is, and rows added meanwhile
neither repeat nor go missing."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering: str | tuple[str, ...] = "-id"
