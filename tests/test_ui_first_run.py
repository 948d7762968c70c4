"""The first start, Help > About, and the icons of the window's actions and sidebar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu

from readinglist.core.models import ReadStatus
from readinglist.ui.about_dialog import AboutDialog
from readinglist.ui.main_window import MainWindow
from readinglist.ui.sidebar import SECTION_ICONS, status_entry
from readinglist.ui.theme import Theme
from tests import test_ui_window
from tests.test_ui_window import WindowFactory

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window


def icon_lightness(icon: QIcon) -> int:
    """The lightness of the icon's most opaque pixel (its ink)."""
    image = icon.pixmap(QSize(24, 24), 1.0).toImage()
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return max(pixels, key=lambda colour: colour.alpha()).lightness()


# --- the first start --------------------------------------------------------------


def test_a_new_library_folder_says_where_it_was_created(
    make_window: WindowFactory, library_dir: Path
):
    assert not library_dir.exists()
    first = make_window()
    expected = f"Created your library in {library_dir.resolve()}"
    assert first.first_run_message == expected
    assert first.statusBar().currentMessage() == expected
    assert first.stack.currentWidget() is first.welcome
    assert expected in first.welcome.text()
    assert "Paste your first digest" in first.welcome.text()
    assert "Paste digest" in first.welcome.text()  # the menu entry it names
    first.close()

    again = make_window()  # the folder exists now: no message
    assert again.first_run_message is None
    assert "Created your library" not in again.statusBar().currentMessage()
    assert "Created your library" not in again.welcome.text()
    assert "Paste your first digest" in again.welcome.text()  # still empty: the hints stay


def test_an_existing_empty_folder_is_not_a_first_run(make_window: WindowFactory, library_dir: Path):
    library_dir.mkdir()
    window = make_window()
    assert window.first_run_message is None
    assert "Created your library" not in window.statusBar().currentMessage()


# --- Help > About -----------------------------------------------------------------


def test_about_opens_from_the_help_menu(window: MainWindow, qtbot, library_dir: Path):
    help_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"
    )
    assert isinstance(help_menu, QMenu)
    assert window.about_action in help_menu.actions()
    assert window.about_action.menuRole() == QAction.MenuRole.AboutRole
    assert not window.about_action.icon().isNull()
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.path_labels["Library folder"].text() == str(library_dir.resolve())
    dialog.close()


# --- icons ------------------------------------------------------------------------


def test_actions_sidebar_and_search_box_have_icons(window: MainWindow):
    actions = (
        window.import_action,
        window.paste_action,
        window.undo_action,
        window.redo_action,
        window.find_action,
        window.search_icon,
    )
    for action in actions:
        assert not action.icon().isNull(), action.text()
    assert not window.detail.code_button.icon().isNull()
    assert not window.detail.project_button.icon().isNull()
    for name in SECTION_ICONS:
        assert not window.sidebar.sections[name].icon(0).isNull(), name
    for status in ReadStatus:
        item = window.sidebar.item(status_entry(status).key)
        assert item is not None and not item.icon(0).isNull(), status
    menu = window.build_context_menu()
    status_menu = menu.findChild(QMenu, "statusMenu")
    assert status_menu is not None
    assert all(not action.icon().isNull() for action in status_menu.actions())
    menu.deleteLater()


def test_icons_follow_the_theme(window: MainWindow, qtbot):
    window.set_theme(Theme.DARK, save=False)
    assert icon_lightness(window.import_action.icon()) > 160  # light ink on dark
    assert icon_lightness(window.sidebar.sections["Tags"].icon(0)) > 160
    assert icon_lightness(window.search_icon.icon()) > 160
    window.set_theme(Theme.LIGHT, save=False)
    assert icon_lightness(window.import_action.icon()) < 100  # dark ink on light
    assert icon_lightness(window.sidebar.sections["Tags"].icon(0)) < 100
    assert icon_lightness(window.detail.code_button.icon()) < 100
    window.set_theme(Theme.SYSTEM, save=False)
