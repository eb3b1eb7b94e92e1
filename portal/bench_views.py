"""The load benchmark's reference page (``bench/load``), routed only when
``PORTAL_BENCH_REFERENCE=1`` is set at start-up.

It is the practical ceiling of this stack: the same middleware, the same ``base.html`` and
one query by a unique index, nothing else. ``bench/load`` reports every real page's
throughput as a share of this one, so a slow page shows as the work it adds on top of
Django itself rather than as a number that depends on the machine.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.models import Product


@require_GET
def reference(request: HttpRequest, product_slug: str) -> HttpResponse:
    product = Product.objects.filter(slug=product_slug).first()
    if product is None:
        raise Http404("No such product")
    return render(request, "base.html", {"product": product})
