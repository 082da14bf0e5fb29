"""Keeping the search documents in step with the records: one record at a time (from signals) or all at once
(``manage.py rebuild_search``)."""

from __future__ import annotations

import functools
import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from wagtail.search.backends import get_search_backends

from . import glossary
from .engine import forget_statistics, index_changed
from .models import (
    MAX_PARTS,
    MIN_PARTS,
    PAIRS_MARKER,
    PART_INDEX,
    PART_ROWS,
    PHRASE_FUNCTION,
    PHRASE_INDEX,
    PHRASE_TABLE,
    PHRASES_MARKER,
    Document,
    Facet,
    Posting,
    Term,
    phrase_columns,
)
from .sources import SOURCES, Source, load_related, source_for
from .text import stems, tokens

MIN_TERM, MAX_TERM = 4, 64


def _fields(source: Source, obj) -> tuple[dict, set, set]:
    extract = source.extract(obj).finish()
    extract.facets.add(("kind", source.kind))
    language = extract.language if extract.language in ("en", "es", "fr") else ""
    text = " ".join(t for t in extract.text if t)
    names = " ".join(dict.fromkeys(n for n in extract.names if n))
    fields = {
        "kind": source.kind,
        "slug": extract.slug,
        "heading": extract.heading[:255],
        "heading_stems": stems(extract.heading, language),
        "summary": (extract.summary or "")[:2000],
        "text": text,
        "text_stems": stems(text, language),
        "names": names,
        "meta": (extract.meta or "")[:255],
        "language": language,
        "date": extract.date,
        "facet_keys": "\n".join(sorted(f"{n}={str(v)[:80]}" for n, v in extract.facets)),
    }
    heading = tokens(f"{extract.heading} {fields['heading_stems']}")
    concepts = glossary.concept_tokens([*heading, *tokens(f"{text} {fields['text_stems']}")])
    fields["heading_concepts"] = " ".join(glossary.concept_tokens(heading))
    fields["concepts"] = " ".join(concepts)
    words = {t for t in tokens(f"{extract.heading} {text} {names}") if MIN_TERM <= len(t) <= MAX_TERM}
    # Concept tokens in the vocabulary tell queries that the index has them (an index built before them
    # has not: queries then match the concept's words, see ``engine.parse``).
    return fields, extract.facets, words | set(concepts)


def _add_terms(words) -> None:
    Term.objects.bulk_create(
        [Term(word=w, length=len(w)) for w in words], ignore_conflicts=True, batch_size=1000
    )


def _changed() -> None:
    """Cached counts are stale: now (this process may read its own uncommitted change) and once committed
    (another process may have cached the old counts in between)."""
    index_changed()
    transaction.on_commit(index_changed)


def refresh_postings(ids: list[int] | None = None) -> None:
    """Copy what matching reads into ``Posting`` for the documents ``ids`` (every document when None), once
    the search backends have indexed them: the facet values and, on PostgreSQL, the title and body vectors of
    Wagtail's index entry (in the entries' order, which ``rebuild`` makes a fixed shuffle)."""
    where, params = "", []
    if ids is not None:
        if not ids:
            return
        where, params = f"WHERE d.id IN ({', '.join(['%s'] * len(ids))})", [int(pk) for pk in ids]
    content_type = ContentType.objects.get_for_model(Document).pk
    entry = (
        "LEFT JOIN wagtailsearch_indexentry e ON e.content_type_id = %s AND e.object_id = CAST(d.id AS TEXT)"
    )
    if connection.vendor == "postgresql":
        sql = (
            "INSERT INTO puente_search_posting (id, document_id, keys, title, body) "  # noqa: S608 (placeholders)
            f"SELECT COALESCE(e.id, -d.id), d.id, d.facet_keys, e.title, e.body FROM puente_search_document d "
            f"{entry} {where} ORDER BY e.id ON CONFLICT (document_id) DO UPDATE "
            "SET id = EXCLUDED.id, keys = EXCLUDED.keys, title = EXCLUDED.title, body = EXCLUDED.body"
        )
    else:
        sql = (
            "INSERT INTO puente_search_posting (id, document_id, keys) "  # noqa: S608 (placeholders)
            f"SELECT COALESCE(e.id, -d.id), d.id, d.facet_keys FROM puente_search_document d {entry} "
            f"{where or 'WHERE 1'} ON CONFLICT (document_id) DO UPDATE SET id = excluded.id, keys = excluded.keys"
        )
    phrases = _phrase_rows()
    with connection.cursor() as cursor:
        if phrases:
            _delete_phrases(cursor, ids)
        cursor.execute(sql, [content_type, *params])
        if phrases:
            _write_phrases(cursor, where, params)


def _phrase_rows() -> bool:
    """Whether the database has ``PHRASE_TABLE`` to keep (SQLite with FTS5, see migration 0007)."""
    return connection.vendor == "sqlite" and _fts5()


