"""The draft form and the life-cycle panel, as a focal point meets them: one more priority row without
JavaScript, an error summary above the form, and no "Submit for verification" before the sign-off."""

import re

from django.test import TestCase

from puente.commitments.models import Commitment
from puente.core.tests.factories import make_organisation
from puente.taxonomy.models import CLAObjective

from .test_lifecycle import draft_form, focal_point


class DraftFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Villa Formulario")
        cls.focal = focal_point(cls.city, "focal-form")
        cls.objective = CLAObjective.objects.create(slug="inclusion", name_en="Inclusion")

    def setUp(self):
        self.client.force_login(self.focal)
        self.url = f"/en/commitments/new/?organisation={self.city.pk}"

    def test_add_another_priority_adds_an_empty_row_and_keeps_what_was_typed(self):
        page = self.client.get(self.url)
        self.assertContains(page, 'name="add_priority"')
        self.assertContains(page, 'name="priorities-TOTAL_FORMS" value="2"')
        data = draft_form(title="Half-typed plan")
        data["add_priority"] = "1"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="priorities-TOTAL_FORMS" value="3"')
        self.assertContains(response, 'name="priorities-2-text"')
        self.assertContains(response, 'value="Half-typed plan"')
        self.assertContains(response, "Open a one-stop shop for newcomers.")
        self.assertNotContains(response, "data-error-summary")
        self.assertFalse(Commitment.objects.filter(title="Half-typed plan").exists())

        # The third row is saved with the others.
        data = draft_form(title="Three priorities")
        data.update(
            {
                "priorities-TOTAL_FORMS": "3",
                "priorities-2-text": "Train front-desk staff.",
                "priorities-2-competence": "municipal",
                "cla_objectives": [self.objective.pk],
            }
        )
        self.client.post(self.url, data)
        commitment = Commitment.objects.get(title="Three priorities")
        self.assertEqual(commitment.priorities.count(), 3)

    def test_add_another_priority_on_an_empty_form_shows_no_errors(self):
        response = self.client.post(
            self.url,
            {
                "add_priority": "1",
                "priorities-TOTAL_FORMS": "2",
                "priorities-INITIAL_FORMS": "0",
                "priorities-MIN_NUM_FORMS": "0",
                "priorities-MAX_NUM_FORMS": "30",
            },
        )
        self.assertContains(response, 'name="priorities-TOTAL_FORMS" value="3"')
        self.assertNotContains(response, "field--error")

    def test_error_summary_links_to_the_fields_in_error(self):
        data = draft_form(title="", **{"priorities-0-baseline": "lots"})
        response = self.client.post(self.url, data)
        html = response.content.decode()
        self.assertIn("data-error-summary", html)
        summary = html[
            html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))
        ]
        targets = re.findall(r'href="#([^"]+)"', summary)
        self.assertIn("id_title", targets)
        self.assertIn("id_priorities-0-baseline", targets)
        for target in targets:
            self.assertIn(f'id="{target}"', html)
        self.assertLess(html.index("data-error-summary"), html.index('id="id_title"'))


class SubmitButtonTests(TestCase):
    def test_submit_is_disabled_until_the_sign_off_is_recorded(self):
        city = make_organisation("Villa Firma")
        focal = focal_point(city, "focal-sign")
        objective = CLAObjective.objects.create(slug="inclusion-2", name_en="Inclusion")
        self.client.force_login(focal)
        data = draft_form(title="Needs a signature")
        data["cla_objectives"] = [objective.pk]
        self.client.post(f"/en/commitments/new/?organisation={city.pk}", data)
        commitment = Commitment.objects.get(title="Needs a signature")
        page = self.client.get(commitment.get_absolute_url()).content.decode()
        button = re.search(r"<button[^>]*>Submit for verification</button>", page).group(0)
        self.assertIn(" disabled", button)
        self.assertIn("sign-off must be recorded first.", page)

        self.client.post(
            f"/en/commitments/{commitment.slug}/sign-off/", {"mayor": "Ana Pérez", "signed_on": "2026-01-10"}
        )
        page = self.client.get(commitment.get_absolute_url()).content.decode()
        button = re.search(r"<button[^>]*>Submit for verification</button>", page).group(0)
        self.assertNotIn(" disabled", button)
