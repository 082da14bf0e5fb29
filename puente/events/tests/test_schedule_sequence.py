"""A meeting's ``sequence`` (iCalendar SEQUENCE: calendar clients replace their copy of an event only when it grows)
counts the changes of its published schedule, whatever the path: the admin's edit and publish, Wagtail's
workflow approving a revision, and publishing an older revision."""

import datetime as dt

import icalendar
from django.test import TestCase
from django.urls import reverse

from puente.commitments.tests.test_conflicts import admin_form
from puente.core.tests.factories import make_meeting, make_user
from puente.events.models import Meeting


class ScheduleSequenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("sequence-admin", is_staff=True, is_superuser=True)
        cls.meeting = make_meeting(
            "Sequence meeting", date=dt.date.today() + dt.timedelta(days=40), live=True
        )
        cls.meeting.save_revision().publish()
        cls.url = reverse(Meeting.snippet_viewset.get_url_name("edit"), args=[cls.meeting.pk])

    def calendar_sequence(self) -> int:
        response = self.client.get(f"/en/events/{self.meeting.slug}/calendar.ics")
        return int(icalendar.Calendar.from_ical(response.content).events[0]["SEQUENCE"])

    def publish_in_the_admin(self, **changes):
        self.client.force_login(self.admin)
        form = admin_form(self.client.get(self.url))
        form.update({name: [value] for name, value in changes.items()})
        form["action-publish"] = ["action-publish"]
        response = self.client.post(self.url, form)
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])

    def test_publishing_a_new_time_in_the_admin_grows_the_sequence(self):
        self.assertEqual(self.calendar_sequence(), 0)
        self.publish_in_the_admin(objective="Only the text changes.")
        self.assertEqual(self.calendar_sequence(), 0)
        self.publish_in_the_admin(start_time="09:00")
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).start_time, dt.time(9, 0))
        self.assertEqual(self.calendar_sequence(), 1)

    def test_publishing_an_older_revision_never_lowers_the_sequence(self):
        older = Meeting.objects.get(pk=self.meeting.pk).latest_revision
        self.publish_in_the_admin(start_time="09:00")
        self.publish_in_the_admin(start_time="08:00")
        self.assertEqual(self.calendar_sequence(), 2)
        older.publish(user=self.admin)  # back to 10:00: one more change for calendar clients
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).start_time, dt.time(10, 0))
        self.assertEqual(self.calendar_sequence(), 3)
