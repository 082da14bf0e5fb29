"""What each record type contributes to the search index, and which of its records are public.

Each source names a model, the queryset of its public records (with what extraction needs prefetched) and
a function that turns one record into document fields and facet values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from .models import Kind
from .text import html_to_text

TAG_FACETS = {
    "topics": "topic",
    "gcm_objectives": "gcm",
    "sdgs": "sdg",
    "cla_objectives": "cla",
    "criteria": "criterion",
    "target_groups": "target",
}
# Facet name -> the taxonomy model that labels its values (by slug).
FACET_MODELS = {
    "topic": "taxonomy.Topic",
    "country": "taxonomy.Country",
    "gcm": "taxonomy.GCMObjective",
    "sdg": "taxonomy.SDG",
    "cla": "taxonomy.CLAObjective",
    "criterion": "taxonomy.SolidarityCriterion",
    "target": "taxonomy.TargetGroup",
}
FACET_ORDER = [
    "kind",
    "topic",
    "country",
    "region",
    "gcm",
    "sdg",
    "cla",
    "criterion",
    "target",
    "orgtype",
    "year",
    "lang",
]


def related(obj, name: str):
    """The records of the relation ``name`` of ``obj``: as ``load_related`` left them, else from the database
    (or Django's prefetch cache)."""
    loaded = getattr(obj, "_search_related", None)
    if loaded is not None and name in loaded:
        return loaded[name]
    return getattr(obj, name).all()


def load_related(objs: list, names: list[str]) -> None:
    """Load the many-to-many and reverse foreign-key relations ``names`` of ``objs`` (records of one model) in
    one query each, in the related model's default order as ``prefetch_related`` would. Unlike a prefetch it
    builds no manager or queryset per record, which is most of the cost of indexing a million records;
    ``related`` reads what it leaves. Related records are shared between the records that point to them."""
    if not objs:
        return
    model = type(objs[0])
    pks = [obj.pk for obj in objs]
    for obj in objs:
        obj._search_related = {}
    for name in names:
        field_ = model._meta.get_field(name)
        by_owner = defaultdict(list)
        if field_.many_to_many:
            through = field_.remote_field.through
            owner, target = field_.m2m_field_name(), field_.m2m_reverse_field_name()
            pairs = list(through._default_manager.filter(**{f"{owner}__in": pks}).values_list(owner, target))
            targets = field_.related_model._default_manager.filter(pk__in={t for _, t in pairs})
            position = {}
            records = {}
            for i, record in enumerate(targets):
                position[record.pk], records[record.pk] = i, record
            for owner_pk, target_pk in sorted(pairs, key=lambda pair: position.get(pair[1], -1)):
                if target_pk in records:
                    by_owner[owner_pk].append(records[target_pk])
        else:  # a reverse foreign key (child rows)
            key = field_.field.attname
            for record in field_.related_model._default_manager.filter(**{f"{key}__in": pks}):
                by_owner[getattr(record, key)].append(record)
        for obj in objs:
            obj._search_related[name] = by_owner.get(obj.pk, [])


# A result's line of meta that is a label, not text: ``META_LABEL + "name=value"`` (a facet's value, or a
# resource type), shown in the reader's language (``facets.meta_labeller``) instead of the language it was
# indexed in.
META_LABEL = "\x1f"


def labelled_meta(name: str, value: str) -> str:
    return f"{META_LABEL}{name}={value}" if value else ""


@dataclass
class Extract:
    heading: str
    slug: str
    summary: str = ""
    text: list = field(default_factory=list)
    names: list = field(default_factory=list)
    meta: str = ""
    language: str = ""
    date: object = None
    facets: set = field(default_factory=set)

    def add_country(self, country):
        if country is not None:
            self.facets.add(("country", country.slug))
            self.facets.add(("region", country.region))
            self.names.append(country.name_en)

    def add_organisations(self, organisations):
        for organisation in organisations:
            self.names.append(organisation.name)
            self.facets.add(("orgtype", organisation.kind))

    def add_tags(self, obj):
        for attribute, facet in TAG_FACETS.items():
            if hasattr(type(obj), attribute):
                for term in related(obj, attribute):
                    self.facets.add((facet, term.slug))
        if hasattr(type(obj), "countries"):
            for country in related(obj, "countries"):
                self.add_country(country)

    def finish(self):
        if self.date:
            self.facets.add(("year", str(self.date.year)))
        if self.language:
            self.facets.add(("lang", self.language))
        return self


TAG_PREFETCH = [
    "topics",
    "gcm_objectives",
    "sdgs",
    "cla_objectives",
    "criteria",
    "target_groups",
    "countries",
]


def _practice(p) -> Extract:
    e = Extract(p.title, p.slug, p.summary, language=p.language, meta=p.place)
    e.text += [p.summary, html_to_text(p.body), html_to_text(p.results), html_to_text(p.lessons), p.place]
    e.names.append(p.place)
    e.add_organisations(related(p, "organisations"))
    e.add_country(p.country)
    e.add_tags(p)
    # The record's own dates only: the publication time is when it was loaded (demo) or approved.
    e.date = p.submitted_on or (dt.date(p.start_year, 1, 1) if p.start_year else None)
    return e


def _commitment(c) -> Extract:
    e = Extract(c.title, c.slug, c.summary, language=c.language, meta=c.local_government.name)
    e.text += [c.summary, html_to_text(c.overview), c.mayor]
    e.text += [p.text for p in related(c, "priorities")]
    e.add_organisations([c.local_government])
    e.add_country(c.local_government.country)
    e.add_tags(c)
    e.date = c.start_date or c.submitted_on
    return e


def _project(p) -> Extract:
    e = Extract(
        p.title,
        p.slug,
        p.main_objectives,
        language="en",
        meta=labelled_meta("country", p.country.slug if p.country_id else ""),
    )
    e.text += [p.main_objectives]
    e.add_organisations(related(p, "partners"))
    e.add_country(p.country)
    for topic in related(p, "topics"):
        e.facets.add(("topic", topic.slug))
    e.date = p.date  # the start of the programme phase that funds it
    return e


def _organisation(o) -> Extract:
    e = Extract(o.name, o.slug, html_to_text(o.description)[:300], meta=labelled_meta("orgtype", o.kind))
    e.text += [o.acronym, html_to_text(o.description), o.city, o.mayor]
    e.names += [o.name, o.acronym, o.city]
    e.facets.add(("orgtype", o.kind))
    e.add_country(o.country)
    return e


def _resource(r) -> Extract:
    e = Extract(r.title, r.slug, r.summary, language=r.language, meta=labelled_meta("resourcekind", r.kind))
    e.text += [r.summary, html_to_text(getattr(r, "body", ""))]
    e.add_organisations(related(r, "organisations"))
    e.add_tags(r)
    e.date = r.published_on
    return e


def _meeting(m) -> Extract:
    e = Extract(m.title, m.slug, m.objective, meta=m.group.name if m.group_id else "")
    e.text += [m.objective, m.place, m.group.name if m.group_id else ""]
    e.names.append(m.place)
    e.add_country(m.country)
    for topic in related(m, "topics"):
        e.facets.add(("topic", topic.slug))
    e.date = m.date
    return e


@dataclass
class Source:
    """One record type: its model, the queryset of its public records (``public``, with the related records
    extraction reads from the same row joined in), the relations extraction reads (``relations``) and the
    extraction itself."""

    kind: str
    model: str
    public: Callable
    extract: Callable
    relations: tuple = ()

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self, prefetch: bool = True):
        """The public records, with their relations prefetched (``prefetch``), or without, for
        ``load_related``."""
        queryset = self.public(self.model_class.objects.all())
        return queryset.prefetch_related(*self.relations) if prefetch else queryset