@functools.cache
def _fts5() -> bool:
    from wagtail.search.backends.database.sqlite.utils import fts5_available

    return fts5_available()


def _delete_phrases(cursor, ids: list[int] | None) -> None:
    """SQLite: remove the ``PHRASE_TABLE`` rows of the postings of the documents ``ids`` (all when None)."""
    if ids is None:
        cursor.execute(f"DELETE FROM {PHRASE_TABLE}")  # noqa: S608 (a constant name)
        return
    cursor.execute(
        f"DELETE FROM {PHRASE_TABLE} WHERE rowid IN (SELECT id FROM puente_search_posting "  # noqa: S608
        f"WHERE document_id IN ({', '.join(['%s'] * len(ids))}))",
        [int(pk) for pk in ids],
    )


def _write_phrases(cursor, where: str, params: list, batch_size: int = 2000) -> None:
    """SQLite: write the ``PHRASE_TABLE`` rows of the postings that ``where`` selects (their documents ``d``),
    from their index entries, in rowid order."""
    cursor.execute(
        "SELECT p.id, e.title, e.body FROM puente_search_document d "  # noqa: S608 (placeholders)
        "JOIN puente_search_posting p ON p.document_id = d.id "
        f"JOIN wagtailsearch_indexentry e ON e.id = p.id {where} ORDER BY p.id",
        params,
    )
    insert = f"INSERT INTO {PHRASE_TABLE} (rowid, title, body) VALUES (%s, %s, %s)"  # noqa: S608
    with connection.cursor() as writer:
        while rows := cursor.fetchmany(batch_size):
            writer.executemany(
                insert, [(pk, *phrase_columns(title or "", body or "")) for pk, title, body in rows]
            )


def compact_postings() -> None:
    """PostgreSQL: rewrite the postings table in id order (the fixed shuffle) with no dead rows. The search
    estimates the number of matches from how far into the table its sample reaches; after ``rebuild`` the
    rows it deleted stay in front of the new ones, which then fill only the end of the table (the estimates
    fall to a tenth). Searches wait while the table is rewritten (``CLUSTER``: 4 s at 100,000 records, a
    minute at 1,000,000)."""
    if connection.vendor != "postgresql":
        return
    table = Posting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass AND indisprimary",
            [table],
        )
        cluster = f"CLUSTER {table} USING {cursor.fetchone()[0]}"
        if not connection.in_atomic_block:
            cursor.execute(cluster)
            return
        # Inside a transaction (tests), the foreign key checks it still owes must run first: CLUSTER refuses
        # a table with pending checks. Then they are deferred again, as Django declares them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(cluster)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_phrase_index() -> None:
    """PostgreSQL: drop the index of adjacent word pairs (see ``models.PHRASE_INDEX``) before every posting
    is written again: one build afterwards (``create_phrase_index``) is faster than updating it row by row
    (at 100,000 documents 35 s against 41 s more for writing the postings), and the table's rewrite
    (``compact_postings``) would build it once more. Meanwhile phrase searches use the body's index."""
    if connection.vendor != "postgresql":
        return
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX{concurrently} IF EXISTS {PHRASE_INDEX}")


def create_phrase_index() -> None:
    """PostgreSQL: build the index of adjacent word pairs if it is missing or unusable (a concurrent build
    that failed leaves an invalid one). Outside a transaction without keeping searches or writes waiting
    (``CONCURRENTLY``); searches use it once it is valid."""
    if connection.vendor != "postgresql":
        return
    atomic = connection.in_atomic_block
    concurrently = "" if atomic else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass(%s)",
            [PHRASE_INDEX],
        )
        found = cursor.fetchone()
        if found and found[0]:
            return
        if found:
            cursor.execute(f"DROP INDEX{concurrently} {PHRASE_INDEX}")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        try:
            cursor.execute(
                f"CREATE INDEX{concurrently} {PHRASE_INDEX} ON {Posting._meta.db_table} "
                f"USING gin ({PHRASE_FUNCTION}(body))"
            )
        finally:
            cursor.execute("RESET maintenance_work_mem")


def _part_indexes(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s ORDER BY c.relname",
        [Posting._meta.db_table, f"{PART_INDEX}\\_%"],
    )
    return [name for (name,) in cursor.fetchall()]


def drop_part_indexes() -> None:
    """PostgreSQL: drop the parts of the body's index (``models.PART_INDEX``) before a rebuild writes every
    posting again (their ranges of ids would no longer split the table evenly); searches use the whole index
    meanwhile."""
    if connection.vendor != "postgresql":
        return
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        for name in _part_indexes(cursor):
            cursor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")
    forget_statistics()


