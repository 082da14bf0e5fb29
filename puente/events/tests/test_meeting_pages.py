import datetime as dt

from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_meeting
from puente.events.models import Meeting


class MeetingPageTests(DemoContentTestCase):
    def test_session_two_shows_its_agenda_with_times_and_zone(self):
        meeting = Meeting.objects.get(date=dt.date(2022, 10, 28))
        response = self.client.get(meeting.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Cities of Solidarity, the 10 Criteria, and the self-assessment tool")
        self.assertContains(response, "UNHCR")
        self.assertContains(response, "America/Guatemala")
        self.assertContains(response, "10:35")

    def test_past_sessions_are_listed_under_past(self):
        response = self.client.get("/en/events/?when=past")
        self.assertContains(response, "Session 1")
        self.assertContains(response, "Session 3")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/events/" + query).status_code, 200)


class MeetingListTests(TestCase):
    def test_upcoming_lists_future_meetings_only(self):
        make_meeting("Next webinar")
        make_meeting("Old webinar", date=dt.date(2020, 1, 1))
        response = self.client.get("/en/events/")
        self.assertContains(response, "Next webinar")
        self.assertNotContains(response, "Old webinar")

    def test_query_count_does_not_grow(self):
        make_meeting("One")
        self.client.get("/en/events/")
        with self.assertNumQueries(MEETING_LIST_QUERIES):
            self.client.get("/en/events/")
        for i in range(10):
            make_meeting(f"Meeting {i}")
        with self.assertNumQueries(MEETING_LIST_QUERIES):
            self.client.get("/en/events/")

    def test_detail_query_count(self):
        meeting = make_meeting(
            "Agenda",
            agenda=[(dt.time(10), dt.time(10, 5), "Opening", 5), (dt.time(10, 5), dt.time(11), "Talk", 55)],
        )
        self.client.get(meeting.get_absolute_url())
        with self.assertNumQueries(MEETING_DETAIL_QUERIES):
            self.client.get(meeting.get_absolute_url())


MEETING_LIST_QUERIES = 5  # + the choices of the group, topic and country filters
MEETING_DETAIL_QUERIES = 8  # + organisers, documents, decisions, action items, attendance
