"""The demo tells the truth: real organisations show only what the seed documents say, invented activity
belongs to a visibly fictional organisation, unrecorded values read "Not recorded", records carry their own
dates, and the seeds' facts are on the pages where a reader looks for them. Everything through HTTP."""

import datetime as dt
import io
import re
from html import unescape

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.test.utils.form_data import nested_form_data, rich_text

from puente.assessments.models import Round
from puente.commitments.models import Commitment, CommitmentPriority, Competence, ProgressReport, ReportStatus
from puente.core.tests.base import DemoContentTestCase
from puente.core.tests.factories import (
    make_commitment,
    make_country,
    make_group,
    make_organisation,
    make_practice,
    make_user,
)
from puente.groups.models import Deliverable
from puente.organizations.models import Membership, MembershipRole, Organisation

CARMEN = "/en/commitments/carmen-de-la-legua-municipal-plan-of-local-action/"
VILLA_DEMO = "/en/commitments/villa-demo-local-plan-with-migrants-and-refugees/"


def text_of(response) -> str:
    """The visible text of a page's main content, with whitespace collapsed."""
    html = response.content.decode()
    match = re.search(r"(?s)<main.*?</main>", html)
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", match.group(0) if match else html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def section(response, heading_id: str) -> str:
    """The text of the page section labelled by the heading ``heading_id``."""
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:end])))


