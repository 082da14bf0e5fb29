"""Coordinators manage a group's members; documents follow the group's visibility."""

from django.test import TestCase

from puente.core.tests.factories import make_document, make_group, make_organisation, make_user
from puente.groups.models import GroupDocument, WorkingGroup
from puente.organizations.models import Membership


class MemberManagementTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = make_group("Local governance")
        cls.upala = make_organisation("Upala")
        cls.choloma = make_organisation("Choloma")
        cls.group.members.add(cls.upala)
        cls.coordinator = make_user("coordinator")
        cls.group.coordinators.add(cls.coordinator)
        cls.group.save()
        cls.member = make_user("member")
        Membership.objects.create(user=cls.member, organisation=cls.upala)
        cls.url = f"/en/groups/{cls.group.slug}/members/"

    def member_names(self):
        return sorted(WorkingGroup.objects.get(pk=self.group.pk).members.values_list("name", flat=True))

    def test_coordinator_adds_and_removes_members(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url, {"organisation": self.choloma.pk}, follow=True)
        self.assertContains(response, "Choloma is now a member.")
        self.assertEqual(self.member_names(), ["Choloma", "Upala"])
        response = self.client.post(self.url, {"remove": "1", "organisation": self.upala.pk}, follow=True)
        self.assertContains(response, "Upala is no longer a member.")
        self.assertEqual(self.member_names(), ["Choloma"])

    def test_bad_input_is_refused(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url, {"organisation": self.upala.pk})  # already a member
        self.assertContains(response, "Select a valid choice.")
        response = self.client.post(self.url, {"remove": "1", "organisation": self.choloma.pk}, follow=True)
        self.assertContains(response, "That organisation is not a member of the group.")
        self.assertEqual(self.member_names(), ["Upala"])

    def test_others_are_refused_with_a_clear_message(self):
        for user in (None, self.member):
            if user:
                self.client.force_login(user)
            for url in (self.url, f"/en/groups/{self.group.slug}/meetings/new/"):
                response = self.client.post(url, {"organisation": self.choloma.pk})
                self.assertContains(
                    response,
                    "Only the coordinators of the Local governance and the secretariat may manage it.",
                    status_code=403,
                )
        self.assertEqual(self.member_names(), ["Upala"])

    def test_coordinator_sees_the_tools_on_the_group_page(self):
        self.assertNotContains(self.client.get(self.group.get_absolute_url()), "Manage members")
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(self.group.get_absolute_url()), "Manage members")


class GroupDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public = make_group("Open group")
        cls.closed = make_group("Closed group", is_public=False)
        cls.city = make_organisation("Member city")
        cls.closed.members.add(cls.city)
        cls.closed.save()
        for group in (cls.public, cls.closed):
            GroupDocument.objects.create(
                group=group, document=make_document(f"Terms of reference of {group.name}")
            )
        cls.member = make_user("closed_member")
        Membership.objects.create(user=cls.member, organisation=cls.city)

    def test_public_groups_show_documents_to_everyone(self):
        self.assertContains(
            self.client.get(self.public.get_absolute_url()), "Terms of reference of Open group"
        )

    def test_members_only_documents_are_for_members(self):
        response = self.client.get(self.closed.get_absolute_url())
        self.assertNotContains(response, "Terms of reference of Closed group")
        self.assertContains(
            response, "The documents and minutes of this working group are available to its members."
        )
        self.client.force_login(self.member)
        self.assertContains(
            self.client.get(self.closed.get_absolute_url()), "Terms of reference of Closed group"
        )
