"""A signed-out POST to an answer form: only an open round's criterion is kept, only its fields, within a size
limit, for a few forms; junk starts no session at all. The restore after signing in again still works."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import TestCase

from puente.core.tests.factories import make_organisation
from puente.organizations.models import MembershipRole

from ..models import Round, RoundStatus
from ..views import STASH, STASH_FORMS, STASH_MAX_CHARS
from .helpers import answer_data, load_bank, member


class SessionStashTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.version = cls.framework.current_version()
        cls.city = make_organisation("Ciudad A", is_verified=True)
        cls.focal = member(cls.city, "focal-a", MembershipRole.FOCAL_POINT)
        cls.criteria = {c.number: c for c in cls.version.criteria()}
        cls.round = Round.objects.create(
            organisation=cls.city, version=cls.version, year=2026, title="Ronda 2026", language="es"
        )

    def url(self, number, round_pk=None):
        return f"/en/assessments/{round_pk or self.round.pk}/criteria/{self.criteria[number].pk}/"

    def post(self, url, data):
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        return response

    def assert_no_session(self):
        self.assertFalse(Session.objects.exists())
        self.assertNotIn(settings.SESSION_COOKIE_NAME, self.client.cookies)

    def stored_session(self):
        return Session.objects.get(session_key=self.client.cookies[settings.SESSION_COOKIE_NAME].value)

    def test_junk_starts_no_session(self):
        junk = {f"field_{i}": "x" * 4000 for i in range(900)}  # 3.6 MB of unknown fields
        self.post(self.url(1), junk)
        self.assert_no_session()
        # Answers to a round, or a criterion, that does not exist; a criterion of another framework version.
        c1 = self.criteria[1]
        self.post(f"/en/assessments/999999/criteria/{c1.pk}/", answer_data(c1, [3, 3, 3, 3]))
        self.post(f"/en/assessments/{self.round.pk}/criteria/999999/", answer_data(c1, [3, 3, 3, 3]))
        self.client.post(f"/en/assessments/{2**64}/criteria/{c1.pk}/", answer_data(c1, [3, 3, 3, 3]))
        # Levels that do not exist, or answers longer than the form accepts.
        question = c1.questions.first()
        self.post(self.url(1), {f"level_{question.pk}": "9" * 1000, f"competence_{question.pk}": "nonsense"})
        self.post(self.url(1), {f"evidence_{question.pk}": "x" * 1_000_000})
        self.assert_no_session()

    def test_a_closed_round_keeps_nothing(self):
        closed = Round.objects.create(
            organisation=self.city, version=self.version, year=2025, title="2025", status=RoundStatus.CLOSED
        )
        self.post(self.url(1, closed.pk), answer_data(self.criteria[1], [3, 3, 3, 3], evidence="Informe"))
        self.assert_no_session()

    def test_only_the_forms_fields_are_kept_within_bounds(self):
        c1 = self.criteria[1]
        data = answer_data(c1, [3, 3, 3, 3], evidence="Lo que escribí")
        self.post(self.url(1), {**data, **{f"junk_{i}": "x" * 4000 for i in range(500)}})
        session = self.stored_session()
        stash = session.get_decoded()[STASH]
        kept = {name: value for name, value in data.items() if value}
        self.assertEqual(stash, {self.url(1): kept})
        self.assertLess(len(session.session_data), 4 * 1024)

        # Too long to keep: a little under the form's limit in every text field of every question.
        long = answer_data(
            c1, [3, 3, 3, 3], evidence="e" * 4900, notes="n" * 4900, potential_commitment="p" * 4900
        )
        response = self.client.post(self.url(1), long, follow=True)
        self.assertContains(response, "too long to keep")
        self.assertEqual(self.stored_session().get_decoded()[STASH], {self.url(1): kept})

        # A few forms at most: the oldest are dropped.
        for number in sorted(self.criteria)[:5]:
            self.post(
                self.url(number),
                answer_data(self.criteria[number], [2] * self.criteria[number].questions.count()),
            )
        session = self.stored_session()
        paths = list(session.get_decoded()[STASH])
        self.assertEqual(paths, [self.url(n) for n in sorted(self.criteria)[5 - STASH_FORMS : 5]])
        self.assertLess(len(session.session_data), STASH_FORMS * STASH_MAX_CHARS)

    def test_answers_are_restored_after_signing_in_again(self):
        c1 = self.criteria[1]
        data = answer_data(c1, [3, 3, 3, 3], evidence="Lo que escribí")
        self.post(self.url(1), {**data, "unexpected": "dropped"})
        self.client.force_login(self.focal)
        response = self.client.get(self.url(1))
        self.assertContains(response, "We kept what you typed")
        self.assertContains(response, "Lo que escribí")
        self.assertEqual(response.content.decode().count("checked"), 4)
        self.assertNotIn(self.url(1), self.client.session.get(STASH, {}))  # restored once
