"""Through HTTP: "Draft a commitment" from a gap twice opens the draft made the first time (no second draft),
the results page links to it, and closing a round asks for confirmation on a page (no JavaScript) first."""

from django.test import TestCase
from django.utils import timezone

from puente.commitments.models import Commitment
from puente.core.tests.factories import make_organisation
from puente.organizations.models import MembershipRole

from ..models import Round, RoundStatus
from .helpers import answer_data, load_bank, member


class GapDraftTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.version = cls.framework.current_version()
        cls.city = make_organisation("Ciudad A", is_verified=True)
        cls.focal = member(cls.city, "focal-a", MembershipRole.FOCAL_POINT)
        cls.colleague = member(cls.city, "colleague-a")
        cls.criteria = {c.number: c for c in cls.version.criteria()}

    def setUp(self):
        self.round = Round.objects.create(
            organisation=self.city, version=self.version, year=2026, title="Ronda 2026", language="es"
        )
        self.client.force_login(self.focal)

    def url(self, suffix=""):
        return f"/en/assessments/{self.round.pk}/{suffix}"

    def answer_gap(self):
        c9 = self.criteria[9]
        self.client.post(self.url(f"criteria/{c9.pk}/"), answer_data(c9, [1, 2, 1, 2], competence="shared"))
        return c9

    def test_closing_asks_for_confirmation_first(self):
        self.answer_gap()
        round_page = self.client.get(self.url())
        self.assertContains(round_page, f'href="{self.url("close/")}"')
        confirm = self.client.get(self.url("close/"))
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "This cannot be undone")
        self.assertContains(confirm, f'<form method="post" action="{self.url("close/")}">')
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.OPEN)  # looking at the question changes nothing
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(self.url("close/")).status_code, 403)
        self.client.force_login(self.focal)
        self.assertRedirects(self.client.post(self.url("close/")), self.url("results/"))
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.CLOSED)
        self.assertRedirects(self.client.get(self.url("close/")), self.url("results/"))

    def test_drafting_twice_opens_the_first_draft(self):
        c9 = self.answer_gap()
        self.client.post(self.url("close/"))
        path = self.url(f"criteria/{c9.pk}/commitment/")
        results = self.client.get(self.url("results/"))
        self.assertContains(results, f'action="{path}"')

        first = self.client.post(path)
        commitment = Commitment.objects.get(local_government=self.city)
        edit = f"/en/commitments/{commitment.slug}/edit/"
        self.assertRedirects(first, edit, fetch_redirect_response=False)
        second = self.client.post(path, follow=True)
        self.assertRedirects(second, edit)
        self.assertContains(second, "drafted from this gap already")
        self.assertEqual(Commitment.objects.filter(local_government=self.city).count(), 1)

        results = self.client.get(self.url("results/"))
        self.assertNotContains(results, f'action="{path}"')
        self.assertContains(results, "Commitment drafted from this gap")
        self.assertContains(results, f'href="{edit}"')
        self.assertContains(results, commitment.title)

        # A deleted draft (deleting is soft) no longer counts: the gap offers drafting again.
        Commitment.objects.filter(pk=commitment.pk).update(deleted_at=timezone.now())
        self.assertContains(self.client.get(self.url("results/")), f'action="{path}"')
