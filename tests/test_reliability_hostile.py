"""The reliability suite of issue 17: kills, damage, a full disk, a read-only library,
processes racing on a new library, and hostile databases, each in real processes.

Every case ends with the same checks (:func:`sound`): the database passes SQLite's
``integrity_check`` and ``foreign_key_check``; the search index holds what the database
holds (``doctor --check`` exits 0 after a plain open, which rebuilds a distrusted index
and says so); every failure was one line and exit 1, never exit 70 (a crash). The full
disk and the read-only library need a private mount namespace (``unshare -r -m``, no
root needed); where the system refuses one, those tests are skipped with the reason. No
test sleeps: processes are polled with timeouts.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_papers
from readinglist.core.digest_parser import render_digest
from readinglist.search.index_folders import INDEX_PREFIX
from readinglist.search.schema import SCHEMA_VERSION
from readinglist.storage.engine import database_path
from tests.helpers import REPO, SHARED_DIGEST_PAPERS, shared_digest_path
from tests.test_cli import Cli, Result, base_env, ok, user_error
from tests.test_crash import run_and_kill

# Commands meet hostile conditions (damage, a full disk, a read-only mount, a full
# stdout, another process) as processes of their own (real_process), and commands are
# killed as processes (run_and_kill); the rest, the checks of what is left included,
# runs through readinglist.cli in this process.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL, mount namespaces, FIFOs"),
]

EXIT_BUG = 70
SEED = 20261217
KILLS = 6
BIG_PAPERS = 2000


# --- what every case ends with ----------------------------------------------------------


def papers_in(library: Path) -> int:
    connection = sqlite3.connect(database_path(library))
    try:
        return int(connection.execute("SELECT count(*) FROM papers").fetchone()[0])
    finally:
        connection.close()


def database_intact(library: Path) -> None:
    connection = sqlite3.connect(database_path(library))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def not_a_crash(result: Result) -> Result:
    """Exit 0, or exit 1 with one line (``doctor --check``: its report on stdout);
    never 70 and never a traceback."""
    assert result.code != EXIT_BUG, str(result)
    assert "Traceback" not in result.err, str(result)
    if result.code == 1 and result.args[:2] == ("doctor", "--check") and not result.err:
        assert "checked only" in result.out, str(result)
    elif result.code != 0:
        user_error(result)
    return result


def sound(cli: Cli) -> None:
    """The database intact; the index equal to it (after the open that rebuilds an
    index it distrusts, with a message); a search finds what the library holds. After
    a kill or damage, looked at in this process: the command killed, or the first to
    meet the damage, is what had to be a process of its own."""
    library = cli.library
    assert library is not None
    cli = replace(cli, in_process=True)
    database_intact(library)
    opened = not_a_crash(cli("search", "model", "--json"))
    assert opened.code == 0, str(opened)
    assert "matches the library" in ok(cli("doctor", "--check")).out
    total = ok(cli("search", "", "--json")).json()["total"]
    assert total == papers_in(library)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("hostile") / "library"
    ok(Cli(library.parent, library)("import", str(shared_digest_path())))
    return library


def copy_of(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("backups"))
    return target


@pytest.fixture
def lib(tmp_path: Path, template: Path) -> Cli:
    return Cli(tmp_path, copy_of(template, tmp_path / "library"))


@pytest.fixture(scope="module")
def big_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-big") / "big.txt"
    path.write_text(render_digest(synthetic_papers(BIG_PAPERS, seed=5)), encoding="utf-8")
    return path


# --- kills ------------------------------------------------------------------------------


def kill_at_random(
    tmp_path: Path,
    template: Path,
    args: tuple[str, ...],
    seed: int,
    prepare: Callable[[Path], None] = lambda _library: None,
) -> list[Path]:
    """Copies of the library, each with the command killed at a moment drawn from its
    whole run (measured once); returns the copies."""
    calibration = copy_of(template, tmp_path / "calibration")
    prepare(calibration)
    started = time.monotonic()
    run_and_kill(tmp_path, calibration, args, None)
    span = time.monotonic() - started
    rng = random.Random(seed)
    copies: list[Path] = []
    killed = 0
    for number, moment in enumerate(sorted(rng.uniform(0.05, span) for _ in range(KILLS))):
        library = copy_of(template, tmp_path / f"killed-{number}")
        prepare(library)
        killed += run_and_kill(tmp_path, library, args, moment)
        copies.append(library)
    assert killed >= KILLS // 2, "most kills must land inside the run"
    return copies


def test_a_killed_restore_leaves_one_library_or_the_other_and_an_index_that_matches_it(
    tmp_path: Path, template: Path, big_digest: Path
):
    """The backup holds the digest; the library, the digest and 2000 more papers. Killed
    anywhere, the library is one of the two, whole, and its index is never the other's
    (before, a kill between the two steps left the old index, or an empty one, in use)."""
    backup = tmp_path / "backup.sqlite3"
    ok(Cli(tmp_path, template)("backup", str(backup)))
    big = copy_of(template, tmp_path / "big")
    ok(Cli(tmp_path, big)("import", str(big_digest)))
    for library in kill_at_random(tmp_path, big, ("restore", str(backup)), SEED):
        assert papers_in(library) in (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS + BIG_PAPERS)
        sound(Cli(tmp_path, library))


def test_a_killed_first_build_is_redone_on_the_next_start(
    tmp_path: Path, template: Path, big_digest: Path
):
    """An index being built at open (missing: a search waits for it) is killed: the
    next start builds it again instead of trusting what was left."""
    big = copy_of(template, tmp_path / "big")
    ok(Cli(tmp_path, big)("import", str(big_digest)))

    def without_index(library: Path) -> None:
        for folder in library.glob(f"{INDEX_PREFIX}*"):
            shutil.rmtree(folder)

    for library in kill_at_random(tmp_path, big, ("search", "model"), SEED + 1, without_index):
        sound(Cli(tmp_path, library))


# --- damage -----------------------------------------------------------------------------


def _largest(library: Path, suffix: str) -> Path:
    folder = library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
    return max(folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_size)


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2048] = bytes(range(256)) * 8
    path.write_bytes(bytes(data))


def _garbage_manifest(library: Path) -> None:
    folder = library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
    (folder / "readinglist-files.json").write_bytes(b"\x00{not json")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "cut-column": lambda lib: _cut(_largest(lib, ".title_key.col")),
    "cut-stored": lambda lib: _cut(_largest(lib, "._stored.col")),
    "cut-postings": lambda lib: _cut(_largest(lib, ".pst")),
    "scribbled-terms": lambda lib: _scribble(_largest(lib, ".trm")),
    "scribbled-toc": lambda lib: _scribble(_largest(lib, ".toc")),
    "lost-terms": lambda lib: _largest(lib, ".trm").unlink(),
    "garbage-manifest": lambda lib: _garbage_manifest(lib),
}


@pytest.mark.real_process
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_index_is_rebuilt_and_never_a_crash(lib: Cli, damage: str):
    assert lib.library is not None
    DAMAGE[damage](lib.library)
    results = [
        lib(*args)
        for args in (
            ("doctor", "--check"),
            ("search", "model", "--sort", "title"),
            ("similar", "5"),
            ("export", "--format", "csv", "--search", "model"),
        )
    ]
    for result in results:
        not_a_crash(result)
    ok(lib("doctor"))
    sound(lib)


@pytest.mark.real_process
def test_a_damaged_database_is_one_line_naming_a_backup_and_restore_brings_it_back(
    lib: Cli, tmp_path: Path
):
    assert lib.library is not None
    ok(lib("list", "--limit", "1"))  # today's backup taken
    data = bytearray(database_path(lib.library).read_bytes())
    data[4096 * 3 : 4096 * 8] = bytes(range(256)) * 80
    database_path(lib.library).write_bytes(bytes(data))
    user_error(lib("list"), "database is damaged", "readinglist restore")
    for args in (("search", "model"), ("tag", "1", "--add", "x"), ("doctor",), ("tags",)):
        # Each reads other pages: damaged ones are one line; the others may just work.
        result = not_a_crash(lib(*args))
        if result.code:
            assert "database is damaged" in result.err, str(result)
    newest = sorted((lib.library / "backups").glob("daily-*.sqlite3"))[-1]
    ok(lib("restore", str(newest)))
    sound(lib)


# --- a full disk and a read-only library (private mount namespaces) ----------------------


@cache
def namespace_refusal() -> str | None:
    """Why no private mount namespace can be had here, or None when one can."""
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(
        ["unshare", "-r", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        return f"no private mount namespace: {probe.stderr.strip() or probe.returncode}"
    return None


def in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    refusal = namespace_refusal()
    if refusal is not None:
        pytest.skip(refusal)
    env = base_env(cwd / "home", {"PYTHONPATH": str(REPO)})
    return subprocess.run(
        ["unshare", "-r", "-m", "bash", "-c", script],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
        check=False,
    )


def results_of(done: subprocess.CompletedProcess[str]) -> dict[str, tuple[int, str]]:
    """The commands' exit codes and stderr, as the script reports them (``@@name code``
    after each command's stderr)."""
    found: dict[str, tuple[int, str]] = {}
    lines: list[str] = []
    for line in done.stderr.splitlines():
        if line.startswith("@@"):
            name, code = line[2:].split()
            found[name] = (int(code), "\n".join(lines))
            lines = []
        else:
            lines.append(line)
    return found


