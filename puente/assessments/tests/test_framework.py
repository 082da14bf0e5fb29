"""The framework is data: the public page, the loader, versioning and freezing, and a second framework
added by staff in the admin without a code change."""

from django.test import TestCase

from puente.core.tests.factories import make_organisation, make_user
from puente.organizations.models import MembershipRole

from ..loading import DATA_DIR, load_framework
from ..models import Answer, Criterion, Framework, FrameworkVersion, Question, Round, RoundStatus
from .helpers import answer_data, load_bank, member


class FrameworkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.version = cls.framework.current_version()
        cls.admin = make_user("staff-admin", is_staff=True, is_superuser=True)
        cls.city = make_organisation("Ciudad Marco")
        cls.focal = member(cls.city, "focal-marco", MembershipRole.FOCAL_POINT)

    def test_question_bank_has_four_questions_per_criterion_in_three_languages(self):
        criteria = list(self.version.criteria())
        self.assertEqual([c.number for c in criteria], list(range(1, 11)))
        self.assertEqual(
            [d.name_en for d in self.version.domains.order_by("number")][2],
            "Promotion and creation of networks",
        )
        for criterion in criteria:
            questions = list(criterion.questions.all())
            self.assertGreaterEqual(len(questions), 4, criterion)
            for question in questions:
                self.assertTrue(question.text_en and question.text_es and question.text_fr, question)
        levels = list(self.version.levels.all())
        self.assertEqual([level.level for level in levels], [1, 2, 3, 4, 5])
        self.assertTrue(
            all(level.description_en and level.description_es and level.description_fr for level in levels)
        )

    def test_public_framework_page_in_each_language(self):
        response = self.client.get("/en/assessments/frameworks/cities-of-solidarity/")
        self.assertContains(response, "9. Referral Systems for People with Specific Needs")
        self.assertContains(response, "1. Not in place")
        for question in Question.objects.filter(criterion__domain__version=self.version):
            self.assertContains(response, question.text_en)
        spanish = self.client.get("/es/assessments/frameworks/cities-of-solidarity/")
        self.assertContains(spanish, "Autoevaluación de Ciudades Solidarias")
        self.assertContains(
            spanish, Question.objects.filter(criterion__domain__version=self.version).first().text_es
        )
        self.assertEqual(self.client.get("/en/assessments/frameworks/nope/").status_code, 404)

    def test_loading_is_idempotent_and_leaves_frozen_versions_alone(self):
        ids = set(Question.objects.values_list("pk", flat=True))
        load_framework(DATA_DIR / "cities-of-solidarity-v1.yaml")
        self.assertEqual(Question.objects.count(), 40)
        Round.objects.create(organisation=self.city, version=self.version, year=2026, title="R")
        ids = set(Question.objects.values_list("pk", flat=True))
        message = load_framework(DATA_DIR / "cities-of-solidarity-v1.yaml")
        self.assertIn("frozen", message)
        self.assertEqual(set(Question.objects.values_list("pk", flat=True)), ids)

    def test_frozen_version_is_protected_in_the_admin_and_copied_to_a_new_version(self):
        old_round = Round.objects.create(
            organisation=self.city,
            version=self.version,
            year=2025,
            title="Ronda vieja",
            status=RoundStatus.CLOSED,
        )
        question = Question.objects.filter(criterion__domain__version=self.version).first()
        Answer.objects.create(round=old_round, question=question, level=4)
        self.client.force_login(self.admin)

        edit = f"/admin/snippets/assessments/question/edit/{question.pk}/"
        response = self.client.post(
            edit,
            {
                "criterion": question.criterion_id,
                "number": 1,
                "text_en": "Changed",
                "text_es": "",
                "text_fr": "",
            },
        )
        self.assertContains(response, "create a new version instead")
        question.refresh_from_db()
        self.assertNotEqual(question.text_en, "Changed")
        response = self.client.post(
            f"/admin/snippets/assessments/criterion/delete/{question.criterion_id}/", follow=True
        )
        self.assertContains(response, "cannot be deleted")
        self.assertTrue(Criterion.objects.filter(pk=question.criterion_id).exists())

        listing = self.client.get("/admin/snippets/assessments/frameworkversion/")
        self.assertContains(listing, f"/admin/assessments/versions/{self.version.pk}/copy/")
        self.assertContains(
            self.client.get(f"/admin/assessments/versions/{self.version.pk}/copy/"), "Create the new version"
        )
        self.client.post(f"/admin/assessments/versions/{self.version.pk}/copy/")
        new = self.framework.current_version()
        self.assertEqual(new.number, 2)
        self.assertFalse(FrameworkVersion.objects.get(pk=self.version.pk).is_current)
        self.assertEqual(Question.objects.filter(criterion__domain__version=new).count(), 40)

        # The new version can be edited; the old one and its round stay as they were.
        new_question = Question.objects.get(criterion__domain__version=new, criterion__number=1, number=1)
        response = self.client.post(
            f"/admin/snippets/assessments/question/edit/{new_question.pk}/",
            {
                "criterion": new_question.criterion_id,
                "number": 1,
                "text_en": "A sharper question?",
                "text_es": "",
                "text_fr": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        new_question.refresh_from_db()
        self.assertEqual(new_question.text_en, "A sharper question?")
        question.refresh_from_db()
        self.assertNotEqual(question.text_en, "A sharper question?")

        self.client.force_login(self.focal)
        self.assertContains(
            self.client.get(f"/en/assessments/{old_round.pk}/"),
            "A newer version of this framework (version 2)",
        )
        self.assertContains(
            self.client.get(f"/en/assessments/{old_round.pk}/results/"), '<td class="num">75</td>', html=True
        )
        self.client.post(
            f"/en/assessments/new/?organisation={self.city.pk}",
            {"framework": self.framework.pk, "title": "Ronda nueva", "year": 2026, "language": "en"},
        )
        self.assertEqual(Round.objects.get(title="Ronda nueva").version, new)
        # Comparable across versions: the new round compares with the old one through the criteria.
        new_round = Round.objects.get(title="Ronda nueva")
        criterion = Criterion.objects.get(domain__version=new, number=question.criterion.number)
        self.client.post(
            f"/en/assessments/{new_round.pk}/criteria/{criterion.pk}/", answer_data(criterion, [5, 5, 5, 5])
        )
        results = self.client.get(f"/en/assessments/{new_round.pk}/results/")
        self.assertContains(results, "Previous round: Ronda vieja (2025)")

    def test_staff_add_a_second_framework_in_the_admin(self):
        self.client.force_login(self.admin)
        post = self.client.post
        post(
            "/admin/snippets/assessments/framework/add/",
            {
                "name_en": "Migration governance index",
                "name_es": "",
                "name_fr": "",
                "slug": "governance-index",
                "description_en": "Six domains of municipal migration governance.",
                "description_es": "",
                "description_fr": "",
            },
        )
        framework = Framework.objects.get(slug="governance-index")
        post(
            "/admin/snippets/assessments/frameworkversion/add/",
            {"framework": framework.pk, "number": 1, "is_current": "on"},
        )
        version = framework.current_version()
        for level in range(1, 6):
            response = post(
                "/admin/snippets/assessments/maturitylevel/add/",
                {
                    "version": version.pk,
                    "level": level,
                    "label_en": f"Stage {level}",
                    "label_es": "",
                    "label_fr": "",
                    "description_en": f"Described stage {level}",
                    "description_es": "",
                    "description_fr": "",
                },
            )
            self.assertEqual(response.status_code, 302)
        post(
            "/admin/snippets/assessments/domain/add/",
            {"version": version.pk, "number": 1, "name_en": "Data", "name_es": "Datos", "name_fr": ""},
        )
        domain = version.domains.get()
        post(
            "/admin/snippets/assessments/criterion/add/",
            {
                "domain": domain.pk,
                "number": 1,
                "name_en": "Migration data",
                "name_es": "",
                "name_fr": "",
                "taxonomy": "",
            },
        )
        criterion = domain.criteria.get()
        for number in (1, 2):
            post(
                "/admin/snippets/assessments/question/add/",
                {
                    "criterion": criterion.pk,
                    "number": number,
                    "text_en": f"Data question {number}?",
                    "text_es": "",
                    "text_fr": "",
                },
            )
        self.assertEqual(criterion.questions.count(), 2)

        self.client.force_login(self.focal)
        page = self.client.get("/en/assessments/frameworks/governance-index/")
        self.assertContains(page, "Data question 2?")
        self.assertContains(page, "Described stage 5")
        self.client.post(
            f"/en/assessments/new/?organisation={self.city.pk}",
            {"framework": framework.pk, "title": "Índice 2026", "year": 2026, "language": "es"},
        )
        round_ = Round.objects.get(title="Índice 2026")
        response = self.client.get(f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/")
        self.assertContains(response, "5. Stage 5")
        self.client.post(
            f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/", answer_data(criterion, [3, 5])
        )
        self.client.post(f"/en/assessments/{round_.pk}/close/")
        results = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(results, "Overall score: <strong>75</strong>", html=False)
        self.assertInHTML(
            '<tr class="table-group"><th scope="row">Data</th><td class="num"><strong>75</strong></td><td></td><td></td></tr>',
            results.content.decode(),
        )


class LoadFrameworksCommandTests(TestCase):
    def test_command_loads_the_bank_once(self):
        import io

        from django.core.management import call_command

        load_bank()
        out = io.StringIO()
        call_command("load_frameworks", stdout=out)
        self.assertIn("cities-of-solidarity v1: 40 questions", out.getvalue())
        self.assertEqual(Question.objects.count(), 40)
