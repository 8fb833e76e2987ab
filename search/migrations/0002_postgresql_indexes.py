"""
PostgreSQL search structures, skipped on other databases.

- `search_vector`: a stored generated tsvector over the folded title (weight A), keywords (B)
  and body (D), with a GIN index. The folded text is plain ASCII words, so the `simple`
  configuration is right: no stemming, no stop words.
- pg_trgm GIN indexes on the folded title (autocomplete LIKE patterns) and on the vocabulary
  (the `%` similarity operator behind "did you mean").
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title_folded, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(keywords_folded, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(body_folded, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (search_vector)",
    "CREATE INDEX search_document_title_trgm ON search_searchdocument USING gin (title_folded gin_trgm_ops)",
    "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
