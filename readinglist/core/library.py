"""The use cases: what a user can do to a library, whatever the front end.

Each method is one unit of work (one transaction). Values in and out are the plain
dataclasses of :mod:`readinglist.core.models`; storage is reached only through the
:class:`~readinglist.core.ports.Store` protocol.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from readinglist.core.digest_sources import read_digest
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.links import extract_links
from readinglist.core.models import (
    MAX_RATING,
    MIN_RATING,
    SORT_KEYS,
    ImportSummary,
    Link,
    LinkKind,
    Paper,
    PaperDetails,
    PaperQuery,
    ParseResult,
    Priority,
    ReadStatus,
    TagCount,
)
from readinglist.core.normalize import title_key
from readinglist.core.ports import Store, UnitOfWork
from readinglist.core.tags import normalize_colour, normalize_tag, tag_matches


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_status(value: str) -> ReadStatus:
    try:
        return ReadStatus(value.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in ReadStatus)
        raise InvalidValueError(f"unknown status {value!r}; use one of: {names}") from None


def parse_priority(value: str) -> Priority:
    try:
        return Priority(value.strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Priority)
        raise InvalidValueError(f"unknown priority {value!r}; use one of: {names}") from None


class Library:
    """A reader's library of papers."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._clock = clock

    # --- import -----------------------------------------------------------------

    def import_bytes(self, data: bytes, source_name: str) -> ImportSummary:
        """Import a digest file or paste of any supported format (all or nothing)."""
        return self.import_parsed(read_digest(data, source_name), source_name, data)

    def import_parsed(self, parsed: ParseResult, source_name: str, content: bytes) -> ImportSummary:
        now = self._clock()
        links_by_index = [extract_links(paper.abstract) for paper in parsed.papers]
        keys = [title_key(paper.title) for paper in parsed.papers]
        new_ids: list[int] = []
        existing_ids: list[int] = []
        abstracts_added: list[int] = []
        abstracts_changed: list[int] = []
        links_added = 0
        with self._store.unit_of_work() as uow:
            known = uow.papers_by_key(keys)
            positions: list[tuple[int, int]] = []
            for position, (paper, key, links) in enumerate(
                zip(parsed.papers, keys, links_by_index, strict=True), start=1
            ):
                old = known.get(key)
                if old is None:
                    paper_id = uow.add_paper(paper.title, paper.abstract, key, links, now)
                    new_ids.append(paper_id)
                else:
                    paper_id = old.id
                    existing_ids.append(paper_id)
                    if paper.abstract and paper.abstract != old.abstract:
                        uow.set_abstract(paper_id, paper.abstract, now)
                        (abstracts_changed if old.abstract else abstracts_added).append(paper_id)
                    links_added += uow.add_links(paper_id, links)
                positions.append((paper_id, position))
            digest_id = uow.add_digest(
                source_name,
                hashlib.sha256(content).hexdigest(),
                now,
                (len(parsed.papers), len(new_ids), len(parsed.warnings)),
            )
            uow.add_appearances(digest_id, positions)
        all_links = [link for links in links_by_index for link in links]
        return ImportSummary(
            source_name=source_name,
            digest_id=digest_id,
            new_ids=tuple(new_ids),
            existing_ids=tuple(existing_ids),
            warnings=parsed.warnings,
            code_links=_count(all_links, LinkKind.CODE),
            project_pages=_count(all_links, LinkKind.PROJECT),
            abstracts_added=tuple(abstracts_added),
            abstracts_changed=tuple(abstracts_changed),
            links_added=links_added,
        )

    # --- reading ----------------------------------------------------------------

    def papers(self, query: PaperQuery | None = None) -> list[Paper]:
        query = query or PaperQuery()
        if query.sort not in SORT_KEYS:
            raise InvalidValueError(
                f"unknown sort {query.sort!r}; use one of: {', '.join(SORT_KEYS)}"
            )
        if query.tag is not None:
            query = replace(query, tag=normalize_tag(query.tag))
        with self._store.unit_of_work() as uow:
            return uow.papers(query)

    def details(self, paper_id: int) -> PaperDetails:
        with self._store.unit_of_work() as uow:
            details = uow.details(paper_id)
        if details is None:
            raise NotFoundError(f"no paper with id {paper_id}")
        return details

    def tags(self) -> list[TagCount]:
        with self._store.unit_of_work() as uow:
            return uow.tag_counts()

    # --- changing ---------------------------------------------------------------

    def set_status(self, ids: Collection[int], status: ReadStatus) -> int:
        """Returns how many papers changed; each change is kept in the status history."""
        with self._store.unit_of_work() as uow:
            _require(uow, ids)
            return uow.set_status(ids, status, self._clock())

    def set_priority(self, ids: Collection[int], priority: Priority) -> int:
        with self._store.unit_of_work() as uow:
            _require(uow, ids)
            return uow.set_priority(ids, priority, self._clock())

    def rate(self, ids: Collection[int], rating: int) -> int:
        if not MIN_RATING <= rating <= MAX_RATING:
            raise InvalidValueError(
                f"a rating is a whole number from {MIN_RATING} to {MAX_RATING}, not {rating}"
            )
        with self._store.unit_of_work() as uow:
            _require(uow, ids)
            return uow.set_rating(ids, rating, self._clock())

    def set_notes(self, paper_id: int, notes: str) -> None:
        with self._store.unit_of_work() as uow:
            _require(uow, [paper_id])
            uow.set_notes(paper_id, notes, self._clock())

    def tag(self, ids: Collection[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> int:
        """Adds and removes tags on papers; returns how many papers changed."""
        to_add = {normalize_tag(name) for name in add}
        to_remove = {normalize_tag(name) for name in remove}
        if not to_add and not to_remove:
            raise InvalidValueError("name at least one tag to add or remove")
        if both := to_add & to_remove:
            raise InvalidValueError(f"cannot add and remove the same tag: {', '.join(both)}")
        with self._store.unit_of_work() as uow:
            _require(uow, ids)
            return uow.change_tags(ids, to_add, to_remove, self._clock())

    def rename_tag(self, old: str, new: str) -> list[tuple[str, str]]:
        """Renames a tag and its sub-tags (``3d`` -> ``3D/…`` too); merges into existing ones.

        Returns the (old, new) pairs applied.
        """
        old_name, new_name = normalize_tag(old), normalize_tag(new)
        if tag_matches(new_name, old_name) and new_name != old_name:
            raise InvalidValueError(f"cannot move {old_name!r} inside itself")
        with self._store.unit_of_work() as uow:
            names = uow.tag_names()
            renames = [
                (name, new_name + name[len(old_name) :])
                for name in sorted(names)
                if tag_matches(name, old_name)
            ]
            if not renames:
                raise NotFoundError(f"no tag named {old_name!r}")
            renames = [(a, b) for a, b in renames if a != b]
            uow.rename_tags(renames)
        return renames

    def set_tag_colour(self, name: str, colour: str) -> None:
        tag, value = normalize_tag(name), normalize_colour(colour)
        with self._store.unit_of_work() as uow:
            if tag not in uow.tag_names():
                raise NotFoundError(f"no tag named {tag!r}")
            uow.set_tag_colour(tag, value)


def _count(links: Sequence[Link], kind: LinkKind) -> int:
    return sum(1 for link in links if link.kind is kind)


def _require(uow: UnitOfWork, ids: Collection[int]) -> None:
    if not ids:
        raise InvalidValueError("name at least one paper id")
    missing = set(ids) - uow.existing_ids(ids)
    if missing:
        listed = ", ".join(str(i) for i in sorted(missing))
        raise NotFoundError(f"no paper with id {listed}")
