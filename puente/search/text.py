"""Text helpers for search: accent folding, tokens, stems (Snowball, per language) and plain text from HTML."""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer
from django.utils.html import strip_tags

WORD = re.compile(r"\w+", re.UNICODE)
STEMMERS = {"en": "english", "es": "spanish", "fr": "french"}
MAX_QUERY_CHARS = 200
MAX_TOKENS = 12


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = decomposed[0] if decomposed else char
    return base.lower() if len(base.lower()) == 1 else char.lower()


# Accented Latin letters (Latin-1 Supplement and Latin Extended-A/B) to their base letter, for str.translate.
_LATIN = {code: _fold_char(chr(code)) for code in range(0xC0, 0x250) if len(_fold_char(chr(code))) == 1}
# The same and capital ASCII letters: every character below U+0250 to exactly one character.
_EXACT = {code: _fold_char(chr(code)) for code in range(0x41, 0x250)}
_BEYOND_LATIN = re.compile("[^\x00-\u024f]")


def fold_exact(text: str) -> str:
    """Lower case without accents, one character for one character (so positions stay valid)."""
    if text.isascii():
        return text.lower()
    if not _BEYOND_LATIN.search(text):
        return text.translate(_EXACT)
    return "".join(_fold_char(c) for c in text)


def fold(text: str) -> str:
    """Lower case without accents (fast; for indexing and queries). Use ``fold_exact`` where positions matter."""
    text = text.lower().translate(_LATIN)
    if text.isascii():
        return text
    return "".join(_fold_char(c) if ord(c) > 0x24F else c for c in text if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded word tokens; underscores and digits-only tokens are dropped."""
    return [t for t in WORD.findall(fold(text).replace("_", " ")) if not t.isdigit() or len(t) == 4]


@functools.lru_cache(maxsize=3)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


@functools.lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    if language not in STEMMERS:
        return word
    return fold(_stemmer(language).stemWord(word))


def stems(text: str, language: str) -> str:
    """The stems of ``text`` in its language, for the index (other languages: the stems of all three)."""
    languages = [language] if language in STEMMERS else list(STEMMERS)
    out = []
    for token in tokens(text):
        for lang in languages:
            value = stem(token, lang)
            if value != token:
                out.append(value)
    return " ".join(dict.fromkeys(out))


def html_to_text(value) -> str:
    if not value:
        return ""
    text = strip_tags(str(value).replace("<", " <"))
    return " ".join(unicodedata.normalize("NFC", text).split())


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def clean_query(raw: str | None) -> str:
    """What the user typed, made safe to show and parse: no control characters, bounded length."""
    text = CONTROL.sub(" ", raw or "")
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]
