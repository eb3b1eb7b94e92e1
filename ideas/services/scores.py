"""The idea's current score, stored on the idea so lists sort by it with an index.

Scoring computes scores; this is the one place that writes them onto ideas.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection

from ideas.models import Idea

CHUNK = 5_000


def idea_scores_store(*, scores: Mapping[int, float]) -> int:
    """Write many ideas' totals in a few statements. Returns how many were given."""
    items = list(scores.items())
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            with connection.cursor() as cursor:
                execute_values(
                    cursor.cursor,  # the raw psycopg2 cursor, for execute_values
                    "UPDATE ideas_idea AS i SET score = v.score "
                    "FROM (VALUES %s) AS v(id, score) WHERE i.id = v.id",
                    chunk,
                    template="(%s::bigint, %s::double precision)",
                    page_size=CHUNK,
                )
        else:
            ideas = [Idea(pk=pk, score=score) for pk, score in chunk]
            Idea.objects.bulk_update(ideas, ["score"], batch_size=500)
    return len(items)


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
