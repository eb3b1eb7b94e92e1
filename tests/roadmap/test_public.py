"""The public roadmap and changelog: what customers, visitors and sales see, and what
they never see."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services as idea_services
from ideas.models import Follow
from portal.models import Account, Product, Role, User, Visibility
from roadmap import services
from roadmap.models import Horizon, ItemStatus, RoadmapItem
from scoring import services as scoring_services
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

NOTES = "SECRET-NOTE-halcyon-dpa"
CODENAME = "Project Falcon internal"
ACCOUNT = "Zebracorp Holdings"


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, email="priya@vendor.test")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(name="Relay", team=[pm])


def _roadmap(product: Product) -> str:
    return f"/p/{product.slug}/roadmap/"


def _changelog(product: Product) -> str:
    return f"/p/{product.slug}/changelog/"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _promote(product: Product, pm: User, title: str, horizon: str, **public: object) -> RoadmapItem:
    item = services.item_promote(
        product=product, ideas=[make_idea(product=product)], by=pm, title=title, horizon=horizon
    )
    if public:
        RoadmapItem.objects.filter(pk=item.pk).update(**public)
        item.refresh_from_db()
    return item


def test_the_public_roadmap_shows_public_titles_by_horizon_and_never_internal_fields(
    client: Client, product: Product, pm: User
) -> None:
    account = make_account(name=ACCOUNT, domains=["zebracorp.test"], arr=987_654)
    asker = make_user(email="cto@zebracorp.test")
    idea = make_idea(product=product, title="SAML single sign-on")
    idea_services.vote_cast(idea=idea, user=asker)
    idea_services.vote_cast(idea=idea, user=make_user())
    item = services.item_promote(
        product=product, ideas=[idea], by=pm, title=CODENAME, horizon=Horizon.NOW
    )
    goal = scoring_services.goal_save(product=product, by=pm, name="Internal goal X", weight=3)
    item.goals.add(goal)
    RoadmapItem.objects.filter(pk=item.pk).update(
        public_title="Single sign-on",
        public_description="Sign in with **Okta**.\n\n<script>alert(1)</script>",
        internal_notes=NOTES,
        pm_score=77.7,
    )
    _promote(product, pm, "Audit log", Horizon.LATER)
    _promote(product, pm, "Hidden refactor", Horizon.NEXT, is_public=False)
    shipped = _promote(product, pm, "Slack updates", Horizon.NOW)
    services.item_set_status(item=shipped, status=ItemStatus.SHIPPED, by=pm)

    for viewer in [None, make_user(), pm]:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        response = client.get(_roadmap(product))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Single sign-on" in html
        assert "Sign in with <strong>Okta</strong>." in html
        assert "<script>alert(1)</script>" not in html
        assert "3 people asked" in html  # the author and two voters
        assert "Audit log" in html  # no public title: its title is what customers see
        for secret in [
            CODENAME,
            NOTES,
            ACCOUNT,
            "987,654",
            "987654",
            "77.7",
            "Internal goal X",
            "Hidden refactor",
            "at stake",
        ]:
            assert secret not in html, (viewer, secret)
        # Shipped: out of the horizons, listed under "Recently shipped" instead.
        assert html.index("Recently shipped") < html.index("Slack updates")
        assert html.index("Single sign-on") < html.index("Audit log")  # Now before Later
        assert f'href="{_changelog(product)}"' in html
    assert Account.objects.filter(pk=account.pk).exists()


def test_private_products_keep_their_roadmap_and_changelog_private(pm: User) -> None:
    product = make_product(
        visibility=Visibility.PRIVATE, allowed_email_domains="acme.test", team=[pm]
    )
    _promote(product, pm, "Private plan", Horizon.NOW)
    client = Client()
    for url in [_roadmap(product), _changelog(product)]:
        assert client.get(url).status_code == 404
    client.force_login(make_user(email="someone@elsewhere.test"))
    for url in [_roadmap(product), _changelog(product)]:
        assert client.get(url).status_code == 404
    client.force_login(make_user(email="insider@acme.test"))
    assert "Private plan" in client.get(_roadmap(product)).content.decode()
    assert client.get(_changelog(product)).status_code == 200


def test_visitors_are_asked_to_sign_in_and_customers_follow_the_most_voted_idea(
    client: Client, product: Product, pm: User
) -> None:
    quiet = make_idea(product=product, title="Quiet idea")
    popular = make_idea(product=product, title="Popular idea")
    idea_services.vote_cast(idea=popular, user=make_user())
    item = services.item_promote(product=product, ideas=[quiet, popular], by=pm, title="Both")
    html = client.get(_roadmap(product)).content.decode()
    assert f"/accounts/login/?next=/p/{product.slug}/roadmap/" in html
    assert "Sign in to follow “Both”" in html

    customer = make_user()
    client.force_login(customer)
    html = client.get(_roadmap(product)).content.decode()
    follow_url = f"/p/{product.slug}/ideas/{popular.pk}/follow/"
    assert f'action="{follow_url}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    client.post(follow_url, {"action": "follow"})
    assert Follow.objects.filter(user=customer, idea=popular).exists()
    html = client.get(_roadmap(product)).content.decode()
    assert "Unfollow “Both”" in html
    assert item.pk


def test_sales_see_only_their_own_accounts_that_asked(
    client: Client, product: Product, pm: User
) -> None:
    sales = make_user(role=Role.SALES, email="sam@vendor.test")
    mine = make_account(name="Halcyon Bank", domains=["halcyon.test"])
    theirs = make_account(name=ACCOUNT, domains=["zebracorp.test"])
    Account.objects.filter(pk=mine.pk).update(owner=sales)
    Account.objects.filter(pk=theirs.pk).update(owner=make_user(role=Role.SALES))
    idea = make_idea(product=product)
    idea_services.vote_cast(idea=idea, user=make_user(email="ciso@halcyon.test"))
    idea_services.vote_cast(idea=idea, user=make_user(email="cto@zebracorp.test"))
    services.item_promote(product=product, ideas=[idea], by=pm, title="SSO")

    client.force_login(sales)
    html = client.get(_roadmap(product)).content.decode()
    assert "Your accounts that asked: <strong>Halcyon Bank</strong>" in html
    assert ACCOUNT not in html
    client.force_login(make_user())
    html = client.get(_roadmap(product)).content.decode()
    assert "Your accounts that asked" not in html
    assert "Halcyon Bank" not in html


def test_the_changelog_lists_what_shipped_newest_first_and_only_public_items(
    client: Client, product: Product, pm: User
) -> None:
    first = _promote(
        product,
        pm,
        CODENAME,
        Horizon.NOW,
        public_title="Slack updates",
        public_description="Post to **Slack**. <script>alert(1)</script>",
    )
    services.item_set_status(item=first, status=ItemStatus.SHIPPED, by=pm)
    second = _promote(product, pm, "Audit log", Horizon.NOW)
    services.item_set_status(item=second, status=ItemStatus.SHIPPED, by=pm)
    hidden = _promote(product, pm, "Hidden refactor", Horizon.NOW, is_public=False)
    services.item_set_status(item=hidden, status=ItemStatus.SHIPPED, by=pm)
    _promote(product, pm, "Not yet shipped", Horizon.NOW)

    html = client.get(_changelog(product)).content.decode()
    assert html.index("Audit log") < html.index("Slack updates")
    assert "Post to <strong>Slack</strong>." in html
    assert "<script>alert(1)</script>" not in html
    for secret in [CODENAME, "Hidden refactor", "Not yet shipped"]:
        assert secret not in html
    assert f'href="{_roadmap(product)}"' in html


def test_public_page_query_counts_do_not_grow_with_items(
    client: Client, product: Product, pm: User
) -> None:
    """Guards against N+1s over each item's ideas (which one to follow), follows, votes
    and a salesperson's accounts on the public roadmap, and over entries on the changelog."""
    sales = make_user(role=Role.SALES)
    customer = make_user()

    counter = itertools.count()

    def add(n: int) -> None:
        for k in range(n):
            domain = f"pub{next(counter)}.test"
            account = make_account(domains=[domain])
            Account.objects.filter(pk=account.pk).update(owner=sales)
            idea = make_idea(product=product)
            idea_services.vote_cast(idea=idea, user=make_user(email=f"cto@{domain}"))
            Follow.objects.create(user=customer, idea=idea)
            item = services.item_promote(
                product=product,
                ideas=[idea, make_idea(product=product)],
                by=pm,
                horizon=list(Horizon)[k % 3],
            )
            done = _promote(product, pm, f"Shipped {k}", Horizon.NOW)
            services.item_set_status(item=done, status=ItemStatus.SHIPPED, by=pm)
            assert item.pk

    add(2)
    counts: dict[User | None, tuple[int, int]] = {}
    for viewer in [None, customer, sales]:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        counts[viewer] = (
            _queries(client, _roadmap(product)),
            _queries(client, _changelog(product)),
        )
    add(8)
    for viewer in [None, customer, sales]:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        assert (
            _queries(client, _roadmap(product)),
            _queries(client, _changelog(product)),
        ) == counts[viewer], viewer
