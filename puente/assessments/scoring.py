"""Scores of a round: per criterion, per domain and overall, on 0–100; comparisons; radar geometry.

score = (mean maturity level − 1) ÷ 4 × 100, over the answered questions of a criterion. A domain's score is
the mean of its criteria's scores, and the overall score the mean of the domains'. Unanswered criteria have
no score and are left out of the means.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from .models import MAX_LEVEL, MIN_LEVEL, Answer, Competence, Round, RoundStatus

GAP_BELOW = 50
STRENGTH_FROM = 75
PEER_MINIMUM = 5


def level_score(levels: list[int]) -> float | None:
    if not levels:
        return None
    mean = sum(levels) / len(levels)
    return (mean - MIN_LEVEL) / (MAX_LEVEL - MIN_LEVEL) * 100


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


@dataclass
class CriterionResult:
    criterion: object
    questions: int
    answered: int
    score: float | None
    mean_level: float | None
    previous: float | None = None
    peer: float | None = None
    answers: list = field(default_factory=list)
    practices: list = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        return self.score is not None and self.score < GAP_BELOW

    @property
    def is_strength(self) -> bool:
        return self.score is not None and self.score >= STRENGTH_FROM

    @property
    def complete(self) -> bool:
        return self.answered == self.questions

    @property
    def potential_commitments(self) -> list[str]:
        return [a.potential_commitment.strip() for a in self.answers if a.potential_commitment.strip()]

    @property
    def competence_counts(self) -> list[tuple[str, int]]:
        """How many questions the answers put under each level of government, in the scale's order."""
        counts = Counter(a.competence for a in self.answers if a.competence)
        return [(label, counts[value]) for value, label in Competence.choices if counts[value]]


@dataclass
class DomainResult:
    domain: object
    criteria: list[CriterionResult]

    @property
    def score(self) -> float | None:
        return _mean(c.score for c in self.criteria)


@dataclass
class Results:
    round: Round
    domains: list[DomainResult]
    peer_count: int = 0
    previous_round: Round | None = None

    @property
    def criteria(self) -> list[CriterionResult]:
        return [c for d in self.domains for c in d.criteria]

    @property
    def score(self) -> float | None:
        return _mean(d.score for d in self.domains)

    @property
    def gaps(self):
        return sorted((c for c in self.criteria if c.is_gap), key=lambda c: c.score)

    @property
    def strengths(self):
        return sorted((c for c in self.criteria if c.is_strength), key=lambda c: -c.score)

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.criteria)

    @property
    def questions(self) -> int:
        return sum(c.questions for c in self.criteria)

    @property
    def shows_peers(self) -> bool:
        return self.peer_count >= PEER_MINIMUM


def criterion_key(criterion) -> object:
    """What makes criteria comparable across versions: the taxonomy link, else the numbers."""
    return (
        ("t", criterion.taxonomy_id)
        if criterion.taxonomy_id
        else ("n", criterion.domain.number, criterion.number)
    )


def round_criterion_scores(round_: Round) -> dict:
    """{criterion key: score} for a round, from one aggregate query."""
    levels = defaultdict(list)
    for answer in Answer.objects.filter(round=round_, level__isnull=False).select_related(
        "question__criterion__domain"
    ):
        levels[criterion_key(answer.question.criterion)].append(answer.level)
    return {key: level_score(values) for key, values in levels.items()}


