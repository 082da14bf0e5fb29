"""Two people editing the same contribution from the public site (practices, resources, events, news items and
blog posts share one edit path): the second save is refused with their input kept and what changed shown; saving
again on purpose then works."""

import uuid

from django.core.cache import cache
from django.test import TestCase
from wagtail.models import Page

from puente.commitments.tests.test_conflicts import admin_form, conflict_rows, loaded_version
from puente.core.tests.factories import (
    make_meeting,
    make_organisation,
    make_practice,
    make_resource,
    make_user,
)
from puente.news.models import BlogIndexPage, BlogPage, NewsIndexPage, NewsPage
from puente.organizations.models import Membership, MembershipRole

from ..services import ensure_workflow


def belongs_to(record, organisation):
    """Make ``organisation``'s editors editors of ``record``, in the record and its latest revision."""
    record.organisations.add(organisation)
    record.save()
    revision = record.save_revision()
    if record.live:
        revision.publish()


class EditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Quilicura", is_verified=True)
        cls.ana, cls.ben = make_user("ana"), make_user("ben")
        for user in (cls.ana, cls.ben):
            Membership.objects.create(user=user, organisation=cls.city, role=MembershipRole.EDITOR)
        cls.staff = make_user("desk", is_staff=True)

    def setUp(self):
        cache.clear()  # the submission limits

    def open_form(self, user, url) -> dict:
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return admin_form(response)

    def check_second_save_refused(self, kind, record, change_a, change_b, label_a, *, second=None, also=()):
        """``change_a`` and ``change_b`` are (field, value) each person types; ``label_a`` the label of the
        first one's field on the conflict page; ``also``, more rows expected there."""
        url = f"/en/contribute/{kind}/{record.pk}/"
        second = second or self.ben
        ana_form, ben_form = self.open_form(self.ana, url), self.open_form(second, url)
        self.assertEqual(ana_form["loaded_revision"], ben_form["loaded_revision"])
        (field_a, value_a), (field_b, value_b) = change_a, change_b
        before = ben_form[field_a][0]

        self.client.force_login(self.ana)
        response = self.client.post(url, {**ana_form, field_a: value_a, "action": "draft"})
        self.assertRedirects(response, "/en/contribute/mine/", fetch_redirect_response=False)

        self.client.force_login(second)
        response = self.client.post(url, {**ben_form, field_b: value_b, "action": "draft"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "someone else changed this while you were editing", status_code=409)
        self.assertEqual(conflict_rows(response), [[label_a, before, value_a], *also])
        self.assertContains(response, value_b, status_code=409)  # their input is kept
        latest = type(record).objects.get(pk=record.pk).get_latest_revision_as_object()
        self.assertEqual(getattr(latest, field_a), value_a)
        self.assertNotEqual(getattr(latest, field_b), value_b)

        again = admin_form(response)  # what the re-rendered form sends back: the new version, their input
        self.assertEqual(
            int(loaded_version(response)), type(record).objects.get(pk=record.pk).latest_revision_id
        )
        self.assertEqual(again[field_b], [value_b])
        response = self.client.post(url, {**again, field_a: value_a, "action": "draft"})
        self.assertRedirects(response, "/en/contribute/mine/", fetch_redirect_response=False)
        latest = type(record).objects.get(pk=record.pk).get_latest_revision_as_object()
        self.assertEqual((getattr(latest, field_a), getattr(latest, field_b)), (value_a, value_b))

    def test_practice(self):
        practice = make_practice("Help desk", live=True, summary="A desk.", language="en")
        belongs_to(practice, self.city)
        self.check_second_save_refused(
            "practice",
            practice,
            ("title", "Municipal help desk"),
            ("summary", "A desk for newcomers."),
            "Title",
        )

    def test_resource(self):
        resource = make_resource(
            "Toolkit", live=False, url="https://example.org/toolkit.pdf", summary="How to.", language="en"
        )
        belongs_to(resource, self.city)
        self.check_second_save_refused(
            "resource", resource, ("summary", "How to run a desk."), ("title", "Welcome toolkit"), "Summary"
        )

    def test_event_edited_before_its_first_revision(self):
        meeting = make_meeting("Webinar", objective="Remittances.", is_online=True)
        meeting.organisations.add(self.city)
        meeting.save()  # parental relations are written on save
        self.assertIsNone(meeting.latest_revision_id)
        self.check_second_save_refused(
            "event",
            meeting,
            ("title", "Webinar on remittances"),
            ("place", "Online"),
            "Title",
            # Loaded before any revision, the version they started from is unknown: every difference is shown.
            also=[["Place", "Online", "—"]],
        )

    def test_news_item_and_blog_post(self):
        ensure_workflow()
        home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home-conflicts"))
        home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        home.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
        for kind, model in (("news", NewsPage), ("blog", BlogPage)):
            with self.subTest(kind=kind):
                self.client.force_login(self.ana)
                self.client.post(
                    f"/en/contribute/{kind}/",
                    {
                        "key": str(uuid.uuid4()),
                        "title": "Night school",
                        "intro": "In March.",
                        "body": "Forty places.",
                        "action": "draft",
                    },
                )
                page = model.objects.get()
                # The submitter and the secretariat may both edit it.
                self.check_second_save_refused(
                    kind,
                    page,
                    ("title", "Night school opens"),
                    ("intro", "Classes start in March."),
                    "Title",
                    second=self.staff,
                )
