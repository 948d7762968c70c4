"""Open paper, the Authors and Published columns, GitHub stars and the detail pane's facts.

Facts are written the way a lookup writes them (the unit of work: arXiv ids, structured
authors, facts with their source and time), then announced as a change, so the window
shows them as it would after a real lookup. Nothing is ever opened in a browser:
QDesktopServices.openUrl is replaced by a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu

from benchmarks.synthetic import synthetic_papers
from readinglist.core.changes import Changes
from readinglist.core.digest_parser import render_digest
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.ui.main_window import MainWindow
from readinglist.ui.open_paper import ASK_ABOVE, MAX_TABS
from readinglist.ui.paper_facts import NO_TARGET, compact_count
from readinglist.ui.paper_model import PAGE_SIZE, SORT_ROLE, Column
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from readinglist.ui.table_columns import WHEN_WIDE
from tests import test_ui_window
from tests.test_ui_actions import answer_question as answer
from tests.test_ui_window import WindowFactory

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

# Local noon: the same day whatever the test machine's time zone.
NOW = datetime(2026, 12, 6, 12).astimezone()
VASWANI = (
    PersonName("Ashish Vaswani", "Vaswani", "Ashish"),
    PersonName("Noam Shazeer", "Shazeer", "Noam"),
    PersonName("Niki Parmar", "Parmar", "Niki"),
)
ABS = "https://arxiv.org/abs/1706.03762"
PDF = "https://arxiv.org/pdf/1706.03762"
DOI = "10.1000/xyz.123"
HF = "https://huggingface.co/papers/some-paper"
BIG = 450  # more than two pages of rows


def idle(main: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not main.busy, timeout=30000)


def write_facts(
    main: MainWindow,
    paper_id: int,
    *,
    arxiv_id: str | None = None,
    names: Sequence[PersonName] = (),
    facts: Sequence[tuple[Field, str, Source]] = (),
    upvotes: int | None = None,
) -> None:
    """What a lookup writes, through the unit of work on the writer."""

    def write() -> None:
        with main.opened.store.unit_of_work(write=True) as uow:
            if arxiv_id is not None:
                uow.set_arxiv_id(paper_id, arxiv_id, NOW)
            if names:
                uow.set_author_names(paper_id, names, NOW)
            if upvotes is not None:
                uow.set_upvotes(paper_id, upvotes, NOW)
            uow.put_facts(paper_id, [MetaField(f, v, s, NOW) for f, v, s in facts], NOW)

    main.worker.call(write)


def announce(main: MainWindow, qtbot, ids: Sequence[int]) -> None:
    main.changes.announce(Changes(count=len(ids), touched=frozenset(ids)))
    idle(main, qtbot)


def import_papers(main: MainWindow, qtbot, count: int) -> list[int]:
    """A digest of ``count`` papers; their ids in row order."""
    main.imports.import_text(render_digest(synthetic_papers(count, 11)), "digest")
    qtbot.waitUntil(lambda: main.model.rowCount() == count, timeout=60000)
    idle(main, qtbot)
    ids = [main.model.paper_id(row) for row in range(count)]
    assert None not in ids
    return [i for i in ids if i is not None]


@pytest.fixture
def papers(window: MainWindow, qtbot) -> dict[str, int]:
    """Four papers: everything known (a), a DOI only (b), a Hugging Face page only
    (c), nothing at all (d)."""
    a, b, c, d = import_papers(window, qtbot, 4)
    write_facts(
        window,
        a,
        arxiv_id="1706.03762",
        names=VASWANI,
        facts=[
            (Field.PUBLISHED, "2017-06-08", Source.ARXIV),
            (Field.PRIMARY_CATEGORY, "cs.CL", Source.ARXIV),
            (Field.GITHUB_STARS, "12345", Source.GITHUB),
            (Field.AUTHORS, "3", Source.ARXIV),
            (Field.ARXIV_ID, "1706.03762", Source.ARXIV),
            (Field.UPVOTES, "42", Source.HUGGINGFACE),
        ],
        upvotes=42,
    )
    write_facts(
        window,
        b,
        names=(PersonName("Google DeepMind"),),
        facts=[(Field.DOI, DOI, Source.IMPORT), (Field.PUBLISHED, "2019", Source.IMPORT)],
    )
    write_facts(window, c, facts=[(Field.HF_PAGE, HF, Source.HUGGINGFACE)])
    announce(window, qtbot, [a, b, c])
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the window asked the desktop to open (none really are)."""
    urls: list[str] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    return urls


