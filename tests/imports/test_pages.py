"""The import and export page of the PM area: upload and check, import, download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import Idea, Importance, Source
from portal.models import Product, Role, User
from tests.factories import make_account, make_idea, make_product, make_user
from tests.imports.test_imports import CANNY_POSTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM)


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _upload(text: str, name: str = "posts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_check_then_import_from_the_page(pm_client: Client, product: Product) -> None:
    url = f"/pm/{product.slug}/import/"
    page = pm_client.get(url)
    assert page.status_code == 200
    assert b'for="id_file"' in page.content
    checked = pm_client.post(
        url, {"source": "canny", "file": _upload(CANNY_POSTS), "action": "check"}
    )
    assert checked.status_code == 200
    assert "the import would create 2 ideas, 3 votes" in checked.content.decode()
    assert not Idea.objects.exists()
    imported = pm_client.post(
        url, {"source": "canny", "file": _upload(CANNY_POSTS), "action": "import"}
    )
    assert "Imported 2 ideas, 3 votes" in imported.content.decode()
    assert Idea.objects.filter(product=product).count() == 2


def test_bad_rows_are_listed_by_line_on_the_page(pm_client: Client, product: Product) -> None:
    response = pm_client.post(
        f"/pm/{product.slug}/import/",
        {
            "source": "canny",
            "file": _upload("ID,Title\np1,\np2,<script>x</script>\n"),
            "action": "import",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "line 2: title: required." in content
    assert "<script>" not in content
    assert not Idea.objects.exists()


def test_a_file_over_10_mb_gets_a_clear_message_next_to_the_field(
    pm_client: Client, product: Product
) -> None:
    big = "ID,Title\n" + "x" * (10 * 1024 * 1024)
    response = pm_client.post(
        f"/pm/{product.slug}/import/", {"source": "canny", "file": _upload(big), "action": "check"}
    )
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert (
        'id="error_1_id_file"' in response.content.decode()
        or "invalid-feedback" in response.content.decode()
    )


def test_import_and_export_are_404_to_everyone_but_the_products_pms(
    client: Client, product: Product
) -> None:
    urls = [f"/pm/{product.slug}/import/"] + [
        f"/pm/{product.slug}/export/{what}.csv" for what in ("ideas", "votes", "proxy-votes")
    ]
    for visitor in [None, make_user(), make_user(role=Role.SALES), make_user(role=Role.PM)]:
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for url in urls:
            assert client.get(url).status_code == 404, (visitor, url)


def test_exports_hold_ideas_scores_decisions_votes_and_proxy_votes_formula_safe(
    pm_client: Client, product: Product, pm: User
) -> None:
    author = make_user(email="ann@acme.test")
    idea = make_idea(product=product, author=author, title="=cmd|' /C calc'!A0")
    Idea.objects.filter(pk=idea.pk).update(score=42.25)
    services.idea_decline(
        idea=idea, by=pm, kind="not_now", reason="-Not this year", workaround="@Use the API"
    )
    account = make_account(name="+Acme")
    sales = make_user(role=Role.SALES)
    services.proxy_vote_record(
        idea=idea, account=account, recorded_by=sales, importance=Importance.CRITICAL,
        source=Source.CALL, opportunity_value=Decimal(5000), note="They said so",
    )  # fmt: skip

    ideas = _rows(pm_client.get(f"/pm/{product.slug}/export/ideas.csv"))
    header, row = ideas[0], dict(zip(ideas[0], ideas[1], strict=True))
    assert header[:3] == ["idea_id", "title", "status"]
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["status"] == "declined"
    assert row["score"] == "42.2" or row["score"] == "42.3"
    assert row["decision"] == "not_now"
    assert row["decision_reason"] == "'-Not this year"
    assert row["decision_workaround"] == "'@Use the API"
    assert row["author_email"] == "ann@acme.test"

    votes = _rows(pm_client.get(f"/pm/{product.slug}/export/votes.csv"))
    assert [r[2] for r in votes[1:]] == ["ann@acme.test"]
    proxies = _rows(pm_client.get(f"/pm/{product.slug}/export/proxy-votes.csv"))
    proxy = dict(zip(proxies[0], proxies[1], strict=True))
    assert (proxy["account"], proxy["importance"], proxy["opportunity_value"]) == (
        "'+Acme", "critical", "5000.00",
    )  # fmt: skip
    other = make_product()
    make_idea(product=other)
    assert len(_rows(pm_client.get(f"/pm/{product.slug}/export/ideas.csv"))) == 2


def _export_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(ctx.captured_queries)


def test_export_queries_do_not_grow_with_the_rows(
    pm_client: Client, product: Product, pm: User
) -> None:
    """Guards against a query per idea (author, category, decision) or per vote (voter,
    account): each export reads its rows in chunks, with their relations joined."""

    def grow(n: int) -> None:
        for _ in range(n):
            idea = make_idea(product=product)
            services.idea_decline(idea=idea, by=pm, kind="not_now", reason="Later")
            services.vote_cast(idea=idea, user=make_user(account=make_account()))

    grow(2)
    small = {
        w: _export_queries(pm_client, f"/pm/{product.slug}/export/{w}.csv")
        for w in ("ideas", "votes", "proxy-votes")
    }
    grow(8)
    large = {
        w: _export_queries(pm_client, f"/pm/{product.slug}/export/{w}.csv")
        for w in ("ideas", "votes", "proxy-votes")
    }
    assert small == large
