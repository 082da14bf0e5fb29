from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_resource
from puente.resources.models import Resource


class ResourcePageTests(DemoContentTestCase):
    def test_concept_note_is_listed_and_shown(self):
        response = self.client.get("/en/resources/")
        self.assertContains(response, "Concept Note – MIRPS Working Group on Local Governance")
        resource = Resource.objects.get(title__startswith="Concept Note")
        detail = self.client.get(resource.get_absolute_url())
        self.assertEqual(detail.status_code, 200)
        self.assertContains(detail, "2022")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/resources/" + query).status_code, 200)


class ResourceQueryCountTests(TestCase):
    def test_list_query_count_does_not_grow(self):
        make_resource("One")
        self.client.get("/en/resources/")
        with self.assertNumQueries(RESOURCE_LIST_QUERIES):
            self.client.get("/en/resources/")
        for i in range(10):
            make_resource(f"Resource {i}")
        with self.assertNumQueries(RESOURCE_LIST_QUERIES):
            self.client.get("/en/resources/")

    def test_drafts_hidden(self):
        draft = make_resource("Hidden report", live=False)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)


RESOURCE_LIST_QUERIES = 13
