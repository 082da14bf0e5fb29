"""PostgreSQL: an index of the pairs of adjacent words of every posting's body vector (and of its facet
words), so that a quoted phrase is found through its pairs' lists instead of testing, one by one, every
document that has all its words (see ``engine.PostgresMatcher``). Built without locking searches out (``CONCURRENTLY``: this migration
is not atomic); at 1,000,000 documents it takes minutes."""

from django.db import migrations

# indexing.PHRASE_FUNCTION_SQL and PHRASE_INDEX_SQL when this migration was written.
# The pairs of lexemes at consecutive positions ("local develop"), and the reserved words of the facet values
# and facet pairs (``zq`` and a facet name, then digits; not the glossary concepts ``zqc<n>`` nor the marker), so
# that a phrase and the chosen facets are one lookup in this index.
FUNCTION = """
CREATE OR REPLACE FUNCTION puente_word_pairs(v tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  SELECT coalesce(array_agg(DISTINCT w), '{}') FROM (
    SELECT a.lexeme || ' ' || b.lexeme AS w
    FROM (SELECT u.lexeme, p AS pos FROM unnest(v) u, unnest(u.positions) p) a
    JOIN (SELECT u.lexeme, p AS pos FROM unnest(v) u, unnest(u.positions) p) b ON b.pos = a.pos + 1
    UNION ALL
    SELECT lexeme FROM unnest(v) WHERE lexeme ~ '^zq[a-z]+[0-9]+$' AND lexeme !~ '^zqc[0-9]' AND lexeme <> 'zqdoc0'
  ) words
$$
"""
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS puente_search_posting_phrases "
    "ON puente_search_posting USING gin (puente_word_pairs(body))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS puente_search_posting_phrases")
        schema_editor.execute("DROP FUNCTION IF EXISTS puente_word_pairs(tsvector)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("puente_search", "0005_pairs_marker")]

    operations = [migrations.RunPython(create, drop)]
