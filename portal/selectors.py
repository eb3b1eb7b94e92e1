"""Reads for portal pages: the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from portal.models import AuditEntry, Product

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    product: str = ""  # a product's slug; only on the site-wide log


@dataclass(frozen=True)
class AuditLog:
    page: Page[AuditEntry]
    actions: list[str]
    actors: list[str]
    products: list[tuple[str, str]]


def audit_log(*, product: Product | None, filters: AuditFilters, page: str) -> AuditLog:
    """A page of audit entries, newest first, of one product (or of the whole site), with
    the actions and actors there are to filter by. Five queries, whatever the number of
    entries: the count, the page, and the three filter lists."""
    entries: QuerySet[AuditEntry] = AuditEntry.objects.select_related("product")
    if product is not None:
        entries = entries.filter(product=product)
    scope = entries
    if filters.product and product is None:
        entries = entries.filter(product__slug=filters.product)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor_label=filters.actor)
    paginator = Paginator(entries.order_by("-created_at", "-id"), AUDIT_PAGE_SIZE)
    return AuditLog(
        page=paginator.get_page(page),
        actions=list(scope.order_by("action").values_list("action", flat=True).distinct()),
        actors=list(
            scope.exclude(actor_label="")
            .order_by("actor_label")
            .values_list("actor_label", flat=True)
            .distinct()
        ),
        products=[]
        if product is not None
        else list(Product.objects.order_by("name").values_list("slug", "name")),
    )
