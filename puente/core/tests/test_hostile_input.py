"""Hostile and careless input gets a normal page or a 4xx, never a server error, on SQLite and PostgreSQL
alike: every public list page with hostile query strings, then each server error the fuzz found (issue #21;
``test_fuzz.py`` looks for more)."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from puente.contributions.models import Contribution, Report
from puente.news.models import NewsIndexPage, NewsPage
from puente.organizations.models import Organisation, OrganisationType
from puente.practices.models import Practice
from puente.programmes.models import ProgrammePage, Project
from puente.taxonomy.models import Country

from .factories import (
    make_commitment,
    make_country,
    make_group,
    make_meeting,
    make_organisation,
    make_practice,
    make_resource,
    make_user,
)

LIST_PAGES = [
    "/en/practices/",
    "/en/commitments/",
    "/en/commitments/dashboard/",
    "/en/commitments/asks/",
    "/en/projects/",
    "/en/organisations/",
    "/en/groups/",
    "/en/events/",
    "/en/events/calendar/",
    "/en/resources/",
    "/en/topics/",
    "/en/search/",
]
HOSTILE = ["\x00", "a\x00b", "\x01\x1f\x7f", "x" * 5000, "'\"<>%_\\", "日本語", "🙂", "-1", "9" * 30]
PARAMS = [
    "q",
    "page",
    "topic",
    "country",
    "region",
    "type",
    "kind",
    "year",
    "status",
    "group",
    "month",
    "sort",
]


class HostileQueryStringTests(TestCase):
    def test_list_pages_never_fail(self):
        for url in LIST_PAGES:
            for value in HOSTILE:
                response = self.client.get(url, dict.fromkeys(PARAMS, value))
                self.assertLess(response.status_code, 500, (url, value))


# --- server errors found by fuzzing (issue #21): each input gets a 4xx or a normal page --------------------

BIG = "99999999999999999999"  # above 2**64: no integer column holds it


def make_admin():
    return make_user(is_staff=True, is_superuser=True)


class AdminListSearchTests(TestCase):
    """The admin's list search looks in the viewset's fields with the database, on SQLite and PostgreSQL
    alike (the search backend could not filter out deleted records, nor search chosen fields on SQLite)."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_admin()
        country = make_country()
        make_practice("Municipal help desk")
        make_practice("Unrelated practice")
        deleted = make_practice("Deleted help desk")
        Practice.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        make_commitment("Help desk commitment", summary="A municipal help desk.")
        make_resource("Help desk guide")
        make_meeting("Help desk meeting")
        make_group("Working group on help desks")
        make_organisation("Municipalidad de Quilicura", acronym="MQX", city="Santiago", country=country)
        home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home-search"))
        programme = home.add_child(instance=ProgrammePage(title="Programme", slug="programme"))
        Project.objects.create(
            programme=programme,
            title="Integration project",
            slug="integration-project",
            main_objectives="A help desk for newcomers.",
            country=country,
            duration_months=12,
            funding_amount=1000,
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def search(self, path, q):
        response = self.client.get(f"/admin/snippets/{path}/", {"q": q})
        self.assertEqual(response.status_code, 200, path)
        return response

    def test_each_record_list_finds_records_by_its_search_fields(self):
        for path, q, found in [
            ("practices/practice", "help desk", "Municipal help desk"),
            ("commitments/commitment", "municipal help", "Help desk commitment"),
            ("resources/resource", "help desk", "Help desk guide"),
            ("events/meeting", "help desk", "Help desk meeting"),
            ("groups/workinggroup", "help desk", "Working group on help desks"),
            ("organizations/organisation", "MQX", "Municipalidad de Quilicura"),  # acronym
            ("organizations/organisation", "Santiago", "Municipalidad de Quilicura"),  # city
            ("programmes/project", "newcomers", "Integration project"),  # main objectives
        ]:
            with self.subTest(path=path, q=q):
                self.assertContains(self.search(path, q), found)

    def test_search_leaves_out_other_and_deleted_records(self):
        response = self.search("practices/practice", "help desk")
        self.assertNotContains(response, "Unrelated practice")
        self.assertNotContains(response, "Deleted help desk")

    def test_hostile_searches_get_a_page(self):
        for value in ['"><img src=x>', "\x00", "x" * 5000, "' OR 1=1 --"]:
            for path in ("practices/practice", "organizations/organisation", "programmes/project"):
                with self.subTest(path=path, value=value):
                    self.assertLess(
                        self.client.get(f"/admin/snippets/{path}/", {"q": value}).status_code, 500
                    )


class RedirectTargetTests(TestCase):
    def test_the_time_zone_form_goes_back_only_to_a_path_on_this_site(self):
        for target in ["abc", "practices:index", "https://evil.example.org/", "//evil.example.org/", "\x00"]:
            with self.subTest(target=target):
                response = self.client.get("/en/events/time-zone/", {"next": target, "tz": "Europe/Madrid"})
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], "/")
        response = self.client.get(
            "/en/events/time-zone/", {"next": "/en/events/?page=2", "tz": "Europe/Madrid"}
        )
        self.assertEqual(response["Location"], "/en/events/?page=2")

    def test_the_admin_ignores_a_next_that_is_not_a_path_on_this_site(self):
        self.client.force_login(make_admin())
        page = make_news_page()
        response = self.client.post(f"/admin/pages/{page.pk}/unpublish/", {"next": ["/admin/", "{0}{1}"]})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("{0}", response["Location"])
        page.refresh_from_db()
        self.assertFalse(page.live)


