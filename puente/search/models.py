"""The search index: one denormalised ``Document`` per published record, indexed through Wagtail's search
layer (modelsearch: SQLite FTS5, PostgreSQL full text, or OpenSearch/Elasticsearch), with its facet values
in ``Facet`` rows and the indexed vocabulary in ``Term`` (for typo tolerance and "Did you mean")."""

import hashlib
import re

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .text import fold

# Every document's body holds this word, so a full-text query can be kept to search documents without a
# join, and facet values as reserved words (see ``facet_token``), so that facet filters are full-text terms.
MARKER = "zqdoc0"


def facet_token(name: str, value: str) -> str:
    """The reserved word that stands for one facet value in the full-text index: letters and digits only, so
    every engine's tokenizer keeps it whole, and unlike any word of the text."""
    digest = hashlib.blake2s(f"{name}={value}".encode(), digest_size=6).digest()
    return f"zq{name}{int.from_bytes(digest, 'big')}"


# Facets that are often chosen together ("what" and "where"). Every document also holds one reserved word per
# combination of their values, so that choosing both is one list for the full-text index to read instead of
# two long ones (at 1,000,000 documents, the most used topic and country: 370,000 postings instead of
# 980,000). Queries use these words only in an index that ``PAIRS_MARKER`` says has them in every document.
PAIRED_FACETS = (("topic", "country"), ("topic", "region"))
# In the vocabulary (``Term``) when every document was indexed with the pair words: written by a full rebuild
# and by the migration that creates an empty index, never by indexing one record (the others may predate it).
PAIRS_MARKER = "zqpairs1"


# PostgreSQL: ``PHRASE_FUNCTION(body)`` lists the pairs of adjacent words ("local develop") of a body vector, as
# PostgreSQL's own phrase search sees them (the vector's lexemes and positions), and its facet words (it keeps
# lexemes shaped like ``facet_token``'s and ``pair_token``'s: "zq", letters, digits), and ``PHRASE_INDEX``
# indexes them (migration 0006), so that a quoted phrase reads its pairs' lists instead of testing every
# document that has all its words. The pairs are computed, not stored: rows stay as narrow as they are.
PHRASE_FUNCTION = "puente_word_pairs"
PHRASE_INDEX = "puente_search_posting_phrases"

# PostgreSQL: the body vectors' index again, in parts (partial GIN indexes ``PART_INDEX_00``, ``_01``, …), each
# on one range of posting ids: after ``rebuild_search`` a range of ids is a range of the table's pages (postings
# are written in id order, a fixed shuffle), so a sample that needs only its first matches reads the parts in
# order and stops at the part that completes it, instead of first putting every match of the whole index in
# one bitmap. Built by ``rebuild_search`` on tables of at least ``MIN_PARTS`` × ``PART_ROWS`` postings; the
# last part is open-ended (it takes the postings written since).
PART_INDEX = "puente_search_posting_part"
PART_ROWS = 50_000
MIN_PARTS = 4
MAX_PARTS = 16

# SQLite: an FTS5 table of the same pairs, written beside every posting (rowid: the posting's id) from its index
# entry's title and body (``phrase_columns``), so that a query of quoted two-word phrases reads one short list
# per phrase instead of the position lists of both (common) words. ``PHRASES_MARKER`` in the vocabulary says
# that every document has its row (written like ``PAIRS_MARKER``).
PHRASE_TABLE = "puente_search_phrase"
PHRASES_MARKER = "zqphrases1"
# The words FTS5's default tokenizer (unicode61) makes of a text that is already folded (an index entry's).
FTS_WORD = re.compile(r"[^\W_]+")
# Reserved words of the index: facet values and facet pairs ("zq", letters, digits), glossary concepts
# (``zqc`` and digits) and the marker.
RESERVED = re.compile(r"zq[a-z]+[0-9]+")
CONCEPT = re.compile(r"zqc[0-9]+")


def phrase_pair(first: str, second: str) -> str:
    """The word that stands for ``first`` followed by ``second`` in ``PHRASE_TABLE``."""
    return f"{first}_{second}"


def phrase_columns(title: str, body: str) -> tuple[str, str]:
    """The title and body of a ``PHRASE_TABLE`` row: the pairs of adjacent words of an index entry's title and
    body, repeated as often as they occur (BM25 ranks phrases as it ranks words), and in the body also the
    words of the facet values and facet pairs (so that the chosen facets are tested in the same list).
    No pair has a reserved word: those are not text."""

    def pairs(words: list[str]) -> list[str]:
        return [
            phrase_pair(a, b)
            for a, b in zip(words, words[1:], strict=False)
            if not RESERVED.fullmatch(a) and not RESERVED.fullmatch(b)
        ]

    words = FTS_WORD.findall(body.lower())
    facets = [w for w in words if RESERVED.fullmatch(w) and not CONCEPT.fullmatch(w) and w != MARKER]
    return " ".join(pairs(FTS_WORD.findall(title.lower()))), " ".join([*pairs(words), *facets])


