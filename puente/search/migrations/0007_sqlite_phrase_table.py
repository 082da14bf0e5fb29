"""SQLite: the FTS5 table of adjacent word pairs (``models.PHRASE_TABLE``), one row per posting. An index created
empty from here on has every document's row: say so in the vocabulary (``PHRASES_MARKER``). An index that
already has documents gets the rows, and the marker, from ``rebuild_search``; until then phrases are found as
before."""

from django.db import migrations

# models.PHRASE_TABLE and PHRASES_MARKER when this migration was written. The tokenizer keeps "local_development"
# whole.
TABLE = "puente_search_phrase"
MARKER = "zqphrases1"


def create(apps, schema_editor):
    from wagtail.search.backends.database.sqlite.utils import fts5_available

    if schema_editor.connection.vendor != "sqlite" or not fts5_available():
        return  # (without FTS5 Wagtail searches through its fallback backend: no table to keep)
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(body, title, tokenize=\"unicode61 tokenchars '_'\")"
    )
    Document = apps.get_model("puente_search", "Document")
    Term = apps.get_model("puente_search", "Term")
    if not Document.objects.exists():
        Term.objects.get_or_create(word=MARKER, defaults={"length": len(MARKER)})


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    apps.get_model("puente_search", "Term").objects.filter(word=MARKER).delete()


class Migration(migrations.Migration):
    dependencies = [("puente_search", "0006_phrase_index")]

    operations = [migrations.RunPython(create, drop)]
