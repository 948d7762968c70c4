"""Export, backup restore and richer imports: ``library.exchange``.

Restoring a backup never overwrites anything: into an empty library it reproduces the
backup exactly (ids included); into a library that has papers it merges by key and only
adds what is missing. A paper (by title), list or saved search (by name) or digest (by
source, hash and time) already in the library is kept as it is, and reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from readinglist.core.errors import InvalidValueError
from readinglist.core.exchange import FORMATS, render
from readinglist.core.exchange.bundle import ExportOptions, ExportScope, LibraryExport
from readinglist.core.links import classify_url, extract_links, is_openable_url
from readinglist.core.list_cases import get_list, normalize_name
from readinglist.core.models import (
    ImportSummary,
    Link,
    LinkKind,
    Paper,
    PaperQuery,
    ParsedPaper,
    ReadingList,
    ReadStatus,
)
from readinglist.core.normalize import title_key
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import ImportWrites, PaperReads, Progress
from readinglist.core.tags import normalize_tag

BATCH = 500


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


class Exchange:
    """``library.exchange``: what goes out of the library (exports) and what comes back
    whole (a backup restored)."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    # --- export -------------------------------------------------------------------

    def scope_ids(self, scope: ExportScope) -> list[int]:
        """The papers a scope covers, in export order (a list's own order)."""
        if scope.kind == "search":
            with self._context.store.unit_of_work() as uow:
                saved = uow.saved_search(normalize_name(scope.value, "saved search")[1])
            return self._context.query_ids(saved.query if saved is not None else scope.value)
        if scope.kind == "query":
            return self._context.query_ids(scope.value)
        with self._context.store.unit_of_work() as uow:
            if scope.kind == "all":
                return uow.all_ids()
            if scope.kind == "ids":
                found = uow.existing_ids(scope.ids)
                return [i for i in dict.fromkeys(scope.ids) if i in found]
            if scope.kind == "list":
                return list(get_list(uow, scope.value).paper_ids)
            if scope.kind == "tag":
                query = PaperQuery(tag=normalize_tag(scope.value))
            else:
                try:
                    query = PaperQuery(status=ReadStatus(scope.value.strip().lower()))
                except ValueError:
                    names = ", ".join(s.value for s in ReadStatus)
                    raise InvalidValueError(
                        f"unknown status {scope.value!r}; use one of: {names}"
                    ) from None
            return [paper.id for paper in uow.papers(query)]

    def data(
        self, scope: ExportScope | None = None, progress: Progress | None = None
    ) -> LibraryExport:
        """Everything the formats need for the papers of ``scope`` (the library by default)."""
        scope = scope or ExportScope()
        ids = self.scope_ids(scope)
        papers: list[Paper] = []
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with self._context.store.unit_of_work() as uow:
                by_id = {p.id: p for p in uow.papers(PaperQuery(ids=tuple(batch)))}
            papers += [by_id[i] for i in batch if i in by_id]
            if progress is not None:
                progress(len(papers), len(ids))
        whole = scope.kind == "all"
        with self._context.store.unit_of_work() as uow:
            histories = uow.status_histories(ids)
            tags = uow.tag_counts()
            digests = uow.digest_records(None if whole else ids)
            lists = uow.reading_lists()
            times = {rl.name: uow.list_item_times(rl.id) for rl in lists}
            saved = uow.saved_searches() if whole else []
        if not whole:
            used = {tag for paper in papers for tag in paper.tags}
            tags = [tag for tag in tags if tag.name in used]
            kept = set(ids)
            lists = [
                ReadingList(
                    rl.id, rl.name, rl.created_at, tuple(i for i in rl.paper_ids if i in kept)
                )
                for rl in lists
                if kept & set(rl.paper_ids)
            ]
        return LibraryExport(
            papers=tuple(papers),
            exported_at=self._context.clock(),
            scope=scope.describe(),
            status_history=histories,
            tags=tuple(tags),
            digests=tuple(digests),
            lists=tuple(lists),
            list_item_times=times,
            saved_searches=tuple(saved),
        )

    def export(
        self,
        format_name: str,
        scope: ExportScope | None = None,
        options: ExportOptions | None = None,
        progress: Progress | None = None,
    ) -> str:
        """The text of the export file (UTF-8 when written)."""
        if format_name not in FORMATS:
            raise InvalidValueError(
                f"unknown export format {format_name!r}; use one of: {', '.join(FORMATS)}"
            )
        return render(format_name, self.data(scope, progress), options)

    # --- restore a backup ---------------------------------------------------------------

    def restore_backup(self, data: LibraryExport, source_name: str) -> ImportSummary:
        """Restore a JSON backup (all or nothing); see the module docstring for merging."""
        new_ids: list[int] = []
        existing_ids: list[int] = []
        restored = {"digest": 0, "list": 0, "saved search": 0}
        kept = {"list": 0, "saved search": 0}
        with self._context.write() as uow:
            empty = uow.is_empty()
            keys = [title_key(p.title) for p in data.papers]
            known = uow.papers_by_key(keys)
            id_map: dict[int, int] = {}
            for paper, key in zip(data.papers, keys, strict=True):
                old = known.get(key)
                if old is not None:
                    id_map[paper.id] = old.id
                    existing_ids.append(old.id)
                    continue
                history = data.status_history.get(paper.id, ())
                new_id = uow.insert_paper_record(paper, history, keep_id=empty)
                known[key] = replace(paper, id=new_id)
                id_map[paper.id] = new_id
                new_ids.append(new_id)
            uow.ensure_tags([tag.name for tag in data.tags])
            colours = {tag.name: tag.colour for tag in uow.tag_counts()}
            for tag in data.tags:
                if tag.colour and not colours.get(tag.name):
                    uow.set_tag_colour(tag.name, tag.colour)
            fresh = set(new_ids)
            for digest in data.digests:
                found = uow.find_digest(digest.source_name, digest.sha256, digest.imported_at)
                digest_id = found if found is not None else uow.restore_digest(digest, empty)
                restored["digest"] += found is None
                pairs = [
                    (id_map[paper_id], position)
                    for paper_id, position in digest.positions
                    if id_map[paper_id] in fresh
                ]
                if pairs:
                    uow.add_appearances(digest_id, pairs)
            for reading_list in data.lists:
                shown, key = normalize_name(reading_list.name)
                if uow.reading_list(key) is not None:
                    kept["list"] += 1
                    continue
                times = data.list_item_times.get(reading_list.name, {})
                items = [
                    (id_map[i], times.get(i, reading_list.created_at))
                    for i in dict.fromkeys(reading_list.paper_ids)
                ]
                keep = reading_list.id if empty else None
                uow.restore_list(shown, key, reading_list.created_at, items, keep)
                restored["list"] += 1
            for saved in data.saved_searches:
                shown, key = normalize_name(saved.name, "saved search")
                if uow.saved_search(key) is not None:
                    kept["saved search"] += 1
                    continue
                keep = saved.id if empty else None
                uow.restore_saved_search(shown, key, saved.query, saved.created_at, keep)
                restored["saved search"] += 1
        links = [link for paper in data.papers for link in paper.links]
        extra = [
            "restored: "
            + ", ".join(
                _plural(restored[what], what, "saved searches" if what == "saved search" else None)
                for what in restored
            )
        ]
        if any(kept.values()):
            extra.append(
                "kept as they were: "
                + ", ".join(
                    _plural(kept[what], what, "saved searches" if what == "saved search" else None)
                    for what in kept
                    if kept[what]
                )
            )
        return ImportSummary(
            source_name=source_name,
            digest_id=0,
            new_ids=tuple(new_ids),
            existing_ids=tuple(existing_ids),
            warnings=(),
            code_links=sum(1 for link in links if link.kind is LinkKind.CODE),
            project_pages=sum(1 for link in links if link.kind is LinkKind.PROJECT),
            extra=tuple(extra),
        )


