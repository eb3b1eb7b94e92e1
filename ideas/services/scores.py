"""The idea's current score, stored on the idea so lists sort by it with an index.

Scoring computes scores; this is the one place that writes them onto ideas.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db import connection

from ideas.models import Idea


def idea_scores_store(*, scores: Mapping[int, float]) -> int:
    """Write many ideas' totals with the ORM, in batches. Returns how many were given.
    (On PostgreSQL scoring stages the totals and uses the two functions below.)"""
    ideas = [Idea(pk=pk, score=score) for pk, score in scores.items()]
    Idea.objects.bulk_update(ideas, ["score"], batch_size=500)
    return len(ideas)


def idea_scores_store_copied(*, scores: Mapping[int, float]) -> int:
    """PostgreSQL: write many totals with one COPY and one UPDATE, touching only the ideas
    whose stored total differs, so running it again after a failure repairs what is left.
    Returns how many ideas it changed."""
    buffer = io.StringIO()
    buffer.writelines(f"{pk},{total!r}\n" for pk, total in scores.items())
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS ideas_score_stage "
            "(idea_id bigint PRIMARY KEY, total double precision) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE ideas_score_stage")
        cursor.cursor.copy_expert("COPY ideas_score_stage FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute(
            "UPDATE ideas_idea AS i SET score = s.total FROM ideas_score_stage AS s "
            "WHERE i.id = s.idea_id AND i.score IS DISTINCT FROM s.total"
        )
        return int(cursor.rowcount)


STAGED_UPDATE_SQL = (
    "UPDATE ideas_idea AS i SET score = s.total FROM {table} AS s "
    "WHERE i.id = s.idea_id AND s.moved"
)


def idea_scores_store_staged(*, table: str) -> int:
    """PostgreSQL: write the totals staged in a temporary ``table`` (idea_id, total,
    moved) onto the ideas, in one statement. For a whole product's rescore."""
    if not table.isidentifier():
        raise ValueError(f"Not a table name: {table!r}")
    with connection.cursor() as cursor:
        cursor.execute(STAGED_UPDATE_SQL.format(table=table))
        return int(cursor.rowcount)
