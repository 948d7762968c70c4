"""Drive the window as a person would, on a real X server, and take screenshots.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/drive_window.py OUT

For each screen size (1024x700 and 1920x1080) and theme (light, dark): a new library,
the real digest pasted with Ctrl+Shift+V, ``2`` pressed on the whole selection (all 211
papers queued), a search typed key by key ("gaussian splatting"),
a row clicked, its status chosen in the detail pane's drop-down; then three papers
given the facts a lookup would write (demo values: an arXiv id, authors, a date,
stars), the paper shown, ``a`` pressed (the browser replaced by a list: nothing opens)
and the table's context menu opened; then with no browser (openUrl failing) ``o``
pressed on a paper with code (a window says so and offers Copy link), a search
that finds nothing (said in the table) and one it cannot read (``title:(``, said beside
the count); a screenshot of the screen after each step (OUT/<size>-<theme>-<step>.png)
and what the status bar said, printed. Checks what a person would see: every paper
queued, the search answered, the paper's page opened, no horizontal scroll bar.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_SCALE_FACTOR=2 \
        .venv/bin/python scripts/drive_window.py OUT --fit

only opens the window on that screen and checks that it is inside it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from readinglist.core.changes import Changes
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.core.models import PaperQuery, ReadStatus
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.theme import Theme

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
SIZES = ((1024, 700), (1920, 1080))
KEY_MS = 90
# Demo facts for the screenshots only, written as a lookup writes them: an arXiv id,
# authors (family names split), a date, a category, stars (None: not given).
DEMO_FACTS = (
    (
        "2402.15870",
        tuple(
            PersonName(f"{given} {family}", family, given)
            for given, family in (("Ziyi", "Yang"), ("Xinyu", "Gao"), ("Yangtian", "Sun"))
        ),
        "2024-02-24",
        "cs.CV",
        "412",
    ),
    ("2311.16473", (PersonName("Zhiyuan Zhang", "Zhang", "Zhiyuan"),), "2023-11", "cs.CV", None),
    ("2403.00001", (PersonName("Google DeepMind"),), "2024", None, "12345"),
)
OPENED: list[str] = []  # what the window asked the desktop to open
BROWSER = [True]  # whether the pretend browser opens what it is given


def record_open(url: QUrl) -> bool:
    OPENED.append(url.toString())
    return BROWSER[0]


def give_facts(window: MainWindow, rows: range) -> list[int]:
    """The demo facts on the papers of these rows, announced like a lookup's."""
    now = datetime.now(UTC)
    ids = [window.model.paper_id(row) for row in rows]
    chosen = [paper_id for paper_id in ids if paper_id is not None]
    store = window.opened.store

    def write() -> None:
        with store.unit_of_work(write=True) as uow:
            for paper_id, (arxiv_id, names, published, category, stars) in zip(
                chosen, DEMO_FACTS, strict=False
            ):
                uow.set_arxiv_id(paper_id, arxiv_id, now)
                uow.set_author_names(paper_id, names, now)
                facts = [MetaField(Field.PUBLISHED, published, Source.ARXIV, now)]
                if category:
                    facts.append(MetaField(Field.PRIMARY_CATEGORY, category, Source.ARXIV, now))
                if stars:
                    facts.append(MetaField(Field.GITHUB_STARS, stars, Source.GITHUB, now))
                facts.append(MetaField(Field.AUTHORS, str(len(names)), Source.ARXIV, now))
                facts.append(MetaField(Field.ARXIV_ID, arxiv_id, Source.ARXIV, now))
                uow.put_facts(paper_id, facts, now)

    window.worker.call(write)
    window.changes.announce(Changes(count=len(chosen), touched=frozenset(chosen)))
    return chosen


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


def searched(window: MainWindow, prefix: str) -> Callable[[], bool]:
    return lambda: window.model.query.text.startswith(prefix) and not window.busy


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
        # The last word may be searched as a prefix while typing ("splatting*").
        wait(
            app,
            lambda: window.model.query.text.rstrip("*") == "gaussian splatting" and not window.busy,
        )
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

        give_facts(window, range(3))
        QTest.mouseClick(
            window.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center())
        )
        wait(app, lambda: window.detail.paper is not None and bool(window.detail.paper.arxiv_id))
        window.table.setFocus()
        QTest.keyClick(window.table, Qt.Key.Key_A)
        assert OPENED[-1] == "https://arxiv.org/abs/2311.16473", OPENED
        QTest.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
        assert OPENED[-1] == "https://arxiv.org/pdf/2311.16473", OPENED
        shot(app, window, out / f"{tag}-5-facts-opened.png")

        menu = window.build_context_menu()
        menu.popup(window.table.viewport().mapToGlobal(QPoint(rect.center())))
        wait(app, menu.isVisible)
        shot(app, window, out / f"{tag}-6-context-menu.png")
        menu.close()
        assert not window.table.horizontalScrollBar().isVisible(), "a horizontal scroll bar"

        BROWSER[0] = False
        window.search_box.clear()
        wait(app, lambda: window.model.rowCount() == 211 and not window.busy)
        row = next(
            r
            for r in range(window.model.rowCount())
            if (paper := window.model.paper(r)) is not None and paper.has_code
        )
        window.table.setFocus()
        window.table.go_to_row(row)
        QTest.keyClick(window.table, Qt.Key.Key_O)
        BROWSER[0] = True
        assert window.statusBar().currentMessage().startswith("Could not open")
        box = window.links.box
        assert box is not None and box.isVisible()
        wait(app, box.isVisible)
        screen = QGuiApplication.primaryScreen()  # the message window is a window of its own
        screen.grabWindow(0).save(str(out / f"{tag}-7-no-browser.png"))
        print(f"{tag}-7-no-browser.png: {box.text()!r}")
        box.hide()

        for query, step in (("zzqxv", "8-no-results"), ("title:(", "9-unreadable-query")):
            window.search_box.setText(query)
            wait(app, searched(window, query[:3]))
            shot(app, window, out / f"{tag}-{step}.png")
        assert window.result_count.text() == "211 papers", window.result_count.text()
        window.close()


def fit_check(app: QApplication) -> int:
    """The window opened on this screen (a default size bigger than it) is inside it."""
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        window = build_main_window(Path(folder) / "library")
        window.show()
        wait(app, lambda: not window.busy)
        area = window.screen().availableGeometry()
        frame = window.frameGeometry()
        print(f"screen {area.width()}x{area.height()}, window frame {frame.getRect()}")
        window.close()
        return 0 if area.contains(frame) else 1


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv and not argv[0].startswith("--") else "screens")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    QDesktopServices.openUrl = record_open  # type: ignore[method-assign,assignment]  # no browser
    if "--fit" in argv:
        return fit_check(app)
    for size in SIZES:
        for theme in (Theme.LIGHT, Theme.DARK):
            session(app, out, size, theme)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