def create_part_indexes() -> None:
    """PostgreSQL: split the body's index into parts of equal ranges of posting ids (see
    ``models.PART_INDEX``), replacing any from an earlier rebuild; without blocking searches or writes
    outside a transaction (``CONCURRENTLY``). A table too small for ``MIN_PARTS`` parts gets none."""
    if connection.vendor != "postgresql":
        return
    table = Posting._meta.db_table
    drop_part_indexes()
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (the model's table)
        total = cursor.fetchone()[0]
        parts = min(MAX_PARTS, total // PART_ROWS)
        if parts < MIN_PARTS:
            return
        # The first id of every part but the first.
        cursor.execute(
            f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM {table}) s "  # noqa: S608
            "WHERE n = ANY(%s) ORDER BY id",
            [[total * k // parts for k in range(1, parts)]],
        )
        bounds = [pk for (pk,) in cursor.fetchall()]
        conditions = [f"id < {bounds[0]}"]
        conditions += [f"id >= {low} AND id < {high}" for low, high in zip(bounds, bounds[1:], strict=False)]
        conditions.append(f"id >= {bounds[-1]}")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        try:
            for k, condition in enumerate(conditions):
                cursor.execute(
                    f"CREATE INDEX{concurrently} {PART_INDEX}_{k:02d} ON {table} USING gin (body) "
                    f"WHERE {condition}"
                )
        finally:
            cursor.execute("RESET maintenance_work_mem")
    forget_statistics()


def _unindex(documents) -> None:
    for document in documents:
        if _phrase_rows():
            with connection.cursor() as cursor:
                _delete_phrases(cursor, [document.pk])
        for backend in get_search_backends(with_auto_update=True):
            backend.delete(document)
        document.delete()


def index_object(obj) -> Document | None:
    """Create, refresh or remove the document of ``obj`` according to whether it is public now."""
    source = source_for(type(obj))
    if source is None:
        return None
    _changed()
    content_type = ContentType.objects.get_for_model(source.model_class)
    public = source.queryset().filter(pk=obj.pk).first()
    with transaction.atomic():
        if public is None:
            _unindex(Document.objects.filter(content_type=content_type, object_id=obj.pk))
            return None
        fields, facets, words = _fields(source, public)
        document, _ = Document.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults=fields
        )
        Facet.objects.filter(document=document).delete()
        Facet.objects.bulk_create([Facet(document=document, name=n, value=str(v)[:80]) for n, v in facets])
        _add_terms(words)
        for backend in get_search_backends(with_auto_update=True):
            backend.add(document)
        refresh_postings([document.pk])
    return document


def remove_object(obj) -> None:
    source = source_for(type(obj))
    if source is None:
        return
    content_type = ContentType.objects.get_for_model(source.model_class)
    with transaction.atomic():
        _unindex(Document.objects.filter(content_type=content_type, object_id=obj.pk))
    _changed()


def _insert(model, columns: list[str], rows: list[tuple], types: list[str]) -> None:
    """Insert ``rows`` into the table of ``model`` in one statement (PostgreSQL: one array per column) or one
    prepared statement run for each row (SQLite), without making a model instance per row (a million
    documents have twenty million facet rows)."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)


def _is_postgres(index) -> bool:
    from modelsearch.backends.database.postgres.postgres import PostgresIndex

    return isinstance(index, PostgresIndex)


def _add_entries(index, documents) -> None:
    """Write the PostgreSQL index entries of ``documents``, in their order, exactly as the backend's own
    ``add_items`` would (``test_search`` compares both), but with one ``to_tsvector`` expression per field
    for the whole batch instead of one compiled expression per field and document: at a million documents
    the backend's own way spends most of an hour building SQL in Python."""
    from modelsearch.backends.database.postgres.weights import get_weight
    from modelsearch.index import AutocompleteField, SearchField
    from wagtail.search.models import IndexEntry

    fields = Document.get_search_fields()
    groups = {
        "title": [
            (f, get_weight(f.boost)) for f in fields if isinstance(f, SearchField) and f.field_name == "title"
        ],
        "body": [
            (f, get_weight(f.boost)) for f in fields if isinstance(f, SearchField) and f.field_name != "title"
        ],
        "autocomplete": [(f, "D") for f in fields if isinstance(f, AutocompleteField)],
    }
    columns, arrays, expressions = ["id"], [[str(d.pk) for d in documents]], {}
    texts = {"title": [[] for _ in documents], "body": [[] for _ in documents]}
    for group, group_fields in groups.items():
        config = index.backend.autocomplete_config if group == "autocomplete" else index.backend.config
        cast = f"{_quote(config)}::regconfig, " if config else ""
        parts = []
        for number, (field, weight) in enumerate(group_fields):
            column = f"{group}{number}"
            values = []
            for i, document in enumerate(documents):
                value = _prepare(field.get_value(document)).strip()
                values.append(value)
                if value and group in texts:
                    texts[group][i].append(value)
            columns.append(column)
            arrays.append(values)
            parts.append(
                f"CASE WHEN t.{column} = '' THEN ''::tsvector "
                f"ELSE setweight(to_tsvector({cast}t.{column}), '{weight}') END"
            )
        expressions[group] = " || ".join(parts) or "''::tsvector"
    for group in ("title", "body"):
        columns.append(f"{group}_text")
        arrays.append([" ".join(values) for values in texts[group]])
    content_type = ContentType.objects.get_for_model(Document).pk
    unnest = ", ".join(["%s::text[]"] * len(arrays))
    sql = (
        f"INSERT INTO {IndexEntry._meta.db_table} "  # noqa: S608 (names from the models, values as parameters)
        "(content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text) "
        f"SELECT %s, t.id, {expressions['title']}, {expressions['autocomplete']}, {expressions['body']}, 1.0, "
        f"t.title_text, t.body_text FROM unnest({unnest}) WITH ORDINALITY AS t({', '.join(columns)}, n) "
        "ORDER BY t.n ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, "
        "title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
        "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text"
    )
    with index.write_connection.cursor() as cursor:
        cursor.execute(sql, [content_type, *arrays])


def _prepare(value) -> str:
    """A field's value as text, as the PostgreSQL backend's ``ObjectIndexer.prepare_value`` makes it."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_prepare(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(_prepare(item) for item in value.values())
    return str(value)


def _quote(name: str) -> str:
    return "'" + str(name).replace("'", "''") + "'"


def _backend_indexes():
    return [backend.get_index_for_model(Document) for backend in get_search_backends(with_auto_update=True)]


@transaction.atomic
def rebuild(progress=None, batch_size: int = 500) -> int:
    """Recreate every document from the public records, in batches; ``progress(done, total)`` is called
    after each batch. Returns the number of documents."""
    from wagtail.search.models import IndexEntry

    content_type = ContentType.objects.get_for_model(Document)
    Facet.objects.all()._raw_delete(Facet.objects.db)
    Posting.objects.all()._raw_delete(Posting.objects.db)
    IndexEntry.objects.filter(content_type=content_type).delete()
    Document.objects.all()._raw_delete(Document.objects.db)
    Term.objects.all()._raw_delete(Term.objects.db)
    total = sum(source.queryset().count() for source in SOURCES)
    done = 0
    indexes = _backend_indexes()
    for source in SOURCES:
        model_type = ContentType.objects.get_for_model(source.model_class)
        queryset = source.queryset(prefetch=False).order_by("pk")
        last = 0
        while True:
            objs = list(queryset.filter(pk__gt=last)[:batch_size])
            if not objs:
                break
            last = objs[-1].pk
            load_related(objs, source.relations)
            documents, facet_rows, words = [], [], set()
            for obj in objs:
                fields, facets, obj_words = _fields(source, obj)
                documents.append(Document(content_type=model_type, object_id=obj.pk, **fields))
                facet_rows.append(facets)
                words |= obj_words
            Document.objects.bulk_create(documents)
            if documents[0].pk is None:  # backends that do not return ids from bulk inserts
                ids = dict(
                    Document.objects.filter(
                        content_type=model_type, object_id__in=[o.pk for o in objs]
                    ).values_list("object_id", "pk")
                )
                for document in documents:
                    document.pk = ids[document.object_id]
            _insert(
                Facet,
                ["document_id", "name", "value"],
                [
                    (d.pk, n, str(v)[:80])
                    for d, facets in zip(documents, facet_rows, strict=True)
                    for n, v in facets
                ],
                ["bigint", "text", "text"],
            )
            _add_terms(words)
            done += len(documents)
            if progress:
                progress(done, 2 * total)
    # Index entries go in a fixed shuffled order, so that the first matches the engine finds are a fair sample
    # of all matches (facet counts are estimated from them above FACET_SAMPLE matches).
    # The database backends recompute every entry's title norm after each batch, which makes a rebuild
    # quadratic in the number of documents; do it once at the end instead.
    deferred = [index for index in indexes if hasattr(index, "_refresh_title_norms")]
    for index in deferred:
        index._refresh_title_norms = lambda full=False: None
    ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    random.Random(0).shuffle(ids)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        by_id = Document.objects.in_bulk(chunk)
        documents = [by_id[pk] for pk in chunk]
        for index in indexes:
            if _is_postgres(index):
                _add_entries(index, documents)
            else:
                index.add_items(Document, documents)
        if progress:
            progress(done + start + len(chunk), 2 * total)
    for index in deferred:
        del index._refresh_title_norms
        index._refresh_title_norms(full=True)
    refresh_postings()
    # Every document now holds its facet pair words, and on SQLite has its row of word pairs.
    _add_terms([PAIRS_MARKER, *([PHRASES_MARKER] if _phrase_rows() else [])])
    _changed()
    return done
