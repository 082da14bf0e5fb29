from django.test import TestCase

from puente.core.tests.base import DemoContentTestCase
from puente.core.tests.factories import make_practice


class HomePageTests(DemoContentTestCase):
    def test_it_redirects_the_bare_root_to_a_language(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="es")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/es/")

    def test_it_shows_latest_records_and_topics(self):
        response = self.client.get("/en/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Local Development")
        self.assertContains(response, "Capacity Building")
        self.assertContains(response, "Carmen de La Legua")

    def test_it_renders_in_spanish_and_french(self):
        for lang in ("es", "fr"):
            response = self.client.get(f"/{lang}/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'lang="{lang}"')

    def test_language_switcher_links_to_the_same_page(self):
        response = self.client.get("/en/practices/")
        self.assertContains(response, 'href="/es/practices/"')
        self.assertContains(response, 'href="/fr/practices/"')

    def test_about_page(self):
        response = self.client.get("/en/about/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1", count=1)


class NotFoundTests(TestCase):
    def test_unknown_page_is_a_friendly_404(self):
        make_practice("Existing")
        response = self.client.get("/en/nothing-here/")
        self.assertEqual(response.status_code, 404)

    def test_healthz(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.content, b"ok")
