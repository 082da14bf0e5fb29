"""``manage.py load_taxonomies``: load the reference vocabularies (no demo content). Safe to run again."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from puente.taxonomy.loading import DataError, count_reference_records, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference vocabularies (topics, GCM/GCR objectives, SDGs, Call to Local Action objectives, "
        "Cities of Solidarity criteria, governance pillars, target groups, countries) from "
        "puente/taxonomy/data/*.yaml. Rows are matched by slug; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        started = time.monotonic()
        stream = getattr(self.stderr, "_out", self.stderr)
        show = not options["no_progress"] and hasattr(stream, "isatty") and stream.isatty()
        try:
            with (
                tqdm(total=count_reference_records(), file=stream, disable=not show, unit="row") as bar,
                transaction.atomic(),
            ):
                results = load_reference_data(progress=bar)
        except DataError as exc:
            raise CommandError(str(exc)) from exc
        for stats in results:
            self.stdout.write(f"  {stats}")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded in {time.monotonic() - started:.1f} s."))
