"""A process killed with SIGKILL at a random moment leaves a library that opens, passes
``readinglist doctor`` and holds all or none of each change.

Each operation (an import of 3000 papers, a bulk edit, a reindex) is first run to the
end once to learn how long it takes; then copies of the library are killed at points
drawn (with a fixed seed) from that span, eight times per operation.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_papers
from readinglist.core.digest_parser import render_digest
from readinglist.storage.engine import database_path
from tests.helpers import SHARED_DIGEST_PAPERS, shared_digest_path
from tests.test_cli import Cli, base_env, ok

pytestmark = [
    pytest.mark.slow,
    pytest.mark.real_process,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
]

KILLS_PER_OPERATION = 8
BIG_DIGEST_PAPERS = 3000
SEED = 20261201


@dataclass(frozen=True)
class Operation:
    name: str
    args: tuple[str, ...]


def count(library: Path, sql: str) -> int:
    connection = sqlite3.connect(database_path(library))
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


@pytest.fixture(scope="module")
def big_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "big.txt"
    path.write_text(render_digest(synthetic_papers(BIG_DIGEST_PAPERS, seed=3)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("crash-template") / "library"
    ok(Cli(library.parent, library)("import", str(shared_digest_path())))
    return library


def run_and_kill(cwd: Path, library: Path, args: Sequence[str], after_s: float | None) -> bool:
    """Run a command; SIGKILL it ``after_s`` seconds in. True when it was killed; a run
    that ends first must succeed (its stderr is the assertion's message)."""
    argv = [sys.executable, "-m", "readinglist", "--library", str(library), *args]
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=base_env(cwd / "home"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as process:
        try:
            _, err = process.communicate(timeout=after_s)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        assert process.returncode == 0, err.decode("utf-8", "replace")
        return False


def kill_points(span_s: float, rng: random.Random) -> list[float]:
    """Moments spread over the whole run, interpreter start included."""
    return sorted(rng.uniform(0.05, span_s) for _ in range(KILLS_PER_OPERATION))


def check_opens_and_passes_doctor(cli: Cli) -> None:
    """The command killed was a process; what it left is looked at in this one (the
    same ``readinglist.cli`` code, without an interpreter's start for each check)."""
    doctor = ok(cli("doctor"))
    # Whatever drift a kill left (an index write cut short) is found and repaired; a
    # second look must then find nothing.
    assert "matches" in ok(cli("doctor")).out, str(doctor)
    assert ok(cli("search", "model", "--limit", "1", "--json")).json()["total"] > 0


def calibrate(tmp_path: Path, template: Path, args: Sequence[str]) -> float:
    library = tmp_path / "calibration"
    shutil.copytree(template, library)
    started = time.monotonic()
    run_and_kill(tmp_path, library, args, None)
    return time.monotonic() - started


def kill_repeatedly(
    tmp_path: Path, template: Path, args: Sequence[str], seed: int, check: Callable[[Path], None]
) -> None:
    """Kill the command at KILLS_PER_OPERATION random points, each on a fresh copy of
    the library, and check what each kill left."""
    killed = 0
    span = calibrate(tmp_path, template, args)
    for number, moment in enumerate(kill_points(span, random.Random(seed))):
        library = tmp_path / f"killed-{number}"
        shutil.copytree(template, library)
        killed += run_and_kill(tmp_path, library, args, moment)
        check(library)
        check_opens_and_passes_doctor(Cli(tmp_path, library, in_process=True))
    assert killed >= KILLS_PER_OPERATION // 2  # most kills landed inside the run


def test_killed_imports_leave_all_or_none(tmp_path: Path, template: Path, big_digest: Path):
    def all_or_none(library: Path) -> None:
        papers = count(library, "SELECT count(*) FROM papers")
        assert papers in (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS + BIG_DIGEST_PAPERS)
        digests = count(library, "SELECT count(*) FROM digests")
        assert digests == (1 if papers == SHARED_DIGEST_PAPERS else 2)

    kill_repeatedly(tmp_path, template, ("import", str(big_digest)), SEED, all_or_none)


def test_killed_bulk_edits_leave_all_or_none(tmp_path: Path, template: Path):
    ids = [str(i) for i in range(1, SHARED_DIGEST_PAPERS + 1)]

    def all_or_none(library: Path) -> None:
        tagged = count(library, "SELECT count(*) FROM paper_tags")
        assert tagged in (0, SHARED_DIGEST_PAPERS)
        found = ok(Cli(tmp_path, library, in_process=True)("search", "tag:crash", "--json"))
        assert found.json()["total"] == tagged

    kill_repeatedly(tmp_path, template, ("tag", *ids, "--add", "crash/test"), SEED + 1, all_or_none)


def test_killed_reindexes_leave_a_library_that_rebuilds(
    tmp_path: Path, template: Path, big_digest: Path
):
    big = tmp_path / "big-template"
    shutil.copytree(template, big)
    ok(Cli(tmp_path, big)("import", str(big_digest)))

    def every_paper_kept(library: Path) -> None:
        total = count(library, "SELECT count(*) FROM papers")
        assert total == SHARED_DIGEST_PAPERS + BIG_DIGEST_PAPERS

    kill_repeatedly(tmp_path, big, ("reindex",), SEED + 2, every_paper_kept)
