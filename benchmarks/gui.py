"""Window responsiveness: the longest event-loop stall while importing and searching.

    python -m benchmarks.gui [--size 10000] [--json] [--seed 7] [--queries 12] [--explain]

A 5 ms ``QTimer`` on the GUI thread is the probe: each gap between two of its ticks
beyond the 5 ms asked for is time the event loop could not run (the window was frozen).
The window comes from ``build_main_window`` (offscreen) on an empty temporary library;
then, with the probe running:

1. a synthetic digest of N papers is put on the clipboard (before the phase starts: the
   copying is another application's work) and pasted (Edit > Paste digest), until the
   import is done and the new papers are shown and selected;
2. nothing is done for 3.5 s: the worker, idle, runs its full garbage collection;
3. the table is scrolled to the bottom and back a page at a time (pages load lazily);
4. queries are typed into the search box a character every 80 ms (search as you type,
   debounced), each until its results are shown (``search_result_*_ms``: from the last
   key, so the 200 ms debounce is included);
5. single edits as a reader triages: a row is chosen and a status key pressed, one after
   the other, each until the library has it (``edit_*_ms``);
6. a bulk edit: every paper selected (Ctrl+A), ``4`` pressed (all marked read: one
   transaction, one undo step), and a query typed right after it; the query must be
   answered while the edit is still being indexed (``bulk_search_answer_ms``, target
   500 ms; the read lane) and the edit's whole time is ``bulk_edit_s``.

During the import a query is typed too, 0.3 s after the paste (``import_search_answer_ms``,
target 300 ms).

Prints one JSON object (``--json``) or a short table; ``max_stall_ms`` is the largest
stall of all phases (target: <= 100 ms). ``--explain`` adds the worst stalls, each with
the GIL holds inside it and where the holder was when it let go (``gil_watch.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.gil_watch import GilWatch
from readinglist.core.query import typing_query

if TYPE_CHECKING:
    from readinglist.ui.main_window import MainWindow

PROBE_MS = 5
EXPLAIN_MS = 40  # stalls this long are explained with --explain
KEY_MS = 80
REST_MS = 3500  # longer than the worker waits before its idle garbage collection
QUERIES = (
    "gaussian splatting",
    "diffusion has:code",
    "title:transformer",
    "segment*",
    "difusion~",
    '"large language models"',
    "quantization OR pruning",
    "gausian splating",
    "video generation -survey",
    "status:unread rating:0",
    "attention",
    "3d reconstruction",
)


@dataclass
class Probe:
    """Records the gaps between ticks of a fast timer on the GUI thread."""

    stalls: dict[str, list[float]] = field(default_factory=dict)
    phase: str = "idle"
    long: list[tuple[float, float, str]] = field(default_factory=list)  # start, end, phase
    started: dict[str, float] = field(default_factory=dict)  # phase -> its start
    _last: float = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            stall = (now - self._last) * 1000 - PROBE_MS
            self.stalls.setdefault(self.phase, []).append(max(stall, 0.0))
            if stall >= EXPLAIN_MS:
                self.long.append((self._last, now, self.phase))
        self._last = now

    def start_phase(self, name: str) -> None:
        self.phase = name
        self._last = self.started[name] = time.perf_counter()

    def worst(self, phase: str) -> float:
        return round(max(self.stalls.get(phase, [0.0])), 1)

    def percentile(self, share: float) -> float:
        values = sorted(v for phase, vs in self.stalls.items() if phase != "idle" for v in vs)
        if not values:
            return 0.0
        return round(values[min(len(values) - 1, int(share * len(values)))], 1)


def wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    """Run the event loop until ``condition()`` holds (checked every 10 ms)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    poll = QTimer(interval=10)
    met = condition()  # once met it counts, even if a later job makes it false again

    def check() -> None:
        nonlocal met
        met = met or condition()
        if met or time.monotonic() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    if not met:
        loop.exec()
    poll.stop()
    if not met:
        raise TimeoutError(f"gave up after {timeout_s:.0f} s")


def answered(window: MainWindow, query: str) -> bool:
    """The query's rows are shown, whatever the writer is still doing."""
    return window.model.query.text == typing_query(query) and not window.reader.pending


def type_and_time(window: MainWindow, query: str) -> float:
    """Type a query at once and press Enter; ms until its rows are shown."""
    started = time.perf_counter()
    window.search_box.setText(query)
    window.search_box.returnPressed.emit()
    wait_until(partial(answered, window, query), 120)
    return round((time.perf_counter() - started) * 1000, 1)


