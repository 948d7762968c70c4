"""How one word of a paper becomes index terms, names of models included.

ML papers name things by gluing letters, digits, capitals and hyphens: "YOLOv9",
"GPT-4V", "Qwen2.5-VL", "LLaMA-2", "Scaled-YOLOv4", "SwinV2", "FlashAttention2",
"DCNv3". A reader searches for the family ("yolo", "swin", "dcn"), the exact name
("yolov9", "gpt4v") or its pieces ("gpt 4v", "flash attention"). So, like Lucene's
word-delimiter graph filter, a word is split at hyphens and dots, between letters and
digits, before a version's "v" and at camel-case humps, and the whole word is kept too:

    "GPT-4V"          -> gpt4v (whole), gpt, 4v (hyphen pieces), 4, v
    "Scaled-YOLOv4"   -> scaledyolov4, scale, yolov4, yolo, v, 4, yolov
    "FlashAttention2" -> flashattention2, flashattention, 2, flash, attention

The *sequence* of a word is its pieces in order, split without looking at case
(``scale yolo v 4``): what the phrase index pairs (see :func:`readinglist.search.
analysis.word_pairs`) and what a query's word is matched against when its whole form is
not in a paper. A query is lower case, so case-only splits cannot be in a sequence;
camel humps are extra terms instead ("flash", "attention"), with their own pair.

Every term goes through :func:`term`: British spellings folded to American ones
(readinglist.core.spelling), then the Porter2 stem, then the plural of an acronym
without vowels dropped ("llms" -> "llm", which Porter2 keeps as it is).

Plain words (one case shape, letters only, or digits only) take a fast path, and every
word's analysis is cached by its text as written: a library's vocabulary is small.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Final, NamedTuple

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.lang import stemmer_for_language

from readinglist.core.query import MAX_COMPOUND_CHARS, MAX_WORD_CHARS
from readinglist.core.spelling import american

# A word: letters, digits and "_", with inner hyphens and dots ("GPT-4V", "v1.5", "e.g").
# Linear: no nested repetition that could backtrack.
WORD: Final = re.compile(r"\w+(?:[-.]\w+)*")
STOP_WORDS: Final = frozenset(WHOOSH_STOP_WORDS)
# A word longer than this is noise (a hash, a base64 blob): it is not indexed whole.
# A compound this long (a run of hyphenated noise) is not indexed at all. The query
# language knows both (a longer query word matches nothing and says so).
MAX_WORD: Final = MAX_WORD_CHARS
MAX_COMPOUND: Final = MAX_COMPOUND_CHARS
# The caches are dropped when they reach this many words (a process indexing several
# libraries, or a library of noise, must not grow without bound).
MAX_CACHED: Final = 500_000

# Hyphens, and dots other than a decimal point ("Qwen2.5-VL" -> "Qwen2.5", "VL").
_CHUNK_SPLIT: Final = re.compile(r"-|(?<![0-9])\.|\.(?![0-9])")
# Runs of letters, and numbers with their decimal points.
_PIECE: Final = re.compile(r"[^\W\d_]+|\d+(?:\.\d+)*")
# Camel humps: after three letters, before a capitalised word or capitals followed by a
# small letter ("Flash|Attention", "Video|LLaMA"); or before three or more capitals
# that end the run ("Le|YOLO", "tp|SGD"). "NeRF", "LoRA", "DeiT" and "ViT" stay whole.
_CAMEL: Final = re.compile(
    r"(?<=[A-Za-z]{2}[a-z])(?=[A-Z][a-z]|[A-Z]{2,}[a-z])|(?<=[a-z])(?=[A-Z]{3,}(?![a-z]))"
)
_VOWELS: Final = frozenset("aeiouy")

_STEMMER = stemmer_for_language("english")
_TERMS: dict[str, str] = {}


class TokenTerms(NamedTuple):
    """What the index holds for one word as written.

    ``terms``: every index term, the whole word's first, each once (what the text
    fields count). ``sequence``: its pieces in order, split as a lower-case query would
    split them (what the phrase index pairs). ``pairs``: extra adjacent pairs, the camel
    humps' ("flash attent"). Stop words are in none of them.
    """

    terms: tuple[str, ...]
    sequence: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]

    @property
    def whole(self) -> str | None:
        """The whole word's term (None for a stop word)."""
        return self.terms[0] if self.terms else None


