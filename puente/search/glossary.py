"""The trilingual glossary (``data/glossary.yaml``) and query expansion across English, Spanish and French."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .text import STEMMERS, stem, tokens

PATH = Path(__file__).parent / "data" / "glossary.yaml"
MAX_WORDS = 6


@dataclass(frozen=True)
class Concept:
    terms: dict  # language -> tuple of terms
    number: int = 0  # position in the glossary file

    @property
    def token(self) -> str:
        """The reserved word that stands for this concept in the full-text index (see ``concept_tokens``)."""
        return f"zqc{self.number}"

    @property
    def all_terms(self) -> list[tuple[str, str]]:
        return [(language, term) for language, terms in self.terms.items() for term in terms]

    def label(self, language: str) -> str:
        return self.terms.get(language, self.terms["en"])[0]


@dataclass
class Glossary:
    concepts: list
    index: dict  # tuple of folded tokens (or stems) -> set of concept numbers

    def lookup(self, words: tuple[str, ...]) -> set[int]:
        found = set(self.index.get(("w", *words), ()))
        for language in STEMMERS:
            found |= self.index.get((language, *(stem(w, language) for w in words)), set())
        return found


def _keys(language: str, term: str):
    words = tuple(tokens(term))
    if not words:
        return
    yield ("w", *words)
    yield (language, *(stem(w, language) for w in words))


@functools.lru_cache(maxsize=1)
def load(path: Path = PATH) -> Glossary:
    concepts, index = [], {}
    for number, spec in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
        concept = Concept({language: tuple(spec[language]) for language in ("en", "es", "fr")}, number)
        concepts.append(concept)
        for language, term in concept.all_terms:
            for key in _keys(language, term):
                if len(key) - 1 <= MAX_WORDS:
                    index.setdefault(key, set()).add(number)
    return Glossary(concepts, index)


@dataclass
class Match:
    start: int
    end: int  # exclusive, in token positions
    concepts: list


def find(words: list[str], glossary: Glossary | None = None) -> list[Match]:
    """Greedy longest matches of glossary terms in the query's folded words."""
    glossary = glossary or load()
    matches, i = [], 0
    while i < len(words):
        for length in range(min(MAX_WORDS, len(words) - i), 0, -1):
            found = glossary.lookup(tuple(words[i : i + length]))
            if found:
                matches.append(Match(i, i + length, [glossary.concepts[n] for n in sorted(found)]))
                i += length
                break
        else:
            i += 1
    return matches


def alternatives(concept: Concept) -> tuple[list[str], list[str]]:
    """What a query for ``concept`` matches: single words (each term's folded word and its stem in the term's
    language) and phrases (terms of several words)."""
    words, phrases = [], []
    for language, term in concept.all_terms:
        found = tokens(term)
        if len(found) == 1:
            words += [found[0], stem(found[0], language)]
        elif found:
            phrases.append(" ".join(found))
    return words, phrases


@functools.lru_cache(maxsize=1)
def _detector(path: Path = PATH) -> tuple[dict, dict]:
    """Single words -> concept tokens, and first words -> [(phrase words, concept token)]."""
    single, phrases = {}, {}
    for concept in load(path).concepts:
        words, multi = alternatives(concept)
        for word in words:
            single.setdefault(word, set()).add(concept.token)
        for phrase in multi:
            parts = tuple(phrase.split())
            phrases.setdefault(parts[0], []).append((parts, concept.token))
    return single, phrases


def concept_tokens(words: list[str]) -> list[str]:
    """The tokens of the concepts that a document of these folded words (text, then stems) would match
    through its words and phrases: indexed with the document, so that a query for a concept, which expands
    to a dozen words and phrases in three languages, is one word of the index."""
    single, phrases = _detector()
    found = set()
    for word in set(words) & single.keys():
        found |= single[word]
    for i, word in enumerate(words):
        for parts, token in phrases.get(word, ()):
            if tuple(words[i : i + len(parts)]) == parts:
                found.add(token)
    return sorted(found)