def shown(window: MainWindow, query: str) -> bool:
    """The window shows the results of ``query`` (and has nothing else to do)."""
    return window.model.query.text == typing_query(query) and not window.busy


def pause(ms: float) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    deadline = time.perf_counter() + ms / 1000
    wait_until(lambda: time.perf_counter() >= deadline, 5 + ms / 1000)


def digest_text(size: int, seed: int) -> str:
    from benchmarks.synthetic import synthetic_papers
    from readinglist.core.digest_parser import render_digest

    return render_digest(synthetic_papers(size, seed))


def explain(probe: Probe, watch: GilWatch, worst: int = 8) -> list[dict[str, Any]]:
    """The longest stalls outside "idle", each with the GIL holds inside it."""
    stalls = sorted((s for s in probe.long if s[2] != "idle"), key=lambda s: s[0] - s[1])
    explained = []
    for start, end, phase in stalls[:worst]:
        gaps = watch.during(start, end)
        explained.append(
            {
                "phase": phase,
                "ms": round((end - start) * 1000 - PROBE_MS, 1),
                "at_s": round(start - probe.started.get(phase, start), 2),  # into its phase
                "gil_held_ms": [round(gap.seconds * 1000) for gap in gaps],
                "holder_at": sorted({stack for gap in gaps for stack in gap.stacks}),
            }
        )
    return explained


