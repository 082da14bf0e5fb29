"""Contributing practices from the public site and moderating them through Wagtail's workflow, through HTTP."""

import uuid

from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from wagtail.models import TaskState

from puente.core.tests.factories import make_organisation, make_practice, make_user
from puente.organizations.models import Membership, MembershipRole
from puente.practices.models import Practice

from ..models import Contribution, ContributionStatus
from ..services import MODERATORS, ensure_workflow

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">click</a>',
    "<svg/onload=alert(4)>",
    '"><iframe src="https://evil.example"></iframe>',
]


def data(**fields):
    base = {
        "key": str(uuid.uuid4()),
        "title": "Municipal migrant help desk",
        "summary": "A desk in the town hall where newcomers get help with papers, schools and jobs.",
        "body": "It opened in 2021.\n\nIt serves 200 people a month.",
        "language": "en",
        "action": "submit",
    }
    base.update(fields)
    return base


class ContributionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa", email="rosa@example.org", first_name="Rosa", last_name="Quispe")
        cls.stranger = make_user("stranger")
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))

    def submit(self, user=None, **fields):
        if user:
            self.client.force_login(user)
        return self.client.post("/en/contribute/practice/", data(**fields))

    def act(self, practice, action, comment=""):
        practice.refresh_from_db()
        task_state = TaskState.objects.get(
            workflow_state=practice.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        url = reverse(
            Practice.snippet_viewset.get_url_name("workflow_action"),
            args=[practice.pk, action, task_state.pk],
        )
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, {"comment": comment})

    def test_submit_approve_publish(self):
        response = self.submit(self.member)
        self.assertRedirects(response, "/en/contribute/mine/")
        practice = Practice.objects.get(title="Municipal migrant help desk")
        self.assertFalse(practice.live)
        self.assertEqual(practice.submitted_by, self.member)
        contribution = Contribution.objects.get()
        self.assertEqual(contribution.status, ContributionStatus.SUBMITTED)
        self.assertEqual(practice.current_workflow_state.status, "in_progress")
        preview = self.client.get(practice.get_absolute_url())
        self.assertContains(preview, "Draft: not published")
        self.assertNotContains(preview, "Report this content")  # drafts cannot be reported
        self.assertContains(self.client.get("/en/contribute/mine/"), "In moderation")
        self.client.force_login(self.stranger)
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 404)
        self.client.force_login(self.member)

        self.act(practice, "approve")
        practice.refresh_from_db()
        self.assertTrue(practice.live)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.PUBLISHED)
        self.assertEqual(mail.outbox[-1].to, ["rosa@example.org"])
        self.assertIn(practice.get_absolute_url(), mail.outbox[-1].body)
        self.client.logout()
        page = self.client.get(practice.get_absolute_url())
        self.assertContains(page, "It serves 200 people a month.")
        self.assertContains(page, "Rosa Quispe")

    def test_double_submission_creates_one_record(self):
        fields = data()
        self.client.force_login(self.member)
        self.client.post("/en/contribute/practice/", fields)
        self.client.post("/en/contribute/practice/", fields)
        self.assertEqual(Practice.objects.count(), 1)
        self.assertEqual(Contribution.objects.count(), 1)

    def test_sent_back_with_a_reason_then_resubmitted(self):
        self.submit(self.member)
        practice = Practice.objects.get()
        self.act(practice, "reject", "Please add the results.")
        contribution = Contribution.objects.get()
        self.assertEqual(contribution.status, ContributionStatus.CHANGES_REQUESTED)
        self.assertIn("Please add the results.", mail.outbox[-1].body)
        self.client.force_login(self.member)
        mine = self.client.get("/en/contribute/mine/")
        self.assertContains(mine, "Sent back for changes")
        self.assertContains(mine, "Please add the results.")
        form = self.client.get(f"/en/contribute/practice/{practice.pk}/")
        self.assertContains(form, "It serves 200 people a month.")
        self.client.post(f"/en/contribute/practice/{practice.pk}/", data(results="Waiting times halved."))
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.SUBMITTED)
        self.act(practice, "approve")
        practice.refresh_from_db()
        self.assertTrue(practice.live)
        self.assertIn("Waiting times halved.", practice.results)

    def test_rejected_with_a_reason(self):
        self.submit(self.member)
        practice = Practice.objects.get()
        self.act(practice, "decline", "This is an advertisement.")
        practice.refresh_from_db()
        self.assertFalse(practice.live)
        contribution = Contribution.objects.get()
        self.assertEqual(contribution.status, ContributionStatus.REJECTED)
        self.assertEqual(contribution.reason, "This is an advertisement.")
        self.assertIn("This is an advertisement.", mail.outbox[-1].body)
        self.assertIsNone(practice.current_workflow_state)

    def test_editing_a_published_practice_keeps_it_online_until_approved(self):
        self.submit(self.member)
        practice = Practice.objects.get()
        self.act(practice, "approve")
        self.client.force_login(self.member)
        self.client.post(f"/en/contribute/practice/{practice.pk}/", data(title="Renamed help desk"))
        practice.refresh_from_db()
        self.assertTrue(practice.live)
        self.assertEqual(practice.title, "Municipal migrant help desk")
        self.client.logout()
        self.assertContains(self.client.get(practice.get_absolute_url()), "Municipal migrant help desk")
        self.act(practice, "approve")
        practice.refresh_from_db()
        self.assertEqual(practice.title, "Renamed help desk")
        self.assertEqual(practice.revisions.count(), 2)  # the submission and the edit, each approved

    def test_draft_and_preview_are_private(self):
        self.client.force_login(self.member)
        preview = self.client.post("/en/contribute/practice/", data(action="preview"))
        self.assertContains(preview, "Preview – not saved yet")
        self.assertContains(preview, "<p>It opened in 2021.</p>", html=True)
        self.assertFalse(Practice.objects.exists())
        self.client.post("/en/contribute/practice/", data(action="draft"))
        practice = Practice.objects.get()
        self.assertFalse(practice.live)
        self.assertIsNone(practice.current_workflow_state)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.DRAFT)

    def test_bad_input_keeps_what_was_typed(self):
        self.client.force_login(self.member)
        response = self.client.post(
            "/en/contribute/practice/", data(title="", start_year="2020", end_year="2010", place="Quilicura")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Quilicura"')
        self.assertContains(response, "The end year cannot be before the start year.")
        self.assertFalse(Practice.objects.exists())
        spanish = self.client.post("/es/contribute/practice/", data(title=""))
        self.assertContains(spanish, "Este campo es necesario.")

    def test_rich_text_is_inert(self):
        self.submit(self.member, body="\n\n".join(XSS), title="Safe " + XSS[0])
        practice = Practice.objects.get()
        self.act(practice, "approve")
        self.client.logout()
        page = self.client.get(Practice.objects.get().get_absolute_url()).content.decode()
        for payload in XSS:
            self.assertNotIn(payload, page)
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("onerror=", page.replace("onerror=&quot;", ""))
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)