def command(name: str, library: Path, *args: str, stdout: str = "/dev/null") -> str:
    quoted = " ".join(f"'{arg}'" for arg in args)
    return (
        f"'{sys.executable}' -m readinglist --library '{library}' {quoted} >{stdout};"
        f' echo "@@{name} $?" >&2'
    )


@pytest.mark.real_process
def test_a_full_disk_is_one_line_and_loses_nothing(
    tmp_path: Path, template: Path, big_digest: Path
):
    mount = tmp_path / "disk"
    mount.mkdir()
    library = mount / "library"
    kept = tmp_path / "after"
    script = textwrap.dedent(
        f"""
        set -u
        mount -t tmpfs -o size=12m tmpfs '{mount}' || exit 97
        cp -r '{template}' '{library}' && rm -rf '{library}/backups'
        {command("open", library, "list", "--limit", "1")}
        dd if=/dev/zero of='{mount}/fill' bs=64k 2>/dev/null
        truncate -s -300k '{mount}/fill'
        {command("import", library, "import", str(big_digest))}
        {command("tag", library, "tag", "1", "2", "3", "--add", "full")}
        {command("reindex", library, "reindex")}
        {command("export", library, "export", "--format", "json", "-o", f"{mount}/out.json")}
        {command("stdout", library, "export", "--format", "json", stdout="/dev/full")}
        rm '{mount}/fill'
        cp -r '{library}' '{kept}'
        """
    )
    done = in_namespace(script, tmp_path)
    assert done.returncode == 0, done.stderr
    found = results_of(done)
    assert found["open"][0] == 0, found
    for name in ("import", "tag", "reindex", "export", "stdout"):
        code, err = found[name]
        assert code in (0, 1), (name, err)
        if code == 1:
            assert len(err.splitlines()) == 1 and err.startswith("readinglist: "), (name, err)
    assert found["import"][0] == 1  # 2000 papers cannot fit in 300 kB
    assert found["stdout"][0] == 1 and "No space left" in found["stdout"][1]
    assert papers_in(kept) == SHARED_DIGEST_PAPERS  # the import is all or nothing
    sound(Cli(tmp_path, kept))


