"""iCalendar files: one meeting, a group's feed, all events. Parsed by two independent parsers (icalendar and
vobject), with times checked across daylight-saving changes."""

import datetime as dt

import icalendar
import vobject
from django.test import TestCase

from puente.core.tests.base import DemoContentTestCase
from puente.core.tests.factories import make_group, make_meeting
from puente.events.models import Meeting

UTC = dt.UTC
T = dt.time


def parse_both(content: bytes):
    """``{uid: utc start}`` from icalendar and from vobject; both must agree."""
    text = content.decode()
    first = icalendar.Calendar.from_ical(content)
    by_icalendar = {str(e["UID"]): e.decoded("DTSTART").astimezone(UTC) for e in first.walk("VEVENT")}
    second = vobject.readOne(text)
    by_vobject = {e.uid.value: e.dtstart.value.astimezone(UTC) for e in second.vevent_list}
    return first, second, by_icalendar, by_vobject


class CalendarFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = make_group("Calendar group")
        # Madrid moves from UTC+1 to UTC+2 on 29 March 2026; New York from UTC−4 to UTC−5 on 1 November 2026.
        cls.before = make_meeting(
            "Before summer time",
            group=cls.group,
            date=dt.date(2026, 3, 28),
            time_zone="Europe/Madrid",
            agenda=[(T(10), T(11), "Opening", 60)],
        )
        cls.after = make_meeting(
            "After summer time",
            group=cls.group,
            date=dt.date(2026, 3, 30),
            time_zone="Europe/Madrid",
            online_url="https://meet.example.org/after",
        )
        cls.ny_before = make_meeting(
            "NY before", group=cls.group, date=dt.date(2026, 10, 31), time_zone="America/New_York"
        )
        cls.ny_after = make_meeting(
            "NY after", group=cls.group, date=dt.date(2026, 11, 2), time_zone="America/New_York"
        )

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        return response.content

    def test_group_feed_is_valid_with_times_across_daylight_saving_changes(self):
        content = self.get(f"/en/groups/{self.group.slug}/calendar.ics")
        first, second, by_icalendar, by_vobject = parse_both(content)
        self.assertEqual(by_icalendar, by_vobject)
        uid = lambda m: f"meeting-{m.pk}@127.0.0.1"  # noqa: E731
        self.assertEqual(by_icalendar[uid(self.before)], dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
        self.assertEqual(by_icalendar[uid(self.after)], dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
        self.assertEqual(by_icalendar[uid(self.ny_before)], dt.datetime(2026, 10, 31, 14, 0, tzinfo=UTC))
        self.assertEqual(by_icalendar[uid(self.ny_after)], dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
        # Times are written in the meeting's zone with a matching VTIMEZONE (standard and daylight parts).
        self.assertIn(b"DTSTART;TZID=Europe/Madrid:20260328T100000", content)
        zones = {str(tz["TZID"]): tz for tz in first.walk("VTIMEZONE")}
        self.assertEqual(set(zones), {"Europe/Madrid", "America/New_York"})
        self.assertTrue(zones["Europe/Madrid"].walk("DAYLIGHT") and zones["Europe/Madrid"].walk("STANDARD"))
        self.assertEqual(first.get_missing_tzids(), set())
        for event in first.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY"):
                self.assertIn(prop, event)
        self.assertEqual(str(first["VERSION"]), "2.0")
        self.assertTrue(str(first["PRODID"]))
        self.assertEqual(len(second.vevent_list), 4)

    def test_lines_are_folded_and_end_with_crlf(self):
        content = self.get(f"/en/events/{self.before.slug}/calendar.ics")
        lines = content.split(b"\r\n")
        self.assertEqual(lines[0], b"BEGIN:VCALENDAR")
        self.assertTrue(all(len(line) <= 75 for line in lines), "RFC 5545 3.1: lines of at most 75 octets")
        self.assertNotIn(b"\n", b"".join(lines))

    def test_meeting_file_has_a_stable_uid_and_a_sequence_that_follows_changes(self):
        url = f"/en/events/{self.before.slug}/calendar.ics"
        event = icalendar.Calendar.from_ical(self.get(url)).events[0]
        self.assertEqual(str(event["UID"]), f"meeting-{self.before.pk}@127.0.0.1")
        self.assertEqual(int(event["SEQUENCE"]), 0)
        self.assertIn("10:00–11:00 Opening", str(event["DESCRIPTION"]))
        meeting = Meeting.objects.get(pk=self.before.pk)
        meeting.start_time = T(9)
        meeting.save()
        event = icalendar.Calendar.from_ical(self.get(url)).events[0]
        self.assertEqual(str(event["UID"]), f"meeting-{self.before.pk}@127.0.0.1")
        self.assertEqual(int(event["SEQUENCE"]), 1)

    def test_join_links_of_members_only_groups_stay_out_of_public_files(self):
        closed = make_group("Closed", is_public=False)
        meeting = make_meeting("Closed session", group=closed, online_url="https://meet.example.org/secret")
        self.assertNotIn(b"secret", self.get("/en/events/calendar.ics"))
        self.assertNotIn(b"secret", self.get(f"/en/events/{meeting.slug}/calendar.ics"))
        self.assertIn(b"Closed session", self.get("/en/events/calendar.ics"))
        # Join links are for confirmed participants and organisers only (test_safeguards), not for visitors.
        self.assertNotIn(b"meet.example.org/after", self.get(f"/en/events/{self.after.slug}/calendar.ics"))

    def test_public_feed_lists_every_meeting_with_both_parsers(self):
        _, _, by_icalendar, by_vobject = parse_both(self.get("/en/events/calendar.ics"))
        self.assertEqual(len(by_icalendar), 4)
        self.assertEqual(by_icalendar, by_vobject)

    def test_query_counts_do_not_grow_with_the_number_of_meetings(self):
        for url, expected in (
            ("/en/events/calendar.ics", PUBLIC_FEED_QUERIES),
            (f"/en/groups/{self.group.slug}/calendar.ics", GROUP_FEED_QUERIES),
            (f"/en/events/{self.before.slug}/calendar.ics", MEETING_FILE_QUERIES),
        ):
            with self.subTest(url=url), self.assertNumQueries(expected):
                self.client.get(url)
        for i in range(5):
            make_meeting(f"More {i}", group=self.group, agenda=[(T(10), T(10, 30), "Item", 30)])
        with self.assertNumQueries(PUBLIC_FEED_QUERIES):
            self.client.get("/en/events/calendar.ics")
        with self.assertNumQueries(GROUP_FEED_QUERIES):
            self.client.get(f"/en/groups/{self.group.slug}/calendar.ics")

    def test_unknown_meeting_or_group_is_404(self):
        self.assertEqual(self.client.get("/en/events/nope/calendar.ics").status_code, 404)
        self.assertEqual(self.client.get("/en/groups/nope/calendar.ics").status_code, 404)


PUBLIC_FEED_QUERIES = 2  # meetings with their groups, agenda items
GROUP_FEED_QUERIES = 3  # group, meetings, agenda items
MEETING_FILE_QUERIES = 2  # meeting with its group, agenda items


class SeedCalendarTests(DemoContentTestCase):
    def test_mirps_feed_has_the_three_sessions_in_guatemala_time(self):
        response = self.client.get("/en/groups/mirps-working-group-on-local-governance/calendar.ics")
        _, _, by_icalendar, by_vobject = parse_both(response.content)
        self.assertEqual(by_icalendar, by_vobject)
        self.assertEqual(
            sorted(by_icalendar.values()),
            [dt.datetime(2022, 10, day, 16, 0, tzinfo=UTC) for day in (27, 28, 31)],
        )
