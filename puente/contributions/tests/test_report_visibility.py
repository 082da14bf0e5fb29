""" "Report this content" only for content anyone can see on its public page: anything else answers 404 and tells
nothing (not its title, organisation, year or existence), to visitors and signed-in members alike."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page

from puente.accounts.models import Profile
from puente.assessments.models import Round
from puente.assessments.tests.helpers import load_bank
from puente.commitments.models import ProgressReport, ReportStatus
from puente.contributions.models import Contribution, Report
from puente.core.tests.factories import (
    make_commitment,
    make_meeting,
    make_organisation,
    make_practice,
    make_resource,
    make_user,
)
from puente.news.models import NewsIndexPage, NewsPage


def report_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(type(obj))
    return f"/en/contribute/report/{content_type.pk}/{obj.pk}/"


class ReportVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Villa Secreta", is_verified=True)
        cls.member = make_user("member")
        framework = load_bank()
        cls.round = Round.objects.create(
            organisation=cls.city, version=framework.current_version(), year=2031, title="Private round"
        )
        cls.commitment = make_commitment("Public plan", local_government=cls.city)
        cls.draft_commitment = make_commitment("Hidden plan", local_government=cls.city, live=False)
        cls.pending_report = ProgressReport.objects.create(
            commitment=cls.commitment, reporting_date=dt.date(2030, 1, 1), narrative="Not approved yet"
        )
        cls.approved_report = ProgressReport.objects.create(
            commitment=cls.commitment,
            reporting_date=dt.date(2030, 6, 1),
            narrative="Approved",
            status=ReportStatus.APPROVED,
        )
        cls.report_on_draft = ProgressReport.objects.create(
            commitment=cls.draft_commitment,
            reporting_date=dt.date(2030, 6, 1),
            narrative="Approved on a draft",
            status=ReportStatus.APPROVED,
        )
        home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home-reports"))
        index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        cls.draft_news = index.add_child(
            instance=NewsPage(title="Unpublished news", slug="draft", live=False, date=dt.date(2030, 1, 1))
        )

    def setUp(self):
        cache.clear()  # the report limits

    def assert_not_reportable(self, obj, *secrets):
        for user in (None, self.member):
            if user:
                self.client.force_login(user)
            else:
                self.client.logout()
            for method in (self.client.get, self.client.post):
                response = method(
                    report_url(obj), *([{"reason": "spam"}] if method == self.client.post else [])
                )
                self.assertEqual(response.status_code, 404, (obj, method))
                for secret in secrets:
                    self.assertNotContains(response, secret, status_code=404)
        self.assertFalse(Report.objects.filter(object_id=obj.pk).exists())

    def test_private_assessment_round(self):
        self.assert_not_reportable(self.round, "Private round", "Villa Secreta", "2031")

    def test_unapproved_progress_report(self):
        self.assert_not_reportable(self.pending_report, "Public plan", "Villa Secreta")

    def test_approved_report_on_an_unpublished_commitment(self):
        self.assert_not_reportable(self.report_on_draft, "Hidden plan", "Villa Secreta")

    def test_unpublished_and_deleted_records(self):
        practice = make_practice("Deleted practice")
        practice.deleted_at = timezone.now()
        practice.save(update_fields=["deleted_at"])
        for obj in (
            self.draft_commitment,
            make_practice("Draft practice", live=False),
            practice,
            make_resource("Draft resource", live=False),
            make_meeting("Draft meeting", live=False),
            self.draft_news,
        ):
            with self.subTest(obj=str(obj)):
                self.assert_not_reportable(obj, str(obj))

    def test_unverified_organisation_and_unlisted_profile(self):
        self.assert_not_reportable(make_organisation("Pending town", is_verified=False), "Pending town")
        profile = Profile.objects.create(user=make_user("quiet", first_name="Quiet"), is_listed=False)
        self.assert_not_reportable(profile, "quiet")

    def test_other_kinds_are_never_reportable(self):
        contribution = Contribution.objects.create(
            content_object=self.commitment, email="someone@example.org"
        )
        for obj in (contribution, self.member):
            with self.subTest(obj=type(obj).__name__):
                self.assert_not_reportable(obj, "someone@example.org")

    def test_public_content_can_still_be_reported(self):
        for obj in (self.commitment, self.approved_report, self.city):
            with self.subTest(obj=str(obj)):
                response = self.client.post(report_url(obj), {"reason": "spam"})
                self.assertRedirects(response, obj.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(Report.objects.count(), 3)
