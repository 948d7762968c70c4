"""Keyboard triage (issue 18): a status key moves on, Esc leaves the notes and clears
the search, Home/End, rating keys, the tag prompt's completion, Enter from the search,
keys pressed outside the table, Enter/double-click opening the paper, Back/Forward."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from readinglist.core.models import PaperQuery, ReadStatus
from readinglist.ui import triage_keys
from readinglist.ui.main_window import MainWindow
from readinglist.ui.open_paper import title_search_url
from readinglist.ui.paper_model import PAGE_SIZE, Column
from readinglist.ui.triage_keys import TagPrompt, advance_enabled
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_open_paper import announce, write_facts
from tests.test_ui_window import WindowFactory

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window


@pytest.fixture
def main(make_window: WindowFactory, digest_library: object, qtbot) -> MainWindow:
    """A window on a library holding the shared digest (211 papers, two pages)."""
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=20000)
    return window


def idle(window: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.busy, timeout=20000)


def current(window: MainWindow, row: int) -> int:
    """Make ``row`` current and the only one selected, the table focused; its paper."""
    window.activateWindow()
    window.table.setFocus()
    window.table.go_to_row(row)
    paper_id = window.model.paper_id(row)
    assert paper_id is not None
    return paper_id


def opened_urls(monkeypatch: pytest.MonkeyPatch, works: bool = True) -> list[str]:
    opened: list[str] = []

    def fake_open(url: QUrl) -> bool:
        opened.append(url.toString())
        return works

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    return opened


def statuses(window: MainWindow, ids: Iterable[int]) -> dict[int, ReadStatus]:
    papers = window.worker.call(lambda: window.library.papers(PaperQuery(ids=tuple(ids))))
    return {paper.id: paper.status for paper in papers}


def test_a_status_key_moves_on_to_the_next_paper_unless_turned_off(main: MainWindow, qtbot):
    first = current(main, 5)
    qtbot.keyClick(main.table, Qt.Key.Key_4)
    idle(main, qtbot)
    second = main.model.paper_id(6)
    assert second is not None
    assert main.table.currentIndex().row() == 6
    assert main.selected_ids() == [second]
    qtbot.keyClick(main.table, Qt.Key.Key_6)
    idle(main, qtbot)
    assert statuses(main, [first, second]) == {first: ReadStatus.READ, second: ReadStatus.DROPPED}
    assert main.table.currentIndex().row() == 7

    main.keys.advance_action.setChecked(False)  # View > Next paper after a status key
    assert not advance_enabled()  # kept for the next start
    qtbot.keyClick(main.table, Qt.Key.Key_2)
    idle(main, qtbot)
    assert main.table.currentIndex().row() == 7


def test_a_status_key_on_a_selection_of_two_pages_stays_put(main: MainWindow, qtbot):
    main.table.setFocus()
    main.table.selectAll()
    assert main.table.selected_count() == SHARED_DIGEST_PAPERS > PAGE_SIZE
    qtbot.keyClick(main.table, Qt.Key.Key_3)
    idle(main, qtbot)
    ids = [main.model.paper_id(row) for row in range(SHARED_DIGEST_PAPERS)]
    assert set(statuses(main, [i for i in ids if i is not None]).values()) == {ReadStatus.READING}
    assert main.table.selected_count() == SHARED_DIGEST_PAPERS


def test_ctrl_digits_rate_a_selection_of_more_than_a_page(main: MainWindow, qtbot):
    main.table.setFocus()
    main.table.selectAll()
    qtbot.keyClick(main.table, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    idle(main, qtbot)
    rated = main.worker.call(lambda: main.library.papers(PaperQuery()))
    assert len(rated) == SHARED_DIGEST_PAPERS
    assert {paper.rating for paper in rated} == {4}
    assert main.statusBar().currentMessage() == f"{SHARED_DIGEST_PAPERS} papers rated 4"


def test_home_and_end_go_to_the_first_and_last_paper(main: MainWindow, qtbot):
    current(main, 3)
    qtbot.keyClick(main.table, Qt.Key.Key_End)
    assert main.table.currentIndex().row() == SHARED_DIGEST_PAPERS - 1
    last = main.model.paper_id(SHARED_DIGEST_PAPERS - 1)
    qtbot.waitUntil(lambda: main.detail.paper is not None and main.detail.paper.id == last)
    qtbot.keyClick(main.table, Qt.Key.Key_Home)
    assert main.table.currentIndex().row() == 0
    assert main.selected_ids() == [main.model.paper_id(0)]


def test_esc_leaves_the_notes_so_a_following_j_moves_on(main: MainWindow, qtbot):
    paper_id = current(main, 2)
    qtbot.keyClick(main.table, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is main.detail.notes_editor)
    qtbot.keyClicks(main.detail.notes_editor, "appendix")
    qtbot.keyClick(main.detail.notes_editor, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is main.table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_J)
    assert main.table.currentIndex().row() == 3
    idle(main, qtbot)
    notes = main.worker.call(lambda: main.library.details(paper_id).paper.notes)
    assert notes == "appendix"  # saved on Esc, and no "j" in it


def test_esc_in_the_search_box_clears_the_search(main: MainWindow, qtbot):
    main.search.focus()
    qtbot.keyClicks(main.search_box, "gaussian")
    qtbot.waitUntil(lambda: 0 < main.model.rowCount() < SHARED_DIGEST_PAPERS, timeout=10000)
    qtbot.keyClick(main.search_box, Qt.Key.Key_Escape)
    assert main.search_box.text() == ""
    assert QApplication.focusWidget() is main.table
    qtbot.waitUntil(lambda: main.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)


def test_enter_from_the_search_then_j_goes_to_the_second_hit(main: MainWindow, qtbot):
    main.search.focus()
    qtbot.keyClicks(main.search_box, "gaussian splatting")
    qtbot.keyClick(main.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main.model.query.text.startswith("gaussian"), timeout=10000)
    idle(main, qtbot)
    assert main.model.rowCount() > 2
    first, second = main.model.paper_id(0), main.model.paper_id(1)
    assert QApplication.focusWidget() is main.table
    qtbot.waitUntil(lambda: main.detail.paper is not None and main.detail.paper.id == first)
    assert main.selected_ids() == [first]  # the first hit is shown, selected
    qtbot.keyClick(main.table, Qt.Key.Key_J)
    assert main.selected_ids() == [second]


def test_the_tag_prompt_completes_the_library_tags(
    main: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    prompt = TagPrompt("paper", ["3d/gaussian-splatting", "llm", "3d/nerf"])
    qtbot.addWidget(prompt)
    completer = prompt.edit.completer()
    assert completer is not None
    completer.setCompletionPrefix("3D/")  # case does not matter, like the detail pane's
    found = [completer.completionModel().index(row, 0).data() for row in range(2)]
    assert completer.completionCount() == 2
    assert found == ["3d/gaussian-splatting", "3d/nerf"]

    current(main, 0)
    main.add_tag("3d/nerf")  # the library now knows the tag
    idle(main, qtbot)
    qtbot.waitUntil(lambda: "3d/nerf" in main.tag_names())
    asked: list[list[str]] = []

    def ask(_parent: QWidget, _noun: str, names: Iterable[str]) -> tuple[str, bool]:
        asked.append(list(names))
        return "3d/nerf", True

    monkeypatch.setattr(triage_keys, "ask_tag", ask)
    paper_id = current(main, 9)
    qtbot.keyClick(main.table, Qt.Key.Key_T)
    idle(main, qtbot)
    assert asked == [["3d/nerf"]]
    tags = main.worker.call(lambda: main.library.details(paper_id).paper.tags)
    assert tags == ("3d/nerf",)


def test_a_triage_key_outside_the_table_says_where_it_works(main: MainWindow, qtbot):
    main.sidebar.setFocus()
    before = main.sidebar.currentItem()
    qtbot.keyClick(main.sidebar, Qt.Key.Key_J)
    assert "works in the paper table" in main.statusBar().currentMessage()
    assert main.sidebar.currentItem() is before  # no jump to an entry starting with "j"
    qtbot.keyClick(main.sidebar, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is main.table


def test_enter_and_double_click_open_the_paper_or_search_its_title(
    main: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
):
    opened = opened_urls(monkeypatch)
    current(main, 0)
    paper = main.model.paper(0)
    assert paper is not None and paper.arxiv_id is None
    qtbot.keyClick(main.table, Qt.Key.Key_Return)
    assert opened == [title_search_url(paper.title)]
    assert opened[0].startswith("https://arxiv.org/search/?query=")
    assert "not looked up yet" in main.statusBar().currentMessage()

    write_facts(main, paper.id, arxiv_id="1706.03762")
    announce(main, qtbot, [paper.id])
    qtbot.waitUntil(lambda: (p := main.model.paper(0)) is not None and p.arxiv_id is not None)
    rect = main.table.visualRect(main.model.index(0, Column.TITLE))
    centre = QPoint(rect.center())
    qtbot.mouseClick(main.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(main.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened[-1] == "https://arxiv.org/abs/1706.03762"


def test_back_and_forward_after_going_to_a_similar_paper(main: MainWindow, qtbot):
    main.search_box.setText("gaussian splatting")
    main.search.apply()
    qtbot.waitUntil(lambda: 0 < main.model.rowCount() < SHARED_DIGEST_PAPERS, timeout=10000)
    idle(main, qtbot)
    source = current(main, 1)
    shown = {main.model.paper_id(row) for row in range(main.model.rowCount())}
    all_ids = main.worker.call(lambda: [p.id for p in main.library.papers(PaperQuery())])
    outside = next(paper_id for paper_id in all_ids if paper_id not in shown)
    main.detail.similarChosen.emit(outside, [outside])
    qtbot.waitUntil(lambda: main.detail.paper is not None and main.detail.paper.id == outside)
    assert main.search_box.text() == ""
    assert main.history.back_action.isEnabled()

    qtbot.keyClick(main.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: main.detail.paper is not None and main.detail.paper.id == source)
    assert main.search_box.text() == "gaussian splatting"
    assert main.model.row_of(outside) is None
    assert main.history.forward_action.isEnabled()

    qtbot.keyClick(main.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: main.detail.paper is not None and main.detail.paper.id == outside)
    assert main.search_box.text() == ""
