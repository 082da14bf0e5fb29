"""``manage.py load_demo``: the demo content is complete, exact and idempotent."""

import datetime as dt
import io
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Locale, Page, Site

from puente.commitments.models import Commitment
from puente.core.models import HomePage, StandardPage
from puente.events.models import Meeting
from puente.groups.models import WorkingGroup
from puente.news.models import BlogIndexPage, NewsIndexPage, NewsPage
from puente.organizations.models import Organisation
from puente.practices.models import Practice
from puente.programmes.models import ProgrammePage, Project
from puente.resources.models import Resource
from puente.taxonomy.models import Topic

CARMEN = "Carmen de La Legua: Municipal Plan of Local Action to Build a Future with Migrants and Refugees 2023 - 2026"
CARMEN_PRIORITIES = [
    "Promoting compliance with Ordinance No. 014-2017 MDCLR, which prohibits discrimination and racism.",
    "Organizing the Forum of Mayors of the Callao Mancomunidad, hereby facilitating alignment between partners "
    "active in the National Refugee and Migrant Working Group (GTRM), as well as other coordination platforms.",
    "Promoting the coordination and alignment of public activities led by implementing partners at the local "
    "level to better protect the most vulnerable population.",
    "The implementation of the Municipal Office for Orientation of Migrants, Refugees, and Returnees.",
    "Providing safe spaces for the economic development of migrants, refugees, and returnees, as well as "
    "formalized and tax-paying entrepreneurs and business owners.",
    "Inclusion of migrant, refugee, or returnee volunteers in awareness-raising activities about forced "
    "displacement, climate change, and the environment.",
]
CARMEN_IMPACTS = [
    "Generating evidence, good practices, and lessons learned on safe, orderly, and regular migration in the "
    "district of Carmen de la Legua, to inspire other municipalities and mayors to follow their example;",
    "Seeking the welfare and development of migrants, refugees, and the host population;",
    "Eliminating violence, xenophobia, and discrimination, and protecting the vulnerable populations.",
]
SEED_SUBMITTERS = {
    "Mayors Mechanism - Call to Local Action for Migrants and Refugees": "Ms. Anqi ZHANG",
    "EUDiF’s diaspora engagement mapping": "Ms. Anqi ZHANG",
    "3x1 Remittance Programme": "Mr. Camille Saadé",
    "Le Maroc Vert": "Mr. Camille Saadé",
    "Call to Local Action": "Ms. Charlotte …",
    "Migra Empresas": "Ms. Charlotte …",
    "Supporting host communities for refugees and migrants from Venezuela in the border regions of Colombia "
    "and Ecuador": "Ms. Charlotte …",
    "Migra Movil": "Ms. Angelica Pinzon",
    "Great Get Together": "Mr. Camille Saadé",
    "Grameen Bank": "Ms. Angelica Pinzon",
    "Making Migration Work for Sustainable Development (M4SD) – IOM-UNDP joint global programme": "Ms. Anqi ZHANG",
    "EUROMED Migration V (EMM5)": "Anonymous (not verified)",
    "Global Migration Media Academy": "Anonymous (not verified)",
}


