"""Scoring on the database: rescoring on each kind of change, history, set-based equals
per-idea, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ideas import services as idea_services
from ideas.models import Idea
from portal.models import Product, Role, User
from scoring import services
from scoring.models import IdeaScore, Metric, Scorecard, ScorecardChange, ScoreHistory
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


def _metric(card: Scorecard, key: str) -> Metric:
    return card.metrics.get(key=key)


def _score(idea: Idea) -> float:
    return Idea.objects.get(pk=idea.pk).score


def test_a_rating_rescores_the_idea_and_keeps_history(
    product: Product, pm: User, card: Scorecard
) -> None:
    idea = make_idea(product=product)
    services.rating_set(idea=idea, metric=_metric(card, "value"), value=5, by=pm)
    first = _score(idea)
    services.rating_set(idea=idea, metric=_metric(card, "effort"), value=1, by=pm)
    second = _score(idea)
    assert second > first > 0
    detail = IdeaScore.objects.get(idea=idea)
    assert detail.total == second
    assert detail.missing == []
    history = list(
        ScoreHistory.objects.filter(idea=idea)
        .order_by("at", "pk")
        .values_list("previous", "total", "event")
    )
    assert history == [(None, first, "rating"), (first, second, "rating")]


def test_missing_ratings_are_listed_not_hidden(product: Product, pm: User, card: Scorecard) -> None:
    idea = make_idea(product=product)
    services.rating_set(idea=idea, metric=_metric(card, "value"), value=3, by=pm)
    assert IdeaScore.objects.get(idea=idea).missing == ["effort"]


def test_a_rating_outside_the_scale_is_refused(product: Product, pm: User, card: Scorecard) -> None:
    idea = make_idea(product=product)
    with pytest.raises(ValidationError, match="takes one of 1, 2, 3, 4, 5"):
        services.rating_set(idea=idea, metric=_metric(card, "value"), value=7, by=pm)
    with pytest.raises(ValidationError, match="computed, not rated"):
        services.rating_set(idea=idea, metric=_metric(card, "accounts"), value=3, by=pm)
    assert not IdeaScore.objects.exists()


def test_goal_alignment_rescores(product: Product, pm: User, card: Scorecard) -> None:
    idea = make_idea(product=product)
    goal = services.goal_save(product=product, by=pm, name="Enterprise", weight=5)
    services.rating_set(idea=idea, metric=_metric(card, "value"), value=3, by=pm)
    before = _score(idea)
    services.idea_goal_set(idea=idea, goal=goal, strength=3, by=pm)
    assert _score(idea) > before
    assert ScoreHistory.objects.filter(idea=idea, event="goal").exists()


def test_a_vote_rescores_after_commit(
    product: Product, pm: User, card: Scorecard, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    idea = make_idea(product=product)
    popular = make_idea(product=product)
    for _ in range(5):
        idea_services.vote_cast(idea=popular, user=make_user(), importance="critical")
    services.product_rescore(product=product, event="scorecard")
    before = _score(idea)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        idea_services.vote_cast(idea=idea, user=make_user(), importance="critical")
    assert len(callbacks) >= 1  # the rescore task is queued for after the commit
    assert _score(idea) == before  # nothing rescored inside the vote's transaction
    services.ideas_rescore(idea_ids=[idea.pk], product=product, event="demand")  # what it runs
    assert _score(idea) > before
    assert ScoreHistory.objects.filter(idea=idea, event="demand").exists()


def test_an_account_arr_change_reaches_the_score(
    product: Product, pm: User, card: Scorecard
) -> None:
    """Revenue at stake is not in the default preset: a scorecard that weighs it moves."""
    services.scorecard_set_weights(scorecard=card, weights={"demand": 0, "accounts": 0}, by=pm)
    Metric.objects.create(
        scorecard=card, key="revenue", name="Revenue", kind="demand", signal="revenue", weight=5
    )
    big = make_account(domains=["big.test"], arr=500_000)
    make_account(domains=["small.test"], arr=1_000)
    rich = make_idea(product=product, author=make_user(email="a@big.test"))
    poor = make_idea(product=product, author=make_user(email="a@small.test"))
    services.product_rescore(product=product, event="scorecard")
    assert _score(rich) > _score(poor)
    assert big.pk


def test_weight_changes_are_recorded_and_set_based_equals_per_idea(
    product: Product, pm: User, card: Scorecard, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    ideas = [make_idea(product=product) for _ in range(6)]
    for n, idea in enumerate(ideas):
        services.rating_set(idea=idea, metric=_metric(card, "value"), value=1 + n % 5, by=pm)
        services.rating_set(idea=idea, metric=_metric(card, "effort"), value=1 + (n * 2) % 5, by=pm)
        for _ in range(n):
            idea_services.vote_cast(idea=idea, user=make_user())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change = services.scorecard_set_weights(
            scorecard=card, weights={"value": 6}, by=pm, note="Value first"
        )
    assert len(callbacks) == 1  # the product rescore, queued after commit
    assert change is not None
    assert (change.before["value"], change.after["value"], change.note) == (3.0, 6.0, "Value first")
    services.product_rescore(product=product, event="weights")
    set_based = {i.pk: _score(i) for i in ideas}
    for idea in ideas:
        services.ideas_rescore(idea_ids=[idea.pk], product=product, event="weights")
    assert {i.pk: _score(i) for i in ideas} == set_based
    assert ScorecardChange.objects.filter(scorecard=card, note="Value first").exists()
    assert services.scorecard_set_weights(scorecard=card, weights={"value": 6}, by=pm) is None


def test_bad_weights_are_refused(product: Product, pm: User, card: Scorecard) -> None:
    with pytest.raises(ValidationError, match="negative"):
        services.scorecard_set_weights(scorecard=card, weights={"value": -1}, by=pm)
    with pytest.raises(ValidationError, match="Unknown metrics"):
        services.scorecard_set_weights(scorecard=card, weights={"nope": 1}, by=pm)
    zero = {m.key: 0.0 for m in card.metrics.all()}
    with pytest.raises(ValidationError, match="above zero"):
        services.scorecard_set_weights(scorecard=card, weights=zero, by=pm)


def test_one_active_scorecard_per_product(product: Product, pm: User, card: Scorecard) -> None:
    services.scorecard_apply_preset(product=product, preset="rice", by=pm)
    assert list(
        Scorecard.objects.filter(product=product, active=True).values_list("preset", flat=True)
    ) == ["rice"]
    assert Scorecard.objects.filter(product=product).count() == 3  # default, fixture, rice


def test_only_the_products_pms_score(product: Product, card: Scorecard) -> None:
    idea = make_idea(product=product)
    for outsider in [make_user(), make_user(role=Role.SALES), make_user(role=Role.PM)]:
        with pytest.raises(PermissionDenied):
            services.rating_set(idea=idea, metric=_metric(card, "value"), value=3, by=outsider)
        with pytest.raises(PermissionDenied):
            services.scorecard_set_weights(scorecard=card, weights={"value": 1}, by=outsider)
    assert not IdeaScore.objects.exists()


def test_a_new_product_starts_with_the_value_vs_effort_scorecard() -> None:
    product = make_product()
    card = Scorecard.objects.get(product=product, active=True)
    assert card.preset == "value_vs_effort"
    assert list(card.metrics.values_list("key", flat=True)) == [
        "value", "effort", "demand", "accounts", "goals",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_product_rescore_run_as_a_job_writes_totals_on_a_second_connection_and_repairs() -> None:
    """Outside a transaction (as the background job runs) the ideas' totals are written
    on their own connection; every stored total still equals its explained score (the
    worker's own rescores of these ideas wait for the product's), and a total left wrong
    (a failed half) is repaired by the next run."""
    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    card = Scorecard.objects.get(product=product, active=True)
    ideas = [make_idea(product=product) for _ in range(5)]
    for n, idea in enumerate(ideas):
        services.rating_set(idea=idea, metric=_metric(card, "value"), value=1 + n, by=pm)
    card.metrics.filter(key="value").update(weight=7)
    moved = services.product_rescore(product=product, event="weights")
    assert moved >= 4  # every idea rated above the minimum moves
    details = dict(IdeaScore.objects.values_list("idea_id", "total"))
    assert {i.pk: _score(i) for i in ideas} == details
    Idea.objects.filter(pk=ideas[-1].pk).update(score=0)
    services.product_rescore(product=product, event="weights")
    assert _score(ideas[-1]) == IdeaScore.objects.get(idea=ideas[-1]).total > 0