def pair_token(first: str, first_value: str, second: str, second_value: str) -> str:
    """The reserved word for a document with the value ``first_value`` of facet ``first`` and
    ``second_value`` of ``second`` (a pair of ``PAIRED_FACETS``)."""
    return facet_token(first + second, f"{first_value}={second_value}")


class Kind(models.TextChoices):
    PRACTICE = "practice", _("Practice")
    COMMITMENT = "commitment", _("Commitment")
    PROJECT = "project", _("Project")
    ORGANISATION = "organisation", _("Organisation")
    RESOURCE = "resource", _("Resource")
    MEETING = "meeting", _("Meeting")


URL_NAMES = {
    Kind.PRACTICE: "practices:detail",
    Kind.COMMITMENT: "commitments:detail",
    Kind.PROJECT: "programmes:project",
    Kind.ORGANISATION: "organizations:detail",
    Kind.RESOURCE: "resources:detail",
    Kind.MEETING: "events:detail",
}


class Document(index.Indexed, models.Model):
    """What the search engine knows of one published record: its text in one place, stems for
    language-aware matching, and what the result list shows."""

    # ``indexing`` adds and removes documents in the search backends itself, then copies what matching reads
    # into ``Posting``: Wagtail's own signal handlers would index a second time, later (on commit).
    search_auto_update = False

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, db_index=True)
    slug = models.CharField(max_length=255)
    heading = models.CharField(_("title"), max_length=255)
    heading_stems = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="Plain text of the record (summary, body, places, names).")
    text_stems = models.TextField(blank=True)
    names = models.TextField(blank=True, help_text="Organisations and places, for autocomplete.")
    meta = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=8, blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    facet_keys = models.TextField(blank=True, help_text="The facet values, one name=value per line.")
    heading_concepts = models.TextField(
        blank=True, help_text="Tokens of the glossary concepts of the heading."
    )
    concepts = models.TextField(blank=True, help_text="Tokens of the glossary concepts the text matches.")

    search_fields = [
        index.SearchField("title", boost=4),
        index.SearchField("search_body"),
        index.AutocompleteField("heading"),
        index.AutocompleteField("names"),
        index.FilterField("id"),  # a search server's ties, newest first (see ``engine.Matcher.page``)
        index.FilterField("kind"),
        index.FilterField("date"),
        index.FilterField("language"),
    ]

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_document_per_record")
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        try:
            return reverse(URL_NAMES[self.kind], args=[self.slug])
        except (KeyError, NoReverseMatch):
            return ""

    @property
    def title(self) -> str:
        """Indexed as the title (weighted above the body): the heading without accents, its stems and its
        glossary concepts. Folding here makes every engine accent-insensitive in the same way."""
        return f"{fold(self.heading)} {self.heading_stems} {self.heading_concepts}".strip()

    @property
    def facet_pairs(self) -> list[tuple[str, str]]:
        return [tuple(line.split("=", 1)) for line in self.facet_keys.splitlines() if "=" in line]

    @property
    def facet_words(self) -> list[str]:
        """The reserved words of the facet values, and of their combinations in ``PAIRED_FACETS``."""
        pairs = self.facet_pairs
        words = [facet_token(name, value) for name, value in pairs]
        values = {}
        for name, value in pairs:
            values.setdefault(name, []).append(value)
        for first, second in PAIRED_FACETS:
            words += [
                pair_token(first, a, second, b) for a in values.get(first, ()) for b in values.get(second, ())
            ]
        return words

    @property
    def search_body(self) -> str:
        """Indexed as the body: the heading and text without accents, their stems, the facet words, the
        glossary concepts and the marker. Every match is tested against the body alone (one inverted index per
        query)."""
        facets = " ".join(self.facet_words)
        return f"{self.title} {fold(self.text)} {self.text_stems} {facets} {self.concepts} {MARKER}"


class Posting(models.Model):
    """The narrow row that counting and sampling read for one document: its facet values and, on PostgreSQL,
    its title and body vectors (columns ``title`` and ``body``, GIN-indexed, added by the migrations and copied
    from Wagtail's index entry by ``indexing``). A document row or an index entry holds the whole text (three
    rows per 8 kB page); this holds little more than the vectors, so a count reads far fewer pages. Its id is
    the id of the document's index entry (SQLite's full-text rowid: a match leads straight here), or minus
    the document's id where a search server keeps the index. ``rebuild_search`` writes postings in a fixed
    shuffled order: the first matches met are a fair sample, and how far into the table they reach estimates
    the number of matches."""

    id = models.BigAutoField(primary_key=True)
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="posting")
    keys = models.TextField(blank=True, help_text="The facet values, one name=value per line.")

    def __str__(self) -> str:
        return str(self.document_id)


class Facet(models.Model):
    """One facet value of a document ("topic" = "remittances", "year" = "2024")."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=16)
    value = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["name", "value", "document"]),
            models.Index(fields=["document", "name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Term(models.Model):
    """A word of the indexed text (folded, four letters or more), for typo tolerance."""

    word = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["length", "word"])]

    def __str__(self) -> str:
        return self.word