class DemoTruthTests(DemoContentTestCase):
    # --- real organisations: only what the seeds say ----------------------------------------------------------

    def test_carmen_de_la_legua_shows_no_invented_activity(self):
        page = self.client.get(CARMEN)
        self.assertContains(page, "Promoting compliance with Ordinance No. 014-2017 MDCLR")
        self.assertContains(page, "No progress report has been published yet.")
        for invented in ("% complete", "Progress reports", "indicator", "Discrimination complaints", "980"):
            self.assertNotContains(page, invented)
        self.assertNotContains(page, "Fictional")
        organisation = self.client.get("/en/organisations/carmen-de-la-legua/")
        self.assertNotContains(organisation, "Self-assessments")
        self.assertNotContains(organisation, "Callao region")  # not in the seeds
        self.assertContains(organisation, "Mg. Edwards Javier Infante López")
        asks = self.client.get("/en/commitments/asks/")
        self.assertNotContains(asks, "Carmen de La Legua")
        carmen = Commitment.objects.get(slug="carmen-de-la-legua-municipal-plan-of-local-action")
        self.assertFalse(carmen.reports.exists())
        self.assertFalse(Membership.objects.filter(organisation=carmen.local_government).exists())
        self.assertFalse(Round.objects.filter(organisation=carmen.local_government).exists())

    def test_real_commitments_only_list_the_priority_objectives_the_seeds_give(self):
        for slug in (
            "strengthening-maipus-governance-capacity",
            "legazpi-city-help-desk-overseas-filipino-workers",
            "moroccan-dialect-classes-terrassa",
        ):
            with self.subTest(slug=slug):
                self.assertNotContains(self.client.get(f"/en/commitments/{slug}/"), 'id="objectives-heading"')
        carmen = section(self.client.get(CARMEN), "objectives-heading")
        for objective in (
            "Improving migration governance and forced displacement protection",
            "Minimising the drivers of forced displacement, including climate change and environmental drivers",
            "Providing access to urban infrastructure, social services, and education, regardless of status",
            "Realising socio-economic inclusion",
        ):
            self.assertIn(objective, carmen)

    def test_unrecorded_values_read_not_recorded(self):
        for slug in ("carmen-de-la-legua", "municipality-of-esquipulas", "legazpi-city"):
            with self.subTest(slug=slug):
                page = self.client.get(f"/en/organisations/{slug}/")
                self.assertRegex(text_of(page), "Marrakech Mayors Declaration Not recorded")
                self.assertNotContains(page, "Not signed")
        maipu = text_of(self.client.get("/en/commitments/strengthening-maipus-governance-capacity/"))
        self.assertIn("Mayor Not recorded", maipu)
        self.assertIn("Start of Project Not recorded End of Project Not recorded", maipu)
        self.assertNotIn("to be confirmed", maipu)
        # Carmen's seed page says "to be confirmed" for the end of the project.
        self.assertIn(
            "Start of Project 01/01/2023 End of Project to be confirmed", text_of(self.client.get(CARMEN))
        )
        group = self.client.get("/en/groups/mirps-working-group-on-local-governance/")
        deliverables = section(group, "deliverables-heading")
        self.assertEqual(deliverables.count("Not recorded"), 3)
        self.assertNotIn("Planned", deliverables)

    # --- invented activity: on a fictional organisation that says so ------------------------------------------

    def test_the_fictional_organisation_carries_the_demo_activity_and_says_so(self):
        notice = "is a fictional organisation made up to demonstrate Puente"
        organisation = self.client.get("/en/organisations/villa-demo/")
        self.assertContains(organisation, notice)
        self.assertContains(organisation, "Autoevaluación Ciudades Solidarias 2025 (demo)")
        listing = text_of(self.client.get("/en/organisations/?q=Villa"))
        self.assertIn("Villa Demo (fictional) Fictional", listing)
        commitment = self.client.get(VILLA_DEMO)
        self.assertContains(commitment, notice)
        self.assertContains(commitment, "53% complete")
        self.assertContains(commitment, "Illustrative demo report of a fictional municipality.")
        self.assertContains(commitment, "People advised by the orientation desk")
        asks = text_of(self.client.get("/en/commitments/asks/"))
        self.assertIn("Villa Demo (fictional): Local Plan with Migrants and Refugees 2024 - 2027", asks)

    def test_the_framework_page_says_the_questions_are_puentes_draft(self):
        page = text_of(self.client.get("/en/assessments/frameworks/cities-of-solidarity/"))
        self.assertIn(
            "The maturity scale and the questions below are Puente's own draft wording, not the text of the "
            "official Cities of Solidarity self-assessment tool.",
            page,
        )
        self.assertIn("1. Civil-Political Inclusion", page)

    # --- facts of the seeds, on their pages -------------------------------------------------------------------

    def test_uclg_figures_of_the_concept_note(self):
        page = text_of(self.client.get("/en/organisations/uclg/"))
        for fact in (
            "more than 240,000 members in more than 140 member states of the United Nations",
            "de facto representing more than half the world's population",
            "present in more than 120 United Nations Member States in seven regions",
            "ensuring an effective and democratic global organization",
        ):
            self.assertIn(fact, page)

    def test_the_call_to_local_actions_three_objectives(self):
        page = text_of(self.client.get("/en/practices/call-to-local-action/"))
        self.assertIn("The three objectives of the Call for Local Action are:", page)
        for objective in (
            "To increase the number of local governments that publicly support the Compacts through the "
            "Marrakech Mayors Declaration",
            "Collect and showcase bold, people-focused local actions that meet or exceed the goals of the Compacts",
            "Create a cohort of publicly recognized local and regional leaders committed to a strong implementation",
        ):
            self.assertIn(objective, page)
        self.assertIn("Formally launched in the World Urban Forum in 2019", page)

    def test_the_full_name_of_the_undp_unhcr_framework(self):
        page = text_of(self.client.get("/en/groups/mirps-working-group-on-local-governance/"))
        self.assertIn("UNDP-UNHCR Regional Local Governance Framework", page)
        self.assertIn(
            "UNDP and UNHCR launched the Regional Framework for Local Governance in September 2021", page
        )
        self.assertIn("UNDP-UNHCR Cooperation Framework for the Rule of Law and Governance", page)

    def test_the_concept_note_is_attached_to_the_working_group(self):
        group = self.client.get("/en/groups/mirps-working-group-on-local-governance/")
        documents = group.content.decode().split('id="documents-heading"')[1].split("</section>")[0]
        link = re.search(r'href="([^"]+)">Concept Note – MIRPS Working Group on Local Governance', documents)
        self.assertIsNotNone(link, documents)
        download = self.client.get(unescape(link.group(1)))
        self.assertEqual(download.status_code, 200)
        content = b"".join(download.streaming_content) if download.streaming else download.content
        self.assertTrue(content.startswith(b"%PDF"))
        note = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        note = re.sub(r"\s+", " ", note)
        for fact in ("30 September 2022", "240,000 members", "Session 3", "Panama City"):
            self.assertIn(fact, note)
        resource = self.client.get("/en/resources/concept-note-mirps-working-group-on-local-governance/")
        self.assertContains(resource, link.group(1))

    def test_the_jmdi_page_invites_to_the_m4d_net(self):
        page = text_of(self.client.get("/en/jmdi/"))
        for fact in (
            "M4D Goes Local",
            "the e-learning tool",
            "The JMDI warmly encourages you to join the network by registering as an individual or an organization.",
            "The JMDI started implementing new activities as of December 2012".replace(
                "The JMDI", "the JMDI"
            ),
            "South-South partnerships will be specifically favoured",
        ):
            self.assertIn(fact, page)

    def test_legazpi_and_terrassa_state_their_commitment_on_their_own_pages(self):
        statements = {
            "legazpi-city-help-desk-overseas-filipino-workers": (
                "Legazpi City commits to provide services to Overseas Filipino Workers (OFW) and their families "
                "through a Municipal Help Desk and to expand the Help Desk services in 2023 to support "
                "pre-migration orientation seminars and improved access to health care."
            ),
            "moroccan-dialect-classes-terrassa": (
                "The City of Terrassa commits to implement an anti-racist and intercultural educational "
                "strategy by providing language and cultural training to its primary and secondary grade "
                "teachers."
            ),
            "strengthening-maipus-governance-capacity": (
                "Maipú Municipality commits to strengthen its local capacity to govern migration and forced "
                "displacement"
            ),
        }
        for slug, statement in statements.items():
            with self.subTest(slug=slug):
                self.assertIn(
                    statement, section(self.client.get(f"/en/commitments/{slug}/"), "overview-heading")
                )

    def test_project_partners_in_the_seeds_order_with_their_full_names(self):
        cells = {
            "Preserving the Figuig Palm": "Association of Agricultural Cooperatives of Figuig , Association "
            "Migration and Development",
            "Linking migrants, local authorities": "Regional Agency for Development of Djourbel , Committee of "
            "Women Entrepreneurs of Venice, Italy",
            "Health for all": "Red Crescent Tunisia , Cooperation for Development in Emerging Countries "
            "(COSPE), Italy",
        }
        programme = text_of(self.client.get("/en/jmdi/"))
        projects = text_of(self.client.get("/en/projects/"))
        for title, partners in cells.items():
            with self.subTest(title=title):
                self.assertIn(partners, programme)
                self.assertIn(partners, projects)
        detail = text_of(self.client.get("/en/projects/jmdi-health-for-all/"))
        self.assertIn(
            "Red Crescent Tunisia Cooperation for Development in Emerging Countries (COSPE), Italy", detail
        )

    # --- dates: each record's own ----------------------------------------------------------------------------

    def test_year_facets_and_result_lines_use_each_records_own_date(self):
        loaded = str(timezone.localdate().year)
        for query in ("kind=practice", "kind=commitment", "kind=resource", "kind=project", "q=migration"):
            with self.subTest(query=query):
                html = self.client.get(f"/en/search/?{query}").content.decode()
                years = re.findall(r'name="year" value="(\d{4})"', html)
                self.assertTrue(years, html[:200])
                self.assertNotIn(loaded, years)
        practices = self.client.get("/en/search/?q=Maroc+Vert").content.decode()
        self.assertRegex(practices, r"Practice</span> · Morocco · 2008</p>")
        commitments = self.client.get("/en/search/?kind=commitment").content.decode()
        self.assertEqual(
            sorted(set(re.findall(r'name="year" value="(\d{4})"', commitments))), ["2023", "2024"]
        )

    def test_jmdi_projects_belong_to_the_phase_that_began_in_december_2012(self):
        project = text_of(self.client.get("/en/projects/jmdi-canton-of-upala/"))
        self.assertIn("Programme phase Began in December 2012", project)
        html = self.client.get("/en/search/?kind=project").content.decode()
        self.assertEqual(re.findall(r'name="year" value="(\d{4})"', html), ["2012"])
        self.assertEqual(set(re.findall(r"Project</span> · [^<·]+ · (\d{4})", html)), {"2012"})

    # --- small display errors --------------------------------------------------------------------------------

    def test_the_asks_page_names_the_local_government_once(self):
        asks = text_of(self.client.get("/en/commitments/asks/"))
        self.assertNotIn("Villa Demo (fictional): Villa Demo (fictional):", asks)
        self.assertIsNone(re.search(r"(\b[\w ()]+): \1:", asks))

    def test_places_name_the_country_once(self):
        for slug, place in (
            ("le-maroc-vert", "Place Morocco Language"),
            ("3x1-remittance-programme", "Place Mexico Language"),
            ("grameen-bank", "Place Rural Bangladesh Language"),
            ("migra-empresas", "Place La Pintana, Chile Language"),
        ):
            with self.subTest(slug=slug):
                self.assertIn(place, text_of(self.client.get(f"/en/practices/{slug}/")))

    def test_the_news_item_reports_the_concept_note_not_the_sessions(self):
        page = text_of(
            self.client.get(
                "/en/news/mirps-working-group-on-local-governance-meets-in-three-virtual-sessions/"
            )
        )
        self.assertIn("it does not report on the sessions themselves", page)
        self.assertIn("IADB, to be confirmed", page)

    # --- reloading -------------------------------------------------------------------------------------------

    def test_reloading_removes_what_earlier_demos_invented_about_carmen(self):
        carmen = Commitment.objects.get(slug="carmen-de-la-legua-municipal-plan-of-local-action")
        city = carmen.local_government
        focal = make_user("focal.carmen")
        Membership.objects.create(user=focal, organisation=city, role=MembershipRole.FOCAL_POINT)
        first = carmen.priorities.order_by("sort_order").first()
        CommitmentPriority.objects.filter(pk=first.pk).update(
            competence=Competence.SHARED, indicator="Complaints", unit="complaints", target=40
        )
        Commitment.objects.filter(pk=carmen.pk).update(
            signed_off_by_mayor="Mg. Edwards Javier Infante López", signed_off_on=dt.date(2022, 12, 15)
        )
        report = ProgressReport.objects.create(
            commitment=carmen,
            reporting_date=dt.date(2024, 6, 30),
            narrative="x",
            status=ReportStatus.APPROVED,
        )
        report.rows.create(priority=first, status="in_progress", percent_complete=30)
        carmen.refresh_progress()
        version = Round.objects.get(organisation__slug="villa-demo").version
        Round.objects.create(
            organisation=city, version=version, year=2025, title="Autoevaluación Ciudades Solidarias 2025"
        )
        before = self.client.get(CARMEN)
        self.assertContains(before, "Complaints")
        self.assertContains(before, 'id="reports-heading"')

        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
        page = self.client.get(CARMEN)
        self.assertNotContains(page, 'id="reports-heading"')
        self.assertNotContains(page, "Complaints")
        self.assertNotContains(page, "Shared with another level")
        carmen.refresh_from_db()
        self.assertEqual(
            (carmen.signed_off_by_mayor, carmen.signed_off_on, carmen.progress_percent), ("", None, None)
        )
        self.assertFalse(Membership.objects.filter(organisation=city).exists())
        self.assertFalse(Round.objects.filter(organisation=city).exists())
        self.assertNotContains(self.client.get("/en/commitments/asks/"), "Carmen de La Legua")


