"""The scoring pages as a PM uses them; what sales and customers may not see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services as idea_services
from ideas.models import Idea
from portal.models import Product, Role, User
from scoring import selectors, services
from scoring.models import Metric, Rating, Scorecard, ScorecardChange
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., Any]


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM)


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


@pytest.fixture
def card(
    product: Product, pm: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> Scorecard:
    with django_capture_on_commit_callbacks(execute=False):
        return services.scorecard_apply_preset(product=product, preset="value_vs_effort", by=pm)


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _rated(product: Product, card: Scorecard, pm: User, value: int, effort: int, **kw: Any) -> Idea:
    idea = make_idea(product=product, **kw)
    services.rating_set(idea=idea, metric=card.metrics.get(key="value"), value=value, by=pm)
    services.rating_set(idea=idea, metric=card.metrics.get(key="effort"), value=effort, by=pm)
    return Idea.objects.get(pk=idea.pk)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_scoring_pages_are_404_to_everyone_but_the_products_pms(
    client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    idea = _rated(product, card, pm, 3, 3)
    base = f"/pm/{product.slug}"
    pages = [
        f"{base}/scores/",
        f"{base}/scores/chart/",
        f"{base}/ideas/{idea.pk}/score/",
        f"{base}/compare/?ideas={idea.pk},{idea.pk}",
        f"{base}/scorecard/",
    ]
    actions = [
        f"{base}/ideas/{idea.pk}/rate/",
        f"{base}/ideas/{idea.pk}/goals/",
        f"{base}/scorecard/what-if/",
        f"{base}/scorecard/preset/",
        f"{base}/scorecard/goals/",
    ]
    for visitor in [None, make_user(), make_user(role=Role.SALES), make_user(role=Role.PM)]:
        client.logout()
        if visitor:
            client.force_login(visitor)
        for url in pages:
            assert client.get(url).status_code == 404, (visitor, url)
        for url in actions:
            assert (
                client.post(url, {"metric": "value", "value": "5", "preset": "rice"}).status_code
                == 404
            )
    assert Rating.objects.get(idea=idea, metric__key="value").value == 3
    assert Scorecard.objects.get(product=product, active=True).preset == "value_vs_effort"


def test_ranking_lists_ideas_by_score_with_inline_ratings(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    best = _rated(product, card, pm, 5, 1, title="Quick big win")
    worst = _rated(product, card, pm, 1, 5, title="Slow small thing")
    unrated = make_idea(product=product, title="Not rated yet")
    page = pm_client.get(f"/pm/{product.slug}/scores/?show=all")
    titles = [row.idea.title for row in page.context["page"].rows]
    assert titles.index("Quick big win") < titles.index("Slow small thing")
    html = page.content.decode()
    assert "2 ratings missing" in html
    assert best.score > worst.score
    response = pm_client.post(
        f"/pm/{product.slug}/ideas/{unrated.pk}/rate/",
        {"metric": "value", "value": "4"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "1 rating missing" in response.content.decode()
    assert "<html" not in response.content.decode()
    bad = pm_client.post(
        f"/pm/{product.slug}/ideas/{unrated.pk}/rate/",
        {"metric": "value", "value": "9"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400
    assert Rating.objects.get(idea=unrated, metric__key="value").value == 4


def test_page_query_counts_do_not_grow_with_ideas(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    """Guards against N+1s over ratings, ranks and score details on the ranking, why,
    compare and chart pages."""
    a = _rated(product, card, pm, 5, 1)
    b = _rated(product, card, pm, 2, 4)
    urls = [
        f"/pm/{product.slug}/scores/",
        f"/pm/{product.slug}/scores/chart/",
        f"/pm/{product.slug}/ideas/{a.pk}/score/",
        f"/pm/{product.slug}/compare/?ideas={a.pk},{b.pk}",
    ]
    small = {url: _queries(pm_client, url) for url in urls}
    for n in range(12):
        _rated(product, card, pm, 1 + n % 5, 1 + (n * 3) % 5)
    services.rating_set(idea=a, metric=card.metrics.get(key="value"), value=4, by=pm)
    assert {url: _queries(pm_client, url) for url in urls} == small


def test_why_this_score_explains_every_metric(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    goal = services.goal_save(product=product, by=pm, name="Win enterprise deals", weight=5)
    idea = _rated(product, card, pm, 5, 2, title="SAML SSO")
    services.idea_goal_set(idea=idea, goal=goal, strength=3, by=pm)
    html = pm_client.get(f"/pm/{product.slug}/ideas/{idea.pk}/score/").content.decode()
    for text in [
        "Value",
        "Effort",
        "Goal alignment",
        "Normalised",
        "Contribution",
        "Rank <strong>1</strong>",
        "log scale",
    ]:
        assert text in html, text
    assert "Win enterprise deals" in html
    assert "(goal alignment changed)" in html


def test_compare_highlights_the_difference_that_decides(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    a = _rated(product, card, pm, 5, 3, title="A")
    b = _rated(product, card, pm, 1, 3, title="B")
    page = pm_client.get(f"/pm/{product.slug}/compare/?ideas={a.pk},{b.pk}")
    assert page.context["decisive"] == "value"
    assert page.context["leader"] == a
    assert pm_client.get(f"/pm/{product.slug}/compare/?ideas={a.pk}").status_code == 400


def test_what_if_re_ranks_without_saving_and_save_records_the_change(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    cheap = _rated(product, card, pm, 2, 1, title="Cheap")
    valuable = _rated(product, card, pm, 5, 5, title="Valuable")
    weights = {f"w_{m.key}": m.weight for m in card.metrics.all()}
    preview = pm_client.post(
        f"/pm/{product.slug}/scorecard/what-if/", {**weights, "w_value": "10", "w_effort": "0"}
    )
    rows = preview.context["preview"]["rows"]
    assert rows[0]["title"] == "Valuable"
    assert "Preview only: not saved." in preview.content.decode()
    assert Metric.objects.get(scorecard=card, key="value").weight == 3
    assert not ScorecardChange.objects.filter(note="Value matters").exists()
    response = pm_client.post(
        f"/pm/{product.slug}/scorecard/",
        {**weights, "w_value": "10", "w_effort": "0", "note": "Value matters"},
    )
    assert response.status_code == 302
    assert Metric.objects.get(scorecard=card, key="value").weight == 10
    assert ScorecardChange.objects.filter(note="Value matters", by=pm).exists()
    bad = pm_client.post(f"/pm/{product.slug}/scorecard/", {**weights, "w_value": "-2"})
    assert bad.status_code == 400
    assert "Weights cannot be negative." in bad.content.decode()
    assert cheap.pk != valuable.pk


def test_sales_see_total_and_rank_but_never_ratings_or_weights(
    client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    sales = make_user(role=Role.SALES)
    account = make_account(owner=sales, domains=["acme.test"])
    idea = _rated(product, card, pm, 5, 1, title="Wanted by Acme")
    idea_services.vote_cast(idea=idea, user=make_user(email="x@acme.test"))
    services.product_rescore(product=product, event="demand")
    client.force_login(sales)
    html = client.get("/sales/").content.decode()
    score = Idea.objects.get(pk=idea.pk).score
    assert f"{score:.0f}" in html
    assert "#1" in html
    assert client.get(f"/pm/{product.slug}/ideas/{idea.pk}/score/").status_code == 404
    assert account.pk


def test_the_ranking_pages_fifty_ideas_at_a_time_and_ranks_a_rated_row_alone(
    pm_client: Client, product: Product, card: Scorecard, pm: User
) -> None:
    ideas = [make_idea(product=product, title=f"Idea {n:02}") for n in range(53)]
    Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(score=10)
    Idea.objects.filter(pk=ideas[0].pk).update(score=90)
    first = pm_client.get(f"/pm/{product.slug}/scores/?show=all")
    assert len(first.context["page"].rows) == 50
    assert first.context["page"].rows[0].idea.pk == ideas[0].pk
    assert "page=2" in first.content.decode()
    second = pm_client.get(f"/pm/{product.slug}/scores/?show=all&page=2")
    rows = second.context["page"].rows
    assert len(rows) == 3
    assert {row.rank for row in rows} == {2}  # tied below the one at 90
    assert "Ideas 51\N{EN DASH}53" in second.content.decode()
    assert pm_client.get(f"/pm/{product.slug}/scores/?page=-3").status_code == 200
    rated = pm_client.post(
        f"/pm/{product.slug}/ideas/{ideas[5].pk}/rate/",
        {"metric": "value", "value": "5"},
        HTTP_HX_REQUEST="true",
    )
    assert rated.status_code == 200
    scored = Idea.objects.get(pk=ideas[5].pk).score
    higher = Idea.objects.filter(product=product, score__gt=scored).count()
    (row,) = selectors.ranking_page(product=product, idea_ids=[ideas[5].pk], show="all").rows
    assert row.rank == higher + 1
