"""The complete JSON export, which is also the backup format, and its strict reader.

``{"format": "readinglist-backup", "version": 3, ...}`` holds every paper with its
status history, author structure, facts (each with its source and time), cite key and
the reader's recorded time spent on it, tags with colours, digests with their
appearances, reading lists, saved searches, and the reading group's comments and
assignments (readinglist.core.exchange.group_backup). The reader checks every field and names
the first wrong one (``papers[3].status``), so a damaged file changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.group_backup import group_sections, read_group
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.core.models import (
    MAX_MINUTES_SPENT,
    MAX_RATING,
    MIN_MINUTES_SPENT,
    MIN_RATING,
    DigestRecord,
    Link,
    LinkKind,
    Paper,
    Priority,
    ReadingList,
    ReadStatus,
    SavedSearch,
    StatusChange,
    TagCount,
    TimeSpent,
)

FORMAT = "readinglist-backup"
# 2 added each paper's author structure, facts (with source and time) and cite key;
# 3 the time spent on it, and the reading group's comments and assignments (sections of
# their own). Older files (without them) are still read; an older reader refuses a
# version 3 file rather than restoring it without them.
VERSION = 3
READS = (1, 2, 3)

_T = TypeVar("_T")


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _paper(paper: Paper, history: tuple[StatusChange, ...]) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "author_names": [
            {"name": p.name, "family": p.family, "given": p.given, "suffix": p.suffix}
            for p in paper.people
        ],
        "facts": [
            {
                "name": fact.name.value,
                "value": fact.value,
                "source": fact.source.value,
                "recorded_at": _time(fact.recorded_at),
            }
            for fact in paper.meta
        ],
        "cite_key": paper.cite_key,
        "arxiv_id": paper.arxiv_id,
        "upvotes": paper.upvotes,
        "status": paper.status.value,
        "priority": paper.priority.value,
        "rating": paper.rating,
        "tags": list(paper.tags),
        "links": [
            {
                "url": link.url,
                "kind": link.kind.value,
                "host": link.host,
                "owner": link.owner,
                "repo": link.repo,
            }
            for link in paper.links
        ],
        "notes": paper.notes,
        "time_spent": None
        if paper.time_spent is None
        else {
            "minutes": paper.time_spent.minutes,
            "recorded_at": _time(paper.time_spent.recorded_at),
        },
        "added_at": _time(paper.added_at),
        "updated_at": _time(paper.updated_at),
        "status_history": [
            {"status": change.status.value, "changed_at": _time(change.changed_at)}
            for change in history
        ],
        # Derived from the digests below; kept for readers of the file, ignored on import.
        "first_seen": _time(paper.first_seen),
        "last_seen": _time(paper.last_seen),
        "times_seen": paper.times_seen,
    }


def to_dict(data: LibraryExport) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _time(data.exported_at),
        "scope": data.scope,
        "papers": [_paper(p, data.status_history.get(p.id, ())) for p in data.papers],
        "tags": [{"name": tag.name, "colour": tag.colour} for tag in data.tags],
        "digests": [
            {
                "id": digest.id,
                "source_name": digest.source_name,
                "imported_at": _time(digest.imported_at),
                "sha256": digest.sha256,
                "paper_count": digest.paper_count,
                "new_count": digest.new_count,
                "warning_count": digest.warning_count,
                "appearances": [
                    {"paper_id": paper_id, "position": position}
                    for paper_id, position in digest.positions
                ],
            }
            for digest in data.digests
        ],
        "lists": [
            {
                "id": reading_list.id,
                "name": reading_list.name,
                "created_at": _time(reading_list.created_at),
                "items": [
                    {
                        "paper_id": paper_id,
                        "added_at": _time(
                            data.list_item_times.get(reading_list.name, {}).get(
                                paper_id, reading_list.created_at
                            )
                        ),
                    }
                    for paper_id in reading_list.paper_ids
                ],
            }
            for reading_list in data.lists
        ],
        "saved_searches": [
            {
                "id": saved.id,
                "name": saved.name,
                "query": saved.query,
                "created_at": _time(saved.created_at),
            }
            for saved in data.saved_searches
        ],
        **group_sections(data.group),
    }


def render(data: LibraryExport, options: ExportOptions) -> str:
    return json.dumps(to_dict(data), ensure_ascii=False, indent=2) + "\n"


def looks_like_backup(value: object) -> bool:
    return isinstance(value, dict) and value.get("format") == FORMAT


# --- reading ------------------------------------------------------------------------


class _Reader:
    """Typed access to parsed JSON that names the path of the first wrong value."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name

    @staticmethod
    def at(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def fail(self, path: str, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.source_name}: not a valid backup: {path}: {message}")

    def field(self, obj: dict[str, Any], key: str, kind: type[_T], path: str) -> _T:
        if key not in obj:
            raise self.fail(self.at(path, key), "missing")
        value = obj[key]
        if kind is int and isinstance(value, bool):
            raise self.fail(self.at(path, key), "expected a whole number")
        if not isinstance(value, kind):
            raise self.fail(self.at(path, key), f"expected {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def optional(self, obj: dict[str, Any], key: str, kind: type[_T], path: str) -> _T | None:
        if obj.get(key) is None:
            return None
        return self.field(obj, key, kind, path)

    def objects(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        items = self.field(obj, key, list, path)
        out: list[tuple[str, dict[str, Any]]] = []
        for index, item in enumerate(items):
            where = f"{self.at(path, key)}[{index}]"
            if not isinstance(item, dict):
                raise self.fail(where, "expected an object")
            out.append((where, item))
        return out

    def strings(self, obj: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        items = self.field(obj, key, list, path)
        if not all(isinstance(item, str) for item in items):
            raise self.fail(self.at(path, key), "expected a list of strings")
        return tuple(items)

    def time(self, obj: dict[str, Any], key: str, path: str) -> datetime:
        text = self.field(obj, key, str, path)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(self.at(path, key), f"not a date and time: {text[:40]!r}") from None
        if moment.tzinfo is None:
            raise self.fail(self.at(path, key), "a time without a time zone")
        return moment

    def choice(self, obj: dict[str, Any], key: str, path: str, make: Callable[[str], _T]) -> _T:
        text = self.field(obj, key, str, path)
        try:
            return make(text)
        except ValueError:
            raise self.fail(self.at(path, key), f"unknown value {text[:40]!r}") from None


_KIND_NAMES: dict[type, str] = {
    str: "a string",
    int: "a whole number",
    list: "a list",
    dict: "an object",
}


def _read_paper(
    r: _Reader, where: str, obj: dict[str, Any]
) -> tuple[Paper, tuple[StatusChange, ...]]:
    rating = r.field(obj, "rating", int, where)
    if not MIN_RATING <= rating <= MAX_RATING:
        raise r.fail(f"{where}.rating", f"a rating is from {MIN_RATING} to {MAX_RATING}")
    links = tuple(
        Link(
            url=r.field(link, "url", str, at),
            kind=r.choice(link, "kind", at, LinkKind),
            host=r.field(link, "host", str, at),
            owner=r.optional(link, "owner", str, at),
            repo=r.optional(link, "repo", str, at),
        )
        for at, link in r.objects(obj, "links", where)
    )
    history = tuple(
        StatusChange(r.choice(change, "status", at, ReadStatus), r.time(change, "changed_at", at))
        for at, change in r.objects(obj, "status_history", where)
    )
    upvotes = r.optional(obj, "upvotes", int, where)
    authors = r.strings(obj, "authors", where) if "authors" in obj else ()
    paper = Paper(
        id=r.field(obj, "id", int, where),
        title=r.field(obj, "title", str, where),
        abstract=r.field(obj, "abstract", str, where),
        status=r.choice(obj, "status", where, ReadStatus),
        priority=r.choice(obj, "priority", where, Priority),
        rating=rating,
        tags=r.strings(obj, "tags", where),
        links=links,
        notes=r.field(obj, "notes", str, where),
        added_at=r.time(obj, "added_at", where),
        updated_at=r.time(obj, "updated_at", where),
        first_seen=None,
        last_seen=None,
        times_seen=0,
        authors=authors,
        arxiv_id=r.optional(obj, "arxiv_id", str, where),
        upvotes=upvotes,
        author_names=_read_names(r, where, obj, authors),
        meta=_read_facts(r, where, obj),
        cite_key=r.optional(obj, "cite_key", str, where) or None,
        time_spent=_read_time_spent(r, where, obj),
    )
    if not paper.title.strip():
        raise r.fail(f"{where}.title", "empty")
    return paper, history


def _read_names(
    r: _Reader, where: str, obj: dict[str, Any], authors: tuple[str, ...]
) -> tuple[PersonName, ...]:
    """The authors' structure (version 2): one per author, in the same order."""
    if obj.get("author_names") is None:
        return ()
    names = tuple(
        PersonName(
            r.field(item, "name", str, at),
            r.optional(item, "family", str, at),
            r.optional(item, "given", str, at),
            r.optional(item, "suffix", str, at),
        )
        for at, item in r.objects(obj, "author_names", where)
    )
    if tuple(name.name for name in names) != authors:
        raise r.fail(f"{where}.author_names", "not the same names as authors")
    return names


def _read_time_spent(r: _Reader, where: str, obj: dict[str, Any]) -> TimeSpent | None:
    """The reader's time on the paper (version 3), checked as the database checks it."""
    spent = r.optional(obj, "time_spent", dict, where)
    if spent is None:
        return None
    at = f"{where}.time_spent"
    minutes = r.field(spent, "minutes", int, at)
    if not MIN_MINUTES_SPENT <= minutes <= MAX_MINUTES_SPENT:
        raise r.fail(
            f"{at}.minutes", f"a time spent is from {MIN_MINUTES_SPENT} to {MAX_MINUTES_SPENT}"
        )
    return TimeSpent(minutes, r.time(spent, "recorded_at", at))


def _read_facts(r: _Reader, where: str, obj: dict[str, Any]) -> tuple[MetaField, ...]:
    if obj.get("facts") is None:
        return ()
    facts: dict[Field, MetaField] = {}
    for at, item in r.objects(obj, "facts", where):
        fact = MetaField(
            r.choice(item, "name", at, Field),
            r.field(item, "value", str, at),
            r.choice(item, "source", at, Source),
            r.time(item, "recorded_at", at),
        )
        if fact.name in facts:
            raise r.fail(f"{at}.name", f"{fact.name.value!r} appears twice")
        facts[fact.name] = fact
    return tuple(facts.values())


def read_backup(value: object, source_name: str) -> LibraryExport:
    """The backup in parsed JSON, checked throughout; ImportFormatError names the fault."""
    r = _Reader(source_name)
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise r.fail("format", f"expected {FORMAT!r}")
    version = r.field(value, "version", int, "")
    if version not in READS:
        readable = " and ".join(str(v) for v in READS)
        raise r.fail("version", f"version {version} is not known (this program reads {readable})")
    papers: list[Paper] = []
    histories: dict[int, tuple[StatusChange, ...]] = {}
    for where, obj in r.objects(value, "papers", ""):
        paper, history = _read_paper(r, where, obj)
        if paper.id in histories:
            raise r.fail(f"{where}.id", f"paper id {paper.id} appears twice")
        papers.append(paper)
        histories[paper.id] = history
    known = set(histories)
    keys: dict[str, int] = {}
    for index, paper in enumerate(papers):
        if paper.cite_key is not None:
            if paper.cite_key.casefold() in keys:
                raise r.fail(f"papers[{index}].cite_key", f"{paper.cite_key!r} appears twice")
            keys[paper.cite_key.casefold()] = paper.id

    def paper_ref(obj: dict[str, Any], at: str) -> int:
        paper_id = r.field(obj, "paper_id", int, at)
        if paper_id not in known:
            raise r.fail(f"{at}.paper_id", f"paper {paper_id} is not in the backup")
        return paper_id

    tags = tuple(
        TagCount(r.field(obj, "name", str, at), 0, r.optional(obj, "colour", str, at))
        for at, obj in r.objects(value, "tags", "")
    )
    digests = tuple(
        DigestRecord(
            id=r.field(obj, "id", int, at),
            source_name=r.field(obj, "source_name", str, at),
            imported_at=r.time(obj, "imported_at", at),
            sha256=r.field(obj, "sha256", str, at),
            paper_count=r.field(obj, "paper_count", int, at),
            new_count=r.field(obj, "new_count", int, at),
            warning_count=r.field(obj, "warning_count", int, at),
            positions=tuple(
                (paper_ref(seen, where), r.field(seen, "position", int, where))
                for where, seen in r.objects(obj, "appearances", at)
            ),
        )
        for at, obj in r.objects(value, "digests", "")
    )
    lists: list[ReadingList] = []
    item_times: dict[str, dict[int, datetime]] = {}
    for at, obj in r.objects(value, "lists", ""):
        name = r.field(obj, "name", str, at)
        items = [
            (paper_ref(item, where), r.time(item, "added_at", where))
            for where, item in r.objects(obj, "items", at)
        ]
        lists.append(
            ReadingList(
                r.optional(obj, "id", int, at) or 0,
                name,
                r.time(obj, "created_at", at),
                tuple(i for i, _ in items),
            )
        )
        item_times[name] = dict(items)
    saved = tuple(
        SavedSearch(
            r.optional(obj, "id", int, at) or 0,
            r.field(obj, "name", str, at),
            r.field(obj, "query", str, at),
            r.time(obj, "created_at", at),
        )
        for at, obj in r.objects(value, "saved_searches", "")
    )
    group = read_group(r, value, paper_ref)
    return LibraryExport(
        papers=tuple(papers),
        exported_at=r.time(value, "exported_at", ""),
        scope=str(value.get("scope", "")),
        status_history=histories,
        tags=tags,
        digests=digests,
        lists=tuple(lists),
        list_item_times=item_times,
        saved_searches=saved,
        group=group,
    )
