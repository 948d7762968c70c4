"""Export, backup restore and richer imports: ``library.exchange``.

Restoring a backup never overwrites anything: into an empty library it reproduces the
backup exactly (ids included); into a library that has papers it merges by key and only
adds what is missing. A paper (by title), list or saved search (by name) or digest (by
source, hash and time) already in the library is kept as it is, and reported.
"""

from __future__ import annotations

from dataclasses import replace

from readinglist.core.errors import InvalidValueError, LibraryBusyError, ReadingListError
from readinglist.core.exchange import FORMATS, render
from readinglist.core.exchange.bundle import ExportOptions, ExportScope, LibraryExport
from readinglist.core.exchange.import_writes import enrich, match_by_arxiv, source_links
from readinglist.core.exchange.keys import new_keys
from readinglist.core.list_cases import get_list, normalize_name
from readinglist.core.models import (
    ImportSummary,
    LinkKind,
    Paper,
    PaperQuery,
    ReadingList,
    ReadStatus,
)
from readinglist.core.normalize import title_key
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import FactStore, Progress
from readinglist.core.tags import normalize_tag

__all__ = ["BATCH", "Exchange", "enrich", "match_by_arxiv", "source_links"]

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
        papers = self._with_cite_keys(papers)
        whole = scope.kind == "all"
        with self._context.store.unit_of_work() as uow:
            histories = uow.status_histories(ids)
            tags = uow.tag_counts()
            digests = uow.digest_records(None if whole else ids)
            lists = uow.reading_lists()
            times = {rl.name: uow.list_item_times(rl.id) for rl in lists}
            saved = uow.saved_searches() if whole else []
            group = uow.group_records(None if whole else ids)  # for the backup alone
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
            group=group,
            ordered=scope.kind in ("list", "ids"),
        )

    def _with_cite_keys(self, papers: list[Paper]) -> list[Paper]:
        """The papers with their stored cite keys, storing a new one for each paper
        that has none (one short write, only when some paper lacks a key).

        A key, once stored, is the paper's for good: the same in every scope and every
        later export, and never given to another paper (see ``keys.new_keys``). Keys are
        not in the search index, so this write queues nothing for it. A library that
        cannot be written (read-only media) cannot change either: the keys made for it
        now are the ones every export of it makes, so they are used unstored.
        """
        if all(paper.cite_key for paper in papers):
            return papers
        try:
            with self._context.store.unit_of_work(write=True) as uow:
                stored, fresh = _keys_for(uow, papers)
                uow.store_cite_keys(fresh)
        except LibraryBusyError:
            raise
        except ReadingListError:
            with self._context.store.unit_of_work() as uow:
                stored, fresh = _keys_for(uow, papers)
        keys = {**stored, **fresh}
        return [replace(paper, cite_key=paper.cite_key or keys.get(paper.id)) for paper in papers]

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
            taken = {key.casefold() for key in uow.cite_keys().values()}
            for paper, key in zip(data.papers, keys, strict=True):
                old = known.get(key)
                if old is not None:
                    id_map[paper.id] = old.id
                    existing_ids.append(old.id)
                    continue
                record = paper
                if paper.cite_key and paper.cite_key.casefold() in taken:
                    record = replace(paper, cite_key=None)  # the key is another paper's
                elif paper.cite_key:
                    taken.add(paper.cite_key.casefold())
                history = data.status_history.get(paper.id, ())
                new_id = uow.insert_paper_record(record, history, keep_id=empty)
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
            comments, assignments = uow.restore_group_records(data.group, id_map)
        links = [link for paper in data.papers for link in paper.links]
        extra = [
            "restored: "
            + ", ".join(
                _plural(restored[what], what, "saved searches" if what == "saved search" else None)
                for what in restored
            )
        ]
        if comments or assignments:
            extra.append(
                f"restored for the group: {_plural(comments, 'comment')},"
                f" {_plural(assignments, 'assignment')}"
            )
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


def _keys_for(uow: FactStore, papers: list[Paper]) -> tuple[dict[int, str], dict[int, str]]:
    """(every stored key, new keys for the papers that have none): new keys are free
    against every stored one, read in the same transaction, so a key another process
    stored since the papers were read is seen (and kept, for a paper it keyed)."""
    stored = uow.cite_keys()
    missing = [p for p in papers if not p.cite_key and p.id not in stored]
    return stored, new_keys(missing, stored.values())