@pytest.mark.real_process
def test_a_read_only_library_can_be_read_and_refuses_writes_in_one_line(
    tmp_path: Path, template: Path
):
    library = copy_of(template, tmp_path / "library")
    out = tmp_path / "out"
    out.mkdir()
    script = textwrap.dedent(
        f"""
        set -u
        mount --bind '{library}' '{library}' || exit 97
        mount -o remount,bind,ro '{library}' || exit 97
        {command("list", library, "list", "--json", stdout=f"{out}/list.json")}
        {command("show", library, "show", "3")}
        {command("search", library, "search", "model", "--json", stdout=f"{out}/s.json")}
        {command("tags", library, "tags")}
        {command("doctor", library, "doctor", "--check")}
        {command("export", library, "export", "--format", "csv", "-o", f"{out}/x.csv")}
        {command("backup", library, "backup", f"{out}/copy.sqlite3")}
        {command("tag", library, "tag", "3", "--add", "x")}
        {command("import", library, "import", str(shared_digest_path()))}
        """
    )
    done = in_namespace(script, tmp_path)
    assert done.returncode == 0, done.stderr
    found = results_of(done)
    for name in ("list", "show", "search", "tags", "doctor", "export", "backup"):
        assert found[name][0] == 0, (name, found[name])
    for name in ("tag", "import"):
        code, err = found[name]
        assert code == 1 and len(err.splitlines()) == 1 and "read-only" in err, (name, err)
    assert len(__import__("json").loads((out / "list.json").read_text())) == SHARED_DIGEST_PAPERS
    database_intact(library)
    sound(Cli(tmp_path, library))


