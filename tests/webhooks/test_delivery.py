"""Webhook deliveries to a real receiver on loopback: signed, retried with backoff after
failures, disabled with an email to the PMs when a receiver keeps failing, and refused for
internal addresses unless the setting allows them."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from ideas import services
from ideas.models import OutboundEmail, Webhook, WebhookDelivery, WebhookEvent
from portal.models import Product, Role, User
from roadmap import services as roadmap_services
from tests.factories import make_idea, make_product, make_user
from tests.webhooks.receiver import receiver

pytestmark = pytest.mark.django_db

ALL_EVENTS = [e.value for e in services.webhooks.SUBSCRIBABLE]


def allow_loopback() -> override_settings:
    return override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True)


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, email="pat@maker.test")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


def _webhook(product: Product, pm: User, url: str, events: list[str] | None = None) -> Webhook:
    with allow_loopback():
        return services.webhook_create(product=product, by=pm, url=url, events=events or ALL_EVENTS)


def _due_now(delivery: WebhookDelivery) -> None:
    """Skip the backoff wait of a delivery (what the clock would do)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


@allow_loopback()
def test_a_new_idea_is_delivered_after_commit_signed_with_the_webhooks_secret(
    product: Product, pm: User, django_capture_on_commit_callbacks: object
) -> None:
    with receiver(200) as hook:
        webhook = _webhook(product, pm, hook.url, [WebhookEvent.IDEA_CREATED])
        with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
            idea = make_idea(product=product, title="Export to PDF")
        delivery = WebhookDelivery.objects.get(webhook=webhook)
        assert delivery.event == WebhookEvent.IDEA_CREATED
        assert callbacks, "the delivery is queued once the transaction commits"

        assert services.webhook_deliver(delivery_id=delivery.pk) is True

    (request,) = hook.requests
    assert request.path == "/hooks/ideas"
    assert request.headers["X-Portal-Event"] == "idea.created"
    assert request.headers["X-Portal-Delivery"] == str(delivery.pk)
    stamp, _, mac = request.headers["X-Portal-Signature"].partition(",v1=")
    timestamp = stamp.removeprefix("t=")
    expected = hmac.new(
        webhook.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(mac, expected)
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    body = json.loads(request.body)
    assert body["event"] == "idea.created"
    assert body["id"] == delivery.pk
    assert body["product"]["slug"] == product.slug
    assert body["data"]["idea"]["id"] == idea.pk
    assert body["data"]["idea"]["title"] == "Export to PDF"
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert (delivery.attempts, delivery.last_response_code) == (1, 200)
    # Sent once: a second run (a duplicate task) sends nothing.
    assert services.webhook_deliver(delivery_id=delivery.pk) is False


def test_a_signature_made_with_another_secret_does_not_match(product: Product, pm: User) -> None:
    body = b'{"event":"ping"}'
    ours = services.webhooks.signature(secret="a" * 64, timestamp=1700000000, body=body)
    theirs = services.webhooks.signature(secret="b" * 64, timestamp=1700000000, body=body)
    later = services.webhooks.signature(secret="a" * 64, timestamp=1700000001, body=body)
    assert ours.startswith("t=1700000000,v1=")
    assert len({ours, theirs, later}) == 3


@allow_loopback()
def test_a_failed_delivery_is_retried_with_growing_waits_until_it_succeeds(
    product: Product, pm: User
) -> None:
    with receiver(500, 503, 200) as hook:
        webhook = _webhook(product, pm, hook.url)
        make_idea(product=product)
        delivery = WebhookDelivery.objects.get(webhook=webhook, event=WebhookEvent.IDEA_CREATED)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert services.webhook_deliver(delivery_id=delivery.pk) is False
            delivery.refresh_from_db()
            assert delivery.state == WebhookDelivery.State.PENDING
            assert (delivery.attempts, delivery.last_response_code) == (1, 500)
            assert delivery.next_attempt_at == start + timedelta(seconds=30)
            # Not due yet: nothing is sent.
            assert services.webhook_deliver(delivery_id=delivery.pk) is False
            assert len(hook.requests) == 1

        with time_machine.travel(start + timedelta(seconds=31), tick=False):
            assert delivery.pk in services.webhook_deliveries_due()
            assert services.webhook_deliver(delivery_id=delivery.pk) is False
            delivery.refresh_from_db()
            assert (delivery.attempts, delivery.last_response_code) == (2, 503)
            assert delivery.next_attempt_at == start + timedelta(seconds=31 + 60)

        with time_machine.travel(start + timedelta(seconds=92), tick=False):
            assert services.webhook_deliver(delivery_id=delivery.pk) is True

    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert (delivery.attempts, delivery.last_response_code) == (3, 200)
    assert len(hook.requests) == 3
    # The same delivery each time, so a receiver can drop the repeats it already has.
    assert {r.headers["X-Portal-Delivery"] for r in hook.requests} == {str(delivery.pk)}
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0


@allow_loopback()
@override_settings(WEBHOOKS_MAX_ATTEMPTS=2)
def test_a_delivery_gives_up_after_its_last_attempt(product: Product, pm: User) -> None:
    with receiver(500) as hook:
        webhook = _webhook(product, pm, hook.url, [WebhookEvent.IDEA_CREATED])
        make_idea(product=product)
        delivery = WebhookDelivery.objects.get(webhook=webhook)
        services.webhook_deliver(delivery_id=delivery.pk)
        _due_now(delivery)
        services.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 2
    assert services.webhook_deliveries_due() == []


@allow_loopback()
@override_settings(WEBHOOKS_DISABLE_AFTER_FAILURES=3, WEBHOOKS_MAX_ATTEMPTS=10)
def test_a_webhook_that_keeps_failing_is_disabled_and_its_pms_are_emailed(
    product: Product, pm: User
) -> None:
    make_user(role=Role.PM, email="other-product-pm@maker.test")
    customer = make_user()
    with receiver(500) as hook:
        webhook = _webhook(product, pm, hook.url)
        make_idea(product=product, author=customer)
        delivery = WebhookDelivery.objects.get(webhook=webhook, event=WebhookEvent.IDEA_CREATED)
        for _ in range(3):
            _due_now(delivery)
            services.webhook_deliver(delivery_id=delivery.pk)
        sent = len(hook.requests)

        webhook.refresh_from_db()
        assert webhook.is_active is False
        assert "3 failed attempts in a row" in webhook.disabled_reason
        assert "500" in webhook.disabled_reason
        emails = OutboundEmail.objects.filter(reason="webhook_disabled")
        assert [e.to for e in emails] == [pm.email]
        assert hook.url in emails[0].body_text
        assert f"/pm/{product.slug}/webhooks/{webhook.pk}/" in emails[0].body_text

        # Disabled: nothing more is sent, and new events are not written for it.
        _due_now(delivery)
        assert services.webhook_deliver(delivery_id=delivery.pk) is False
        make_idea(product=product)
        assert len(hook.requests) == sent
        assert WebhookDelivery.objects.filter(webhook=webhook).count() == 2  # idea + vote

        # Enabled again: what was pending goes out.
        hook.answers = [200]
        services.webhook_set_active(webhook=webhook, by=pm, active=True)
        assert services.webhook_deliver(delivery_id=delivery.pk) is True


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hook", "a loopback address"),
        ("http://localhost/hook", "a loopback address"),
        ("http://10.1.2.3/hook", "a private address"),
        ("http://192.168.0.10/hook", "a private address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("http://[::1]:8080/hook", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/hook", "a loopback address"),
        ("http://[fe80::1]/hook", "a link-local address"),
        ("http://[fd00::1]/hook", "a private address"),
        ("http://224.0.0.1/hook", "a multicast address"),
        ("http://0.0.0.0/hook", "address"),
    ],
)
@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
def test_internal_addresses_are_refused_when_a_webhook_is_saved(
    product: Product, pm: User, url: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.webhook_create(product=product, by=pm, url=url, events=ALL_EVENTS)
    (message,) = raised.value.message_dict["url"]
    assert reason in message
    assert "webhooks may only call public addresses" in message
    assert not Webhook.objects.exists()


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
def test_other_schemes_and_credentials_in_the_address_are_refused(
    product: Product, pm: User
) -> None:
    for url, text in [
        ("ftp://example.com/x", "https://"),
        ("file:///etc/passwd", "https://"),
        ("https://user:pw@example.com/x", "passwords"),
    ]:
        with pytest.raises(ValidationError) as raised:
            services.webhook_create(product=product, by=pm, url=url, events=ALL_EVENTS)
        assert text in raised.value.message_dict["url"][0]


def test_an_address_that_becomes_internal_is_refused_at_delivery_time(
    product: Product, pm: User
) -> None:
    """DNS rebinding: the name was checked when saved, and is checked again on every
    delivery; here the setting is on at registration and off by delivery time."""
    with receiver(200) as hook:
        webhook = _webhook(product, pm, hook.url)
        make_idea(product=product)
        delivery = WebhookDelivery.objects.filter(webhook=webhook).first()
        assert delivery is not None
        with override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False):
            assert services.webhook_deliver(delivery_id=delivery.pk) is False
    assert hook.requests == []
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is a loopback address")
    assert delivery.last_response_code is None
    assert delivery.attempts == 1


