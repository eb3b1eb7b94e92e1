"""The weekly roadmap review (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def review(request: HttpRequest, product_slug: str) -> HttpResponse:
    raise Http404("Not built yet")
