"""Wagtail's admin edits every record type: each listing, edit form and the page explorer open for staff."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from puente.commitments.models import Commitment
from puente.core.tests.base import DemoContentTestCase
from puente.events.models import Meeting
from puente.groups.models import WorkingGroup
from puente.organizations.models import Organisation
from puente.practices.models import Practice
from puente.programmes.models import ProgrammePage, Project
from puente.resources.models import Resource
from puente.taxonomy.models import SDG, Country, SolidarityCriterion, Topic

RECORD_MODELS = [
    Practice,
    Commitment,
    Resource,
    Organisation,
    Project,
    WorkingGroup,
    Meeting,
    Topic,
    SDG,
    SolidarityCriterion,
    Country,
]


class AdminTests(DemoContentTestCase):
    def setUp(self):
        self.admin = get_user_model().objects.get(username="admin")
        self.client.force_login(self.admin)

    def test_demo_admin_can_log_in_with_the_documented_password(self):
        self.client.logout()
        response = self.client.post(
            "/en/accounts/login/", {"login": "admin", "password": "puente-demo"}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["user"].is_authenticated)

    def test_every_record_type_has_a_listing_and_an_edit_form(self):
        for model in RECORD_MODELS:
            with self.subTest(model=model.__name__):
                opts = model._meta
                listing = self.client.get(reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:list"))
                self.assertEqual(listing.status_code, 200)
                obj = model.objects.first()
                edit = self.client.get(
                    reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:edit", args=[obj.pk])
                )
                self.assertEqual(edit.status_code, 200)

    def test_programme_page_edits_in_the_page_editor(self):
        page = ProgrammePage.objects.get(slug="jmdi")
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertEqual(response.status_code, 200)

    def test_admin_is_closed_to_visitors(self):
        self.client.logout()
        response = self.client.get(reverse("wagtailsnippets_practices_practice:list"))
        self.assertEqual(response.status_code, 302)
