import sys
import time

from django.core.management.base import BaseCommand

from puente.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents, facets and vocabulary from the public records, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        interactive = options.get("verbosity", 1) > 0

        def progress(done, total):
            if not interactive or not total:
                return
            width = 30
            filled = int(width * done / total)
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            self.stdout.flush()

        count = rebuild(progress=progress, batch_size=batch_size)
        if interactive:
            self.stdout.write("")
        self.stdout.write(f"Indexed {count} records in {time.monotonic() - started:.1f} s.")
        sys.stdout.flush()
