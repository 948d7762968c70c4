"""Resolving papers: find each one on arXiv and Hugging Face and keep what they say.

A digest gives a title and an abstract. Resolving finds the paper's arXiv id (by the id
the library has, else by a strict title match, :func:`~readinglist.core.identity.same_title`)
and records, each with its source and time, the authors, dates, category, the Hugging
Face page, upvotes, the GitHub repository and its stars.

Two rules keep the library truthful and the user in charge:

- **Never overwrite what the user typed or imported.** A lookup fills what is absent
  and refreshes only what a lookup said before (:func:`~readinglist.core.metadata.may_replace`).
- **Be a good citizen and never block.** The network is asked outside any transaction;
  each chunk of papers is written in one short write. When the network is away the run
  stops at once and the rest stays queued for the next run: no error storm.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

from readinglist.core.changes import Changes
from readinglist.core.fact_restore import restore_facts
from readinglist.core.identity import (
    Found,
    LookupFailedError,
    LookupOfflineError,
    PaperLookup,
    best_match,
)
from readinglist.core.links import classify_url, is_openable_url
from readinglist.core.metadata import (
    Field,
    MetaField,
    PersonName,
    ResolveState,
    ResolveStatus,
    Source,
    field_map,
    may_replace,
    partial_date,
)
from readinglist.core.models import Link, LinkKind, Paper, PaperQuery
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import FactStore, ImportWrites

CHUNK: Final = 25  # papers asked about and written together (one arXiv id_list request)
# Which source is believed first for a fact more than one gives: arXiv for the record
# itself, Hugging Face for its own page and the community's signals.
_ORDER: Final = (
    Source.USER,
    Source.IMPORT,
    Source.ARXIV,
    Source.HUGGINGFACE,
    Source.SEMANTIC_SCHOLAR,
)
_RETRY_FIRST: Final = timedelta(minutes=10)
_RETRY_MOST: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Finding:
    """What the services said about one paper (empty: nobody knows its title)."""

    paper_id: int
    found: tuple[Found, ...]


@dataclass(frozen=True, slots=True)
class ResolveReport:
    """What one run did, for the command line and the window's status bar."""

    matched: tuple[int, ...] = ()
    unmatched: tuple[int, ...] = ()
    queued: tuple[int, ...] = ()  # not asked: offline or stopped; asked again next run
    failed: tuple[int, ...] = ()  # a service answered badly: retried later
    kept: int = 0  # values a lookup offered that the user's or imported values outrank
    message: str | None = None
    changes: Changes = field(default_factory=Changes)

    def describe(self) -> str:
        parts = [f"{len(self.matched)} found", f"{len(self.unmatched)} not found"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed (tried again later)")
        if self.queued:
            parts.append(f"{len(self.queued)} queued for the next run")
        if self.kept:
            parts.append(f"{self.kept} of your own values kept")
        line = ", ".join(parts)
        return f"{line}. {self.message}" if self.message else line


def _ranked(found: Sequence[Found]) -> list[Found]:
    return sorted(found, key=lambda item: _ORDER.index(item.source))


def _first(found: Sequence[Found], pick: Callable[[Found], object]) -> tuple[object, Source] | None:
    for item in found:
        value = pick(item)
        if value not in (None, "", ()):
            return value, item.source
    return None


@dataclass(slots=True)
class _Plan:
    """The writes one finding makes on one paper."""

    facts: list[MetaField] = field(default_factory=list)
    names: tuple[PersonName, ...] | None = None
    arxiv_id: str | None = None
    upvotes: int | None = None
    abstract: str | None = None
    links: list[Link] = field(default_factory=list)
    kept: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.facts or self.names is not None or self.arxiv_id or self.upvotes is not None
        ) and not (self.abstract or self.links)