class NotRecordedTests(TestCase):
    """Fields nobody filled in read "Not recorded", in the public pages and in the admin."""

    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Ciudad Uno", country=make_country())
        cls.admin = get_user_model().objects.create_superuser("staff", "staff@example.org", "pw")

    def test_the_declaration_reads_not_recorded_signed_or_not_signed(self):
        for value, shown in ((None, "Not recorded"), (True, "Signed"), (False, "Not signed")):
            with self.subTest(value=value):
                Organisation.objects.filter(pk=self.city.pk).update(signed_marrakech_declaration=value)
                page = text_of(self.client.get(self.city.get_absolute_url()))
                self.assertIn(f"Marrakech Mayors Declaration {shown} ", page)
        self.assertIsNone(make_organisation("Ciudad Dos").signed_marrakech_declaration)

    def test_the_admin_keeps_an_unknown_declaration_unknown(self):
        self.client.force_login(self.admin)
        url = reverse("wagtailsnippets_organizations_organisation:edit", args=[self.city.pk])
        form = self.client.get(url).content.decode()
        select = re.search(r'(?s)<select name="signed_marrakech_declaration".*?</select>', form).group(0)
        self.assertIn('value="unknown" selected>Not recorded', select)
        self.assertIn(">Signed<", select)
        self.assertIn(">Not signed<", select)
        data = nested_form_data(
            {
                "name": "Ciudad Uno",
                "slug": self.city.slug,
                "kind": "local",
                "country": self.city.country_id,
                "description": rich_text("<p>A city.</p>"),
                "signed_marrakech_declaration": "false",
                "is_verified": "on",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.city.refresh_from_db()
        self.assertIs(self.city.signed_marrakech_declaration, False)
        self.client.post(url, {**data, "signed_marrakech_declaration": "unknown"})
        self.city.refresh_from_db()
        self.assertIsNone(self.city.signed_marrakech_declaration)

    def test_a_deliverable_without_a_status_reads_not_recorded(self):
        group = make_group("Grupo de prueba")
        Deliverable.objects.create(group=group, text="A joint commitment.", sort_order=0)
        Deliverable.objects.create(group=group, text="A report.", sort_order=1, status="delivered")
        deliverables = section(self.client.get(group.get_absolute_url()), "deliverables-heading")
        self.assertIn("A joint commitment. Status: Not recorded", deliverables)
        self.assertIn("A report. Status: Delivered", deliverables)


class DisplayTests(TestCase):
    """The small display errors, each with records made for the test."""

    def test_a_place_that_is_the_country_is_named_once(self):
        morocco = make_country("MA", "Morocco", region="africa")
        make_practice("Green plan", place="Morocco", country=morocco)
        make_practice("Oasis plan", place="Figuig", country=morocco)
        self.assertIn("Place Morocco Language", text_of(self.client.get("/en/practices/green-plan/")))
        self.assertIn("Place Figuig, Morocco Language", text_of(self.client.get("/en/practices/oasis-plan/")))

    def test_the_asks_page_does_not_repeat_a_name_the_title_starts_with(self):
        city = make_organisation("Ciudad Tres", country=make_country())
        named = make_commitment("Ciudad Tres: Plan local", local_government=city, priorities=["Ask A"])
        plain = make_commitment("Plan de acogida", local_government=city, priorities=["Ask B"])
        CommitmentPriority.objects.filter(commitment__in=[named, plain]).update(competence=Competence.SHARED)
        asks = text_of(self.client.get("/en/commitments/asks/"))
        self.assertIn("Ask A Ciudad Tres: Plan local ·", asks)
        self.assertNotIn("Ciudad Tres: Ciudad Tres", asks)
        self.assertIn("Ask B Ciudad Tres: Plan de acogida ·", asks)

    def test_competence_lines_stay_on_their_own_lines_in_a_drafted_commitment(self):
        from puente.assessments.models import Competence as AnswerCompetence
        from puente.assessments.models import RoundStatus
        from puente.assessments.tests.helpers import answer_data, load_bank, member

        version = load_bank().current_version()
        city = make_organisation("Ciudad Cuatro", is_verified=True)
        focal = member(city, "focal-cuatro", MembershipRole.FOCAL_POINT)
        round_ = Round.objects.create(
            organisation=city, version=version, year=2026, title="Ronda", language="en"
        )
        criterion = version.criteria().get(number=9)
        self.client.force_login(focal)
        data = answer_data(criterion, [1, 2, 1, 2], competence="shared")
        self.client.post(f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/", data)
        self.client.post(f"/en/assessments/{round_.pk}/close/")
        self.assertEqual(Round.objects.get(pk=round_.pk).status, RoundStatus.CLOSED)
        self.client.post(f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/commitment/")
        commitment = Commitment.objects.get(local_government=city)
        form = self.client.get(f"/en/commitments/{commitment.slug}/edit/").content.decode()
        overview = unescape(
            re.search(r'(?s)<textarea name="overview_text"[^>]*>(.*?)</textarea>', form).group(1)
        )
        lines = overview.strip().splitlines()
        questions = [q.text_en for q in criterion.questions.order_by("number")]
        self.assertIn("Competence analysis:", lines)
        for question in questions:
            self.assertIn(f"{question} – {AnswerCompetence.SHARED.label}", lines)


class ProjectAdminTests(TestCase):
    """Partners keep an order of their own; the admin still edits them, and the programme phase."""

    def test_the_admin_edits_partners_and_the_programme_phase(self):
        from wagtail.models import Page

        from puente.programmes.models import ProgrammePage, Project

        country = make_country()
        programme = ProgrammePage(title="Programme", slug="programme", start_year=2008)
        Page.get_first_root_node().add_child(instance=programme)
        first, second = make_organisation("Partner One"), make_organisation("Partner Two")
        project = Project.objects.create(
            programme=programme,
            title="Project",
            slug="project",
            main_objectives="Objectives.",
            country=country,
            duration_months=12,
            funding_amount=1000,
        )
        admin = get_user_model().objects.create_superuser("staff", "staff@example.org", "pw")
        self.client.force_login(admin)
        url = reverse("wagtailsnippets_programmes_project:edit", args=[project.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        data = {
            "programme": programme.pk,
            "title": "Project",
            "slug": "project",
            "main_objectives": "Objectives.",
            "partners": [second.pk, first.pk],
            "country": country.pk,
            "phase_began_on": "2012-12-01",
            "duration_months": 12,
            "funding_amount": "1000.00",
            "currency": "USD",
            "sort_order": 0,
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        project.refresh_from_db()
        self.assertEqual(project.phase_began_on, dt.date(2012, 12, 1))
        page = text_of(self.client.get("/en/projects/project/"))
        self.assertIn("Programme phase Began in December 2012", page)
        self.assertIn("Partner One", page)
        self.assertIn("Partner Two", page)
