"""One fused English analyzer: tokenize, split names, drop stop words, stem, in one loop.

Whoosh's composed analyzers pass every token through a chain of generators; at ~150
words an abstract that chain alone caps indexing near 1,200 papers/s. Here each word is
looked up in a cache of its analysis (readinglist.search.tokens: the word's terms, the
whole word's first, and the sequence of its pieces), so a word seen before costs one
dict lookup. Stems come from Snowball's English (Porter2) stemmer: Whoosh's Porter
stemmer turns "splatting" into "splatt", so "splat" would not find it.

The same functions analyse queries: a query's word is found as its whole form or as
the sequence of its pieces (readinglist.search.engine), so "gpt-4", "gpt4" and
"gpt 4v" all find "GPT-4V".
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from whoosh.analysis import Token, Tokenizer

from readinglist.core.spelling import american_prefixes
from readinglist.search.tokens import (
    MAX_WORD,
    STOP_WORDS,
    WORD,
    TokenTerms,
    analyse_token,
    catenated,
    term,
)

__all__ = [
    "MAX_WORD",
    "STOP_WORDS",
    "WORD",
    "EnglishAnalyzer",
    "PairAnalyzer",
    "TokenTerms",
    "analyse_token",
    "analyze",
    "catenated",
    "prefix_starts",
    "query_tokens",
    "stem",
    "word_pairs",
]


def stem(word: str) -> str:
    """The index term of a lower-case plain word (cached: a library's vocabulary is small)."""
    return term(word)


class _Stateless(Tokenizer):  # type: ignore[misc]
    """A Whoosh analyzer without settings: equal to any other of its class."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class EnglishAnalyzer(_Stateless):
    """Whoosh analyzer: words and their pieces, no stop words, Porter2 stems."""

    is_morph = True

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, match in enumerate(WORD.finditer(value) if tokenize else ()):
            for text in analyse_token(match.group()).terms:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = match.group()
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token
        if not tokenize:
            token.text = token.original = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token


def analyze(text: str) -> list[str]:
    """The index terms of a piece of text, in order (each word's whole form first)."""
    return [found for match in WORD.finditer(text) for found in analyse_token(match.group()).terms]


def query_tokens(text: str) -> list[TokenTerms]:
    """The analysis of each word of a query's text that is not a stop word."""
    found = (analyse_token(match.group()) for match in WORD.finditer(text))
    return [token for token in found if token.terms]


def prefix_starts(prefix: str) -> set[str]:
    """How the index terms of words that start with ``prefix`` start: as typed, less
    its hyphens and dots ("gpt-4" -> "gpt4", as the whole word's term), American
    ("quantis" -> "quantiz") and stemmed ("splatting" -> "splat")."""
    joined = catenated(prefix)
    starts = american_prefixes(joined)
    whole = analyse_token(joined).whole
    if whole is not None:
        starts.add(whole)
    return {start for start in starts if start}


def word_pairs(text: str) -> list[str]:
    """Adjacent index terms joined by a space, stop words skipped: the phrase index.

    "state of the art results" -> ["state art", "art result"]: a phrase query needs all
    its pairs, which finds the phrase without storing word positions. Words are paired
    by their pieces ("Scaled-YOLOv4 detector": "scale yolo", "yolo v", "v 4",
    "4 detector"), and a camel-case word's humps pair too ("flash attent").
    """
    sequence: list[str] = []
    extra: list[str] = []
    for match in WORD.finditer(text):
        found = analyse_token(match.group())
        sequence.extend(found.sequence)
        extra.extend(f"{a} {b}" for a, b in found.pairs)
    return [f"{a} {b}" for a, b in pairwise(sequence)] + extra


class PairAnalyzer(_Stateless):
    """Whoosh analyzer for the phrase field: one token per pair of adjacent terms."""

    def __call__(
        self, value: str, positions: bool = False, tokenize: bool = True, **kwargs: Any
    ) -> Iterator[Token]:
        start_pos = int(kwargs.pop("start_pos", 0))
        for unused in ("keeporiginal", "start_char"):  # pairs have no original or offsets
            kwargs.pop(unused, None)
        token = Token(positions, **kwargs)
        pairs = word_pairs(value) if tokenize else [value]
        for pos, pair in enumerate(pairs):
            token.text = pair
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token
