"""Acronyms a paper defines: "Mixture-of-Experts (MoE)", "LoRA (Low-Rank Adaptation)".

Abstracts define the acronyms they use, and a reader searches for either form. The
search index keeps each paper's definitions (see readinglist.search.acronym_table), so
that a query for "moe" also finds "mixture of experts" and the other way round, with
the library's own definitions rather than a dictionary that would miss new names.

A definition is accepted only when the acronym's letters are the initials of the words
it stands for, in order:

- every word gives the start of itself: usually one letter, more when the acronym has
  them ("Vision Transformer (ViT)", "Neural Radiance Fields (NeRF)", "3D Gaussian
  Splatting (3DGS)");
- a stop word may give nothing ("Reinforcement Learning from Human Feedback (RLHF)"),
  and so may a hyphenated word's later parts ("Generative Pre-trained Transformer
  (GPT)"); the first and last words always give something;
- a plural acronym's final "s" stands for no word ("large language models (LLMs)").

So "(see Table 2)" or "we use the Adam optimizer (Adam)" define nothing. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeAlias

__all__ = ["Definition", "definitions"]

# An acronym: letters and digits (an inner hyphen allowed), two capitals at least.
_ACRONYM: Final = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){1,11}"
# "words (ACRONYM)" and "ACRONYM (words)"; the parenthesis may go on after a comma or
# semicolon: "(LLMs, e.g. GPT-4)".
_AFTER: Final = re.compile(rf"\(\s*({_ACRONYM})\s*[),;]")
_BEFORE: Final = re.compile(rf"(?<![\w-])({_ACRONYM})\s+\Z")
_INSIDE: Final = re.compile(r"\(([^()]{3,120})\)")
# What ends the words an acronym can stand for, looking back from its parenthesis.
_CLAUSE_END: Final = re.compile(r"[.;:,!?()\[\]{}\"“”]")
_WORD: Final = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_CAPITALS: Final = re.compile(r"[A-Z]")
_STOP: Final = frozenset(
    "a an and as at by for from in into of on or the to via with without".split()  # noqa: SIM905
)
MAX_WORDS: Final = 10  # an acronym of up to 12 letters stands for at most this many words
_LOOK_BACK: Final = 200  # characters before the parenthesis that may hold those words


@dataclass(frozen=True, slots=True)
class Definition:
    """An acronym as written ("LLMs") and the words it stands for, as written and in
    order ("large", "language", "models"; a hyphenated word is one word here)."""

    acronym: str
    words: tuple[str, ...]

    @property
    def expansion(self) -> str:
        """The words it stands for, lower case, as a reader would type them."""
        return " ".join(self.words).lower()


# A piece of a word: its text (lower case), which word it is part of (hyphenated parts
# share one), and whether it may stand for no letter (a stop word, a later part).
_Piece: TypeAlias = tuple[str, int, bool]


@lru_cache(maxsize=4096)
def _letters(acronym: str) -> str | None:
    """The letters the words must give, lower case; None for what is no acronym.
    (Cached: the same acronyms recur from paper to paper.)"""
    if len(_CAPITALS.findall(acronym)) < 2:
        return None
    letters = acronym.replace("-", "")
    if len(letters) > 2 and letters[-1] == "s" and letters[-2].isupper():
        letters = letters[:-1]  # a plural: LLMs, GNNs
    return letters.lower()


def _pieces(words: list[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for number, word in enumerate(words):
        for index, part in enumerate(word.lower().split("-")):
            pieces.append((part, number, index > 0 or part in _STOP))
    return pieces


def _fits(letters: str, pieces: tuple[_Piece, ...]) -> bool:
    """Whether the pieces, first and last giving at least one letter, spell ``letters``."""
    memo: dict[tuple[int, int], bool] = {}
    last = len(pieces) - 1

    def fits(piece: int, letter: int) -> bool:
        if piece > last:
            return letter == len(letters)
        key = (piece, letter)
        found = memo.get(key)
        if found is None:
            text, _word, optional = pieces[piece]
            found = (optional and 0 < piece < last and fits(piece + 1, letter)) or any(
                letters[letter : letter + size] == text[:size] and fits(piece + 1, letter + size)
                for size in range(1, min(len(text), len(letters) - letter) + 1)
            )
            memo[key] = found
        return found

    return fits(0, 0)


def _words_before(text: str, end: int) -> list[str]:
    """The words of the clause that ends at ``end`` (the acronym's parenthesis)."""
    start = max(end - _LOOK_BACK, 0)
    for stop in _CLAUSE_END.finditer(text, start, end):
        start = stop.end()
    return _WORD.findall(text, start, end)[-MAX_WORDS:]


def _stands_for(acronym: str, words: list[str], *, anchored_start: bool) -> Definition | None:
    """The shortest run of ``words`` ending with the last one (and, when
    ``anchored_start``, starting with the first one) that the acronym stands for: two
    words at least, or one hyphenated word ("Mixture-of-Experts")."""
    letters = _letters(acronym)
    if letters is None or not words:
        return None
    if not anchored_start:
        words = words[-(len(letters) + 4) :]  # a longer run has too many pieces
    last = words[-1].rsplit("-", 1)[-1][:1].lower()
    if last not in letters[1:]:
        return None  # the last word gives a letter after the first
    pieces = _pieces(words)
    if not anchored_start and len(pieces) >= len(letters) > 1:
        # The usual definition: one initial per piece ("large language models").
        initials = pieces[-len(letters) :]
        at_word_start = (
            len(initials) == len(pieces) or pieces[-len(initials) - 1][1] != initials[0][1]
        )
        if at_word_start and "".join(piece[0][0] for piece in initials) == letters:
            return Definition(acronym, tuple(words[initials[0][1] :]))
    starts = [0] if anchored_start else range(len(words) - 1, -1, -1)
    for start in starts:
        if words[start][0].lower() != letters[0]:
            continue  # the first word gives the first letter
        run = tuple(piece for piece in pieces if piece[1] >= start)
        if len(run) > len(letters) + 4:
            break
        if len(run) > 1 and _fits(letters, run):
            return Definition(acronym, tuple(words[start:]))
    return None


def definitions(text: str) -> list[Definition]:
    """Every acronym ``text`` defines, in order of appearance, each definition once."""
    found: dict[tuple[str, str], Definition] = {}
    # Each parenthesis in turn (a regex that scans for acronyms costs ten times more).
    opening = text.find("(")
    while opening >= 0:
        definition = _defined_at(text, opening)
        if definition is not None:
            found.setdefault((definition.acronym, definition.expansion), definition)
        opening = text.find("(", opening + 1)
    return list(found.values())


def _defined_at(text: str, opening: int) -> Definition | None:
    """The definition made by the parenthesis at ``opening``, if any."""
    if after := _AFTER.match(text, opening):
        return _stands_for(after.group(1), _words_before(text, opening), anchored_start=False)
    before = _BEFORE.search(text, max(opening - 20, 0), opening)
    inside = _INSIDE.match(text, opening)
    if before is None or inside is None or _CLAUSE_END.search(inside.group(1)):
        return None
    words = _WORD.findall(inside.group(1))
    if not 2 <= len(words) <= MAX_WORDS:
        return None
    return _stands_for(before.group(1), words, anchored_start=True)
