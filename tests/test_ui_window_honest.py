"""The window says what is so (issue 18): links that no browser opened, query errors
that go with the next query, no "211 matches" for a query it could not read, an empty
result said in the table, the import's "selected" note, the clear button, ``&`` shown
literally, TeX shown as characters, and a window that fits small and large screens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QStyleOptionViewItem

from readinglist.core.models import LinkKind
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.paper_table import PaperTable, TexDelegate
from readinglist.ui.window_layout import DETAIL_STATE, fitted
from readinglist.ui.window_settings import settings
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_keys import current, idle, main, opened_urls
from tests.test_ui_window import WindowFactory

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
__all__ = ["main"]  # the fixture, shared with the keys' tests


def row_with(window: MainWindow, kind: LinkKind) -> int:
    model = window.model
    return next(
        row
        for row in range(model.rowCount())
        if (paper := model.paper(row)) is not None and paper.first_link(kind) is not None
    )


def search(window: MainWindow, qtbot, text: str) -> None:
    window.search_box.setText(text)
    window.search.apply()
    idle(window, qtbot)


def menu_action(menu: QMenu, name: str) -> QAction:
    found = menu.findChild(QMenu, name)
    assert found is not None
    return found.menuAction()


# --- links ----------------------------------------------------------------------------


def test_a_link_no_browser_opens_is_said_and_can_be_copied(
    main: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    opened = opened_urls(monkeypatch, works=False)
    row = row_with(main, LinkKind.CODE)
    current(main, row)
    code = main.model.paper(row).first_link(LinkKind.CODE)  # type: ignore[union-attr]
    assert code is not None
    qtbot.keyClick(main.table, "o")
    assert opened == [code.url]
    assert main.statusBar().currentMessage() == f"Could not open {code.url}"
    box = main.links.box
    assert box is not None and box.isVisible() and not box.isModal()
    assert box.text().startswith(f"Could not open {code.url}: no web browser answered.")
    assert main.links.copy_button is not None
    main.links.copy_button.click()
    assert QGuiApplication.clipboard().text() == code.url
    assert box.isHidden()
    assert main.statusBar().currentMessage() == f"Copied {code.url}"


def test_copy_link_lists_every_link_of_the_paper_in_the_menu_and_the_pane(main: MainWindow, qtbot):
    row = row_with(main, LinkKind.PROJECT)
    current(main, row)
    qtbot.waitUntil(lambda: main.detail.paper is not None)
    paper = main.model.paper(row)
    assert paper is not None
    urls = [link.url for link in paper.links]
    menu = main.build_context_menu()
    copy_menu = menu.findChild(QMenu, "copyLinkMenu")
    assert copy_menu is not None and copy_menu.isEnabled()
    assert [action.data() for action in copy_menu.actions()] == urls
    copy_menu.actions()[-1].trigger()
    assert QGuiApplication.clipboard().text() == urls[-1]

    pane_menu = main.detail.copy_menu
    pane_menu.aboutToShow.emit()
    assert [action.data() for action in pane_menu.actions()] == urls
    assert any(action.text().startswith("Project page: ") for action in pane_menu.actions())


# --- honest state -------------------------------------------------------------------


def test_a_query_error_goes_with_the_next_valid_query(main: MainWindow, qtbot):
    search(main, qtbot, "status:nonsense")
    assert main.search.note.isVisible()
    assert "unknown status" in main.search.note.text()
    assert "unknown status" in main.statusBar().currentMessage()
    search(main, qtbot, "gaussian")
    assert main.search.note.isHidden()
    assert main.statusBar().currentMessage() == ""  # the old query's message went too
    assert main.search.note.text() == ""
    assert main.result_count.text().endswith("matches")


def test_a_query_it_could_not_read_does_not_claim_matches(main: MainWindow, qtbot):
    search(main, qtbot, "title:(")
    assert main.model.rowCount() == SHARED_DIGEST_PAPERS
    assert main.result_count.text() == f"{SHARED_DIGEST_PAPERS} papers"
    assert "nothing to search for" in main.search.note.toolTip()
    assert main.search.note.width() <= 240  # elided: the search box keeps its room


def test_no_results_are_said_in_the_table(main: MainWindow, qtbot):
    search(main, qtbot, "zzqxv")
    assert main.model.rowCount() == 0
    assert main.table.empty_text.startswith("No paper matches “zzqxv”")
    image = main.table.viewport().grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, 60, 2)}
    assert len(colours) > 2  # the message is painted, not an empty table
    search(main, qtbot, "gaussian")
    assert main.table.empty_text == ""


def test_the_clear_button_shows_only_with_text(main: MainWindow, qtbot):
    clear = next(
        action
        for action in main.search_box.findChildren(QAction)
        if action.objectName() == "_q_qlineeditclearaction"
    )
    assert not clear.isVisible()
    main.search_box.setText("x")
    assert clear.isVisible()
    main.search_box.clear()
    assert not clear.isVisible()


def test_the_selected_note_of_an_import_goes_when_the_selection_changes(
    window: MainWindow, qtbot, shared_digest_bytes: bytes
):
    window.imports.import_text(shared_digest_bytes.decode("utf-8"), "clipboard")
    qtbot.waitUntil(lambda: window.table.selected_count() == SHARED_DIGEST_PAPERS, timeout=20000)
    idle(window, qtbot)
    note = window.import_banner.selected_note
    assert note.isVisible()
    assert note.text() == f"The {SHARED_DIGEST_PAPERS} new papers are selected."
    window.table.setFocus()
    window.table.selectRow(3)
    assert note.isHidden()
    assert "211 new" in window.import_banner.message.text()  # the counts stay


def test_an_ampersand_in_an_undo_text_is_shown_not_taken_as_a_shortcut(main: MainWindow, qtbot):
    current(main, 0)
    main.add_tag("r&d")
    idle(main, qtbot)
    assert main.undo_action.text() == "&Undo tag 1 paper r&&d"
    assert main.undo_action.isEnabled()
    main.undo_action.trigger()
    idle(main, qtbot)
    assert main.redo_action.text() == "&Redo tag 1 paper r&&d"
    assert not main.undo_action.isEnabled()


# --- TeX ------------------------------------------------------------------------------


def test_tex_in_a_title_and_abstract_is_shown_as_characters(window: MainWindow, qtbot):
    title = r"Fast 1\times1 Convolutions for $\alpha$-Blending"
    abstract = r"We gain 6.13\% with $k \leq 4$ layers."
    window.imports.import_text(f"{title}\n\n{abstract}\n", "clipboard")
    qtbot.waitUntil(lambda: window.detail.paper is not None, timeout=10000)
    index = window.model.index(0, Column.TITLE)
    assert window.model.data(index) == title  # the stored text is unchanged
    delegate = window.table.itemDelegateForColumn(Column.TITLE)
    assert isinstance(delegate, TexDelegate)
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, index)
    assert option.text == "Fast 1×1 Convolutions for α-Blending"
    assert "1×1 Convolutions for α-Blending" in window.detail.title.text()
    assert window.detail.abstract.toPlainText() == "We gain 6.13% with k ≤ 4 layers."
    stored = window.worker.call(lambda: window.library.details(window.detail.paper.id).paper)  # type: ignore[union-attr]
    assert stored.title == title


# --- screens -------------------------------------------------------------------------


def test_at_1024x700_title_status_and_code_fit_and_the_abstract_gets_the_room(
    main: MainWindow, qtbot
):
    main.resize(1024, 700)
    table: PaperTable = main.table
    assert main.isVisible()
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=5000)
    for column in (Column.TITLE, Column.STATUS, Column.CODE):
        assert not table.isColumnHidden(column)
    assert table.columnWidth(Column.TITLE) >= 150
    shown = sum(table.columnWidth(column) for column in Column if not table.isColumnHidden(column))
    assert shown <= table.viewport().width()
    current(main, 0)
    detail = main.detail
    assert detail.abstract.height() > detail.notes_editor.height()


def test_wide_the_title_takes_the_spare_width(main: MainWindow, qtbot):
    main.resize(1900, 1000)
    main.splitter.setSizes([250, 1300, 350])
    table = main.table
    qtbot.waitUntil(lambda: not table.isColumnHidden(Column.TAGS), timeout=5000)
    others = max(
        table.columnWidth(column)
        for column in Column
        if column is not Column.TITLE and not table.isColumnHidden(column)
    )
    assert table.columnWidth(Column.TITLE) > 2 * others


def test_the_window_is_fitted_inside_a_small_screen():
    # QT_SCALE_FACTOR=2 on a 1600x1000 screen: 800x500 logical pixels.
    inside = fitted(QRect(100, 50, 1400, 900), QRect(0, 0, 800, 500))
    assert QRect(0, 0, 800, 500).contains(inside.adjusted(0, 0, 16, 48))
    assert inside.width() > 700 and inside.height() > 400
    same = QRect(10, 10, 600, 400)
    assert fitted(same, QRect(0, 0, 1920, 1080)) == same


def test_a_new_window_opens_inside_its_screen(main: MainWindow):
    area = main.screen().availableGeometry()
    assert area.contains(main.geometry())  # the default 1400x900 on an 800x800 screen


def test_the_sidebar_shows_whole_names_and_counts(main: MainWindow, qtbot):
    sidebar = main.sidebar
    qtbot.waitUntil(lambda: sidebar.item("all") is not None)
    widest = max(
        sidebar.visualItemRect(item).right()
        for item in (sidebar.item("all"), sidebar.topLevelItem(1).child(0))  # type: ignore[union-attr]
        if item is not None
    )
    assert widest <= sidebar.viewport().width()
    main.refresh_counts()  # filled again: the sidebar does not grow each time
    idle(main, qtbot)
    assert sidebar.width() <= sidebar.sizeHintForColumn(0) + 40


def test_the_detail_pane_parts_keep_their_sizes(make_window: WindowFactory, digest_library):
    first = make_window()
    first.resize(1200, 800)
    parts = first.detail.parts
    assert parts.count() == 4
    assert all(parts.isCollapsible(i) for i in (1, 2, 3)) and not parts.isCollapsible(0)
    parts.setSizes([300, 100, 0, 120])  # the notes collapsed
    sizes = parts.sizes()
    first.close()
    assert settings().contains(DETAIL_STATE)
    second = make_window()
    kept = second.detail.parts.sizes()  # shared out again in a window of its own size
    assert kept[2] == 0
    assert kept[1] == sizes[1]
    assert kept[0] > kept[3] > 0


def test_only_http_links_are_opened_and_a_refusal_says_why(
    main: MainWindow, monkeypatch: pytest.MonkeyPatch
):
    opened = opened_urls(monkeypatch)
    assert main.open_url("https://example.org/a")
    assert not main.open_url("file:///etc/passwd")
    assert opened == ["https://example.org/a"]
    assert main.statusBar().currentMessage() == (
        "Only http and https links are opened: file:///etc/passwd"
    )
