"""The reader's own time per paper: ``library.time_spent`` and the durations typed for it.

"Plan my week" estimates a paper's reading time from its pages or its abstract; the
times a reader records scale those estimates to their own pace
(:func:`readinglist.core.week_plan.calibration`). A time is private reading state, like
notes: a backup carries it, a bibliography export never does.

Durations are typed the same way everywhere (``readinglist spent``, the detail pane):
``45``, ``45m``, ``1h``, ``1h30``, ``1h30m``, ``1.5h``; ``none`` or ``clear`` clears it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Final

from readinglist.core.changes import Changes, papers_changed
from readinglist.core.errors import InvalidValueError
from readinglist.core.guards import require_papers
from readinglist.core.models import MAX_MINUTES_SPENT, MIN_MINUTES_SPENT, TimeSpent
from readinglist.core.parts import LibraryContext

CLEARS: Final = frozenset({"none", "clear", "-"})
_MINUTE_UNIT = r"(?:m|min|mins|minutes?)"
_DURATION = re.compile(
    rf"""^(?:
        (?P<hours>\d{{1,4}}(?:\.\d{{1,4}})?)\s*(?:h|hr|hrs|hours?)
            (?:\s*(?P<rest>\d{{1,2}})\s*{_MINUTE_UNIT}?)?
      | (?P<minutes>\d{{1,6}})\s*{_MINUTE_UNIT}?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
DURATION_HELP = "minutes (45, 45m) or hours (1h, 1h30, 1.5h); none or clear to clear it"


def check_minutes(minutes: int | None) -> int | None:
    """A time spent as stored: whole minutes from 1 to a week, or None (not recorded)."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidValueError(f"a time spent is a whole number of minutes, not {minutes!r}")
    if not MIN_MINUTES_SPENT <= minutes <= MAX_MINUTES_SPENT:
        given = duration_text(minutes) if minutes > 0 else f"{minutes} minutes"
        raise InvalidValueError(
            f"a time spent is from {MIN_MINUTES_SPENT} minute to {MAX_MINUTES_SPENT // 60}"
            f" hours (a week), not {given}"
        )
    return minutes


def parse_duration(text: str) -> int | None:
    """Minutes from a typed duration; None for ``none``/``clear``; a one-line
    InvalidValueError for anything else (or a time outside 1 minute to a week)."""
    typed = text.strip()
    if typed.lower() in CLEARS:
        return None
    match = _DURATION.match(typed)
    if match is None:
        shown = typed[:40] or text[:40]
        raise InvalidValueError(f"{shown!r} is not a duration: use {DURATION_HELP}")
    if match["minutes"] is not None:
        return check_minutes(int(match["minutes"]))
    hours, rest = match["hours"], match["rest"]
    if rest is not None and ("." in hours or int(rest) >= 60):
        raise InvalidValueError(
            f"{typed!r} is not a duration: minutes after whole hours are 0 to 59 (1h30)"
        )
    return check_minutes(round(float(hours) * 60) + int(rest or 0))


def duration_text(minutes: int) -> str:
    """``45m``, ``1h``, ``1h30m``: short, and read back by :func:`parse_duration`."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def minutes_of(value: TimeSpent | None) -> int | None:
    return None if value is None else value.minutes


class TimeSpentEdits:
    """``library.time_spent``: record, clear and read the reader's time per paper.

    Writes go through the library's write transaction like a rating: the papers are
    queued in the outbox, so another window on a shared library hears of the change.
    """

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def set(self, ids: Collection[int], minutes: int | None) -> Changes:
        """The same time on these papers (None: clears it); ``count``: papers changed.
        A paper that already holds that time keeps it with its recorded time."""
        value = check_minutes(minutes)
        with self._context.write() as uow:
            require_papers(uow, ids)
            now = self._context.clock()
            held = uow.times_spent(ids)
            wanted = {
                paper_id: None if value is None else TimeSpent(value, now)
                for paper_id in sorted(set(ids))
                if minutes_of(held.get(paper_id)) != value
            }
            return papers_changed(uow.put_times_spent(wanted), ids)

    def snapshot(self, ids: Collection[int]) -> dict[int, TimeSpent | None]:
        """Each existing paper of ``ids`` with its time (None: not recorded)."""
        with self._context.store.unit_of_work() as uow:
            present = uow.existing_ids(ids)
            held = uow.times_spent(present)
        return {paper_id: held.get(paper_id) for paper_id in sorted(present)}

    def minutes(self, ids: Collection[int]) -> dict[int, int]:
        """The recorded minutes of those of ``ids`` that have a time."""
        with self._context.store.unit_of_work() as uow:
            return {paper_id: t.minutes for paper_id, t in uow.times_spent(ids).items()}

    def restore_if(
        self, values: Mapping[int, TimeSpent | None], expected: int | None
    ) -> tuple[Changes, tuple[int, ...]]:
        """An undo: each paper its own time back where it still holds ``expected``
        minutes (None: no time), checked by the write itself (one transaction), so a
        time another client records between an undo's read and its write survives.
        Returns what changed and the papers left alone because their time changed
        since (deleted ones are neither)."""
        if not values:
            return papers_changed(0, ()), ()
        with self._context.write() as uow:
            written = uow.put_times_spent_if(values, expected)
            alive = uow.existing_ids(values)
        same = {paper_id for paper_id, value in values.items() if minutes_of(value) == expected}
        return papers_changed(len(written), written), tuple(sorted(alive - written - same))
