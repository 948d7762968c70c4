"""The notes box never saves over notes changed elsewhere (issue 20): merged when only
one side changed since the box loaded them, else both shown for the user to choose."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from readinglist.app_context import OpenLibrary
from readinglist.core.paper_edits import EditConflictError
from readinglist.ui.main_window import MainWindow
from readinglist.ui.notes_conflict import BOTH_MARKER, NotesConflictDialog, both
from tests import test_ui_window
from tests.test_ui_actions import papers
from tests.test_ui_undo_library import digest
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


def _shown(main: MainWindow, qtbot, notes: str) -> int:
    """Paper 2 in the detail pane, its notes ``notes`` as loaded."""
    paper_id = main.model.paper_id(2)
    assert paper_id is not None
    main.select_ids([paper_id])
    main.table.setCurrentIndex(main.model.index(2, 0))
    qtbot.waitUntil(lambda: getattr(main.detail.paper, "id", None) == paper_id, timeout=5000)
    main.save_notes(paper_id, main.detail.notes_base, notes)  # the table reloads them
    qtbot.waitUntil(lambda: main.detail.notes_editor.toPlainText() == notes, timeout=5000)
    idle(main, qtbot)
    return paper_id


def _elsewhere(main: MainWindow, paper_id: int, notes: str) -> None:
    """Another writer (``readinglist note --set``, another machine): the window is not
    told, as when its refresh has not come yet."""
    main.worker.call(lambda: main.library.set_notes(paper_id, notes))


def _type(main: MainWindow, qtbot, text: str) -> None:
    editor = main.detail.notes_editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, text)
    main.detail.flush_notes()


def _dialog(qtbot) -> NotesConflictDialog:
    def found() -> NotesConflictDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, NotesConflictDialog) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: found() is not None, timeout=5000)
    dialog = found()
    assert dialog is not None
    return dialog


@pytest.mark.parametrize(
    ("button", "kept"),
    [
        ("Keep mine", "base, mine"),
        ("Take theirs", "theirs"),
        ("Keep both", both("theirs", "base, mine")),
    ],
)
def test_notes_changed_on_both_sides_are_shown_to_choose(
    loaded: MainWindow, qtbot, button: str, kept: str
):
    paper_id = _shown(loaded, qtbot, "base")
    _elsewhere(loaded, paper_id, "theirs")
    _type(loaded, qtbot, ", mine")

    dialog = _dialog(qtbot)
    assert (dialog.theirs, dialog.mine) == ("theirs", "base, mine")
    # Until the user chooses, nothing was overwritten.
    assert papers(loaded, [paper_id])[paper_id].notes == "theirs"
    qtbot.mouseClick(dialog.buttons[button], Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: papers(loaded, [paper_id])[paper_id].notes == kept, timeout=5000)
    assert loaded.detail.notes_editor.toPlainText() == kept
    # The choice is the new base: more typing saves without another question.
    _type(loaded, qtbot, "!")
    idle(loaded, qtbot)
    assert papers(loaded, [paper_id])[paper_id].notes == kept + "!"


def test_a_conflict_closed_without_a_choice_keeps_both(loaded: MainWindow, qtbot):
    paper_id = _shown(loaded, qtbot, "base")
    _elsewhere(loaded, paper_id, "theirs")
    _type(loaded, qtbot, ", mine")
    _dialog(qtbot).reject()
    expected = both("theirs", "base, mine")
    qtbot.waitUntil(lambda: papers(loaded, [paper_id])[paper_id].notes == expected, timeout=5000)
    assert BOTH_MARKER in expected


def test_notes_only_typed_here_are_saved_and_another_field_changed_elsewhere_kept(
    loaded: MainWindow, qtbot
):
    paper_id = _shown(loaded, qtbot, "base")
    loaded.worker.call(lambda: loaded.library.rate([paper_id], 4))  # elsewhere, meanwhile
    _type(loaded, qtbot, ", mine")
    idle(loaded, qtbot)
    stored = papers(loaded, [paper_id])[paper_id]
    assert (stored.notes, stored.rating) == ("base, mine", 4)
    assert not any(isinstance(w, NotesConflictDialog) for w in QApplication.topLevelWidgets())


def test_the_save_merges_or_refuses_from_its_base(opened: OpenLibrary):
    library = opened.library
    (paper_id,) = library.import_bytes(digest("a"), "one.txt").new_ids
    library.set_notes(paper_id, "theirs")
    # Only ours changed since the base: written.
    assert library.save_notes_from(paper_id, "theirs", "mine")
    # Ours typed over an older text, and theirs changed: nothing written, both told.
    with pytest.raises(EditConflictError) as raised:
        library.save_notes_from(paper_id, "older", "typed")
    (conflict,) = raised.value.conflicts
    assert (conflict.theirs, conflict.mine) == ("mine", "typed")
    assert library.details(paper_id).paper.notes == "mine"
    # Ours the same as theirs: nothing to write.
    assert not library.save_notes_from(paper_id, "older", "mine")


def test_notes_typed_as_the_window_closes_keep_both_on_a_conflict(
    loaded: MainWindow, qtbot, library_dir
):
    """Closing the window saves the last typing, and no dialog can ask any more: a
    conflict then keeps both texts (as the dialog's Keep both) rather than drop mine."""
    from readinglist.app_context import open_library

    paper_id = _shown(loaded, qtbot, "base")
    _elsewhere(loaded, paper_id, "theirs")
    editor = loaded.detail.notes_editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, ", typed last")  # not saved yet: the autosave timer waits
    loaded.close()
    with open_library(library_dir) as opened:
        notes = opened.library.details(paper_id).paper.notes
    assert notes == both("theirs", "base, typed last")
