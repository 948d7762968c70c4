"""JSON backup: export then import into an empty library reproduces it exactly.

Both libraries are compared row by row, table by table, straight from the database
(not through the exporter), so a field the backup forgets makes the test fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.errors import ReadingListError
from readinglist.core.exchange.errors import ImportFormatError
from tests.exchange_library import HOSTILE_NOTES, build_rich_library
from tests.helpers import shared_digest_path

# Every table of the schema, read without surrogate ids that mean nothing to a user
# (tags, links, lists and history rows are compared by name and order instead).
QUERIES = {
    "papers": "SELECT id, title, abstract, title_key, status, priority, rating, notes,"
    " added_at, updated_at, arxiv_id, upvotes, cite_key FROM papers ORDER BY id",
    "paper_authors": "SELECT paper_id, position, name, family, given, suffix FROM paper_authors"
    " ORDER BY paper_id, position",
    "paper_facts": "SELECT paper_id, name, value, source, recorded_at FROM paper_facts"
    " ORDER BY paper_id, name",
    "links": "SELECT paper_id, url, kind, host, owner, repo FROM links ORDER BY paper_id, id",
    "status_changes": "SELECT paper_id, status, changed_at FROM status_changes"
    " ORDER BY paper_id, id",
    "tags": "SELECT name, colour FROM tags ORDER BY name",
    "paper_tags": "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
    " ORDER BY pt.paper_id, t.name",
    "digests": "SELECT id, source_name, imported_at, sha256, paper_count, new_count,"
    " warning_count FROM digests ORDER BY id",
    "appearances": "SELECT digest_id, paper_id, position FROM appearances"
    " ORDER BY digest_id, paper_id",
    "reading_lists": "SELECT name, name_key, created_at FROM reading_lists ORDER BY name_key",
    "list_items": "SELECT l.name, i.paper_id, i.position, i.added_at FROM list_items i"
    " JOIN reading_lists l ON l.id = i.list_id ORDER BY l.name_key, i.position",
    "saved_searches": "SELECT name, name_key, query, created_at FROM saved_searches"
    " ORDER BY name_key",
    "reading_times": "SELECT paper_id, minutes, recorded_at FROM reading_times ORDER BY paper_id",
    "paper_comments": "SELECT paper_id, author, body, created_at FROM paper_comments"
    " ORDER BY paper_id, created_at, id",
    "paper_assignments": "SELECT paper_id, presenter, on_date, assigned_by, assigned_at"
    " FROM paper_assignments ORDER BY paper_id",
}
# Lookup states are where a lookup stands, not what it found (that is in paper_facts):
# a restored library looks its papers up again.
# member_states: a shared library's members' own state, never written in a local one
# (a JSON backup holds the exporting member's values in its papers).
NOT_USER_DATA = {"alembic_version", "search_outbox", "resolve_state", "member_states"}


def rows(opened: OpenLibrary) -> dict[str, list[tuple[Any, ...]]]:
    with opened.store.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(query))]
            for table, query in QUERIES.items()
        }


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenLibrary]:
    opened = build_rich_library(
        tmp_path_factory.mktemp("original") / "library", shared_digest_path()
    )
    group = opened.library.group  # the reading group's: the backup must keep them too
    group.add_comment(1, "Alice", "Read §4 first;\nthe appendix too")
    group.add_comment(1, "Bob", "Agreed")
    group.add_comment(2, "Bob", HOSTILE_NOTES)
    group.assign(1, "Bob", date(2031, 5, 6), "Alice")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def backup(original: OpenLibrary) -> bytes:
    return original.library.exchange.export("json").encode("utf-8")


@pytest.mark.slow
def test_the_comparison_covers_every_table(original: OpenLibrary) -> None:
    tables = set(inspect(original.store.engine).get_table_names())
    assert tables - NOT_USER_DATA == set(QUERIES)


@pytest.mark.slow
def test_backup_into_an_empty_library_is_lossless(
    original: OpenLibrary, backup: bytes, tmp_path: Path
) -> None:
    before = rows(original)
    assert all(before[table] for table in QUERIES)  # every table has something to lose
    with open_library(tmp_path / "restored") as restored:
        summary = restored.library.import_bytes(backup, "backup.json")
        assert summary.new == len(before["papers"]) and summary.already_present == 0
        assert "restored: 4 digests, 2 lists, 1 saved search" in summary.describe()
        after = rows(restored)
        for table in QUERIES:
            assert after[table] == before[table], table
        # The same through the use cases: every paper with its history and appearances.
        for paper_id, *_rest in before["papers"]:
            assert restored.library.details(paper_id) == original.library.details(paper_id)
        assert restored.library.lists.all() == original.library.lists.all()
        assert restored.library.searches.all() == original.library.searches.all()
        assert restored.library.tags() == original.library.tags()
        # The restored library is searchable at once and exports the same file again.
        query = "gaussian splatting has:code"
        assert restored.library.query_ids(query) == original.library.query_ids(query)
        again = json.loads(restored.library.exchange.export("json"))
        first = json.loads(backup)
        assert {**again, "exported_at": None} == {**first, "exported_at": None}


def test_backup_into_the_same_library_changes_nothing(original: OpenLibrary, backup: bytes) -> None:
    before = rows(original)
    summary = original.library.import_bytes(backup, "backup.json")
    assert summary.new == 0 and summary.already_present == len(before["papers"])
    assert "kept as they were: 2 lists, 1 saved search" in summary.describe()
    assert "restored: 0 digests, 0 lists, 0 saved searches" in summary.describe()
    assert rows(original) == before


def test_merging_a_backup_never_overwrites_and_adds_what_is_missing(
    backup: bytes, tmp_path: Path
) -> None:
    data = json.loads(backup)
    with open_library(tmp_path / "other") as other:
        library = other.library
        # The library already has the first paper, with notes of its own, and a list.
        first = data["papers"][0]
        digest = f"{first['title']}\n{first['abstract']}\n"
        library.import_bytes(digest.encode(), "mine.txt")
        library.set_notes(1, "my own notes")
        library.lists.create("reading GROUP")
        library.lists.add("reading group", [1])
        summary = library.import_bytes(backup, "backup.json")
        assert summary.already_present == 1
        assert summary.new == len(data["papers"]) - 1
        assert library.details(1).paper.notes == "my own notes"  # not HOSTILE_NOTES
        assert library.lists.get("Reading group").paper_ids == (1,)  # kept as it was
        assert len(library.papers()) == len(data["papers"])
        assert [rl.name for rl in library.lists.all()] == ["Empty list", "reading GROUP"]
        last = data["papers"][-1]["title"]
        moved = library.details(next(p.id for p in library.papers() if p.title == last))
        assert moved.paper.title == data["papers"][-1]["title"]
        assert [a.source_name for a in moved.appearances] == ["hostile.txt"]
        assert moved.paper.notes == data["papers"][-1]["notes"]
        assert data["papers"][0]["notes"] == HOSTILE_NOTES


@pytest.mark.slow
def test_a_version_1_backup_still_restores(
    original: OpenLibrary, backup: bytes, tmp_path: Path
) -> None:
    """A backup from before author structure, facts and cite keys: the rest of it."""
    data = json.loads(backup)
    data["version"] = 1
    for paper in data["papers"]:
        for key in ("author_names", "facts", "cite_key"):
            del paper[key]
    with open_library(tmp_path / "old") as restored:
        summary = restored.library.import_bytes(json.dumps(data).encode(), "old.json")
        assert summary.new == len(data["papers"])
        before, after = rows(original), rows(restored)
        assert after["paper_facts"] == [] and before["paper_facts"]
        assert [row[:3] for row in after["paper_authors"]] == [
            row[:3] for row in before["paper_authors"]
        ]  # the names as written, without a structure nobody restored
        assert [row[:-1] for row in after["papers"]] == [row[:-1] for row in before["papers"]]
        assert {row[-1] for row in after["papers"]} == {None}


def test_a_restored_paper_never_takes_another_papers_cite_key(
    backup: bytes, tmp_path: Path
) -> None:
    data = json.loads(backup)
    taken = data["papers"][-2]["cite_key"]
    with open_library(tmp_path / "other") as other:
        entry = f"@misc{{{taken.upper()}, title = {{Some Other Paper}}}}"
        other.library.import_bytes(entry.encode(), "mine.bib")
        assert other.library.papers()[0].cite_key == taken.upper()
        other.library.import_bytes(backup, "backup.json")
        by_title = {p.title: p for p in other.library.papers()}
        assert by_title["Some Other Paper"].cite_key == taken.upper()  # kept
        assert by_title[data["papers"][-2]["title"]].cite_key is None  # BibTeX: the same key
        assert by_title[data["papers"][0]["title"]].cite_key == data["papers"][0]["cite_key"]


def _broken(data: dict[str, Any], path: tuple[Any, ...], value: object) -> bytes:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("papers", 3, "status"), "someday", "papers[3].status: unknown value 'someday'"),
        (("papers", 0, "rating"), 9, "papers[0].rating: a rating is from 0 to 5"),
        (("papers", 1, "title"), KeyError, "papers[1].title: missing"),
        (("papers", 2, "added_at"), "yesterday", "papers[2].added_at: not a date and time"),
        (("papers", 2, "added_at"), "2026-01-01T00:00:00", "a time without a time zone"),
        (("papers", 2, "tags"), "3d", "papers[2].tags: expected a list"),
        (("digests", 0, "appearances", 0, "paper_id"), 99999, "paper 99999 is not in the backup"),
        (("lists", 0, "items"), {}, "lists[0].items: expected a list"),
        (("version",), 7, "version 7 is not known"),
        (("papers", 0, "facts", 0, "source"), "oracle", "facts[0].source: unknown value"),
        (("papers", 0, "facts", 0, "name"), "colour", "facts[0].name: unknown value"),
        (("papers", 0, "author_names", 0, "name"), "X", "author_names: not the same names"),
        (("papers", 1, "cite_key"), "SAME", "papers[1].cite_key: 'SAME' appears twice"),
        (("papers", 4, "links", 0, "kind"), "ftp", "links[0].kind: unknown value 'ftp'"),
        (("saved_searches", 0, "query"), None, "saved_searches[0].query: expected a string"),
    ],
)
def test_a_damaged_backup_names_the_fault_and_changes_nothing(
    backup: bytes, tmp_path: Path, path: tuple[Any, ...], value: object, message: str
) -> None:
    data = json.loads(backup)
    if path[:2] == ("papers", 4):
        path = ("papers", next(i for i, p in enumerate(data["papers"]) if p["links"]), *path[2:])
    if path[:3] in (("papers", 0, "facts"), ("papers", 0, "author_names")):
        path = ("papers", next(i for i, p in enumerate(data["papers"]) if p[path[2]]), *path[2:])
    if value == "SAME":
        data["papers"][0]["cite_key"] = "same"
    broken = _broken(data, path, value)
    with open_library(tmp_path / "target") as target:
        target.library.import_bytes(b"Kept Paper Title\nIts abstract. It stays.\n", "a.txt")
        before = rows(target)
        with pytest.raises(ImportFormatError) as caught:
            target.library.import_bytes(broken, "backup.json")
        assert message in str(caught.value)
        assert str(caught.value).startswith("backup.json: not a valid backup: ")
        assert len(str(caught.value).splitlines()) == 1
        assert rows(target) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "readinglist-backup", "version": 1, "papers": [', "not valid JSON: line 1"),
        (b"[1, 2, 3]", "neither a readinglist backup, Hugging Face daily papers nor CSL-JSON"),
        (b'{"papers": {}}', "neither a readinglist backup"),
        (b"[" * 100_000, "JSON"),
    ],
)
def test_malformed_json_is_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    with open_library(tmp_path / "target") as target, pytest.raises(ReadingListError) as caught:
        target.library.import_bytes(content, "x.json")
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
