import datetime as dt
import io

import icalendar
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from puente.core.tests.factories import make_meeting, make_user
from puente.events import services
from puente.events.models import Registration


class ReminderCommandTests(TestCase):
    def make(self, title, starts_in: dt.timedelta, **fields):
        start = (timezone.now() + starts_in).astimezone(dt.UTC)
        return make_meeting(
            title,
            date=start.date(),
            start_time=start.time().replace(second=0, microsecond=0),
            end_time=dt.time(23, 59),
            time_zone="UTC",
            **fields,
        )

    def run_command(self):
        out = io.StringIO()
        call_command("send_meeting_reminders", stdout=out)
        return out.getvalue()

    def test_running_it_twice_sends_one_reminder_per_person(self):
        soon = self.make("Soon", dt.timedelta(hours=3))
        later = self.make("Next month", dt.timedelta(days=30))
        ana, ben, cruz = make_user("ana"), make_user("ben"), make_user("cruz")
        ana.preferred_language = "fr"
        ana.save()
        for user in (ana, ben):
            services.registration_create(meeting=soon, user=user)
        services.registration_create(meeting=later, user=cruz)
        cancelled = services.registration_create(meeting=soon, user=cruz)
        services.registration_cancel(registration=cancelled)
        mail.outbox.clear()

        self.assertIn("2 reminder(s) sent.", self.run_command())
        self.assertIn("0 reminder(s) sent.", self.run_command())
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["ana@example.org", "ben@example.org"])
        french = next(m for m in mail.outbox if m.to == ["ana@example.org"])
        self.assertIn("En ligne", french.body)  # in the recipient's language
        self.assertIn("Online", next(m for m in mail.outbox if m.to == ["ben@example.org"]).body)
        name, content, mimetype = french.attachments[0]
        self.assertEqual(mimetype, "text/calendar")
        self.assertEqual(str(icalendar.Calendar.from_ical(content).events[0]["SUMMARY"]), "Soon")
        self.assertEqual(Registration.objects.filter(reminder_sent_at__isnull=False).count(), 2)

    def test_meetings_that_have_started_get_no_reminder(self):
        started = self.make("Started", dt.timedelta(minutes=5))
        services.registration_create(meeting=started, user=make_user("late"))
        mail.outbox.clear()
        services.meeting_reminders_send(now=timezone.now() + dt.timedelta(minutes=10))
        self.assertEqual(mail.outbox, [])
