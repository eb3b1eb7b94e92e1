"""Stored XSS: script in every field users and teams type (idea title, problem, workaround,
comments, decision reasons, reply templates, account names, product descriptions, CSV
imports, theme names, roadmap items, the changelog, user and goal names, review notes) and
in Markdown links reaches every page that shows it as text, never as markup."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from ideas import services as idea_services
from ideas.models import DecisionKind, ReplyTemplate
from portal.models import Account, Product, Role, User
from portal.services import accounts_import
from roadmap import services as roadmap_services
from scoring import services as scoring_services
from tests.factories import make_idea, make_product, make_user

CaptureOnCommit = Callable[..., Any]

# Each names itself, so a page that executes one would say which field let it through.
SCRIPT = (
    '<script>alert("{f}")</script><img src=x onerror=alert("{f}")>'
    '"><svg onload=alert("{f}")><a href="javascript:alert(\'{f}\')">{f}</a>'
)
MARKDOWN = (
    "[click {f}](javascript:alert('{f}')) [data {f}](data:text/html;base64,"
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox) <b onclick=alert(1)>raw</b>"
)


def payload(field: str) -> str:
    return SCRIPT.format(f=field) + " " + MARKDOWN.format(f=field)


class Executable(HTMLParser):
    """Everything in a page that a browser would run: inline scripts, event handler
    attributes, and script or data URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {values}>"[:200]
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.found.append(f"inline script {where}")
        if tag in {"iframe", "object", "embed", "base"}:
            self.found.append(f"<{tag}> element {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"handler {name}= {where}")
            url = value.strip().lower()
            if name in {"href", "src", "action", "formaction", "xlink:href"} and url.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"script URL {where}")


def executable(html: str) -> list[str]:
    parser = Executable()
    parser.feed(html)
    parser.close()
    return parser.found


@dataclass
class Poisoned:
    product: Product
    pm: User
    sales: User
    customer: User
    pages: dict[str, tuple[User | None, str]]


