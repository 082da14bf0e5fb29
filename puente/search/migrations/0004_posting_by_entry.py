"""Postings keyed by their index entry's id (SQLite's full-text rowid), so that a match leads to its posting in
one lookup. The table is recreated and refilled from the documents and their index entries."""

from django.db import migrations, models

PG_COLUMNS = "ALTER TABLE puente_search_posting ADD COLUMN title tsvector, ADD COLUMN body tsvector"
PG_INDEXES = [  # built after the fill: much faster than updating them row by row
    "CREATE INDEX puente_search_posting_body ON puente_search_posting USING gin (body)",
    "CREATE INDEX puente_search_posting_title ON puente_search_posting USING gin (title)",
]
ENTRY = (
    "JOIN django_content_type t ON t.app_label = 'puente_search' AND t.model = 'document' "
    "LEFT JOIN wagtailsearch_indexentry e ON e.content_type_id = t.id AND e.object_id = CAST(d.id AS TEXT)"
)


def vectors(apps, schema_editor):
    """On PostgreSQL, the title and body vectors that matching reads (the model does not declare them:
    SQLite matches through FTS5 and keeps only the facet values here)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_COLUMNS)


def fill(apps, schema_editor):
    """Postings for the documents indexed before this migration (in their entries' order)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO puente_search_posting (id, document_id, keys, title, body) "
            f"SELECT COALESCE(e.id, -d.id), d.id, d.facet_keys, e.title, e.body FROM puente_search_document d "
            f"{ENTRY} ORDER BY e.id"
        )
        for statement in PG_INDEXES:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(
            "INSERT INTO puente_search_posting (id, document_id, keys) "
            f"SELECT COALESCE(e.id, -d.id), d.id, d.facet_keys FROM puente_search_document d {ENTRY}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("puente_search", "0003_posting_concepts"),
    ]

    operations = [
        migrations.DeleteModel(name="Posting"),
        migrations.CreateModel(
            name="Posting",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "keys",
                    models.TextField(blank=True, help_text="The facet values, one name=value per line."),
                ),
                (
                    "document",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        related_name="posting",
                        to="puente_search.document",
                    ),
                ),
            ],
        ),
        migrations.RunPython(vectors, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
