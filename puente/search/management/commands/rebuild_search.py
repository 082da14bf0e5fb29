import sys
import time

from django.core.management.base import BaseCommand

from puente.search.indexing import (
    compact_postings,
    create_part_indexes,
    create_phrase_index,
    drop_part_indexes,
    drop_phrase_index,
    rebuild,
)


class Command(BaseCommand):
    help = "Rebuild the search documents, facets and vocabulary from the public records, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--no-compact",
            action="store_true",
            help="PostgreSQL: leave the postings table as the rebuild left it (searches then wait for no "
            "rewrite, but estimate the number of matches too low until the table is rewritten).",
        )

    def handle(self, *args, batch_size, no_compact=False, **options):
        started = time.monotonic()
        interactive = options.get("verbosity", 1) > 0

        def progress(done, total):
            if not interactive or not total:
                return
            width = 30
            filled = int(width * done / total)
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            self.stdout.flush()

        drop_phrase_index()
        drop_part_indexes()
        try:
            count = rebuild(progress=progress, batch_size=batch_size)
            if interactive:
                self.stdout.write("")
            if not no_compact:
                compact_postings()
        finally:
            create_phrase_index()
        # After the rewrite, which puts the postings in id order (a range of ids is then a range of pages).
        create_part_indexes()
        self.stdout.write(f"Indexed {count} records in {time.monotonic() - started:.1f} s.")
        sys.stdout.flush()
