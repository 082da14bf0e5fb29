"""Dashboard, asks to other levels of government and exports, on the demo content."""

import csv
import io

from openpyxl import load_workbook

from puente.commitments.models import Commitment
from puente.core.tests.base import ABSURD_QUERY_STRINGS, DemoContentTestCase

CARMEN = "carmen-de-la-legua-municipal-plan-of-local-action"
# The demo's reports, indicators and competences belong to the fictional Villa Demo, never to a real city.
VILLA_DEMO = "villa-demo-local-plan-with-migrants-and-refugees"


class DashboardTests(DemoContentTestCase):
    def test_charts_have_the_numbers_in_tables(self):
        response = self.client.get("/en/commitments/dashboard/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count('role="img"'), 6)
        self.assertContains(response, "7 published commitments match these filters.")
        self.assertContains(response, "Commitments by priority objective")
        # Status: the six seeded commitments and the fictional one are published.
        self.assertInHTML('<tr><th scope="row">Published</th><td class="num">7</td></tr>', html)
        # Progress: the fictional Villa Demo is at 53%, in the 51–75% bucket; six have no report.
        self.assertInHTML('<tr><th scope="row">51–75%</th><td class="num">1</td></tr>', html)
        self.assertInHTML('<tr><th scope="row">No report yet</th><td class="num">6</td></tr>', html)
        # Reports over time: two approved reports, 2024 and 2025.
        self.assertInHTML('<tr><th scope="row">2024</th><td class="num">1</td></tr>', html)

    def test_charts_follow_the_filters(self):
        response = self.client.get("/en/commitments/dashboard/?country=pe")
        self.assertContains(response, "1 published commitment matches these filters.")
        html = response.content.decode()
        self.assertInHTML('<tr><th scope="row">Peru</th><td class="num">1</td></tr>', html)
        self.assertNotIn('<th scope="row">Portugal</th>', html)
        self.assertInHTML(
            '<tr><th scope="row">Portugal</th><td class="num">1</td></tr>',
            self.client.get("/en/commitments/dashboard/").content.decode(),
        )

    def test_query_count_does_not_grow(self):
        self.client.get("/en/commitments/dashboard/")
        with self.assertNumQueries(14):
            self.client.get("/en/commitments/dashboard/")
        with self.assertNumQueries(14):
            self.client.get("/en/commitments/dashboard/?region=americas")

    def test_absurd_query_strings(self):
        for query in ABSURD_QUERY_STRINGS:
            for path in ("dashboard/", "asks/", "export.csv", "export.xlsx"):
                with self.subTest(path=path, query=query):
                    self.assertEqual(self.client.get(f"/en/commitments/{path}{query}").status_code, 200)


class AsksTests(DemoContentTestCase):
    def test_lists_shared_and_other_level_priorities_per_country(self):
        with self.assertNumQueries(10):
            response = self.client.get("/en/commitments/asks/")
        # The fictional Villa Demo has no country.
        self.assertContains(response, '<h3 id="asks-1">Country not given</h3>', html=False)
        self.assertContains(
            response, "Agree a referral protocol with the national health and protection services."
        )
        self.assertContains(response, "Shared with another level of government")
        # Municipal priorities are not asks.
        self.assertNotContains(response, "Train municipal staff on non-discrimination")

    def test_spanish(self):
        response = self.client.get("/es/commitments/asks/")
        self.assertContains(response, "Compartida con otro nivel de gobierno")


class ExportTests(DemoContentTestCase):
    def test_csv_round_trip(self):
        with self.assertNumQueries(3):
            response = self.client.get("/en/commitments/export.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        published = Commitment.objects.published()
        expected_rows = sum(max(c.priorities.count(), 1) for c in published)
        self.assertEqual(len(rows), expected_rows)
        demo = [row for row in rows if row["Address"].endswith(f"/{VILLA_DEMO}/")]
        self.assertEqual(len(demo), 6)
        self.assertEqual(demo[0]["Overall progress (%)"], "53")
        self.assertEqual(demo[0]["Last report"], "2025-03-31")
        self.assertEqual(demo[0]["Percent complete (latest report)"], "55")
        self.assertEqual(demo[0]["Indicator value (latest report)"], "26.00")
        self.assertEqual(demo[1]["Competence"], "Shared with another level of government")
        self.assertEqual(demo[1]["Priority status"], "Achieved")
        carmen = [row for row in rows if row["Address"].endswith(f"/{CARMEN}/")]
        self.assertEqual(len(carmen), 6)
        self.assertEqual(carmen[0]["Country"], "Peru")
        self.assertEqual((carmen[0]["Overall progress (%)"], carmen[0]["Indicator"]), ("", ""))

    def test_xlsx_round_trip_and_filters(self):
        response = self.client.get("/en/commitments/export.xlsx?country=pe")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.values)
        header, data = values[0], values[1:]
        self.assertEqual(header[0], "Commitment")
        self.assertEqual(len(data), 6)
        self.assertTrue(all(row[header.index("Local government")] == "Carmen de La Legua" for row in data))
        self.assertEqual(data[0][header.index("Priority")], 1)

    def test_formula_injection_is_defused(self):
        commitment = Commitment.objects.published().first()
        Commitment.objects.filter(pk=commitment.pk).update(title='=HYPERLINK("http://evil")')
        rows = list(csv.reader(io.StringIO(self.client.get("/en/commitments/export.csv").content.decode())))
        self.assertTrue(any(row[0] == '\'=HYPERLINK("http://evil")' for row in rows))