class AnonymousContributionTests(TestCase):
    def setUp(self):
        cache.clear()  # rate-limit counters

    def test_visitor_practice_is_anonymous_and_throttled(self):
        response = self.client.post("/en/contribute/practice/", data(email="someone@example.org"))
        self.assertRedirects(response, "/en/contribute/")
        practice = Practice.objects.get()
        self.assertTrue(practice.is_anonymous)
        self.assertIsNone(practice.submitted_by)
        self.assertEqual(practice.submitter_display, "Anonymous (not verified)")
        for _ in range(4):
            self.client.post("/en/contribute/practice/", data())
        throttled = self.client.post("/en/contribute/practice/", data(title="One too many"))
        self.assertEqual(throttled.status_code, 429)
        self.assertContains(throttled, "Too many submissions", status_code=429)
        self.assertFalse(Practice.objects.filter(title="One too many").exists())

    def test_robots_filling_the_hidden_field_are_refused(self):
        response = self.client.post("/en/contribute/practice/", data(website="http://spam.example"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Practice.objects.exists())

    def test_visitors_cannot_save_drafts_or_edit(self):
        practice = make_practice("Published practice")
        response = self.client.get(f"/en/contribute/practice/{practice.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertNotContains(self.client.get("/en/contribute/practice/"), 'value="draft"')
        self.assertEqual(self.client.get("/en/contribute/mine/").status_code, 302)


class EditPermissionTests(TestCase):
    """Who may edit a practice from the public site (the rest of the permission matrix is in the admin)."""

    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Quilicura", is_verified=True)
        cls.owner = make_user("owner")
        cls.editor = make_user("editor")
        Membership.objects.create(user=cls.editor, organisation=cls.city, role=MembershipRole.EDITOR)
        cls.plain_member = make_user("plain")
        Membership.objects.create(user=cls.plain_member, organisation=cls.city, role=MembershipRole.MEMBER)
        cls.stranger = make_user("stranger")
        cls.practice = make_practice("Help desk", submitted_by=cls.owner)
        cls.practice.organisations.add(cls.city)
        cls.practice.save()  # parental relations are written on save

    def test_matrix(self):
        url = f"/en/contribute/practice/{self.practice.pk}/"
        for user, expected in (
            (self.owner, 200),
            (self.editor, 200),
            (self.plain_member, 403),
            (self.stranger, 403),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, expected)
                response = self.client.post(url, data(title="Hijacked"))
                self.assertEqual(response.status_code, 302 if expected == 200 else 403)
        self.practice.refresh_from_db()
        self.assertEqual(self.practice.title, "Help desk")  # edits are revisions until approved


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user("moderator", email="mod@example.org", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))
        cls.practice = make_practice("Help desk")
        cls.draft = make_practice("Secret draft", live=False)

    def setUp(self):
        cache.clear()  # rate-limit counters

    def test_report_a_public_item(self):
        from django.contrib.contenttypes.models import ContentType

        from ..models import Report, ReportStatus

        page = self.client.get(self.practice.get_absolute_url())
        self.assertContains(page, "Report this content")
        content_type = ContentType.objects.get_for_model(Practice)
        url = f"/en/contribute/report/{content_type.pk}/{self.practice.pk}/"
        self.assertContains(self.client.get(url), "Help desk")
        bad = self.client.post(url, {"reason": "nonsense", "details": "Kept text"})
        self.assertContains(bad, "Kept text")
        self.assertFalse(Report.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"reason": "wrong", "details": "The phone number changed."})
        self.assertRedirects(response, self.practice.get_absolute_url())
        report = Report.objects.get()
        self.assertEqual(report.status, ReportStatus.OPEN)
        self.assertEqual(report.content_object, self.practice)
        self.assertEqual(mail.outbox[-1].to, ["mod@example.org"])
        self.assertIn("The phone number changed.", mail.outbox[-1].body)
        # Drafts, unknown types and unknown records cannot be reported.
        self.assertEqual(
            self.client.get(f"/en/contribute/report/{content_type.pk}/{self.draft.pk}/").status_code, 404
        )
        self.assertEqual(
            self.client.get(f"/en/contribute/report/999999/{self.practice.pk}/").status_code, 404
        )
        self.assertEqual(self.client.get(f"/en/contribute/report/{content_type.pk}/999999/").status_code, 404)
        # The queue in the admin.
        self.client.force_login(self.moderator)
        queue = self.client.get("/admin/snippets/contributions/report/")
        self.assertContains(queue, "Wrong or out-of-date information")

    def test_reports_are_throttled(self):
        from django.contrib.contenttypes.models import ContentType

        from ..models import Report

        content_type = ContentType.objects.get_for_model(Practice)
        url = f"/en/contribute/report/{content_type.pk}/{self.practice.pk}/"
        for _ in range(10):
            self.client.post(url, {"reason": "spam"})
        self.assertEqual(self.client.post(url, {"reason": "spam"}).status_code, 429)
        self.assertEqual(Report.objects.count(), 10)


