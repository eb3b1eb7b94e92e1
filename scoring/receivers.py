"""Rescore ideas when their demand changes (votes, proxy votes, accounts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from ideas.signals import demand_changed
from scoring.models import ScoreEvent


@receiver(demand_changed)
def rescore_after_demand_change(sender: Any, idea_ids: list[int], **kwargs: Any) -> None:
    from scoring.tasks import rescore_ideas

    ids = list(idea_ids)
    transaction.on_commit(lambda: rescore_ideas.delay(ids, ScoreEvent.DEMAND.value), robust=True)
