"""The access helpers, tested once, thoroughly, with named users."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from puente.core import access
from puente.core.tests.factories import make_organisation
from puente.organizations.models import Membership, MembershipRole

User = get_user_model()


class AccessHelperTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city_a = make_organisation("City A")
        cls.city_b = make_organisation("City B")
        cls.member = User.objects.create_user("member", "m@example.org", "pw")
        cls.focal_a = User.objects.create_user("focal_a", "fa@example.org", "pw")
        cls.editor_a = User.objects.create_user("editor_a", "ea@example.org", "pw")
        cls.moderator = User.objects.create_user("moderator", "mod@example.org", "pw")
        cls.moderator.groups.add(Group.objects.create(name=access.SECRETARIAT_GROUP))
        cls.staff = User.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
        cls.admin = User.objects.create_superuser("root", "r@example.org", "pw")
        cls.inactive = User.objects.create_user("gone", "g@example.org", "pw", is_staff=True, is_active=False)
        Membership.objects.create(user=cls.focal_a, organisation=cls.city_a, role=MembershipRole.FOCAL_POINT)
        Membership.objects.create(user=cls.editor_a, organisation=cls.city_a, role=MembershipRole.EDITOR)

    def test_is_secretariat(self):
        self.assertFalse(access.is_secretariat(AnonymousUser()))
        self.assertFalse(access.is_secretariat(self.member))
        self.assertFalse(access.is_secretariat(self.focal_a))
        self.assertTrue(access.is_secretariat(self.moderator))
        self.assertTrue(access.is_secretariat(self.staff))
        self.assertTrue(access.is_secretariat(self.admin))
        self.assertFalse(access.is_secretariat(self.inactive))

    def test_focal_point_acts_only_for_its_own_city(self):
        self.assertTrue(access.is_focal_point(self.focal_a, self.city_a))
        self.assertFalse(access.is_focal_point(self.focal_a, self.city_b))
        self.assertFalse(access.is_focal_point(self.editor_a, self.city_a))
        self.assertFalse(access.is_focal_point(self.member, self.city_a))
        self.assertFalse(access.is_focal_point(AnonymousUser(), self.city_a))

    def test_organisation_role(self):
        self.assertEqual(access.organisation_role(self.editor_a, self.city_a), MembershipRole.EDITOR)
        self.assertIsNone(access.organisation_role(self.editor_a, self.city_b))
        self.assertIsNone(access.organisation_role(AnonymousUser(), self.city_a))

    def test_require(self):
        access.require(True)
        with self.assertRaises(PermissionDenied):
            access.require(False)


class GroupAccessTests(TestCase):
    """Coordinators, members and outsiders of a public and of a members-only working group."""

    @classmethod
    def setUpTestData(cls):
        from puente.core.tests.factories import make_group, make_meeting, make_user

        cls.city = make_organisation("Member City")
        cls.other_city = make_organisation("Other City")
        cls.public = make_group("Public group")
        cls.private = make_group("Closed group", is_public=False)
        for group in (cls.public, cls.private):
            group.members.add(cls.city)
            group.save()
        cls.coordinator = make_user("coordinator")
        cls.private.coordinators.add(cls.coordinator)
        cls.public.coordinators.add(cls.coordinator)
        cls.private.save()
        cls.public.save()
        cls.member = make_user("city_member")
        Membership.objects.create(user=cls.member, organisation=cls.city, role=MembershipRole.MEMBER)
        cls.outsider = make_user("outsider")
        Membership.objects.create(user=cls.outsider, organisation=cls.other_city, role=MembershipRole.ADMIN)
        cls.staff = make_user("staff_user", is_staff=True)
        cls.private_meeting = make_meeting("Closed meeting", group=cls.private)
        cls.loose_meeting = make_meeting("Webinar without group")

    def test_is_group_coordinator(self):
        self.assertTrue(access.is_group_coordinator(self.coordinator, self.private))
        self.assertTrue(access.is_group_coordinator(self.staff, self.private))
        self.assertFalse(access.is_group_coordinator(self.member, self.private))
        self.assertFalse(access.is_group_coordinator(self.outsider, self.private))
        self.assertFalse(access.is_group_coordinator(AnonymousUser(), self.private))
        self.assertFalse(access.is_group_coordinator(self.coordinator, None))

    def test_is_group_member(self):
        self.assertTrue(access.is_group_member(self.member, self.private))
        self.assertTrue(access.is_group_member(self.coordinator, self.private))
        self.assertFalse(access.is_group_member(self.outsider, self.private))
        self.assertFalse(access.is_group_member(AnonymousUser(), self.private))

    def test_documents_of_members_only_groups_are_for_members(self):
        self.assertTrue(access.can_see_group_documents(AnonymousUser(), self.public))
        self.assertTrue(access.can_see_group_documents(AnonymousUser(), None))
        self.assertFalse(access.can_see_group_documents(AnonymousUser(), self.private))
        self.assertFalse(access.can_see_group_documents(self.outsider, self.private))
        self.assertTrue(access.can_see_group_documents(self.member, self.private))
        self.assertTrue(access.can_see_group_documents(self.staff, self.private))

    def test_can_edit_meeting(self):
        self.assertTrue(access.can_edit_meeting(self.coordinator, self.private_meeting))
        self.assertFalse(access.can_edit_meeting(self.member, self.private_meeting))
        self.assertFalse(access.can_edit_meeting(self.coordinator, self.loose_meeting))
        self.assertTrue(access.can_edit_meeting(self.staff, self.loose_meeting))

    def test_can_register(self):
        self.assertFalse(access.can_register(AnonymousUser(), self.loose_meeting))
        self.assertTrue(access.can_register(self.outsider, self.loose_meeting))
        self.assertFalse(access.can_register(self.outsider, self.private_meeting))
        self.assertTrue(access.can_register(self.member, self.private_meeting))
