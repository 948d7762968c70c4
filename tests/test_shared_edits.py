"""No lost update: a version per paper, edits merged field by field or reported
(readinglist.core.paper_edits), on SQLite and on PostgreSQL, with sessions racing."""

from __future__ import annotations

import stat
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readinglist.app_context import LibraryLocation, OpenLibrary, library_folder
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.paper_edits import (
    EditConflictError,
    EditOutcome,
    FieldConflict,
    merge,
    read_base,
    save_edit,
)
from readinglist.storage.store import SqlStore
from tests.helpers import SHARED_DIGEST
from tests.test_cli import Cli
from tests.test_storage_dialects import lib, location  # noqa: F401  (both databases)

BASE = {"status": "unread", "priority": "none", "rating": 0, "notes": "n"}


def _now() -> datetime:
    return datetime.now(UTC)


# --- merging, field by field --------------------------------------------------------


def test_fields_changed_on_either_side_are_merged():
    theirs = {**BASE, "rating": 4}
    write, kept, conflicts = merge(BASE, {"notes": "mine"}, theirs)
    assert (write, kept, conflicts) == ({"notes": "mine"}, ("rating",), ())


def test_the_same_change_on_both_sides_is_no_conflict():
    theirs = {**BASE, "notes": "same"}
    assert merge(BASE, {"notes": "same"}, theirs) == ({}, (), ())


def test_one_field_changed_to_two_values_is_a_conflict():
    theirs = {**BASE, "notes": "theirs"}
    write, _, conflicts = merge(BASE, {"notes": "mine", "rating": 2}, theirs)
    assert conflicts == (FieldConflict("notes", "theirs", "mine"),)
    assert write == {"rating": 2}  # save_edit writes nothing when there is a conflict


def test_a_conflict_is_one_line_naming_the_field_and_both_values():
    error = EditConflictError(7, (FieldConflict("notes", "a\nb", "c" * 100),), "/tmp/x.md")
    message = str(error)
    assert "\n" not in message
    assert "notes: theirs 'a\\nb', yours 'ccc" in message
    assert "nothing was overwritten" in message and "/tmp/x.md" in message


# --- on both databases ------------------------------------------------------------


def _imported(opened: OpenLibrary) -> list[int]:
    opened.library.import_bytes(SHARED_DIGEST.read_bytes(), "digest.txt")
    return [paper.id for paper in opened.library.papers()]


@pytest.mark.slow
def test_every_change_of_a_paper_moves_its_version(lib: OpenLibrary):  # noqa: F811
    """The single reader's edits check the paper's version; a member's (PostgreSQL)
    the version of their own state (storage/member_state.py): 0 before their first
    change, and not moved by the group's tags."""
    ids = _imported(lib)
    versions = [read_base(lib.store, ids[0]).version]
    lib.library.set_status(ids, ReadStatus.READ)  # a bulk UPDATE
    versions.append(read_base(lib.store, ids[0]).version)
    lib.library.tag(ids[:1], add=["x"])  # only paper_tags rows: the paper is bumped
    versions.append(read_base(lib.store, ids[0]).version)
    lib.library.set_notes(ids[0], "new")
    versions.append(read_base(lib.store, ids[0]).version)
    lib.library.rate(ids[1:2], 3)  # another paper: this one's version stays
    versions.append(read_base(lib.store, ids[0]).version)
    if lib.store.scope.private:
        assert versions == [0, 1, 1, 2, 2]
    else:
        assert versions == [1, 2, 3, 4, 4]


@pytest.mark.slow
def test_an_edit_from_an_old_read_is_merged_with_another_field(lib: OpenLibrary):  # noqa: F811
    paper = _imported(lib)[0]
    base = read_base(lib.store, paper)
    lib.library.rate([paper], 5)  # someone else, meanwhile
    outcome = save_edit(lib.store, paper, base, {"notes": "mine"}, _now())
    assert outcome.merged and outcome.kept == ("rating",)
    state = read_base(lib.store, paper)
    assert (state.fields["rating"], state.fields["notes"]) == (5, "mine")


@pytest.mark.slow
def test_an_edit_of_a_field_changed_meanwhile_overwrites_nothing(lib: OpenLibrary):  # noqa: F811
    paper = _imported(lib)[0]
    base = read_base(lib.store, paper)
    lib.library.set_notes(paper, "theirs")
    outcome = save_edit(lib.store, paper, base, {"notes": "mine", "rating": 1}, _now())
    assert outcome.conflicts == (FieldConflict("notes", "theirs", "mine"),)
    state = read_base(lib.store, paper)
    assert (state.fields["notes"], state.fields["rating"]) == ("theirs", 0)


