"""Records of every type tagged with a topic, newest first, as one list (topic pages and their feeds)."""

from django.db.models import CharField, F, Value


def _sources():
    from puente.commitments.models import Commitment
    from puente.practices.models import Practice
    from puente.resources.models import Resource

    return {
        "practice": Practice.objects.published().for_list(),
        "commitment": Commitment.objects.published().for_list(),
        "resource": Resource.objects.published().for_list(),
    }


def topic_records_query(topic):
    """One UNION query of (kind, pk, published) rows for the published records tagged with ``topic``."""
    parts = [
        queryset.filter(topics=topic)
        .order_by()
        # "record_kind", not "kind": Resource has a ``kind`` field and an annotation may not shadow a field.
        .annotate(record_kind=Value(kind, output_field=CharField()), published=F("first_published_at"))
        .values_list("record_kind", "pk", "published")
        for kind, queryset in _sources().items()
    ]
    query = parts[0].union(*parts[1:], all=True)
    return query.order_by("-published", "record_kind", "-pk")


def fetch_records(rows):
    """Turn (kind, pk, published) rows into model instances, in the same order, one query per kind."""
    sources = _sources()
    wanted: dict[str, list[int]] = {}
    for kind, pk, _published in rows:
        wanted.setdefault(kind, []).append(pk)
    objects = {}
    for kind, pks in wanted.items():
        for obj in sources[kind].filter(pk__in=pks):
            obj.record_kind = kind
            objects[(kind, obj.pk)] = obj
    return [objects[(kind, pk)] for kind, pk, _published in rows if (kind, pk) in objects]
