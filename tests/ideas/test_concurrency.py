"""Votes under concurrent requests on real PostgreSQL: the stored count equals the rows."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from ideas import services
from ideas.models import Idea, Vote
from portal.models import User
from tests.factories import make_idea, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _toggle(idea_id: int, user_id: int, actions: list[str]) -> None:
    try:
        idea = Idea.objects.get(pk=idea_id)
        user = User.objects.get(pk=user_id)
        for action in actions:
            if action == "vote":
                services.vote_cast(idea=idea, user=user)
            else:
                services.vote_withdraw(idea=idea, user=user)
    finally:
        connection.close()


def test_concurrent_casts_and_withdrawals_keep_the_count_exact() -> None:
    ideas = [make_idea(), make_idea()]
    users = [make_user() for _ in range(12)]
    rng = random.Random(7)  # noqa: S311 - shuffles test actions
    jobs = []
    for user in users:
        for idea in ideas:
            # Each user double-clicks and changes their mind: duplicates on purpose.
            actions = [rng.choice(["vote", "vote", "unvote"]) for _ in range(6)]
            jobs.append((idea.pk, user.pk, actions))
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(_toggle, *job) for job in jobs]:
            future.result()
    for idea in ideas:
        idea.refresh_from_db()
        assert idea.vote_count == Vote.objects.filter(idea=idea).count()
    pairs = list(Vote.objects.values_list("idea_id", "user_id"))
    assert len(pairs) == len(set(pairs))


def test_the_same_vote_sent_many_times_at_once_is_counted_once() -> None:
    idea = make_idea()
    user = make_user()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(_toggle, idea.pk, user.pk, ["vote"]) for _ in range(16)]:
            future.result()
    idea.refresh_from_db()
    assert idea.vote_count == 2
    assert Vote.objects.filter(idea=idea, user=user).count() == 1
