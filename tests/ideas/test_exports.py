"""The CSV export of accounts and what they asked for, as sales and support download it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea, Importance, Source, Status
from ideas.selectors import idea_ranks_forget
from ideas.services import proxy_vote_record, vote_cast
from portal.models import Account, Product, Role, User
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

URL = "/sales/accounts/export.csv"
IDEA_COLUMNS = [
    "idea_id", "idea_title", "product", "status", "their_importance", "recorded_by_proxy",
    "voters_from_account", "idea_votes", "idea_accounts", "revenue_at_stake", "idea_url",
]  # fmt: skip


def download(client: Client, url: str = URL) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="accounts-')
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert reader.fieldnames == [
        "account", "domains", "arr", "segment", "renewal_date", "owner_email", *IDEA_COLUMNS
    ]  # fmt: skip
    return list(reader)


def proxy(idea: Idea, account: Account, by: User, importance: str = Importance.CRITICAL) -> None:
    proxy_vote_record(
        idea=idea, account=account, recorded_by=by, importance=importance, source=Source.CALL
    )


def test_the_export_lists_each_request_of_the_users_accounts(client: Client) -> None:
    sales = make_user(role=Role.SALES, email="sam@vendor.test")
    product = make_product(name="Portal", slug="portal")
    acme = make_account(
        name="Acme",
        domains=["acme.test", "acme.io"],
        arr=120_000,
        segment="enterprise",
        renewal_date=date(2026, 3, 31),
        owner=sales,
    )
    make_account(name="Quiet", domains=["quiet.test"], arr=500, owner=sales)
    make_account(name="Someone else's", owner=make_user(role=Role.SALES))
    sso = make_idea(product=product, title="Single sign-on")
    proxy(sso, acme, sales, Importance.DEAL_BLOCKER)
    dark = make_idea(product=product, title="Dark mode", author=make_user(email="ann@acme.test"))
    vote_cast(idea=dark, user=make_user(email="bob@acme.test"), importance=Importance.IMPORTANT)
    Idea.objects.filter(pk=dark.pk).update(status=Status.PLANNED)
    client.force_login(sales)

    rows = download(client)

    account = {
        "account": "Acme",
        "domains": "acme.io acme.test",
        "arr": "120000.00",
        "segment": "enterprise",
        "renewal_date": "2026-03-31",
        "owner_email": "sam@vendor.test",
    }
    assert rows == [
        {
            **account,
            "idea_id": str(sso.pk),
            "idea_title": "Single sign-on",
            "product": "Portal",
            "status": "New",
            "their_importance": "Deal blocker",
            "recorded_by_proxy": "yes",
            "voters_from_account": "0",
            "idea_votes": "1",
            "idea_accounts": "1",
            "revenue_at_stake": "120000.00",
            "idea_url": f"http://testserver/p/portal/ideas/{sso.pk}/",
        },
        {
            **account,
            "idea_id": str(dark.pk),
            "idea_title": "Dark mode",
            "product": "Portal",
            "status": "Planned",
            "their_importance": "Important",
            "recorded_by_proxy": "no",
            "voters_from_account": "2",
            "idea_votes": "2",
            "idea_accounts": "1",
            "revenue_at_stake": "120000.00",
            "idea_url": f"http://testserver/p/portal/ideas/{dark.pk}/",
        },
        {
            "account": "Quiet",
            "domains": "quiet.test",
            "arr": "500.00",
            "segment": "",
            "renewal_date": "",
            "owner_email": "sam@vendor.test",
            **dict.fromkeys(IDEA_COLUMNS, ""),
        },
    ]
    everyone = download(client, f"{URL}?all=1")
    assert [r["account"] for r in everyone] == ["Acme", "Acme", "Quiet", "Someone else's"]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(client: Client) -> None:
    sales = make_user(role=Role.SALES)
    account = make_account(name='=HYPERLINK("http://evil.test","Click")', owner=sales)
    product = make_product()
    for title in ["+SUM(1,2)", "-2+3", "@cmd", "Plain - safe"]:
        proxy(make_idea(product=product, title=title), account, sales)
    client.force_login(sales)

    rows = download(client)

    assert {r["account"] for r in rows} == {'\'=HYPERLINK("http://evil.test","Click")'}
    assert sorted(r["idea_title"] for r in rows) == ["'+SUM(1,2)", "'-2+3", "'@cmd", "Plain - safe"]


def test_customers_and_visitors_get_404(client: Client) -> None:
    assert client.get(URL).status_code == 404
    client.force_login(make_user(role=Role.CUSTOMER))
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}?all=1").status_code == 404


def test_my_accounts_links_to_the_export(client: Client) -> None:
    client.force_login(make_user(role=Role.SALES))
    assert f'href="{URL}"' in client.get("/sales/").content.decode()


def _add_requests(product: Product, account: Account, sales: User, count: int) -> None:
    """Half the ideas asked by a proxy vote, half by a vote of one of the account's users."""
    domain = account.domains.get().domain
    for n in range(count):
        idea = make_idea(product=product)
        if n % 2:
            proxy(idea, account, sales)
        else:
            vote_cast(idea=idea, user=make_user(email=f"voter{idea.pk}@{domain}"))


def test_export_query_count_does_not_grow_with_requests_or_accounts(client: Client) -> None:
    """Guards against an N+1 over the requested ideas and their products, or over the
    accounts' domains and owners."""
    sales = make_user(role=Role.SALES)
    product = make_product()
    first = make_account(owner=sales)
    _add_requests(product, first, sales, 2)
    client.force_login(sales)

    with CaptureQueriesContext(connection) as few:
        assert len(download(client, f"{URL}?all=1")) == 2
    idea_ranks_forget(product_id=product.pk)  # cached for a minute: read them again
    _add_requests(product, first, sales, 18)
    for _ in range(2):
        _add_requests(product, make_account(owner=make_user(role=Role.SALES)), sales, 20)
    with CaptureQueriesContext(connection) as many:
        assert len(download(client, f"{URL}?all=1")) == 60

    assert len(many.captured_queries) == len(few.captured_queries)