def current(main: MainWindow, paper_id: int) -> int:
    """Make the paper the selected, current row, the table focused; its row."""
    row = main.model.row_of(paper_id)
    assert row is not None
    main.select_ids([paper_id])
    main.table.setCurrentIndex(main.model.index(row, Column.TITLE))
    main.activateWindow()
    main.table.setFocus()
    return row


def text(main: MainWindow, paper_id: int, column: Column, role: int = 0) -> object:
    row = main.model.row_of(paper_id)
    assert row is not None
    return main.model.data(main.model.index(row, column), role)


# --- the columns ----------------------------------------------------------------------


def test_the_columns_show_what_a_source_said_and_nothing_else(
    papers: dict[str, int], window: MainWindow
) -> None:
    a, b, c, d = papers["a"], papers["b"], papers["c"], papers["d"]
    assert text(window, a, Column.AUTHORS) == "Vaswani et al."
    assert text(window, b, Column.AUTHORS) == "Google DeepMind"  # not split: as written
    assert text(window, d, Column.AUTHORS) == ""
    assert text(window, a, Column.PUBLISHED) == "2017-06-08"
    assert text(window, b, Column.PUBLISHED) == "2019"  # as precise as known
    for unknown in (c, d):  # never the first-seen year
        assert text(window, unknown, Column.PUBLISHED) == ""
        assert text(window, unknown, Column.PUBLISHED, Qt.ItemDataRole.ToolTipRole) is None
    tip = text(window, a, Column.AUTHORS, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert "Ashish Vaswani, Noam Shazeer, Niki Parmar" in tip
    assert "from arXiv, 6 Dec 2026" in tip
    assert text(window, d, Column.AUTHORS, Qt.ItemDataRole.ToolTipRole) is None
    assert text(window, a, Column.PUBLISHED, SORT_ROLE) == "2017-06-08"


def test_the_code_column_shows_github_stars_only_when_known(
    papers: dict[str, int], window: MainWindow
) -> None:
    assert text(window, papers["a"], Column.CODE) == "★ 12k"
    tip = text(window, papers["a"], Column.CODE, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str) and "12,345 stars on GitHub, from GitHub" in tip
    for paper in ("b", "c", "d"):
        assert text(window, papers[paper], Column.CODE) == ""


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1k"),
        (1234, "1.2k"),
        (1299, "1.2k"),  # never rounded up past the count
        (9999, "9.9k"),
        (12345, "12k"),
        (999_999, "999k"),
        (1_000_000, "1M"),
        (3_450_000, "3.4M"),
    ],
)
def test_star_counts_are_compact(count: int, shown: str) -> None:
    assert compact_count(count) == shown


def test_the_model_passes_the_model_tester_with_the_new_columns(
    papers: dict[str, int], window: MainWindow, qtmodeltester
) -> None:
    qtmodeltester.check(window.model)


def test_a_click_on_authors_or_published_sorts_by_it_as_the_library_does(
    papers: dict[str, int], window: MainWindow, qtbot
) -> None:
    """Issue 15's columns are sortable (issue 18): the rows come in the library's own
    order for that key, papers without the value last (never guessed)."""
    header = window.table.horizontalHeader()
    columns = window.table.columns
    assert columns is not None
    columns.set_choices({Column.AUTHORS: True, Column.PUBLISHED: True})
    for column, key in ((Column.PUBLISHED, "published"), (Column.AUTHORS, "authors")):
        assert window.model.sortable(column)
        left = header.sectionViewportPosition(column)
        assert left >= 0
        with qtbot.waitSignal(window.model.queryFinished, timeout=10000):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(left + 5, 5))
        idle(window, qtbot)
        assert header.sortIndicatorSection() == column
        assert window.model.query.sort == key
        shown = [window.model.paper_id(row) for row in range(window.model.rowCount())]
        descending = window.model.query.descending

        def in_library_order(sort: str = key, descending: bool = descending) -> tuple[int, ...]:
            return window.library.browse(
                sort=sort, descending=descending, limit=1000, with_ids=True
            ).ids

        expected = window.worker.call(in_library_order)
        assert shown == list(expected)


