"""The detail pane's "Group" tab (headless): comments typed, stored and listed; the
member name asked once; a presenter set and cleared; the tab fits at 1024x700."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from readinglist.app_context import open_database
from readinglist.core.group import PaperGroup
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.member import member_file, member_name, set_member_name
from readinglist.ui.group_dialogs import AssignDialog, MemberDialog
from readinglist.ui.group_pane import comments_html
from readinglist.ui.main_window import MainWindow
from tests.helpers import copy_library, window_on

PAPERS = tuple(ParsedPaper(f"Paper {n}: topic {n}", f"Abstract {n}.", n) for n in range(1, 4))


@pytest.fixture
def window(qtbot, tmp_path: Path, empty_library_template: Path) -> Iterator[MainWindow]:
    folder = copy_library(empty_library_template, tmp_path / "library")
    with open_database(folder) as opened:
        opened.library.import_parsed(ParseResult(PAPERS), "d.txt", b"d")
        opened.library.group.add_comment(1, "Bob", "An <b>older</b> comment\nover two lines")
    with window_on(qtbot, folder, tmp_path / "s", (1024, 700)) as window:
        qtbot.waitUntil(lambda: window.model.rowCount() == len(PAPERS), timeout=10_000)
        yield window


def shown(qtbot, window: MainWindow, paper_id: int) -> None:
    window.select_ids([paper_id])
    pane = window.group.pane
    qtbot.waitUntil(
        lambda: pane.group is not None and pane.group.paper_id == paper_id, timeout=5000
    )
    window.detail.notes_tabs.setCurrentWidget(pane)


def stored(window: MainWindow, paper_id: int) -> PaperGroup:
    return window.worker.call(lambda: window.library.group.paper_group(paper_id))


def test_the_tab_shows_the_thread_and_fits_at_1024x700(qtbot, window: MainWindow):
    shown(qtbot, window, 1)
    pane = window.group.pane
    tabs = window.detail.notes_tabs
    assert tabs.tabText(tabs.indexOf(pane)) == "Group (1)"
    text = pane.comments_view.toPlainText()
    assert "Bob" in text and "An <b>older</b> comment\nover two lines" in text  # escaped
    assert pane.assignment_label.text() == "No presenter yet"
    for widget in (pane.comments_view, pane.comment_editor, pane.add_button, pane.assign_button):
        assert widget.isVisible() and widget.height() > 0, widget.objectName()
        assert pane.rect().contains(widget.geometry()), widget.objectName()
    assert window.detail.abstract.height() > pane.comments_view.height()
    window.detail.focus_notes()  # n: the notes again, whatever tab was open
    assert tabs.currentWidget() is window.detail.notes_editor


def test_a_comment_is_typed_stored_and_listed(qtbot, window: MainWindow):
    set_member_name("Alice")
    shown(qtbot, window, 1)
    pane = window.group.pane
    assert not pane.add_button.isEnabled()  # nothing typed yet
    pane.comment_editor.setFocus()
    qtbot.keyClicks(pane.comment_editor, "Let us read it on Friday")
    assert pane.add_button.isEnabled()
    qtbot.mouseClick(pane.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(stored(window, 1).comments) == 2, timeout=10_000)
    newest = stored(window, 1).comments[-1]
    assert (newest.author, newest.body) == ("Alice", "Let us read it on Friday")
    qtbot.waitUntil(lambda: "Let us read it on Friday" in pane.comments_view.toPlainText())
    assert pane.comment_editor.toPlainText() == ""  # ready for the next one
    tabs = window.detail.notes_tabs
    assert tabs.tabText(tabs.indexOf(pane)) == "Group (2)"
    # Ctrl+Enter adds one too.
    qtbot.keyClicks(pane.comment_editor, "And a second")
    qtbot.keyClick(pane.comment_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(stored(window, 1).comments) == 3, timeout=10_000)


def test_without_a_member_name_the_window_asks_for_it_once(qtbot, window: MainWindow):
    assert member_name() is None
    shown(qtbot, window, 2)
    pane = window.group.pane
    qtbot.keyClicks(pane.comment_editor, "First words")
    pane.add_button.click()
    dialog = window.findChild(MemberDialog)
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and not ok.isEnabled()
    dialog.name_edit.setText("Ali\x1bce")
    assert not ok.isEnabled() and "U+001B" in dialog.problem.text()
    dialog.name_edit.setText("  Alice  ")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: len(stored(window, 2).comments) == 1, timeout=10_000)
    assert stored(window, 2).comments[0].author == "Alice"
    assert member_file().read_text(encoding="utf-8") == "Alice\n"
    qtbot.keyClicks(pane.comment_editor, "Second words")
    pane.add_button.click()  # asked once: not again
    qtbot.waitUntil(lambda: len(stored(window, 2).comments) == 2, timeout=10_000)
    QApplication.processEvents()
    assert not any(d.isVisible() for d in window.findChildren(MemberDialog))


def test_a_presenter_is_set_and_cleared(qtbot, window: MainWindow):
    set_member_name("Alice")
    shown(qtbot, window, 3)
    pane = window.group.pane
    assert not pane.clear_button.isEnabled()
    pane.assign_button.click()
    dialog = window.findChild(AssignDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.name_edit.text() == "Alice"  # the member, to start with
    dialog.name_edit.setText("Bob Stone")
    dialog.date_edit.setDate(QDate(2031, 5, 6))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: stored(window, 3).assignment is not None, timeout=10_000)
    held = stored(window, 3).assignment
    assert held is not None
    assert (held.presenter, held.on_date, held.assigned_by) == (
        "Bob Stone",
        date(2031, 5, 6),
        "Alice",
    )
    qtbot.waitUntil(lambda: pane.assignment_label.text().startswith("Presented by Bob Stone"))
    assert "2031" in pane.assignment_label.text() and pane.clear_button.isEnabled()
    pane.clear_button.click()
    qtbot.waitUntil(lambda: stored(window, 3).assignment is None, timeout=10_000)
    qtbot.waitUntil(lambda: pane.assignment_label.text() == "No presenter yet")


def test_only_ones_own_comment_offers_delete_and_is_deleted(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
):
    set_member_name("Alice")
    window.worker.call(lambda: window.library.group.add_comment(1, "Alice", "mine"))
    shown(qtbot, window, 1)
    pane = window.group.pane
    qtbot.waitUntil(lambda: pane.group is not None and len(pane.group.comments) == 2)
    bob, mine = pane.group.comments  # type: ignore[union-attr]
    page = comments_html(pane.group.comments, "Alice")  # type: ignore[union-attr]
    assert f"delete-comment:{mine.id}" in page and f"delete-comment:{bob.id}" not in page
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    pane.comments_view.anchorClicked.emit(QUrl(f"delete-comment:{mine.id}"))
    qtbot.waitUntil(lambda: [c.author for c in stored(window, 1).comments] == ["Bob"])
    qtbot.waitUntil(lambda: "mine" not in pane.comments_view.toPlainText())


def test_the_group_tab_takes_room_and_gives_it_back(qtbot, window: MainWindow):
    window.select_ids([1])
    pane = window.group.pane
    qtbot.waitUntil(lambda: pane.group is not None and pane.group.paper_id == 1, timeout=5000)
    detail = window.detail
    parts = detail.parts
    before = parts.sizes()
    detail.notes_tabs.setCurrentWidget(pane)
    after = parts.sizes()
    notes = parts.indexOf(detail.notes_tabs)
    assert after[notes] > before[notes] + 40  # room for a few more lines of the thread
    assert after[-1] < before[-1]  # taken from the similar papers first
    assert after[0] >= detail.abstract.minimumHeight()  # the abstract keeps its lines
    line = pane.comments_view.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: pane.comments_view.height() >= 4 * line, timeout=5000)
    detail.notes_tabs.setCurrentIndex(0)
    assert parts.sizes() == before  # back on the notes: the layout as it was
    # A handle the reader moved while the group was open is not undone.
    detail.notes_tabs.setCurrentWidget(pane)
    moved = parts.sizes()
    moved[0], moved[notes] = moved[0] + 10, moved[notes] - 10
    parts.setSizes(moved)
    kept = parts.sizes()
    detail.notes_tabs.setCurrentIndex(0)
    assert parts.sizes() == kept
