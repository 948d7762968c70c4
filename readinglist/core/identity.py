"""Who a paper is: what a lookup service says about it, and when a title is the same paper.

The services themselves (Hugging Face, arXiv) live in ``readinglist.remote``; the use
case that applies what they say lives in ``readinglist.core.resolve_cases``. This module
holds the values they exchange and the one rule that decides a title match, so the
rule is pure, documented and tested on its own.

**The title rule.** Both titles are normalised: Unicode NFKC, case folded, TeX math
and commands reduced to their letters (``$\\pi_0$`` -> ``pi0``), Greek letters spelled
as TeX names them (``π0`` -> ``pi0``), accents removed,
every run of characters other than letters and digits made one space. The titles match
when the normalised texts are equal, or, for titles of at least 30 normalised
characters, when they differ by at most one edit (insertion, deletion or substitution
of a character) per 60 characters, and in no word made only of digits or in a negation
(``not``, ``no``, ``without``): "Attention Is All You Need" never matches "Attention Is
Not All You Need", and "YOLOv9" never matches "YOLOv8". Anything else is no match:
a wrong paper is worse than no paper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from readinglist.core.metadata import PersonName, Source


@dataclass(frozen=True, slots=True)
class Found:
    """What one service says about one paper; None and () are "it did not say"."""

    source: Source
    title: str
    arxiv_id: str | None = None
    authors: tuple[PersonName, ...] = ()
    published: str | None = None  # ISO date of the first version
    updated: str | None = None  # ISO date of the latest version
    primary_category: str | None = None
    abstract: str | None = None
    doi: str | None = None  # a journal DOI the service gives (not arXiv's own)
    hf_page: str | None = None
    upvotes: int | None = None
    github_repo: str | None = None  # a repository URL
    github_stars: int | None = None


class LookupFailedError(Exception):
    """Base of what a lookup raises; the message is one line for the user."""


class LookupOfflineError(LookupFailedError):
    """The service could not be reached (no network, DNS, refused, timed out)."""


class LookupUnavailableError(LookupFailedError):
    """The service answered with an error after the retries (429, 5xx, bad content)."""


class PaperLookup(Protocol):
    """The services, as the resolve use case needs them (``readinglist.remote`` has one).

    Each method raises :class:`LookupOfflineError` or :class:`LookupUnavailableError` when it
    cannot answer; an empty answer means the service does not know the paper.
    """

    def by_arxiv_ids(self, arxiv_ids: Sequence[str]) -> dict[str, list[Found]]:
        """Every service's record of each id (arXiv's and Hugging Face's), by id."""
        ...

    def by_title(self, title: str) -> list[Found]:
        """Candidates for a title, best first; the caller applies :func:`same_title`."""
        ...


_MATH_COMMAND: Final = re.compile(r"\\([A-Za-z]+)")
_NOT_WORD: Final = re.compile(r"[^\w]+|_")
_NEGATIONS: Final = frozenset({"not", "no", "without", "non"})
_MIN_FUZZY: Final = 30
_CHARS_PER_EDIT: Final = 60


def normalise_title(title: str) -> str:
    """The form two titles are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", title)
    text = _MATH_COMMAND.sub(r"\1", text).replace("$", "")
    text = "".join(_greek_name(ch) for ch in text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\w)[_^{}]+(?=\w)", "", text)  # pi_0 -> pi0, x^{2} -> x2
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _greek_name(ch: str) -> str:
    """A Greek letter as TeX spells it (``π`` -> ``pi``), so ``π0`` is ``$\\pi_0$``."""
    if not "\u0391" <= ch <= "\u03c9":
        return ch
    name = unicodedata.name(ch, "")
    return name.rsplit(" ", 1)[-1].lower() if "GREEK" in name else ch


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _guarded_words(text: str) -> list[str]:
    """Words an edit may never touch: numbers, versions and negations."""
    return [w for w in text.split() if w in _NEGATIONS or any(ch.isdigit() for ch in w)]


def same_title(a: str, b: str) -> bool:
    """Whether two titles name the same paper under the strict rule above."""
    left, right = normalise_title(a), normalise_title(b)
    if not left or not right:
        return False
    if left == right:
        return True
    shorter = min(len(left), len(right))
    if shorter < _MIN_FUZZY:
        return False
    if _guarded_words(left) != _guarded_words(right):
        return False
    limit = shorter // _CHARS_PER_EDIT
    return limit > 0 and _edits(left, right, limit) <= limit


def best_match(title: str, candidates: Sequence[Found]) -> Found | None:
    """The first candidate whose title is the same paper's, or None."""
    return next((found for found in candidates if same_title(title, found.title)), None)
