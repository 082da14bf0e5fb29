"""Running a search: parse what the user typed, expand it (glossary, stems, typo corrections), match through
the configured search backend, filter and count facets in the database, rank, page and highlight."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, Phrase, PlainText

from . import glossary
from .models import Document, Facet, Term
from .sources import FACET_ORDER
from .text import MAX_TOKENS, STEMMERS, clean_query, fold, fold_exact, stem, tokens

PAGE_SIZE = 20
FACET_SAMPLE = 2000  # above this many matches, facet counts are estimated from a sample
RANK_ALL = 2000  # above this many matches, PostgreSQL ranks by title relevance, then date
MIN_TYPO_LENGTH = 5
STOPWORDS = {
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "in",
    "into",
    "is",
    "it",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "al",
    "con",
    "de",
    "del",
    "el",
    "en",
    "la",
    "las",
    "lo",
    "los",
    "para",
    "por",
    "que",
    "se",
    "un",
    "una",
    "uno",
    "y",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "dans",
    "des",
    "du",
    "et",
    "le",
    "les",
    "par",
    "pour",
    "sur",
    "une",
}


# --- parsing ----------------------------------------------------------------------------------------------


@dataclass
class Group:
    """One part of the query (a word, a glossary term or a quoted phrase) and what it may match."""

    text: str
    words: list = field(default_factory=list)  # single words that may match (folded)
    phrases: list = field(default_factory=list)  # multi-word phrases that may match (folded)
    expansions: list = field(default_factory=list)  # glossary terms shown to the user
    corrections: list = field(default_factory=list)  # vocabulary words one edit away

    def query(self):
        alternatives = [PlainText(w) for w in dict.fromkeys(self.words)]
        alternatives += [Phrase(p) for p in dict.fromkeys(self.phrases)]
        return alternatives[0] if len(alternatives) == 1 else Or(alternatives)

    @property
    def highlight_terms(self) -> list[str]:
        return [*self.words, *self.phrases]


@dataclass
class ParsedQuery:
    raw: str
    groups: list

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def query(self):
        parts = [g.query() for g in self.groups]
        return parts[0] if len(parts) == 1 else And(parts)

    @property
    def expansions(self) -> list[tuple[str, list[str]]]:
        return [(g.text, g.expansions) for g in self.groups if g.expansions]

    @property
    def corrections(self) -> list[tuple[str, list[str]]]:
        return [(g.text, g.corrections) for g in self.groups if g.corrections]


def _word_forms(word: str) -> list[str]:
    return [word, *(stem(word, language) for language in STEMMERS)]


def _concept_group(text: str, concepts) -> Group:
    group = Group(text)
    for concept in concepts:
        for language, term in concept.all_terms:
            words = tokens(term)
            if len(words) == 1:
                group.words += [words[0], stem(words[0], language)]
            elif words:
                group.phrases.append(" ".join(words))
            if fold(term) != fold(text):
                group.expansions.append(term)
    group.expansions = list(dict.fromkeys(group.expansions))
    return group


def parse(raw: str | None) -> ParsedQuery:
    cleaned = clean_query(raw)
    quoted = re.findall(r'"([^"]+)"', cleaned)
    rest = re.sub(r'"[^"]*"', " ", cleaned)
    groups = [Group(p, phrases=[" ".join(tokens(p))]) for p in quoted if tokens(p)]
    words = tokens(rest)
    meaningful = [w for w in words if w not in STOPWORDS] or words
    # Glossary terms may span stop words ("transferts de fonds"), so match on all the words first.
    covered = set()
    for match in glossary.find(words):
        text = " ".join(words[match.start : match.end])
        if all(w in STOPWORDS for w in words[match.start : match.end]) and len(meaningful) != len(words):
            continue
        groups.append(_concept_group(text, match.concepts))
        covered.update(range(match.start, match.end))
    for position, word in enumerate(words):
        if position in covered or word not in meaningful:
            continue
        groups.append(Group(word, words=_word_forms(word)))
    groups = groups[:MAX_TOKENS]
    _add_typo_corrections(groups)
    return ParsedQuery(cleaned, groups)


# --- typo tolerance ---------------------------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance with transpositions, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def near_words(word: str, distance: int = 1, limit: int = 5) -> list[str]:
    """Indexed words within ``distance`` edits. One edit cannot touch both the first two and the last two
    letters of a word of five letters or more, so candidates share one or the other."""
    candidates = Term.objects.filter(length__gte=len(word) - distance, length__lte=len(word) + distance)
    candidates = candidates.filter(word__startswith=word[:2]) | candidates.filter(word__endswith=word[-2:])
    found = sorted(
        (edit_distance(word, c, distance), c)
        for c in candidates.values_list("word", flat=True)[:5000]
        if c != word
    )
    return [c for d, c in found if d <= distance][:limit]


def _add_typo_corrections(groups) -> None:
    plain = [g for g in groups if len(g.words) and not g.expansions and not g.phrases]
    candidates = [g for g in plain if len(g.text) >= MIN_TYPO_LENGTH and " " not in g.text]
    if not candidates:
        return
    known = set(Term.objects.filter(word__in=[g.text for g in candidates]).values_list("word", flat=True))
    for group in candidates:
        if group.text in known:
            continue
        group.corrections = near_words(group.text)
        for word in group.corrections:
            group.words += _word_forms(word)


def did_you_mean(parsed: ParsedQuery) -> str:
    """A corrected query (two edits at most per word) when the query found nothing, else ""."""
    changed, parts = False, []
    for group in parsed.groups:
        if group.expansions or group.phrases or len(group.text) < 4:
            parts.append(group.text)
            continue
        near = near_words(group.text, distance=2, limit=1)
        if near:
            parts.append(near[0])
            changed = True
        else:
            parts.append(group.text)
    return " ".join(parts) if changed else ""


# --- matching, facets, ranking ---------------------------------------------------------------------------


HEAVY = ("text_stems", "heading_stems", "names")
SHOWN = (
    "id",
    "content_type_id",
    "object_id",
    "kind",
    "slug",
    "heading",
    "summary",
    "text",
    "meta",
    "language",
    "date",
)


class Matcher:
    """Matches a parsed query through the configured Wagtail search backend (any engine)."""

    @staticmethod
    def _content_type() -> int:
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(Document).pk

    def matched(self, parsed):
        results = get_search_backend().search(
            parsed.query(), Document.objects.all(), order_by_relevance=False
        )
        return _queryset(results).order_by()

    def ranked(self, parsed, filters, offset, limit, total=0) -> list:
        results = get_search_backend().search(parsed.query(), Document.objects.all())
        return list(_filter(_queryset(results), filters).defer(*HEAVY)[offset : offset + limit])


def _restriction(filters: dict, column: str) -> tuple[str, list]:
    """SQL (and its parameters) that keeps ``column`` to the documents with the chosen facet values."""
    if not filters:
        return "", []
    sql, params = _filter(Document.objects.all(), filters).values("pk").query.sql_with_params()
    return f"AND {column} IN ({sql})", list(params)


class SQLiteMatcher(Matcher):
    """SQLite FTS5, queried so that the full-text index runs first and once: the generic backend's join lets
    SQLite's planner run the MATCH once per index row, which is quadratic on large indexes."""

    FTS = "wagtailsearch_indexentry_fts"

    @staticmethod
    def expression(parsed) -> str:
        groups = []
        for group in parsed.groups:
            terms = list(dict.fromkeys([*group.words, *group.phrases]))
            groups.append("(" + " OR ".join(f'"{t}"' for t in terms if t) + ")")
        return "{title body} : (" + " AND ".join(groups) + ")"

    def matched(self, parsed):
        from django.db.models.expressions import RawSQL

        # Table names are constants; the query text and ids are parameters.
        sql = (
            "SELECT CAST(e.object_id AS INTEGER) FROM wagtailsearch_indexentry e WHERE e.id IN "  # noqa: S608
            f"(SELECT rowid FROM {self.FTS} WHERE {self.FTS} MATCH %s) AND e.content_type_id = %s"
        )
        return Document.objects.filter(pk__in=RawSQL(sql, [self.expression(parsed), self._content_type()]))  # noqa: S611

    def ranked(self, parsed, filters, offset, limit, total=0) -> list:
        restriction, filter_params = _restriction(filters, "d.id")
        params = [self.expression(parsed), self._content_type(), *filter_params, limit, offset]
        columns = ", ".join(f"d.{c}" for c in SHOWN)
        # Constant table names; everything from the user is a parameter.
        query = (
            f"SELECT {columns} FROM "  # noqa: S608
            f"(SELECT rowid AS r, bm25({self.FTS}, 0.0, 1.0, 4.0) AS score FROM {self.FTS} WHERE {self.FTS} MATCH %s) f "
            "JOIN wagtailsearch_indexentry e ON e.id = f.r "
            "JOIN puente_search_document d ON d.id = CAST(e.object_id AS INTEGER) "
            f"WHERE e.content_type_id = %s {restriction} ORDER BY f.score, e.id LIMIT %s OFFSET %s"
        )
        return list(Document.objects.raw(query, params))


