"""Background work for ideas. Tasks are thin: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from ideas import services


@shared_task(name="ideas.tasks.deliver_email", ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.outbox_deliver(email_id=email_id)


@shared_task(name="ideas.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Send what is still pending (its task was lost, or Redis was away)."""
    sent = 0
    for email_id in services.outbox_pending_ids():
        sent += services.outbox_deliver(email_id=email_id)
    return sent
