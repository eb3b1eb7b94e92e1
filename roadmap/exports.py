"""The internal roadmap as CSV, for the review meeting and for planning in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from ideas.exports import csv_response
from portal.models import Product
from roadmap import selectors
from roadmap.models import RoadmapItem

COLUMNS = [
    "item_id",
    "title",
    "public_title",
    "public",
    "horizon",
    "status",
    "release",
    "target_date",
    "owner",
    "goals",
    "score",
    "score_from",
    "voters",
    "accounts",
    "revenue_at_stake",
    "ideas",
    "item_url",
]


def _rows(
    request: HttpRequest, product: Product, filters: dict[str, str]
) -> Iterator[list[object]]:
    """One row per item, Now then Next then Later, in board order."""
    yield list[object](COLUMNS)
    board = selectors.board(product=product, filters=filters)
    items: list[RoadmapItem] = [item for _, _, column in board.columns for item in column]
    for item in items:
        why = board.whys[item.pk]
        if why.score_source == "pm":
            score_from = "PM"
        elif why.score_source:
            score_from = f"idea: {why.score_source}"
        else:
            score_from = ""
        yield [
            item.pk,
            item.title,
            item.public_title,
            "yes" if item.is_public else "no",
            item.get_horizon_display(),
            item.get_status_display(),
            item.release.name if item.release else "",
            item.release.target_date.isoformat()
            if item.release and item.release.target_date
            else "",
            item.owner.display_name if item.owner else "",
            "; ".join(g.name for g in item.goals.all()),
            "" if why.score is None else f"{why.score:.1f}",
            score_from,
            why.voters,
            "; ".join(a.name for a in why.accounts),
            why.revenue,
            "; ".join(f"#{i.pk} {i.title}" for i in item.ideas.all()),
            request.build_absolute_uri(reverse("roadmap:item", args=[product.slug, item.pk])),
        ]


def roadmap_csv(request: HttpRequest, product: Product, filters: dict[str, str]) -> HttpResponse:
    filename = f"roadmap-{product.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, _rows(request, product, filters))
