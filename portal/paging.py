"""Page numbers from query strings, for pages that list rows a page at a time."""

from __future__ import annotations

from django.http import HttpRequest


def page_number(request: HttpRequest, *, maximum: int) -> int:
    """The ``page`` asked for: a whole number from 1 to ``maximum``; 1 for anything else
    (missing, negative, not a number), so a bad link shows the first page."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= maximum else 1