def test_authors_and_published_show_when_the_table_is_wide_and_the_menu_keeps_a_choice(
    make_window: WindowFactory, qtbot
) -> None:
    first = make_window()
    import_papers(first, qtbot, 4)  # the table shows (an empty library shows the welcome)
    first.splitter.setSizes([200, 600, 300])
    first.resize(1000, 650)
    qtbot.waitUntil(lambda: all(first.table.isColumnHidden(c) for c in WHEN_WIDE))
    first.resize(1900, 1000)
    first.splitter.setSizes([200, 1400, 300])
    qtbot.waitUntil(lambda: not any(first.table.isColumnHidden(c) for c in WHEN_WIDE))
    header = first.table.horizontalHeader()
    assert header.visualIndex(Column.AUTHORS) == header.visualIndex(Column.TITLE) + 1
    assert header.visualIndex(Column.PUBLISHED) == header.visualIndex(Column.TITLE) + 2

    columns = first.table.columns
    assert columns is not None
    menu = columns.build_menu()
    assert menu.objectName() == "columnMenu"
    authors = menu.findChild(type(menu.actions()[0]), "columnAuthorsAction")
    assert authors is not None and authors.isChecked()
    authors.trigger()  # hidden, though the table is wide: the user chose
    assert first.table.isColumnHidden(Column.AUTHORS)
    assert not first.table.isColumnHidden(Column.PUBLISHED)
    first.close()

    second = make_window()
    second.resize(1900, 1000)
    second.splitter.setSizes([200, 1400, 300])
    qtbot.waitUntil(lambda: not second.table.isColumnHidden(Column.PUBLISHED))
    assert second.table.isColumnHidden(Column.AUTHORS)
    assert second.table.columns is not None
    second.table.columns.reset()
    assert not second.table.isColumnHidden(Column.AUTHORS)


# --- the detail pane --------------------------------------------------------------------


def test_the_detail_pane_shows_the_facts_and_where_they_came_from(
    papers: dict[str, int], window: MainWindow, qtbot
) -> None:
    detail = window.detail
    current(window, papers["a"])
    qtbot.waitUntil(lambda: detail.paper is not None and detail.paper.id == papers["a"])
    assert detail.authors.text() == "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    assert detail.authors.isVisibleTo(detail)
    facts = detail.facts.text()
    assert "Published 2017-06-08" in facts
    assert f'<a href="{ABS}">1706.03762</a>' in facts
    assert "cs.CL" in facts and "42 upvotes" in facts and "★ 12k stars on GitHub" in facts
    # The sources line, then which fact came from where in the tooltip.
    assert "from arXiv, 6 Dec 2026 · Hugging Face, 6 Dec 2026 · GitHub, 6 Dec 2026" in facts
    tooltip = detail.facts.toolTip()
    assert "Upvotes: 42 upvotes (from Hugging Face, 6 Dec 2026)" in tooltip
    assert "Authors: Ashish Vaswani, Noam Shazeer, Niki Parmar (from arXiv, 6 Dec 2026)" in tooltip

    current(window, papers["b"])
    qtbot.waitUntil(lambda: detail.paper is not None and detail.paper.id == papers["b"])
    assert detail.authors.text() == "Google DeepMind"
    assert "Published 2019" in detail.facts.text()
    # The authors came with the paper (no record of a lookup), the date from an imported
    # file: one source, "an import" with its day; the tooltip says which is which.
    assert "from an import, 6 Dec 2026" in detail.facts.text()
    assert "Authors: Google DeepMind (as imported)" in detail.facts.toolTip()

    current(window, papers["d"])
    qtbot.waitUntil(lambda: detail.paper is not None and detail.paper.id == papers["d"])
    assert not detail.authors.isVisibleTo(detail)  # nothing known: nothing shown
    assert not detail.facts.isVisibleTo(detail)


# --- open paper -------------------------------------------------------------------------


def test_a_opens_the_arxiv_page_and_shift_a_the_pdf(
    papers: dict[str, int], window: MainWindow, qtbot, opened: list[str]
) -> None:
    current(window, papers["a"])
    qtbot.waitUntil(window.opener.open_action.isEnabled)
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert opened == [ABS]
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert opened == [ABS, PDF]
    assert window.opener.open_action.shortcut().toString() == "A"
    assert window.opener.pdf_action.shortcut().toString() == "Shift+A"


def test_the_detail_button_opens_the_page_and_shift_click_the_pdf(
    papers: dict[str, int], window: MainWindow, qtbot, opened: list[str]
) -> None:
    current(window, papers["a"])
    button = window.detail.paper_button
    qtbot.waitUntil(button.isEnabled)
    assert "Shift" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    assert opened == [ABS, PDF]


def test_the_arxiv_link_in_the_detail_pane_opens_the_page(
    papers: dict[str, int], window: MainWindow, qtbot, opened: list[str]
) -> None:
    current(window, papers["a"])
    qtbot.waitUntil(lambda: window.detail.paper is not None)
    window.detail.facts.linkActivated.emit(ABS)
    assert opened == [ABS]


