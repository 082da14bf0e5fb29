"""Load the reference vocabularies from the reviewable YAML files in ``puente/taxonomy/data/``.

Each file is a YAML list of mappings whose keys are model field names. Rows are matched on ``slug`` and
created or updated (an upsert); rows that already hold the same values are not written again, so loading
twice changes nothing. ``criteria.yaml`` names its criterion group by the group's slug (``group: ...``).

Used by ``manage.py load_taxonomies`` (production) and ``manage.py load_demo`` (demo).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models

from .models import (
    SDG,
    CLAObjective,
    Country,
    CriterionGroup,
    GCMObjective,
    GCRObjective,
    GovernancePillar,
    SolidarityCriterion,
    TargetGroup,
    Topic,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# In load order: criterion groups come before the criteria that point to them.
REFERENCE_FILES: list[tuple[str, type[models.Model]]] = [
    ("topics.yaml", Topic),
    ("gcm_objectives.yaml", GCMObjective),
    ("gcr_objectives.yaml", GCRObjective),
    ("sdgs.yaml", SDG),
    ("cla_objectives.yaml", CLAObjective),
    ("criterion_groups.yaml", CriterionGroup),
    ("criteria.yaml", SolidarityCriterion),
    ("pillars.yaml", GovernancePillar),
    ("target_groups.yaml", TargetGroup),
    ("countries.yaml", Country),
]


class DataError(Exception):
    """A data file is missing, malformed or points to something that does not exist."""


@dataclass
class LoadStats:
    """What one file did to the database."""

    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_file: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        if self.missing_file:
            return f"{self.label}: file missing, skipped"
        return f"{self.total} {self.label} ({self.created} new, {self.updated} updated, {self.unchanged} unchanged)"


class _NoProgress:
    def update(self, n=1):
        pass

    def set_description(self, desc=None, refresh=True):
        pass


def read_yaml_list(path: Path) -> list[dict]:
    """The rows of a data file: a YAML list of mappings (an empty file is an empty list)."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise DataError(f"{path}: expected a list of mappings")
    return data


def count_reference_records(data_dir: Path = DATA_DIR) -> int:
    """How many rows the reference files hold (for a progress bar's total)."""
    return sum(
        len(read_yaml_list(data_dir / name)) for name, _model in REFERENCE_FILES if (data_dir / name).exists()
    )


def _field_values(model: type[models.Model], row: dict, path: Path, index: int) -> dict:
    """Convert one YAML row into model field values (foreign keys resolved by slug)."""
    fields = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
    unknown = set(row) - set(fields)
    if unknown:
        raise DataError(f"{path.name} row {index + 1}: unknown field(s) {', '.join(sorted(unknown))}")
    if not row.get("slug"):
        raise DataError(f"{path.name} row {index + 1}: every row needs a slug")
    values = {}
    for name, raw in row.items():
        field = fields[name]
        if field.is_relation:
            target = field.related_model.objects.filter(slug=raw).first()
            if target is None:
                raise DataError(f"{path.name} row {index + 1} ({row['slug']}): no {name} with slug {raw!r}")
            values[name] = target
        else:
            if raw is None and not field.null:
                raw = "" if isinstance(field, models.CharField | models.TextField) else raw
            try:
                values[name] = field.to_python(raw)
            except ValidationError as exc:
                raise DataError(
                    f"{path.name} row {index + 1} ({row['slug']}): {name}: {exc.messages[0]}"
                ) from exc
    return values


def _differs(obj: models.Model, values: dict) -> bool:
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            if getattr(obj, field.attname) != value.pk:
                return True
        elif getattr(obj, name) != value:
            return True
    return False


def load_file(path: Path, model: type[models.Model], progress=None) -> LoadStats:
    """Upsert the rows of one file by slug; returns what changed."""
    progress = progress or _NoProgress()
    stats = LoadStats(str(model._meta.verbose_name_plural))
    if not path.exists():
        stats.missing_file = True
        return stats
    rows = read_yaml_list(path)
    existing = {obj.slug: obj for obj in model.objects.all()}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        values = _field_values(model, row, path, index)
        slug = values["slug"]
        if slug in seen:
            raise DataError(f"{path.name}: slug {slug!r} appears twice")
        seen.add(slug)
        obj = existing.get(slug)
        if obj is None:
            obj = model(**values)
            _clean(obj, path, slug)
            obj.save()
            stats.created += 1
        elif _differs(obj, values):
            for name, value in values.items():
                setattr(obj, name, value)
            _clean(obj, path, slug)
            obj.save()
            stats.updated += 1
        else:
            stats.unchanged += 1
        progress.update(1)
    return stats


def _clean(obj: models.Model, path: Path, slug: str) -> None:
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise DataError(f"{path.name} ({slug}): {exc}") from exc


def load_reference_data(progress=None, data_dir: Path = DATA_DIR) -> list[LoadStats]:
    """Load every reference file in order. ``progress`` is an optional tqdm-like object (``update(n)``).

    Missing files are reported in the returned stats and skipped; malformed rows raise ``DataError``.
    Call it inside a transaction if a partial load must not be kept.
    """
    progress = progress or _NoProgress()
    results = []
    for name, model in REFERENCE_FILES:
        progress.set_description(f"Reference data: {name}")
        results.append(load_file(data_dir / name, model, progress))
    return results
