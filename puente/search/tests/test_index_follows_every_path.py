"""The search documents are a copy of the public records (and of what they show of other records: their
organisations, local government, group and country). After every kind of change the index equals a fresh
rebuild: the admin's edit, publish, unpublish, delete and bulk delete views, Wagtail's workflow (approve,
request changes), soft delete and restore (Moderation → Deleted items), and the management commands."""

import io
import uuid

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState

from puente.commitments.models import Commitment
from puente.commitments.tests.test_conflicts import admin_form
from puente.contributions.services import MODERATORS
from puente.core.tests.factories import (
    make_commitment,
    make_country,
    make_group,
    make_meeting,
    make_organisation,
    make_practice,
    make_resource,
    make_topic,
    make_user,
)
from puente.events.models import Meeting
from puente.groups.models import WorkingGroup
from puente.organizations.models import Organisation
from puente.practices.models import Practice
from puente.taxonomy.models import Country, Topic

from .. import engine
from ..models import Document


def snapshot() -> dict:
    """Every stored document, its facets and its posting, by record."""
    return {
        (d.kind, d.object_id): (
            d.heading,
            d.summary,
            d.text,
            d.text_stems,
            d.names,
            d.meta,
            d.language,
            d.date,
            d.facet_keys,
            d.heading_concepts,
            d.concepts,
            sorted(d.facets.values_list("name", "value")),
            d.posting.keys,
        )
        for d in Document.objects.prefetch_related("facets").select_related("posting")
    }


class IndexFollowsEveryPathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = make_country("GT", "Guatemala")
        cls.city = make_organisation("Esquipulas Municipality", is_verified=True, country=cls.country)
        cls.partner = make_organisation("Chiquimula Diaspora Network", kind="diaspora", is_verified=True)
        cls.topic = make_topic("Return migration")
        cls.practice = make_practice(
            "Welcome desk in the town hall",
            country=cls.country,
            summary="A desk for returnees.",
            topics=[cls.topic],
        )
        cls.practice.organisations.set([cls.city, cls.partner])
        cls.practice.save()  # parental many-to-many values are written on save
        cls.resource = make_resource("Guide to the welcome desk")
        cls.resource.organisations.set([cls.partner])
        cls.resource.save()
        cls.commitment = make_commitment(
            "Esquipulas welcomes returnees", local_government=cls.city, priorities=["Open a desk"]
        )
        cls.group = make_group("Trifinio working group")
        cls.meeting = make_meeting("Trifinio meeting", group=cls.group, live=True)
        cls.admin = make_user("index-admin", is_staff=True, is_superuser=True)
        cls.member = make_user("index-member")
        cls.moderator = make_user("index-moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))
        call_command("rebuild_search", stdout=io.StringIO())

    def setUp(self):
        engine.index_changed()

    def assert_index_fresh(self):
        """The stored documents equal what a rebuild from the records writes now."""
        stored = snapshot()
        call_command("rebuild_search", stdout=io.StringIO())
        self.assertEqual(stored, snapshot())
        return stored

    def indexed(self, obj) -> Document | None:
        content_type = ContentType.objects.get_for_model(type(obj))
        return Document.objects.filter(content_type=content_type, object_id=obj.pk).first()

    def admin_url(self, model, name, *args):
        return reverse(model.snippet_viewset.get_url_name(name), args=args)

    def admin_post(self, url, changes=None, form=None, user=None):
        self.client.force_login(user or self.admin)
        data = form if form is not None else admin_form(self.client.get(url))
        data.update(changes or {})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        return response

    # --- the admin's views ---------------------------------------------------------------------------------

    def test_admin_edit_save_draft_and_publish(self):
        url = self.admin_url(Practice, "edit", self.practice.pk)
        self.admin_post(url, {"title": "Help desk in the town hall"})  # a draft: the published version stays
        self.assertEqual(self.assert_index_fresh()[("practice", self.practice.pk)][0], self.practice.title)
        self.admin_post(url, {"action-publish": "action-publish"})
        self.assertEqual(self.indexed(self.practice).heading, "Help desk in the town hall")
        self.assert_index_fresh()

    def test_admin_unpublish_and_publish_again(self):
        self.admin_post(self.admin_url(Practice, "unpublish", self.practice.pk), form={})
        self.assertIsNone(self.indexed(self.practice))
        self.assert_index_fresh()
        self.admin_post(
            self.admin_url(Practice, "edit", self.practice.pk), {"action-publish": "action-publish"}
        )
        self.assertIsNotNone(self.indexed(self.practice))
        self.assert_index_fresh()

    def test_admin_edit_of_a_commitments_priorities(self):
        url = self.admin_url(Commitment, "edit", self.commitment.pk)
        self.client.force_login(self.admin)
        form = admin_form(self.client.get(url))
        total = int(form["priorities-TOTAL_FORMS"][0])
        form |= {
            "priorities-TOTAL_FORMS": [str(total + 1)],
            f"priorities-{total}-text": ["Recognise the diplomas of returnees"],
            f"priorities-{total}-competence": ["shared"],
            f"priorities-{total}-status": ["not_started"],
            f"priorities-{total}-ORDER": [str(total + 1)],
            f"priorities-{total}-id": [""],
            "action-publish": ["action-publish"],
        }
        self.admin_post(url, form=form)
        self.assertIn("diplomas", self.indexed(self.commitment).text)
        self.assert_index_fresh()

    def test_admin_delete_and_bulk_delete_then_restore(self):
        self.admin_post(self.admin_url(Commitment, "delete", self.commitment.pk), form={})
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/admin/bulk/practices/practice/delete/?id={self.practice.pk}"
                f"&next={self.admin_url(Practice, 'list')}"
            )
        self.assertEqual(response.status_code, 302)
        self.assertIsNotNone(Practice.objects.get(pk=self.practice.pk).deleted_at)  # soft
        self.assertIsNone(self.indexed(self.practice))
        self.assertIsNone(self.indexed(self.commitment))
        self.assert_index_fresh()
        for obj in (self.practice, self.commitment):
            content_type = ContentType.objects.get_for_model(type(obj))
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(f"/admin/deleted/{content_type.pk}/{obj.pk}/restore/")
            self.assertIsNotNone(self.indexed(obj))
        self.assert_index_fresh()

    # --- what a document shows of other records ------------------------------------------------------------

    def test_renaming_an_organisation_in_the_admin(self):
        url = self.admin_url(Organisation, "edit", self.city.pk)
        self.admin_post(url, {"name": "Municipalidad de Esquipulas", "kind": "national"})
        self.assertIn("orgtype=national", self.indexed(self.practice).facet_keys)
        for obj in (self.practice, self.commitment, self.city):
            self.assertIn("Municipalidad de Esquipulas", self.indexed(obj).names)
        self.assertIn("Municipalidad de Esquipulas", self.indexed(self.commitment).meta)
        self.assert_index_fresh()

    def test_verifying_and_deleting_an_organisation_in_the_admin(self):
        self.assertIn("Chiquimula", self.indexed(self.practice).names)
        newcomer = make_organisation("Ipala Returnee Association", kind="civil", is_verified=False)
        self.admin_post(self.admin_url(Organisation, "edit", newcomer.pk), {"is_verified": "on"})
        self.assertIsNotNone(self.indexed(newcomer))
        self.assert_index_fresh()
        self.admin_post(self.admin_url(Organisation, "delete", self.partner.pk), form={})
        self.assertFalse(Organisation.objects.filter(pk=self.partner.pk).exists())
        self.assertNotIn("Chiquimula", self.indexed(self.practice).names)
        self.assertNotIn("Chiquimula", self.indexed(self.resource).names)
        self.assert_index_fresh()

    def test_renaming_a_working_group_or_a_country_in_the_admin(self):
        self.admin_post(
            self.admin_url(WorkingGroup, "edit", self.group.pk), {"name": "Trifinio Tri-national Group"}
        )
        self.assertIn("Tri-national", self.indexed(self.meeting).text)
        self.assert_index_fresh()
        self.admin_post(
            self.admin_url(Country, "edit", self.country.pk), {"name_en": "Republic of Guatemala"}
        )
        for obj in (self.practice, self.commitment, self.city):
            self.assertIn("Republic of Guatemala", self.indexed(obj).names)
        self.assert_index_fresh()

    def test_changing_or_deleting_a_topic_in_the_admin(self):
        self.assertIn("topic=return-migration", self.indexed(self.practice).facet_keys)
        self.admin_post(self.admin_url(Topic, "edit", self.topic.pk), {"slug": "returnees"})
        self.assertIn("topic=returnees", self.indexed(self.practice).facet_keys)
        self.assert_index_fresh()
        self.admin_post(self.admin_url(Topic, "delete", self.topic.pk), form={})
        self.assertNotIn("topic=", self.indexed(self.practice).facet_keys)
        self.assert_index_fresh()

    # --- Wagtail's workflow ---------------------------------------------------------------------------------

    def act(self, practice, action, comment=""):
        practice.refresh_from_db()
        task_state = TaskState.objects.get(
            workflow_state=practice.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        url = self.admin_url(Practice, "workflow_action", practice.pk, action, task_state.pk)
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"comment": comment})

    def contribute(self, practice=None, **fields):
        data = {
            "key": str(uuid.uuid4()),
            "title": "Returnee job fair",
            "summary": "A job fair for returnees, twice a year.",
            "body": "Employers meet returnees.",
            "language": "en",
            "action": "submit",
        } | fields
        self.client.force_login(self.member)
        url = f"/en/contribute/practice/{practice.pk}/" if practice else "/en/contribute/practice/"
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(url, data).status_code, 302)
        return practice or Practice.objects.get(title=data["title"])

    def test_workflow_request_changes_approve_and_approve_an_edit(self):
        practice = self.contribute()
        self.assertIsNone(self.indexed(practice))
        self.act(practice, "reject", "Add the results.")
        self.assertIsNone(self.indexed(practice))
        self.assert_index_fresh()
        self.contribute(practice, results="Forty people found a job.")
        self.act(practice, "approve")
        self.assertIn("Forty people", self.indexed(practice).text)
        self.assert_index_fresh()
        # An edit of a published record waits for approval; the published version stays in the index.
        self.contribute(practice, title="Returnee job fair in Esquipulas")
        self.assertEqual(self.indexed(practice).heading, "Returnee job fair")
        self.assert_index_fresh()
        self.act(practice, "approve")
        self.assertEqual(self.indexed(practice).heading, "Returnee job fair in Esquipulas")
        self.assert_index_fresh()

    # --- management commands -------------------------------------------------------------------------------

    def test_publish_scheduled_does_not_bring_back_a_deleted_record(self):
        revision = self.practice.save_revision()
        revision.approved_go_live_at = timezone.now() - timezone.timedelta(minutes=1)
        revision.save()
        self.admin_post(self.admin_url(Practice, "delete", self.practice.pk), form={})
        with self.captureOnCommitCallbacks(execute=True):
            call_command("publish_scheduled", stdout=io.StringIO())
        self.assertIsNotNone(Practice.objects.get(pk=self.practice.pk).deleted_at)
        self.assertIsNone(self.indexed(self.practice))
        self.assert_index_fresh()

    def test_purge_deleted(self):
        self.admin_post(self.admin_url(Meeting, "delete", self.meeting.pk), form={})
        Meeting.objects.filter(pk=self.meeting.pk).update(
            deleted_at=timezone.now() - timezone.timedelta(days=31)
        )
        with self.captureOnCommitCallbacks(execute=True):
            call_command("purge_deleted", stdout=io.StringIO())
        self.assertFalse(Meeting.objects.filter(pk=self.meeting.pk).exists())
        self.assertIsNone(self.indexed(self.meeting))
        self.assert_index_fresh()
