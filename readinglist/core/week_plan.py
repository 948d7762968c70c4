""" "Plan my week": fill a time budget with papers from the queue.

Order: priority (high first), then interest when a score is given (the triage
feature's, 0-1; without one every paper is equal), then age (the longest waiting
first), then id. The budget is filled in that order; a paper longer than what is left
is passed over for the shorter ones after it.

Reading time: from the page count when the library knows one (a source's page range,
``12--31``: never guessed), else from the abstract's length, a rough proxy stated as
such (``basis``). When the reader has recorded how long some papers took, every
estimate is scaled by the median ratio of recorded to estimated time, over every paper
with a recorded time whatever its status (most are read by then, not queued).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from readinglist.core.errors import InvalidValueError
from readinglist.core.models import Priority
from readinglist.core.orders import PRIORITY_RANK

MINUTES_PER_PAGE = 6.0
# Abstract-length proxy: a 200-word abstract gives 50 minutes, clamped to 20-90.
BASE_MINUTES = 20.0
MINUTES_PER_ABSTRACT_WORD = 0.15
MIN_MINUTES, MAX_MINUTES = 20.0, 90.0
MAX_HOURS = 168.0  # a week
MAX_PAGES = 300  # a longer "range" is a journal's page numbering gone wrong, not a paper
_RANGE = re.compile(r"^\s*(\d{1,6})\s*(?:-{1,2}|–|—)\s*(\d{1,6})\s*$")


@dataclass(frozen=True, slots=True)
class PlanCandidate:
    """A queued paper as the planner sees it."""

    paper_id: int
    title: str
    priority: Priority
    waiting_since: datetime
    abstract_words: int
    pages: str | None = None  # the "pages" fact as a source gave it, if any


@dataclass(frozen=True, slots=True)
class PlanItem:
    paper_id: int
    title: str
    priority: Priority
    minutes: float
    basis: str  # "pages", "abstract length", with ", calibrated" when scaled
    interest: float | None


@dataclass(frozen=True, slots=True)
class WeekPlan:
    budget_minutes: float
    items: tuple[PlanItem, ...]
    queued: int  # papers in the queue
    calibration: float | None  # the scale applied to the estimates, if any
    calibrated_on: int = 0  # the papers with a recorded time the scale rests on

    @property
    def planned_minutes(self) -> float:
        return sum(item.minutes for item in self.items)

    @property
    def paper_ids(self) -> list[int]:
        return [item.paper_id for item in self.items]


def check_hours(hours: float) -> float:
    if not 0 < hours <= MAX_HOURS:
        raise InvalidValueError(
            f"the budget is a number of hours above 0 and up to 168, not {hours:g}"
        )
    return hours


def page_count(pages: str | None) -> int | None:
    """The pages of a range ``12--31`` (20); None for anything else (a single page
    number, an article number, a range that runs backwards or too far)."""
    if not pages:
        return None
    match = _RANGE.match(pages)
    if match is None:
        return None
    first, last = int(match[1]), int(match[2])
    count = last - first + 1
    return count if 1 < count <= MAX_PAGES else None


def raw_minutes(candidate: PlanCandidate) -> tuple[float, str]:
    """The uncalibrated estimate and what it rests on."""
    pages = page_count(candidate.pages)
    if pages is not None:
        return pages * MINUTES_PER_PAGE, "pages"
    minutes = BASE_MINUTES + candidate.abstract_words * MINUTES_PER_ABSTRACT_WORD
    return min(MAX_MINUTES, max(MIN_MINUTES, minutes)), "abstract length"


def calibration(candidates: Sequence[PlanCandidate], recorded: Mapping[int, float]) -> float | None:
    """The median of recorded / estimated minutes over the papers with a recorded
    time (any status, so ``candidates`` should include read papers); None without."""
    return calibrate(candidates, recorded)[0]


def calibrate(
    candidates: Sequence[PlanCandidate], recorded: Mapping[int, float]
) -> tuple[float | None, int]:
    """:func:`calibration` and the number of papers it rests on (what the plan says)."""
    ratios = [
        recorded[c.paper_id] / raw_minutes(c)[0]
        for c in candidates
        if recorded.get(c.paper_id, 0) > 0
    ]
    return (median(ratios) if ratios else None), len(ratios)


def plan_week(
    queue: Sequence[PlanCandidate],
    hours: float,
    interest: Mapping[int, float] | None = None,
    scale: float | None = None,
    calibrated_on: int = 0,
) -> WeekPlan:
    budget = check_hours(hours) * 60
    interest = interest or {}

    def order(c: PlanCandidate) -> tuple[int, float, datetime, int]:
        return (
            -PRIORITY_RANK[c.priority],
            -interest.get(c.paper_id, 0.0),
            c.waiting_since,
            c.paper_id,
        )

    items: list[PlanItem] = []
    left = budget
    for candidate in sorted(queue, key=order):
        minutes, basis = raw_minutes(candidate)
        if scale is not None:
            minutes, basis = minutes * scale, f"{basis}, calibrated"
        if minutes <= left:
            left -= minutes
            items.append(
                PlanItem(
                    candidate.paper_id,
                    candidate.title,
                    candidate.priority,
                    round(minutes, 1),
                    basis,
                    interest.get(candidate.paper_id),
                )
            )
    return WeekPlan(budget, tuple(items), len(queue), scale, calibrated_on if scale else 0)
