"""Keep what ideas derive from accounts current when accounts change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from portal.signals import accounts_changed


@receiver(accounts_changed)
def refresh_demand_of_accounts(
    sender: Any, account_ids: list[int], user_ids: list[int], **kwargs: Any
) -> None:
    from ideas.tasks import refresh_account_demand

    def enqueue() -> None:
        refresh_account_demand.delay(account_ids, user_ids)

    transaction.on_commit(enqueue, robust=True)
