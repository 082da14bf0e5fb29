"""Load the demo content from the YAML files next to this module (``puente/core/demo/*.yaml``).

Everything is an upsert: records are matched by slug (Wagtail pages by slug under their parent) and only
written when the data differs from what is stored, so a second run changes nothing: no new rows, no new
revisions. Child rows (priorities, impacts, agenda items, selection criteria, objectives...) are replaced
as a whole when they change. Moderated records (practices, commitments, resources) and pages are saved
as a revision and published.

YAML keys are model field names. Foreign keys and many-to-many values name their targets by slug (by title
for Wagtail documents, which ``documents.yaml`` loads from files next to it), or by number for numbered
vocabularies (GCM objectives, SDGs, criteria, pillars). A many-to-many relation whose own model has a
``sort_order`` (project partners) keeps the YAML's order. A reverse child relation (``priorities``,
``agenda_items``...) is a list of rows: mappings of field names, or plain strings for child models whose
only content is ``text``. ``listing_rank`` is explained in ``practices.yaml``.

Reloading puts edited demo records back to the values in the files (with a new revision); records that
are no longer in the files are left alone. Reading ``../shared`` is never needed: the YAML files are the
demo content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from modelcluster.models import ClusterableModel
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from puente.commitments.models import Commitment
from puente.core.models import HomePage
from puente.events.models import Meeting
from puente.groups.models import WorkingGroup
from puente.organizations.models import Organisation
from puente.practices.models import Practice
from puente.programmes.models import Project
from puente.resources.models import Resource

DEMO_DIR = Path(__file__).resolve().parent

# Keys in the YAML files that are not model fields.
LISTING_RANK = "listing_rank"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class DemoDataError(Exception):
    """A demo file is malformed or points to something that does not exist."""


class _NoProgress:
    def update(self, n=1):
        pass

    def set_description(self, desc=None, refresh=True):
        pass


@dataclass
class DemoReport:
    """What a run did: per kind of record, how many were created, updated or left unchanged."""

    changes: dict[str, Counter] = field(default_factory=dict)
    details: Counter = field(default_factory=Counter)
    admin_created: bool = False

    def count(self, kind: str, outcome: str) -> None:
        self.changes.setdefault(kind, Counter())[outcome] += 1

    def total(self, kind: str) -> int:
        return sum(self.changes.get(kind, Counter()).values())

    def outcome_totals(self) -> Counter:
        totals: Counter = Counter()
        for counter in self.changes.values():
            totals.update(counter)
        return totals


def read_demo_file(name: str, demo_dir: Path = DEMO_DIR):
    path = demo_dir / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise DemoDataError(f"missing demo file {path}") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{path}: not valid YAML: {exc}") from exc


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


class DemoLoader:
    """Loads every demo file in dependency order. Use inside ``transaction.atomic()``."""

    def __init__(self, progress=None, demo_dir: Path = DEMO_DIR):
        self.progress = progress or _NoProgress()
        self.demo_dir = demo_dir
        self.report = DemoReport()
        self.now = timezone.now()
        self._lookups: dict[type[models.Model], dict] = {}
        self.files = {
            "documents": self._list("documents.yaml"),
            "organisations": self._list("organisations.yaml"),
            "practices": self._list("practices.yaml"),
            "commitments": self._list("commitments.yaml"),
            "programmes": self._list("programmes.yaml"),
            "groups": self._list("groups.yaml"),
            "meetings": self._list("meetings.yaml"),
            "resources": self._list("resources.yaml"),
        }
        pages = read_demo_file("pages.yaml", demo_dir) or {}
        if not isinstance(pages, dict) or "home" not in pages:
            raise DemoDataError("pages.yaml: expected a mapping with a `home` page")
        self.pages = pages

    # --- files and sizes ------------------------------------------------------------------------------

    def _list(self, name: str) -> list[dict]:
        data = read_demo_file(name, self.demo_dir)
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise DemoDataError(f"{name}: expected a list of mappings")
        return data

    def size(self) -> int:
        """How many progress steps ``run()`` takes (for a progress bar's total)."""

        def count_pages(spec):
            return 1 + sum(count_pages(child) for child in spec.get("children", []))

        records = sum(len(rows) for rows in self.files.values())
        projects = sum(len(p.get("projects", [])) for p in self.files["programmes"])
        return records + projects + count_pages(self.pages["home"]) + 2  # + locales, admin account

    # --- the run --------------------------------------------------------------------------------------

    def run(self) -> DemoReport:
        self.step("Locales")
        self.ensure_locales()
        self.progress.update(1)

        self.step("Documents")
        for row in self.files["documents"]:
            self.upsert_document(row)

        self.step("Organisations")
        for row in self.files["organisations"]:
            self.upsert("organisations", Organisation, row)

        self.step("Practices")
        for row in self.files["practices"]:
            self.upsert("practices", Practice, row, moderated=True)

        self.step("Commitments")
        for row in self.files["commitments"]:
            self.upsert("commitments", Commitment, row, moderated=True)

        self.step("Pages")
        home = self.ensure_home()

        self.step("Programmes")
        for row in self.files["programmes"]:
            row = dict(row)
            projects = row.pop("projects", [])
            programme = self.upsert_page("programmes", home, {"type": "programmes.ProgrammePage", **row})
            for project in projects:
                self.upsert("projects", Project, {**project, "programme": programme})

        self.step("Working groups")
        for row in self.files["groups"]:
            self.upsert("working groups", WorkingGroup, row)

        self.step("Meetings")
        for row in self.files["meetings"]:
            self.upsert("meetings", Meeting, row)

        self.step("Resources")
        for row in self.files["resources"]:
            self.upsert("resources", Resource, row, moderated=True)

        self.step("Demo admin account")
        self.report.admin_created = self.ensure_admin()
        self.progress.update(1)
        return self.report

    def step(self, name: str) -> None:
        self.progress.set_description(f"Demo: {name}")

    # --- resolving YAML rows into field values --------------------------------------------------------

    def lookup(self, model: type[models.Model], raw, where: str):
        """The ``model`` instance a YAML value names: by slug, or by number for numbered vocabularies."""
        if isinstance(raw, models.Model):
            return raw
        index = self._index(model)
        key = ("number", raw) if isinstance(raw, int) and not isinstance(raw, bool) else ("slug", raw)
        try:
            return index[key]
        except KeyError:
            raise DemoDataError(
                f"{where}: no {model._meta.verbose_name} with {key[0]} {raw!r}"
                " (is it in the reference data / the demo files?)"
            ) from None

    def _index(self, model: type[models.Model]) -> dict:
        index = self._lookups.get(model)
        if index is None:
            index = {}
            fields = {f.name for f in model._meta.concrete_fields}
            natural = "slug" if "slug" in fields else "title"
            for obj in model.objects.all():
                index[("slug", getattr(obj, natural))] = obj
                if "number" in fields:
                    index[("number", obj.number)] = obj
            self._lookups[model] = index
        return index

    def remember(self, obj: models.Model, key: str | None = None) -> None:
        """Make a just-saved record available to later lookups by slug (or ``key``)."""
        index = self._lookups.get(type(obj))
        if index is not None:
            index[("slug", key or obj.slug)] = obj

    def resolve(self, model: type[models.Model], data: dict, where: str):
        """Split a YAML mapping into (field values, many-to-many targets, child rows)."""
        values, m2m, children = {}, {}, {}
        for key, raw in data.items():
            try:
                model_field = model._meta.get_field(key)
            except FieldDoesNotExist:
                raise DemoDataError(f"{where}: {model.__name__} has no field {key!r}") from None
            if model_field.many_to_many:
                if not isinstance(raw, list):
                    raise DemoDataError(f"{where}: {key} must be a list")
                m2m[key] = [self.lookup(model_field.related_model, item, f"{where}: {key}") for item in raw]
            elif model_field.one_to_many:  # a child relation (ParentalKey pointing here)
                child_model = model_field.related_model
                rows = []
                for i, row in enumerate(raw or []):
                    if isinstance(row, str):
                        row = {"text": row}
                    child_values, child_m2m, child_children = self.resolve(
                        child_model, row, f"{where}: {key}[{i + 1}]"
                    )
                    if child_m2m or child_children:
                        raise DemoDataError(f"{where}: {key}: nested relations are not supported")
                    rows.append(child_values)
                children[key] = (child_model, rows)
            elif model_field.is_relation:
                values[key] = (
                    None if raw is None else self.lookup(model_field.related_model, raw, f"{where}: {key}")
                )
            else:
                values[key] = self.to_python(model_field, raw, where)
        return values, m2m, children

    @staticmethod
    def to_python(model_field, raw, where: str):
        if (
            raw is None
            and not model_field.null
            and isinstance(model_field, models.CharField | models.TextField)
        ):
            raw = ""
        if isinstance(raw, float) and isinstance(model_field, models.DecimalField):
            raise DemoDataError(f"{where}: {model_field.name}: write decimals as quoted strings, not {raw!r}")
        try:
            return model_field.to_python(raw)
        except ValidationError as exc:
            raise DemoDataError(f"{where}: {model_field.name}: {'; '.join(exc.messages)}") from exc

    # --- comparing stored records with the YAML -------------------------------------------------------

    @staticmethod
    def _child_matches(child_model, child, row: dict) -> bool:
        """Does a stored child row hold the YAML's values? Fields the YAML does not give are left alone
        (other apps' demo data or users may have set them)."""
        for name, value in row.items():
            model_field = child_model._meta.get_field(name)
            if getattr(child, model_field.attname) != _pk(value):
                return False
        return True

    def is_current(self, obj: models.Model, values: dict, m2m: dict, children: dict) -> bool:
        """Does the stored ``obj`` already hold exactly these values, tags and child rows?"""
        for name, value in values.items():
            model_field = obj._meta.get_field(name)
            stored = getattr(obj, model_field.attname)
            if stored != _pk(value):
                return False
        for name, targets in m2m.items():
            through, source, target = _ordered_through(obj._meta.get_field(name))
            if through is not None:
                links = through.objects.filter(**{source: obj}).order_by("sort_order", "pk")
                if list(links.values_list(f"{target}_id", flat=True)) != [t.pk for t in targets]:
                    return False
                continue
            stored = sorted(getattr(obj, name).values_list("pk", flat=True))
            if stored != sorted(t.pk for t in targets):
                return False
        for rel, (child_model, rows) in children.items():
            stored = list(getattr(obj, rel).all())
            if len(stored) != len(rows):
                return False
            if not all(self._child_matches(child_model, c, row) for c, row in zip(stored, rows, strict=True)):
                return False
        return True

    @staticmethod
    def _set_relations(obj, m2m: dict, children: dict) -> None:
        """Set tags and child rows in memory (modelcluster commits them on save)."""
        for name, targets in m2m.items():
            getattr(obj, name).set(targets)
        for rel, (child_model, rows) in children.items():
            has_sort_order = any(f.name == "sort_order" for f in child_model._meta.concrete_fields)
            existing = list(getattr(obj, rel).all()) if obj.pk else []
            items = []
            for i, row in enumerate(rows):
                # Update stored rows in place, by position, so that whatever points at them survives.
                if i < len(existing):
                    item = existing[i]
                    for name, value in row.items():
                        setattr(item, name, value)
                else:
                    item = child_model(**row)
                if has_sort_order:
                    item.sort_order = i
                items.append(item)
            setattr(obj, rel, items)

    def _tally(self, values: dict, m2m: dict, children: dict) -> None:
        """Count child rows, members and funding for the summary."""
        for rel, (_child_model, rows) in children.items():
            self.report.details[rel] += len(rows)
        if "members" in m2m:
            self.report.details["members"] += len(m2m["members"])
        if values.get("currency") == "USD" and values.get("funding_amount") is not None:
            self.report.details["funding_usd"] += values["funding_amount"]

    # --- records --------------------------------------------------------------------------------------

    def upsert(self, kind: str, model: type[models.Model], data: dict, moderated: bool = False):
        data = dict(data)
        rank = data.pop(LISTING_RANK, None)
        where = f"{kind}: {data.get('slug', '?')}"
        if not data.get("slug"):
            raise DemoDataError(
                f"{kind}: every record needs a slug ({data.get('title') or data.get('name')})"
            )
        values, m2m, children = self.resolve(model, data, where)
        self._tally(values, m2m, children)
        obj = model.objects.filter(slug=values["slug"]).first()
        published = obj is not None and (
            not moderated or (obj.live and obj.live_revision_id and not obj.has_unpublished_changes)
        )
        if obj is not None and published and self.is_current(obj, values, m2m, children):
            self.report.count(kind, UNCHANGED)
            self.progress.update(1)
            return obj

        created = obj is None
        if created:
            obj = model()
        for name, value in values.items():
            setattr(obj, name, value)
        cluster = isinstance(obj, ClusterableModel)
        if cluster:
            self._set_relations(obj, m2m, children)
        elif children:
            raise DemoDataError(f"{where}: {model.__name__} cannot hold child rows")
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise DemoDataError(f"{where}: {exc}") from exc
        obj.save()
        if not cluster:
            for name, targets in m2m.items():
                self._set_m2m(obj, name, targets)
        if moderated:
            obj.save_revision().publish()
            if created and rank is not None:
                # Newest first in listings: the seed's first record gets the latest publication time.
                stamp = self.now - dt.timedelta(minutes=int(rank))
                model.objects.filter(pk=obj.pk).update(first_published_at=stamp, last_published_at=stamp)
                obj.first_published_at = obj.last_published_at = stamp
        self.remember(obj)
        self.report.count(kind, CREATED if created else UPDATED)
        self.progress.update(1)
        return obj

    @staticmethod
    def _set_m2m(obj, name: str, targets: list) -> None:
        through, _source, _target = _ordered_through(obj._meta.get_field(name))
        manager = getattr(obj, name)
        if through is None:
            manager.set(targets)
            return
        manager.clear()
        for position, target in enumerate(targets):
            manager.add(target, through_defaults={"sort_order": position})

    def upsert_document(self, row: dict):
        """A Wagtail document from a file next to the YAML, matched by title; the file is only replaced
        when its content changed (Wagtail keeps the SHA-1 of every document's file)."""
        title, name = row.get("title"), row.get("file")
        if not title or not name:
            raise DemoDataError(f"documents: every document needs a title and a file ({row!r})")
        try:
            content = (self.demo_dir / name).read_bytes()
        except OSError as exc:
            raise DemoDataError(f"documents: {title}: cannot read {name}: {exc}") from exc
        document_model = get_document_model()
        document = document_model.objects.filter(title=title).first()
        digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        if document is not None and document.file_hash == digest:
            self.report.count("documents", UNCHANGED)
        else:
            created = document is None
            document = document or document_model(title=title)
            document.file = ContentFile(content, name=Path(name).name)
            document._set_document_file_metadata()
            document.save()
            self.report.count("documents", CREATED if created else UPDATED)
        self._index(document_model)[("slug", title)] = document
        self.progress.update(1)
        return document

    # --- Wagtail pages --------------------------------------------------------------------------------

    def ensure_home(self) -> HomePage:
        """Make the demo home page the default Site's root, replacing Wagtail's welcome page."""
        root = Page.get_first_root_node()
        if root is None:
            raise DemoDataError("Wagtail's page tree has no root: run `manage.py migrate` first")
        spec = dict(self.pages["home"])
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        home = HomePage.objects.child_of(root).filter(slug=spec["slug"]).first()
        if home is None:
            # Wagtail's initial "Welcome to your new Wagtail site!" page is a plain Page, which may hold
            # the slug we want; remove it when it is empty (the Site points to the tree root meanwhile,
            # as deleting a Site's root page would delete the Site).
            for page in root.get_children().filter(
                content_type__model="page", content_type__app_label="wagtailcore"
            ):
                if page.get_children().exists():
                    raise DemoDataError(
                        f"the welcome page {page.title!r} has child pages; move them before loading the demo"
                    )
                if site is not None and site.root_page_id == page.pk:
                    site.root_page = root
                    site.save()
                page.delete()
        home = self.upsert_page("pages", root, spec, children=False)
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Puente"
            )
        elif site.root_page_id != home.pk or not site.site_name:
            site.root_page = home
            site.site_name = site.site_name or "Puente"
            site.save()
        for child in spec.get("children", []):
            self.upsert_page("pages", home, child)
        return home

    def upsert_page(self, kind: str, parent: Page, spec: dict, children: bool = True) -> Page:
        spec = dict(spec)
        type_name = spec.pop("type", None)
        child_specs = spec.pop("children", [])
        where = f"{kind}: page {spec.get('slug', '?')}"
        try:
            model = apps.get_model(type_name)
        except (LookupError, ValueError, TypeError):
            raise DemoDataError(f"{where}: unknown page type {type_name!r}") from None
        if not spec.get("slug") or not spec.get("title"):
            raise DemoDataError(f"{where}: every page needs a slug and a title")
        values, m2m, rows = self.resolve(model, spec, where)
        self._tally(values, m2m, rows)
        existing = parent.get_children().filter(slug=values["slug"]).first()
        if existing is not None:
            page = existing.specific
            if not isinstance(page, model):
                raise DemoDataError(
                    f"{where}: a {type(page).__name__} with this slug already exists under {parent.title!r}"
                )
            if page.live and not page.has_unpublished_changes and self.is_current(page, values, m2m, rows):
                self.report.count(kind, UNCHANGED)
                outcome = None
            else:
                for name, value in values.items():
                    setattr(page, name, value)
                self._set_relations(page, m2m, rows)
                self._publish_page(page, where)
                outcome = UPDATED
        else:
            page = model(**values)
            self._set_relations(page, m2m, rows)
            try:
                parent.add_child(instance=page)
            except ValidationError as exc:
                raise DemoDataError(f"{where}: {exc}") from exc
            self._publish_page(page, where)
            outcome = CREATED
        if outcome:
            self.report.count(kind, outcome)
        self.progress.update(1)
        if children:
            for child in child_specs:
                self.upsert_page(kind, page, child)
        return page

    @staticmethod
    def _publish_page(page: Page, where: str) -> None:
        try:
            page.save_revision().publish()
        except ValidationError as exc:
            raise DemoDataError(f"{where}: {exc}") from exc

    # --- locales and the demo account -----------------------------------------------------------------

    @staticmethod
    def ensure_locales() -> None:
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            Locale.objects.get_or_create(language_code=code)

    @staticmethod
    def ensure_admin() -> bool:
        """Create the documented demo superuser unless an account with that name exists."""
        user_model = get_user_model()
        if user_model.objects.filter(username=settings.DEMO_ADMIN_USERNAME).exists():
            return False
        admin = user_model.objects.create_superuser(
            username=settings.DEMO_ADMIN_USERNAME,
            email="admin@example.org",
            password=settings.DEMO_ADMIN_PASSWORD,
        )
        # Everyone signs in through allauth's pages, which ask for a verified address.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
        return True


