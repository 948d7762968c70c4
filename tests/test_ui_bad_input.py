"""Bad input through the window (clipboard, dropped text, dropped and chosen files):
one clear message, and the library is exactly as it was (a full SQL dump compared)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication

from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS, database_dump
from tests.test_bad_input import BAD_INPUTS
from tests.test_ui_import import drop, total
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded

TEXT_INPUTS = ["whitespace", "html-no-papers", "json-truncated", "bibtex-unclosed", "pdf"]
FILE_INPUTS = ["empty", "binary", "pdf", "png", "eml-broken-base64", "json-wrong-shape"]


def _message(main: MainWindow) -> str:
    """What the window said: the import banner's text, else the status bar's."""
    banner = main.import_banner
    text = banner.message.text() if banner.isVisible() else ""
    return text or main.statusBar().currentMessage()


@pytest.mark.parametrize("name", TEXT_INPUTS)
def test_bad_text_pasted_from_the_clipboard_changes_nothing(
    loaded: MainWindow, qtbot, library_dir: Path, name: str
):
    idle(loaded, qtbot)
    before = database_dump(library_dir)
    QGuiApplication.clipboard().setText(BAD_INPUTS[name].decode("utf-8", "replace"))
    loaded.paste_action.trigger()
    qtbot.waitUntil(lambda: bool(_message(loaded)) and not loaded.busy)
    message = _message(loaded)
    assert "Traceback" not in message and message.count("\n") <= 2, message
    assert database_dump(library_dir) == before
    assert total(loaded) == SHARED_DIGEST_PAPERS


def test_an_empty_clipboard_says_so(loaded: MainWindow, qtbot, library_dir: Path):
    idle(loaded, qtbot)
    before = database_dump(library_dir)
    QGuiApplication.clipboard().setText("")
    loaded.paste_action.trigger()
    assert "no text" in loaded.statusBar().currentMessage()
    assert database_dump(library_dir) == before


def test_dropped_text_that_is_no_digest_changes_nothing(
    loaded: MainWindow, qtbot, library_dir: Path
):
    idle(loaded, qtbot)
    before = database_dump(library_dir)
    mime = QMimeData()
    mime.setText("just a sentence, no digest here")
    assert drop(loaded, mime)
    qtbot.waitUntil(lambda: "Not imported" in _message(loaded) and not loaded.busy)
    assert database_dump(library_dir) == before


@pytest.mark.parametrize("name", FILE_INPUTS)
def test_bad_files_dropped_or_chosen_change_nothing(
    loaded: MainWindow, qtbot, library_dir: Path, tmp_path: Path, name: str
):
    idle(loaded, qtbot)
    before = database_dump(library_dir)
    bad = tmp_path / f"{name}.txt"
    bad.write_bytes(BAD_INPUTS[name])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    assert drop(loaded, mime)
    qtbot.waitUntil(lambda: f"{name}.txt" in _message(loaded) and not loaded.busy)
    assert "Not imported" in _message(loaded)
    assert database_dump(library_dir) == before
    loaded.imports.import_files([bad])  # File > Import digest takes the same path
    idle(loaded, qtbot)
    assert database_dump(library_dir) == before
