"""The secretariat's moderation inbox, through HTTP: one admin page listing everything awaiting review with
counts and links to where each item is reviewed, reachable from the admin's dashboard and menu and from the
site's account menu (for staff only), in a number of queries that does not grow with the number of items."""

import datetime as dt

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puente.commitments.models import CommitmentStatus, ProgressReport
from puente.commitments.models import ReportStatus as ProgressStatus
from puente.core.tests.factories import make_commitment, make_organisation, make_practice, make_user
from puente.organizations.models import JoinRequest

from ..models import Contribution, ContributionStatus, Report, ReportReason
from ..services import MODERATORS

INBOX = "/admin/inbox/"


class InboxTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("secretariat", is_staff=True, is_superuser=True)
        cls.moderator = make_user("moderator")
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))
        cls.member = make_user("member")

    def add_one_of_each(self, n: int) -> None:
        organisation = make_organisation(f"Unverified town {n}", is_verified=False)
        verified = make_organisation(f"Verified town {n}", is_verified=True)
        JoinRequest.objects.create(organisation=verified, user=make_user(f"asker{n}"), message="Let me in")
        practice = make_practice(f"Submitted practice {n}", live=False)
        Contribution.objects.create(content_object=practice, status=ContributionStatus.SUBMITTED)
        make_commitment(
            f"Submitted commitment {n}",
            local_government=verified,
            live=False,
            status=CommitmentStatus.SUBMITTED,
        )
        published = make_commitment(f"Reported commitment {n}", local_government=verified)
        ProgressReport.objects.create(
            commitment=published,
            reporting_date=dt.date(2025, 1, n),
            narrative="Done.",
            status=ProgressStatus.SUBMITTED,
        )
        Report.objects.create(
            content_type=ContentType.objects.get_for_model(published),
            object_id=published.pk,
            reason=ReportReason.WRONG,
        )
        self.organisation = organisation

    def test_lists_every_kind_with_counts_and_review_links(self):
        self.add_one_of_each(1)
        self.client.force_login(self.admin)
        page = self.client.get(INBOX)
        self.assertEqual(page.status_code, 200)
        sections = {section.key: section for section in page.context["sections"]}
        self.assertEqual(
            {key: section.count for key, section in sections.items()},
            {
                "organisations": 1,
                "join_requests": 1,
                "contributions": 1,
                "commitments": 1,
                "progress_reports": 1,
                "reports": 1,
            },
        )
        self.assertEqual(page.context["total"], 6)
        for label in (
            "Unverified town 1",
            "asker1 → Verified town 1",
            "Submitted practice 1",
            "Submitted commitment 1",
            "Reported commitment 1 – 2025-01-01",
            "Reported commitment 1",
        ):
            self.assertContains(page, label)
        edit = reverse("wagtailsnippets_organizations_organisation:edit", args=[self.organisation.pk])
        self.assertContains(page, f'href="{edit}"')
        self.assertContains(page, reverse("organizations:members", args=["verified-town-1"]))
        for _label, url, _detail in (item for section in sections.values() for item in section.items):
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_query_count_does_not_grow_with_items(self):
        self.add_one_of_each(1)
        self.client.force_login(self.admin)
        self.client.get(INBOX)  # warm caches (content types, site)
        with CaptureQueriesContext(connection) as one:
            self.client.get(INBOX)
        for n in (2, 3, 4):
            self.add_one_of_each(n)
        with CaptureQueriesContext(connection) as four:
            page = self.client.get(INBOX)
        self.assertEqual(page.context["total"], 24)
        self.assertEqual(len(four), len(one))

    def test_reachable_from_dashboard_and_admin_menu(self):
        self.add_one_of_each(1)
        self.client.force_login(self.admin)
        dashboard = self.client.get("/admin/")
        self.assertContains(dashboard, "Moderation inbox")
        self.assertContains(dashboard, f'href="{INBOX}"')
        self.assertContains(dashboard, "New organisations to verify</a>: 1")

    def test_account_menu_offers_it_to_staff_only(self):
        self.client.force_login(self.moderator)
        self.assertContains(self.client.get("/en/practices/"), f'href="{INBOX}"')
        self.assertEqual(self.client.get(INBOX).status_code, 200)
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get("/en/practices/"), f'href="{INBOX}"')
        self.assertNotEqual(self.client.get(INBOX).status_code, 200)
