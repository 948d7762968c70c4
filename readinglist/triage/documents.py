"""What the triage models learn from: each paper's text and the reader's signals on it.

A plain value per paper, built from :class:`~readinglist.core.models.Paper`, so the
models never hold a library or a session and a worker thread can train on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from readinglist.core.library import Library
from readinglist.core.models import Paper, ReadStatus

# A reader who queued, is reading or read a paper wanted it; a rating of 4 or 5 too.
POSITIVE_STATUSES = frozenset({ReadStatus.QUEUED, ReadStatus.READING, ReadStatus.READ})
GOOD_RATING = 4
POSITIVE = 1
UNLABELLED = 0
NEGATIVE = -1


@dataclass(frozen=True, slots=True)
class TriageDocument:
    """One paper as the models see it. ``touched_at``: when the reader last changed it
    (its ``updated_at``), which dates a positive signal for the cold start."""

    paper_id: int
    text: str
    label: int
    tags: tuple[str, ...]
    touched_at: datetime


def label_of(paper: Paper) -> int:
    """+1 wanted (queued, reading, read, or rated 4+), -1 dropped, 0 no signal.

    A good rating wins over a drop: the reader said both, and the rating is the
    judgement of the paper itself.
    """
    if paper.status in POSITIVE_STATUSES or paper.rating >= GOOD_RATING:
        return POSITIVE
    if paper.status is ReadStatus.DROPPED:
        return NEGATIVE
    return UNLABELLED


def document_of(paper: Paper) -> TriageDocument:
    return TriageDocument(
        paper_id=paper.id,
        text=f"{paper.title}\n{paper.abstract}",
        label=label_of(paper),
        tags=paper.tags,
        touched_at=paper.updated_at,
    )


def documents_of(papers: Iterable[Paper]) -> list[TriageDocument]:
    return [document_of(paper) for paper in papers]


def library_documents(library: Library) -> list[TriageDocument]:
    """Every paper of the library, in id order (one read through the Library API)."""
    return documents_of(library.papers())


def signal_counts(documents: Sequence[TriageDocument]) -> tuple[int, int]:
    """(positives, negatives): how much the reader has told us."""
    positives = sum(1 for doc in documents if doc.label == POSITIVE)
    negatives = sum(1 for doc in documents if doc.label == NEGATIVE)
    return positives, negatives
