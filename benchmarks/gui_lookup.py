"""Window responsiveness while papers are looked up on arXiv and Hugging Face.

    python -m benchmarks.gui_lookup [--size 1000] [--papers 211] [--delay 0.003] [--json]
                                    [--explain]

The window comes from ``build_main_window`` (offscreen) on an empty temporary library,
automatic lookups off; a synthetic digest of ``--size`` papers is pasted; then the
first ``--papers`` rows are selected and looked up (Tools > Look up on arXiv and
Hugging Face) against :class:`benchmarks.fake_lookup.PatientLookup`, whose every call
waits ``--delay`` seconds off the GIL as a network wait would. The lookup runs on its
own thread and writes a chunk of 25 papers at a time (``ui/resolve_thread.py``); the
probe of ``benchmarks/gui.py`` (a 5 ms timer on the GUI thread) measures the stalls
meanwhile (target: <= 100 ms). Also reported: the GUI thread's own CPU time during the
lookup (``gui_thread_cpu_ms``, less sensitive to the machine's load than the stalls),
how many times the lookup's changes were announced to the views and how many row
reloads the table asked of its read lane.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.fake_lookup import PatientLookup
from benchmarks.gil_watch import GilWatch
from benchmarks.gui import PROBE_MS, Probe, digest_text, explain, wait_until


def _count_calls(owner: object, name: str) -> list[int]:
    """Counts the calls of ``owner.name`` from now on (a one-item list, updated)."""
    count = [0]
    original = getattr(owner, name)

    def counted(*args: object) -> object:
        count[0] += 1
        return original(*args)

    setattr(owner, name, counted)
    return count


def run(size: int, papers: int, delay: float, seed: int, explain_stalls: bool) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from readinglist.ui.app import build_main_window
    from readinglist.ui.pauses import settle_after_startup

    app = QApplication.instance() or QApplication(sys.argv[:1])
    text = digest_text(size, seed)
    probe, watch, lookup = Probe(), GilWatch(), PatientLookup(delay)
    timer = QTimer(interval=PROBE_MS)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(probe.tick)
    result: dict[str, Any] = {"size": size, "papers": papers, "delay_ms": delay * 1000}
    with tempfile.TemporaryDirectory(prefix="readinglist-lookup-bench-") as scratch:
        folder = Path(scratch)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        window = build_main_window(folder / "library")
        window.resolver.automatic_action.setChecked(False)
        window.resolver.lookup_factory = lookup.factory
        settle_after_startup()
        try:
            window.resize(1400, 900)
            window.show()
            QGuiApplication.clipboard().setText(text)
            window.paste_action.trigger()
            wait_until(lambda: not window.importing and window.model.rowCount() == size, 3600)
            wait_until(lambda: not window.busy, 60)
            window.select_ids(window.model.ids_of_rows([(0, papers - 1)]))
            timer.start()
            if explain_stalls:
                watch.start()
            reloads = _count_calls(window.model, "reload_papers")
            announced = _count_calls(window.changes, "announce")
            probe.start_phase("lookup")
            started, cpu = time.perf_counter(), time.thread_time()
            window.resolver.selected_action.trigger()
            wait_until(lambda: not window.resolver.running, 3600)
            # The GUI thread's own CPU time (the probe's ticks included): what the lookup
            # costs the window, whatever the machine's load does to the wall clock.
            result["gui_thread_cpu_ms"] = round((time.thread_time() - cpu) * 1000, 1)
            result["lookup_s"] = round(time.perf_counter() - started, 2)
            result["changes_announced"] = announced[0]
            result["row_reloads"] = reloads[0]
            result["summary"] = window.resolver.status.text()
        finally:
            timer.stop()
            watch.stop()
            window.close()
    result["lookup_calls"] = lookup.calls
    result["max_stall_ms"] = probe.worst("lookup")
    result["stall_p99_ms"] = probe.percentile(0.99)
    result["target_max_stall_ms"] = 100
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    if explain_stalls:
        result["worst_stalls"] = explain(probe, watch)
    del app
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gui_lookup", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--size", type=int, default=1000, help="papers in the library")
    parser.add_argument("--papers", type=int, default=211, help="papers looked up")
    parser.add_argument("--delay", type=float, default=0.003, help="seconds per lookup call")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--explain", action="store_true", help="explain the worst stalls")
    args = parser.parse_args(argv)
    if not 1 <= args.papers <= args.size or args.delay < 0:
        parser.error("--papers must be from 1 to --size, --delay not negative")
    result = run(args.size, args.papers, args.delay, args.seed, args.explain)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<20}{value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
