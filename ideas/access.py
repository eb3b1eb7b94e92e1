"""Permission-checked fetches for ideas. What a user may not see is a 404."""

from __future__ import annotations

from django.http import Http404

from ideas.models import Idea, Webhook
from portal.access import AnyUser, can_view_product, get_product_for_pm, is_product_pm


def get_idea_for_user(
    user: AnyUser, product_slug: str, idea_id: int, *, related: bool = True
) -> Idea:
    """An idea of a product the user may see. Unconfirmed anonymous ideas are hidden from
    everyone; ideas held for moderation from everyone but the product's PMs.

    One query for the idea and its product (the same check as get_product_for_user),
    with its category and author unless ``related`` is False: a vote or a follow needs
    neither, and joining them took a vote's longest query. The idea it was merged into,
    if any, is read when asked for (a null link costs nothing)."""
    ideas = Idea.objects.filter(product__slug=product_slug, pk=idea_id, confirmed_at__isnull=False)
    if related:
        ideas = ideas.select_related("product", "category", "author")
    else:
        ideas = ideas.select_related("product")
    idea = ideas.first()
    if idea is None or not can_view_product(user, idea.product):
        raise Http404("No such idea")
    if not idea.is_approved and not is_product_pm(user, idea.product):
        raise Http404("No such idea")
    return idea


def get_webhook_for_pm(user: AnyUser, product_slug: str, webhook_id: int) -> Webhook:
    """A webhook of a product the user manages; 404 for everyone else and other products."""
    product = get_product_for_pm(user, product_slug)
    webhook = Webhook.objects.filter(product=product, pk=webhook_id).first()
    if webhook is None:
        raise Http404("No such webhook")
    webhook.product = product
    return webhook
