"""``manage.py send_report_reminders``: e-mail the focal points of commitments whose report is overdue.

Schedule it daily. It is idempotent: each commitment gets one reminder per overdue period.
"""

from django.core.management.base import BaseCommand

from puente.commitments.services import send_report_reminders


class Command(BaseCommand):
    help = "E-mail the focal points of published commitments with no approved progress report for too long."

    def handle(self, *args, **options):
        reminders = send_report_reminders()
        for reminder in reminders:
            self.stdout.write(f"Reminded {reminder.recipients} focal point(s): {reminder.commitment}")
        self.stdout.write(f"{len(reminders)} reminder(s) sent.")