def plan(paper: Paper, found: Sequence[Found], now: datetime) -> _Plan:
    """What to write on ``paper`` from what the services said (pure: tested alone)."""
    result = _Plan()
    found = _ranked(found)
    known = field_map(paper.meta)

    def offer(name: Field, value: object, source: Source) -> None:
        text = str(value)
        existing = known.get(name)
        if existing is not None and existing.value == text:
            return
        if existing is not None and not may_replace(existing.source, source):
            result.kept += 1
            return
        result.facts.append(MetaField(name, text, source, now))

    simple: tuple[tuple[Field, Callable[[Found], object]], ...] = (
        (Field.PUBLISHED, lambda f: partial_date(f.published or "")),
        (Field.UPDATED, lambda f: partial_date(f.updated or "")),
        (Field.PRIMARY_CATEGORY, lambda f: f.primary_category),
        (Field.DOI, lambda f: f.doi),
        (Field.HF_PAGE, lambda f: f.hf_page),
        (Field.GITHUB_STARS, lambda f: f.github_stars),
    )
    for name, pick in simple:
        if (hit := _first(found, pick)) is not None:
            offer(name, *hit)

    if (hit := _first(found, lambda f: f.authors)) is not None:
        names, source = hit
        assert isinstance(names, tuple)
        provenance = known.get(Field.AUTHORS)
        # Authors without provenance came with the paper from an import: the user's.
        owner = provenance.source if provenance else (Source.IMPORT if paper.authors else None)
        if owner is None or may_replace(owner, source):
            if tuple(n.name for n in names) != paper.authors:
                result.names = names
                result.facts.append(MetaField(Field.AUTHORS, f"{len(names)}", source, now))
        elif tuple(n.name for n in names) != paper.authors:
            result.kept += 1

    if not paper.arxiv_id and (hit := _first(found, lambda f: f.arxiv_id)) is not None:
        arxiv_id, source = hit
        result.arxiv_id = str(arxiv_id)
        result.facts.append(MetaField(Field.ARXIV_ID, str(arxiv_id), source, now))

    if (hit := _first(found, lambda f: f.upvotes)) is not None:
        upvotes, source = hit
        assert isinstance(upvotes, int)
        if upvotes != paper.upvotes:  # a count, refreshed whoever set it before
            result.upvotes = upvotes
            result.facts.append(MetaField(Field.UPVOTES, str(upvotes), source, now))

    if not paper.abstract.strip() and (hit := _first(found, lambda f: f.abstract)) is not None:
        result.abstract = str(hit[0])

    have = {link.url.rstrip("/").lower() for link in paper.links}
    repo = _first(found, lambda f: f.github_repo)
    if repo is not None and is_openable_url(str(repo[0])):
        url = str(repo[0])
        if url.rstrip("/").lower() not in have:
            link = classify_url(url)
            if link.kind is LinkKind.CODE:
                result.links.append(link)
    return result


def _retry_at(now: datetime, attempts: int) -> datetime:
    wait: timedelta = min(_RETRY_FIRST * 2 ** max(attempts - 1, 0), _RETRY_MOST)
    return now + wait