# --- richer imports (Hugging Face daily papers, BibTeX) -------------------------------


def source_links(paper: ParsedPaper) -> tuple[Link, ...]:
    """The abstract's links, then the source's own (a declared project page is one)."""
    links = list(extract_links(paper.abstract))
    seen = {link.url.rstrip("/").lower() for link in links}
    for url, project in [(u, False) for u in paper.urls] + [(u, True) for u in paper.project_urls]:
        if not is_openable_url(url) or url.rstrip("/").lower() in seen:
            continue
        link = classify_url(url)
        if project and link.kind is LinkKind.OTHER:
            link = replace(link, kind=LinkKind.PROJECT)
        seen.add(url.rstrip("/").lower())
        links.append(link)
    return tuple(links)


def match_by_arxiv(
    uow: PaperReads, papers: Sequence[ParsedPaper], keys: Sequence[str], known: dict[str, Paper]
) -> dict[str, Paper]:
    """Papers not matched by title that the library has under the same arXiv id."""
    wanted = {
        paper.arxiv_id: key
        for paper, key in zip(papers, keys, strict=True)
        if paper.arxiv_id and key not in known
    }
    if not wanted:
        return {}
    found = uow.papers_by_arxiv(list(wanted))
    if not found:
        return {}
    by_id = {p.id: p for p in uow.papers(PaperQuery(ids=tuple(found.values())))}
    return {
        wanted[arxiv]: by_id[paper_id] for arxiv, paper_id in found.items() if paper_id in by_id
    }


def enrich(
    uow: ImportWrites, paper_id: int, paper: ParsedPaper, old: Paper | None, now: datetime
) -> bool:
    """Store what a richer source knows: authors, a missing arXiv id, current upvotes.

    An arXiv id the library already has is never replaced. Returns whether anything
    changed on a paper that was already in the library (a new paper is not "enriched").
    """
    authors = (
        paper.authors if paper.authors and (old is None or old.authors != paper.authors) else None
    )
    arxiv_id = paper.arxiv_id if paper.arxiv_id and (old is None or not old.arxiv_id) else None
    upvotes = (
        paper.upvotes
        if paper.upvotes is not None and (old is None or old.upvotes != paper.upvotes)
        else None
    )
    if authors is None and arxiv_id is None and upvotes is None:
        return False
    uow.set_metadata(paper_id, authors, arxiv_id, upvotes, now)
    return old is not None
