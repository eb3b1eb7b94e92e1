"""Rescore ideas when their demand changes (votes, proxy votes, accounts), and give new
products their first scorecard."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ideas.signals import demand_changed
from portal.models import Product
from scoring.engine import DEFAULT_PRESET
from scoring.models import ScoreEvent


@receiver(demand_changed)
def rescore_after_demand_change(sender: Any, idea_ids: list[int], **kwargs: Any) -> None:
    from scoring.tasks import rescore_soon

    ids = list(idea_ids)
    transaction.on_commit(lambda: rescore_soon(ids, ScoreEvent.DEMAND.value), robust=True)


@receiver(post_save, sender=Product)
def start_new_products_with_the_default_scorecard(
    sender: Any, instance: Product, created: bool, **kwargs: Any
) -> None:
    """Every new product scores with value vs effort until its PMs choose otherwise."""
    if created and not kwargs.get("raw"):
        from scoring.services import scorecard_apply_preset

        scorecard_apply_preset(product=instance, preset=DEFAULT_PRESET, by=None)
