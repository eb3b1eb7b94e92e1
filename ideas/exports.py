"""CSV exports for sales and support: accounts and what each asked for."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ideas import selectors
from ideas.models import Importance, Status
from portal.access import require_team_member
from portal.models import Account, User

ACCOUNT_COLUMNS = ["account", "domains", "arr", "segment", "renewal_date", "owner_email"]
REQUEST_COLUMNS = [
    "idea_id",
    "idea_title",
    "product",
    "status",
    "their_importance",
    "recorded_by_proxy",
    "voters_from_account",
    "idea_votes",
    "idea_accounts",
    "revenue_at_stake",
    "idea_url",
]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """The value as a cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_response(filename: str, rows: Iterable[list[object]]) -> HttpResponse:
    """A CSV download of ``rows``, every cell safe from formula injection."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # The byte order mark makes Excel read the file as UTF-8 (accents, non-Latin names).
    response.write("\ufeff")
    writer = csv.writer(response)
    for cells in rows:
        writer.writerow([csv_cell(cell) for cell in cells])
    return response


def _export_accounts(*, user: User, everyone: bool) -> QuerySet[Account]:
    accounts = Account.objects.select_related("owner").prefetch_related("domains")
    if not everyone:
        accounts = accounts.filter(owner=user)
    return accounts.order_by("name", "pk")


def _export_rows(request: HttpRequest, user: User, everyone: bool) -> Iterator[list[object]]:
    """One row per account and idea it asked for; an account with none gets one row."""
    yield [*ACCOUNT_COLUMNS, *REQUEST_COLUMNS]
    accounts = list(_export_accounts(user=user, everyone=everyone))
    importance = dict(Importance.choices)
    for row in selectors.account_requests(user=user, accounts=accounts):
        account = row.account
        account_cells: list[object] = [
            account.name,
            " ".join(d.domain for d in account.domains.all()),
            account.arr,
            account.segment,
            account.renewal_date.isoformat() if account.renewal_date else "",
            account.owner.email if account.owner else "",
        ]
        if not row.requests:
            yield [*account_cells, *[""] * len(REQUEST_COLUMNS)]
        for r in row.requests:
            url = reverse("ideas:detail", args=[r.product.slug, r.idea_id])
            yield [
                *account_cells,
                r.idea_id,
                r.title,
                r.product.name,
                Status(r.status).label,
                importance.get(r.importance, ""),
                "yes" if r.proxy_source else "no",
                r.voters,
                r.vote_count,
                r.account_count,
                r.revenue_at_stake,
                request.build_absolute_uri(url),
            ]


@require_GET
def accounts_export(request: HttpRequest) -> HttpResponse:
    """The user's accounts (every account with ``?all=1``) and their requests, as CSV."""
    user = require_team_member(request.user)
    everyone = request.GET.get("all") == "1"
    filename = f"accounts-{'all' if everyone else 'mine'}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, _export_rows(request, user, everyone))
