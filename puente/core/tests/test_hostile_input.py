"""Every public list page survives hostile query strings (NUL bytes, control characters, huge values, every
script) with a normal answer, on SQLite and PostgreSQL alike."""

from django.test import TestCase

LIST_PAGES = [
    "/en/practices/",
    "/en/commitments/",
    "/en/commitments/dashboard/",
    "/en/commitments/asks/",
    "/en/projects/",
    "/en/organisations/",
    "/en/groups/",
    "/en/events/",
    "/en/events/calendar/",
    "/en/resources/",
    "/en/topics/",
    "/en/search/",
]
HOSTILE = ["\x00", "a\x00b", "\x01\x1f\x7f", "x" * 5000, "'\"<>%_\\", "日本語", "🙂", "-1", "9" * 30]
PARAMS = [
    "q",
    "page",
    "topic",
    "country",
    "region",
    "type",
    "kind",
    "year",
    "status",
    "group",
    "month",
    "sort",
]


class HostileQueryStringTests(TestCase):
    def test_list_pages_never_fail(self):
        for url in LIST_PAGES:
            for value in HOSTILE:
                response = self.client.get(url, dict.fromkeys(PARAMS, value))
                self.assertLess(response.status_code, 500, (url, value))