class PostgresMatcher(Matcher):
    """PostgreSQL full text on the index entries' ``title`` and ``body`` vectors, each tested on its own so
    that their GIN indexes are used (the generic backend concatenates them first, which forces a scan)."""

    def __init__(self, config: str | None):
        self.config = config

    def _tsquery(self, parsed) -> tuple[str, list]:
        cast = "%s::regconfig, " if self.config else ""
        parts, params = [], []
        for group in parsed.groups:
            alternatives = []
            for word in dict.fromkeys(group.words):
                alternatives.append(f"plainto_tsquery({cast}%s)")
                params += [self.config, word] if self.config else [word]
            for phrase in dict.fromkeys(group.phrases):
                alternatives.append(f"phraseto_tsquery({cast}%s)")
                params += [self.config, phrase] if self.config else [phrase]
            parts.append("(" + " || ".join(alternatives) + ")")
        return " && ".join(parts), params

    def matched(self, parsed):
        from django.db.models.expressions import RawSQL

        tsquery, params = self._tsquery(parsed)
        # The tsquery is built from placeholders only; every value is a parameter.
        sql = (
            "SELECT e.object_id::bigint FROM wagtailsearch_indexentry e, "  # noqa: S608
            f"(SELECT {tsquery}) AS q(q) WHERE e.content_type_id = %s AND (e.title @@ q.q OR e.body @@ q.q)"
        )
        return Document.objects.filter(pk__in=RawSQL(sql, [*params, self._content_type()]))  # noqa: S611

    def ranked(self, parsed, filters, offset, limit, total=0) -> list:
        tsquery, params = self._tsquery(parsed)
        restriction, filter_params = _restriction(filters, "d.id")
        # ts_rank reads each match's vectors; over many matches, rank by the (short) titles, then newest first.
        if total > RANK_ALL:
            order = "ts_rank(e.title, q.q) DESC, d.date DESC NULLS LAST"
        else:
            order = "4 * ts_rank(e.title, q.q) + ts_rank(e.body, q.q) DESC"
        params = [*params, self._content_type(), *filter_params, limit, offset]
        columns = ", ".join(f"d.{c}" for c in SHOWN)
        query = (
            f"SELECT {columns} FROM wagtailsearch_indexentry e "  # noqa: S608
            "JOIN puente_search_document d ON d.id = e.object_id::bigint, "
            f"(SELECT {tsquery}) AS q(q) "
            "WHERE e.content_type_id = %s AND (e.title @@ q.q OR e.body @@ q.q) "
            f"{restriction} ORDER BY {order}, e.id "
            "LIMIT %s OFFSET %s"
        )
        return list(Document.objects.raw(query, params))


