"""The commitments CSV and XLSX speak the reader's language (headers and choice labels, not codes), and the
XLSX is a real spreadsheet: typed number and date cells, a frozen header row, sized columns."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.test import TestCase
from openpyxl import load_workbook

from puente.commitments.models import CommitmentPriority, Competence, PriorityStatus
from puente.core.tests.factories import make_commitment, make_country, make_organisation


class ExportLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        peru = make_country("PE", "Peru", name_es="Perú", name_fr="Pérou")
        town = make_organisation("Villa Export", country=peru)
        cls.commitment = make_commitment(
            "Welcoming city",
            local_government=town,
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2026, 6, 30),
        )
        CommitmentPriority.objects.create(
            commitment=cls.commitment,
            text="Open a one-stop desk",
            competence=Competence.SHARED,
            status=PriorityStatus.ACHIEVED,
            indicator="People served",
            unit="people",
            baseline=Decimal("12.50"),
            target=Decimal("40"),
            sort_order=0,
        )

    def csv_rows(self, language: str) -> list[dict]:
        response = self.client.get(f"/{language}/commitments/export.csv")
        self.assertEqual(response.status_code, 200)
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def xlsx_sheet(self, language: str):
        response = self.client.get(f"/{language}/commitments/export.xlsx")
        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(response.content)).active

    def test_csv_in_spanish(self):
        (row,) = self.csv_rows("es")
        self.assertEqual(row["Compromiso"], "Welcoming city")
        self.assertEqual(row["Gobierno local"], "Villa Export")
        self.assertEqual(row["País"], "Perú")
        self.assertEqual(row["Estado"], "Publicado")
        self.assertEqual(row["Informe atrasado"], "No")
        self.assertEqual(row["Prioridad"], "1")
        self.assertIn("Compartida con otro nivel de gobierno", row.values())
        self.assertIn("Lograda", row.values())
        self.assertNotIn("shared", row.values())
        self.assertNotIn("published", row.values())

    def test_csv_in_french(self):
        (row,) = self.csv_rows("fr")
        self.assertEqual(row["Engagement"], "Welcoming city")
        self.assertEqual(row["Collectivité locale"], "Villa Export")
        self.assertEqual(row["Pays"], "Pérou")
        self.assertEqual(row["Statut"], "Publié")
        self.assertEqual(row["Rapport en retard"], "Non")
        self.assertNotIn("achieved", row.values())

    def test_csv_keeps_dates_and_numbers_unambiguous(self):
        (row,) = self.csv_rows("es")
        self.assertIn("2024-03-01", row.values())
        self.assertIn("12.50", row.values())

    def test_xlsx_in_spanish_with_typed_cells(self):
        sheet = self.xlsx_sheet("es")
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[0], "Compromiso")
        self.assertEqual(header[2:5], ["Gobierno local", "País", "Estado"])
        data = dict(zip(header, list(sheet[2]), strict=True))
        self.assertEqual(data["Estado"].value, "Publicado")
        self.assertEqual(data["País"].value, "Perú")
        self.assertEqual(data["Prioridad"].value, 1)
        self.assertEqual(data["Prioridad"].data_type, "n")
        start = data[header[5]]
        self.assertIsInstance(start.value, dt.datetime)
        self.assertEqual(start.value.date(), dt.date(2024, 3, 1))
        self.assertTrue(start.is_date)
        baseline = [cell for cell in sheet[2] if cell.value == 12.5]
        self.assertEqual(len(baseline), 1)
        self.assertEqual(baseline[0].data_type, "n")

    def test_xlsx_in_french_layout(self):
        sheet = self.xlsx_sheet("fr")
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[0], "Engagement")
        self.assertIn("Collectivité locale", header)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet["A1"].font.bold)
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        self.assertTrue(all(width and width >= 9 for width in widths), widths)
        row = [cell.value for cell in sheet[2]]
        self.assertIn("Publié", row)
        self.assertIn("Partagée avec un autre niveau de gouvernement", row)
        self.assertIn("Atteinte", row)
