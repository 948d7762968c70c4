"""A reader's own reading, computed from the status history: what was finished each
week, how the backlog grew or shrank, which days had reading, how long papers waited
in the queue.

Pure functions over :class:`StatusEvent` values (a paper's status from an instant on),
so they are tested on hand-made histories and run anywhere: storage reads the events,
the window and the command line only show the results. Weeks start on Monday; days and
weeks are those of the reader's time zone (``zone``; UTC by default).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from readinglist.core.models import ReadStatus

# The backlog: papers nobody has started yet.
BACKLOG = frozenset({ReadStatus.UNREAD, ReadStatus.QUEUED})
# How a paper leaves the reading: the three outcomes counted per week.
OUTCOMES = (ReadStatus.READ, ReadStatus.SKIMMED, ReadStatus.DROPPED)
# A reading day: a day with a paper started or finished (a drop is not reading).
READING = frozenset({ReadStatus.READING, ReadStatus.READ, ReadStatus.SKIMMED})
DAY_SECONDS = 86_400.0


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """``paper_id`` has had ``status`` since ``at`` (one row of the status history)."""

    paper_id: int
    status: ReadStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class WeekOutcomes:
    """The papers that became read, skimmed or dropped in the week starting ``start``
    (a paper counts once per outcome and week, however often it changed)."""

    start: date
    read: tuple[int, ...]
    skimmed: tuple[int, ...]
    dropped: tuple[int, ...]

    def ids(self, status: ReadStatus) -> tuple[int, ...]:
        return {
            ReadStatus.READ: self.read,
            ReadStatus.SKIMMED: self.skimmed,
            ReadStatus.DROPPED: self.dropped,
        }.get(status, ())

    @property
    def total(self) -> int:
        return len(self.read) + len(self.skimmed) + len(self.dropped)


@dataclass(frozen=True, slots=True)
class BacklogPoint:
    """The backlog (unread + queued papers) at the end of ``day``."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class WaitStats:
    """How long papers waited in the queue, in days: over ``count`` finished waits
    (queued, then anything else); ``waiting``: papers in the queue now (not counted)."""

    count: int
    median_days: float | None
    p90_days: float | None
    waiting: int = 0


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def local_date(moment: datetime, zone: tzinfo | None) -> date:
    return moment.astimezone(zone).date() if zone is not None else moment.date()


def sorted_events(events: Iterable[StatusEvent]) -> list[StatusEvent]:
    """In the order they happened (equal instants keep their given order)."""
    return sorted(events, key=lambda event: event.at)


