"""The permission matrix for contributed records: visitor, member, organisation editor, focal point of city A,
focal point of city B, secretariat moderator and site admin, across view draft, submit, edit, publish,
delete and manage organisation members, for practices, resources, events, news items and blog posts. Each cell is one request."""

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from wagtail.models import TaskState

from puente.core.tests.factories import make_organisation, make_practice, make_resource, make_user
from puente.organizations.models import Membership, MembershipRole
from puente.practices.models import Practice
from puente.resources.models import Resource

from ..models import Contribution
from ..services import MODERATORS, ensure_workflow

ROLES = ["visitor", "member", "editor_a", "focal_a", "focal_b", "moderator", "admin"]
ALLOWED = {
    # action: roles allowed (for records of city A)
    # who may edit a record may preview its draft on the public page
    "view_draft": {"editor_a", "focal_a", "moderator", "admin"},
    "edit": {"editor_a", "focal_a", "moderator", "admin"},
    "publish": {"moderator", "admin"},
    "delete": {"editor_a", "focal_a", "moderator", "admin"},
    "manage_members": {"moderator", "admin"},
}
SUBMIT = {  # who may open the submission form
    Practice: set(ROLES),  # visitors too (anonymous, throttled)
    Resource: set(ROLES) - {"visitor"},
}


class MatrixBase(TestCase):
    """Seven roles around city A (with its owner) and city B."""

    @classmethod
    def setUpTestData(cls):
        ensure_workflow()
        cls.city_a = make_organisation("City A", is_verified=True)
        cls.city_b = make_organisation("City B", is_verified=True)
        cls.owner = make_user("owner")
        Membership.objects.create(user=cls.owner, organisation=cls.city_a, role=MembershipRole.ADMIN)
        cls.users = {
            "member": make_user("member"),
            "editor_a": make_user("editor_a"),
            "focal_a": make_user("focal_a"),
            "focal_b": make_user("focal_b"),
            "moderator": make_user("moderator", is_staff=True),
            "admin": make_user("site_admin", is_staff=True, is_superuser=True),
        }
        Membership.objects.create(
            user=cls.users["editor_a"], organisation=cls.city_a, role=MembershipRole.EDITOR
        )
        Membership.objects.create(
            user=cls.users["focal_a"], organisation=cls.city_a, role=MembershipRole.FOCAL_POINT
        )
        Membership.objects.create(
            user=cls.users["focal_b"], organisation=cls.city_b, role=MembershipRole.FOCAL_POINT
        )
        cls.users["moderator"].groups.add(Group.objects.get(name=MODERATORS))

    def setUp(self):
        cache.clear()

    def as_role(self, role):
        self.client.logout()
        if role != "visitor":
            self.client.force_login(self.users[role])

    def record(self, model, live=False):
        make = make_practice if model is Practice else make_resource
        self.counter = getattr(self, "counter", 0) + 1
        obj = make(f"{model.__name__} of city A {self.counter}", live=live)
        obj.organisations.add(self.city_a)
        obj.save()
        Contribution.objects.create(content_object=obj, submitter=self.owner)
        return obj

    def in_moderation(self, model):
        obj = self.record(model)
        obj.save_revision(user=self.owner)
        obj.get_workflow().start(obj, self.owner)
        return obj

    def expect(self, role, action, allowed: bool, status: int, ok=(200, 302)):
        if allowed:
            self.assertIn(status, ok, f"{role} should be able to {action}")
        else:
            self.assertIn(status, (302, 403, 404), f"{role} must not {action}")


class PermissionMatrixTests(MatrixBase):
    def test_matrix(self):
        for model in (Practice, Resource):
            kind = model.__name__.lower()
            for role in ROLES:
                with self.subTest(model=kind, role=role):
                    self.as_role(role)
                    # view a draft
                    draft = self.record(model)
                    response = self.client.get(draft.get_absolute_url())
                    self.assertEqual(response.status_code, 200 if role in ALLOWED["view_draft"] else 404)
                    # submit
                    response = self.client.get(f"/en/contribute/{kind}/")
                    self.assertEqual(response.status_code, 200 if role in SUBMIT[model] else 302)
                    # edit, by form and by crafted request
                    url = f"/en/contribute/{kind}/{draft.pk}/"
                    allowed = role in ALLOWED["edit"]
                    status = self.client.get(url).status_code
                    self.assertEqual(status, 200 if allowed else (302 if role == "visitor" else 403))
                    self.client.post(
                        url, {"title": "Hijacked", "summary": "x", "language": "en", "kind": "report"}
                    )
                    draft.refresh_from_db()
                    if not allowed:
                        self.assertNotEqual(draft.title, "Hijacked")
                        self.assertNotEqual(draft.latest_revision.content.get("title"), "Hijacked")
                    # publish (approve in the moderation workflow)
                    pending = self.in_moderation(model)
                    task_state = TaskState.objects.get(
                        workflow_state=pending.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
                    )
                    approve = reverse(
                        model.snippet_viewset.get_url_name("workflow_action"),
                        args=[pending.pk, "approve", task_state.pk],
                    )
                    self.client.post(approve)
                    pending.refresh_from_db()
                    self.assertEqual(pending.live, role in ALLOWED["publish"], f"{role} publish")
                    # delete
                    target = self.record(model, live=True)
                    status = self.client.post(f"/en/contribute/{kind}/{target.pk}/delete/").status_code
                    target.refresh_from_db()
                    self.assertEqual(
                        target.deleted_at is not None, role in ALLOWED["delete"], f"{role} delete"
                    )
                    if role not in ALLOWED["delete"]:
                        self.assertIn(status, (302, 403))
                    # manage city A's members
                    status = self.client.get(f"/en/organisations/{self.city_a.slug}/members/").status_code
                    self.assertEqual(
                        status,
                        200 if role in ALLOWED["manage_members"] else (302 if role == "visitor" else 403),
                    )


