"""The query lists' shape: what a user types, and its translation for the FTS5 reference.

Shared by the synthetic list (benchmarks/search.py) and the realistic one
(benchmarks/realistic_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Filter = tuple[str, tuple[object, ...]]  # an SQL condition on the FTS5 side's meta row "m"


@dataclass(frozen=True)
class Fts:
    """A query for the FTS5 reference: a MATCH expression and/or filters on meta."""

    match: str | None
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class BenchQuery:
    """One query of a list, of a kind (the percentiles are also given by kind)."""

    kind: str
    text: str  # the query language, as a user types it
    fts: Fts


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def status(value: str) -> Filter:
    return ("m.status = ?", (value,))


def tag(name: str) -> Filter:
    # The tag or a sub-tag ("3d" matches "3d/nerf"): "/" sorts just before "0".
    return (
        "m.id IN (SELECT paper_id FROM ptags WHERE tag = ? OR (tag > ? AND tag < ?))",
        (name, name + "/", name + "0"),
    )


def has(what: str) -> Filter:
    return (f"m.has_{what} = 1", ())


def since(moment: datetime) -> Filter:
    return ("m.added > ?", (epoch(moment),))
