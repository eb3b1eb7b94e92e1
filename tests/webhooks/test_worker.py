"""Webhooks on the real stack: the delivery written with the change is picked up by the
Celery worker after commit, which checks the address again before sending."""

from __future__ import annotations

import subprocess
import time

import pytest
from django.test import override_settings

from ideas import services
from ideas.models import WebhookDelivery, WebhookEvent
from portal.models import Role
from tests.factories import make_idea, make_product, make_user
from tests.webhooks.receiver import receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_the_worker_delivers_after_commit_and_refuses_a_loopback_receiver(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    """The worker runs with the setting off (the default), so the loopback receiver the
    test registered with the setting on is refused at delivery time and never called."""
    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    with receiver(200) as hook:
        with override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True):
            services.webhook_create(
                product=product, by=pm, url=hook.url, events=[WebhookEvent.IDEA_CREATED]
            )
        make_idea(product=product)
        delivery = WebhookDelivery.objects.get(event=WebhookEvent.IDEA_CREATED)
        deadline = time.monotonic() + 20
        while delivery.attempts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
            delivery.refresh_from_db()
        assert delivery.attempts == 1
        assert delivery.last_error.startswith("Refused: 127.0.0.1 is a loopback address")
        assert delivery.state == WebhookDelivery.State.PENDING  # retried later, with backoff
        assert hook.requests == []
