"""The events directory (filters), the month calendar and the viewer's time zone."""

import datetime as dt

from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS
from puente.core.tests.factories import make_country, make_group, make_meeting, make_organisation, make_topic

NEXT_YEAR = dt.date.today().year + 1


class DirectoryFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.honduras = make_country("HN", "Honduras")
        cls.mexico = make_country("MX", "Mexico")
        cls.group = make_group("Filter group")
        cls.group.members.add(make_organisation("Choloma", country=cls.honduras))
        cls.group.save()
        cls.topic = make_topic("Remittances")
        cls.session = make_meeting("Group session", group=cls.group, date=dt.date(NEXT_YEAR, 5, 6))
        cls.forum = make_meeting(
            "Forum in Mexico City",
            is_online=False,
            place="Mexico City",
            country=cls.mexico,
            date=dt.date(NEXT_YEAR, 5, 20),
        )
        cls.forum.topics.add(cls.topic)
        cls.forum.save()
        cls.old = make_meeting("Old webinar", date=dt.date(2020, 5, 6))

    def titles(self, query):
        response = self.client.get("/en/events/" + query)
        self.assertEqual(response.status_code, 200)
        return [m.title for m in response.context["page"].object_list]

    def test_filters(self):
        self.assertEqual(self.titles(""), ["Group session", "Forum in Mexico City"])
        self.assertEqual(self.titles(f"?group={self.group.slug}"), ["Group session"])
        self.assertEqual(self.titles("?topic=remittances"), ["Forum in Mexico City"])
        self.assertEqual(self.titles("?country=hn"), ["Group session"])  # through the group's members
        self.assertEqual(self.titles("?country=mx"), ["Forum in Mexico City"])  # where it takes place
        self.assertEqual(self.titles("?format=online"), ["Group session", "Old webinar"][:1])
        self.assertEqual(self.titles("?format=in_person"), ["Forum in Mexico City"])
        self.assertEqual(self.titles("?when=past"), ["Old webinar"])
        self.assertEqual(self.titles("?when=past&format=in_person"), [])

    def test_absurd_query_strings_do_not_break_the_directory_or_the_calendar(self):
        for query in [*ABSURD_QUERY_STRINGS, "?group=nope&format=%00", "?tz=../../etc/passwd"]:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/events/" + query).status_code, 200)
                self.assertEqual(
                    self.client.get(f"/en/events/calendar/{NEXT_YEAR}/5/" + query).status_code, 200
                )

    def test_directory_query_count_does_not_grow(self):
        self.client.get("/en/events/")
        with self.assertNumQueries(DIRECTORY_QUERIES):
            self.client.get("/en/events/?country=hn")
        for i in range(5):
            make_meeting(f"More {i}", group=self.group)
        with self.assertNumQueries(DIRECTORY_QUERIES):
            self.client.get("/en/events/?country=hn")


class MonthCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = make_group("Calendar group")
        make_meeting("May session", group=cls.group, date=dt.date(NEXT_YEAR, 5, 6))
        make_meeting("June session", date=dt.date(NEXT_YEAR, 6, 2))

    def test_month_is_an_accessible_table_with_previous_and_next_links(self):
        response = self.client.get(f"/en/events/calendar/{NEXT_YEAR}/5/")
        self.assertContains(
            response, f'<caption id="calendar-caption">May {NEXT_YEAR} – 1 event</caption>', html=False
        )
        self.assertContains(response, '<th scope="col"><abbr title="Monday">Mon</abbr></th>', html=True)
        self.assertContains(response, "May session")
        self.assertNotContains(response, "June session")
        self.assertContains(response, f'href="/en/events/calendar/{NEXT_YEAR}/4/?"')
        self.assertContains(response, f'href="/en/events/calendar/{NEXT_YEAR}/6/?"')

    def test_filters_apply_to_the_calendar(self):
        response = self.client.get(f"/en/events/calendar/{NEXT_YEAR}/6/?group={self.group.slug}")
        self.assertNotContains(response, "June session")

    def test_bad_months_are_404(self):
        for path in ("2026/13/", "2026/0/", "99999/1/", "1000/1/", "2026/00013/"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(f"/en/events/calendar/{path}").status_code, 404)
        self.assertEqual(self.client.get("/en/events/calendar/abc/1/").status_code, 404)

    def test_calendar_redirects_to_this_month(self):
        today = dt.date.today()
        self.assertRedirects(
            self.client.get("/en/events/calendar/"), f"/en/events/calendar/{today.year}/{today.month}/"
        )

    def test_query_count_does_not_grow(self):
        url = f"/en/events/calendar/{NEXT_YEAR}/5/"
        with self.assertNumQueries(CALENDAR_QUERIES):
            self.client.get(url)
        for day in range(1, 20):
            make_meeting(f"Busy {day}", date=dt.date(NEXT_YEAR, 5, day))
        with self.assertNumQueries(CALENDAR_QUERIES):
            self.client.get(url)


class ViewerTimeZoneTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # 10:00 in Guatemala (UTC−6) is 18:00 in Madrid on 27 October 2022 (still summer time, UTC+2).
        cls.meeting = make_meeting("Session", date=dt.date(2022, 10, 27), time_zone="America/Guatemala")

    def test_meeting_time_in_its_zone_with_an_iso_datetime(self):
        response = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(response, '<time datetime="2022-10-27T10:00-06:00">10:00</time>')
        self.assertContains(response, "America/Guatemala (UTC−06:00)")
        self.assertContains(response, "Your time: 16:00–17:30 UTC<")  # no zone chosen: UTC

    def test_viewer_zone_from_the_cookie_or_the_parameter(self):
        self.client.cookies["tz"] = "Europe/Madrid"
        response = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(response, "Your time: 18:00–19:30 Europe/Madrid (UTC+02:00)")
        response = self.client.get(self.meeting.get_absolute_url() + "?tz=Asia/Tokyo")
        self.assertContains(response, "Your time: Fri 28 Oct, 01:00–02:30 Asia/Tokyo (UTC+09:00)")

    def test_same_zone_shows_no_second_time(self):
        self.client.cookies["tz"] = "America/Guatemala"
        self.assertNotContains(self.client.get(self.meeting.get_absolute_url()), "Your time:")

    def test_bad_zone_names_fall_back_to_utc(self):
        for bad in ("Mars/Olympus", "../../etc/passwd", "", "x" * 500, "Europe/Madrid\x00"):
            with self.subTest(bad=bad[:20]):
                self.client.cookies["tz"] = bad
                response = self.client.get(self.meeting.get_absolute_url())
                self.assertContains(response, "Your time: 16:00–17:30 UTC<")

    def test_the_form_sets_the_cookie_and_goes_back_without_javascript(self):
        response = self.client.get(
            "/en/events/time-zone/", {"tz": "Europe/Madrid", "next": self.meeting.get_absolute_url()}
        )
        self.assertRedirects(response, self.meeting.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(response.cookies["tz"].value, "Europe/Madrid")
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), "18:00–19:30 Europe/Madrid")

    def test_the_form_never_redirects_to_another_site(self):
        response = self.client.get(
            "/en/events/time-zone/", {"tz": "UTC", "next": "https://evil.example.org/"}
        )
        self.assertEqual(response["Location"], "/")

    def test_pages_load_the_progressive_enhancement_script(self):
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), "events/timezone.js")


DIRECTORY_QUERIES = 6  # the chosen country, count, choices of group, topic and country, the page
CALENDAR_QUERIES = 4  # choices of group, topic and country, the month's meetings
