"""The commitment life cycle through the public surface: draft, sign-off, submit, verify, publish, send back."""

import datetime as dt

from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase

from puente.commitments.models import Commitment, CommitmentStatus
from puente.core.access import SECRETARIAT_GROUP
from puente.core.tests.factories import make_commitment, make_organisation, make_user
from puente.organizations.models import Membership, MembershipRole
from puente.taxonomy.models import CLAObjective


def focal_point(organisation, username):
    user = make_user(username, verified_email=True)
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.FOCAL_POINT)
    return user


def moderator(username="moderator"):
    user = make_user(username, verified_email=True)
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    user.groups.add(group)
    return user


def draft_form(**overrides):
    data = {
        "title": "Plan for newcomers 2026-2028",
        "summary": "A plan for the reception of newcomers.",
        "overview_text": "We commit to open a one-stop shop.\n\nAnd to train staff.",
        "mayor": "Ana Pérez",
        "start_date": "2026-01-01",
        "end_date": "",
        "website": "",
        "language": "en",
        "priorities-TOTAL_FORMS": "2",
        "priorities-INITIAL_FORMS": "0",
        "priorities-MIN_NUM_FORMS": "0",
        "priorities-MAX_NUM_FORMS": "30",
        "priorities-0-text": "Open a one-stop shop for newcomers.",
        "priorities-0-competence": "municipal",
        "priorities-0-indicator": "People served",
        "priorities-0-unit": "people",
        "priorities-0-baseline": "0",
        "priorities-0-target": "500",
        "priorities-1-text": "Recognise foreign diplomas.",
        "priorities-1-competence": "other",
        "priorities-1-indicator": "",
        "priorities-1-unit": "",
        "priorities-1-baseline": "",
        "priorities-1-target": "",
    }
    data.update(overrides)
    return data


class LifeCycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city_a = make_organisation("Ciudad A")
        cls.city_b = make_organisation("Ciudad B")
        cls.focal_a = focal_point(cls.city_a, "focal-a")
        cls.focal_b = focal_point(cls.city_b, "focal-b")
        cls.moderator = moderator()
        cls.objective = CLAObjective.objects.create(slug="socio-economic-inclusion", name_en="Inclusion")

    def create_draft(self, **overrides):
        self.client.force_login(self.focal_a)
        data = draft_form(**overrides)
        data["cla_objectives"] = [self.objective.pk]
        return self.client.post(f"/en/commitments/new/?organisation={self.city_a.pk}", data)

    def test_full_life_cycle(self):
        response = self.create_draft()
        commitment = Commitment.objects.get(title="Plan for newcomers 2026-2028")
        self.assertRedirects(response, commitment.get_absolute_url())
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertFalse(commitment.live)
        self.assertEqual(commitment.local_government, self.city_a)
        self.assertEqual(
            [p.text for p in commitment.priorities.all()][0], "Open a one-stop shop for newcomers."
        )
        self.assertEqual(commitment.priorities.all()[1].competence, "other")
        self.assertEqual(list(commitment.cla_objectives.all()), [self.objective])
        self.assertIn("<p>We commit to open a one-stop shop.</p>", commitment.overview)

        # A draft is private to the local government and the secretariat.
        self.client.logout()
        self.assertEqual(self.client.get(commitment.get_absolute_url()).status_code, 404)
        self.client.force_login(self.focal_b)
        self.assertEqual(self.client.get(commitment.get_absolute_url()).status_code, 404)
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get(commitment.get_absolute_url()).status_code, 200)

        # Submitting before the mayor's sign-off is refused and changes nothing.
        self.client.force_login(self.focal_a)
        response = self.client.post(f"/en/commitments/{commitment.slug}/submit/", follow=True)
        self.assertContains(response, "Record the mayor&#x27;s sign-off before submitting.")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)

        response = self.client.post(
            f"/en/commitments/{commitment.slug}/sign-off/", {"mayor": "Ana Pérez", "signed_on": "2026-02-01"}
        )
        commitment.refresh_from_db()
        self.assertEqual(commitment.signed_off_by_mayor, "Ana Pérez")
        self.assertEqual(commitment.signed_off_on, dt.date(2026, 2, 1))

        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/en/commitments/{commitment.slug}/submit/")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.SUBMITTED)
        self.assertEqual([m.to for m in mail.outbox], [[self.moderator.email]])
        self.assertIn(commitment.get_absolute_url(), mail.outbox[0].body)

        # Submitted: the focal point can no longer edit it.
        self.assertEqual(self.client.get(f"/en/commitments/{commitment.slug}/edit/").status_code, 403)

        # Only the secretariat verifies and publishes.
        self.client.post(f"/en/commitments/{commitment.slug}/verify/")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.SUBMITTED)

        self.client.force_login(self.moderator)
        review = self.client.get("/en/commitments/review/")
        self.assertContains(review, commitment.title)
        response = self.client.post(f"/en/commitments/{commitment.slug}/publish/", follow=True)
        self.assertContains(response, "Verify the commitment before publishing it.")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/en/commitments/{commitment.slug}/verify/")
            self.client.post(f"/en/commitments/{commitment.slug}/publish/")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.PUBLISHED)
        self.assertTrue(commitment.live)
        self.assertEqual(commitment.verified_by, self.moderator)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(all(m.to == [self.focal_a.email] for m in mail.outbox))

        self.client.logout()
        response = self.client.get(commitment.get_absolute_url())
        self.assertContains(response, "Plan for newcomers 2026-2028")
        self.assertContains(response, "Another level of government")
        self.assertContains(response, "No progress report has been published yet.")
        self.assertContains(self.client.get("/en/commitments/"), "Plan for newcomers 2026-2028")

    def test_send_back_needs_a_reason_and_returns_to_draft(self):
        commitment = make_commitment(
            "Submitted one", local_government=self.city_a, live=False, status=CommitmentStatus.SUBMITTED
        )
        self.client.force_login(self.moderator)
        response = self.client.post(
            f"/en/commitments/{commitment.slug}/send-back/", {"reason": ""}, follow=True
        )
        self.assertContains(response, "Say what the local government should change.")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.SUBMITTED)

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                f"/en/commitments/{commitment.slug}/send-back/", {"reason": "Add an end date, please."}
            )
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertEqual(commitment.sent_back_reason, "Add an end date, please.")
        self.assertIn("Add an end date, please.", mail.outbox[-1].body)
        self.client.force_login(self.focal_a)
        self.assertContains(self.client.get(commitment.get_absolute_url()), "Add an end date, please.")
        self.assertEqual(self.client.get(f"/en/commitments/{commitment.slug}/edit/").status_code, 200)

    def test_bad_draft_keeps_what_was_typed(self):
        response = self.create_draft(end_date="2025-01-01", **{"priorities-0-indicator": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The end date is before the start date.")
        self.assertContains(response, "Name the indicator that the baseline and target measure.")
        self.assertContains(response, "Plan for newcomers 2026-2028")
        self.assertContains(response, "Recognise foreign diplomas.")
        self.assertFalse(Commitment.objects.filter(title="Plan for newcomers 2026-2028").exists())

    def test_a_draft_needs_a_priority(self):
        blank = {f"priorities-0-{name}": "" for name in ("text", "indicator", "unit", "baseline", "target")}
        response = self.create_draft(
            **blank, **{"priorities-1-text": "", "priorities-1-competence": "municipal"}
        )
        self.assertContains(response, "Add at least one priority.")
        self.assertFalse(Commitment.objects.exists())

    def test_focal_point_of_city_b_cannot_touch_city_a(self):
        commitment = make_commitment("City A draft", local_government=self.city_a, live=False)
        published = make_commitment("City A published", local_government=self.city_a, priorities=["One"])
        self.client.force_login(self.focal_b)
        # Crafted creation for city A.
        response = self.client.post(f"/en/commitments/new/?organisation={self.city_a.pk}", draft_form())
        self.assertEqual(response.status_code, 403)
        response = self.client.post("/en/commitments/new/", {**draft_form(), "organisation": self.city_a.pk})
        self.assertEqual(response.status_code, 403)
        for path in ("edit/", "sign-off/", "submit/"):
            response = self.client.post(
                f"/en/commitments/{commitment.slug}/{path}", {"mayor": "X", "signed_on": "2026-01-01"}
            )
            self.assertIn(response.status_code, (302, 403), path)
        self.assertEqual(self.client.get(f"/en/commitments/{commitment.slug}/edit/").status_code, 403)
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertEqual(commitment.signed_off_by_mayor, "")
        self.assertEqual(self.client.get(f"/en/commitments/{published.slug}/reports/new/").status_code, 403)
        # Focal points cannot verify, publish or send back.
        for path in ("verify/", "publish/", "send-back/"):
            self.client.post(f"/en/commitments/{commitment.slug}/{path}", {"reason": "x"})
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertEqual(self.client.get("/en/commitments/review/").status_code, 403)

    def test_visitors_are_sent_to_sign_in(self):
        for path in ("/en/commitments/mine/", "/en/commitments/new/", "/en/commitments/review/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertIn("/accounts/login/", response["Location"])

    def test_my_commitments_lists_drafts_of_my_local_government_only(self):
        make_commitment("Mine draft", local_government=self.city_a, live=False)
        make_commitment("Their draft", local_government=self.city_b, live=False)
        self.client.force_login(self.focal_a)
        self.client.get("/en/commitments/mine/")
        with self.assertNumQueries(6):
            response = self.client.get("/en/commitments/mine/")
        self.assertContains(response, "Mine draft")
        self.assertNotContains(response, "Their draft")
        self.assertContains(response, f"/en/commitments/new/?organisation={self.city_a.pk}")

    def test_create_draft_commitment_service(self):
        from puente.commitments.services import create_draft_commitment

        commitment = create_draft_commitment(
            organisation=self.city_a,
            user=self.focal_a,
            title="From an assessment",
            overview="<p>Gap in legal inclusion.</p>",
            priorities=[{"text": "Legal clinic", "competence": "shared"}],
        )
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertEqual(commitment.priorities.get().competence, "shared")
        self.assertEqual(commitment.revisions.count(), 1)