def weeks_ending(today: date, weeks: int) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current one last."""
    last = week_start(today)
    return [last - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def weekly_outcomes(
    events: Iterable[StatusEvent], today: date, weeks: int = 26, zone: tzinfo | None = None
) -> list[WeekOutcomes]:
    """Per week (the last ``weeks``, empty weeks included, oldest first)."""
    starts = weeks_ending(today, weeks)
    found: dict[tuple[date, ReadStatus], dict[int, None]] = {}
    first = starts[0]
    for event in events:
        if event.status not in OUTCOMES:
            continue
        start = week_start(local_date(event.at, zone))
        if first <= start <= starts[-1]:
            found.setdefault((start, event.status), {})[event.paper_id] = None
    return [
        WeekOutcomes(
            start,
            *(tuple(found.get((start, status), {})) for status in OUTCOMES),
        )
        for start in starts
    ]


def backlog_series(
    events: Iterable[StatusEvent], today: date, weeks: int = 26, zone: tzinfo | None = None
) -> list[BacklogPoint]:
    """The backlog at the end of each of the last ``weeks`` weeks (the current week:
    today), replaying the whole history so the first point counts older papers too."""
    ordered = sorted_events(events)
    ends = [start + timedelta(days=6) for start in weeks_ending(today, weeks)]
    ends[-1] = today
    status: dict[int, ReadStatus] = {}
    backlog = 0
    points: list[BacklogPoint] = []
    position = 0
    for end in ends:
        while position < len(ordered) and local_date(ordered[position].at, zone) <= end:
            event = ordered[position]
            before = status.get(event.paper_id)
            backlog += (event.status in BACKLOG) - (before in BACKLOG)
            status[event.paper_id] = event.status
            position += 1
        points.append(BacklogPoint(end, backlog))
    return points


def trend_per_week(points: Sequence[BacklogPoint], last: int = 8) -> float | None:
    """The least-squares slope of the last ``last`` points, in papers per week; None
    with fewer than two points."""
    tail = list(points)[-last:]
    if len(tail) < 2:
        return None
    xs = [(point.day - tail[0].day).days / 7 for point in tail]
    ys = [float(point.count) for point in tail]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _reading_on(
    events: Iterable[StatusEvent], since: date, zone: tzinfo | None
) -> Iterator[tuple[date, int]]:
    """(local day, paper id) of each start or finish from ``since`` on."""
    for event in events:
        if event.status in READING:
            day = local_date(event.at, zone)
            if day >= since:
                yield day, event.paper_id


def reading_days(
    events: Iterable[StatusEvent], since: date, zone: tzinfo | None = None
) -> dict[date, int]:
    """Papers started or finished per day from ``since`` on (days without any: absent)."""
    days: dict[date, int] = {}
    for day, _paper in _reading_on(events, since, zone):
        days[day] = days.get(day, 0) + 1
    return dict(sorted(days.items()))


def reading_day_papers(
    events: Iterable[StatusEvent], since: date, zone: tzinfo | None = None
) -> dict[date, tuple[int, ...]]:
    """The papers started or finished each day, each once in the order of its events:
    what a click on a heatmap cell shows."""
    days: dict[date, dict[int, None]] = {}
    for day, paper in _reading_on(events, since, zone):
        days.setdefault(day, {})[paper] = None
    return {day: tuple(days[day]) for day in sorted(days)}


def current_streak(days: Mapping[date, int], today: date) -> int:
    """Consecutive reading days up to today; a streak ending yesterday still counts
    (today is not over), so it is broken only by a whole day without reading."""
    day = today if days.get(today) else today - timedelta(days=1)
    streak = 0
    while days.get(day):
        streak += 1
        day -= timedelta(days=1)
    return streak


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks (as
    numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class QueueWait:
    """One stay in the queue; ``days`` is None while the paper is still queued."""

    paper_id: int
    days: float | None


def queue_waits(events: Iterable[StatusEvent]) -> list[QueueWait]:
    """Every stay in the queue: from becoming queued to the next other status."""
    entered: dict[int, datetime] = {}
    waits: list[QueueWait] = []
    for event in sorted_events(events):
        since = entered.get(event.paper_id)
        if event.status is ReadStatus.QUEUED:
            if since is None:
                entered[event.paper_id] = event.at
        elif since is not None:
            del entered[event.paper_id]
            waits.append(
                QueueWait(event.paper_id, (event.at - since).total_seconds() / DAY_SECONDS)
            )
    waits.extend(QueueWait(paper_id, None) for paper_id in entered)
    return waits


def wait_stats(waits: Iterable[QueueWait]) -> WaitStats:
    waits = list(waits)
    done = [wait.days for wait in waits if wait.days is not None]
    return WaitStats(len(done), percentile(done, 50), percentile(done, 90), len(waits) - len(done))


def waits_by(
    waits: Iterable[QueueWait], groups: Mapping[int, Iterable[str]], top: int | None = None
) -> dict[str, WaitStats]:
    """Wait statistics per group (a paper in several groups counts in each); ``top``:
    only the groups with the most finished waits, in that order (then by name)."""
    grouped: dict[str, list[QueueWait]] = {}
    for wait in waits:
        for name in groups.get(wait.paper_id, ()):
            grouped.setdefault(name, []).append(wait)
    stats = {name: wait_stats(members) for name, members in grouped.items()}
    ranked = sorted(stats.items(), key=lambda item: (-item[1].count, item[0]))
    return dict(ranked[:top] if top is not None else ranked)
