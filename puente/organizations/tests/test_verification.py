"""Powers that speak for a government wait for the secretariat's verification of the organisation: a focal point
of an organisation registered a minute ago cannot draft or submit commitments, report progress or start
self-assessments; they are told why, and the buttons are not offered. Once verified, they can."""

import datetime as dt

from django.test import TestCase

from puente.assessments.models import Round
from puente.assessments.tests.helpers import load_bank
from puente.commitments.models import Commitment, CommitmentStatus
from puente.commitments.tests.test_lifecycle import draft_form
from puente.core.tests.factories import make_commitment, make_country, make_organisation, make_user
from puente.organizations.models import Membership, MembershipRole, Organisation, OrganisationType

AWAITING = "Awaiting verification"
WHY = "is waiting for the secretariat to verify it"


class VerificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.user = make_user("registrant", verified_email=True)

    def register(self) -> Organisation:
        self.client.force_login(self.user)
        response = self.client.post(
            "/en/organisations/register/",
            {
                "name": "Municipalidad de Comas",
                "kind": OrganisationType.LOCAL_GOVERNMENT,
                "country": make_country().pk,
            },
        )
        organisation = Organisation.objects.get(name="Municipalidad de Comas")
        self.assertRedirects(response, organisation.get_absolute_url())
        self.assertFalse(organisation.is_verified)
        return organisation

    def start_round(self, organisation):
        return self.client.post(
            f"/en/assessments/new/?organisation={organisation.pk}",
            {"framework": self.framework.pk, "title": "Primera ronda", "year": 2026, "language": "es"},
        )

    def test_a_new_organisation_waits_then_acts(self):
        organisation = self.register()
        page = self.client.get(organisation.get_absolute_url())
        self.assertContains(page, AWAITING)

        # Drafting a commitment: no button, and the form answers with the reason (not a bare 403, not a 500).
        mine = self.client.get("/en/commitments/mine/")
        self.assertNotContains(mine, f"/en/commitments/new/?organisation={organisation.pk}")
        self.assertContains(mine, "awaiting verification")
        create_url = f"/en/commitments/new/?organisation={organisation.pk}"
        for response in (self.client.get(create_url), self.client.post(create_url, draft_form())):
            self.assertContains(response, AWAITING, status_code=403)
            self.assertContains(response, "Municipalidad de Comas", status_code=403)
        self.assertFalse(Commitment.objects.exists())

        # Starting a self-assessment: the same.
        index = self.client.get("/en/assessments/")
        self.assertNotContains(index, f"/en/assessments/new/?organisation={organisation.pk}")
        self.assertContains(index, "awaiting verification")
        self.assertContains(
            self.client.get(f"/en/assessments/new/?organisation={organisation.pk}"), AWAITING, status_code=403
        )
        self.assertContains(self.start_round(organisation), AWAITING, status_code=403)
        self.assertFalse(Round.objects.exists())

        # The secretariat verifies it: now the focal point acts for it.
        Organisation.objects.filter(pk=organisation.pk).update(is_verified=True)
        self.assertNotContains(self.client.get(organisation.get_absolute_url()), AWAITING)
        self.assertContains(self.client.get("/en/commitments/mine/"), create_url)
        response = self.client.post(create_url, draft_form())
        commitment = Commitment.objects.get()
        self.assertRedirects(response, commitment.get_absolute_url())
        self.assertEqual(commitment.local_government, organisation)
        self.assertContains(
            self.client.get("/en/assessments/"), f"/en/assessments/new/?organisation={organisation.pk}"
        )
        response = self.start_round(organisation)
        self.assertRedirects(response, Round.objects.get().get_absolute_url())

    def test_existing_records_of_an_unverified_organisation(self):
        city = make_organisation("Ciudad sin verificar", is_verified=False)
        Membership.objects.create(user=self.user, organisation=city, role=MembershipRole.FOCAL_POINT)
        draft = make_commitment("Borrador", local_government=city, live=False, priorities=["Una prioridad"])
        published = make_commitment("Publicado", local_government=city, priorities=["Otra prioridad"])
        round_ = Round.objects.create(
            organisation=city, version=self.framework.current_version(), year=2026, title="Ronda"
        )
        self.client.force_login(self.user)

        # The draft's page offers no edit, sign-off or submit, and says why.
        page = self.client.get(draft.get_absolute_url())
        self.assertContains(page, "awaiting verification")
        self.assertNotContains(page, f"/en/commitments/{draft.slug}/edit/")
        self.assertNotContains(page, f"/en/commitments/{draft.slug}/submit/")
        self.assertContains(self.client.get(f"/en/commitments/{draft.slug}/edit/"), AWAITING, status_code=403)
        response = self.client.post(f"/en/commitments/{draft.slug}/edit/", draft_form())
        self.assertContains(response, AWAITING, status_code=403)
        for action, data in (("sign-off", {"mayor": "Ana", "signed_on": "2026-01-01"}), ("submit", {})):
            response = self.client.post(f"/en/commitments/{draft.slug}/{action}/", data, follow=True)
            self.assertContains(response, WHY)
        draft.refresh_from_db()
        self.assertEqual(
            (draft.title, draft.signed_off_by_mayor, draft.status), ("Borrador", "", CommitmentStatus.DRAFT)
        )

        # Progress reports on its published commitment: no button, the reason instead.
        self.assertNotContains(self.client.get(published.get_absolute_url()), "/reports/new/")
        response = self.client.get(f"/en/commitments/{published.slug}/reports/new/")
        self.assertContains(response, AWAITING, status_code=403)
        self.assertFalse(published.reports.exists())

        # A draft commitment from an assessment gap: refused with the reason.
        criterion = round_.version.criteria().first()
        response = self.client.post(
            f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/commitment/", follow=True
        )
        self.assertContains(response, WHY)
        self.assertEqual(Commitment.objects.count(), 2)

        # Verified: the same focal point edits and reports.
        Organisation.objects.filter(pk=city.pk).update(is_verified=True)
        self.assertContains(self.client.get(draft.get_absolute_url()), f"/en/commitments/{draft.slug}/edit/")
        self.assertEqual(self.client.get(f"/en/commitments/{draft.slug}/edit/").status_code, 200)
        response = self.client.post(
            f"/en/commitments/{draft.slug}/sign-off/",
            {"mayor": "Ana", "signed_on": dt.date.today().isoformat()},
        )
        draft.refresh_from_db()
        self.assertEqual(draft.signed_off_by_mayor, "Ana")
        self.assertContains(self.client.get(published.get_absolute_url()), "/reports/new/")
        self.assertEqual(self.client.get(f"/en/commitments/{published.slug}/reports/new/").status_code, 200)

    def test_people_without_a_role_get_the_plain_refusal(self):
        city = make_organisation("Otra ciudad", is_verified=False)
        self.client.force_login(make_user("stranger"))
        response = self.client.get(f"/en/commitments/new/?organisation={city.pk}")
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, "Otra ciudad", status_code=403)