class Identity:
    """``library.identity``: which papers to look up, and keeping what was found."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def pending(self, retry_unmatched: bool = False) -> list[int]:
        """Papers never looked up, queued, or failed and due again."""
        with self._context.store.unit_of_work() as uow:
            return uow.papers_to_resolve(self._context.clock(), retry_unmatched)

    def resumable(self) -> tuple[list[int], timedelta | None]:
        """What a run left to do: papers queued (offline, stopped) or failed and due
        again, and how long until the next failed one is due (None: none waits).
        Kept in the database, so a window started later resumes them."""
        now = self._context.clock()
        with self._context.store.unit_of_work() as uow:
            ids, later = uow.papers_to_resume(now)
        return ids, (later - now if later is not None else None)

    def states(self, ids: Sequence[int]) -> dict[int, ResolveState]:
        with self._context.store.unit_of_work() as uow:
            return uow.resolve_states(ids)

    def counts(self) -> dict[ResolveStatus, int]:
        with self._context.store.unit_of_work() as uow:
            return uow.resolve_counts()

    def by_arxiv(self, arxiv_ids: Sequence[str]) -> dict[str, int]:
        """The library's paper of each arXiv id it has."""
        with self._context.store.unit_of_work() as uow:
            return uow.papers_by_arxiv(arxiv_ids)

    def papers(self, ids: Sequence[int]) -> list[Paper]:
        with self._context.store.unit_of_work() as uow:
            return uow.papers(PaperQuery(ids=tuple(ids), sort="position"))

    def restore(self, before: Sequence[Paper]) -> tuple[Changes, tuple[int, ...]]:
        """Gives the papers an import met their facts back (an undo of the import: see
        :mod:`readinglist.core.fact_restore`); the changes, and the papers where a
        value the user typed since was kept."""
        return restore_facts(self._context, before)

    def queue(self, ids: Sequence[int], message: str = "") -> None:
        """Marks papers to be looked up by the next run (offline, or stopped)."""
        if not ids:
            return
        with self._context.write() as uow:
            # A paper deleted while the services were asked (the window's import undone
            # during its lookup) has nothing to queue: its state row would break the key.
            alive = uow.existing_ids(ids)
            ids = [paper_id for paper_id in ids if paper_id in alive]
            old = uow.resolve_states(ids)
            uow.set_resolve_states(
                [
                    ResolveState(
                        paper_id,
                        ResolveStatus.QUEUED,
                        old[paper_id].attempts if paper_id in old else 0,
                        old[paper_id].checked_at if paper_id in old else None,
                        None,
                        message,
                    )
                    for paper_id in ids
                ]
            )

    def fail(self, ids: Sequence[int], message: str) -> None:
        """Marks papers a service answered badly for; they are retried with backoff."""
        now = self._context.clock()
        with self._context.write() as uow:
            alive = uow.existing_ids(ids)  # a paper deleted meanwhile: see queue
            ids = [paper_id for paper_id in ids if paper_id in alive]
            old = uow.resolve_states(ids)
            states = []
            for paper_id in ids:
                attempts = (old[paper_id].attempts if paper_id in old else 0) + 1
                states.append(
                    ResolveState(
                        paper_id,
                        ResolveStatus.FAILED,
                        attempts,
                        now,
                        _retry_at(now, attempts),
                        message,
                    )
                )
            uow.set_resolve_states(states)

    def apply(self, findings: Sequence[Finding]) -> tuple[Changes, int]:
        """Writes what was found in one transaction; returns the changes and how many
        offered values were kept because the user's or imported values outrank them."""
        now = self._context.clock()
        kept = 0
        changed: set[int] = set()
        with self._context.write() as uow:
            papers = {
                paper.id: paper
                for paper in uow.papers(
                    PaperQuery(ids=tuple(f.paper_id for f in findings), sort="position")
                )
            }
            states = []
            for finding in findings:
                paper = papers.get(finding.paper_id)
                if paper is None:  # deleted while the services were asked
                    continue
                status = ResolveStatus.MATCHED if finding.found else ResolveStatus.UNMATCHED
                states.append(ResolveState(paper.id, status, 0, now, None, ""))
                if not finding.found:
                    continue
                writes = plan(paper, finding.found, now)
                kept += writes.kept
                if not writes.empty:
                    _write_plan(uow, paper.id, writes, now)
                    changed.add(paper.id)
            uow.set_resolve_states(states)
        # Facts, names and links: rows change, no count the sidebar shows does.
        return Changes(count=len(changed), touched=frozenset(changed)), kept


class _PlanWrites(FactStore, ImportWrites, Protocol):
    """What writing a plan needs: facts, and the import's abstract and link writes."""


