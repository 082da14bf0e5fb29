"""An index created empty from here on holds the facet pair words in every document (``PAIRED_FACETS``): say
so in the vocabulary. An index that already has documents says so only after ``rebuild_search``."""

from django.db import migrations

PAIRS_MARKER = "zqpairs1"  # models.PAIRS_MARKER when this migration was written


def mark(apps, schema_editor):
    Document = apps.get_model("puente_search", "Document")
    Term = apps.get_model("puente_search", "Term")
    if not Document.objects.exists():
        Term.objects.get_or_create(word=PAIRS_MARKER, defaults={"length": len(PAIRS_MARKER)})


def unmark(apps, schema_editor):
    apps.get_model("puente_search", "Term").objects.filter(word=PAIRS_MARKER).delete()


class Migration(migrations.Migration):
    dependencies = [("puente_search", "0004_posting_by_entry")]

    operations = [migrations.RunPython(mark, unmark)]
