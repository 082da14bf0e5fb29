from decimal import Decimal

from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.programmes.models import ProgrammePage, Project


class ProgrammePageTests(DemoContentTestCase):
    def get(self):
        page = ProgrammePage.objects.get(slug="jmdi")
        return self.client.get(page.url)

    def test_it_shows_description_target_countries_and_criteria(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Joint Migration and Development Initiative")
        for country in [
            "Ecuador",
            "El Salvador",
            "Costa Rica",
            "Morocco",
            "Tunisia",
            "Senegal",
            "Nepal",
            "Philippines",
        ]:
            self.assertContains(response, country)
        self.assertContains(response, "South-South")

    def test_table_has_every_project_with_partner_duration_and_funding(self):
        html = self.get().content.decode()
        for project in Project.objects.all():
            self.assertIn(project.title.replace("&", "&amp;"), html)
        self.assertIn("Municipality of Upala", html)
        self.assertIn("22 months", html)
        self.assertIn("USD 230,000.00", html)
        self.assertIn("USD 250,000.00", html)
        self.assertIn("USD 46,000.00", html)

    def test_totals_per_country_and_overall(self):
        html = self.get().content.decode()
        # Costa Rica: 230,000 + 162,000; Tunisia: 230,000 + 46,000; overall: sum of all 16 rows.
        self.assertIn("USD 392,000.00", html)
        self.assertIn("USD 276,000.00", html)
        total = sum(p.funding_amount for p in Project.objects.all())
        self.assertEqual(total, Decimal("3448000.00"))
        self.assertIn("USD 3,448,000.00", html)

    def test_funding_chart_is_accessible_svg(self):
        html = self.get().content.decode()
        self.assertIn("<svg", html)
        self.assertIn('role="img"', html)
        self.assertIn("<title", html)


class ProjectListTests(DemoContentTestCase):
    def test_it_lists_and_filters_projects(self):
        response = self.client.get("/en/projects/?country=np")
        self.assertContains(response, "Safer remittances and improved livelihoods project (SRIL)")
        self.assertNotContains(response, "Canton of Upala")

    def test_project_detail(self):
        project = Project.objects.get(title__startswith="Safer remittances")
        response = self.client.get(project.get_absolute_url())
        self.assertContains(response, "Oxfam Nepal")
        self.assertContains(response, "21 months")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/projects/" + query).status_code, 200)

    def test_list_query_count(self):
        self.client.get("/en/projects/")
        with self.assertNumQueries(PROJECT_LIST_QUERIES):
            self.client.get("/en/projects/")

    def test_programme_page_query_count(self):
        url = ProgrammePage.objects.get(slug="jmdi").url
        self.client.get(url)
        with self.assertNumQueries(PROGRAMME_PAGE_QUERIES):
            self.client.get(url)


PROJECT_LIST_QUERIES = 4
PROGRAMME_PAGE_QUERIES = 11
