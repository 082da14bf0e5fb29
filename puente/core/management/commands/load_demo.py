"""``manage.py load_demo``: reference data, demo content and the demo admin account. Idempotent.

Never run it in production: it creates a staff account with a published password.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from puente.core.demo.loader import DemoDataError, DemoLoader, load_app_demo_data, summary_lines
from puente.taxonomy.loading import DataError, count_reference_records, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference vocabularies (puente/taxonomy/data/) and the demo content "
        "(puente/core/demo/*.yaml): organisations, practices, commitments, the JMDI programme and its "
        "projects, the MIRPS working group and its meetings, resources and the Wagtail pages; and create the "
        "demo admin account if it does not exist. Everything is matched by slug, so running it again "
        "changes nothing. For demos and development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        started = time.monotonic()
        stream = getattr(self.stderr, "_out", self.stderr)
        show = not options["no_progress"] and hasattr(stream, "isatty") and stream.isatty()
        try:
            loader = DemoLoader()
            total = count_reference_records() + loader.size()
            with (
                tqdm(total=total, file=stream, disable=not show, unit="record") as bar,
                transaction.atomic(),
            ):
                reference = load_reference_data(progress=bar)
                loader.progress = bar
                report = loader.run()
                extra = load_app_demo_data()
        except (DataError, DemoDataError) as exc:
            raise CommandError(str(exc)) from exc

        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write("Reference data:")
            for stats in reference:
                self.stdout.write(f"  {stats}")
            for line in summary_lines(report, verbose=options["verbosity"] >= 2):
                self.stdout.write(line)
            for line in extra:
                self.stdout.write(f"  {line}")
        username, password = settings.DEMO_ADMIN_USERNAME, settings.DEMO_ADMIN_PASSWORD
        if report.admin_created:
            self.stdout.write(f"Demo admin account created: {username} / {password} (at /admin/)")
        else:
            self.stdout.write(
                f"Demo admin account {username!r} already exists (password left unchanged; "
                f"the demo password is {password})"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded in {time.monotonic() - started:.1f} s."))
