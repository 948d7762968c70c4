"""Importing through the window, headless: drop, progress, cancel, summary, undo."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from readinglist import import_process
from readinglist.core.digest_parser import render_digest
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper
from readinglist.ui.import_job import ImportJob
from readinglist.ui.main_window import MainWindow
from readinglist.ui.sidebar import NEW_KEY
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_import_process import not_here
from tests.test_ui_window import idle, sidebar_text

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded
pasted = test_ui_window.pasted


def small_digest(*names: str) -> str:
    papers = [ParsedPaper(f"Paper {n}: A Study", f"We examine {n} closely.", 0) for n in names]
    return render_digest(papers)


def total(main: MainWindow) -> int:
    return main.worker.call(lambda: main.library.search("", limit=0).total)


def drop(main: MainWindow, mime: QMimeData) -> bool:
    """Drag over the window, then drop; returns whether the drag was accepted."""
    action = Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(main.rect().center(), action, mime, buttons, keys)
    main.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    main.dropEvent(QDropEvent(QPointF(main.rect().center()), action, mime, buttons, keys))
    return True


def gate(main: MainWindow) -> threading.Event:
    """Hold the worker until the event is set (what follows queues behind it)."""
    release = threading.Event()
    main.worker.submit(lambda: release.wait(10))
    return release


# --- drag and drop ----------------------------------------------------------------


def test_dropping_digest_files_imports_them(
    window: MainWindow, qtbot, tmp_path: Path, shared_digest: Path
):
    other = tmp_path / "other.txt"
    other.write_text(small_digest("a", "b"), encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(shared_digest)), QUrl.fromLocalFile(str(other))])
    assert drop(window, mime)
    qtbot.waitUntil(lambda: window.model.rowCount() == SHARED_DIGEST_PAPERS + 2, timeout=20000)
    idle(window, qtbot)
    summary = window.import_banner.message.text()
    assert f"{shared_digest.name}: 211 new" in summary
    assert "other.txt: 2 new" in summary
    assert len(window.table.selected_rows()) == SHARED_DIGEST_PAPERS + 2


def test_dropping_text_imports_it_as_a_digest(window: MainWindow, qtbot):
    mime = QMimeData()
    mime.setText(small_digest("x", "y", "z"))
    assert drop(window, mime)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10000)
    assert "dropped text: 3 new" in window.import_banner.message.text()


def test_a_drag_of_something_else_is_refused(window: MainWindow):
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/digest.txt")])
    assert not drop(window, mime)


# --- progress, cancel, summary ----------------------------------------------------


def test_the_import_reports_real_progress(window: MainWindow, qtbot, shared_digest_bytes: bytes):
    seen: list[tuple[int, int]] = []
    release = gate(window)
    window.imports.import_text(shared_digest_bytes.decode("utf-8"), "clipboard")
    job = window.imports.job
    assert job is not None
    job.progressed.connect(lambda _name, done, total: seen.append((done, total)))
    assert window.progress.isVisible()
    assert window.cancel_button.isVisible()
    assert not window.paste_action.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not window.importing, timeout=20000)
    assert seen[0] == (0, SHARED_DIGEST_PAPERS)
    assert any(0 < done < SHARED_DIGEST_PAPERS for done, _ in seen)
    assert seen[-1] == (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS)
    assert not window.progress.isVisible()
    assert not window.cancel_button.isVisible()
    assert window.paste_action.isEnabled()


def test_cancel_rolls_the_import_back(window: MainWindow, qtbot, shared_digest_bytes: bytes):
    release = gate(window)
    window.imports.import_text(shared_digest_bytes.decode("utf-8"), "clipboard")
    window.cancel_button.click()
    assert not window.cancel_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not window.importing, timeout=20000)
    idle(window, qtbot)
    assert "cancelled" in window.statusBar().currentMessage()
    assert total(window) == 0
    assert window.worker.call(window.library.digests) == []
    assert window.undo_stack.count() == 0
    assert window.stack.currentWidget() is window.welcome


def test_cancel_after_a_first_file_takes_that_one_back_too(window: MainWindow):
    first = small_digest("a", "b").encode()

    def second() -> bytes:
        job.cancel()  # as if Cancel were clicked while the second file is read
        return small_digest("c").encode()

    job = ImportJob([("one.txt", lambda: first), ("two.txt", second)])
    outcome = window.worker.call(lambda: job.run(window.library, window.opened.library_dir))
    assert outcome.cancelled
    assert total(window) == 0
    assert window.worker.call(window.library.digests) == []


def test_a_file_that_is_no_digest_is_reported_and_the_others_imported(
    window: MainWindow, qtbot, tmp_path: Path
):
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    good = tmp_path / "good.txt"
    good.write_text(small_digest("a"), encoding="utf-8")
    window.imports.import_files([bad, good])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10000)
    summary = window.import_banner.message.text()
    assert "Not imported: photo.png:" in summary
    assert "good.txt: 1 new" in summary


def test_the_summary_counts_papers_already_present_and_warnings(pasted: MainWindow, qtbot):
    assert "clipboard: 211 new, 0 already in the library" in pasted.import_banner.message.text()
    assert pasted.import_banner.warnings_button.isHidden()
    paper = pasted.model.paper(0)
    assert paper is not None
    text = f"{paper.title}\n\n{paper.abstract}\n\n" + small_digest("fresh")
    text += "\n\nhttps://example.org/stray-line-of-markup <b>bold</b>\n"
    pasted.imports.import_text(text, "mixed")
    qtbot.waitUntil(lambda: "mixed:" in pasted.import_banner.message.text(), timeout=10000)
    idle(pasted, qtbot)
    banner = pasted.import_banner
    assert "1 already in the library, 1 warning" in banner.message.text()
    assert banner.message.textFormat() == Qt.TextFormat.PlainText
    assert banner.warnings_button.text() == "Warnings (1)"
    assert not banner.warnings_button.isHidden()
    banner.warnings_button.click()
    assert not banner.warnings.isHidden()
    assert banner.warnings.toPlainText().startswith("mixed, line ")
    new = int(banner.message.text().split(": ")[1].split(" new")[0])
    assert len(pasted.table.selected_rows()) == new


# --- undo and redo of an import ---------------------------------------------------


@pytest.mark.slow
def test_undo_of_an_import_removes_its_papers_and_redo_brings_them_back(pasted: MainWindow, qtbot):
    assert pasted.undo_stack.count() == 1
    pasted.undo_action.trigger()
    qtbot.waitUntil(lambda: pasted.model.rowCount() == 0, timeout=20000)
    idle(pasted, qtbot)
    assert total(pasted) == 0
    assert pasted.worker.call(pasted.library.digests) == []
    assert pasted.stack.currentWidget() is pasted.welcome

    pasted.redo_action.trigger()
    qtbot.waitUntil(lambda: pasted.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=20000)
    idle(pasted, qtbot)
    assert total(pasted) == SHARED_DIGEST_PAPERS
    assert len(pasted.worker.call(pasted.library.digests)) == 1


def test_undo_of_a_second_import_keeps_what_the_first_brought(loaded: MainWindow, qtbot):
    paper = loaded.model.paper(0)
    assert paper is not None
    loaded.imports.import_text(
        f"{paper.title}\n\n{paper.abstract}\n\n" + small_digest("new"), "second"
    )
    qtbot.waitUntil(lambda: "second:" in loaded.import_banner.message.text(), timeout=10000)
    idle(loaded, qtbot)
    assert loaded.model.rowCount() == 1  # the table shows what the import brought
    assert loaded.table.selected_rows() == [0]
    assert sidebar_text(loaded, NEW_KEY) == "New in the last digest  (1)"
    assert total(loaded) == SHARED_DIGEST_PAPERS + 1
    assert loaded.worker.call(lambda: loaded.library.details(paper.id).paper.times_seen) == 2
    loaded.import_banner.undo_button.click()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    idle(loaded, qtbot)
    assert loaded.worker.call(lambda: loaded.library.details(paper.id).paper.times_seen) == 1
    assert loaded.import_banner.isHidden()


# --- a big digest: imported by a child process ------------------------------------


@pytest.mark.slow
def test_a_big_digest_is_imported_by_a_child_process_then_undone_and_redone(
    window: MainWindow, qtbot, shared_digest_bytes: bytes, monkeypatch
):
    monkeypatch.setattr(import_process, "CHILD_IMPORT_BYTES", 0)  # every digest is "big"
    monkeypatch.setattr(Library, "import_undoable", not_here)  # never in this process
    seen: list[int] = []
    window.imports.import_text(shared_digest_bytes.decode("utf-8"), "clipboard")
    job = window.imports.job
    assert job is not None
    job.progressed.connect(lambda _name, done, _total: seen.append(done))
    qtbot.waitUntil(lambda: not window.importing, timeout=30000)
    idle(window, qtbot)
    assert seen[-1] == SHARED_DIGEST_PAPERS
    assert window.model.rowCount() == SHARED_DIGEST_PAPERS
    assert len(window.table.selected_rows()) == SHARED_DIGEST_PAPERS
    assert f"{SHARED_DIGEST_PAPERS} new" in window.statusBar().currentMessage()

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=20000)
    idle(window, qtbot)
    assert total(window) == 0
    window.redo_action.trigger()  # the same bytes again: a child process again
    qtbot.waitUntil(lambda: window.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=30000)
    idle(window, qtbot)
    assert total(window) == SHARED_DIGEST_PAPERS
