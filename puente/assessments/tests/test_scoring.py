"""Scores through the public surface: hand-computed numbers on the results page, previous rounds, peers."""

from django.test import TestCase

from puente.core.tests.factories import make_organisation
from puente.organizations.models import MembershipRole

from ..models import Answer, Round, RoundStatus
from ..scoring import level_score
from .helpers import answer_data, load_bank, member


def closed_round(organisation, version, levels_by_criterion: dict, year=2025, title="Round"):
    """A closed round with the given levels (criterion number -> one level per question)."""
    round_ = Round.objects.create(
        organisation=organisation, version=version, year=year, title=title, status=RoundStatus.CLOSED
    )
    for criterion in version.criteria():
        for question, level in zip(
            criterion.questions.order_by("number"),
            levels_by_criterion.get(criterion.number, []),
            strict=False,
        ):
            Answer.objects.create(round=round_, question=question, level=level)
    return round_


class LevelScoreTests(TestCase):
    def test_formula(self):
        self.assertIsNone(level_score([]))
        self.assertEqual(level_score([1, 1, 1, 1]), 0)
        self.assertEqual(level_score([5, 5]), 100)
        self.assertEqual(level_score([2, 2, 3, 2]), 31.25)  # mean 2.25 -> 1.25 / 4
        self.assertEqual(level_score([3]), 50)


class ResultsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.framework = load_bank()
        cls.version = cls.framework.current_version()
        cls.city = make_organisation("Ciudad Uno")
        cls.focal = member(cls.city, "focal-uno", MembershipRole.FOCAL_POINT)
        cls.criteria = {c.number: c for c in cls.version.criteria()}

    def setUp(self):
        self.client.force_login(self.focal)

    def start(self, year=2026, title="Autoevaluación 2026"):
        response = self.client.post(
            f"/en/assessments/new/?organisation={self.city.pk}",
            {"framework": self.framework.pk, "title": title, "year": year, "language": "es"},
        )
        round_ = Round.objects.get(title=title)
        self.assertRedirects(response, round_.get_absolute_url())
        return round_

    def answer(self, round_, number, levels, **fields):
        criterion = self.criteria[number]
        response = self.client.post(
            f"/en/assessments/{round_.pk}/criteria/{criterion.pk}/", answer_data(criterion, levels, **fields)
        )
        self.assertRedirects(response, round_.get_absolute_url())

    def test_scores_per_criterion_group_and_overall(self):
        round_ = self.start()
        self.answer(round_, 1, [2, 2, 3, 2])  # 31.25
        self.answer(round_, 2, [5, 5, 5, 5])  # 100 -> group 1 = (31.25 + 100) / 2 = 65.6
        self.answer(round_, 5, [1, 1, 1, 1])  # 0 -> group 2 = 0
        self.answer(round_, 10, [3, 3, 3, None])  # 50 (the draft answer is left out) -> group 3 = 50
        self.client.post(f"/en/assessments/{round_.pk}/close/")
        response = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(response, "(mean maturity level − 1) ÷ 4 × 100")
        rows = response.content.decode()
        self.assertInHTML(
            '<tr><th scope="row">1. Civil-Political Inclusion</th><td class="num">31</td>'
            '<td class="num">4/4</td><td class="num">2.25</td></tr>',
            rows,
        )
        self.assertInHTML(
            '<tr><th scope="row">10. Promotion and Creation of Networks</th><td class="num">50</td>'
            '<td class="num">3/4</td><td class="num">3.00</td></tr>',
            rows,
        )
        # Group scores: 66 (rounded 65.625), 0 and 50; overall (65.625 + 0 + 50) / 3 = 38.5 -> 39.
        self.assertInHTML('<td class="num"><strong>66</strong></td>', rows)
        self.assertInHTML('<td class="num"><strong>0</strong></td>', rows)
        self.assertContains(response, "Overall score: <strong>39</strong> / 100", html=False)
        # Strengths (>= 75) and gaps (< 50), the radar as an accessible image.
        self.assertContains(response, "2. Economic Inclusion — 100")
        self.assertContains(response, "5. Institutional Capacity — 0")
        self.assertContains(response, 'role="img"')
        self.assertContains(response, "1. Civil-Political Inclusion: 31;")

    def test_previous_round_is_compared(self):
        closed_round(self.city, self.version, {1: [1, 1, 1, 1]}, year=2024, title="2024")
        round_ = self.start()
        self.answer(round_, 1, [3, 3, 3, 3])
        response = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(response, "Previous round: 2024 (2024)")
        self.assertInHTML(
            '<tr><th scope="row">1. Civil-Political Inclusion</th><td class="num">50</td>'
            '<td class="num">4/4</td><td class="num">3.00</td><td class="num">0</td></tr>',
            response.content.decode(),
        )

    def test_peer_averages_need_five_other_organisations(self):
        round_ = self.start()
        self.answer(round_, 1, [3, 3, 3, 3])
        for i in range(4):
            closed_round(make_organisation(f"Peer {i}"), self.version, {1: [5, 5, 5, 5]})
        # Another round of an organisation already counted does not make a fifth peer.
        closed_round(
            Round.objects.exclude(organisation=self.city).first().organisation,
            self.version,
            {1: [5, 5, 5, 5]},
            year=2026,
        )
        response = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(response, "Peer averages appear once at least 5 other organisations")
        self.assertNotContains(response, ">Peers</th>")

        closed_round(make_organisation("Peer 5"), self.version, {1: [1, 1, 1, 1]})
        response = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(response, "over 5 other organisations")
        self.assertContains(response, ">Peers</th>")
        # Peers: four at 100 and one at 0 -> 80.
        self.assertInHTML(
            '<tr><th scope="row">1. Civil-Political Inclusion</th><td class="num">50</td>'
            '<td class="num">4/4</td><td class="num">3.00</td><td class="num">80</td></tr>',
            response.content.decode(),
        )
        # Peers' answers and names are never shown.
        self.assertNotContains(response, "Peer 5")

    def test_open_rounds_of_peers_do_not_count(self):
        round_ = self.start()
        for i in range(5):
            other = make_organisation(f"Open peer {i}")
            Round.objects.create(organisation=other, version=self.version, year=2026, title="open")
        response = self.client.get(f"/en/assessments/{round_.pk}/results/")
        self.assertContains(response, "Peer averages appear once")
