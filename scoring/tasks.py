"""Background rescoring. Tasks are thin: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from ideas.models import Idea
from portal import cache
from portal.models import Product
from scoring import services


@shared_task(name="scoring.tasks.rescore_product", ignore_result=True)
def rescore_product(product_id: int, event: str) -> int:
    product = Product.objects.filter(pk=product_id).first()
    return services.product_rescore(product=product, event=event) if product else 0


# An idea whose rescore is queued and not started yet needs no second task: the queued
# one reads the idea when it starts. A burst of votes on a popular idea queues one task
# instead of one per vote. Marks older than this are ignored (a lost task or a stopped
# worker delays a rescore by at most this long; the nightly rescore repairs the rest).
QUEUED_SECONDS = 60
DEBOUNCE_AT_MOST = 20  # ideas in one change; bulk changes queue their task directly


def _queued_key(idea_id: int) -> str:
    return f"scoring:rescore-queued:{idea_id}"


def rescore_soon(idea_ids: list[int], event: str) -> None:
    """Queue a rescore of the ideas not already waiting for one. Call after the change
    commits."""
    if len(idea_ids) <= DEBOUNCE_AT_MOST:
        idea_ids = [pk for pk in idea_ids if cache.add(_queued_key(pk), 1, QUEUED_SECONDS)]
    if not idea_ids:
        return
    try:
        rescore_ideas.delay(idea_ids, event)
    except Exception:
        cache.delete_many(_queued_key(pk) for pk in idea_ids)  # the next change tries again
        raise


@shared_task(name="scoring.tasks.rescore_ideas", ignore_result=True)
def rescore_ideas(idea_ids: list[int], event: str) -> int:
    # Unmarked before reading: a change committing from now on queues its own task.
    cache.delete_many(_queued_key(pk) for pk in idea_ids)
    moved = 0
    by_product: dict[int, list[int]] = {}
    for idea_id, product_id in Idea.objects.filter(pk__in=idea_ids).values_list("pk", "product_id"):
        by_product.setdefault(product_id, []).append(idea_id)
    for product in Product.objects.filter(pk__in=by_product):
        moved += services.ideas_rescore(
            idea_ids=by_product[product.pk], product=product, event=event
        )
    return moved


@shared_task(name="scoring.tasks.rescore_all_products", ignore_result=True)
def rescore_all_products() -> int:
    """Nightly: refresh every product's demand maxima and freshness."""
    return sum(
        services.product_rescore(product=product, event="demand")
        for product in Product.objects.filter(scorecards__active=True)
    )
