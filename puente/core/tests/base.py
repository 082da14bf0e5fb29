"""Test bases: the demo content loaded once per test class through the real command."""

import io

from django.core.management import call_command
from django.test import TestCase

# Query strings that must never cause a server error on any list page.
ABSURD_QUERY_STRINGS = [
    "?page=0",
    "?page=-1",
    "?page=99999",
    "?page=abc",
    "?page=1e9",
    "?topic=does-not-exist",
    "?country=zz&region=mars",
    "?q=%00%01",
    "?q=" + "x" * 10000,
    "?q=%27%22%3B--%20DROP%20TABLE",
    "?sdg=sdg-99&gcm=%E2%80%AE",
    "?q=%F0%9F%8C%8D%E4%B8%AD%E6%96%87&kind=nope&status=nope",
    "?when=never",
    "?topic=local-development&topic=capacity-building",
    "?q[]=1&page[]=2",
]


class DemoContentTestCase(TestCase):
    """Loads the reference vocabularies and the demo content from the seeds once for the class."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
