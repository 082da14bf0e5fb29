from django.db import migrations, models

PG_COLUMNS = [
    "ALTER TABLE puente_search_posting ADD COLUMN title tsvector, ADD COLUMN body tsvector",
    "CREATE INDEX puente_search_posting_body ON puente_search_posting USING gin (body)",
    "CREATE INDEX puente_search_posting_title ON puente_search_posting USING gin (title)",
]


def vectors(apps, schema_editor):
    """On PostgreSQL, the title and body vectors that matching reads (the model does not declare them:
    SQLite matches through FTS5 and keeps only the facet values here)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_COLUMNS:
            schema_editor.execute(statement)


def fill(apps, schema_editor):
    """Postings for the documents indexed before this migration (entries in their order)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO puente_search_posting (document_id, keys, title, body) "
            "SELECT d.id, d.facet_keys, e.title, e.body FROM puente_search_document d "
            "JOIN django_content_type t ON t.app_label = 'puente_search' AND t.model = 'document' "
            "LEFT JOIN wagtailsearch_indexentry e ON e.content_type_id = t.id AND e.object_id = d.id::text "
            "ORDER BY e.id"
        )
    else:
        schema_editor.execute(
            "INSERT INTO puente_search_posting (document_id, keys) SELECT id, facet_keys FROM puente_search_document"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("puente_search", "0002_facet_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="heading_concepts",
            field=models.TextField(blank=True, help_text="Tokens of the glossary concepts of the heading."),
        ),
        migrations.AddField(
            model_name="document",
            name="concepts",
            field=models.TextField(blank=True, help_text="Tokens of the glossary concepts the text matches."),
        ),
        migrations.CreateModel(
            name="Posting",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="posting",
                        serialize=False,
                        to="puente_search.document",
                    ),
                ),
                (
                    "keys",
                    models.TextField(blank=True, help_text="The facet values, one name=value per line."),
                ),
            ],
        ),
        migrations.RunPython(vectors, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
