"""Shared-library benchmark: many clients editing one library on PostgreSQL at once.

    python -m benchmarks.shared [--papers 10000] [--clients 10] [--edits 1000] [--json]
                                [--hot 200] [--think-ms 5] [--url postgresql://...]

Without ``--url`` a throwaway PostgreSQL cluster is started for the run
(tests/postgres_server.py) and removed after. The library is the synthetic one of
benchmarks/synthetic.py, built straight into the database.

Each client is a process of its own with its own local folder (as on its own machine),
all of one member (the state edited is private to a member, see
readinglist/storage/member_state.py: another member's clients never conflict with
these), and makes ``--edits`` random edits of papers drawn from a hot set of ``--hot``
papers (so that clients meet): it reads the paper, "thinks" ``--think-ms``, and saves one or two
fields through readinglist.core.paper_edits (versioned, merged field by field). Every
edit appends a token of its own to the notes; a save that meets a conflict reads again
and applies its change again (the user choosing theirs plus mine), counted as a
conflict resolved. Measured:

- ``lost_updates``: tokens missing from the notes at the end (must be 0), and the
  versions checked against the number of saves (each save moves a version by one);
- ``conflicts`` / ``conflicts_resolved``, ``merged`` (saves that kept another's fields);
- ``edit_ms``: a save as the user waits for it (read again, write, commit; without the
  thinking), p50/p95/max;
- ``propagation_ms``: from a save's commit until an observer client (LISTEN/NOTIFY,
  polling as fallback) has it in its own search index (the end of its first index sync
  that began after the commit), p50/p95/max.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.search import _loadavg, _ms, percentile
from benchmarks.synthetic import build_library

FIELDS = ("status", "priority", "rating")
_VALUES: dict[str, Sequence[object]] = {
    "status": ("unread", "queued", "reading", "read", "skimmed"),
    "priority": ("none", "low", "medium", "high"),
    "rating": (0, 1, 2, 3, 4, 5),
}


def _client_folder(root: Path, name: str, url: str) -> Path:
    from readinglist.storage.shared_url import write_locator

    folder = root / name
    write_locator(folder, url)
    return folder


def _one_member(root: Path) -> None:
    """Every client is one member (one person's many windows and machines): reading
    state is private to a member, so only their own clients can meet on it. The name
    goes in a config folder of the run's own (the user's is left alone); the client
    processes inherit it through the environment."""
    from readinglist.member import set_member_name

    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    set_member_name("Benchmark")


def _client(
    folder: str, number: int, edits: int, hot: list[int], think_s: float, results: Any
) -> None:
    """One client: ``edits`` versioned edits; sends its figures back."""
    from readinglist.core.paper_edits import read_base, save_edit
    from readinglist.storage.store import SqlStore

    rng = random.Random(f"client-{number}")
    store = SqlStore.open(Path(folder))
    edit_s: list[float] = []
    commits: list[tuple[float, int]] = []
    saves: dict[int, int] = {}
    tokens: list[tuple[int, str]] = []
    conflicts = merged = 0
    try:
        for edit in range(edits):
            paper = rng.choice(hot)
            token = f"c{number}e{edit}"
            changes = {name: rng.choice(_VALUES[name]) for name in rng.sample(FIELDS, 1)}
            base = read_base(store, paper)
            time.sleep(think_s)  # the user editing
            while True:
                started = time.perf_counter()
                mine = {**changes, "notes": f"{base.fields['notes']} {token}".strip()}
                outcome = save_edit(store, paper, base, mine, datetime.now(UTC))
                if not outcome.conflicts:
                    break
                conflicts += 1  # resolved: read again, apply the change again
                base = read_base(store, paper)
            edit_s.append(time.perf_counter() - started)
            committed = time.time()
            with store.unit_of_work() as uow:  # at or past this save's own feed row
                commits.append((committed, uow.last_outbox_row()))
            merged += outcome.merged
            if outcome.written:
                saves[paper] = saves.get(paper, 0) + 1
            tokens.append((paper, token))
    finally:
        store.close()
    results.put(("client", edit_s, commits, saves, tokens, conflicts, merged))


def _observer(folder: str, ready: Any, stop: Any, results: Any) -> None:
    """A client with a search index, kept in step from the change feed."""
    from readinglist.app_context import open_library
    from readinglist.storage.change_feed import ChangeListener, FeedCursor

    syncs: list[tuple[float, float]] = []
    applied: list[tuple[float, int]] = []  # (when, feed row): the index holds up to it
    write_cursor = FeedCursor.write

    def recorded(cursor: FeedCursor, upto: int) -> None:
        write_cursor(cursor, upto)
        applied.append((time.time(), upto))

    FeedCursor.write = recorded  # type: ignore[method-assign,assignment]
    with open_library(Path(folder)) as opened:
        listener = ChangeListener(opened.store.engine)
        # A client that has been running: its new index's merges done (as the window
        # does when idle), not left to the first sync of the measured edits.
        opened.library.indexing.maintain()
        ready.set()
        try:
            while not stop.is_set():
                listener.wait(0.5)
                started = time.time()
                opened.library.indexing.sync()
                syncs.append((started, time.time()))
            started = time.time()
            opened.library.indexing.sync()
            syncs.append((started, time.time()))
        finally:
            results.put(("observer", syncs, listener.listening, applied))
            listener.close()


def _propagation(commits: list[tuple[float, int]], applied: list[tuple[float, int]]) -> list[float]:
    """For each save: from its commit until the observer's index held a feed row at or
    past the newest row seen just after the commit (so at or past the save's own)."""
    found: list[float] = []
    for committed, row in commits:
        later = [when for when, upto in applied if upto >= row and when >= committed]
        if later:
            found.append(min(later) - committed)
    return found


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": _ms(percentile(values, 0.5)),
        "p95": _ms(percentile(values, 0.95)),
        "max": _ms(max(values, default=0.0)),
    }