class HugeIdentifierTests(TestCase):
    """Identifiers above 2**63 are refused like any unknown id (SQLite cannot bind them: OverflowError)."""

    @classmethod
    def setUpTestData(cls):
        cls.member = make_user(verified_email=True)
        cls.admin = make_admin()
        cls.practice = make_practice()

    def test_a_form_choice_with_a_huge_id_is_an_invalid_choice(self):
        self.client.force_login(self.member)
        response = self.client.post(
            "/en/contribute/practice/",
            {"title": "A practice", "summary": "S", "topics": [BIG], "action": "draft"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is not one of the available choices")

    def test_a_choice_of_a_page_type_with_a_huge_id_is_an_invalid_choice(self):
        self.client.force_login(self.admin)
        response = self.client.post("/admin/snippets/programmes/project/add/", {"programme": str(2**63)})
        self.assertEqual(response.status_code, 200)

    def test_urls_and_choosers_with_huge_ids_are_not_found(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(f"/en/practices/{BIG}/").status_code, 404)
        self.assertEqual(self.client.get(f"/en/assessments/{BIG}/").status_code, 404)
        edit = f"/admin/snippets/practices/practice/edit/{BIG}/"
        self.assertEqual(self.client.get(edit, follow=True).status_code, 404)
        chosen = "/admin/snippets/choose/practices/practice/chosen-multiple/"
        response = self.client.get(chosen, {"id": [str(2**63), str(self.practice.pk)]})
        self.assertContains(response, self.practice.title)
        self.assertEqual(self.client.get(chosen, {"id": BIG}).status_code, 400)
        self.assertEqual(self.client.get(chosen, {"id": ["1", "abc"]}).status_code, 400)


class OrganisationDescriptionTests(TestCase):
    """The public registration form's description is a plain textarea (the admin's rich-text editor showed a
    label and no box, and crashed on anything but its JSON); what is typed is stored escaped, in paragraphs."""

    def setUp(self):
        self.client.force_login(make_user())
        self.country = make_country()

    def register(self, name, description):
        data = {"name": name, "kind": OrganisationType.LOCAL_GOVERNMENT, "country": self.country.pk}
        return self.client.post("/en/organisations/register/", {**data, "description": description})

    def test_the_form_has_a_text_box_for_the_description(self):
        response = self.client.get("/en/organisations/register/")
        self.assertContains(response, '<textarea name="description"')
        self.assertNotContains(response, "data-draftail-input")

    def test_any_description_is_stored_as_escaped_paragraphs(self):
        draftail = '{"blocks": [{"key": "a", "text": "Hi", "type": "unstyled"}], "entityMap": {}}'
        for i, (typed, stored) in enumerate(
            [
                ("We welcome newcomers.\n\nSince 2010.", "<p>We welcome newcomers.</p><p>Since 2010.</p>"),
                ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
                ("{", "<p>{</p>"),
                (draftail, f"<p>{escape(draftail)}</p>"),
                ("", ""),
            ]
        ):
            with self.subTest(typed=typed):
                self.assertEqual(self.register(f"Municipio {i}", typed).status_code, 302)
                self.assertEqual(Organisation.objects.get(name=f"Municipio {i}").description, stored)

    def test_a_description_too_long_is_refused_with_a_message(self):
        response = self.register("Municipio largo", "x" * 6000)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at most 5000 characters")


class AdminFormInputTests(TestCase):
    """Wagtail's admin forms with values its own widgets would never send."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_admin()
        cls.page = make_news_page()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_rich_text_that_is_not_the_editors_json_reads_as_no_content(self):
        data = {"title": "T", "slug": "t", "date": "2026-01-05", "intro": "I", "action-publish": "publish"}
        for body in ["{", "<p>plain</p>", '{"blocks": [{"text": 1}], "entityMap": []}', "[1, 2"]:
            with self.subTest(body=body):
                response = self.client.post(f"/admin/pages/{self.page.pk}/edit/", {**data, "body": body})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "This field is required")
        self.page.refresh_from_db()
        self.assertEqual(self.page.body, "<p>B</p>")

    def test_a_chooser_shows_a_refused_value_as_nothing_chosen(self):
        for value in ["NaN", "a\x00b", "1.5", BIG]:
            with self.subTest(value=value):
                response = self.client.post(
                    "/admin/sites/new/", {"hostname": "x", "port": "80", "root_page": value}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'name="root_page" required aria-invalid="true"')
        self.assertEqual(Site.objects.count(), 1)

    def test_copying_a_page_needs_an_existing_destination(self):
        for parent in ["abc", "", BIG, "999999"]:
            with self.subTest(parent=parent):
                response = self.client.post(
                    f"/admin/pages/{self.page.pk}/copy/",
                    {"new_title": "Copy", "new_slug": "copy", "new_parent_page": parent},
                )
                self.assertEqual(response.status_code, 400)
        response = self.client.post(
            f"/admin/pages/{self.page.pk}/copy/",
            {"new_title": "Copy", "new_slug": "copy", "new_parent_page": self.page.get_parent().pk},
        )
        self.assertEqual(response.status_code, 302)

    def test_searching_pages_with_a_double_quote(self):
        for q in ['"><img src=x>', '"', 'say "hello']:
            with self.subTest(q=q):
                response = self.client.get(f"/admin/pages/{self.page.get_parent().pk}/", {"q": q})
                self.assertEqual(response.status_code, 200)
        response = self.client.get("/admin/pages/search/", {"q": '"An article'})
        self.assertEqual(response.status_code, 200)


class AdminRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_admin()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_contributions_and_reports_are_not_added_in_the_admin(self):
        for model in ("contribution", "report"):
            with self.subTest(model=model):
                listing = self.client.get(f"/admin/snippets/contributions/{model}/")
                self.assertEqual(listing.status_code, 200)
                self.assertNotContains(listing, f"/admin/snippets/contributions/{model}/add/")
                self.assertEqual(
                    self.client.get(f"/admin/snippets/contributions/{model}/add/").status_code, 302
                )
                response = self.client.post(f"/admin/snippets/contributions/{model}/add/", {"status": "open"})
                self.assertEqual(response.status_code, 302)
        self.assertFalse(Contribution.objects.exists())
        self.assertFalse(Report.objects.exists())

    def test_deleting_a_record_others_need_says_what_holds_it(self):
        country = make_country("PE", "Peru")
        make_organisation("Municipalidad de Comas", country=country)
        response = self.client.post(f"/admin/snippets/taxonomy/country/delete/{country.pk}/", follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "“Peru” cannot be deleted: “Municipalidad de Comas” depend on it.")
        self.assertTrue(Country.objects.filter(pk=country.pk).exists())


class ContributeWithoutIndexTests(TestCase):
    def test_news_and_blog_forms_are_not_found_while_the_site_has_no_index_for_them(self):
        self.client.force_login(make_user(verified_email=True))
        for kind in ("news", "blog"):
            with self.subTest(kind=kind):
                self.assertEqual(self.client.get(f"/en/contribute/{kind}/").status_code, 404)
                response = self.client.post(
                    f"/en/contribute/{kind}/", {"title": "T", "intro": "I", "body": "B"}
                )
                self.assertEqual(response.status_code, 404)


def make_news_page():
    home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home-news"))
    index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    page = NewsPage(
        title="An article", slug="an-article", date=dt.date(2026, 1, 5), intro="I", body="<p>B</p>"
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