@allow_loopback()
def test_redirects_are_not_followed(product: Product, pm: User) -> None:
    with receiver(200) as target, receiver((302, {"Location": "placeholder"})) as hook:
        hook.answers = [(302, {"Location": target.url})]
        webhook = _webhook(product, pm, hook.url)
        make_idea(product=product)
        delivery = WebhookDelivery.objects.filter(webhook=webhook).first()
        assert delivery is not None
        assert services.webhook_deliver(delivery_id=delivery.pk) is False
    assert target.requests == []
    delivery.refresh_from_db()
    assert delivery.last_response_code == 302
    assert "Redirects are not followed" in delivery.last_error


@allow_loopback()
def test_each_change_writes_the_event_its_webhooks_hear_in_the_same_transaction(
    product: Product, pm: User
) -> None:
    customer = make_user()
    voter = make_user()
    everything = _webhook(product, pm, "http://127.0.0.1:9/all")
    decisions_only = _webhook(product, pm, "http://127.0.0.1:9/decisions", ["idea.declined"])
    idea = make_idea(product=product, author=customer)
    services.vote_cast(idea=idea, user=voter)
    services.vote_withdraw(idea=idea, user=voter)
    services.comment_add(idea=idea, author=voter, body="Same here")
    services.comment_add(idea=idea, author=pm, body="Internal note", is_internal=True)
    services.idea_set_status(idea=idea, status="under_review", by=pm, note="Looking")
    services.idea_decline(idea=idea, by=pm, kind="not_now", reason="Not this quarter.")
    shipped = make_idea(product=product, author=customer)
    item = roadmap_services.item_promote(product=product, ideas=[shipped], by=pm)
    roadmap_services.item_set_status(item=item, status="shipped", by=pm)

    events = list(
        WebhookDelivery.objects.filter(webhook=everything)
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == [
        "vote.changed",  # the author's own vote on submitting
        "idea.created",
        "vote.changed",
        "vote.changed",
        "comment.created",  # the internal note is not sent
        "idea.status_changed",
        "idea.status_changed",
        "idea.declined",
        "vote.changed",
        "idea.created",
        "idea.status_changed",  # planned
        "idea.status_changed",  # shipped
        "roadmap_item.shipped",
    ]
    payloads = WebhookDelivery.objects.filter(webhook=everything).order_by("pk")
    votes = [d.payload["data"]["action"] for d in payloads if d.event == "vote.changed"]
    assert votes == ["cast", "cast", "withdrawn", "cast"]
    decline = payloads.get(event="idea.declined").payload["data"]
    assert decline["decision"]["reason"] == "Not this quarter."
    ship = payloads.get(event="roadmap_item.shipped").payload["data"]
    assert [i["id"] for i in ship["ideas"]] == [shipped.pk]
    assert ship["ideas"][0]["status"] == "shipped"
    assert list(
        WebhookDelivery.objects.filter(webhook=decisions_only).values_list("event", flat=True)
    ) == ["idea.declined"]


@allow_loopback()
def test_a_change_rolled_back_leaves_no_delivery(product: Product, pm: User) -> None:
    from django.db import transaction

    _webhook(product, pm, "http://127.0.0.1:9/all")
    idea = make_idea(product=product)
    before = WebhookDelivery.objects.count()

    def change_then_fail() -> None:
        with transaction.atomic():
            services.idea_set_status(idea=idea, status="planned", by=pm)
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert WebhookDelivery.objects.count() == before
