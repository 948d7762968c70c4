"""Reading lists and saved searches in the window, headless."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from readinglist.ui import list_actions
from readinglist.ui.list_actions import moved_position
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAPER_IDS_MIME, Column
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_actions import action, answer_question, answer_tag, select, submenu
from tests.test_ui_window import idle, sidebar_text

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


def order(main: MainWindow, name: str) -> tuple[int, ...]:
    return main.worker.call(lambda: main.library.lists.get(name).paper_ids)


def rows(main: MainWindow) -> list[int | None]:
    return [main.model.paper_id(row) for row in range(main.model.rowCount())]


def make_list(main: MainWindow, qtbot, name: str, ids: Sequence[int]) -> None:
    library = main.library
    main.worker.call(lambda: library.lists.create(name))
    if ids:
        main.worker.call(lambda: library.lists.add(name, ids))
    main.refresh_counts()
    idle(main, qtbot)


def show_list(main: MainWindow, qtbot, name: str) -> None:
    assert main.sidebar.select(f"list:{name}")
    wanted = list(order(main, name))
    qtbot.waitUntil(lambda: rows(main) == wanted, timeout=10000)


def answer_item(monkeypatch: pytest.MonkeyPatch, name: str) -> list[list[str]]:
    """The ``l`` dialog (list_picker.choose_list) answers ``name``; what it offered."""
    offered: list[list[str]] = []

    def choose(items: Sequence[str], _count: int, _parent: QWidget | None) -> str:
        offered.append(list(items))
        return name

    monkeypatch.setattr(list_actions, "choose_list", choose)
    return offered


def test_new_list_from_the_edit_menu_and_the_sidebar_menu(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    answer_tag(monkeypatch, "  Reading   group ")
    loaded.lists.new_list_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Reading group") is not None, timeout=10000)
    assert sidebar_text(loaded, "list:Reading group") == "Reading group  (0)"
    menu = loaded.lists.build_sidebar_menu(None)
    assert menu.objectName() == "sidebarContextMenu"
    assert {a.objectName() for a in menu.actions()} >= {"newListAction", "saveSearchAction"}
    in_menus = [a for m in loaded.menuBar().findChildren(QMenu) for a in m.actions()]
    assert loaded.lists.new_list_action in in_menus
    assert loaded.lists.save_search_action in in_menus


def test_add_to_a_list_from_the_context_menu_and_undo_it(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    make_list(loaded, qtbot, "Group", [])
    ids = select(loaded, [2, 0])
    menu = loaded.build_context_menu()
    add_menu = submenu(menu, "addToListMenu")
    assert [a.text() for a in add_menu.actions() if a.text()] == ["Group", "New list…"]
    assert menu.findChild(QAction, "removeFromListAction") is None  # no list shown
    action(add_menu, "Group").trigger()
    qtbot.waitUntil(lambda: sidebar_text(loaded, "list:Group") == "Group  (2)", timeout=10000)
    assert set(order(loaded, "Group")) == set(ids)

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: sidebar_text(loaded, "list:Group") == "Group  (0)", timeout=10000)
    assert order(loaded, "Group") == ()
    loaded.redo_action.trigger()
    qtbot.waitUntil(lambda: sidebar_text(loaded, "list:Group") == "Group  (2)", timeout=10000)


def test_l_chooses_a_list_with_completion_or_makes_a_new_one(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    make_list(loaded, qtbot, "Group", [])
    ids = select(loaded, [1])
    offered = answer_item(monkeypatch, "group")  # any case
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: order(loaded, "Group") == tuple(ids), timeout=10000)
    assert offered == [["Group"]]

    answer_item(monkeypatch, "Brand new")
    qtbot.keyClick(loaded.table, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Brand new") is not None, timeout=10000)
    assert order(loaded, "Brand new") == tuple(ids)


@pytest.mark.slow
def test_a_list_shows_in_its_order_and_shift_l_removes_from_it(
    loaded: MainWindow, qtbot, qtmodeltester
):
    ids = [loaded.model.paper_id(row) for row in (5, 1, 9, 3)]
    assert None not in ids
    make_list(loaded, qtbot, "Thesis", [i for i in ids if i is not None])
    show_list(loaded, qtbot, "Thesis")
    assert rows(loaded) == ids
    assert loaded.model.reorderable
    qtmodeltester.check(loaded.model)
    menu = loaded.build_context_menu()
    remove = menu.findChild(QAction, "removeFromListAction")
    assert remove is not None
    assert remove.text() == "Remove from this list (Thesis)"

    select(loaded, [1])
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: rows(loaded) == [ids[0], ids[2], ids[3]], timeout=10000)
    assert order(loaded, "Thesis") == (ids[0], ids[2], ids[3])
    assert sidebar_text(loaded, "list:Thesis") == "Thesis  (3)"
    assert loaded.model.rowCount() < SHARED_DIGEST_PAPERS

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: rows(loaded) == ids, timeout=10000)


def test_dropping_rows_reorders_the_list_in_the_library(loaded: MainWindow, qtbot):
    ids = [i for i in (loaded.model.paper_id(row) for row in range(4)) if i is not None]
    make_list(loaded, qtbot, "Order", ids)
    show_list(loaded, qtbot, "Order")
    model = loaded.model
    mime = model.mimeData([model.index(3, 0), model.index(3, 2)])
    assert mime.hasFormat(PAPER_IDS_MIME)
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    with qtbot.waitSignal(model.moveRequested) as moved:
        model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert moved.args == [[ids[3]], 0]
    wanted = [ids[3], ids[0], ids[1], ids[2]]
    qtbot.waitUntil(lambda: rows(loaded) == wanted, timeout=10000)
    assert list(order(loaded, "Order")) == wanted
    assert loaded.selected_ids() == []

    # Two rows dropped on the last row's place: before it.
    mime = model.mimeData([model.index(0, 0), model.index(1, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, model.index(3, 0))
    wanted = [ids[1], ids[3], ids[0], ids[2]]
    qtbot.waitUntil(lambda: list(order(loaded, "Order")) == wanted, timeout=10000)
    qtbot.waitUntil(lambda: rows(loaded) == wanted, timeout=10000)

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: rows(loaded) == [ids[3], ids[0], ids[1], ids[2]], timeout=10000)


def test_alt_arrows_move_the_selection_and_keep_it(loaded: MainWindow, qtbot):
    ids = [i for i in (loaded.model.paper_id(row) for row in range(4)) if i is not None]
    make_list(loaded, qtbot, "Order", ids)
    show_list(loaded, qtbot, "Order")
    select(loaded, [1])
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    wanted = [ids[0], ids[2], ids[1], ids[3]]
    qtbot.waitUntil(lambda: list(order(loaded, "Order")) == wanted, timeout=10000)
    qtbot.waitUntil(lambda: rows(loaded) == wanted, timeout=10000)
    qtbot.waitUntil(lambda: loaded.selected_ids() == [ids[1]], timeout=10000)
    qtbot.keyClick(loaded.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: list(order(loaded, "Order")) == ids, timeout=10000)


def test_a_sorted_or_searched_list_is_not_reordered(loaded: MainWindow, qtbot):
    ids = [i for i in (loaded.model.paper_id(row) for row in range(3)) if i is not None]
    make_list(loaded, qtbot, "Order", ids)
    show_list(loaded, qtbot, "Order")
    loaded.table.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: loaded.model.query.sort == "title", timeout=10000)
    idle(loaded, qtbot)
    assert not loaded.model.reorderable
    # Rows still drag (onto a sidebar list), but no longer drop between rows.
    model = loaded.model
    first = model.index(0, 0)
    assert not model.canDropMimeData(model.mimeData([first]), Qt.DropAction.MoveAction, 0, 0, first)
    assert not model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    select(loaded, [0])
    qtbot.keyClick(loaded.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    idle(loaded, qtbot)
    assert list(order(loaded, "Order")) == ids
    assert "own order" in loaded.statusBar().currentMessage()

    assert loaded.sidebar.select("all")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    show_list(loaded, qtbot, "Order")  # chosen again: in its own order
    assert loaded.model.query.sort is None


def test_rename_and_delete_a_list_from_the_sidebar_menu(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    ids = select(loaded, [0, 1])
    make_list(loaded, qtbot, "Old", ids)
    show_list(loaded, qtbot, "Old")
    entry = loaded.sidebar.current_entry()
    menu = loaded.lists.build_sidebar_menu(entry)
    answer_tag(monkeypatch, "New name")
    action(menu, "Rename list…").trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:New name") is not None, timeout=10000)
    assert loaded.sidebar.item("list:Old") is None
    qtbot.waitUntil(lambda: loaded.lists.shown_list() == "New name", timeout=10000)

    menu = loaded.lists.build_sidebar_menu(loaded.sidebar.current_entry())
    asked = answer_question(monkeypatch, yes=False)
    action(menu, "Delete list…").trigger()
    assert asked and "New name" in asked[0]
    idle(loaded, qtbot)
    assert loaded.sidebar.item("list:New name") is not None
    answer_question(monkeypatch, yes=True)
    action(menu, "Delete list…").trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:New name") is None, timeout=10000)
    assert loaded.worker.call(loaded.library.lists.all) == []
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    assert loaded.lists.shown_list() is None


def test_save_a_search_run_it_and_delete_it(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    loaded.search_box.setText("gaussian has:code")
    answer_tag(monkeypatch, "Splats")
    loaded.lists.save_search_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("search:Splats") is not None, timeout=10000)
    saved = loaded.worker.call(lambda: loaded.library.searches.get("splats"))
    assert saved.query == "gaussian has:code"

    loaded.search_box.clear()
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    assert loaded.sidebar.select("search:Splats")
    assert loaded.search_box.text() == "gaussian has:code"
    qtbot.waitUntil(lambda: 0 < loaded.model.rowCount() < SHARED_DIGEST_PAPERS, timeout=10000)

    asked = answer_question(monkeypatch, yes=True)  # the same name again: replace?
    loaded.lists.save_search("splats", "gaussian")
    qtbot.waitUntil(
        lambda: (
            loaded.worker.call(lambda: loaded.library.searches.get("splats")).query == "gaussian"
        ),
        timeout=10000,
    )
    assert "Replace" in asked[0]

    menu = loaded.lists.build_sidebar_menu(loaded.sidebar.current_entry())
    action(menu, "Delete saved search…").trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("search:Splats") is None, timeout=10000)
    assert loaded.worker.call(loaded.library.searches.all) == []


def test_an_empty_search_is_not_saved(loaded: MainWindow, qtbot, monkeypatch):
    asked = answer_tag(monkeypatch, "Nothing")
    loaded.lists.save_search_action.trigger()
    assert asked == []
    assert loaded.statusBar().currentMessage() == "Type a search first, then save it"


def test_moved_position_counts_among_the_papers_not_moved():
    order = [1, 2, 3, 4, 5]
    assert moved_position(order, [3], -1) == 1
    assert moved_position(order, [3], 1) == 3
    assert moved_position(order, [1], -1) is None
    assert moved_position(order, [5], 1) is None
    assert moved_position(order, [2, 3], 1) == 2
    assert moved_position(order, [9], 1) is None


@pytest.mark.slow
def test_the_message_box_default_is_no(loaded: MainWindow, monkeypatch):
    seen: list[object] = []

    def question(*args: object) -> object:
        seen.append(args[-1])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    loaded.lists.delete_list("anything")
    assert seen == [QMessageBox.StandardButton.No]


def test_deleting_and_creating_a_list_can_be_undone_and_redone(loaded: MainWindow, qtbot):
    ids = select(loaded, [2, 0, 1])
    make_list(loaded, qtbot, "Keep", ids)
    kept = order(loaded, "Keep")
    loaded.lists.delete_list("Keep", confirm=False)
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Keep") is None, timeout=10000)
    assert "Ctrl+Z" in loaded.statusBar().currentMessage()

    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Keep") is not None, timeout=10000)
    assert order(loaded, "Keep") == kept
    loaded.redo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Keep") is None, timeout=10000)

    loaded.lists.new_list("  Fresh   list ")
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Fresh list") is not None, timeout=10000)
    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Fresh list") is None, timeout=10000)
    loaded.redo_action.trigger()
    qtbot.waitUntil(lambda: loaded.sidebar.item("list:Fresh list") is not None, timeout=10000)
    idle(loaded, qtbot)
    assert [rl.name for rl in loaded.worker.call(loaded.library.lists.all)] == ["Fresh list"]
