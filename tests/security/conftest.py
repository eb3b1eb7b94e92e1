"""A product with a row behind every page, the people who try to get in, and the list of
every URL pattern the portal routes, read from the resolver so new pages are covered."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ideas import services as idea_services
from ideas.models import Idea, Merge, ProxyVote, Webhook
from portal.models import Account, ApiToken, Product, Role, User
from roadmap import services as roadmap_services
from roadmap.models import Review, RoadmapItem
from scoring import services as scoring_services
from scoring.models import Goal
from tests.factories import make_account, make_idea, make_product, make_user

CaptureOnCommit = Callable[..., Any]


@dataclass
class Target:
    """The product under attack, with one of everything its pages show."""

    product: Product
    idea: Idea
    merge: Merge
    goal: Goal
    item: RoadmapItem
    review: Review
    account: Account
    proxy: ProxyVote
    webhook: Webhook
    api_token: ApiToken
    pm: User
    sales: User
    customer: User


@dataclass
class Attackers:
    """People who may not use the target's PM or sales pages."""

    customer: User
    other_sales: User
    other_pm: User


@pytest.fixture
def target(db: None, django_capture_on_commit_callbacks: CaptureOnCommit) -> Target:
    pm = make_user(role=Role.PM, name="Pat PM")
    sales = make_user(role=Role.SALES, name="Sam Sales")
    customer = make_user(name="Casey Customer")
    product = make_product(name="Relay", team=[pm, sales])
    account = make_account(name="Halcyon Bank", domains=["halcyon.test"], arr=385_000)
    Account.objects.filter(pk=account.pk).update(owner=sales)
    with django_capture_on_commit_callbacks(execute=False):
        idea = make_idea(product=product, author=customer, title="SAML single sign-on")
        duplicate = make_idea(product=product, title="SSO with SAML")
        merge = idea_services.idea_merge(source=duplicate, target=make_idea(product=product), by=pm)
        proxy = idea_services.proxy_vote_record(
            idea=idea, account=account, recorded_by=sales, importance="critical", source="call"
        )
        idea_services.comment_add(
            idea=idea, author=pm, body="Internal: Halcyon renewal at risk", is_internal=True
        )
        goal = scoring_services.goal_save(product=product, by=pm, name="Retention", weight=5)
        item = roadmap_services.item_promote(
            product=product, ideas=[make_idea(product=product)], by=pm, title="Bulk edit"
        )
        review = roadmap_services.review_hold(product=product, by=pm, notes="Held.")
    webhook = Webhook.objects.create(
        product=product, url="https://hooks.example.com/in", secret="s" * 40, events=["ping"]
    )
    api_token = ApiToken.objects.create(user=pm, name="CRM sync", prefix="abc", digest="0" * 64)
    return Target(
        product,
        idea,
        merge,
        goal,
        item,
        review,
        account,
        proxy,
        webhook,
        api_token,
        pm,
        sales,
        customer,
    )


@pytest.fixture
def attackers(target: Target) -> Attackers:
    other_pm = make_user(role=Role.PM, name="Other PM")
    other_sales = make_user(role=Role.SALES, name="Other Sales")
    make_product(name="Elsewhere", team=[other_pm, other_sales])
    return Attackers(customer=make_user(), other_sales=other_sales, other_pm=other_pm)


# --- Every routed URL pattern ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # as written in the URLconf, e.g. "pm/<slug:product_slug>/ideas/<int:idea_id>/"
    name: str
    callback: Callable[..., Any]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), namespace + (entry.name or ""), entry.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# Where each part of the site belongs. The first matching rule wins; a pattern matching
# none fails test_every_url_pattern_is_classified, so a new page cannot go untested.
PM = "pm"  # the product's PMs and admins only
TEAM_ON_PORTAL = "team on portal"  # sales, support, PMs of a product the user may see
SALES = "sales"  # any signed-in team member (their accounts)
ADMIN = "admin"  # admins only
PORTAL = "portal"  # anyone who may see the product (public, or private and allowed)
OWN = "own"  # a signed-in user's own account, data and tokens
TOKEN = "token"  # a signed link is the permission (email unsubscribe)
PUBLIC = "public"  # the list of portals, health, sign in and sign up
DJANGO_ADMIN = "django admin"  # staff only, Django's own login
API = "api"  # token-authenticated JSON, covered by tests/api

CLASSES: list[tuple[str, str]] = [
    (r"^api/", API),
    (r"^admin/", DJANGO_ADMIN),
    (r"^audit/$", ADMIN),
    (r"^pm/<slug:product_slug>/", PM),
    (r"^sales/digest/unsubscribe/", TOKEN),
    (r"^sales/", SALES),
    (r"^p/<slug:product_slug>/ideas/unsubscribe/", TOKEN),
    (r"^p/<slug:product_slug>/ideas/confirm/", TOKEN),
    (r"^p/<slug:product_slug>/ideas/<int:idea_id>/proxy-votes/", TEAM_ON_PORTAL),
    (r"^p/<slug:product_slug>/", PORTAL),
    (r"^accounts/privacy/", OWN),
    (r"^settings/tokens/", OWN),
    (r"^accounts/", PUBLIC),
    (r"^(healthz)?$", PUBLIC),
]


def classify(route: Route) -> str | None:
    for rule, kind in CLASSES:
        if re.search(rule, route.pattern):
            return kind
    return None


def routes_of(*kinds: str) -> list[Route]:
    return [r for r in all_routes() if classify(r) in kinds]


CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")


def url_for(route: Route, target: Target) -> str:
    """The route's address with every parameter filled from the target's rows."""
    values = {
        "product_slug": target.product.slug,
        "idea_id": target.idea.pk,
        "merge_id": target.merge.pk,
        "goal_id": target.goal.pk,
        "item_id": target.item.pk,
        "review_id": target.review.pk,
        "account_id": target.account.pk,
        "proxy_id": target.proxy.pk,
        "webhook_id": target.webhook.pk,
        "token": "not-a-valid-token",
        "what": "ideas",  # the PM area's CSV exports
        "token_id": target.api_token.pk,
        "key": "not-a-valid-key",
        "uidb36": "1",
    }

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in values, f"give {route.pattern} a value for <{name}> in url_for()"
        return str(values[name])

    # allauth's routes are regular expressions: fill their named groups the same way.
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.pattern).replace("^", "")
    return "/" + CONVERTER.sub(fill, pattern.replace("$", ""))
