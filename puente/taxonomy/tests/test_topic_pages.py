import feedparser
from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_commitment, make_practice, make_resource, make_topic


class TopicPageTests(DemoContentTestCase):
    def test_local_development_lists_the_seed_practices_in_listing_style(self):
        response = self.client.get("/en/topics/local-development/")
        self.assertEqual(response.status_code, 200)
        for title in ["3x1 Remittance Programme", "Le Maroc Vert", "Grameen Bank", "Migra Movil"]:
            self.assertContains(response, title)
        self.assertContains(response, "Submitted by")
        self.assertContains(response, "Subscribe to Local Development")
        self.assertContains(response, "/en/topics/local-development/feed/rss/")
        self.assertContains(response, "/en/topics/local-development/feed/atom/")

    def test_capacity_building_mixes_commitments_and_practices(self):
        response = self.client.get("/en/topics/capacity-building/")
        self.assertContains(response, "Legazpi City: Expanded Help Desk for Overseas Filipino Workers")
        self.assertContains(response, "EUROMED Migration V (EMM5)")
        self.assertContains(response, "Anonymous (not verified)")

    def test_topic_index_and_spanish_labels(self):
        self.assertContains(self.client.get("/en/topics/"), "Capacity Building")
        self.assertContains(self.client.get("/es/topics/local-development/"), "Desarrollo local")

    def test_unknown_topic_is_404(self):
        self.assertEqual(self.client.get("/en/topics/nope/").status_code, 404)
        self.assertEqual(self.client.get("/en/topics/nope/feed/rss/").status_code, 404)

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/topics/local-development/" + query).status_code, 200)


class TopicFeedTests(DemoContentTestCase):
    def test_rss_feed_parses_with_every_seed_practice(self):
        response = self.client.get("/en/topics/local-development/feed/rss/")
        self.assertEqual(response.status_code, 200)
        feed = feedparser.parse(response.content)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual(feed.version, "rss20")
        titles = {entry.title for entry in feed.entries}
        self.assertIn("Grameen Bank", titles)
        self.assertIn("3x1 Remittance Programme", titles)
        self.assertTrue(all(entry.link.startswith("http") for entry in feed.entries))

    def test_atom_feed_parses(self):
        response = self.client.get("/en/topics/capacity-building/feed/atom/")
        feed = feedparser.parse(response.content)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual(feed.version, "atom10")
        titles = {entry.title for entry in feed.entries}
        self.assertIn("Global Migration Media Academy", titles)
        self.assertIn("Legazpi City: Expanded Help Desk for Overseas Filipino Workers", titles)


class TopicRecordsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.topic = make_topic("Remittances")
        cls.other = make_topic("Health")

    def test_topic_page_shows_only_published_records_of_that_topic(self):
        make_practice("Tagged practice", topics=[self.topic])
        make_commitment("Tagged commitment", topics=[self.topic])
        make_resource("Tagged resource", topics=[self.topic])
        make_practice("Draft practice", topics=[self.topic], live=False)
        make_practice("Other practice", topics=[self.other])
        response = self.client.get("/en/topics/remittances/")
        for title in ("Tagged practice", "Tagged commitment", "Tagged resource"):
            self.assertContains(response, title)
        self.assertNotContains(response, "Draft practice")
        self.assertNotContains(response, "Other practice")

    def test_query_count_does_not_grow_with_records(self):
        make_practice("First", topics=[self.topic])
        make_commitment("First commitment", topics=[self.topic])
        make_resource("First resource", topics=[self.topic])
        self.client.get("/en/topics/remittances/")
        with self.assertNumQueries(TOPIC_QUERIES):
            self.client.get("/en/topics/remittances/")
        for i in range(8):
            make_practice(f"P{i}", topics=[self.topic])
            make_commitment(f"C{i}", topics=[self.topic])
        with self.assertNumQueries(TOPIC_QUERIES):
            self.client.get("/en/topics/remittances/")

    def test_feed_query_count(self):
        for i in range(5):
            make_practice(f"P{i}", topics=[self.topic])
        with self.assertNumQueries(FEED_QUERIES):
            self.client.get("/en/topics/remittances/feed/rss/")


TOPIC_QUERIES = 12
FEED_QUERIES = 5
