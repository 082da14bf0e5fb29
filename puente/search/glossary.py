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
        concept = Concept({language: tuple(spec[language]) for language in ("en", "es", "fr")})
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
