"""Headers and forms that keep attackers out of the browser: the Content Security Policy,
clickjacking and other security headers, CSRF on every state-changing form, and Django's
deployment checklist under production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ideas import services as idea_services
from ideas.models import Comment, Idea, ProxyVote, Status, Vote
from portal.models import Account, Product, Role, User
from roadmap import services as roadmap_services
from roadmap.models import Horizon, Review, RoadmapItem
from scoring import services as scoring_services
from scoring.models import Rating, Scorecard
from tests.factories import make_account, make_idea, make_product, make_user

ROOT = Path(__file__).resolve().parent.parent

CaptureOnCommit = Callable[..., Any]


# --- A product with something on every page ----------------------------------------------


@dataclass
class Site:
    product: Product
    idea: Idea
    customer: User
    sales: User
    pm: User
    account: Account
    card: Scorecard
    item: RoadmapItem
    review: Review


@pytest.fixture
def site(db: None, django_capture_on_commit_callbacks: CaptureOnCommit) -> Site:
    pm = make_user(role=Role.PM, name="Pat PM")
    sales = make_user(role=Role.SALES, name="Sam Sales")
    customer = make_user(name="Casey Customer")
    product = make_product(name="Relay", team=[pm, sales])
    account = make_account(name="Halcyon Bank", domains=["halcyon.test"], arr=385_000)
    Account.objects.filter(pk=account.pk).update(owner=sales)
    # Emails and rescoring are scheduled on commit; these pages need only the rows.
    with django_capture_on_commit_callbacks(execute=False):
        card = scoring_services.scorecard_apply_preset(
            product=product, preset="value_vs_effort", by=pm
        )
        idea = make_idea(product=product, author=customer, title="SAML single sign-on")
        make_idea(product=product, title="Single sign-on with Google")
        idea_services.proxy_vote_record(
            idea=idea, account=account, recorded_by=sales, importance="critical", source="call"
        )
        idea_services.comment_add(idea=idea, author=make_user(), body="We need this too.")
        scoring_services.rating_set(idea=idea, metric=card.metrics.get(key="value"), value=3, by=pm)
        item = roadmap_services.item_promote(
            product=product, ideas=[make_idea(product=product)], by=pm, title="Bulk edit"
        )
        shipped = roadmap_services.item_promote(
            product=product, ideas=[make_idea(product=product)], by=pm, title="Dark mode"
        )
        roadmap_services.item_set_status(item=shipped, status="shipped", by=pm)
        review = roadmap_services.review_hold(product=product, by=pm, notes="Held.")
    return Site(product, idea, customer, sales, pm, account, card, item, review)


def _pages(site: Site) -> dict[str, tuple[User | None, str]]:
    """The main pages, each with who looks at it."""
    p, i = site.product.slug, site.idea.pk
    return {
        "portal list": (None, f"/p/{p}/"),
        "idea page": (None, f"/p/{p}/ideas/{i}/"),
        "public roadmap": (None, f"/p/{p}/roadmap/"),
        "changelog": (None, f"/p/{p}/changelog/"),
        "login": (None, "/accounts/login/"),
        "signup": (None, "/accounts/signup/"),
        "password reset": (None, "/accounts/password/reset/"),
        "idea page, signed in": (site.customer, f"/p/{p}/ideas/{i}/"),
        "submit page": (site.customer, f"/p/{p}/ideas/new/"),
        "my votes": (site.customer, f"/p/{p}/my-votes/"),
        "email addresses": (site.customer, "/accounts/email/"),
        "idea page, sales": (site.sales, f"/p/{p}/ideas/{i}/"),
        "proxy vote": (site.sales, f"/p/{p}/ideas/{i}/proxy-votes/"),
        "my accounts": (site.sales, "/sales/"),
        "record a call": (site.sales, "/sales/record/"),
        "PM inbox": (site.pm, f"/pm/{p}/"),
        "PM idea page": (site.pm, f"/pm/{p}/ideas/{i}/"),
        "scores": (site.pm, f"/pm/{p}/scores/"),
        "why this score": (site.pm, f"/pm/{p}/ideas/{i}/score/"),
        "scorecard": (site.pm, f"/pm/{p}/scorecard/"),
        "roadmap board": (site.pm, f"/pm/{p}/roadmap/"),
        "review": (site.pm, f"/pm/{p}/review/"),
        "held review": (site.pm, f"/pm/{p}/review/{site.review.pk}/"),
    }


@dataclass
class Page:
    name: str
    url: str
    html: str
    headers: dict[str, str]


def _crawl(site: Site) -> Iterator[Page]:
    client = Client()
    for name, (viewer, url) in _pages(site).items():
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        yield Page(name, url, response.content.decode(), dict(response.headers))


# --- Reading a page's markup -------------------------------------------------------------

STATE_CHANGING_HX = {"hx-post", "hx-put", "hx-patch", "hx-delete"}


class Markup(HTMLParser):
    """What a page holds that a strict CSP blocks, and its state-changing forms."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.post_forms: list[dict[str, str]] = []
        self.hx_writers: list[str] = []
        self.body_hx_headers = ""
        self._form: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in values.items())}>"[:160]
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.inline.append(f"inline script: {where}")
        if tag == "style":
            self.inline.append(f"<style> element: {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.inline.append(f"{name}= handler: {where}")
            if name == "style":
                self.inline.append(f"style= attribute: {where}")
            if name in {"href", "action", "formaction"} and value.lower().startswith("javascript:"):
                self.inline.append(f"javascript: URL: {where}")
        if tag == "body":
            self.body_hx_headers = values.get("hx-headers", "")
        if tag == "form":
            self._form = {"tag": where, "method": values.get("method", "get").lower(), "token": ""}
            if self._form["method"] == "post":
                self.post_forms.append(self._form)
        if (
            tag == "input"
            and values.get("name") == "csrfmiddlewaretoken"
            and self._form is not None
        ):
            self._form["token"] = values.get("value", "")
        if STATE_CHANGING_HX & values.keys():
            self.hx_writers.append(where)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _markup(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    markup.close()
    return markup


def _policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        if words := part.split():
            directives[words[0].lower()] = words[1:]
    return directives


# --- Content Security Policy -------------------------------------------------------------


@pytest.mark.django_db
def test_csp_header_allows_no_inline_script_on_a_public_a_pm_and_an_account_page(
    site: Site,
) -> None:
    client = Client()
    public = client.get(f"/p/{site.product.slug}/")
    login = client.get("/accounts/login/")
    client.force_login(site.pm)
    pm_page = client.get(f"/pm/{site.product.slug}/")

    for response in (public, pm_page, login):
        assert response.status_code == 200
        policy = _policy(response.headers["Content-Security-Policy"])
        scripts = policy.get("script-src", policy.get("default-src"))
        assert scripts == ["'self'"], response.headers["Content-Security-Policy"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_crawled_page_has_inline_script_style_or_event_handler(site: Site) -> None:
    found = []
    for page in _crawl(site):
        assert "Content-Security-Policy" in page.headers, page.name
        found += [f"{page.name} ({page.url}): {what}" for what in _markup(page.html).inline]
    assert not found, "\n".join(found)


# Inline code that a strict CSP blocks, in the template sources themselves: catches pages
# the crawl above does not visit. Emails are not served pages, so they may style inline.
INLINE_IN_TEMPLATE = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"
    r"|<style\b"
    r"|\sstyle\s*="
    r"|\son[a-z]+\s*="
    r"|javascript:",
    re.IGNORECASE,
)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_no_template_outside_emails_has_inline_script_style_or_event_handler() -> None:
    templates = ROOT / "templates"
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in sorted(templates.rglob("*.html"))
        if templates / "emails" not in path.parents
        for match in INLINE_IN_TEMPLATE.finditer(TEMPLATE_COMMENT.sub("", path.read_text()))
    ]
    assert not found, "\n".join(found)


# --- Clickjacking and other headers ------------------------------------------------------


@pytest.mark.django_db
def test_every_crawled_page_refuses_framing_and_sends_the_security_headers(site: Site) -> None:
    for page in _crawl(site):
        assert page.headers["X-Frame-Options"] == "DENY", page.name
        assert _policy(page.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
        assert page.headers["X-Content-Type-Options"] == "nosniff", page.name
        assert page.headers["Referrer-Policy"] == "same-origin", page.name
        assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin", page.name


@pytest.mark.django_db
def test_htmx_partial_responses_carry_the_policy_too(site: Site) -> None:
    client = Client()
    client.force_login(site.customer)
    response = client.post(
        f"/p/{site.product.slug}/ideas/{site.idea.pk}/vote/",
        {"action": "unvote"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_state_changing_form_on_the_crawled_pages_carries_a_csrf_token(
    site: Site,
) -> None:
    missing = []
    forms = 0
    for page in _crawl(site):
        markup = _markup(page.html)
        forms += len(markup.post_forms)
        missing += [
            f"{page.name}: {form['tag']}" for form in markup.post_forms if len(form["token"]) < 32
        ]
        if markup.hx_writers:
            # htmx requests outside such forms send the token from <body hx-headers>.
            headers = json.loads(markup.body_hx_headers or "{}")
            if len(headers.get("X-CSRFToken", "")) < 32:
                missing += [f"{page.name}: no X-CSRFToken on <body>: {markup.hx_writers[0]}"]
    assert forms > 20  # the crawl really met the portal's forms
    assert not missing, "\n".join(missing)


@dataclass
class Action:
    who: str
    url: str
    data: dict[str, str]
    unchanged: Callable[[], object]


def _actions(site: Site) -> dict[str, Action]:
    p, idea = site.product.slug, site.idea
    return {
        "vote": Action(
            "sales",
            f"/p/{p}/ideas/{idea.pk}/vote/",
            {"action": "vote"},
            lambda: Vote.objects.filter(idea=idea).count(),
        ),
        "comment": Action(
            "customer",
            f"/p/{p}/ideas/{idea.pk}/comments/",
            {"body": "Forged comment"},
            lambda: Comment.objects.filter(idea=idea).count(),
        ),
        "submit idea": Action(
            "customer",
            f"/p/{p}/ideas/new/",
            {
                "title": "Forged idea",
                "problem": "Someone else's browser posted this one.",
                "importance": "important",
            },
            lambda: Idea.objects.filter(product=site.product).count(),
        ),
        "PM status": Action(
            "pm",
            f"/pm/{p}/ideas/{idea.pk}/status/",
            {"status": Status.UNDER_REVIEW},
            lambda: Idea.objects.get(pk=idea.pk).status,
        ),
        "proxy vote": Action(
            "sales",
            f"/p/{p}/ideas/{idea.pk}/proxy-votes/",
            {"account": "halcyon.test", "importance": "deal_blocker", "source": "deal"},
            lambda: list(ProxyVote.objects.filter(idea=idea).values_list("importance")),
        ),
        "rating": Action(
            "pm",
            f"/pm/{p}/ideas/{idea.pk}/rate/",
            {"metric": "value", "value": "5"},
            lambda: list(Rating.objects.filter(idea=idea).values_list("metric__key", "value")),
        ),
        "roadmap move": Action(
            "pm",
            f"/pm/{p}/roadmap/items/{site.item.pk}/move/",
            {"horizon": Horizon.NOW},
            lambda: RoadmapItem.objects.get(pk=site.item.pk).horizon,
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    ["vote", "comment", "submit idea", "PM status", "proxy vote", "rating", "roadmap move"],
)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(
    site: Site, action: str
) -> None:
    todo = _actions(site)[action]
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(site, todo.who))
    before = todo.unchanged()

    forged = client.post(todo.url, todo.data)

    assert forged.status_code == 403
    assert b"CSRF" in forged.content
    assert todo.unchanged() == before
    # The same request with the token gets through: the refusal above was the CSRF check.
    assert client.get(f"/p/{site.product.slug}/").status_code == 200  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    genuine = client.post(todo.url, todo.data, HTTP_X_CSRFTOKEN=token)
    assert genuine.status_code in {200, 204, 302}, genuine.content[:500]
    assert todo.unchanged() != before


# --- Deployment checklist ------------------------------------------------------------------


def test_check_deploy_under_production_settings_reports_nothing(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    production = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": str(tmp_path),
        # The database the suite runs against: the model checks ask the server's version
        # (stored generated columns), as they do on a real deployment.
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ideas.example.com",
        # A production deployment sends mail: without an SMTP host the portal writes emails
        # to files, and the check rightly fails with mail.E001.
        "EMAIL_HOST": "smtp.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **production},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
