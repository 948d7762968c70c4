"""A scripted run of the real window, for checking a packaged build (PyInstaller, Flatpak)
where no test suite is at hand: start Qt, open a library, import a digest through the
window (in a child process, as a big digest is), search through its search box, close,
and exit 0 only when all of that worked.

    readinglist-bundle --smoke-test --library DIR DIGEST [--query Q]   (packaging/ entry)
    python -m readinglist.ui.smoke --library DIR DIGEST                (from a checkout)

It prints one JSON line of what it saw. The event loop is polled by a timer; nothing
sleeps, and a hard timeout ends a stuck run with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, qVersion
from PySide6.QtWidgets import QApplication

from readinglist import __version__, import_process
from readinglist.ui.app import application, build_main_window
from readinglist.ui.main_window import MainWindow

POLL_MS = 20
EXIT_FAILED = 1
EXIT_TIMEOUT = 2


class SmokeRun:
    """The steps, each started when the previous one's condition holds."""

    def __init__(self, app: QApplication, window: MainWindow, digest: Path, query: str) -> None:
        self.app = app
        self.window = window
        self.digest = digest
        self.query = query
        self.report: dict[str, object] = {
            "version": __version__,
            "qt": qVersion(),
            "platform": app.platformName(),
        }
        self.started = time.monotonic()
        self.steps: list[tuple[Callable[[], None], Callable[[], bool]]] = [
            (self.import_digest, self.imported),
            (self.search, self.searched),
        ]
        self.timer = QTimer(interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.waiting: Callable[[], bool] | None = None
        self.expected = -1

    def idle(self) -> bool:
        return not self.window.busy and not self.window.importing

    def import_digest(self) -> None:
        # Through a child process, as a big digest is: the path a frozen build can break.
        import_process.CHILD_IMPORT_BYTES = 0
        self.window.imports.import_files([self.digest])

    def imported(self) -> bool:
        if not self.idle():
            return False
        library = self.window.library
        self.report["papers"] = self.window.worker.call(lambda: len(library.papers()))
        return True

    def search(self) -> None:
        library, query = self.window.library, self.query
        # What the library itself finds: the table must come to show as many rows.
        self.expected = self.window.worker.call(lambda: library.search(query, limit=1).total)
        self.report["hits"] = self.expected
        self.window.search_box.setText(query)
        self.window.search_box.returnPressed.emit()

    def searched(self) -> bool:
        if not self.idle() or self.window.model.rowCount() != self.expected:
            return False
        self.report["result_count"] = self.window.result_count.text()
        self.report["rows"] = self.window.model.rowCount()
        return True

    def poll(self) -> None:
        if self.waiting is not None:
            if not self.waiting():
                return
            self.waiting = None
        if not self.steps:
            self.timer.stop()
            self.finish()
            return
        start, done = self.steps.pop(0)
        start()
        self.waiting = done

    def finish(self) -> None:
        self.report["seconds"] = round(time.monotonic() - self.started, 2)
        papers = self.report.get("papers")
        rows = self.report.get("rows")
        ok = isinstance(papers, int) and papers > 0 and isinstance(rows, int) and rows > 0
        ok = ok and rows == self.expected and bool(self.report.get("result_count"))
        self.report["ok"] = ok
        print(json.dumps(self.report), flush=True)
        self.window.close()
        self.app.exit(0 if ok else EXIT_FAILED)


def run_smoke(library_dir: Path, digest: Path, query: str, timeout_s: float) -> int:
    app = application()
    window = build_main_window(library_dir)
    # A smoke run checks the build, not the network: no lookups after its import (and
    # the user's own setting stays as it is: the action is set without saving it).
    window.resolver.automatic_action.blockSignals(True)
    window.resolver.automatic_action.setChecked(False)
    window.resolver.automatic_action.blockSignals(False)
    window.show()
    run = SmokeRun(app, window, digest, query)
    QTimer.singleShot(round(timeout_s * 1000), lambda: app.exit(EXIT_TIMEOUT))
    run.timer.start()
    try:
        status = int(app.exec())
    finally:
        window.shutdown()
    if status == EXIT_TIMEOUT:
        print(json.dumps({**run.report, "ok": False, "timeout": timeout_s}), flush=True)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="readinglist --smoke-test", description=__doc__)
    parser.add_argument("--library", type=Path, required=True, metavar="DIR")
    parser.add_argument("digest", type=Path, metavar="DIGEST")
    parser.add_argument("--query", default="gaussian splatting")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    return run_smoke(args.library, args.digest, args.query, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
