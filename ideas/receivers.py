"""Keep what ideas derive from accounts current when accounts change, and what they
cache about webhooks current when webhooks change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ideas.models import Webhook
from portal.models import User
from portal.signals import accounts_changed, user_data_requested, user_erasing


@receiver(accounts_changed)
def refresh_demand_of_accounts(
    sender: Any, account_ids: list[int], user_ids: list[int], **kwargs: Any
) -> None:
    from ideas.tasks import refresh_account_demand

    def enqueue() -> None:
        refresh_account_demand.delay(account_ids, user_ids)

    transaction.on_commit(enqueue, robust=True)


@receiver(user_erasing)
def erase_ideas_data_of_user(sender: Any, user: User, **kwargs: Any) -> None:
    from ideas.services.privacy import user_ideas_erase

    user_ideas_erase(user=user)


@receiver(user_data_requested)
def ideas_data_of_user(sender: Any, user: User, **kwargs: Any) -> dict[str, object]:
    from ideas.services.privacy import user_ideas_data

    return dict(user_ideas_data(user=user))


@receiver([post_save, post_delete], sender=Webhook)
def forget_webhook_listeners(sender: Any, instance: Webhook, **kwargs: Any) -> None:
    from ideas.services.webhooks import webhook_listeners_forget

    webhook_listeners_forget(instance.product_id)
