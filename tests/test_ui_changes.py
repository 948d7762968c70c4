"""One change notification: every committed write reaches the views as one ``Changes``
value, announced by ``MainWindow.changes``; each view decides what to load again."""

from __future__ import annotations

from readinglist.app_context import open_database
from readinglist.core.changes import Changes
from readinglist.core.models import ReadStatus
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded
idle = test_ui_window.idle


def _status(window: MainWindow, paper_id: int) -> ReadStatus:
    row = window.model.row_of(paper_id)
    assert row is not None
    paper = window.model.paper(row)
    assert paper is not None
    return paper.status


def test_an_edit_its_undo_and_redo_each_announce_what_they_changed(
    loaded: MainWindow, qtbot
) -> None:
    ids = loaded.model.ids_of_rows([(0, 2)])
    with qtbot.waitSignal(loaded.changes.changed, timeout=10000) as edit:
        loaded.set_status(ReadStatus.READ, ids)
    changes = edit.args[0]
    assert isinstance(changes, Changes)
    assert changes.count == 3 and changes.touched == set(ids) and changes.counts
    assert not changes.rows_changed  # the rows are read again where they are
    qtbot.waitUntil(lambda: all(_status(loaded, i) is ReadStatus.READ for i in ids))
    with qtbot.waitSignal(loaded.changes.changed, timeout=10000) as undo:
        loaded.undo_stack.undo()
    assert undo.args[0].count == 3
    qtbot.waitUntil(lambda: all(_status(loaded, i) is ReadStatus.UNREAD for i in ids))


def test_a_delete_announces_removed_papers_and_the_table_queries_again(
    loaded: MainWindow, qtbot
) -> None:
    total = loaded.model.rowCount()
    first = loaded.model.ids_of_rows([(0, 0)])
    with qtbot.waitSignal(loaded.changes.changed, timeout=10000) as deleted:
        loaded.delete(first)
    assert deleted.args[0].removed == set(first)
    qtbot.waitUntil(lambda: loaded.model.rowCount() == total - 1, timeout=10000)
    with qtbot.waitSignal(loaded.changes.changed, timeout=10000) as back:
        loaded.undo_stack.undo()
    assert back.args[0].added == set(first)
    qtbot.waitUntil(lambda: loaded.model.rowCount() == total, timeout=10000)
    idle(loaded, qtbot)
    assert loaded.selected_ids() == first  # what came back is selected


def test_a_change_made_by_another_process_shows_when_the_window_is_back(
    loaded: MainWindow, qtbot
) -> None:
    """A command line's edit waits in the search outbox (it does not index); coming back
    to the window indexes it and shows it, in the table and the sidebar's counts."""
    paper_id = loaded.model.ids_of_rows([(0, 0)])[0]
    with open_database(loaded.opened.library_dir) as other:  # what `readinglist status` does
        other.library.set_status([paper_id], ReadStatus.DROPPED)
    assert _status(loaded, paper_id) is ReadStatus.UNREAD  # not seen yet
    with qtbot.waitSignal(loaded.changes.changed, timeout=10000) as caught:
        loaded.catch_up()
    assert caught.args[0].outside
    qtbot.waitUntil(lambda: _status(loaded, paper_id) is ReadStatus.DROPPED, timeout=10000)
    idle(loaded, qtbot)
    assert loaded.library.search("status:dropped").total == 1
