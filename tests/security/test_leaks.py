"""What may not be seen never shows up elsewhere: a private product's ideas and internal
comments stay out of lists, search, similar ideas, emails, the roadmap and changelog feeds
and the CSV exports of everyone who may not see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ideas import services as idea_services
from ideas.models import OutboundEmail
from portal.models import Account, Role, Visibility
from roadmap import services as roadmap_services
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., Any]
SECRET = "Zeppelin"  # in every private title and internal note


@pytest.fixture
def world(django_capture_on_commit_callbacks: CaptureOnCommit) -> dict[str, Any]:
    pm = make_user(role=Role.PM)
    public = make_product(name="Open product", slug="open", team=[pm])
    private = make_product(
        name=f"{SECRET} private product",
        slug="hidden",
        visibility=Visibility.PRIVATE,
        allowed_email_domains="insider.test",
        team=[pm],
    )
    sales = make_user(role=Role.SALES)  # on neither team, owns the account
    account = make_account(name="Insider Corp", domains=["insider.test"])
    Account.objects.filter(pk=account.pk).update(owner=sales)
    insider = make_user(email="ivy@insider.test")
    outsider = make_user(email="otto@outside.test")
    with django_capture_on_commit_callbacks(execute=False):
        hidden = make_idea(product=private, author=insider, title=f"{SECRET} export to SAP")
        item = roadmap_services.item_promote(
            product=private, ideas=[hidden], by=pm, title=f"{SECRET} SAP connector"
        )
        roadmap_services.item_set_status(item=item, status="shipped", by=pm)
        shown = make_idea(product=public, author=insider, title="Export to SAP please")
        idea_services.vote_cast(idea=shown, user=outsider)
        idea_services.comment_add(
            idea=shown, author=pm, body=f"{SECRET}: internal pricing note", is_internal=True
        )
        idea_services.comment_add(idea=shown, author=pm, body="Public reply about SAP")
        idea_services.idea_set_status(idea=shown, status="planned", by=pm, note="On the roadmap")
    return {
        "public": public,
        "private": private,
        "shown": shown,
        "outsider": outsider,
        "insider": insider,
        "sales": sales,
    }


def _as(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_lists_search_and_similar_ideas_never_show_the_private_product(
    world: dict[str, Any],
) -> None:
    for who in (None, world["outsider"], world["sales"]):
        client = _as(who)
        pages = [
            client.get("/"),
            client.get("/p/open/?q=SAP"),
            client.get("/p/open/ideas/similar/?title=export+to+SAP"),
            client.get("/p/open/roadmap/"),
            client.get("/p/open/changelog/"),
        ]
        for response in pages:
            assert response.status_code in {200, 302}
            assert SECRET not in response.content.decode(), (who, response.request["PATH_INFO"])
        for url in ("/p/hidden/", "/p/hidden/roadmap/", "/p/hidden/changelog/"):
            assert client.get(url).status_code in {302, 404}


def test_the_insider_sees_the_private_product_the_checks_are_about_who(
    world: dict[str, Any],
) -> None:
    client = _as(world["insider"])
    assert SECRET in client.get("/p/hidden/").content.decode()
    assert SECRET in client.get("/p/hidden/changelog/").content.decode()


def test_internal_comments_reach_no_customer_page_or_email(world: dict[str, Any]) -> None:
    for who in (None, world["outsider"], world["insider"]):
        html = _as(who).get(f"/p/open/ideas/{world['shown'].pk}/").content.decode()
        assert "Public reply about SAP" in html
        assert SECRET not in html
    # No email to anyone quotes the internal note; the outsider hears nothing of the private
    # product at all (the insider, who may see it, does).
    assert OutboundEmail.objects.filter(to=world["outsider"].email).exists()
    for email in OutboundEmail.objects.all():
        text = email.subject + email.body_text + email.body_html
        assert "internal pricing note" not in text, email.to
        if email.to == world["outsider"].email:
            assert SECRET not in text


def test_sales_pages_and_exports_leave_out_products_the_rep_may_not_see(
    world: dict[str, Any],
) -> None:
    client = _as(world["sales"])
    responses = [client.get("/sales/"), client.get("/sales/accounts/export.csv")]
    account = Account.objects.get(name="Insider Corp")
    responses.append(client.get(f"/sales/accounts/{account.pk}/"))
    for response in responses:
        assert response.status_code == 200
        body = response.getvalue()
        assert SECRET.encode() not in body, response.request["PATH_INFO"]
        assert b"Export to SAP please" in body  # the public request is there