@pytest.mark.slow
def test_a_status_edit_keeps_its_history(lib: OpenLibrary):  # noqa: F811
    paper = _imported(lib)[0]
    base = read_base(lib.store, paper)
    save_edit(lib.store, paper, base, {"status": "read", "priority": "high"}, _now())
    details = lib.library.details(paper)
    assert [c.status for c in details.status_history] == [ReadStatus.UNREAD, ReadStatus.READ]
    assert details.paper.priority is Priority.HIGH


@pytest.mark.slow
def test_two_sessions_racing_on_one_field_one_wins_the_other_is_told(
    lib: OpenLibrary,  # noqa: F811
    location: LibraryLocation,  # noqa: F811
):
    """Both read, then both save at once through their own connections: exactly one
    writes, the other gets the conflict and the winner's value is what stays."""
    paper = _imported(lib)[0]
    folder = library_folder(location)
    stores = [SqlStore.open(folder), SqlStore.open(folder)]
    try:
        bases = [read_base(store, paper) for store in stores]
        start = threading.Barrier(2)
        outcomes: dict[str, EditOutcome] = {}

        def save(index: int) -> None:
            start.wait()
            mine = f"notes of session {index}"
            outcomes[mine] = save_edit(stores[index], paper, bases[index], {"notes": mine}, _now())

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        written = [mine for mine, outcome in outcomes.items() if outcome.written]
        told = [mine for mine, outcome in outcomes.items() if outcome.conflicts]
        assert len(written) == 1 and len(told) == 1
        assert read_base(lib.store, paper).fields["notes"] == written[0]
    finally:
        for store in stores:
            store.close()


@pytest.mark.slow
def test_racing_read_modify_writes_lose_no_update(
    lib: OpenLibrary,  # noqa: F811
    location: LibraryLocation,  # noqa: F811
):
    """Four sessions each append ten words to one paper's notes, reading, editing and
    saving, again on a conflict: all forty words are there at the end."""
    paper = _imported(lib)[0]
    start = read_base(lib.store, paper).version
    folder = library_folder(location)
    conflicts = [0]
    lock = threading.Lock()

    def append_words(session: int) -> None:
        store = SqlStore.open(folder)
        try:
            for number in range(10):
                while True:
                    base = read_base(store, paper)
                    notes = f"{base.fields['notes']} s{session}w{number}".strip()
                    if save_edit(store, paper, base, {"notes": notes}, _now()).written:
                        break
                    with lock:
                        conflicts[0] += 1
        finally:
            store.close()

    threads = [threading.Thread(target=append_words, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    words = str(read_base(lib.store, paper).fields["notes"]).split()
    assert sorted(words) == sorted(f"s{s}w{n}" for s in range(4) for n in range(10))
    assert read_base(lib.store, paper).version >= start + 40


# --- the command line: note --edit -----------------------------------------------


@pytest.mark.slow
def test_note_edit_refuses_to_overwrite_notes_changed_while_editing(
    tmp_path: Path,
    location: LibraryLocation,  # noqa: F811
):
    """While the editor is open the paper's notes are set elsewhere (the member's other
    window: on a shared library notes are each member's own): saving says so in one
    line with both values, overwrites nothing and keeps the edited text."""
    cli = Cli(tmp_path, None)
    assert cli("member", "Alice").code == 0  # the editor's command runs as Alice too
    target = str(location)
    assert cli("import", str(SHARED_DIGEST), "--library", target).code == 0
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'readinglist', 'note', '1', '--set',"
        " 'theirs', '--library', sys.argv[1]], check=True)\n"
        "open(sys.argv[2], 'w').write('mine')\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    # The editor is given the file last; the library goes first.
    env = {"EDITOR": f"{sys.executable} {editor} {target}", "PYTHONPATH": str(Path.cwd())}
    result = cli("note", "1", "--edit", "--library", target, env=env)
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1
    assert "notes: theirs 'theirs', yours 'mine'" in result.err
    assert cli("note", "1", "--library", target).out == "theirs\n"
    kept = result.err.split("yours are kept in ")[1].split(":")[0]
    assert Path(kept).read_text() == "mine"