def _ordered_through(model_field):
    """(through model, its field to the source, its field to the target) when a many-to-many relation
    keeps an order (its own model has ``sort_order``), else (None, None, None)."""
    through = getattr(model_field.remote_field, "through", None)
    if through is None or through._meta.auto_created:
        return None, None, None
    if not any(f.name == "sort_order" for f in through._meta.concrete_fields):
        return None, None, None
    return through, model_field.m2m_field_name(), model_field.m2m_reverse_field_name()


def summary_lines(report: DemoReport, verbose: bool = False) -> list[str]:
    """Human-readable totals of what the run loaded (for the command's output)."""
    d = report.details
    totals = report.outcome_totals()
    pages = report.total("pages") + report.total("programmes")
    lines = [
        f"Loaded {report.total('practices')} practices, {report.total('commitments')} commitments "
        f"({d['priorities']} priorities, {d['impacts']} expected impacts), "
        f"{report.total('organisations')} organisations, {report.total('programmes')} programme with "
        f"{report.total('projects')} projects (USD {d['funding_usd']:,.2f}), "
        f"{report.total('working groups')} working group with {d['members']} members, "
        f"{report.total('meetings')} meetings ({d['agenda_items']} agenda items), "
        f"{report.total('resources')} resources and {pages} Wagtail pages.",
        f"Demo records: {totals[CREATED]} created, {totals[UPDATED]} updated, {totals[UNCHANGED]} unchanged.",
    ]
    if verbose:
        for kind, counter in report.changes.items():
            lines.append(
                f"  {kind}: {counter[CREATED]} created, {counter[UPDATED]} updated, {counter[UNCHANGED]} unchanged"
            )
    return lines


def load_app_demo_data() -> list[str]:
    """Run each Puente app's own demo loader, after the core demo content.

    An app that has demo content of its own (progress reports, assessment frameworks, ...) provides a
    module ``<app>/demo_data.py`` with a function ``load() -> list[str]`` that is idempotent and returns
    summary lines. Apps run in ``INSTALLED_APPS`` order, except search, which runs last to index the rest.
    """
    from importlib import import_module
    from importlib.util import find_spec

    lines: list[str] = []
    configs = sorted(apps.get_app_configs(), key=lambda c: c.name == "puente.search")
    for config in configs:
        if not config.name.startswith("puente."):
            continue
        module_name = f"{config.name}.demo_data"
        if find_spec(module_name) is None:
            continue
        lines.extend(import_module(module_name).load())
    return lines
