"""A burst of votes queues one rescore per idea, and no vote is left out of the score."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest
from django.utils import timezone

from ideas import services as idea_services
from ideas.models import Idea
from portal import cache
from portal.models import Product
from scoring import services
from scoring.models import IdeaScore
from scoring.tasks import _queued_key, rescore_ideas
from tests.conftest import _wait_until_worker_idle
from tests.factories import make_idea, make_product, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _score(idea: Idea) -> float:
    return Idea.objects.get(pk=idea.pk).score


def _scored_at(idea: Idea) -> datetime:
    return IdeaScore.objects.get(idea=idea).computed_at


def _product_with_a_popular_idea() -> Product:
    """Demand counts relative to the product's most wanted idea: one with ten votes
    leaves room for each vote below it to move a score."""
    product = make_product()  # starts with the default scorecard, where demand counts
    popular = make_idea(product=product)
    for _ in range(10):
        idea_services.vote_cast(idea=popular, user=make_user(), importance="critical")
    return product


def test_a_burst_of_votes_ends_with_the_score_of_every_vote(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    product = _product_with_a_popular_idea()
    idea = make_idea(product=product)
    _wait_until_worker_idle()
    before = _score(idea)
    for _ in range(6):
        idea_services.vote_cast(idea=idea, user=make_user(), importance="critical")
    _wait_until_worker_idle()
    assert _score(idea) > before
    # What the worker stored is what a rescore gives now: no vote was left out.
    assert services.ideas_rescore(idea_ids=[idea.pk], product=product, event="demand") == 0
    assert cache.get(_queued_key(idea.pk)) is None


def test_a_vote_while_a_rescore_waits_is_counted_by_that_rescore(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    product = _product_with_a_popular_idea()
    idea = make_idea(product=product)
    _wait_until_worker_idle()
    before = _score(idea)
    # A rescore of the idea is queued and has not started: the vote queues no other.
    assert cache.add(_queued_key(idea.pk), 1, 60)
    voted_at = timezone.now()
    idea_services.vote_cast(idea=idea, user=make_user(), importance="critical")
    _wait_until_worker_idle()
    assert _score(idea) == before
    assert not IdeaScore.objects.filter(idea=idea, computed_at__gt=voted_at).exists()
    # The queued task starts: it reads the idea with the vote, and clears the mark.
    rescore_ideas(idea_ids=[idea.pk], event="demand")
    assert _score(idea) > before
    assert cache.get(_queued_key(idea.pk)) is None
    # From then on a vote queues its own rescore, which the worker runs.
    scored_at = _scored_at(idea)
    idea_services.vote_cast(idea=idea, user=make_user(), importance="critical")
    _wait_until_worker_idle()
    assert _scored_at(idea) > scored_at
    assert services.ideas_rescore(idea_ids=[idea.pk], product=product, event="demand") == 0