def run_benchmark(
    size: int,
    seed: int,
    queries: Sequence[str],
    progress: Callable[[str], None],
    explain_stalls: bool = False,
) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from readinglist.ui.app import build_main_window
    from readinglist.ui.pauses import settle_after_startup

    app = QApplication.instance() or QApplication(sys.argv[:1])
    progress(f"generating a digest of {size} papers")
    text = digest_text(size, seed)
    probe = Probe()
    timer = QTimer(interval=PROBE_MS)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(probe.tick)
    result: dict[str, Any] = {"size": size, "seed": seed}
    watch = GilWatch()
    with tempfile.TemporaryDirectory(prefix="readinglist-gui-bench-") as scratch:
        folder = Path(scratch)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        window = build_main_window(folder / "library")
        # No lookups of the pasted papers: the network stays out of the phases (see
        # benchmarks/gui_lookup.py for the window while papers are looked up).
        window.resolver.automatic_action.setChecked(False)
        settle_after_startup()  # as readinglist.ui.app.run does
        try:
            window.resize(1400, 900)
            window.show()
            wait_until(lambda: not window.busy, 60)
            timer.start()
            if explain_stalls:
                watch.start()

            progress("importing through Edit > Paste digest")
            # Copying is the other application's work (a browser, a mail client): the
            # clipboard is filled before the probe's phase starts; reading it is ours.
            QGuiApplication.clipboard().setText(text)
            probe.start_phase("import")
            started = time.perf_counter()
            window.paste_action.trigger()
            pause(300)
            result["import_search_answer_ms"] = type_and_time(window, "gaussian")
            result["import_still_running"] = window.importing
            window.search_box.clear()
            wait_until(
                lambda: (
                    not window.importing
                    and not window.busy
                    and len(window.table.selected_rows()) == size
                ),
                3600,
            )
            result["import_s"] = round(time.perf_counter() - started, 2)
            result["import_max_stall_ms"] = probe.worst("import")

            progress("idling (the worker's full garbage collection runs)")
            probe.start_phase("rest")
            pause(REST_MS)
            result["rest_max_stall_ms"] = probe.worst("rest")

            progress("scrolling the table")
            probe.start_phase("scroll")
            bar = window.table.verticalScrollBar()
            for value in (bar.maximum(), *range(bar.maximum(), -1, -max(1, bar.pageStep() * 5))):
                bar.setValue(value)
                pause(30)  # paints, and asks for the pages it shows
                wait_until(lambda: not window.busy, 60)
            result["scroll_max_stall_ms"] = probe.worst("scroll")

            progress(f"typing {len(queries)} queries")
            probe.start_phase("search")
            latencies: list[float] = []
            for query in queries:
                window.search_box.clear()
                wait_until(lambda: not window.busy, 60)
                typed = time.perf_counter()
                for end in range(1, len(query) + 1):
                    typed = time.perf_counter()
                    window.search_box.setText(query[:end])
                    if end < len(query):
                        pause(KEY_MS)
                wait_until(partial(shown, window, query), 60)
                latencies.append((time.perf_counter() - typed) * 1000)
            result["search_max_stall_ms"] = probe.worst("search")
            latencies.sort()
            result["search_result_p50_ms"] = round(latencies[len(latencies) // 2], 1)
            result["search_result_max_ms"] = round(latencies[-1], 1)

            progress("single edits: choose a row, press a status key")
            result.update(edit_phase(window, probe))

            progress(f"a bulk edit of all {size} papers, and a query typed right after it")
            result.update(bulk_phase(window, probe, size))
        finally:
            timer.stop()
            watch.stop()
            window.close()
    result["max_stall_ms"] = max(
        result["import_max_stall_ms"],
        result["rest_max_stall_ms"],
        result["scroll_max_stall_ms"],
        result["search_max_stall_ms"],
        result["edit_max_stall_ms"],
        result["bulk_max_stall_ms"],
    )
    result["stall_p99_ms"] = probe.percentile(0.99)
    result["probe_interval_ms"] = PROBE_MS
    result["target_max_stall_ms"] = 100
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    result["python"] = platform.python_version()
    result["pyside6"] = pyside_version
    result["qpa"] = QGuiApplication.platformName()
    if explain_stalls:
        result["worst_stalls"] = explain(probe, watch)
    del app
    return result


EDITS = 20
STATUS_KEYS = "2345"


def edit_phase(window: MainWindow, probe: Probe) -> dict[str, Any]:
    """Triage by keyboard: a row, a status key, until the library has the change."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.search_box.clear()
    wait_until(lambda: not window.busy, 60)
    probe.start_phase("edit")
    latencies: list[float] = []
    for number in range(EDITS):
        paper_id = window.model.paper_id(number * 7 % max(window.model.rowCount(), 1))
        if paper_id is None:
            break
        window.select_ids([paper_id])
        key = STATUS_KEYS[number % len(STATUS_KEYS)]
        started = time.perf_counter()
        QTest.keyClick(window.table, getattr(Qt.Key, f"Key_{key}"))
        wait_until(lambda: not window.worker.pending, 60)
        latencies.append((time.perf_counter() - started) * 1000)
        wait_until(lambda: not window.busy, 60)
    latencies.sort()
    return {
        "edit_p50_ms": round(latencies[len(latencies) // 2], 1),
        "edit_max_ms": round(latencies[-1], 1),
        "edit_max_stall_ms": probe.worst("edit"),
    }


def bulk_phase(window: MainWindow, probe: Probe, size: int) -> dict[str, Any]:
    """Ctrl+A, ``4``; a query typed right after; until the edit is indexed."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.search_box.clear()
    wait_until(lambda: not window.busy and window.model.rowCount() >= size, 60)
    window.table.setFocus()
    probe.start_phase("bulk")
    started = time.perf_counter()
    QTest.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    selected = window.table.selected_count()
    QTest.keyClick(window.table, Qt.Key.Key_4)
    answer_ms = type_and_time(window, "diffusion")
    edit_running = bool(window.worker.pending)
    wait_until(lambda: not window.busy, 600)
    bulk_s = time.perf_counter() - started
    return {
        "bulk_selected": selected,
        "bulk_edit_s": round(bulk_s, 2),
        "bulk_search_answer_ms": answer_ms,
        "bulk_edit_still_running_at_answer": edit_running,
        "bulk_max_stall_ms": probe.worst("bulk"),
    }


def render_table(result: dict[str, Any]) -> str:
    keys = (
        "size",
        "max_stall_ms",
        "import_max_stall_ms",
        "rest_max_stall_ms",
        "scroll_max_stall_ms",
        "search_max_stall_ms",
        "stall_p99_ms",
        "import_s",
        "search_result_p50_ms",
        "search_result_max_ms",
        "import_search_answer_ms",
        "edit_p50_ms",
        "edit_max_ms",
        "edit_max_stall_ms",
        "bulk_edit_s",
        "bulk_search_answer_ms",
        "bulk_max_stall_ms",
    )
    return "\n".join(f"{key:<24}{result[key]}" for key in keys)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gui", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--size", type=int, default=10000, help="papers in the digest")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=len(QUERIES), help="queries typed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add the worst stalls, the GIL holds inside them and where the holder was",
    )
    args = parser.parse_args(argv)
    if args.size < 1 or not 1 <= args.queries <= len(QUERIES):
        parser.error(f"--size must be positive and --queries from 1 to {len(QUERIES)}")

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[benchmark] {message}", file=sys.stderr, flush=True)

    result = run_benchmark(args.size, args.seed, QUERIES[: args.queries], progress, args.explain)
    print(json.dumps(result) if args.json else render_table(result))
    if args.explain and not args.json:
        for stall in result["worst_stalls"]:
            print(f"\n{stall['phase']}: {stall['ms']} ms, GIL held {stall['gil_held_ms']} ms")
            print("".join(f"    {where}\n" for where in stall["holder_at"]), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