def results(round_: Round, *, compare: bool = True) -> Results:
    version = round_.version
    criteria = list(version.criteria().select_related("taxonomy").annotate(n_questions=Count("questions")))
    answers = defaultdict(list)
    for answer in Answer.objects.filter(round=round_).select_related("question"):
        answers[answer.question.criterion_id].append(answer)

    previous_round = None
    previous_scores = {}
    peer_scores: dict = {}
    peer_count = 0
    if compare:
        previous_round = (
            Round.objects.filter(
                organisation=round_.organisation,
                version__framework=version.framework,
                status=RoundStatus.CLOSED,
            )
            .exclude(pk=round_.pk)
            .filter(started_at__lt=round_.started_at)
            .order_by("-year", "-started_at")
            .first()
        )
        if previous_round:
            previous_scores = round_criterion_scores(previous_round)
        peer_count, peer_scores = peer_averages(round_)

    by_domain = defaultdict(list)
    domains = {}
    for criterion in criteria:
        rows = answers.get(criterion.pk, [])
        levels = [a.level for a in rows if a.level is not None]
        score = level_score(levels)
        key = criterion_key(criterion)
        result = CriterionResult(
            criterion=criterion,
            questions=criterion.n_questions,
            answered=len(levels),
            score=score,
            mean_level=(sum(levels) / len(levels)) if levels else None,
            previous=previous_scores.get(key),
            peer=peer_scores.get(key) if peer_count >= PEER_MINIMUM else None,
            answers=rows,
        )
        domains[criterion.domain_id] = criterion.domain
        by_domain[criterion.domain_id].append(result)
    return Results(
        round=round_,
        domains=[DomainResult(domains[d], by_domain[d]) for d in by_domain],
        peer_count=peer_count,
        previous_round=previous_round,
    )


def peer_averages(round_: Round) -> tuple[int, dict]:
    """How many other organisations closed a round on the same version, and their mean score per criterion
    (each organisation's latest closed round counts once). Callers show the means only from 5 peers."""
    latest: dict[int, Round] = {}
    for other in (
        Round.objects.filter(version=round_.version, status=RoundStatus.CLOSED)
        .exclude(organisation=round_.organisation)
        .order_by("organisation_id", "-year", "-started_at")
    ):
        latest.setdefault(other.organisation_id, other)
    if len(latest) < PEER_MINIMUM:
        return len(latest), {}
    collected = defaultdict(list)
    levels = defaultdict(lambda: defaultdict(list))
    for answer in Answer.objects.filter(round__in=latest.values(), level__isnull=False).select_related(
        "question__criterion__domain"
    ):
        levels[answer.round_id][criterion_key(answer.question.criterion)].append(answer.level)
    for per_round in levels.values():
        for key, values in per_round.items():
            collected[key].append(level_score(values))
    return len(latest), {key: _mean(values) for key, values in collected.items()}


def radar(results_: Results, size: int = 360) -> dict:
    """Geometry of a radar chart: one axis per criterion, rings at 25/50/75/100 labelled on the first axis.

    An unanswered criterion has no score, which is not a score of 0: its axis is drawn dashed with a "not
    answered" mark, and the score shape joins only the answered criteria (a dot on each)."""
    criteria = results_.criteria
    n = max(len(criteria), 3)
    centre = size / 2
    radius = size / 2 - 70

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * (value or 0) / 100
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values):
        """Points of the answered values only (``None`` is skipped, not drawn at the centre)."""
        return " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values) if v is not None)
        )

    axes = []
    for i, result in enumerate(criteria):
        x, y = point(i, 100)
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - centre) < 10 else ("start" if lx > centre else "end")
        answered = result.score is not None
        dot = point(i, result.score) if answered else None
        axes.append(
            {
                "x": x,
                "y": y,
                "lx": lx,
                "ly": ly + 4,
                "anchor": anchor,
                "label": str(result.criterion.number),
                "answered": answered,
                "dot_x": dot[0] if dot else None,
                "dot_y": dot[1] if dot else None,
            }
        )
    return {
        "size": size,
        "centre": centre,
        "rings": [polygon([level] * len(criteria)) for level in (25, 50, 75, 100)],
        "ticks": [
            {"value": level, "x": centre + 4, "y": point(0, level)[1] + 4} for level in (0, 25, 50, 75, 100)
        ],
        "axes": axes,
        "any_unanswered": any(not axis["answered"] for axis in axes),
        "score": polygon([c.score for c in criteria]),
        "previous": polygon([c.previous for c in criteria]) if results_.previous_round else None,
        "peer": polygon([c.peer for c in criteria]) if results_.shows_peers else None,
    }