def docx_bytes() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


class ResourceContributionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa", email="rosa@example.org")
        cls.other = make_user("other")
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))

    def setUp(self):
        cache.clear()

    def post(self, upload=None, **fields):
        from django.core.files.uploadedfile import SimpleUploadedFile

        payload = data(
            title="Toolkit on local integration", summary="How to run a welcome desk.", kind="toolkit"
        )
        payload.pop("body")
        payload.update(fields)
        if upload is not None:
            name, content = upload
            payload["upload"] = SimpleUploadedFile(name, content)
        return self.client.post("/en/contribute/resource/", payload)

    def test_needs_an_account(self):
        response = self.client.get("/en/contribute/resource/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_uploads_are_checked_by_content(self):
        from puente.resources.models import Resource

        self.client.force_login(self.member)
        for name, content in (
            ("report.pdf", b"<html><script>alert(1)</script></html>"),
            ("toolkit.docx", b"PK\x03\x04 not really a zip"),
            ("photo.png", b"GIF89a fake"),
        ):
            with self.subTest(name=name):
                response = self.post((name, content))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "not a document we accept")
                self.assertContains(response, 'value="Toolkit on local integration"')
        self.assertContains(self.post(), "Upload the document or give a link to it.")
        with self.settings(UPLOAD_MAX_BYTES=10):
            self.assertContains(
                self.post(("report.pdf", b"%PDF-1.4 " + b"x" * 100)), "the largest accepted is"
            )
        self.assertFalse(Resource.objects.exists())
        self.assertRedirects(self.post(("toolkit.docx", docx_bytes())), "/en/contribute/mine/")
        resource = Resource.objects.get()
        self.assertFalse(resource.live)
        self.assertTrue(resource.document.file.name.endswith(".docx"))

    def test_submit_approve_and_only_the_submitter_edits(self):
        from puente.resources.models import Resource

        self.client.force_login(self.member)
        self.post(("report.pdf", b"%PDF-1.4 a real enough pdf\n"))
        resource = Resource.objects.get()
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(f"/en/contribute/resource/{resource.pk}/").status_code, 403)
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(f"/en/contribute/resource/{resource.pk}/").status_code, 200)
        task_state = TaskState.objects.get(
            workflow_state=resource.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        url = reverse(
            Resource.snippet_viewset.get_url_name("workflow_action"),
            args=[resource.pk, "approve", task_state.pk],
        )
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)
        resource.refresh_from_db()
        self.assertTrue(resource.live)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.PUBLISHED)
        self.assertEqual(mail.outbox[-1].to, ["rosa@example.org"])
        self.assertEqual(self.client.get(f"/en/contribute/unknown/{resource.pk}/").status_code, 404)


class SoftDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa")
        cls.other = make_user("other")

    def test_delete_restore_and_purge(self):
        import datetime as dt
        import io

        from django.core.management import call_command
        from django.utils import timezone

        practice = make_practice("Night school", submitted_by=self.member)
        Contribution.objects.create(content_object=practice, submitter=self.member, status="published")
        call_command("rebuild_search", stdout=io.StringIO())

        def found():
            response = self.client.get("/en/search/", {"q": "night school"})
            return [d.heading for d in response.context["results"].documents]

        self.assertEqual(found(), ["Night school"])
        url = f"/en/contribute/practice/{practice.pk}/delete/"
        self.client.force_login(self.other)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.member)
        self.assertContains(self.client.get(url), "Yes, delete it")  # a confirmation page first
        practice.refresh_from_db()
        self.assertIsNone(practice.deleted_at)
        self.client.post(url)
        practice.refresh_from_db()
        self.assertIsNotNone(practice.deleted_at)
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/en/practices/"), "Night school")
        self.assertEqual(found(), [])
        self.assertContains(self.client.get("/en/contribute/mine/"), "Restore")
        self.client.post(url, {"restore": "1"})
        practice.refresh_from_db()
        self.assertIsNone(practice.deleted_at)
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 200)
        # Deleted 31 days ago: purged for good; deleted yesterday: kept.
        recent = make_practice("Recently deleted")
        Practice.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - dt.timedelta(days=1))
        Practice.objects.filter(pk=practice.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
        out = io.StringIO()
        call_command("purge_deleted", stdout=out)
        self.assertIn("Removed 1", out.getvalue())
        self.assertFalse(Practice.objects.filter(pk=practice.pk).exists())
        self.assertTrue(Practice.objects.filter(pk=recent.pk).exists())


class ArticleContributionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from wagtail.models import Page

        from puente.news.models import NewsIndexPage

        root = Page.get_first_root_node()
        home = root.add_child(instance=Page(title="Home", slug="home-test"))
        cls.index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        ensure_workflow()
        cls.member = make_user("rosa", email="rosa@example.org")
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))

    def setUp(self):
        cache.clear()

    def test_news_item_goes_through_moderation(self):
        from wagtail.models import TaskState

        from puente.news.models import NewsPage

        self.assertEqual(self.client.get("/en/contribute/news/").status_code, 302)  # members only
        self.client.force_login(self.member)
        response = self.client.post(
            "/en/contribute/news/",
            {
                "key": str(uuid.uuid4()),
                "title": "Quilicura opens a night school",
                "intro": "Classes start in March.",
                "body": "Forty places.\n\n<script>alert(1)</script>",
                "action": "submit",
            },
        )
        self.assertRedirects(response, "/en/contribute/mine/")
        page = NewsPage.objects.get()
        self.assertFalse(page.live)
        self.assertEqual(page.get_parent().specific, self.index)
        self.assertEqual(page.current_workflow_state.workflow.name, "Contribution moderation")
        task_state = TaskState.objects.get(workflow_state=page.current_workflow_state, status="in_progress")
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
            )
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.PUBLISHED)
        self.assertIn("&lt;script&gt;", page.body)
        self.assertEqual(mail.outbox[-1].to, ["rosa@example.org"])