EVENT_ALLOWED = ALLOWED
# News items and blog posts belong to their author, not to an organisation: besides the secretariat, only the
# author edits or deletes them (the author is ``owner`` here, outside the matrix's roles). Drafts are never
# served on the public site; the secretariat previews them in the admin.
ARTICLE_ALLOWED = {
    **ALLOWED,
    "view_draft": {"moderator", "admin"},
    "edit": {"moderator", "admin"},
    "delete": {"moderator", "admin"},
}


class EventAndArticleMatrixTests(MatrixBase):
    """The same seven roles and six actions for events and for news items and blog posts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from wagtail.models import Page

        from puente.news.models import BlogIndexPage, NewsIndexPage

        home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home-matrix"))
        home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        home.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
        ensure_workflow()

    def event(self, live=False):
        import datetime as dt

        from puente.core.tests.factories import make_meeting

        self.counter = getattr(self, "counter", 0) + 1
        meeting = make_meeting(
            f"Event of city A {self.counter}", date=dt.date.today() + dt.timedelta(days=9), live=live
        )
        meeting.organisations.add(self.city_a)
        meeting.save()
        meeting.save_revision(user=self.owner)
        Contribution.objects.create(content_object=meeting, submitter=self.owner)
        return meeting

    def article(self, model, live=False):
        from django.utils import timezone

        from puente.news.models import BlogIndexPage, NewsIndexPage, NewsPage

        self.counter = getattr(self, "counter", 0) + 1
        index_model = NewsIndexPage if model is NewsPage else BlogIndexPage
        parent = index_model.objects.get()
        page = model(
            title=f"Article of city A {self.counter}",
            slug=f"article-{self.counter}",
            date=timezone.localdate(),
            intro="Intro",
            body="<p>Body</p>",
            live=live,
        )
        parent.add_child(instance=page)
        page.save_revision(user=self.owner)
        Contribution.objects.create(content_object=page, submitter=self.owner)
        return page

    def test_event_matrix(self):
        from puente.events.models import Meeting

        for role in ROLES:
            with self.subTest(role=role):
                self.as_role(role)
                draft = self.event()
                response = self.client.get(draft.get_absolute_url())
                self.assertEqual(response.status_code, 200 if role in EVENT_ALLOWED["view_draft"] else 404)
                response = self.client.get("/en/contribute/event/")
                self.assertEqual(response.status_code, 302 if role == "visitor" else 200)
                url = f"/en/contribute/event/{draft.pk}/"
                allowed = role in EVENT_ALLOWED["edit"]
                status = self.client.get(url).status_code
                self.assertEqual(status, 200 if allowed else (302 if role == "visitor" else 403))
                self.client.post(url, {"title": "Hijacked", "date": "2031-01-01", "start_time": "10:00"})
                draft.refresh_from_db()
                if not allowed:
                    self.assertNotEqual(draft.title, "Hijacked")
                    self.assertNotEqual(draft.latest_revision.content.get("title"), "Hijacked")
                    # nor through the coordinators' form, by a crafted request
                    self.client.post(f"/en/events/{draft.slug}/edit/", {"title": "Hijacked"})
                    draft.refresh_from_db()
                    self.assertNotEqual(draft.title, "Hijacked")
                pending = self.event()
                pending.get_workflow().start(pending, self.owner)
                task_state = TaskState.objects.get(
                    workflow_state=pending.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
                )
                approve = reverse(
                    Meeting.snippet_viewset.get_url_name("workflow_action"),
                    args=[pending.pk, "approve", task_state.pk],
                )
                self.client.post(approve)
                pending.refresh_from_db()
                self.assertEqual(pending.live, role in EVENT_ALLOWED["publish"], f"{role} publish")
                target = self.event(live=True)
                self.client.post(f"/en/contribute/event/{target.pk}/delete/")
                target.refresh_from_db()
                self.assertEqual(
                    target.deleted_at is not None, role in EVENT_ALLOWED["delete"], f"{role} delete"
                )
                status = self.client.get(f"/en/organisations/{self.city_a.slug}/members/").status_code
                self.assertEqual(
                    status,
                    200 if role in EVENT_ALLOWED["manage_members"] else (302 if role == "visitor" else 403),
                )

    def test_article_matrix(self):
        from puente.news.models import BlogPage, NewsPage

        for model, kind in ((NewsPage, "news"), (BlogPage, "blog")):
            for role in ROLES:
                with self.subTest(kind=kind, role=role):
                    self.as_role(role)
                    draft = self.article(model)
                    self.assertEqual(self.client.get(draft.url).status_code, 404)  # never served
                    preview = self.client.get(reverse("wagtailadmin_pages:view_draft", args=[draft.pk]))
                    self.assertEqual(
                        preview.status_code == 200, role in ARTICLE_ALLOWED["view_draft"], f"{role} preview"
                    )
                    response = self.client.get(f"/en/contribute/{kind}/")
                    self.assertEqual(response.status_code, 302 if role == "visitor" else 200)
                    url = f"/en/contribute/{kind}/{draft.pk}/"
                    allowed = role in ARTICLE_ALLOWED["edit"]
                    status = self.client.get(url).status_code
                    self.assertEqual(status, 200 if allowed else (302 if role == "visitor" else 403))
                    self.client.post(url, {"title": "Hijacked", "intro": "x", "body": "y"})
                    draft.refresh_from_db()
                    if not allowed:
                        self.assertNotEqual(draft.title, "Hijacked")
                        self.assertNotEqual(draft.get_latest_revision().content.get("title"), "Hijacked")
                    pending = self.article(model)
                    pending.get_workflow().start(pending, self.owner)
                    task_state = TaskState.objects.get(
                        workflow_state=pending.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
                    )
                    self.client.post(
                        reverse(
                            "wagtailadmin_pages:workflow_action", args=[pending.pk, "approve", task_state.pk]
                        )
                    )
                    pending.refresh_from_db()
                    self.assertEqual(pending.live, role in ARTICLE_ALLOWED["publish"], f"{role} publish")
                    target = self.article(model, live=True)
                    self.client.post(f"/en/contribute/{kind}/{target.pk}/delete/")
                    target.refresh_from_db()
                    self.assertEqual(
                        target.deleted_at is not None, role in ARTICLE_ALLOWED["delete"], f"{role} delete"
                    )


# Commitments follow their own life cycle (draft → mayor's sign-off → submitted → verified → published): only a
# focal point (or administrator) of the local government drafts and edits them; its members see its drafts.
COMMITMENT_ALLOWED = {
    **ALLOWED,
    "view_draft": {"editor_a", "focal_a", "moderator", "admin"},
    "submit": {"focal_a"},
    "edit": {"focal_a"},
    "delete": {"moderator", "admin"},
}


class CommitmentMatrixTests(MatrixBase):
    def commitment(self, **fields):
        from puente.core.tests.factories import make_commitment

        self.counter = getattr(self, "counter", 0) + 1
        return make_commitment(f"Commitment of city A {self.counter}", local_government=self.city_a, **fields)

    def test_commitment_matrix(self):
        from puente.commitments.models import Commitment, CommitmentStatus

        for role in ROLES:
            with self.subTest(role=role):
                self.as_role(role)
                draft = self.commitment(live=False)
                response = self.client.get(draft.get_absolute_url())
                self.assertEqual(
                    response.status_code, 200 if role in COMMITMENT_ALLOWED["view_draft"] else 404
                )
                status = self.client.get(f"/en/commitments/new/?organisation={self.city_a.pk}").status_code
                self.assertEqual(status == 200, role in COMMITMENT_ALLOWED["submit"], f"{role} submit")
                url = f"/en/commitments/{draft.slug}/edit/"
                allowed = role in COMMITMENT_ALLOWED["edit"]
                status = self.client.get(url).status_code
                self.assertEqual(status, 200 if allowed else (302 if role == "visitor" else 403))
                self.client.post(url, {"title": "Hijacked", "summary": "x"})
                draft.refresh_from_db()
                self.assertNotEqual(draft.title, "Hijacked")  # refused, or (allowed) an incomplete form
                verified = self.commitment(live=False, status=CommitmentStatus.VERIFIED)
                self.client.post(f"/en/commitments/{verified.slug}/publish/")
                verified.refresh_from_db()
                self.assertEqual(verified.live, role in COMMITMENT_ALLOWED["publish"], f"{role} publish")
                target = self.commitment()
                self.client.post(reverse(Commitment.snippet_viewset.get_url_name("delete"), args=[target.pk]))
                target.refresh_from_db()  # never removed outright
                self.assertEqual(
                    target.deleted_at is not None, role in COMMITMENT_ALLOWED["delete"], f"{role} delete"
                )
