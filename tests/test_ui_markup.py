"""Text from digests is never markup: every widget, tooltip and message shows it as it is.

A digest whose title, abstract, notes, tags, list names and source name hold ``<img
onerror>``, ``<b>``, ``<script>`` and ``&amp;`` must show those characters literally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMenu

from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.sidebar import NEW_KEY
from tests import test_ui_window
from tests.test_ui_window import idle, select_row

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

EVIL = "<img src=x onerror=alert(1)> <b>bold</b> <script>alert(1)</script> &amp;"
TITLE = f"Injection attacks on parsers {EVIL} revisited"
ABSTRACT = f"We study injection attacks on parsers: {EVIL} and other markup in abstracts."
NOTES = f"My notes {EVIL}"
TAG = "<img src=x onerror=alert(1)> <b>bold &amp;"  # no '/': that makes a tag folder
LIST = f"List {EVIL}"
SEARCH_NAME = f"Search {EVIL}"
SEARCH_QUERY = "<b>bold</b> &amp; injection"
SOURCE = "<b>evil</b> &amp; <img src=x>.txt"
OTHERS = (
    ParsedPaper(
        "Parsers under injection attacks: a survey",
        "A survey of injection attacks on parsers and markup in abstracts.",
        0,
    ),
    ParsedPaper(
        "Defending parsers against injection attacks",
        "Defences for parsers facing injection attacks hidden in markup.",
        0,
    ),
)


def shown_text(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What Qt shows for ``text`` in a label or tooltip of this format (tooltips are
    AutoText: rich text when the text looks like markup)."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText().replace("\u00a0", " ")


def label_shows(label: QLabel, literal: str) -> bool:
    return literal in shown_text(label.text(), label.textFormat())


def test_shown_text_sees_markup():  # the helper itself can fail
    assert shown_text("<b>bold</b>") == "bold"
    assert shown_text("a &amp; b", Qt.TextFormat.RichText) == "a & b"
    assert shown_text("<b>bold</b>", Qt.TextFormat.PlainText) == "<b>bold</b>"


@pytest.fixture
def evil(window: MainWindow, qtbot) -> MainWindow:
    """The window with the evil digest pasted, tagged, noted, listed and searched."""
    digest = render_digest([ParsedPaper(TITLE, ABSTRACT, 0), *OTHERS])
    window.imports.import_text(digest, SOURCE)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20000)
    idle(window, qtbot)
    library = window.library

    def annotate() -> int:
        (found,) = [p for p in library.papers() if p.title == TITLE]
        library.tag([found.id], add=[TAG])
        library.set_notes(found.id, NOTES)
        library.lists.create(LIST)
        library.lists.add(LIST, [found.id])
        library.searches.save(SEARCH_NAME, SEARCH_QUERY)
        return found.id

    window.evil_id = window.worker.call(annotate)  # type: ignore[attr-defined]
    window.refresh_counts()
    window.model.refresh()
    idle(window, qtbot)
    return window


def evil_row(window: MainWindow) -> int:
    row = window.model.row_of(window.evil_id)  # type: ignore[attr-defined]
    assert row is not None
    return row


def test_the_table_shows_markup_literally(evil: MainWindow, qtbot):
    model, row = evil.model, evil_row(evil)
    assert model.data(model.index(row, Column.TITLE)) == TITLE
    tooltip = model.data(model.index(row, Column.TITLE), Qt.ItemDataRole.ToolTipRole)
    assert shown_text(tooltip) == TITLE
    tags = model.data(model.index(row, Column.TAGS))
    assert TAG in tags
    tags_tip = model.data(model.index(row, Column.TAGS), Qt.ItemDataRole.ToolTipRole)
    assert tags_tip is None or TAG in shown_text(tags_tip)


def test_the_detail_pane_shows_markup_literally(evil: MainWindow, qtbot):
    select_row(evil, evil_row(evil))
    qtbot.waitUntil(lambda: evil.detail.paper is not None and evil.detail.paper.title == TITLE)
    detail = evil.detail
    assert label_shows(detail.title, TITLE)
    assert "<img" not in detail.title.text() and "<script" not in detail.title.text()
    assert EVIL in detail.abstract.toPlainText()
    page = detail.abstract.toHtml()
    assert "<img" not in page and "<script" not in page and "<b>" not in page
    assert label_shows(detail.tags_label, TAG)
    assert label_shows(detail.meta, f"id {evil.evil_id}")  # type: ignore[attr-defined]
    assert detail.notes_editor.toPlainText() == NOTES


def test_the_similar_papers_show_markup_literally(evil: MainWindow, qtbot):
    other = next(r for r in range(evil.model.rowCount()) if r != evil_row(evil))
    select_row(evil, other)
    similar = evil.detail.similar_list

    def evil_item() -> bool:
        return any(similar.item(i).text() == TITLE for i in range(similar.count()))

    qtbot.waitUntil(evil_item, timeout=10000)
    item = next(similar.item(i) for i in range(similar.count()) if similar.item(i).text() == TITLE)
    assert TITLE in shown_text(item.toolTip())


def test_the_sidebar_shows_markup_literally(evil: MainWindow, qtbot):
    sidebar = evil.sidebar
    tag = sidebar.item(f"tag:{TAG}")
    assert tag is not None
    assert tag.text(0).startswith(TAG)
    assert shown_text(tag.toolTip(0)) == TAG
    listed = sidebar.item(f"list:{LIST}")
    assert listed is not None and listed.text(0).startswith(LIST)
    assert shown_text(listed.toolTip(0)) == LIST
    saved = sidebar.item(f"search:{SEARCH_NAME}")
    assert saved is not None and saved.text(0) == SEARCH_NAME
    assert shown_text(saved.toolTip(0)) == SEARCH_QUERY
    new = sidebar.item(NEW_KEY)
    assert new is not None and shown_text(new.toolTip(0)) == f"New in {SOURCE}"


def test_the_import_summary_and_status_bar_show_markup_literally(window: MainWindow, qtbot):
    window.imports.import_text(render_digest([ParsedPaper(TITLE, ABSTRACT, 0)]), SOURCE)
    qtbot.waitUntil(lambda: window.import_banner.isVisible(), timeout=20000)
    assert label_shows(window.import_banner.message, f"{SOURCE}: ")
    assert window.statusBar().currentMessage().startswith(f"{SOURCE}: ")  # drawn as plain text
    idle(window, qtbot)


def test_the_remove_tag_menu_shows_ampersands(evil: MainWindow, qtbot):
    select_row(evil, evil_row(evil))
    menu = evil.build_context_menu()
    remove = menu.findChild(QMenu, "removeTagMenu")
    assert remove is not None
    (action,) = remove.actions()
    assert action.text() == TAG.replace("&", "&&")  # shown as one '&', no mnemonic
    menu.deleteLater()


def test_the_window_title_shows_a_markup_folder_literally(qtbot, tmp_path: Path, settings_dir):
    folder = tmp_path / "papers <b>x</b> &amp;"
    window = build_main_window(folder)
    qtbot.addWidget(window)
    try:
        assert window.windowTitle() == f"readinglist — {folder.resolve()}"
        assert window.first_run_message is not None
        assert label_shows(window.welcome, f"Created your library in {folder.resolve()}")
        assert window.statusBar().currentMessage() == window.first_run_message
    finally:
        window.close()


def test_a_search_message_echoing_markup_is_shown_literally(window: MainWindow, qtbot):
    window.search_box.setText("status:<b>x</b>")
    window.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: "<b>x</b>" in window.statusBar().currentMessage())
    tooltip = window.result_count.toolTip()
    assert "unknown status '<b>x</b>'" in shown_text(tooltip)
    assert label_shows(window.result_count, "0 matches")
    idle(window, qtbot)
