from django.core.management.base import BaseCommand

from puente.assessments.loading import load_all


class Command(BaseCommand):
    help = (
        "Load the self-assessment frameworks shipped in puente/assessments/data/ (idempotent; versions on which "
        "rounds have been answered are left unchanged)."
    )

    def handle(self, *args, **options):
        for line in load_all():
            self.stdout.write(line)
