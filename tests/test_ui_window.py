"""The main window, headless: import, search, keyboard triage, settings, rendering."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication

from readinglist.core.models import LinkKind, ReadStatus
from readinglist.ui import app
from readinglist.ui.app import build_main_window
from readinglist.ui.app_icons import desktop_file_name
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import SORT_ROLE, Column, PaperTableModel, TableQuery
from readinglist.ui.sidebar import ENTRY_ROLE
from readinglist.ui.theme import Theme, is_dark
from readinglist.ui.worker import Worker
from tests.helpers import SHARED_DIGEST_PAPERS, copy_library, settings_in
from tests.test_desktop_files import DESKTOP_FILE

WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def settings_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "settings"
    settings_in(folder)
    return folder


@pytest.fixture
def make_window(
    qtbot, library_dir: Path, settings_dir: Path, empty_library_template: Path
) -> Iterator[WindowFactory]:
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        # A library folder that does not exist yet is a first run; the new library is a
        # copy of the empty template rather than created (and migrated) again.
        first_run = not library_dir.exists()
        if first_run:
            copy_library(empty_library_template, library_dir)
        window = build_main_window(library_dir, first_run=first_run)
        windows.append(window)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: not window.busy)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.worker.running


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


@pytest.fixture
def loaded(
    make_window: WindowFactory, library_dir: Path, digest_library_template: Path
) -> MainWindow:
    """The window on a library holding the shared digest (a copy of the session's
    template: what pasting it gives, without pasting it again for every test; the tests
    of pasting use :func:`pasted`)."""
    copy_library(digest_library_template, library_dir)
    window = make_window()
    assert window.model.rowCount() == SHARED_DIGEST_PAPERS
    return window


@pytest.fixture
def pasted(window: MainWindow, qtbot, shared_digest_bytes: bytes) -> MainWindow:
    """The window with the shared digest pasted through the clipboard action."""
    QGuiApplication.clipboard().setText(shared_digest_bytes.decode("utf-8"))
    window.paste_action.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=20000)
    # Settled: the import's automatic lookup too (offline here: it queues the papers).
    qtbot.waitUntil(lambda: not window.busy and not window.resolver.running, timeout=20000)
    return window


def idle(window: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.busy, timeout=10000)


def sidebar_text(window: MainWindow, key: str) -> str:
    item = window.sidebar.item(key)
    assert item is not None, key
    return item.text(0)


def row_with(window: MainWindow, kind: LinkKind) -> int:
    model = window.model
    for row in range(model.rowCount()):
        paper = model.paper(row)
        if paper is not None and paper.first_link(kind) is not None:
            return row
    raise AssertionError(f"no loaded paper with a {kind} link")


def select_row(window: MainWindow, row: int) -> None:
    window.table.setFocus()
    window.table.selectRow(row)


# --- the worker -------------------------------------------------------------------


def test_worker_runs_jobs_in_order_and_reports_errors_on_the_gui_thread(qtbot):
    worker = Worker()
    results: list[object] = []
    try:
        worker.submit(lambda: 1, results.append)

        def fail() -> int:
            raise ValueError("boom")

        worker.submit(fail, results.append, lambda error: results.append(str(error)))
        with qtbot.waitSignal(worker.idle, timeout=5000):
            worker.submit(lambda: 3, results.append)
        assert results == [1, "boom", 3]
        assert worker.call(lambda: 6 * 7) == 42
    finally:
        worker.shutdown()
    assert not worker.running


# --- the model --------------------------------------------------------------------


def test_the_paper_model_passes_the_model_tester(loaded: MainWindow, qtbot, qtmodeltester):
    qtmodeltester.check(loaded.model)
    idle(loaded, qtbot)
    model = loaded.model
    paper = model.paper(0)
    assert paper is not None
    assert model.data(model.index(0, Column.TITLE)) == paper.title
    assert model.data(model.index(0, Column.TITLE), SORT_ROLE) == paper.title
    assert model.data(model.index(0, Column.TIMES_SEEN), SORT_ROLE) == 1
    assert model.data(model.index(0, Column.TITLE), Qt.ItemDataRole.FontRole).bold()


def test_a_second_model_on_the_same_library_loads_pages_lazily(loaded: MainWindow, qtbot):
    model = PaperTableModel(loaded.worker, loaded.library)
    with qtbot.waitSignal(model.queryFinished, timeout=10000):
        model.set_query(TableQuery(sort="title"))
    assert model.rowCount() == SHARED_DIGEST_PAPERS
    last = model.rowCount() - 1
    assert model.paper(last) is None  # beyond the first page: not loaded yet
    with qtbot.waitSignal(model.pageLoaded, timeout=10000):
        model.data(model.index(last, Column.TITLE))
    ids = [model.paper_id(row) for row in range(model.rowCount())]
    assert None not in ids
    assert len(set(ids)) == SHARED_DIGEST_PAPERS
    assert model.paper(last) is not None


@pytest.mark.slow
def test_sorting_is_done_by_the_library(loaded: MainWindow, qtbot, qtmodeltester):
    with qtbot.waitSignal(loaded.model.queryFinished, timeout=10000):
        loaded.table.sortByColumn(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert loaded.model.query.sort == "title"
    assert loaded.model.query.descending
    qtmodeltester.check(loaded.model)


# --- the window -------------------------------------------------------------------


def test_an_empty_library_shows_the_welcome_view(window: MainWindow):
    assert window.stack.currentWidget() is window.welcome
    assert "Paste digest" in window.welcome.text()


def test_a_pasted_digest_fills_the_table_and_selects_the_new_papers(pasted: MainWindow):
    assert pasted.stack.currentWidget() is pasted.table
    assert "211 new" in pasted.statusBar().currentMessage()
    assert len(pasted.table.selected_rows()) == SHARED_DIGEST_PAPERS
    assert sidebar_text(pasted, "all") == f"All  ({SHARED_DIGEST_PAPERS})"
    assert pasted.detail.paper is not None


def test_the_column_header_has_an_empty_selection_of_its_own(loaded: MainWindow):
    """Qt's header asks whether each column is wholly selected by calling flags() once
    per selected row (70k Python calls for 10k selected papers, a 150 ms freeze); with
    a selection model of its own that stays empty, it never asks."""
    table = loaded.table
    header = table.horizontalHeader()
    table.selectAll()
    assert table.selected_count() == SHARED_DIGEST_PAPERS
    assert header.selectionModel() is not table.selectionModel()
    assert header.selectionModel().model() is table.model()
    assert not header.selectionModel().hasSelection()
    assert not header.selectionModel().isColumnSelected(Column.TITLE)
    assert table.selectionModel().isColumnSelected(Column.TITLE)  # what it would see
    table.setModel(PaperTableModel(loaded.worker, loaded.library, table))  # a new model
    assert header.selectionModel() is not table.selectionModel()
    assert header.selectionModel().model() is table.model()


@pytest.mark.slow
def test_search_as_you_type_filters_the_table(loaded: MainWindow, qtbot):
    qtbot.keyClicks(loaded.search_box, "gaussian splatting")
    qtbot.waitUntil(lambda: 0 < loaded.model.rowCount() < SHARED_DIGEST_PAPERS, timeout=10000)
    count = loaded.model.rowCount()
    assert loaded.result_count.text() == f"{count} matches"
    paper = loaded.model.paper(0)
    assert paper is not None
    assert "gaussian" in f"{paper.title} {paper.abstract}".lower()


@pytest.mark.slow
def test_a_misspelt_search_offers_a_suggestion_that_fills_the_box(loaded: MainWindow, qtbot):
    loaded.search_box.setText("gausian")
    qtbot.waitUntil(lambda: not loaded.did_you_mean.isHidden(), timeout=10000)
    loaded.did_you_mean.linkActivated.emit("#suggestion")
    assert loaded.search_box.text() == "gaussian"
    qtbot.waitUntil(lambda: loaded.model.rowCount() > 3, timeout=10000)


@pytest.mark.slow
def test_keys_1_to_6_set_the_status_in_the_library(loaded: MainWindow, qtbot):
    loaded.keys.advance_action.setChecked(False)  # the same paper each time
    select_row(loaded, 0)
    paper_id = loaded.model.paper_id(0)
    assert paper_id is not None
    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6]
    for key, status in zip(reversed(keys), reversed(list(ReadStatus)), strict=True):
        qtbot.keyClick(loaded.table, key)
        idle(loaded, qtbot)
        stored = loaded.worker.call(lambda: loaded.library.details(paper_id).paper.status)
        assert stored is status
    qtbot.waitUntil(lambda: loaded.model.paper(0).status is ReadStatus.UNREAD)  # type: ignore[union-attr]


def test_the_sidebar_filters_by_status(loaded: MainWindow, qtbot):
    select_row(loaded, 3)
    qtbot.keyClick(loaded.table, Qt.Key.Key_4)
    idle(loaded, qtbot)
    assert loaded.sidebar.select("status:read")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 1, timeout=10000)
    assert sidebar_text(loaded, "status:read") == "Read  (1)"
    assert loaded.sidebar.current_entry() == loaded.sidebar.item("status:read").data(0, ENTRY_ROLE)  # type: ignore[union-attr]


def test_j_and_k_move_through_the_table(loaded: MainWindow, qtbot):
    select_row(loaded, 0)
    loaded.table.setCurrentIndex(loaded.model.index(0, 0))
    qtbot.keyClick(loaded.table, Qt.Key.Key_J)
    qtbot.keyClick(loaded.table, Qt.Key.Key_J)
    qtbot.keyClick(loaded.table, Qt.Key.Key_K)
    assert loaded.current_row() == 1
    assert loaded.table.selected_rows() == [1]


def test_o_opens_the_code_link_and_p_the_project_page(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    opened: list[str] = []

    def fake_open(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    row = row_with(loaded, LinkKind.CODE)
    select_row(loaded, row)
    loaded.table.setCurrentIndex(loaded.model.index(row, 0))
    qtbot.keyClick(loaded.table, Qt.Key.Key_O)
    code = loaded.model.paper(row).first_link(LinkKind.CODE)  # type: ignore[union-attr]
    assert code is not None
    assert opened == [code.url]

    row = row_with(loaded, LinkKind.PROJECT)
    loaded.table.setCurrentIndex(loaded.model.index(row, 0))
    qtbot.keyClick(loaded.table, Qt.Key.Key_P)
    project = loaded.model.paper(row).first_link(LinkKind.PROJECT)  # type: ignore[union-attr]
    assert project is not None
    assert opened[-1] == project.url


@pytest.mark.slow
def test_notes_save_themselves_after_a_pause(loaded: MainWindow, qtbot):
    select_row(loaded, 2)
    loaded.table.setCurrentIndex(loaded.model.index(2, 0))
    paper_id = loaded.model.paper_id(2)
    assert paper_id is not None
    qtbot.keyClicks(loaded.detail.notes_editor, "read the appendix")

    def saved() -> bool:
        notes = loaded.worker.call(lambda: loaded.library.details(paper_id).paper.notes)
        return notes == "read the appendix"

    qtbot.waitUntil(saved, timeout=10000)


@pytest.mark.slow
def test_the_tag_editor_adds_a_tag_on_enter(loaded: MainWindow, qtbot):
    select_row(loaded, 0)
    loaded.table.setCurrentIndex(loaded.model.index(0, 0))
    paper_id = loaded.model.paper_id(0)
    assert paper_id is not None
    qtbot.keyClicks(loaded.detail.tag_editor, "3d/splatting")
    qtbot.keyClick(loaded.detail.tag_editor, Qt.Key.Key_Return)
    idle(loaded, qtbot)
    tags = loaded.worker.call(lambda: loaded.library.details(paper_id).paper.tags)
    assert tags == ("3d/splatting",)
    qtbot.waitUntil(lambda: loaded.detail.tags_label.text() == "3d/splatting")


def test_a_restart_restores_the_window_geometry(make_window: WindowFactory, qtbot):
    first = make_window()
    first.resize(711, 577)  # the offscreen screen is 800x800
    first.splitter.setSizes([120, 380, 211])
    sizes = first.splitter.sizes()
    first.close()
    assert not first.worker.running
    second = make_window()
    assert (second.width(), second.height()) == (711, 577)
    assert second.splitter.sizes() == sizes


def test_the_window_renders_offscreen(loaded: MainWindow, tmp_path: Path):
    loaded.resize(1400, 900)
    path = tmp_path / "window.png"
    assert loaded.grab().save(str(path))
    assert path.stat().st_size > 20_000
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1400, 900)


def test_run_names_the_application_and_shows_the_window(
    qapp, library_dir: Path, settings_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    shown: list[MainWindow] = []

    def fake_exec(self: QApplication) -> int:
        shown.extend(
            w for w in self.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    frozen: list[bool] = []  # not in the test process: it would keep every test's garbage
    monkeypatch.setattr(app, "settle_after_startup", lambda: frozen.append(True))
    logging_configured: list[bool] = []  # the real one would keep the file for every test
    monkeypatch.setattr(app, "configure_logging", lambda: logging_configured.append(True))
    hook = sys.excepthook
    assert app.run(library_dir) == 0
    assert frozen == [True] and logging_configured == [True]
    assert sys.excepthook is hook  # the crash reporter's hook is taken back
    assert qapp.applicationName() == "readinglist"
    assert qapp.desktopFileName() == desktop_file_name() == DESKTOP_FILE.stem
    assert not qapp.windowIcon().isNull()
    assert len(shown) == 1
    assert not shown[0].worker.running
    shown[0].deleteLater()


# --- view settings, the code column, similar papers, the status bar ---------------


def test_the_theme_override_is_applied_and_kept_for_the_next_start(
    make_window: WindowFactory, qtbot
):
    first = make_window()
    assert first.theme_actions[Theme.SYSTEM].isChecked()
    light = QApplication.palette().color(QPalette.ColorRole.Window).lightness()
    first.theme_actions[Theme.DARK].trigger()
    assert is_dark()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < light
    first.close()
    second = make_window()
    assert second.theme is Theme.DARK
    assert second.theme_actions[Theme.DARK].isChecked()
    second.theme_actions[Theme.LIGHT].trigger()
    assert not is_dark()
    second.theme_actions[Theme.SYSTEM].trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() == light


def test_a_restart_restores_the_column_widths(make_window: WindowFactory):
    first = make_window()
    assert first.table.columns is not None  # shown by choice: a narrow window hides them
    first.table.columns.choose(Column.TAGS, True)
    first.table.columns.choose(Column.RATING, True)
    first.table.setColumnWidth(Column.TAGS, 231)
    first.table.setColumnWidth(Column.RATING, 97)
    first.close()
    second = make_window()
    assert second.table.columnWidth(Column.TAGS) == 231
    assert second.table.columnWidth(Column.RATING) == 97


def test_the_code_column_shows_an_icon_only_when_there_is_code(loaded: MainWindow):
    model = loaded.model
    with_code = row_with(loaded, LinkKind.CODE)
    without = next(
        row
        for row in range(model.rowCount())
        if (paper := model.paper(row)) is not None and not paper.has_code
    )
    icon = model.data(model.index(with_code, Column.CODE), Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon)
    assert not icon.pixmap(16, 16).toImage().isNull()
    assert model.data(model.index(without, Column.CODE), Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(with_code, Column.CODE), SORT_ROLE) is True


@pytest.mark.slow
def test_similar_papers_are_listed_and_open_on_a_click(loaded: MainWindow, qtbot):
    select_row(loaded, 0)
    loaded.table.setCurrentIndex(loaded.model.index(0, 0))
    similar = loaded.detail.similar_list
    qtbot.waitUntil(lambda: similar.count() > 0, timeout=10000)
    idle(loaded, qtbot)
    source = loaded.detail.paper
    assert source is not None
    ids = loaded.detail.similar_ids()
    assert ids and source.id not in ids
    item = similar.item(0)
    assert item is not None
    qtbot.mouseClick(
        similar.viewport(), Qt.MouseButton.LeftButton, pos=similar.visualItemRect(item).center()
    )
    qtbot.waitUntil(lambda: loaded.detail.paper is not None and loaded.detail.paper.id == ids[0])
    assert loaded.model.row_of(ids[0]) == loaded.current_row()


@pytest.mark.slow
def test_a_similar_paper_outside_the_table_is_shown_with_its_neighbours(loaded: MainWindow, qtbot):
    source = loaded.model.paper(0)
    assert source is not None
    loaded.search_box.setText(f'title:"{source.title}"')
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 1, timeout=10000)
    select_row(loaded, 0)
    loaded.table.setCurrentIndex(loaded.model.index(0, 0))
    qtbot.waitUntil(lambda: loaded.detail.similar_list.count() > 0, timeout=10000)
    ids = loaded.detail.similar_ids()
    assert loaded.model.row_of(ids[1]) is None
    item = loaded.detail.similar_list.item(1)
    assert item is not None
    loaded.detail.similar_list.itemActivated.emit(item)
    qtbot.waitUntil(lambda: loaded.model.query.scope is not None, timeout=10000)
    idle(loaded, qtbot)
    assert loaded.model.rowCount() == len(ids) + 1
    assert loaded.search_box.text() == ""
    assert loaded.sidebar.current_entry() is None
    assert loaded.detail.paper is not None
    assert loaded.detail.paper.id == ids[1]
    assert loaded.result_count.text().endswith(f"similar to #{source.id}")


def test_the_status_bar_counts_papers_unread_shown_and_selected(pasted: MainWindow, qtbot):
    counts = pasted.counts_label.text()
    assert counts == f"211 papers · 211 unread · 211 shown · {SHARED_DIGEST_PAPERS} selected"
    select_row(pasted, 1)
    qtbot.keyClick(pasted.table, Qt.Key.Key_4)
    idle(pasted, qtbot)
    assert pasted.counts_label.text() == "211 papers · 210 unread · 211 shown · 1 selected"


def test_markup_in_a_digest_is_shown_as_text(window: MainWindow, qtbot):
    title = "<b>Bold</b> &amp; <img src=x> Claims: A Study of Markup"
    abstract = "We <i>never</i> render <script>alert(1)</script> tags."
    window.imports.import_text(f"{title}\n\n{abstract}\n", "clipboard")
    qtbot.waitUntil(lambda: window.detail.paper is not None, timeout=10000)
    assert window.model.data(window.model.index(0, Column.TITLE)) == title
    assert window.detail.title.text().count("&lt;b&gt;") == 1
    assert "<script>" in window.detail.abstract.toPlainText()
