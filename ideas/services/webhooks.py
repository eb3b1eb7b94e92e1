"""Webhooks: events written in the change's transaction (an outbox), sent after commit,
signed, retried with backoff, and refused for addresses inside the network (SSRF).

The signature and the payloads are documented in docs/webhooks.md.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ideas.models import (
    Comment,
    Decision,
    Idea,
    StatusChange,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from ideas.services.outbox import email_enqueue
from portal import cache
from portal.access import is_product_pm
from portal.models import Product, Role, User

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Portal-Signature"
EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"
USER_AGENT = "IdeasPortal-Webhooks/1"
# Events a PM may subscribe to (the test event is sent on request only).
SUBSCRIBABLE = [e for e in WebhookEvent if e != WebhookEvent.PING]


# --- Addresses (SSRF) ------------------------------------------------------------------


class WebhookAddressError(ValueError):
    """The URL may not be called: a bad scheme, an unknown host, or an address inside
    the network. The message is written for the PM who typed the URL."""


def _refusal(address: str) -> str:
    """Why this address may not be called, or '' when it is a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            reason = _refusal(str(embedded))
            if reason:
                return reason
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return ""


def resolve_webhook_url(url: str) -> list[str]:
    """The addresses to connect to for ``url``, after checking each one.

    Raises ``WebhookAddressError`` for a URL that is not http(s), names no host, cannot be
    resolved, or resolves to any private, loopback, link-local, multicast or reserved
    address (unless ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``). Called when a webhook is saved
    and again before every delivery, so a name that later resolves elsewhere (DNS
    rebinding) is refused too; the delivery then connects to the address checked here."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise WebhookAddressError("Use an address starting with https:// (or http://).")
    if parts.username or parts.password:
        raise WebhookAddressError("Leave user names and passwords out of the address.")
    host = parts.hostname
    if not host:
        raise WebhookAddressError("The address names no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookAddressError(
            "The port in the address is not a number from 1 to 65535."
        ) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookAddressError(f"The host {host} cannot be found.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise WebhookAddressError(f"The host {host} cannot be found.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            reason = _refusal(address)
            if reason:
                shown = (
                    address
                    if host.strip("[]") == address
                    else f"{host} resolves to {address}, which"
                )
                raise WebhookAddressError(
                    f"{shown} is {reason}; webhooks may only call public addresses."
                )
    return addresses


# --- Registering webhooks --------------------------------------------------------------


def _require_pm(user: User, product: Product) -> None:
    if not is_product_pm(user, product):
        raise PermissionDenied("Only the product's PMs and admins manage its webhooks.")


def _clean(url: str, events: Iterable[str]) -> tuple[str, list[str]]:
    chosen = [e for e in SUBSCRIBABLE if e in set(events)]
    if not chosen:
        raise ValidationError({"events": "Choose at least one event."})
    try:
        resolve_webhook_url(url)
    except WebhookAddressError as error:
        raise ValidationError({"url": str(error)}) from None
    return url.strip(), [str(e) for e in chosen]


def webhook_create(
    *, product: Product, by: User, url: str, events: Iterable[str], description: str = ""
) -> Webhook:
    _require_pm(by, product)
    url, chosen = _clean(url, events)
    webhook = Webhook.objects.create(
        product=product,
        url=url,
        events=chosen,
        description=description.strip()[:120],
        secret=secrets.token_hex(32),
        created_by=by,
    )
    return webhook


def webhook_update(
    *, webhook: Webhook, by: User, url: str, events: Iterable[str], description: str = ""
) -> Webhook:
    _require_pm(by, webhook.product)
    webhook.url, webhook.events = _clean(url, events)
    webhook.description = description.strip()[:120]
    webhook.save(update_fields=["url", "events", "description", "updated_at"])
    return webhook


def webhook_set_active(*, webhook: Webhook, by: User, active: bool) -> Webhook:
    """Disable a webhook by hand, or enable it again: its failures count from zero and
    what was still pending is sent."""
    _require_pm(by, webhook.product)
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
        if webhook.is_active == active:
            return webhook
        webhook.is_active = active
        webhook.consecutive_failures = 0
        if active:
            webhook.disabled_reason, webhook.disabled_at = "", None
            now = timezone.now()
            WebhookDelivery.objects.filter(
                webhook=webhook, state=WebhookDelivery.State.PENDING
            ).update(next_attempt_at=now)
        else:
            webhook.disabled_reason = f"Disabled by {by.display_name}."
            webhook.disabled_at = timezone.now()
        webhook.save()
        if active:
            for delivery_id in WebhookDelivery.objects.filter(
                webhook=webhook, state=WebhookDelivery.State.PENDING
            ).values_list("pk", flat=True)[:500]:
                _schedule_on_commit(delivery_id)
    return webhook


def webhook_rotate_secret(*, webhook: Webhook, by: User) -> Webhook:
    _require_pm(by, webhook.product)
    webhook.secret = secrets.token_hex(32)
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook


def webhook_send_test(*, webhook: Webhook, by: User) -> WebhookDelivery:
    """A test event to this webhook alone, delivered like any other."""
    _require_pm(by, webhook.product)
    if not webhook.is_active:
        raise ValidationError("Enable the webhook before sending it a test event.")
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            event=WebhookEvent.PING,
            payload=_envelope(
                webhook.product,
                WebhookEvent.PING,
                {"message": f"A test event sent by {by.display_name}."},
            ),
        )
        _schedule_on_commit(delivery.pk)
    return delivery


# --- Emitting events -------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _envelope(product: Product, event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": str(event),
        "created_at": timezone.now().isoformat(),
        "product": {"slug": product.slug, "name": product.name},
        "data": data,
    }


def idea_data(idea: Idea, product: Product) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "status": idea.status,
        "url": _absolute(reverse("ideas:detail", args=[product.slug, idea.pk])),
        "created_at": idea.created_at.isoformat(),
    }


LISTENERS_CACHE_SECONDS = 300


def _listeners_key(product_id: int) -> str:
    return f"ideas:webhooks:{product_id}"


def _listeners(product_id: int) -> list[tuple[int, list[str]]]:
    """The product's active webhooks and their events, from the cache: every vote,
    comment and status change asks, and webhooks change rarely (each change forgets)."""
    key = _listeners_key(product_id)
    listeners: list[tuple[int, list[str]]] | None = cache.get(key)
    if listeners is None:
        listeners = [
            (pk, list(events))
            for pk, events in Webhook.objects.filter(
                product_id=product_id, is_active=True
            ).values_list("pk", "events")
        ]
        cache.set_many({key: listeners}, LISTENERS_CACHE_SECONDS)
    return listeners


def webhook_listeners_forget(product_id: int) -> None:
    """After a webhook changed: now, and again once the change commits (a request that
    read the old rows in between must not keep them). Saves and deletes call it through
    ideas.receivers; a queryset ``update`` must call it itself."""
    key = _listeners_key(product_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key), robust=True)


def webhooks_emit(
    *,
    product: Product,
    event: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    dedupe_key: str,
) -> list[WebhookDelivery]:
    """Write a delivery for every active webhook of the product that hears ``event``.
    Call inside the change's transaction: the rows commit or roll back with it, and each
    is sent by a task after the commit. No query when no webhook listens, and ``data``,
    when a function, is only built for a webhook that does (every vote emits)."""
    hooks = [pk for pk, events in _listeners(product.pk) if event in events]
    if not hooks:
        return []
    payload = _envelope(product, event, data() if callable(data) else data)
    created = []
    for hook in hooks:
        delivery, was_created = WebhookDelivery.objects.get_or_create(
            webhook_id=hook,
            dedupe_key=dedupe_key,
            defaults={"event": event, "payload": payload},
        )
        if was_created:
            created.append(delivery)
            _schedule_on_commit(delivery.pk)
    return created


def emit_idea_created(idea: Idea) -> None:
    product = idea.product
    webhooks_emit(
        product=product,
        event=WebhookEvent.IDEA_CREATED,
        data={
            "idea": {**idea_data(idea, product), "problem": idea.problem},
            "author": {"name": idea.author.display_name} if idea.author else None,
        },
        dedupe_key=f"idea:{idea.pk}:created",
    )


def emit_status_changed(change: StatusChange) -> None:
    idea = change.idea
    webhooks_emit(
        product=idea.product,
        event=WebhookEvent.STATUS_CHANGED,
        data={
            "idea": idea_data(idea, idea.product),
            "from": change.from_status,
            "to": change.to_status,
            "note": change.note,
            "by": change.by.display_name if change.by else None,
        },
        dedupe_key=f"status:{change.pk}",
    )


def emit_decision(decision: Decision) -> None:
    idea = decision.idea
    webhooks_emit(
        product=idea.product,
        event=WebhookEvent.DECISION,
        data={
            "idea": idea_data(idea, idea.product),
            "decision": {
                "kind": decision.kind,
                "reason": decision.reason,
                "workaround": decision.workaround,
                "workaround_url": decision.workaround_url,
                "revisit_on": decision.revisit_on.isoformat() if decision.revisit_on else None,
            },
        },
        dedupe_key=f"decision:{decision.pk}",
    )


def emit_vote(*, idea: Idea, vote_id: int, user: User, action: str) -> None:
    product = idea.product
    webhooks_emit(
        product=product,
        event=WebhookEvent.VOTE,
        data=lambda: {
            "idea": idea_data(idea, product),
            "action": action,
            "voter": {"name": user.display_name},
        },
        dedupe_key=f"vote:{vote_id}:{action}",
    )


def emit_comment(comment: Comment) -> None:
    """Public comments only: internal notes never leave the portal."""
    if comment.is_internal:
        return
    idea = comment.idea
    webhooks_emit(
        product=idea.product,
        event=WebhookEvent.COMMENT,
        data={
            "idea": idea_data(idea, idea.product),
            "comment": {
                "id": comment.pk,
                "body": comment.body,
                "author": comment.author.display_name if comment.author else None,
                "created_at": comment.created_at.isoformat(),
            },
        },
        dedupe_key=f"comment:{comment.pk}",
    )


def emit_item_shipped(
    *, product: Product, item_id: int, title: str, shipped_at: datetime, ideas: list[Idea]
) -> None:
    """Called by the roadmap when an item ships (the roadmap imports ideas, not back)."""
    webhooks_emit(
        product=product,
        event=WebhookEvent.ITEM_SHIPPED,
        data={
            "item": {"id": item_id, "title": title, "shipped_at": shipped_at.isoformat()},
            "ideas": [idea_data(idea, product) for idea in ideas],
        },
        dedupe_key=f"item:{item_id}:shipped:{shipped_at.isoformat()}",
    )


# --- Delivering ------------------------------------------------------------------------


def _schedule_on_commit(delivery_id: int) -> None:
    transaction.on_commit(lambda: _schedule(delivery_id), robust=True)


def _schedule(delivery_id: int) -> None:
    from ideas.tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id)
    except Exception:  # Redis away: the sweep sends it later.
        logger.warning("Could not queue webhook delivery %s; the sweep will send it", delivery_id)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The value of the X-Portal-Signature header: ``t=<unix time>,v1=<hex HMAC-SHA256
    of "<unix time>." followed by the body, keyed with the webhook's secret>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base..."""
    return timedelta(seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


@dataclass(frozen=True)
class _Outcome:
    code: int | None
    excerpt: str
    error: str

    @property
    def ok(self) -> bool:
        return not self.error and self.code is not None and 200 <= self.code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address checked beforehand, not to whatever the name resolves
    to by the time of the connection (DNS rebinding)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
    try:
        addresses = resolve_webhook_url(url)
    except WebhookAddressError as error:
        return _Outcome(None, "", f"Refused: {error}")
    parts = urlsplit(url.strip())
    https = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(
        host, port, address=addresses[0], timeout=settings.WEBHOOKS_TIMEOUT
    )
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(500).decode("utf-8", "replace")
        code = response.status
    except (OSError, http.client.HTTPException) as exc:
        return _Outcome(None, "", f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
    if 300 <= code < 400:
        location = response.getheader("Location", "")[:200]
        return _Outcome(code, excerpt, f"Redirects are not followed (to {location}).")
    if not 200 <= code < 300:
        return _Outcome(code, excerpt, f"The receiver answered {code}.")
    return _Outcome(code, excerpt, "")


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one due delivery. Returns True when the receiver accepted it (2xx).

    The delivery is claimed first (its next attempt pushed past the time a send may
    take), so two workers never send it at once, and the HTTP request runs outside any
    transaction. A worker dying mid-send leaves the claim to expire and the sweep to send
    again: receivers see each delivery at least once, and dedupe by X-Portal-Delivery."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOKS_TIMEOUT * 3 + 30)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
        webhook__is_active=True,
    ).update(next_attempt_at=lease, last_attempt_at=now)
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("webhook", "webhook__product").get(
        pk=delivery_id
    )
    webhook = delivery.webhook
    body = json.dumps(
        {"id": delivery.pk, **delivery.payload}, separators=(",", ":"), sort_keys=True
    ).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: signature(secret=webhook.secret, timestamp=timestamp, body=body),
    }
    outcome = _post(webhook.url, body, headers)
    _record(delivery, outcome)
    return outcome.ok


