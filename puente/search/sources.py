"""What each record type contributes to the search index, and which of its records are public.

Each source names a model, the queryset of its public records (with what extraction needs prefetched) and
a function that turns one record into document fields and facet values.
"""

from __future__ import annotations

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
            if hasattr(obj, attribute):
                for term in getattr(obj, attribute).all():
                    self.facets.add((facet, term.slug))
        if hasattr(obj, "countries"):
            for country in obj.countries.all():
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
    e.add_organisations(p.organisations.all())
    e.add_country(p.country)
    e.add_tags(p)
    e.date = p.submitted_on or (p.first_published_at.date() if p.first_published_at else None)
    if p.start_year and not e.date:
        import datetime as dt

        e.date = dt.date(p.start_year, 1, 1)
    return e


def _commitment(c) -> Extract:
    e = Extract(c.title, c.slug, c.summary, language=c.language, meta=c.local_government.name)
    e.text += [c.summary, html_to_text(c.overview), c.mayor]
    e.text += [p.text for p in c.priorities.all()]
    e.add_organisations([c.local_government])
    e.add_country(c.local_government.country)
    e.add_tags(c)
    e.date = c.start_date or (c.first_published_at.date() if c.first_published_at else None)
    return e


def _project(p) -> Extract:
    e = Extract(
        p.title, p.slug, p.main_objectives, language="en", meta=p.country.label if p.country_id else ""
    )
    e.text += [p.main_objectives]
    e.add_organisations(p.partners.all())
    e.add_country(p.country)
    for topic in p.topics.all():
        e.facets.add(("topic", topic.slug))
    if p.programme.start_year:
        import datetime as dt

        e.date = dt.date(p.programme.start_year, 1, 1)
    return e


def _organisation(o) -> Extract:
    e = Extract(o.name, o.slug, html_to_text(o.description)[:300], meta=o.get_kind_display())
    e.text += [o.acronym, html_to_text(o.description), o.city, o.mayor]
    e.names += [o.name, o.acronym, o.city]
    e.facets.add(("orgtype", o.kind))
    e.add_country(o.country)
    return e


def _resource(r) -> Extract:
    e = Extract(r.title, r.slug, r.summary, language=r.language, meta=r.get_kind_display())
    e.text += [r.summary, html_to_text(getattr(r, "body", ""))]
    e.add_organisations(r.organisations.all())
    e.add_tags(r)
    e.date = r.published_on or (r.first_published_at.date() if r.first_published_at else None)
    return e


def _meeting(m) -> Extract:
    e = Extract(m.title, m.slug, m.objective, meta=m.group.name if m.group_id else "")
    e.text += [m.objective, m.place, m.group.name if m.group_id else ""]
    e.names.append(m.place)
    e.add_country(m.country)
    for topic in m.topics.all():
        e.facets.add(("topic", topic.slug))
    e.date = m.date
    return e


@dataclass
class Source:
    kind: str
    model: str
    public: Callable
    extract: Callable

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self):
        return self.public(self.model_class.objects.all())


SOURCES = [
    Source(
        Kind.PRACTICE,
        "practices.Practice",
        lambda qs: qs.published().select_related("country").prefetch_related("organisations", *TAG_PREFETCH),
        _practice,
    ),
    Source(
        Kind.COMMITMENT,
        "commitments.Commitment",
        lambda qs: (
            qs.published()
            .select_related("local_government__country")
            .prefetch_related("priorities", *TAG_PREFETCH)
        ),
        _commitment,
    ),
    Source(
        Kind.PROJECT,
        "programmes.Project",
        lambda qs: qs.select_related("country", "programme").prefetch_related("partners", "topics"),
        _project,
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
        lambda qs: qs.published().prefetch_related("organisations", *TAG_PREFETCH),
        _resource,
    ),
    Source(
        Kind.MEETING,
        "events.Meeting",
        lambda qs: qs.published().select_related("group", "country").prefetch_related("topics"),
        _meeting,
    ),
]


def source_for(model) -> Source | None:
    label = f"{model._meta.app_label}.{model._meta.object_name}"
    return next((s for s in SOURCES if s.model == label), None)