def load_demo():
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_a_second_run_changes_nothing(self):
        before = row_counts()
        carmen = Commitment.objects.get(title=CARMEN)
        priorities_before = list(carmen.priorities.values_list("pk", "sort_order", "text"))
        page_revisions = {page.pk: page.latest_revision_id for page in Page.objects.all()}
        out = io.StringIO()
        call_command("load_demo", stdout=out, stderr=io.StringIO())
        self.assertEqual(row_counts(), before)
        self.assertEqual(list(carmen.priorities.values_list("pk", "sort_order", "text")), priorities_before)
        self.assertEqual({page.pk: page.latest_revision_id for page in Page.objects.all()}, page_revisions)
        self.assertIn("0 created, 0 updated", out.getvalue())
        self.assertIn("already exists", out.getvalue())

    def test_carmen_de_la_legua_is_complete_and_exact(self):
        carmen = Commitment.objects.get(title=CARMEN)
        self.assertTrue(carmen.live)
        self.assertEqual(carmen.status, "published")
        self.assertEqual(carmen.local_government.name, "Carmen de La Legua")
        self.assertEqual(carmen.local_government.country.code, "PE")
        self.assertEqual(carmen.local_government.kind, "local")
        self.assertEqual(carmen.local_government.mayor, "Mg. Edwards Javier Infante López")
        self.assertEqual(carmen.mayor, "Mg. Edwards Javier Infante López")
        self.assertEqual(carmen.start_date, dt.date(2023, 1, 1))
        self.assertIsNone(carmen.end_date)
        self.assertEqual(carmen.website, "")
        self.assertEqual(carmen.submitter_name, "Ms. Anqi ZHANG")
        self.assertEqual([p.text for p in carmen.priorities.all()], CARMEN_PRIORITIES)
        self.assertEqual([i.text for i in carmen.impacts.all()], CARMEN_IMPACTS)
        self.assertEqual(
            sorted(carmen.cla_objectives.values_list("slug", flat=True)),
            [
                "access-to-services",
                "drivers-of-displacement",
                "migration-governance",
                "socio-economic-inclusion",
            ],
        )
        self.assertIn("<ul>", carmen.overview)
        self.assertIn("Specifically, this plan prioritizes, among other things:", carmen.overview)
        self.assertIn("capacity-building", carmen.topics.values_list("slug", flat=True))
        self.assertIsNotNone(carmen.live_revision_id)

    def test_commitments_previous_and_next_follow_the_seed(self):
        self.assertEqual(Commitment.objects.published().count(), 7)  # six from the seeds, one fictional
        carmen = Commitment.objects.get(title=CARMEN)
        self.assertTrue(
            carmen.previous().title.startswith("Braga commits to Local and Regional Governments’ Pledge")
        )
        self.assertEqual(
            carmen.next().title,
            "Ensuring Sustainable Reintegration of Returnees and Their Families in Dhankuta",
        )
        braga = carmen.previous()
        self.assertEqual(braga.local_government.country.code, "PT")
        self.assertEqual(
            list(braga.partner_initiatives.values_list("name", flat=True)),
            ["UNICEF Child Friendly Cities Initiative"],
        )

    def test_every_seed_practice_with_its_submitter(self):
        self.assertEqual(Practice.objects.count(), len(SEED_SUBMITTERS))
        for title, submitter in SEED_SUBMITTERS.items():
            with self.subTest(title=title):
                practice = Practice.objects.get(title=title)
                self.assertEqual(practice.submitter_display, submitter)
                self.assertIsNone(practice.submitted_on)
                self.assertTrue(practice.live)
                self.assertIsNotNone(practice.live_revision_id)
                self.assertEqual(practice.language, "en")
        for title in ("EUROMED Migration V (EMM5)", "Global Migration Media Academy"):
            practice = Practice.objects.get(title=title)
            self.assertTrue(practice.is_anonymous)
            self.assertEqual(practice.submitter_name, "")

    def test_practices_are_tagged_with_their_seed_topic(self):
        local = set(Topic.objects.get(slug="local-development").practices.values_list("title", flat=True))
        capacity = set(Topic.objects.get(slug="capacity-building").practices.values_list("title", flat=True))
        self.assertEqual(len(local), 10)
        self.assertEqual(len(capacity), 3)
        self.assertIn("Global Migration Media Academy", capacity)
        three_by_one = Practice.objects.get(title="3x1 Remittance Programme")
        self.assertEqual(three_by_one.country.code, "MX")
        self.assertIn("remittances", three_by_one.topics.values_list("slug", flat=True))
        pintana = Practice.objects.get(title="Migra Empresas").organisations.get()
        self.assertEqual((pintana.name, pintana.country.code), ("Municipality of La Pintana", "CL"))

    def test_topic_listing_follows_the_seed_order(self):
        practices = Practice.objects.published().filter(topics__slug="local-development").for_list()
        self.assertEqual(
            practices[0].title, "Mayors Mechanism - Call to Local Action for Migrants and Refugees"
        )
        self.assertEqual(practices.last().title, "Grameen Bank")

    def test_jmdi_programme_and_its_sixteen_projects(self):
        jmdi = ProgrammePage.objects.get(slug="jmdi")
        self.assertTrue(jmdi.live)
        self.assertEqual(jmdi.acronym, "JMDI")
        self.assertEqual(jmdi.start_year, 2008)
        self.assertEqual(jmdi.implementers, "UNDP with IOM, ILO, UNHCR, UNFPA and UN Women")
        self.assertIsInstance(jmdi.get_parent().specific, HomePage)
        self.assertEqual(
            sorted(jmdi.target_countries.values_list("code", flat=True)),
            sorted(["EC", "SV", "CR", "MA", "TN", "SN", "NP", "PH"]),
        )
        self.assertEqual(jmdi.selection_criteria.count(), 7)  # as bulleted in the seed
        self.assertTrue(any("South-South" in c.text for c in jmdi.selection_criteria.all()))
        projects = Project.objects.filter(programme=jmdi)
        self.assertEqual(projects.count(), 16)
        # 13 rows at USD 230,000 plus Leon Cortes 162,000, Naga 250,000 and Jilma 46,000.
        self.assertEqual(sum(p.funding_amount for p in projects), Decimal("3448000.00"))
        self.assertEqual(13 * 230000 + 162000 + 250000 + 46000, 3448000)
        self.assertEqual(projects.filter(funding_amount=Decimal("230000.00")).count(), 13)
        self.assertEqual(projects.values("country").distinct().count(), 8)
        for code in ["CR", "EC", "SV", "MA", "NP", "PH", "SN", "TN"]:
            self.assertEqual(projects.filter(country__code=code).count(), 2, code)
        naga = projects.get(partners__name="City Government of Naga")
        self.assertEqual((naga.funding_amount, naga.duration_months), (Decimal("250000.00"), 21))
        figuig = projects.get(title__startswith="Preserving the Figuig Palm")
        self.assertEqual(
            sorted(figuig.partners.values_list("name", flat=True)),
            ["Association Migration and Development", "Association of Agricultural Cooperatives of Figuig"],
        )
        health = projects.get(title__startswith="Health for all")
        self.assertEqual(
            sorted(health.partners.values_list("name", "country__code")),
            [
                ("Cooperation for Development in Emerging Countries (COSPE)", "IT"),
                ("Red Crescent Tunisia", "TN"),
            ],
        )
        self.assertTrue(projects.filter(partners__name="Provincial Government of Pichinca").exists())

    def test_mirps_group_members_presidency_and_meetings(self):
        group = WorkingGroup.objects.get(name="MIRPS Working Group on Local Governance")
        self.assertEqual(group.established, 2021)
        self.assertEqual(group.members.count(), 9)
        self.assertEqual(group.members.values("country").distinct().count(), 4)
        self.assertTrue(all(m.latitude is not None and m.longitude is not None for m in group.members.all()))
        self.assertEqual(group.secretariat.name, "MIRPS Technical Secretariat")
        presidency = group.current_presidency()
        self.assertEqual(
            (presidency.organisation.name, presidency.start_year), ("Municipality of Esquipulas", 2022)
        )
        self.assertEqual(group.objectives.count(), 4)
        self.assertEqual(list(group.deliverables.values_list("status", flat=True)), [""] * 3)  # not recorded
        self.assertEqual(group.advisors.count(), 0)
        self.assertTrue(group.advisors_note)
        self.assertEqual(
            sorted(group.topics.values_list("slug", flat=True)), ["forced-displacement", "governance"]
        )
        meetings = list(group.meetings.order_by("date"))
        self.assertEqual(
            [m.date for m in meetings], [dt.date(2022, 10, 27), dt.date(2022, 10, 28), dt.date(2022, 10, 31)]
        )
        self.assertEqual([m.agenda_items.count() for m in meetings], [5, 7, 8])
        self.assertEqual(
            meetings[0].title, "Session 1 – Global Initiatives and Frameworks on Local Governance"
        )
        self.assertTrue(all(m.time_zone == "America/Guatemala" and m.is_online for m in meetings))
        self.assertEqual((meetings[0].start_time, meetings[0].end_time), (dt.time(10), dt.time(11, 30)))

    def test_agenda_items_are_exact_including_the_seed_inconsistency(self):
        session1 = Meeting.objects.get(date=dt.date(2022, 10, 27))
        odd = session1.agenda_items.all()[1]
        self.assertEqual(
            (odd.start_time, odd.end_time, odd.duration_minutes), (dt.time(10, 5), dt.time(11, 45), 40)
        )
        self.assertTrue(odd.duration_mismatch)
        mismatches = [a for m in Meeting.objects.all() for a in m.agenda_items.all() if a.duration_mismatch]
        self.assertEqual(mismatches, [odd])
        session2 = Meeting.objects.get(date=dt.date(2022, 10, 28))
        group2 = session2.agenda_items.get(
            title="Group 2 - Environment for Public Administration and Public Policies"
        )
        self.assertIsNone(group2.start_time)
        self.assertIsNone(group2.end_time)
        self.assertIsNone(group2.duration_minutes)
        self.assertTrue(group2.is_parallel)
        session3 = Meeting.objects.get(date=dt.date(2022, 10, 31))
        study = session3.agenda_items.get(speakers="OAS")
        self.assertEqual(
            study.title,
            'Study "Reception and integration of migrants and refugees in cities of the Americas"',
        )
        self.assertEqual(
            (study.start_time, study.end_time, study.duration_minutes), (dt.time(11), dt.time(11, 15), 15)
        )

    def test_resources(self):
        note = Resource.objects.get(title="Concept Note – MIRPS Working Group on Local Governance")
        self.assertEqual((note.kind, note.published_on), ("concept_note", dt.date(2022, 9, 30)))
        self.assertTrue(note.live)
        self.assertFalse(Resource.objects.filter(title__icontains="self-assessment").exists())

    def test_organisations(self):
        self.assertTrue(Organisation.objects.filter(name="Association Migration and Development").exists())
        self.assertEqual(Organisation.objects.filter(name__icontains="Esquipulas").count(), 1)
        for acronym in [
            "UNHCR",
            "UNDP",
            "IOM",
            "UCLG",
            "MMC",
            "OAS",
            "IADB",
            "UNICEF",
            "GIZ",
            "EUDiF",
            "ICMPD",
        ]:
            self.assertEqual(Organisation.objects.get(acronym=acronym).kind, "international", acronym)

    def test_pages_site_and_locales(self):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        self.assertIsInstance(home, HomePage)
        self.assertFalse(Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists())
        self.assertEqual(HomePage.objects.count(), 1)
        about = StandardPage.objects.child_of(home).get(slug="about")
        self.assertEqual(about.title, "About Puente")
        news = NewsIndexPage.objects.child_of(home).get(slug="news")
        self.assertTrue(BlogIndexPage.objects.child_of(home).filter(slug="blog").exists())
        item = NewsPage.objects.child_of(news).get()
        self.assertEqual(
            item.title,
            "Concept note: the MIRPS Working Group on Local Governance plans three virtual sessions",
        )
        self.assertEqual(item.date, dt.date(2022, 9, 30))
        for page in Page.objects.exclude(depth=1).specific():
            self.assertTrue(page.live, page)
            self.assertIsNotNone(page.live_revision_id, page)
        self.assertEqual(
            set(Locale.objects.values_list("language_code", flat=True)) & {"en", "es", "fr"},
            {"en", "es", "fr"},
        )

    def test_demo_admin_account(self):
        admin = get_user_model().objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        self.assertEqual(admin.email, "admin@example.org")
        self.assertTrue(admin.check_password("puente-demo"))

    def test_existing_admin_password_is_left_alone(self):
        admin = get_user_model().objects.get(username="admin")
        admin.set_password("changed-by-someone")
        admin.save()
        load_demo()
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("changed-by-someone"))


class LoadDemoChangesTests(TestCase):
    """Editing a record and reloading puts the demo values back, with one new revision."""

    def test_reload_restores_an_edited_commitment(self):
        load_demo()
        carmen = Commitment.objects.get(title=CARMEN)
        revisions = carmen.revisions.count()
        carmen.priorities.all().first().delete()
        Commitment.objects.filter(pk=carmen.pk).update(mayor="Someone else")
        load_demo()
        carmen.refresh_from_db()
        self.assertEqual(carmen.mayor, "Mg. Edwards Javier Infante López")
        self.assertEqual([p.text for p in carmen.priorities.all()], CARMEN_PRIORITIES)
        self.assertEqual(carmen.revisions.count(), revisions + 1)
        self.assertEqual(Commitment.objects.count(), 7)
