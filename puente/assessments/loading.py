"""Load a framework version from a reviewable YAML file (``data/*.yaml``). Idempotent.

A version that already has rounds is frozen: the loader leaves it alone and says so.
"""

from pathlib import Path

import yaml
from django.db import transaction

from puente.taxonomy.models import CriterionGroup, SolidarityCriterion

from .models import Criterion, Domain, Framework, FrameworkVersion, MaturityLevel, Question

DATA_DIR = Path(__file__).parent / "data"
LANGS = ("en", "es", "fr")


def _names(spec: dict, fallback=None) -> dict:
    names = {f"name_{lang}": spec.get(f"name_{lang}", "") for lang in LANGS}
    if fallback is not None:
        for lang in LANGS:
            names[f"name_{lang}"] = names[f"name_{lang}"] or getattr(fallback, f"name_{lang}", "")
    return names


@transaction.atomic
def load_framework(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = data["framework"]
    framework, _ = Framework.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            **_names(spec),
            "official_wording": bool(spec.get("official_wording", False)),
            **{
                f"description_{lang}": " ".join(spec.get(f"description_{lang}", "").split()) for lang in LANGS
            },
        },
    )
    version, created = FrameworkVersion.objects.get_or_create(
        framework=framework, number=data["version"], defaults={"is_current": True}
    )
    if not created and version.is_frozen:
        return f"{framework.slug} v{version.number}: frozen (rounds exist), left unchanged"
    version.levels.all().delete()
    version.domains.all().delete()
    for level in data["scale"]:
        MaturityLevel.objects.create(version=version, **level)
    questions = 0
    for d_number, domain_spec in enumerate(data["domains"], start=1):
        group = CriterionGroup.objects.filter(slug=domain_spec.get("taxonomy")).first()
        domain = Domain.objects.create(version=version, number=d_number, **_names(domain_spec, group))
        for criterion_spec in domain_spec["criteria"]:
            taxonomy = SolidarityCriterion.objects.filter(slug=criterion_spec.get("taxonomy")).first()
            number = criterion_spec.get("number") or (taxonomy.number if taxonomy else 0)
            criterion = Criterion.objects.create(
                domain=domain, number=number, taxonomy=taxonomy, **_names(criterion_spec, taxonomy)
            )
            for q_number, question in enumerate(criterion_spec["questions"], start=1):
                Question.objects.create(
                    criterion=criterion,
                    number=q_number,
                    **{f"text_{lang}": " ".join(question.get(lang, "").split()) for lang in LANGS},
                )
                questions += 1
    return f"{framework.slug} v{version.number}: {questions} questions"


def load_all() -> list[str]:
    return [
        load_framework(path) for path in sorted(DATA_DIR.glob("*.yaml")) if not path.name.startswith("demo")
    ]