def get_matcher() -> Matcher:
    backend = get_search_backend()
    name = type(backend).__name__
    if name == "SQLiteSearchBackend":
        return SQLiteMatcher()
    if name == "PostgresSearchBackend":
        return PostgresMatcher(getattr(backend, "config", None))
    return Matcher()


def _queryset(results):
    """The matched documents as a queryset (database backends), else by their ids (search servers)."""
    if hasattr(results, "get_queryset"):
        return results.get_queryset()
    return Document.objects.filter(pk__in=[d.pk for d in results[:10000]])


def _filter(queryset, filters: dict, skip: str | None = None):
    for name, values in filters.items():
        if name != skip and values:
            queryset = queryset.filter(
                pk__in=Facet.objects.filter(name=name, value__in=values).values("document_id")
            )
    return queryset


@dataclass
class Results:
    parsed: ParsedQuery
    filters: dict
    sort: str
    total: int
    page: int
    documents: list
    facets: dict  # name -> [(value, count)]
    suggestion: str = ""
    approximate_facets: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def search(raw: str | None, filters: dict | None = None, sort: str = "relevance", page: int = 1) -> Results:
    parsed = parse(raw)
    filters = {k: list(dict.fromkeys(v))[:20] for k, v in (filters or {}).items() if k in FACET_ORDER and v}
    matcher = get_matcher()
    matched = Document.objects.all() if parsed.is_empty else matcher.matched(parsed)
    selected = _filter(matched, filters)
    total = selected.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    offset = (page - 1) * PAGE_SIZE
    if not total:
        documents = []
    elif sort == "relevance" and not parsed.is_empty:
        documents = matcher.ranked(parsed, filters, offset, PAGE_SIZE, total)
    else:
        ordered = selected.order_by(F("date").desc(nulls_last=True), "-pk")
        documents = list(ordered.defer(*HEAVY)[offset : offset + PAGE_SIZE])
    facets, approximate = facet_counts(matched, filters, total)
    results = Results(parsed, filters, sort, total, page, documents, facets, approximate_facets=approximate)
    if total == 0 and not parsed.is_empty:
        suggestion = did_you_mean(parsed)
        # Offer it only when it finds something.
        if suggestion and _count(suggestion):
            results.suggestion = suggestion
    terms = [t for g in parsed.groups for t in g.highlight_terms]
    for document in documents:
        document.snippet = highlight(document.summary or document.text[:400], terms, length=260)
        document.highlighted_heading = highlight(document.heading, terms, length=400)
    return results


