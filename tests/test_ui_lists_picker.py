"""The ``l`` dialog: Enter on a completion only completes, a new list only when
confirmed, and undoing an add that made a list takes the list away too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from readinglist.ui.list_picker import ADD, CREATE, ListPicker
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_lists import answer_item, make_list, order
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded

NAMES = ["Reading group", "Thesis", "to read"]


@pytest.fixture
def picker(qtbot) -> ListPicker:
    dialog = ListPicker(NAMES, 3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.edit.setFocus()
    return dialog


def ok_text(picker: ListPicker) -> str:
    return picker.buttons.button(QDialogButtonBox.StandardButton.Ok).text()


def test_enter_on_a_completion_completes_and_does_not_add(picker: ListPicker, qtbot) -> None:
    qtbot.keyClicks(picker.edit, "GROU")  # any case, anywhere in the name
    popup = picker.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert picker.completer.currentCompletion() == "Reading group"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.edit.text() == "Reading group"
    assert picker.isVisible()
    assert picker.result() != QDialog.DialogCode.Accepted
    assert not picker.is_new and ok_text(picker) == ADD
    qtbot.waitUntil(lambda: not picker._completed)
    with qtbot.waitSignal(picker.accepted, timeout=5000):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.name == "Reading group"


def test_a_new_name_is_created_only_when_confirmed(picker: ListPicker, qtbot) -> None:
    qtbot.keyClicks(picker.edit, "  Fresh   ideas")
    assert picker.is_new and ok_text(picker) == CREATE
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.isVisible()  # asked, not done
    assert "no list named “Fresh ideas”" in picker.note.text()
    qtbot.keyClicks(picker.edit, "!")  # a changed name asks again
    assert picker.note.text() == ""
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.isVisible()
    with qtbot.waitSignal(picker.accepted, timeout=5000):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.name == "Fresh ideas!"


def test_an_existing_name_in_another_case_adds_at_once(picker: ListPicker, qtbot) -> None:
    qtbot.keyClicks(picker.edit, "thesis")
    popup = picker.completer.popup()
    assert popup is not None
    popup.hide()
    with qtbot.waitSignal(picker.accepted, timeout=5000):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.name == "Thesis"  # the list's own spelling


def test_an_empty_name_cannot_be_accepted(picker: ListPicker, qtbot) -> None:
    assert not picker.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.isVisible()


@pytest.mark.slow
def test_undoing_an_add_that_made_a_list_removes_the_list(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_list(loaded, qtbot, "Group", [])
    loaded.table.selectAll()  # every row: more than one page
    ids = loaded.selected_ids()
    assert len(ids) == SHARED_DIGEST_PAPERS
    answer_item(monkeypatch, "Brand  new")
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Brand new") is not None, timeout=10000)
    assert order(loaded, "Brand new") == tuple(ids)
    assert loaded.undo_action.text().endswith(f"add {len(ids)} papers to the new list Brand new")

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Brand new") is None, timeout=10000)
    names = loaded.worker.call(lambda: [found.name for found in loaded.library.lists.all()])
    assert names == ["Group"]
    loaded.redo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Brand new") is not None, timeout=10000)
    assert order(loaded, "Brand new") == tuple(ids)
    idle(loaded, qtbot)
