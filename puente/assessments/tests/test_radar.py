"""The radar chart has a scale and shows unanswered criteria as "not answered", never as a score of 0; the
score is the second column of the scores table so that it stays on screen on a phone."""

import re

from django.test import TestCase

from puente.core.tests.factories import make_organisation
from puente.organizations.models import MembershipRole

from .helpers import load_bank, member
from .test_scoring import closed_round


class RadarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        version = load_bank().current_version()
        city = make_organisation("Ciudad Radar")
        cls.focal = member(city, "focal-radar", MembershipRole.FOCAL_POINT)
        # Criteria 1 and 2 answered (31 and 100), the others not.
        cls.round = closed_round(city, version, {1: [2, 2, 3, 2], 2: [5, 5, 5, 5]})

    def page(self, language="en") -> str:
        self.client.force_login(self.focal)
        response = self.client.get(f"/{language}/assessments/{self.round.pk}/results/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_axes_have_a_scale(self):
        html = self.page()
        ticks = re.findall(r'<text class="radar__tick"[^>]*>(\d+)</text>', html)
        self.assertEqual(ticks, ["0", "25", "50", "75", "100"])

    def test_unanswered_criteria_are_marked_not_drawn_at_zero(self):
        html = self.page()
        svg = html[html.index("<svg") : html.index("</svg>")]
        self.assertEqual(svg.count("radar__axis--unanswered"), 8)
        self.assertIn(">3 (not answered)</text>", svg)
        self.assertNotIn(">1 (not answered)", svg)
        # The score shape joins the two answered criteria only, one dot on each.
        points = re.search(r'class="radar__score" points="([^"]+)"', svg).group(1).split()
        self.assertEqual(len(points), 2)
        self.assertEqual(svg.count('class="radar__dot"'), 2)
        self.assertIn("criterion not answered (no score, not zero)", html)

    def test_score_is_the_second_column_and_unanswered_reads_so(self):
        html = self.page()
        self.assertRegex(html, r'<th scope="col">Criterion</th>\s*<th scope="col" class="num">Score</th>')
        self.assertInHTML(
            '<tr><th scope="row">3. Legal Inclusion</th><td class="num"><span class="muted">not answered</span></td>'
            '<td class="num">0/4</td><td class="num">—</td></tr>',
            html,
        )

    def test_spanish(self):
        html = self.page("es")
        self.assertIn('class="radar__tick"', html)
