import datetime as dt

from django.core.management.base import BaseCommand

from puente.events.services import meeting_reminders_send


class Command(BaseCommand):
    help = "E-mail a reminder (with the calendar file) to everyone confirmed for a meeting that starts soon. Safe to run repeatedly: each person gets one reminder per meeting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="Remind for meetings starting within this many hours."
        )

    def handle(self, *args, hours, **options):
        sent = meeting_reminders_send(within=dt.timedelta(hours=hours))
        self.stdout.write(f"{sent} reminder(s) sent.")
