from django.core.management.base import BaseCommand

from puente.contributions.services import purge_deleted


class Command(BaseCommand):
    help = (
        "Remove for good the practices, resources and commitments deleted more than 30 days ago (run daily)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Removed {purge_deleted()} records deleted more than 30 days ago.")
