"""The weekly roadmap review: the agenda since the last review held, recording the review
as held, and past reviews read as they were. Only the product's PMs and admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.access import get_product_and_pm
from portal.models import Product
from roadmap.digest import agenda_shown
from roadmap.models import Review
from roadmap.selectors import review_agenda, review_since
from roadmap.services import review_hold

# A review page lists at most this many past reviews (a year and more of weekly ones).
PAST_LIMIT = 100


class ReviewHoldForm(forms.Form):
    """What a PM records when the review has been held. It lives here rather than in a
    forms module because the review is its only user."""

    attendees = forms.CharField(
        label="Attendees",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who took part, e.g. “Priya (PM), Sam (sales), Lee (engineering)”.",
        error_messages={"required": "Say who took part in the review."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was decided and who follows up. Markdown is supported.",
        error_messages={"max_length": "Keep the notes to 20,000 characters or fewer."},
    )


def _current(
    request: HttpRequest, product: Product, form: ReviewHoldForm, status: int = 200
) -> HttpResponse:
    since = review_since(product=product)
    agenda = review_agenda(product=product, since=since)
    context: dict[str, Any] = {
        "product": product,
        "pm_tab": "review",
        "agenda": agenda_shown(agenda.as_json()),
        "last_review": Review.objects.filter(product=product).select_related("held_by").first(),
        "form": form,
    }
    return render(request, "roadmap/review.html", context, status=status)


@require_GET
def review(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The agenda since the last review held (or the last week), and the form to record
    this one as held."""
    product, user = get_product_and_pm(request.user, product_slug)
    return _current(request, product, ReviewHoldForm(initial={"attendees": user.display_name}))


@require_POST
def hold(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    form = ReviewHoldForm(request.POST)
    if not form.is_valid():
        return _current(request, product, form, status=400)
    held = review_hold(
        product=product,
        by=user,
        notes=form.cleaned_data["notes"],
        attendees=form.cleaned_data["attendees"],
    )
    messages.success(
        request, "Review recorded with its agenda as it was. The next agenda starts from now."
    )
    return redirect("review:detail", product_slug=product.slug, review_id=held.pk)


@require_GET
def past(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    reviews = list(
        Review.objects.filter(product=product).select_related("held_by")[: PAST_LIMIT + 1]
    )
    rows = [(r, agenda_shown(r.agenda)) for r in reviews[:PAST_LIMIT]]
    return render(
        request,
        "roadmap/review_past.html",
        {
            "product": product,
            "pm_tab": "review",
            "rows": rows,
            "more": len(reviews) > PAST_LIMIT,
            "limit": PAST_LIMIT,
        },
    )


@require_GET
def detail(request: HttpRequest, product_slug: str, review_id: int) -> HttpResponse:
    """A held review, from the agenda stored when it was held: it reads the same however
    much has changed since."""
    product, _ = get_product_and_pm(request.user, product_slug)
    held = get_object_or_404(
        Review.objects.select_related("held_by"), product=product, pk=review_id
    )
    return render(
        request,
        "roadmap/review_held.html",
        {
            "product": product,
            "pm_tab": "review",
            "review": held,
            "agenda": agenda_shown(held.agenda),
        },
    )
