"""
PostgreSQL only: columns that let one search statement match and score without slow reads.

- `search_vector` also holds one lexeme per pair of adjacent folded words of the same field,
  the two words joined by "qz" ("khaiqztu"), a letter pair that Vietnamese words never
  contain. A phrase tsquery ("khai <-> tu") makes the GIN index recheck every row that holds
  all the words, reading each row's TOASTed tsvector; a phrase of n words written as its n - 1
  pairs joined by `&` is answered by the index alone.
- `title_padded`, `keywords_padded` and `exact_padded` are the folded title, the folded
  keywords and the exact-diacritic words with a space at each end. The score tests every
  candidate for each typed word with `strpos(column, ' word ')`; stored padding saves
  building the padded text once per test.
"""

from django.db import migrations

WORD_PAIRS_FUNCTION = """
CREATE FUNCTION search_word_pairs(words text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(word || 'qz' || next_word, ' ' ORDER BY position), '')
    FROM (
        SELECT word, position, lead(word) OVER (ORDER BY position) AS next_word
        FROM unnest(string_to_array(words, ' ')) WITH ORDINALITY AS split(word, position)
        WHERE word <> ''
    ) pairs
    WHERE next_word IS NOT NULL
$$
"""

VECTOR_WITH_PAIRS = """
ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title_folded, '')), 'A')
    || setweight(to_tsvector('simple', search_word_pairs(coalesce(title_folded, ''))), 'A')
    || setweight(to_tsvector('simple', coalesce(keywords_folded, '')), 'B')
    || setweight(to_tsvector('simple', search_word_pairs(coalesce(keywords_folded, ''))), 'B')
    || setweight(to_tsvector('simple', coalesce(body_folded, '')), 'D')
    || setweight(to_tsvector('simple', search_word_pairs(coalesce(body_folded, ''))), 'D')
) STORED
"""

VECTOR_WITHOUT_PAIRS = """
ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title_folded, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(keywords_folded, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(body_folded, '')), 'D')
) STORED
"""

PADDED_COLUMNS = [
    f"ALTER TABLE search_searchdocument ADD COLUMN {name}_padded text GENERATED ALWAYS AS (' ' || {source} || ' ') STORED"
    for name, source in (("title", "title_folded"), ("keywords", "keywords_folded"), ("exact", "title_exact"))
]

CREATE_INDEX = "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (search_vector)"
DROP_VECTOR = "ALTER TABLE search_searchdocument DROP COLUMN search_vector"

FORWARD = [WORD_PAIRS_FUNCTION, DROP_VECTOR, VECTOR_WITH_PAIRS, CREATE_INDEX, *PADDED_COLUMNS]
BACKWARD = [
    "ALTER TABLE search_searchdocument DROP COLUMN title_padded, DROP COLUMN keywords_padded, DROP COLUMN exact_padded",
    DROP_VECTOR,
    "DROP FUNCTION search_word_pairs(text)",
    VECTOR_WITHOUT_PAIRS,
    CREATE_INDEX,
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0003_seed_synonyms")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
