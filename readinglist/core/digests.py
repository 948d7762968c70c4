"""The digests a library was fed, grouped by day for the window's sidebar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo


@dataclass(frozen=True, slots=True)
class DigestInfo:
    """One imported digest; ``new_count`` is what it added when it was imported."""

    id: int
    source_name: str
    imported_at: datetime
    paper_count: int
    new_count: int


@dataclass(frozen=True, slots=True)
class DigestDay:
    """The digests imported on one (local) day and how many papers they hold together."""

    day: date
    digest_ids: tuple[int, ...]
    paper_count: int


def local_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The calendar day of an instant where the reader is (the system zone by default)."""
    return moment.astimezone(zone).date()


def days_of(digests: Iterable[DigestInfo], zone: tzinfo | None = None) -> dict[date, list[int]]:
    """Digest ids per local day, newest day first, ids in import order."""
    by_day: dict[date, list[int]] = {}
    for digest in sorted(digests, key=lambda d: (d.imported_at, d.id)):
        by_day.setdefault(local_day(digest.imported_at, zone), []).append(digest.id)
    return dict(sorted(by_day.items(), reverse=True))
