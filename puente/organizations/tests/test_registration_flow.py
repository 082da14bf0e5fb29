"""Registering an organisation end to end, through HTTP: the description is a working text box, the registrant
sees the organisation "awaiting verification" on their profile, can already name it in a contribution, and that
contribution cannot be approved until the secretariat verifies the organisation."""

import uuid

from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from wagtail.models import TaskState

from puente.contributions.models import Contribution, ContributionStatus
from puente.contributions.services import MODERATORS
from puente.core.tests.factories import make_country, make_user
from puente.organizations.models import Organisation, OrganisationType
from puente.practices.models import Practice


class RegistrationFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = make_country()
        cls.user = make_user("registrant", verified_email=True)
        cls.moderator = make_user("moderator", is_staff=True)
        cls.moderator.groups.add(Group.objects.get(name=MODERATORS))

    def register(self) -> Organisation:
        self.client.force_login(self.user)
        self.client.post(
            "/en/organisations/register/",
            {
                "name": "Municipalidad de Comas",
                "kind": OrganisationType.LOCAL_GOVERNMENT,
                "country": self.country.pk,
                "description": "We welcome newcomers.\n\nSecond <b>paragraph</b>.",
            },
        )
        return Organisation.objects.get(name="Municipalidad de Comas")

    def test_description_is_a_text_box_and_is_saved_as_paragraphs(self):
        self.client.force_login(self.user)
        page = self.client.get("/en/organisations/register/")
        self.assertContains(page, '<textarea name="description"')
        organisation = self.register()
        self.assertEqual(
            organisation.description,
            "<p>We welcome newcomers.</p><p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>",
        )

    def test_registrant_sees_it_awaiting_verification_on_their_profile_only(self):
        organisation = self.register()
        profile_url = reverse("accounts:profile", args=[self.user.username])
        own = self.client.get(profile_url)
        self.assertContains(own, "Municipalidad de Comas")
        self.assertContains(own, "awaiting verification")
        self.assertContains(own, organisation.get_absolute_url())
        organisation.is_verified = True
        organisation.save()
        self.assertNotContains(self.client.get(profile_url), "awaiting verification")

    def test_unverified_organisation_can_be_chosen_and_its_contribution_waits(self):
        organisation = self.register()
        form = self.client.get("/en/contribute/practice/")
        self.assertContains(form, "Municipalidad de Comas (awaiting verification)")
        response = self.client.post(
            "/en/contribute/practice/",
            {
                "key": str(uuid.uuid4()),
                "title": "Help desk for newcomers",
                "summary": "A desk in the town hall.",
                "body": "It opened in 2021.",
                "language": "en",
                "organisations": [organisation.pk],
                "action": "submit",
            },
        )
        self.assertRedirects(response, "/en/contribute/mine/")
        practice = Practice.objects.get(title="Help desk for newcomers")
        self.assertEqual(list(practice.organisations.all()), [organisation])
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.SUBMITTED)

        task_state = TaskState.objects.get(
            workflow_state=practice.current_workflow_state, status=TaskState.STATUS_IN_PROGRESS
        )
        approve = reverse(
            Practice.snippet_viewset.get_url_name("workflow_action"),
            args=[practice.pk, "approve", task_state.pk],
        )
        self.client.force_login(self.moderator)
        edit = self.client.get(reverse(Practice.snippet_viewset.get_url_name("edit"), args=[practice.pk]))
        self.assertNotContains(edit, "Approve")
        self.client.post(approve, {"comment": ""})
        practice.refresh_from_db()
        self.assertFalse(practice.live)

        organisation.is_verified = True
        organisation.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(approve, {"comment": ""})
        practice.refresh_from_db()
        self.assertTrue(practice.live)
        self.assertEqual(Contribution.objects.get().status, ContributionStatus.PUBLISHED)

    def test_others_do_not_see_unverified_memberships(self):
        from puente.accounts.models import Profile

        organisation = self.register()
        Profile.objects.create(user=self.user, is_listed=True)
        self.client = self.client_class()
        self.client.force_login(make_user("other"))
        response = self.client.get(reverse("accounts:profile", args=[self.user.username]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, organisation.name)
        self.assertNotContains(response, "awaiting verification")