def _write_plan(uow: _PlanWrites, paper_id: int, writes: _Plan, now: datetime) -> None:
    uow.put_facts(paper_id, writes.facts, now)
    if writes.names is not None:
        uow.set_author_names(paper_id, writes.names, now)
    if writes.arxiv_id:
        uow.set_arxiv_id(paper_id, writes.arxiv_id, now)
    if writes.upvotes is not None:
        uow.set_upvotes(paper_id, writes.upvotes, now)
    if writes.abstract:
        uow.set_abstract(paper_id, writes.abstract, now)
    if writes.links:
        uow.add_links(paper_id, writes.links, now)


Progress = Callable[[int, int], None]


def _ask(
    lookup: PaperLookup, papers: Sequence[Paper], asked: Callable[[int], None]
) -> list[Finding]:
    """Asks the services about one chunk: titles first for papers without an id
    (``asked(n)`` after each: a title costs seconds, so progress moves per title)."""
    candidates: dict[int, Found] = {}
    ids: dict[int, str] = {p.id: p.arxiv_id for p in papers if p.arxiv_id}
    for number, paper in enumerate(papers, start=1):
        if paper.arxiv_id:
            continue
        match = best_match(paper.title, lookup.by_title(paper.title))
        asked(number)
        if match is not None:
            candidates[paper.id] = match
            if match.arxiv_id:
                ids[paper.id] = match.arxiv_id
    records = lookup.by_arxiv_ids(sorted(set(ids.values()))) if ids else {}
    findings = []
    for paper in papers:
        found: list[Found] = []
        if paper.id in ids:
            found.extend(records.get(ids[paper.id], ()))
        if paper.id in candidates and candidates[paper.id].source not in {
            item.source for item in found
        }:
            found.append(candidates[paper.id])
        findings.append(Finding(paper.id, tuple(found)))
    return findings


def resolve(
    identity: Identity,
    lookup: PaperLookup,
    ids: Sequence[int],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    on_changes: Callable[[Changes], None] | None = None,
) -> ResolveReport:
    """Looks ``ids`` up chunk by chunk, writing each chunk as it is answered.

    Offline: stops at once and queues the rest. A service error: the chunk is marked
    failed (retried later with backoff) and the run goes on. ``on_changes`` hears each
    chunk's changes as they are committed (the window refreshes those rows).
    """
    matched: list[int] = []
    unmatched: list[int] = []
    failed: list[int] = []
    kept = 0
    total = Changes()
    message: str | None = None
    done = 0
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if cancelled():
            message = "Stopped; the rest is looked up on the next run."
            identity.queue(ids[start:], "stopped")
            return _report(matched, unmatched, ids[start:], failed, kept, message, total)
        papers = identity.papers(chunk)

        def asked(number: int, done: int = done, size: int = len(chunk)) -> None:
            if progress is not None and number < size:  # the chunk's last: when written
                progress(done + number, len(ids))

        try:
            findings = _ask(lookup, papers, asked)
        except LookupOfflineError as error:
            message = f"{error} The rest is looked up on the next run."
            identity.queue(ids[start:], str(error))
            return _report(matched, unmatched, ids[start:], failed, kept, message, total)
        except LookupFailedError as error:
            message = str(error)
            identity.fail([p.id for p in papers], str(error))
            failed.extend(p.id for p in papers)
        else:
            changes, chunk_kept = identity.apply(findings)
            kept += chunk_kept
            total = total | changes
            if on_changes is not None and not changes.empty:
                on_changes(changes)
            for finding in findings:
                (matched if finding.found else unmatched).append(finding.paper_id)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return _report(matched, unmatched, [], failed, kept, message, total)


def _report(
    matched: list[int],
    unmatched: list[int],
    queued: list[int],
    failed: list[int],
    kept: int,
    message: str | None,
    changes: Changes,
) -> ResolveReport:
    return ResolveReport(
        tuple(matched), tuple(unmatched), tuple(queued), tuple(failed), kept, message, changes
    )
