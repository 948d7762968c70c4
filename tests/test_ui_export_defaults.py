"""The export dialog opens on what the table shows, remembers the last format, and its
preview counts what will be exported (not the 30 papers it renders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.query import typing_query
from readinglist.ui import window_settings
from readinglist.ui.export_dialog import (
    FORMAT_KEY,
    PREVIEW_PAPERS,
    ExportContext,
    counted,
    scope_choices,
    shown_choice,
)
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_export import export, open_dialog, wait_preview

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


@pytest.mark.parametrize(
    ("context", "kind"),
    [
        (ExportContext(), "all"),
        (ExportContext(selection=(1, 2)), "all"),
        (ExportContext(query="nerf", selection=(1,)), "query"),
        (ExportContext(saved_search="Mine", query="nerf"), "search"),
        (ExportContext(list_name="Group", saved_search="Mine", query="nerf"), "list"),
    ],
)
def test_the_dialog_opens_on_what_is_shown(context: ExportContext, kind: str) -> None:
    choices = scope_choices(context)
    assert choices[shown_choice(choices)].scope.kind == kind


def test_the_preview_header_counts_the_whole_export() -> None:
    text = "# Export\n\n30 papers, exported 2026-12-06 07:00 UTC.\n- 30 papers, exported"
    assert counted(text, 30, 211).splitlines()[2].startswith("211 papers, exported")
    assert counted(text, 30, 211).endswith("- 30 papers, exported")  # the header only
    assert counted(text, 30, 30) == text


@pytest.mark.slow
def test_a_markdown_preview_of_the_library_says_how_many_papers_go(
    loaded: MainWindow, qtbot
) -> None:
    assert SHARED_DIGEST_PAPERS > PREVIEW_PAPERS
    dialog = open_dialog(loaded, qtbot)
    assert dialog.scope().kind == "all"
    dialog.choose(format_name="md")
    text = wait_preview(dialog, qtbot, "papers, exported")
    assert f"{SHARED_DIGEST_PAPERS} papers, exported" in text
    assert f"{PREVIEW_PAPERS} papers, exported" not in text
    assert dialog.summary.text() == f"{SHARED_DIGEST_PAPERS} papers to export"
    dialog.reject()


@pytest.mark.slow
def test_the_last_format_is_the_next_default_and_a_search_is_the_scope(
    loaded: MainWindow, qtbot, tmp_path: Path
) -> None:
    first = open_dialog(loaded, qtbot)
    assert first.format_name == "md"  # the first format, before any export
    first.choose(format_name="ris")
    export(first, qtbot, tmp_path / "all.ris")
    # Kept in the window's one settings file, beside its geometry and columns.
    assert window_settings.settings().value(FORMAT_KEY) == "ris"
    loaded.search_box.setText("gaussian splatting")
    typed = typing_query("gaussian splatting")
    qtbot.waitUntil(lambda: loaded.model.query.text == typed, timeout=10000)
    second = open_dialog(loaded, qtbot)
    assert second.format_name == "ris"
    assert second.scope().kind == "query"
    second.reject()
