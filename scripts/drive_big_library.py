"""Drive the window on a big library as a person would, and time what they wait for.

    python -m benchmarks.synthetic --size 20000 --out /tmp/lib20k
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/drive_big_library.py \
        /tmp/lib20k OUT

On a copy of LIBRARY (the original is never changed), at 1920x1080 light and 1024x700
dark: the window opened (until its first rows show), Ctrl+A then ``2`` (every paper
queued: until the status bar says so), Ctrl+Z (until the statuses are back), the index
built in the background meanwhile (until the search box takes text), a search typed key
by key at 90 ms a key ("gaussian spl"), a click on the Title header (sorted),
End (the last row loaded and shown), a click on the last row (its details). After each
step a screenshot (OUT/big-<size>-<theme>-<step>.png), the seconds it took and what
the status bar said are printed; the counts are checked against the database. The
machine's load is printed first: the figures are only as quiet as the machine was.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from drive_window import KEY_MS, shot, wait  # beside this script
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.theme import Theme

RUNS = (((1920, 1080), Theme.LIGHT), ((1024, 700), Theme.DARK))


def timed(app: QApplication, what: str, done: object, seconds: float = 300.0) -> float:
    started = time.monotonic()
    wait(app, done, seconds)  # type: ignore[arg-type]
    took = time.monotonic() - started
    print(f"  {what}: {took:.2f} s")
    return took


def statuses(window: MainWindow) -> int:
    found = window.worker.call(lambda: window.library.search("status:queued", limit=0))
    return int(found.total)


def session(
    app: QApplication, library: Path, out: Path, size: tuple[int, int], theme: Theme
) -> None:
    tag = f"big-{size[0]}x{size[1]}-{theme.value}"
    print(tag)
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        copy = Path(folder) / "library"
        shutil.copytree(library, copy, ignore=shutil.ignore_patterns("backups"))
        started = time.monotonic()
        window = build_main_window(copy)
        window.set_theme(theme, save=False)
        window.resize(*size)
        window.move(0, 0)
        window.show()
        window.activateWindow()  # shortcuts (Ctrl+Z) reach only the active window
        wait(app, lambda: window.isActiveWindow() and window.model.rowCount() > 0, 300)
        wait(app, lambda: not window.busy, 300)
        total = window.model.rowCount()
        print(f"  opened, {total} rows: {time.monotonic() - started:.2f} s")
        shot(app, window, out / f"{tag}-1-opened.png")

        queued_before = statuses(window)
        counts_before = window.counts_label.text().split(" · ")[:2]  # papers, unread
        window.table.setFocus()
        QTest.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        assert window.table.selected_count() == total, window.table.selected_count()
        QTest.keyClick(window.table, Qt.Key.Key_2)
        timed(
            app,
            f"Ctrl+A, 2: {total} papers queued",
            lambda: (
                f"{total} papers marked queued" in window.statusBar().currentMessage()
                and " 0 unread" in window.counts_label.text()
            ),
        )
        assert statuses(window) == total, statuses(window)  # after: it waits for the writer
        shot(app, window, out / f"{tag}-2-all-queued.png")

        QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        timed(
            app,
            "Ctrl+Z: statuses back (as the counts show)",
            lambda: window.counts_label.text().split(" · ")[:2] == counts_before,
        )
        assert statuses(window) == queued_before, statuses(window)
        shot(app, window, out / f"{tag}-3-undone.png")

        # A new copy has no index yet: the search box waits for it, as a person would.
        timed(app, "the search box usable (index built)", window.search_box.isEnabled, 600)
        QTest.keyClick(window.table, Qt.Key.Key_Slash)
        typed = "gaussian spl"
        started = time.monotonic()
        for char in typed:
            QTest.keyClicks(window.search_box, char)
            QTest.qWait(KEY_MS)
        typing = time.monotonic() - started
        # Answered: the table shows the query's rows (the reader is done with it; the
        # writer may still be catching the index up in the background).
        wait(
            app,
            lambda: window.model.query.text.startswith(typed) and not window.reader.pending,
            60,
        )
        after = time.monotonic() - started - typing
        print(
            f"  typed {typed!r} ({typing:.2f} s of typing): answered {after:.2f} s after"
            f" the last key, {window.model.rowCount()} rows"
        )
        shot(app, window, out / f"{tag}-4-search.png")

        header = window.table.horizontalHeader()
        x = header.sectionViewportPosition(Column.TITLE) + 10
        QTest.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )
        timed(
            app,
            "sort by title",
            lambda: header.sortIndicatorSection() == Column.TITLE and not window.reader.pending,
        )
        shot(app, window, out / f"{tag}-5-sorted.png")

        window.table.setFocus()
        QTest.keyClick(window.table, Qt.Key.Key_End)  # the last row (Home: the first)
        last = window.model.rowCount() - 1
        print(f"  End: current row {window.table.currentIndex().row()} of {last + 1}")
        timed(
            app,
            "End: the last row loaded",
            lambda: (
                (paper_id := window.model.paper_id(last)) is not None
                and window.model.loaded_paper(paper_id) is not None
            ),
            60,
        )
        rect = window.table.visualRect(window.model.index(last, Column.TITLE))
        QTest.mouseClick(
            window.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center())
        )
        timed(app, "click the last row: its details", lambda: window.detail.paper is not None)
        shot(app, window, out / f"{tag}-6-last-row.png")
        window.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    library, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    for size, theme in RUNS:
        session(app, library, out, size, theme)
    QGuiApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
