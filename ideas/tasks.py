"""Background work for ideas. Tasks are thin: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from ideas import (
    selectors,
    services,
    theme_tasks,  # noqa: F401 - registers compute_theme_suggestions with the worker
)


@shared_task(name="ideas.tasks.deliver_email", ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.outbox_deliver(email_id=email_id)


@shared_task(name="ideas.tasks.refresh_account_demand", ignore_result=True)
def refresh_account_demand(account_ids: list[int], user_ids: list[int]) -> int:
    """Recompute the demand of every idea these accounts or users asked for."""
    idea_ids = selectors.ideas_asked_by(account_ids=account_ids, user_ids=user_ids)
    services.idea_demand_refresh(idea_ids=sorted(idea_ids))
    return len(idea_ids)


@shared_task(name="ideas.tasks.refresh_expired_opportunities", ignore_result=True)
def refresh_expired_opportunities() -> int:
    """Daily: an opportunity whose close date passed no longer counts as revenue at stake."""
    idea_ids = services.ideas_with_opportunities_closed_since(days=2)
    # Requests per account do not depend on opportunities: none to rebuild.
    services.idea_demand_refresh(idea_ids=idea_ids, request_accounts=[])
    return len(idea_ids)


@shared_task(name="ideas.tasks.send_sales_digests", ignore_result=True)
def send_sales_digests() -> int:
    """Monday morning: each sales user's digest of what changed for their accounts."""
    return services.sales_digests_send_all()


@shared_task(name="ideas.tasks.revisit_declined_ideas", ignore_result=True)
def revisit_declined_ideas() -> int:
    """Daily: declined ideas whose revisit date has come go back to the inbox."""
    return len(services.decisions_revisit_due())


@shared_task(name="ideas.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Send what is still pending (its task was lost, or Redis was away)."""
    sent = 0
    for email_id in services.outbox_pending_ids():
        sent += services.outbox_deliver(email_id=email_id)
    return sent


@shared_task(name="ideas.tasks.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: int) -> bool:
    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="ideas.tasks.sweep_webhooks", ignore_result=True)
def sweep_webhooks() -> int:
    """Queue the webhook deliveries whose time has come (retries, and lost tasks). Each
    is sent by its own task, so one slow receiver does not hold up the others."""
    due = services.webhook_deliveries_due()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)
