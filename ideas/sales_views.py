"""Sales and support pages: my accounts, an account's requests, the quick record form."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ideas import selectors, services
from ideas.models import Importance, Source, Status
from portal.access import get_account_for_user, products_for_user, require_team_member
from portal.models import Account
from portal.paging import page_number

ACCOUNTS_PER_PAGE = 5  # on My accounts, each with its first requests
REQUESTS_PER_ACCOUNT = 5  # the account's own page lists them all
REQUESTS_PER_PAGE = 50


class RequestFilters(TypedDict):
    importance: str
    status: str
    sort: str


def _request_filters(request: HttpRequest) -> RequestFilters:
    importance = request.GET.get("importance", "")
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "importance")
    return {
        "importance": importance if importance in Importance.values else "",
        "status": status if status in Status.values else "",
        "sort": sort if sort in selectors.REQUEST_SORTS else "importance",
    }


def _filter_choices() -> dict[str, object]:
    return {
        "importances": Importance.choices,
        "statuses": [(s.value, s.label) for s in Status if s is not Status.MERGED],
        "sorts": [
            ("importance", "Importance"), ("score", "Score"), ("votes", "Votes"),
            ("revenue", "Revenue at stake"),
            ("status", "Status"), ("title", "Title"),
        ],
    }  # fmt: skip


def _money(value: Decimal) -> str:
    """Whole dollars with thousands separators, as the tables print them."""
    return f"{value:,.0f}"


def _table_rows(requests: list[selectors.RequestLine]) -> list[dict[str, object]]:
    """Each request as the requests table prints it: plain values render faster than
    lookups through objects, and the table is the page's main cost (fifty rows on My
    accounts)."""
    return [
        {
            "url": reverse("ideas:detail", args=[r.product.slug, r.idea_id]),
            "title": r.title,
            "product": r.product.name,
            "status": r.status,
            "status_label": Status(r.status).label,
            "importance": r.importance_label,
            "source": Source(r.proxy_source).label.lower() if r.proxy_source else "",
            "voters": r.voters,
            "votes": r.vote_count,
            "accounts": r.account_count,
            "revenue": _money(r.revenue_at_stake),
            "score": f"{r.score:.0f}" if r.score else "",
            "rank": r.rank,
            "declined_because": r.declined_because,
            "roadmap": r.roadmap,
        }
        for r in requests
    ]


def _page_of(owned: QuerySet[Account], page: int) -> tuple[list[Account], int]:
    """One page of the user's accounts and how many they own, in one query."""
    start = (page - 1) * ACCOUNTS_PER_PAGE
    counted = owned.annotate(owned=Window(Count("pk")))
    accounts: list[Account] = [a for a in counted[start : start + ACCOUNTS_PER_PAGE]]
    count = int(getattr(accounts[0], "owned", 0)) if accounts else owned.count()
    return accounts, count


@require_GET
def my_accounts(request: HttpRequest) -> HttpResponse:
    user = require_team_member(request.user)
    filters = _request_filters(request)
    owned = selectors.accounts_owned_by(user=user)
    page = page_number(request, maximum=99_999)
    accounts, count = _page_of(owned, page)
    pages = max(1, -(-count // ACCOUNTS_PER_PAGE))
    if page > pages:  # past the end (an old link): the last page
        page = pages
        accounts, count = _page_of(owned, page)
    rows = selectors.account_requests(
        user=user, accounts=accounts, limit=REQUESTS_PER_ACCOUNT, **filters
    )
    return render(
        request,
        "ideas/sales/my_accounts.html",
        {
            "rows": [
                (
                    row,
                    {
                        "url": reverse("sales:account", args=[row.account.pk]),
                        "arr": _money(row.account.arr),
                    },
                    _table_rows(row.requests),
                )
                for row in rows
            ],
            "filters": filters,
            "query": urlencode(filters),
            "per_account": REQUESTS_PER_ACCOUNT,
            "page": page,
            "pages": pages,
            "owned": count,
            **_filter_choices(),
        },
    )


@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    user = require_team_member(request.user)
    account = get_account_for_user(user, account_id)
    filters = _request_filters(request)
    page = page_number(request, maximum=99_999)
    (row,) = selectors.account_requests(
        user=user,
        accounts=[account],
        limit=REQUESTS_PER_PAGE,
        offset=(page - 1) * REQUESTS_PER_PAGE,
        **filters,
    )
    pages = max(1, -(-row.total // REQUESTS_PER_PAGE))
    return render(
        request,
        "ideas/sales/account_detail.html",
        {
            "account": account,
            "row": row,
            "table": _table_rows(row.requests),
            "filters": filters,
            "query": urlencode(filters),
            "page": page,
            "pages": pages,
            "first_shown": (page - 1) * REQUESTS_PER_PAGE + 1,
            "last_shown": min(page * REQUESTS_PER_PAGE, row.total),
            **_filter_choices(),
        },
    )


@require_GET
def account_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for an account field while typing (htmx fills a datalist)."""
    require_team_member(request.user)
    text = request.GET.get("account", "")[:200]
    return render(
        request,
        "ideas/sales/account_options.html",
        {"accounts": selectors.account_search(text=text)},
    )


@require_GET
def quick_record(request: HttpRequest) -> HttpResponse:
    """After a call: find the idea the account talked about, or start a new one."""
    user = require_team_member(request.user)
    text = request.GET.get("q", "")[:200].strip()
    account_text = request.GET.get("account", "")[:200].strip()
    account = None
    account_error = ""
    if account_text:
        matches = selectors.account_search(text=account_text, limit=2)
        exact = [
            a for a in matches if a.name.lower() == account_text.lower()
        ] or selectors.account_search(text=account_text, limit=1)
        if exact:
            account = exact[0]
        else:
            account_error = f"No account matches “{account_text}”."
    ideas = selectors.ideas_for_quick_record(user=user, text=text) if text else []
    return render(
        request,
        "ideas/sales/quick_record.html",
        {
            "q": text,
            "account_text": account_text,
            "account": account,
            "account_error": account_error,
            "ideas": ideas,
            "products": list(products_for_user(user)),
            "searched": bool(text),
        },
    )


@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every digest: one click shows the page, the button turns it off. The
    signed token is the permission, so it works without signing in."""
    try:
        signing.loads(token, salt=services.DIGEST_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "ideas/sales/digest_unsubscribe.html", {"bad": True}, status=400)
    done = False
    if request.method == "POST":
        services.sales_digest_unsubscribe(token=token)
        done = True
    return render(request, "ideas/sales/digest_unsubscribe.html", {"done": done, "bad": False})