def test_without_an_arxiv_id_a_doi_then_a_hugging_face_page_opens(
    papers: dict[str, int], window: MainWindow, qtbot, opened: list[str]
) -> None:
    current(window, papers["b"])
    qtbot.waitUntil(window.opener.open_action.isEnabled)
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    current(window, papers["c"])
    qtbot.waitUntil(window.opener.open_action.isEnabled)
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # no PDF
    assert opened == [f"https://doi.org/{DOI}", HF]


def test_open_paper_is_disabled_without_anywhere_to_open_and_says_why(
    papers: dict[str, int], window: MainWindow, qtbot, opened: list[str]
) -> None:
    row = current(window, papers["d"])
    action, button = window.opener.open_action, window.detail.paper_button
    qtbot.waitUntil(lambda: not action.isEnabled())
    assert not window.opener.pdf_action.isEnabled()
    assert NO_TARGET in action.toolTip()
    qtbot.waitUntil(lambda: not button.isEnabled())
    assert NO_TARGET in button.toolTip()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert opened == []
    assert window.statusBar().currentMessage() == NO_TARGET
    assert window.current_row() == row  # not the table's type-ahead jump to an "a..." title


def test_the_actions_are_in_the_context_menu_and_the_paper_menu(
    papers: dict[str, int], window: MainWindow
) -> None:
    current(window, papers["a"])
    context = window.build_context_menu()
    names = [action.objectName() for action in context.actions()]
    assert names[:2] == ["openPaperAction", "openPdfAction"]
    paper_menu = window.menuBar().findChild(QMenu, "paperMenu")
    assert paper_menu is not None
    assert window.opener.open_action in paper_menu.actions()
    assert window.opener.pdf_action in paper_menu.actions()


def test_the_shortcut_is_listed(qtbot) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    assert {"a", "Shift+A", "o"} <= set(dialog.key_names())


# --- many papers ------------------------------------------------------------------------


@pytest.fixture
def big(window: MainWindow, qtbot) -> tuple[MainWindow, list[int]]:
    """450 papers, the window showing them all, none of the last rows loaded."""
    ids = import_papers(window, qtbot, BIG)
    assert window.model.loaded_paper(ids[-1]) is None
    return window, ids


def give_arxiv_ids(main: MainWindow, ids: Sequence[int]) -> list[str]:
    """An arXiv id for each paper (none announced: rows not loaded stay so)."""
    given = [f"2401.{10000 + n}" for n in range(len(ids))]
    for paper_id, arxiv_id in zip(ids, given, strict=True):
        write_facts(main, paper_id, arxiv_id=arxiv_id)
    return [f"https://arxiv.org/abs/{arxiv_id}" for arxiv_id in given]


@pytest.mark.slow
def test_a_selection_over_several_pages_opens_each_paper_in_row_order(
    big: tuple[MainWindow, list[int]], qtbot, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main, ids = big
    chosen = [ids[0], ids[PAGE_SIZE + 7], ids[-1]]  # pages 1, 2 and 3
    urls = give_arxiv_ids(main, chosen)
    asked = answer(monkeypatch, yes=True)
    main.table.selectAll()
    assert main.table.selected_count() == BIG
    assert main.opener.open_action.isEnabled()
    main.opener.open_action.trigger()
    qtbot.waitUntil(lambda: len(opened) == 3, timeout=10000)
    assert opened == urls
    assert asked == []  # three tabs: not asked about
    message = main.statusBar().currentMessage()
    assert message.startswith("Opened 3 papers")
    assert f"{BIG - 3} without an arXiv id" in message


@pytest.mark.slow
def test_many_tabs_are_asked_about_first_and_capped(
    big: tuple[MainWindow, list[int]], qtbot, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main, ids = big
    chosen = ids[PAGE_SIZE - 30 : PAGE_SIZE + MAX_TABS]  # across the first page's end
    urls = give_arxiv_ids(main, chosen)
    main.table.selectAll()

    asked = answer(monkeypatch, yes=False)
    main.opener.pdf_action.trigger()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10000)
    idle(main, qtbot)
    assert opened == []
    assert f"the first {MAX_TABS} of the selected papers" in asked[0]

    asked = answer(monkeypatch, yes=True)
    main.opener.pdf_action.trigger()
    qtbot.waitUntil(lambda: len(opened) == MAX_TABS, timeout=10000)
    assert opened == [url.replace("/abs/", "/pdf/") for url in urls[:MAX_TABS]]
    assert f"only the first {MAX_TABS}" in main.statusBar().currentMessage()

    opened.clear()
    main.select_ids(ids[PAGE_SIZE : PAGE_SIZE + ASK_ABOVE])  # ten: not asked
    asked = answer(monkeypatch, yes=False)
    qtbot.keyClick(main.table, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: len(opened) == ASK_ABOVE, timeout=10000)
    assert asked == []
