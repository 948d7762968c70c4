"""Tags and lists by hand from the sidebar's menu: rename, merge, recolour and delete a
tag (each undone), and "Export list…" opening the export dialog on that list.

Every paper of the shared digest is tagged: more than one page of rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QMenu

from readinglist.ui.export_dialog import ExportDialog
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE
from readinglist.ui.sidebar import ENTRY_ROLE, Entry
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_actions import action
from tests.test_ui_export import export
from tests.test_ui_lists import make_list
from tests.test_ui_window import idle, sidebar_text

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


@pytest.fixture
def tagged(loaded: MainWindow, qtbot) -> MainWindow:
    assert SHARED_DIGEST_PAPERS > PAGE_SIZE
    library = loaded.library
    ids = loaded.worker.call(lambda: [p.id for p in library.papers()])
    loaded.worker.call(lambda: library.tag(ids, add=["alpha"]))
    loaded.worker.call(lambda: library.tag(ids[:5], add=["beta"]))
    loaded.refresh_counts()
    qtbot.waitUntil(lambda: loaded.sidebar.item("tag:alpha") is not None, timeout=10000)
    idle(loaded, qtbot)
    return loaded


def menu_for(main: MainWindow, key: str) -> QMenu:
    item = main.sidebar.item(key)
    assert item is not None, key
    entry = item.data(0, ENTRY_ROLE)
    assert isinstance(entry, Entry)
    return main.lists.build_sidebar_menu(entry)


def count_text(main: MainWindow, key: str) -> str | None:
    item = main.sidebar.item(key)
    return None if item is None else item.text(0)


def test_the_tag_menu_offers_every_tag_edit(tagged: MainWindow) -> None:
    menu = menu_for(tagged, "tag:alpha")
    names = {a.objectName() for a in menu.actions()}
    assert {"renameTagAction", "colourTagAction", "deleteTagAction"} <= names
    merge = menu.findChild(QMenu, "mergeTagMenu")
    assert merge is not None
    assert [a.text() for a in merge.actions()] == ["beta"]
    assert "clearTagColourAction" not in names  # no colour to clear
    assert menu.findChild(QMenu, "mergeTagMenu") is not None
    assert "renameTagAction" not in {a.objectName() for a in menu_for(tagged, "all").actions()}


@pytest.mark.slow
def test_delete_a_tag_from_the_sidebar_and_undo_it(tagged: MainWindow, qtbot) -> None:
    tagged.lists.tags.delete("alpha", confirm=False)
    qtbot.waitUntil(lambda: tagged.sidebar.item("tag:alpha") is None, timeout=10000)
    library = tagged.library
    assert tagged.worker.call(lambda: [t.name for t in library.tags()]) == ["beta"]
    tagged.undo_action.trigger()
    qtbot.waitUntil(
        lambda: count_text(tagged, "tag:alpha") == f"alpha  ({SHARED_DIGEST_PAPERS})",
        timeout=10000,
    )


@pytest.mark.slow
def test_merge_from_the_menu_then_undo_gives_both_tags_back(tagged: MainWindow, qtbot) -> None:
    menu = menu_for(tagged, "tag:beta")
    merge = menu.findChild(QMenu, "mergeTagMenu")
    assert merge is not None
    action(merge, "alpha").trigger()
    qtbot.waitUntil(lambda: tagged.sidebar.item("tag:beta") is None, timeout=10000)
    assert sidebar_text(tagged, "tag:alpha") == f"alpha  ({SHARED_DIGEST_PAPERS})"
    tagged.undo_action.trigger()
    qtbot.waitUntil(lambda: count_text(tagged, "tag:beta") == "beta  (5)", timeout=10000)
    assert sidebar_text(tagged, "tag:alpha") == f"alpha  ({SHARED_DIGEST_PAPERS})"


@pytest.mark.slow
def test_rename_and_recolour_from_the_sidebar(
    tagged: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagged.lists.tags.rename("beta", "Gamma / Sub")
    qtbot.waitUntil(lambda: tagged.sidebar.item("tag:gamma/sub") is not None, timeout=10000)
    monkeypatch.setattr(QColorDialog, "getColor", lambda *_args: QColor("#ff8800"))
    action(menu_for(tagged, "tag:alpha"), "Colour…").trigger()
    library = tagged.library

    def colour() -> str | None:
        tags = tagged.worker.call(library.tags)
        return next(t.colour for t in tags if t.name == "alpha")

    qtbot.waitUntil(lambda: colour() == "#ff8800", timeout=10000)
    qtbot.waitUntil(
        lambda: (
            "clearTagColourAction"
            in {a.objectName() for a in menu_for(tagged, "tag:alpha").actions()}
        ),
        timeout=10000,
    )
    tagged.undo_action.trigger()
    qtbot.waitUntil(lambda: colour() is None, timeout=10000)
    tagged.undo_action.trigger()
    qtbot.waitUntil(lambda: tagged.sidebar.item("tag:beta") is not None, timeout=10000)


@pytest.mark.slow
def test_export_list_opens_the_dialog_on_that_list(
    loaded: MainWindow, qtbot, tmp_path: Path
) -> None:
    ids = [loaded.model.paper_id(row) for row in range(3)]
    make_list(loaded, qtbot, "Reading group", [i for i in ids if i is not None])
    action(menu_for(loaded, "list:Reading group"), "Export list…").trigger()
    dialog = loaded.findChild(ExportDialog, "exportDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.scope().kind == "list" and dialog.scope().value == "Reading group"
    qtbot.waitUntil(lambda: dialog.summary.text() == "3 papers to export", timeout=10000)
    dialog.choose(format_name="md")
    _path, papers = export(dialog, qtbot, tmp_path / "group.md")
    assert papers == 3
    assert "3 papers, exported" in (tmp_path / "group.md").read_text(encoding="utf-8")
