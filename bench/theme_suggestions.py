"""How long suggesting themes takes for a big product, and how good the groups are.

    .venv/bin/python bench/theme_suggestions.py            # 100,000 ideas
    .venv/bin/python bench/theme_suggestions.py --ideas 20000 --topics 50

Generates synthetic ideas: ``--topics`` topics, each with its own words, written into
titles and problems among common words, English stop words and noise; ``--noise`` of the
ideas belong to no topic. Times ``ideas.themes.suggest_groups`` (no database) and prints
the groups found, how many topical ideas were grouped, how pure the groups are and how many
topics were found. Needs no Django settings.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["qu", "th", "sh", "ch"]
_STOP = """the a to and of for in we our it is that this when with on be can would like
please need every so they have from at our team all our customers"""
STOP = _STOP.split()
TEMPLATES = [
    "{a} {b} {c}",
    "Please add {a} {b}",
    "{a} {b} for {g}",
    "Support {a} {b} in {g}",
    "Better {a} {b}",
    "{g} {a} {b}",
]


def _pseudo_word(rng: random.Random, seen: set[str]) -> str:
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            return word


def generate(
    *, ideas: int, topics: int, noise: float, seed: int
) -> tuple[list[tuple[int, str, str]], dict[int, int]]:
    """(id, title, problem) rows, and the topic of each idea (-1: none)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    seen: set[str] = set()
    topic_words = [[_pseudo_word(rng, seen) for _ in range(8)] for _ in range(topics)]
    common = [_pseudo_word(rng, seen) for _ in range(3000)]
    # Common words follow Zipf's law, as words do.
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(common))))

    def common_word() -> str:
        return rng.choices(common, cum_weights=cumulative)[0]

    rows: list[tuple[int, str, str]] = []
    truth: dict[int, int] = {}
    for idea_id in range(1, ideas + 1):
        topic = -1 if rng.random() < noise else rng.randrange(topics)
        truth[idea_id] = topic
        own = topic_words[topic] if topic >= 0 else rng.sample(common[200:], 8)
        # The first four words of a topic are its core; the rest come up less often.
        core = rng.sample(own[:4], 2) + rng.sample(own, 1)
        title = (
            rng.choice(TEMPLATES)
            .format(a=core[0], b=core[1], c=core[2], g=common_word())
            .capitalize()
        )
        body: list[str] = []
        for _ in range(rng.randint(12, 45)):
            roll = rng.random()
            if roll < 0.2:
                body.append(rng.choice(own))
            elif roll < 0.65:
                body.append(common_word())
            else:
                body.append(rng.choice(STOP))
        rows.append((idea_id, title, " ".join(body) + "."))
    return rows, truth


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from ideas.themes import IdeaText, suggest_groups

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.1, help="share of ideas in no topic")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rows, truth = generate(ideas=args.ideas, topics=args.topics, noise=args.noise, seed=args.seed)
    texts = [IdeaText(id=i, title=t, body=b) for i, t, b in rows]
    started, cpu_started = time.perf_counter(), time.process_time()
    groups = suggest_groups(texts)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    grouped = sum(len(g.ids) for g in groups)
    topical = sum(1 for t in truth.values() if t >= 0)
    topical_grouped = sum(1 for g in groups for i in g.ids if truth[i] >= 0)
    agreeing = 0
    found: set[int] = set()
    for group in groups:
        topic, count = Counter(truth[i] for i in group.ids).most_common(1)[0]
        agreeing += count
        if topic >= 0:
            found.add(topic)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ideas:             {len(texts):,} ({args.topics} topics, {args.noise:.0%} noise)")
    print(f"seconds:           {seconds:.1f} wall, {cpu:.1f} CPU (one core)")
    print(f"groups found:      {len(groups):,} (largest {len(groups[0].ids) if groups else 0})")
    print(f"topical grouped:   {topical_grouped / max(topical, 1):.1%}")
    print(f"noise grouped:     {(grouped - topical_grouped) / max(len(texts) - topical, 1):.1%}")
    print(f"purity:            {agreeing / max(grouped, 1):.1%}")
    print(f"topics found:      {len(found)} of {args.topics}")
    print(f"peak memory:       {peak_mb:,.0f} MB")
    for group in groups[:5]:
        print(f"  {len(group.ids):>5}  {group.name}  ({', '.join(group.terms)})")


if __name__ == "__main__":
    main()
