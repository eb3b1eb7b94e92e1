"""The webhook pages of the PM area: add, edit, disable, test, and the delivery log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import Webhook, WebhookDelivery, WebhookEvent
from portal.models import Product, Role, User
from tests.factories import make_idea, make_product, make_user
from tests.webhooks.receiver import receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM)


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
def test_an_internal_address_gets_a_message_beside_the_field_and_keeps_what_was_typed(
    pm_client: Client, product: Product
) -> None:
    response = pm_client.post(
        f"/pm/{product.slug}/webhooks/",
        {"url": "http://169.254.169.254/latest", "description": "Ops", "events": ["idea.created"]},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "169.254.169.254 is a link-local address; webhooks may only call public addresses."
        in content
    )
    assert 'value="http://169.254.169.254/latest"' in content
    assert 'value="Ops"' in content
    assert not Webhook.objects.exists()


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True)
def test_add_test_and_disable_a_webhook_from_the_pages(pm_client: Client, product: Product) -> None:
    with receiver(200) as hook:
        response = pm_client.post(
            f"/pm/{product.slug}/webhooks/",
            {"url": hook.url, "description": "Slack", "events": ["idea.created", "vote.changed"]},
        )
        webhook = Webhook.objects.get(product=product)
        assert response.status_code == 302
        assert response["Location"] == f"/pm/{product.slug}/webhooks/{webhook.pk}/"
        assert webhook.events == ["idea.created", "vote.changed"]

        pm_client.post(f"/pm/{product.slug}/webhooks/{webhook.pk}/test/")
        ping = WebhookDelivery.objects.get(webhook=webhook, event=WebhookEvent.PING)
        services.webhook_deliver(delivery_id=ping.pk)
        assert hook.requests[0].headers["X-Portal-Event"] == "ping"

        page = pm_client.get(f"/pm/{product.slug}/webhooks/{webhook.pk}/").content.decode()
        assert webhook.secret in page
        assert "<code>ping</code>" in page
        assert ">200<" in page

        pm_client.post(f"/pm/{product.slug}/webhooks/{webhook.pk}/active/", {"active": "0"})
        webhook.refresh_from_db()
        assert webhook.is_active is False
        make_idea(product=product)
        assert WebhookDelivery.objects.filter(webhook=webhook).count() == 1


def test_webhook_pages_are_404_to_everyone_but_the_products_pms(
    client: Client, product: Product, pm: User
) -> None:
    webhook = Webhook.objects.create(
        product=product, url="https://example.com/h", secret="s", events=["ping"]
    )
    base = f"/pm/{product.slug}/webhooks"
    pages = [f"{base}/", f"{base}/{webhook.pk}/"]
    actions = [f"{base}/{webhook.pk}/{a}/" for a in ("active", "test", "secret")]
    for visitor in [None, make_user(), make_user(role=Role.SALES), make_user(role=Role.PM)]:
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for url in pages:
            assert client.get(url).status_code == 404
        for url in actions:
            assert client.post(url, {"active": "0"}).status_code == 404
    other = make_product(team=[pm])
    client.force_login(pm)
    assert client.get(f"/pm/{other.slug}/webhooks/{webhook.pk}/").status_code == 404
    webhook.refresh_from_db()
    assert webhook.is_active
    assert webhook.secret == "s"


def test_the_delivery_log_costs_the_same_queries_with_more_deliveries(
    pm_client: Client, product: Product
) -> None:
    """Guards against a query per delivery row in the log (the webhook, the payload)."""
    webhook = Webhook.objects.create(
        product=product, url="https://example.com/h", secret="s", events=["ping"]
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert pm_client.get(f"/pm/{product.slug}/webhooks/{webhook.pk}/").status_code == 200
            assert pm_client.get(f"/pm/{product.slug}/webhooks/").status_code == 200
        return len(ctx.captured_queries)

    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook=webhook, event="ping", payload={}, last_response_code=500)
            for _ in range(2)
        ]
    )
    small = count()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook=webhook, event="ping", payload={}, last_response_code=200)
            for _ in range(30)
        ]
    )
    assert count() == small
