"""Reads for the webhook pages."""

from __future__ import annotations

from django.db.models import QuerySet

from ideas.models import Webhook, WebhookDelivery
from portal.models import Product


def product_webhooks(*, product: Product) -> QuerySet[Webhook]:
    return Webhook.objects.filter(product=product).order_by("created_at", "pk")


def webhook_deliveries(*, webhook: Webhook, limit: int) -> list[WebhookDelivery]:
    """The latest deliveries, newest first, without their payloads (which can be long)."""
    return list(
        WebhookDelivery.objects.filter(webhook=webhook)
        .defer("payload")
        .order_by("-created_at", "-pk")[:limit]
    )
