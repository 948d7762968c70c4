"""Render the README screenshots offscreen: the window with the shared digest loaded.

.venv/bin/python scripts/screenshots.py      # writes docs/screenshots/*.png
.venv/bin/python scripts/screenshots.py export-dialog   # only the ones named

The library gets the real digest, a few tags (with colours) and statuses, so the
sidebar's sections and the table's columns have something to show.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from readinglist.app_context import open_library
from readinglist.core.library import Library
from readinglist.core.models import ReadStatus
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from readinglist.ui.theme import Theme

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
OUT = ROOT / "docs" / "screenshots"
TAGS = (  # tag, colour, a query whose papers get it
    ("3d/gaussian-splatting", "#e67e22", "gaussian splatting"),
    ("3d/nerf", "#8e44ad", '"radiance field"'),
    ("llm/quantization", "#2980b9", "quantization"),
    ("vision/segmentation", "#27ae60", "segmentation"),
    ("reading-group", "#c0392b", "diffusion has:code"),
)
STATUSES = (
    (ReadStatus.QUEUED, "has:code"),
    (ReadStatus.READ, "gaussian"),
    (ReadStatus.SKIMMED, "segmentation"),
    (ReadStatus.DROPPED, "survey"),
)


def settle(app: QApplication, window: MainWindow, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if not window.busy:
            for _ in range(20):
                app.processEvents()
            if not window.busy:
                return
        time.sleep(0.01)
    raise TimeoutError("the worker did not settle")


def wait_for_topics(app: QApplication, window: MainWindow, seconds: float = 30.0) -> None:
    """The triage groups the last digest on its own thread: the sidebar shows its
    topics once they are there (an empty library has none: no wait then)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and window.model.rowCount() > 1:
        app.processEvents()
        if window.topics.isVisible():
            return
        time.sleep(0.02)


def annotate(library: Library) -> None:
    """Tags, colours, statuses and ratings a reader would have given."""
    for query, status in ((q, s) for s, q in STATUSES):
        ids = [r.paper.id for r in library.search(query, limit=6).results]
        if ids:
            library.set_status(ids, status)
    for tag, colour, query in TAGS:
        ids = [r.paper.id for r in library.search(query, limit=8).results]
        if ids:
            library.tag(ids, add=[tag])
            library.set_tag_colour(tag, colour)
            library.rate(ids[:3], 4)
    group = [r.paper.id for r in library.search("tag:reading-group", limit=10).results]
    library.lists.create("Reading group")
    library.lists.add("Reading group", group)
    library.searches.save("Splatting with code", "gaussian splatting has:code")
    library.searches.save("Unread LLM papers", "tag:llm status:unread")


def shoot(
    app: QApplication,
    library: Path,
    name: str,
    prepare: Callable[[MainWindow], None],
    theme: Theme = Theme.LIGHT,
) -> None:
    window = build_main_window(library)
    window.set_theme(theme, save=False)
    window.resize(1400, 900)
    window.show()
    settle(app, window)
    prepare(window)
    settle(app, window)
    wait_for_topics(app, window)
    for _ in range(3):  # similar papers arrive after a short pause
        time.sleep(0.35)
        settle(app, window)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path)
    window.close()


def search_and_pick(query: str, row: int) -> Callable[[MainWindow], None]:
    def prepare(window: MainWindow) -> None:
        window.search_box.setText(query)
        window.search_box.returnPressed.emit()
        settle_current(window, row)

    return prepare


def settle_current(window: MainWindow, row: int) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settle(app, window)
    window.table.selectRow(row)


def paste_digest(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText(DIGEST.read_text(encoding="utf-8"))
    window.paste_action.trigger()


def shoot_export_dialog(app: QApplication, library: Path) -> None:
    """File > Export… on the reading group list, as Markdown, with its preview."""
    window = build_main_window(library)
    window.set_theme(Theme.LIGHT, save=False)
    window.resize(1400, 900)
    window.show()
    settle(app, window)
    window.sidebar.select("list:Reading group")
    settle(app, window)
    dialog = window.open_export_dialog()
    dialog.choose("md", "list")
    dialog.destination.setText("~/reading-group.md")
    dialog.update_preview()
    settle(app, window)
    path = OUT / "export-dialog.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()
    window.close()


def main(names: list[str]) -> int:
    """Every screenshot, or the ones named (welcome, import, main-window, …)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)

    def wanted(name: str) -> bool:
        return not names or name in names

    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        empty = Path(folder) / "empty"
        if wanted("welcome"):
            shoot(app, empty, "welcome", lambda _window: None)
        if wanted("import"):
            shoot(app, empty, "import", paste_digest)
        library = Path(folder) / "library"
        with open_library(library) as opened:
            opened.library.import_bytes(DIGEST.read_bytes(), DIGEST.name)
            annotate(opened.library)
        if wanted("main-window"):
            shoot(app, library, "main-window", search_and_pick("gaussian splatting has:code", 0))

        def by_tag(window: MainWindow) -> None:
            window.sidebar.select("tag:3d")
            settle_current(window, 1)

        if wanted("main-window-dark"):
            shoot(app, library, "main-window-dark", by_tag, Theme.DARK)
        if wanted("export-dialog"):
            shoot_export_dialog(app, library)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
