"""Render the README screenshots offscreen: the window with the shared digest loaded.

.venv/bin/python scripts/screenshots.py      # writes docs/screenshots/*.png
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from readinglist.app_context import open_library
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
OUT = ROOT / "docs" / "screenshots"


def settle(app: QApplication, window: MainWindow, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if window.worker.pending == 0:
            for _ in range(20):
                app.processEvents()
            return
        time.sleep(0.01)
    raise TimeoutError("the worker did not settle")


def shoot(app: QApplication, library: Path, name: str, query: str, row: int) -> None:
    window = build_main_window(library)
    window.resize(1400, 900)
    window.show()
    settle(app, window)
    if query:
        window.search_box.setText(query)
        window.search_box.returnPressed.emit()
        settle(app, window)
    if row >= 0:
        window.table.selectRow(row)
        settle(app, window)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path)
    window.close()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        empty = Path(folder) / "empty"
        shoot(app, empty, "welcome", "", -1)
        library = Path(folder) / "library"
        with open_library(library) as opened:
            opened.library.import_bytes(DIGEST.read_bytes(), DIGEST.name)
        shoot(app, library, "main-window", "gaussian splatting has:code", 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
