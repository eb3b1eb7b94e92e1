"""Time a full, set-based rescore of one product on PostgreSQL.

Run through ``bench/rescore`` (it starts a throwaway PostgreSQL). Fills a product with
N ideas (default 100,000) with realistic titles and problems, demand figures, two
ratings each and some goal links, then times: the first full rescore (every score new),
and a rescore after a weight change (every total moves). Prints the figures as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from ideas.models import Idea  # noqa: E402
from portal.models import Product, Role, User  # noqa: E402
from roadmap.management.commands.seed_scale import (  # noqa: E402
    OBJECTS,
    QUALIFIERS,
    REASONS,
    ROLES,
    VERBS,
)
from scoring.models import Goal, IdeaGoal, Rating, Scorecard  # noqa: E402
from scoring.services import product_rescore  # noqa: E402


def text(rng: random.Random) -> tuple[str, str]:
    """A title and a problem statement as long and as varied as real ones."""
    verb, obj, qualifier = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)
    return (
        f"{verb} {obj} {qualifier}",
        f"As a {rng.choice(ROLES)}, I need to {verb.lower()} {obj} {qualifier} because "
        f"{rng.choice(REASONS)}. As a {rng.choice(ROLES)}, it matters because "
        f"{rng.choice(REASONS)}.",
    )


def fill(n: int, rng: random.Random) -> Product:
    pm = User.objects.create_user(email="bench-pm@example.test", password=None, role=Role.PM)
    product = Product.objects.create(name="Bench", slug="bench")
    product.team.add(pm)
    now = timezone.now()
    ideas = [
        Idea(
            product=product,
            title=title,
            problem=problem,
            confirmed_at=now,
            vote_count=int(rng.paretovariate(1.2)) - 1,
            account_count=rng.randint(0, 5),
            revenue_at_stake=rng.randint(0, 500_000),
            demand_important=rng.randint(0, 20),
            demand_critical=rng.randint(0, 5),
        )
        for title, problem in (text(rng) for _ in range(n))
    ]
    Idea.objects.bulk_create(ideas, batch_size=5_000)
    card = Scorecard.objects.get(product=product, active=True)
    metrics = {m.key: m for m in card.metrics.all()}
    ids = list(Idea.objects.filter(product=product).values_list("pk", flat=True))
    Rating.objects.bulk_create(
        (
            Rating(idea_id=pk, metric=metrics[key], value=rng.randint(1, 5))
            for pk in ids
            for key in ("value", "effort")
        ),
        batch_size=10_000,
    )
    goals = [Goal.objects.create(product=product, name=f"Goal {g}", weight=g + 1) for g in range(3)]
    IdeaGoal.objects.bulk_create(
        (
            IdeaGoal(idea_id=pk, goal=rng.choice(goals), strength=rng.randint(1, 3))
            for pk in ids[::3]
        ),
        batch_size=10_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return product


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(5)  # noqa: S311 - benchmark data
    started = time.perf_counter()
    product = fill(args.ideas, rng)
    filled = time.perf_counter() - started

    started = time.perf_counter()
    first = product_rescore(product=product, event="scorecard")
    first_s = time.perf_counter() - started

    card = Scorecard.objects.get(product=product, active=True)
    card.metrics.filter(key="value").update(weight=6)
    started = time.perf_counter()
    second = product_rescore(product=product, event="weights")
    second_s = time.perf_counter() - started

    print("| ideas | filled in | first full rescore | after a weight change |")
    print("|---|---|---|---|")
    print(
        f"| {args.ideas:,} | {filled:.1f} s | {first_s:.2f} s ({first:,} totals) "
        f"| {second_s:.2f} s ({second:,} totals moved) |"
    )


if __name__ == "__main__":
    main()