def _count(raw: str) -> int:
    parsed = parse(raw)
    if parsed.is_empty:
        return 0
    return get_matcher().matched(parsed).count()


def _grouped(rows, factor: float):
    return [(row.get("name"), row["value"], max(1, round(row["n"] * factor))) for row in rows]


def facet_counts(matched, filters: dict, total: int, limit: int = 12) -> tuple[dict, bool]:
    """Counts per facet value over the matched documents. A facet's counts apply every other facet's
    selection but not its own, so choosing a second value in one facet is always possible.

    Above ``FACET_SAMPLE`` matches the counts are estimated from that many matches (and say so), which keeps
    the cost of a very common word bounded. Returns the counts and whether they are estimates."""
    counts: dict = {name: [] for name in FACET_ORDER}
    approximate = total > FACET_SAMPLE

    def sample(queryset, size):
        ids = queryset.order_by().values("pk")
        if size > FACET_SAMPLE:
            return ids[:FACET_SAMPLE], size / FACET_SAMPLE
        return ids, 1.0

    ids, factor = sample(_filter(matched, filters), total)
    rows = (
        Facet.objects.filter(document__in=ids)
        .exclude(name__in=list(filters))
        .values("name", "value")
        .annotate(n=Count("id"))
    )
    grouped = _grouped(rows, factor)
    for name in filters:
        others = _filter(matched, filters, skip=name)
        size = others.count()
        ids, factor = sample(others, size)
        approximate = approximate or size > FACET_SAMPLE
        rows = Facet.objects.filter(name=name, document__in=ids).values("value").annotate(n=Count("id"))
        grouped += [(name, value, n) for _, value, n in _grouped(rows, factor)]
    for name, value, n in grouped:
        counts[name].append((value, n))
    for name, values in counts.items():
        chosen = set(filters.get(name, []))
        values.sort(key=lambda item: (-item[1], item[0]))
        kept = values[:limit] + [v for v in values[limit:] if v[0] in chosen]
        counts[name] = kept
    return counts, approximate


# --- highlighting -----------------------------------------------------------------------------------------------


def highlight(text: str, terms: list[str], length: int = 260) -> str:
    """``text`` cut around the first match, HTML-escaped, with matches in ``<mark>``. Stems match the start of
    words; phrases match whole."""
    if not text:
        return ""
    folded = fold_exact(text)
    patterns = sorted({t for t in terms if t and len(t) >= 2}, key=len, reverse=True)
    if patterns:
        regex = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(p).replace(r"\ ", r"\W+") for p in patterns) + r")\w*",
            re.UNICODE,
        )
        spans = [m.span() for m in regex.finditer(folded)]
    else:
        spans = []
    start = 0
    if spans and len(text) > length:
        start = max(0, spans[0][0] - length // 3)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    if end < len(text):
        while end > start and not text[end - 1].isspace():
            end -= 1
        end = end if end > start else min(len(text), start + length)
    out, position = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[position:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    out.append(escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out).strip() + suffix)  # noqa: S308 (every piece of text is escaped above)


# --- autocomplete -------------------------------------------------------------------------------------------------


def suggest(raw: str | None, limit: int = 8) -> list[Document]:
    words = tokens(clean_query(raw))
    if not words or len("".join(words)) < 2:
        return []
    backend = get_search_backend()
    try:
        results = backend.autocomplete(" ".join(words[:6]), Document.objects.all())
        return list(results[:limit])
    except NotImplementedError:  # a backend without autocomplete: titles that start with the text
        return list(Document.objects.filter(heading__istartswith=" ".join(words))[:limit])
