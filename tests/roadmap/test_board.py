"""The internal roadmap as a PM uses it: the board with each item's why, promoting ideas,
moving, starting and shipping items, item pages, the exports, and who may not see them."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from ideas import services as idea_services
from ideas.models import Idea, OutboundEmail, Status
from portal.models import Product, Role, User
from roadmap import selectors, services
from roadmap.models import (
    ChangelogEntry,
    Horizon,
    ItemStatus,
    Release,
    RoadmapEvent,
    RoadmapItem,
)
from scoring import services as scoring_services
from scoring.models import Scorecard
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, name="Priya PM", email="priya@vendor.test")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(name="Relay", team=[pm])


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _url(product: Product, rest: str = "") -> str:
    return f"/pm/{product.slug}/roadmap/{rest}"


def _status(idea: Idea) -> str:
    return Idea.objects.get(pk=idea.pk).status


def _order(product: Product, horizon: str) -> list[str]:
    return [
        i.title
        for i in RoadmapItem.objects.filter(product=product, horizon=horizon).order_by(
            "position", "pk"
        )
    ]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _item(product: Product, pm: User, title: str, horizon: str = Horizon.NEXT) -> RoadmapItem:
    return services.item_promote(
        product=product, ideas=[make_idea(product=product)], by=pm, title=title, horizon=horizon
    )


def test_every_roadmap_page_and_action_is_404_to_everyone_but_the_products_pms(
    client: Client, product: Product, pm: User
) -> None:
    idea = make_idea(product=product)
    item = _item(product, pm, "Single sign-on")
    pages = [
        _url(product),
        _url(product, "?view=timeline"),
        _url(product, "print/"),
        _url(product, "export.csv"),
        _url(product, "items/new/"),
        _url(product, f"items/{item.pk}/"),
    ]
    actions = [
        (_url(product, "promote/"), {"ideas": [idea.pk]}),
        (_url(product, "items/new/"), {"title": "Sneaky", "horizon": "now"}),
        (_url(product, f"items/{item.pk}/"), {"title": "Renamed"}),
        (_url(product, f"items/{item.pk}/move/"), {"horizon": "now"}),
        (_url(product, f"items/{item.pk}/status/"), {"status": "shipped", "confirmed": "1"}),
        (_url(product, "releases/new/"), {"name": "Q3", "item": item.pk}),
    ]
    visitors = [
        None,
        make_user(),
        make_user(role=Role.SALES),
        make_user(role=Role.PM),  # a PM of another product
    ]
    for visitor in visitors:
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for url in pages:
            assert client.get(url).status_code == 404, (visitor, url)
        for url, data in actions:
            assert client.post(url, data).status_code == 404, (visitor, url)
    item.refresh_from_db()
    assert (item.title, item.horizon, item.status) == ("Single sign-on", "next", "planned")
    assert RoadmapItem.objects.count() == 1
    assert not Release.objects.exists()
    assert _status(idea) == Status.NEW
    client.force_login(make_user(role=Role.ADMIN))
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_every_post_form_carries_the_csrf_token_and_posts_without_it_are_refused(
    pm_client: Client, product: Product, pm: User
) -> None:
    item = _item(product, pm, "Audit log")
    for url in [_url(product), _url(product, f"items/{item.pk}/"), _url(product, "items/new/")]:
        html = pm_client.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(pm)
    response = strict.post(
        _url(product, f"items/{item.pk}/move/"), {"horizon": "now"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 403
    assert RoadmapItem.objects.get(pk=item.pk).horizon == Horizon.NEXT


def test_promoting_selected_ideas_from_the_inbox_plans_them_and_tells_who_asked(
    pm_client: Client, product: Product
) -> None:
    voter = make_user(email="vic@customer.test")
    a = make_idea(product=product, title="Dark mode")
    b = make_idea(product=product, title="Dark theme please")
    idea_services.vote_cast(idea=a, user=voter)
    inbox = pm_client.get(f"/pm/{product.slug}/").content.decode()
    assert f'formaction="/pm/{product.slug}/roadmap/promote/"' in inbox

    response = pm_client.post(
        _url(product, "promote/"),
        {"ideas": [a.pk, b.pk], "action": "status", "next": f"/pm/{product.slug}/"},
        follow=True,
    )
    item = RoadmapItem.objects.get(product=product)
    assert response.redirect_chain[-1][0] == _url(product, f"items/{item.pk}/")
    assert "Promoted 2 ideas to the roadmap" in response.content.decode()
    assert item.title == "Dark mode"  # the most-voted idea names it
    assert item.horizon == Horizon.NEXT
    assert set(item.ideas.all()) == {a, b}
    assert (_status(a), _status(b)) == (Status.PLANNED, Status.PLANNED)
    assert OutboundEmail.objects.filter(to="vic@customer.test", reason="idea_status").exists()


def test_promoting_from_the_idea_page_with_a_title_and_horizon(
    pm_client: Client, product: Product
) -> None:
    idea = make_idea(product=product, title="SAML single sign-on with Okta")
    page = pm_client.get(f"/pm/{product.slug}/ideas/{idea.pk}/").content.decode()
    assert "Promote to roadmap" in page
    assert f'action="/pm/{product.slug}/roadmap/promote/"' in page
    pm_client.post(
        _url(product, "promote/"),
        {"ideas": idea.pk, "title": "Enterprise single sign-on", "horizon": "now"},
    )
    item = RoadmapItem.objects.get(product=product)
    assert (item.title, item.horizon) == ("Enterprise single sign-on", Horizon.NOW)
    assert list(item.ideas.all()) == [idea]


def test_promoting_nothing_or_a_declined_idea_explains_and_creates_nothing(
    pm_client: Client, product: Product, pm: User
) -> None:
    declined = make_idea(product=product)
    idea_services.idea_decline(idea=declined, by=pm, kind="not_now", reason="Not this year.")
    back = f"/pm/{product.slug}/"
    nothing = pm_client.post(_url(product, "promote/"), {"next": back}, follow=True)
    assert "Select at least one idea to promote." in nothing.content.decode()
    closed = pm_client.post(
        _url(product, "promote/"), {"ideas": declined.pk, "next": back}, follow=True
    )
    assert closed.redirect_chain[-1][0] == back
    assert "cannot be promoted" in closed.content.decode()
    other = make_idea()
    foreign = pm_client.post(_url(product, "promote/"), {"ideas": other.pk, "next": back})
    assert foreign.status_code == 302
    assert not RoadmapItem.objects.exists()


def test_a_new_item_without_ideas_starts_off_the_public_roadmap(
    pm_client: Client, product: Product, pm: User
) -> None:
    response = pm_client.post(
        _url(product, "items/new/"), {"title": "  Refactor   billing ", "horizon": "later"}
    )
    item = RoadmapItem.objects.get(product=product)
    assert response["Location"] == _url(product, f"items/{item.pk}/")
    assert (item.title, item.horizon, item.is_public, item.owner) == (
        "Refactor billing",
        Horizon.LATER,
        False,
        pm,
    )
    assert RoadmapEvent.objects.filter(item=item, kind="created", to_value="later").exists()


def test_a_new_item_with_idea_numbers_promotes_them_and_bad_numbers_lose_nothing(
    pm_client: Client, product: Product
) -> None:
    idea = make_idea(product=product)
    bad = pm_client.post(
        _url(product, "items/new/"),
        {"title": "Jira two-way sync", "horizon": "next", "ideas": f"{idea.pk}, 999999"},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "There is no idea #999999 in Relay." in html
    assert 'value="Jira two-way sync"' in html
    assert not RoadmapItem.objects.exists()

    pm_client.post(
        _url(product, "items/new/"),
        {"title": "Jira two-way sync", "horizon": "next", "ideas": f"#{idea.pk}"},
    )
    item = RoadmapItem.objects.get(product=product)
    assert list(item.ideas.all()) == [idea]
    assert _status(idea) == Status.PLANNED


def test_editing_an_item_saves_every_field_and_the_ideas_it_delivers(
    pm_client: Client, product: Product, pm: User
) -> None:
    first = make_idea(product=product, title="First idea")
    second = make_idea(product=product, title="Second idea")
    item = services.item_promote(product=product, ideas=[first, second], by=pm, title="SSO")
    services.item_set_status(item=item, status=ItemStatus.IN_PROGRESS, by=pm)
    added = make_idea(product=product, title="Added idea")
    goal = scoring_services.goal_save(product=product, by=pm, name="Win enterprise deals", weight=3)
    release = services.release_save(product=product, by=pm, name="Spring", target_date=None)
    other_pm = make_user(role=Role.PM, name="Omar PM")
    product.team.add(other_pm)
    url = _url(product, f"items/{item.pk}/")
    page = pm_client.get(url).content.decode()
    for text in ["First idea", "Second idea", "Win enterprise deals", "Spring", "Omar PM"]:
        assert text in page

    response = pm_client.post(
        url,
        {
            "title": "Enterprise SSO",
            "owner": other_pm.pk,
            "public_title": "Single sign-on",
            "public_description": "Sign in with **Okta**.",
            "is_public": "on",
            "release": release.pk,
            "pm_score": "80",
            "goals": [goal.pk],
            "internal_notes": "Legal wants the DPA first.",
            "remove_ideas": [second.pk],
            "add_ideas": str(added.pk),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.public_title, item.owner, item.release, item.pm_score) == (
        "Enterprise SSO",
        "Single sign-on",
        other_pm,
        release,
        80,
    )
    assert item.internal_notes == "Legal wants the DPA first."
    assert list(item.goals.all()) == [goal]
    assert set(item.ideas.all()) == {first, added}
    assert _status(added) == Status.IN_PROGRESS  # it takes the item's status


def test_a_bad_score_or_idea_number_is_explained_beside_the_field_and_keeps_the_typing(
    pm_client: Client, product: Product, pm: User
) -> None:
    item = _item(product, pm, "Audit log")
    merged = make_idea(product=product)
    idea_services.idea_merge(source=merged, target=item.ideas.get(), by=pm)
    response = pm_client.post(
        _url(product, f"items/{item.pk}/"),
        {"title": "Audit log v2", "pm_score": "150", "add_ideas": f"{merged.pk}"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A score is between 0 and 100." in html
    assert f"Idea #{merged.pk} was merged." in html
    assert 'value="Audit log v2"' in html
    assert RoadmapItem.objects.get(pk=item.pk).title == "Audit log"


def test_moving_from_the_board_script_reorders_and_records_the_move(
    pm_client: Client, product: Product, pm: User
) -> None:
    a, b, c = (_item(product, pm, t) for t in ["A", "B", "C"])
    move = _url(product, f"items/{c.pk}/move/")
    response = pm_client.post(
        move, {"horizon": "next", "before": a.pk}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 204
    assert _order(product, Horizon.NEXT) == ["C", "A", "B"]
    assert not RoadmapEvent.objects.filter(kind="moved").exists()  # same column: no event

    response = pm_client.post(
        _url(product, f"items/{a.pk}/move/"), {"horizon": "now"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert _order(product, Horizon.NOW) == ["A"]
    event = RoadmapEvent.objects.get(kind="moved")
    assert (event.item, event.from_value, event.to_value, event.by) == (a, "next", "now", pm)

    # A neighbour from another column (stale page) only loses the exact spot.
    pm_client.post(
        _url(product, f"items/{b.pk}/move/"),
        {"horizon": "now", "before": c.pk},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert _order(product, Horizon.NOW) == ["A", "B"]
    bad = pm_client.post(move, {"horizon": "someday"}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400


def test_moving_without_javascript_goes_back_to_the_filtered_board(
    pm_client: Client, product: Product, pm: User
) -> None:
    item = _item(product, pm, "Recurring tasks")
    back = _url(product, "?status=planned")
    response = pm_client.post(
        _url(product, f"items/{item.pk}/move/"), {"horizon": "later", "next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert "Moved “Recurring tasks” to Later." in response.content.decode()
    assert RoadmapItem.objects.get(pk=item.pk).horizon == Horizon.LATER
    offsite = pm_client.post(
        _url(product, f"items/{item.pk}/move/"),
        {"horizon": "now", "next": "https://evil.test/"},
    )
    assert offsite["Location"] == _url(product)


def test_starting_then_shipping_moves_the_ideas_tells_who_asked_and_adds_a_changelog_entry(
    pm_client: Client, product: Product, pm: User
) -> None:
    voter = make_user(email="vic@customer.test")
    idea = make_idea(product=product, title="Slack alerts")
    idea_services.vote_cast(idea=idea, user=voter)
    item = services.item_promote(product=product, ideas=[idea], by=pm, title="Slack updates")
    RoadmapItem.objects.filter(pk=item.pk).update(public_title="Post updates to Slack")
    status = _url(product, f"items/{item.pk}/status/")

    pm_client.post(status, {"status": "in_progress"})
    assert RoadmapItem.objects.get(pk=item.pk).status == ItemStatus.IN_PROGRESS
    assert _status(idea) == Status.IN_PROGRESS

    confirm = pm_client.post(status, {"status": "shipped", "next": _url(product)})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Ship “Slack updates”?" in html
    assert "goes on the public changelog" in html
    assert RoadmapItem.objects.get(pk=item.pk).status == ItemStatus.IN_PROGRESS

    done = pm_client.post(
        status, {"status": "shipped", "confirmed": "1", "next": _url(product)}, follow=True
    )
    assert "It is on the changelog." in done.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.SHIPPED
    assert item.shipped_at is not None
    assert _status(idea) == Status.SHIPPED
    entry = ChangelogEntry.objects.get(item=item)
    assert (entry.product, entry.title) == (product, "Post updates to Slack")
    shipped_mail = OutboundEmail.objects.filter(
        to="vic@customer.test", reason="idea_status", subject__contains="shipped"
    )
    assert shipped_mail.count() == 1


def test_a_new_release_from_the_item_page_holds_the_item_and_shows_on_the_timeline(
    pm_client: Client, product: Product, pm: User
) -> None:
    item = _item(product, pm, "Audit log")
    _item(product, pm, "Unscheduled work")
    bad = pm_client.post(_url(product, "releases/new/"), {"name": "", "item": item.pk})
    assert bad.status_code == 400
    assert "Name the release." in bad.content.decode()
    pm_client.post(
        _url(product, "releases/new/"),
        {"name": "Summer release", "target_date": "2031-06-30", "item": item.pk},
    )
    release = Release.objects.get(product=product)
    assert (release.name, release.target_date) == ("Summer release", date(2031, 6, 30))
    item.refresh_from_db()
    assert item.release == release
    assert item.title == "Audit log"
    assert item.ideas.count() == 1  # the rest of the item is untouched
    timeline = pm_client.get(_url(product, "?view=timeline")).content.decode()
    assert timeline.index("Summer release") < timeline.index("No release")
    assert "30 Jun 2031" in timeline
    assert timeline.index("Audit log") < timeline.index("Unscheduled work")


def test_each_card_shows_why_the_item_is_on_the_roadmap(
    pm_client: Client, product: Product, pm: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # type: ignore[operator]
        card = scoring_services.scorecard_apply_preset(
            product=product, preset="value_vs_effort", by=pm
        )
    goal = scoring_services.goal_save(product=product, by=pm, name="Win enterprise deals", weight=5)
    make_account(name="Halcyon Bank", domains=["halcyon.test"], arr=385_000)
    best = make_idea(product=product, title="SAML single sign-on with Okta")
    other = make_idea(product=product, title="SSO with Azure AD")
    idea_services.vote_cast(idea=best, user=make_user(email="ciso@halcyon.test"))
    _rate(card, best, pm, value=5, effort=1)
    _rate(card, other, pm, value=2, effort=5)
    scoring_services.idea_goal_set(idea=best, goal=goal, strength=3, by=pm)
    item = services.item_promote(product=product, ideas=[best, other], by=pm, title="SSO")
    rated = _item(product, pm, "Audit log", horizon=Horizon.LATER)
    RoadmapItem.objects.filter(pk=rated.pk).update(pm_score=42)

    html = pm_client.get(_url(product)).content.decode()
    assert escape(selectors.SCORE_RULE) in html
    assert "Score of “SAML single sign-on with Okta”" in html
    assert "Score set by a PM." in html
    assert "Value</span> +" in html  # the top contributing metrics
    assert "Win enterprise deals" in html
    why = selectors.item_whys([RoadmapItem.objects.prefetch_related("ideas").get(pk=item.pk)])
    assert why[item.pk].revenue == Decimal(385_000)
    assert "<strong>3</strong> voters" in html  # each idea's author, and the bank's CISO
    assert "<strong>1</strong> account ·" in html
    assert "<strong>$385,000</strong> at stake" in html
    assert "Halcyon Bank" in html
    assert "Owner</span> Priya PM" in html
    assert f'href="/pm/{product.slug}/ideas/{best.pk}/"' in html
    assert f'href="/pm/{product.slug}/ideas/{other.pk}/"' in html
    assert "Alt</kbd>+<kbd>←</kbd>" in html  # the keys are documented
    assert "/static/js/board." in html
    assert f'data-move-url="/pm/{product.slug}/roadmap/items/{item.pk}/move/"' in html


def _rate(card: Scorecard, idea: Idea, pm: User, *, value: int, effort: int) -> None:
    scoring_services.rating_set(idea=idea, metric=card.metrics.get(key="value"), value=value, by=pm)
    scoring_services.rating_set(
        idea=idea, metric=card.metrics.get(key="effort"), value=effort, by=pm
    )


def test_board_filters_by_goal_owner_and_status(
    pm_client: Client, product: Product, pm: User
) -> None:
    goal = scoring_services.goal_save(product=product, by=pm, name="Daily use", weight=3)
    other_pm = make_user(role=Role.PM, name="Omar PM")
    product.team.add(other_pm)
    a = _item(product, pm, "Goal item")
    a.goals.add(goal)
    b = _item(product, pm, "Omar's item")
    RoadmapItem.objects.filter(pk=b.pk).update(owner=other_pm)
    c = _item(product, pm, "Started item")
    services.item_set_status(item=c, status=ItemStatus.IN_PROGRESS, by=pm)

    def titles(query: str) -> set[str]:
        columns = pm_client.get(_url(product, f"?{query}")).context["columns"]
        return {card.item.title for column in columns for card in column.cards}

    assert titles("") == {"Goal item", "Omar's item", "Started item"}
    assert titles(f"goal={goal.pk}") == {"Goal item"}
    assert titles(f"owner={other_pm.pk}") == {"Omar's item"}
    assert titles("status=in_progress") == {"Started item"}
    assert titles("status=nonsense&goal=abc") == {"Goal item", "Omar's item", "Started item"}


def test_shipped_items_fold_away_at_the_bottom_of_now(
    pm_client: Client, product: Product, pm: User
) -> None:
    done = _item(product, pm, "Done item", horizon=Horizon.NOW)
    services.item_set_status(item=done, status=ItemStatus.SHIPPED, by=pm)
    _item(product, pm, "Current item", horizon=Horizon.NOW)
    now = pm_client.get(_url(product)).context["columns"][0]
    assert [c.item.title for c in now.cards] == ["Current item"]
    assert [c.item.title for c in now.shipped] == ["Done item"]


def test_roadmap_page_query_counts_do_not_grow_with_items(
    pm_client: Client, product: Product, pm: User
) -> None:
    """Guards against N+1s over each item's owner, release, goals and ideas, and over the
    why of each card (votes, accounts, opportunities, score details) on the board, the
    timeline, the printable page and the CSV; and over the ideas and accounts on an item's
    page."""
    goal = scoring_services.goal_save(product=product, by=pm, name="Daily use", weight=3)
    release = services.release_save(product=product, by=pm, name="Q3", target_date=None)
    item = _item(product, pm, "Growing item")

    counter = itertools.count()

    def add(n: int) -> None:
        for k in range(n):
            domain = f"grow{next(counter)}.test"
            make_account(domains=[domain])
            idea = make_idea(product=product)
            idea_services.vote_cast(idea=idea, user=make_user(email=f"cto@{domain}"))
            new = services.item_promote(
                product=product, ideas=[idea], by=pm, horizon=list(Horizon)[k % 3]
            )
            new.goals.add(goal)
            RoadmapItem.objects.filter(pk=new.pk).update(release=release)
            item.ideas.add(make_idea(product=product))

    urls = [
        _url(product),
        _url(product, "?view=timeline"),
        _url(product, "print/"),
        _url(product, "export.csv"),
        _url(product, f"items/{item.pk}/"),
    ]
    add(2)
    small = {url: _queries(pm_client, url) for url in urls}
    add(9)
    assert {url: _queries(pm_client, url) for url in urls} == small


def test_the_csv_export_lists_every_item_and_never_runs_a_formula(
    pm_client: Client, product: Product, pm: User
) -> None:
    goal = scoring_services.goal_save(product=product, by=pm, name="Win deals", weight=3)
    make_account(name="=HYPERLINK(evil)", domains=["evil.test"], arr=50_000)
    idea = make_idea(product=product, title="@SUM(1+1) in reports")
    idea_services.vote_cast(idea=idea, user=make_user(email="x@evil.test"))
    item = services.item_promote(
        product=product, ideas=[idea], by=pm, title="=cmd|' /C calc'!A0", horizon="now"
    )
    item.goals.add(goal)
    release = services.release_save(product=product, by=pm, name="-Spring", target_date=None)
    Release.objects.filter(pk=release.pk).update(target_date=date(2031, 3, 1))
    RoadmapItem.objects.filter(pk=item.pk).update(release=release, pm_score=55)
    response = pm_client.get(_url(product, "export.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"roadmap-{product.slug}-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    [row] = rows
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["release"] == "'-Spring"
    assert row["accounts"] == "'=HYPERLINK(evil)"
    assert row["ideas"] == f"#{idea.pk} @SUM(1+1) in reports"
    assert (row["horizon"], row["status"], row["target_date"]) == ("Now", "Planned", "2031-03-01")
    assert (row["owner"], row["goals"], row["score"], row["score_from"]) == (
        "Priya PM",
        "Win deals",
        "55.0",
        "PM",
    )
    assert (row["voters"], row["revenue_at_stake"], row["public"]) == ("2", "50000.00", "yes")
    assert row["item_url"].endswith(f"/pm/{product.slug}/roadmap/items/{item.pk}/")


def test_the_printable_page_has_no_navigation_or_controls(
    pm_client: Client, product: Product, pm: User
) -> None:
    _item(product, pm, "Audit log")
    html = pm_client.get(_url(product, "print/")).content.decode()
    assert "Audit log" in html
    assert escape(selectors.SCORE_RULE) in html
    assert "@media print" not in html  # the print stylesheet lives in portal.css
    assert "/static/css/portal." in html
    assert "<nav" not in html
    assert "<form" not in html
    assert "Sign out" not in html
