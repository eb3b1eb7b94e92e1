"""Themes: demand per theme with its trend, and themes suggested from what ideas say.
Only the product's PMs and admins; everyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from kombu.exceptions import OperationalError

from ideas import services, theme_selectors
from ideas.models import Theme
from ideas.theme_tasks import theme_suggestions_request
from portal.access import get_product_and_pm
from portal.models import Product

NAME_MAX = 80


class ThemeNameForm(forms.Form):
    """A new theme's name: not blank, and not the name of one the product has."""

    name = forms.CharField(
        label="Theme name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Give the theme a name.",
            "max_length": f"Keep the name to {NAME_MAX} characters or fewer.",
        },
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product = product

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Give the theme a name.")
        # The slug theme_create will give it: two names with one slug are one theme.
        slug = slugify(name)[:NAME_MAX] or "theme"
        existing = Theme.objects.filter(product=self.product, slug=slug).first()
        if existing is not None:
            raise ValidationError(f"There is already a theme called “{existing.name}”.")
        return name


class AcceptSuggestionForm(ThemeNameForm):
    group = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _themes_page(
    request: HttpRequest, product: Product, form: ThemeNameForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ideas/pm/themes.html",
        {
            "product": product,
            "pm_tab": "themes",
            "rows": theme_selectors.theme_rows(product=product),
            "form": form,
            "trend_weeks": theme_selectors.TREND_WEEKS,
            "chart": {
                "width": theme_selectors.CHART_WIDTH,
                "height": theme_selectors.CHART_HEIGHT,
                "bar": theme_selectors.BAR_WIDTH,
            },
        },
        status=status,
    )


@require_GET
def themes(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    return _themes_page(request, product, ThemeNameForm(product=product))


@require_POST
def theme_new(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    form = ThemeNameForm(request.POST, product=product)
    if not form.is_valid():
        return _themes_page(request, product, form, status=400)
    theme = services.theme_create(product=product, name=form.cleaned_data["name"], by=user)
    messages.success(request, f"Theme “{theme.name}” created. Tag ideas with it from the inbox.")
    return redirect("pm:themes", product.slug)


def _suggestions_page(
    request: HttpRequest,
    product: Product,
    invalid: AcceptSuggestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = theme_selectors.suggestions_page(product=product)
    invalid_key = invalid.data.get("group") if invalid is not None else None
    groups = [
        (
            group,
            invalid
            if group.key == invalid_key
            else AcceptSuggestionForm(
                product=product,
                initial={"name": group.name, "group": group.key},
                auto_id=f"id_{group.key}_%s",
            ),
        )
        for group in page.groups
    ]
    return render(
        request,
        "ideas/pm/theme_suggestions.html",
        {"product": product, "pm_tab": "themes", "page": page, "groups": groups},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def theme_suggestions(request: HttpRequest, product_slug: str) -> HttpResponse:
    """GET: the suggested groups. POST: compute them again in the background."""
    product, _ = get_product_and_pm(request.user, product_slug)
    if request.method == "POST":
        try:
            done = theme_suggestions_request(product_id=product.pk)
        except OperationalError:
            messages.error(request, "Could not start the recompute just now. Try again shortly.")
        else:
            if done:
                messages.success(request, "Suggestions recomputed.")
            else:
                messages.info(
                    request,
                    "Suggestions are being recomputed. A large product takes up to a minute: "
                    "reload this page to see them.",
                )
        return redirect("pm:theme_suggestions", product.slug)
    return _suggestions_page(request, product)


@require_POST
def theme_accept(request: HttpRequest, product_slug: str) -> HttpResponse:
    """One click: create the suggested theme and tag the group's ideas with it."""
    product, user = get_product_and_pm(request.user, product_slug)
    key = request.POST.get("group", "")[:64]
    form = AcceptSuggestionForm(
        request.POST, product=product, auto_id=f"id_{slugify(key) or 'group'}_%s"
    )
    ideas = theme_selectors.suggested_ideas(product=product, key=key)
    if not ideas:
        messages.warning(
            request,
            "That suggestion is no longer current: its ideas were themed or closed, or the "
            "suggestions were recomputed. Here are the current ones.",
        )
        return redirect("pm:theme_suggestions", product.slug)
    if not form.is_valid():
        return _suggestions_page(request, product, invalid=form, status=400)
    with transaction.atomic():
        theme = services.theme_create(product=product, name=form.cleaned_data["name"], by=user)
        tagged = services.ideas_tag(ideas=ideas, theme=theme, by=user)
    messages.success(
        request, f"Theme “{theme.name}” created with {tagged} idea{'s' if tagged != 1 else ''}."
    )
    return redirect("pm:themes", product.slug)
