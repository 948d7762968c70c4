"""``readinglist --library postgresql://...``: a shared library on a real PostgreSQL server
(tests/postgres_server.py), through the command line as a user runs it.

Each client (a home folder of its own, so a user data folder of its own) keeps its own
search index and undo history in a local folder named by a hash of the URL; the
password never comes from the URL and never reaches an output or a log.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from readinglist.app_context import open_library
from readinglist.core.models import ReadStatus
from readinglist.member import set_member_name
from readinglist.storage.change_feed import CURSOR_FILE, ChangeListener
from readinglist.storage.shared_url import LOCATOR_FILE
from tests.helpers import SHARED_DIGEST, SHARED_DIGEST_PAPERS
from tests.postgres_server import PostgresServer
from tests.test_cli import Cli, Result

SECRET = "s3cr3t-Pa55word"


def _client(root: Path, name: str) -> Cli:
    """A client machine: its own home (user data folder); the URL is given per call."""
    folder = root / name
    folder.mkdir()
    return Cli(folder, None, env={"PGPASSWORD": SECRET})


def _run(cli: Cli, url: str, *args: str) -> Result:
    return cli(*args, "--library", url)


def _ok(result: Result) -> str:
    """What the command printed (stdout, then stderr: counts and notes go there)."""
    assert result.code == 0, result.err
    return result.out + result.err


def _local_folder(cli: Cli) -> Path:
    shared = cli.cwd / "home" / "data" / "readinglist" / "shared"
    folders = list(shared.iterdir())
    assert len(folders) == 1
    return folders[0]


def _everything_written(cli: Cli) -> str:
    """Every file the client wrote (logs, locator, undo history), as text."""
    texts = []
    for path in (cli.cwd / "home").rglob("*"):
        if path.is_file() and "index" not in path.parts[-2]:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.slow
def test_every_command_works_on_a_shared_library(tmp_path: Path, postgres_url: str):
    cli = _client(tmp_path, "alice")
    assert "211 new" in _ok(_run(cli, postgres_url, "import", str(SHARED_DIGEST)))
    assert "0 new, 211 already" in _ok(_run(cli, postgres_url, "import", str(SHARED_DIGEST)))
    # Reading state is each member's own: without a member name it is not written.
    refused = _run(cli, postgres_url, "status", "1", "2", "read")
    assert refused.code != 0 and "readinglist member NAME" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    _ok(cli("member", "Alice"))
    _ok(_run(cli, postgres_url, "status", "1", "2", "read"))
    _ok(_run(cli, postgres_url, "tag", "1", "--add", "3d/nerf"))
    _ok(_run(cli, postgres_url, "rate", "1", "5"))
    _ok(_run(cli, postgres_url, "priority", "2", "high"))
    _ok(_run(cli, postgres_url, "lists", "create", "Group"))
    _ok(_run(cli, postgres_url, "lists", "add", "Group", "2", "1"))
    _ok(_run(cli, postgres_url, "note", "1", "--set", "naïve notes ✓"))
    assert _ok(_run(cli, postgres_url, "lists", "show", "Group")).index("AVG-LLaVA") < _ok(
        _run(cli, postgres_url, "lists", "show", "Group")
    ).index("View-Consistent")
    assert "status history: unread" in _ok(_run(cli, postgres_url, "show", "1"))
    assert "29 matches" in _ok(_run(cli, postgres_url, "search", "gaussian splatting"))
    found = _ok(_run(cli, postgres_url, "search", "tag:3d status:read"))
    assert "1 match" in found
    assert len(_ok(_run(cli, postgres_url, "list", "--sort", "title")).splitlines()) == 211
    assert "3d/nerf" in _ok(_run(cli, postgres_url, "tags"))
    exported = _ok(_run(cli, postgres_url, "export", "--format", "csv"))
    assert len(exported.splitlines()) > SHARED_DIGEST_PAPERS
    assert "undone" in _ok(_run(cli, postgres_url, "undo"))
    _ok(_run(cli, postgres_url, "doctor"))
    local = _local_folder(cli)
    assert (local / "undo-history").is_dir()
    assert any(path.name.startswith("index") for path in local.iterdir())


@pytest.mark.slow
def test_the_local_folder_is_named_by_the_url_and_holds_no_password(
    tmp_path: Path, postgres_url: str
):
    cli = _client(tmp_path, "alice")
    _ok(_run(cli, postgres_url, "import", str(SHARED_DIGEST)))
    local = _local_folder(cli)
    assert local.name == hashlib.sha256(postgres_url.encode()).hexdigest()[:16]
    assert (local / LOCATOR_FILE).read_text().strip() == postgres_url
    assert SECRET not in _everything_written(cli)


@pytest.mark.slow
def test_two_clients_keep_their_own_indexes_in_step(tmp_path: Path, postgres_url: str):
    """What one client changes, another finds by searching; one that was offline
    catches up on its next start."""
    alice, bob = _client(tmp_path, "alice"), _client(tmp_path, "bob")
    _ok(alice("member", "Alice"))
    _ok(bob("member", "Bob"))
    _ok(_run(alice, postgres_url, "import", str(SHARED_DIGEST)))
    assert "29 matches" in _ok(_run(bob, postgres_url, "search", "gaussian splatting"))
    assert any(path.name.startswith("index") for path in _local_folder(bob).iterdir())

    _ok(_run(alice, postgres_url, "status", "3", "4", "read"))
    _ok(_run(alice, postgres_url, "tag", "4", "--add", "group/week-1"))
    # alice's own index takes the changes (on SQLite that would empty the outbox)
    assert "2 matches" in _ok(_run(alice, postgres_url, "search", "status:read"))
    # bob was not running: he catches up from the change feed when he starts; the
    # tag is the group's, the statuses were alice's own
    assert "1 match" in _ok(_run(bob, postgres_url, "search", "tag:group"))
    assert "0 matches" in _ok(_run(bob, postgres_url, "search", "status:read"))
    _ok(_run(bob, postgres_url, "status", "4", "5", "6", "read"))
    assert "3 matches" in _ok(_run(bob, postgres_url, "search", "status:read"))
    found = _ok(_run(alice, postgres_url, "search", "status:read", "--json"))
    assert '"id": 3' in found and '"id": 4' in found and '"id": 5' not in found
    cursor = int((_local_folder(bob) / CURSOR_FILE).read_text())
    assert cursor > 0


def test_a_password_in_the_url_is_refused_and_never_repeated(tmp_path: Path):
    cli = _client(tmp_path, "alice")
    url = f"postgresql://postgres:{SECRET}@localhost/library"
    result = _run(cli, url, "import", str(SHARED_DIGEST))
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1
    assert "~/.pgpass or PGPASSWORD" in result.err
    assert SECRET not in result.out + result.err + _everything_written(cli)
    assert not (cli.cwd / "home" / "data" / "readinglist" / "shared").exists()


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path):
    cli = _client(tmp_path, "alice")
    url = f"postgresql://someone@/library?host={tmp_path / 'no-server-here'}"
    for command in (("list",), ("import", str(SHARED_DIGEST))):
        result = _run(cli, url, *command)
        assert result.code == 1, result.err
        assert result.err.startswith("readinglist: cannot reach the shared library"), result.err
        assert len(result.err.strip().splitlines()) == 1
        assert SECRET not in result.out + result.err + _everything_written(cli)


def test_a_command_on_an_empty_database_says_so_and_creates_nothing(
    tmp_path: Path, postgres_url: str, postgres_server: PostgresServer
):
    cli = _client(tmp_path, "alice")
    result = _run(cli, postgres_url, "list")
    assert result.code == 1
    assert f"no library in {postgres_url} yet" in result.err
    database = urlsplit(postgres_url).path.lstrip("/")
    tables = postgres_server.execute(
        database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    )
    assert tables == [(0,)]


@pytest.mark.slow
def test_backup_and_restore_point_to_pg_dump_and_change_nothing(tmp_path: Path, postgres_url: str):
    cli = _client(tmp_path, "alice")
    _ok(_run(cli, postgres_url, "import", str(SHARED_DIGEST)))
    backup = _run(cli, postgres_url, "backup")
    assert backup.code == 1 and "pg_dump" in backup.err
    assert not (_local_folder(cli) / "backups").exists()
    fake = tmp_path / "old.sqlite3"
    fake.write_bytes(b"")
    restore = _run(cli, postgres_url, "restore", str(fake))
    assert restore.code == 1 and "pg_dump" in restore.err and "nothing was changed" in restore.err
    assert len(_ok(_run(cli, postgres_url, "list")).splitlines()) == SHARED_DIGEST_PAPERS


@pytest.mark.slow
def test_a_database_that_sorts_by_language_rules_is_refused(
    tmp_path: Path, postgres_server: PostgresServer
):
    """Its titles would come out of the database in another order than the index's."""
    name = f"rl_icu_{tmp_path.name[-20:]}".replace("-", "_").lower()
    postgres_server.execute(
        "postgres",
        f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu"
        " ICU_LOCALE 'en-US' LOCALE 'C'",
    )
    try:
        cli = _client(tmp_path, "alice")
        result = _run(cli, postgres_server.url(name), "import", str(SHARED_DIGEST))
        assert result.code == 1
        assert "code point order" in result.err and "createdb --locale=C.UTF-8" in result.err
        tables = postgres_server.execute(
            name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        assert tables == [(0,)]
    finally:
        postgres_server.drop_database(name)


@pytest.mark.slow
def test_a_listening_client_hears_a_commit_of_another(postgres_url: str, tmp_path: Path):
    """LISTEN/NOTIFY: the feed's notification arrives when the writer commits."""
    set_member_name("Alice")
    with open_library(postgres_url) as writer:
        writer.library.import_bytes(SHARED_DIGEST.read_bytes(), "digest.txt")
        listener = ChangeListener(writer.store.engine)
        try:
            assert listener.listening
            assert listener.wait(0.05) is False  # nothing yet (the import was before)
            done = threading.Event()

            def edit() -> None:
                writer.library.set_status([5], ReadStatus.READ)
                done.set()

            thread = threading.Thread(target=edit)
            thread.start()
            assert listener.wait(10) is True
            thread.join()
            assert done.is_set()
        finally:
            listener.close()


@pytest.mark.parametrize("listening", [True, False])
def test_a_polling_client_looks_at_the_feed_each_time(postgres_url: str, listening: bool):
    with open_library(postgres_url) as opened:
        listener = ChangeListener(opened.store.engine, poll_s=0.01)
        try:
            if not listening:
                listener.close()  # as when LISTEN is not possible
            assert listener.listening is listening
            assert listener.wait(0.01) is (not listening)
        finally:
            listener.close()
