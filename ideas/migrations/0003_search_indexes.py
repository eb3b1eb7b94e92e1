"""Full-text and trigram indexes for search and similar ideas (PostgreSQL only).

The expressions must match ``ideas.selectors.TSVECTOR_SQL`` exactly, or PostgreSQL will
not use them. SQLite, the embedded default, searches with simple LIKE matches instead.
"""

from typing import Any

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS idea_fulltext_idx ON ideas_idea USING gin "
    "((to_tsvector('english'::regconfig, "
    "coalesce(ideas_idea.title, '') || ' ' || coalesce(ideas_idea.problem, ''))))",
    "CREATE INDEX IF NOT EXISTS idea_title_trgm_idx ON ideas_idea USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS idea_title_trgm_idx",
    "DROP INDEX IF EXISTS idea_fulltext_idx",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
