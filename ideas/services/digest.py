"""The weekly digest of what changed for a sales user's accounts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ideas.models import (
    OutboundEmail,
)
from ideas.selectors import sales_digest_items
from ideas.services.outbox import email_enqueue
from portal.models import User

logger = logging.getLogger(__name__)


# --- Sales digest -----------------------------------------------------------------------

DIGEST_UNSUBSCRIBE_SALT = "ideas.sales-digest-unsubscribe"


def sales_digest_unsubscribe_token(user: User) -> str:
    return signing.dumps({"user": user.pk}, salt=DIGEST_UNSUBSCRIBE_SALT)


def sales_digest_unsubscribe(*, token: str) -> User:
    """Turn off the weekly digest for the user the signed token names (idempotent)."""
    data = signing.loads(token, salt=DIGEST_UNSUBSCRIBE_SALT)
    user = User.objects.get(pk=data["user"])
    if user.sales_digest:
        user.sales_digest = False
        user.save(update_fields=["sales_digest"])
    return user


def sales_digest_send(*, user: User, now: datetime | None = None) -> OutboundEmail | None:
    """Email a sales user what changed in the last week for their accounts' ideas.
    Nothing is sent when nothing changed; at most one digest per user per ISO week."""
    now = now or timezone.now()
    if not user.sales_digest or not user.is_active:
        return None
    items = sales_digest_items(user=user, since=now - timedelta(days=7))
    if not items:
        return None
    year, week, _ = now.isocalendar()
    with transaction.atomic():
        return email_enqueue(
            to=user.email,
            template="sales_digest",
            context={
                "recipient": user,
                "items": items,
                "unsubscribe_path": reverse(
                    "sales:digest_unsubscribe", args=[sales_digest_unsubscribe_token(user)]
                ),
            },
            reason="sales_digest",
            dedupe_key=f"sales-digest:{user.pk}:{year}-W{week:02d}",
        )


def sales_digests_send_all(*, now: datetime | None = None) -> int:
    sent = 0
    for user in User.objects.filter(
        is_active=True, sales_digest=True, owned_accounts__isnull=False
    ).distinct():
        sent += sales_digest_send(user=user, now=now) is not None
    return sent