EMPTY: Final = TokenTerms((), (), ())
_TOKENS: dict[str, TokenTerms] = {}


def term(word: str) -> str:
    """The index term of a lower-case word: American spelling, Porter2 stem, and an
    acronym's plural made singular ("llms" -> "llm", "cnns" -> "cnn"). Cached."""
    found = _TERMS.get(word)
    if found is None:
        if len(_TERMS) >= MAX_CACHED:
            _TERMS.clear()
        folded = american(word)
        found = _STEMMER(folded)
        if (
            found == folded
            and len(found) >= 4
            and found[-1] == "s"
            and found[-2] != "s"
            and found.isalpha()
            and not _VOWELS.intersection(found[:-1])
        ):
            found = found[:-1]
        _TERMS[word] = found
    return found


def _is_plain(raw: str) -> bool:
    """Letters of one case shape ("model", "Model", "MODEL") or digits only."""
    if raw.isalpha():
        return raw.islower() or raw.isupper() or raw[1:].islower()
    return raw.isdigit()


def analyse_token(raw: str) -> TokenTerms:
    """The terms of one word as it is written (cached)."""
    found = _TOKENS.get(raw)
    if found is None:
        if len(_TOKENS) >= MAX_CACHED:
            _TOKENS.clear()
        found = _TOKENS[raw] = _plain(raw) if _is_plain(raw) else _compound(raw)
    return found


def _plain(raw: str) -> TokenTerms:
    word = raw.lower()
    if word in STOP_WORDS or len(word) > MAX_WORD:
        return EMPTY
    terms = (term(word),)
    return TokenTerms(terms, terms, ())


def _compound(raw: str) -> TokenTerms:
    """A word with hyphens, dots, digits among letters or camel humps."""
    if len(raw) > MAX_COMPOUND:
        return EMPTY
    chunks = [chunk for chunk in _CHUNK_SPLIT.split(raw) if chunk]
    sequence: list[str] = []  # pieces as written
    extras: list[str] = []  # more words to index: unsplit version runs, camel humps
    humps: list[tuple[str, str]] = []
    for chunk in chunks:
        pieces = _PIECE.findall(chunk)
        for index, piece in enumerate(pieces):
            if piece[0].isdigit():
                sequence.append(piece)
                continue
            base = piece
            followed_by_number = index + 1 < len(pieces) and pieces[index + 1][0].isdigit()
            if followed_by_number and len(piece) >= 4 and piece[-1] in "vV":
                # A version: "YOLOv9" is YOLO v 9; "yolov" and "conv" are kept as well.
                base = piece[:-1]
                sequence.extend((base, piece[-1]))
                extras.append(piece)
            else:
                sequence.append(piece)
            camel = _CAMEL.split(base)
            if len(camel) > 1:
                extras.extend(camel)
                humps.extend(pairwise(camel))
    if len(chunks) == 1 and len(sequence) == 1 and not extras:
        return _plain(raw) if len(raw) <= MAX_WORD else EMPTY  # "GANs", "3.5"
    words = ["".join(chunks)]
    if len(chunks) > 1:
        words.extend(chunks)
    words.extend(sequence)
    words.extend(extras)
    pairs = [_terms_of([first, second], unique=False) for first, second in humps]
    return TokenTerms(
        _terms_of(words),
        _terms_of(sequence, unique=False),
        tuple((pair[0], pair[1]) for pair in pairs if len(pair) == 2),
    )


def _terms_of(words: list[str], unique: bool = True) -> tuple[str, ...]:
    """The terms of words as written: no stop words, no noise, each once if ``unique``."""
    found: list[str] = []
    for word in words:
        lower = word.lower()
        if lower in STOP_WORDS or len(lower) > MAX_WORD:
            continue
        stemmed = term(lower)
        if not unique or stemmed not in found:
            found.append(stemmed)
    return tuple(found)


def catenated(raw: str) -> str:
    """A compound written without its hyphens and dots, lower case ("gpt-4" -> "gpt4"):
    the start of its whole form's term, for prefix searches."""
    return "".join(chunk for chunk in _CHUNK_SPLIT.split(raw.lower()) if chunk)


def clear_caches() -> None:
    """Forget every cached analysis (tests that change the rules use it)."""
    _TOKENS.clear()
    _TERMS.clear()
