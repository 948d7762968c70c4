"""Bibliographic facts about a paper, each with where it came from and when.

A digest gives a title and an abstract only. Everything else a bibliography needs (a
date, a venue, a DOI, structured author names) comes from a richer source: a BibTeX
file the user imported, or a lookup on arXiv or Hugging Face. Each value keeps its
source and time so that

- an export writes only what some source said (a value nobody said is absent, never
  guessed from the import date or a code link);
- a lookup never overwrites what the user typed or imported (see :func:`may_replace`);
- ``readinglist show`` can say where a value came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final


class Source(StrEnum):
    """Who said a value. Earlier members outrank later ones (see :func:`may_replace`)."""

    USER = "user"  # typed in readinglist
    IMPORT = "import"  # read from a file the user imported (BibTeX, CSL-JSON, a backup)
    ARXIV = "arxiv"
    HUGGINGFACE = "huggingface"
    SEMANTIC_SCHOLAR = "s2"
    GITHUB = "github"


# What a lookup may fill: the user's own and imported values are never replaced by one.
LOOKUP_SOURCES: Final = frozenset(
    {Source.ARXIV, Source.HUGGINGFACE, Source.SEMANTIC_SCHOLAR, Source.GITHUB}
)


def may_replace(existing: Source | None, new: Source) -> bool:
    """Whether a value from ``new`` may replace one from ``existing``.

    The user's and imported values are kept against any lookup; a lookup refreshes what
    a lookup said before (upvotes and stars change); a user edit replaces anything.
    """
    if existing is None or new is Source.USER:
        return True
    if new is Source.IMPORT:
        return existing is not Source.USER
    return existing in LOOKUP_SOURCES


class Field(StrEnum):
    """The facts readinglist keeps beyond title, abstract, authors and arXiv id."""

    PUBLISHED = "published"  # ISO 8601, as precise as the source: 2017, 2017-06, 2017-06-08
    ENTRY_TYPE = "entry_type"  # BibTeX's: article, inproceedings, misc...
    JOURNAL = "journal"
    BOOKTITLE = "booktitle"
    PUBLISHER = "publisher"
    VOLUME = "volume"
    NUMBER = "number"
    PAGES = "pages"
    DOI = "doi"
    KEYWORDS = "keywords"  # comma-separated, as BibTeX writes them
    NOTE = "note"  # a public note of the source ("Accepted at ICLR 2024"), printed by styles
    PRIMARY_CATEGORY = "primary_category"  # arXiv's, e.g. cs.CV
    HF_PAGE = "hf_page"  # the paper's Hugging Face page, when Hugging Face knows it
    GITHUB_STARS = "github_stars"
    UPDATED = "updated"  # arXiv's date of the latest version
    # Provenance of the values kept in their own columns (authors, arXiv id, upvotes):
    # the value is a short echo ("3 authors") so `show` can say where they came from.
    AUTHORS = "authors"
    ARXIV_ID = "arxiv_id"
    UPVOTES = "upvotes"


@dataclass(frozen=True, slots=True)
class MetaField:
    """One fact about a paper, with its source and the time it was recorded."""

    name: Field
    value: str
    source: Source
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class PersonName:
    """An author as written (``name``) and, when a source gave it, its structure.

    ``family`` is None when no source split the name: then exporters write ``name`` as
    one literal (``{Google DeepMind}``), never a guessed split.
    """

    name: str
    family: str | None = None
    given: str | None = None
    suffix: str | None = None

    @property
    def structured(self) -> bool:
        return self.family is not None


_PARTIAL_DATE: Final = re.compile(
    r"(?a)([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?"
)


def partial_date(text: str) -> str | None:
    """``'2017-06-08'``, ``'2017-06'`` or ``'2017'`` as given; None for anything else."""
    value = text.strip()
    if _PARTIAL_DATE.fullmatch(value) is None:
        return None
    return value


def date_parts(published: str) -> tuple[int, ...]:
    """``'2017-06'`` -> ``(2017, 6)``: the parts a CSL ``date-parts`` holds."""
    return tuple(int(part) for part in published.split("-"))


def field_map(meta: tuple[MetaField, ...]) -> dict[Field, MetaField]:
    return {item.name: item for item in meta}


class ResolveStatus(StrEnum):
    QUEUED = "queued"  # waiting for a lookup (new, or the network was away)
    MATCHED = "matched"
    UNMATCHED = "unmatched"  # no source knows the title: not asked again unless forced
    FAILED = "failed"  # a source answered badly: tried again from next_try_at


@dataclass(frozen=True, slots=True)
class ResolveState:
    """Where looking one paper up stands (kept so a lookup is resumed, never repeated)."""

    paper_id: int
    status: ResolveStatus
    attempts: int = 0
    checked_at: datetime | None = None
    next_try_at: datetime | None = None
    message: str = ""