# --- processes racing -------------------------------------------------------------------


@pytest.mark.real_process
@pytest.mark.parametrize("processes", [4, 6])
def test_processes_starting_on_one_new_library_all_succeed(tmp_path: Path, processes: int):
    """Before, the second process to create the schema failed with "table digests
    already exists" (exit 70); now the library is created once and the others wait."""
    library = tmp_path / "new"
    digests = []
    for number in range(processes):
        digest = tmp_path / f"d{number}.txt"
        digest.write_text(
            f"Race Paper Number {number} Arrives\nIt races the others. Nothing is lost.\n"
        )
        digests.append(digest)
    cli = Cli(tmp_path, library)
    with ThreadPoolExecutor(processes) as pool:
        results = list(pool.map(lambda d: cli("import", str(d)), digests))
    for result in results:
        ok(result)
    assert papers_in(library) == processes
    sound(cli)


@pytest.mark.real_process
def test_readers_and_writers_starting_together_on_a_new_library(tmp_path: Path):
    library = tmp_path / "new"
    digest = shared_digest_path()
    cli = Cli(tmp_path, library)
    commands = [("import", str(digest))] * 2 + [("doctor",)] * 2 + [("search", "model")]
    with ThreadPoolExecutor(len(commands)) as pool:
        results = list(pool.map(lambda args: cli(*args), commands))
    for result in results[:2]:
        ok(result)
    for result in results[2:]:  # may find no library yet: one line, never a crash
        not_a_crash(result)
    assert papers_in(library) == SHARED_DIGEST_PAPERS
    sound(cli)


# --- hostile databases and outputs --------------------------------------------------------


def test_a_restored_trigger_cannot_wipe_notes(lib: Cli, tmp_path: Path):
    backup = tmp_path / "crafted.sqlite3"
    ok(lib("backup", str(backup)))
    connection = sqlite3.connect(backup)
    connection.executescript(
        "UPDATE papers SET notes = 'precious' WHERE id = 2;"
        "CREATE TRIGGER wipe AFTER UPDATE ON papers BEGIN"
        " UPDATE papers SET notes = '' WHERE id != NEW.id; END;"
    )
    connection.close()
    ok(lib("restore", str(backup)))
    ok(lib("status", "1", "read"))
    assert ok(lib("show", "2", "--json")).json()["notes"] == "precious"
    sound(lib)


@pytest.mark.parametrize("table", ["papers", "digests", "alembic_version", "search_outbox"])
def test_a_backup_without_a_table_is_refused(lib: Cli, tmp_path: Path, table: str):
    assert lib.library is not None
    backup = tmp_path / "crafted.sqlite3"
    ok(lib("backup", str(backup)))
    connection = sqlite3.connect(backup)
    connection.executescript(f"PRAGMA foreign_keys=OFF; DROP TABLE {table};")
    connection.close()
    user_error(lib("restore", str(backup)))
    sound(lib)


@pytest.mark.real_process
def test_an_export_to_a_full_stdout_is_one_line(lib: Cli):
    assert lib.library is not None
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "readinglist",
                "--library",
                str(lib.library),
                "export",
                "--format",
                "json",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            env=base_env(lib.cwd / "home"),
            timeout=120,
            check=False,
        )
    err = done.stderr.decode()
    assert done.returncode == 1 and len(err.splitlines()) == 1, err
    assert "No space left on device" in err


HOLD_INDEX = """
import sys
from whoosh import index
lock = index.open_dir(sys.argv[1]).lock("WRITELOCK")
assert lock.acquire()
print("holding", flush=True)
sys.stdin.readline()
lock.release()
"""


@pytest.mark.real_process
def test_doctor_and_writes_while_another_process_holds_the_index(lib: Cli):
    assert lib.library is not None
    folder = lib.library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
    env = {"READINGLIST_BUSY_TIMEOUT_MS": "200"}
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_INDEX), str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "holding"
        try:
            ok(lib("tag", "4", "--add", "while-held", env=env))
            for args in (("doctor",), ("doctor", "--check"), ("reindex",)):
                not_a_crash(lib(*args, env=env))
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=60)
    ok(lib("doctor"))
    sound(lib)