def _record(delivery: WebhookDelivery, outcome: _Outcome) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_response_code": outcome.code,
        "last_response_excerpt": outcome.excerpt[:500],
        "last_error": outcome.error[:500],
    }
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
        if outcome.ok:
            fields.update(state=WebhookDelivery.State.SUCCEEDED, delivered_at=now)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
            if webhook.consecutive_failures:
                Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=0)
            return
        if attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            fields["state"] = WebhookDelivery.State.FAILED
        else:
            fields["next_attempt_at"] = now + retry_delay(attempts)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        Webhook.objects.filter(pk=webhook.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        webhook.refresh_from_db(fields=["consecutive_failures", "is_active"])
        if webhook.is_active and (
            webhook.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
        ):
            _disable_after_failures(webhook, outcome, now)


def _disable_after_failures(webhook: Webhook, outcome: _Outcome, now: datetime) -> None:
    """Stop calling a receiver that keeps failing, and tell the product's PMs. What is
    still pending stays pending, and is sent if a PM enables the webhook again."""
    reason = (
        f"Disabled after {webhook.consecutive_failures} failed attempts in a row; "
        f"the last: {outcome.error or outcome.code}"
    )[:300]
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=False, disabled_reason=reason, disabled_at=now
    )
    webhook.is_active, webhook.disabled_reason, webhook.disabled_at = False, reason, now
    webhook_listeners_forget(webhook.product_id)
    product = webhook.product
    pms = User.objects.filter(
        products=product, role__in=[Role.PM, Role.ADMIN], is_active=True
    ).order_by("pk")
    for pm in pms:
        email_enqueue(
            to=pm.email,
            template="webhook_disabled",
            context={
                "product": product,
                "webhook": webhook,
                "recipient": pm,
                "webhook_path": reverse("pm:webhook", args=[product.slug, webhook.pk]),
            },
            reason="webhook_disabled",
            dedupe_key=f"webhook-disabled:{webhook.pk}:{now.isoformat()}:{pm.pk}",
        )


def webhook_deliveries_due(*, limit: int = 500) -> list[int]:
    """Deliveries whose time has come: new ones whose task was lost, and retries."""
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING,
            next_attempt_at__lte=timezone.now(),
            webhook__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
