"""Shared set-up for the assessment tests: the real question bank and organisation members."""

from puente.core.tests.factories import make_user
from puente.organizations.models import Membership, MembershipRole
from puente.taxonomy.loading import DATA_DIR as TAXONOMY_DATA
from puente.taxonomy.loading import load_file
from puente.taxonomy.models import CriterionGroup, SolidarityCriterion

from ..loading import DATA_DIR, load_framework
from ..models import Framework


def load_bank() -> Framework:
    """The Cities of Solidarity criteria (taxonomy) and the shipped question bank, version 1."""
    load_file(TAXONOMY_DATA / "criterion_groups.yaml", CriterionGroup)
    load_file(TAXONOMY_DATA / "criteria.yaml", SolidarityCriterion)
    load_framework(DATA_DIR / "cities-of-solidarity-v1.yaml")
    return Framework.objects.get(slug="cities-of-solidarity")


def member(organisation, username, role=MembershipRole.MEMBER):
    user = make_user(username, verified_email=True)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def answer_data(criterion, levels, **fields) -> dict:
    """POST data for the answer form of ``criterion``: one level per question (None leaves it a draft);
    ``fields`` (competence, evidence, notes, potential_commitment) apply to every question."""
    data = {}
    for question, level in zip(criterion.questions.order_by("number"), levels, strict=True):
        data[f"level_{question.pk}"] = "" if level is None else str(level)
        for name in ("competence", "evidence", "notes", "potential_commitment"):
            data[f"{name}_{question.pk}"] = fields.get(name, "")
    return data
