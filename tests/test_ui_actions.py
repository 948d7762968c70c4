"""The window's bulk actions, undo/redo and shortcuts list, headless."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox, QWidget

from readinglist.core.models import Paper, PaperDetails, PaperQuery, ReadStatus
from readinglist.ui import triage_keys
from readinglist.ui.main_window import MainWindow
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_window import idle, sidebar_text

# The window fixtures, shared with the window's own tests.
settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded
pasted = test_ui_window.pasted


def papers(main: MainWindow, ids: Sequence[int]) -> dict[int, Paper]:
    found = main.worker.call(lambda: main.library.papers(PaperQuery(ids=tuple(ids))))
    return {paper.id: paper for paper in found}


def details(main: MainWindow, ids: Sequence[int]) -> list[PaperDetails]:
    return main.worker.call(lambda: [main.library.details(i) for i in ids])


def select(main: MainWindow, rows: Sequence[int]) -> list[int]:
    ids = [main.model.paper_id(row) for row in rows]
    assert None not in ids
    chosen = [i for i in ids if i is not None]
    main.select_ids(chosen)
    assert sorted(main.selected_ids()) == sorted(chosen)
    return chosen


def submenu(menu: QMenu, name: str) -> QMenu:
    found = menu.findChild(QMenu, name)
    assert found is not None, name
    return found


def action(menu: QMenu, text: str) -> QAction:
    for item in menu.actions():
        if item.text().replace("&", "") == text:
            return item
    raise AssertionError(f"no action {text!r} in {[a.text() for a in menu.actions()]}")


def answer_tag(monkeypatch: pytest.MonkeyPatch, name: str, ok: bool = True) -> list[str]:
    asked: list[str] = []

    def get_text(_parent: QWidget, _title: str, label: str, *_args: object) -> tuple[str, bool]:
        asked.append(label)
        return name, ok

    def ask_tag(_parent: QWidget, noun: str, _names: object) -> tuple[str, bool]:
        asked.append(f"Tag for the {noun}:")  # the prompt completes tags: triage_keys.py
        return name, ok

    monkeypatch.setattr(QInputDialog, "getText", get_text)  # list names (test_ui_lists)
    monkeypatch.setattr(triage_keys, "ask_tag", ask_tag)
    return asked


def answer_question(monkeypatch: pytest.MonkeyPatch, yes: bool) -> list[str]:
    asked: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


# --- bulk actions -----------------------------------------------------------------


def test_the_context_menu_offers_the_bulk_actions(loaded: MainWindow, qtbot):
    ids = select(loaded, [0, 1, 2])
    loaded.worker.call(lambda: loaded.library.tag(ids[:1], add=["3d"]))
    loaded.worker.call(lambda: loaded.library.tag(ids[1:2], add=["nerf"]))
    loaded.model.reload_papers(ids)
    idle(loaded, qtbot)

    menu = loaded.build_context_menu()
    assert menu.objectName() == "paperContextMenu"
    statuses = [a.text().split()[-1] for a in submenu(menu, "statusMenu").actions()]
    assert statuses == [s.value for s in ReadStatus]
    assert len(submenu(menu, "ratingMenu").actions()) == 6
    assert [a.text() for a in submenu(menu, "removeTagMenu").actions()] == ["3d", "nerf"]
    assert action(menu, "Add tag…").objectName() == "addTagAction"
    assert action(menu, "Delete…").objectName() == "deleteAction"


def test_a_right_click_pops_up_the_menu(loaded: MainWindow, qtbot):
    select(loaded, [0, 1])
    loaded.table.customContextMenuRequested.emit(QPoint(5, 5))
    menu = loaded.findChild(QMenu, "paperContextMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    menu.close()


def test_status_and_rating_from_the_menu_apply_to_every_selected_paper(loaded: MainWindow, qtbot):
    ids = select(loaded, [0, 2, 4])
    menu = loaded.build_context_menu()
    action(submenu(menu, "statusMenu"), "4  read").trigger()
    action(submenu(menu, "ratingMenu"), "4  ★★★★☆").trigger()
    idle(loaded, qtbot)
    stored = papers(loaded, ids)
    assert {p.status for p in stored.values()} == {ReadStatus.READ}
    assert {p.rating for p in stored.values()} == {4}
    qtbot.waitUntil(lambda: loaded.model.paper(2).rating == 4)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: sidebar_text(loaded, "status:read") == "Read  (3)")


@pytest.mark.slow
def test_t_asks_for_a_tag_and_the_menu_removes_it(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    ids = select(loaded, [1, 3, 5])
    asked = answer_tag(monkeypatch, " 3D/Splatting ")
    qtbot.keyClick(loaded.table, Qt.Key.Key_T)
    idle(loaded, qtbot)
    assert asked == ["Tag for the 3 papers:"]
    assert {p.tags for p in papers(loaded, ids).values()} == {("3d/splatting",)}

    qtbot.waitUntil(lambda: loaded.selection_tags() == ["3d/splatting"])
    menu = loaded.build_context_menu()
    action(submenu(menu, "removeTagMenu"), "3d/splatting").trigger()
    idle(loaded, qtbot)
    assert {p.tags for p in papers(loaded, ids).values()} == {()}


def test_a_cancelled_tag_prompt_changes_nothing(
    pasted: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    ids = select(pasted, [0, 1])
    answer_tag(monkeypatch, "ignored", ok=False)
    action(pasted.build_context_menu(), "Add tag…").trigger()
    idle(pasted, qtbot)
    assert {p.tags for p in papers(pasted, ids).values()} == {()}
    assert pasted.undo_stack.count() == 1  # the import only


def test_delete_asks_first_then_deletes_the_selection(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    ids = select(loaded, [0, 1])
    asked = answer_question(monkeypatch, yes=False)
    qtbot.keyClick(loaded.table, Qt.Key.Key_Delete)
    idle(loaded, qtbot)
    assert "these 2 papers" in asked[0]
    assert len(papers(loaded, ids)) == 2

    answer_question(monkeypatch, yes=True)
    action(loaded.build_context_menu(), "Delete…").trigger()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS - 2, timeout=10000)
    idle(loaded, qtbot)
    assert papers(loaded, ids) == {}
    qtbot.waitUntil(lambda: sidebar_text(loaded, "all") == f"All  ({SHARED_DIGEST_PAPERS - 2})")


def test_n_goes_to_the_notes_of_the_current_paper(loaded: MainWindow, qtbot):
    select(loaded, [3])
    loaded.table.setCurrentIndex(loaded.model.index(3, 0))
    loaded.activateWindow()
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_N)  # Enter opens the paper (test_ui_keys.py)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is loaded.detail.notes_editor)


# --- undo and redo ----------------------------------------------------------------


@pytest.mark.slow
def test_undo_gives_each_paper_its_own_status_back_and_redo_reapplies(loaded: MainWindow, qtbot):
    a, b, c = select(loaded, [0, 1, 2])
    before = {a: ReadStatus.READ, b: ReadStatus.QUEUED, c: ReadStatus.UNREAD}
    for paper_id, status in before.items():
        loaded.select_ids([paper_id])
        loaded.set_status(status)
    idle(loaded, qtbot)
    loaded.select_ids([a, b, c])
    loaded.set_status(ReadStatus.DROPPED)
    idle(loaded, qtbot)
    assert {p.status for p in papers(loaded, [a, b, c]).values()} == {ReadStatus.DROPPED}
    assert loaded.undo_action.text() == "&Undo mark 3 papers dropped"

    loaded.undo_action.trigger()
    idle(loaded, qtbot)
    assert {i: p.status for i, p in papers(loaded, [a, b, c]).items()} == before
    qtbot.waitUntil(lambda: loaded.model.paper(1).status is ReadStatus.QUEUED)  # type: ignore[union-attr]

    loaded.redo_action.trigger()
    idle(loaded, qtbot)
    assert {p.status for p in papers(loaded, [a, b, c]).values()} == {ReadStatus.DROPPED}


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo(loaded: MainWindow, qtbot):
    (paper_id,) = select(loaded, [4])
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_3)
    idle(loaded, qtbot)
    assert papers(loaded, [paper_id])[paper_id].status is ReadStatus.READING
    assert loaded.undo_action.shortcut().toString() == "Ctrl+Z"
    assert loaded.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    qtbot.keyClick(loaded.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    idle(loaded, qtbot)
    assert papers(loaded, [paper_id])[paper_id].status is ReadStatus.UNREAD
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(loaded.table, Qt.Key.Key_Z, modifiers)
    idle(loaded, qtbot)
    assert papers(loaded, [paper_id])[paper_id].status is ReadStatus.READING


@pytest.mark.slow
def test_undo_restores_ratings_and_tags(loaded: MainWindow, qtbot):
    a, b = select(loaded, [0, 1])
    loaded.worker.call(lambda: loaded.library.rate([a], 2))
    loaded.worker.call(lambda: loaded.library.tag([a], add=["nerf"]))
    loaded.rate(5)
    idle(loaded, qtbot)
    loaded.add_tag("nerf")
    idle(loaded, qtbot)
    stored = papers(loaded, [a, b])
    assert (stored[a].rating, stored[b].rating) == (5, 5)
    assert (stored[a].tags, stored[b].tags) == (("nerf",), ("nerf",))

    loaded.undo_stack.undo()  # the tag: only b loses it, a had it before
    idle(loaded, qtbot)
    stored = papers(loaded, [a, b])
    assert (stored[a].tags, stored[b].tags) == (("nerf",), ())
    loaded.undo_stack.undo()  # the rating
    idle(loaded, qtbot)
    stored = papers(loaded, [a, b])
    assert (stored[a].rating, stored[b].rating) == (2, 0)

    loaded.remove_tag("nerf")
    idle(loaded, qtbot)
    assert papers(loaded, [a])[a].tags == ()
    loaded.undo_stack.undo()
    idle(loaded, qtbot)
    stored = papers(loaded, [a, b])
    assert (stored[a].tags, stored[b].tags) == (("nerf",), ())


def test_undo_restores_notes_typed_in_several_pauses_at_once(pasted: MainWindow, qtbot):
    (paper_id,) = select(pasted, [2])
    pasted.table.setCurrentIndex(pasted.model.index(2, 0))
    pasted.worker.call(lambda: pasted.library.set_notes(paper_id, "first"))
    pasted.save_notes(paper_id, "first", "first, second")
    idle(pasted, qtbot)
    pasted.save_notes(paper_id, "first, second", "first, second, third")
    idle(pasted, qtbot)
    assert pasted.undo_stack.count() == 2  # the import, then the notes merged
    pasted.undo_stack.undo()
    idle(pasted, qtbot)
    assert papers(pasted, [paper_id])[paper_id].notes == "first"
    pasted.undo_stack.redo()
    idle(pasted, qtbot)
    assert papers(pasted, [paper_id])[paper_id].notes == "first, second, third"


def test_undo_skips_papers_deleted_since(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    a, b = select(loaded, [0, 1])
    loaded.set_status(ReadStatus.READ)
    idle(loaded, qtbot)
    loaded.worker.call(lambda: loaded.library.delete([a]))
    loaded.undo_stack.undo()
    idle(loaded, qtbot)
    assert {i: p.status for i, p in papers(loaded, [a, b]).items()} == {b: ReadStatus.UNREAD}
    loaded.undo_stack.redo()
    idle(loaded, qtbot)
    assert papers(loaded, [b])[b].status is ReadStatus.READ


# --- the shortcuts list -----------------------------------------------------------


def test_question_mark_lists_the_keyboard_shortcuts(loaded: MainWindow, qtbot):
    select(loaded, [0])
    qtbot.keyClick(loaded.table, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    dialog = loaded.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "1-6" in dialog.key_names()
    assert {"t", "Delete", "Enter", "Ctrl+Z"} <= set(dialog.key_names())
    dialog.close()


# --- undo of deletes --------------------------------------------------------------


@pytest.mark.slow
def test_undo_of_a_bulk_delete_brings_the_papers_back_with_everything(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    ids = select(loaded, [0, 1, 2])
    loaded.set_status(ReadStatus.READING)
    loaded.add_tag("3d/nerf")
    loaded.rate(3)
    idle(loaded, qtbot)
    loaded.worker.call(lambda: loaded.library.set_notes(ids[0], "keep *this*"))
    before = details(loaded, ids)

    answer_question(monkeypatch, yes=True)
    qtbot.keyClick(loaded.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS - 3, timeout=10000)
    idle(loaded, qtbot)
    assert papers(loaded, ids) == {}

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    idle(loaded, qtbot)
    after = details(loaded, ids)
    assert after == before
    assert sorted(loaded.selected_ids()) == sorted(ids)
    qtbot.waitUntil(lambda: sidebar_text(loaded, "tag:3d") == "3d  (3)")

    loaded.redo_action.trigger()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS - 3, timeout=10000)
    idle(loaded, qtbot)
    assert papers(loaded, ids) == {}
    loaded.undo_stack.undo()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    idle(loaded, qtbot)
    assert len(papers(loaded, ids)) == 3


@pytest.mark.slow
def test_undo_of_status_after_a_delete_and_its_undo_reaches_the_papers(loaded: MainWindow, qtbot):
    ids = select(loaded, [5, 6])
    loaded.set_status(ReadStatus.DROPPED)
    idle(loaded, qtbot)
    loaded.delete(ids)
    idle(loaded, qtbot)
    loaded.undo_stack.undo()  # the delete
    idle(loaded, qtbot)
    loaded.undo_stack.undo()  # the status
    idle(loaded, qtbot)
    assert {p.status for p in papers(loaded, ids).values()} == {ReadStatus.UNREAD}
