"""Papers dragged from the table onto a sidebar reading list are added to it.

The drag carries paper ids (PaperTableModel.mimeData, PAPER_IDS_MIME), so a selection
of more than one page of rows, loaded or not, goes whole. Qt's drag loop cannot run
headless, so the drag's events are sent to the sidebar as Qt would send them.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE, PAPER_IDS_MIME
from readinglist.ui.sidebar import dropped_ids
from tests import test_ui_window
from tests.test_ui_lists import make_list, order
from tests.test_ui_window import sidebar_text

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded

MOVE_OR_COPY = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def centre(main: MainWindow, key: str) -> QPoint:
    item = main.sidebar.item(key)
    assert item is not None, key
    return main.sidebar.visualItemRect(item).center()


def drag_to(
    main: MainWindow, data: QMimeData, point: QPoint, actions: Qt.DropAction = MOVE_OR_COPY
) -> tuple[bool, bool]:
    """Enter, move and drop at ``point``: (move accepted, drop accepted)."""
    viewport = main.sidebar.viewport()
    where = QPointF(point)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(point, actions, data, buttons, keys))
    move = QDragMoveEvent(point, actions, data, buttons, keys)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(where, actions, data, buttons, keys)
    QApplication.sendEvent(viewport, drop)
    if drop.isAccepted() and actions & Qt.DropAction.CopyAction:
        assert drop.dropAction() == Qt.DropAction.CopyAction  # a copy wherever allowed
    return move.isAccepted(), drop.isAccepted()


def test_a_multi_page_selection_dropped_on_a_list_is_added_and_undone(
    loaded: MainWindow, qtbot
) -> None:
    make_list(loaded, qtbot, "Reading group", [])
    model = loaded.model
    assert model.rowCount() > PAGE_SIZE
    loaded.table.selectAll()
    rows = range(model.rowCount())
    data = model.mimeData([model.index(row, 0) for row in rows])
    ids = dropped_ids(data)
    assert ids == [model.paper_id(row) for row in rows]  # unloaded rows' papers too

    assert drag_to(loaded, data, centre(loaded, "all")) == (False, False)  # not a list
    moved, dropped = drag_to(loaded, data, centre(loaded, "list:Reading group"))
    assert moved and dropped
    qtbot.waitUntil(lambda: order(loaded, "Reading group") == tuple(ids), timeout=10000)
    qtbot.waitUntil(
        lambda: sidebar_text(loaded, "list:Reading group") == f"Reading group  ({len(ids)})",
        timeout=10000,
    )
    loaded.undo_action.trigger()
    qtbot.waitUntil(lambda: order(loaded, "Reading group") == (), timeout=10000)
    assert model.rowCount() == len(ids)  # nothing was taken out of the table


def test_a_move_only_drag_is_taken_too(loaded: MainWindow, qtbot, qtmodeltester) -> None:
    """The table drags in InternalMove mode (for reordering a list): Qt then offers
    only a move, which the list takes as an add."""
    make_list(loaded, qtbot, "Thesis", [])
    model = loaded.model
    data = model.mimeData([model.index(row, 0) for row in (0, 1)])
    point = centre(loaded, "list:Thesis")
    assert drag_to(loaded, data, point, Qt.DropAction.MoveAction) == (True, True)
    qtbot.waitUntil(lambda: len(order(loaded, "Thesis")) == 2, timeout=10000)
    qtmodeltester.check(model)


def test_a_drop_of_anything_else_is_refused(loaded: MainWindow, qtbot) -> None:
    """(Text is the window's: dropped anywhere, it is imported as a digest.)"""
    make_list(loaded, qtbot, "Thesis", [])
    bad = QMimeData()
    bad.setData(PAPER_IDS_MIME, b"not json")
    assert dropped_ids(bad) == []
    assert drag_to(loaded, bad, centre(loaded, "list:Thesis"))[1] is False
    assert order(loaded, "Thesis") == ()


def test_rows_are_draggable_outside_a_list_too(loaded: MainWindow) -> None:
    model = loaded.model
    assert not model.reorderable  # the last digest's new papers, not a list
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.supportedDragActions() & Qt.DropAction.CopyAction
    assert not model.canDropMimeData(
        model.mimeData([model.index(0, 0)]), Qt.DropAction.MoveAction, 0, 0, model.index(0, 0)
    )
