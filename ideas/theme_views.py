"""Themes pages (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def themes(request: HttpRequest, product_slug: str) -> HttpResponse:
    raise Http404("Not built yet")


def theme_new(request: HttpRequest, product_slug: str) -> HttpResponse:
    raise Http404("Not built yet")


def theme_suggestions(request: HttpRequest, product_slug: str) -> HttpResponse:
    raise Http404("Not built yet")


def theme_accept(request: HttpRequest, product_slug: str) -> HttpResponse:
    raise Http404("Not built yet")
