"""The search index is trusted only as far as it was checked (issue 17, item 5).

A damaged file (truncated, scribbled) is found when the index opens (sizes) or by
``doctor`` (checksums), and any error reading one becomes "the search index is damaged;
rebuilding", never a crash; an index that is complete and readable but holds another
number of papers than the library (left empty by a restore that was killed) is rebuilt
when the library opens; a restore never leaves the old index beside the new database.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readinglist.app_context import open_library, restore_library
from readinglist.search import index_files
from readinglist.search.index_folders import INDEX_PREFIX, UNFINISHED_MARK
from readinglist.search.schema import SCHEMA_VERSION
from readinglist.storage import backups
from readinglist.storage.engine import database_path
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_cli import Cli, ok, user_error


def index_folder(library: Path) -> Path:
    return library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"


def segment_file(library: Path, suffix: str) -> Path:
    """The largest file of the index ending in ``suffix`` (the digest's main segment)."""
    found = sorted(index_folder(library).glob(f"*{suffix}"), key=lambda p: p.stat().st_size)
    assert found, f"no *{suffix} in {index_folder(library)}"
    return found[-1]


def truncate(path: Path, keep: float = 0.4) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def scribble(path: Path) -> None:
    """The same size, other bytes in the middle: what no size check can see."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    width = min(4096, len(data) // 4)
    data[middle : middle + width] = bytes((b ^ 0x5A) for b in data[middle : middle + width])
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated-col": lambda lib: truncate(segment_file(lib, ".title_key.col")),
    "truncated-stored": lambda lib: truncate(segment_file(lib, "._stored.col")),
    "truncated-pst": lambda lib: truncate(segment_file(lib, ".pst")),
    "missing-trm": lambda lib: segment_file(lib, ".trm").unlink(),
}


def test_the_manifest_records_every_file_of_the_committed_segments(digest_library: Path):
    folder = index_folder(digest_library)
    entries = index_files.read_manifest(folder)
    segment_files = {p.name for p in folder.iterdir() if p.name.startswith("MAIN_")}
    segment_files.discard("MAIN_WRITELOCK")
    assert set(entries) == segment_files
    for name, (size, _crc) in entries.items():
        assert (folder / name).stat().st_size == size


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_files_are_found_on_open_and_rebuilt(
    digest_library: Path, tmp_path: Path, damage: str
):
    DAMAGE[damage](digest_library)
    cli = Cli(tmp_path, digest_library)
    result = ok(cli("search", "model", "--json"))
    assert "search index was damaged" in result.err, str(result)
    assert f"rebuilt it from the library ({SHARED_DIGEST_PAPERS} papers)" in result.err
    assert result.json()["total"] > 0
    assert "matches the library" in ok(cli("doctor", "--check")).out


def test_a_scribbled_terms_file_is_found_by_doctor(digest_library: Path, tmp_path: Path):
    """Same size, wrong bytes: no error while searching, so only the checksums see it."""
    scribble(segment_file(digest_library, ".trm"))
    cli = Cli(tmp_path, digest_library)
    checked = cli("doctor", "--check")
    assert checked.code == 1, str(checked)
    assert "the search index is damaged" in checked.out and ".trm changed" in checked.out
    assert json.loads(cli("doctor", "--check", "--json").out)["damaged"]
    repaired = ok(cli("doctor"))
    assert "rebuilt it from the library" in repaired.out
    assert "matches the library" in ok(cli("doctor", "--check")).out


def test_an_error_reading_a_damaged_index_is_rebuilt_not_a_crash(
    digest_library: Path, tmp_path: Path
):
    """An index written before manifests existed: only reading finds the damage."""
    (index_folder(digest_library) / index_files.MANIFEST).unlink()
    truncate(segment_file(digest_library, ".title_key.col"), keep=0.05)
    cli = Cli(tmp_path, digest_library)
    result = ok(cli("search", "model", "--sort", "title", "--json"))
    assert "the search index is damaged; rebuilding it from the library" in result.err
    assert result.json()["total"] > 0
    assert "matches the library" in ok(cli("doctor", "--check")).out


def test_a_damaged_stored_fields_file_is_reported_by_doctor_without_a_manifest(
    digest_library: Path, tmp_path: Path
):
    (index_folder(digest_library) / index_files.MANIFEST).unlink()
    truncate(segment_file(digest_library, "._stored.col"), keep=0.3)
    cli = Cli(tmp_path, digest_library)
    checked = cli("doctor", "--check")
    assert checked.code == 1 and "damaged" in checked.out, str(checked)
    ok(cli("doctor"))
    assert "matches the library" in ok(cli("doctor", "--check")).out


def empty_index_beside(library: Path, tmp_path: Path) -> None:
    """The index of a new, empty library put in place of this library's: complete,
    readable, and holding nothing (what a restore killed at the wrong moment left)."""
    empty = tmp_path / "empty-library"
    with open_library(empty):
        pass
    shutil.rmtree(index_folder(library))
    shutil.copytree(index_folder(empty), index_folder(library))


def test_an_empty_index_beside_a_full_library_is_rebuilt_on_open(
    digest_library: Path, tmp_path: Path
):
    empty_index_beside(digest_library, tmp_path)
    messages: list[str] = []
    with open_library(digest_library, on_message=messages.append) as opened:
        assert opened.library.search("model").total > 0
        assert opened.library.indexing.check(repair=False).clean
    assert messages == [
        f"the search index was empty: rebuilt it from the library ({SHARED_DIGEST_PAPERS} papers)"
    ]


def test_a_disagreeing_index_waits_for_its_build_when_not_built_at_open(
    digest_library: Path, tmp_path: Path
):
    """The window opens without building: the index is distrusted in every process
    (marked unfinished), and the next open that builds rebuilds it."""
    empty_index_beside(digest_library, tmp_path)
    with open_library(digest_library, build_index=False) as opened:
        if not opened.library.indexing.ready:  # a library over the tiny limit
            assert (index_folder(digest_library) / UNFINISHED_MARK).exists()
    with open_library(digest_library) as opened:
        assert opened.library.indexing.check(repair=False).clean


def test_a_restore_discards_the_index_before_it_replaces_the_database(
    digest_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Killed just before the database is replaced: the old index is already gone, so
    it can never be taken for the restored database's."""
    backup = tmp_path / "backup.sqlite3"
    backups.backup_to(digest_library, backup, datetime.now(UTC))

    def killed(_staged: Path, _target: Path) -> None:
        assert not index_folder(digest_library).exists()
        raise KeyboardInterrupt  # as a SIGKILL would stop it: nothing after runs

    monkeypatch.setattr(backups, "_replace", killed)
    with pytest.raises(KeyboardInterrupt):
        restore_library(digest_library, backup)
    with open_library(digest_library) as opened:
        assert opened.library.search("model").total > 0
        assert opened.library.indexing.check(repair=False).clean


def test_doctor_on_an_index_held_by_another_writer_says_busy(digest_library: Path, tmp_path: Path):
    """The held lock is taken here, in this process: doctor's repair waits, then
    says busy (before, Whoosh's LockError was a crash)."""
    from whoosh import index as windex

    cli = Cli(tmp_path, digest_library)
    ok(cli("tag", "4", "--add", "while-held"))  # waits in the outbox: drift to repair
    holder = windex.open_dir(str(index_folder(digest_library))).lock("WRITELOCK")
    assert holder.acquire()
    try:
        connection = sqlite3.connect(database_path(digest_library))
        connection.execute("INSERT INTO search_outbox (paper_id) VALUES (5)")
        connection.commit()
        connection.close()
        result = cli("doctor", env={"READINGLIST_BUSY_TIMEOUT_MS": "100"})
        if result.code != 0:
            user_error(result, "library is busy")
    finally:
        holder.release()
    assert "matches the library" in ok(cli("doctor")).out
