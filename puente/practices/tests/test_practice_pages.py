from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_country, make_practice, make_topic
from puente.practices.models import Practice

SEED_PRACTICES = {
    "Mayors Mechanism - Call to Local Action for Migrants and Refugees": "Ms. Anqi ZHANG",
    "EUDiF’s diaspora engagement mapping": "Ms. Anqi ZHANG",
    "3x1 Remittance Programme": "Mr. Camille Saadé",
    "Le Maroc Vert": "Mr. Camille Saadé",
    "Call to Local Action": "Ms. Charlotte …",
    "Migra Empresas": "Ms. Charlotte …",
    "Supporting host communities for refugees and migrants from Venezuela in the border regions of Colombia and Ecuador": "Ms. Charlotte …",
    "Migra Movil": "Ms. Angelica Pinzon",
    "Great Get Together": "Mr. Camille Saadé",
    "Grameen Bank": "Ms. Angelica Pinzon",
    "Making Migration Work for Sustainable Development (M4SD) – IOM-UNDP joint global programme": "Ms. Anqi ZHANG",
    "EUROMED Migration V (EMM5)": "Anonymous (not verified)",
    "Global Migration Media Academy": "Anonymous (not verified)",
}


class PracticeListTests(DemoContentTestCase):
    def test_it_lists_every_seed_practice_with_its_submitter(self):
        response = self.client.get("/en/practices/?page=1")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        for title, submitter in SEED_PRACTICES.items():
            title_html = title.replace("’", "’")
            self.assertIn(title_html.replace("&", "&amp;"), text, title)
            self.assertIn(submitter, text, title)

    def test_it_filters_by_topic(self):
        response = self.client.get("/en/practices/?topic=capacity-building")
        self.assertContains(response, "Global Migration Media Academy")
        self.assertNotContains(response, "Grameen Bank")

    def test_it_filters_by_country(self):
        response = self.client.get("/en/practices/?country=mx")
        self.assertContains(response, "3x1 Remittance Programme")
        self.assertNotContains(response, "Grameen Bank")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                response = self.client.get("/en/practices/" + query)
                self.assertEqual(response.status_code, 200)

    def test_spanish_list(self):
        response = self.client.get("/es/practices/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Desarrollo local")


class PracticeDetailTests(DemoContentTestCase):
    def test_it_shows_a_practice_with_submitter_and_topic(self):
        practice = Practice.objects.get(title="Migra Empresas")
        response = self.client.get(practice.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Migra Empresas")
        self.assertContains(response, "Ms. Charlotte …")
        self.assertContains(response, "La Pintana")
        self.assertContains(response, "Local Development")

    def test_anonymous_practice_is_marked_unverified(self):
        practice = Practice.objects.get(title="Global Migration Media Academy")
        response = self.client.get(practice.get_absolute_url())
        self.assertContains(response, "Anonymous (not verified)")


class PracticeVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.topic = make_topic("Remittances")
        cls.country = make_country("MX", "Mexico")
        cls.live = make_practice("Hometown associations", topics=[cls.topic], country=cls.country)
        cls.draft = make_practice("Secret draft", live=False)

    def test_drafts_are_not_listed_or_shown_to_the_public(self):
        response = self.client.get("/en/practices/")
        self.assertContains(response, "Hometown associations")
        self.assertNotContains(response, "Secret draft")
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_staff_can_preview_a_draft(self):
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.create_user("mod", "mod@example.org", "pw", is_staff=True)
        self.client.force_login(staff)
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 200)

    def test_list_query_count_does_not_grow_with_items(self):
        self.client.get("/en/practices/")  # warm caches (content types, site)
        with self.assertNumQueries(PRACTICE_LIST_QUERIES):
            self.client.get("/en/practices/")
        for i in range(15):
            make_practice(f"Extra practice {i}", topics=[self.topic])
        with self.assertNumQueries(PRACTICE_LIST_QUERIES):
            self.client.get("/en/practices/")

    def test_detail_query_count(self):
        self.client.get(self.live.get_absolute_url())
        with self.assertNumQueries(PRACTICE_DETAIL_QUERIES):
            self.client.get(self.live.get_absolute_url())


PRACTICE_LIST_QUERIES = 13
PRACTICE_DETAIL_QUERIES = 13