@pytest.fixture
def poisoned(db: None, django_capture_on_commit_callbacks: CaptureOnCommit) -> Poisoned:
    """A product where every text field holds a script, and the pages that show them."""
    pm = make_user(role=Role.PM, name=payload("pm name")[:150])
    sales = make_user(role=Role.SALES, name=payload("sales name")[:150])
    customer = make_user(name=payload("user name")[:150])
    product = make_product(
        name=payload("product name")[:120], description=payload("product description"),
        team=[pm, sales],
    )  # fmt: skip
    csv_text = io.StringIO()
    writer = csv.writer(csv_text)
    writer.writerow(["name", "domains", "arr", "segment", "renewal_date", "owner_email"])
    writer.writerow([payload("csv account")[:200], "csv.test", "1000", "", "", sales.email])
    result = accounts_import(text=csv_text.getvalue())
    make_product(name="Second portal")  # so the home page lists portals rather than redirect
    assert result.ok, result.errors
    account = Account.objects.get(domains__domain="csv.test")
    with django_capture_on_commit_callbacks(execute=False):
        idea = make_idea(
            product=product,
            author=customer,
            title=payload("title")[:140],
            problem=payload("problem"),
            workaround=payload("workaround"),
        )
        other = make_idea(product=product, title=payload("other title")[:140])
        idea_services.comment_add(idea=idea, author=customer, body=payload("comment"))
        idea_services.comment_add(
            idea=idea, author=pm, body=payload("internal comment"), is_internal=True
        )
        idea_services.proxy_vote_record(
            idea=idea,
            account=account,
            recorded_by=sales,
            importance="critical",
            source="call",
            note=payload("proxy note"),
            contact_name=payload("contact")[:150],
        )
        theme = idea_services.theme_create(product=product, name=payload("theme")[:80], by=pm)
        idea_services.ideas_tag(ideas=[idea, other], theme=theme, by=pm)
        ReplyTemplate.objects.create(
            product=product,
            kind=DecisionKind.NOT_NOW,
            name=payload("template name")[:120],
            reason=payload("template reason"),
            workaround=payload("template workaround"),
        )
        idea_services.idea_decline(
            idea=other,
            by=pm,
            kind=DecisionKind.WILL_NOT_DO,
            reason=payload("decision reason"),
            workaround=payload("decision workaround"),
        )
        goal = scoring_services.goal_save(
            product=product, by=pm, name=payload("goal")[:100], weight=5,
            description=payload("goal description"),
        )  # fmt: skip
        scoring_services.idea_goal_set(idea=idea, goal=goal, strength=3, by=pm)
        item = roadmap_services.item_promote(
            product=product,
            ideas=[idea],
            by=pm,
            title=payload("item title"),
            public_description=payload("item description"),
        )
        roadmap_services.item_update(
            item=item,
            by=pm,
            title=payload("item title")[:140],
            public_title=payload("item public title")[:140],
            public_description=payload("item description"),
            internal_notes=payload("item notes"),
        )
        shipped = roadmap_services.item_create(
            product=product, by=pm, title=payload("shipped item")[:140]
        )
        roadmap_services.item_update(
            item=shipped,
            by=pm,
            title=payload("shipped item")[:140],
            public_title=payload("changelog title")[:140],
            public_description=payload("changelog body"),
        )
        roadmap_services.item_set_status(item=shipped, status="shipped", by=pm)
        review = roadmap_services.review_hold(
            product=product, by=pm, notes=payload("review notes"), attendees=payload("attendees")
        )
    p, i = product.slug, idea.pk
    pages: dict[str, tuple[User | None, str]] = {
        "home": (None, "/"),
        "portal list": (None, f"/p/{p}/"),
        "search": (None, f"/p/{p}/?q=alert"),
        "idea page": (None, f"/p/{p}/ideas/{i}/"),
        "declined idea page": (None, f"/p/{p}/ideas/{other.pk}/"),
        "similar ideas": (None, f"/p/{p}/ideas/similar/?title=script+alert+title"),
        "public roadmap": (None, f"/p/{p}/roadmap/"),
        "changelog": (None, f"/p/{p}/changelog/"),
        "my votes": (customer, f"/p/{p}/my-votes/"),
        "idea page, team": (sales, f"/p/{p}/ideas/{i}/"),
        "proxy vote form": (sales, f"/p/{p}/ideas/{i}/proxy-votes/?account={account.pk}"),
        "my accounts": (sales, "/sales/"),
        "account page": (sales, f"/sales/accounts/{account.pk}/"),
        "PM inbox": (pm, f"/pm/{p}/?status="),
        "PM idea page": (pm, f"/pm/{p}/ideas/{i}/"),
        "PM declined idea": (pm, f"/pm/{p}/ideas/{other.pk}/"),
        "PM similar": (pm, f"/pm/{p}/ideas/{other.pk}/similar/"),
        "themes": (pm, f"/pm/{p}/themes/"),
        "scores": (pm, f"/pm/{p}/scores/"),
        "why this score": (pm, f"/pm/{p}/ideas/{i}/score/"),
        "compare": (pm, f"/pm/{p}/compare/?ideas={i},{other.pk}"),
        "scorecard": (pm, f"/pm/{p}/scorecard/"),
        "roadmap board": (pm, f"/pm/{p}/roadmap/"),
        "roadmap item": (pm, f"/pm/{p}/roadmap/items/{item.pk}/"),
        "roadmap print": (pm, f"/pm/{p}/roadmap/print/"),
        "review": (pm, f"/pm/{p}/review/"),
        "held review": (pm, f"/pm/{p}/review/{review.pk}/"),
        "audit log": (pm, f"/pm/{p}/audit/"),
    }
    return Poisoned(product, pm, sales, customer, pages)


PAGES = [
    "home", "portal list", "search", "idea page", "declined idea page", "similar ideas",
    "public roadmap", "changelog", "my votes", "idea page, team", "proxy vote form",
    "my accounts", "account page", "PM inbox", "PM idea page", "PM declined idea",
    "PM similar", "themes", "scores", "why this score", "compare", "scorecard",
    "roadmap board", "roadmap item", "roadmap print", "review", "held review", "audit log",
]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_no_stored_script_runs_on_the_page(poisoned: Poisoned, page: str) -> None:
    viewer, url = poisoned.pages[page]
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert "alert(" in html, "the page shows the poisoned text (as text)"
    assert not executable(html), "\n".join(executable(html))


def test_the_pages_list_is_the_fixtures() -> None:
    # Catches a page added to the fixture but not tested, or the reverse.
    assert len(PAGES) == len(set(PAGES))


def test_markdown_links_keep_only_safe_schemes() -> None:
    from portal.text import render_markdown

    html = render_markdown(MARKDOWN.format(f="md") + " [ok](https://example.com/a) <a>")
    assert not executable(html), executable(html)
    assert 'href="https://example.com/a"' in html
    assert "&lt;b onclick=alert(1)&gt;raw&lt;/b&gt;" in html  # raw HTML shows as text


def test_emails_escape_the_stored_text(poisoned: Poisoned) -> None:
    from ideas.models import OutboundEmail

    emails = list(OutboundEmail.objects.exclude(body_html=""))
    assert emails, "the fixture's changes sent emails"
    for email in emails:
        assert not executable(email.body_html), (email.reason, executable(email.body_html))
