"""Import and export of a product's ideas, under /pm/<product>/import/ and .../export/.
Only the product's PMs and admins."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ideas.exports import csv_cell
from ideas.imports import MAX_BYTES, decode_import, too_large
from ideas.models import Decision, Idea, ImportSource, ProxyVote, Vote
from ideas.services.imports import ideas_import
from portal.access import get_product_and_pm
from portal.imports import CsvFileError
from portal.models import Product

CHUNK = 1000


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label="Exported from",
        choices=ImportSource.choices,
        help_text="The tool the file comes from; see the columns each one needs below.",
    )
    file = forms.FileField(
        label="CSV file",
        help_text="An ideas, votes or comments export, UTF-8. At most 10 MB.",
        error_messages={"required": "Choose the exported CSV file."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError({"file": f"The file is too large: {too_large()}"})
        try:
            cleaned["text"] = decode_import(upload.read(MAX_BYTES + 1))
        except CsvFileError as exc:
            raise ValidationError({"file": str(exc.error)}) from None
        return cleaned


@require_http_methods(["GET", "POST"])
def import_ideas(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Upload an export, check it (dry run: what would be created, every bad row by
    line), then import it."""
    product, user = get_product_and_pm(request.user, product_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            dry_run = request.POST.get("action") != "import"
            result = ideas_import(
                product=product,
                source=form.cleaned_data["source"],
                text=form.cleaned_data["text"],
                by=user,
                dry_run=dry_run,
            )
            status = 200 if result.ok else 400
        else:
            status = 400
    return render(
        request,
        "ideas/pm/import.html",
        {"product": product, "pm_tab": "data", "form": form, "result": result},
        status=status,
    )


# --- Export ----------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _stream(filename: str, rows: Iterable[list[object]]) -> StreamingHttpResponse:
    """A CSV download written as it is read: rows come from the database in chunks, so
    a product with 100,000 ideas costs no more memory than one with ten."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel reads the file as UTF-8.
        for cells in rows:
            yield writer.writerow([csv_cell(cell) for cell in cells])

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


IDEA_COLUMNS = [
    "idea_id", "title", "status", "category", "author_email", "created_at", "votes",
    "comments", "accounts", "revenue_at_stake", "score", "decision", "decision_reason",
    "decision_workaround", "decided_at", "merged_into", "url",
]  # fmt: skip


def _ideas(product: Product) -> QuerySet[Idea]:
    latest = Decision.objects.filter(idea=OuterRef("pk")).order_by("-decided_at", "-id")
    return (
        Idea.objects.filter(product=product, confirmed_at__isnull=False)
        .select_related("category", "author")
        .annotate(
            decision_kind=Subquery(latest.values("kind")[:1]),
            decision_reason=Subquery(latest.values("reason")[:1]),
            decision_workaround=Subquery(latest.values("workaround")[:1]),
            decided_at=Subquery(latest.values("decided_at")[:1]),
        )
        .order_by("pk")
    )


def _idea_rows(product: Product) -> Iterator[list[object]]:
    yield list[object](IDEA_COLUMNS)
    for idea in _ideas(product).iterator(chunk_size=CHUNK):
        extra: Any = idea
        yield [
            idea.pk,
            idea.title,
            idea.status,
            idea.category.name if idea.category else "",
            idea.author.email if idea.author else idea.author_email,
            idea.created_at.isoformat(),
            idea.vote_count,
            idea.comment_count,
            idea.account_count,
            idea.revenue_at_stake,
            f"{idea.score:.1f}",
            extra.decision_kind or "",
            extra.decision_reason or "",
            extra.decision_workaround or "",
            extra.decided_at.isoformat() if extra.decided_at else "",
            idea.merged_into_id or "",
            f"{reverse('ideas:detail', args=[product.slug, idea.pk])}",
        ]


VOTE_COLUMNS = [
    "idea_id", "idea_title", "voter_email", "voter_name", "account", "importance", "voted_at",
]  # fmt: skip


def _vote_rows(product: Product) -> Iterator[list[object]]:
    yield list[object](VOTE_COLUMNS)
    votes = (
        Vote.objects.filter(idea__product=product)
        .select_related("idea", "user", "user__account")
        .only(
            "importance",
            "created_at",
            "idea__title",
            "user__email",
            "user__name",
            "user__account__name",
        )
        .order_by("idea_id", "pk")
    )
    for vote in votes.iterator(chunk_size=CHUNK):
        yield [
            vote.idea_id,
            vote.idea.title,
            vote.user.email,
            vote.user.name,
            vote.user.account.name if vote.user.account else "",
            vote.importance,
            vote.created_at.isoformat(),
        ]


PROXY_COLUMNS = [
    "idea_id", "idea_title", "account", "importance", "opportunity_value",
    "expected_close_date", "source", "contact_name", "contact_email", "recorded_by", "note",
    "updated_at",
]  # fmt: skip


def _proxy_rows(product: Product) -> Iterator[list[object]]:
    yield list[object](PROXY_COLUMNS)
    proxies = (
        ProxyVote.objects.filter(idea__product=product)
        .select_related("idea", "account", "recorded_by")
        .order_by("idea_id", "pk")
    )
    for proxy in proxies.iterator(chunk_size=CHUNK):
        yield [
            proxy.idea_id,
            proxy.idea.title,
            proxy.account.name,
            proxy.importance,
            "" if proxy.opportunity_value is None else proxy.opportunity_value,
            proxy.expected_close_date.isoformat() if proxy.expected_close_date else "",
            proxy.source,
            proxy.contact_name,
            proxy.contact_email,
            proxy.recorded_by.email if proxy.recorded_by else "",
            proxy.note,
            proxy.updated_at.isoformat(),
        ]


EXPORTS = {"ideas": _idea_rows, "votes": _vote_rows, "proxy-votes": _proxy_rows}


@require_GET
def export_csv(
    request: HttpRequest, product_slug: str, what: str
) -> HttpResponse | StreamingHttpResponse:
    """ideas.csv (with the stored score and the latest decision), votes.csv or
    proxy-votes.csv of one product."""
    product, _ = get_product_and_pm(request.user, product_slug)
    rows = EXPORTS.get(what)
    if rows is None:
        return HttpResponse(status=404)
    filename = f"{product.slug}-{what}-{timezone.localdate():%Y-%m-%d}.csv"
    return _stream(filename, rows(product))
