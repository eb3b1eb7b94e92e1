"""How fast the scoring engine scores a whole product.

    .venv/bin/python bench/scoring_engine.py               # 100,000 ideas x 6 metrics
    .venv/bin/python bench/scoring_engine.py --ideas 20000 --repeat 5
    .venv/bin/python bench/scoring_engine.py --distinct    # no two ratings equal

Generates synthetic ideas (ratings on 1-5 with a tenth missing, skewed vote and account
counts, revenue at stake with every amount different, importance points, fresh votes and
four goals) for a scorecard of six metrics: the value-vs-effort preset plus revenue. Times
``scoring.engine.score_all`` and ``rank`` (no database) and prints the best of the runs in
ideas per second. Real ratings take few values, which the engine exploits; ``--distinct``
makes every rating a different number, the worst case. Needs no Django settings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from scoring.engine import (
        PRESETS,
        GoalSpec,
        IdeaInputs,
        Kind,
        MetricSpec,
        Signal,
        rank,
        score_all,
    )

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--distinct", action="store_true", help="every rating a different number")
    args = parser.parse_args()

    rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not secrets
    metrics = (
        *PRESETS["value_vs_effort"].metrics,
        MetricSpec(
            key="revenue", name="Revenue", kind=Kind.DEMAND, weight=1, signal=Signal.REVENUE
        ),
    )
    goals = [GoalSpec(key=f"g{n}", name=f"Goal {n}", weight=n + 1) for n in range(4)]

    def rating() -> float | None:
        if rng.random() < 0.1:
            return None
        return rng.uniform(1, 5) if args.distinct else float(rng.randint(1, 5))

    ideas = [
        IdeaInputs(
            idea_id=idea_id,
            ratings={"value": rating(), "effort": rating()},
            voters=int(rng.paretovariate(1.2)) - 1,
            accounts=int(rng.paretovariate(1.5)) - 1,
            revenue=rng.paretovariate(1.1) * 1000,
            importance_points=float(rng.randint(0, 60)),
            fresh_votes=rng.uniform(0, 20),
            goal_strengths={f"g{n}": rng.randint(0, 3) for n in range(4) if rng.random() < 0.5},
        )
        for idea_id in range(args.ideas)
    ]

    best = best_rank = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        scores = score_all(ideas, metrics, goals)
        scored = time.perf_counter()
        rank(scores)
        best = min(best, scored - started)
        best_rank = min(best_rank, time.perf_counter() - scored)

    print(f"ideas:        {len(ideas):,} x {len(metrics)} metrics, {len(goals)} goals")
    print(f"ratings:      {'all different' if args.distinct else '1-5, a tenth missing'}")
    print(f"score_all:    {best:.3f} s (best of {args.repeat}), {len(ideas) / best:,.0f} ideas/s")
    print(f"rank:         {best_rank:.3f} s")


if __name__ == "__main__":
    main()
