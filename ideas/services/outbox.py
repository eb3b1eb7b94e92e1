"""The email outbox: written in the change's transaction, sent after commit."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from ideas.models import (
    OutboundEmail,
)

logger = logging.getLogger(__name__)


# --- Outbox ----------------------------------------------------------------------------


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    reason: str,
    dedupe_key: str = "",
) -> OutboundEmail:
    """Write an email to the outbox; it is sent by a task once the transaction commits.

    ``template`` names ``templates/emails/<template>-subject.txt``, ``-body.txt`` and
    ``-body.html``. With a ``dedupe_key``, an email already written under that key is
    returned instead of writing a second one.
    """
    if dedupe_key:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    body_text = render_to_string(f"emails/{template}-body.txt", context)
    body_html = render_to_string(f"emails/{template}-body.html", context)
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        reason=reason,
        dedupe_key=dedupe_key,
    )
    transaction.on_commit(lambda: _schedule_delivery(email.pk), robust=True)
    return email


# After a publish fails, this process leaves the broker alone for this many seconds: a
# status change telling 500 followers must not wait out 500 refused connections. Nothing
# is lost by skipping: the emails are in the outbox, and the sweep sends them.
BROKER_BACKOFF_SECONDS = 5.0
_broker_down_until = 0.0


def _schedule_delivery(email_id: int) -> None:
    global _broker_down_until
    from ideas.tasks import deliver_email

    if time.monotonic() < _broker_down_until:
        return
    try:
        deliver_email.delay(email_id)
    except Exception:  # Redis away: the outbox sweep sends it later.
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "Could not queue email %s; the outbox sweep will send it (and those written in "
            "the next %.0f s)",
            email_id,
            BROKER_BACKOFF_SECONDS,
        )


def outbox_deliver(*, email_id: int) -> bool:
    """Send one pending email. Returns True if this call sent it.

    The row is locked while sending, so two workers never send the same email, and a
    worker killed before the server accepted the message leaves it pending (its
    connection drops, the database rolls back) for the task's redelivery or the sweep.
    The row is marked sent and committed as soon as the server has accepted the message,
    before the SMTP goodbye: a worker killed or stalled while closing the connection must
    not leave a delivered email pending, to be sent a second time. The only window left
    is between the server's "250 OK" and that commit; a re-send from it carries the same
    Message-ID, by which mail systems drop duplicates.
    """
    mailer = mail.mailers.default
    try:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=email_id, state=OutboundEmail.State.PENDING)
                .first()
            )
            if email is None:
                return False
            message = EmailMultiAlternatives(
                subject=email.subject,
                body=email.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to],
                headers={"Message-ID": outbox_message_id(email)},
            )
            if email.body_html:
                message.attach_alternative(email.body_html, "text/html")
            email.attempts = F("attempts") + 1
            try:
                # Opened here, so send_messages leaves the connection open (see finally).
                mailer.open()
                mailer.send_messages([message])
            except Exception as exc:
                email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                email.save(update_fields=["attempts", "last_error"])
                logger.warning("Sending email %s failed: %s", email_id, exc)
                return False
            email.state = OutboundEmail.State.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "state", "sent_at", "last_error"])
            return True
    finally:
        # After the commit: the server has the message and the row says so.
        try:
            mailer.close()
        except Exception as exc:
            logger.warning("Closing the mail connection after email %s failed: %s", email_id, exc)


def outbox_message_id(email: OutboundEmail) -> str:
    """The same Message-ID for every attempt at this email, unique across databases."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox.{email.pk}.{int(email.created_at.timestamp())}@{domain}>"


def outbox_pending_ids(*, older_than_seconds: int | None = None, limit: int = 500) -> list[int]:
    """Pending emails old enough that their own task should have sent them by now
    (``OUTBOX_RETRY_AFTER`` seconds by default), oldest first."""
    if older_than_seconds is None:
        older_than_seconds = settings.OUTBOX_RETRY_AFTER
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
