"""A contribution's status (what its submitter sees, and what the moderation counts read) follows its record
whatever the path: approved in the workflow (one e-mail), published directly in the admin while in moderation,
or deleted while in moderation."""

import uuid

from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from wagtail.models import TaskState

from puente.commitments.tests.test_conflicts import admin_form
from puente.core.tests.factories import make_user
from puente.practices.models import Practice

from ..models import Contribution, ContributionStatus
from ..services import MODERATORS


class ContributionStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("status-member")
        cls.admin = make_user("status-admin", is_staff=True, is_superuser=True)
        cls.moderator = make_user("status-moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))

    def setUp(self):
        self.client.force_login(self.member)
        data = {
            "key": str(uuid.uuid4()),
            "title": "Municipal help desk",
            "summary": "A desk in the town hall for newcomers.",
            "body": "It opened in 2021.",
            "language": "en",
            "action": "submit",
        }
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/en/contribute/practice/", data)
        self.practice = Practice.objects.get(title="Municipal help desk")
        self.assertEqual(self.status(), ContributionStatus.SUBMITTED)
        mail.outbox.clear()

    def status(self) -> str:
        return Contribution.objects.get().status

    def assert_told_once(self):
        """One "Published" e-mail to the submitter (besides Wagtail's own workflow notifications)."""
        ours = [m for m in mail.outbox if m.subject.startswith("Published:")]
        self.assertEqual([m.to for m in ours], [[self.member.email]])

    def admin_post(self, url, changes=None, form=None, user=None):
        self.client.force_login(user or self.admin)
        data = form if form is not None else admin_form(self.client.get(url))
        data.update(changes or {})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])

    def test_approved_in_the_workflow_tells_the_submitter_once(self):
        task_state = TaskState.objects.get(
            workflow_state=self.practice.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        url = reverse(
            Practice.snippet_viewset.get_url_name("workflow_action"),
            args=[self.practice.pk, "approve", task_state.pk],
        )
        self.admin_post(url, form={"comment": ""}, user=self.moderator)
        self.assertEqual(self.status(), ContributionStatus.PUBLISHED)
        self.assert_told_once()

    def test_published_directly_in_the_admin_while_in_moderation(self):
        url = reverse(Practice.snippet_viewset.get_url_name("edit"), args=[self.practice.pk])
        self.admin_post(url, {"action-publish": "action-publish"})
        self.assertTrue(Practice.objects.get(pk=self.practice.pk).live)
        self.assertEqual(self.status(), ContributionStatus.PUBLISHED)
        self.assert_told_once()
        self.client.force_login(self.member)
        mine = self.client.get("/en/contribute/mine/")
        self.assertContains(mine, "status--published")
        self.assertNotContains(mine, "In moderation")

    def test_deleted_in_the_admin_while_in_moderation(self):
        url = reverse(Practice.snippet_viewset.get_url_name("delete"), args=[self.practice.pk])
        self.admin_post(url, form={})
        self.assertIsNotNone(Practice.objects.get(pk=self.practice.pk).deleted_at)
        self.assertIsNone(Practice.objects.get(pk=self.practice.pk).current_workflow_state)
        self.assertEqual(self.status(), ContributionStatus.DRAFT)  # no longer waiting for a moderator