SOURCES = [
    Source(
        Kind.PRACTICE,
        "practices.Practice",
        lambda qs: qs.published().select_related("country"),
        _practice,
        ("organisations", *TAG_PREFETCH),
    ),
    Source(
        Kind.COMMITMENT,
        "commitments.Commitment",
        lambda qs: qs.published().select_related("local_government__country"),
        _commitment,
        ("priorities", *TAG_PREFETCH),
    ),
    Source(
        Kind.PROJECT,
        "programmes.Project",
        lambda qs: qs.select_related("country", "programme"),
        _project,
        ("partners", "topics"),
    ),
    Source(
        Kind.ORGANISATION,
        "organizations.Organisation",
        lambda qs: qs.filter(is_verified=True).select_related("country"),
        _organisation,
    ),
    Source(
        Kind.RESOURCE,
        "resources.Resource",
        lambda qs: qs.published(),
        _resource,
        ("organisations", *TAG_PREFETCH),
    ),
    Source(
        Kind.MEETING,
        "events.Meeting",
        lambda qs: qs.published().select_related("group", "country"),
        _meeting,
        ("topics",),
    ),
]


def source_for(model) -> Source | None:
    label = f"{model._meta.app_label}.{model._meta.object_name}"
    return next((s for s in SOURCES if s.model == label), None)
