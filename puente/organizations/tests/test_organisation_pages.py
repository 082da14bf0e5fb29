from django.test import TestCase

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_commitment, make_organisation, make_practice
from puente.organizations.models import Organisation


class OrganisationPageTests(DemoContentTestCase):
    def test_local_government_page_lists_its_commitments(self):
        carmen = Organisation.objects.get(name="Carmen de La Legua")
        response = self.client.get(carmen.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Mg. Edwards Javier Infante López")
        self.assertContains(response, "Municipal Plan of Local Action")

    def test_partner_page_lists_its_projects(self):
        org = Organisation.objects.get(name="Association Migration and Development")
        response = self.client.get(org.get_absolute_url())
        self.assertContains(response, "Preserving the Figuig Palm")
        self.assertContains(response, "Connecting territories through migration and development")

    def test_member_municipality_page_lists_its_group(self):
        org = Organisation.objects.get(name__icontains="Esquipulas")
        response = self.client.get(org.get_absolute_url())
        self.assertContains(response, "MIRPS Working Group on Local Governance")

    def test_list_filters_by_type_and_country(self):
        response = self.client.get("/en/organisations/?kind=local&country=hn")
        self.assertContains(response, "Choloma")
        self.assertNotContains(response, "Upala")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/organisations/" + query).status_code, 200)


class OrganisationQueryCountTests(TestCase):
    def test_list_query_count_does_not_grow(self):
        make_organisation("First city")
        self.client.get("/en/organisations/")
        with self.assertNumQueries(ORG_LIST_QUERIES):
            self.client.get("/en/organisations/")
        for i in range(10):
            make_organisation(f"City {i}")
        with self.assertNumQueries(ORG_LIST_QUERIES):
            self.client.get("/en/organisations/")

    def test_detail_query_count(self):
        city = make_organisation("Busy city")
        for i in range(3):
            practice = make_practice(f"Practice {i}")
            practice.organisations.add(city)
            make_commitment(f"Commitment {i}", local_government=city)
        self.client.get(city.get_absolute_url())
        with self.assertNumQueries(ORG_DETAIL_QUERIES):
            self.client.get(city.get_absolute_url())

    def test_unverified_organisation_is_hidden(self):
        hidden = make_organisation("Pending org", is_verified=False)
        self.assertEqual(self.client.get(hidden.get_absolute_url()).status_code, 404)


ORG_LIST_QUERIES = 3
# organisation, published assessment summaries, commitments (+2 prefetches), practices, projects, groups
ORG_DETAIL_QUERIES = 8
