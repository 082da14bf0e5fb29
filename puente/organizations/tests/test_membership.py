"""Registering organisations, asking to join, and the administrators' decisions, through HTTP."""

from django.core import mail
from django.test import TestCase

from puente.core.tests.factories import make_country, make_organisation, make_user

from ..models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
)


class RegisterTests(TestCase):
    def test_a_member_registers_an_organisation_that_waits_for_verification(self):
        peru = make_country("PE", "Peru")
        make_user("secretariat", is_staff=True, email="desk@example.org")
        user = make_user("rosa")
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/en/organisations/register/",
                {
                    "name": "Municipalidad de Comas",
                    "kind": OrganisationType.LOCAL_GOVERNMENT,
                    "country": peru.pk,
                },
            )
        self.assertEqual(response.status_code, 302)
        organisation = Organisation.objects.get(name="Municipalidad de Comas")
        self.assertFalse(organisation.is_verified)
        self.assertEqual(Membership.objects.get(organisation=organisation).role, MembershipRole.ADMIN)
        self.assertEqual(mail.outbox[0].to, ["desk@example.org"])
        # Its page says it waits for verification, to its members only: not listed, 404 for anyone else.
        self.assertRedirects(response, organisation.get_absolute_url())
        self.assertContains(self.client.get(organisation.get_absolute_url()), "Awaiting verification")
        self.assertNotContains(self.client.get("/en/organisations/"), "Municipalidad de Comas")
        self.client.force_login(make_user("outsider"))
        self.assertEqual(self.client.get(f"/en/organisations/{organisation.slug}/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(f"/en/organisations/{organisation.slug}/").status_code, 404)
        self.client.force_login(user)
        # Its administrator can already manage it.
        self.assertEqual(self.client.get(f"/en/organisations/{organisation.slug}/members/").status_code, 200)

    def test_duplicate_or_incomplete_registration_says_what_to_fix(self):
        make_organisation("Municipalidad de Lima")
        self.client.force_login(make_user())
        response = self.client.post(
            "/en/organisations/register/", {"name": "municipalidad de lima", "kind": "nonsense"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already registered")
        self.assertContains(response, 'value="municipalidad de lima"')
        self.assertEqual(Organisation.objects.count(), 1)


class JoinTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Carmen de La Legua", is_verified=True)
        cls.other = make_organisation("Quilicura", is_verified=True)
        cls.admin = make_user("admin_city", email="admin@example.org")
        Membership.objects.create(user=cls.admin, organisation=cls.city, role=MembershipRole.ADMIN)
        cls.other_admin = make_user("admin_other")
        Membership.objects.create(user=cls.other_admin, organisation=cls.other, role=MembershipRole.ADMIN)
        cls.editor = make_user("editor_city")
        cls.editor_membership = Membership.objects.create(
            user=cls.editor, organisation=cls.city, role=MembershipRole.EDITOR
        )
        cls.applicant = make_user("applicant", email="applicant@example.org")

    def ask(self):
        self.client.force_login(self.applicant)
        return self.client.post(
            f"/en/organisations/{self.city.slug}/join/", {"message": "I work in the migrant desk."}
        )

    def test_ask_accept_and_become_member(self):
        self.assertEqual(self.ask().status_code, 302)
        self.ask()  # a second click
        self.assertEqual(JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).count(), 1)
        self.assertEqual(mail.outbox[0].to, ["admin@example.org"])
        self.assertIn(f"/en/organisations/{self.city.slug}/members/", mail.outbox[0].body)
        self.assertContains(
            self.client.get(f"/en/organisations/{self.city.slug}/"), "waits for the administrators"
        )

        join_request = JoinRequest.objects.get()
        self.client.force_login(self.admin)
        page = self.client.get(f"/en/organisations/{self.city.slug}/members/")
        self.assertContains(page, "I work in the migrant desk.")
        url = f"/en/organisations/{self.city.slug}/members/requests/{join_request.pk}/"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"decision": "accept"})
        self.assertEqual(Membership.objects.get(user=self.applicant).role, MembershipRole.MEMBER)
        self.assertEqual(mail.outbox[-1].to, ["applicant@example.org"])
        self.assertIn("accepted", mail.outbox[-1].body)
        response = self.client.post(url, {"decision": "refuse"}, follow=True)
        self.assertContains(response, "already decided")
        self.assertEqual(Membership.objects.filter(user=self.applicant).count(), 1)

    def test_refusal_carries_the_reason(self):
        self.ask()
        join_request = JoinRequest.objects.get()
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                f"/en/organisations/{self.city.slug}/members/requests/{join_request.pk}/",
                {"decision": "refuse", "reason": "Please use your municipal address."},
            )
        self.assertFalse(Membership.objects.filter(user=self.applicant).exists())
        self.assertIn("Please use your municipal address.", mail.outbox[-1].body)

    def test_only_the_organisations_admins_manage_it(self):
        self.ask()
        join_request = JoinRequest.objects.get()
        members = f"/en/organisations/{self.city.slug}/members/"
        decide = f"{members}requests/{join_request.pk}/"
        for user in (self.editor, self.other_admin, self.applicant):
            self.client.force_login(user)
            self.assertContains(self.client.get(members), "Not allowed", status_code=403)
            self.assertEqual(self.client.post(decide, {"decision": "accept"}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(members).status_code, 302)
        # A crafted request through another organisation's page finds nothing.
        self.client.force_login(self.other_admin)
        crafted = f"/en/organisations/{self.other.slug}/members/{self.editor_membership.pk}/"
        self.assertEqual(self.client.post(crafted, {"role": "admin"}).status_code, 404)
        self.editor_membership.refresh_from_db()
        self.assertEqual(self.editor_membership.role, MembershipRole.EDITOR)
        self.assertEqual(JoinRequest.objects.get().status, JoinRequestStatus.PENDING)

    def test_roles_and_the_last_administrator(self):
        self.client.force_login(self.admin)
        base = f"/en/organisations/{self.city.slug}/members/"
        self.client.post(f"{base}{self.editor_membership.pk}/", {"role": MembershipRole.FOCAL_POINT})
        self.editor_membership.refresh_from_db()
        self.assertEqual(self.editor_membership.role, MembershipRole.FOCAL_POINT)
        own = Membership.objects.get(user=self.admin)
        response = self.client.post(f"{base}{own.pk}/", {"role": MembershipRole.MEMBER}, follow=True)
        self.assertContains(response, "at least one administrator")
        self.client.post(f"{base}{own.pk}/", {"action": "remove"})
        self.assertTrue(Membership.objects.filter(pk=own.pk, role=MembershipRole.ADMIN).exists())
        self.client.post(f"{base}{self.editor_membership.pk}/", {"action": "remove"})
        self.assertFalse(Membership.objects.filter(pk=self.editor_membership.pk).exists())
        self.assertEqual(self.client.post(f"{base}{own.pk}/", {"role": "overlord"}).status_code, 302)
        own.refresh_from_db()
        self.assertEqual(own.role, MembershipRole.ADMIN)

    def test_bad_decisions_and_unlisted_organisations_change_nothing(self):
        self.ask()
        join_request = JoinRequest.objects.get()
        self.client.force_login(self.admin)
        url = f"/en/organisations/{self.city.slug}/members/requests/{join_request.pk}/"
        response = self.client.post(url, {"decision": "maybe"}, follow=True)
        self.assertContains(response, "Choose to accept or refuse the request.")
        self.assertEqual(JoinRequest.objects.get().status, JoinRequestStatus.PENDING)
        missing = f"/en/organisations/{self.city.slug}/members/requests/999999/"
        self.assertEqual(self.client.post(missing, {"decision": "accept"}).status_code, 404)
        pending = make_organisation("Not yet verified", is_verified=False)
        self.client.force_login(self.applicant)
        self.assertEqual(self.client.post(f"/en/organisations/{pending.slug}/join/").status_code, 404)
        self.assertFalse(JoinRequest.objects.filter(organisation=pending).exists())
