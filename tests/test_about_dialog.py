"""The About dialog and the resource icons the window uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QLabel

from readinglist import __version__
from readinglist.app_logging import log_path
from readinglist.core.models import ReadStatus
from readinglist.locations import data_locations
from readinglist.resources import APP_ID
from readinglist.storage.backups import backup_folder
from readinglist.ui import app_icons
from readinglist.ui.about_dialog import AboutDialog


def test_about_shows_the_version_and_every_data_location(qtbot, library_dir: Path):
    dialog = AboutDialog(library_dir)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "aboutDialog"
    version = dialog.findChild(QLabel, "aboutVersion")
    assert version is not None and version.text() == f"readinglist {__version__}"
    shown = {name: label.text() for name, label in dialog.path_labels.items()}
    assert shown["Library folder"] == str(library_dir)
    assert shown["Log file"] == str(log_path())
    assert shown["Backups"] == str(backup_folder(library_dir))
    assert shown["Search index"].startswith(str(library_dir / "index-v"))
    icon = dialog.findChild(QLabel, "aboutIcon")
    assert icon is not None and not icon.pixmap().isNull()


def test_copy_puts_the_version_and_paths_on_the_clipboard(qtbot, library_dir: Path):
    dialog = AboutDialog(library_dir)
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.splitlines()[0] == f"readinglist {__version__}"
    assert f"Library folder: {library_dir}" in text
    assert f"Log file: {log_path()}" in text
    assert dialog.copy_button.text() == "Copied"


def test_the_index_location_is_the_one_the_library_opens(opened):
    assert data_locations(opened.library_dir).index == opened.index.folder


def test_app_icon_has_every_size_and_the_desktop_file_name():
    icon = app_icons.app_icon()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256, 512}
    assert app_icons.desktop_file_name() == APP_ID


def test_action_icons_are_tinted_in_the_colour_asked(qtbot):
    image = app_icons.action_icon("search", "#ff0000").pixmap(QSize(24, 24), 1.0).toImage()
    opaque = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert opaque, "nothing drawn"
    assert all(c.red() == 255 and c.green() == 0 and c.blue() == 0 for c in opaque)


@pytest.mark.parametrize("status", list(ReadStatus))
def test_every_status_has_an_icon_in_its_own_colour(qtbot, status: ReadStatus):
    image = app_icons.status_icon(status).pixmap(QSize(24, 24), 1.0).toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }
    assert colours and colours != {QColor("#000000").name()}


def test_every_icon_name_loads(qtbot):
    names = app_icons.icon_names()
    assert len(names) >= 20
    for name in names:
        assert not app_icons.action_icon(name).isNull(), name
    with pytest.raises(ValueError, match="colour"):
        app_icons.action_icon("search", "not-a-colour")
