"""Running a search: parse what the user typed, expand it (glossary, stems, typo corrections), match through
the configured search backend, filter and count facets in the database, rank, page and highlight."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, Phrase, PlainText

from . import glossary
from .facets import meta_labeller
from .models import (
    FTS_WORD,
    MARKER,
    PAIRED_FACETS,
    PAIRS_MARKER,
    PART_INDEX,
    PHRASE_FUNCTION,
    PHRASE_INDEX,
    PHRASE_TABLE,
    PHRASES_MARKER,
    RESERVED,
    Document,
    Kind,
    Term,
    facet_token,
    pair_token,
    phrase_pair,
)
from .sources import FACET_ORDER
from .text import MAX_TOKENS, STEMMERS, clean_query, fold, fold_exact, stem, tokens

PAGE_SIZE = 20
FACET_SAMPLE = 1000  # above this many matches, facet counts are estimated from a sample
# The sample for a chosen facet's other values (one more per chosen facet) is smaller: it feeds the counts
# of one facet only, and on a phrase or a common word each sampled match costs a recheck.
OTHER_VALUES_SAMPLE = 250
# PostgreSQL: the main sample (with titles) is read from the parts of the index only when the planner expects
# this many times the sample's size in matches, and its head is checked on at most this many pages.
HEAD_DENSITY = 10
HEAD_CHECK_PAGES = 1000
# The other samples, when it expects this many times their size: each part read costs an index scan, and below
# about twice the size most parts are read (at 1M, 1.1 times: 9.8 ms through the parts, 6.0 through the whole
# index; 2.3 times: 6.9 and 7.4; 5.6 times: 5.5 and 11.1).
PARTS_DENSITY = 2
RANK_ALL = 1000  # above this many matches, title matches come first (ranked), then the rest in index order
# PostgreSQL: a sample that the first few thousand postings in physical order are expected to fill is read
# from them directly (a range scan that stops at the sample size) instead of through the GIN index, whose
# bitmap holds every match first (240,000 of them for a common word at 1,000,000 documents), when that is
# cheaper (see ``PostgresMatcher._scan_pages``).
SCAN_ROWS = 8000
SCAN_COST = 7  # rechecking a row costs about seven times reading a match from the index (2 and 0.3 µs here)
# With chosen facets, in microseconds (measured at 1,000,000 documents): the scan reads a row and tests its
# facet values (0.85: rows hold the vectors, six or seven to a page) and, for a row that has them, its full
# text (4); the index decodes the postings of the query's words and of the facet values (0.03 each: it skips
# through the longer lists), puts each match in its bitmap (0.1) and reads the sampled matches' rows from
# their pages (6 each). Only for words in a tenth of the documents or more (with rarer words the index wins).
SCAN_FILTER_COST = 0.85
SCAN_FACET_COST = 4
INDEX_POSTING_COST = 0.03
INDEX_MATCH_COST = 0.1
INDEX_ROW_COST = 6
SCAN_DENSE = 0.1
MIN_TYPO_LENGTH = 5
MAX_PAIR_WORDS = 4  # more combinations of two chosen facets' values are matched as the two facets
MAX_SUGGESTION_PARTS = 6  # a query of more parts that finds nothing is not tried without some of them
CACHE_SECONDS = 60  # how long a query's parse, total and facet counts are reused (see ``index_changed``)
GENERATION_KEY = "search-index-generation"
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
    concepts: list = field(default_factory=list)  # tokens of the glossary concepts, when the index has them
    quoted: bool = False  # a quoted phrase

    @property
    def terms(self) -> list[str]:
        """What the database matchers look for: the concept tokens, else the words and phrases."""
        return self.concepts or [*self.words, *self.phrases]

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
    group = Group(text, concepts=[concept.token for concept in concepts])
    for concept in concepts:
        words, phrases = glossary.alternatives(concept)
        group.words += words
        group.phrases += phrases
        group.expansions += [term for _, term in concept.all_terms if fold(term) != fold(text)]
    group.expansions = list(dict.fromkeys(group.expansions))
    return group


def parse(raw: str | None) -> ParsedQuery:
    """The query as groups of alternatives (reused for CACHE_SECONDS: typo corrections query the vocabulary)."""
    cleaned = clean_query(raw)
    return cached(("parse", cleaned), lambda: _parse(cleaned))


def _parse(cleaned: str) -> ParsedQuery:
    quoted = re.findall(r'"([^"]+)"', cleaned)
    rest = re.sub(r'"[^"]*"', " ", cleaned)
    groups = [Group(p, phrases=[" ".join(tokens(p))], quoted=True) for p in quoted if tokens(p)]
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
    _check_vocabulary(groups)
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
        if c != word and not c.startswith("zq")
    )
    return [c for d, c in found if d <= distance][:limit]


def _check_vocabulary(groups) -> None:
    """One look at the indexed vocabulary for two things. Concept tokens that no document has are dropped
    (a group left with none matches its words and phrases, which is also what an index built before concept
    tokens needs). A plain word of five letters or more that no document has gets the indexed words one edit
    away (typo tolerance)."""
    plain = [g for g in groups if len(g.words) and not g.expansions and not g.phrases]
    candidates = [g for g in plain if len(g.text) >= MIN_TYPO_LENGTH and " " not in g.text]
    wanted = {token for group in groups for token in group.concepts} | {g.text for g in candidates}
    if not wanted:
        return
    known = set(Term.objects.filter(word__in=wanted).values_list("word", flat=True))
    for group in groups:
        group.concepts = [token for token in group.concepts if token in known]
    for group in candidates:
        if group.text in known:
            continue
        group.corrections = near_words(group.text)
        for word in group.corrections:
            group.words += _word_forms(word)


def _suggestion(parsed: ParsedQuery) -> str:
    """What a query that found nothing could be instead, if that finds something: the query with its words
    corrected (``_corrected``), else, when it has several parts, without those that find nothing alone
    ("diasporra xqzv" → "diaspora"), else ""."""
    parts, changed = _corrected(parsed)
    if changed and _count(" ".join(parts)):
        return " ".join(parts)
    if not 1 < len(parts) <= MAX_SUGGESTION_PARTS:
        return ""
    kept = [part for part in parts if _count(part)]
    if kept and len(kept) < len(parts) and _count(" ".join(kept)):
        return " ".join(kept)
    return ""


def _corrected(parsed: ParsedQuery) -> tuple[list[str], bool]:
    """The parts of the query as the user would type them (a phrase in quotes), each word replaced by the
    nearest indexed word (two edits at most) where there is one, and whether any was."""
    changed, parts = False, []
    for group in parsed.groups:
        if group.quoted:
            parts.append(f'"{group.text}"')
            continue
        if group.expansions or group.phrases or len(group.text) < 4:
            parts.append(group.text)
            continue
        near = near_words(group.text, distance=2, limit=1)
        if near:
            parts.append(near[0])
            changed = True
        else:
            parts.append(group.text)
    return parts, changed


# --- matching, facets, ranking ---------------------------------------------------------------------------
#
# A matcher answers three questions for a query and the chosen facet values: how many documents match
# (``count``), which documents are on a page (``page``) and which facet values a fair sample of the matches
# has (``facet_keys``). The database matchers send one full-text query for each, facet filters included as
# reserved words, so the engine's inverted index does all the filtering.


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
HEAVY = ("text_stems", "heading_stems", "names", "facet_keys", "concepts", "heading_concepts")


class Scan(NamedTuple):
    """How PostgreSQL reads the first matches without the index (see ``PostgresMatcher._scan_pages``): the
    pages to read from the start of the postings (None: all), the table's pages, and the facet test done
    before the full-text test (SQL and parameters)."""

    pages: int | None
    total_pages: int
    test: str = ""
    params: tuple | list = ()


class Sample(NamedTuple):
    """What ``Matcher.sample`` finds: the facet values of up to ``size`` matches, the number of matches
    (estimated when there are more than ``size``), whether that number is exact, and, when asked for
    ``titles`` and where the matcher can tell, about how many of the matches match in their title
    (``in_title``) and the first sampled matches that do and that do not, as document ids in index order
    (``head``: the first page of a large result, see ``_tiered``). When the sample holds every match,
    ``ids`` lists their postings, so that ranking them needs no second search."""

    keys: list
    total: int
    exact: bool
    in_title: int | None = None
    head: tuple[tuple, tuple] | None = None
    ids: tuple | None = None  # with ``titles``, when the sample holds every match: their postings' ids
    ranked: tuple | None = (
        None  # and, where the matcher ranked them in the sample, their documents' ids in order
    )


def _by_date(queryset):
    return queryset.order_by(F("date").desc(nulls_last=True), "-pk")


class Matcher:
    """Any other Wagtail search backend (a search server: OpenSearch, Elasticsearch). The query and the chosen
    facets' reserved words (every document's body holds its facet words) are one full-text query, so the server
    matches, filters, counts and ranks, and the database gives the rows of the documents it found, in its
    order. Facet counts come from the first matches (FACET_SAMPLE, scaled up above it)."""

    def _results(self, parsed, filters, skip=None, queryset=None, by_relevance=True):
        """The server's results for the query and the chosen facets but ``skip``, from ``queryset``'s rows;
        None when neither restricts anything (every document matches)."""
        parts = [] if parsed.is_empty else [parsed.query()]
        for words in _facet_words(filters, skip):
            alternatives = [PlainText(word) for word in words]
            parts.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
        if not parts:
            return None
        query = parts[0] if len(parts) == 1 else And(parts)
        queryset = Document.objects.all() if queryset is None else queryset
        return get_search_backend().search(query, queryset, order_by_relevance=by_relevance)

    def sample(self, parsed, filters, skip, size, titles=False) -> Sample:
        """The facet values of the first ``size`` matches of the query and the chosen facets but ``skip``,
        and the number of matches (see ``Sample``)."""
        rows = Document.objects.only("facet_keys")
        results = self._results(parsed, filters, skip, rows, by_relevance=False)
        found = rows.order_by("pk") if results is None else results
        keys = [document.facet_keys for document in found[: size + 1]]
        if len(keys) <= size:
            return Sample(keys, len(keys), True)
        return Sample(keys[:size], found.count(), True)

    def counted_title_page(self, parsed, filters, limit) -> list | None:
        """The first page of the title matches, ranked, in one statement that also counts them: None when
        there are more than RANK_ALL of them (or the matcher cannot)."""
        return None

    def for_query(self, parsed) -> Matcher:
        """The matcher that answers ``parsed`` best (this one, unless a subclass knows better)."""
        return self

    def title_page_ahead(self, parsed, filters, limit) -> list | None:
        """The first page of the title matches, ranked, as the first page of a large result shows it
        (``_tiered``) when they are few, found while the samples are taken (``_counts``); None when the
        matcher expects it not to be needed (or cannot tell)."""
        return None

    def prepare(self, parsed, filters) -> None:
        """Look up, once, what every sample of this query would (before they run at once)."""

    def page(self, parsed, filters, rank_all, sort, offset, limit, sample=None, early=None) -> list:
        """One page of the matches: by relevance (the server's), or newest first. ``early``: what
        ``title_page_ahead`` found, if it ran."""
        rows = Document.objects.defer(*HEAVY)
        by_date = sort == "date" or parsed.is_empty
        results = self._results(
            parsed,
            filters,
            None,
            rows.order_by("-date", "-id") if by_date else rows,
            by_relevance=not by_date,
        )
        found = _by_date(rows) if results is None else results
        return list(found[offset : offset + limit])


def _facet_words(filters: dict, skip: str | None) -> list[list[str]]:
    """Per chosen facet (but ``skip``), the reserved words of its values (any of them may match). Two chosen
    facets of ``PAIRED_FACETS`` are one group instead, the words of their values' combinations (at most
    MAX_PAIR_WORDS of them), when the index has those words (``pairs_indexed``)."""
    chosen = {n: values for n, values in filters.items() if n != skip and values}
    groups = []
    for first, second in PAIRED_FACETS:
        if first not in chosen or second not in chosen:
            continue
        if len(chosen[first]) * len(chosen[second]) > MAX_PAIR_WORDS or not pairs_indexed():
            continue
        firsts, seconds = chosen.pop(first), chosen.pop(second)
        groups.append([pair_token(first, a, second, b) for a in firsts for b in seconds])
    return groups + [[facet_token(n, v) for v in values] for n, values in chosen.items()]


def _joined(conditions) -> tuple[str, list]:
    """(sql, params) conditions joined with AND ("TRUE" for none)."""
    if not conditions:
        return "TRUE", []
    return " AND ".join(sql for sql, _ in conditions), [p for _, params in conditions for p in params]


def _marked(marker: str) -> bool:
    """Whether the vocabulary holds ``marker`` (what every document of the index has; cached)."""
    return cached(("marker", marker), lambda: Term.objects.filter(word=marker).exists())


def pairs_indexed() -> bool:
    """Whether every document holds the words of its facet pairs (see ``models.PAIRS_MARKER``)."""
    return _marked(PAIRS_MARKER)


class SQLiteMatcher(Matcher):
    """SQLite FTS5 through the index that Wagtail's SQLite backend keeps. Every question is one ``MATCH`` run
    once, inside a subquery, and joined by rowid (the generic backend's join let the planner run the
    ``MATCH`` once per index row)."""

    FTS = "wagtailsearch_indexentry_fts"
    ENTRY = "wagtailsearch_indexentry"
    WEIGHTS = "0.0, 1.0, 4.0"  # BM25 weights of the columns autocomplete, body and title
    DOCUMENTS_ONLY = False  # whether the table holds search documents only (else: the marker keeps to them)

    def for_query(self, parsed) -> Matcher:
        """The matcher for ``parsed``: ``SQLitePhraseMatcher`` when every part of it is a quoted phrase of two
        words and every document has its row of word pairs, else this one."""
        if parsed.groups and all(SQLitePhraseMatcher.pairs(g) for g in parsed.groups) and phrases_indexed():
            return SQLitePhraseMatcher()
        return self

    @staticmethod
    def _any(words) -> str:
        return "(" + " OR ".join(f'"{w}"' for w in dict.fromkeys(words) if w) + ")"

    def _words(self, parsed) -> list[str]:
        return [self._any(g.terms) for g in parsed.groups]

    def _filters(self, filters, skip=None) -> str:
        parts = [self._any(words) for words in _facet_words(filters, skip)]
        # Facet words are in documents only; without them the marker keeps other models' entries out.
        parts += [] if parts or self.DOCUMENTS_ONLY else [f'"{MARKER}"']
        return "body : (" + " AND ".join(parts) + ")" if parts else ""

    def expression(self, parsed, filters, skip=None) -> str:
        words = self._words(parsed)
        restriction = self._filters(filters, skip)
        if not words:
            return restriction
        return " AND ".join(["{title body} : (" + " AND ".join(words) + ")", *filter(None, [restriction])])

    def _title_expression(self, parsed, filters) -> str:
        title = "title : (" + " AND ".join(self._words(parsed)) + ")"
        return " AND ".join([title, *filter(None, [self._filters(filters)])])

    def sample(self, parsed, filters, skip, size, titles=False) -> Sample:
        """The first ``size`` matches in rowid order (a fixed shuffle, see ``indexing.rebuild``); above
        ``size``, the total is estimated from how far into the rowids the sample reached."""
        if parsed.is_empty and not filters:
            expression = f'body : "{MARKER}"'
        else:
            expression = self.expression(parsed, filters, skip)
        sql = (
            f"SELECT f.r, p.keys, (SELECT max(id) FROM {self.ENTRY}) FROM "  # noqa: S608
            f"(SELECT rowid AS r FROM {self.FTS} WHERE {self.FTS} MATCH %s ORDER BY rowid LIMIT %s) f "
            "LEFT JOIN puente_search_posting p ON p.id = f.r ORDER BY f.r"
        )
        rows = _fetch(sql, [expression, size + 1])
        keys = [row[1] or "" for row in rows[:size]]
        if len(rows) <= size:
            return Sample(keys, len(rows), True, ids=tuple(row[0] for row in rows) if titles else None)
        last, highest = rows[size - 1][0], rows[0][2]
        return Sample(keys, _estimate(size, last, highest), False)

    def _documents(self, rows_sql, params, order="f.n", extra="") -> list:
        """Documents for the index rows that ``rows_sql`` selects (columns ``r``, the rowid, and ``n``, a
        sort key), in that order, with the ``extra`` columns of those rows."""
        columns = ", ".join(f"d.{c}" for c in SHOWN) + extra
        sql = (
            f"SELECT {columns} FROM ({rows_sql}) f JOIN puente_search_posting p ON p.id = f.r "  # noqa: S608
            f"JOIN puente_search_document d ON d.id = p.document_id ORDER BY {order}"
        )
        return list(Document.objects.raw(sql, params))

    def _matching_ids(self) -> str:
        return (
            "SELECT p.document_id FROM puente_search_posting p WHERE p.id IN "  # noqa: S608
            f"(SELECT rowid FROM {self.FTS} WHERE {self.FTS} MATCH %s)"
        )

    def counted_title_page(self, parsed, filters, limit) -> list | None:
        """With facets: the title matches are found first (at most RANK_ALL + 1 of them) and counted in the
        statement that ranks them, instead of in one more statement."""
        if not filters:
            return None
        return self._ranked(parsed, filters, 0, limit, title=True, cap=RANK_ALL + 1)

    def _ranked(self, parsed, filters, offset, limit, title=False, cap=None, ids=None) -> list | None:
        """A page of the matches by BM25. ``bm25()`` reads the whole list of every word of its expression to
        weigh it, so it weighs the query's words only: not the marker (in every document: at 100,000
        documents a 60 ms read per query) nor the facet words (a popular topic is in thousands of
        documents). With facets, the matches are found first (at most RANK_ALL) and joined to the ranked
        words. Index entries of other models have no posting. With ``cap``, only the first ``cap`` matches are
        candidates, and None is returned when there are that many (the ranking would not be over all). With
        ``ids`` (every match, from the sample), those are the candidates: no second search for them."""
        column = "title" if title else "{title body}"
        words = f"{column} : (" + " AND ".join(self._words(parsed)) + ")"
        bm25 = f"bm25({self.FTS}, {self.WEIGHTS})"
        if ids is not None:
            rows = (
                "WITH c AS MATERIALIZED (SELECT value AS r FROM json_each(%s)) "  # noqa: S608
                f"SELECT x.rowid AS r, {bm25} AS n FROM {self.FTS} x JOIN c ON c.r = +x.rowid "
                f"WHERE {self.FTS} MATCH %s ORDER BY n, x.rowid LIMIT %s OFFSET %s"
            )
            return self._documents(rows, [json.dumps(list(ids)), words, limit, offset])
        if filters:
            everything = (
                self._title_expression(parsed, filters) if title else self.expression(parsed, filters)
            )
            limited = " LIMIT %s" if cap else ""
            rows = (
                f"WITH c AS MATERIALIZED (SELECT rowid AS r FROM {self.FTS} WHERE {self.FTS} MATCH %s{limited}) "  # noqa: S608
                f"SELECT x.rowid AS r, {bm25} AS n, (SELECT count(*) FROM c) AS candidates FROM {self.FTS} x "
                "JOIN c ON c.r = +x.rowid JOIN puente_search_posting t ON t.id = x.rowid "
                f"WHERE {self.FTS} MATCH %s ORDER BY n, x.rowid LIMIT %s OFFSET %s"
            )
            params = [everything, *([cap] if cap else []), words, limit, offset]
            documents = self._documents(rows, params, extra=", f.candidates")
            if cap and documents and documents[0].candidates >= cap:
                return None
            return documents
        rows = (
            f"SELECT x.rowid AS r, {bm25} AS n FROM {self.FTS} x "  # noqa: S608
            "JOIN puente_search_posting t ON t.id = x.rowid "
            f"WHERE {self.FTS} MATCH %s ORDER BY n, x.rowid LIMIT %s OFFSET %s"
        )
        return self._documents(rows, [words, limit, offset])

    def _in_index_order(self, expression, offset, limit) -> list:
        rows = (
            f"SELECT rowid AS r, rowid AS n FROM {self.FTS} WHERE {self.FTS} MATCH %s "  # noqa: S608
            "ORDER BY rowid LIMIT %s OFFSET %s"
        )
        return self._documents(rows, [expression, limit, offset])

    def page(self, parsed, filters, rank_all, sort, offset, limit, sample=None, early=None) -> list:
        if sort == "date" or parsed.is_empty:
            if not filters and parsed.is_empty:
                return list(_by_date(Document.objects.defer(*HEAVY))[offset : offset + limit])
            matching = RawSQL(self._matching_ids(), [self.expression(parsed, filters)])  # noqa: S611
            ids = Document.objects.filter(pk__in=matching)
            return list(_by_date(ids).defer(*HEAVY)[offset : offset + limit])
        expression = self.expression(parsed, filters)
        if rank_all:
            return self._ranked(parsed, filters, offset, limit, ids=sample.ids if sample else None)
        return _tiered(self, parsed, filters, expression, offset, limit, sample)

    def title_count(self, parsed, filters, cap=None) -> int:
        sql = f"SELECT rowid FROM {self.FTS} WHERE {self.FTS} MATCH %s"  # noqa: S608 (constant names)
        params = [self._title_expression(parsed, filters)]
        if cap:
            sql, params = f"{sql} LIMIT %s", [*params, cap]
        return _fetch(f"SELECT count(*) FROM ({sql})", params)[0][0]  # noqa: S608

    def title_page(self, parsed, filters, ranked, offset, limit) -> list:
        if ranked:
            return self._ranked(parsed, filters, offset, limit, title=True)
        return self._in_index_order(self._title_expression(parsed, filters), offset, limit)

    def rest_page(self, parsed, filters, expression, offset, limit) -> list:
        rest = f"({expression}) NOT title : (" + " AND ".join(self._words(parsed)) + ")"
        return self._in_index_order(rest, offset, limit)


def phrases_indexed() -> bool:
    """SQLite: whether every document has its row in ``PHRASE_TABLE`` (see ``models.PHRASES_MARKER``)."""
    return _marked(PHRASES_MARKER)


class SQLitePhraseMatcher(SQLiteMatcher):
    """A query of quoted two-word phrases on SQLite: each phrase is one word of ``PHRASE_TABLE``, the pairs of
    adjacent words of every document ("local_development"), which also holds the facet words. FTS5 finds a
    phrase in the main index by reading the position lists of both words, which for two common words are
    long, in every statement of the page; here it reads the pair's list, which holds only the documents that
    have the phrase. The matches and counts are the same (the pairs are made from the same text, tokenized
    as FTS5 does); they are ranked by BM25 of the pair, whose lengths count pairs, not words, so that near
    ties may come in another order than through the main index."""

    FTS = PHRASE_TABLE
    WEIGHTS = "1.0, 4.0"  # body, title
    DOCUMENTS_ONLY = True

    @staticmethod
    def pairs(group) -> list[str] | None:
        """The pair of words of ``group`` when it is only a quoted phrase of two words (not reserved words)."""
        if group.words or group.concepts or len(group.phrases) != 1:
            return None
        words = FTS_WORD.findall(group.phrases[0])
        if len(words) != 2 or any(RESERVED.fullmatch(w) for w in words):
            return None
        return [phrase_pair(*words)]

    def for_query(self, parsed) -> Matcher:
        return self

    def _words(self, parsed) -> list[str]:
        return [self._any(self.pairs(g)) for g in parsed.groups]


class PostgresMatcher(Matcher):
    """PostgreSQL full text on the ``title`` and ``body`` vectors of ``Posting`` (copied from Wagtail's index
    entries into a narrow table of documents only, with its own GIN indexes): every match is one
    ``body @@ query``, facet words included."""

    POSTING = "puente_search_posting"

    def __init__(self, config: str | None):
        self.config = config
        self._pairs = {}  # phrase -> its indexed word pairs (``_phrase_pairs``)

    def _one(self, function, text) -> tuple[str, list]:
        if self.config:
            return f"{function}(%s::regconfig, %s)", [self.config, text]
        return f"{function}(%s)", [text]

    def _any(self, words, phrases=()) -> tuple[str, list]:
        parts, params = [], []
        for word in dict.fromkeys(words):
            sql, p = self._one("plainto_tsquery", word)
            parts.append(sql)
            params += p
        for phrase in dict.fromkeys(phrases):
            sql, p = self._one("phraseto_tsquery", phrase)
            parts.append(sql)
            params += p
        return "(" + " || ".join(parts) + ")", params

    def _all(self, pieces, inline=False) -> tuple[str, list]:
        """The pieces joined with ``&&``, as a scalar subquery: PostgreSQL then builds the tsquery once per
        statement (an InitPlan). Written inline, the ``plainto_tsquery`` calls (stable, not immutable) were
        evaluated again for every row rechecked or ranked: three to six times slower; but only inline does
        the planner see the query's words, and estimate how many rows match (``inline``)."""
        sql = " && ".join(sql for sql, _ in pieces)
        return sql if inline else f"SELECT {sql}", [p for _, params in pieces for p in params]

    def _group(self, group) -> tuple[str, list]:
        return self._any(group.concepts) if group.concepts else self._any(group.words, group.phrases)

    def words(self, parsed) -> tuple[str, list]:
        return self._all([self._group(g) for g in parsed.groups])

    def where(self, parsed, filters, skip=None, inline=False, also=()) -> tuple[str, list]:
        """The condition on ``p`` (a posting) for the query and the chosen facets but ``skip``, and the
        conditions ``also`` ((sql, params) pairs). With a quoted phrase whose adjacent word pairs are indexed
        (``_phrase_pairs``), the pairs' index alone finds the candidates (with the words of the facets that
        have one chosen value, which it holds too): every other condition is hidden from the indexes
        (``COALESCE``) and tested on the candidates' rows, the chosen facets first, in the row's facet values
        (``_facet_test``, which then stands for the facet words), then the conditions ``also`` (on the short
        title) and last the body, without the phrases of two words that their pair alone decides
        (``_exact_pairs``). Any plan that tested the pairs row by row instead (a bitmap of the body's index
        rechecked, or a scan) would compute them for every row tested: a tenth of a millisecond each."""
        pairs = [] if inline else sorted({p for g in parsed.groups for p in self._phrase_pairs(g)})
        if not pairs:
            pieces = [self._group(g) for g in parsed.groups]
            pieces += [self._any(words) for words in _facet_words(filters, skip)]
            body = [(f"p.body @@ ({sql})", params) for sql, params in [self._all(pieces, inline)] if pieces]
            return _joined([*body, *also])
        pieces = [self._group(g) for g in parsed.groups if not self._exact_pairs(g)]
        body = [(f"p.body @@ ({sql})", params) for sql, params in [self._all(pieces)] if pieces]
        # The index holds the facet words too: a facet with one chosen value (or a facet pair with one
        # combination) narrows the candidates there.
        pairs += [words[0] for words in _facet_words(filters, skip) if len(words) == 1]
        rest = [*also, *body]
        sql, params = _joined(rest)
        sql = f"COALESCE({sql}, FALSE)" if rest else ""
        test, test_params = self._facet_test(filters, skip)
        if test:
            sql = f"CASE WHEN {test} THEN {sql or 'TRUE'} ELSE FALSE END"
            params = [*test_params, *params]
        condition = f"{PHRASE_FUNCTION}(p.body) @> %s::text[]"
        return (f"{condition} AND {sql}" if sql else condition), [pairs, *params]

    def prepare(self, parsed, filters) -> None:
        """The phrases' word pairs and the estimates that choose between scan and index."""
        self.where(parsed, filters)
        self._scan_pages(parsed, filters, None, FACET_SAMPLE + 1)

    def _has_phrase_pairs(self, parsed) -> bool:
        return any(self._phrase_pairs(group) for group in parsed.groups)

    def _phrase_pairs(self, group) -> list[str]:
        """The adjacent word pairs of a group that is one quoted phrase (as PostgreSQL's phrase search sees
        them: the lexemes of the phrase's vector at consecutive positions), when their index is ready (it is
        rebuilt concurrently after ``rebuild_search``), else none. Every document that has the phrase has
        its pairs; the phrase itself is still tested on the candidates unless its pair decides it
        (``_exact_pairs``). Looked up once per search."""
        return self._phrase(group)[0]

    def _exact_pairs(self, group) -> bool:
        """Whether the group's one indexed pair is the whole phrase: two lexemes, at positions 1 and 2, once
        each (``phraseto_tsquery`` makes that ``a <-> b``, true of a vector exactly where it has ``a`` at a
        position and ``b`` at the next, which is what the pair stands for). Longer phrases, phrases across a
        stop word and words that give several lexemes are still tested on each candidate."""
        return self._phrase(group)[1]

    def _phrase(self, group) -> tuple[list[str], bool]:
        if group.concepts or group.words or len(group.phrases) != 1 or " " not in group.phrases[0]:
            return [], False
        phrase = group.phrases[0]
        if phrase not in self._pairs:
            vector, params = self._one("to_tsvector", phrase)
            sql = (
                f"SELECT {PHRASE_FUNCTION}(v), EXISTS (SELECT 1 FROM pg_index "  # noqa: S608 (constant names)
                "WHERE indexrelid = to_regclass(%s) AND indisvalid AND indisready), "
                "(SELECT count(*) = 2 AND bool_and(cardinality(positions) = 1) AND sum(positions[1]) = 3 "
                f"FROM unnest(v)) FROM {vector} v"
            )
            pairs, ready, exact = _fetch(sql, [PHRASE_INDEX, *params])[0]
            self._pairs[phrase] = (sorted(pairs), bool(exact)) if ready else ([], False)
        return self._pairs[phrase]

    def _estimated_rows(self, where, params) -> float:
        """The planner's estimate of the postings that match ``where`` (from the lexeme frequencies of the
        table's statistics), kept with the query's counts."""
        sql = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self.POSTING} p WHERE {where}"  # noqa: S608

        def estimate():
            plan = _fetch(sql, params)[0][0]
            return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]

        return cached(("rows", sql, tuple(params)), estimate)

    def _facet_test(self, filters, skip) -> tuple[str, list]:
        """The chosen facets (but ``skip``) tested on the posting's facet values, a short text stored in the
        row (lines ``name=value``), unlike the body vector: a row that fails this needs no full-text test.
        Values hold no ``=`` and no facet name ends another, so ``name=value`` and a line end match only the
        whole line."""
        parts, params = [], []
        for name, values in filters.items():
            if name == skip or not values:
                continue
            parts.append("(" + " OR ".join(["strpos(p.keys || E'\\n', %s) > 0"] * len(values)) + ")")
            params += [f"{name}={value}\n" for value in values]
        return " AND ".join(parts), params

    def _scan_pages(self, parsed, filters, skip, wanted) -> Scan | None:
        """Whether to read the first ``wanted`` matches from the first postings in physical order rather
        than through the GIN index, whose bitmap holds every match first, and which decodes the lists of the
        query's words and facet values. From the planner's estimates of the rows that match (``fraction``)
        and, with facets, of those that have the chosen facet values (``facets``): a scan reads
        ``wanted / fraction`` rows, tests the facet values of each (SCAN_FILTER_COST) and the full text of
        those with the facet values (SCAN_FACET_COST; without facets, SCAN_COST); the index decodes the
        words' and facet values' postings, puts every match in its bitmap and reads the sampled rows
        (INDEX_*_COST). None when the index is cheaper, when more than SCAN_ROWS rows would need the
        full-text test or when the table has no statistics yet."""
        if not SCAN_ROWS or (parsed.is_empty and not filters):
            return None
        estimate = self._words_estimate(parsed)
        if estimate is None:  # for a phrase each row scanned would also cost a recheck
            return None
        tuples, stats_pages, pages, words = estimate
        test, test_params = self._facet_test(filters, skip)
        facets = _facets_fraction(self.POSTING, _facet_words(filters, skip))
        fraction = max(words * facets, 1e-9)
        facets = max(facets, fraction) if test and parsed.groups else 1.0
        needed = wanted / fraction
        tested = needed * facets  # rows whose full text is tested
        if facets < 1:
            # The index decodes the lists of the words (the planner takes them as independent of the facet
            # values) and of the facet values.
            if fraction / facets < SCAN_DENSE:
                return None
            scan_cost = tested * SCAN_FACET_COST + needed * SCAN_FILTER_COST
            matches = tuples * fraction
            index_cost = (
                tuples * (fraction / facets + facets) * INDEX_POSTING_COST
                + matches * INDEX_MATCH_COST
                + min(wanted, matches) * INDEX_ROW_COST
            )
        else:
            scan_cost, index_cost = (needed - wanted) * SCAN_COST, tuples * fraction
        if tested > SCAN_ROWS or scan_cost > index_cost:
            return None
        scan_pages = int(1.5 * needed * stats_pages / tuples) + 1
        # None: to the end of the table, however much it has grown since ``pages`` was read.
        if facets == 1:  # no facet test: every row scanned gets the full-text test
            test, test_params = "", []
        return Scan(scan_pages if scan_pages < pages else None, pages, test, test_params)

    def sample(self, parsed, filters, skip, size, titles=False) -> Sample:
        """The first ``size`` matches in the table's physical order (postings are written in a fixed shuffled
        order, see ``indexing.rebuild``); above ``size``, the total is estimated from how many rows the sample
        spans, as SQLite's is from rowids. Counting every match instead reads a page per match: 22,000 pages
        for the most common word at 100,000 documents. With ``titles``, whether each sampled match matches in
        its title too (a short vector in the row already read) estimates how many do, and the first sampled
        matches of each kind are kept (``Sample.head``): they begin the page of results in index order."""
        where, params = self.where(parsed, filters, skip)
        title, rank, column_params = "FALSE", "NULL", []
        if titles and parsed.groups:
            words, word_params = self.words(parsed)
            title, column_params = f"p.title @@ ({words})", word_params
            if self._few_matches(parsed, filters, size):
                # Every match is expected in the sample: rank them here (as ``_ranked`` would), not again
                # in a statement of their own.
                rank = self._rank(words)
                column_params = [*word_params, *word_params, *word_params]
        columns = (
            "p.keys, (p.ctid::text::point)[0]::bigint, (p.ctid::text::point)[1]::bigint, "
            f"(SELECT pg_relation_size('{self.POSTING}') / current_setting('block_size')::bigint), {title}, "
            f"p.document_id, p.id, {rank}"
        )
        rows, partial, head, scan = None, None, None, self._scan_pages(parsed, filters, skip, size + 1)
        if scan:
            condition, scan_params = self._first_pages(where, params, scan)
            sql = f"SELECT {columns} FROM {self.POSTING} p WHERE {condition} LIMIT %s"  # noqa: S608
            rows = _fetch(sql, [*column_params, *scan_params, size + 1])
            if len(rows) <= size and scan.pages:
                # Fewer than expected: a smaller sample will do, else the whole table, by the index.
                partial, rows = (scan, rows) if len(rows) >= max(1, size // 4) else (None, None)
        # With titles, only for many matches: the head's check reads the pages that the head spans.
        dense = size * (HEAD_DENSITY if column_params else PARTS_DENSITY)
        parts = [] if rows is not None else self._parts(parsed, filters, skip, dense)
        if parts:
            # The parts of the index in order, each read only if the ones before it held too few matches.
            branch = f"SELECT {columns} FROM {self.POSTING} p WHERE "  # noqa: S608
            sql = " UNION ALL ".join(f"({branch}{part} AND {where})" for part in parts) + " LIMIT %s"
            rows = _fetch(sql, [*[*column_params, *params] * len(parts), size + 1])
            if column_params and len(rows) > size:
                head = self._head(rows[:size])
                if not self._head_in_index_order(rows[: size + 1], head):
                    rows, head = None, None  # read again through the whole index
        if rows is None:
            sql = f"SELECT {columns} FROM {self.POSTING} p WHERE {where} LIMIT %s"  # noqa: S608
            rows = _fetch(sql, [*column_params, *params, size + 1])
        keys = [row[0] or "" for row in rows[:size]]
        in_title = None
        if column_params:
            in_title = sum(1 for row in rows[:size] if row[4])
            head = self._head(rows[:size]) if head is None else head
        if partial:
            per_page = max(row[2] for row in rows)
            total = _estimate(len(rows), partial.pages * per_page, partial.total_pages * per_page)
            return Sample(keys, total, False, _scaled(in_title, total, len(rows)), head)
        if len(rows) <= size:
            ids = tuple(row[6] for row in rows) if titles else None
            ranked = None
            if rank != "NULL":
                ranked = tuple(row[5] for row in sorted(rows, key=lambda row: (row[7], row[5])))
            return Sample(keys, len(rows), True, in_title, head, ids, ranked)
        total = self._spanned_total(rows, size)
        return Sample(keys, total, False, _scaled(in_title, total, size), head)

    @staticmethod
    def _spanned_total(rows, size) -> int:
        """The estimated number of matches when the first ``size`` of ``rows`` (a sample cut short) span the
        rows between the first match's position and the last's; rows per page are the highest line number met
        (the table's statistics may be missing or old)."""
        per_page, pages = max(row[2] for row in rows), rows[0][3]
        (_, first_block, first_line, *_), (_, last_block, last_line, *_) = rows[0], rows[size - 1]
        reached = (last_block - first_block) * per_page + last_line - first_line + 1
        return _estimate(size, max(int(reached), size), int(pages * per_page))

    @staticmethod
    def _head(rows) -> tuple[tuple, tuple]:
        """The first sampled matches in index order (a page reads them ordered by ctid) whose title matches,
        and those whose title does not, as document ids: up to a page of each (``Sample.head``)."""
        ordered = sorted(rows, key=lambda row: (row[1], row[2]))
        return tuple(
            tuple(row[5] for row in ordered if bool(row[4]) == wanted)[:PAGE_SIZE] for wanted in (True, False)
        )

    def _head_in_index_order(self, rows, head) -> bool:
        """Whether the ``head`` (``_head``) of a sample read from the parts (``size`` rows and one more) is what
        the whole index gives in index order, as far as a page uses it: the title matches only when there
        are more than RANK_ALL of them (else they are ranked by a statement of their own). True when no
        match outside the sample lies before the head's last row. The parts were read in order, each whole
        before the next, the last in index order up to the last row read; so a match missing there lies
        after that row or has an id above every id read (a record written since the rebuild, into a gap in
        the table's first pages): true when the head ends before the last row read and no posting before
        its end has such an id (after a rebuild the ids follow the table's order). Reads the pages the head
        spans, at most HEAD_CHECK_PAGES of them (else false)."""
        size = len(rows) - 1
        titles, others = head
        in_title = sum(1 for row in rows[:size] if row[4])
        ranked = _scaled(in_title, self._spanned_total(rows, size), size) <= RANK_ALL
        used = set(others) | (set() if ranked else set(titles))
        if not used:
            return True
        end = max((row[1], row[2]) for row in rows[:size] if row[5] in used)
        if end > (rows[-1][1], rows[-1][2]) or end[0] - rows[0][1] > HEAD_CHECK_PAGES:
            return False
        sql = f"SELECT 1 FROM {self.POSTING} p WHERE p.ctid <= %s::tid AND p.id > %s LIMIT 1"  # noqa: S608
        return not _fetch(sql, [f"({end[0]},{end[1]})", max(row[6] for row in rows)])

    def _parts(self, parsed, filters, skip, size) -> list[str]:
        """The conditions on the posting id of the parts of the body's index (``models.PART_INDEX``), in
        order, when a sample of ``size`` matches should be read from them: when there are parts and the
        planner expects more matches than ``size`` (else every part would be read, one index scan each,
        where the whole index is one), except for a phrase whose word pairs find the candidates."""
        if self._has_phrase_pairs(parsed):
            return []
        estimate = self._words_estimate(parsed)
        if estimate is None:
            return []
        tuples, _, _, words = estimate
        expected = tuples * words * _facets_fraction(self.POSTING, _facet_words(filters, skip))
        return _part_conditions(self.POSTING) if expected > size else []

    def _words_estimate(self, parsed) -> tuple[float, int, int, float] | None:
        """The table's rows, pages in its statistics and pages now, and the share of the rows that have the
        query's words, as the planner estimates it (one EXPLAIN per search, shared by the samples; the facet
        words' share comes from the statistics, see ``_facets_fraction``). None without statistics, and for
        a phrase (the planner estimates its words)."""
        if any(group.phrases and not group.concepts for group in parsed.groups):
            return None
        tuples, stats_pages, pages = _table_stats(self.POSTING)
        if tuples <= 0 or stats_pages <= 0:
            return None
        where, params = self.where(parsed, {}, inline=True)
        words = max(self._estimated_rows(where, params) / tuples, 1e-9) if parsed.groups else 1.0
        return tuples, stats_pages, pages, words

    def _few_matches(self, parsed, filters, size) -> bool:
        """Whether the planner expects no more than ``size`` matches (words and facet values independent)."""
        estimate = self._words_estimate(parsed)
        if estimate is None:
            return False
        tuples, _, _, words = estimate
        return tuples * words * _facets_fraction(self.POSTING, _facet_words(filters, None)) <= size

    @staticmethod
    def _first_pages(where, params, scan) -> tuple[str, list]:
        """``where`` tested row by row on the postings of the first ``scan.pages`` pages (None: all), in order,
        not through the index (``COALESCE`` hides the condition from it), after the facet test of the scan
        (``CASE`` keeps that order)."""
        end = f"({scan.pages if scan.pages else 2**31 - 1},0)"
        condition = f"COALESCE({where}, FALSE)"
        if scan.test:
            condition = f"CASE WHEN {scan.test} THEN {condition} ELSE FALSE END"
        return f"p.ctid >= '(0,0)'::tid AND p.ctid < %s::tid AND {condition}", [end, *scan.params, *params]

    def _documents(self, where, params, order, offset, limit, scan=None) -> list:
        """The documents of a page of the postings that match ``where``, in the order ``order`` (ascending,
        then by id), or with ``order`` None in index order: the table's physical order, a fixed shuffle, in
        which PostgreSQL meets the matches (no sort, so a page reads only as many matches as it skips and
        shows; sessions turn synchronised sequential scans off so that this order is always the same). The
        page is chosen from the narrow table first: joined before the limit, PostgreSQL fetched the document
        row of every match and only then sorted. In index order, ``scan`` (pages to read, pages in all) reads
        the first pages without the index when they are expected to hold the page (see ``_scan_pages``)."""
        columns = ", ".join(f"d.{c}" for c in SHOWN)

        def fetch(inner, inner_params):
            sql = (
                f"SELECT {columns} FROM ({inner} LIMIT %s OFFSET %s) s "  # noqa: S608
                "JOIN puente_search_document d ON d.id = s.document_id ORDER BY s.n, s.document_id"
            )
            return list(Document.objects.raw(sql, [*inner_params, limit, offset]))

        in_order = f"SELECT p.document_id, p.ctid AS n FROM {self.POSTING} p WHERE "  # noqa: S608
        if order is None and scan:
            condition, scan_params = self._first_pages(where, params, scan)
            documents = fetch(in_order + condition, scan_params)
            if len(documents) == limit or not scan.pages:
                return documents
        if order is None:
            return fetch(in_order + where, params)
        ranked = (
            f"SELECT p.document_id, {order} AS n FROM {self.POSTING} p "  # noqa: S608
            f"WHERE {where} ORDER BY n, p.document_id"
        )
        return fetch(ranked, params)

    @staticmethod
    def _rank(words, alias="p") -> str:
        """The order of relevance of a posting (``alias``) for the query ``words`` (SQL that takes the words'
        parameters twice): titles weigh four times the body. Every ranked page, and the sample that ranks
        every match, order by it, so a page found one way is the page found another."""
        return f"-(4 * ts_rank({alias}.title, ({words})) + ts_rank({alias}.body, ({words})))"

    def _ranked(self, where, params, parsed, offset, limit) -> list:
        words, word_params = self.words(parsed)
        order = self._rank(words)
        return self._documents(where, [*word_params, *word_params, *params], order, offset, limit)

    def page(self, parsed, filters, rank_all, sort, offset, limit, sample=None, early=None) -> list:
        if sort == "date" or parsed.is_empty:
            if not filters and parsed.is_empty:
                return list(_by_date(Document.objects.defer(*HEAVY))[offset : offset + limit])
            where, params = self.where(parsed, filters)
            sql = f"SELECT p.document_id FROM {self.POSTING} p WHERE {where}"  # noqa: S608
            ids = Document.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611
            return list(_by_date(ids).defer(*HEAVY)[offset : offset + limit])
        if rank_all and sample and sample.ranked is not None:  # every match is known, and ranked
            return _by_ids(sample.ranked[offset : offset + limit])
        if rank_all and sample and sample.ids is not None:  # every match is known: rank those
            # The ids as one array literal: a parameter list of a thousand numbers costs a millisecond to send.
            ids = "{" + ",".join(str(int(pk)) for pk in sample.ids) + "}"
            return self._ranked("p.id = ANY(%s::bigint[])", [ids], parsed, offset, limit)
        if rank_all:
            where, params = self.where(parsed, filters)
            return self._ranked(where, params, parsed, offset, limit)
        return _tiered(self, parsed, filters, None, offset, limit, sample, early)

    def _title_where(self, parsed, filters) -> tuple[str, list]:
        """Postings whose title matches the query and, with facets, whose body (which holds the title too)
        matches the query and the facets: with the query's words in it, the body's index skips through the
        facets' long lists instead of reading them whole."""
        words, word_params = self.words(parsed)
        if not filters and not self._has_phrase_pairs(parsed):
            return f"p.title @@ ({words})", word_params
        return self.where(parsed, filters, also=[(f"p.title @@ ({words})", word_params)])

    def title_page_ahead(self, parsed, filters, limit) -> list | None:
        """When the planner expects more matches than the sample holds, and at most RANK_ALL of them (with
        a margin: the sample's estimate decides) to match in their title: the page ``title_page`` would give
        them (ranked), if there are at most RANK_ALL (else None). It is the slowest statement of such a
        page, so it runs at the same time as the samples; a page that does not need it ignores it, so it
        ranks nothing when there are more: the title matches (at most RANK_ALL + 1) are set aside and
        counted first."""
        estimate = self._words_estimate(parsed)
        if not parsed.groups or estimate is None or self._few_matches(parsed, filters, FACET_SAMPLE):
            return None
        tuples = estimate[0]
        words, params = self._all([self._group(g) for g in parsed.groups], inline=True)
        in_title = self._estimated_rows(f"p.title @@ ({words})", params) / max(tuples, 1)
        if tuples * in_title * _facets_fraction(self.POSTING, _facet_words(filters, None)) > 2 * RANK_ALL:
            return None
        where, where_params = self._title_where(parsed, filters)
        words, word_params = self.words(parsed)
        sql = (
            "WITH c AS MATERIALIZED ("  # noqa: S608 (constant names)
            f"SELECT p.document_id, p.title, p.body FROM {self.POSTING} p WHERE {where} LIMIT %s) "
            "SELECT (SELECT count(*) FROM c), s.document_id FROM (SELECT 1) o LEFT JOIN LATERAL ("
            f"SELECT c.document_id, {self._rank(words, 'c')} AS n "
            "FROM c WHERE (SELECT count(*) FROM c) <= %s ORDER BY n, c.document_id LIMIT %s) s ON TRUE"
        )
        rows = _fetch(sql, [*where_params, RANK_ALL + 1, *word_params, *word_params, RANK_ALL, limit])
        if rows[0][0] > RANK_ALL:
            return None
        return _by_ids([row[1] for row in rows if row[1] is not None])

    def title_count(self, parsed, filters, cap=None) -> int:
        where, params = self._title_where(parsed, filters)
        sql = f"SELECT 1 FROM {self.POSTING} p WHERE {where}"  # noqa: S608
        if cap:
            sql, params = f"{sql} LIMIT %s", [*params, cap]
        return _fetch(f"SELECT count(*) FROM ({sql}) t", params)[0][0]  # noqa: S608

    def title_page(self, parsed, filters, ranked, offset, limit) -> list:
        where, params = self._title_where(parsed, filters)
        if ranked:
            return self._ranked(where, params, parsed, offset, limit)
        return self._documents(where, params, None, offset, limit)

    def rest_page(self, parsed, filters, expression, offset, limit) -> list:
        words, word_params = self.words(parsed)
        where, params = self.where(parsed, filters, also=[(f"NOT p.title @@ ({words})", word_params)])
        scan = self._scan_pages(parsed, filters, None, offset + limit)
        return self._documents(where, params, None, offset, limit, scan)


_STATS: dict = {}
STATS_SECONDS = 60
DEFAULT_LEXEME_FRACTION = 0.005  # PostgreSQL's DEFAULT_TS_MATCH_SEL, without statistics


def _kept(table: str, what: str, compute):
    """``compute()``, kept a minute (STATS_SECONDS) per database, table and ``what``: facts about the postings
    table that change only with a rebuild or an ANALYZE."""
    from django.db import connection

    key = (connection.alias, connection.settings_dict.get("NAME"), table, what)
    now = time.monotonic()
    if key not in _STATS or now - _STATS[key][0] > STATS_SECONDS:
        _STATS[key] = (now, compute())
    return _STATS[key][1]


def _lexeme_fractions(table: str) -> tuple[dict, float]:
    """The body vectors' most common lexemes with the fraction of rows that have each, from the table's
    statistics, and the fraction the planner assumes for any other lexeme (half the least common one's);
    kept a minute (``_kept``)."""

    def compute():
        sql = (
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'body'"
        )
        rows = _fetch(sql, [table])
        fractions, other = {}, DEFAULT_LEXEME_FRACTION
        if rows and rows[0][0] and rows[0][1]:
            lexemes, frequencies = rows[0]
            fractions = dict(zip(lexemes, frequencies, strict=False))
            # After one frequency per lexeme come the least and the greatest of them.
            other = min(DEFAULT_LEXEME_FRACTION, frequencies[len(lexemes)] / 2)
        return fractions, other

    return _kept(table, "lexemes", compute)


def _facets_fraction(table: str, groups: list[list[str]]) -> float:
    """The fraction of rows with the facet words ``groups`` (any word of each group), as the planner
    estimates it."""
    if not groups:
        return 1.0
    fractions, other = _lexeme_fractions(table)
    result = 1.0
    for words in groups:
        missing = 1.0
        for word in words:
            missing *= 1 - fractions.get(word, other)
        result *= 1 - missing
    return result


def forget_statistics() -> None:
    """Forget this process's copies of the table's statistics and parts (other processes keep theirs up to
    STATS_SECONDS: reading stale parts still finds every match, as any parts cover every id)."""
    _STATS.clear()


PART_BOUND = re.compile(r"\bid\s*(>=|<)\s*'?(-?\d+)")


def _part_conditions(table: str) -> list[str]:
    """The id ranges of the valid parts of the body's index (``models.PART_INDEX``) as conditions on ``p``,
    in order, read from their definitions (kept a minute, ``_kept``); none unless they cover every id
    without a gap, so that reading them all finds every match."""

    def compute():
        sql = (
            "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s AND i.indisvalid AND i.indisready"
        )
        ranges = []
        for (predicate,) in _fetch(sql, [table, f"{PART_INDEX}\\_%"]):
            bounds = {op: int(value) for op, value in PART_BOUND.findall(predicate or "")}
            ranges.append((bounds.get(">="), bounds.get("<")))
        ranges.sort(key=lambda r: (r[0] is not None, r[0] or 0))
        covered = (
            len(ranges) > 1
            and ranges[0][0] is None
            and ranges[-1][1] is None
            and all(a[1] is not None and a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
        )
        if not covered:
            return []
        return [
            " AND ".join(
                ([f"p.id >= {low}"] if low is not None else [])
                + ([f"p.id < {high}"] if high is not None else [])
            )
            for low, high in ranges
        ]

    return _kept(table, "parts", compute)


def _table_stats(table: str) -> tuple[float, int, int]:
    """The table's row and page counts from its statistics, and its pages now (kept a minute, ``_kept``)."""
    sql = (
        "SELECT reltuples, relpages, pg_relation_size(oid) / current_setting('block_size')::bigint "
        "FROM pg_class WHERE oid = %s::regclass"
    )
    return _kept(table, "pages", lambda: _fetch(sql, [table])[0])


def _fetch(sql, params) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scaled(count: int | None, total: int, sampled: int) -> int | None:
    return None if count is None else round(count * total / sampled)


def _estimate(found: int, reached: int, extent: int) -> int:
    """How many matches there are when ``found`` were met in the first ``reached`` of ``extent`` positions of
    a shuffled index, rounded to two significant digits (it is shown as an estimate)."""
    estimate = found * max(extent, reached) / max(reached, 1)
    digits = max(0, len(str(int(estimate))) - 2)
    return max(found + 1, int(round(estimate, -digits)))


def _tiered(matcher, parsed, filters, expression, offset, limit, sample=None, early=None) -> list:
    """A page of a very large result: documents whose title matches come first (ranked when there are no
    more than RANK_ALL of them), then the others in index order, which is a fixed shuffle. The first page
    needs no count of the title matches: an estimate (``sample.in_title``) decides whether they are ranked,
    or the statement that ranks them counts them too; a short page of them shows where they end. The sample
    holds the first matches in index order, so the first page's matches in index order come from it when it
    has enough of them (``sample.head``) instead of from one more search. ``early`` is the first page of the
    title matches, ranked, when it was found at the same time as the sample (``Matcher.title_page_ahead``)."""
    in_title = sample.in_title if sample else None
    if offset == 0:
        head = sample.head if sample and sample.head else ((), ())
        if in_title is None:
            documents = matcher.counted_title_page(parsed, filters, limit)
        elif in_title > RANK_ALL and len(head[0]) >= limit:
            documents = _by_ids(head[0][:limit])
        elif in_title <= RANK_ALL and early is not None:
            documents = early
        else:
            documents = matcher.title_page(parsed, filters, in_title <= RANK_ALL, 0, limit)
        if documents is not None:
            wanted = limit - len(documents)
            if wanted and len(head[1]) >= wanted:
                documents += _by_ids(head[1][:wanted])
            elif wanted:
                documents += matcher.rest_page(parsed, filters, expression, 0, wanted)
            return documents
    estimate = in_title
    in_title = matcher.title_count(parsed, filters, cap=RANK_ALL + 1)
    if in_title > RANK_ALL and offset + limit > RANK_ALL:
        in_title = matcher.title_count(parsed, filters)
    # Ranked or not as on the first page, so that the pages follow on.
    ranked = in_title <= RANK_ALL if estimate is None else estimate <= RANK_ALL
    documents = []
    if offset < in_title:
        documents = matcher.title_page(parsed, filters, ranked, offset, limit)
    if len(documents) < limit:
        rest_offset = max(0, offset - in_title)
        documents += matcher.rest_page(parsed, filters, expression, rest_offset, limit - len(documents))
    return documents


def _by_ids(ids) -> list:
    """The documents of ``ids``, in that order, with the fields a result shows."""
    found = Document.objects.filter(pk__in=ids).only(*SHOWN).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def get_matcher() -> Matcher:
    backend = get_search_backend()
    name = type(backend).__name__
    if name == "SQLiteSearchBackend":
        return SQLiteMatcher()
    if name == "PostgresSearchBackend":
        return PostgresMatcher(getattr(backend, "config", None))
    return Matcher()


# --- short-lived cache of what a query costs most to work out --------------------------------------------------
#
# The parse of a query and its total and facet counts are kept in Django's cache for CACHE_SECONDS, under a key
# that includes a generation token. Every change to the index (``indexing``) replaces the token, so a change
# is seen at once by every process that shares the cache (with the default local-memory cache, other worker
# processes may show the previous counts for up to CACHE_SECONDS; the result list itself is never cached).


def index_changed() -> None:
    """Forget every cached parse and count (called whenever the index changes)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY, "")
    return value


def cached(parts: tuple, compute):
    if not CACHE_SECONDS:
        return compute()
    digest = hashlib.blake2s(repr((_generation(), *parts)).encode(), digest_size=16).hexdigest()
    key = f"search:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


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
    approximate_facets: frozenset = frozenset()  # estimated counts, see ``facet_counts``
    approximate_total: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def search(raw: str | None, filters: dict | None = None, sort: str = "relevance", page: int = 1) -> Results:
    """One page of results with facet counts. Up to FACET_SAMPLE matches everything is exact; above, the
    total and the facet counts are estimated from the first FACET_SAMPLE matches (and marked so)."""
    parsed = parse(raw)
    filters = {k: list(dict.fromkeys(v))[:20] for k, v in (filters or {}).items() if k in FACET_ORDER and v}
    matcher = get_matcher().for_query(parsed)
    key = (
        "counts",
        4,  # the shape of what ``_counts`` returns
        type(matcher).__name__,
        parsed.raw,
        sorted(filters.items()),
        FACET_SAMPLE,
        OTHER_VALUES_SAMPLE,
        RANK_ALL,
    )
    # The first page of title matches may be found while the counts are (``Matcher.title_page_ahead``).
    ahead, found_early = None, []
    if page <= 1 and sort != "date" and not parsed.is_empty:
        ahead = functools.partial(matcher.title_page_ahead, parsed, filters, PAGE_SIZE)

    def counts():
        found, first_page = _counts(matcher, parsed, filters, ahead)
        found_early.append(first_page)
        return found

    total, exact, facets, approximate, sample = cached(key, counts)
    pages = max(1, -(-total // PAGE_SIZE))
    # An estimated total may be short (documents added since the last rebuild sit at the end of the index,
    # past where the sample reaches), so pages beyond it are still served, and a full page offers the next.
    page = min(max(1, page), pages) if exact else max(1, page)
    offset = (page - 1) * PAGE_SIZE
    rank_all = exact and total <= RANK_ALL  # else: title matches first, then index order
    early = found_early[0] if found_early and offset == 0 else None
    documents = (
        matcher.page(parsed, filters, rank_all, sort, offset, PAGE_SIZE, sample, early) if total else []
    )
    if not exact and not documents and page > 1:  # past the end of an overestimate
        page, offset = 1, 0
        documents = matcher.page(parsed, filters, rank_all, sort, offset, PAGE_SIZE, sample)
    if not exact and len(documents) < PAGE_SIZE:  # the last page: now the total is known
        total, exact = offset + len(documents), True
    elif not exact:
        total = max(total, offset + PAGE_SIZE + 1)
    results = Results(parsed, filters, sort, total, page, documents, facets, "", approximate, not exact)
    if total == 0 and not parsed.is_empty:
        results.suggestion = _suggestion(parsed)
    terms = [t for g in parsed.groups for t in g.highlight_terms]
    kinds = {value: str(label) for value, label in Kind.choices}  # translated once, not once per result
    meta = meta_labeller()
    for document in documents:
        document.kind_label = kinds.get(document.kind, document.kind)
        document.meta_label = meta(document.meta)
        document.snippet = highlight(document.summary or document.text[:400], terms, length=260)
        document.highlighted_heading = highlight(document.heading, terms, length=400)
    return results


def _counts(matcher, parsed, filters, ahead=None) -> tuple[tuple[int, bool, dict, frozenset, Sample], object]:
    """The number of matches, whether it is exact, the facet counts, which of them are estimates (see
    ``facet_counts``) and what the page needs of the sample (without its facet values: see ``_tiered``);
    and what ``ahead`` returned. The samples of the chosen facets' other values are taken at the same time
    as the main one where the database allows (``concurrently``), and so is ``ahead``, only then (else
    its result is None)."""
    calls = [lambda: matcher.sample(parsed, filters, None, FACET_SAMPLE, titles=True)]
    calls += [
        lambda name=name: matcher.sample(parsed, filters, name, min(FACET_SAMPLE, OTHER_VALUES_SAMPLE))
        for name in filters
    ]
    optional = [ahead] if ahead else []
    found = concurrently(calls, prepare=lambda: matcher.prepare(parsed, filters), optional=optional)
    sample, *others = found[: len(calls)]
    early = found[-1] if ahead else None
    total, exact = sample.total, sample.exact
    if parsed.is_empty and not filters and not exact:
        total, exact = Document.objects.count(), True
    facets, approximate = facet_counts(
        matcher, parsed, filters, sample.keys, total, others=dict(zip(filters, others, strict=True))
    )
    if not exact:  # every count is scaled from the sample, or is the estimated total
        approximate = frozenset(
            [(name, None) for name in facets]
            + [(n, value) for n, values in facets.items() for value, _ in values]
        )
    return (total, exact, facets, approximate, sample._replace(keys=[])), early


_workers = None
_workers_lock = threading.Lock()


def concurrently(calls, prepare=None, optional=()) -> list:
    """The results of ``calls`` (independent reads) and of the ``optional`` ones, the first call on this
    thread's connection and the others at the same time on worker threads, each with its own connection
    (kept open as Django keeps any: up to ``CONN_MAX_AGE``), on PostgreSQL with SEARCH_PARALLEL workers.
    One after the other instead on SQLite, with SEARCH_PARALLEL at 0, or inside a transaction (other
    connections would not see what it wrote), and then without the optional calls (their results are
    None): they save time only when they run beside the others. Each statement of a search in autocommit
    sees the database as it is when it starts, so the results are the same either way. ``prepare`` runs
    first, on this thread, when the calls run at once (what they would otherwise each look up)."""
    from django.conf import settings
    from django.db import connection

    workers = getattr(settings, "SEARCH_PARALLEL", 0)
    if not workers or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [call() for call in calls] + [None for _ in optional]
    if len(calls) + len(optional) < 2:
        return [call() for call in [*calls, *optional]]
    if prepare:
        prepare()
    pool, _ = _pool(workers)
    # The optional calls first: they are the slowest of a search's (see ``Matcher.title_page_ahead``).
    rest = [*optional, *calls[1:]]
    futures = [pool.submit(_in_worker, call) for call in rest]
    first = calls[0]()
    found = [future.result() for future in futures]
    return [first, *found[len(optional) :], *found[: len(optional)]]


def _pool(workers: int) -> tuple[ThreadPoolExecutor, int]:
    """The worker threads (created once per process) and how many there are."""
    global _workers
    with _workers_lock:
        if _workers is None:
            _workers = (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search"), workers)
        return _workers


def _in_worker(call):
    from django.db import close_old_connections

    close_old_connections()  # as at the start of a request: drop a connection that is too old or broken
    return call()


def close_workers() -> None:
    """Close the worker threads' connections (tests: the test database cannot be dropped while they are
    open) and stop the threads."""
    global _workers
    with _workers_lock:
        found, _workers = _workers, None
    if found is None:
        return
    pool, count = found
    barrier = threading.Barrier(count)

    def close():
        from django.db import connections

        barrier.wait(timeout=10)  # one task per thread: each waits until every thread has one
        connections.close_all()

    for future in [pool.submit(close) for _ in range(count)]:
        future.result()
    pool.shutdown(wait=True)


def _count(raw: str) -> int:
    """Whether ``raw`` finds anything (1) or not (0)."""
    parsed = parse(raw)
    if parsed.is_empty:
        return 0
    return min(1, get_matcher().for_query(parsed).sample(parsed, {}, None, 1).total)


def _tally(tallies, keys, names, total) -> bool:
    found = Counter("\n".join(keys).split("\n"))  # one split in C: ten times faster than line by line
    factor = total / len(keys) if keys and total > len(keys) else 1.0
    for line, n in found.items():
        name, _, value = line.partition("=")
        if name in names and value:
            tallies[name][value] = max(1, round(n * factor))
    return factor > 1


def facet_counts(
    matcher, parsed, filters: dict, keys: list, total: int, limit: int = 12, others: dict | None = None
) -> tuple[dict, frozenset]:
    """Counts per facet value over the matches, from the facet values of the matches sampled (``keys``). A
    facet's counts apply every other facet's selection but not its own, so choosing a second value in one
    facet is always possible (one more sample per chosen facet, of OTHER_VALUES_SAMPLE matches). Above the
    sample size the counts are scaled up from the sample. Returns the counts and which of them are
    estimates, as (facet, value) pairs: those of the facets whose sample was scaled up (the only chosen
    value of a facet counts every match, so it is as exact as the total, which the caller knows), and
    (facet, None) for each such facet, whose list of values may miss some."""
    tallies = {name: Counter() for name in FACET_ORDER}
    unchosen = set(FACET_ORDER) - set(filters)
    estimated = set(unchosen) if _tally(tallies, keys, unchosen, total) else set()
    for name in filters:
        if others and name in others:
            found = others[name]
        else:
            found = matcher.sample(parsed, filters, name, min(FACET_SAMPLE, OTHER_VALUES_SAMPLE))
        if _tally(tallies, found.keys, {name}, found.total) or not found.exact:
            estimated.add(name)
        # A chosen value stays listed (so that it can be unchosen) even when its sample missed it. The only
        # chosen value of its facet counts every match (the same number as the total, estimated or not); one
        # of several, too few to be sampled.
        for value in filters[name]:
            if len(filters[name]) == 1:
                tallies[name][value] = total
            elif value not in tallies[name]:
                tallies[name][value] = 0
    counts, approximate = {}, set()
    for name, values in tallies.items():
        chosen = set(filters.get(name, []))
        ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
        counts[name] = ordered[:limit] + [v for v in ordered[limit:] if v[0] in chosen]
        if name in estimated:
            sole = next(iter(chosen)) if len(chosen) == 1 else None
            approximate.add((name, None))
            approximate.update((name, value) for value, _ in counts[name] if value != sole)
    return counts, frozenset(approximate)


# --- highlighting -----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _highlighter(terms: tuple[str, ...]) -> re.Pattern | None:
    """The pattern that finds ``terms`` (built once for the forty snippets and titles of a page)."""
    patterns = sorted({t for t in terms if t and len(t) >= 2}, key=len, reverse=True)
    if not patterns:
        return None
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(p).replace(r"\ ", r"\W+") for p in patterns) + r")\w*", re.UNICODE
    )


def highlight(text: str, terms: list[str], length: int = 260) -> str:
    """``text`` cut around the first match, HTML-escaped, with matches in ``<mark>``. Stems match the start of
    words; phrases match whole."""
    if not text:
        return ""
    folded = fold_exact(text)
    regex = _highlighter(tuple(terms))
    spans = [m.span() for m in regex.finditer(folded)] if regex else []
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
