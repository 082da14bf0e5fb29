"""Demo assessment content: the Cities of Solidarity question bank and one closed round of the fictional demo
organisation (illustrative scores). Idempotent; removes rounds earlier demo versions invented for real
organisations (``withdrawn`` in ``data/demo_round.yaml``)."""

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from puente.organizations.models import Organisation

from .loading import DATA_DIR, load_all
from .models import Answer, Competence, Framework, Round, RoundStatus


@transaction.atomic
def load() -> list[str]:
    lines = [f"Assessment framework: {line}" for line in load_all()]
    data = yaml.safe_load((Path(DATA_DIR) / "demo_round.yaml").read_text(encoding="utf-8"))
    organisation = Organisation.objects.get(slug=data["organisation"])
    user = get_user_model().objects.filter(username=data["focal_point"]).first()
    version = Framework.objects.get(slug=data["framework"]).current_version()
    round_, created = Round.objects.get_or_create(
        organisation=organisation,
        version=version,
        title=data["title"],
        defaults={
            "year": data["year"],
            "language": data["language"],
            "started_by": user,
            "status": RoundStatus.CLOSED,
            "closed_at": timezone.now(),
            "summary_public": data["summary_public"],
        },
    )
    if created:
        commitments = data.get("potential_commitments", {})
        for criterion in version.criteria().prefetch_related("questions"):
            levels = data["levels"][criterion.number]
            for question, level in zip(criterion.questions.all(), levels, strict=True):
                Answer.objects.create(
                    round=round_,
                    question=question,
                    level=level,
                    competence=Competence.SHARED if level <= 2 else Competence.MUNICIPAL,
                    answered_by=user,
                    potential_commitment=commitments.get(criterion.number, "")
                    if question.number == 1
                    else "",
                )
    lines.append(f"Assessment rounds: {'1 created' if created else '0 created'}")
    for row in data.get("withdrawn") or []:
        removed, _counts = Round.objects.filter(
            organisation__slug=row["organisation"], title=row["title"]
        ).delete()
        if removed:
            lines.append(f"Withdrawn demo round of a real organisation removed: {row['title']}")
    return lines
