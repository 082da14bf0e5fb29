from django.test import TestCase

from puente.commitments.models import Commitment
from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase
from puente.core.tests.factories import make_commitment, make_organisation

CARMEN = "Carmen de La Legua: Municipal Plan of Local Action to Build a Future with Migrants and Refugees 2023 - 2026"


class CommitmentDetailTests(DemoContentTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.carmen = Commitment.objects.get(title=CARMEN)

    def get(self, lang="en"):
        url = self.carmen.get_absolute_url().replace("/en/", f"/{lang}/", 1)
        return self.client.get(url)

    def test_it_shows_the_seed_layout(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        for text in [
            "Mayor",
            "Mg. Edwards Javier Infante López",
            "Start of Project",
            "01/01/2023",
            "End of Project",
            "to be confirmed",
            "Overview",
            "Expected Impact",
            "Priority Objectives",
            "Improving migration governance and forced displacement protection",
            "Realising socio-economic inclusion",
        ]:
            self.assertContains(response, text)

    def test_it_lists_six_priorities_and_three_impacts_in_order(self):
        html = self.get().content.decode()
        priorities = [
            "Promoting compliance with Ordinance No. 014-2017 MDCLR",
            "Organizing the Forum of Mayors of the Callao Mancomunidad",
            "Promoting the coordination and alignment of public activities",
            "The implementation of the Municipal Office for Orientation of Migrants",
            "Providing safe spaces for the economic development of migrants",
            "Inclusion of migrant, refugee, or returnee volunteers",
        ]
        positions = [html.index(p) for p in priorities]
        self.assertEqual(positions, sorted(positions))
        impacts = [
            "Generating evidence, good practices",
            "Seeking the welfare and development",
            "Eliminating violence",
        ]
        positions = [html.index(p) for p in impacts]
        self.assertEqual(positions, sorted(positions))

    def test_previous_and_next_follow_the_seed(self):
        response = self.get()
        self.assertContains(response, "Braga commits to Local and Regional Governments")
        self.assertContains(
            response, "Ensuring Sustainable Reintegration of Returnees and Their Families in Dhankuta"
        )
        html = response.content.decode()
        self.assertLess(html.index("Braga commits"), html.index("Ensuring Sustainable Reintegration"))

    def test_it_renders_in_spanish(self):
        response = self.get("es")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Alcalde")
        self.assertContains(response, "por confirmar")


class CommitmentListTests(DemoContentTestCase):
    def test_it_lists_every_seed_commitment(self):
        response = self.client.get("/en/commitments/")
        for title in [
            "Strengthening Maipú’s Governance Capacity to Promote Social Inclusion of Migrants and Refugees",
            "Legazpi City: Expanded Help Desk for Overseas Filipino Workers",
            "Moroccan Dialect Classes in Terrassa, Spain",
            "Carmen de La Legua: Municipal Plan of Local Action",
            "Braga commits to Local and Regional Governments",
            "Ensuring Sustainable Reintegration of Returnees",
        ]:
            self.assertContains(response, title)
        self.assertContains(response, "Ms. Anqi ZHANG")

    def test_it_filters_by_call_to_local_action_objective(self):
        response = self.client.get("/en/commitments/?cla=socio-economic-inclusion")
        self.assertContains(response, "Carmen de La Legua")

    def test_no_query_string_causes_a_server_error(self):
        for query in ABSURD_QUERY_STRINGS:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/en/commitments/" + query).status_code, 200)


class CommitmentQueryCountTests(TestCase):
    def test_list_query_count_does_not_grow_with_items(self):
        city = make_organisation("Upala")
        make_commitment("A commitment", local_government=city)
        self.client.get("/en/commitments/")
        with self.assertNumQueries(COMMITMENT_LIST_QUERIES):
            self.client.get("/en/commitments/")
        for i in range(12):
            make_commitment(f"More {i}", priorities=["One", "Two"])
        with self.assertNumQueries(COMMITMENT_LIST_QUERIES):
            self.client.get("/en/commitments/")

    def test_detail_query_count(self):
        commitment = make_commitment("Detail", priorities=["One", "Two", "Three"])
        self.client.get(commitment.get_absolute_url())
        with self.assertNumQueries(COMMITMENT_DETAIL_QUERIES):
            self.client.get(commitment.get_absolute_url())

    def test_unpublished_commitment_is_hidden(self):
        draft = make_commitment("Draft pledge", live=False)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/en/commitments/"), "Draft pledge")

    def test_previous_and_next_skip_drafts(self):
        make_commitment("Alpha")
        make_commitment("Beta", live=False)
        gamma = make_commitment("Gamma")
        self.assertEqual(gamma.previous().title, "Alpha")


COMMITMENT_LIST_QUERIES = 13
COMMITMENT_DETAIL_QUERIES = 16