def run(
    url: str, papers: int, clients: int, edits: int, hot: int, think_ms: float
) -> dict[str, Any]:
    from readinglist.core.paper_edits import read_base
    from readinglist.storage.store import SqlStore

    root = Path(tempfile.mkdtemp(prefix="rl-shared-bench-"))
    _one_member(root)
    started = time.perf_counter()
    builder = _client_folder(root, "builder", url)
    build_library(builder, papers)
    build_s = time.perf_counter() - started
    store = SqlStore.open(builder)
    with store.unit_of_work() as uow:
        ids = uow.all_ids()
    hot_ids = random.Random(7).sample(ids, min(hot, len(ids)))
    before = {paper: read_base(store, paper).version for paper in hot_ids}

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    ready, stop = context.Event(), context.Event()
    observer_folder = _client_folder(root, "observer", url)
    started = time.perf_counter()
    observer = context.Process(target=_observer, args=(str(observer_folder), ready, stop, results))
    observer.start()
    while not ready.wait(1.0):
        if not observer.is_alive():
            raise RuntimeError("the observer client failed before its index was built")
    index_s = time.perf_counter() - started
    workers = [
        context.Process(
            target=_client,
            args=(
                str(_client_folder(root, f"client-{n}", url)),
                n,
                edits,
                hot_ids,
                think_ms / 1000,
                results,
            ),
        )
        for n in range(clients)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    reports = [results.get() for _ in workers]
    wall_s = time.perf_counter() - started
    for worker in workers:
        worker.join()
    stop.set()
    observer_report = results.get()
    observer.join()

    edit_s = [s for report in reports for s in report[1]]
    propagation = _propagation([c for report in reports for c in report[2]], observer_report[3])
    saves: dict[int, int] = {}
    for report in reports:
        for paper, count in report[3].items():
            saves[paper] = saves.get(paper, 0) + count
    notes = {paper: read_base(store, paper) for paper in hot_ids}
    store.close()
    missing = [
        token
        for report in reports
        for paper, token in report[4]
        if token not in str(notes[paper].fields["notes"]).split()
    ]
    version_mismatch = [
        paper for paper in hot_ids if notes[paper].version - before[paper] != saves.get(paper, 0)
    ]
    return {
        "benchmark": "shared",
        "papers": papers,
        "clients": clients,
        "edits_per_client": edits,
        "edits": len(edit_s),
        "hot_papers": len(hot_ids),
        "think_ms": think_ms,
        "lost_updates": len(missing),
        "version_mismatches": len(version_mismatch),
        "conflicts": sum(report[5] for report in reports),
        "conflicts_resolved": sum(report[5] for report in reports),
        "merged": sum(report[6] for report in reports),
        "edit_ms": _summary(edit_s),
        "propagation_ms": _summary(propagation),
        "propagated": len(propagation),
        "observer_sync_ms": _summary([end - start for start, end in observer_report[1]]),
        "observer_syncs": len(observer_report[1]),
        "observer_listening": observer_report[2],
        "edits_per_s": round(len(edit_s) / wall_s, 1),
        "wall_s": round(wall_s, 1),
        "build_s": round(build_s, 1),
        "observer_index_s": round(index_s, 1),
        "loadavg": _loadavg(),
        "cpus": os.cpu_count(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shared", description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--edits", type=int, default=1_000, help="edits per client")
    parser.add_argument("--hot", type=int, default=200, help="papers the edits pick from")
    parser.add_argument("--think-ms", type=float, default=5.0)
    parser.add_argument("--url", help="an empty database (default: a throwaway server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from tests.postgres_server import running_server

            server = stack.enter_context(running_server())
            url = server.url(server.new_database())
        report = run(url, args.papers, args.clients, args.edits, args.hot, args.think_ms)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0 if report["lost_updates"] == 0 and report["version_mismatches"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
