"""200 people voting and un-voting at once on 50 ideas through a real web server: 5,000
requests, double clicks included. No request fails, every stored counter equals its
rows, no one holds two votes on an idea, and each person ends with exactly the votes
their own last clicks asked for."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import connection

from ideas.models import Idea, Vote
from ideas.services.counters import counters_drift
from portal.models import User
from tests.factories import make_idea, make_product
from tests.faults.servers import (
    Http,
    Processes,
    Redis,
    base_env,
    scratch_dir,
    session_for,
    start_gunicorn,
)

pytestmark = pytest.mark.django_db(transaction=True)

USERS = 200
IDEAS = 50
REQUESTS = 5_000


@pytest.fixture
def web(transactional_db: None) -> Iterator[int]:
    """gunicorn (2 processes x 8 threads, as in production) on the test database, with a
    Redis of its own for the rescoring tasks each vote queues (no worker drains them)."""
    processes = Processes()
    with scratch_dir() as work:
        try:
            redis = Redis(processes, work)
            redis.start()
            _, port = start_gunicorn(processes, work, base_env(REDIS_URL=redis.url))
            yield port
        finally:
            processes.close()


def test_200_people_voting_at_once_leave_exact_counts_and_no_duplicate_votes(web: int) -> None:
    product = make_product(slug="race")
    ideas = [make_idea(product=product, title=f"Racing idea {n}") for n in range(IDEAS)]
    authors = {i.author_id for i in ideas if i.author_id is not None}
    User.objects.bulk_create(
        [User(email=f"voter{n}@race.test", name=f"Voter {n}") for n in range(USERS)]
    )
    voters = list(User.objects.filter(email__endswith="@race.test").order_by("pk"))
    rng = random.Random(8)  # noqa: S311 - test actions
    plans: list[list[tuple[int, str, bool]]] = []
    for n in range(USERS):
        plan = []
        for _ in range(REQUESTS // USERS):
            idea = rng.choice(ideas).pk
            action = rng.choice(["vote", "vote", "unvote"])  # repeats are double clicks
            plan.append((idea, action, n % 2 == 0))  # half use htmx, half plain forms
        plans.append(plan)
    sessions = [session_for(v.pk) for v in voters]

    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(USERS + 1)

    def person(n: int) -> None:
        http = Http(web, sessions[n], timeout=60)
        seen: Counter[int] = Counter()
        start.wait()
        try:
            for idea_id, action, htmx in plans[n]:
                http.htmx = htmx
                status, body = http.request(
                    "POST", f"/p/race/ideas/{idea_id}/vote/", {"action": action}
                )
                seen[status] += 1
                if status not in (200, 302):
                    with lock:
                        failures.append(f"{status} on {action} {idea_id}: {body[:300]!r}")
        except Exception as exc:  # a dropped connection or timeout is a failure too
            with lock:
                failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            http.close()
            with lock:
                statuses.update(seen)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(USERS)]
    for t in threads:
        t.start()
    start.wait()
    began = time.monotonic()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "requests hung"

    assert failures == [], failures[:5]
    assert sum(statuses.values()) == REQUESTS
    # Each person's requests ran one after another: their last click on an idea decides.
    expected = {
        (idea_id, voters[n].pk)
        for n, plan in enumerate(plans)
        for idea_id in {i for i, _, _ in plan}
        if [a for i, a, _ in plan if i == idea_id][-1] == "vote"
    }
    rows = set(
        Vote.objects.filter(idea__product=product)
        .exclude(user_id__in=authors)
        .values_list("idea_id", "user_id")
    )
    assert rows == expected
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idea_id, user_id FROM ideas_vote GROUP BY idea_id, user_id HAVING COUNT(*) > 1"
        )
        assert cursor.fetchall() == []
    for stored in Idea.objects.filter(product=product):
        assert stored.vote_count == 1 + sum(1 for i, _ in expected if i == stored.pk)
    # Every stored counter (votes, trending, accounts, demand) equals a recount of the rows.
    assert counters_drift(product_id=product.pk) == []
    print(f"{REQUESTS} vote requests by {USERS} users in {elapsed:.1f} s: {dict(statuses)}")
