"""Background rescoring. Tasks are thin: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from ideas.models import Idea
from portal.models import Product
from scoring import services


@shared_task(name="scoring.tasks.rescore_product", ignore_result=True)
def rescore_product(product_id: int, event: str) -> int:
    product = Product.objects.filter(pk=product_id).first()
    return services.product_rescore(product=product, event=event) if product else 0


@shared_task(name="scoring.tasks.rescore_ideas", ignore_result=True)
def rescore_ideas(idea_ids: list[int], event: str) -> int:
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
