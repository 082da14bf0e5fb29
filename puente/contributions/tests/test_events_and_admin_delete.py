"""Members announce events through the same moderation workflow, and deleting in the admin is soft."""

import datetime as dt
import uuid

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from wagtail.models import TaskState

from puente.core.tests.factories import make_organisation, make_practice, make_resource, make_user
from puente.events.models import Meeting
from puente.organizations.models import Membership, MembershipRole
from puente.practices.models import Practice

from ..models import Contribution, ContributionStatus
from ..services import MODERATORS, ensure_workflow


def event(**fields):
    base = {
        "key": str(uuid.uuid4()),
        "title": "Webinar: remittances and local development",
        "date": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
        "start_time": "15:00",
        "end_time": "16:30",
        "time_zone": "America/Bogota",
        "is_online": "on",
        "online_url": "https://meet.example.org/remesas",
        "objective": "How cities channel remittances into local development.",
        "action": "submit",
    }
    base.update(fields)
    return base


class EventContributionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_workflow()
        cls.member = make_user("rosa", email="rosa@example.org")
        cls.stranger = make_user("stranger")
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))
        cls.city = make_organisation("Quilicura", is_verified=True)
        Membership.objects.create(user=cls.member, organisation=cls.city, role=MembershipRole.MEMBER)

    def setUp(self):
        cache.clear()

    def approve(self, meeting):
        meeting.refresh_from_db()
        task_state = TaskState.objects.get(
            workflow_state=meeting.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        url = reverse(
            Meeting.snippet_viewset.get_url_name("workflow_action"),
            args=[meeting.pk, "approve", task_state.pk],
        )
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)

    def found(self, q):
        response = self.client.get("/en/search/", {"q": q, "kind": "meeting"})
        return [d.heading for d in response.context["results"].documents]

    def test_visitors_must_sign_in(self):
        response = self.client.get("/en/contribute/event/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.client.post("/en/contribute/event/", event())
        self.assertFalse(Meeting.objects.exists())

    def test_submitted_event_is_hidden_until_approved(self):
        self.client.force_login(self.member)
        form = self.client.get("/en/contribute/event/")
        self.assertContains(form, 'name="time_zone"')
        self.assertContains(form, "Quilicura")  # organisations the member belongs to
        response = self.client.post("/en/contribute/event/", event(organisations=[self.city.pk]))
        self.assertRedirects(response, "/en/contribute/mine/")
        meeting = Meeting.objects.get()
        self.assertFalse(meeting.live)
        self.assertEqual(list(meeting.organisations.all()), [self.city])
        self.assertEqual(meeting.current_workflow_state.workflow.name, "Contribution moderation")
        self.assertContains(self.client.get("/en/contribute/mine/"), "In moderation")
        # The submitter previews it; nobody else sees it anywhere.
        self.assertContains(self.client.get(meeting.get_absolute_url()), "Draft: not published")
        self.client.force_login(self.stranger)
        self.assertEqual(self.client.get(meeting.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(f"/en/events/{meeting.slug}/calendar.ics").status_code, 404)
        self.assertEqual(self.client.post(f"/en/events/{meeting.slug}/register/").status_code, 404)
        self.assertNotContains(self.client.get("/en/events/"), "remittances and local development")
        self.assertEqual(self.found("webinar remittances"), [])
        self.assertNotIn(
            b"remittances and local development", self.client.get("/en/events/calendar.ics").content
        )

        self.approve(meeting)
        meeting.refresh_from_db()
        self.assertTrue(meeting.live)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.PUBLISHED)
        self.assertEqual(mail.outbox[-1].to, ["rosa@example.org"])
        self.assertIn(meeting.get_absolute_url(), mail.outbox[-1].body)
        self.client.logout()
        page = self.client.get("/en/events/")
        self.assertContains(page, "Webinar: remittances and local development")
        self.assertContains(page, 'href="/en/contribute/event/"')
        self.assertEqual(self.found("webinar remittances"), ["Webinar: remittances and local development"])
        detail = self.client.get(meeting.get_absolute_url())
        self.assertContains(detail, "Quilicura")
        self.assertIn(
            b"SUMMARY:Webinar: remittances and local development",
            self.client.get("/en/events/calendar.ics").content,
        )

    def test_bad_input_keeps_what_was_typed(self):
        self.client.force_login(self.member)
        yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        response = self.client.post(
            "/en/contribute/event/", event(date=yesterday, start_time="17:00", end_time="16:00")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The event cannot be in the past.")
        self.assertContains(response, "The meeting must end after it starts.")
        self.assertContains(response, 'value="Webinar: remittances and local development"')
        response = self.client.post("/en/contribute/event/", event(is_online="", place=""))
        self.assertContains(response, "Say where the event takes place")
        response = self.client.post(
            "/en/contribute/event/", event(time_zone="Mars/Olympus", date="31/31/2031")
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Meeting.objects.exists())

    def test_only_the_submitter_edits_and_a_live_event_stays_online(self):
        self.client.force_login(self.member)
        self.client.post("/en/contribute/event/", event())
        meeting = Meeting.objects.get()
        self.approve(meeting)
        url = f"/en/contribute/event/{meeting.pk}/"
        self.client.force_login(self.stranger)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.post(url, event(title="Hijacked"))
        self.client.force_login(self.member)
        self.assertContains(self.client.get(url), "The published version stays online")
        self.assertContains(self.client.get(f"/es/contribute/event/{meeting.pk}/"), "Editar un evento")
        self.client.post(url, event(title="Webinar: remittances, second session"))
        meeting.refresh_from_db()
        self.assertEqual(meeting.title, "Webinar: remittances and local development")  # until approved
        self.assertEqual(meeting.latest_revision.content["title"], "Webinar: remittances, second session")
        self.approve(meeting)
        meeting.refresh_from_db()
        self.assertEqual(meeting.title, "Webinar: remittances, second session")

    def test_preview_shows_the_event_without_saving(self):
        self.client.force_login(self.member)
        response = self.client.post("/en/contribute/event/", event(action="preview"))
        self.assertContains(response, "Preview – not saved yet")
        self.assertContains(response, "15:00–16:30 (America/Bogota)")
        self.assertFalse(Meeting.objects.exists())


class AdminSoftDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_workflow()
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))
        cls.admin = make_user("site_admin", is_staff=True, is_superuser=True)
        cls.member = make_user("member")

    def test_deleting_in_the_admin_is_soft_and_restorable(self):
        practice = make_practice("Night school")
        delete_url = reverse(Practice.snippet_viewset.get_url_name("delete"), args=[practice.pk])
        listing = reverse(Practice.snippet_viewset.get_url_name("list"))
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(delete_url).status_code, 200)  # the confirmation page
        self.assertRedirects(self.client.post(delete_url), listing)
        practice.refresh_from_db()  # still there
        self.assertIsNotNone(practice.deleted_at)
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 200)  # staff preview
        self.client.logout()
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 404)
        self.client.force_login(self.admin)
        self.assertNotContains(self.client.get(listing), "Night school")
        deleted = self.client.get(reverse("contributions_deleted_items"))
        self.assertContains(deleted, "Night school")
        content_type = ContentType.objects.get_for_model(Practice)
        restore = reverse("contributions_restore", args=[content_type.pk, practice.pk])
        self.client.force_login(self.moderator)
        self.assertRedirects(self.client.post(restore), reverse("contributions_deleted_items"))
        practice.refresh_from_db()
        self.assertIsNone(practice.deleted_at)
        self.assertContains(self.client.get(listing), "Night school")
        self.client.logout()
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 200)

    def test_bulk_delete_is_soft(self):
        first, second = make_resource("Toolkit one"), make_resource("Toolkit two")
        from puente.resources.models import Resource

        url = (
            reverse("wagtail_bulk_action", args=["resources", "resource", "delete"])
            + f"?id={first.pk}&id={second.pk}"
        )
        self.client.force_login(self.admin)
        self.client.post(url)
        self.assertEqual(Resource.objects.filter(deleted_at__isnull=False).count(), 2)

    def test_only_site_admins_delete_for_good_and_only_staff_see_deleted_items(self):
        practice = make_practice("Night school")
        Practice.objects.filter(pk=practice.pk).update(deleted_at=dt.datetime.now(dt.UTC))
        content_type = ContentType.objects.get_for_model(Practice)
        purge = reverse("contributions_purge", args=[content_type.pk, practice.pk])
        self.client.force_login(self.member)
        self.assertNotEqual(self.client.get(reverse("contributions_deleted_items")).status_code, 200)
        self.client.force_login(self.moderator)
        self.assertIn(self.client.post(purge).status_code, (302, 403))  # the admin redirects with a message
        self.assertTrue(Practice.objects.filter(pk=practice.pk).exists())
        self.client.force_login(self.admin)
        self.client.post(purge)
        self.assertFalse(Practice.objects.filter(pk=practice.pk).exists())
        # Crafted requests: a record that is not deleted, an unknown type, a model that is not moderated.
        # (A 404 under /admin/ is redirected by the locale middleware to a page that is a 404 too.)
        live = make_practice("Still here")
        self.assertEqual(
            self.client.post(
                reverse("contributions_purge", args=[content_type.pk, live.pk]), follow=True
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.post(reverse("contributions_restore", args=[999999, 1]), follow=True).status_code, 404
        )
        user_type = ContentType.objects.get_for_model(type(self.admin))
        self.assertEqual(
            self.client.post(
                reverse("contributions_purge", args=[user_type.pk, self.admin.pk]), follow=True
            ).status_code,
            404,
        )
        self.assertTrue(Practice.objects.filter(pk=live.pk).exists())
        self.assertTrue(type(self.admin).objects.filter(pk=self.admin.pk).exists())


class ArticleSoftDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from django.utils import timezone
        from wagtail.models import Site

        from puente.news.models import NewsIndexPage, NewsPage

        home = Site.objects.get(is_default_site=True).root_page
        cls.index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        cls.pages = []
        for n in (1, 2, 3):
            page = NewsPage(
                title=f"Night school {n}",
                slug=f"night-school-{n}",
                date=timezone.localdate(),
                intro="I",
                body="B",
            )
            cls.index.add_child(instance=page)
            page.save_revision().publish()
            cls.pages.append(page)
        cls.admin = make_user("site_admin", is_staff=True, is_superuser=True)
        cls.author = make_user("author")
        Contribution.objects.create(content_object=cls.pages[2], submitter=cls.author, status="published")

    def test_deleting_a_news_item_in_the_admin_is_soft(self):
        from puente.news.models import NewsPage

        first, second, third = self.pages
        self.assertContains(self.client.get(first.url), "Night school 1")
        self.client.force_login(self.admin)
        response = self.client.post(reverse("wagtailadmin_pages:delete", args=[first.pk]))
        self.assertRedirects(response, reverse("wagtailadmin_explore", args=[self.index.pk]))
        first.refresh_from_db()
        self.assertIsNotNone(first.deleted_at)
        self.client.logout()
        self.assertEqual(self.client.get(first.url).status_code, 404)
        listing = self.client.get(self.index.url)
        self.assertNotContains(listing, "Night school 1")
        self.assertContains(listing, "Night school 2")
        # In bulk too.
        self.client.force_login(self.admin)
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"]) + f"?id={second.pk}"
        self.client.post(url)
        self.assertEqual(NewsPage.objects.filter(deleted_at__isnull=False).count(), 2)
        deleted = self.client.get(reverse("contributions_deleted_items"))
        self.assertContains(deleted, "Night school 1")
        self.assertContains(deleted, "Night school 2")
        content_type = ContentType.objects.get_for_model(NewsPage)
        self.client.post(reverse("contributions_restore", args=[content_type.pk, first.pk]))
        self.client.logout()
        self.assertContains(self.client.get(first.url), "Night school 1")
        # The author deletes their own news item from My contributions, and restores it.
        self.client.force_login(self.author)
        self.client.post(f"/en/contribute/news/{third.pk}/delete/")
        third.refresh_from_db()
        self.assertIsNotNone(third.deleted_at)
        self.assertContains(self.client.get("/en/contribute/mine/"), "Restore")
        self.client.post(f"/en/contribute/news/{third.pk}/delete/", {"restore": "1"})
        third.refresh_from_db()
        self.assertIsNone(third.deleted_at)

    def test_news_items_can_be_reported_while_published(self):
        from puente.contributions.models import Report
        from puente.news.models import NewsPage

        cache.clear()
        first = self.pages[0]
        page = self.client.get(first.url)
        content_type = ContentType.objects.get_for_model(NewsPage)
        report_url = f"/en/contribute/report/{content_type.pk}/{first.pk}/"
        self.assertContains(page, report_url)
        response = self.client.post(report_url, {"reason": "spam", "details": "Advertising"})
        self.assertRedirects(response, first.url)
        self.assertEqual(Report.objects.get().content_object, first)
        NewsPage.objects.filter(pk=first.pk).update(deleted_at=dt.datetime.now(dt.UTC))
        self.assertEqual(self.client.get(report_url).status_code, 404)


class ReportEveryPublicItemTests(TestCase):
    """Working groups, listed member profiles and programme pages can be reported too; unlisted profiles cannot."""

    def setUp(self):
        cache.clear()

    def test_groups_profiles_and_programme_pages(self):
        from wagtail.models import Site

        from puente.accounts.models import Profile
        from puente.contributions.models import Report
        from puente.core.tests.factories import make_group
        from puente.programmes.models import ProgrammePage

        group = make_group("Migration and development working group")
        listed = Profile.objects.create(user=make_user("listed"), is_listed=True)
        hidden = Profile.objects.create(user=make_user("hidden"), is_listed=False)
        programme = Site.objects.get(is_default_site=True).root_page.add_child(
            instance=ProgrammePage(title="Joint Migration and Development Initiative", slug="jmdi")
        )
        for obj, url in (
            (group, group.get_absolute_url()),
            (listed, listed.get_absolute_url()),
            (programme, programme.url),
        ):
            with self.subTest(obj=str(obj)):
                content_type = ContentType.objects.get_for_model(type(obj))
                report_url = f"/en/contribute/report/{content_type.pk}/{obj.pk}/"
                self.assertContains(self.client.get(url), report_url)
                response = self.client.post(report_url, {"reason": "wrong"})
                self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(Report.objects.count(), 3)
        content_type = ContentType.objects.get_for_model(Profile)
        self.assertEqual(
            self.client.get(f"/en/contribute/report/{content_type.pk}/{hidden.pk}/").status_code, 404
        )
