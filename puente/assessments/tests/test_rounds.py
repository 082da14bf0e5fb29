"""Running a round through HTTP: who may do what, drafts, closing, publishing, gaps to commitments, reports."""

import io

from django.test import TestCase
from pypdf import PdfReader

from puente.commitments.models import Commitment, CommitmentStatus
from puente.core.tests.factories import make_organisation, make_practice
from puente.organizations.models import MembershipRole

from ..models import Answer, Assignment, Round, RoundStatus
from .helpers import answer_data, load_bank, member


class RoundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.version = cls.framework.current_version()
        cls.city = make_organisation("Ciudad A", is_verified=True)
        cls.other_city = make_organisation("Ciudad B", is_verified=True)
        cls.focal = member(cls.city, "focal-a", MembershipRole.FOCAL_POINT)
        cls.colleague = member(cls.city, "colleague-a")
        cls.second_colleague = member(cls.city, "colleague-a2")
        cls.focal_b = member(cls.other_city, "focal-b", MembershipRole.FOCAL_POINT)
        cls.criteria = {c.number: c for c in cls.version.criteria()}

    def setUp(self):
        self.round = Round.objects.create(
            organisation=self.city, version=self.version, year=2026, title="Ronda 2026", language="es"
        )

    def url(self, suffix=""):
        return f"/en/assessments/{self.round.pk}/{suffix}"

    def answer_url(self, number):
        return self.url(f"criteria/{self.criteria[number].pk}/")

    # --- starting and seeing rounds ------------------------------------------------------------------------

    def test_only_a_focal_point_starts_a_round(self):
        data = {"framework": self.framework.pk, "title": "Nueva", "year": 2027, "language": "fr"}
        self.client.force_login(self.colleague)
        self.assertEqual(
            self.client.post(f"/en/assessments/new/?organisation={self.city.pk}", data).status_code, 403
        )
        self.client.force_login(self.focal_b)
        self.assertEqual(
            self.client.post(f"/en/assessments/new/?organisation={self.city.pk}", data).status_code, 403
        )
        self.assertFalse(Round.objects.filter(title="Nueva").exists())
        self.client.force_login(self.focal)
        response = self.client.post(f"/en/assessments/new/?organisation={self.city.pk}", data)
        created = Round.objects.get(title="Nueva")
        self.assertRedirects(response, created.get_absolute_url())
        self.assertEqual(
            (created.version, created.language, created.started_by), (self.version, "fr", self.focal)
        )

    def test_start_form_keeps_input_on_error(self):
        self.client.force_login(self.focal)
        response = self.client.post(
            f"/en/assessments/new/?organisation={self.city.pk}",
            {"framework": self.framework.pk, "title": "Mi ronda", "year": "1800", "language": "es"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Mi ronda"')
        self.assertContains(response, "greater than or equal to 2000")
        self.assertFalse(Round.objects.filter(title="Mi ronda").exists())

    def test_rounds_are_private_to_the_organisation(self):
        for path in ("", "results/", "report/", f"criteria/{self.criteria[1].pk}/"):
            self.client.logout()
            response = self.client.get(self.url(path))
            self.assertEqual(response.status_code, 302, path)
            self.assertIn("/accounts/login/", response["Location"])
            self.client.force_login(self.focal_b)
            self.assertEqual(self.client.get(self.url(path)).status_code, 404, path)
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.client.force_login(self.focal_b)
        self.assertNotContains(self.client.get("/en/assessments/"), "Ronda 2026")

    def test_round_page_shows_completion_per_criterion(self):
        Answer.objects.create(round=self.round, question=self.criteria[3].questions.first(), level=4)
        self.client.force_login(self.colleague)
        response = self.client.get(self.url())
        self.assertContains(response, '<progress max="4" value="1"', html=False)
        self.assertContains(response, "1 of 4")

    # --- assigning and answering ---------------------------------------------------------------------------

    def test_assigned_colleagues_answer_their_criteria_only(self):
        self.client.force_login(self.focal)
        c1, c2 = self.criteria[1], self.criteria[2]
        response = self.client.post(
            self.url("assign/"),
            {f"assignee_{c1.pk}": self.colleague.pk, f"assignee_{c2.pk}": self.second_colleague.pk},
        )
        self.assertRedirects(response, self.round.get_absolute_url())
        self.assertEqual(Assignment.objects.get(round=self.round, criterion=c1).assignee, self.colleague)

        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(self.answer_url(1)).status_code, 200)
        self.assertEqual(self.client.post(self.answer_url(2), answer_data(c2, [5, 5, 5, 5])).status_code, 403)
        self.assertFalse(Answer.objects.filter(round=self.round, question__criterion=c2).exists())
        self.client.post(
            self.answer_url(1), answer_data(c1, [2, 3, 4, 5], competence="shared", evidence="Acta")
        )
        self.assertEqual(
            sorted(Answer.objects.filter(round=self.round).values_list("level", flat=True)), [2, 3, 4, 5]
        )
        self.assertEqual(Answer.objects.filter(round=self.round).first().answered_by, self.colleague)

    def test_cannot_assign_someone_from_another_organisation(self):
        self.client.force_login(self.focal)
        c1 = self.criteria[1]
        response = self.client.post(self.url("assign/"), {f"assignee_{c1.pk}": self.focal_b.pk}, follow=True)
        self.assertContains(response, "is not a member of Ciudad A")
        self.assertFalse(Assignment.objects.exists())
        self.client.force_login(self.colleague)
        self.assertEqual(
            self.client.post(self.url("assign/"), {f"assignee_{c1.pk}": self.colleague.pk}).status_code, 403
        )

    def test_unknown_assignee_is_refused_and_keeps_the_assignment(self):
        c1 = self.criteria[1]
        Assignment.objects.create(round=self.round, criterion=c1, assignee=self.colleague)
        self.client.force_login(self.focal)
        for bad in ("999999", "not-a-number"):
            response = self.client.post(self.url("assign/"), {f"assignee_{c1.pk}": bad}, follow=True)
            self.assertContains(response, "Choose a colleague from the list.")
            self.assertEqual(Assignment.objects.get(round=self.round, criterion=c1).assignee, self.colleague)

    def test_drafts_are_saved_and_resumed(self):
        self.client.force_login(self.focal)
        c4 = self.criteria[4]
        self.client.post(
            self.answer_url(4), answer_data(c4, [None, None, 3, None], evidence="Informe municipal 2025")
        )
        self.assertEqual(Answer.objects.filter(round=self.round, level__isnull=True).count(), 3)
        response = self.client.get(self.answer_url(4))
        self.assertContains(response, "Informe municipal 2025")
        self.assertContains(response, "checked", count=1)

    def test_level_out_of_range_is_refused_and_input_kept(self):
        self.client.force_login(self.focal)
        c1 = self.criteria[1]
        data = answer_data(c1, [2, 2, 2, 2], notes="Nota importante")
        data[f"level_{c1.questions.first().pk}"] = "7"
        response = self.client.post(self.answer_url(1), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertContains(response, "Nota importante")
        self.assertFalse(Answer.objects.exists())

    def test_answers_from_an_expired_session_are_kept(self):
        c1 = self.criteria[1]
        response = self.client.post(
            self.answer_url(1), answer_data(c1, [3, 3, 3, 3], evidence="Lo que escribí")
        )
        self.assertRedirects(
            response,
            f"/en/accounts/login/?next=/en/assessments/{self.round.pk}/criteria/{c1.pk}/",
            fetch_redirect_response=False,
        )
        self.assertFalse(Answer.objects.exists())
        session = self.client.session
        self.client.force_login(self.focal)
        # Signing in keeps the stash in the session (force_login rotates the key but keeps the data).
        self.assertTrue(self.client.session.get("assessment-stash") or session.get("assessment-stash"))
        response = self.client.get(self.answer_url(1))
        self.assertContains(response, "We kept what you typed")
        self.assertContains(response, "Lo que escribí")
        self.assertEqual(response.content.decode().count("checked"), 4)

    # --- closing, results, publishing -------------------------------------------------------------------------

    def test_close_freezes_the_answers(self):
        self.client.force_login(self.focal)
        c1 = self.criteria[1]
        self.assertContains(self.client.post(self.url("close/"), follow=True), "Answer at least one question")
        self.client.post(self.answer_url(1), answer_data(c1, [1, 1, 1, 1]))
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.post(self.url("close/")).status_code, 403)
        self.client.force_login(self.focal)
        self.assertRedirects(self.client.post(self.url("close/")), self.url("results/"))
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.CLOSED)
        response = self.client.post(self.answer_url(1), answer_data(c1, [5, 5, 5, 5]), follow=True)
        self.assertContains(response, "This round is closed")
        self.assertEqual(set(Answer.objects.values_list("level", flat=True)), {1})

    def test_publishing_the_summary_puts_scores_on_the_public_page(self):
        self.client.force_login(self.focal)
        c1 = self.criteria[1]
        self.client.post(self.answer_url(1), answer_data(c1, [3, 3, 3, 3], notes="Privado: no publicar"))
        response = self.client.post(self.url("publish/"), {"public": "1"}, follow=True)
        self.assertContains(response, "Close the round before publishing")
        self.client.post(self.url("close/"))
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.post(self.url("publish/"), {"public": "1"}).status_code, 403)
        self.client.force_login(self.focal)
        self.client.post(self.url("publish/"), {"public": "1"})
        self.client.logout()
        page = self.client.get(f"/en/organisations/{self.city.slug}/")
        self.assertContains(page, "Ronda 2026 (2026)")
        self.assertInHTML(
            '<tr><th scope="row">1. Civil-Political Inclusion</th><td class="num">50</td></tr>',
            page.content.decode(),
        )
        self.assertNotContains(page, "Privado: no publicar")
        self.client.force_login(self.focal)
        self.client.post(self.url("publish/"), {"public": "0"})
        self.assertNotContains(self.client.get(f"/en/organisations/{self.city.slug}/"), "Ronda 2026")

    def test_a_gap_becomes_a_draft_commitment(self):
        c9 = self.criteria[9]
        practice = make_practice("Ruta de derivación en Quito")
        practice.criteria.add(c9.taxonomy)  # parental relations are written on save
        practice.save()
        own = make_practice("Our own referral practice")
        own.criteria.add(c9.taxonomy)
        own.organisations.add(self.city)
        own.save()
        self.client.force_login(self.focal)
        data = answer_data(c9, [1, 2, 1, 2], competence="shared")
        data[f"potential_commitment_{c9.questions.first().pk}"] = "Crear una ruta de derivación escrita."
        self.client.post(self.answer_url(9), data)
        self.client.post(self.url("close/"))
        results = self.client.get(self.url("results/"))
        self.assertContains(results, "Who already solved this")
        self.assertContains(results, "Ruta de derivación en Quito")
        self.assertNotContains(results, "Our own referral practice")
        self.assertContains(results, "Crear una ruta de derivación escrita.")

        path = self.url(f"criteria/{c9.pk}/commitment/")
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.post(path).status_code, 403)
        self.client.force_login(self.focal)
        response = self.client.post(path)
        commitment = Commitment.objects.get(local_government=self.city)
        self.assertRedirects(
            response, f"/en/commitments/{commitment.slug}/edit/", fetch_redirect_response=False
        )
        self.assertEqual(commitment.status, CommitmentStatus.DRAFT)
        self.assertFalse(commitment.live)
        self.assertEqual([c.pk for c in commitment.criteria.all()], [c9.taxonomy_id])
        self.assertEqual(
            [(p.text, p.competence) for p in commitment.priorities.all()],
            [("Crear una ruta de derivación escrita.", "shared")],
        )
        self.assertIn("Competence analysis", commitment.overview)
        self.assertIn("Shared with another level", commitment.overview)
        self.assertEqual(self.client.get(f"/en/commitments/{commitment.slug}/edit/").status_code, 200)

    # --- reports ---------------------------------------------------------------------------------------------

    def test_report_is_in_the_rounds_language_as_html_and_pdf(self):
        c1 = self.criteria[1]
        Answer.objects.create(round=self.round, question=c1.questions.first(), level=2)
        self.round.status = RoundStatus.CLOSED
        self.round.save()
        self.client.force_login(self.colleague)
        html = self.client.get(self.url("report/"))
        self.assertContains(html, '<html lang="es">', html=False)
        question_es = c1.questions.first().text_es
        self.assertContains(html, question_es)
        self.assertContains(html, "Ronda 2026")

        pdf = self.client.get(self.url("report.pdf"))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        text = " ".join(text.split())
        self.assertIn("Ronda 2026", text)
        self.assertIn("Ciudad A", text)
        self.assertIn(" ".join(question_es.split()[:4]), text)

    # --- query counts ------------------------------------------------------------------------------------------

    def test_query_counts(self):
        for number in (1, 2, 3):
            for question in self.criteria[number].questions.all():
                Answer.objects.create(round=self.round, question=question, level=3)
        Assignment.objects.create(round=self.round, criterion=self.criteria[1], assignee=self.colleague)
        self.client.force_login(self.focal)
        self.client.get(self.url())  # warm the session and the content types
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get("/en/assessments/").status_code, 200)
        with self.assertNumQueries(14):
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        with self.assertNumQueries(12):
            self.assertEqual(self.client.get(self.url("results/")).status_code, 200)
        with self.assertNumQueries(13):
            self.assertEqual(self.client.get(self.answer_url(1)).status_code, 200)
