"""Webhooks of a product, under /pm/<product>/webhooks/: add, edit, disable, test, and the
log of deliveries with the receiver's answers. Only the product's PMs and admins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ideas import services
from ideas import webhook_selectors as selectors
from ideas.access import get_webhook_for_pm
from ideas.models import Webhook
from ideas.services.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER
from ideas.webhook_forms import WebhookForm
from portal.access import get_product_and_pm
from portal.models import User

LOG_LIMIT = 50


@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The product's webhooks, and the form to add one."""
    product, user = get_product_and_pm(request.user, product_slug)
    form = WebhookForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                webhook = services.webhook_create(
                    product=product,
                    by=user,
                    url=data["url"],
                    events=data["events"],
                    description=data["description"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, "Webhook added. Copy its secret below to check the signatures."
                )
                return redirect("pm:webhook", product_slug=product.slug, webhook_id=webhook.pk)
        status = 400
    return render(
        request,
        "ideas/pm/webhooks.html",
        {
            "product": product,
            "pm_tab": "webhooks",
            "webhooks": selectors.product_webhooks(product=product),
            "form": form,
        },
        status=status,
    )


def _webhook_page(
    request: HttpRequest, webhook: Webhook, form: WebhookForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ideas/pm/webhook.html",
        {
            "product": webhook.product,
            "pm_tab": "webhooks",
            "webhook": webhook,
            "form": form,
            "deliveries": selectors.webhook_deliveries(webhook=webhook, limit=LOG_LIMIT),
            "log_limit": LOG_LIMIT,
            "headers": {
                "signature": SIGNATURE_HEADER,
                "event": EVENT_HEADER,
                "delivery": DELIVERY_HEADER,
            },
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, product_slug: str, webhook_id: int) -> HttpResponse:
    webhook = get_webhook_for_pm(request.user, product_slug, webhook_id)
    assert isinstance(request.user, User)
    if request.method == "GET":
        form = WebhookForm(
            initial={
                "url": webhook.url,
                "description": webhook.description,
                "events": webhook.events,
            }
        )
        return _webhook_page(request, webhook, form)
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.webhook_update(
                webhook=webhook,
                by=request.user,
                url=data["url"],
                events=data["events"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("pm:webhook", product_slug=product_slug, webhook_id=webhook.pk)
    webhook.refresh_from_db()
    return _webhook_page(request, webhook, form, status=400)


@require_POST
def webhook_active(request: HttpRequest, product_slug: str, webhook_id: int) -> HttpResponse:
    """Disable (active=0) or enable (active=1) a webhook."""
    webhook = get_webhook_for_pm(request.user, product_slug, webhook_id)
    assert isinstance(request.user, User)
    active = request.POST.get("active") == "1"
    services.webhook_set_active(webhook=webhook, by=request.user, active=active)
    messages.success(
        request,
        "Webhook enabled: what was still pending is on its way."
        if active
        else "Webhook disabled: nothing more is sent to it until you enable it.",
    )
    return redirect("pm:webhook", product_slug=product_slug, webhook_id=webhook.pk)


@require_POST
def webhook_test(request: HttpRequest, product_slug: str, webhook_id: int) -> HttpResponse:
    webhook = get_webhook_for_pm(request.user, product_slug, webhook_id)
    assert isinstance(request.user, User)
    try:
        services.webhook_send_test(webhook=webhook, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Test event sent. Reload in a moment to see the receiver's answer below."
        )
    return redirect("pm:webhook", product_slug=product_slug, webhook_id=webhook.pk)


@require_POST
def webhook_secret(request: HttpRequest, product_slug: str, webhook_id: int) -> HttpResponse:
    webhook = get_webhook_for_pm(request.user, product_slug, webhook_id)
    assert isinstance(request.user, User)
    services.webhook_rotate_secret(webhook=webhook, by=request.user)
    messages.success(request, "New secret made: update the receiver, the old one no longer signs.")
    return redirect("pm:webhook", product_slug=product_slug, webhook_id=webhook.pk)
