"""Roadmap writes: promoting ideas, moving items, shipping, and each item's why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ideas import services as idea_services
from ideas.models import Idea, OutboundEmail, Status
from portal.models import Product, Role, User
from roadmap import selectors, services
from roadmap.models import ChangelogEntry, Horizon, ItemStatus, RoadmapEvent, RoadmapItem
from scoring import services as scoring_services
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, email="pat@vendor.test")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


def _status(idea: Idea) -> str:
    return Idea.objects.get(pk=idea.pk).status


def test_promoting_ideas_plans_them_and_tells_who_asked(product: Product, pm: User) -> None:
    voter = make_user(email="vic@customer.test")
    a = make_idea(product=product, title="Dark mode")
    b = make_idea(product=product, title="Dark theme")
    idea_services.vote_cast(idea=a, user=voter)
    item = services.item_promote(product=product, ideas=[a, b], by=pm, horizon=Horizon.NEXT)
    assert item.title == "Dark mode"
    assert set(item.ideas.all()) == {a, b}
    assert (_status(a), _status(b)) == (Status.PLANNED, Status.PLANNED)
    email = OutboundEmail.objects.get(to="vic@customer.test", reason="idea_status")
    assert "on our roadmap (Next)" in email.body_text
    assert RoadmapEvent.objects.filter(item=item, kind="created").exists()


def test_promoting_refuses_other_products_and_closed_ideas(product: Product, pm: User) -> None:
    declined = make_idea(product=product)
    idea_services.idea_decline(idea=declined, by=pm, kind="not_now", reason="Later")
    with pytest.raises(ValidationError, match="cannot be promoted"):
        services.item_promote(product=product, ideas=[declined], by=pm)
    with pytest.raises(ValidationError, match="belong to this product"):
        services.item_promote(product=product, ideas=[make_idea()], by=pm)
    with pytest.raises(PermissionDenied):
        services.item_promote(product=product, ideas=[make_idea(product=product)], by=make_user())
    assert not RoadmapItem.objects.exists()


def test_moving_between_horizons_is_recorded_and_orders_the_column(
    product: Product, pm: User
) -> None:
    first = services.item_promote(
        product=product, ideas=[make_idea(product=product)], by=pm, horizon="now"
    )
    second = services.item_promote(
        product=product, ideas=[make_idea(product=product)], by=pm, horizon="next"
    )
    services.item_move(item=second, horizon="now", by=pm, before=first)
    column = list(RoadmapItem.objects.filter(product=product, horizon="now").order_by("position"))
    assert column == [second, first]
    move = RoadmapEvent.objects.get(item=second, kind="moved")
    assert (move.from_value, move.to_value, move.by) == ("next", "now", pm)
    with pytest.raises(ValidationError):
        services.item_move(item=second, horizon="someday", by=pm)


def test_shipping_ships_the_ideas_writes_the_changelog_and_tells_everyone(
    product: Product, pm: User
) -> None:
    voter = make_user(email="vic@customer.test")
    idea = make_idea(product=product, title="Slack alerts")
    idea_services.vote_cast(idea=idea, user=voter)
    item = services.item_promote(product=product, ideas=[idea], by=pm)
    services.item_set_status(item=item, status=ItemStatus.IN_PROGRESS, by=pm)
    assert _status(idea) == Status.IN_PROGRESS
    services.item_set_status(item=item, status=ItemStatus.SHIPPED, by=pm)
    assert _status(idea) == Status.SHIPPED
    item.refresh_from_db()
    assert item.shipped_at is not None
    entry = ChangelogEntry.objects.get(item=item)
    assert entry.title == item.shown_title
    subjects = list(
        OutboundEmail.objects.filter(to="vic@customer.test", reason="idea_status")
        .order_by("created_at")
        .values_list("subject", flat=True)
    )
    assert [s.split(" is now ")[-1] for s in subjects] == ["planned", "in progress", "shipped"]


def test_a_declined_idea_on_an_item_is_left_as_decided(product: Product, pm: User) -> None:
    open_idea = make_idea(product=product)
    item = services.item_promote(product=product, ideas=[open_idea], by=pm)
    other = make_idea(product=product)
    idea_services.idea_decline(idea=other, by=pm, kind="will_not_do", reason="No")
    item.ideas.add(other)
    services.item_set_status(item=item, status=ItemStatus.SHIPPED, by=pm)
    assert _status(other) == Status.DECLINED
    assert _status(open_idea) == Status.SHIPPED


def test_an_items_why_adds_up_across_its_ideas(product: Product, pm: User) -> None:
    big = make_account(domains=["big.test"], arr=100_000)
    small = make_account(domains=["small.test"], arr=5_000)
    sales = make_user(role=Role.SALES)
    a = make_idea(product=product, author=make_user(email="x@big.test"))
    b = make_idea(product=product, author=make_user(email="y@small.test"))
    shared = make_user(email="z@big.test")
    idea_services.vote_cast(idea=a, user=shared)
    idea_services.vote_cast(idea=b, user=shared)  # one voter on both ideas: counts once
    idea_services.proxy_vote_record(
        idea=b,
        account=big,
        recorded_by=sales,
        importance="critical",
        source="call",
        opportunity_value=Decimal("20000"),
    )
    card = product.scorecards.get(active=True)
    scoring_services.rating_set(idea=b, metric=card.metrics.get(key="value"), value=5, by=pm)
    item = services.item_promote(product=product, ideas=[a, b], by=pm)
    why = selectors.item_whys(list(selectors.items_for_board(product=product)))[item.pk]
    assert why.voters == 3  # the two authors and the shared voter
    assert [acc.pk for acc in why.accounts] == [big.pk, small.pk]  # each once, by ARR
    assert why.revenue == Decimal(100_000 + 5_000 + 20_000)
    assert why.score == Idea.objects.get(pk=b.pk).score
    assert why.score_source == b.title
    assert why.top_metrics
    assert why.top_metrics[0]["key"] in {"value", "goals", "demand"}
    services.item_update(item=item, by=pm, title=item.title, pm_score=88)
    assert selectors.item_whys([RoadmapItem.objects.get(pk=item.pk)])[item.pk].score_source == "pm"
