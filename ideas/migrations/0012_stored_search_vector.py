"""Search reads a stored tsvector kept by a trigger, not an expression index.

An expression index recomputes ``to_tsvector`` over the title and problem for every new
row version, so rewriting a stored counter or score on 100,000 ideas parsed 100,000
texts (2.9 of a 5 s full rescore). The title trigram index goes too: similar ideas
rank by the vector, and its 20-odd entries per row cost every write (0.5 s). The trigger recomputes the vector only when the
title or the problem changes. PostgreSQL only: the column is not a model field, and
SQLite, the embedded default, searches with LIKE.
"""

from typing import Any

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce({row}.title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({row}.problem, '')), 'B')"
)
FORWARD = [
    "ALTER TABLE ideas_idea ADD COLUMN search_vector tsvector",
    f"""
    CREATE FUNCTION ideas_idea_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
                OR NEW.problem IS DISTINCT FROM OLD.problem THEN
            NEW.search_vector := {VECTOR.format(row="NEW")};
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER ideas_idea_search_vector BEFORE INSERT OR UPDATE OF title, problem "
    "ON ideas_idea FOR EACH ROW EXECUTE FUNCTION ideas_idea_search_vector()",
    f"UPDATE ideas_idea SET search_vector = {VECTOR.format(row='ideas_idea')}",  # noqa: S608
    "CREATE INDEX idea_search_vector_idx ON ideas_idea USING gin (search_vector)",
    "DROP INDEX IF EXISTS idea_fulltext_idx",
    # Similar ideas rank by the search vector now; the title trigrams cost every write.
    "DROP INDEX IF EXISTS idea_title_trgm_idx",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS idea_title_trgm_idx ON ideas_idea USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS idea_fulltext_idx ON ideas_idea USING gin "
    "((to_tsvector('english'::regconfig, "
    "coalesce(ideas_idea.title, '') || ' ' || coalesce(ideas_idea.problem, ''))))",
    "DROP TRIGGER IF EXISTS ideas_idea_search_vector ON ideas_idea",
    "DROP FUNCTION IF EXISTS ideas_idea_search_vector()",
    "ALTER TABLE ideas_idea DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0011_webhooks_and_imported_records")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
