"""Drive the window as a person would, on a real X server, and take screenshots.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/drive_window.py OUT

For each screen size (1024x700 and 1920x1080) and theme (light, dark): a new library,
the real digest pasted with Ctrl+Shift+V, ``2`` pressed on the whole selection (all 211
papers queued), a search typed key by key ("gaussian splatting"),
a row clicked, its status chosen in the detail pane's drop-down; a screenshot of the
screen after each step (OUT/<size>-<theme>-<step>.png) and what the status bar said,
printed. Checks what a person would see: every paper queued, the search answered.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from readinglist.core.models import PaperQuery, ReadStatus
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.theme import Theme

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
SIZES = ((1024, 700), (1920, 1080))
KEY_MS = 90


def wait(app: QApplication, done: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if done():
            for _ in range(30):
                app.processEvents()
                time.sleep(0.005)
            return
        time.sleep(0.01)
    raise TimeoutError("the window did not get there")


def shot(app: QApplication, window: MainWindow, path: Path) -> None:
    wait(app, lambda: not window.busy)
    screen = QGuiApplication.primaryScreen()
    screen.grabWindow(0).copy(window.frameGeometry()).save(str(path))
    print(f"{path.name}: {window.statusBar().currentMessage()!r} | {window.counts_label.text()}")


def session(app: QApplication, out: Path, size: tuple[int, int], theme: Theme) -> None:
    tag = f"{size[0]}x{size[1]}-{theme.value}"
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        window = build_main_window(Path(folder) / "library")
        window.set_theme(theme, save=False)
        window.resize(*size)
        window.move(0, 0)
        window.show()
        window.activateWindow()
        wait(app, lambda: not window.busy)
        shot(app, window, out / f"{tag}-0-welcome.png")

        QGuiApplication.clipboard().setText(DIGEST.read_text(encoding="utf-8"))
        QTest.keyClick(
            window,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        wait(app, lambda: window.model.rowCount() == 211 and not window.importing)
        shot(app, window, out / f"{tag}-1-imported.png")

        QTest.keyClick(window.table, Qt.Key.Key_2)
        wait(app, lambda: "marked queued" in window.statusBar().currentMessage())
        queued = window.worker.call(
            lambda: window.library.papers(PaperQuery(status=ReadStatus.QUEUED))
        )
        assert len(queued) == 211, len(queued)
        shot(app, window, out / f"{tag}-2-all-queued.png")

        QTest.keyClick(window.table, Qt.Key.Key_Slash)
        for char in "gaussian splatting":
            QTest.keyClicks(window.search_box, char)
            QTest.qWait(KEY_MS)
        wait(app, lambda: window.model.query.text == "gaussian splatting" and not window.busy)
        assert window.model.rowCount() > 0
        shot(app, window, out / f"{tag}-3-search.png")

        rect = window.table.visualRect(window.model.index(1, Column.TITLE))
        QTest.mouseClick(
            window.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center())
        )
        wait(app, lambda: window.detail.paper is not None)
        combo = window.detail.status_selector
        combo.setFocus()
        QTest.keyClick(combo, Qt.Key.Key_Down)  # queued -> reading
        QTest.keyClick(combo, Qt.Key.Key_Down)  # -> read
        wait(app, lambda: "marked read" in window.statusBar().currentMessage())
        shot(app, window, out / f"{tag}-4-detail-status.png")
        window.close()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screens")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    for size in SIZES:
        for theme in (Theme.LIGHT, Theme.DARK):
            session(app, out, size, theme)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
